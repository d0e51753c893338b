/* GitHub twin: helpers shared by the resource files.
 *
 * State lives in the store, one collection per resource:
 *   accounts  login (lower-case) -> {login,id,name,email,type,created_at}
 *   repos     "owner/name" (lower-case) -> internal repo record
 *   commits   "<repo>@<sha>" -> {sha,message,parents[],files{path:content},author,...}
 *   refs      "<repo>:<ref>" -> {ref,sha}               (index repo)
 *   issues    "<repo>#<n>" -> issue (PRs too, with pull_request)  (index repo)
 *   pulls     "<repo>#<n>" -> pull request record         (index repo)
 *   comments, labels, hooks, statuses, check_runs, check_suites, reviews,
 *   review_comments: keyed by numeric id, index repo.
 *   releases, release_assets, release_bytes, release_latest: see releases.c.
 *   teams     "<org>/<slug>" (lower-case) -> team with members[] and repos[]  (index org)
 *   an org's members[], owners[] and invitations[] live on its account (orgs.c)
 * Objects are rendered on the way out with URLs built from the run's base
 * URL the way api.github.com builds them. */
#ifndef TWINS_GITHUB_H
#define TWINS_GITHUB_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/twin.h"

#define GH_DOCS "https://docs.github.com/rest"

typedef struct gh_req {
    const char *login;          /* authenticated user, NULL = anonymous */
    const char *scopes;         /* "repo, user" */
    const struct gh_need *need; /* what the route needs on its repository (gh_route_need), NULL for stubs */
    /* Read once per request for access checks, which ask about the same
     * repository's org again and again (access.c, teams.c): */
    const char *org_owner;      /* the owner org was looked up for */
    json_value *org;            /* its organization account, NULL when it is a user */
    const char *teams_org;      /* the org teams were listed for (NULL: none yet) */
    twin_list teams;            /* dropped whenever a team is written */
} gh_req;

/* ---- auth (auth.c) ---- */
bool gh_authenticate(twin_ctx *ctx, const twin_route *route);
void gh_send_error(twin_ctx *ctx, int status, const char *code, const char *message);
const char **gh_webhook_sign(arena *a, const char *secret, const char *payload, size_t len, int64_t t);
const char *gh_viewer(twin_ctx *ctx);     /* login of the authenticated user (NULL = anonymous) */
typedef struct gh_rate {
    int64_t limit, remaining, used, reset;  /* reset: unix seconds */
} gh_rate;
/* The core rate-limit window of a caller kind (authenticated or anonymous);
 * count adds the current request, else it is only read. */
gh_rate gh_core_rate(twin_ctx *ctx, bool authed, bool count);

/* ---- answers (common.c) ---- */
void gh_reply(twin_ctx *ctx, int status, const json_value *body);
void gh_message(twin_ctx *ctx, int status, const char *message);
void gh_not_found(twin_ctx *ctx);
/* 422 Validation Failed with one error {resource, field, code[, message]}. */
void gh_invalid(twin_ctx *ctx, const char *resource, const char *field, const char *code, const char *message);
/* Pages an array by page/per_page, adds the Link header, answers. */
void gh_send_page(twin_ctx *ctx, json_value *items);
/* Maps each document of l through to_json and answers the result as a page. */
typedef json_value *(*gh_doc_json_fn)(twin_ctx *ctx, const json_value *repo, const json_value *doc);
void gh_send_list(twin_ctx *ctx, const json_value *repo, twin_list l, gh_doc_json_fn to_json);

const char *gh_base(twin_ctx *ctx);
const char *gh_repo_url(twin_ctx *ctx, const json_value *repo);   /* ".../repos/owner/name" */
const char *gh_repo_html(twin_ctx *ctx, const json_value *repo);  /* ".../owner/name" */
const char *gh_iso(twin_ctx *ctx, int64_t t);
const char *gh_now_iso(twin_ctx *ctx);
int64_t gh_next_id(twin_ctx *ctx);           /* numeric ids, one sequence */
const char *gh_node_id(twin_ctx *ctx, const char *kind, int64_t id);
char *gh_lower(arena *a, const char *s);
const char *gh_str_arg(twin_ctx *ctx, const char *name);  /* body/query string member or NULL */
bool gh_bool_arg(twin_ctx *ctx, const char *name, bool dflt);

/* ---- accounts and repos (repos.c) ---- */
json_value *gh_account_get(twin_ctx *ctx, const char *login);
json_value *gh_account_create(twin_ctx *ctx, const char *login, const char *name, const char *email, bool org);
json_value *gh_user_json(twin_ctx *ctx, const char *login);   /* simple-user object */
json_value *gh_org_get(twin_ctx *ctx, const char *login);     /* the organization's account or NULL */
json_value *gh_org_json(twin_ctx *ctx, const json_value *org); /* organization-full object */
json_value *gh_org_load(twin_ctx *ctx);   /* the route's {org}; answers 404 and returns NULL when there is none */
json_value *gh_repo_get(twin_ctx *ctx, const char *owner, const char *name);
/* Loads the route's {owner}/{repo} (access.c); answers 404 and returns NULL when absent or
 * invisible to the caller, GitHub's 403/404 when the route needs a role the caller lacks. */
