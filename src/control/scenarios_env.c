/* Scenario twin environments: one long-lived run per scenario, whose base
 * URLs stay the same for as long as it lives (contract §2.3).
 *
 * The scenario -> run mapping is a store record ("_control"/"scenario_envs",
 * keyed by scenario id) so it survives a restart with --data-dir, as the run
 * itself does.  The run is an ordinary run made through runs_create; reading
 * the environment pushes its expiry out to the maximum again, so an
 * environment in use does not expire under its users. */
#include <string.h>

#include "control/control.h"
#include "control/scenarios_internal.h"
#include "runs/runs.h"
#include "util/util.h"

#define ENV_TTL_MINUTES 480     /* the runs module's maximum */

static const store_key ENVS_KEY = {.run = "", .twin = "_control", .collection = "scenario_envs"};

/* ---- records ---- */

static json_value *env_record(const char *scenario_id, arena *a)
{
    size_t len = 0;
    char *text = store_get(scenarios_store(), a, &ENVS_KEY, scenario_id, &len);
    return text ? json_parse(a, text, len, NULL) : NULL;
}

/* The live run behind a record; a record whose run has ended is removed,
 * so the next POST makes a fresh environment. */
static run *record_run(const json_value *rec)
{
    run *r = runs_get(json_get_str(rec, "run_id"));
    if (r && !run_is_terminal(r)) return r;
    const char *sid = json_get_str(rec, "scenario_id");
    if (sid) store_delete(scenarios_store(), &ENVS_KEY, sid);
    return NULL;
}

static run *live_env(const char *scenario_id, arena *a, json_value **rec_out)
{
    json_value *rec = env_record(scenario_id, a);
    run *r = rec ? record_run(rec) : NULL;
    *rec_out = rec;
    return r;
}

static int save_record(const char *scenario_id, const run *r, arena *a)
{
    char when[40];
    format_iso8601(now_ms(), true, when, sizeof when);
    json_value *rec = json_object(a);
    json_set_str(a, rec, "scenario_id", scenario_id);
    json_set_str(a, rec, "run_id", r->id);
    json_set_str(a, rec, "created_at", when);
    size_t len = 0;
    char *text = json_to_string(a, rec, &len);
    return store_put(scenarios_store(), &ENVS_KEY, scenario_id, text, len, NULL, 0);
}

/* ---- answers ---- */

static void write_iso(jw *w, const char *key, int64_t ms)
{
    char when[40];
    format_iso8601(ms, true, when, sizeof when);
    jw_kv_string(w, key, when);
}

/* The environment's members (the caller opens and closes the object). */
static void write_env_members(jw *w, const json_value *rec, const run *r)
{
    jw_kv_string(w, "scenario_id", json_get_str(rec, "scenario_id"));
    jw_kv_string(w, "run_id", r->id);
    jw_kv_string(w, "status", run_status_name(r->status));
    jw_key(w, "twins");
    jw_object_begin(w);
    for (size_t i = 0; i < r->n_twins; i++) {
        jw_key(w, r->twins[i].def->name);
        run_write_twin(r, &r->twins[i], w);
    }
    jw_object_end(w);
    jw_kv_string(w, "created_at", json_get_str(rec, "created_at"));
    write_iso(w, "expires_at", r->expires_ms);
    jw_kv_int(w, "ttl_minutes", r->ttl_minutes);
    jw_kv_bool(w, "is_public", r->is_public);
    jw_kv_string(w, "proxy_token", r->proxy_token);
    jw_key(w, "seed_results");
    if (r->seed_results) jw_raw(w, r->seed_results, strlen(r->seed_results));
    else jw_null(w);
}

static void send_env(http_request *req, int status, const json_value *rec, const run *r)
{
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_object_begin(&w);
    write_env_members(&w, rec, r);
    jw_object_end(&w);
    control_send_buf(req, status, &out);
}

static void no_env(http_request *req, const char *scenario_id)
{
    control_send_detail(req, 404, arena_printf(req->arena, "scenario %s has no twin environment; "
                                               "create one with POST /scenarios/%s/twin-environment",
                                               scenario_id, scenario_id));
}

/* ---- creating ---- */

/* Fills rc from the body and the scenario; false after answering 400. */
static bool read_create(http_request *req, const json_value *body, const json_value *scenario, run_create *rc)
{
    arena *a = req->arena;
    json_value *twins = json_get(body, "twins");
    if (!twins || twins->type == JSON_NULL) twins = scenario_default_twins(scenario, a);
    const char *detail = scenario_check_twins(twins, a);
    if (!detail && twins->len == 0) detail = "the scenario names no twins; pass twins in the body";
    json_value *pub = json_get(body, "public");
    if (!detail && pub && pub->type != JSON_NULL && !json_is_bool(pub)) detail = "public must be a boolean";
    if (detail) {
        control_send_detail(req, 400, detail);
        return false;
    }
    const char **names = arena_alloc(a, twins->len * sizeof *names);
    size_t n = 0;
    json_foreach(t, twins) names[n++] = t->str;
    json_value *seed = json_get(scenario, "seed_config");
    *rc = (run_create){.twins = names, .n_twins = n, .ttl_minutes = ENV_TTL_MINUTES,
                       .scenario_id = json_get_str(scenario, "id"),
                       .seed_config = seed && seed->type == JSON_OBJECT ? seed : json_object(a),
                       .is_public = pub && pub->type != JSON_NULL ? json_truthy(pub) : true};
    return true;
}

