/* GitHub twin: pull requests (merge, reviewers, reviews), commit statuses and checks. */
#include <string.h>

#include "twins/github/github.h"
#include "util/util.h"

static const char *pr_key(twin_ctx *ctx, const json_value *repo, const char *num)
{
    return arena_printf(ctx->a, "%s#%s", gh_repo_key(ctx, repo), num);
}

static json_value *branch_ref(twin_ctx *ctx, const json_value *repo, const char *branch, const char *sha)
{
    arena *a = ctx->a;
    json_value *b = json_object(a);
    json_set_str(a, b, "label", arena_printf(a, "%s:%s", json_get_str(repo, "owner"), branch));
    json_set_str(a, b, "ref", branch);
    json_set_str(a, b, "sha", sha);
    json_set(a, b, "user", gh_user_json(ctx, json_get_str(repo, "owner")));
    json_set(a, b, "repo", gh_repo_json(ctx, repo));
    return b;
}

/* The teams asked to review pr (kept by id, so a renamed team stays asked).  The fuller "team"
 * object suits both the pull request's team-simple and the review request's team. */
static json_value *requested_teams(twin_ctx *ctx, const json_value *repo, const json_value *pr)
{
    json_value *out = json_array(ctx->a);
    json_foreach(t, json_get(pr, "requested_teams")) {
        int64_t id = 0;
        json_value *team = json_int64(t, &id) ? gh_team_by_id(ctx, json_get_str(repo, "owner"), id) : NULL;
        if (team) json_push(out, gh_team_json(ctx, team));
    }
    return out;
}

static json_value *pr_json(twin_ctx *ctx, const json_value *repo, const json_value *pr)
{
    arena *a = ctx->a;
    const char *key = gh_repo_key(ctx, repo), *num = json_get(pr, "number")->str;
    json_value *issue = twin_doc_get(ctx, "issues", pr_key(ctx, repo, num));
    json_value *o = gh_issue_json(ctx, repo, issue);
    const char *ru = gh_repo_url(ctx, repo), *u = arena_printf(a, "%s/pulls/%s", ru, num);
    json_remove(o, "pull_request");
    json_remove(o, "repository_url");
    json_remove(o, "labels_url");
    json_remove(o, "events_url");
    json_remove(o, "state_reason");
    json_set_str(a, o, "url", u);
    json_set_str(a, o, "diff_url", arena_printf(a, "%s.diff", json_get_str(o, "html_url")));
    json_set_str(a, o, "patch_url", arena_printf(a, "%s.patch", json_get_str(o, "html_url")));
    json_set_str(a, o, "issue_url", arena_printf(a, "%s/issues/%s", ru, num));
    json_set_str(a, o, "commits_url", arena_printf(a, "%s/commits", u));
    json_set_str(a, o, "review_comments_url", arena_printf(a, "%s/comments", u));
    json_set_str(a, o, "review_comment_url", arena_printf(a, "%s/pulls/comments{/number}", ru));
    json_set_str(a, o, "comments_url", arena_printf(a, "%s/issues/%s/comments", ru, num));
    const char *head = json_get_str(pr, "head"), *base = json_get_str(pr, "base");
    const char *head_sha = json_get_str(pr, "head_sha");
    const char *live = gh_ref_sha(ctx, key, arena_printf(a, "refs/heads/%s", head));
    if (live && !json_truthy(json_get(pr, "merged"))) head_sha = live;
    json_set_str(a, o, "statuses_url", arena_printf(a, "%s/statuses/%s", ru, head_sha));
    json_set(a, o, "head", branch_ref(ctx, repo, head, head_sha));
    const char *base_sha = gh_ref_sha(ctx, key, arena_printf(a, "refs/heads/%s", base));
    json_set(a, o, "base", branch_ref(ctx, repo, base, base_sha ? base_sha : ""));
    json_value *l = json_object(a), *x;
    static const char *const names[][2] = {{"self", ""}, {"html", NULL}, {"issue", "i"}, {"comments", "c"},
                                            {"review_comments", "rc"}, {"review_comment", "r"}, {"commits", "cm"},
                                            {"statuses", "s"}};
    for (size_t i = 0; i < 8; i++) {
        x = json_object(a);
        const char *href = names[i][1] == NULL ? json_get_str(o, "html_url") : str_eq(names[i][1], "") ? u
                           : str_eq(names[i][1], "i") ? json_get_str(o, "issue_url")
                           : str_eq(names[i][1], "c") ? json_get_str(o, "comments_url")
                           : str_eq(names[i][1], "rc") ? json_get_str(o, "review_comments_url")
                           : str_eq(names[i][1], "r") ? json_get_str(o, "review_comment_url")
                           : str_eq(names[i][1], "cm") ? json_get_str(o, "commits_url") : json_get_str(o, "statuses_url");
        json_set_str(a, x, "href", href);
        json_set(a, l, names[i][0], x);
    }
    json_set(a, o, "_links", l);
    bool merged = json_truthy(json_get(pr, "merged"));
    json_set(a, o, "merged_at", json_clone(a, json_get(pr, "merged_at")));
    json_set(a, o, "merge_commit_sha", json_clone(a, json_get(pr, "merge_commit_sha")));
    json_value *rr = json_array(a);
    json_foreach(r, json_get(pr, "requested_reviewers")) json_push(rr, gh_user_json(ctx, r->str));
    json_set(a, o, "requested_reviewers", rr);
    json_set(a, o, "requested_teams", requested_teams(ctx, repo, pr));
    json_set_bool(a, o, "draft", json_truthy(json_get(pr, "draft")));
    json_set_bool(a, o, "merged", merged);
    bool open = str_eq(json_get_str(issue, "state"), "open");
    if (open) json_set_bool(a, o, "mergeable", base_sha != NULL && live != NULL);
    else json_set_null(a, o, "mergeable");
    json_set_str(a, o, "mergeable_state", open ? "clean" : "unknown");
    json_set_null(a, o, "rebaseable");
    const char *mb = json_get_str(pr, "merged_by");
    json_set(a, o, "merged_by", mb ? gh_user_json(ctx, mb) : json_null(a));
    json_set_int(a, o, "comments", 0);
    json_set_int(a, o, "review_comments", 0);
    json_set_bool(a, o, "maintainer_can_modify", false);
    json_set_int(a, o, "commits", 1);
    json_set_int(a, o, "additions", 1);
    json_set_int(a, o, "deletions", 0);
    json_set_int(a, o, "changed_files", 1);
    json_set_null(a, o, "auto_merge");
    json_set_null(a, o, "active_lock_reason");
    return o;
}

