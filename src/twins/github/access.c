/* GitHub twin: who may see and change a repository.
 *
 * A repository's owner is its admin.  On an organization's repository the
 * org's owners are admins and its members hold the org's base permission
 * (`default_repository_permission`: read by default).  Direct collaborators
 * are kept on the repository record as [{login, permission}] with GitHub's
 * role names pull/triage/push/maintain/admin; people invited but not yet
 * accepted live in the "invitations" collection (index repo).  Everybody can
 * read a public repository; a private one is 404 to anyone without access.
 *
 * Each route's required role is declared with the route (twin.c), so the
 * resource files only call gh_repo_load(). */
#include <string.h>

#include "twins/github/github.h"
#include "util/util.h"

static const char *const role_keys[] = {"none", "pull", "triage", "push", "maintain", "admin"};
static const char *const role_names[] = {"none", "read", "triage", "write", "maintain", "admin"};

gh_level gh_level_parse(const char *s)
{
    if (!s) return GH_NONE;
    for (int i = GH_PULL; i <= GH_ADMIN; i++)
        if (str_eq(s, role_keys[i]) || str_eq(s, role_names[i])) return (gh_level)i;
    return GH_NONE;
}

const char *gh_role_name(gh_level l)
{
    return role_names[l];
}

const char *gh_role_key(gh_level l)
{
    return role_keys[l];
}

/* admin/write/read/none: maintain counts as write and triage as read. */
static const char *legacy_permission(gh_level l)
{
    return l == GH_ADMIN ? "admin" : l >= GH_PUSH ? "write" : l >= GH_PULL ? "read" : "none";
}

static bool listed(const json_value *arr, const char *login)
{
    json_foreach(m, arr) if (str_case_eq(json_str(m), login)) return true;
    return false;
}

bool gh_org_member(const json_value *org, const char *login)
{
    return org && login && (listed(json_get(org, "members"), login) || listed(json_get(org, "owners"), login));
}

bool gh_org_owner(const json_value *org, const char *login)
{
    return org && login && listed(json_get(org, "owners"), login);
}

/* The organization owning repo (NULL for a user's), read once per request;
 * orgs.c drops the reading when it changes the org's members. */
static json_value *org_of(twin_ctx *ctx, const json_value *repo)
{
    const char *owner = json_get_str(repo, "owner");
    gh_req *r = ctx->principal;
    if (r && r->org_owner && owner && str_case_eq(r->org_owner, owner)) return r->org;
    json_value *acc = gh_account_get(ctx, owner);
    json_value *org = acc && str_eq(json_get_str(acc, "type"), "Organization") ? acc : NULL;
    if (r && owner) {
        r->org_owner = owner;
        r->org = org;
    }
    return org;
}

static gh_level direct_level(const json_value *repo, const char *login)
{
    json_foreach(c, json_get(repo, "collaborators"))
        if (str_case_eq(json_get_str(c, "login"), login)) {
            gh_level l = gh_level_parse(json_get_str(c, "permission"));
            return l ? l : GH_PUSH;
        }
    return GH_NONE;
}

/* The role login holds through ownership, the org and direct collaboration;
 * the public's read access to a public repository does not count here. */
static gh_level granted_level(twin_ctx *ctx, const json_value *repo, const char *login)
{
    if (!login) return GH_NONE;
    if (str_case_eq(json_get_str(repo, "owner"), login)) return GH_ADMIN;
    gh_level l = direct_level(repo, login);
    json_value *org = org_of(ctx, repo);
    if (org && listed(json_get(org, "owners"), login)) return GH_ADMIN;
    if (org && listed(json_get(org, "members"), login)) {
        const char *base = json_get_str(org, "default_repository_permission");
        gh_level b = base ? gh_level_parse(base) : GH_PULL;
        if (b > l) l = b;
        gh_level t = gh_team_level(ctx, org, gh_repo_key(ctx, repo), login);
        if (t > l) l = t;
    }
    return l;
}

gh_level gh_access_level(twin_ctx *ctx, const json_value *repo, const char *login)
{
    gh_level l = granted_level(ctx, repo, login);
    if (l == GH_NONE && !json_truthy(json_get(repo, "private"))) l = GH_PULL;
    return l;
}

