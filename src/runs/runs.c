#include "runs/runs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/faults.h"
#include "engine/journal.h"
#include "engine/ratelimit.h"
#include "engine/seed.h"
#include "engine/seed_schema.h"
#include "engine/stub.h"
#include "util/map.h"
#include "util/util.h"

#define MAX_TTL_MINUTES 480
#define TOMBSTONE_MS (60 * 60 * 1000)   /* terminal runs stay readable this long */
#define REAP_INTERVAL_MS 1000

static struct {
    uv_loop_t *loop;
    store *st;
    http_server *srv;
    runs_config cfg;
    http_handler dataplane;
    map by_id;
    uv_timer_t reaper;
    unsigned char *port_used;   /* one byte per port of the range */
    int port_cursor;
    size_t live;
} R;

static const store_key RUNS_KEY = {.run = "", .twin = "_control", .collection = "runs"};

uv_loop_t *runs_loop(void) { return R.loop; }
store *runs_store(void) { return R.st; }
const runs_config *runs_cfg(void) { return &R.cfg; }
size_t runs_live_count(void) { return R.live; }

const char *run_status_name(run_status s)
{
    static const char *const names[] = {"queued", "provisioning", "ready", "failed", "expired", "cancelled"};
    return names[s];
}

static run_status status_from_name(const char *s)
{
    for (int i = RUN_QUEUED; i <= RUN_CANCELLED; i++)
        if (str_eq(s, run_status_name((run_status)i))) return (run_status)i;
    return RUN_FAILED;
}

bool run_is_terminal(const run *r)
{
    return r->status == RUN_EXPIRED || r->status == RUN_CANCELLED || r->status == RUN_FAILED;
}

run *runs_get(const char *id)
{
    return id ? map_get(&R.by_id, id) : NULL;
}

twin_instance *run_twin(run *r, const char *name)
{
    if (run_is_terminal(r)) return NULL;
    for (size_t i = 0; i < r->n_twins; i++)
        if (strcmp(r->twins[i].def->name, name) == 0) return &r->twins[i];
    return NULL;
}

/* ---- ports and listeners ---- */

static void release_port(int port)
{
    if (port >= R.cfg.port_lo && port <= R.cfg.port_hi) R.port_used[port - R.cfg.port_lo] = 0;
}

/* Tries the preferred port first (a restored run keeps its URLs), then
 * walks the range from a rotating cursor. */
static bool listen_instance(twin_instance *ti, int preferred)
{
    int span = R.cfg.port_hi - R.cfg.port_lo + 1;
    for (int attempt = -1; attempt < span; attempt++) {
        int port;
        if (attempt < 0) {
            if (preferred < R.cfg.port_lo || preferred > R.cfg.port_hi) continue;
            port = preferred;
        } else {
            port = R.cfg.port_lo + (R.port_cursor + attempt) % span;
        }
        if (R.port_used[port - R.cfg.port_lo]) continue;
        const char *err = NULL;
        int bound = 0;
        http_listener *l = http_listen(R.srv, R.cfg.bind_host, port, R.dataplane, ti, &bound, &err);
        if (!l) continue;
        R.port_used[port - R.cfg.port_lo] = 1;
        if (attempt >= 0) R.port_cursor = (R.port_cursor + attempt + 1) % span;
        ti->port = port;
        ti->listener = l;
        return true;
    }
    return false;
}

static char *control_origin(void)
{
    char out[300];
    if (R.cfg.public_domain)
        snprintf(out, sizeof out, "%s://%s", R.cfg.public_scheme, R.cfg.public_domain);
    else
        snprintf(out, sizeof out, "http://%s:%d", R.cfg.advertise_host, R.cfg.main_port);
    return strdup(out);
}

static void set_urls(run *r, twin_instance *ti)
{
    char url[400];
    if (R.cfg.public_domain)
        snprintf(url, sizeof url, "%s://%s--%s.%s", R.cfg.public_scheme, r->id, ti->def->name, R.cfg.public_domain);
    else
        snprintf(url, sizeof url, "http://%s:%d", R.cfg.advertise_host, ti->port);
    free(ti->base_url);
    ti->base_url = strdup(url);
    char *origin = control_origin();
    snprintf(url, sizeof url, "%s/runs/%s/twins/%s", origin, r->id, ti->def->name);
    free(origin);
    free(ti->admin_url);
    ti->admin_url = strdup(url);
}