/* A pull_request event; about_key/about name what the action concerns
 * (GitHub's requested_reviewer or requested_team), NULL for none. */
static void emit_pr_about(twin_ctx *ctx, const json_value *repo, const json_value *pr, const char *action,
                          const char *about_key, json_value *about)
{
    json_value *p = json_object(ctx->a);
    json_set_str(ctx->a, p, "action", action);
    json_set(ctx->a, p, "number", json_clone(ctx->a, json_get(pr, "number")));
    json_set(ctx->a, p, "pull_request", pr_json(ctx, repo, pr));
    if (about_key) json_set(ctx->a, p, about_key, about);
    gh_emit(ctx, repo, "pull_request", p);
}

static void emit_pr(twin_ctx *ctx, const json_value *repo, const json_value *pr, const char *action)
{
    emit_pr_about(ctx, repo, pr, action, NULL, NULL);
}

/* GitHub sends one review_requested (or review_request_removed) per
 * reviewer: users are logins, teams are team records. */
static void emit_per_reviewer(twin_ctx *ctx, const json_value *repo, const json_value *pr, const char *action,
                              const json_value *logins, const json_value *teams)
{
    json_foreach(l, logins) emit_pr_about(ctx, repo, pr, action, "requested_reviewer", gh_user_json(ctx, l->str));
    json_foreach(t, teams) emit_pr_about(ctx, repo, pr, action, "requested_team", gh_team_json(ctx, t));
}

static void save_pr(twin_ctx *ctx, const json_value *repo, const json_value *pr)
{
    gh_save(ctx, "pulls", pr_key(ctx, repo, json_get(pr, "number")->str), pr, gh_repo_key(ctx, repo));
}

json_value *gh_pull_create(twin_ctx *ctx, json_value *repo, const char *title, const char *body, const char *user,
                           const char *head, const char *base, bool draft)
{
    arena *a = ctx->a;
    json_value *issue = gh_issue_create(ctx, repo, title, body, user, NULL, NULL, true);
    json_value *pr = json_object(a);
    json_set(a, pr, "number", json_clone(a, json_get(issue, "number")));
    json_set_str(a, pr, "head", head);
    json_set_str(a, pr, "base", base);
    json_set_str(a, pr, "head_sha", gh_ref_sha(ctx, gh_repo_key(ctx, repo), arena_printf(a, "refs/heads/%s", head)));
    json_set_bool(a, pr, "draft", draft);
    json_set_bool(a, pr, "merged", false);
    json_set_null(a, pr, "merged_at");
    json_set_null(a, pr, "merge_commit_sha");
    json_set(a, pr, "requested_reviewers", json_array(a));
    save_pr(ctx, repo, pr);
    return pr;
}

bool gh_pull_merge(twin_ctx *ctx, json_value *repo, json_value *pr, const char *title, const char *message,
                   const char *method, const char *merger)
{
    arena *a = ctx->a;
    const char *key = gh_repo_key(ctx, repo), *num = json_get(pr, "number")->str;
    const char *base_ref = arena_printf(a, "refs/heads/%s", json_get_str(pr, "base"));
    const char *base_sha = gh_ref_sha(ctx, key, base_ref);
    const char *head_sha = gh_ref_sha(ctx, key, arena_printf(a, "refs/heads/%s", json_get_str(pr, "head")));
    if (!base_sha || !head_sha) return false;
    json_value *head = gh_commit_get(ctx, key, head_sha), *basec = gh_commit_get(ctx, key, base_sha);
    /* The merge result: base's files with head's files laid over them. */
    json_value *changes = json_object(a);
    json_foreach(f, json_get(head, "files")) {
        json_value *cur = json_get(json_get(basec, "files"), f->key);
        if (!cur || !json_equal(cur, f)) json_set(a, changes, f->key, json_clone(a, f));
    }
    if (!title) title = str_eq(method, "merge") || !method
                            ? arena_printf(a, "Merge pull request #%s from %s/%s", num, json_get_str(repo, "owner"),
                                           json_get_str(pr, "head"))
                            : arena_printf(a, "%s (#%s)", json_get_str(twin_doc_get(ctx, "issues", pr_key(ctx, repo, num)), "title"), num);
    const char *msg = message ? arena_printf(a, "%s\n\n%s", title, message) : title;
    bool two_parents = !method || str_eq(method, "merge");
    json_value *c = gh_commit_create(ctx, key, base_sha, two_parents ? head_sha : NULL, changes, msg, merger);
    const char *sha = json_get_str(c, "sha");
    gh_ref_set(ctx, key, base_ref, sha);
    const char *now = gh_now_iso(ctx);
    json_set_bool(a, pr, "merged", true);
    json_set_str(a, pr, "merged_at", now);
    json_set_str(a, pr, "merge_commit_sha", sha);
    json_set_str(a, pr, "merged_by", merger);
    json_set_str(a, pr, "head_sha", head_sha);
    save_pr(ctx, repo, pr);
    json_value *issue = twin_doc_get(ctx, "issues", pr_key(ctx, repo, num));
    json_set_str(a, issue, "state", "closed");
    json_set_str(a, issue, "closed_at", now);
    json_set_str(a, issue, "merged_at", now);
    json_set_str(a, issue, "closed_by", merger);
    gh_save(ctx, "issues", pr_key(ctx, repo, num), issue, key);
    gh_repo_touch(ctx, repo, true);
    gh_emit_push(ctx, repo, base_ref, base_sha, sha);
    emit_pr(ctx, repo, pr, "closed");
    return true;
}

static json_value *load_pr(twin_ctx *ctx, json_value *repo)
{
    json_value *pr = twin_doc_get(ctx, "pulls", pr_key(ctx, repo, twin_param(ctx, "pull_number")));
    if (!pr) gh_not_found(ctx);
    return pr;
}

