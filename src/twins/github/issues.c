/* GitHub twin: issues, issue comments and labels. */
#include <stdlib.h>
#include <string.h>

#include "twins/github/github.h"
#include "util/util.h"

static const char *issue_key(twin_ctx *ctx, const char *repo_key, int64_t n)
{
    return arena_printf(ctx->a, "%s#%lld", repo_key, (long long)n);
}

/* ---- labels ---- */

static const char *label_key(twin_ctx *ctx, const char *repo_key, const char *name)
{
    return arena_printf(ctx->a, "%s:%s", repo_key, gh_lower(ctx->a, name));
}

json_value *gh_label_json(twin_ctx *ctx, const json_value *repo, const json_value *l)
{
    arena *a = ctx->a;
    json_value *o = json_clone(a, l);
    json_set_str(a, o, "url", arena_printf(a, "%s/labels/%s", gh_repo_url(ctx, repo), json_get_str(l, "name")));
    return o;
}

static json_value *label_new(twin_ctx *ctx, const json_value *repo, const char *name, const char *color,
                             const char *description)
{
    arena *a = ctx->a;
    json_value *l = json_object(a);
    int64_t id = gh_next_id(ctx);
    json_set_int(a, l, "id", id);
    json_set_str(a, l, "node_id", gh_node_id(ctx, "LA", id));
    json_set_str(a, l, "name", name);
    json_set_str(a, l, "color", color ? color : "ededed");
    json_set_bool(a, l, "default", false);
    json_set_str(a, l, "description", description);
    const char *key = gh_repo_key(ctx, repo);
    gh_save(ctx, "labels", label_key(ctx, key, name), l, key);
    return l;
}

json_value *gh_label_ensure(twin_ctx *ctx, const json_value *repo, const char *name)
{
    json_value *l = twin_doc_get(ctx, "labels", label_key(ctx, gh_repo_key(ctx, repo), name));
    return l ? l : label_new(ctx, repo, name, NULL, NULL);
}

void gh_list_labels(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    gh_send_list(ctx, repo, gh_list_repo(ctx, "labels", gh_repo_key(ctx, repo)), gh_label_json);
}

void gh_create_label(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    const char *name = gh_str_arg(ctx, "name"), *color = gh_str_arg(ctx, "color");
    if (!name || !*name) return gh_invalid(ctx, "Label", "name", "missing_field", NULL);
    if (twin_doc_get(ctx, "labels", label_key(ctx, gh_repo_key(ctx, repo), name)))
        return gh_invalid(ctx, "Label", "name", "already_exists", NULL);
    if (color && *color == '#') color++;
    gh_reply(ctx, 201, gh_label_json(ctx, repo, label_new(ctx, repo, name, color, gh_str_arg(ctx, "description"))));
}

static json_value *load_label(twin_ctx *ctx, const json_value *repo)
{
    json_value *l = twin_doc_get(ctx, "labels", label_key(ctx, gh_repo_key(ctx, repo), twin_param(ctx, "name")));
    if (!l) gh_not_found(ctx);
    return l;
}

void gh_get_label(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *l = repo ? load_label(ctx, repo) : NULL;
    if (l) gh_reply(ctx, 200, gh_label_json(ctx, repo, l));
}

void gh_update_label(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *l = repo ? load_label(ctx, repo) : NULL;
    if (!l) return;
    const char *key = gh_repo_key(ctx, repo), *nn = gh_str_arg(ctx, "new_name"), *color = gh_str_arg(ctx, "color");
    if (color) json_set_str(ctx->a, l, "color", *color == '#' ? color + 1 : color);
    if (twin_input(ctx, "description")) json_set_str(ctx->a, l, "description", gh_str_arg(ctx, "description"));
    if (nn && *nn) {
        twin_doc_delete(ctx, "labels", label_key(ctx, key, json_get_str(l, "name")));
        json_set_str(ctx->a, l, "name", nn);
    }
    gh_save(ctx, "labels", label_key(ctx, key, json_get_str(l, "name")), l, key);
    gh_reply(ctx, 200, gh_label_json(ctx, repo, l));
}

