/* Jira twin: issues — create (single and bulk), get with fields/expand,
 * edit with changelog, delete, assign, transitions. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "twins/jira/jira.h"
#include "util/util.h"

json_value *jira_issue_get(twin_ctx *ctx, const char *id_or_key)
{
    if (!id_or_key || !*id_or_key) return NULL;
    bool numeric = true;
    for (const char *p = id_or_key; *p; p++)
        if (!isdigit((unsigned char)*p)) numeric = false;
    if (numeric) return twin_doc_get(ctx, "issues", id_or_key);
    char *up = arena_strdup(ctx->a, id_or_key);
    for (char *p = up; *p; p++) *p = (char)toupper((unsigned char)*p);
    twin_list l = jira_list(ctx, "issues", "key", up);
    return l.n ? l.items[0] : NULL;
}

void jira_issue_save(twin_ctx *ctx, const json_value *issue)
{
    jira_save(ctx, "issues", json_get_str(issue, "id"), issue, "project", json_get_str(issue, "project"), "key",
              json_get_str(issue, "key"));
}

json_value *jira_change_item(twin_ctx *ctx, const char *field, const char *from, const char *from_s,
                             const char *to, const char *to_s)
{
    arena *a = ctx->a;
    json_value *it = json_object(a);
    json_set_str(a, it, "field", field);
    json_set_str(a, it, "fieldtype", "jira");
    json_set_str(a, it, "fieldId", field);
    if (from) json_set_str(a, it, "from", from);
    json_set_str(a, it, "fromString", from_s);
    if (to) json_set_str(a, it, "to", to);
    json_set_str(a, it, "toString", to_s);
    return it;
}

void jira_changelog_add(twin_ctx *ctx, json_value *issue, json_value *items)
{
    if (!items || !items->len) return;
    arena *a = ctx->a;
    json_value *cl = json_get(issue, "changelog");
    if (!cl) {
        cl = json_array(a);
        json_set(a, issue, "changelog", cl);
    }
    json_value *h = json_object(a);
    json_set_str(a, h, "id", jira_id_str(ctx, jira_next_id(ctx, "changelog")));
    json_set_str(a, h, "author", jira_viewer(ctx));
    json_set_str(a, h, "created", jira_now(ctx));
    json_set(a, h, "items", items);
    json_push(cl, h);
}

static const char *name_of(json_value *v)
{
    return v && v->type != JSON_NULL ? json_get_str(v, "name") : NULL;
}

static const char *user_name(twin_ctx *ctx, const char *account_id)
{
    json_value *u = jira_user_get(ctx, account_id);
    return u ? json_get_str(u, "displayName") : NULL;
}

static const char *labels_text(arena *a, const json_value *labels)
{
    char *s = arena_strdup(a, "");
    json_foreach(l, labels) s = arena_printf(a, "%s%s%s", s, *s ? " " : "", json_str(l));
    return s;
}

/* Sets the status (and resolution with it); adds change items. */
bool jira_issue_transition(twin_ctx *ctx, json_value *issue, const char *status_id, json_value *items)
{
    arena *a = ctx->a;
    const char *old = json_get_str(issue, "status");
    if (str_eq(old, status_id)) return false;
    json_push(items, jira_change_item(ctx, "status", old, name_of(jira_status_json(ctx, old)), status_id,
                                      name_of(jira_status_json(ctx, status_id))));
    json_set_str(a, issue, "status", status_id);
    if (!str_eq(jira_status_category_key(old), jira_status_category_key(status_id)))
        json_set_str(a, issue, "statuscategorychangedate", jira_now(ctx));
    bool done = str_eq(jira_status_category_key(status_id), "done");
    const char *res = json_get_str(issue, "resolution");
    if (done && !res) {
        json_set_str(a, issue, "resolution", "10000");
        json_set_str(a, issue, "resolutiondate", jira_now(ctx));
        json_push(items, jira_change_item(ctx, "resolution", NULL, NULL, "10000", "Done"));
    } else if (!done && res) {
        json_set_null(a, issue, "resolution");
        json_set_null(a, issue, "resolutiondate");
        json_push(items, jira_change_item(ctx, "resolution", res, "Done", NULL, NULL));
    }
    return true;
}

/* ---- field input ---- */

typedef struct errs {
    json_value *obj;
} errs;

static void err_set(twin_ctx *ctx, errs *e, const char *field, const char *msg)
{
    if (!e->obj) e->obj = json_object(ctx->a);
    if (!json_get(e->obj, field)) json_set_str(ctx->a, e->obj, field, msg);
}

static const char *user_ref(twin_ctx *ctx, const json_value *v, bool *bad)
{
    *bad = false;
    if (!v || v->type == JSON_NULL) return NULL;
    const char *id = v->type == JSON_STRING ? v->str : json_get_str(v, "accountId");
    if (!id) id = json_get_str(v, "id");
    if (!id && json_get_str(v, "name")) {
        json_value *u = jira_user_find(ctx, json_get_str(v, "name"));
        if (u) return json_get_str(u, "accountId");
    }
    if (!id || str_eq(id, "-1")) return NULL;
    jira_ensure_me(ctx);
    if (!jira_user_get(ctx, id)) {
        *bad = true;
        return NULL;
    }
    return id;
}

/* [{id}|{name}] -> ids of the project's components/versions. */
static json_value *project_refs(twin_ctx *ctx, const char *collection, const char *project, const json_value *in,
                                bool *bad)
{
    arena *a = ctx->a;
    json_value *out = json_array(a);
    twin_list l = jira_list(ctx, collection, "project", project);
    json_foreach(r, in) {
        json_value *idv = json_get(r, "id");
        const char *name = json_get_str(r, "name");
        const char *hit = NULL;
        for (size_t i = 0; i < l.n; i++)
            if ((idv && str_eq(idv->str, json_get_str(l.items[i], "id"))) ||
                (!idv && name && strcasecmp(name, json_get_str(l.items[i], "name")) == 0))
                hit = json_get_str(l.items[i], "id");
        if (!hit) *bad = true;
        else json_push(out, json_string(a, hit));
    }
    return out;
}

static const char *str_or_null(const json_value *v)
{
    return v && v->type == JSON_STRING ? v->str : NULL;
}