/* ---- what each route needs (declared with the route, twin.c) ---- */

static void deny(twin_ctx *ctx, gh_deny kind)
{
    if (kind == GH_DENY_ADMIN) return gh_message(ctx, 403, "Must have admin rights to Repository.");
    if (kind == GH_DENY_PUSH_COLLABORATORS)
        return gh_message(ctx, 403, "Must have push access to view repository collaborators.");
    gh_not_found(ctx);
}

json_value *gh_repo_load(twin_ctx *ctx)
{
    json_value *r = gh_repo_get(ctx, twin_param(ctx, "owner"), twin_param(ctx, "repo"));
    gh_level have = r ? gh_access_level(ctx, r, gh_viewer(ctx)) : GH_NONE;
    if (have == GH_NONE) {
        gh_not_found(ctx);
        return NULL;
    }
    const gh_req *req = ctx->principal;
    const gh_need *n = req ? req->need : NULL;
    if (n && have < n->level) {
        deny(ctx, n->deny);
        return NULL;
    }
    return r;
}

bool gh_may_edit(twin_ctx *ctx, const json_value *repo, const char *author, bool hide)
{
    const char *v = gh_viewer(ctx);
    if (v && str_case_eq(v, author)) return true;
    if (gh_access_level(ctx, repo, v) >= GH_TRIAGE) return true;
    /* Issues and pulls answer 403; comments (no 403 in GitHub's description) 404. */
    if (hide) gh_not_found(ctx);
    else gh_message(ctx, 403, "Forbidden");
    return false;
}

/* ---- collaborators ---- */

json_value *gh_permissions_json(twin_ctx *ctx, gh_level l)
{
    json_value *p = json_object(ctx->a);
    for (int i = GH_ADMIN; i >= GH_PULL; i--) json_set_bool(ctx->a, p, role_keys[i], l >= (gh_level)i);
    return p;
}

json_value *gh_with_role(twin_ctx *ctx, json_value *o, gh_level l)
{
    json_set(ctx->a, o, "permissions", gh_permissions_json(ctx, l));
    json_set_str(ctx->a, o, "role_name", gh_role_name(l));
    return o;
}

static json_value *collaborator_json(twin_ctx *ctx, const char *login, gh_level l)
{
    return gh_with_role(ctx, gh_user_json(ctx, login), l);
}

/* Everybody holding a role on the repository, owner and org owners first. */
static json_value *collaborator_logins(twin_ctx *ctx, const json_value *repo, const char *affiliation)
{
    arena *a = ctx->a;
    json_value *out = json_array(a), *org = org_of(ctx, repo);
    bool outside_only = str_eq(affiliation, "outside"), direct_only = str_eq(affiliation, "direct");
    if (!org && !outside_only) json_push(out, json_string(a, json_get_str(repo, "owner")));
    if (org && !outside_only && !direct_only) {
        json_foreach(m, json_get(org, "owners")) if (!listed(out, json_str(m))) json_push(out, json_clone(a, m));
        json_foreach(m, json_get(org, "members"))
            if (!listed(out, json_str(m)) && granted_level(ctx, repo, json_str(m)) > GH_NONE)
                json_push(out, json_clone(a, m));
    }
    json_foreach(c, json_get(repo, "collaborators")) {
        const char *login = json_get_str(c, "login");
        bool member = org && (listed(json_get(org, "members"), login) || listed(json_get(org, "owners"), login));
        if (outside_only && member) continue;
        if (!listed(out, login)) json_push(out, json_string(a, login));
    }
    return out;
}

void gh_list_collaborators(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    const char *aff = json_get_str(ctx->query, "affiliation"), *perm = json_get_str(ctx->query, "permission");
    if (aff && !str_eq(aff, "all") && !str_eq(aff, "direct") && !str_eq(aff, "outside"))
        return gh_invalid(ctx, "Repository", "affiliation", "invalid", NULL);
    gh_level min = perm ? gh_level_parse(perm) : GH_PULL;
    if (perm && (min == GH_NONE || str_eq(perm, "read") || str_eq(perm, "write")))
        return gh_invalid(ctx, "Repository", "permission", "invalid", NULL);
    json_value *out = json_array(ctx->a);
    json_foreach(m, collaborator_logins(ctx, repo, aff)) {
        gh_level l = granted_level(ctx, repo, json_str(m));
        if (l >= min) json_push(out, collaborator_json(ctx, json_str(m), l));
    }
    gh_send_page(ctx, out);
}