void gh_delete_label(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *l = repo ? load_label(ctx, repo) : NULL;
    if (!l) return;
    twin_doc_delete(ctx, "labels", label_key(ctx, gh_repo_key(ctx, repo), json_get_str(l, "name")));
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

/* ---- issues ---- */

static void save_issue(twin_ctx *ctx, const json_value *repo, const json_value *issue)
{
    int64_t n = 0;
    json_int64(json_get(issue, "number"), &n);
    const char *key = gh_repo_key(ctx, repo);
    gh_save(ctx, "issues", issue_key(ctx, key, n), issue, key);
}

/* Issues and pulls share one numbering per repository.  The counter is
 * named after the repository's id, not its name: a repository deleted and
 * created again under the same name is a new one and starts at #1, as on
 * GitHub, while the old counter can never be reset. */
static const char *number_counter(twin_ctx *ctx, const json_value *repo)
{
    int64_t id = 0;
    json_int64(json_get(repo, "id"), &id);
    return arena_printf(ctx->a, "number:%s#%lld", gh_repo_key(ctx, repo), (long long)id);
}

json_value *gh_issue_create(twin_ctx *ctx, json_value *repo, const char *title, const char *body, const char *user,
                            const json_value *labels, const json_value *assignees, bool is_pull)
{
    arena *a = ctx->a;
    json_value *i = json_object(a);
    int64_t id = gh_next_id(ctx), n = twin_counter(ctx, number_counter(ctx, repo));
    json_set_int(a, i, "id", id);
    json_set_str(a, i, "node_id", gh_node_id(ctx, is_pull ? "PR" : "I", id));
    json_set_int(a, i, "number", n);
    json_set_str(a, i, "title", title);
    json_set_str(a, i, "body", body);
    json_set_str(a, i, "user", user ? user : gh_viewer(ctx));
    json_set_str(a, i, "state", "open");
    json_set_null(a, i, "state_reason");
    json_value *ls = json_array(a);
    json_foreach(l, labels) {
        const char *name = json_str(l) ? json_str(l) : json_get_str(l, "name");
        if (name) json_push(ls, json_string(a, json_get_str(gh_label_ensure(ctx, repo, name), "name")));
    }
    json_set(a, i, "labels", ls);
    json_value *as = json_array(a);
    json_foreach(x, assignees) if (json_str(x)) json_push(as, json_string(a, x->str));
    json_set(a, i, "assignees", as);
    json_set_bool(a, i, "locked", false);
    json_set_int(a, i, "comments", 0);
    json_set_bool(a, i, "is_pull", is_pull);
    const char *now = gh_now_iso(ctx);
    json_set_str(a, i, "created_at", now);
    json_set_str(a, i, "updated_at", now);
    json_set_null(a, i, "closed_at");
    json_set_null(a, i, "closed_by");
    save_issue(ctx, repo, i);
    return i;
}

json_value *gh_issue_json(twin_ctx *ctx, const json_value *repo, const json_value *i)
{
    arena *a = ctx->a;
    const char *ru = gh_repo_url(ctx, repo), *num = json_get(i, "number")->str;
    const char *html = arena_printf(a, "%s/%s/%s", gh_repo_html(ctx, repo),
                                    json_truthy(json_get(i, "is_pull")) ? "pull" : "issues", num);
    json_value *o = json_object(a);
    json_set(a, o, "id", json_clone(a, json_get(i, "id")));
    json_set_str(a, o, "node_id", json_get_str(i, "node_id"));
    const char *u = arena_printf(a, "%s/issues/%s", ru, num);
    json_set_str(a, o, "url", u);
    json_set_str(a, o, "repository_url", ru);
    json_set_str(a, o, "labels_url", arena_printf(a, "%s/labels{/name}", u));
    json_set_str(a, o, "comments_url", arena_printf(a, "%s/comments", u));
    json_set_str(a, o, "events_url", arena_printf(a, "%s/events", u));
    json_set_str(a, o, "html_url", html);
    json_set(a, o, "number", json_clone(a, json_get(i, "number")));
    json_set_str(a, o, "state", json_get_str(i, "state"));
    json_set(a, o, "state_reason", json_clone(a, json_get(i, "state_reason")));
    json_set_str(a, o, "title", json_get_str(i, "title"));
    json_set_str(a, o, "body", json_get_str(i, "body"));
    json_set(a, o, "user", gh_user_json(ctx, json_get_str(i, "user")));
    json_value *labels = json_array(a);
    json_foreach(l, json_get(i, "labels")) {
        json_value *ld = twin_doc_get(ctx, "labels", arena_printf(a, "%s:%s", gh_repo_key(ctx, repo), gh_lower(a, l->str)));
        if (ld) json_push(labels, gh_label_json(ctx, repo, ld));
    }
    json_set(a, o, "labels", labels);
    json_value *as = json_array(a);
    json_foreach(x, json_get(i, "assignees")) json_push(as, gh_user_json(ctx, x->str));
    json_value *first = json_at(json_get(i, "assignees"), 0);
    json_set(a, o, "assignee", first ? gh_user_json(ctx, first->str) : json_null(a));
    json_set(a, o, "assignees", as);
    json_set_null(a, o, "milestone");
    json_set_bool(a, o, "locked", json_truthy(json_get(i, "locked")));
    json_set_null(a, o, "active_lock_reason");
    json_set(a, o, "comments", json_clone(a, json_get(i, "comments")));
    if (json_truthy(json_get(i, "is_pull"))) {
        json_value *pr = json_object(a);
        json_set_str(a, pr, "url", arena_printf(a, "%s/pulls/%s", ru, num));
        json_set_str(a, pr, "html_url", html);
        json_set_str(a, pr, "diff_url", arena_printf(a, "%s.diff", html));
        json_set_str(a, pr, "patch_url", arena_printf(a, "%s.patch", html));
        json_set(a, pr, "merged_at", json_clone(a, json_get(i, "merged_at")));
        json_set(a, o, "pull_request", pr);
    }
    json_set(a, o, "closed_at", json_clone(a, json_get(i, "closed_at")));
    json_set_str(a, o, "created_at", json_get_str(i, "created_at"));
    json_set_str(a, o, "updated_at", json_get_str(i, "updated_at"));
    const char *cb = json_get_str(i, "closed_by");
    json_set(a, o, "closed_by", cb ? gh_user_json(ctx, cb) : json_null(a));
    json_set_str(a, o, "author_association", "OWNER");
    return o;
}

static void emit_issue(twin_ctx *ctx, const json_value *repo, const json_value *issue, const char *action)
{
    if (json_truthy(json_get(issue, "is_pull"))) return;
    json_value *p = json_object(ctx->a);
    json_set_str(ctx->a, p, "action", action);
    json_set(ctx->a, p, "issue", gh_issue_json(ctx, repo, issue));
    gh_emit(ctx, repo, "issues", p);
}

static bool has_label(const json_value *issue, const char *name)
{
    json_foreach(l, json_get(issue, "labels")) if (str_case_eq(l->str, name)) return true;
    return false;
}

void gh_list_issues(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    twin_list l = gh_list_repo(ctx, "issues", gh_repo_key(ctx, repo));
    const char *state = json_get_str(ctx->query, "state"), *labels = json_get_str(ctx->query, "labels");
    const char *assignee = json_get_str(ctx->query, "assignee"), *creator = json_get_str(ctx->query, "creator");
    const char *dir = json_get_str(ctx->query, "direction");
    if (!state) state = "open";
    json_value *out = json_array(ctx->a);
    bool asc = str_eq(dir, "asc");
    for (size_t k = 0; k < l.n; k++) {
        json_value *i = l.items[asc ? k : l.n - 1 - k];
        if (!str_eq(state, "all") && !str_eq(state, json_get_str(i, "state"))) continue;
        if (creator && !str_case_eq(creator, json_get_str(i, "user"))) continue;
        if (assignee) {
            json_value *as = json_get(i, "assignees");
            bool none = !as || !as->len;
            if (str_eq(assignee, "none") ? !none : str_eq(assignee, "*") ? none : false) continue;
            if (!str_eq(assignee, "none") && !str_eq(assignee, "*")) {
                bool found = false;
                json_foreach(x, as) if (str_case_eq(x->str, assignee)) found = true;
                if (!found) continue;
            }
        }
        if (labels && *labels) {
            bool all = true;
            char *dup = arena_strdup(ctx->a, labels), *save = NULL;
            for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save))
                if (!has_label(i, t)) all = false;
            if (!all) continue;
        }
        json_push(out, gh_issue_json(ctx, repo, i));
    }
    gh_send_page(ctx, out);
}

