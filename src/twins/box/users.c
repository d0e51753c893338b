/* Box twin: users (/users/me, enterprise users list, get, create, update,
 * delete) and search over names, descriptions and text content. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "twins/box/box.h"
#include "util/util.h"

/* ---- users ---- */

void bx_users_me(twin_ctx *ctx)
{
    json_value *u = bx_user_get(ctx, bx_me(ctx));
    if (!u) return bx_not_found(ctx, "user", bx_me(ctx));
    twin_reply_json(ctx, 200, bx_user_render(ctx, u, bx_query(ctx, "fields")));
}

static json_value *route_user(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "user_id");
    json_value *u = bx_user_get(ctx, id);
    if (!u) bx_not_found(ctx, "user", id);
    return u;
}

void bx_users_get(twin_ctx *ctx)
{
    json_value *u = route_user(ctx);
    if (u) twin_reply_json(ctx, 200, bx_user_render(ctx, u, bx_query(ctx, "fields")));
}

static bool contains_ci(const char *hay, const char *needle)
{
    return !needle || !*needle || (hay && strcasestr(hay, needle));
}

void bx_users_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    int64_t limit, offset;
    if (!bx_paging(ctx, 100, 1000, &limit, &offset)) return;
    const char *term = bx_query(ctx, "filter_term"), *kind = bx_query(ctx, "user_type");
    const char *marker = bx_query(ctx, "marker");
    bool marker_mode = bx_truthy_arg(bx_query(ctx, "usemarker"));
    if (marker && *marker) {
        if (!bx_marker_decode(ctx, marker, &offset)) return;
        marker_mode = true;
    }
    if (kind && !str_eq(kind, "all") && !str_eq(kind, "managed") && !str_eq(kind, "external"))
        return bx_bad_request(ctx, "invalid_parameter", "user_type", arena_printf(a, "Invalid value '%s'.", kind));
    twin_list l = {0};
    store_list_opts o = {0};
    twin_doc_list(ctx, "users", &o, &l);
    const char *fields = bx_query(ctx, "fields");
    bx_page page = bx_page_start(ctx, offset, limit);
    for (size_t i = 0; i < l.n; i++) {
        json_value *u = l.items[i];
        /* the service account is not listed as an enterprise user */
        if (str_eq(json_get_str(u, "id"), bx_service_id(ctx))) continue;
        if (str_eq(kind, "external")) continue;
        if (term && !contains_ci(json_get_str(u, "name"), term) && !contains_ci(json_get_str(u, "login"), term))
            continue;
        if (bx_page_take(&page)) json_push(page.entries, bx_user_render(ctx, u, fields));
    }
    twin_reply_json(ctx, 200, marker_mode ? bx_marker_page_json(ctx, &page, false) : bx_page_json(ctx, &page, NULL));
}

json_value *bx_user_by_login(twin_ctx *ctx, const char *login)
{
    twin_list l = {0};
    store_list_opts o = {0};
    twin_doc_list(ctx, "users", &o, &l);
    for (size_t i = 0; i < l.n; i++)
        if (strcasecmp(json_get_str(l.items[i], "login"), login) == 0) return l.items[i];
    return NULL;
}

static bool require_admin(twin_ctx *ctx)
{
    json_value *me = bx_user_get(ctx, bx_me(ctx));
    if (me && (str_eq(json_get_str(me, "role"), "admin") || str_eq(json_get_str(me, "id"), bx_service_id(ctx))))
        return true;
    bx_error(ctx, 403, "access_denied_insufficient_permissions", "Access denied - insufficient permission", NULL);
    return false;
}

static const char *user_role(twin_ctx *ctx, bool *ok)
{
    const char *role = json_get_str(ctx->body, "role");
    *ok = !role || str_eq(role, "user") || str_eq(role, "coadmin");
    if (!*ok) bx_bad_request(ctx, "invalid_parameter", "role", arena_printf(ctx->a, "Invalid value '%s'.", role));
    return role;
}

static void apply_user_fields(twin_ctx *ctx, json_value *u)
{
    static const char *const keys[] = {"job_title", "phone", "address", "language", "timezone", "status", NULL};
    for (size_t i = 0; keys[i]; i++) {
        const char *v = json_get_str(ctx->body, keys[i]);
        if (v) json_set_str(ctx->a, u, keys[i], v);
    }
    int64_t space;
    if (json_int64(json_get(ctx->body, "space_amount"), &space)) json_set_int(ctx->a, u, "space_amount", space);
}

