#include "engine/dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/answer.h"
#include "engine/faults.h"
#include "engine/journal.h"
#include "engine/metrics.h"
#include "engine/seed.h"
#include "engine/stub.h"
#include "engine/webhooks.h"
#include "http/form.h"
#include "util/util.h"

typedef enum { ENTRY_STATEFUL, ENTRY_STUB } entry_kind;

typedef struct route_entry {
    entry_kind kind;
    const twin_route *route;
    const stub_op *op;
} route_entry;

typedef struct twin_routes {
    router *api;
    router *admin;
    route_entry *entries;
    size_t n_entries;
    size_t n_stateful, n_stub;
} twin_routes;

static twin_routes *routes_by_twin;  /* indexed like the registry */

static size_t twin_index(const twin_def *def)
{
    for (size_t i = 0; i < twin_count(); i++)
        if (twin_at(i) == def) return i;
    abort();
}

static void build_twin_routes(const twin_def *def, twin_routes *tr)
{
    const stub_spec *spec = stub_spec_for(def);
    size_t n_ops = spec ? stub_op_count(spec) : 0;
    tr->entries = calloc(def->n_routes + n_ops + 1, sizeof *tr->entries);
    if (!tr->entries) abort();
    tr->api = router_new();
    for (size_t i = 0; i < def->n_routes; i++) {
        route_entry *e = &tr->entries[tr->n_entries];
        *e = (route_entry){.kind = ENTRY_STATEFUL, .route = &def->routes[i]};
        if (router_add(tr->api, def->routes[i].method, def->routes[i].path, e)) {
            tr->n_entries++;
            tr->n_stateful++;
        }
    }
    for (size_t i = 0; i < n_ops; i++) {
        const stub_op *op = stub_op_at(spec, i);
        route_entry *e = &tr->entries[tr->n_entries];
        *e = (route_entry){.kind = ENTRY_STUB, .op = op};
        if (router_add(tr->api, def->stub_any_method ? "*" : op->method, op->path, e)) {
            tr->n_entries++;
            tr->n_stub++;
        }
    }
    tr->admin = router_new();
    for (size_t i = 0; i < def->n_admin_routes; i++)
        router_add(tr->admin, def->admin_routes[i].method, def->admin_routes[i].path,
                   (void *)&def->admin_routes[i]);
}

void dispatch_init(void)
{
    routes_by_twin = calloc(twin_count(), sizeof *routes_by_twin);
    if (!routes_by_twin) abort();
    for (size_t i = 0; i < twin_count(); i++) build_twin_routes(twin_at(i), &routes_by_twin[i]);
}

void dispatch_free(void)
{
    if (!routes_by_twin) return;
    for (size_t i = 0; i < twin_count(); i++) {
        router_free(routes_by_twin[i].api);
        router_free(routes_by_twin[i].admin);
        free(routes_by_twin[i].entries);
    }
    free(routes_by_twin);
    routes_by_twin = NULL;
}

size_t dispatch_stateful_count(const twin_def *def)
{
    return routes_by_twin[twin_index(def)].n_stateful;
}

size_t dispatch_stub_count(const twin_def *def)
{
    return routes_by_twin[twin_index(def)].n_stub;
}

void dispatch_write_coverage(const twin_def *def, jw *w)
{
    const twin_routes *tr = &routes_by_twin[twin_index(def)];
    jw_object_begin(w);
    jw_kv_string(w, "twin", def->name);
    jw_kv_int(w, "stateful", (int64_t)tr->n_stateful);
    jw_kv_int(w, "stub", (int64_t)tr->n_stub);
    jw_key(w, "operations");
    jw_array_begin(w);
    for (size_t i = 0; i < tr->n_entries; i++) {
        const route_entry *e = &tr->entries[i];
        jw_object_begin(w);
        jw_kv_string(w, "method", e->kind == ENTRY_STATEFUL ? e->route->method : e->op->method);
        jw_kv_string(w, "path", e->kind == ENTRY_STATEFUL ? e->route->path : e->op->path);
        jw_kv_string(w, "implementation", e->kind == ENTRY_STATEFUL ? "stateful" : "stub");
        if (e->kind == ENTRY_STATEFUL && e->route->scope) jw_kv_string(w, "scope", e->route->scope);
        if (e->kind == ENTRY_STUB && e->op->operation_id) jw_kv_string(w, "operation_id", e->op->operation_id);
        jw_object_end(w);
    }
    jw_array_end(w);
    jw_object_end(w);
}

