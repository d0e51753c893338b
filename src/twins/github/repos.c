/* GitHub twin: users, organizations and repositories. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "twins/github/github.h"
#include "util/util.h"

/* ---- accounts ---- */

json_value *gh_account_get(twin_ctx *ctx, const char *login)
{
    if (!login || !*login) return NULL;
    return twin_doc_get(ctx, "accounts", gh_lower(ctx->a, login));
}

json_value *gh_account_create(twin_ctx *ctx, const char *login, const char *name, const char *email, bool org)
{
    arena *a = ctx->a;
    json_value *u = json_object(a);
    int64_t id = gh_next_id(ctx);
    json_set_str(a, u, "login", login);
    json_set_int(a, u, "id", id);
    json_set_str(a, u, "node_id", gh_node_id(ctx, org ? "O" : "U", id));
    json_set_str(a, u, "type", org ? "Organization" : "User");
    json_set_str(a, u, "name", name);
    json_set_str(a, u, "email", email);
    json_set(a, u, "members", json_array(a));
    json_set_str(a, u, "created_at", gh_now_iso(ctx));
    twin_doc_put(ctx, "accounts", gh_lower(a, login), u, NULL, 0);
    return u;
}

static void user_urls(twin_ctx *ctx, json_value *o, const json_value *acc)
{
    arena *a = ctx->a;
    const char *login = json_get_str(acc, "login"), *base = gh_base(ctx);
    int64_t id = 0;
    json_int64(json_get(acc, "id"), &id);
    bool org = str_eq(json_get_str(acc, "type"), "Organization");
    json_set_str(a, o, "login", login);
    json_set_int(a, o, "id", id);
    json_set_str(a, o, "node_id", json_get_str(acc, "node_id"));
    json_set_str(a, o, "avatar_url", arena_printf(a, "%s/avatars/u/%lld?v=4", base, (long long)id));
    json_set_str(a, o, "gravatar_id", "");
    const char *u = arena_printf(a, "%s/users/%s", base, login);
    json_set_str(a, o, "url", u);
    json_set_str(a, o, "html_url", arena_printf(a, "%s/%s", base, login));
    json_set_str(a, o, "followers_url", arena_printf(a, "%s/followers", u));
    json_set_str(a, o, "following_url", arena_printf(a, "%s/following{/other_user}", u));
    json_set_str(a, o, "gists_url", arena_printf(a, "%s/gists{/gist_id}", u));
    json_set_str(a, o, "starred_url", arena_printf(a, "%s/starred{/owner}{/repo}", u));
    json_set_str(a, o, "subscriptions_url", arena_printf(a, "%s/subscriptions", u));
    json_set_str(a, o, "organizations_url", arena_printf(a, "%s/orgs", u));
    json_set_str(a, o, "repos_url", arena_printf(a, "%s/repos", u));
    json_set_str(a, o, "events_url", arena_printf(a, "%s/events{/privacy}", u));
    json_set_str(a, o, "received_events_url", arena_printf(a, "%s/received_events", u));
    json_set_str(a, o, "type", org ? "Organization" : "User");
    json_set_str(a, o, "user_view_type", "public");
    json_set_bool(a, o, "site_admin", json_truthy(json_get(acc, "site_admin")));
}

json_value *gh_user_json(twin_ctx *ctx, const char *login)
{
    json_value *acc = gh_account_get(ctx, login);
    if (!acc) {
        acc = json_object(ctx->a);
        json_set_str(ctx->a, acc, "login", login ? login : "ghost");
        json_set_int(ctx->a, acc, "id", 10137);
        json_set_str(ctx->a, acc, "node_id", "MDQ6VXNlcjEwMTM3");
        json_set_str(ctx->a, acc, "type", "User");
    }
    json_value *o = json_object(ctx->a);
    user_urls(ctx, o, acc);
    return o;
}