static void load_config(twin_instance *ti, const char *text)
{
    if (ti->config_arena) arena_reset(ti->config_arena);
    else ti->config_arena = arena_new(2048);
    ti->config = text ? json_parse(ti->config_arena, text, strlen(text), NULL) : NULL;
    if (!ti->config || ti->config->type != JSON_OBJECT) {
        const char *def = ti->def->default_config ? ti->def->default_config : "{}";
        ti->config = json_parse(ti->config_arena, def, strlen(def), NULL);
    }
    if (!ti->config) ti->config = json_object(ti->config_arena);
}

static bool instance_open(run *r, twin_instance *ti, const twin_def *def, int preferred_port, const char *config)
{
    ti->def = def;
    ti->run = r;
    ti->stub_hits = stub_hits_new();
    ti->faults = faults_new();
    ti->rate_limits = ratelimit_new();
    load_config(ti, config);
    if (!listen_instance(ti, preferred_port)) return false;
    set_urls(r, ti);
    return true;
}

static void instance_close_listener(twin_instance *ti)
{
    if (ti->listener) {
        http_listener_close(ti->listener);
        ti->listener = NULL;
        release_port(ti->port);
    }
}

static void instance_free(twin_instance *ti)
{
    instance_close_listener(ti);
    free(ti->base_url);
    free(ti->admin_url);
    arena_free(ti->config_arena);
    stub_hits_free(ti->stub_hits);
    faults_free(ti->faults);
    ratelimit_free(ti->rate_limits);
    memset(ti, 0, sizeof *ti);
}

static void run_free(run *r)
{
    for (size_t i = 0; i < r->n_twins; i++) instance_free(&r->twins[i]);
    free(r->twins);
    free(r->scenario_id);
    free(r->scenario_prompt);
    free(r->seed_results);
    free(r->error);
    free(r->provision_config);
    journal_free(r->journal);
    free(r);
}

/* ---- persistence ---- */

static void write_run_record(const run *r, jw *w)
{
    jw_object_begin(w);
    jw_kv_string(w, "id", r->id);
    jw_kv_string(w, "status", run_status_name(r->status));
    if (R.cfg.node_id) jw_kv_string(w, "node", R.cfg.node_id);
    jw_kv_int(w, "created_ms", r->created_ms);
    jw_kv_int(w, "expires_ms", r->expires_ms);
    jw_kv_int(w, "ended_ms", r->ended_ms);
    jw_kv_int(w, "ttl_minutes", r->ttl_minutes);
    jw_kv_bool(w, "is_public", r->is_public);
    jw_kv_bool(w, "locked", r->locked);
    jw_kv_string(w, "proxy_token", r->proxy_token);
    jw_kv_string(w, "scenario_id", r->scenario_id);
    jw_kv_string(w, "scenario_prompt", r->scenario_prompt);
    jw_kv_string(w, "error", r->error);
    jw_kv_bool(w, "has_baseline_seed", r->has_baseline_seed);
    jw_key(w, "seed_results");
    if (r->seed_results) jw_raw(w, r->seed_results, strlen(r->seed_results)); else jw_null(w);
    jw_key(w, "provision_config");
    if (r->provision_config) jw_raw(w, r->provision_config, strlen(r->provision_config)); else jw_null(w);
    jw_key(w, "twins");
    jw_array_begin(w);
    for (size_t i = 0; i < r->n_twins; i++) {
        jw_object_begin(w);
        jw_kv_string(w, "name", r->twins[i].def->name);
        jw_kv_int(w, "port", r->twins[i].port);
        jw_kv_int(w, "epoch", r->twins[i].epoch);
        jw_kv_int(w, "clock_offset_s", r->twins[i].clock_offset_s);
        jw_key(w, "config");
        jw_value(w, r->twins[i].config);
        jw_object_end(w);
    }
    jw_array_end(w);
    jw_object_end(w);
}

void runs_save(run *r)
{
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    write_run_record(r, &w);
    if (store_put(R.st, &RUNS_KEY, r->id, out.data, out.len, NULL, 0) != 0)
        fprintf(stderr, "twins: saving run %s failed: %s\n", r->id, store_errmsg(R.st));
    buf_free(&out);
}

static char *dup_json_str(const json_value *o, const char *key)
{
    const char *s = json_get_str(o, key);
    return s ? strdup(s) : NULL;
}

static char *dup_json_text(const json_value *v)
{
    if (!v || v->type == JSON_NULL) return NULL;
    buf b = BUF_INIT;
    json_write(&b, v);
    return buf_steal(&b, NULL);
}