void gh_create_issue(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    const char *title = gh_str_arg(ctx, "title");
    if (!title || !*title) return gh_invalid(ctx, "Issue", "title", "missing_field", NULL);
    json_value *assignees = twin_input(ctx, "assignees");
    const char *one = gh_str_arg(ctx, "assignee");
    if (one) {
        assignees = json_array(ctx->a);
        json_push(assignees, json_string(ctx->a, one));
    }
    json_foreach(x, assignees) if (!json_str(x) || !gh_account_get(ctx, x->str))
        return gh_invalid(ctx, "Issue", "assignees", "invalid", NULL);
    json_value *labels = twin_input(ctx, "labels");
    /* Only people with push access set labels and assignees; GitHub drops them silently otherwise. */
    if (gh_access_level(ctx, repo, gh_viewer(ctx)) < GH_PUSH) labels = assignees = NULL;
    json_value *i = gh_issue_create(ctx, repo, title, gh_str_arg(ctx, "body"), NULL, labels, assignees, false);
    emit_issue(ctx, repo, i, "opened");
    gh_reply(ctx, 201, gh_issue_json(ctx, repo, i));
}

static json_value *load_issue(twin_ctx *ctx, json_value *repo)
{
    const char *num = twin_param(ctx, "issue_number");
    json_value *i = num ? twin_doc_get(ctx, "issues", arena_printf(ctx->a, "%s#%s", gh_repo_key(ctx, repo), num)) : NULL;
    if (!i) gh_not_found(ctx);
    return i;
}