void gh_list_pulls(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    twin_list l = gh_list_repo(ctx, "pulls", gh_repo_key(ctx, repo));
    const char *state = json_get_str(ctx->query, "state"), *head = json_get_str(ctx->query, "head");
    const char *base = json_get_str(ctx->query, "base");
    if (!state) state = "open";
    json_value *out = json_array(ctx->a);
    for (size_t k = l.n; k-- > 0;) {
        json_value *o = pr_json(ctx, repo, l.items[k]);
        if (!str_eq(state, "all") && !str_eq(state, json_get_str(o, "state"))) continue;
        if (base && !str_eq(base, json_get_str(l.items[k], "base"))) continue;
        if (head) {
            const char *colon = strchr(head, ':');
            if (!str_eq(colon ? colon + 1 : head, json_get_str(l.items[k], "head"))) continue;
        }
        json_push(out, o);
    }
    gh_send_page(ctx, out);
}

void gh_create_pull(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    arena *a = ctx->a;
    const char *key = gh_repo_key(ctx, repo), *head = gh_str_arg(ctx, "head"), *base = gh_str_arg(ctx, "base");
    const char *title = gh_str_arg(ctx, "title");
    json_value *from_issue = twin_input(ctx, "issue");
    if (!title && !from_issue) return gh_invalid(ctx, "PullRequest", "title", "missing_field", NULL);
    if (!head) return gh_invalid(ctx, "PullRequest", "head", "missing_field", NULL);
    if (!base) return gh_invalid(ctx, "PullRequest", "base", "missing_field", NULL);
    const char *colon = strchr(head, ':');
    if (colon) head = colon + 1;
    const char *hs = gh_ref_sha(ctx, key, arena_printf(a, "refs/heads/%s", head));
    const char *bs = gh_ref_sha(ctx, key, arena_printf(a, "refs/heads/%s", base));
    if (!hs) return gh_invalid(ctx, "PullRequest", "head", "invalid", NULL);
    if (!bs) return gh_invalid(ctx, "PullRequest", "base", "invalid", NULL);
    if (str_eq(hs, bs))
        return gh_invalid(ctx, "PullRequest", NULL, "custom", arena_printf(a, "No commits between %s and %s", base, head));
    twin_list l = gh_list_repo(ctx, "pulls", key);
    for (size_t i = 0; i < l.n; i++) {
        json_value *is = twin_doc_get(ctx, "issues", pr_key(ctx, repo, json_get(l.items[i], "number")->str));
        if (str_eq(json_get_str(l.items[i], "head"), head) && str_eq(json_get_str(l.items[i], "base"), base) &&
            str_eq(json_get_str(is, "state"), "open"))
            return gh_invalid(ctx, "PullRequest", NULL, "custom",
                              arena_printf(a, "A pull request already exists for %s:%s.", json_get_str(repo, "owner"), head));
    }
    json_value *pr = gh_pull_create(ctx, repo, title, gh_str_arg(ctx, "body"), NULL, head, base,
                                    gh_bool_arg(ctx, "draft", false));
    emit_pr(ctx, repo, pr, "opened");
    gh_reply(ctx, 201, pr_json(ctx, repo, pr));
}

void gh_get_pull(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *pr = repo ? load_pr(ctx, repo) : NULL;
    if (pr) gh_reply(ctx, 200, pr_json(ctx, repo, pr));
}

void gh_update_pull(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *pr = repo ? load_pr(ctx, repo) : NULL;
    if (!pr || !gh_may_edit(ctx, repo, json_get_str(pr, "user"), false)) return;
    arena *a = ctx->a;
    const char *num = json_get(pr, "number")->str, *key = gh_repo_key(ctx, repo);
    json_value *issue = twin_doc_get(ctx, "issues", pr_key(ctx, repo, num));
    const char *title = gh_str_arg(ctx, "title"), *state = gh_str_arg(ctx, "state"), *base = gh_str_arg(ctx, "base");
    if (title) json_set_str(a, issue, "title", title);
    if (twin_input(ctx, "body")) json_set_str(a, issue, "body", gh_str_arg(ctx, "body"));
    if (base) {
        if (!gh_ref_sha(ctx, key, arena_printf(a, "refs/heads/%s", base)))
            return gh_invalid(ctx, "PullRequest", "base", "invalid", NULL);
        json_set_str(a, pr, "base", base);
    }
    const char *before = json_get_str(issue, "state"), *action = "edited";
    if (state && !str_eq(state, before) && !json_truthy(json_get(pr, "merged"))) {
        json_set_str(a, issue, "state", state);
        if (str_eq(state, "closed")) json_set_str(a, issue, "closed_at", gh_now_iso(ctx));
        else json_set_null(a, issue, "closed_at");
        action = str_eq(state, "closed") ? "closed" : "reopened";
    }
    json_set_str(a, issue, "updated_at", gh_now_iso(ctx));
    gh_save(ctx, "issues", pr_key(ctx, repo, num), issue, key);
    save_pr(ctx, repo, pr);
    emit_pr(ctx, repo, pr, action);
    gh_reply(ctx, 200, pr_json(ctx, repo, pr));
}

void gh_merge_pull(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *pr = repo ? load_pr(ctx, repo) : NULL;
    if (!pr) return;
    arena *a = ctx->a;
    const char *key = gh_repo_key(ctx, repo);
    json_value *issue = twin_doc_get(ctx, "issues", pr_key(ctx, repo, json_get(pr, "number")->str));
    if (json_truthy(json_get(pr, "merged"))) return gh_message(ctx, 405, "Pull Request is not mergeable");
    if (!str_eq(json_get_str(issue, "state"), "open")) return gh_message(ctx, 405, "Pull Request is not mergeable");
    const char *method = gh_str_arg(ctx, "merge_method");
    if (method && !str_eq(method, "merge") && !str_eq(method, "squash") && !str_eq(method, "rebase"))
        return gh_invalid(ctx, "PullRequest", "merge_method", "invalid", NULL);
    const char *want = gh_str_arg(ctx, "sha");
    const char *head_sha = gh_ref_sha(ctx, key, arena_printf(a, "refs/heads/%s", json_get_str(pr, "head")));
    if (want && !str_eq(want, head_sha)) return gh_message(ctx, 409, "Head branch was modified. Review and try the merge again.");
    if (!gh_pull_merge(ctx, repo, pr, gh_str_arg(ctx, "commit_title"), gh_str_arg(ctx, "commit_message"), method,
                       gh_viewer(ctx)))
        return gh_message(ctx, 405, "Pull Request is not mergeable");
    json_value *o = json_object(a);
    json_set_str(a, o, "sha", json_get_str(pr, "merge_commit_sha"));
    json_set_bool(a, o, "merged", true);
    json_set_str(a, o, "message", "Pull Request successfully merged");
    gh_reply(ctx, 200, o);
}