const char *dispatch_presented_token(const http_request *req)
{
    const char *t = http_query_get(req, "token");
    if (!t) t = http_header_get(req, "X-Twins-Token");
    if (!t) t = http_cookie_get(req, "twins_token");
    return t;
}

/* The path percent-decoded for fault patterns, NULL when it has no escape
 * (or one that decodes to a NUL byte, which no pattern can hold). */
static const char *decoded_path(const http_request *req)
{
    if (!strchr(req->path, '%')) return NULL;
    size_t len;
    const char *d = http_percent_decode(req->arena, req->path, strlen(req->path), false, &len);
    return strlen(d) == len ? d : NULL;
}

static twin_ctx *ctx_new(http_request *req, twin_instance *ti)
{
    twin_ctx *ctx = arena_zalloc(req->arena, sizeof *ctx);
    ctx->req = req;
    ctx->a = req->arena;
    ctx->inst = ti;
    ctx->def = ti->def;
    ctx->store = runs_store();
    ctx->run_id = ti->run->id;
    ctx->twin = ti->def->name;
    ctx->config = ti->config;
    ctx->query = form_decode_query(req->arena, req->query, strlen(req->query));
    ctx->body = body_decode(req->arena, http_header_get(req, "Content-Type"), req->body, req->body_len,
                            &ctx->body_error);
    if (!ctx->body) ctx->body = json_object(req->arena);
    req->user = ctx;
    return ctx;
}

static void route_request(twin_ctx *ctx)
{
    http_request *req = ctx->req;
    const twin_routes *tr = &routes_by_twin[twin_index(ctx->def)];
    route_result rr = router_match(tr->api, req->arena, req->method, req->path, &ctx->match);
    /* HEAD is GET without the body (the HTTP layer drops it), also where the
     * path has other methods too (Dropbox downloads take POST and GET). */
    if (rr != ROUTE_FOUND && strcmp(req->method, "HEAD") == 0 &&
        router_match(tr->api, req->arena, "GET", req->path, &ctx->match) == ROUTE_FOUND)
        rr = ROUTE_FOUND;
    if (rr != ROUTE_FOUND) {
        const char *msg = arena_printf(req->arena, "Unrecognized request URL (%s %s).", req->method, req->path);
        twin_error(ctx, rr == ROUTE_METHOD_NOT_ALLOWED ? 405 : 404,
                   rr == ROUTE_METHOD_NOT_ALLOWED ? "method_not_allowed" : "not_found", msg);
        return;
    }
    const route_entry *e = ctx->match.data;
    const twin_route *route = e->kind == ENTRY_STATEFUL ? e->route : NULL;
    /* Routes of scope "public" are browser pages that take no credentials. */
    bool is_public = route && route->scope && strcmp(route->scope, "public") == 0;
    if (!is_public && ctx->def->authenticate && !ctx->def->authenticate(ctx, route)) return;
    if (!route) {
        stub_respond(ctx, e->op);
        return;
    }
    /* One transaction per handler: its writes land together, or not at all
     * when it answers an error (twin.h, "the request's transaction"), and
     * SQLite commits once instead of once per statement. */
    twin_tx_begin(ctx);
    if (ctx->store_failed) twin_answer_store_failure(ctx);
    else route->handler(ctx);
    twin_tx_end(ctx);
}

static void apply_fault_status(twin_ctx *ctx, const fault_hit *hit)
{
    if (hit->retry_after) {
        char v[24];
        snprintf(v, sizeof v, "%lld", (long long)hit->retry_after);
        http_set_header(ctx->req, "Retry-After", v);
    }
    const char *code = hit->error_code[0] ? hit->error_code : hit->status == 429 ? "rate_limited" : "injected_fault";
    const char *msg = hit->message[0] ? hit->message : "Injected fault.";
    twin_error(ctx, hit->status, code, msg);
}

typedef struct delayed {
    uv_timer_t timer;
    twin_ctx *ctx;
    fault_hit hit;
} delayed;

static void delayed_closed(uv_handle_t *h)
{
    free(h->data);
}