static int64_t get_i64(const json_value *o, const char *key)
{
    int64_t v = 0;
    json_int64(json_get(o, key), &v);
    return v;
}

static void set_terminal(run *r, run_status status);

static void restore_one(const json_value *rec, arena *a)
{
    run *r = calloc(1, sizeof *r);
    if (!r) abort();
    snprintf(r->id, sizeof r->id, "%s", json_get_str(rec, "id") ? json_get_str(rec, "id") : "");
    r->status = status_from_name(json_get_str(rec, "status"));
    r->created_ms = get_i64(rec, "created_ms");
    r->expires_ms = get_i64(rec, "expires_ms");
    r->ended_ms = get_i64(rec, "ended_ms");
    r->ttl_minutes = (int)get_i64(rec, "ttl_minutes");
    r->is_public = json_truthy(json_get(rec, "is_public"));
    r->locked = json_truthy(json_get(rec, "locked"));
    snprintf(r->proxy_token, sizeof r->proxy_token, "%s", json_get_str(rec, "proxy_token") ? json_get_str(rec, "proxy_token") : "");
    r->scenario_id = dup_json_str(rec, "scenario_id");
    r->scenario_prompt = dup_json_str(rec, "scenario_prompt");
    r->error = dup_json_str(rec, "error");
    r->has_baseline_seed = json_truthy(json_get(rec, "has_baseline_seed"));
    r->seed_results = dup_json_text(json_get(rec, "seed_results"));
    r->provision_config = dup_json_text(json_get(rec, "provision_config"));
    r->journal = journal_new();
    map_put(&R.by_id, r->id, r);
    if (run_is_terminal(r)) return;
    json_value *twins = json_get(rec, "twins");
    r->twins = calloc(twins ? twins->len + 1 : 1, sizeof *r->twins);
    if (!r->twins) abort();
    json_foreach(t, twins) {
        const twin_def *def = twin_find(json_get_str(t, "name"));
        if (!def) continue;
        twin_instance *ti = &r->twins[r->n_twins++];
        char *cfg = json_to_string(a, json_get(t, "config"), NULL);
        if (!instance_open(r, ti, def, (int)get_i64(t, "port"), cfg)) {
            fprintf(stderr, "twins: no free port to restore run %s\n", r->id);
            set_terminal(r, RUN_FAILED);
            return;
        }
        ti->epoch = get_i64(t, "epoch");
        ti->clock_offset_s = get_i64(t, "clock_offset_s");
    }
    R.live++;
    if (r->expires_ms <= now_ms()) {
        set_terminal(r, RUN_EXPIRED);
        return;
    }
    /* State written by an older server may predate a twin's defaults. */
    for (size_t i = 0; i < r->n_twins; i++) seed_start_twin(r, &r->twins[i], a);
}

void runs_restore(void)
{
    arena *a = arena_new(0);
    store_list_opts o = {0};
    store_list_result res;
    if (store_list(R.st, a, &RUNS_KEY, &o, &res) == 0) {
        for (size_t i = 0; i < res.n; i++) {
            json_value *rec = json_parse(a, res.docs[i].json, res.docs[i].len, NULL);
            if (!rec || runs_get(json_get_str(rec, "id"))) continue;
            /* In a shared store, other nodes' runs are theirs to serve. */
            if (R.cfg.node_id && !str_eq(json_get_str(rec, "node"), R.cfg.node_id)) continue;
            restore_one(rec, a);
        }
    }
    arena_free(a);
}

/* ---- lifecycle ---- */

static void set_terminal(run *r, run_status status)
{
    if (run_is_terminal(r)) return;
    bool was_live = r->status == RUN_READY || r->status == RUN_PROVISIONING || r->status == RUN_QUEUED;
    r->status = status;
    r->ended_ms = now_ms();
    for (size_t i = 0; i < r->n_twins; i++) {
        instance_close_listener(&r->twins[i]);
        ratelimit_clear(r->twins[i].rate_limits);
    }
    store_clear_run(R.st, r->id);
    if (was_live && R.live) R.live--;
    runs_save(r);
}

static void drop_run(run *r)
{
    map_remove(&R.by_id, r->id);
    store_delete(R.st, &RUNS_KEY, r->id);
    run_free(r);
}

