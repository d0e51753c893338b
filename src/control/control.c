#include "control/control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/dashboard.h"
#include "control/scenarios.h"
#include "engine/answer.h"
#include "engine/dispatch.h"
#include "engine/metrics.h"
#include "runs/runs.h"
#include "util/util.h"

static control_config C;

void control_init(const control_config *cfg)
{
    C = *cfg;
}

/* ---- answers ---- */

void control_send_buf(http_request *req, int status, buf *body)
{
    answer_buf(req, status, "application/json", body);
}

void control_send_detail(http_request *req, int status, const char *detail)
{
    answer_detail(req, status, detail);
}

json_value *control_json_body(http_request *req)
{
    if (req->body_len == 0) return json_object(req->arena);
    json_error err;
    json_value *v = json_parse(req->arena, req->body, req->body_len, &err);
    /* A JSON body is taken whatever it was labelled (plain `curl -d` says
     * form-urlencoded); anything else gets told what we accept. */
    const char *ct = http_content_type(req);
    bool json_labelled = !*ct || strcmp(ct, "application/json") == 0 || str_ends_with(ct, "+json");
    if (!v && !json_labelled) {
        control_send_detail(req, 415, arena_printf(req->arena, "unsupported content type %s; send application/json", ct));
        return NULL;
    }
    if (!v) {
        control_send_detail(req, 400, arena_printf(req->arena, "invalid JSON body: %s at line %d column %d",
                                                   err.message, err.line, err.column));
        return NULL;
    }
    if (v->type != JSON_OBJECT) {
        control_send_detail(req, 400, "request body must be a JSON object");
        return NULL;
    }
    return v;
}

bool control_authorized(const http_request *req)
{
    if (!C.api_keys || !C.api_keys[0]) return true;
    const char *auth = http_header_get(req, "Authorization");
    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0) return false;
    for (const char *const *k = C.api_keys; *k; k++)
        if (secret_eq(auth + 7, *k)) return true;
    return false;
}

/* ---- run requests ---- */

static bool read_ttl(http_request *req, const json_value *body, int *ttl)
{
    json_value *v = json_get(body, "ttl_minutes");
    int64_t n = 60;
    if (v && v->type != JSON_NULL && !json_int64(v, &n)) {
        control_send_detail(req, 400, "ttl_minutes must be an integer between 1 and 480");
        return false;
    }
    if (n < 1 || n > 480) {
        control_send_detail(req, 400, "ttl_minutes must be between 1 and 480");
        return false;
    }
    *ttl = (int)n;
    return true;
}

static bool read_twins(http_request *req, const json_value *body, const char ***names, size_t *n)
{
    json_value *arr = json_get(body, "twins");
    if (!arr || arr->type != JSON_ARRAY || arr->len == 0) {
        control_send_detail(req, 400, "twins must be a non-empty array of twin names");
        return false;
    }
    *names = arena_alloc(req->arena, arr->len * sizeof **names);
    *n = 0;
    json_foreach(t, arr) {
        if (t->type != JSON_STRING) {
            control_send_detail(req, 400, "twins must be a non-empty array of twin names");
            return false;
        }
        (*names)[(*n)++] = t->str;
    }
    return true;
}

static run *create_run(http_request *req)
{
    json_value *body = control_json_body(req);
    if (!body) return NULL;
    run_create rc = {.is_public = true};
    if (!read_twins(req, body, (const char ***)&rc.twins, &rc.n_twins)) return NULL;
    if (!read_ttl(req, body, &rc.ttl_minutes)) return NULL;
    json_value *pub = json_get(body, "public");
    if (pub && pub->type != JSON_NULL) {
        if (!json_is_bool(pub)) {
            control_send_detail(req, 400, "public must be a boolean");
            return NULL;
        }
        rc.is_public = json_truthy(pub);
    }
    rc.scenario_id = json_get_str(body, "scenario_id");
    rc.scenario_prompt = json_get_str(body, "scenario_prompt");
    if (rc.scenario_id) {
        json_value *seed = NULL;
        if (!scenarios_resolve(rc.scenario_id, req->arena, &seed)) {
            control_send_detail(req, 404, arena_printf(req->arena, "scenario not found: %s", rc.scenario_id));
            return NULL;
        }
        rc.seed_config = seed;
    }
    int status = 400;
    const char *detail = NULL;
    run *r = runs_create(&rc, &status, &detail, req->arena);
    if (!r) control_send_detail(req, status, detail);
    return r;
}

