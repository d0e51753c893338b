/* Jira twin: what hangs off an issue — comments, worklogs, watchers, votes,
 * issue links, remote links, entity properties and attachments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/form.h"
#include "twins/jira/jira.h"
#include "util/base64.h"
#include "util/util.h"

json_value *jira_link_json(twin_ctx *ctx, const json_value *link, const char *from_issue);
json_value *jira_worklog_json(twin_ctx *ctx, const json_value *w);
json_value *jira_attachment_json(twin_ctx *ctx, const json_value *at);

static json_value *load_issue(twin_ctx *ctx)
{
    json_value *is = jira_issue_get(ctx, twin_param(ctx, "issueIdOrKey"));
    if (!is) jira_issue_404(ctx);
    return is;
}

static void no_content(twin_ctx *ctx)
{
    twin_reply_text(ctx, 204, NULL, "", 0);
}

static void touch_save(twin_ctx *ctx, json_value *is)
{
    json_set_str(ctx->a, is, "updated", jira_now(ctx));
    jira_issue_save(ctx, is);
}

/* ---- comments ---- */

json_value *jira_comment_json(twin_ctx *ctx, const json_value *c)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/issue/%s/comment/%s", jira_base(ctx),
                                             json_get_str(c, "issue"), json_get_str(c, "id")));
    json_set_str(a, o, "id", json_get_str(c, "id"));
    json_set(a, o, "author", jira_user_json(ctx, json_get_str(c, "author")));
    json_set(a, o, "body", json_clone(a, json_get(c, "body")));
    json_set(a, o, "updateAuthor", jira_user_json(ctx, json_get_str(c, "updateAuthor")));
    json_set_str(a, o, "created", json_get_str(c, "created"));
    json_set_str(a, o, "updated", json_get_str(c, "updated"));
    json_set_bool(a, o, "jsdPublic", true);
    if (json_get(c, "visibility")) json_set(a, o, "visibility", json_clone(a, json_get(c, "visibility")));
    return o;
}

json_value *jira_comment_add(twin_ctx *ctx, json_value *issue, const json_value *body, const char *author)
{
    arena *a = ctx->a;
    const char *id = jira_id_str(ctx, jira_next_id(ctx, "comment"));
    json_value *c = json_object(a);
    json_set_str(a, c, "id", id);
    json_set_str(a, c, "issue", json_get_str(issue, "id"));
    json_set_str(a, c, "author", author ? author : jira_viewer(ctx));
    json_set_str(a, c, "updateAuthor", author ? author : jira_viewer(ctx));
    json_set(a, c, "body", jira_adf(ctx, body));
    const char *now = jira_now(ctx);
    json_set_str(a, c, "created", now);
    json_set_str(a, c, "updated", now);
    jira_save(ctx, "comments", id, c, "issue", json_get_str(issue, "id"), NULL, NULL);
    return c;
}

static bool adf_empty_doc(twin_ctx *ctx, const json_value *v)
{
    if (!v || v->type == JSON_NULL) return true;
    if (v->type == JSON_STRING) return v->len == 0;
    if (v->type != JSON_OBJECT) return true;
    json_value *c = json_get(v, "content");
    if (!c || c->type != JSON_ARRAY || c->len == 0) return true;
    /* a document of paragraphs whose text is blank counts as empty */
    const char *json = json_to_string(ctx->a, v, NULL);
    if (strstr(json, "\"mention\"") || strstr(json, "\"media") || strstr(json, "\"emoji\"")) return false;
    for (const char *p = jira_adf_text(ctx->a, v); *p; p++)
        if (*p != ' ' && *p != '\n' && *p != '\t') return false;
    return true;
}
#define adf_empty(v) adf_empty_doc(ctx, v)