void bx_users_create(twin_ctx *ctx)
{
    if (!require_admin(ctx)) return;
    const char *name = json_get_str(ctx->body, "name"), *login = json_get_str(ctx->body, "login");
    bool app_user = json_truthy(json_get(ctx->body, "is_platform_access_only"));
    if (!name || !*name) return bx_missing(ctx, "name");
    if (!login && !app_user) return bx_missing(ctx, "login");
    if (login && !strchr(login, '@'))
        return bx_bad_request(ctx, "invalid_parameter", "login", arena_printf(ctx->a, "Invalid value '%s'.", login));
    if (login && bx_user_by_login(ctx, login))
        return bx_error(ctx, 409, "user_login_already_used", "User with the specified login already exists", NULL);
    bool ok;
    const char *role = user_role(ctx, &ok);
    if (!ok) return;
    json_value *u = bx_user_create(ctx, name, app_user ? NULL : login, role, app_user);
    apply_user_fields(ctx, u);
    twin_doc_put(ctx, "users", json_get_str(u, "id"), u, NULL, 0);
    twin_reply_json(ctx, 201, bx_user_render(ctx, u, bx_query(ctx, "fields")));
}

void bx_users_update(twin_ctx *ctx)
{
    if (!require_admin(ctx)) return;
    json_value *u = route_user(ctx);
    if (!u) return;
    const char *name = json_get_str(ctx->body, "name"), *login = json_get_str(ctx->body, "login");
    if (name) json_set_str(ctx->a, u, "name", name);
    if (login) {
        json_value *other = bx_user_by_login(ctx, login);
        if (other && !str_eq(json_get_str(other, "id"), json_get_str(u, "id")))
            return bx_error(ctx, 409, "user_login_already_used", "User with the specified login already exists", NULL);
        json_set_str(ctx->a, u, "login", login);
    }
    bool ok;
    const char *role = user_role(ctx, &ok);
    if (!ok) return;
    if (role) json_set_str(ctx->a, u, "role", role);
    apply_user_fields(ctx, u);
    json_set_str(ctx->a, u, "modified_at", bx_now(ctx));
    twin_doc_put(ctx, "users", json_get_str(u, "id"), u, NULL, 0);
    twin_reply_json(ctx, 200, bx_user_render(ctx, u, bx_query(ctx, "fields")));
}

void bx_users_delete(twin_ctx *ctx)
{
    if (!require_admin(ctx)) return;
    json_value *u = route_user(ctx);
    if (!u) return;
    const char *id = json_get_str(u, "id");
    if (str_eq(id, bx_admin_id(ctx)) || str_eq(id, bx_service_id(ctx)))
        return bx_error(ctx, 403, "access_denied_insufficient_permissions", "Access denied - insufficient permission",
                        NULL);
    twin_doc_delete(ctx, "users", id);
    twin_reply_text(ctx, 204, NULL, "", 0);
}

/* ---- search ---- */

typedef struct search_q {
    const char **terms;         /* lower-case words or "quoted phrases" */
    size_t n;
    const char *scopes;         /* content_types */
    const char *type;
    const char *ancestors;
    const char *extensions;
    const char *trash;          /* non_trashed_only | trashed_only | all_items */
} search_q;

static void split_terms(twin_ctx *ctx, const char *query, search_q *q)
{
    size_t cap = strlen(query) / 2 + 2;
    q->terms = arena_alloc(ctx->a, cap * sizeof *q->terms);
    for (const char *s = query; *s && q->n < cap;) {
        while (*s == ' ') s++;
        if (!*s) break;
        const char *start = s, *end;
        if (*s == '"') {
            start = ++s;
            end = strchr(s, '"');
            if (!end) end = s + strlen(s);
            s = *end ? end + 1 : end;
        } else {
            end = s;
            while (*end && *end != ' ') end++;
            s = end;
        }
        if (end > start) q->terms[q->n++] = str_to_lower(arena_strndup(ctx->a, start, (size_t)(end - start)));
    }
}

static bool text_has(const char *text, size_t len, const char *term)
{
    size_t n = strlen(term);
    if (!text || n > len) return false;
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp(text + i, term, n) == 0) return true;
    return false;
}

static bool looks_textual(const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (data[i] == '\0') return false;
    return true;
}

