/* Unstructured twin: the Platform API (/api/v1): source and destination
 * connectors, workflows, and the jobs a workflow run creates.  Shapes are
 * the Platform API's SourceConnectorInformation,
 * DestinationConnectorInformation, WorkflowInformation and JobInformation. */
#include <stdlib.h>
#include <string.h>

#include "twins/unstructured/unstructured.h"
#include "util/util.h"

static const char *const source_types[] = {
    "azure", "box", "confluence", "couchbase", "databricks_volumes", "dropbox", "elasticsearch", "gcs",
    "google_drive", "kafka-cloud", "mongodb", "onedrive", "outlook", "postgres", "s3", "salesforce", "sharepoint",
    "slack", "snowflake", "jira", "zendesk", NULL};
static const char *const destination_types[] = {
    "azure", "astradb", "azure_ai_search", "couchbase", "databricks_volumes", "databricks_volume_delta_tables",
    "delta_table", "elasticsearch", "gcs", "kafka-cloud", "milvus", "mongodb", "motherduck", "neo4j", "onedrive",
    "pinecone", "postgres", "redis", "qdrant-cloud", "s3", "snowflake", "weaviate-cloud", NULL};
static const char *const workflow_types[] = {"basic", "advanced", "platinum", "custom", "template", NULL};
static const char *const schedules[] = {"every 15 minutes", "every hour", "every 2 hours", "every 4 hours",
                                        "every 6 hours", "every 8 hours", "every 10 hours", "every 12 hours",
                                        "daily", "weekly", "monthly", NULL};
static const char *const crons[] = {"*/15 * * * *", "0 * * * *", "0 */2 * * *", "0 */4 * * *", "0 */6 * * *",
                                    "0 */8 * * *", "0 */10 * * *", "0 */12 * * *", "0 0 * * *", "0 0 * * 0",
                                    "0 0 1 * *", NULL};

static int index_of(const char *v, const char *const *list)
{
    for (int i = 0; v && list[i]; i++)
        if (str_eq(v, list[i])) return i;
    return -1;
}

/* "Input should be 'a', 'b' or 'c'" */
static const char *enum_message(arena *a, const char *const *list)
{
    buf b = BUF_INIT;
    buf_append(&b, "Input should be ", 16);
    for (size_t i = 0; list[i]; i++) buf_printf(&b, "%s'%s'", i == 0 ? "" : list[i + 1] ? ", " : " or ", list[i]);
    char *r = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return r;
}

static bool is_collection_source(const char *collection)
{
    return str_eq(collection, "sources");
}

static const char *connector_label(const char *collection)
{
    return is_collection_source(collection) ? "Source connector" : "Destination connector";
}

/* ---- connectors ---- */

/* Checks a create/update body; missing fields and bad values go to problems. */
static void check_connector(twin_ctx *ctx, const char *collection, const json_value *in, bool creating, json_value *problems)
{
    arena *a = ctx->a;
    const char *const *types = is_collection_source(collection) ? source_types : destination_types;
    if (!in || in->type != JSON_OBJECT) {
        us_problem(ctx, problems, "model_attributes_type", "body", NULL, "Input should be a valid dictionary or object", in);
        return;
    }
    const json_value *name = json_get(in, "name"), *type = json_get(in, "type"), *config = json_get(in, "config");
    if (creating && !name) us_problem(ctx, problems, "missing", "body", "name", "Field required", in);
    else if (name && name->type != JSON_STRING) us_problem(ctx, problems, "string_type", "body", "name", "Input should be a valid string", name);
    if (creating && !type) us_problem(ctx, problems, "missing", "body", "type", "Field required", in);
    else if (type && index_of(json_str(type), types) < 0) us_problem(ctx, problems, "enum", "body", "type", enum_message(a, types), type);
    if (!config) us_problem(ctx, problems, "missing", "body", "config", "Field required", in);
    else if (config->type != JSON_OBJECT) us_problem(ctx, problems, "dict_type", "body", "config", "Input should be a valid dictionary", config);
}