void jira_comment_list(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    arena *a = ctx->a;
    twin_list l = jira_list(ctx, "comments", "issue", json_get_str(is, "id"));
    json_value *arr = json_array(a);
    bool desc = str_eq(jira_str_arg(ctx, "orderBy"), "-created");
    for (size_t i = 0; i < l.n; i++) json_push(arr, jira_comment_json(ctx, l.items[desc ? l.n - 1 - i : i]));
    json_value *page = jira_page(ctx, arr, 5000, "comments", false);
    twin_reply_json(ctx, 200, page);
}

void jira_comment_add_h(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    json_value *body = json_get(ctx->body, "body");
    if (adf_empty(body)) {
        jira_field_error(ctx, 400, "comment", "Comment body can not be empty!");
        return;
    }
    json_value *c = jira_comment_add(ctx, is, body, NULL);
    if (json_get(ctx->body, "visibility")) {
        json_set(ctx->a, c, "visibility", json_clone(ctx->a, json_get(ctx->body, "visibility")));
        jira_save(ctx, "comments", json_get_str(c, "id"), c, "issue", json_get_str(is, "id"), NULL, NULL);
    }
    touch_save(ctx, is);
    jira_emit_comment(ctx, "comment_created", is, c);
    twin_reply_json(ctx, 201, jira_comment_json(ctx, c));
}

static json_value *load_comment(twin_ctx *ctx, json_value **issue)
{
    *issue = load_issue(ctx);
    if (!*issue) return NULL;
    json_value *c = twin_doc_get(ctx, "comments", twin_param(ctx, "id"));
    if (!c || !str_eq(json_get_str(c, "issue"), json_get_str(*issue, "id"))) {
        jira_errors(ctx, 404, arena_printf(ctx->a, "Can not find a comment for the id: %s.", twin_param(ctx, "id")));
        return NULL;
    }
    return c;
}

void jira_comment_get(twin_ctx *ctx)
{
    json_value *is, *c = load_comment(ctx, &is);
    if (c) twin_reply_json(ctx, 200, jira_comment_json(ctx, c));
}

void jira_comment_update(twin_ctx *ctx)
{
    json_value *is, *c = load_comment(ctx, &is);
    if (!c) return;
    json_value *body = json_get(ctx->body, "body");
    if (adf_empty(body)) {
        jira_field_error(ctx, 400, "comment", "Comment body can not be empty!");
        return;
    }
    arena *a = ctx->a;
    json_set(a, c, "body", jira_adf(ctx, body));
    json_set_str(a, c, "updated", jira_now(ctx));
    json_set_str(a, c, "updateAuthor", jira_viewer(ctx));
    jira_save(ctx, "comments", json_get_str(c, "id"), c, "issue", json_get_str(is, "id"), NULL, NULL);
    jira_emit_comment(ctx, "comment_updated", is, c);
    twin_reply_json(ctx, 200, jira_comment_json(ctx, c));
}

void jira_comment_delete(twin_ctx *ctx)
{
    json_value *is, *c = load_comment(ctx, &is);
    if (!c) return;
    twin_doc_delete(ctx, "comments", json_get_str(c, "id"));
    jira_emit_comment(ctx, "comment_deleted", is, c);
    no_content(ctx);
}

/* ---- worklogs ---- */

static int64_t parse_duration(const char *s)
{
    if (!s) return -1;
    int64_t total = 0;
    const char *p = s;
    bool any = false;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p) break;
        char *end;
        double n = strtod(p, &end);
        if (end == p) return -1;
        int64_t unit;
        switch (*end) {
        case 'w': unit = 5 * 8 * 3600; break;
        case 'd': unit = 8 * 3600; break;
        case 'h': unit = 3600; break;
        case 'm': unit = 60; break;
        default: return -1;
        }
        total += (int64_t)(n * (double)unit);
        p = end + 1;
        any = true;
    }
    return any ? total : -1;
}

static const char *format_duration(arena *a, int64_t s)
{
    static const int64_t units[] = {5 * 8 * 3600, 8 * 3600, 3600, 60};
    static const char names[] = "wdhm";
    char *out = arena_strdup(a, "");
    for (int i = 0; i < 4; i++)
        if (s >= units[i]) {
            out = arena_printf(a, "%s%s%lld%c", out, *out ? " " : "", (long long)(s / units[i]), names[i]);
            s %= units[i];
        }
    return *out ? out : "0m";
}