/* Applies fields to issue (creating = first time); records change items. */
static void apply_fields(twin_ctx *ctx, json_value *issue, const json_value *fields, bool creating, errs *e,
                         json_value *items)
{
    arena *a = ctx->a;
    const char *project = json_get_str(issue, "project");
    json_foreach(f, fields) {
        const char *k = f->key;
        if (str_eq(k, "project") || (str_eq(k, "issuetype") && creating)) continue;
        if (str_eq(k, "summary")) {
            const char *s = str_or_null(f);
            if (!s || !*s) { err_set(ctx, e, "summary", "You must specify a summary of the issue."); continue; }
            if (strlen(s) > 255) { err_set(ctx, e, "summary", "Summary must be less than 255 characters."); continue; }
            if (!creating && !str_eq(s, json_get_str(issue, "summary")))
                json_push(items, jira_change_item(ctx, "summary", NULL, json_get_str(issue, "summary"), NULL, s));
            json_set_str(a, issue, "summary", s);
        } else if (str_eq(k, "description") || str_eq(k, "environment")) {
            if (f->type != JSON_NULL && f->type != JSON_STRING && f->type != JSON_OBJECT) {
                err_set(ctx, e, k, "Operation value must be an Atlassian Document (see the Atlassian Document Format)");
                continue;
            }
            json_value *doc = jira_adf(ctx, f);
            if (!creating) {
                const char *before = jira_adf_text(a, json_get(issue, k)), *after = jira_adf_text(a, doc);
                if (!str_eq(before, after)) json_push(items, jira_change_item(ctx, k, NULL, before, NULL, after));
            }
            json_set(a, issue, k, doc ? doc : json_null(a));
        } else if (str_eq(k, "issuetype")) {
            const char *t = jira_issuetype_lookup(f);
            if (!t) { err_set(ctx, e, "issuetype", "The issue type selected is invalid."); continue; }
            if (!str_eq(t, json_get_str(issue, "issuetype")))
                json_push(items, jira_change_item(ctx, "issuetype", json_get_str(issue, "issuetype"),
                                                  name_of(jira_issuetype_json(ctx, json_get_str(issue, "issuetype"))),
                                                  t, name_of(jira_issuetype_json(ctx, t))));
            json_set_str(a, issue, "issuetype", t);
        } else if (str_eq(k, "priority")) {
            const char *p = jira_priority_lookup(f);
            if (!p) { err_set(ctx, e, "priority", "The priority selected is invalid."); continue; }
            if (!creating && !str_eq(p, json_get_str(issue, "priority")))
                json_push(items, jira_change_item(ctx, "priority", json_get_str(issue, "priority"),
                                                  name_of(jira_priority_json(ctx, json_get_str(issue, "priority"))),
                                                  p, name_of(jira_priority_json(ctx, p))));
            json_set_str(a, issue, "priority", p);
        } else if (str_eq(k, "labels")) {
            if (f->type != JSON_ARRAY) { err_set(ctx, e, "labels", "data was not an array"); continue; }
            json_value *ls = json_array(a);
            bool bad = false;
            json_foreach(l, f) {
                if (!json_str(l) || strchr(l->str, ' ')) bad = true;
                else json_push(ls, json_string(a, l->str));
            }
            if (bad) { err_set(ctx, e, "labels", "The label can't contain spaces."); continue; }
            const char *before = labels_text(a, json_get(issue, "labels")), *after = labels_text(a, ls);
            if (!creating && !str_eq(before, after))
                json_push(items, jira_change_item(ctx, "labels", NULL, before, NULL, after));
            json_set(a, issue, "labels", ls);
        } else if (str_eq(k, "assignee") || str_eq(k, "reporter")) {
            bool bad;
            const char *u = user_ref(ctx, f, &bad);
            if (bad) {
                err_set(ctx, e, k, str_eq(k, "assignee") ? arena_printf(a, "User '%s' cannot be assigned issues.",
                                                                        json_get_str(f, "accountId") ? json_get_str(f, "accountId") : "")
                                                       : "Specified reporter is not a user.");
                continue;
            }
            const char *old = json_get_str(issue, k);
            if (!creating && !str_eq(old, u))
                json_push(items, jira_change_item(ctx, k, old, user_name(ctx, old), u, user_name(ctx, u)));
            json_set_str(a, issue, k, u);
        } else if (str_eq(k, "components") || str_eq(k, "fixVersions") || str_eq(k, "versions")) {
            bool bad = false;
            json_value *ids = project_refs(ctx, str_eq(k, "components") ? "components" : "versions", project, f, &bad);
            if (bad) {
                err_set(ctx, e, k, str_eq(k, "components") ? "Component name or id is not valid." : "Version name or id is not valid.");
                continue;
            }
            json_set(a, issue, k, ids);
        } else if (str_eq(k, "duedate")) {
            const char *d = str_or_null(f);
            if (f->type != JSON_NULL && (!d || strlen(d) != 10)) { err_set(ctx, e, "duedate", "Error parsing date string: "); continue; }
            if (!creating && !str_eq(d, json_get_str(issue, "duedate")))
                json_push(items, jira_change_item(ctx, "duedate", json_get_str(issue, "duedate"), json_get_str(issue, "duedate"), d, d));
            json_set_str(a, issue, "duedate", d);
        } else if (str_eq(k, "parent")) {
            const char *ref = json_get_str(f, "key");
            if (!ref && json_get(f, "id")) ref = json_get(f, "id")->str;
            json_value *par = ref ? jira_issue_get(ctx, ref) : NULL;
            if (f->type != JSON_NULL && !par) { err_set(ctx, e, "parent", "Could not find issue by id or key."); continue; }
            json_set_str(a, issue, "parent", par ? json_get_str(par, "id") : NULL);
        } else if (str_eq(k, "resolution")) {
            json_set_str(a, issue, "resolution", f->type == JSON_NULL ? NULL : "10000");
        } else if (str_starts_with(k, "customfield_")) {
            json_value *cf = json_get(issue, "custom");
            if (!cf) { cf = json_object(a); json_set(a, issue, "custom", cf); }
            json_set(a, cf, k, json_clone(a, f));
        } else {
            err_set(ctx, e, k, arena_printf(a, "Field '%s' cannot be set. It is not on the appropriate screen, or unknown.", k));
        }
    }
}

