/* Jira twin: users, projects, components and versions. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "twins/jira/jira.h"
#include "util/util.h"

/* ---- users ---- */

json_value *jira_user_get(twin_ctx *ctx, const char *account_id)
{
    return account_id ? twin_doc_get(ctx, "users", account_id) : NULL;
}

json_value *jira_user_create(twin_ctx *ctx, const char *account_id, const char *name, const char *email)
{
    arena *a = ctx->a;
    if (!account_id) {
        char hex[17];
        int64_t n = twin_counter(ctx, "user");
        derive_hex(hex, 16, ctx->twin, "account", "user", n);
        account_id = arena_printf(a, "712020:%08llx-%s", (long long)n, hex);
    }
    json_value *u = json_object(a);
    json_set_str(a, u, "accountId", account_id);
    json_set_str(a, u, "displayName", name ? name : "User");
    json_set_str(a, u, "emailAddress", email);
    json_set_bool(a, u, "active", true);
    twin_doc_put(ctx, "users", account_id, u, NULL, 0);
    return u;
}

void jira_ensure_me(twin_ctx *ctx)
{
    if (jira_user_get(ctx, JIRA_ME)) return;
    const char *name = json_get_str(ctx->config, "display_name");
    const char *email = json_get_str(ctx->config, "email");
    jira_user_create(ctx, JIRA_ME, name ? name : "Twin User", email ? email : "twin@example.com");
}

json_value *jira_user_find(twin_ctx *ctx, const char *q)
{
    if (!q) return NULL;
    jira_ensure_me(ctx);
    json_value *u = jira_user_get(ctx, q);
    if (u) return u;
    twin_list l = jira_list(ctx, "users", NULL, NULL);
    for (size_t i = 0; i < l.n; i++)
        if (strcasecmp(json_get_str(l.items[i], "displayName"), q) == 0 ||
            str_case_eq(json_get_str(l.items[i], "emailAddress"), q))
            return l.items[i];
    return NULL;
}

static json_value *avatars(twin_ctx *ctx, const char *kind, const char *id)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    static const char *const sizes[] = {"48x48", "24x24", "16x16", "32x32"};
    for (int i = 0; i < 4; i++)
        json_set_str(a, o, sizes[i], arena_printf(a, "%s/secure/%savatar?size=%s&avatarId=%s", jira_base(ctx), kind,
                                                   sizes[i], id));
    return o;
}

static json_value *user_render(twin_ctx *ctx, const json_value *u)
{
    arena *a = ctx->a;
    const char *id = json_get_str(u, "accountId");
    json_value *o = json_object(a);
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/user?accountId=%s", jira_base(ctx), id));
    json_set_str(a, o, "accountId", id);
    json_set_str(a, o, "accountType", "atlassian");
    if (json_get_str(u, "emailAddress")) json_set_str(a, o, "emailAddress", json_get_str(u, "emailAddress"));
    json_set(a, o, "avatarUrls", avatars(ctx, "user", "10122"));
    json_set_str(a, o, "displayName", json_get_str(u, "displayName"));
    json_set_bool(a, o, "active", true);
    json_set_str(a, o, "timeZone", "Etc/UTC");
    json_set_str(a, o, "locale", "en_US");
    return o;
}

json_value *jira_user_json(twin_ctx *ctx, const char *account_id)
{
    if (str_eq(account_id, JIRA_ME)) jira_ensure_me(ctx);
    json_value *u = jira_user_get(ctx, account_id);
    return u ? user_render(ctx, u) : json_null(ctx->a);
}

void jira_myself(twin_ctx *ctx)
{
    jira_ensure_me(ctx);
    json_value *o = jira_user_json(ctx, jira_viewer(ctx));
    arena *a = ctx->a;
    json_value *g = json_object(a), *ar = json_object(a);
    json_set_int(a, g, "size", 1);
    json_set(a, g, "items", json_array(a));
    json_set(a, o, "groups", g);
    json_set_int(a, ar, "size", 1);
    json_set(a, ar, "items", json_array(a));
    json_set(a, o, "applicationRoles", ar);
    twin_reply_json(ctx, 200, o);
}