static int64_t count_owned(twin_ctx *ctx, const char *login, bool priv)
{
    twin_list l = {0};
    store_list_opts o = {.index_name = "owner", .index_value = gh_lower(ctx->a, login)};
    if (twin_doc_list(ctx, "repos", &o, &l) != 0) return 0;
    int64_t n = 0;
    for (size_t i = 0; i < l.n; i++)
        if (json_truthy(json_get(l.items[i], "private")) == priv) n++;
    return n;
}

static json_value *full_user(twin_ctx *ctx, const json_value *acc, bool private_view)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    user_urls(ctx, o, acc);
    const char *name = json_get_str(acc, "name"), *email = json_get_str(acc, "email");
    json_set_str(a, o, "name", name);
    json_set_null(a, o, "company");
    json_set_str(a, o, "blog", "");
    json_set_null(a, o, "location");
    json_set_str(a, o, "email", email);
    json_set_null(a, o, "hireable");
    json_set_null(a, o, "bio");
    json_set_null(a, o, "twitter_username");
    json_set_int(a, o, "public_repos", count_owned(ctx, json_get_str(acc, "login"), false));
    json_set_int(a, o, "public_gists", 0);
    json_set_int(a, o, "followers", 0);
    json_set_int(a, o, "following", 0);
    json_set_str(a, o, "created_at", json_get_str(acc, "created_at"));
    json_set_str(a, o, "updated_at", json_get_str(acc, "created_at"));
    if (private_view) {
        int64_t priv = count_owned(ctx, json_get_str(acc, "login"), true);
        json_set_int(a, o, "private_gists", 0);
        json_set_int(a, o, "total_private_repos", priv);
        json_set_int(a, o, "owned_private_repos", priv);
        json_set_int(a, o, "disk_usage", 0);
        json_set_int(a, o, "collaborators", 0);
        json_set_bool(a, o, "two_factor_authentication", true);
        json_value *plan = json_object(a);
        json_set_str(a, plan, "name", "pro");
        json_set_int(a, plan, "space", 976562499);
        json_set_int(a, plan, "private_repos", 9999);
        json_set_int(a, plan, "collaborators", 0);
        json_set(a, o, "plan", plan);
    }
    return o;
}

void gh_get_viewer(twin_ctx *ctx)
{
    gh_reply(ctx, 200, full_user(ctx, gh_account_get(ctx, gh_viewer(ctx)), true));
}

void gh_patch_viewer(twin_ctx *ctx)
{
    json_value *acc = gh_account_get(ctx, gh_viewer(ctx));
    static const char *const fields[] = {"name", "email", NULL};
    for (size_t i = 0; fields[i]; i++) {
        const char *v = gh_str_arg(ctx, fields[i]);
        if (v) json_set_str(ctx->a, acc, fields[i], v);
    }
    twin_doc_put(ctx, "accounts", gh_lower(ctx->a, json_get_str(acc, "login")), acc, NULL, 0);
    gh_reply(ctx, 200, full_user(ctx, acc, true));
}

void gh_get_user(twin_ctx *ctx)
{
    json_value *acc = gh_account_get(ctx, twin_param(ctx, "username"));
    if (!acc) return gh_not_found(ctx);
    gh_reply(ctx, 200, full_user(ctx, acc, false));
}

json_value *gh_org_get(twin_ctx *ctx, const char *login)
{
    json_value *acc = gh_account_get(ctx, login);
    return acc && str_eq(json_get_str(acc, "type"), "Organization") ? acc : NULL;
}