/* "update": {"labels":[{"add":"x"},{"remove":"y"},{"set":[..]}], "summary":[{"set":".."}], ...} */
static void apply_update(twin_ctx *ctx, json_value *issue, const json_value *update, errs *e, json_value *items)
{
    arena *a = ctx->a;
    json_foreach(f, update) {
        json_foreach(op, f) {
            json_value *set = json_get(op, "set"), *add = json_get(op, "add"), *rem = json_get(op, "remove");
            if (str_eq(f->key, "labels")) {
                json_value *cur = json_clone(a, json_get(issue, "labels"));
                if (!cur) cur = json_array(a);
                json_value *next = json_array(a);
                if (set) json_foreach(x, set) json_push(next, json_clone(a, x));
                else {
                    json_foreach(x, cur) if (!(rem && str_eq(json_str(x), json_str(rem)))) json_push(next, json_clone(a, x));
                    bool present = false;
                    json_foreach(x, next) if (add && str_eq(json_str(x), json_str(add))) present = true;
                    if (add && json_str(add) && !present) json_push(next, json_clone(a, add));
                }
                json_value *fo = json_object(a);
                json_set(a, fo, "labels", next);
                apply_fields(ctx, issue, fo, false, e, items);
            } else if (str_eq(f->key, "comment")) {
                if (add) jira_comment_add(ctx, issue, json_get(add, "body"), NULL);
            } else if (set) {
                json_value *fo = json_object(a);
                json_set(a, fo, f->key, json_clone(a, set));
                apply_fields(ctx, issue, fo, false, e, items);
            } else if (str_eq(f->key, "components") || str_eq(f->key, "fixVersions")) {
                json_value *cur = json_get(issue, f->key), *fo = json_object(a), *arr = json_array(a);
                json_foreach(x, cur) {
                    json_value *r = json_object(a);
                    json_set_str(a, r, "id", json_str(x));
                    bool drop = rem && (str_eq(json_get(rem, "id") ? json_get(rem, "id")->str : NULL, json_str(x)));
                    if (!drop) json_push(arr, r);
                }
                if (add) json_push(arr, json_clone(a, add));
                json_set(a, fo, f->key, arr);
                apply_fields(ctx, issue, fo, false, e, items);
            } else {
                err_set(ctx, e, f->key, arena_printf(a, "Field '%s' cannot be set. It is not on the appropriate screen, or unknown.", f->key));
            }
        }
    }
}

static int64_t issue_seq(twin_ctx *ctx, const char *project_key)
{
    return twin_counter(ctx, arena_printf(ctx->a, "issuekey:%s", project_key));
}

json_value *jira_issue_create(twin_ctx *ctx, const json_value *fields, const char **err)
{
    arena *a = ctx->a;
    errs e = {0};
    *err = NULL;
    json_value *pf = json_get(fields, "project");
    const char *pref = json_get_str(pf, "key");
    if (!pref && json_get(pf, "id")) pref = json_get(pf, "id")->str;
    if (!pref && pf && pf->type == JSON_STRING) pref = pf->str;
    json_value *project = jira_project_get(ctx, pref);
    if (!project) err_set(ctx, &e, "project", "Specify a valid project ID or key");
    json_value *itv = json_get(fields, "issuetype");
    const char *itype = itv ? jira_issuetype_lookup(itv) : NULL;
    if (!itv) err_set(ctx, &e, "issuetype", "Specify an issue type");
    else if (!itype) err_set(ctx, &e, "issuetype", "Specify a valid issue type");
    const char *summary = json_get_str(fields, "summary");
    if (!summary || !*summary) err_set(ctx, &e, "summary", "You must specify a summary of the issue.");
    if (e.obj) goto fail;
    jira_ensure_me(ctx);
    json_value *is = json_object(a);
    int64_t id = jira_next_id(ctx, "issue");
    const char *pkey = json_get_str(project, "key");
    json_set_str(a, is, "id", jira_id_str(ctx, id));
    json_set_str(a, is, "project", json_get_str(project, "id"));
    json_set_str(a, is, "projectKey", pkey);
    json_set_str(a, is, "issuetype", itype);
    json_set_str(a, is, "summary", summary);
    json_set_null(a, is, "description");
    json_set_str(a, is, "priority", "3");
    json_set_str(a, is, "status", "10000");
    json_set_null(a, is, "resolution");
    json_set_null(a, is, "resolutiondate");
    json_set_null(a, is, "assignee");
    json_set_str(a, is, "reporter", jira_viewer(ctx));
    json_set_str(a, is, "creator", jira_viewer(ctx));
    json_set(a, is, "labels", json_array(a));
    json_set(a, is, "components", json_array(a));
    json_set(a, is, "fixVersions", json_array(a));
    json_set_null(a, is, "duedate");
    json_set_null(a, is, "parent");
    json_set_null(a, is, "sprint");
    json_value *items = json_array(a);
    apply_fields(ctx, is, fields, true, &e, items);
    if (e.obj) goto fail;
    json_set_str(a, is, "key", arena_printf(a, "%s-%lld", pkey, (long long)issue_seq(ctx, pkey)));
    const char *now = jira_now(ctx);
    json_set_str(a, is, "created", now);
    json_set_str(a, is, "updated", now);
    json_set_str(a, is, "statuscategorychangedate", now);
    json_value *w = json_array(a);
    json_push(w, json_string(a, json_get_str(is, "reporter")));
    json_set(a, is, "watchers", w);
    json_set(a, is, "voters", json_array(a));
    json_set(a, is, "properties", json_object(a));
    json_set(a, is, "remotelinks", json_array(a));
    json_set(a, is, "links", json_array(a));
    json_set(a, is, "changelog", json_array(a));
    jira_issue_save(ctx, is);
    return is;
fail:;
    json_value *b = json_object(a);
    json_set(a, b, "errorMessages", json_array(a));
    json_set(a, b, "errors", e.obj);
    *err = json_to_string(a, b, NULL);
    return NULL;
}

/* ---- rendering ---- */

static json_value *issue_ref_json(twin_ctx *ctx, const json_value *is)
{
    arena *a = ctx->a;
    json_value *o = json_object(a), *f = json_object(a);
    json_set_str(a, o, "id", json_get_str(is, "id"));
    json_set_str(a, o, "key", json_get_str(is, "key"));
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/issue/%s", jira_base(ctx), json_get_str(is, "id")));
    json_set_str(a, f, "summary", json_get_str(is, "summary"));
    json_set(a, f, "status", jira_status_json(ctx, json_get_str(is, "status")));
    json_set(a, f, "priority", jira_priority_json(ctx, json_get_str(is, "priority")));
    json_set(a, f, "issuetype", jira_issuetype_json(ctx, json_get_str(is, "issuetype")));
    json_set(a, o, "fields", f);
    return o;
}