void gh_check_merged(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *pr = repo ? load_pr(ctx, repo) : NULL;
    if (!pr) return;
    if (json_truthy(json_get(pr, "merged"))) twin_reply_text(ctx, 204, "application/json", "", 0);
    else gh_not_found(ctx);
}

void gh_list_pull_files(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *pr = repo ? load_pr(ctx, repo) : NULL;
    if (!pr) return;
    arena *a = ctx->a;
    const char *key = gh_repo_key(ctx, repo);
    const char *hs = json_truthy(json_get(pr, "merged")) ? json_get_str(pr, "head_sha")
                                                         : gh_ref_sha(ctx, key, arena_printf(a, "refs/heads/%s", json_get_str(pr, "head")));
    const char *bs = gh_ref_sha(ctx, key, arena_printf(a, "refs/heads/%s", json_get_str(pr, "base")));
    json_value *h = gh_commit_get(ctx, key, hs), *b = gh_commit_get(ctx, key, bs);
    json_value *out = json_array(a);
    json_foreach(f, json_get(h, "files")) {
        json_value *cur = json_get(json_get(b, "files"), f->key);
        if (cur && json_equal(cur, f)) continue;
        json_value *o = json_object(a);
        json_set_str(a, o, "sha", hs);
        json_set_str(a, o, "filename", f->key);
        json_set_str(a, o, "status", cur ? "modified" : "added");
        json_set_int(a, o, "additions", 1);
        json_set_int(a, o, "deletions", cur ? 1 : 0);
        json_set_int(a, o, "changes", cur ? 2 : 1);
        json_set_str(a, o, "blob_url", arena_printf(a, "%s/%s/blob/%s/%s", gh_base(ctx), key, hs, f->key));
        json_set_str(a, o, "raw_url", arena_printf(a, "%s/%s/raw/%s/%s", gh_base(ctx), key, hs, f->key));
        json_set_str(a, o, "contents_url", arena_printf(a, "%s/contents/%s?ref=%s", gh_repo_url(ctx, repo), f->key, hs));
        json_push(out, o);
    }
    gh_send_page(ctx, out);
}

/* ---- reviewers and reviews ---- */

static void reply_requested(twin_ctx *ctx, const json_value *repo, json_value *pr)
{
    json_value *o = json_object(ctx->a), *users = json_array(ctx->a);
    json_foreach(r, json_get(pr, "requested_reviewers")) json_push(users, gh_user_json(ctx, r->str));
    json_set(ctx->a, o, "users", users);
    json_set(ctx->a, o, "teams", requested_teams(ctx, repo, pr));
    gh_reply(ctx, 200, o);
}

/* team_reviewers: slugs of the org's teams that can read the repository; adds their ids to pr
 * and the teams not asked before to added. */
static bool add_team_reviewers(twin_ctx *ctx, const json_value *repo, json_value *pr, json_value *added)
{
    json_value *asked = json_get(pr, "requested_teams");
    if (!asked) json_set(ctx->a, pr, "requested_teams", asked = json_array(ctx->a));
    json_foreach(s, twin_input(ctx, "team_reviewers")) {
        json_value *team = gh_team_find(ctx, json_get_str(repo, "owner"), json_str(s));
        if (!team || gh_team_repo_level(ctx, team, gh_repo_key(ctx, repo)) == GH_NONE) return false;
        bool dup = false;
        json_foreach(x, asked) if (json_equal(x, json_get(team, "id"))) dup = true;
        if (!dup) {
            json_push(asked, json_clone(ctx->a, json_get(team, "id")));
            json_push(added, json_clone(ctx->a, team));   /* team may sit in a cached list */
        }
    }
    return true;
}

void gh_request_reviewers(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *pr = repo ? load_pr(ctx, repo) : NULL;
    if (!pr) return;
    static const char not_collaborator[] = "Reviews may only be requested from collaborators. One or more of the "
                                           "users or teams you specified is not a collaborator of the repository.";
    json_value *rr = json_get(pr, "requested_reviewers");
    json_value *new_users = json_array(ctx->a), *new_teams = json_array(ctx->a);
    json_foreach(r, twin_input(ctx, "reviewers")) {
        if (!json_str(r) || !gh_account_get(ctx, r->str)) return gh_message(ctx, 422, not_collaborator);
        bool dup = false;
        json_foreach(x, rr) if (str_case_eq(x->str, r->str)) dup = true;
        if (!dup) {
            json_push(rr, json_string(ctx->a, r->str));
            json_push(new_users, json_string(ctx->a, r->str));
        }
    }
    if (!add_team_reviewers(ctx, repo, pr, new_teams)) return gh_message(ctx, 422, not_collaborator);
    save_pr(ctx, repo, pr);
    emit_per_reviewer(ctx, repo, pr, "review_requested", new_users, new_teams);
    gh_reply(ctx, 201, pr_json(ctx, repo, pr));
}

void gh_list_requested_reviewers(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *pr = repo ? load_pr(ctx, repo) : NULL;
    if (pr) reply_requested(ctx, repo, pr);
}

