/* Unified.to twin: /unified/connection CRUD and /unified/integration. */
#include <string.h>

#include "twins/unified/unified.h"
#include "util/util.h"

/* Permissions a connection gets when none are asked for: read and write on
 * the objects of each category (the ones Unified's enum names). */
static const struct {
    const char *category, *permissions;
} default_permissions[] = {
    {"messaging", "messaging_message_read,messaging_message_write,messaging_channel_read,messaging_channel_write"},
    {"storage", "storage_file_read,storage_file_write"},
    {"calendar", "calendar_calendar_read,calendar_calendar_write,calendar_event_read,calendar_event_write"},
    {"kms", "kms_space_read,kms_page_read,kms_page_write"},
    {"task", "task_project_read,task_task_read,task_task_write"},
};

static json_value *permissions_for(arena *a, const json_value *categories)
{
    json_value *out = json_array(a);
    json_foreach(c, categories) {
        for (size_t i = 0; i < sizeof default_permissions / sizeof default_permissions[0]; i++) {
            if (!str_eq(json_str(c), default_permissions[i].category)) continue;
            for (const char *s = default_permissions[i].permissions; *s;) {
                const char *comma = strchr(s, ',');
                size_t n = comma ? (size_t)(comma - s) : strlen(s);
                json_push(out, json_stringn(a, s, n));
                s += n + (comma ? 1 : 0);
            }
        }
    }
    return out;
}

static bool string_array(const json_value *v)
{
    if (!v || v->type != JSON_ARRAY) return false;
    json_foreach(x, v) if (x->type != JSON_STRING || !x->len) return false;
    return true;
}

/* Applies the writable fields of in to conn; NULL on success, else the message. */
static const char *apply_fields(twin_ctx *ctx, json_value *conn, const json_value *in, bool creating)
{
    arena *a = ctx->a;
    const json_value *cats = json_get(in, "categories"), *perms = json_get(in, "permissions");
    if (cats && (!string_array(cats) || cats->len == 0)) return "categories must be a non-empty array of strings";
    if (perms && !string_array(perms)) return "permissions must be an array of strings";
    if (cats) json_set(a, conn, "categories", json_clone(a, cats));
    if (perms) json_set(a, conn, "permissions", json_clone(a, perms));
    else if (creating) json_set(a, conn, "permissions", permissions_for(a, json_get(conn, "categories")));
    static const char *const strings[] = {"external_xref", "environment", "auth_aws_arn", NULL};
    for (size_t i = 0; strings[i]; i++) {
        const json_value *v = json_get(in, strings[i]);
        if (!v) continue;
        if (v->type != JSON_STRING) return arena_printf(a, "%s must be a string", strings[i]);
        json_set(a, conn, strings[i], json_clone(a, v));
    }
    const json_value *paused = json_get(in, "is_paused");
    if (paused) {
        if (!json_is_bool(paused)) return "is_paused must be a boolean";
        json_set_bool(a, conn, "is_paused", json_truthy(paused));
    }
    const json_value *auth = json_get(in, "auth");
    if (auth) {
        if (auth->type != JSON_OBJECT) return "auth must be an object";
        json_set(a, conn, "auth", json_clone(a, auth));
    }
    return NULL;
}

/* One workspace per run; the same id in every run, so seeded state is
 * byte-identical across runs of a scenario. */
static const char *workspace_id(twin_ctx *ctx)
{
    char *id = arena_alloc(ctx->a, 25);
    derive_hex(id, 24, ctx->twin, "workspace", "id", 0);
    return id;
}

json_value *un_connection_insert(twin_ctx *ctx, const json_value *in, const char **err)
{
    arena *a = ctx->a;
    const char *type = json_get_str(in, "integration_type");
    if (!type || !*type) {
        *err = "integration_type is required";
        return NULL;
    }
    const json_value *integ = un_integration(ctx, type);
    if (!integ) {
        *err = arena_printf(a, "Integration %s is not supported", type);
        return NULL;
    }
    json_value *c = json_object(a);
    const char *now = un_now_iso(ctx);
    json_set_str(a, c, "id", un_hex_id(ctx));
    json_set_str(a, c, "created_at", now);
    json_set_str(a, c, "updated_at", now);
    json_set_str(a, c, "workspace_id", workspace_id(ctx));
    json_set_str(a, c, "integration_type", type);
    json_set_str(a, c, "integration_name", json_get_str(integ, "name"));
    json_set(a, c, "categories", json_clone(a, json_get(integ, "categories")));
    json_set_str(a, c, "environment", "Production");
    json_set_bool(a, c, "is_paused", false);
    json_set_str(a, c, "last_healthy_at", now);
    if ((*err = apply_fields(ctx, c, in, true))) return NULL;
    un_save(ctx, "connections", c, NULL);
    return c;
}

static json_value *find_connection(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "id");
    json_value *c = twin_doc_get(ctx, "connections", id);
    if (!c) un_error(ctx, 404, arena_printf(ctx->a, "Connection %s not found", id ? id : ""));
    return c;
}