json_value *jira_link_json(twin_ctx *ctx, const json_value *link, const char *from_issue);
json_value *jira_link_json(twin_ctx *ctx, const json_value *link, const char *from_issue)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "id", json_get_str(link, "id"));
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/issueLink/%s", jira_base(ctx), json_get_str(link, "id")));
    json_value *tref = json_object(a);
    json_set_str(a, tref, "id", json_get_str(link, "type"));
    json_set(a, o, "type", jira_link_type_json(ctx, tref));
    const char *in = json_get_str(link, "inward"), *out = json_get_str(link, "outward");
    json_value *ii = twin_doc_get(ctx, "issues", in), *oi = twin_doc_get(ctx, "issues", out);
    if (!from_issue || str_eq(from_issue, in)) { if (oi) json_set(a, o, "outwardIssue", issue_ref_json(ctx, oi)); }
    if (!from_issue || str_eq(from_issue, out)) { if (ii) json_set(a, o, "inwardIssue", issue_ref_json(ctx, ii)); }
    return o;
}

static json_value *project_ref_json(twin_ctx *ctx, const char *project_id)
{
    arena *a = ctx->a;
    json_value *p = twin_doc_get(ctx, "projects", project_id);
    if (!p) return json_null(a);
    json_value *full = jira_project_json(ctx, p, false), *o = json_object(a);
    static const char *const keep[] = {"self", "id", "key", "name", "projectTypeKey", "simplified", "avatarUrls"};
    for (int i = 0; i < 7; i++) {
        json_value *v = json_get(full, keep[i]);
        if (v) json_set(a, o, keep[i], json_clone(a, v));
    }
    return o;
}

static bool want_field(const char *spec, const char *field, bool navigable_only)
{
    (void)navigable_only;
    if (!spec || !*spec) return true;
    bool all = false, any_positive = false, hit = false, excluded = false;
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n && *p == ' ') p++, n--;
        if (n) {
            if ((n == 4 && strncmp(p, "*all", 4) == 0) || (n == 10 && strncmp(p, "*navigable", 10) == 0)) all = true;
            else if (*p == '-') {
                if (n - 1 == strlen(field) && strncmp(p + 1, field, n - 1) == 0) excluded = true;
            } else {
                any_positive = true;
                if (n == strlen(field) && strncmp(p, field, n) == 0) hit = true;
            }
        }
        if (!end) break;
        p = end + 1;
    }
    if (excluded) return false;
    if (all) return true;
    return hit || !any_positive;
}

static json_value *comment_page_json(twin_ctx *ctx, const json_value *is)
{
    arena *a = ctx->a;
    json_value *arr = json_array(a), *o = json_object(a);
    twin_list l = jira_list(ctx, "comments", "issue", json_get_str(is, "id"));
    for (size_t i = 0; i < l.n; i++) json_push(arr, jira_comment_json(ctx, l.items[i]));
    json_set(a, o, "comments", arr);
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/issue/%s/comment", jira_base(ctx), json_get_str(is, "id")));
    json_set_int(a, o, "maxResults", (int64_t)l.n);
    json_set_int(a, o, "total", (int64_t)l.n);
    json_set_int(a, o, "startAt", 0);
    return o;
}

json_value *jira_worklog_json(twin_ctx *ctx, const json_value *w);
json_value *jira_attachment_json(twin_ctx *ctx, const json_value *at);

static json_value *changelog_json(twin_ctx *ctx, const json_value *is)
{
    arena *a = ctx->a;
    json_value *arr = json_array(a);
    json_foreach(h, json_get(is, "changelog")) {
        json_value *o = json_object(a);
        json_set_str(a, o, "id", json_get_str(h, "id"));
        json_set(a, o, "author", jira_user_json(ctx, json_get_str(h, "author")));
        json_set_str(a, o, "created", json_get_str(h, "created"));
        json_set(a, o, "items", json_clone(a, json_get(h, "items")));
        json_push(arr, o);
    }
    return arr;
}

static json_value *transitions_json(twin_ctx *ctx, const json_value *is);

/* the watches / votes field: its sub-resource link, how many, and whether the caller is one of them */
static json_value *tally_json(twin_ctx *ctx, const json_value *is, const char *list, const char *path,
                              const char *count_key, const char *me_key)
{
    arena *a = ctx->a;
    const json_value *who = json_get(is, list);
    json_value *o = json_object(a);
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/issue/%s/%s", jira_base(ctx), json_get_str(is, "key"), path));
    json_set_int(a, o, count_key, who ? who->len : 0);
    bool me = false;
    json_foreach(x, who) if (str_eq(json_str(x), jira_viewer(ctx))) me = true;
    json_set_bool(a, o, me_key, me);
    return o;
}

bool jira_expand_has(const char *expand, const char *opt)
{
    size_t n = strlen(opt);
    for (const char *p = expand; p && *p;) {
        while (*p == ' ') p++;
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && p[len - 1] == ' ') len--;
        if (len == n && strncmp(p, opt, n) == 0) return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

/* Whether a properties list ("*all", keys, "-key") selects key. */
static bool want_property(const char *spec, const char *key)
{
    bool all = false, named = false, excluded = false;
    for (const char *p = spec; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 4 && strncmp(p, "*all", 4) == 0) all = true;
        else if (*p == '-' && len - 1 == strlen(key) && strncmp(p + 1, key, len - 1) == 0) excluded = true;
        else if (len == strlen(key) && strncmp(p, key, len) == 0) named = true;
        p = end ? end + 1 : NULL;
    }
    return !excluded && (all || named);
}

static json_value *editmeta_json(twin_ctx *ctx, const json_value *is);

/* The most recent changes first, at most the 100 Jira embeds in an issue
 * (the changelog resource pages through all of them). */
#define JIRA_EMBEDDED_HISTORIES 100

static json_value *changelog_page_json(twin_ctx *ctx, const json_value *is)
{
    arena *a = ctx->a;
    json_value *all = changelog_json(ctx, is), *recent = json_array(a), *c = json_object(a);
    size_t n = all->len, i = 0;
    json_value **items = arena_alloc(a, (n ? n : 1) * sizeof *items);
    json_foreach(h, all) items[i++] = h;
    for (size_t k = n; k > 0 && recent->len < JIRA_EMBEDDED_HISTORIES; k--) {
        items[k - 1]->next = NULL;
        json_push(recent, items[k - 1]);
    }
    json_set_int(a, c, "startAt", 0);
    json_set_int(a, c, "maxResults", recent->len);
    json_set_int(a, c, "total", (int64_t)n);
    json_set(a, c, "histories", recent);
    return c;
}

