/* GitHub twin: catalog declaration and route table.  Each route names the
 * OAuth scope GitHub requires for it (checked in auth.c; NULL = public read:
 * no token needed, private repositories stay hidden) and the role it needs
 * on the repository (checked in access.c). */
#include "engine/env.h"
#include "engine/seed_schema.h"
#include "engine/twin.h"
#include "twins/github/github.h"

static const char *const hosts[] = {"api.github.com", "github.com", "uploads.github.com", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "GITHUB_API_URL", "");
    env_set(a, out, "GITHUB_TOKEN", env_token(e, a, "github", "ghp_", 36));
    env_set(a, out, "GITHUB_WEBHOOK_SECRET",
            env_config_str(e, "webhook_secret", env_token(e, a, "github-webhook", "", 32)));
}

/* One line per route: method, path, handler (gh_<name>), the OAuth scope
 * GitHub requires (auth.c; NULL = public read) and what it needs on the
 * repository the path names (checked by gh_repo_load, access.c):
 *   VISIBLE       any role, or a public repository; 404 to everybody else
 *   TRIAGE/WRITE  triage / push; 404 below it, as GitHub hides the write
 *   ADMIN         admin; 403 "Must have admin rights to Repository." below it
 *   ADMIN_HIDDEN  admin; 404 below it (webhooks)
 *   WRITE_COLLAB  push; 403 "Must have push access to view repository collaborators." */