void gh_check_collaborator(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    json_value *acc = gh_account_get(ctx, twin_param(ctx, "username"));
    if (!acc || granted_level(ctx, repo, json_get_str(acc, "login")) == GH_NONE) return gh_not_found(ctx);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

void gh_collaborator_permission(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    json_value *acc = gh_account_get(ctx, twin_param(ctx, "username"));
    if (!acc) return gh_not_found(ctx);
    const char *login = json_get_str(acc, "login");
    gh_level l = gh_access_level(ctx, repo, login);
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "permission", legacy_permission(l));
    json_set_str(a, o, "role_name", gh_role_name(l));
    json_set(a, o, "user", collaborator_json(ctx, login, l));
    gh_reply(ctx, 200, o);
}

/* Sets (or with GH_NONE removes) login's direct role on the repository. */
static void set_direct(twin_ctx *ctx, json_value *repo, const char *login, gh_level l)
{
    arena *a = ctx->a;
    json_value *kept = json_array(a);
    json_foreach(c, json_get(repo, "collaborators"))
        if (!str_case_eq(json_get_str(c, "login"), login)) json_push(kept, json_clone(a, c));
    if (l != GH_NONE) {
        json_value *c = json_object(a);
        json_set_str(a, c, "login", login);
        json_set_str(a, c, "permission", role_keys[l]);
        json_push(kept, c);
    }
    json_set(a, repo, "collaborators", kept);
    gh_repo_touch(ctx, repo, false);
}

/* ---- invitations ---- */

/* The repository an invitation (filed under "owner/name") is for, or NULL. */
static json_value *invitation_repo(twin_ctx *ctx, const json_value *inv)
{
    const char *key = json_get_str(inv, "repo"), *slash = key ? strchr(key, '/') : NULL;
    return slash ? gh_repo_get(ctx, arena_strndup(ctx->a, key, (size_t)(slash - key)), slash + 1) : NULL;
}

/* GitHub lets an invitation stand for 7 days; after that it is listed as expired and can no
 * longer be accepted. */
#define INVITATION_LIFETIME (7 * 24 * 3600)

static bool invitation_expired(twin_ctx *ctx, const json_value *inv)
{
    int64_t created_ms = parse_iso8601_ms(json_get_str(inv, "created_at"));
    return created_ms >= 0 && twin_now(ctx) - created_ms / 1000 >= INVITATION_LIFETIME;
}

static json_value *invitation_json(twin_ctx *ctx, const json_value *inv)
{
    arena *a = ctx->a;
    json_value *repo = invitation_repo(ctx, inv);
    int64_t id = 0;
    json_int64(json_get(inv, "id"), &id);
    json_value *o = json_object(a);
    json_set_int(a, o, "id", id);
    json_set_str(a, o, "node_id", gh_node_id(ctx, "RI", id));
    if (repo) json_set(a, o, "repository", gh_repo_json(ctx, repo));
    json_set(a, o, "invitee", gh_user_json(ctx, json_get_str(inv, "invitee")));
    json_set(a, o, "inviter", gh_user_json(ctx, json_get_str(inv, "inviter")));
    json_set_str(a, o, "permissions", gh_role_name(gh_level_parse(json_get_str(inv, "permission"))));
    json_set_str(a, o, "created_at", json_get_str(inv, "created_at"));
    json_set_bool(a, o, "expired", invitation_expired(ctx, inv));
    json_set_str(a, o, "url", arena_printf(a, "%s/user/repository_invitations/%lld", gh_base(ctx), (long long)id));
    if (repo) json_set_str(a, o, "html_url", arena_printf(a, "%s/invitations", gh_repo_html(ctx, repo)));
    return o;
}

static json_value *doc_invitation_json(twin_ctx *ctx, const json_value *repo, const json_value *doc)
{
    (void)repo;
    return invitation_json(ctx, doc);
}