json_value *gh_repo_load(twin_ctx *ctx);
const char *gh_repo_key(twin_ctx *ctx, const json_value *repo);  /* "owner/name" lower-case */
json_value *gh_repo_json(twin_ctx *ctx, const json_value *repo);
void gh_repo_touch(twin_ctx *ctx, json_value *repo, bool pushed);
json_value *gh_repo_create(twin_ctx *ctx, const char *owner, const char *name, const char *description,
                           bool priv, const char *default_branch, bool auto_init);
void gh_save(twin_ctx *ctx, const char *collection, const char *id, const json_value *doc, const char *repo_key);
/* Documents of a collection for one repo (index "repo"), in insertion order. */
twin_list gh_list_repo(twin_ctx *ctx, const char *collection, const char *repo_key);
/* The same, keeping documents whose member field equals value (the comments of one issue, ...). */
twin_list gh_list_repo_where(twin_ctx *ctx, const char *collection, const char *repo_key, const char *field,
                            const json_value *value);

/* ---- repository access (access.c) ---- */
typedef enum { GH_NONE, GH_PULL, GH_TRIAGE, GH_PUSH, GH_MAINTAIN, GH_ADMIN } gh_level;
/* How GitHub refuses a caller below a route's role: 404 as if the repository
 * were not there, or 403 with one of two messages. */
typedef enum { GH_DENY_NOT_FOUND, GH_DENY_ADMIN, GH_DENY_PUSH_COLLABORATORS } gh_deny;
typedef struct gh_need {
    gh_level level;             /* GH_NONE: seeing the repository is enough */
    gh_deny deny;
} gh_need;
/* The need declared with the route in twin.c's table; route is one of its
 * routes, or NULL (stubs: NULL). */
const gh_need *gh_route_need(const twin_route *route);
gh_level gh_level_parse(const char *s);          /* "push" or "write" -> GH_PUSH; unknown -> GH_NONE */
const char *gh_role_name(gh_level l);            /* read/triage/write/maintain/admin */
const char *gh_role_key(gh_level l);             /* pull/triage/push/maintain/admin */
/* login's role on repo, public read access included (NULL login = anonymous). */
gh_level gh_access_level(twin_ctx *ctx, const json_value *repo, const char *login);
json_value *gh_permissions_json(twin_ctx *ctx, gh_level l);   /* {admin,maintain,push,triage,pull} */
json_value *gh_with_role(twin_ctx *ctx, json_value *o, gh_level l);  /* sets o's permissions and role_name */
bool gh_org_member(const json_value *org, const char *login);  /* owners are members too */
bool gh_org_owner(const json_value *org, const char *login);
/* Files an invitation for invitee to the repository (created_at NULL: now). */
json_value *gh_invitation_add(twin_ctx *ctx, const char *repo_key, const char *invitee, const char *inviter,
                              gh_level l, const char *created_at);
/* The author or triage and up may edit an issue, pull or comment; else answers 403 (hide: 404). */
bool gh_may_edit(twin_ctx *ctx, const json_value *repo, const char *author, bool hide);

/* ---- git (git.c) ---- */
const char *gh_ref_sha(twin_ctx *ctx, const char *repo_key, const char *ref);   /* "refs/heads/x" */
void gh_ref_set(twin_ctx *ctx, const char *repo_key, const char *ref, const char *sha);
json_value *gh_commit_get(twin_ctx *ctx, const char *repo_key, const char *sha);
/* Resolves a branch name, tag, full ref or sha to a commit sha; NULL when unknown. */
const char *gh_resolve(twin_ctx *ctx, const char *repo_key, const char *ref);
/* Creates a commit with files (object path -> content; JSON null deletes) on top of parent. */
json_value *gh_commit_create(twin_ctx *ctx, const char *repo_key, const char *parent, const char *parent2,
                             const json_value *changes, const char *message, const char *author_login);
json_value *gh_commit_json(twin_ctx *ctx, const json_value *repo, const json_value *commit);
/* Push event for a ref moving from before to after. */
void gh_emit_push(twin_ctx *ctx, const json_value *repo, const char *ref, const char *before, const char *after);

/* ---- issues/pulls (issues.c, pulls.c) ---- */
json_value *gh_issue_create(twin_ctx *ctx, json_value *repo, const char *title, const char *body, const char *user,
                            const json_value *labels, const json_value *assignees, bool is_pull);
json_value *gh_issue_json(twin_ctx *ctx, const json_value *repo, const json_value *issue);
json_value *gh_pull_create(twin_ctx *ctx, json_value *repo, const char *title, const char *body, const char *user,
                           const char *head, const char *base, bool draft);
bool gh_pull_merge(twin_ctx *ctx, json_value *repo, json_value *pr, const char *title, const char *message,
                   const char *method, const char *merger);
json_value *gh_label_ensure(twin_ctx *ctx, const json_value *repo, const char *name);
json_value *gh_label_json(twin_ctx *ctx, const json_value *repo, const json_value *label);