json_value *jira_worklog_json(twin_ctx *ctx, const json_value *w)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/issue/%s/worklog/%s", jira_base(ctx),
                                             json_get_str(w, "issue"), json_get_str(w, "id")));
    json_set(a, o, "author", jira_user_json(ctx, json_get_str(w, "author")));
    json_set(a, o, "updateAuthor", jira_user_json(ctx, json_get_str(w, "updateAuthor")));
    if (json_get(w, "comment") && json_get(w, "comment")->type == JSON_OBJECT)
        json_set(a, o, "comment", json_clone(a, json_get(w, "comment")));
    json_set_str(a, o, "created", json_get_str(w, "created"));
    json_set_str(a, o, "updated", json_get_str(w, "updated"));
    json_set_str(a, o, "started", json_get_str(w, "started"));
    int64_t s = 0;
    json_int64(json_get(w, "timeSpentSeconds"), &s);
    json_set_str(a, o, "timeSpent", format_duration(a, s));
    json_set_int(a, o, "timeSpentSeconds", s);
    json_set_str(a, o, "id", json_get_str(w, "id"));
    json_set_str(a, o, "issueId", json_get_str(w, "issue"));
    return o;
}

static bool worklog_apply(twin_ctx *ctx, json_value *w, bool creating)
{
    arena *a = ctx->a;
    json_value *secs = json_get(ctx->body, "timeSpentSeconds");
    const char *spent = json_get_str(ctx->body, "timeSpent");
    int64_t s = -1;
    if (secs) json_int64(secs, &s);
    else if (spent) s = parse_duration(spent);
    if (s <= 0 && (creating || secs || spent)) {
        jira_field_error(ctx, 400, "timeLogged", spent && s < 0 ? "Invalid time duration entered." : "You must indicate the time spent working.");
        return false;
    }
    if (s > 0) json_set_int(a, w, "timeSpentSeconds", s);
    json_value *c = json_get(ctx->body, "comment");
    if (c) json_set(a, w, "comment", jira_adf(ctx, c));
    const char *st = json_get_str(ctx->body, "started");
    if (st) json_set_str(a, w, "started", st);
    else if (creating) json_set_str(a, w, "started", jira_now(ctx));
    return true;
}

void jira_worklog_list(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    json_value *arr = json_array(ctx->a);
    twin_list l = jira_list(ctx, "worklogs", "issue", json_get_str(is, "id"));
    for (size_t i = 0; i < l.n; i++) json_push(arr, jira_worklog_json(ctx, l.items[i]));
    twin_reply_json(ctx, 200, jira_page(ctx, arr, 5000, "worklogs", false));
}

void jira_worklog_add(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *is = load_issue(ctx);
    if (!is) return;
    json_value *w = json_object(a);
    if (!worklog_apply(ctx, w, true)) return;
    const char *id = jira_id_str(ctx, jira_next_id(ctx, "worklog"));
    json_set_str(a, w, "id", id);
    json_set_str(a, w, "issue", json_get_str(is, "id"));
    json_set_str(a, w, "author", jira_viewer(ctx));
    json_set_str(a, w, "updateAuthor", jira_viewer(ctx));
    json_set_str(a, w, "created", jira_now(ctx));
    json_set_str(a, w, "updated", jira_now(ctx));
    jira_save(ctx, "worklogs", id, w, "issue", json_get_str(is, "id"), NULL, NULL);
    touch_save(ctx, is);
    twin_reply_json(ctx, 201, jira_worklog_json(ctx, w));
}