void gh_remove_requested_reviewers(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *pr = repo ? load_pr(ctx, repo) : NULL;
    if (!pr) return;
    json_value *keep = json_array(ctx->a), *gone_users = json_array(ctx->a), *gone_teams = json_array(ctx->a);
    json_foreach(x, json_get(pr, "requested_reviewers")) {
        bool drop = false;
        json_foreach(r, twin_input(ctx, "reviewers")) if (str_case_eq(json_str(r), x->str)) drop = true;
        json_push(drop ? gone_users : keep, json_string(ctx->a, x->str));
    }
    json_set(ctx->a, pr, "requested_reviewers", keep);
    json_value *teams = json_array(ctx->a);
    json_foreach(x, json_get(pr, "requested_teams")) {
        int64_t id = 0;
        json_value *team = json_int64(x, &id) ? gh_team_by_id(ctx, json_get_str(repo, "owner"), id) : NULL;
        bool drop = false;
        json_foreach(r, twin_input(ctx, "team_reviewers"))
            if (team && str_case_eq(json_str(r), json_get_str(team, "slug"))) drop = true;
        if (!drop) json_push(teams, json_clone(ctx->a, x));
        else json_push(gone_teams, json_clone(ctx->a, team));
    }
    json_set(ctx->a, pr, "requested_teams", teams);
    save_pr(ctx, repo, pr);
    emit_per_reviewer(ctx, repo, pr, "review_request_removed", gone_users, gone_teams);
    gh_reply(ctx, 200, pr_json(ctx, repo, pr));
}

static json_value *review_json(twin_ctx *ctx, const json_value *repo, const json_value *r)
{
    arena *a = ctx->a;
    json_value *o = json_clone(a, r);
    json_set(a, o, "user", gh_user_json(ctx, json_get_str(r, "user")));
    const char *pu = arena_printf(a, "%s/pulls/%s", gh_repo_url(ctx, repo), json_get(r, "pull_number")->str);
    const char *html = arena_printf(a, "%s/%s/pull/%s#pullrequestreview-%s", gh_base(ctx), gh_repo_key(ctx, repo),
                                    json_get(r, "pull_number")->str, json_get(r, "id")->str);
    json_set_str(a, o, "html_url", html);
    json_set_str(a, o, "pull_request_url", pu);
    json_value *l = json_object(a), *h = json_object(a), *p = json_object(a);
    json_set_str(a, h, "href", html);
    json_set_str(a, p, "href", pu);
    json_set(a, l, "html", h);
    json_set(a, l, "pull_request", p);
    json_set(a, o, "_links", l);
    json_set_str(a, o, "author_association", "OWNER");
    json_remove(o, "pull_number");
    return o;
}

void gh_list_reviews(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *pr = repo ? load_pr(ctx, repo) : NULL;
    if (!pr) return;
    gh_send_list(ctx, repo, gh_list_repo_where(ctx, "reviews", gh_repo_key(ctx, repo), "pull_number", json_get(pr, "number")),
                 review_json);
}

void gh_create_review(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *pr = repo ? load_pr(ctx, repo) : NULL;
    if (!pr) return;
    arena *a = ctx->a;
    const char *event = gh_str_arg(ctx, "event"), *body = gh_str_arg(ctx, "body");
    const char *state = !event ? "PENDING" : str_eq(event, "APPROVE") ? "APPROVED"
                        : str_eq(event, "REQUEST_CHANGES") ? "CHANGES_REQUESTED" : str_eq(event, "COMMENT") ? "COMMENTED" : NULL;
    if (!state) return gh_invalid(ctx, "PullRequestReview", "event", "invalid", NULL);
    if ((str_eq(state, "CHANGES_REQUESTED") || str_eq(state, "COMMENTED")) && (!body || !*body))
        return gh_message(ctx, 422, arena_printf(a, "Unprocessable Entity: \"Body is required for %s\"",
                                                 str_eq(state, "COMMENTED") ? "comment" : "request changes"));
    json_value *r = json_object(a);
    int64_t id = gh_next_id(ctx);
    json_set_int(a, r, "id", id);
    json_set_str(a, r, "node_id", gh_node_id(ctx, "PRR", id));
    json_set_str(a, r, "user", gh_viewer(ctx));
    json_set_str(a, r, "body", body ? body : "");
    json_set_str(a, r, "state", state);
    json_set_str(a, r, "commit_id", gh_ref_sha(ctx, gh_repo_key(ctx, repo), arena_printf(a, "refs/heads/%s", json_get_str(pr, "head"))));
    if (!str_eq(state, "PENDING")) json_set_str(a, r, "submitted_at", gh_now_iso(ctx));
    json_set(a, r, "pull_number", json_clone(a, json_get(pr, "number")));
    gh_save(ctx, "reviews", arena_printf(a, "%lld", (long long)id), r, gh_repo_key(ctx, repo));
    json_value *p = json_object(a);
    json_set_str(a, p, "action", "submitted");
    json_set(a, p, "review", review_json(ctx, repo, r));
    json_set(a, p, "pull_request", pr_json(ctx, repo, pr));
    if (!str_eq(state, "PENDING")) gh_emit(ctx, repo, "pull_request_review", p);
    gh_reply(ctx, 200, review_json(ctx, repo, r));
}

/* ---- commit statuses ---- */

static json_value *status_json(twin_ctx *ctx, const json_value *repo, const json_value *s)
{
    arena *a = ctx->a;
    json_value *o = json_clone(a, s);
    json_set_str(a, o, "url", arena_printf(a, "%s/statuses/%s", gh_repo_url(ctx, repo), json_get_str(s, "sha")));
    json_set(a, o, "creator", gh_user_json(ctx, json_get_str(s, "creator")));
    json_set_str(a, o, "avatar_url", json_get_str(json_get(o, "creator"), "avatar_url"));
    json_remove(o, "sha");
    return o;
}