json_value *us_source_insert(twin_ctx *ctx, const char *collection, const json_value *in, json_value *problems)
{
    arena *a = ctx->a;
    check_connector(ctx, collection, in, true, problems);
    if (problems->len) return NULL;
    json_value *s = json_object(a);
    json_set_str(a, s, "id", us_uuid(ctx));
    json_set(a, s, "name", json_clone(a, json_get(in, "name")));
    json_set(a, s, "type", json_clone(a, json_get(in, "type")));
    json_set(a, s, "config", json_clone(a, json_get(in, "config")));
    json_set_str(a, s, "created_at", us_now_iso(ctx));
    json_set_null(a, s, "updated_at");
    twin_doc_put(ctx, collection, json_get_str(s, "id"), s, NULL, 0);
    return s;
}

static json_value *find_doc(twin_ctx *ctx, const char *collection, const char *param, const char *label)
{
    const char *id = us_param_uuid(ctx, param);
    if (!id) return NULL;
    json_value *d = twin_doc_get(ctx, collection, id);
    if (!d) us_detail(ctx, 404, arena_printf(ctx->a, "%s with id %s not found", label, id));
    return d;
}

static void connectors_list(twin_ctx *ctx, const char *collection)
{
    const char *key = is_collection_source(collection) ? "source_type" : "destination_type";
    const char *const *types = is_collection_source(collection) ? source_types : destination_types;
    const char *want = json_get_str(ctx->query, key);
    if (want && index_of(want, types) < 0) {
        json_value *problems = json_array(ctx->a);
        us_problem(ctx, problems, "enum", "query", key, enum_message(ctx->a, types), json_string(ctx->a, want));
        return us_unprocessable(ctx, problems);
    }
    json_value *all = twin_doc_all(ctx, collection), *out = json_array(ctx->a), *next;
    for (json_value *s = all->first; s; s = next) {
        next = s->next;
        s->next = NULL;
        if (!want || str_eq(json_get_str(s, "type"), want)) json_push(out, s);
    }
    twin_reply_json(ctx, 200, out);
}

static void connector_create(twin_ctx *ctx, const char *collection)
{
    json_value *problems = json_array(ctx->a);
    json_value *s = us_source_insert(ctx, collection, ctx->body, problems);
    if (!s) return us_unprocessable(ctx, problems);
    twin_reply_json(ctx, 200, s);
}

static void connector_update(twin_ctx *ctx, const char *collection, const char *param)
{
    arena *a = ctx->a;
    json_value *s = find_doc(ctx, collection, param, connector_label(collection));
    if (!s) return;
    json_value *problems = json_array(a);
    check_connector(ctx, collection, ctx->body, false, problems);
    if (problems->len) return us_unprocessable(ctx, problems);
    const char *type = json_get_str(ctx->body, "type");
    if (type && !str_eq(type, json_get_str(s, "type")))
        return us_detail(ctx, 400, arena_printf(a, "%s type cannot be changed", connector_label(collection)));
    json_set(a, s, "config", json_clone(a, json_get(ctx->body, "config")));
    if (json_get_str(ctx->body, "name")) json_set(a, s, "name", json_clone(a, json_get(ctx->body, "name")));
    json_set_str(a, s, "updated_at", us_now_iso(ctx));
    twin_doc_put(ctx, collection, json_get_str(s, "id"), s, NULL, 0);
    twin_reply_json(ctx, 200, s);
}

/* A connector a workflow uses can not be deleted. */
static const char *used_by(twin_ctx *ctx, const char *collection, const char *id)
{
    json_value *all = twin_doc_all(ctx, "workflows");
    json_foreach(w, all) json_foreach(x, json_get(w, collection)) if (str_eq(json_str(x), id)) return json_get_str(w, "id");
    return NULL;
}

static void connector_get(twin_ctx *ctx, const char *collection, const char *param)
{
    json_value *s = find_doc(ctx, collection, param, connector_label(collection));
    if (s) twin_reply_json(ctx, 200, s);
}

static void connector_delete(twin_ctx *ctx, const char *collection, const char *param)
{
    arena *a = ctx->a;
    json_value *s = find_doc(ctx, collection, param, connector_label(collection));
    if (!s) return;
    const char *id = json_get_str(s, "id"), *wf = used_by(ctx, collection, id);
    if (wf)
        return us_detail(ctx, 409, arena_printf(a, "%s with id %s is used by workflow %s", connector_label(collection), id, wf));
    twin_doc_delete(ctx, collection, id);
    us_detail(ctx, 200, arena_printf(a, "%s with id %s successfully deleted.", connector_label(collection), id));
}