json_value *gh_org_json(twin_ctx *ctx, const json_value *acc)
{
    arena *a = ctx->a;
    const char *login = json_get_str(acc, "login"), *base = gh_base(ctx);
    json_value *o = json_object(a);
    json_set_str(a, o, "login", login);
    json_set(a, o, "id", json_clone(a, json_get(acc, "id")));
    json_set_str(a, o, "node_id", json_get_str(acc, "node_id"));
    const char *u = arena_printf(a, "%s/orgs/%s", base, login);
    json_set_str(a, o, "url", u);
    json_set_str(a, o, "repos_url", arena_printf(a, "%s/repos", u));
    json_set_str(a, o, "events_url", arena_printf(a, "%s/events", u));
    json_set_str(a, o, "hooks_url", arena_printf(a, "%s/hooks", u));
    json_set_str(a, o, "issues_url", arena_printf(a, "%s/issues", u));
    json_set_str(a, o, "members_url", arena_printf(a, "%s/members{/member}", u));
    json_set_str(a, o, "public_members_url", arena_printf(a, "%s/public_members{/member}", u));
    json_set_str(a, o, "avatar_url", arena_printf(a, "%s/avatars/u/%s?v=4", base, json_get(acc, "id")->str));
    json_set_null(a, o, "description");
    json_set_str(a, o, "name", json_get_str(acc, "name"));
    json_set_str(a, o, "company", "");
    json_set_str(a, o, "blog", arena_printf(a, "%s/%s", base, login));
    json_set_str(a, o, "location", "");
    json_set_str(a, o, "email", json_get_str(acc, "email") ? json_get_str(acc, "email")
                                                           : arena_printf(a, "%s@users.noreply.github.com", login));
    json_set_bool(a, o, "is_verified", false);
    json_set_bool(a, o, "has_organization_projects", true);
    json_set_bool(a, o, "has_repository_projects", true);
    json_set_int(a, o, "public_repos", count_owned(ctx, login, false));
    json_set_int(a, o, "public_gists", 0);
    json_set_int(a, o, "followers", 0);
    json_set_int(a, o, "following", 0);
    json_set_str(a, o, "html_url", arena_printf(a, "%s/%s", base, login));
    json_set_str(a, o, "type", "Organization");
    json_set_str(a, o, "created_at", json_get_str(acc, "created_at"));
    json_set_str(a, o, "updated_at", json_get_str(acc, "created_at"));
    json_set_null(a, o, "archived_at");
    return o;
}

json_value *gh_org_load(twin_ctx *ctx)
{
    json_value *org = gh_org_get(ctx, twin_param(ctx, "org"));
    if (!org) gh_not_found(ctx);
    return org;
}

void gh_get_org(twin_ctx *ctx)
{
    json_value *acc = gh_org_load(ctx);
    if (acc) gh_reply(ctx, 200, gh_org_json(ctx, acc));
}

/* ---- repos ---- */

const char *gh_repo_key(twin_ctx *ctx, const json_value *repo)
{
    return gh_lower(ctx->a, arena_printf(ctx->a, "%s/%s", json_get_str(repo, "owner"), json_get_str(repo, "name")));
}

json_value *gh_repo_get(twin_ctx *ctx, const char *owner, const char *name)
{
    if (!owner || !name) return NULL;
    return twin_doc_get(ctx, "repos", gh_lower(ctx->a, arena_printf(ctx->a, "%s/%s", owner, name)));
}

static void save_repo(twin_ctx *ctx, const json_value *repo)
{
    store_index idx = {"owner", gh_lower(ctx->a, json_get_str(repo, "owner"))};
    twin_doc_put(ctx, "repos", gh_repo_key(ctx, repo), repo, &idx, 1);
}

void gh_repo_touch(twin_ctx *ctx, json_value *repo, bool pushed)
{
    const char *now = gh_now_iso(ctx);
    json_set_str(ctx->a, repo, "updated_at", now);
    if (pushed) json_set_str(ctx->a, repo, "pushed_at", now);
    save_repo(ctx, repo);
}