void gh_create_status(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    arena *a = ctx->a;
    const char *key = gh_repo_key(ctx, repo), *sha = gh_resolve(ctx, key, twin_param(ctx, "sha"));
    const char *state = gh_str_arg(ctx, "state");
    if (!state || (!str_eq(state, "error") && !str_eq(state, "failure") && !str_eq(state, "pending") && !str_eq(state, "success")))
        return gh_invalid(ctx, "Status", "state", state ? "invalid" : "missing_field", NULL);
    if (!sha) return gh_message(ctx, 422, arena_printf(a, "No commit found for SHA: %s", twin_param(ctx, "sha")));
    json_value *s = json_object(a);
    int64_t id = gh_next_id(ctx);
    json_set_int(a, s, "id", id);
    json_set_str(a, s, "node_id", gh_node_id(ctx, "SC", id));
    json_set_str(a, s, "state", state);
    const char *ctxname = gh_str_arg(ctx, "context");
    json_set_str(a, s, "description", gh_str_arg(ctx, "description"));
    json_set_str(a, s, "target_url", gh_str_arg(ctx, "target_url"));
    json_set_str(a, s, "context", ctxname ? ctxname : "default");
    const char *now = gh_now_iso(ctx);
    json_set_str(a, s, "created_at", now);
    json_set_str(a, s, "updated_at", now);
    json_set_str(a, s, "creator", gh_viewer(ctx));
    json_set_str(a, s, "sha", sha);
    gh_save(ctx, "statuses", arena_printf(a, "%lld", (long long)id), s, key);
    json_value *p = json_object(a);
    json_set_int(a, p, "id", id);
    json_set_str(a, p, "sha", sha);
    json_set_str(a, p, "state", state);
    json_set_str(a, p, "context", json_get_str(s, "context"));
    gh_emit(ctx, repo, "status", p);
    gh_reply(ctx, 201, status_json(ctx, repo, s));
}

static json_value *statuses_for(twin_ctx *ctx, const json_value *repo, const char *sha)
{
    twin_list l = gh_list_repo(ctx, "statuses", gh_repo_key(ctx, repo));
    json_value *out = json_array(ctx->a);
    for (size_t i = l.n; i-- > 0;)
        if (str_eq(json_get_str(l.items[i], "sha"), sha)) json_push(out, l.items[i]);
    return out;
}

void gh_list_statuses(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    const char *sha = gh_resolve(ctx, gh_repo_key(ctx, repo), twin_param(ctx, "ref"));
    json_value *out = json_array(ctx->a);
    json_value *all = statuses_for(ctx, repo, sha);
    for (json_value *s = all->first, *n; s; s = n) {
        n = s->next;
        json_push(out, status_json(ctx, repo, s));
    }
    gh_send_page(ctx, out);
}

void gh_combined_status(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    arena *a = ctx->a;
    const char *sha = gh_resolve(ctx, gh_repo_key(ctx, repo), twin_param(ctx, "ref"));
    if (!sha) return gh_not_found(ctx);
    json_value *all = statuses_for(ctx, repo, sha), *latest = json_array(a), *seen = json_object(a);
    bool any_fail = false, any_pending = false;
    json_foreach(s, all) {
        const char *c = json_get_str(s, "context");
        if (json_get(seen, c)) continue;
        json_set_bool(a, seen, c, true);
        const char *st = json_get_str(s, "state");
        if (str_eq(st, "failure") || str_eq(st, "error")) any_fail = true;
        if (str_eq(st, "pending")) any_pending = true;
        json_value *o = status_json(ctx, repo, s);
        json_remove(o, "creator");
        json_push(latest, o);
    }
    json_value *o = json_object(a);
    json_set_str(a, o, "state", any_fail ? "failure" : (any_pending || !latest->len) ? "pending" : "success");
    json_set(a, o, "statuses", latest);
    json_set_str(a, o, "sha", sha);
    json_set_int(a, o, "total_count", latest->len);
    json_set(a, o, "repository", gh_repo_json(ctx, repo));
    json_remove(json_get(o, "repository"), "permissions");
    json_set_str(a, o, "commit_url", arena_printf(a, "%s/commits/%s", gh_repo_url(ctx, repo), sha));
    json_set_str(a, o, "url", arena_printf(a, "%s/commits/%s/status", gh_repo_url(ctx, repo), sha));
    gh_reply(ctx, 200, o);
}

/* ---- checks ---- */

static json_value *suite_for(twin_ctx *ctx, const json_value *repo, const char *sha, bool create)
{
    arena *a = ctx->a;
    const char *key = gh_repo_key(ctx, repo);
    twin_list l = gh_list_repo(ctx, "check_suites", key);
    for (size_t i = 0; i < l.n; i++)
        if (str_eq(json_get_str(l.items[i], "head_sha"), sha)) return l.items[i];
    if (!create) return NULL;
    json_value *s = json_object(a);
    int64_t id = gh_next_id(ctx);
    json_set_int(a, s, "id", id);
    json_set_str(a, s, "node_id", gh_node_id(ctx, "CS", id));
    json_set_str(a, s, "head_sha", sha);
    json_set_str(a, s, "head_branch", json_get_str(repo, "default_branch"));
    json_set_str(a, s, "status", "queued");
    json_set_null(a, s, "conclusion");
    const char *now = gh_now_iso(ctx);
    json_set_str(a, s, "created_at", now);
    json_set_str(a, s, "updated_at", now);
    gh_save(ctx, "check_suites", arena_printf(a, "%lld", (long long)id), s, key);
    return s;
}

static json_value *app_json(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *app = json_object(a);
    json_set_int(a, app, "id", 1);
    json_set_str(a, app, "slug", "twins-ci");
    json_set_str(a, app, "node_id", "MDM6QXBwMQ==");
    json_set_str(a, app, "client_id", "Iv1.twins");
    json_set(a, app, "owner", gh_user_json(ctx, gh_viewer(ctx)));
    json_set_str(a, app, "name", "Twins CI");
    json_set_str(a, app, "description", "");
    json_set_str(a, app, "external_url", gh_base(ctx));
    json_set_str(a, app, "html_url", arena_printf(a, "%s/apps/twins-ci", gh_base(ctx)));
    json_set_str(a, app, "created_at", "2020-01-01T00:00:00Z");
    json_set_str(a, app, "updated_at", "2020-01-01T00:00:00Z");
    json_set(a, app, "permissions", json_object(a));
    json_set(a, app, "events", json_array(a));
    return app;
}

