/* GitHub twin: seeding from seed_config.github (users, orgs, repos with
 * files, branches, issues and pull requests, token_scopes).  Ids come from
 * the run's counters and the clock is the seeding origin, so two runs of a
 * scenario hold identical state. */
#include <string.h>

#include "twins/github/github.h"
#include "util/util.h"

typedef struct counts {
    int64_t users, orgs, repos, files, branches, issues, pulls, teams, invitations;
} counts;

/* Invitations waiting for an answer.  Without created_at one dates from the seeding clock, like
 * everything seeded, so it has lapsed (GitHub's 7 days) in any run after the first week of 2026. */
static int seed_invitations(twin_ctx *ctx, const json_value *repo, const json_value *list, counts *n,
                            const char **error)
{
    const char *key = gh_repo_key(ctx, repo);
    json_foreach(x, list) {
        const char *login = json_get_str(x, "login"), *created = json_get_str(x, "created_at");
        if (created && parse_iso8601_ms(created) < 0) {
            *error = arena_printf(ctx->a, "github.repos[%s].invitations: created_at %s is no ISO 8601 time", key, created);
            return -1;
        }
        if (!gh_account_get(ctx, login)) gh_account_create(ctx, login, NULL, NULL, false), n->users++;
        const char *perm = json_get_str(x, "permission");
        gh_invitation_add(ctx, key, login, json_get_str(repo, "owner"), gh_level_parse(perm ? perm : "push"),
                          created ? gh_iso(ctx, parse_iso8601_ms(created) / 1000) : NULL);
        n->invitations++;
    }
    return 0;
}

static int seed_repo(twin_ctx *ctx, const json_value *in, counts *n, const char **error)
{
    arena *a = ctx->a;
    const char *owner = json_get_str(in, "owner"), *name = json_get_str(in, "name");
    if (!gh_account_get(ctx, owner)) gh_account_create(ctx, owner, NULL, NULL, false), n->users++;
    if (gh_repo_get(ctx, owner, name)) {
        *error = arena_printf(a, "github.repos: %s/%s is listed twice", owner, name);
        return -1;
    }
    const char *db = json_get_str(in, "default_branch");
    json_value *repo = gh_repo_create(ctx, owner, name, json_get_str(in, "description"),
                                      json_truthy(json_get(in, "private")), db, false);
    const char *key = gh_repo_key(ctx, repo);
    db = json_get_str(repo, "default_branch");
    json_value *files = json_object(a);
    json_foreach(f, json_get(in, "files")) {
        const char *c = json_get_str(f, "content");
        json_set_str(a, files, json_get_str(f, "path"), c ? c : "");
        n->files++;
    }
    if (!files->len) json_set_str(a, files, "README.md", arena_printf(a, "# %s\n", name));
    json_value *c = gh_commit_create(ctx, key, NULL, NULL, files, "Initial commit", owner);
    const char *base_sha = json_get_str(c, "sha");
    gh_ref_set(ctx, key, arena_printf(a, "refs/heads/%s", db), base_sha);
    json_value *prot = json_object(a);
    json_foreach(b, json_get(in, "branches")) {
        const char *bn = json_get_str(b, "name");
        if (json_truthy(json_get(b, "protected"))) json_set_bool(a, prot, bn, true);
        if (!gh_ref_sha(ctx, key, arena_printf(a, "refs/heads/%s", bn))) {
            gh_ref_set(ctx, key, arena_printf(a, "refs/heads/%s", bn), base_sha);
            n->branches++;
        }
    }
    json_set(a, repo, "protected_branches", prot);
    json_value *collab = json_array(a);
    json_foreach(x, json_get(in, "collaborators")) {
        const char *login = json_get_str(x, "login");
        if (!gh_account_get(ctx, login)) gh_account_create(ctx, login, NULL, NULL, false), n->users++;
        json_value *entry = json_object(a);
        json_set_str(a, entry, "login", login);
        const char *perm = json_get_str(x, "permission");
        json_set_str(a, entry, "permission", perm ? perm : "push");
        json_push(collab, entry);
    }
    json_set(a, repo, "collaborators", collab);
    gh_repo_touch(ctx, repo, false);
    if (seed_invitations(ctx, repo, json_get(in, "invitations"), n, error) != 0) return -1;
    json_foreach(i, json_get(in, "issues")) {
        json_value *is = gh_issue_create(ctx, repo, json_get_str(i, "title"), json_get_str(i, "body"),
                                         json_get_str(i, "user") ? json_get_str(i, "user") : owner,
                                         json_get(i, "labels"), NULL, false);
        if (str_eq(json_get_str(i, "state"), "closed")) {
            json_set_str(a, is, "state", "closed");
            json_set_str(a, is, "state_reason", "completed");
            json_set_str(a, is, "closed_at", gh_now_iso(ctx));
            gh_save(ctx, "issues", arena_printf(a, "%s#%s", key, json_get(is, "number")->str), is, key);
        }
        n->issues++;
    }
    json_foreach(p, json_get(in, "prs")) {
        const char *head = json_get_str(p, "head"), *base = json_get_str(p, "base");
        if (!base) base = db;
        const char *user = json_get_str(p, "user") ? json_get_str(p, "user") : owner;
        const char *href = arena_printf(a, "refs/heads/%s", head), *bref = arena_printf(a, "refs/heads/%s", base);
        const char *bsha = gh_ref_sha(ctx, key, bref);
        if (!bsha) {
            *error = arena_printf(a, "github.repos[%s/%s].prs: base branch %s does not exist", owner, name, base);
            return -1;
        }
        const char *hsha = gh_ref_sha(ctx, key, href);
        if (!hsha) hsha = bsha, n->branches++;
        json_value *changes = json_object(a);
        json_foreach(f, json_get(p, "files")) {
            const char *fc = json_get_str(f, "content");
            json_set_str(a, changes, json_get_str(f, "path"), fc ? fc : "");
        }
        json_value *hc = gh_commit_create(ctx, key, hsha, NULL, changes, json_get_str(p, "title"), user);
        gh_ref_set(ctx, key, href, json_get_str(hc, "sha"));
        json_value *pr = gh_pull_create(ctx, repo, json_get_str(p, "title"), json_get_str(p, "body"), user, head, base, false);
        if (json_truthy(json_get(p, "merged"))) {
            if (!gh_pull_merge(ctx, repo, pr, NULL, NULL, "merge", owner)) {
                *error = arena_printf(a, "github.repos[%s/%s].prs: cannot merge %s", owner, name, head);
                return -1;
            }
        } else if (str_eq(json_get_str(p, "state"), "closed")) {
            const char *ik = arena_printf(a, "%s#%s", key, json_get(pr, "number")->str);
            json_value *is = twin_doc_get(ctx, "issues", ik);
            json_set_str(a, is, "state", "closed");
            json_set_str(a, is, "closed_at", gh_now_iso(ctx));
            gh_save(ctx, "issues", ik, is, key);
        }
        n->pulls++;
    }
    n->repos++;
    return 0;
}