json_value *gh_repo_create(twin_ctx *ctx, const char *owner, const char *name, const char *description,
                           bool priv, const char *default_branch, bool auto_init)
{
    arena *a = ctx->a;
    json_value *acc = gh_account_get(ctx, owner);
    json_value *r = json_object(a);
    int64_t id = gh_next_id(ctx);
    json_set_int(a, r, "id", id);
    json_set_str(a, r, "node_id", gh_node_id(ctx, "R", id));
    json_set_str(a, r, "name", name);
    json_set_str(a, r, "owner", acc ? json_get_str(acc, "login") : owner);
    json_set_bool(a, r, "private", priv);
    json_set_str(a, r, "description", description);
    json_set_null(a, r, "homepage");
    json_set_str(a, r, "default_branch", default_branch && *default_branch ? default_branch : "main");
    json_set_bool(a, r, "has_issues", true);
    json_set_bool(a, r, "has_projects", true);
    json_set_bool(a, r, "has_wiki", true);
    json_set_bool(a, r, "archived", false);
    json_set_bool(a, r, "is_template", false);
    const char *now = gh_now_iso(ctx);
    json_set_str(a, r, "created_at", now);
    json_set_str(a, r, "updated_at", now);
    json_set_str(a, r, "pushed_at", now);
    save_repo(ctx, r);
    if (auto_init) {
        const char *key = gh_repo_key(ctx, r);
        json_value *files = json_object(a);
        json_set_str(a, files, "README.md",
                     arena_printf(a, "# %s\n%s%s", name, description ? description : "", description ? "\n" : ""));
        json_value *c = gh_commit_create(ctx, key, NULL, NULL, files, "Initial commit", gh_viewer(ctx));
        gh_ref_set(ctx, key, arena_printf(a, "refs/heads/%s", json_get_str(r, "default_branch")),
                   json_get_str(c, "sha"));
    }
    return r;
}

static int64_t count_open_issues(twin_ctx *ctx, const char *key)
{
    twin_list l = gh_list_repo(ctx, "issues", key);
    int64_t n = 0;
    for (size_t i = 0; i < l.n; i++)
        if (str_eq(json_get_str(l.items[i], "state"), "open")) n++;
    return n;
}