void jira_user_show(twin_ctx *ctx)
{
    jira_ensure_me(ctx);
    const char *id = jira_str_arg(ctx, "accountId");
    if (!id) {
        jira_errors(ctx, 400, "The query parameter 'accountId' is required.");
        return;
    }
    json_value *u = jira_user_get(ctx, id);
    if (!u) {
        jira_errors(ctx, 404, arena_printf(ctx->a, "Specified user does not exist or you do not have required permissions"));
        return;
    }
    twin_reply_json(ctx, 200, user_render(ctx, u));
}

static bool user_matches(const json_value *u, const char *q)
{
    if (!q || !*q) return true;
    const char *fields[] = {json_get_str(u, "displayName"), json_get_str(u, "emailAddress"), json_get_str(u, "accountId")};
    for (int i = 0; i < 3; i++)
        if (fields[i] && strcasestr(fields[i], q)) return true;
    return false;
}

static json_value *users_matching(twin_ctx *ctx, const char *q)
{
    jira_ensure_me(ctx);
    json_value *arr = json_array(ctx->a);
    twin_list l = jira_list(ctx, "users", NULL, NULL);
    for (size_t i = 0; i < l.n; i++)
        if (user_matches(l.items[i], q)) json_push(arr, user_render(ctx, l.items[i]));
    return arr;
}

static void reply_slice(twin_ctx *ctx, json_value *arr)
{
    json_value *page = jira_page(ctx, arr, 50, "values", false);
    twin_reply_json(ctx, 200, json_get(page, "values"));
}

void jira_user_search(twin_ctx *ctx)
{
    const char *q = jira_str_arg(ctx, "query");
    if (!q) q = jira_str_arg(ctx, "accountId");
    reply_slice(ctx, users_matching(ctx, q));
}

void jira_users_list(twin_ctx *ctx)
{
    reply_slice(ctx, users_matching(ctx, NULL));
}

void jira_user_assignable(twin_ctx *ctx)
{
    const char *p = jira_str_arg(ctx, "project");
    const char *issue = jira_str_arg(ctx, "issueKey");
    if (!p && !issue) {
        jira_errors(ctx, 400, "The 'project', 'issueKey' or 'issueId' query parameters must be provided.");
        return;
    }
    if (p && !jira_project_get(ctx, p)) {
        jira_errors(ctx, 404, arena_printf(ctx->a, "No project could be found with key '%s'.", p));
        return;
    }
    if (issue && !jira_issue_get(ctx, issue)) {
        jira_issue_404(ctx);
        return;
    }
    reply_slice(ctx, users_matching(ctx, jira_str_arg(ctx, "query")));
}

void jira_user_bulk(twin_ctx *ctx)
{
    jira_ensure_me(ctx);
    arena *a = ctx->a;
    /* accountId=a&accountId=b (repeated) or accountId=a,b */
    const char *ids = jira_query_list(ctx, "accountId");
    if (!ids || !*ids) {
        jira_errors(ctx, 400, "You must specify at least one accountId.");
        return;
    }
    json_value *arr = json_array(a);
    char *copy = arena_strdup(a, ids);
    /* jira.js 5 sends "a&accountId=b" encoded as one value */
    for (char *save = NULL, *t = strtok_r(copy, ",&", &save); t; t = strtok_r(NULL, ",&", &save)) {
        if (str_starts_with(t, "accountId=")) t += 10;
        json_value *u = jira_user_get(ctx, t);
        if (u) json_push(arr, user_render(ctx, u));
    }
    json_value *page = jira_page(ctx, arr, 10, "values", true);
    json_set_str(a, page, "self", arena_printf(a, "%s/rest/api/3/user/bulk", jira_base(ctx)));
    twin_reply_json(ctx, 200, page);
}

/* ---- projects ---- */

