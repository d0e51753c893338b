/* Unstructured twin: seeding from seed_config.unstructured (source and
 * destination connectors, and workflows that name them).  Ids come from the
 * run's counters and the clock is the seeding origin, so two runs of one
 * scenario hold identical state. */
#include "twins/unstructured/unstructured.h"
#include "util/util.h"

#define J(...) #__VA_ARGS__

const char us_seed_schema[] = J({
    "type": "object",
    "additionalProperties": false,
    "properties": {
        "sources": {"type": "array", "items": {
            "type": "object", "required": ["name", "type"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "type": {"type": "string", "minLength": 1},
                "config": {"type": "object"}}}},
        "destinations": {"type": "array", "items": {
            "type": "object", "required": ["name", "type"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "type": {"type": "string", "minLength": 1},
                "config": {"type": "object"}}}},
        "workflows": {"type": "array", "items": {
            "type": "object", "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "workflow_type": {"enum": ["basic", "advanced", "platinum", "custom", "template"]},
                "source": {"type": "string"},
                "destination": {"type": "string"},
                "schedule": {"type": "string"},
                "status": {"enum": ["active", "inactive"]},
                "workflow_nodes": {"type": "array"}}}}}
});

/* The connector named name in collection, or NULL. */
static const char *by_name(twin_ctx *ctx, const char *collection, const char *name)
{
    twin_list l = {0};
    store_list_opts o = {0};
    twin_doc_list(ctx, collection, &o, &l);
    for (size_t i = 0; i < l.n; i++)
        if (str_eq(json_get_str(l.items[i], "name"), name)) return json_get_str(l.items[i], "id");
    return NULL;
}

static const char *first_problem(arena *a, const json_value *problems)
{
    const json_value *p = problems->first;
    const json_value *loc = json_get(p, "loc");
    const char *field = loc && loc->last ? json_str(loc->last) : NULL;
    return arena_printf(a, "%s%s%s", field ? field : "", field ? ": " : "", json_get_str(p, "msg"));
}

static int seed_connectors(twin_ctx *ctx, const json_value *seed, const char *collection, int64_t *n, const char **error)
{
    arena *a = ctx->a;
    size_t i = 0;
    json_foreach(c, json_get(seed, collection)) {
        json_value *in = json_clone(a, c);
        if (!json_get(in, "config")) json_set(a, in, "config", json_object(a));
        json_value *problems = json_array(a);
        if (!us_source_insert(ctx, collection, in, problems)) {
            *error = arena_printf(a, "unstructured.%s[%zu].%s", collection, i, first_problem(a, problems));
            return -1;
        }
        (*n)++;
        i++;
    }
    return 0;
}

int us_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error)
{
    arena *a = ctx->a;
    int64_t n_src = 0, n_dst = 0, n_wf = 0;
    if (seed_connectors(ctx, seed, "sources", &n_src, error) || seed_connectors(ctx, seed, "destinations", &n_dst, error))
        return -1;
    size_t i = 0;
    json_foreach(w, json_get(seed, "workflows")) {
        const char *where = arena_printf(a, "unstructured.workflows[%zu]", i++);
        json_value *in = json_clone(a, w);
        if (!json_get(in, "workflow_type")) json_set_str(a, in, "workflow_type", "custom");
        static const char *const refs[][3] = {{"source", "sources", "source_id"}, {"destination", "destinations", "destination_id"}};
        for (size_t k = 0; k < 2; k++) {
            const char *name = json_get_str(in, refs[k][0]);
            if (!name) continue;
            const char *id = by_name(ctx, refs[k][1], name);
            if (!id) {
                *error = arena_printf(a, "%s.%s: no %s named \"%s\" was seeded", where, refs[k][0], refs[k][0], name);
                return -1;
            }
            json_set_str(a, in, refs[k][2], id);
        }
        json_value *problems = json_array(a);
        int status = 0;
        const char *detail = NULL;
        json_value *wf = us_workflow_insert(ctx, in, problems, &status, &detail);
        if (!wf) {
            *error = arena_printf(a, "%s.%s", where, problems->len ? first_problem(a, problems) : detail);
            return -1;
        }
        if (str_eq(json_get_str(w, "status"), "inactive")) {
            json_set_str(a, wf, "status", "inactive");
            twin_doc_put(ctx, "workflows", json_get_str(wf, "id"), wf, NULL, 0);
        }
        n_wf++;
    }
    json_set_int(a, result, "sources", n_src);
    json_set_int(a, result, "destinations", n_dst);
    json_set_int(a, result, "workflows", n_wf);
    return 0;
}