void us_sources_list(twin_ctx *ctx) { connectors_list(ctx, "sources"); }
void us_source_create(twin_ctx *ctx) { connector_create(ctx, "sources"); }
void us_source_update(twin_ctx *ctx) { connector_update(ctx, "sources", "source_id"); }
void us_source_delete(twin_ctx *ctx) { connector_delete(ctx, "sources", "source_id"); }
void us_source_get(twin_ctx *ctx) { connector_get(ctx, "sources", "source_id"); }
void us_destinations_list(twin_ctx *ctx) { connectors_list(ctx, "destinations"); }
void us_destination_create(twin_ctx *ctx) { connector_create(ctx, "destinations"); }
void us_destination_update(twin_ctx *ctx) { connector_update(ctx, "destinations", "destination_id"); }
void us_destination_delete(twin_ctx *ctx) { connector_delete(ctx, "destinations", "destination_id"); }
void us_destination_get(twin_ctx *ctx) { connector_get(ctx, "destinations", "destination_id"); }

/* ---- workflows ---- */

static json_value *node(twin_ctx *ctx, const char *name, const char *type, const char *subtype, const char *strategy)
{
    arena *a = ctx->a;
    json_value *n = json_object(a), *settings = json_object(a);
    json_set_str(a, n, "id", us_uuid(ctx));
    json_set_str(a, n, "name", name);
    json_set_str(a, n, "type", type);
    json_set_str(a, n, "subtype", subtype);
    if (strategy) json_set_str(a, settings, "strategy", strategy);
    json_set(a, n, "settings", settings);
    return n;
}

/* The nodes an auto workflow gets: a partitioner of its type's strength and
 * a chunker. */
static json_value *default_nodes(twin_ctx *ctx, const char *type)
{
    json_value *nodes = json_array(ctx->a);
    if (str_eq(type, "custom") || str_eq(type, "template")) return nodes;
    const char *strategy = str_eq(type, "basic") ? "fast" : str_eq(type, "advanced") ? "hi_res" : "vlm";
    json_push(nodes, node(ctx, "Partitioner", "partition", str_eq(strategy, "vlm") ? "vlm" : "unstructured_api", strategy));
    json_push(nodes, node(ctx, "Chunker", "chunk", "chunk_by_title", NULL));
    return nodes;
}

static json_value *check_nodes(twin_ctx *ctx, const json_value *in, json_value *problems)
{
    arena *a = ctx->a;
    json_value *out = json_array(a);
    if (in->type != JSON_ARRAY) {
        us_problem(ctx, problems, "list_type", "body", "workflow_nodes", "Input should be a valid list", in);
        return out;
    }
    json_foreach(n, in) {
        bool ok = n->type == JSON_OBJECT && json_get_str(n, "name") && json_get_str(n, "type") && json_get_str(n, "subtype");
        if (!ok) {
            us_problem(ctx, problems, "missing", "body", "workflow_nodes", "Field required: name, type and subtype", n);
            continue;
        }
        json_value *c = json_clone(a, n);
        if (!json_get_str(c, "id")) json_set_str(a, c, "id", us_uuid(ctx));
        if (!json_get(c, "settings")) json_set(a, c, "settings", json_object(a));
        json_push(out, c);
    }
    return out;
}

static json_value *schedule_json(arena *a, int i)
{
    json_value *s = json_object(a), *entries = json_array(a), *e = json_object(a);
    json_set_str(a, e, "cron_expression", crons[i]);
    json_push(entries, e);
    json_set(a, s, "crontab_entries", entries);
    return s;
}

/* Applies the fields of a create/update body to w; problems get 422s, a
 * missing connector sets status and detail. */