static json_value *suite_json(twin_ctx *ctx, const json_value *repo, const json_value *s)
{
    arena *a = ctx->a;
    json_value *o = json_clone(a, s);
    json_set_str(a, o, "url", arena_printf(a, "%s/check-suites/%s", gh_repo_url(ctx, repo), json_get(s, "id")->str));
    json_set_null(a, o, "before");
    json_set_null(a, o, "after");
    json_set(a, o, "pull_requests", json_array(a));
    json_set(a, o, "app", app_json(ctx));
    json_set(a, o, "repository", gh_repo_json(ctx, repo));
    json_set_str(a, o, "check_runs_url", arena_printf(a, "%s/check-suites/%s/check-runs", gh_repo_url(ctx, repo), json_get(s, "id")->str));
    json_value *hc = json_object(a);
    json_set_str(a, hc, "id", json_get_str(s, "head_sha"));
    json_set_str(a, hc, "tree_id", json_get_str(s, "head_sha"));
    json_set_str(a, hc, "message", "");
    json_set_str(a, hc, "timestamp", json_get_str(s, "created_at"));
    json_set_null(a, hc, "author");
    json_set_null(a, hc, "committer");
    json_set(a, o, "head_commit", hc);
    json_set_int(a, o, "latest_check_runs_count", 0);
    json_set_bool(a, o, "rerequestable", true);
    json_set_bool(a, o, "runs_rerequestable", true);
    return o;
}

static json_value *run_json(twin_ctx *ctx, const json_value *repo, const json_value *r)
{
    arena *a = ctx->a;
    json_value *o = json_clone(a, r);
    const char *id = json_get(r, "id")->str;
    json_set_str(a, o, "url", arena_printf(a, "%s/check-runs/%s", gh_repo_url(ctx, repo), id));
    json_set_str(a, o, "html_url", arena_printf(a, "%s/%s/runs/%s", gh_base(ctx), gh_repo_key(ctx, repo), id));
    json_set_str(a, o, "details_url", json_get_str(r, "details_url"));
    json_value *cs = json_object(a);
    json_set(a, cs, "id", json_clone(a, json_get(r, "suite_id")));
    json_set(a, o, "check_suite", cs);
    json_remove(o, "suite_id");
    json_set(a, o, "app", app_json(ctx));
    json_set(a, o, "pull_requests", json_array(a));
    if (!json_get(o, "output")) {
        json_value *out = json_object(a);
        json_set_null(a, out, "title");
        json_set_null(a, out, "summary");
        json_set_null(a, out, "text");
        json_set(a, o, "output", out);
    }
    json_value *out = json_get(o, "output");
    json_set_int(a, out, "annotations_count", 0);
    json_set_str(a, out, "annotations_url", arena_printf(a, "%s/check-runs/%s/annotations", gh_repo_url(ctx, repo), id));
    return o;
}

static void emit_check(twin_ctx *ctx, const json_value *repo, const json_value *run, const char *action)
{
    json_value *p = json_object(ctx->a);
    json_set_str(ctx->a, p, "action", action);
    json_set(ctx->a, p, "check_run", run_json(ctx, repo, run));
    gh_emit(ctx, repo, "check_run", p);
}

static void update_suite_status(twin_ctx *ctx, const json_value *repo, const char *sha)
{
    json_value *s = suite_for(ctx, repo, sha, false);
    if (!s) return;
    twin_list l = gh_list_repo(ctx, "check_runs", gh_repo_key(ctx, repo));
    bool all_done = true, fail = false, any = false;
    for (size_t i = 0; i < l.n; i++) {
        if (!str_eq(json_get_str(l.items[i], "head_sha"), sha)) continue;
        any = true;
        if (!str_eq(json_get_str(l.items[i], "status"), "completed")) all_done = false;
        const char *c = json_get_str(l.items[i], "conclusion");
        if (c && !str_eq(c, "success") && !str_eq(c, "neutral") && !str_eq(c, "skipped")) fail = true;
    }
    const char *before = json_get_str(s, "status");
    json_set_str(ctx->a, s, "status", !any ? "queued" : all_done ? "completed" : "in_progress");
    if (any && all_done) json_set_str(ctx->a, s, "conclusion", fail ? "failure" : "success");
    json_set_str(ctx->a, s, "updated_at", gh_now_iso(ctx));
    gh_save(ctx, "check_suites", json_get(s, "id")->str, s, gh_repo_key(ctx, repo));
    if (any && all_done && !str_eq(before, "completed")) {
        json_value *p = json_object(ctx->a);
        json_set_str(ctx->a, p, "action", "completed");
        json_set(ctx->a, p, "check_suite", suite_json(ctx, repo, s));
        gh_emit(ctx, repo, "check_suite", p);
    }
}

static bool apply_run_fields(twin_ctx *ctx, json_value *r)
{
    arena *a = ctx->a;
    const char *status = gh_str_arg(ctx, "status"), *conclusion = gh_str_arg(ctx, "conclusion");
    static const char *const statuses[] = {"queued", "in_progress", "completed", "waiting", "requested", "pending", NULL};
    static const char *const conclusions[] = {"action_required", "cancelled", "failure", "neutral", "success",
                                              "skipped", "stale", "timed_out", NULL};
    bool ok = !status;
    for (size_t i = 0; status && statuses[i]; i++) ok |= str_eq(status, statuses[i]);
    if (!ok) { gh_invalid(ctx, "CheckRun", "status", "invalid", NULL); return false; }
    ok = !conclusion;
    for (size_t i = 0; conclusion && conclusions[i]; i++) ok |= str_eq(conclusion, conclusions[i]);
    if (!ok) { gh_invalid(ctx, "CheckRun", "conclusion", "invalid", NULL); return false; }
    if (twin_input(ctx, "name") && gh_str_arg(ctx, "name")) json_set_str(a, r, "name", gh_str_arg(ctx, "name"));
    if (gh_str_arg(ctx, "details_url")) json_set_str(a, r, "details_url", gh_str_arg(ctx, "details_url"));
    if (gh_str_arg(ctx, "external_id")) json_set_str(a, r, "external_id", gh_str_arg(ctx, "external_id"));
    if (gh_str_arg(ctx, "started_at")) json_set_str(a, r, "started_at", gh_str_arg(ctx, "started_at"));
    if (status) json_set_str(a, r, "status", status);
    if (conclusion) {
        json_set_str(a, r, "conclusion", conclusion);
        json_set_str(a, r, "status", "completed");
    }
    if (str_eq(json_get_str(r, "status"), "completed")) {
        if (!json_get_str(r, "conclusion")) { gh_invalid(ctx, "CheckRun", "conclusion", "missing_field", NULL); return false; }
        const char *ca = gh_str_arg(ctx, "completed_at");
        json_set_str(a, r, "completed_at", ca ? ca : gh_now_iso(ctx));
    }
    json_value *output = twin_input(ctx, "output");
    if (output && output->type == JSON_OBJECT) {
        json_value *o = json_object(a);
        json_set_str(a, o, "title", json_get_str(output, "title"));
        json_set_str(a, o, "summary", json_get_str(output, "summary"));
        json_set_str(a, o, "text", json_get_str(output, "text"));
        json_set(a, r, "output", o);
    }
    return true;
}