static json_value *load_worklog(twin_ctx *ctx, json_value **is)
{
    *is = load_issue(ctx);
    if (!*is) return NULL;
    json_value *w = twin_doc_get(ctx, "worklogs", twin_param(ctx, "id"));
    if (!w || !str_eq(json_get_str(w, "issue"), json_get_str(*is, "id"))) {
        jira_errors(ctx, 404, "Cannot find worklog with id: ");
        return NULL;
    }
    return w;
}

void jira_worklog_get(twin_ctx *ctx)
{
    json_value *is, *w = load_worklog(ctx, &is);
    if (w) twin_reply_json(ctx, 200, jira_worklog_json(ctx, w));
}

void jira_worklog_update(twin_ctx *ctx)
{
    json_value *is, *w = load_worklog(ctx, &is);
    if (!w || !worklog_apply(ctx, w, false)) return;
    json_set_str(ctx->a, w, "updated", jira_now(ctx));
    jira_save(ctx, "worklogs", json_get_str(w, "id"), w, "issue", json_get_str(is, "id"), NULL, NULL);
    twin_reply_json(ctx, 200, jira_worklog_json(ctx, w));
}

void jira_worklog_delete(twin_ctx *ctx)
{
    json_value *is, *w = load_worklog(ctx, &is);
    if (!w) return;
    twin_doc_delete(ctx, "worklogs", json_get_str(w, "id"));
    no_content(ctx);
}

/* ---- watchers and votes ---- */

static json_value *people(twin_ctx *ctx, const json_value *ids)
{
    json_value *arr = json_array(ctx->a);
    json_foreach(x, ids) json_push(arr, jira_user_json(ctx, json_str(x)));
    return arr;
}

static bool list_has(const json_value *arr, const char *id)
{
    json_foreach(x, arr) if (str_eq(json_str(x), id)) return true;
    return false;
}

static void list_remove(twin_ctx *ctx, json_value *is, const char *member, const char *id)
{
    json_value *arr = json_array(ctx->a);
    json_foreach(x, json_get(is, member)) if (!str_eq(json_str(x), id)) json_push(arr, json_string(ctx->a, json_str(x)));
    json_set(ctx->a, is, member, arr);
}

void jira_watchers_get(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *is = load_issue(ctx);
    if (!is) return;
    json_value *w = json_get(is, "watchers"), *o = json_object(a);
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/issue/%s/watchers", jira_base(ctx), json_get_str(is, "key")));
    json_set_bool(a, o, "isWatching", list_has(w, jira_viewer(ctx)));
    json_set_int(a, o, "watchCount", w ? w->len : 0);
    json_set(a, o, "watchers", people(ctx, w));
    twin_reply_json(ctx, 200, o);
}

void jira_watchers_add(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    const char *who = ctx->body && ctx->body->type == JSON_STRING ? ctx->body->str : jira_viewer(ctx);
    if (ctx->body_error && ctx->req->body_len) {
        /* some clients send the bare account id without JSON quotes */
        char *raw = arena_strndup(ctx->a, ctx->req->body, ctx->req->body_len);
        while (*raw == '"' || *raw == ' ') raw++;
        size_t n = strlen(raw);
        while (n && (raw[n - 1] == '"' || raw[n - 1] == ' ' || raw[n - 1] == '\n')) raw[--n] = '\0';
        who = raw;
    }
    jira_ensure_me(ctx);
    if (!jira_user_get(ctx, who)) {
        jira_errors(ctx, 400, "The user does not exist.");
        return;
    }
    json_value *w = json_get(is, "watchers");
    if (!w) { w = json_array(ctx->a); json_set(ctx->a, is, "watchers", w); }
    if (!list_has(w, who)) json_push(w, json_string(ctx->a, who));
    jira_issue_save(ctx, is);
    no_content(ctx);
}

void jira_watchers_remove(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    const char *who = jira_str_arg(ctx, "accountId");
    if (!who) who = jira_viewer(ctx);
    list_remove(ctx, is, "watchers", who);
    jira_issue_save(ctx, is);
    no_content(ctx);
}