static void send_run_status(http_request *req, int status, const run *r)
{
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    run_write_status(r, &w);
    control_send_buf(req, status, &out);
}

static void post_twin_runs(http_request *req)
{
    run *r = create_run(req);
    if (r) send_run_status(req, 201, r);
}

static void post_legacy_provision(http_request *req)
{
    run *r = create_run(req);
    if (!r) return;
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_object_begin(&w);
    jw_kv_string(&w, "run_id", r->id);
    jw_kv_string(&w, "status", run_status_name(r->status));
    jw_object_end(&w);
    control_send_buf(req, 201, &out);
}

static void list_runs(http_request *req)
{
    const char *filter = http_query_get(req, "status");
    run **all = NULL;
    size_t n = runs_snapshot(&all);
    /* Newest first, like every listing users read top-down. */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && all[j - 1]->created_ms < all[j]->created_ms; j--) {
            run *t = all[j];
            all[j] = all[j - 1];
            all[j - 1] = t;
        }
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_array_begin(&w);
    for (size_t i = 0; i < n; i++)
        if (!filter || strcmp(filter, run_status_name(all[i]->status)) == 0) run_write_status(all[i], &w);
    jw_array_end(&w);
    free(all);
    control_send_buf(req, 200, &out);
}

/* Resolves {run_id}: 400 when malformed, 404 when unknown. */
static run *find_run(http_request *req, const char *id)
{
    if (!uuid_valid(id)) {
        control_send_detail(req, 400, arena_printf(req->arena, "malformed run id: %s", id));
        return NULL;
    }
    run *r = runs_get(id);
    if (!r) control_send_detail(req, 404, arena_printf(req->arena, "run not found: %s", id));
    return r;
}

static void run_extend(http_request *req, run *r)
{
    json_value *body = control_json_body(req);
    int ttl;
    if (!body || !read_ttl(req, body, &ttl)) return;
    if (runs_extend(r, ttl) == 409) {
        control_send_detail(req, 409, arena_printf(req->arena, "run %s is %s", r->id, run_status_name(r->status)));
        return;
    }
    char when[40];
    format_iso8601(r->expires_ms, true, when, sizeof when);
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_object_begin(&w);
    jw_kv_string(&w, "status", "extended");
    jw_kv_string(&w, "run_id", r->id);
    jw_kv_int(&w, "ttl_minutes", ttl);
    jw_kv_string(&w, "expires_at", when);
    jw_object_end(&w);
    control_send_buf(req, 200, &out);
}

static void run_lock(http_request *req, run *r)
{
    if (run_is_terminal(r)) {
        control_send_detail(req, 409, arena_printf(req->arena, "run %s is %s", r->id, run_status_name(r->status)));
        return;
    }
    bool newly = runs_lock(r);
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_object_begin(&w);
    jw_kv_string(&w, "status", newly ? "locked" : "already_locked");
    jw_kv_string(&w, "run_id", r->id);
    jw_kv_bool(&w, "is_public", false);
    jw_object_end(&w);
    control_send_buf(req, 200, &out);
}

static void run_teardown(http_request *req, run *r)
{
    runs_teardown(r);
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_object_begin(&w);
    jw_kv_string(&w, "status", "cleaning_up");
    jw_kv_string(&w, "run_id", r->id);
    jw_object_end(&w);
    control_send_buf(req, 200, &out);
}