void gh_create_check_run(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    arena *a = ctx->a;
    const char *key = gh_repo_key(ctx, repo), *name = gh_str_arg(ctx, "name"), *head = gh_str_arg(ctx, "head_sha");
    if (!name || !*name) return gh_invalid(ctx, "CheckRun", "name", "missing_field", NULL);
    if (!head) return gh_invalid(ctx, "CheckRun", "head_sha", "missing_field", NULL);
    const char *sha = gh_resolve(ctx, key, head);
    if (!sha) return gh_message(ctx, 422, "No commit found for SHA: " );
    json_value *suite = suite_for(ctx, repo, sha, true);
    json_value *r = json_object(a);
    int64_t id = gh_next_id(ctx);
    json_set_int(a, r, "id", id);
    json_set_str(a, r, "node_id", gh_node_id(ctx, "CR", id));
    json_set_str(a, r, "head_sha", sha);
    json_set_str(a, r, "external_id", "");
    json_set_null(a, r, "details_url");
    json_set_str(a, r, "status", "queued");
    json_set_null(a, r, "conclusion");
    json_set_str(a, r, "started_at", gh_now_iso(ctx));
    json_set_null(a, r, "completed_at");
    json_set_str(a, r, "name", name);
    json_set(a, r, "suite_id", json_clone(a, json_get(suite, "id")));
    if (!apply_run_fields(ctx, r)) return;
    gh_save(ctx, "check_runs", arena_printf(a, "%lld", (long long)id), r, key);
    emit_check(ctx, repo, r, "created");
    if (str_eq(json_get_str(r, "status"), "completed")) emit_check(ctx, repo, r, "completed");
    update_suite_status(ctx, repo, sha);
    gh_reply(ctx, 201, run_json(ctx, repo, r));
}

static json_value *load_run(twin_ctx *ctx, const json_value *repo)
{
    json_value *r = twin_doc_get(ctx, "check_runs", twin_param(ctx, "check_run_id"));
    (void)repo;
    if (!r) gh_not_found(ctx);
    return r;
}

void gh_update_check_run(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *r = repo ? load_run(ctx, repo) : NULL;
    if (!r) return;
    bool was_done = str_eq(json_get_str(r, "status"), "completed");
    if (!apply_run_fields(ctx, r)) return;
    gh_save(ctx, "check_runs", twin_param(ctx, "check_run_id"), r, gh_repo_key(ctx, repo));
    bool done = str_eq(json_get_str(r, "status"), "completed");
    emit_check(ctx, repo, r, done && !was_done ? "completed" : "created");
    update_suite_status(ctx, repo, json_get_str(r, "head_sha"));
    gh_reply(ctx, 200, run_json(ctx, repo, r));
}

void gh_get_check_run(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *r = repo ? load_run(ctx, repo) : NULL;
    if (r) gh_reply(ctx, 200, run_json(ctx, repo, r));
}

void gh_list_check_runs_for_ref(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    const char *key = gh_repo_key(ctx, repo), *sha = gh_resolve(ctx, key, twin_param(ctx, "ref"));
    const char *name = json_get_str(ctx->query, "check_name"), *status = json_get_str(ctx->query, "status");
    twin_list l = gh_list_repo(ctx, "check_runs", key);
    json_value *runs = json_array(ctx->a);
    for (size_t i = l.n; i-- > 0;) {
        json_value *r = l.items[i];
        if (!str_eq(json_get_str(r, "head_sha"), sha)) continue;
        if (name && !str_eq(name, json_get_str(r, "name"))) continue;
        if (status && !str_eq(status, json_get_str(r, "status"))) continue;
        json_push(runs, run_json(ctx, repo, r));
    }
    json_value *o = json_object(ctx->a);
    json_set_int(ctx->a, o, "total_count", runs->len);
    json_set(ctx->a, o, "check_runs", runs);
    gh_reply(ctx, 200, o);
}

void gh_create_check_suite(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    const char *head = gh_str_arg(ctx, "head_sha");
    const char *sha = head ? gh_resolve(ctx, gh_repo_key(ctx, repo), head) : NULL;
    if (!sha) return gh_invalid(ctx, "CheckSuite", "head_sha", head ? "invalid" : "missing_field", NULL);
    json_value *s = suite_for(ctx, repo, sha, false);
    bool existed = s != NULL;
    if (!s) s = suite_for(ctx, repo, sha, true);
    gh_reply(ctx, existed ? 200 : 201, suite_json(ctx, repo, s));
}

void gh_get_check_suite(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    json_value *s = twin_doc_get(ctx, "check_suites", twin_param(ctx, "check_suite_id"));
    if (!s) return gh_not_found(ctx);
    gh_reply(ctx, 200, suite_json(ctx, repo, s));
}

void gh_list_check_suites_for_ref(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    const char *sha = gh_resolve(ctx, gh_repo_key(ctx, repo), twin_param(ctx, "ref"));
    json_value *suites = json_array(ctx->a);
    json_value *s = sha ? suite_for(ctx, repo, sha, false) : NULL;
    if (s) json_push(suites, suite_json(ctx, repo, s));
    json_value *o = json_object(ctx->a);
    json_set_int(ctx->a, o, "total_count", suites->len);
    json_set(ctx->a, o, "check_suites", suites);
    gh_reply(ctx, 200, o);
}
