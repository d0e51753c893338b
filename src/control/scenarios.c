/* Scenarios: CRUD over saved scenarios, presets, seed validation, and the
 * /scenarios routing (contract §2.3).
 *
 * Saved scenarios are stored whole, as the API object, in the control store
 * (run "", twin "_control", collection "scenarios"), so --data-dir keeps
 * them.  Presets are compiled in (presets.c) and read-only. */
#include <stdlib.h>
#include <string.h>

#include "control/control.h"
#include "control/presets.h"
#include "control/scenarios_internal.h"
#include "engine/seed_schema.h"
#include "engine/twin.h"
#include "util/util.h"

#define NAME_MAX_CHARS 200

static const store_key SCENARIOS_KEY = {.run = "", .twin = "_control", .collection = "scenarios"};

static store *ST;

void scenarios_init(store *st)
{
    ST = st;
}

store *scenarios_store(void)
{
    return ST;
}

/* ---- loading ---- */

static bool is_preset_id(const char *id)
{
    return strncmp(id, PRESET_ID_PREFIX, strlen(PRESET_ID_PREFIX)) == 0;
}

json_value *scenario_load(const char *id, arena *a)
{
    if (!id) return NULL;
    if (is_preset_id(id)) return preset_find(id, a);
    if (!ST || !uuid_valid(id)) return NULL;
    size_t len = 0;
    char *text = store_get(ST, a, &SCENARIOS_KEY, id, &len);
    return text ? json_parse(a, text, len, NULL) : NULL;
}

bool scenarios_resolve(const char *id, arena *a, json_value **seed_config)
{
    json_value *s = scenario_load(id, a);
    if (!s) return false;
    json_value *seed = json_get(s, "seed_config");
    /* A scenario without seed data still counts as a scenario baseline. */
    *seed_config = seed && seed->type == JSON_OBJECT ? seed : json_object(a);
    return true;
}

json_value *scenario_default_twins(const json_value *scenario, arena *a)
{
    json_value *twins = json_get(scenario, "twins");
    if (twins && twins->type == JSON_ARRAY && twins->len > 0) return json_clone(a, twins);
    json_value *out = json_array(a);
    json_foreach(member, json_get(scenario, "seed_config")) json_push(out, json_string(a, member->key));
    return out;
}

/* ---- validation ---- */

static const char *catalog_names(arena *a)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < twin_count(); i++) {
        if (i) buf_puts(&b, ", ");
        buf_puts(&b, twin_at(i)->name);
    }
    char *s = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

const char *scenario_check_twins(const json_value *twins, arena *a)
{
    if (!twins || twins->type != JSON_ARRAY) return "twins must be an array of twin names";
    json_foreach(t, twins) {
        if (t->type != JSON_STRING) return "twins must be an array of twin names";
        if (!twin_find(t->str))
            return arena_printf(a, "unknown twin in twins: %s (known twins: %s)", t->str, catalog_names(a));
    }
    return NULL;
}

/* Every unknown twin key is named at once, so one round trip fixes them all. */
static const char *unknown_seed_twins(const json_value *seed_config, arena *a)
{
    buf b = BUF_INIT;
    json_foreach(member, seed_config) {
        if (twin_find(member->key)) continue;
        if (b.len) buf_puts(&b, ", ");
        buf_puts(&b, member->key);
    }
    const char *detail = b.len ? arena_printf(a, "seed_config has unknown twins: %s (known twins: %s)",
                                              buf_cstr(&b), catalog_names(a))
                               : NULL;
    buf_free(&b);
    return detail;
}

bool scenarios_validate_seed(const json_value *seed_config, arena *a, const char **detail)
{
    if (!seed_config || seed_config->type == JSON_NULL) return true;
    if (seed_config->type != JSON_OBJECT) {
        *detail = "seed_config: expected object";
        return false;
    }
    if ((*detail = unknown_seed_twins(seed_config, a)) != NULL) return false;
    json_foreach(member, seed_config) {
        const twin_def *def = twin_find(member->key);
        const char *schema = def->seed_schema ? def->seed_schema : seed_schema_for(def->name);
        const char *path = arena_printf(a, "seed_config.%s", member->key);
        if (!seed_schema_validate_text(schema, member, path, a, detail)) return false;
    }
    return true;
}

static bool optional_string(const json_value *doc, const char *key)
{
    const json_value *v = json_get(doc, key);
    return !v || v->type == JSON_NULL || v->type == JSON_STRING;
}

static const char *check_name(const json_value *doc)
{
    const json_value *name = json_get(doc, "name");
    if (!name || name->type == JSON_NULL) return "name is required";
    if (name->type != JSON_STRING) return "name: expected string";
    size_t chars = 0;
    bool blank = true;
    for (uint32_t i = 0; i < name->len; i++) {
        unsigned char ch = (unsigned char)name->str[i];
        if ((ch & 0xC0) != 0x80) chars++;
        if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') blank = false;
    }
    if (blank) return "name must not be empty";
    if (chars > NAME_MAX_CHARS) return "name: must be at most 200 characters long";
    return NULL;
}