static void run_reset(http_request *req, run *r)
{
    if (run_is_terminal(r)) {
        control_send_detail(req, 409, arena_printf(req->arena, "run %s is %s", r->id, run_status_name(r->status)));
        return;
    }
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    runs_reset(r, &w);
    control_send_buf(req, 200, &out);
}

/* /twin-runs/{id}[/action] and /validate/twins/provision/{id}/action share one table. */
static void run_action(http_request *req, const char *id, const char *action, bool legacy)
{
    run *r = find_run(req, id);
    if (!r) return;
    bool get = strcmp(req->method, "GET") == 0, post = strcmp(req->method, "POST") == 0;
    if (!*action && get && !legacy) send_run_status(req, 200, r);
    else if (strcmp(action, "status") == 0 && get && legacy) send_run_status(req, 200, r);
    else if (!*action && strcmp(req->method, "DELETE") == 0) run_teardown(req, r);
    else if (strcmp(action, "extend") == 0 && post) run_extend(req, r);
    else if (strcmp(action, "lock") == 0 && post) run_lock(req, r);
    else if (strcmp(action, "teardown") == 0 && post) run_teardown(req, r);
    else if (strcmp(action, "reset") == 0 && post) run_reset(req, r);
    else control_send_detail(req, 405, arena_printf(req->arena, "method %s not allowed here", req->method));
}