void gh_get_issue(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *i = repo ? load_issue(ctx, repo) : NULL;
    if (i) gh_reply(ctx, 200, gh_issue_json(ctx, repo, i));
}

void gh_update_issue(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *i = repo ? load_issue(ctx, repo) : NULL;
    if (!i || !gh_may_edit(ctx, repo, json_get_str(i, "user"), false)) return;
    arena *a = ctx->a;
    const char *title = gh_str_arg(ctx, "title"), *state = gh_str_arg(ctx, "state");
    const char *before = json_get_str(i, "state");
    if (title) json_set_str(a, i, "title", title);
    if (twin_input(ctx, "body")) json_set_str(a, i, "body", gh_str_arg(ctx, "body"));
    if (state && !str_eq(state, "open") && !str_eq(state, "closed"))
        return gh_invalid(ctx, "Issue", "state", "invalid", NULL);
    bool triage = gh_access_level(ctx, repo, gh_viewer(ctx)) >= GH_TRIAGE;
    json_value *labels = triage ? twin_input(ctx, "labels") : NULL;
    if (labels && labels->type == JSON_ARRAY) {
        json_value *ls = json_array(a);
        json_foreach(l, labels) {
            const char *name = json_str(l) ? json_str(l) : json_get_str(l, "name");
            if (name) json_push(ls, json_string(a, json_get_str(gh_label_ensure(ctx, repo, name), "name")));
        }
        json_set(a, i, "labels", ls);
    }
    json_value *as = triage ? twin_input(ctx, "assignees") : NULL;
    if (as && as->type == JSON_ARRAY) json_set(a, i, "assignees", json_clone(a, as));
    const char *now = gh_now_iso(ctx);
    if (state && !str_eq(state, before)) {
        json_set_str(a, i, "state", state);
        if (str_eq(state, "closed")) {
            json_set_str(a, i, "closed_at", now);
            json_set_str(a, i, "closed_by", gh_viewer(ctx));
            const char *reason = gh_str_arg(ctx, "state_reason");
            json_set_str(a, i, "state_reason", reason ? reason : "completed");
        } else {
            json_set_null(a, i, "closed_at");
            json_set_null(a, i, "closed_by");
            json_set_str(a, i, "state_reason", "reopened");
        }
    }
    json_set_str(a, i, "updated_at", now);
    save_issue(ctx, repo, i);
    if (state && !str_eq(state, before)) emit_issue(ctx, repo, i, str_eq(state, "closed") ? "closed" : "reopened");
    else emit_issue(ctx, repo, i, "edited");
    gh_reply(ctx, 200, gh_issue_json(ctx, repo, i));
}