void jira_votes_get(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *is = load_issue(ctx);
    if (!is) return;
    json_value *v = json_get(is, "voters"), *o = json_object(a);
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/issue/%s/votes", jira_base(ctx), json_get_str(is, "key")));
    json_set_int(a, o, "votes", v ? v->len : 0);
    json_set_bool(a, o, "hasVoted", list_has(v, jira_viewer(ctx)));
    json_set(a, o, "voters", people(ctx, v));
    twin_reply_json(ctx, 200, o);
}

void jira_votes_add(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    if (json_get_str(is, "resolution")) {
        jira_errors(ctx, 404, "You cannot vote or change your vote on resolved issues.");
        return;
    }
    json_value *v = json_get(is, "voters");
    if (!v) { v = json_array(ctx->a); json_set(ctx->a, is, "voters", v); }
    if (!list_has(v, jira_viewer(ctx))) json_push(v, json_string(ctx->a, jira_viewer(ctx)));
    jira_issue_save(ctx, is);
    no_content(ctx);
}

void jira_votes_remove(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    list_remove(ctx, is, "voters", jira_viewer(ctx));
    jira_issue_save(ctx, is);
    no_content(ctx);
}

/* ---- issue links ---- */

static json_value *issue_of(twin_ctx *ctx, const json_value *ref)
{
    const char *k = json_get_str(ref, "key");
    if (!k && json_get(ref, "id")) k = json_get(ref, "id")->str;
    return jira_issue_get(ctx, k);
}

void jira_link_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *type = jira_link_type_json(ctx, json_get(ctx->body, "type"));
    if (!json_get(ctx->body, "type") || !type) {
        const char *tn = json_get_str(json_get(ctx->body, "type"), "name");
        jira_errors(ctx, 404, arena_printf(a, "No issue link type with name '%s' found.", tn ? tn : "null"));
        return;
    }
    json_value *in = issue_of(ctx, json_get(ctx->body, "inwardIssue")), *out = issue_of(ctx, json_get(ctx->body, "outwardIssue"));
    if (!in || !out) {
        jira_issue_404(ctx);
        return;
    }
    const char *id = jira_id_str(ctx, jira_next_id(ctx, "link"));
    json_value *l = json_object(a);
    json_set_str(a, l, "id", id);
    json_set_str(a, l, "type", json_get_str(type, "id"));
    json_set_str(a, l, "inward", json_get_str(in, "id"));
    json_set_str(a, l, "outward", json_get_str(out, "id"));
    twin_doc_put(ctx, "links", id, l, NULL, 0);
    json_value *targets[2] = {in, out};
    for (int i = 0; i < 2; i++) {
        json_value *is = i && str_eq(json_get_str(in, "id"), json_get_str(out, "id")) ? in : targets[i];
        json_value *ls = json_get(is, "links");
        if (!ls) { ls = json_array(a); json_set(a, is, "links", ls); }
        if (!list_has(ls, id)) json_push(ls, json_string(a, id));
        touch_save(ctx, is);
    }
    json_value *c = json_get(ctx->body, "comment");
    if (c && json_get(c, "body")) jira_comment_add(ctx, out, json_get(c, "body"), NULL);
    twin_reply_text(ctx, 201, NULL, "", 0);
}

static json_value *load_link(twin_ctx *ctx)
{
    json_value *l = twin_doc_get(ctx, "links", twin_param(ctx, "linkId"));
    if (!l) jira_errors(ctx, 404, "No issue link with id '' exists.");
    return l;
}

void jira_link_get(twin_ctx *ctx)
{
    json_value *l = load_link(ctx);
    if (l) twin_reply_json(ctx, 200, jira_link_json(ctx, l, NULL));
}

void jira_link_delete(twin_ctx *ctx)
{
    json_value *l = load_link(ctx);
    if (!l) return;
    const char *id = json_get_str(l, "id");
    const char *ends[2] = {json_get_str(l, "inward"), json_get_str(l, "outward")};
    for (int i = 0; i < 2; i++) {
        json_value *is = twin_doc_get(ctx, "issues", ends[i]);
        if (!is) continue;
        list_remove(ctx, is, "links", id);
        touch_save(ctx, is);
    }
    twin_doc_delete(ctx, "links", id);
    no_content(ctx);
}