static void continue_after_delay(uv_timer_t *t)
{
    delayed *d = t->data;
    twin_ctx *ctx = d->ctx;
    if (run_is_terminal(ctx->inst->run))
        twin_error(ctx, 404, "not_found", "This twin run has ended.");
    else if (d->hit.status)
        apply_fault_status(ctx, &d->hit);
    else
        route_request(ctx);
    uv_close((uv_handle_t *)&d->timer, delayed_closed);
}

static bool token_opens_run(const http_request *req, const run *r)
{
    return secret_eq(dispatch_presented_token(req), r->proxy_token);
}

void dispatch_instance(http_request *req, twin_instance *ti)
{
    run *r = ti->run;
    twin_ctx *ctx = ctx_new(req, ti);
    metrics_request_started();
    runs_request_begin(r);
    if (r->locked && !token_opens_run(req, r)) {
        http_send_json(req, 403, "{\"detail\":\"This twin run is locked; present its proxy token.\"}", 59);
        return;
    }
    if (ti->def->on_request) ti->def->on_request(ctx);
    fault_hit hit = faults_check(ti->faults, req->method, req->path, faults_empty(ti->faults) ? NULL : decoded_path(req));
    if (hit.latency_ms) {
        delayed *d = calloc(1, sizeof *d);
        if (!d) abort();
        d->ctx = ctx;
        d->hit = hit;
        d->timer.data = d;
        uv_timer_init(runs_loop(), &d->timer);
        uv_timer_start(&d->timer, continue_after_delay, hit.latency_ms, 0);
        return;
    }
    if (hit.status) {
        apply_fault_status(ctx, &hit);
        return;
    }
    route_request(ctx);
}

void dispatch_dataplane(http_request *req)
{
    dispatch_instance(req, req->listener_data);
}

void dispatch_on_response(const http_request *req, uint64_t duration_us)
{
    const twin_ctx *ctx = req->user;
    metrics_observe(ctx ? ctx->twin : "_control", req->status, duration_us);
    if (!ctx) return;
    run *r = ctx->inst->run;
    runs_request_end(r);
    if (r->journal) journal_add(r->journal, ctx->twin, req->method, req->target, req->status, duration_us, now_ms());
}

/* ---- admin ---- */

static void send_jw(http_request *req, int status, buf *out)
{
    answer_buf(req, status, "application/json", out);
}

static void send_detail(http_request *req, int status, const char *detail)
{
    answer_detail(req, status, detail);
}

static json_value *admin_json_body(http_request *req, bool required)
{
    if (req->body_len == 0) return required ? NULL : json_object(req->arena);
    json_error err;
    json_value *v = json_parse(req->arena, req->body, req->body_len, &err);
    return v;
}

/* The twin's resources; collections named "_..." are the engine's own
 * bookkeeping (idempotency records, webhook deliveries with their secrets). */
static void write_public_state(http_request *req, const char *run_id, const char *twin, jw *w)
{
    buf dump = BUF_INIT;
    json_value *all = NULL;
    if (store_dump_twin(runs_store(), run_id, twin, &dump) == 0)
        all = json_parse(req->arena, dump.data, dump.len, NULL);
    buf_free(&dump);
    if (!all) {
        jw_null(w);
        return;
    }
    jw_object_begin(w);
    json_foreach(coll, all) {
        if (coll->key[0] == '_') continue;
        jw_key(w, coll->key);
        jw_value(w, coll);
    }
    jw_object_end(w);
}

static void admin_state(http_request *req, run *r, twin_instance *ti)
{
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_object_begin(&w);
    jw_kv_string(&w, "twin", ti->def->name);
    jw_kv_string(&w, "run_id", r->id);
    jw_key(&w, "config");
    jw_value(&w, ti->config);
    jw_key(&w, "state");
    write_public_state(req, r->id, ti->def->name, &w);
    jw_object_end(&w);
    send_jw(req, 200, &out);
}

/* PUT replaces the config (and clears state); PATCH and POST merge.  A PUT
 * body may carry "seed": the twin is then seeded from it, and that becomes
 * its baseline. */