/* ---- issue labels ---- */

static void reply_issue_labels(twin_ctx *ctx, json_value *repo, json_value *i, int status)
{
    json_value *out = json_array(ctx->a);
    json_foreach(l, json_get(i, "labels")) json_push(out, gh_label_json(ctx, repo, gh_label_ensure(ctx, repo, l->str)));
    gh_reply(ctx, status, out);
}

static json_value *label_names(twin_ctx *ctx)
{
    json_value *in = twin_input(ctx, "labels");
    if (!in && ctx->body && ctx->body->type == JSON_ARRAY) in = ctx->body;
    return in;
}

void gh_list_issue_labels(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *i = repo ? load_issue(ctx, repo) : NULL;
    if (i) reply_issue_labels(ctx, repo, i, 200);
}

static void add_or_set_labels(twin_ctx *ctx, bool replace)
{
    json_value *repo = gh_repo_load(ctx), *i = repo ? load_issue(ctx, repo) : NULL;
    if (!i) return;
    json_value *ls = replace ? json_array(ctx->a) : json_get(i, "labels");
    json_foreach(l, label_names(ctx)) {
        const char *name = json_str(l) ? json_str(l) : json_get_str(l, "name");
        if (!name || (!replace && has_label(i, name))) continue;
        json_push(ls, json_string(ctx->a, json_get_str(gh_label_ensure(ctx, repo, name), "name")));
    }
    json_set(ctx->a, i, "labels", ls);
    save_issue(ctx, repo, i);
    emit_issue(ctx, repo, i, "labeled");
    reply_issue_labels(ctx, repo, i, 200);
}

void gh_add_issue_labels(twin_ctx *ctx)
{
    add_or_set_labels(ctx, false);
}

void gh_set_issue_labels(twin_ctx *ctx)
{
    add_or_set_labels(ctx, true);
}

void gh_remove_issue_label(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *i = repo ? load_issue(ctx, repo) : NULL;
    if (!i) return;
    const char *name = twin_param(ctx, "name");
    if (!has_label(i, name)) return gh_message(ctx, 404, "Label does not exist");
    json_value *ls = json_array(ctx->a);
    json_foreach(l, json_get(i, "labels")) if (!str_case_eq(l->str, name)) json_push(ls, json_string(ctx->a, l->str));
    json_set(ctx->a, i, "labels", ls);
    save_issue(ctx, repo, i);
    emit_issue(ctx, repo, i, "unlabeled");
    reply_issue_labels(ctx, repo, i, 200);
}