/* ---- remote links ---- */

static json_value *remotelink_json(twin_ctx *ctx, const json_value *is, const json_value *r)
{
    arena *a = ctx->a;
    json_value *o = json_clone(a, r);
    json_set(a, o, "id", json_number_text(a, json_get_str(r, "id")));
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/issue/%s/remotelink/%s", jira_base(ctx),
                                             json_get_str(is, "key"), json_get_str(r, "id")));
    return o;
}

void jira_remotelink_list(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    const char *gid = jira_str_arg(ctx, "globalId");
    json_value *arr = json_array(ctx->a);
    json_foreach(r, json_get(is, "remotelinks"))
        if (!gid || str_eq(gid, json_get_str(r, "globalId"))) json_push(arr, remotelink_json(ctx, is, r));
    twin_reply_json(ctx, 200, arr);
}

void jira_remotelink_add(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *is = load_issue(ctx);
    if (!is) return;
    json_value *obj = json_get(ctx->body, "object");
    if (!obj || !json_get_str(obj, "url") || !json_get_str(obj, "title")) {
        json_value *b = json_object(a), *e = json_object(a);
        json_set(a, b, "errorMessages", json_array(a));
        if (!json_get_str(obj, "title")) json_set_str(a, e, "title", "'title' is required.");
        if (!json_get_str(obj, "url")) json_set_str(a, e, "url", "'url' is required.");
        json_set(a, b, "errors", e);
        twin_reply_json(ctx, 400, b);
        return;
    }
    json_value *links = json_get(is, "remotelinks");
    if (!links) { links = json_array(a); json_set(a, is, "remotelinks", links); }
    const char *gid = json_get_str(ctx->body, "globalId");
    json_value *r = NULL;
    if (gid) json_foreach(x, links) if (str_eq(json_get_str(x, "globalId"), gid)) r = x;
    bool created = !r;
    if (!r) {
        r = json_object(a);
        json_set_str(a, r, "id", jira_id_str(ctx, jira_next_id(ctx, "remotelink")));
        json_push(links, r);
    }
    static const char *const keys[] = {"globalId", "application", "relationship", "object"};
    for (int i = 0; i < 4; i++)
        if (json_get(ctx->body, keys[i])) json_set(a, r, keys[i], json_clone(a, json_get(ctx->body, keys[i])));
    touch_save(ctx, is);
    json_value *o = json_object(a);
    json_set(a, o, "id", json_number_text(a, json_get_str(r, "id")));
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/issue/%s/remotelink/%s", jira_base(ctx),
                                             json_get_str(is, "key"), json_get_str(r, "id")));
    twin_reply_json(ctx, created ? 201 : 200, o);
}

static json_value *find_remotelink(twin_ctx *ctx, json_value *is)
{
    json_foreach(r, json_get(is, "remotelinks")) if (str_eq(json_get_str(r, "id"), twin_param(ctx, "linkId"))) return r;
    jira_errors(ctx, 404, arena_printf(ctx->a, "No remote link with id '%s' exists on this issue.", twin_param(ctx, "linkId")));
    return NULL;
}

void jira_remotelink_get(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    json_value *r = find_remotelink(ctx, is);
    if (r) twin_reply_json(ctx, 200, remotelink_json(ctx, is, r));
}

void jira_remotelink_delete(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    json_value *r = find_remotelink(ctx, is);
    if (!r) return;
    json_value *arr = json_array(ctx->a);
    json_foreach(x, json_get(is, "remotelinks")) if (x != r) json_push(arr, json_clone(ctx->a, x));
    json_set(ctx->a, is, "remotelinks", arr);
    touch_save(ctx, is);
    no_content(ctx);
}

/* ---- issue properties ---- */

