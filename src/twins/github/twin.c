/* GitHub twin: catalog declaration and route table.  Each route names the
 * OAuth scope GitHub requires for it (checked in auth.c); NULL = public read
 * (no token needed, private repositories stay hidden). */
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

#define R "/repos/{owner}/{repo}"
static const twin_route routes[] = {
    {"GET", "/user", gh_get_viewer, "read:user"},
    {"PATCH", "/user", gh_patch_viewer, "user"},
    {"GET", "/users/{username}", gh_get_user, NULL},
    {"GET", "/orgs/{org}", gh_get_org, NULL},
    {"GET", "/rate_limit", gh_rate_limit, NULL},
    {"POST", "/user/repos", gh_create_user_repo, "repo"},
    {"POST", "/orgs/{org}/repos", gh_create_org_repo, "repo"},
    {"GET", "/user/repos", gh_list_viewer_repos, "repo"},
    {"GET", "/users/{username}/repos", gh_list_user_repos, NULL},
    {"GET", "/orgs/{org}/repos", gh_list_org_repos, NULL},
    {"GET", R, gh_get_repo, NULL},
    {"PATCH", R, gh_update_repo, "repo"},
    {"DELETE", R, gh_delete_repo, "delete_repo"},
    /* collaborators and invitations (access.c) */
    {"GET", R "/collaborators", gh_list_collaborators, "repo"},
    {"GET", R "/collaborators/{username}", gh_check_collaborator, "repo"},
    {"PUT", R "/collaborators/{username}", gh_add_collaborator, "repo"},
    {"DELETE", R "/collaborators/{username}", gh_remove_collaborator, "repo"},
    {"GET", R "/collaborators/{username}/permission", gh_collaborator_permission, "repo"},
    {"GET", R "/invitations", gh_list_repo_invitations, "repo"},
    {"PATCH", R "/invitations/{invitation_id}", gh_update_repo_invitation, "repo"},
    {"DELETE", R "/invitations/{invitation_id}", gh_delete_repo_invitation, "repo"},
    {"GET", "/user/repository_invitations", gh_list_viewer_invitations, "repo:invite"},
    {"PATCH", "/user/repository_invitations/{invitation_id}", gh_accept_invitation, "repo:invite"},
    {"DELETE", "/user/repository_invitations/{invitation_id}", gh_decline_invitation, "repo:invite"},
    /* git data */
    {"GET", R "/branches", gh_list_branches, NULL},
    {"GET", R "/branches/{branch}", gh_get_branch, NULL},
    {"GET", R "/contents", gh_get_contents, NULL},
    {"GET", R "/contents/{path}", gh_get_contents, NULL},
    {"PUT", R "/contents/{path}", gh_put_contents, "repo"},
    {"DELETE", R "/contents/{path}", gh_delete_contents, "repo"},
    {"GET", R "/contents/{path+}", gh_get_contents, NULL},
    {"PUT", R "/contents/{path+}", gh_put_contents, "repo"},
    {"DELETE", R "/contents/{path+}", gh_delete_contents, "repo"},
    {"GET", R "/commits", gh_list_commits, NULL},
    {"GET", R "/commits/{ref}", gh_get_commit, NULL},
    {"GET", R "/git/commits/{commit_sha}", gh_get_git_commit, NULL},
    {"GET", R "/git/refs", gh_list_refs, NULL},
    {"GET", R "/git/refs/{ref}", gh_list_refs, NULL},
    {"GET", R "/git/matching-refs/{ref}", gh_list_matching_refs, NULL},
    {"GET", R "/git/ref/{ref}", gh_get_ref, NULL},
    {"PATCH", R "/git/refs/{ref}", gh_update_ref, "repo"},
    {"DELETE", R "/git/refs/{ref}", gh_delete_ref, "repo"},
    {"GET", R "/git/matching-refs/{ref+}", gh_list_matching_refs, NULL},
    {"GET", R "/git/ref/{ref+}", gh_get_ref, NULL},
    {"POST", R "/git/refs", gh_create_ref, "repo"},
    {"PATCH", R "/git/refs/{ref+}", gh_update_ref, "repo"},
    {"DELETE", R "/git/refs/{ref+}", gh_delete_ref, "repo"},
    /* issues */
    {"GET", R "/issues", gh_list_issues, NULL},
    {"POST", R "/issues", gh_create_issue, "repo"},
    {"GET", R "/issues/{issue_number}", gh_get_issue, NULL},
    {"PATCH", R "/issues/{issue_number}", gh_update_issue, "repo"},
    {"GET", R "/issues/{issue_number}/comments", gh_list_issue_comments, NULL},
    {"POST", R "/issues/{issue_number}/comments", gh_create_issue_comment, "repo"},
    {"GET", R "/issues/comments/{comment_id}", gh_get_issue_comment, NULL},
    {"PATCH", R "/issues/comments/{comment_id}", gh_update_issue_comment, "repo"},
    {"DELETE", R "/issues/comments/{comment_id}", gh_delete_issue_comment, "repo"},
    {"GET", R "/labels", gh_list_labels, NULL},
    {"POST", R "/labels", gh_create_label, "repo"},
    {"GET", R "/labels/{name}", gh_get_label, NULL},
    {"PATCH", R "/labels/{name}", gh_update_label, "repo"},
    {"DELETE", R "/labels/{name}", gh_delete_label, "repo"},
    {"GET", R "/issues/{issue_number}/labels", gh_list_issue_labels, NULL},
    {"POST", R "/issues/{issue_number}/labels", gh_add_issue_labels, "repo"},
    {"PUT", R "/issues/{issue_number}/labels", gh_set_issue_labels, "repo"},
    {"DELETE", R "/issues/{issue_number}/labels", gh_remove_issue_labels, "repo"},
    {"DELETE", R "/issues/{issue_number}/labels/{name}", gh_remove_issue_label, "repo"},
    /* pulls */
    {"GET", R "/pulls", gh_list_pulls, NULL},
    {"POST", R "/pulls", gh_create_pull, "repo"},
    {"GET", R "/pulls/{pull_number}", gh_get_pull, NULL},
    {"PATCH", R "/pulls/{pull_number}", gh_update_pull, "repo"},
    {"PUT", R "/pulls/{pull_number}/merge", gh_merge_pull, "repo"},
    {"GET", R "/pulls/{pull_number}/merge", gh_check_merged, NULL},
    {"GET", R "/pulls/{pull_number}/files", gh_list_pull_files, NULL},
    {"POST", R "/pulls/{pull_number}/requested_reviewers", gh_request_reviewers, "repo"},
    {"GET", R "/pulls/{pull_number}/requested_reviewers", gh_list_requested_reviewers, NULL},
    {"DELETE", R "/pulls/{pull_number}/requested_reviewers", gh_remove_requested_reviewers, "repo"},
    {"GET", R "/pulls/{pull_number}/reviews", gh_list_reviews, NULL},
    {"POST", R "/pulls/{pull_number}/reviews", gh_create_review, "repo"},
    /* statuses and checks */
    {"POST", R "/statuses/{sha}", gh_create_status, "repo:status"},
    {"GET", R "/commits/{ref}/statuses", gh_list_statuses, NULL},
    {"GET", R "/commits/{ref}/status", gh_combined_status, NULL},
    {"POST", R "/check-runs", gh_create_check_run, "repo"},
    {"PATCH", R "/check-runs/{check_run_id}", gh_update_check_run, "repo"},
    {"GET", R "/check-runs/{check_run_id}", gh_get_check_run, NULL},
    {"GET", R "/commits/{ref}/check-runs", gh_list_check_runs_for_ref, NULL},
    {"POST", R "/check-suites", gh_create_check_suite, "repo"},
    {"GET", R "/check-suites/{check_suite_id}", gh_get_check_suite, NULL},
    {"GET", R "/commits/{ref}/check-suites", gh_list_check_suites_for_ref, NULL},
    /* webhooks */
    {"GET", R "/hooks", gh_list_hooks, "read:repo_hook"},
    {"POST", R "/hooks", gh_create_hook, "write:repo_hook"},
    {"GET", R "/hooks/{hook_id}", gh_get_hook, "read:repo_hook"},
    {"PATCH", R "/hooks/{hook_id}", gh_update_hook, "write:repo_hook"},
    {"DELETE", R "/hooks/{hook_id}", gh_delete_hook, "admin:repo_hook"},
    {"POST", R "/hooks/{hook_id}/pings", gh_ping_hook, "read:repo_hook"},
    /* releases; uploads come to this origin too (the upload_url the twin hands out) */
    {"GET", R "/releases", gh_list_releases, NULL},
    {"POST", R "/releases", gh_create_release, "repo"},
    {"POST", R "/releases/generate-notes", gh_generate_release_notes, "repo"},
    {"GET", R "/releases/latest", gh_get_latest_release, NULL},
    {"GET", R "/releases/tags/{tag}", gh_get_release_by_tag, NULL},
    {"GET", R "/releases/{release_id}", gh_get_release, NULL},
    {"PATCH", R "/releases/{release_id}", gh_update_release, "repo"},
    {"DELETE", R "/releases/{release_id}", gh_delete_release, "repo"},
    {"GET", R "/releases/{release_id}/assets", gh_list_release_assets, NULL},
    {"POST", R "/releases/{release_id}/assets", gh_upload_release_asset, "repo"},
    {"GET", R "/releases/assets/{asset_id}", gh_get_release_asset, NULL},
    {"PATCH", R "/releases/assets/{asset_id}", gh_update_release_asset, "repo"},
    {"DELETE", R "/releases/assets/{asset_id}", gh_delete_release_asset, "repo"},
    /* github.com's download link and the storage it redirects to (objects.githubusercontent.com) */
    {"GET", "/{owner}/{repo}/releases/download/{tag}/{name}", gh_browser_download_asset, NULL},
    {"GET", "/github-production-release-asset/{asset_id}/{sig}", gh_asset_storage, "public"},
};
#undef R

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