json_value *gh_repo_json(twin_ctx *ctx, const json_value *repo)
{
    arena *a = ctx->a;
    const char *base = gh_base(ctx), *full = arena_printf(a, "%s/%s", json_get_str(repo, "owner"), json_get_str(repo, "name"));
    const char *u = arena_printf(a, "%s/repos/%s", base, full);
    const char *host = strstr(base, "://") ? strstr(base, "://") + 3 : base;
    json_value *o = json_object(a);
    json_set(a, o, "id", json_clone(a, json_get(repo, "id")));
    json_set_str(a, o, "node_id", json_get_str(repo, "node_id"));
    json_set_str(a, o, "name", json_get_str(repo, "name"));
    json_set_str(a, o, "full_name", full);
    json_set(a, o, "owner", gh_user_json(ctx, json_get_str(repo, "owner")));
    bool priv = json_truthy(json_get(repo, "private"));
    json_set_bool(a, o, "private", priv);
    json_set_str(a, o, "html_url", arena_printf(a, "%s/%s", base, full));
    json_set_str(a, o, "description", json_get_str(repo, "description"));
    json_set_bool(a, o, "fork", false);
    json_set_str(a, o, "url", u);
    static const char *const tpl[][2] = {
        {"archive_url", "/{archive_format}{/ref}"}, {"assignees_url", "/assignees{/user}"},
        {"blobs_url", "/git/blobs{/sha}"}, {"branches_url", "/branches{/branch}"},
        {"collaborators_url", "/collaborators{/collaborator}"}, {"comments_url", "/comments{/number}"},
        {"commits_url", "/commits{/sha}"}, {"compare_url", "/compare/{base}...{head}"},
        {"contents_url", "/contents/{+path}"}, {"contributors_url", "/contributors"},
        {"deployments_url", "/deployments"}, {"downloads_url", "/downloads"}, {"events_url", "/events"},
        {"forks_url", "/forks"}, {"git_commits_url", "/git/commits{/sha}"}, {"git_refs_url", "/git/refs{/sha}"},
        {"git_tags_url", "/git/tags{/sha}"}, {"issue_comment_url", "/issues/comments{/number}"},
        {"issue_events_url", "/issues/events{/number}"}, {"issues_url", "/issues{/number}"},
        {"keys_url", "/keys{/key_id}"}, {"labels_url", "/labels{/name}"}, {"languages_url", "/languages"},
        {"merges_url", "/merges"}, {"milestones_url", "/milestones{/number}"},
        {"notifications_url", "/notifications{?since,all,participating}"}, {"pulls_url", "/pulls{/number}"},
        {"releases_url", "/releases{/id}"}, {"stargazers_url", "/stargazers"}, {"statuses_url", "/statuses/{sha}"},
        {"subscribers_url", "/subscribers"}, {"subscription_url", "/subscription"}, {"tags_url", "/tags"},
        {"teams_url", "/teams"}, {"trees_url", "/git/trees{/sha}"}, {"hooks_url", "/hooks"},
    };
    for (size_t i = 0; i < sizeof tpl / sizeof tpl[0]; i++)
        json_set_str(a, o, tpl[i][0], arena_printf(a, "%s%s", u, tpl[i][1]));
    json_set_str(a, o, "git_url", arena_printf(a, "git://%s/%s.git", host, full));
    json_set_str(a, o, "ssh_url", arena_printf(a, "git@%s:%s.git", host, full));
    json_set_str(a, o, "clone_url", arena_printf(a, "%s/%s.git", base, full));
    json_set_str(a, o, "svn_url", arena_printf(a, "%s/%s", base, full));
    json_set_null(a, o, "mirror_url");
    json_set_null(a, o, "license");
    json_set_str(a, o, "homepage", json_get_str(repo, "homepage"));
    json_set_null(a, o, "language");
    json_set_int(a, o, "forks_count", 0);
    json_set_int(a, o, "stargazers_count", 0);
    json_set_int(a, o, "watchers_count", 0);
    json_set_int(a, o, "size", 0);
    json_set_str(a, o, "default_branch", json_get_str(repo, "default_branch"));
    int64_t open = count_open_issues(ctx, gh_repo_key(ctx, repo));
    json_set_int(a, o, "open_issues_count", open);
    json_set_bool(a, o, "is_template", false);
    json_set(a, o, "topics", json_array(a));
    json_set_bool(a, o, "has_issues", json_truthy(json_get(repo, "has_issues")));
    json_set_bool(a, o, "has_projects", json_truthy(json_get(repo, "has_projects")));
    json_set_bool(a, o, "has_wiki", json_truthy(json_get(repo, "has_wiki")));
    json_set_bool(a, o, "has_pages", false);
    json_set_bool(a, o, "has_downloads", true);
    json_set_bool(a, o, "has_discussions", false);
    json_set_bool(a, o, "archived", json_truthy(json_get(repo, "archived")));
    json_set_bool(a, o, "disabled", false);
    json_set_str(a, o, "visibility", priv ? "private" : "public");
    json_set_str(a, o, "pushed_at", json_get_str(repo, "pushed_at"));
    json_set_str(a, o, "created_at", json_get_str(repo, "created_at"));
    json_set_str(a, o, "updated_at", json_get_str(repo, "updated_at"));
    json_set(a, o, "permissions", gh_permissions_json(ctx, gh_access_level(ctx, repo, gh_viewer(ctx))));
    json_set_bool(a, o, "allow_rebase_merge", true);
    json_set_bool(a, o, "allow_squash_merge", true);
    json_set_bool(a, o, "allow_merge_commit", true);
    json_set_bool(a, o, "allow_auto_merge", false);
    json_set_bool(a, o, "delete_branch_on_merge", false);
    json_set_bool(a, o, "allow_forking", true);
    json_set_bool(a, o, "web_commit_signoff_required", false);
    json_set_int(a, o, "forks", 0);
    json_set_int(a, o, "open_issues", open);
    json_set_int(a, o, "watchers", 0);
    json_set_int(a, o, "network_count", 0);
    json_set_int(a, o, "subscribers_count", 0);
    json_value *acc = gh_account_get(ctx, json_get_str(repo, "owner"));
    if (acc && str_eq(json_get_str(acc, "type"), "Organization"))
        json_set(a, o, "organization", gh_user_json(ctx, json_get_str(acc, "login")));
    return o;
}