static void reap(uv_timer_t *t)
{
    int64_t now = now_ms();
    run **all = NULL;
    size_t n = runs_snapshot(&all);
    for (size_t i = 0; i < n; i++) {
        run *r = all[i];
        if (!run_is_terminal(r) && r->expires_ms <= now) set_terminal(r, RUN_EXPIRED);
        if (run_is_terminal(r) && r->inflight == 0 && now - r->ended_ms > TOMBSTONE_MS) drop_run(r);
    }
    free(all);
}

void runs_init(uv_loop_t *loop, store *st, http_server *srv, const runs_config *cfg, http_handler dataplane)
{
    R.loop = loop;
    R.st = st;
    R.srv = srv;
    R.cfg = *cfg;
    R.dataplane = dataplane;
    map_init(&R.by_id);
    R.port_used = calloc((size_t)(cfg->port_hi - cfg->port_lo + 1), 1);
    if (!R.port_used) abort();
    uv_timer_init(loop, &R.reaper);
    uv_timer_start(&R.reaper, reap, REAP_INTERVAL_MS, REAP_INTERVAL_MS);
    uv_unref((uv_handle_t *)&R.reaper);
}

void runs_shutdown(void)
{
    uv_timer_stop(&R.reaper);
    uv_close((uv_handle_t *)&R.reaper, NULL);
    size_t pos = 0;
    void *v;
    while (map_next(&R.by_id, &pos, NULL, &v)) {
        run *r = v;
        /* The server has closed every listener already; the runs stay
         * recorded in the store so a restart with --data-dir restores them. */
        for (size_t i = 0; i < r->n_twins; i++) r->twins[i].listener = NULL;
        run_free(r);
    }
    map_free(&R.by_id);
    free(R.port_used);
    R.port_used = NULL;
}

size_t runs_snapshot(run ***out)
{
    size_t n = map_len(&R.by_id), i = 0, pos = 0;
    run **all = malloc((n ? n : 1) * sizeof *all);
    if (!all) abort();
    void *v;
    while (map_next(&R.by_id, &pos, NULL, &v)) all[i++] = v;
    *out = all;
    return i;
}

void runs_request_begin(run *r) { r->inflight++; }
void runs_request_end(run *r) { if (r->inflight > 0) r->inflight--; }

static bool validate_create(const run_create *rc, int *status, const char **detail, arena *a)
{
    *status = 400;
    if (rc->n_twins == 0) {
        *detail = "twins must be a non-empty array of twin names";
        return false;
    }
    for (size_t i = 0; i < rc->n_twins; i++) {
        if (!twin_find(rc->twins[i])) {
            *detail = arena_printf(a, "unknown twin: %s", rc->twins[i]);
            return false;
        }
    }
    if (rc->ttl_minutes < 1 || rc->ttl_minutes > MAX_TTL_MINUTES) {
        *detail = "ttl_minutes must be between 1 and 480";
        return false;
    }
    return true;
}

static bool already_listed(const run *r, const twin_def *def)
{
    for (size_t i = 0; i < r->n_twins; i++)
        if (r->twins[i].def == def) return true;
    return false;
}

static char *configs_text(const run *r)
{
    buf b = BUF_INIT;
    jw w;
    jw_init(&w, &b);
    jw_object_begin(&w);
    for (size_t i = 0; i < r->n_twins; i++) {
        jw_key(&w, r->twins[i].def->name);
        jw_value(&w, r->twins[i].config);
    }
    jw_object_end(&w);
    return buf_steal(&b, NULL);
}

run *runs_create(const run_create *rc, int *status, const char **detail, arena *a)
{
    if (!validate_create(rc, status, detail, a)) return NULL;
    run *r = calloc(1, sizeof *r);
    if (!r) abort();
    uuid_v4(r->id);
    random_token(r->proxy_token, 40);
    r->status = RUN_PROVISIONING;
    r->created_ms = now_ms();
    r->ttl_minutes = rc->ttl_minutes;
    r->expires_ms = r->created_ms + (int64_t)rc->ttl_minutes * 60000;
    r->is_public = rc->is_public;
    r->scenario_id = rc->scenario_id ? strdup(rc->scenario_id) : NULL;
    r->scenario_prompt = rc->scenario_prompt ? strdup(rc->scenario_prompt) : NULL;
    r->journal = journal_new();
    r->twins = calloc(rc->n_twins, sizeof *r->twins);
    if (!r->twins) abort();
    for (size_t i = 0; i < rc->n_twins; i++) {
        const twin_def *def = twin_find(rc->twins[i]);
        if (already_listed(r, def)) continue;
        if (!instance_open(r, &r->twins[r->n_twins++], def, 0, NULL)) {
            run_free(r);
            *status = 503;
            *detail = "no free port left in the twin port range";
            return NULL;
        }
    }
    map_put(&R.by_id, r->id, r);
    R.live++;

    json_value *results = json_object(a);
    bool seeded = seed_run(r, rc->seed_config, rc->scenario_id ? NULL : rc->scenario_prompt, results, a);
    r->seed_results = dup_json_text(results);
    r->has_baseline_seed = rc->seed_config != NULL;
    for (size_t i = 0; i < r->n_twins; i++) store_save_baseline(R.st, r->id, r->twins[i].def->name);
    r->provision_config = configs_text(r);
    if (seeded) {
        r->status = RUN_READY;
        runs_save(r);
    } else {
        r->error = strdup("seeding failed; see seed_results");
        set_terminal(r, RUN_FAILED);
    }
    return r;
}