void gh_remove_issue_labels(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *i = repo ? load_issue(ctx, repo) : NULL;
    if (!i) return;
    json_set(ctx->a, i, "labels", json_array(ctx->a));
    save_issue(ctx, repo, i);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

/* ---- comments ---- */

static json_value *comment_json(twin_ctx *ctx, const json_value *repo, const json_value *c)
{
    arena *a = ctx->a;
    const char *ru = gh_repo_url(ctx, repo), *id = json_get(c, "id")->str;
    json_value *o = json_object(a);
    json_set(a, o, "id", json_clone(a, json_get(c, "id")));
    json_set_str(a, o, "node_id", json_get_str(c, "node_id"));
    json_set_str(a, o, "url", arena_printf(a, "%s/issues/comments/%s", ru, id));
    json_set_str(a, o, "html_url", arena_printf(a, "%s/issues/%s#issuecomment-%s", gh_repo_html(ctx, repo),
                                                json_get(c, "issue_number")->str, id));
    json_set_str(a, o, "issue_url", arena_printf(a, "%s/issues/%s", ru, json_get(c, "issue_number")->str));
    json_set_str(a, o, "body", json_get_str(c, "body"));
    json_set(a, o, "user", gh_user_json(ctx, json_get_str(c, "user")));
    json_set_str(a, o, "created_at", json_get_str(c, "created_at"));
    json_set_str(a, o, "updated_at", json_get_str(c, "updated_at"));
    json_set_str(a, o, "author_association", "OWNER");
    return o;
}

void gh_list_issue_comments(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *i = repo ? load_issue(ctx, repo) : NULL;
    if (!i) return;
    gh_send_list(ctx, repo, gh_list_repo_where(ctx, "comments", gh_repo_key(ctx, repo), "issue_number", json_get(i, "number")),
                 comment_json);
}

void gh_create_issue_comment(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *i = repo ? load_issue(ctx, repo) : NULL;
    if (!i) return;
    const char *body = gh_str_arg(ctx, "body");
    if (!body || !*body) return gh_invalid(ctx, "IssueComment", "body", "missing_field", NULL);
    arena *a = ctx->a;
    json_value *c = json_object(a);
    int64_t id = gh_next_id(ctx);
    json_set_int(a, c, "id", id);
    json_set_str(a, c, "node_id", gh_node_id(ctx, "IC", id));
    json_set(a, c, "issue_number", json_clone(a, json_get(i, "number")));
    json_set_str(a, c, "body", body);
    json_set_str(a, c, "user", gh_viewer(ctx));
    const char *now = gh_now_iso(ctx);
    json_set_str(a, c, "created_at", now);
    json_set_str(a, c, "updated_at", now);
    const char *key = gh_repo_key(ctx, repo);
    gh_save(ctx, "comments", arena_printf(a, "%lld", (long long)id), c, key);
    int64_t n = 0;
    json_int64(json_get(i, "comments"), &n);
    json_set_int(a, i, "comments", n + 1);
    save_issue(ctx, repo, i);
    json_value *p = json_object(a);
    json_set_str(a, p, "action", "created");
    json_set(a, p, "issue", gh_issue_json(ctx, repo, i));
    json_set(a, p, "comment", comment_json(ctx, repo, c));
    gh_emit(ctx, repo, "issue_comment", p);
    gh_reply(ctx, 201, comment_json(ctx, repo, c));
}

static json_value *load_comment(twin_ctx *ctx, const json_value *repo)
{
    json_value *c = twin_doc_get(ctx, "comments", twin_param(ctx, "comment_id"));
    if (c && !json_get(c, "issue_number")) c = NULL;
    (void)repo;
    if (!c) gh_not_found(ctx);
    return c;
}

void gh_get_issue_comment(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *c = repo ? load_comment(ctx, repo) : NULL;
    if (c) gh_reply(ctx, 200, comment_json(ctx, repo, c));
}

void gh_update_issue_comment(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *c = repo ? load_comment(ctx, repo) : NULL;
    if (!c || !gh_may_edit(ctx, repo, json_get_str(c, "user"), true)) return;
    const char *body = gh_str_arg(ctx, "body");
    if (!body) return gh_invalid(ctx, "IssueComment", "body", "missing_field", NULL);
    json_set_str(ctx->a, c, "body", body);
    json_set_str(ctx->a, c, "updated_at", gh_now_iso(ctx));
    gh_save(ctx, "comments", twin_param(ctx, "comment_id"), c, gh_repo_key(ctx, repo));
    gh_reply(ctx, 200, comment_json(ctx, repo, c));
}

void gh_delete_issue_comment(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *c = repo ? load_comment(ctx, repo) : NULL;
    if (!c || !gh_may_edit(ctx, repo, json_get_str(c, "user"), true)) return;
    twin_doc_delete(ctx, "comments", twin_param(ctx, "comment_id"));
    twin_reply_text(ctx, 204, "application/json", "", 0);
}