json_value *jira_project_get(twin_ctx *ctx, const char *id_or_key)
{
    if (!id_or_key || !*id_or_key) return NULL;
    bool numeric = true;
    for (const char *p = id_or_key; *p; p++)
        if (!isdigit((unsigned char)*p)) numeric = false;
    if (numeric) return twin_doc_get(ctx, "projects", id_or_key);
    char *up = arena_strdup(ctx->a, id_or_key);
    for (char *p = up; *p; p++) *p = (char)toupper((unsigned char)*p);
    twin_list l = jira_list(ctx, "projects", "key", up);
    return l.n ? l.items[0] : NULL;
}

static void project_404(twin_ctx *ctx, const char *ref)
{
    jira_errors(ctx, 404, arena_printf(ctx->a, "No project could be found with key '%s'.", ref ? ref : ""));
}

static json_value *load_project(twin_ctx *ctx)
{
    const char *ref = twin_param(ctx, "projectIdOrKey");
    json_value *p = jira_project_get(ctx, ref);
    if (!p) project_404(ctx, ref);
    return p;
}

json_value *jira_project_create(twin_ctx *ctx, const char *key, const char *name, const char *description,
                                const char *lead, const char *type)
{
    arena *a = ctx->a;
    int64_t id = jira_next_id(ctx, "project");
    json_value *p = json_object(a);
    json_set_str(a, p, "id", jira_id_str(ctx, id));
    json_set_str(a, p, "key", key);
    json_set_str(a, p, "name", name);
    json_set_str(a, p, "description", description ? description : "");
    json_set_str(a, p, "lead", lead ? lead : JIRA_ME);
    json_set_str(a, p, "projectTypeKey", type ? type : "software");
    json_set_str(a, p, "created", jira_now(ctx));
    jira_save(ctx, "projects", jira_id_str(ctx, id), p, "key", key, NULL, NULL);
    if (str_eq(json_get_str(p, "projectTypeKey"), "software")) jira_board_create(ctx, p);
    return p;
}

static json_value *component_json(twin_ctx *ctx, const json_value *c);
static json_value *version_json(twin_ctx *ctx, const json_value *v);

json_value *jira_project_json(twin_ctx *ctx, const json_value *p, bool full)
{
    arena *a = ctx->a;
    const char *id = json_get_str(p, "id");
    json_value *o = json_object(a);
    json_set_str(a, o, "expand", "description,lead,issueTypes,url,projectKeys,permissions,insight");
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/project/%s", jira_base(ctx), id));
    json_set_str(a, o, "id", id);
    json_set_str(a, o, "key", json_get_str(p, "key"));
    if (full) {
        json_set_str(a, o, "description", json_get_str(p, "description"));
        json_set(a, o, "lead", jira_user_json(ctx, json_get_str(p, "lead")));
        json_value *comps = json_array(a), *vers = json_array(a), *its = json_array(a);
        twin_list l = jira_list(ctx, "components", "project", id);
        for (size_t i = 0; i < l.n; i++) json_push(comps, component_json(ctx, l.items[i]));
        l = jira_list(ctx, "versions", "project", id);
        for (size_t i = 0; i < l.n; i++) json_push(vers, version_json(ctx, l.items[i]));
        static const char *const tids[] = {"10000", "10001", "10002", "10003", "10004"};
        for (int i = 0; i < 5; i++) json_push(its, jira_issuetype_json(ctx, tids[i]));
        json_set(a, o, "components", comps);
        json_set(a, o, "issueTypes", its);
        json_set_str(a, o, "assigneeType", "UNASSIGNED");
        json_set(a, o, "versions", vers);
        json_set(a, o, "roles", json_object(a));
    }
    json_set_str(a, o, "name", json_get_str(p, "name"));
    json_set(a, o, "avatarUrls", avatars(ctx, "project", "10400"));
    json_set_str(a, o, "projectTypeKey", json_get_str(p, "projectTypeKey"));
    json_set_bool(a, o, "simplified", false);
    json_set_str(a, o, "style", "classic");
    json_set_bool(a, o, "isPrivate", false);
    json_set(a, o, "properties", json_object(a));
    return o;
}