static void post_env(http_request *req, const char *scenario_id)
{
    arena *a = req->arena;
    json_value *scenario = scenario_load(scenario_id, a);
    if (!scenario) {
        control_send_detail(req, 404, arena_printf(a, "scenario not found: %s", scenario_id));
        return;
    }
    json_value *body = control_json_body(req);
    if (!body) return;
    json_value *rec;
    run *r = live_env(scenario_id, a, &rec);
    if (r) {
        /* Same environment, same URLs: only its lifetime moves. */
        runs_extend(r, ENV_TTL_MINUTES);
        send_env(req, 200, rec, r);
        return;
    }
    run_create rc;
    if (!read_create(req, body, scenario, &rc)) return;
    int status = 400;
    const char *detail = NULL;
    r = runs_create(&rc, &status, &detail, a);
    if (!r) {
        control_send_detail(req, status, detail ? detail : "could not create the environment");
        return;
    }
    if (save_record(scenario_id, r, a) != 0) {
        runs_teardown(r);
        control_send_detail(req, 500, arena_printf(a, "could not save the environment: %s",
                                                   store_errmsg(scenarios_store())));
        return;
    }
    send_env(req, 201, env_record(scenario_id, a), r);
}

/* ---- the other verbs ---- */

static void get_env(http_request *req, const char *scenario_id)
{
    json_value *rec;
    run *r = live_env(scenario_id, req->arena, &rec);
    if (!r) {
        no_env(req, scenario_id);
        return;
    }
    runs_extend(r, ENV_TTL_MINUTES);
    send_env(req, 200, rec, r);
}

static void reseed_env(http_request *req, const char *scenario_id)
{
    json_value *rec;
    run *r = live_env(scenario_id, req->arena, &rec);
    if (!r) {
        no_env(req, scenario_id);
        return;
    }
    runs_extend(r, ENV_TTL_MINUTES);
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_object_begin(&w);
    jw_key(&w, "reset");
    runs_reset(r, &w);   /* restores the scenario-seeded baseline of every twin */
    write_env_members(&w, rec, r);
    jw_object_end(&w);
    control_send_buf(req, 200, &out);
}

static void delete_env(http_request *req, const char *scenario_id)
{
    json_value *rec;
    run *r = live_env(scenario_id, req->arena, &rec);
    if (!r) {
        no_env(req, scenario_id);
        return;
    }
    char run_id[37];
    memcpy(run_id, r->id, sizeof run_id);
    scenario_env_drop(scenario_id);
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_object_begin(&w);
    jw_kv_bool(&w, "ok", true);
    jw_kv_string(&w, "scenario_id", scenario_id);
    jw_kv_string(&w, "run_id", run_id);
    jw_kv_string(&w, "status", "cancelled");
    jw_object_end(&w);
    control_send_buf(req, 200, &out);
}

void scenario_env_drop(const char *scenario_id)
{
    arena *a = arena_new(0);
    json_value *rec;
    run *r = live_env(scenario_id, a, &rec);
    if (r) runs_teardown(r);
    if (rec) store_delete(scenarios_store(), &ENVS_KEY, scenario_id);
    arena_free(a);
}

void scenario_env_route(http_request *req, const char *scenario_id, const char *action)
{
    const char *m = req->method;
    if (strcmp(action, "twin-environment") == 0) {
        if (strcmp(m, "POST") == 0) post_env(req, scenario_id);
        else if (strcmp(m, "GET") == 0) get_env(req, scenario_id);
        else if (strcmp(m, "DELETE") == 0) delete_env(req, scenario_id);
        else control_send_detail(req, 405, "method not allowed");
    } else if (strcmp(action, "twin-environment/reseed") == 0) {
        if (strcmp(m, "POST") == 0) reseed_env(req, scenario_id);
        else control_send_detail(req, 405, "method not allowed");
    } else {
        control_send_detail(req, 404, arena_printf(req->arena, "not found: %s %s", m, req->path));
    }
}

/* Live environments in creation order; records of ended runs are pruned. */
void scenario_env_list(http_request *req)
{
    arena *a = req->arena;
    store_list_opts o = {0};
    store_list_result res = {0};
    if (store_list(scenarios_store(), a, &ENVS_KEY, &o, &res) != 0) {
        control_send_detail(req, 500, arena_printf(a, "could not list environments: %s",
                                                   store_errmsg(scenarios_store())));
        return;
    }
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_array_begin(&w);
    for (size_t i = 0; i < res.n; i++) {
        json_value *rec = json_parse(a, res.docs[i].json, res.docs[i].len, NULL);
        run *r = rec ? record_run(rec) : NULL;
        if (!r) continue;
        jw_object_begin(&w);
        write_env_members(&w, rec, r);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    control_send_buf(req, 200, &out);
}