/* Every term must appear in one of the searched fields. */
static bool matches(twin_ctx *ctx, const search_q *q, const json_value *item)
{
    bool by_name = bx_csv_has(q->scopes, "name"), by_desc = bx_csv_has(q->scopes, "description");
    bool by_content = bx_csv_has(q->scopes, "file_content") && str_eq(json_get_str(item, "type"), "file");
    const char *name = json_get_str(item, "name"), *desc = json_get_str(item, "description");
    const char *content = NULL;
    size_t clen = 0;
    int64_t size = 0;
    json_int64(json_get(item, "size"), &size);
    if (by_content && size <= 1 << 20) {
        content = bx_blob(ctx, json_get_str(item, "version_id"), &clen);
        if (!looks_textual(content, clen)) content = NULL;
    }
    for (size_t i = 0; i < q->n; i++) {
        const char *t = q->terms[i];
        bool hit = (by_name && text_has(name, strlen(name ? name : ""), t)) ||
                   (by_desc && desc && text_has(desc, strlen(desc), t)) || (content && text_has(content, clen, t));
        if (!hit) return false;
    }
    return true;
}

static bool passes_filters(twin_ctx *ctx, const search_q *q, const json_value *item)
{
    const char *type = json_get_str(item, "type");
    if (q->type && *q->type && !str_eq(q->type, type)) return false;
    bool trashed = bx_is_trashed(item);
    if (str_eq(q->trash, "trashed_only") ? !trashed : (!str_eq(q->trash, "all_items") && trashed)) return false;
    if (q->extensions && *q->extensions) {
        const char *name = json_get_str(item, "name"), *dot = strrchr(name, '.');
        if (!str_eq(type, "file") || !dot || !bx_csv_has(q->extensions, str_to_lower(arena_strdup(ctx->a, dot + 1))))
            return false;
    }
    if (q->ancestors && *q->ancestors) {
        bool under = false;
        for (const char *s = q->ancestors; *s && !under;) {
            const char *c = strchr(s, ',');
            size_t len = c ? (size_t)(c - s) : strlen(s);
            char *id = arena_strndup(ctx->a, s, len);
            const char *pid = json_get_str(item, "parent");
            under = pid && bx_is_descendant(ctx, pid, id);
            s = c ? c + 1 : s + len;
        }
        if (!under) return false;
    }
    return true;
}

void bx_search(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *query = bx_query(ctx, "query");
    if (!query || !*query) {
        if (bx_query(ctx, "mdfilters")) return bx_bad_request(ctx, "invalid_parameter", "mdfilters",
                                                              "Metadata search is not supported by this twin");
        return bx_missing(ctx, "query");
    }
    int64_t limit, offset;
    if (!bx_paging(ctx, 30, 200, &limit, &offset)) return;
    search_q q = {.scopes = bx_query(ctx, "content_types"), .type = bx_query(ctx, "type"),
                  .ancestors = bx_query(ctx, "ancestor_folder_ids"), .extensions = bx_query(ctx, "file_extensions"),
                  .trash = bx_query(ctx, "trash_content")};
    if (q.type && *q.type && !str_eq(q.type, "file") && !str_eq(q.type, "folder") && !str_eq(q.type, "web_link"))
        return bx_bad_request(ctx, "invalid_parameter", "type", arena_printf(a, "Invalid value '%s'.", q.type));
    split_terms(ctx, query, &q);
    twin_list folders = {0}, files = {0};
    store_list_opts o = {0};
    twin_doc_list(ctx, "folders", &o, &folders);
    twin_doc_list(ctx, "files", &o, &files);
    /* name hits rank above description and content hits */
    json_value *first = json_array(a), *rest = json_array(a);
    search_q by_name = q;
    by_name.scopes = "name";
    for (int pass = 0; pass < 2; pass++) {
        twin_list *l = pass ? &files : &folders;
        for (size_t i = 0; i < l->n; i++) {
            json_value *it = l->items[i];
            if (!passes_filters(ctx, &q, it) || !matches(ctx, &q, it) || !bx_visible(ctx, it)) continue;
            json_push(bx_csv_has(q.scopes, "name") && matches(ctx, &by_name, it) ? first : rest, it);
        }
    }
    const char *fields = bx_query(ctx, "fields");
    bx_page page = bx_page_start(ctx, offset, limit);
    for (int pass = 0; pass < 2; pass++)
        json_foreach(it, pass ? rest : first) {
            if (bx_page_take(&page)) json_push(page.entries, bx_render(ctx, it, fields));
        }
    json_value *out = bx_page_json(ctx, &page, NULL);
    json_set_str(a, out, "type", "search_results_items");
    twin_reply_json(ctx, 200, out);
}