/* A stored date or date-time ("2026-11-23" or "2026-11-23T16:11:00.000+0000")
 * in Jira's display format ("23/Nov/26", "23/Nov/26 4:11 PM"), or NULL. */
static const char *display_date(arena *a, const char *iso)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y, mo, d, h, mi;
    if (!iso) return NULL;
    int n = sscanf(iso, "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &h, &mi);
    if (n < 3 || mo < 1 || mo > 12) return NULL;
    const char *date = arena_printf(a, "%02d/%s/%02d", d, months[mo - 1], y % 100);
    if (n < 5) return date;
    return arena_printf(a, "%s %d:%02d %s", date, h % 12 ? h % 12 : 12, mi, h < 12 ? "AM" : "PM");
}

/* The comment page with each body rendered as HTML. */
static json_value *rendered_comments(twin_ctx *ctx, const json_value *page)
{
    arena *a = ctx->a;
    json_value *out = json_clone(a, page);
    json_foreach(c, json_get(out, "comments")) {
        const char *html = jira_adf_html(a, json_get(c, "body"));
        json_set_str(a, c, "body", html ? html : "");
        json_set_str(a, c, "created", display_date(a, json_get_str(c, "created")));
        json_set_str(a, c, "updated", display_date(a, json_get_str(c, "updated")));
    }
    return out;
}

/* Jira renders rich text as HTML and dates for display; fields without a
 * renderer come out null. */
static json_value *rendered_fields_json(twin_ctx *ctx, const json_value *is, const json_value *fields)
{
    arena *a = ctx->a;
    json_value *rf = json_object(a);
    json_foreach(f, fields) {
        const char *type = json_get_str(jira_field_schema(ctx, f->key), "type");
        const char *text = NULL;
        if (str_eq(f->key, "description") || str_eq(f->key, "environment")) text = jira_adf_html(a, json_get(is, f->key));
        else if (str_eq(type, "datetime") || str_eq(type, "date")) text = display_date(a, json_str(f));
        if (str_eq(f->key, "comment")) json_set(a, rf, f->key, rendered_comments(ctx, f));
        else if (text) json_set_str(a, rf, f->key, text);
        else json_set_null(a, rf, f->key);
    }
    return rf;
}

/* The expansions Jira adds next to "fields". */
static void add_expansions(twin_ctx *ctx, json_value *o, const json_value *is, json_value *f, const char *expand)
{
    arena *a = ctx->a;
    if (jira_expand_has(expand, "renderedFields")) json_set(a, o, "renderedFields", rendered_fields_json(ctx, is, f));
    if (jira_expand_has(expand, "names")) {
        json_value *names = json_object(a);
        json_foreach(x, f) json_set_str(a, names, x->key, jira_field_name(x->key));
        json_set(a, o, "names", names);
    }
    if (jira_expand_has(expand, "schema")) {
        json_value *schema = json_object(a);
        json_foreach(x, f) json_set(a, schema, x->key, jira_field_schema(ctx, x->key));
        json_set(a, o, "schema", schema);
    }
    if (jira_expand_has(expand, "transitions")) json_set(a, o, "transitions", transitions_json(ctx, is));
    if (jira_expand_has(expand, "operations")) {
        json_value *ops = json_object(a);
        json_set(a, ops, "linkGroups", json_array(a));
        json_set(a, o, "operations", ops);
    }
    if (jira_expand_has(expand, "editmeta")) json_set(a, o, "editmeta", editmeta_json(ctx, is));
    if (jira_expand_has(expand, "changelog")) json_set(a, o, "changelog", changelog_page_json(ctx, is));
    if (jira_expand_has(expand, "versionedRepresentations")) {
        /* instead of fields: each field's versions, keyed by version number */
        json_value *vr = json_object(a);
        json_foreach(x, f) {
            json_value *versions = json_object(a);
            json_set(a, versions, "1", json_clone(a, x));
            json_set(a, vr, x->key, versions);
        }
        json_remove(o, "fields");
        json_set(a, o, "versionedRepresentations", vr);
    }
}

void jira_hoist_field_meta(twin_ctx *ctx, json_value *result, json_value *issues)
{
    arena *a = ctx->a;
    static const char *const keys[] = {"names", "schema"};
    for (int k = 0; k < 2; k++) {
        json_value *merged = NULL;
        json_foreach(is, issues) {
            json_value *part = json_get(is, keys[k]);
            if (!part) continue;
            if (!merged) merged = json_object(a);
            json_foreach(x, part) if (!json_get(merged, x->key)) json_set(a, merged, x->key, json_clone(a, x));
            json_remove(is, keys[k]);
        }
        if (merged) json_set(a, result, keys[k], merged);
    }
}

json_value *jira_issue_json(twin_ctx *ctx, const json_value *is, const char *fspec, const char *expand)
{
    return jira_issue_render(ctx, is, fspec, expand, NULL);
}