int gh_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error)
{
    arena *a = ctx->a;
    counts n = {0};
    json_value *meta = json_object(a);
    const char *viewer = NULL;
    json_value *tokens = json_object(a);
    json_foreach(u, json_get(seed, "users")) {
        const char *login = json_get_str(u, "login");
        if (!viewer) viewer = login;
        const char *token = json_get_str(u, "token");
        if (token && json_get(tokens, token)) {
            *error = arena_printf(a, "github.users: token of %s is already another user's", login);
            return -1;
        }
        if (token) json_set_str(a, tokens, token, login);
        if (gh_account_get(ctx, login)) {
            *error = arena_printf(a, "github.users: %s is listed twice", login);
            return -1;
        }
        json_value *acc = gh_account_create(ctx, login, json_get_str(u, "name"), json_get_str(u, "email"), false);
        if (json_truthy(json_get(u, "site_admin"))) {
            json_set_bool(a, acc, "site_admin", true);
            twin_doc_put(ctx, "accounts", gh_lower(a, login), acc, NULL, 0);
        }
        n.users++;
    }
    json_foreach(o, json_get(seed, "orgs")) {
        const char *login = json_get_str(o, "login");
        if (gh_account_get(ctx, login)) {
            *error = arena_printf(a, "github.orgs: %s is already an account", login);
            return -1;
        }
        json_value *acc = gh_account_create(ctx, login, json_get_str(o, "name"), NULL, true);
        json_value *members = json_array(a), *owners = json_array(a);
        json_foreach(m, json_get(o, "members")) if (json_str(m)) json_push(members, json_string(a, m->str));
        json_foreach(m, json_get(o, "owners")) if (json_str(m)) json_push(owners, json_string(a, m->str));
        /* Without named owners the authenticated user owns the org, so it
         * administers the org's repositories as before access existed. */
        if (viewer && !owners->len) json_push(owners, json_string(a, viewer));
        json_foreach(m, owners) {
            bool in = false;
            json_foreach(x, members) if (str_case_eq(x->str, m->str)) in = true;
            if (!in) json_push(members, json_string(a, m->str));
        }
        json_set(a, acc, "members", members);
        json_set(a, acc, "owners", owners);
        const char *base = json_get_str(o, "default_repository_permission");
        json_set_str(a, acc, "default_repository_permission", base ? base : "read");
        twin_doc_put(ctx, "accounts", gh_lower(a, login), acc, NULL, 0);
        n.orgs++;
    }
    if (viewer) json_set_str(a, meta, "viewer", viewer);
    if (tokens->len) json_set(a, meta, "tokens", tokens);
    json_value *ts = json_get(seed, "token_scopes");
    if (ts) json_set(a, meta, "token_scopes", json_clone(a, ts));
    twin_doc_put(ctx, "meta", "seed", meta, NULL, 0);
    ctx->principal = arena_zalloc(a, sizeof(gh_req));
    ((gh_req *)ctx->principal)->login = viewer;
    json_foreach(r, json_get(seed, "repos")) if (seed_repo(ctx, r, &n, error) != 0) return -1;
    /* Teams come after the repositories they hold. */
    json_foreach(o, json_get(seed, "orgs")) {
        json_value *org = gh_org_get(ctx, json_get_str(o, "login"));
        if (gh_teams_seed(ctx, org, json_get(o, "teams"), &n.teams, error) != 0) return -1;
    }
    json_set_int(a, result, "users", n.users);
    json_set_int(a, result, "orgs", n.orgs);
    json_set_int(a, result, "repos", n.repos);
    json_set_int(a, result, "files", n.files);
    json_set_int(a, result, "branches", n.branches);
    json_set_int(a, result, "issues", n.issues);
    json_set_int(a, result, "pull_requests", n.pulls);
    if (n.teams) json_set_int(a, result, "teams", n.teams);
    if (n.invitations) json_set_int(a, result, "invitations", n.invitations);
    return 0;
}