void jira_project_list(twin_ctx *ctx)
{
    json_value *arr = json_array(ctx->a);
    twin_list l = jira_list(ctx, "projects", NULL, NULL);
    for (size_t i = 0; i < l.n; i++) json_push(arr, jira_project_json(ctx, l.items[i], false));
    twin_reply_json(ctx, 200, arr);
}

/* Whether a comma-joined list (as jira_query_list gives) holds value. */
static bool csv_has(arena *a, const char *csv, const char *value, bool fold_case)
{
    char *copy = arena_strdup(a, csv);
    for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (value && (fold_case ? strcasecmp(t, value) == 0 : strcmp(t, value) == 0)) return true;
    return false;
}

/* status=live|archived|deleted (repeatable, default live): the twin keeps
 * only live projects (a deleted one is gone), so the filter either keeps
 * every project or none.  Answers 400 and returns -1 on an unknown value. */
static int status_keeps_live(twin_ctx *ctx)
{
    const char *status = jira_query_list(ctx, "status");
    if (!status || !*status) return 1;
    char *copy = arena_strdup(ctx->a, status);
    bool live = false;
    for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!str_eq(t, "live") && !str_eq(t, "archived") && !str_eq(t, "deleted")) {
            jira_errors(ctx, 400, arena_printf(ctx->a, "Invalid project status '%s'. Valid values are live, archived and deleted.", t));
            return -1;
        }
        live |= str_eq(t, "live");
    }
    return live;
}

void jira_project_search(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *q = jira_str_arg(ctx, "query");
    const char *keys = jira_query_list(ctx, "keys");
    const char *ids = jira_query_list(ctx, "id");
    const char *order = jira_str_arg(ctx, "orderBy");
    int live = status_keeps_live(ctx);
    if (live < 0) return;
    json_value *arr = json_array(a);
    twin_list l = jira_list(ctx, "projects", NULL, NULL);
    /* default order: by key */
    for (size_t i = 1; i < l.n; i++)
        for (size_t k = i; k > 0; k--) {
            int c = strcmp(json_get_str(l.items[k - 1], "key"), json_get_str(l.items[k], "key"));
            bool desc = order && (str_eq(order, "-key") || str_eq(order, "-name"));
            if (order && (str_eq(order, "name") || str_eq(order, "-name")))
                c = strcasecmp(json_get_str(l.items[k - 1], "name"), json_get_str(l.items[k], "name"));
            if (desc ? c < 0 : c > 0) {
                json_value *t = l.items[k];
                l.items[k] = l.items[k - 1];
                l.items[k - 1] = t;
            } else break;
        }
    for (size_t i = 0; live && i < l.n; i++) {
        json_value *p = l.items[i];
        if (q && *q && !strcasestr(json_get_str(p, "key"), q) && !strcasestr(json_get_str(p, "name"), q)) continue;
        if (keys && *keys && !csv_has(a, keys, json_get_str(p, "key"), true)) continue;
        if (ids && *ids && !csv_has(a, ids, json_get_str(p, "id"), false)) continue;
        json_push(arr, jira_project_json(ctx, p, false));
    }
    json_value *page = jira_page(ctx, arr, 50, "values", true);
    /* The links echo the page jira_page settled on (negative values clamped), as Jira's do. */
    int64_t start = 0, max = 0;
    json_int64(json_get(page, "startAt"), &start);
    json_int64(json_get(page, "maxResults"), &max);
    json_value *out = json_object(a);
    json_set_str(a, out, "self", arena_printf(a, "%s/rest/api/3/project/search?startAt=%lld&maxResults=%lld",
                                               jira_base(ctx), (long long)start, (long long)max));
    if (!json_truthy(json_get(page, "isLast")))
        json_set_str(a, out, "nextPage", arena_printf(a, "%s/rest/api/3/project/search?startAt=%lld&maxResults=%lld",
                                                       jira_base(ctx), (long long)(start + max), (long long)max));
    json_merge(a, out, page);
    twin_reply_json(ctx, 200, out);
}