static const char *check_tags(const json_value *tags)
{
    if (tags->type != JSON_ARRAY) return "tags: expected array";
    json_foreach(t, tags)
        if (t->type != JSON_STRING) return "tags: expected an array of strings";
    return NULL;
}

/* Checks a whole scenario document (after defaults or a partial update). */
static const char *check_doc(const json_value *doc, arena *a)
{
    const char *d;
    if ((d = check_name(doc)) != NULL) return d;
    if (!optional_string(doc, "description")) return "description: expected string";
    if (!optional_string(doc, "prompt")) return "prompt: expected string";
    /* seed_config first: twins may have been derived from its keys, and its
     * message names every unknown key at once. */
    if (!scenarios_validate_seed(json_get(doc, "seed_config"), a, &d)) return d;
    if ((d = scenario_check_twins(json_get(doc, "twins"), a)) != NULL) return d;
    if ((d = check_tags(json_get(doc, "tags"))) != NULL) return d;
    return NULL;
}

/* ---- documents ---- */

static const char *const FIELDS[] = {"name", "description", "prompt", "twins", "seed_config", "tags"};

/* Copies the writable fields the body has onto doc.  null resets a field
 * to its empty value (descriptions and prompts become null). */
static void apply_fields(json_value *doc, const json_value *body, arena *a)
{
    for (size_t i = 0; i < sizeof FIELDS / sizeof FIELDS[0]; i++) {
        const json_value *v = json_get(body, FIELDS[i]);
        if (!v) continue;
        json_value *copy = json_clone(a, v);
        if (v->type == JSON_NULL && strcmp(FIELDS[i], "seed_config") == 0) copy = json_object(a);
        if (v->type == JSON_NULL && (strcmp(FIELDS[i], "twins") == 0 || strcmp(FIELDS[i], "tags") == 0))
            copy = json_array(a);
        json_set(a, doc, FIELDS[i], copy);
    }
}

static void now_iso(char out[40])
{
    format_iso8601(now_ms(), true, out, 40);
}

/* A new document with every member present, in the API's order. */
static json_value *new_doc(arena *a)
{
    char id[37], when[40];
    uuid_v4(id);
    now_iso(when);
    json_value *doc = json_object(a);
    json_set_str(a, doc, "id", id);
    json_set_null(a, doc, "name");
    json_set_null(a, doc, "description");
    json_set_null(a, doc, "prompt");
    json_set(a, doc, "twins", json_array(a));
    json_set(a, doc, "seed_config", json_object(a));
    json_set(a, doc, "tags", json_array(a));
    json_set_bool(a, doc, "is_preset", false);
    json_set_str(a, doc, "created_at", when);
    json_set_str(a, doc, "updated_at", when);
    return doc;
}

static int save_doc(const json_value *doc, arena *a)
{
    size_t len = 0;
    char *text = json_to_string(a, doc, &len);
    return store_put(ST, &SCENARIOS_KEY, json_get_str(doc, "id"), text, len, NULL, 0);
}

static void send_value(http_request *req, int status, const json_value *v)
{
    buf out = BUF_INIT;
    json_write(&out, v);
    control_send_buf(req, status, &out);
}

/* ---- handlers ---- */

static void create_scenario(http_request *req)
{
    json_value *body = control_json_body(req);
    if (!body) return;
    arena *a = req->arena;
    json_value *doc = new_doc(a);
    apply_fields(doc, body, a);
    /* Without an explicit list, a scenario is about the twins it seeds. */
    if (!json_get(body, "twins") || json_is_null(json_get(body, "twins")))
        json_set(a, doc, "twins", scenario_default_twins(doc, a));
    const char *detail = check_doc(doc, a);
    if (detail) {
        control_send_detail(req, 400, detail);
        return;
    }
    if (save_doc(doc, a) != 0) {
        control_send_detail(req, 500, arena_printf(a, "could not save the scenario: %s", store_errmsg(ST)));
        return;
    }
    send_value(req, 201, doc);
}

static bool has_string(const json_value *arr, const char *s)
{
    json_foreach(v, arr)
        if (v->type == JSON_STRING && strcmp(v->str, s) == 0) return true;
    return false;
}

/* ?twin=X matches scenarios that list or seed X; ?tag=Y those tagged Y. */
static bool matches(const json_value *doc, const char *twin, const char *tag)
{
    if (twin && !has_string(json_get(doc, "twins"), twin) && !json_get(json_get(doc, "seed_config"), twin))
        return false;
    return !tag || has_string(json_get(doc, "tags"), tag);
}

