#include "engine/seed.h"

#include <string.h>

void seed_ctx_init(twin_ctx *ctx, run *r, twin_instance *ti, arena *a)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->a = a;
    ctx->inst = ti;
    ctx->def = ti->def;
    ctx->store = runs_store();
    ctx->run_id = r->id;
    ctx->twin = ti->def->name;
    ctx->config = ti->config;
    ctx->query = json_object(a);
    ctx->body = json_object(a);
}

static json_value *skipped(arena *a, const char *reason)
{
    json_value *o = json_object(a);
    json_set_str(a, o, "status", "skipped");
    json_set_str(a, o, "reason", reason);
    return o;
}

bool seed_twin(run *r, twin_instance *ti, const json_value *seed, json_value *result, arena *a)
{
    twin_ctx ctx;
    seed_ctx_init(&ctx, r, ti, a);
    ctx.seeding = true;
    json_set_str(a, result, "status", "seeded");
    const char *error = NULL;
    store_begin(ctx.store);
    /* Same context as the seed: the defaults and the seeded state share one
     * clock and one transaction, as if the seed had made them itself. */
    if (ti->def->on_start) ti->def->on_start(&ctx);
    int rc = ti->def->seed(&ctx, seed, result, &error);
    if (rc == 0 && ctx.store_failed) {
        rc = -1;
        error = arena_printf(a, "seeding failed: %s", store_errmsg(ctx.store));
    }
    if (rc != 0) {
        store_rollback(ctx.store);
        json_set_str(a, result, "status", "error");
        json_set_str(a, result, "error", error ? error : "seeding failed");
        return false;
    }
    store_commit(ctx.store);
    return true;
}

void seed_start_twin(run *r, twin_instance *ti, arena *a)
{
    if (!ti->def->on_start) return;
    twin_ctx ctx;
    seed_ctx_init(&ctx, r, ti, a);
    ctx.seeding = true;
    store_begin(ctx.store);
    ti->def->on_start(&ctx);
    store_commit(ctx.store);
}

bool seed_run(run *r, const json_value *seed_config, const char *prompt, json_value *results, arena *a)
{
    bool ok = true;
    for (size_t i = 0; i < r->n_twins; i++) {
        twin_instance *ti = &r->twins[i];
        const json_value *seed = seed_config ? json_get(seed_config, ti->def->name) : NULL;
        if (!seed) {
            seed_start_twin(r, ti, a);
            json_set(a, results, ti->def->name,
                     skipped(a, prompt ? "prompt seeding needs a model" : "nothing to seed"));
            continue;
        }
        if (!ti->def->seed) {
            seed_start_twin(r, ti, a);
            json_set(a, results, ti->def->name, skipped(a, "this twin has no stateful seeding yet"));
            continue;
        }
        json_value *result = json_object(a);
        json_set(a, results, ti->def->name, result);
        if (!seed_twin(r, ti, seed, result, a)) ok = false;
    }
    return ok;
}