/* Jira's limits on entity properties: keys up to 255 characters, values
 * non-empty JSON up to 32768 characters. */
#define JIRA_PROPERTY_KEY_MAX 255
#define JIRA_PROPERTY_VALUE_MAX 32768

const char *jira_property_problem(twin_ctx *ctx, const char *key, const json_value *value)
{
    if (!key || !*key) return "The property key cannot be empty.";
    if (strlen(key) > JIRA_PROPERTY_KEY_MAX)
        return arena_printf(ctx->a, "The property key cannot be longer than %d characters.", JIRA_PROPERTY_KEY_MAX);
    if (!value) return "The property value cannot be empty.";
    size_t len = 0;
    json_to_string(ctx->a, value, &len);
    if (len > JIRA_PROPERTY_VALUE_MAX)
        return arena_printf(ctx->a, "The property value cannot be longer than %d characters.", JIRA_PROPERTY_VALUE_MAX);
    return NULL;
}

void jira_props_keys(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *is = load_issue(ctx);
    if (!is) return;
    json_value *keys = json_array(a), *o = json_object(a);
    json_foreach(p, json_get(is, "properties")) {
        json_value *k = json_object(a);
        json_set_str(a, k, "self", arena_printf(a, "%s/rest/api/3/issue/%s/properties/%s", jira_base(ctx),
                                                 json_get_str(is, "id"), p->key));
        json_set_str(a, k, "key", p->key);
        json_push(keys, k);
    }
    json_set(a, o, "keys", keys);
    twin_reply_json(ctx, 200, o);
}

void jira_prop_get(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    const char *key = twin_param(ctx, "propertyKey");
    json_value *v = json_get(json_get(is, "properties"), key);
    if (!v) {
        jira_errors(ctx, 404, arena_printf(ctx->a, "The property with key '%s' does not exist.", key));
        return;
    }
    json_value *o = json_object(ctx->a);
    json_set_str(ctx->a, o, "key", key);
    json_set(ctx->a, o, "value", json_clone(ctx->a, v));
    twin_reply_json(ctx, 200, o);
}

void jira_prop_set(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *is = load_issue(ctx);
    if (!is) return;
    if (ctx->body_error || !ctx->req->body_len) {
        jira_errors(ctx, 400, "The property value must be valid JSON.");
        return;
    }
    const char *key = twin_param(ctx, "propertyKey");
    const char *problem = jira_property_problem(ctx, key, ctx->body);
    if (problem) {
        jira_errors(ctx, 400, problem);
        return;
    }
    json_value *props = json_get(is, "properties");
    if (!props) { props = json_object(a); json_set(a, is, "properties", props); }
    bool existed = json_get(props, key) != NULL;
    json_set(a, props, key, json_clone(a, ctx->body));
    jira_issue_save(ctx, is);
    if (existed) twin_reply_text(ctx, 200, NULL, "", 0);
    else twin_reply_text(ctx, 201, NULL, "", 0);
}

void jira_prop_delete(twin_ctx *ctx)
{
    json_value *is = load_issue(ctx);
    if (!is) return;
    const char *key = twin_param(ctx, "propertyKey");
    if (!json_remove(json_get(is, "properties"), key)) {
        jira_errors(ctx, 404, arena_printf(ctx->a, "The property with key '%s' does not exist.", key));
        return;
    }
    jira_issue_save(ctx, is);
    no_content(ctx);
}

/* ---- attachments ---- */

json_value *jira_attachment_json(twin_ctx *ctx, const json_value *at)
{
    arena *a = ctx->a;
    const char *id = json_get_str(at, "id");
    json_value *o = json_object(a);
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/api/3/attachment/%s", jira_base(ctx), id));
    json_set_str(a, o, "id", id);
    json_set_str(a, o, "filename", json_get_str(at, "filename"));
    json_set(a, o, "author", jira_user_json(ctx, json_get_str(at, "author")));
    json_set_str(a, o, "created", json_get_str(at, "created"));
    json_set(a, o, "size", json_clone(a, json_get(at, "size")));
    json_set_str(a, o, "mimeType", json_get_str(at, "mimeType"));
    json_set_str(a, o, "content", arena_printf(a, "%s/rest/api/3/attachment/content/%s", jira_base(ctx), id));
    return o;
}