static void create_repo(twin_ctx *ctx, const char *owner)
{
    const char *name = gh_str_arg(ctx, "name");
    if (!name || !*name) return gh_invalid(ctx, "Repository", "name", "missing_field", NULL);
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == ' ') return gh_invalid(ctx, "Repository", "name", "invalid", NULL);
    if (gh_repo_get(ctx, owner, name))
        return gh_invalid(ctx, "Repository", "name", "custom", "name already exists on this account");
    const char *vis = gh_str_arg(ctx, "visibility");
    bool priv = gh_bool_arg(ctx, "private", false) || str_eq(vis, "private") || str_eq(vis, "internal");
    json_value *r = gh_repo_create(ctx, owner, name, gh_str_arg(ctx, "description"), priv, NULL,
                                   gh_bool_arg(ctx, "auto_init", false));
    const char *hp = gh_str_arg(ctx, "homepage");
    if (hp) json_set_str(ctx->a, r, "homepage", hp);
    /* An org member who creates a repository administers it. */
    if (!str_case_eq(owner, gh_viewer(ctx))) {
        json_value *c = json_object(ctx->a), *list = json_array(ctx->a);
        json_set_str(ctx->a, c, "login", gh_viewer(ctx));
        json_set_str(ctx->a, c, "permission", "admin");
        json_push(list, c);
        json_set(ctx->a, r, "collaborators", list);
    }
    save_repo(ctx, r);
    json_value *payload = json_object(ctx->a);
    json_set_str(ctx->a, payload, "action", "created");
    gh_emit(ctx, r, "repository", payload);
    gh_reply(ctx, 201, gh_repo_json(ctx, r));
}

void gh_create_user_repo(twin_ctx *ctx)
{
    create_repo(ctx, gh_viewer(ctx));
}

void gh_create_org_repo(twin_ctx *ctx)
{
    json_value *org = gh_account_get(ctx, twin_param(ctx, "org"));
    if (!org || !str_eq(json_get_str(org, "type"), "Organization")) return gh_not_found(ctx);
    create_repo(ctx, json_get_str(org, "login"));
}

void gh_get_repo(twin_ctx *ctx)
{
    json_value *r = gh_repo_load(ctx);
    if (r) gh_reply(ctx, 200, gh_repo_json(ctx, r));
}

void gh_update_repo(twin_ctx *ctx)
{
    json_value *r = gh_repo_load(ctx);
    if (!r) return;
    arena *a = ctx->a;
    const char *name = gh_str_arg(ctx, "name");
    if (name && !str_eq(gh_lower(a, name), gh_lower(a, json_get_str(r, "name"))))
        return gh_invalid(ctx, "Repository", "name", "custom", "renaming is not supported by the twin");
    static const char *const strs[] = {"description", "homepage", NULL};
    for (size_t i = 0; strs[i]; i++)
        if (twin_input(ctx, strs[i])) json_set_str(a, r, strs[i], gh_str_arg(ctx, strs[i]));
    static const char *const bools[] = {"private", "has_issues", "has_projects", "has_wiki", "archived", NULL};
    for (size_t i = 0; bools[i]; i++)
        if (twin_input(ctx, bools[i])) json_set_bool(a, r, bools[i], gh_bool_arg(ctx, bools[i], false));
    const char *vis = gh_str_arg(ctx, "visibility");
    if (vis) json_set_bool(a, r, "private", !str_eq(vis, "public"));
    const char *db = gh_str_arg(ctx, "default_branch");
    if (db) {
        if (!gh_ref_sha(ctx, gh_repo_key(ctx, r), arena_printf(a, "refs/heads/%s", db)))
            return gh_invalid(ctx, "Repository", "default_branch", "invalid", NULL);
        json_set_str(a, r, "default_branch", db);
    }
    if (name) json_set_str(a, r, "name", name);
    gh_repo_touch(ctx, r, false);
    gh_reply(ctx, 200, gh_repo_json(ctx, r));
}

/* Deletes every document of collection filed under the repository; with
 * also (release assets' bytes) the documents of that collection sharing
 * their ids. */