json_value *jira_issue_render(twin_ctx *ctx, const json_value *is, const char *fspec, const char *expand,
                              const char *props)
{
    arena *a = ctx->a;
    const char *id = json_get_str(is, "id");
    json_value *o = json_object(a), *f = json_object(a);
    json_set_str(a, o, "expand", "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations,customfield_10010.requestTypePractice");
    json_set_str(a, o, "id", id);
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/issue/%s", jira_base(ctx), id));
    json_set_str(a, o, "key", json_get_str(is, "key"));
#define W(name) want_field(fspec, name, false)
    if (W("statuscategorychangedate")) json_set_str(a, f, "statuscategorychangedate", json_get_str(is, "statuscategorychangedate"));
    if (W("issuetype")) json_set(a, f, "issuetype", jira_issuetype_json(ctx, json_get_str(is, "issuetype")));
    if (W("parent") && json_get_str(is, "parent")) {
        json_value *par = twin_doc_get(ctx, "issues", json_get_str(is, "parent"));
        if (par) json_set(a, f, "parent", issue_ref_json(ctx, par));
    }
    if (W("project")) json_set(a, f, "project", project_ref_json(ctx, json_get_str(is, "project")));
    if (W("fixVersions") || W("components")) {
        static const char *const coll[2][2] = {{"fixVersions", "versions"}, {"components", "components"}};
        for (int k = 0; k < 2; k++) {
            if (!W(coll[k][0])) continue;
            json_value *arr = json_array(a);
            json_foreach(x, json_get(is, coll[k][0])) {
                json_value *d = twin_doc_get(ctx, coll[k][1], json_str(x));
                if (!d) continue;
                json_value *r = json_object(a);
                json_set_str(a, r, "self", arena_printf(a, "%s/rest/api/3/%s/%s", jira_base(ctx),
                                                         k ? "component" : "version", json_str(x)));
                json_set_str(a, r, "id", json_str(x));
                json_set_str(a, r, "name", json_get_str(d, "name"));
                if (!k) {
                    json_set_bool(a, r, "archived", json_truthy(json_get(d, "archived")));
                    json_set_bool(a, r, "released", json_truthy(json_get(d, "released")));
                }
                json_push(arr, r);
            }
            json_set(a, f, coll[k][0], arr);
        }
    }
    if (W("resolution")) {
        const char *r = json_get_str(is, "resolution");
        if (r) {
            json_value *ro = json_object(a);
            json_set_str(a, ro, "self", arena_printf(a, "%s/rest/api/3/resolution/%s", jira_base(ctx), r));
            json_set_str(a, ro, "id", r);
            json_set_str(a, ro, "description", "Work has been completed on this issue.");
            json_set_str(a, ro, "name", "Done");
            json_set(a, f, "resolution", ro);
        } else json_set_null(a, f, "resolution");
    }
    if (W("resolutiondate")) json_set_str(a, f, "resolutiondate", json_get_str(is, "resolutiondate"));
    if (W("workratio")) json_set_int(a, f, "workratio", -1);
    if (W("watches")) json_set(a, f, "watches", tally_json(ctx, is, "watchers", "watchers", "watchCount", "isWatching"));
    if (W("votes")) json_set(a, f, "votes", tally_json(ctx, is, "voters", "votes", "votes", "hasVoted"));
    if (W("created")) json_set_str(a, f, "created", json_get_str(is, "created"));
    if (W("updated")) json_set_str(a, f, "updated", json_get_str(is, "updated"));
    if (W("priority")) json_set(a, f, "priority", jira_priority_json(ctx, json_get_str(is, "priority")));
    if (W("labels")) json_set(a, f, "labels", json_clone(a, json_get(is, "labels")));
    if (W("issuelinks")) {
        json_value *arr = json_array(a);
        json_foreach(x, json_get(is, "links")) {
            json_value *l = twin_doc_get(ctx, "links", json_str(x));
            if (l) json_push(arr, jira_link_json(ctx, l, id));
        }
        json_set(a, f, "issuelinks", arr);
    }
    if (W("assignee")) json_set(a, f, "assignee", jira_user_json(ctx, json_get_str(is, "assignee")));
    if (W("reporter")) json_set(a, f, "reporter", jira_user_json(ctx, json_get_str(is, "reporter")));
    if (W("creator")) json_set(a, f, "creator", jira_user_json(ctx, json_get_str(is, "creator")));
    if (W("status")) json_set(a, f, "status", jira_status_json(ctx, json_get_str(is, "status")));
    if (W("statusCategory")) {
        json_value *st = jira_status_json(ctx, json_get_str(is, "status"));
        json_set(a, f, "statusCategory", json_clone(a, json_get(st, "statusCategory")));
    }
    if (W("description")) json_set(a, f, "description", json_clone(a, json_get(is, "description")));
    if (W("environment")) json_set(a, f, "environment", json_get(is, "environment") ? json_clone(a, json_get(is, "environment")) : json_null(a));
    if (W("summary")) json_set_str(a, f, "summary", json_get_str(is, "summary"));
    if (W("duedate")) json_set_str(a, f, "duedate", json_get_str(is, "duedate"));
    if (W("subtasks")) {
        json_value *arr = json_array(a);
        twin_list l = jira_list(ctx, "issues", "project", json_get_str(is, "project"));
        for (size_t i = 0; i < l.n; i++)
            if (str_eq(json_get_str(l.items[i], "parent"), id) && str_eq(json_get_str(l.items[i], "issuetype"), "10003"))
                json_push(arr, issue_ref_json(ctx, l.items[i]));
        json_set(a, f, "subtasks", arr);
    }
    if (W("comment")) json_set(a, f, "comment", comment_page_json(ctx, is));
    if (W("worklog") || W("timespent")) {
        json_value *arr = json_array(a);
        int64_t spent = 0;
        twin_list l = jira_list(ctx, "worklogs", "issue", id);
        for (size_t i = 0; i < l.n; i++) {
            int64_t s = 0;
            json_int64(json_get(l.items[i], "timeSpentSeconds"), &s);
            spent += s;
            json_push(arr, jira_worklog_json(ctx, l.items[i]));
        }
        if (W("worklog")) {
            json_value *wo = json_object(a);
            json_set_int(a, wo, "startAt", 0);
            json_set_int(a, wo, "maxResults", 20);
            json_set_int(a, wo, "total", (int64_t)l.n);
            json_set(a, wo, "worklogs", arr);
            json_set(a, f, "worklog", wo);
        }
        if (W("timespent")) {
            if (spent) json_set_int(a, f, "timespent", spent);
            else json_set_null(a, f, "timespent");
        }
    }
    if (W("attachment")) {
        json_value *arr = json_array(a);
        twin_list l = jira_list(ctx, "attachments", "issue", id);
        for (size_t i = 0; i < l.n; i++) json_push(arr, jira_attachment_json(ctx, l.items[i]));
        json_set(a, f, "attachment", arr);
    }
    if (W("customfield_10020")) json_set(a, f, "customfield_10020", jira_sprint_field(ctx, is));
    json_foreach(cf, json_get(is, "custom")) if (W(cf->key)) json_set(a, f, cf->key, json_clone(a, cf));
#undef W
    json_set(a, o, "fields", f);
    if (props) {
        json_value *po = json_object(a);
        json_foreach(p, json_get(is, "properties")) if (want_property(props, p->key)) json_set(a, po, p->key, json_clone(a, p));
        json_set(a, o, "properties", po);
    }
    add_expansions(ctx, o, is, f, expand);
    return o;
}

/* ---- handlers ---- */

static json_value *load_issue(twin_ctx *ctx)
{
    json_value *is = jira_issue_get(ctx, twin_param(ctx, "issueIdOrKey"));
    if (!is) jira_issue_404(ctx);
    return is;
}

static json_value *created_json(twin_ctx *ctx, const json_value *is)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "id", json_get_str(is, "id"));
    json_set_str(a, o, "key", json_get_str(is, "key"));
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/issue/%s", jira_base(ctx), json_get_str(is, "id")));
    return o;
}