static void apply_workflow(twin_ctx *ctx, json_value *w, const json_value *in, bool creating, json_value *problems,
                           int *status, const char **detail)
{
    arena *a = ctx->a;
    if (!in || in->type != JSON_OBJECT) {
        us_problem(ctx, problems, "model_attributes_type", "body", NULL, "Input should be a valid dictionary or object", in);
        return;
    }
    const json_value *v;
    if ((v = json_get(in, "name"))) {
        if (v->type != JSON_STRING) us_problem(ctx, problems, "string_type", "body", "name", "Input should be a valid string", v);
        else json_set(a, w, "name", json_clone(a, v));
    } else if (creating) {
        us_problem(ctx, problems, "missing", "body", "name", "Field required", in);
    }
    if ((v = json_get(in, "workflow_type"))) {
        if (index_of(json_str(v), workflow_types) < 0)
            us_problem(ctx, problems, "enum", "body", "workflow_type", enum_message(a, workflow_types), v);
        else json_set(a, w, "workflow_type", json_clone(a, v));
    } else if (creating) {
        us_problem(ctx, problems, "missing", "body", "workflow_type", "Field required", in);
    }
    if ((v = json_get(in, "schedule")) && !json_is_null(v)) {
        int i = index_of(json_str(v), schedules);
        if (i < 0) us_problem(ctx, problems, "enum", "body", "schedule", enum_message(a, schedules), v);
        else json_set(a, w, "schedule", schedule_json(a, i));
    } else if (v) {
        json_set_null(a, w, "schedule");
    }
    if ((v = json_get(in, "reprocess_all")) && !json_is_null(v)) {
        if (!json_is_bool(v)) us_problem(ctx, problems, "bool_type", "body", "reprocess_all", "Input should be a valid boolean", v);
        else json_set_bool(a, w, "reprocess_all", json_truthy(v));
    }
    static const struct {
        const char *field, *collection, *label, *list;
    } refs[] = {{"source_id", "sources", "Source connector", "sources"},
                {"destination_id", "destinations", "Destination connector", "destinations"}};
    for (size_t i = 0; i < 2; i++) {
        v = json_get(in, refs[i].field);
        if (!v || json_is_null(v)) continue;
        char *id = arena_strdup(a, json_str(v) ? json_str(v) : "");
        str_to_lower(id);
        if (!uuid_valid(id)) {
            us_problem(ctx, problems, "uuid_parsing", "body", refs[i].field, "Input should be a valid UUID", v);
            continue;
        }
        if (!twin_doc_get(ctx, refs[i].collection, id) && !*detail) {
            *status = 404;
            *detail = arena_printf(a, "%s with id %s not found", refs[i].label, id);
            continue;
        }
        json_value *list = json_array(a);
        json_push(list, json_string(a, id));
        json_set(a, w, refs[i].list, list);
    }
    if ((v = json_get(in, "workflow_nodes")) && !json_is_null(v)) json_set(a, w, "workflow_nodes", check_nodes(ctx, v, problems));
}

json_value *us_workflow_insert(twin_ctx *ctx, const json_value *in, json_value *problems, int *status, const char **detail)
{
    arena *a = ctx->a;
    json_value *w = json_object(a);
    json_set_str(a, w, "id", us_uuid(ctx));
    json_set_str(a, w, "name", "");
    json_set(a, w, "sources", json_array(a));
    json_set(a, w, "destinations", json_array(a));
    json_set_null(a, w, "workflow_type");
    json_set(a, w, "workflow_nodes", json_array(a));
    json_set_null(a, w, "schedule");
    json_set_str(a, w, "status", "active");
    json_set_str(a, w, "created_at", us_now_iso(ctx));
    json_set_null(a, w, "updated_at");
    json_set_bool(a, w, "reprocess_all", false);
    *detail = NULL;
    apply_workflow(ctx, w, in, true, problems, status, detail);
    if (problems->len || *detail) return NULL;
    if (!json_get(in, "workflow_nodes") || json_is_null(json_get(in, "workflow_nodes")))
        json_set(a, w, "workflow_nodes", default_nodes(ctx, json_get_str(w, "workflow_type")));
    twin_doc_put(ctx, "workflows", json_get_str(w, "id"), w, NULL, 0);
    return w;
}

static bool uuid_query(twin_ctx *ctx, const char *name, const char **out, json_value *problems)
{
    const char *v = json_get_str(ctx->query, name);
    *out = NULL;
    if (!v) return true;
    char *id = arena_strdup(ctx->a, v);
    str_to_lower(id);
    if (!uuid_valid(id)) {
        us_problem(ctx, problems, "uuid_parsing", "query", name, "Input should be a valid UUID", json_string(ctx->a, v));
        return false;
    }
    *out = id;
    return true;
}

static bool positive_int(const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < 1) return false;
    *out = v;
    return true;
}

static bool contains(const json_value *arr, const char *s)
{
    json_foreach(x, arr) if (str_eq(json_str(x), s)) return true;
    return false;
}