#define VISIBLE {GH_NONE, GH_DENY_NOT_FOUND}
#define TRIAGE {GH_TRIAGE, GH_DENY_NOT_FOUND}
#define WRITE {GH_PUSH, GH_DENY_NOT_FOUND}
#define ADMIN {GH_ADMIN, GH_DENY_ADMIN}
#define ADMIN_HIDDEN {GH_ADMIN, GH_DENY_NOT_FOUND}
#define WRITE_COLLAB {GH_PUSH, GH_DENY_PUSH_COLLABORATORS}
#define R "/repos/{owner}/{repo}"
#define GH_ROUTES(X) \
    X("GET", "/user", get_viewer, "read:user", VISIBLE) \
    X("PATCH", "/user", patch_viewer, "user", VISIBLE) \
    X("GET", "/users/{username}", get_user, NULL, VISIBLE) \
    X("GET", "/orgs/{org}", get_org, NULL, VISIBLE) \
    X("GET", "/rate_limit", rate_limit, NULL, VISIBLE) \
    X("POST", "/user/repos", create_user_repo, "repo", VISIBLE) \
    X("POST", "/orgs/{org}/repos", create_org_repo, "repo", VISIBLE) \
    X("GET", "/user/repos", list_viewer_repos, "repo", VISIBLE) \
    X("GET", "/users/{username}/repos", list_user_repos, NULL, VISIBLE) \
    X("GET", "/orgs/{org}/repos", list_org_repos, NULL, VISIBLE) \
    X("GET", R, get_repo, NULL, VISIBLE) \
    X("PATCH", R, update_repo, "repo", ADMIN) \
    X("DELETE", R, delete_repo, "delete_repo", ADMIN) \
    /* collaborators and invitations (access.c) */ \
    X("GET", R "/collaborators", list_collaborators, "repo", WRITE_COLLAB) \
    X("GET", R "/collaborators/{username}", check_collaborator, "repo", WRITE_COLLAB) \
    X("PUT", R "/collaborators/{username}", add_collaborator, "repo", ADMIN) \
    X("DELETE", R "/collaborators/{username}", remove_collaborator, "repo", VISIBLE) \
    X("GET", R "/collaborators/{username}/permission", collaborator_permission, "repo", WRITE_COLLAB) \
    X("GET", R "/invitations", list_repo_invitations, "repo", ADMIN) \
    X("PATCH", R "/invitations/{invitation_id}", update_repo_invitation, "repo", ADMIN) \
    X("DELETE", R "/invitations/{invitation_id}", delete_repo_invitation, "repo", ADMIN) \
    X("GET", "/user/repository_invitations", list_viewer_invitations, "repo:invite", VISIBLE) \
    X("PATCH", "/user/repository_invitations/{invitation_id}", accept_invitation, "repo:invite", VISIBLE) \
    X("DELETE", "/user/repository_invitations/{invitation_id}", decline_invitation, "repo:invite", VISIBLE) \
    /* teams (teams.c) */ \
    X("GET", "/orgs/{org}/teams", list_teams, "read:org", VISIBLE) \
    X("POST", "/orgs/{org}/teams", create_team, "admin:org", VISIBLE) \
    X("GET", "/orgs/{org}/teams/{team_slug}", get_team, "read:org", VISIBLE) \
    X("PATCH", "/orgs/{org}/teams/{team_slug}", update_team, "admin:org", VISIBLE) \
    X("DELETE", "/orgs/{org}/teams/{team_slug}", delete_team, "admin:org", VISIBLE) \
    X("GET", "/orgs/{org}/teams/{team_slug}/members", list_team_members, "read:org", VISIBLE) \
    X("GET", "/orgs/{org}/teams/{team_slug}/memberships/{username}", get_team_membership, "read:org", VISIBLE) \
    X("PUT", "/orgs/{org}/teams/{team_slug}/memberships/{username}", set_team_membership, "admin:org", VISIBLE) \
    X("DELETE", "/orgs/{org}/teams/{team_slug}/memberships/{username}", remove_team_membership, "admin:org", VISIBLE) \
    X("GET", "/orgs/{org}/teams/{team_slug}/repos", list_team_repos, "read:org", VISIBLE) \
    X("GET", "/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}", check_team_repo, "read:org", VISIBLE) \
    X("PUT", "/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}", set_team_repo, "admin:org", VISIBLE) \
    X("DELETE", "/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}", remove_team_repo, "admin:org", VISIBLE) \
    X("GET", R "/teams", list_repo_teams, NULL, VISIBLE) \
    X("GET", "/user/teams", list_viewer_teams, "read:org", VISIBLE) \
    /* organization membership (orgs.c) */ \
    X("GET", "/orgs/{org}/members", list_org_members, "read:org", VISIBLE) \
    X("GET", "/orgs/{org}/members/{username}", check_org_member, "read:org", VISIBLE) \
    X("DELETE", "/orgs/{org}/members/{username}", remove_org_member, "admin:org", VISIBLE) \
    X("GET", "/orgs/{org}/public_members", list_public_members, NULL, VISIBLE) \
    X("GET", "/orgs/{org}/public_members/{username}", check_public_member, NULL, VISIBLE) \
    X("GET", "/orgs/{org}/memberships/{username}", get_org_membership, "read:org", VISIBLE) \
    X("PUT", "/orgs/{org}/memberships/{username}", set_org_membership, "admin:org", VISIBLE) \
    X("DELETE", "/orgs/{org}/memberships/{username}", remove_org_membership, "admin:org", VISIBLE) \
    X("GET", "/orgs/{org}/invitations", list_org_invitations, "read:org", VISIBLE) \
    X("GET", "/user/memberships/orgs", list_viewer_org_memberships, "read:org", VISIBLE) \
    X("GET", "/user/memberships/orgs/{org}", get_viewer_org_membership, "read:org", VISIBLE) \
    X("PATCH", "/user/memberships/orgs/{org}", update_viewer_org_membership, "admin:org", VISIBLE) \
    /* git data */ \
    X("GET", R "/branches", list_branches, NULL, VISIBLE) \
    X("GET", R "/branches/{branch}", get_branch, NULL, VISIBLE) \
    X("GET", R "/contents", get_contents, NULL, VISIBLE) \
    X("GET", R "/contents/{path}", get_contents, NULL, VISIBLE) \
    X("PUT", R "/contents/{path}", put_contents, "repo", WRITE) \
    X("DELETE", R "/contents/{path}", delete_contents, "repo", WRITE) \
    X("GET", R "/contents/{path+}", get_contents, NULL, VISIBLE) \
    X("PUT", R "/contents/{path+}", put_contents, "repo", WRITE) \
    X("DELETE", R "/contents/{path+}", delete_contents, "repo", WRITE) \
    X("GET", R "/commits", list_commits, NULL, VISIBLE) \
    X("GET", R "/commits/{ref}", get_commit, NULL, VISIBLE) \
    X("GET", R "/git/commits/{commit_sha}", get_git_commit, NULL, VISIBLE) \
    X("GET", R "/git/refs", list_refs, NULL, VISIBLE) \
    X("GET", R "/git/refs/{ref}", list_refs, NULL, VISIBLE) \
    X("GET", R "/git/matching-refs/{ref}", list_matching_refs, NULL, VISIBLE) \
    X("GET", R "/git/ref/{ref}", get_ref, NULL, VISIBLE) \
    X("PATCH", R "/git/refs/{ref}", update_ref, "repo", WRITE) \
    X("DELETE", R "/git/refs/{ref}", delete_ref, "repo", WRITE) \
    X("GET", R "/git/matching-refs/{ref+}", list_matching_refs, NULL, VISIBLE) \
    X("GET", R "/git/ref/{ref+}", get_ref, NULL, VISIBLE) \
    X("POST", R "/git/refs", create_ref, "repo", WRITE) \
    X("PATCH", R "/git/refs/{ref+}", update_ref, "repo", WRITE) \
    X("DELETE", R "/git/refs/{ref+}", delete_ref, "repo", WRITE) \
    /* issues */ \
    X("GET", R "/issues", list_issues, NULL, VISIBLE) \
    X("POST", R "/issues", create_issue, "repo", VISIBLE) \
    X("GET", R "/issues/{issue_number}", get_issue, NULL, VISIBLE) \
    X("PATCH", R "/issues/{issue_number}", update_issue, "repo", VISIBLE) \
    X("GET", R "/issues/{issue_number}/comments", list_issue_comments, NULL, VISIBLE) \
    X("POST", R "/issues/{issue_number}/comments", create_issue_comment, "repo", VISIBLE) \
    X("GET", R "/issues/comments/{comment_id}", get_issue_comment, NULL, VISIBLE) \
    X("PATCH", R "/issues/comments/{comment_id}", update_issue_comment, "repo", VISIBLE) \
    X("DELETE", R "/issues/comments/{comment_id}", delete_issue_comment, "repo", VISIBLE) \
    X("GET", R "/labels", list_labels, NULL, VISIBLE) \
    X("POST", R "/labels", create_label, "repo", WRITE) \
    X("GET", R "/labels/{name}", get_label, NULL, VISIBLE) \
    X("PATCH", R "/labels/{name}", update_label, "repo", WRITE) \
    X("DELETE", R "/labels/{name}", delete_label, "repo", WRITE) \
    X("GET", R "/issues/{issue_number}/labels", list_issue_labels, NULL, VISIBLE) \
    X("POST", R "/issues/{issue_number}/labels", add_issue_labels, "repo", TRIAGE) \
    X("PUT", R "/issues/{issue_number}/labels", set_issue_labels, "repo", TRIAGE) \
    X("DELETE", R "/issues/{issue_number}/labels", remove_issue_labels, "repo", TRIAGE) \
    X("DELETE", R "/issues/{issue_number}/labels/{name}", remove_issue_label, "repo", TRIAGE) \
    /* pulls */ \
    X("GET", R "/pulls", list_pulls, NULL, VISIBLE) \
    X("POST", R "/pulls", create_pull, "repo", VISIBLE) \
    X("GET", R "/pulls/{pull_number}", get_pull, NULL, VISIBLE) \
    X("PATCH", R "/pulls/{pull_number}", update_pull, "repo", VISIBLE) \
    X("PUT", R "/pulls/{pull_number}/merge", merge_pull, "repo", WRITE) \
    X("GET", R "/pulls/{pull_number}/merge", check_merged, NULL, VISIBLE) \
    X("GET", R "/pulls/{pull_number}/files", list_pull_files, NULL, VISIBLE) \
    X("POST", R "/pulls/{pull_number}/requested_reviewers", request_reviewers, "repo", TRIAGE) \
    X("GET", R "/pulls/{pull_number}/requested_reviewers", list_requested_reviewers, NULL, VISIBLE) \
    X("DELETE", R "/pulls/{pull_number}/requested_reviewers", remove_requested_reviewers, "repo", TRIAGE) \
    X("GET", R "/pulls/{pull_number}/reviews", list_reviews, NULL, VISIBLE) \
    X("POST", R "/pulls/{pull_number}/reviews", create_review, "repo", VISIBLE) \
    /* statuses and checks */ \
    X("POST", R "/statuses/{sha}", create_status, "repo:status", WRITE) \
    X("GET", R "/commits/{ref}/statuses", list_statuses, NULL, VISIBLE) \
    X("GET", R "/commits/{ref}/status", combined_status, NULL, VISIBLE) \
    X("POST", R "/check-runs", create_check_run, "repo", WRITE) \
    X("PATCH", R "/check-runs/{check_run_id}", update_check_run, "repo", WRITE) \
    X("GET", R "/check-runs/{check_run_id}", get_check_run, NULL, VISIBLE) \
    X("GET", R "/commits/{ref}/check-runs", list_check_runs_for_ref, NULL, VISIBLE) \
    X("POST", R "/check-suites", create_check_suite, "repo", WRITE) \
    X("GET", R "/check-suites/{check_suite_id}", get_check_suite, NULL, VISIBLE) \
    X("GET", R "/commits/{ref}/check-suites", list_check_suites_for_ref, NULL, VISIBLE) \
    /* webhooks */ \
    X("GET", R "/hooks", list_hooks, "read:repo_hook", ADMIN_HIDDEN) \
    X("POST", R "/hooks", create_hook, "write:repo_hook", ADMIN_HIDDEN) \
    X("GET", R "/hooks/{hook_id}", get_hook, "read:repo_hook", ADMIN_HIDDEN) \
    X("PATCH", R "/hooks/{hook_id}", update_hook, "write:repo_hook", ADMIN_HIDDEN) \
    X("DELETE", R "/hooks/{hook_id}", delete_hook, "admin:repo_hook", ADMIN_HIDDEN) \
    X("POST", R "/hooks/{hook_id}/pings", ping_hook, "read:repo_hook", ADMIN_HIDDEN) \
    /* releases; uploads come to this origin too (the upload_url the twin hands out) */ \
    X("GET", R "/releases", list_releases, NULL, VISIBLE) \
    X("POST", R "/releases", create_release, "repo", WRITE) \
    X("POST", R "/releases/generate-notes", generate_release_notes, "repo", WRITE) \
    X("GET", R "/releases/latest", get_latest_release, NULL, VISIBLE) \
    X("GET", R "/releases/tags/{tag}", get_release_by_tag, NULL, VISIBLE) \
    X("GET", R "/releases/{release_id}", get_release, NULL, VISIBLE) \
    X("PATCH", R "/releases/{release_id}", update_release, "repo", WRITE) \
    X("DELETE", R "/releases/{release_id}", delete_release, "repo", WRITE) \
    X("GET", R "/releases/{release_id}/assets", list_release_assets, NULL, VISIBLE) \
    X("POST", R "/releases/{release_id}/assets", upload_release_asset, "repo", WRITE) \
    X("GET", R "/releases/assets/{asset_id}", get_release_asset, NULL, VISIBLE) \
    X("PATCH", R "/releases/assets/{asset_id}", update_release_asset, "repo", WRITE) \
    X("DELETE", R "/releases/assets/{asset_id}", delete_release_asset, "repo", WRITE) \
    /* github.com's download link and the storage it redirects to (objects.githubusercontent.com) */ \
    X("GET", "/{owner}/{repo}/releases/download/{tag}/{name}", browser_download_asset, NULL, VISIBLE) \
    X("GET", "/github-production-release-asset/{asset_id}/{sig}", asset_storage, "public", VISIBLE)

#define AS_ROUTE(method, path, name, scope, need) {method, path, gh_##name, scope},
#define AS_NEED(method, path, name, scope, need) need,
static const twin_route routes[] = {GH_ROUTES(AS_ROUTE)};
/* The engine's route struct has no room for it: indexed like routes. */
static const gh_need needs[] = {GH_ROUTES(AS_NEED)};
#undef AS_ROUTE
#undef AS_NEED
#undef R
#undef VISIBLE
#undef TRIAGE
#undef WRITE
#undef ADMIN
#undef ADMIN_HIDDEN
#undef WRITE_COLLAB

const gh_need *gh_route_need(const twin_route *route)
{
    return route ? &needs[route - routes] : NULL;
}

const twin_def twin_github = {
    .name = "github",
    .label = "GitHub",
    .frontend = true,
    .show_in_ui = true,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .seed_schema = seed_schema_github,
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .spec_name = "github",
    .authenticate = gh_authenticate,
    .send_error = gh_send_error,
    .seed = gh_seed,
    .webhook_sign = gh_webhook_sign,
};