static void reply_raw_json(twin_ctx *ctx, int status, const char *text)
{
    json_value *v = json_parse(ctx->a, text, strlen(text), NULL);
    twin_reply_json(ctx, status, v);
}

/* The properties of a create ([{key, value}]): Jira's message for the
 * first entry it refuses, or NULL. */
static const char *initial_properties_problem(twin_ctx *ctx, const json_value *list)
{
    json_foreach(p, list) {
        const char *problem = jira_property_problem(ctx, json_get_str(p, "key"), json_get(p, "value"));
        if (problem) return problem;
    }
    return NULL;
}

/* Stores checked create properties as the issue's entity properties. */
static void store_initial_properties(twin_ctx *ctx, json_value *is, const json_value *list)
{
    if (!list || !list->len) return;
    json_value *props = json_get(is, "properties");
    json_foreach(p, list) json_set(ctx->a, props, json_get_str(p, "key"), json_clone(ctx->a, json_get(p, "value")));
    jira_issue_save(ctx, is);
}

/* {"errorMessages":[message],"errors":{}} as a string, the shape
 * jira_issue_create reports refusals in. */
static const char *error_text(twin_ctx *ctx, const char *message)
{
    json_value *b = json_object(ctx->a), *m = json_array(ctx->a);
    json_push(m, json_string(ctx->a, message));
    json_set(ctx->a, b, "errorMessages", m);
    json_set(ctx->a, b, "errors", json_object(ctx->a));
    return json_to_string(ctx->a, b, NULL);
}

void jira_issue_new(twin_ctx *ctx)
{
    json_value *fields = json_get(ctx->body, "fields");
    if (!fields || fields->type != JSON_OBJECT) {
        jira_errors(ctx, 400, "Issue must be created with a 'fields' object.");
        return;
    }
    json_value *props = json_get(ctx->body, "properties");
    const char *problem = initial_properties_problem(ctx, props);
    if (problem) {
        jira_errors(ctx, 400, problem);
        return;
    }
    const char *err;
    json_value *is = jira_issue_create(ctx, fields, &err);
    if (!is) {
        reply_raw_json(ctx, 400, err);
        return;
    }
    json_value *upd = json_get(ctx->body, "update");
    if (upd) {
        errs e = {0};
        apply_update(ctx, is, upd, &e, json_array(ctx->a));
        jira_issue_save(ctx, is);
    }
    store_initial_properties(ctx, is, props);
    jira_emit_issue(ctx, "jira:issue_created", is, NULL);
    twin_reply_json(ctx, 201, created_json(ctx, is));
}

void jira_issue_bulk(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *ups = json_get(ctx->body, "issueUpdates");
    json_value *issues = json_array(a), *errors = json_array(a);
    int64_t n = 0;
    json_foreach(u, ups) {
        const char *err = NULL;
        json_value *props = json_get(u, "properties");
        const char *problem = initial_properties_problem(ctx, props);
        json_value *is = problem ? NULL : jira_issue_create(ctx, json_get(u, "fields"), &err);
        if (problem) err = error_text(ctx, problem);
        else if (is) store_initial_properties(ctx, is, props);
        if (is) {
            jira_emit_issue(ctx, "jira:issue_created", is, NULL);
            json_push(issues, created_json(ctx, is));
        } else {
            json_value *e = json_object(a);
            json_set_int(a, e, "status", 400);
            json_set(a, e, "elementErrors", json_parse(a, err, strlen(err), NULL));
            json_set_int(a, e, "failedElementNumber", n);
            json_push(errors, e);
        }
        n++;
    }
    json_value *o = json_object(a);
    json_set(a, o, "issues", issues);
    json_set(a, o, "errors", errors);
    twin_reply_json(ctx, issues->len ? 201 : 400, o);
}

void jira_issue_show(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    twin_reply_json(ctx, 200, jira_issue_render(ctx, is, jira_query_list(ctx, "fields"), jira_query_list(ctx, "expand"),
                                                jira_query_list(ctx, "properties")));
}

static void touch(twin_ctx *ctx, json_value *is)
{
    json_set_str(ctx->a, is, "updated", jira_now(ctx));
}

static void updated_event(twin_ctx *ctx, json_value *is, json_value *items)
{
    arena *a = ctx->a;
    json_value *hist = NULL;
    if (items->len) {
        hist = json_object(a);
        json_value *cl = json_get(is, "changelog");
        json_set_str(a, hist, "id", cl && cl->last ? json_get_str(cl->last, "id") : "0");
        json_set(a, hist, "items", json_clone(a, items));
    }
    jira_emit_issue(ctx, "jira:issue_updated", is, hist);
}

/* Applies the body's "fields" and "update" to an issue (items already holds
 * any changelog items), then records, saves and announces the change.
 * Answers 400 and returns false when a field is rejected. */
static bool apply_edit(twin_ctx *ctx, json_value *is, json_value *items)
{
    arena *a = ctx->a;
    errs e = {0};
    json_value *fields = json_get(ctx->body, "fields"), *update = json_get(ctx->body, "update");
    if (fields) apply_fields(ctx, is, fields, false, &e, items);
    if (update) apply_update(ctx, is, update, &e, items);
    if (e.obj) {
        json_value *b = json_object(a);
        json_set(a, b, "errorMessages", json_array(a));
        json_set(a, b, "errors", e.obj);
        twin_reply_json(ctx, 400, b);
        return false;
    }
    jira_changelog_add(ctx, is, json_clone(a, items));
    touch(ctx, is);
    jira_issue_save(ctx, is);
    updated_event(ctx, is, items);
    return true;
}

void jira_issue_edit(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *is = load_issue(ctx);
    if (!is) return;
    if (!apply_edit(ctx, is, json_array(a))) return;
    const char *ret = jira_str_arg(ctx, "returnIssue");
    if (str_eq(ret, "true")) twin_reply_json(ctx, 200, jira_issue_json(ctx, is, NULL, jira_query_list(ctx, "expand")));
    else twin_reply_text(ctx, 204, NULL, "", 0);
}