void us_workflows_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *problems = json_array(a);
    const char *src, *dst;
    uuid_query(ctx, "source_id", &src, problems);
    uuid_query(ctx, "destination_id", &dst, problems);
    static const char *const states[] = {"active", "inactive", NULL};
    const char *status = json_get_str(ctx->query, "status");
    if (status && index_of(status, states) < 0)
        us_problem(ctx, problems, "enum", "query", "status", enum_message(a, states), json_string(a, status));
    int64_t page = 1, size = 0;
    const char *ps = json_get_str(ctx->query, "page_size"), *pg = json_get_str(ctx->query, "page");
    if (ps && (!positive_int(ps, &size)))
        us_problem(ctx, problems, "int_parsing", "query", "page_size", "Input should be a valid integer", json_string(a, ps));
    if (pg && (!positive_int(pg, &page)))
        us_problem(ctx, problems, "int_parsing", "query", "page", "Input should be a valid integer", json_string(a, pg));
    if (problems->len) return us_unprocessable(ctx, problems);
    const char *name = json_get_str(ctx->query, "name");
    json_value *all = twin_doc_all(ctx, "workflows"), *out = json_array(a), *next;
    int64_t i = 0;
    for (json_value *w = all->first; w; w = next) {
        next = w->next;
        w->next = NULL;
        if (src && !contains(json_get(w, "sources"), src)) continue;
        if (dst && !contains(json_get(w, "destinations"), dst)) continue;
        if (status && !str_eq(json_get_str(w, "status"), status)) continue;
        if (name && !strstr(json_get_str(w, "name"), name)) continue;
        i++;
        if (size && (i <= (page - 1) * size || i > page * size)) continue;
        json_push(out, w);
    }
    twin_reply_json(ctx, 200, out);
}

void us_workflow_create(twin_ctx *ctx)
{
    json_value *problems = json_array(ctx->a);
    int status = 0;
    const char *detail = NULL;
    json_value *w = us_workflow_insert(ctx, ctx->body, problems, &status, &detail);
    if (problems->len) return us_unprocessable(ctx, problems);
    if (detail) return us_detail(ctx, status, detail);
    twin_reply_json(ctx, 200, w);
}

void us_workflow_get(twin_ctx *ctx)
{
    json_value *w = find_doc(ctx, "workflows", "workflow_id", "Workflow");
    if (w) twin_reply_json(ctx, 200, w);
}

void us_workflow_update(twin_ctx *ctx)
{
    json_value *w = find_doc(ctx, "workflows", "workflow_id", "Workflow");
    if (!w) return;
    json_value *problems = json_array(ctx->a);
    int status = 0;
    const char *detail = NULL;
    apply_workflow(ctx, w, ctx->body, false, problems, &status, &detail);
    if (problems->len) return us_unprocessable(ctx, problems);
    if (detail) return us_detail(ctx, status, detail);
    json_set_str(ctx->a, w, "updated_at", us_now_iso(ctx));
    twin_doc_put(ctx, "workflows", json_get_str(w, "id"), w, NULL, 0);
    twin_reply_json(ctx, 200, w);
}

void us_workflow_delete(twin_ctx *ctx)
{
    json_value *w = find_doc(ctx, "workflows", "workflow_id", "Workflow");
    if (!w) return;
    const char *id = json_get_str(w, "id");
    twin_doc_delete(ctx, "workflows", id);
    us_detail(ctx, 200, arena_printf(ctx->a, "Workflow with id %s successfully deleted.", id));
}

/* ---- jobs ---- */

static bool active(const json_value *job)
{
    const char *s = json_get_str(job, "status");
    return str_eq(s, "SCHEDULED") || str_eq(s, "IN_PROGRESS");
}

static void save_job(twin_ctx *ctx, const json_value *job)
{
    store_index idx = {"workflow", json_get_str(job, "workflow_id")};
    twin_doc_put(ctx, "jobs", json_get_str(job, "id"), job, &idx, 1);
}

/* The job as the API shows it: internal members dropped. */
static json_value *public_job(arena *a, const json_value *job)
{
    json_value *c = json_clone(a, job);
    json_remove(c, "_reads");
    return c;
}

/* Jobs run in the background on the real service; here each read moves an
 * active job one step: SCHEDULED -> IN_PROGRESS -> COMPLETED. */