static bool query_true(http_request *req, const char *name)
{
    const char *v = http_query_get(req, name);
    return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* Saved scenarios in creation order, then presets in catalog order. */
static void list_scenarios(http_request *req)
{
    arena *a = req->arena;
    const char *twin = http_query_get(req, "twin"), *tag = http_query_get(req, "tag");
    json_value *out = json_array(a);
    store_list_opts o = {0};
    store_list_result res = {0};
    if (store_list(ST, a, &SCENARIOS_KEY, &o, &res) != 0) {
        control_send_detail(req, 500, arena_printf(a, "could not list scenarios: %s", store_errmsg(ST)));
        return;
    }
    for (size_t i = 0; i < res.n; i++) {
        json_value *doc = json_parse(a, res.docs[i].json, res.docs[i].len, NULL);
        if (doc && matches(doc, twin, tag)) json_push(out, doc);
    }
    if (query_true(req, "include_presets")) {
        for (size_t i = 0; i < presets_count(); i++) {
            json_value *doc = preset_at(i, a);
            if (doc && matches(doc, twin, tag)) json_push(out, doc);
        }
    }
    send_value(req, 200, out);
}

static void update_scenario(http_request *req, json_value *doc)
{
    json_value *body = control_json_body(req);
    if (!body) return;
    arena *a = req->arena;
    apply_fields(doc, body, a);
    const char *detail = check_doc(doc, a);
    if (detail) {
        control_send_detail(req, 400, detail);
        return;
    }
    char when[40];
    now_iso(when);
    json_set_str(a, doc, "updated_at", when);
    if (save_doc(doc, a) != 0) {
        control_send_detail(req, 500, arena_printf(a, "could not save the scenario: %s", store_errmsg(ST)));
        return;
    }
    send_value(req, 200, doc);
}

static void delete_scenario(http_request *req, const char *id)
{
    scenario_env_drop(id);
    if (store_delete(ST, &SCENARIOS_KEY, id) < 0) {
        control_send_detail(req, 500, arena_printf(req->arena, "could not delete the scenario: %s", store_errmsg(ST)));
        return;
    }
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_object_begin(&w);
    jw_kv_bool(&w, "ok", true);
    jw_kv_string(&w, "id", id);
    jw_object_end(&w);
    control_send_buf(req, 200, &out);
}

static void scenario_item(http_request *req, const char *id)
{
    json_value *doc = scenario_load(id, req->arena);
    if (!doc) {
        control_send_detail(req, 404, arena_printf(req->arena, "scenario not found: %s", id));
        return;
    }
    const char *m = req->method;
    bool write = strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0 || strcmp(m, "DELETE") == 0;
    if (write && json_truthy(json_get(doc, "is_preset"))) {
        control_send_detail(req, 403, arena_printf(req->arena,
            "scenario %s is a preset and read-only; create a copy with POST /scenarios to change it", id));
        return;
    }
    if (strcmp(m, "GET") == 0) send_value(req, 200, doc);
    else if (strcmp(m, "DELETE") == 0) delete_scenario(req, id);
    else if (write) update_scenario(req, doc);
    else control_send_detail(req, 405, "method not allowed");
}

/* ---- routing ---- */

/* The path after prefix, decoded and without a trailing slash; NULL when
 * path is not prefix itself or below it. */
static char *path_rest(http_request *req, const char *prefix)
{
    size_t n = strlen(prefix);
    const char *p = req->path;
    if (strncmp(p, prefix, n) != 0 || (p[n] && p[n] != '/')) return NULL;
    p += n;
    if (*p == '/') p++;
    size_t len = strlen(p);
    if (len && p[len - 1] == '/') len--;
    return http_percent_decode(req->arena, p, len, false, &len);
}

static void scenarios_route(http_request *req, char *rest)
{
    bool get = strcmp(req->method, "GET") == 0, post = strcmp(req->method, "POST") == 0;
    if (!*rest) {
        if (get) list_scenarios(req);
        else if (post) create_scenario(req);
        else control_send_detail(req, 405, "method not allowed");
        return;
    }
    char *action = strchr(rest, '/');
    if (action) *action++ = '\0';
    if (!action) scenario_item(req, rest);
    else if (str_starts_with(action, "twin-environment")) scenario_env_route(req, rest, action);
    else control_send_detail(req, 404, arena_printf(req->arena, "not found: %s %s", req->method, req->path));
}

bool scenarios_handle(http_request *req)
{
    char *rest;
    if ((rest = path_rest(req, "/scenarios")) != NULL) {
        scenarios_route(req, rest);
        return true;
    }
    if ((rest = path_rest(req, "/scenario-twin-environments")) != NULL) {
        if (*rest) control_send_detail(req, 404, arena_printf(req->arena, "not found: %s %s", req->method, req->path));
        else if (strcmp(req->method, "GET") == 0) scenario_env_list(req);
        else control_send_detail(req, 405, "method not allowed");
        return true;
    }
    return false;
}