static void catalog(http_request *req)
{
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_array_begin(&w);
    for (size_t i = 0; i < twin_count(); i++) {
        const twin_def *d = twin_at(i);
        jw_object_begin(&w);
        jw_kv_string(&w, "name", d->name);
        jw_kv_string(&w, "label", d->label);
        jw_kv_string(&w, "kind", d->frontend ? "frontend" : "backend");
        jw_kv_bool(&w, "show_in_ui", d->show_in_ui);
        jw_key(&w, "hosts");
        jw_array_begin(&w);
        for (const char *const *h = d->hosts; h && *h; h++) jw_string(&w, *h);
        jw_array_end(&w);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    control_send_buf(req, 200, &out);
}

static void health(http_request *req)
{
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_object_begin(&w);
    jw_kv_string(&w, "status", "ok");
    jw_kv_string(&w, "version", C.version);
    jw_kv_int(&w, "live_runs", (int64_t)runs_live_count());
    jw_kv_int(&w, "twins", (int64_t)twin_count());
    jw_object_end(&w);
    control_send_buf(req, 200, &out);
}

static void metrics(http_request *req)
{
    buf out = BUF_INIT;
    metrics_write(&out, (int64_t)runs_live_count(), store_size_bytes(runs_store()), http_server_connection_count(C.server));
    answer_buf(req, 200, "text/plain; version=0.0.4", &out);
}

/* ---- admin URLs: /runs/{run}/twins/{twin}/admin/... ---- */

static bool admin_authorized(const http_request *req, const run *r)
{
    if (secret_eq(dispatch_presented_token(req), r->proxy_token)) return true;
    return C.api_keys && C.api_keys[0] && control_authorized(req);
}

/* Splits "/runs/<id>/twins/<name>/admin<sub>" in place. */
static bool split_admin_path(char *p, char **id, char **twin, char **sub)
{
    if (strncmp(p, "/runs/", 6) != 0) return false;
    *id = p + 6;
    char *slash = strchr(*id, '/');
    if (!slash || strncmp(slash, "/twins/", 7) != 0) return false;
    *slash = '\0';
    *twin = slash + 7;
    slash = strchr(*twin, '/');
    if (!slash || strncmp(slash, "/admin", 6) != 0 || (slash[6] && slash[6] != '/')) return false;
    *slash = '\0';
    *sub = slash + 6;
    return true;
}

static void admin_request(http_request *req)
{
    char *path = arena_strdup(req->arena, req->path), *id, *twin, *sub;
    if (!split_admin_path(path, &id, &twin, &sub)) {
        control_send_detail(req, 404, "not found");
        return;
    }
    run *r = find_run(req, id);
    if (!r) return;
    if (!admin_authorized(req, r)) {
        control_send_detail(req, 401, "admin access needs the run's proxy token (?token=, X-Twins-Token) or an API key");
        return;
    }
    twin_instance *ti = run_twin(r, twin);
    if (!ti) {
        control_send_detail(req, 404, arena_printf(req->arena, "twin %s is not part of run %s", twin, r->id));
        return;
    }
    dispatch_admin(req, r, ti, *sub ? sub : "/");
}

/* ---- host-name routing ---- */

/* "<run>--<twin>.<domain>[:port]" -> the instance, or NULL. */
static twin_instance *instance_by_host(http_request *req)
{
    if (!C.public_domain) return NULL;
    const char *host = http_header_get(req, "Host");
    if (!host) return NULL;
    const char *sep = strstr(host, "--");
    const char *dot = sep ? strchr(sep, '.') : NULL;
    if (!sep || !dot || sep - host != 36) return NULL;
    size_t dlen = strlen(C.public_domain);
    if (strncmp(dot + 1, C.public_domain, dlen) != 0 || (dot[1 + dlen] && dot[1 + dlen] != ':')) return NULL;
    char id[37];
    memcpy(id, host, 36);
    id[36] = '\0';
    char *twin = arena_strndup(req->arena, sep + 2, (size_t)(dot - sep - 2));
    run *r = runs_get(id);
    return r ? run_twin(r, twin) : NULL;
}

/* ---- routing ---- */

static bool path_is(const char *path, const char *prefix, const char **rest)
{
    size_t n = strlen(prefix);
    if (strncmp(path, prefix, n) != 0 || (path[n] && path[n] != '/')) return false;
    *rest = path[n] ? path + n + 1 : "";
    return true;
}

/* "<id>/<action>" -> id, action ("" when none). */
static void split_id_action(http_request *req, const char *rest, char **id, char **action)
{
    char *copy = arena_strdup(req->arena, rest);
    char *slash = strchr(copy, '/');
    if (slash) *slash++ = '\0';
    *id = copy;
    *action = slash ? slash : "";
}

static void route_authorized(http_request *req)
{
    const char *path = req->path, *rest;
    bool get = strcmp(req->method, "GET") == 0, post = strcmp(req->method, "POST") == 0;
    char *id, *action;
    if (path_is(path, "/twin-runs", &rest)) {
        if (!*rest && post) post_twin_runs(req);
        else if (!*rest && get) list_runs(req);
        else if (*rest) {
            split_id_action(req, rest, &id, &action);
            run_action(req, id, action, false);
        } else control_send_detail(req, 405, "method not allowed");
    } else if (strcmp(path, "/validate/twins") == 0 && get) {
        catalog(req);
    } else if (path_is(path, "/validate/twins/provision", &rest)) {
        if (!*rest && post) post_legacy_provision(req);
        else if (*rest) {
            split_id_action(req, rest, &id, &action);
            if (strcmp(action, "lock") == 0) control_send_detail(req, 404, "not found");
            else run_action(req, id, action, true);
        } else control_send_detail(req, 405, "method not allowed");
    } else if (strcmp(path, "/metrics") == 0 && get) {
        metrics(req);
    } else if (!scenarios_handle(req)) {
        control_send_detail(req, 404, arena_printf(req->arena, "not found: %s %s", req->method, path));
    }
}

void control_handle(http_request *req)
{
    twin_instance *ti = instance_by_host(req);
    if (ti) {
        dispatch_instance(req, ti);
        return;
    }
    const char *rest;
    if (strcmp(req->path, "/health") == 0) {
        health(req);
    } else if (strncmp(req->path, "/runs/", 6) == 0 && strstr(req->path, "/admin")) {
        admin_request(req);
    } else if (path_is(req->path, "/runs", &rest) && str_ends_with(rest, "/dashboard")) {
        dashboard_page(req, rest);
    } else if (!control_authorized(req)) {
        control_send_detail(req, 401, "missing or invalid API key (Authorization: Bearer <key>)");
    } else {
        route_authorized(req);
    }
}