static json_value *pending_invitation(twin_ctx *ctx, const char *repo_key, const char *login)
{
    twin_list l = gh_list_repo(ctx, "invitations", repo_key);
    for (size_t i = 0; i < l.n; i++)
        if (str_case_eq(json_get_str(l.items[i], "invitee"), login)) return l.items[i];
    return NULL;
}

static void save_invitation(twin_ctx *ctx, const json_value *inv)
{
    gh_save(ctx, "invitations", json_get(inv, "id")->str, inv, json_get_str(inv, "repo"));
}

json_value *gh_invitation_add(twin_ctx *ctx, const char *repo_key, const char *invitee, const char *inviter,
                              gh_level l, const char *created_at)
{
    arena *a = ctx->a;
    json_value *inv = json_object(a);
    json_set_int(a, inv, "id", gh_next_id(ctx));
    json_set_str(a, inv, "repo", repo_key);
    json_set_str(a, inv, "invitee", invitee);
    json_set_str(a, inv, "inviter", inviter);
    json_set_str(a, inv, "created_at", created_at ? created_at : gh_now_iso(ctx));
    json_set_str(a, inv, "permission", role_keys[l]);
    save_invitation(ctx, inv);
    return inv;
}

static void answer_invitation(twin_ctx *ctx, json_value *repo, const char *login, gh_level l)
{
    const char *key = gh_repo_key(ctx, repo);
    json_value *inv = pending_invitation(ctx, key, login);
    /* Inviting again after the invitation lapsed sends a fresh one. */
    if (inv && invitation_expired(ctx, inv)) {
        twin_doc_delete(ctx, "invitations", json_get(inv, "id")->str);
        inv = NULL;
    }
    if (inv) {
        json_set_str(ctx->a, inv, "permission", role_keys[l]);
        save_invitation(ctx, inv);
    } else {
        inv = gh_invitation_add(ctx, key, login, gh_viewer(ctx), l, NULL);
    }
    gh_reply(ctx, 201, invitation_json(ctx, inv));
}

/* The `member` event GitHub sends when a collaborator joins. */
static void emit_member(twin_ctx *ctx, const json_value *repo, const char *login, gh_level l)
{
    arena *a = ctx->a;
    json_value *p = json_object(a), *changes = json_object(a), *perm = json_object(a), *role = json_object(a);
    json_set_str(a, p, "action", "added");
    json_set(a, p, "member", gh_user_json(ctx, login));
    json_set_str(a, perm, "to", legacy_permission(l));
    json_set(a, changes, "permission", perm);
    json_set_str(a, role, "to", gh_role_name(l));
    json_set(a, changes, "role_name", role);
    json_set(a, p, "changes", changes);
    gh_emit(ctx, repo, "member", p);
}

/* PUT collaborators/{username}: GitHub invites people to personal
 * repositories (where `permission` does not apply: collaborators get
 * write) and outside collaborators to org repositories; org members and
 * existing collaborators change role at once with 204. */
void gh_add_collaborator(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    json_value *acc = gh_account_get(ctx, twin_param(ctx, "username"));
    if (!acc || str_eq(json_get_str(acc, "type"), "Organization")) return gh_not_found(ctx);
    const char *login = json_get_str(acc, "login"), *perm = gh_str_arg(ctx, "permission");
    gh_level l = perm ? gh_level_parse(perm) : GH_PUSH;
    if (l == GH_NONE) return gh_invalid(ctx, "Repository", "permission", "invalid", NULL);
    if (str_case_eq(json_get_str(repo, "owner"), login))
        return gh_invalid(ctx, "Repository", "collaborator", "custom", "Repository owner cannot be a collaborator");
    json_value *org = org_of(ctx, repo);
    if (!org) l = GH_PUSH;
    bool member = org && (listed(json_get(org, "members"), login) || listed(json_get(org, "owners"), login));
    gh_level had = direct_level(repo, login);
    if (had != GH_NONE || member) {
        set_direct(ctx, repo, login, l);
        if (had == GH_NONE) emit_member(ctx, repo, login, l);
        return twin_reply_text(ctx, 204, "application/json", "", 0);
    }
    answer_invitation(ctx, repo, login, l);
}