static bool overlaps(const json_value *have, const json_value *want)
{
    json_foreach(w, want) json_foreach(h, have) if (str_eq(json_str(h), json_str(w))) return true;
    return false;
}

static bool connection_matches(twin_ctx *ctx, const json_value *c, const json_value *cats, const char *type)
{
    if (cats->len && !overlaps(json_get(c, "categories"), cats)) return false;
    if (type && !str_eq(json_get_str(c, "integration_type"), type)) return false;
    const char *xref = json_get_str(ctx->query, "external_xref");
    if (xref && !str_eq(json_get_str(c, "external_xref"), xref)) return false;
    const char *env = json_get_str(ctx->query, "env");
    if (env && *env && !str_eq(json_get_str(c, "environment"), env)) return false;
    const char *since = json_get_str(ctx->query, "updated_gte");
    if (since && parse_iso8601_ms(json_get_str(c, "updated_at")) < parse_iso8601_ms(since)) return false;
    return true;
}

static json_value *reversed_if_desc(twin_ctx *ctx, json_value *items)
{
    if (!str_case_eq(json_get_str(ctx->query, "order"), "desc")) return items;
    json_value *out = json_array(ctx->a);
    size_t n = items->len;
    json_value **all = arena_alloc(ctx->a, (n ? n : 1) * sizeof *all);
    size_t i = 0;
    json_foreach(x, items) all[i++] = x;
    while (n--) {
        all[n]->next = NULL;
        json_push(out, all[n]);
    }
    return out;
}

void un_connections_list(twin_ctx *ctx)
{
    int64_t limit, offset;
    if (!un_paging(ctx, &limit, &offset)) return;
    json_value *cats = un_query_list(ctx, "categories");
    json_value *types = un_query_list(ctx, "integration_type");
    const char *type = types->len ? json_str(types->first) : NULL;
    json_value *all = twin_doc_all(ctx, "connections"), *out = json_array(ctx->a);
    json_value *next;
    for (json_value *c = all->first; c; c = next) {
        next = c->next;
        c->next = NULL;
        if (connection_matches(ctx, c, cats, type)) json_push(out, c);
    }
    un_send_page(ctx, reversed_if_desc(ctx, out), limit, offset);
}

void un_connection_create(twin_ctx *ctx)
{
    const char *err = NULL;
    if (ctx->body->type != JSON_OBJECT) return un_error(ctx, 400, "Body must be a connection object");
    json_value *c = un_connection_insert(ctx, ctx->body, &err);
    if (!c) return un_error(ctx, 400, err);
    twin_reply_json(ctx, 200, c);
}

void un_connection_get(twin_ctx *ctx)
{
    json_value *c = find_connection(ctx);
    if (c) twin_reply_json(ctx, 200, c);
}

void un_connection_update(twin_ctx *ctx)
{
    json_value *c = find_connection(ctx);
    if (!c) return;
    if (ctx->body->type != JSON_OBJECT) return un_error(ctx, 400, "Body must be a connection object");
    const char *type = json_get_str(ctx->body, "integration_type");
    if (type && !str_eq(type, json_get_str(c, "integration_type")))
        return un_error(ctx, 400, "integration_type cannot be changed");
    const char *err = apply_fields(ctx, c, ctx->body, false);
    if (err) return un_error(ctx, 400, err);
    json_set_str(ctx->a, c, "updated_at", un_now_iso(ctx));
    un_save(ctx, "connections", c, NULL);
    twin_reply_json(ctx, 200, c);
}

void un_connection_delete(twin_ctx *ctx)
{
    json_value *c = find_connection(ctx);
    if (!c) return;
    const char *id = json_get_str(c, "id");
    twin_list l = {0};
    store_list_opts o = {.index_name = "connection", .index_value = id};
    if (twin_doc_list(ctx, "webhooks", &o, &l) == 0)
        for (size_t i = 0; i < l.n; i++) twin_doc_delete(ctx, "webhooks", json_get_str(l.items[i], "id"));
    twin_doc_delete(ctx, "connections", id);
    twin_reply_text(ctx, 200, "application/json", "", 0);
}

void un_integrations_list(twin_ctx *ctx)
{
    int64_t limit, offset;
    if (!un_paging(ctx, &limit, &offset)) return;
    json_value *cats = un_query_list(ctx, "categories");
    const char *type = json_get_str(ctx->query, "type");
    const char *active = json_get_str(ctx->query, "active");
    json_value *all = un_integrations(ctx), *out = json_array(ctx->a);
    json_value *next;
    for (json_value *i = all->first; i; i = next) {
        next = i->next;
        i->next = NULL;
        if (cats->len && !overlaps(json_get(i, "categories"), cats)) continue;
        if (type && !str_eq(json_get_str(i, "type"), type)) continue;
        if (str_eq(active, "false")) continue; /* every catalog integration is active */
        json_push(out, i);
    }
    un_send_page(ctx, out, limit, offset);
}