static void admin_config(http_request *req, run *r, twin_instance *ti)
{
    if (strcmp(req->method, "GET") != 0) {
        json_value *cfg = admin_json_body(req, true);
        if (!cfg || cfg->type != JSON_OBJECT) {
            send_detail(req, 400, "config must be a JSON object");
            return;
        }
        bool replace = strcmp(req->method, "PUT") == 0;
        json_value *seed = json_get(cfg, "seed");
        if (seed && replace) {
            json_remove(cfg, "seed");
            const char *detail = NULL;
            if (!runs_reseed_twin(r, ti, cfg, seed, req->arena, &detail)) {
                send_detail(req, 400, detail ? detail : "seeding failed");
                return;
            }
        } else {
            runs_set_config(r, ti, cfg, !replace);
        }
    }
    buf out = BUF_INIT;
    json_write(&out, ti->config);
    send_jw(req, 200, &out);
}

static void admin_faults(http_request *req, twin_instance *ti, const char *rest)
{
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    if (strcmp(req->method, "POST") == 0 && !*rest) {
        json_value *spec = admin_json_body(req, true);
        const char *error = "fault must be a JSON object";
        const char *id = spec ? faults_add(ti->faults, spec, &error) : NULL;
        if (!id) {
            buf_free(&out);
            send_detail(req, 400, arena_printf(req->arena, "invalid fault: %s", error));
            return;
        }
        jw_object_begin(&w);
        jw_kv_string(&w, "id", id);
        jw_kv_bool(&w, "ok", true);
        jw_object_end(&w);
        send_jw(req, 201, &out);
        return;
    }
    if (strcmp(req->method, "DELETE") == 0) {
        if (*rest == '/') {
            if (!faults_remove(ti->faults, rest + 1)) {
                buf_free(&out);
                send_detail(req, 404, "no such fault");
                return;
            }
        } else {
            faults_clear(ti->faults);
        }
        jw_object_begin(&w);
        jw_kv_bool(&w, "ok", true);
        jw_object_end(&w);
        send_jw(req, 200, &out);
        return;
    }
    if (strcmp(req->method, "GET") == 0 && !*rest) {
        faults_write(ti->faults, &w);
        send_jw(req, 200, &out);
        return;
    }
    buf_free(&out);
    send_detail(req, 405, "method not allowed");
}

static void admin_requests(http_request *req, run *r, twin_instance *ti)
{
    if (strcmp(req->method, "DELETE") == 0) {
        journal_clear(r->journal);
        http_send_json(req, 200, "{\"ok\":true}", 11);
        return;
    }
    const char *limit_s = http_query_get(req, "limit");
    size_t limit = limit_s ? (size_t)strtoul(limit_s, NULL, 10) : 0;
    const char *all = http_query_get(req, "all");
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    journal_write(r->journal, str_eq(all, "true") ? NULL : ti->def->name, limit, &w);
    send_jw(req, 200, &out);
}

static void admin_stub_hits(http_request *req, twin_instance *ti, bool clear)
{
    buf out = BUF_INIT;
    if (clear) {
        stub_hits_clear(ti->stub_hits);
        buf_puts(&out, "{\"ok\":true}");
    } else {
        jw w;
        jw_init(&w, &out);
        stub_hits_write(ti->stub_hits, &w);
    }
    send_jw(req, 200, &out);
}

static void admin_reset(http_request *req, run *r, twin_instance *ti)
{
    runs_reset_twin(r, ti);
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_object_begin(&w);
    jw_kv_bool(&w, "ok", true);
    jw_kv_string(&w, "status", "reset_complete");
    jw_kv_string(&w, "twin", ti->def->name);
    jw_kv_string(&w, "baseline_kind", r->has_baseline_seed ? "scenario" : "empty");
    jw_object_end(&w);
    send_jw(req, 200, &out);
}

/* A year and a day: far enough for any expiry a service documents, near
 * enough that offsets stay well inside the range of every time field. */
#define MAX_CLOCK_ADVANCE_S (366 * 86400)

/* GET/POST <admin>/admin/clock: the run's clock for this twin.  POST
 * {"advance_seconds": N} moves it forward; it never goes back. */