static bool purge_collection(twin_ctx *ctx, const char *collection, const char *key, const char *also)
{
    store_key k = {ctx->run_id, ctx->twin, collection};
    const char **ids = NULL;
    size_t n = 0;
    if (store_lookup(ctx->store, ctx->a, &k, "repo", key, &ids, &n, 0) != 0) return false;
    for (size_t i = 0; i < n; i++) {
        if (also) twin_doc_delete(ctx, also, ids[i]);
        twin_doc_delete(ctx, collection, ids[i]);
    }
    return true;
}

/* A deleted repository takes its issues, pulls, git data, hooks, checks
 * and releases with it: one created again under the same name starts
 * empty, as on GitHub. */
static bool purge_repo(twin_ctx *ctx, const char *key)
{
    static const char *const collections[] = {
        "issues", "pulls", "comments", "reviews", "labels", "commits", "refs", "statuses",
        "check_suites", "check_runs", "hooks", "releases", "release_latest", "invitations",
    };
    for (size_t i = 0; i < sizeof collections / sizeof *collections; i++)
        if (!purge_collection(ctx, collections[i], key, NULL)) return false;
    return purge_collection(ctx, "release_assets", key, "release_bytes");
}

void gh_delete_repo(twin_ctx *ctx)
{
    json_value *r = gh_repo_load(ctx);
    if (!r) return;
    const char *key = gh_repo_key(ctx, r);
    if (!purge_repo(ctx, key)) {
        ctx->store_failed = true;
        twin_answer_store_failure(ctx);
        return;
    }
    twin_doc_delete(ctx, "repos", key);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

/* ---- listing ---- */

static int cmp_full_name(const void *x, const void *y)
{
    const json_value *a = *(const json_value *const *)x, *b = *(const json_value *const *)y;
    int c = strcasecmp(json_get_str(a, "owner"), json_get_str(b, "owner"));
    return c ? c : strcasecmp(json_get_str(a, "name"), json_get_str(b, "name"));
}

static int cmp_created_desc(const void *x, const void *y)
{
    const json_value *a = *(const json_value *const *)x, *b = *(const json_value *const *)y;
    int64_t ia = 0, ib = 0;
    json_int64(json_get(a, "id"), &ia);
    json_int64(json_get(b, "id"), &ib);
    return ia < ib ? 1 : ia > ib ? -1 : 0;
}

static bool collaborates(const json_value *repo, const char *login)
{
    json_foreach(c, json_get(repo, "collaborators")) if (str_case_eq(json_get_str(c, "login"), login)) return true;
    return false;
}

/* GET /user/repos `affiliation`: a comma-separated choice of owner,
 * collaborator and organization_member (all three by default). */
static bool affiliated(const char *aff, bool mine, bool collaborator, bool via_org)
{
    if (!aff || !*aff) return true;
    char list[128];
    snprintf(list, sizeof list, ",%s,", aff);
    return (mine && strstr(list, ",owner,")) || (collaborator && strstr(list, ",collaborator,")) ||
           (via_org && strstr(list, ",organization_member,"));
}

typedef enum { LIST_VIEWER, LIST_USER, LIST_ORG } list_kind;

static void list_repos(twin_ctx *ctx, list_kind kind, const char *owner)
{
    twin_list all = {0};
    store_list_opts o = {0};
    if (kind != LIST_VIEWER) {
        o.index_name = "owner";
        o.index_value = gh_lower(ctx->a, owner);
    }
    twin_doc_list(ctx, "repos", &o, &all);
    const char *viewer = gh_viewer(ctx);
    const char *vis = json_get_str(ctx->query, "visibility"), *type = json_get_str(ctx->query, "type");
    const char *aff = json_get_str(ctx->query, "affiliation");
    const char *sort = json_get_str(ctx->query, "sort"), *dir = json_get_str(ctx->query, "direction");
    json_value **kept = arena_alloc(ctx->a, (all.n + 1) * sizeof *kept);
    size_t n = 0;
    for (size_t i = 0; i < all.n; i++) {
        json_value *r = all.items[i];
        bool priv = json_truthy(json_get(r, "private"));
        if (kind == LIST_VIEWER) {
            const char *ro = json_get_str(r, "owner");
            bool mine = str_case_eq(ro, viewer);
            json_value *acc = mine ? NULL : gh_account_get(ctx, ro);
            bool via_org = acc && gh_org_member(acc, viewer) && gh_access_level(ctx, r, viewer) != GH_NONE;
            bool collaborator = !mine && !via_org && collaborates(r, viewer);
            if (!mine && !via_org && !collaborator) continue;
            if (!affiliated(aff, mine, collaborator, via_org)) continue;
            if (str_eq(type, "owner") && !mine) continue;
            if (str_eq(type, "member") && mine) continue;
        } else if (priv && gh_access_level(ctx, r, viewer) == GH_NONE) {
            continue;
        }
        if (str_eq(vis, "public") && priv) continue;
        if (str_eq(vis, "private") && !priv) continue;
        if (str_eq(type, "public") && priv) continue;
        if (str_eq(type, "private") && !priv) continue;
        kept[n++] = r;
    }
    bool by_name = sort ? str_eq(sort, "full_name") : kind != LIST_ORG;
    qsort(kept, n, sizeof *kept, by_name ? cmp_full_name : cmp_created_desc);
    bool reverse = dir && (by_name ? str_eq(dir, "desc") : str_eq(dir, "asc"));
    json_value *out = json_array(ctx->a);
    for (size_t i = 0; i < n; i++) json_push(out, gh_repo_json(ctx, kept[reverse ? n - 1 - i : i]));
    gh_send_page(ctx, out);
}

void gh_list_viewer_repos(twin_ctx *ctx)
{
    list_repos(ctx, LIST_VIEWER, NULL);
}

void gh_list_user_repos(twin_ctx *ctx)
{
    json_value *acc = gh_account_get(ctx, twin_param(ctx, "username"));
    if (!acc) return gh_not_found(ctx);
    list_repos(ctx, LIST_USER, json_get_str(acc, "login"));
}

void gh_list_org_repos(twin_ctx *ctx)
{
    json_value *acc = gh_account_get(ctx, twin_param(ctx, "org"));
    if (!acc || !str_eq(json_get_str(acc, "type"), "Organization")) return gh_not_found(ctx);
    list_repos(ctx, LIST_ORG, json_get_str(acc, "login"));
}

static json_value *rate_json(twin_ctx *ctx, gh_rate r, const char *resource)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_int(a, o, "limit", r.limit);
    json_set_int(a, o, "used", r.used);
    json_set_int(a, o, "remaining", r.remaining);
    json_set_int(a, o, "reset", r.reset);
    json_set_str(a, o, "resource", resource);
    return o;
}