void gh_remove_collaborator(twin_ctx *ctx)
{
    json_value *repo = gh_repo_get(ctx, twin_param(ctx, "owner"), twin_param(ctx, "repo"));
    const char *viewer = gh_viewer(ctx), *target = twin_param(ctx, "username");
    gh_level have = repo ? gh_access_level(ctx, repo, viewer) : GH_NONE;
    if (have == GH_NONE) return gh_not_found(ctx);
    /* Admins remove anybody; a collaborator may leave on their own. */
    if (have < GH_ADMIN && !str_case_eq(viewer, target)) return deny(ctx, GH_DENY_ADMIN);
    json_value *inv = pending_invitation(ctx, gh_repo_key(ctx, repo), target);
    if (inv) twin_doc_delete(ctx, "invitations", json_get(inv, "id")->str);
    if (direct_level(repo, target) != GH_NONE) set_direct(ctx, repo, target, GH_NONE);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

void gh_list_repo_invitations(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (repo) gh_send_list(ctx, repo, gh_list_repo(ctx, "invitations", gh_repo_key(ctx, repo)), doc_invitation_json);
}

static json_value *repo_invitation(twin_ctx *ctx, const json_value *repo)
{
    json_value *inv = twin_doc_get(ctx, "invitations", twin_param(ctx, "invitation_id"));
    if (!inv || !str_eq(json_get_str(inv, "repo"), gh_repo_key(ctx, repo))) {
        gh_not_found(ctx);
        return NULL;
    }
    return inv;
}

void gh_update_repo_invitation(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *inv = repo ? repo_invitation(ctx, repo) : NULL;
    if (!inv) return;
    const char *perm = gh_str_arg(ctx, "permissions");
    if (perm) {
        gh_level l = gh_level_parse(perm);
        if (l == GH_NONE || str_eq(perm, "pull") || str_eq(perm, "push"))
            return gh_invalid(ctx, "RepositoryInvitation", "permissions", "invalid", NULL);
        json_set_str(ctx->a, inv, "permission", role_keys[org_of(ctx, repo) ? l : GH_PUSH]);
        save_invitation(ctx, inv);
    }
    gh_reply(ctx, 200, invitation_json(ctx, inv));
}

void gh_delete_repo_invitation(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *inv = repo ? repo_invitation(ctx, repo) : NULL;
    if (!inv) return;
    twin_doc_delete(ctx, "invitations", json_get(inv, "id")->str);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

static twin_list viewer_invitations(twin_ctx *ctx)
{
    twin_list l = {0};
    store_list_opts o = {0};
    if (twin_doc_list(ctx, "invitations", &o, &l) != 0) l.n = 0;
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++)
        if (str_case_eq(json_get_str(l.items[i], "invitee"), gh_viewer(ctx))) l.items[n++] = l.items[i];
    l.n = n;
    return l;
}

void gh_list_viewer_invitations(twin_ctx *ctx)
{
    gh_send_list(ctx, NULL, viewer_invitations(ctx), doc_invitation_json);
}

static json_value *viewer_invitation(twin_ctx *ctx)
{
    json_value *inv = twin_doc_get(ctx, "invitations", twin_param(ctx, "invitation_id"));
    if (!inv || !str_case_eq(json_get_str(inv, "invitee"), gh_viewer(ctx))) {
        gh_not_found(ctx);
        return NULL;
    }
    return inv;
}

void gh_accept_invitation(twin_ctx *ctx)
{
    json_value *inv = viewer_invitation(ctx);
    if (!inv) return;
    /* An expired invitation stays listed for the record but cannot be taken up. */
    if (invitation_expired(ctx, inv)) return gh_not_found(ctx);
    json_value *repo = invitation_repo(ctx, inv);
    twin_doc_delete(ctx, "invitations", json_get(inv, "id")->str);
    if (repo) {
        gh_level l = gh_level_parse(json_get_str(inv, "permission"));
        set_direct(ctx, repo, gh_viewer(ctx), l);
        emit_member(ctx, repo, gh_viewer(ctx), l);
    }
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

void gh_decline_invitation(twin_ctx *ctx)
{
    json_value *inv = viewer_invitation(ctx);
    if (!inv) return;
    twin_doc_delete(ctx, "invitations", json_get(inv, "id")->str);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}