int runs_extend(run *r, int ttl_minutes)
{
    if (run_is_terminal(r)) return 409;
    if (ttl_minutes < 1 || ttl_minutes > MAX_TTL_MINUTES) return 400;
    r->ttl_minutes = ttl_minutes;
    r->expires_ms = now_ms() + (int64_t)ttl_minutes * 60000;
    runs_save(r);
    return 200;
}

bool runs_lock(run *r)
{
    bool was = r->locked;
    r->locked = true;
    r->is_public = false;
    if (!was) runs_save(r);
    return !was;
}

void runs_teardown(run *r)
{
    set_terminal(r, RUN_CANCELLED);
}

/* After the store gave the instance its state back (baseline) or took it
 * (clear): a new epoch, so cursors from before are refused, and fresh
 * rate-limit windows.  Every way of starting over goes through here. */
static void state_started_over(twin_instance *ti)
{
    ti->epoch++;
    ratelimit_clear(ti->rate_limits);
}

void runs_reset_twin(run *r, twin_instance *ti)
{
    store_restore_baseline(R.st, r->id, ti->def->name);
    state_started_over(ti);
    arena *a = arena_new(0);
    json_value *configs = r->provision_config ? json_parse(a, r->provision_config, strlen(r->provision_config), NULL) : NULL;
    json_value *cfg = json_get(configs, ti->def->name);
    load_config(ti, cfg ? json_to_string(a, cfg, NULL) : NULL);
    seed_start_twin(r, ti, a);
    arena_free(a);
    runs_save(r);
}

void runs_reset(run *r, jw *w)
{
    jw_object_begin(w);
    jw_kv_string(w, "run_id", r->id);
    jw_kv_string(w, "status", "reset_complete");
    jw_kv_string(w, "baseline_kind", r->has_baseline_seed ? "scenario" : "empty");
    jw_key(w, "factory_reset");
    jw_object_begin(w);
    for (size_t i = 0; i < r->n_twins; i++) {
        runs_reset_twin(r, &r->twins[i]);
        jw_key(w, r->twins[i].def->name);
        jw_object_begin(w);
        jw_kv_string(w, "status", "ok");
        jw_object_end(w);
    }
    jw_object_end(w);
    jw_key(w, "seed_results");
    if (r->seed_results) jw_raw(w, r->seed_results, strlen(r->seed_results)); else jw_object_begin(w), jw_object_end(w);
    jw_object_end(w);
}

/* runs_set_config without starting the twin (the caller seeds it). */
static void apply_config(run *r, twin_instance *ti, const json_value *config, bool merge)
{
    arena *a = arena_new(0);
    json_value *next;
    if (merge) {
        next = json_clone(a, ti->config);
        json_merge(a, next, config);
    } else {
        const char *def = ti->def->default_config ? ti->def->default_config : "{}";
        next = json_parse(a, def, strlen(def), NULL);
        json_merge(a, next, config);
        store_clear_twin(R.st, r->id, ti->def->name);
        state_started_over(ti);
    }
    load_config(ti, json_to_string(a, next, NULL));
    arena_free(a);
    runs_save(r);
}

void runs_set_config(run *r, twin_instance *ti, const json_value *config, bool merge)
{
    apply_config(r, ti, config, merge);
    /* A replace empties the state; a merge may change what the defaults
     * depend on (Calendar's primary calendar is the configured email). */
    arena *a = arena_new(0);
    seed_start_twin(r, ti, a);
    arena_free(a);
}