/* A limit the twin does not count (search, GraphQL): always untouched. */
static gh_rate full_rate(int64_t limit, int64_t window_s)
{
    int64_t now = now_ms() / 1000;
    return (gh_rate){.limit = limit, .remaining = limit, .used = 0, .reset = now - now % window_s + window_s};
}

/* The live core counters of the caller's kind; reading them is free
 * (the authenticate hook does not count this route). */
void gh_rate_limit(twin_ctx *ctx)
{
    arena *a = ctx->a;
    bool authed = gh_viewer(ctx) != NULL;
    gh_rate core = gh_core_rate(ctx, authed, false);
    json_value *res = json_object(a);
    json_set(a, res, "core", rate_json(ctx, core, "core"));
    json_set(a, res, "search", rate_json(ctx, full_rate(authed ? 30 : 10, 60), "search"));
    json_set(a, res, "graphql", rate_json(ctx, full_rate(authed ? 5000 : 0, 3600), "graphql"));
    json_set(a, res, "code_search", rate_json(ctx, full_rate(10, 60), "code_search"));
    json_set(a, res, "integration_manifest", rate_json(ctx, full_rate(5000, 3600), "integration_manifest"));
    json_value *o = json_object(a);
    json_set(a, o, "resources", res);
    json_set(a, o, "rate", rate_json(ctx, core, "core"));
    gh_reply(ctx, 200, o);
}