void jira_issue_delete(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    const char *id = json_get_str(is, "id");
    twin_list subs = jira_list(ctx, "issues", "project", json_get_str(is, "project"));
    bool has_subs = false;
    for (size_t i = 0; i < subs.n; i++)
        if (str_eq(json_get_str(subs.items[i], "parent"), id) && str_eq(json_get_str(subs.items[i], "issuetype"), "10003"))
            has_subs = true;
    if (has_subs && !str_eq(jira_str_arg(ctx, "deleteSubtasks"), "true")) {
        jira_errors(ctx, 400, arena_printf(ctx->a, "The issue has subtasks. Delete them first, or set the 'deleteSubtasks' parameter to true."));
        return;
    }
    for (size_t i = 0; i < subs.n; i++)
        if (str_eq(json_get_str(subs.items[i], "parent"), id)) twin_doc_delete(ctx, "issues", json_get_str(subs.items[i], "id"));
    static const char *const colls[] = {"comments", "worklogs", "attachments"};
    for (int k = 0; k < 3; k++) {
        twin_list l = jira_list(ctx, colls[k], "issue", id);
        for (size_t i = 0; i < l.n; i++) twin_doc_delete(ctx, colls[k], json_get_str(l.items[i], "id"));
    }
    jira_emit_issue(ctx, "jira:issue_deleted", is, NULL);
    twin_doc_delete(ctx, "issues", id);
    twin_reply_text(ctx, 204, NULL, "", 0);
}

void jira_issue_assign(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    json_value *v = json_get(ctx->body, "accountId");
    if (!v) {
        jira_errors(ctx, 400, "accountId must be provided in the request body; use null to unassign.");
        return;
    }
    json_value *f = json_object(ctx->a), *u = json_object(ctx->a);
    json_set(ctx->a, u, "accountId", json_clone(ctx->a, v));
    json_set(ctx->a, f, "assignee", u);
    errs e = {0};
    json_value *items = json_array(ctx->a);
    apply_fields(ctx, is, f, false, &e, items);
    if (e.obj) {
        jira_errors(ctx, 400, json_str(json_get(e.obj, "assignee")));
        return;
    }
    jira_changelog_add(ctx, is, json_clone(ctx->a, items));
    touch(ctx, is);
    jira_issue_save(ctx, is);
    updated_event(ctx, is, items);
    twin_reply_text(ctx, 204, NULL, "", 0);
}

/* ---- transitions ---- */

static const char *const transitions[][2] = {{"11", "10000"}, {"21", "3"}, {"31", "10001"}};

static json_value *transitions_json(twin_ctx *ctx, const json_value *is)
{
    arena *a = ctx->a;
    (void)is;
    json_value *arr = json_array(a);
    for (int i = 0; i < 3; i++) {
        json_value *t = json_object(a), *to = jira_status_json(ctx, transitions[i][1]);
        json_set_str(a, t, "id", transitions[i][0]);
        json_set_str(a, t, "name", json_get_str(to, "name"));
        json_set(a, t, "to", to);
        json_set_bool(a, t, "hasScreen", false);
        json_set_bool(a, t, "isGlobal", true);
        json_set_bool(a, t, "isInitial", false);
        json_set_bool(a, t, "isAvailable", true);
        json_set_bool(a, t, "isConditional", false);
        json_set_bool(a, t, "isLooped", false);
        json_push(arr, t);
    }
    return arr;
}

void jira_transitions_get(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    json_value *o = json_object(ctx->a), *arr = transitions_json(ctx, is);
    const char *only = jira_str_arg(ctx, "transitionId");
    if (only) {
        json_value *f = json_array(ctx->a);
        for (json_value *t = arr->first, *next; t; t = next) {
            next = t->next;
            t->next = NULL;
            if (str_eq(json_get_str(t, "id"), only)) json_push(f, t);
        }
        arr = f;
    }
    json_set_str(ctx->a, o, "expand", "transitions");
    json_set(ctx->a, o, "transitions", arr);
    twin_reply_json(ctx, 200, o);
}

void jira_transitions_do(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *is = load_issue(ctx);
    if (!is) return;
    json_value *t = json_get(ctx->body, "transition");
    const char *tid = json_get_str(t, "id");
    if (!tid && json_get(t, "id")) tid = json_get(t, "id")->str;
    const char *tname = json_get_str(t, "name");
    if (!tid && !tname) {
        jira_errors(ctx, 400, "Missing 'transition' identifier");
        return;
    }
    const char *to = NULL;
    for (int i = 0; i < 3; i++) {
        if (tid && str_eq(tid, transitions[i][0])) to = transitions[i][1];
        if (!tid && tname && strcasecmp(tname, json_get_str(jira_status_json(ctx, transitions[i][1]), "name")) == 0)
            to = transitions[i][1];
    }
    if (!to) {
        jira_errors(ctx, 400, arena_printf(a, "Transition id '%s' is not valid for this issue.", tid ? tid : tname));
        return;
    }
    json_value *items = json_array(a);
    jira_issue_transition(ctx, is, to, items);
    if (!apply_edit(ctx, is, items)) return;
    twin_reply_text(ctx, 204, NULL, "", 0);
}

void jira_changelog_get(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *is = load_issue(ctx);
    if (!is) return;
    json_value *page = jira_page(ctx, changelog_json(ctx, is), 100, "values", true), *o = json_object(a);
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/issue/%s/changelog", jira_base(ctx), json_get_str(is, "key")));
    json_merge(a, o, page);
    twin_reply_json(ctx, 200, o);
}

void jira_editmeta(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    twin_reply_json(ctx, 200, editmeta_json(ctx, is));
}

static json_value *editmeta_json(twin_ctx *ctx, const json_value *is)
{
    arena *a = ctx->a;
    (void)is;
    static const char *const fl[][3] = {{"summary", "Summary", "string"}, {"description", "Description", "string"},
                                        {"labels", "Labels", "array"}, {"priority", "Priority", "priority"},
                                        {"assignee", "Assignee", "user"}, {"duedate", "Due date", "date"}};
    json_value *fields = json_object(a);
    for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++) {
        json_value *f = json_object(a), *sc = json_object(a), *ops = json_array(a);
        json_set_bool(a, f, "required", i == 0);
        json_set_str(a, sc, "type", fl[i][2]);
        json_set_str(a, sc, "system", fl[i][0]);
        json_set(a, f, "schema", sc);
        json_set_str(a, f, "name", fl[i][1]);
        json_set_str(a, f, "key", fl[i][0]);
        json_push(ops, json_string(a, "set"));
        if (str_eq(fl[i][2], "array")) json_push(ops, json_string(a, "add")), json_push(ops, json_string(a, "remove"));
        json_set(a, f, "operations", ops);
        json_set(a, fields, fl[i][0], f);
    }
    json_value *o = json_object(a);
    json_set(a, o, "fields", fields);
    return o;
}