static void admin_clock(http_request *req, run *r, twin_instance *ti)
{
    bool post = strcmp(req->method, "POST") == 0;
    if (post) {
        json_value *body = admin_json_body(req, true);
        int64_t secs = 0;
        if (!json_int64(json_get(body, "advance_seconds"), &secs) || secs < 1 || secs > MAX_CLOCK_ADVANCE_S) {
            send_detail(req, 400, "advance_seconds must be an integer from 1 to 31622400 (366 days)");
            return;
        }
        ti->clock_offset_s += secs;
        runs_save(r);
    } else if (strcmp(req->method, "GET") != 0) {
        send_detail(req, 405, "GET or POST");
        return;
    }
    char now[40];
    format_iso8601(twin_instance_now_ms(ti), true, now, sizeof now);
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_object_begin(&w);
    if (post) jw_kv_bool(&w, "ok", true);
    jw_kv_int(&w, "offset_seconds", ti->clock_offset_s);
    jw_kv_string(&w, "now", now);
    jw_object_end(&w);
    send_jw(req, 200, &out);
}

static bool twin_admin_route(http_request *req, twin_instance *ti, const char *sub)
{
    const twin_routes *tr = &routes_by_twin[twin_index(ti->def)];
    route_match m;
    if (router_match(tr->admin, req->arena, req->method, sub, &m) != ROUTE_FOUND) return false;
    const twin_route *route = m.data;
    twin_ctx *ctx = ctx_new(req, ti);
    req->user = NULL; /* admin calls stay out of the data-plane journal */
    ctx->match = m;
    route->handler(ctx);
    return true;
}

/* GET /webhooks/deliveries, POST /webhooks/deliveries/{id}/retry */
static void admin_webhooks(http_request *req, run *r, twin_instance *ti, const char *rest)
{
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    if (strcmp(req->method, "GET") == 0 && !*rest) {
        webhooks_write_deliveries(runs_store(), r->id, ti->def->name, &w);
        send_jw(req, 200, &out);
        return;
    }
    const char *retry = str_ends_with(rest, "/retry") ? rest : NULL;
    if (strcmp(req->method, "POST") == 0 && retry && rest[0] == '/') {
        char *id = arena_strndup(req->arena, rest + 1, strlen(rest) - 1 - strlen("/retry"));
        twin_ctx ctx;
        seed_ctx_init(&ctx, r, ti, req->arena);
        if (!webhooks_retry(&ctx, id)) {
            buf_free(&out);
            if (ctx.store_failed) send_detail(req, 500, "store error");
            else send_detail(req, 404, arena_printf(req->arena, "no such delivery: %s", id));
            return;
        }
        jw_object_begin(&w);
        jw_kv_bool(&w, "ok", true);
        jw_kv_string(&w, "id", id);
        jw_object_end(&w);
        send_jw(req, 202, &out);
        return;
    }
    buf_free(&out);
    send_detail(req, 404, "unknown webhooks admin endpoint");
}

static bool is(const http_request *req, const char *method, const char *sub, const char *path)
{
    return strcmp(req->method, method) == 0 && strcmp(sub, path) == 0;
}

void dispatch_admin(http_request *req, run *r, twin_instance *ti, const char *sub)
{
    if (twin_admin_route(req, ti, sub)) return;
    if (is(req, "GET", sub, "/state")) admin_state(req, r, ti);
    else if (is(req, "POST", sub, "/reset")) admin_reset(req, r, ti);
    else if (strcmp(sub, "/config") == 0) admin_config(req, r, ti);
    else if (strcmp(sub, "/clock") == 0) admin_clock(req, r, ti);
    else if (strcmp(sub, "/requests") == 0) admin_requests(req, r, ti);
    else if (str_starts_with(sub, "/faults")) admin_faults(req, ti, sub + strlen("/faults"));
    else if (str_starts_with(sub, "/webhooks/deliveries"))
        admin_webhooks(req, r, ti, sub + strlen("/webhooks/deliveries"));
    else if (is(req, "GET", sub, "/stub-hits")) admin_stub_hits(req, ti, false);
    else if (is(req, "POST", sub, "/stub-hits/clear")) admin_stub_hits(req, ti, true);
    else if (is(req, "GET", sub, "/openapi")) {
        buf out = BUF_INIT;
        jw w;
        jw_init(&w, &out);
        dispatch_write_coverage(ti->def, &w);
        send_jw(req, 200, &out);
    } else {
        send_detail(req, 404, arena_printf(req->arena, "unknown admin endpoint: %s /admin%s", req->method, sub));
    }
}