static bool valid_key(const char *k)
{
    if (!k || !isupper((unsigned char)k[0]) || strlen(k) < 2 || strlen(k) > 10) return false;
    for (const char *p = k; *p; p++)
        if (!isupper((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_') return false;
    return true;
}

void jira_project_new(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *key = jira_str_arg(ctx, "key"), *name = jira_str_arg(ctx, "name");
    if (!key || !*key) {
        jira_field_error(ctx, 400, "projectKey", "You must specify a unique project key, at least 2 characters long.");
        return;
    }
    if (!valid_key(key)) {
        jira_field_error(ctx, 400, "projectKey",
                         "Project keys must start with an uppercase letter, followed by one or more uppercase alphanumeric characters.");
        return;
    }
    if (!name || !*name) {
        jira_field_error(ctx, 400, "projectName", "You must specify a valid project name.");
        return;
    }
    if (jira_project_get(ctx, key)) {
        jira_field_error(ctx, 400, "projectKey", arena_printf(a, "Project '%s' uses this project key.",
                                                               json_get_str(jira_project_get(ctx, key), "name")));
        return;
    }
    const char *lead = jira_str_arg(ctx, "leadAccountId");
    if (lead && !jira_user_get(ctx, lead) && !str_eq(lead, JIRA_ME)) {
        jira_field_error(ctx, 400, "projectLead", "The project lead you specified does not exist.");
        return;
    }
    jira_ensure_me(ctx);
    json_value *p = jira_project_create(ctx, key, name, jira_str_arg(ctx, "description"), lead,
                                        jira_str_arg(ctx, "projectTypeKey"));
    json_value *o = json_object(a);
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/project/%s", jira_base(ctx), json_get_str(p, "id")));
    json_set(a, o, "id", json_number_text(a, json_get_str(p, "id")));
    json_set_str(a, o, "key", key);
    twin_reply_json(ctx, 201, o);
}

void jira_project_show(twin_ctx *ctx)
{
    json_value *p = load_project(ctx);
    if (p) twin_reply_json(ctx, 200, jira_project_json(ctx, p, true));
}

void jira_project_update(twin_ctx *ctx)
{
    json_value *p = load_project(ctx);
    if (!p) return;
    arena *a = ctx->a;
    const char *v;
    if ((v = jira_str_arg(ctx, "name"))) json_set_str(a, p, "name", v);
    if ((v = jira_str_arg(ctx, "description"))) json_set_str(a, p, "description", v);
    if ((v = jira_str_arg(ctx, "leadAccountId"))) json_set_str(a, p, "lead", v);
    jira_save(ctx, "projects", json_get_str(p, "id"), p, "key", json_get_str(p, "key"), NULL, NULL);
    twin_reply_json(ctx, 200, jira_project_json(ctx, p, true));
}

void jira_project_delete(twin_ctx *ctx)
{
    json_value *p = load_project(ctx);
    if (!p) return;
    const char *id = json_get_str(p, "id");
    twin_list l = jira_list(ctx, "issues", "project", id);
    for (size_t i = 0; i < l.n; i++) twin_doc_delete(ctx, "issues", json_get_str(l.items[i], "id"));
    twin_doc_delete(ctx, "projects", id);
    twin_reply_text(ctx, 204, NULL, "", 0);
}

/* ---- components ---- */

static json_value *component_json(twin_ctx *ctx, const json_value *c)
{
    arena *a = ctx->a;
    json_value *o = json_clone(a, c);
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/component/%s", jira_base(ctx), json_get_str(c, "id")));
    const char *lead = json_get_str(c, "leadAccountId");
    json_remove(o, "leadAccountId");
    if (lead) json_set(a, o, "lead", jira_user_json(ctx, lead));
    json_set_str(a, o, "assigneeType", "PROJECT_DEFAULT");
    json_set_str(a, o, "realAssigneeType", "PROJECT_DEFAULT");
    json_set_bool(a, o, "isAssigneeTypeValid", false);
    json_set(a, o, "projectId", json_number_text(a, json_get_str(c, "projectId")));
    return o;
}

static json_value *load_by_id(twin_ctx *ctx, const char *collection, const char *what)
{
    json_value *d = twin_doc_get(ctx, collection, twin_param(ctx, "id"));
    if (!d) jira_errors(ctx, 404, arena_printf(ctx->a, "The %s with id %s does not exist.", what, twin_param(ctx, "id")));
    return d;
}

void jira_component_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *pref = jira_str_arg(ctx, "project");
    if (!pref) pref = jira_str_arg(ctx, "projectId");
    json_value *p = jira_project_get(ctx, pref);
    if (!p) {
        jira_field_error(ctx, 400, "project", "The project is not valid.");
        return;
    }
    const char *name = jira_str_arg(ctx, "name");
    if (!name || !*name) {
        jira_field_error(ctx, 400, "name", "The component name specified is invalid - cannot be empty.");
        return;
    }
    twin_list l = jira_list(ctx, "components", "project", json_get_str(p, "id"));
    for (size_t i = 0; i < l.n; i++)
        if (strcasecmp(json_get_str(l.items[i], "name"), name) == 0) {
            jira_field_error(ctx, 400, "name", arena_printf(a, "A component with the name %s already exists in this project.", name));
            return;
        }
    const char *id = jira_id_str(ctx, jira_next_id(ctx, "component"));
    json_value *c = json_object(a);
    json_set_str(a, c, "id", id);
    json_set_str(a, c, "name", name);
    json_set_str(a, c, "description", jira_str_arg(ctx, "description") ? jira_str_arg(ctx, "description") : "");
    if (jira_str_arg(ctx, "leadAccountId")) json_set_str(a, c, "leadAccountId", jira_str_arg(ctx, "leadAccountId"));
    json_set_str(a, c, "project", json_get_str(p, "key"));
    json_set_str(a, c, "projectId", json_get_str(p, "id"));
    jira_save(ctx, "components", id, c, "project", json_get_str(p, "id"), NULL, NULL);
    twin_reply_json(ctx, 201, component_json(ctx, c));
}

void jira_component_get(twin_ctx *ctx)
{
    json_value *c = load_by_id(ctx, "components", "component");
    if (c) twin_reply_json(ctx, 200, component_json(ctx, c));
}

void jira_component_update(twin_ctx *ctx)
{
    json_value *c = load_by_id(ctx, "components", "component");
    if (!c) return;
    arena *a = ctx->a;
    const char *v;
    if ((v = jira_str_arg(ctx, "name"))) json_set_str(a, c, "name", v);
    if ((v = jira_str_arg(ctx, "description"))) json_set_str(a, c, "description", v);
    if ((v = jira_str_arg(ctx, "leadAccountId"))) json_set_str(a, c, "leadAccountId", v);
    jira_save(ctx, "components", json_get_str(c, "id"), c, "project", json_get_str(c, "projectId"), NULL, NULL);
    twin_reply_json(ctx, 200, component_json(ctx, c));
}

void jira_component_delete(twin_ctx *ctx)
{
    json_value *c = load_by_id(ctx, "components", "component");
    if (!c) return;
    twin_doc_delete(ctx, "components", json_get_str(c, "id"));
    twin_reply_text(ctx, 204, NULL, "", 0);
}

/* A project's components or versions: the plain array, or the paged form. */
static void project_children(twin_ctx *ctx, const char *collection,
                             json_value *(*render)(twin_ctx *, const json_value *), bool paged)
{
    json_value *p = load_project(ctx);
    if (!p) return;
    json_value *arr = json_array(ctx->a);
    twin_list l = jira_list(ctx, collection, "project", json_get_str(p, "id"));
    for (size_t i = 0; i < l.n; i++) json_push(arr, render(ctx, l.items[i]));
    twin_reply_json(ctx, 200, paged ? jira_page(ctx, arr, 50, "values", true) : arr);
}

void jira_project_components(twin_ctx *ctx) { project_children(ctx, "components", component_json, false); }

void jira_project_components_page(twin_ctx *ctx) { project_children(ctx, "components", component_json, true); }

/* ---- versions ---- */

static json_value *version_json(twin_ctx *ctx, const json_value *v)
{
    arena *a = ctx->a;
    json_value *o = json_clone(a, v);
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/version/%s", jira_base(ctx), json_get_str(v, "id")));
    json_set(a, o, "projectId", json_number_text(a, json_get_str(v, "projectId")));
    return o;
}

static void version_apply(twin_ctx *ctx, json_value *v)
{
    arena *a = ctx->a;
    static const char *const strs[] = {"name", "description", "releaseDate", "startDate"};
    for (int i = 0; i < 4; i++) {
        const char *s = jira_str_arg(ctx, strs[i]);
        if (s) json_set_str(a, v, strs[i], s);
    }
    json_value *b;
    if ((b = json_get(ctx->body, "released")) && json_is_bool(b)) json_set_bool(a, v, "released", json_truthy(b));
    if ((b = json_get(ctx->body, "archived")) && json_is_bool(b)) json_set_bool(a, v, "archived", json_truthy(b));
}

void jira_version_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *pref = jira_str_arg(ctx, "projectId");
    if (!pref) pref = jira_str_arg(ctx, "project");
    json_value *p = jira_project_get(ctx, pref);
    if (!p) {
        jira_field_error(ctx, 400, "project", "Project must be specified to create a version.");
        return;
    }
    const char *name = jira_str_arg(ctx, "name");
    if (!name || !*name) {
        jira_field_error(ctx, 400, "name", "You must specify a valid version name");
        return;
    }
    twin_list l = jira_list(ctx, "versions", "project", json_get_str(p, "id"));
    for (size_t i = 0; i < l.n; i++)
        if (strcasecmp(json_get_str(l.items[i], "name"), name) == 0) {
            jira_field_error(ctx, 400, "name", "A version with this name already exists in this project.");
            return;
        }
    const char *id = jira_id_str(ctx, jira_next_id(ctx, "version"));
    json_value *v = json_object(a);
    json_set_str(a, v, "id", id);
    json_set_str(a, v, "description", "");
    json_set_bool(a, v, "archived", false);
    json_set_bool(a, v, "released", false);
    version_apply(ctx, v);
    json_set_str(a, v, "projectId", json_get_str(p, "id"));
    jira_save(ctx, "versions", id, v, "project", json_get_str(p, "id"), NULL, NULL);
    twin_reply_json(ctx, 201, version_json(ctx, v));
}

void jira_version_get(twin_ctx *ctx)
{
    json_value *v = load_by_id(ctx, "versions", "version");
    if (v) twin_reply_json(ctx, 200, version_json(ctx, v));
}

void jira_version_update(twin_ctx *ctx)
{
    json_value *v = load_by_id(ctx, "versions", "version");
    if (!v) return;
    version_apply(ctx, v);
    jira_save(ctx, "versions", json_get_str(v, "id"), v, "project", json_get_str(v, "projectId"), NULL, NULL);
    twin_reply_json(ctx, 200, version_json(ctx, v));
}

void jira_version_delete(twin_ctx *ctx)
{
    json_value *v = load_by_id(ctx, "versions", "version");
    if (!v) return;
    twin_doc_delete(ctx, "versions", json_get_str(v, "id"));
    twin_reply_text(ctx, 204, NULL, "", 0);
}

void jira_project_versions(twin_ctx *ctx) { project_children(ctx, "versions", version_json, false); }

void jira_project_versions_page(twin_ctx *ctx) { project_children(ctx, "versions", version_json, true); }