void jira_attach_add(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *is = load_issue(ctx);
    if (!is) return;
    const char *xsrf = http_header_get(ctx->req, "X-Atlassian-Token");
    if (!xsrf || strcasecmp(xsrf, "no-check") != 0) {
        twin_reply_text(ctx, 403, "text/plain;charset=UTF-8", "XSRF check failed", 17);
        return;
    }
    multipart_part *parts = NULL;
    size_t n = 0;
    const char *ct = http_header_get(ctx->req, "Content-Type");
    if (!ct || !str_starts_with(ct, "multipart/") || !multipart_parse(a, ct, ctx->req->body, ctx->req->body_len, &parts, &n)) {
        jira_errors(ctx, 415, "Unsupported Media Type");
        return;
    }
    json_value *out = json_array(a);
    for (size_t i = 0; i < n; i++) {
        if (!parts[i].filename || !str_eq(parts[i].name, "file")) continue;
        const char *id = jira_id_str(ctx, jira_next_id(ctx, "attachment"));
        json_value *at = json_object(a);
        json_set_str(a, at, "id", id);
        json_set_str(a, at, "issue", json_get_str(is, "id"));
        json_set_str(a, at, "filename", parts[i].filename);
        json_set_str(a, at, "author", jira_viewer(ctx));
        json_set_str(a, at, "created", jira_now(ctx));
        json_set_int(a, at, "size", (int64_t)parts[i].len);
        json_set_str(a, at, "mimeType", parts[i].content_type ? parts[i].content_type : "application/octet-stream");
        json_set_str(a, at, "data", base64_encode(a, parts[i].data, parts[i].len));
        jira_save(ctx, "attachments", id, at, "issue", json_get_str(is, "id"), NULL, NULL);
        json_push(out, jira_attachment_json(ctx, at));
    }
    if (!out->len) {
        jira_errors(ctx, 400, "No attachments were found in the request; send them in a multipart 'file' field.");
        return;
    }
    touch_save(ctx, is);
    twin_reply_json(ctx, 200, out);
}

static json_value *load_attachment(twin_ctx *ctx)
{
    json_value *at = twin_doc_get(ctx, "attachments", twin_param(ctx, "id"));
    if (!at) jira_errors(ctx, 404, arena_printf(ctx->a, "The attachment with id '%s' does not exist", twin_param(ctx, "id")));
    return at;
}

void jira_attach_get(twin_ctx *ctx)
{
    json_value *at = load_attachment(ctx);
    if (!at) return;
    json_value *o = jira_attachment_json(ctx, at);
    json_set(ctx->a, o, "id", json_number_text(ctx->a, json_get_str(at, "id")));
    twin_reply_json(ctx, 200, o);
}

void jira_attach_delete(twin_ctx *ctx)
{
    json_value *at = load_attachment(ctx);
    if (!at) return;
    twin_doc_delete(ctx, "attachments", json_get_str(at, "id"));
    no_content(ctx);
}

void jira_attach_content(twin_ctx *ctx)
{
    json_value *at = load_attachment(ctx);
    if (!at) return;
    const char *stored = json_get_str(at, "data");
    size_t len = 0;
    char *raw = stored ? base64_decode(ctx->a, stored, &len) : NULL;
    twin_reply_text(ctx, 200, json_get_str(at, "mimeType"), raw ? raw : "", raw ? len : 0);
}

void jira_attach_meta(twin_ctx *ctx)
{
    json_value *o = json_object(ctx->a);
    json_set_bool(ctx->a, o, "enabled", true);
    json_set_int(ctx->a, o, "uploadLimit", 10485760);
    twin_reply_json(ctx, 200, o);
}