/* Replaces one member of a JSON object held as malloc'd text. */
static char *text_with_member(const char *text, const char *key, const json_value *value, arena *a)
{
    json_value *obj = text ? json_parse(a, text, strlen(text), NULL) : NULL;
    if (!obj || obj->type != JSON_OBJECT) obj = json_object(a);
    json_set(a, obj, key, json_clone(a, value));
    return dup_json_text(obj);
}

bool runs_reseed_twin(run *r, twin_instance *ti, const json_value *config, const json_value *seed, arena *a,
                      const char **detail)
{
    const char *schema = ti->def->seed_schema ? ti->def->seed_schema : seed_schema_for(ti->def->name);
    const char *path = arena_printf(a, "seed_config.%s", ti->def->name);
    if (!seed_schema_validate_text(schema, seed, path, a, detail)) return false;
    apply_config(r, ti, config, false);
    json_value *result = json_object(a);
    bool ok;
    if (ti->def->seed) {
        ok = seed_twin(r, ti, seed, result, a);
    } else {
        seed_start_twin(r, ti, a);
        json_set_str(a, result, "status", "skipped");
        json_set_str(a, result, "reason", "this twin has no stateful seeding yet");
        ok = true;
    }
    if (!ok) {
        store_clear_twin(R.st, r->id, ti->def->name);
        seed_start_twin(r, ti, a);
        *detail = json_get_str(result, "error");
    }
    store_save_baseline(R.st, r->id, ti->def->name);
    char *results = text_with_member(r->seed_results, ti->def->name, result, a);
    free(r->seed_results);
    r->seed_results = results;
    char *configs = text_with_member(r->provision_config, ti->def->name, ti->config, a);
    free(r->provision_config);
    r->provision_config = configs;
    r->has_baseline_seed = true;
    runs_save(r);
    return ok;
}

/* ---- status objects ---- */

static void write_iso(jw *w, const char *key, int64_t ms)
{
    char when[40];
    format_iso8601(ms, true, when, sizeof when);
    jw_kv_string(w, key, when);
}

void run_write_twin(const run *r, const twin_instance *ti, jw *w)
{
    jw_object_begin(w);
    jw_kv_string(w, "name", ti->def->name);
    jw_kv_string(w, "label", ti->def->label);
    jw_kv_string(w, "kind", ti->def->frontend ? "frontend" : "backend");
    jw_kv_string(w, "base_url", ti->base_url);
    jw_kv_string(w, "admin_url", ti->admin_url);
    jw_kv_bool(w, "show_in_ui", ti->def->show_in_ui);
    jw_key(w, "env_vars");
    arena *a = arena_new(0);
    json_value *env = json_object(a);
    twin_env e = {.run_id = r->id, .base_url = ti->base_url, .admin_url = ti->admin_url,
                  .proxy_token = r->proxy_token, .config = ti->config};
    if (ti->def->env_vars) ti->def->env_vars(&e, a, env);
    jw_value(w, env);
    arena_free(a);
    jw_object_end(w);
}

void run_write_status(const run *r, jw *w)
{
    jw_object_begin(w);
    jw_kv_string(w, "run_id", r->id);
    jw_kv_string(w, "status", run_status_name(r->status));
    jw_key(w, "twins");
    jw_object_begin(w);
    if (!run_is_terminal(r)) {
        for (size_t i = 0; i < r->n_twins; i++) {
            jw_key(w, r->twins[i].def->name);
            run_write_twin(r, &r->twins[i], w);
        }
    }
    jw_object_end(w);
    write_iso(w, "created_at", r->created_ms);
    write_iso(w, "expires_at", r->expires_ms);
    jw_kv_int(w, "ttl_minutes", r->ttl_minutes);
    jw_kv_bool(w, "is_public", r->is_public);
    jw_kv_bool(w, "locked", r->locked);
    jw_kv_string(w, "proxy_token", r->proxy_token);
    char *origin = control_origin();
    char url[400];
    snprintf(url, sizeof url, "%s/runs/%s/dashboard", origin, r->id);
    free(origin);
    jw_kv_string(w, "dashboard_url", url);
    jw_kv_string(w, "scenario_id", r->scenario_id);
    jw_key(w, "seed_results");
    if (r->seed_results) jw_raw(w, r->seed_results, strlen(r->seed_results)); else jw_object_begin(w), jw_object_end(w);
    jw_kv_string(w, "error", r->error);
    jw_object_end(w);
}