static void advance(twin_ctx *ctx, json_value *job)
{
    if (!active(job)) return;
    arena *a = ctx->a;
    int64_t reads = 0;
    json_int64(json_get(job, "_reads"), &reads);
    json_set_int(a, job, "_reads", ++reads);
    if (str_eq(json_get_str(job, "status"), "SCHEDULED")) {
        json_set_str(a, job, "status", "IN_PROGRESS");
    } else {
        json_set_str(a, job, "status", "COMPLETED");
        json_set_str(a, job, "runtime", arena_printf(a, "PT%lldS", (long long)(reads * 7)));
        json_value *files = json_array(a);
        json_value *wf = twin_doc_get(ctx, "workflows", json_get_str(job, "workflow_id"));
        json_foreach(n, json_get(wf, "workflow_nodes")) {
            json_value *f = json_object(a);
            json_set_str(a, f, "node_id", json_get_str(n, "id"));
            json_set_str(a, f, "file_id", arena_printf(a, "%s-%s", json_get_str(job, "id"), json_get_str(n, "type")));
            json_push(files, f);
        }
        json_set(a, job, "output_node_files", files);
    }
    save_job(ctx, job);
}

void us_workflow_run(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *w = find_doc(ctx, "workflows", "workflow_id", "Workflow");
    if (!w) return;
    const char *wid = json_get_str(w, "id");
    if (str_eq(json_get_str(w, "status"), "inactive"))
        return us_detail(ctx, 400, arena_printf(a, "Workflow with id %s is inactive", wid));
    twin_list l = {0};
    store_list_opts o = {.index_name = "workflow", .index_value = wid};
    if (twin_doc_list(ctx, "jobs", &o, &l) == 0)
        for (size_t i = 0; i < l.n; i++)
            if (active(l.items[i]))
                return us_detail(ctx, 409, arena_printf(a, "Workflow with id %s already has an active job %s", wid,
                                                        json_get_str(l.items[i], "id")));
    json_value *job = json_object(a);
    json_set_str(a, job, "id", us_uuid(ctx));
    json_set_str(a, job, "workflow_id", wid);
    json_set_str(a, job, "workflow_name", json_get_str(w, "name"));
    json_set_str(a, job, "status", "SCHEDULED");
    json_set_str(a, job, "created_at", us_now_iso(ctx));
    json_set_null(a, job, "runtime");
    json_value *inputs = json_array(a);
    /* multipart input_files (custom workflows without a source) become input file ids */
    json_foreach(m, ctx->body) if (str_eq(m->key, "input_files")) json_push(inputs, json_string(a, json_str(m) ? json_str(m) : "file"));
    if (inputs->len) json_set(a, job, "input_file_ids", inputs);
    else json_set_null(a, job, "input_file_ids");
    json_set_null(a, job, "output_node_files");
    json_set_str(a, job, "job_type", "ephemeral");
    save_job(ctx, job);
    twin_reply_json(ctx, 202, public_job(a, job));
}

void us_jobs_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *problems = json_array(a);
    const char *wid;
    uuid_query(ctx, "workflow_id", &wid, problems);
    if (problems->len) return us_unprocessable(ctx, problems);
    const char *status = json_get_str(ctx->query, "status");
    json_value *all = twin_doc_all(ctx, "jobs"), *out = json_array(a), *next;
    for (json_value *j = all->first; j; j = next) {
        next = j->next;
        j->next = NULL;
        if (wid && !str_eq(json_get_str(j, "workflow_id"), wid)) continue;
        advance(ctx, j);
        if (status && !str_case_eq(json_get_str(j, "status"), status)) continue;
        json_push(out, public_job(a, j));
    }
    twin_reply_json(ctx, 200, out);
}

void us_job_get(twin_ctx *ctx)
{
    json_value *j = find_doc(ctx, "jobs", "job_id", "Job");
    if (!j) return;
    advance(ctx, j);
    twin_reply_json(ctx, 200, public_job(ctx->a, j));
}

void us_job_cancel(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *j = find_doc(ctx, "jobs", "job_id", "Job");
    if (!j) return;
    const char *id = json_get_str(j, "id");
    if (!active(j))
        return us_detail(ctx, 400, arena_printf(a, "Job with id %s is %s and cannot be cancelled", id, json_get_str(j, "status")));
    json_set_str(a, j, "status", "STOPPED");
    save_job(ctx, j);
    json_value *b = json_object(a);
    json_set_str(a, b, "id", id);
    json_set_str(a, b, "status", "cancelled");
    json_set_str(a, b, "message", "Job successfully cancelled.");
    twin_reply_json(ctx, 200, b);
}