/* ---- teams (teams.c) ---- */
/* The best role login holds on the repository through the org's teams it is an active member of
 * (a child team's members hold its ancestors' roles too). */
gh_level gh_team_level(twin_ctx *ctx, const json_value *org, const char *repo_key, const char *login);
json_value *gh_team_find(twin_ctx *ctx, const char *org, const char *slug);
json_value *gh_team_by_id(twin_ctx *ctx, const char *org, int64_t id);
/* The role a team (or an ancestor) holds on the repository; GH_NONE without one. */
gh_level gh_team_repo_level(twin_ctx *ctx, const json_value *team, const char *repo_key);
json_value *gh_team_json(twin_ctx *ctx, const json_value *team);   /* "team": team-simple + parent */
/* Seeds one org's teams (after its repositories exist); -1 with *error on bad input. */
int gh_teams_seed(twin_ctx *ctx, const json_value *org, const json_value *teams, int64_t *count, const char **error);

/* What org membership changes do to the org's teams (orgs.c): login leaves them all; login's
 * pending memberships become active; how many of them are pending. */
void gh_teams_drop_member(twin_ctx *ctx, const char *org, const char *login);
void gh_teams_activate(twin_ctx *ctx, const char *org, const char *login);
int64_t gh_teams_pending(twin_ctx *ctx, const char *org, const char *login);

/* ---- organization membership (orgs.c) ---- */
/* Invites login to the org (or changes the role of their open invitation) and saves the org. */
json_value *gh_org_invite(twin_ctx *ctx, json_value *org, const char *login, bool admin, const char *inviter);

/* ---- webhooks (hooks.c) ---- */
void gh_emit(twin_ctx *ctx, const json_value *repo, const char *event, json_value *payload);

/* ---- seeding (seed.c) ---- */
int gh_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error);

/* ---- handlers ---- */
#define GH_HANDLERS(X) \
    X(get_viewer) X(patch_viewer) X(get_user) X(get_org) \
    X(create_user_repo) X(create_org_repo) X(get_repo) X(update_repo) X(delete_repo) \
    X(list_viewer_repos) X(list_user_repos) X(list_org_repos) \
    X(list_branches) X(get_branch) X(get_contents) X(put_contents) X(delete_contents) \
    X(list_commits) X(get_commit) X(list_refs) X(list_matching_refs) X(get_ref) X(create_ref) X(update_ref) X(delete_ref) \
    X(get_git_commit) \
    X(list_issues) X(create_issue) X(get_issue) X(update_issue) \
    X(list_issue_comments) X(create_issue_comment) X(get_issue_comment) X(update_issue_comment) X(delete_issue_comment) \
    X(list_labels) X(create_label) X(get_label) X(update_label) X(delete_label) \
    X(list_issue_labels) X(add_issue_labels) X(set_issue_labels) X(remove_issue_label) X(remove_issue_labels) \
    X(list_pulls) X(create_pull) X(get_pull) X(update_pull) X(merge_pull) X(check_merged) \
    X(list_pull_files) \
    X(request_reviewers) X(list_requested_reviewers) X(remove_requested_reviewers) \
    X(list_reviews) X(create_review) \
    X(create_status) X(list_statuses) X(combined_status) \
    X(create_check_run) X(update_check_run) X(get_check_run) X(list_check_runs_for_ref) \
    X(create_check_suite) X(get_check_suite) X(list_check_suites_for_ref) \
    X(list_hooks) X(create_hook) X(get_hook) X(update_hook) X(delete_hook) X(ping_hook) \
    X(list_releases) X(create_release) X(get_release) X(get_release_by_tag) X(get_latest_release) \
    X(update_release) X(delete_release) X(generate_release_notes) \
    X(list_release_assets) X(upload_release_asset) X(get_release_asset) X(update_release_asset) \
    X(delete_release_asset) X(browser_download_asset) X(asset_storage) \
    X(list_collaborators) X(check_collaborator) X(add_collaborator) X(remove_collaborator) \
    X(collaborator_permission) X(list_repo_invitations) X(update_repo_invitation) X(delete_repo_invitation) \
    X(list_viewer_invitations) X(accept_invitation) X(decline_invitation) \
    X(list_teams) X(create_team) X(get_team) X(update_team) X(delete_team) \
    X(get_team_membership) X(set_team_membership) X(remove_team_membership) X(list_team_members) \
    X(list_team_repos) X(check_team_repo) X(set_team_repo) X(remove_team_repo) \
    X(list_repo_teams) X(list_viewer_teams) \
    X(list_org_members) X(check_org_member) X(remove_org_member) X(list_public_members) X(check_public_member) \
    X(get_org_membership) X(set_org_membership) X(remove_org_membership) X(list_org_invitations) \
    X(list_viewer_org_memberships) X(get_viewer_org_membership) X(update_viewer_org_membership) \
    X(rate_limit)
#define GH_DECLARE(n) void gh_##n(twin_ctx *ctx);
GH_HANDLERS(GH_DECLARE)
#undef GH_DECLARE

#endif
