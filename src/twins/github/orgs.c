/* GitHub twin: organization membership.
 *
 * The org's account record keeps members[] (owners included), owners[] and
 * invitations[]: people asked to join and not yet answering, as
 * [{id, login, role direct_member|admin, inviter, created_at}].  Adding
 * someone from outside (PUT /orgs/{org}/memberships/{username}, or to a
 * team, teams.c) files an invitation: their membership reads "pending" and
 * grants nothing until they accept it (PATCH /user/memberships/orgs/{org}),
 * when their pending team memberships become active too.  Leaving the org
 * takes its teams with it.  Owners manage; the twin keeps no publicized
 * members, so outsiders see none. */
#include <string.h>

#include "twins/github/github.h"
#include "util/util.h"

static void unlist(twin_ctx *ctx, json_value *org, const char *list, const char *login)
{
    json_value *kept = json_array(ctx->a);
    json_foreach(m, json_get(org, list)) if (!str_case_eq(json_str(m), login)) json_push(kept, json_clone(ctx->a, m));
    json_set(ctx->a, org, list, kept);
}

static json_value *invitation_of(const json_value *org, const char *login)
{
    json_foreach(i, json_get(org, "invitations")) if (login && str_case_eq(json_get_str(i, "login"), login)) return i;
    return NULL;
}

static void drop_invitation(twin_ctx *ctx, json_value *org, const char *login)
{
    json_value *kept = json_array(ctx->a);
    json_foreach(i, json_get(org, "invitations"))
        if (!str_case_eq(json_get_str(i, "login"), login)) json_push(kept, json_clone(ctx->a, i));
    json_set(ctx->a, org, "invitations", kept);
}

/* Writes the org back; access checks read the org once per request
 * (access.c), so that reading is dropped. */
static void save_org(twin_ctx *ctx, const json_value *org)
{
    twin_doc_put(ctx, "accounts", gh_lower(ctx->a, json_get_str(org, "login")), org, NULL, 0);
    gh_req *r = ctx->principal;
    if (r) r->org_owner = NULL;
}

json_value *gh_org_invite(twin_ctx *ctx, json_value *org, const char *login, bool admin, const char *inviter)
{
    arena *a = ctx->a;
    if (!json_get(org, "invitations")) json_set(a, org, "invitations", json_array(a));
    json_value *inv = invitation_of(org, login);
    if (!inv) {
        inv = json_object(a);
        json_set_int(a, inv, "id", gh_next_id(ctx));
        json_set_str(a, inv, "login", login);
        json_set_str(a, inv, "inviter", inviter);
        json_set_str(a, inv, "created_at", gh_now_iso(ctx));
        json_push(json_get(org, "invitations"), inv);
    }
    json_set_str(a, inv, "role", admin ? "admin" : "direct_member");
    save_org(ctx, org);
    return inv;
}

/* Makes login an active member, an owner when admin. */
static void set_member(twin_ctx *ctx, json_value *org, const char *login, bool admin)
{
    if (!gh_org_member(org, login)) json_push(json_get(org, "members"), json_string(ctx->a, login));
    bool owner = gh_org_owner(org, login);
    if (admin && !owner) json_push(json_get(org, "owners"), json_string(ctx->a, login));
    if (!admin && owner) unlist(ctx, org, "owners", login);
}

/* ---- rendering ---- */

static json_value *org_simple_json(twin_ctx *ctx, const json_value *org)
{
    static const char *const keep[] = {"login", "id", "node_id", "url", "repos_url", "events_url", "hooks_url",
                                       "issues_url", "members_url", "public_members_url", "avatar_url",
                                       "description"};
    json_value *full = gh_org_json(ctx, org), *o = json_object(ctx->a);
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
        json_set(ctx->a, o, keep[i], json_clone(ctx->a, json_get(full, keep[i])));
    return o;
}

static json_value *membership_json(twin_ctx *ctx, const json_value *org, const char *login)
{
    arena *a = ctx->a;
    const char *org_login = json_get_str(org, "login");
    const json_value *inv = invitation_of(org, login);
    bool active = gh_org_member(org, login);
    bool admin = active ? gh_org_owner(org, login) : str_eq(json_get_str(inv, "role"), "admin");
    const char *org_url = arena_printf(a, "%s/orgs/%s", gh_base(ctx), org_login);
    json_value *o = json_object(a);
    json_set_str(a, o, "url", arena_printf(a, "%s/memberships/%s", org_url, login));
    json_set_str(a, o, "state", active ? "active" : "pending");
    json_set_str(a, o, "role", admin ? "admin" : "member");
    json_set_str(a, o, "organization_url", org_url);
    json_set(a, o, "organization", org_simple_json(ctx, org));
    json_set(a, o, "user", gh_user_json(ctx, login));
    return o;
}

static json_value *invitation_json(twin_ctx *ctx, const json_value *org, const json_value *inv)
{
    arena *a = ctx->a;
    int64_t id = 0, org_id = 0;
    json_int64(json_get(inv, "id"), &id);
    json_int64(json_get(org, "id"), &org_id);
    const char *login = json_get_str(inv, "login"), *inviter = json_get_str(inv, "inviter");
    json_value *o = json_object(a);
    json_set_int(a, o, "id", id);
    json_set_str(a, o, "node_id", gh_node_id(ctx, "OI", id));
    json_set_str(a, o, "login", login);
    json_set_null(a, o, "email");
    json_set_str(a, o, "role", json_get_str(inv, "role"));
    json_set_str(a, o, "created_at", json_get_str(inv, "created_at"));
    json_set_null(a, o, "failed_at");
    json_set_null(a, o, "failed_reason");
    json_foreach(owner, json_get(org, "owners")) if (!inviter) inviter = json_str(owner);
    json_set(a, o, "inviter", gh_user_json(ctx, inviter));
    json_set_int(a, o, "team_count", gh_teams_pending(ctx, json_get_str(org, "login"), login));
    json_set_str(a, o, "invitation_teams_url",
                 arena_printf(a, "%s/organizations/%lld/invitations/%lld/teams", gh_base(ctx), (long long)org_id,
                              (long long)id));
    json_set_str(a, o, "invitation_source", "member");
    return o;
}

/* ---- loading ---- */

/* The route's org when the viewer owns it; 403 with message otherwise. */
static json_value *load_owned_org(twin_ctx *ctx, const char *message)
{
    json_value *org = gh_org_load(ctx);
    if (org && !gh_org_owner(org, gh_viewer(ctx))) {
        gh_message(ctx, 403, message);
        return NULL;
    }
    return org;
}

/* ---- /orgs/{org}/members ---- */

void gh_list_org_members(twin_ctx *ctx)
{
    json_value *org = gh_org_load(ctx);
    if (!org) return;
    const char *role = json_get_str(ctx->query, "role"), *filter = json_get_str(ctx->query, "filter");
    if (role && !str_eq(role, "all") && !str_eq(role, "admin") && !str_eq(role, "member"))
        return gh_invalid(ctx, "Organization", "role", "invalid", NULL);
    if (filter && !str_eq(filter, "all") && !str_eq(filter, "2fa_disabled") && !str_eq(filter, "2fa_insecure"))
        return gh_invalid(ctx, "Organization", "filter", "invalid", NULL);
    json_value *out = json_array(ctx->a);
    /* Outsiders see publicized members only, and nobody publicizes here.  Nobody lacks 2FA either. */
    bool insider = gh_org_member(org, gh_viewer(ctx)), twofa = filter && !str_eq(filter, "all");
    json_foreach(m, insider && !twofa ? json_get(org, "members") : NULL) {
        bool owner = gh_org_owner(org, json_str(m));
        if (role && ((str_eq(role, "admin") && !owner) || (str_eq(role, "member") && owner))) continue;
        json_push(out, gh_user_json(ctx, json_str(m)));
    }
    gh_send_page(ctx, out);
}

void gh_check_org_member(twin_ctx *ctx)
{
    json_value *org = gh_org_load(ctx);
    if (!org) return;
    const char *login = twin_param(ctx, "username");
    if (!gh_org_member(org, gh_viewer(ctx))) {
        /* An outsider is sent to the public membership check. */
        http_set_header(ctx->req, "Location", arena_printf(ctx->a, "%s/orgs/%s/public_members/%s", gh_base(ctx),
                                                           json_get_str(org, "login"), login));
        return twin_reply_text(ctx, 302, NULL, "", 0);
    }
    if (!gh_org_member(org, login)) return gh_not_found(ctx);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

void gh_list_public_members(twin_ctx *ctx)
{
    if (gh_org_load(ctx)) gh_send_page(ctx, json_array(ctx->a));
}

void gh_check_public_member(twin_ctx *ctx)
{
    if (gh_org_load(ctx)) gh_not_found(ctx);
}

/* Takes login out of the org and its teams; false when they were not in it. */
static bool leave_org(twin_ctx *ctx, json_value *org, const char *login)
{
    bool member = gh_org_member(org, login), invited = invitation_of(org, login) != NULL;
    if (!member && !invited) return false;
    unlist(ctx, org, "members", login);
    unlist(ctx, org, "owners", login);
    drop_invitation(ctx, org, login);
    save_org(ctx, org);
    gh_teams_drop_member(ctx, json_get_str(org, "login"), login);
    return true;
}

void gh_remove_org_member(twin_ctx *ctx)
{
    json_value *org = load_owned_org(ctx, "You must be an admin to remove organization members.");
    if (!org) return;
    const char *login = twin_param(ctx, "username");
    if (!gh_account_get(ctx, login)) return gh_not_found(ctx);
    if (gh_org_member(org, login)) leave_org(ctx, org, login);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

/* ---- /orgs/{org}/memberships/{username} ---- */

void gh_get_org_membership(twin_ctx *ctx)
{
    json_value *org = gh_org_load(ctx);
    if (!org) return;
    const char *login = twin_param(ctx, "username"), *viewer = gh_viewer(ctx);
    bool self = viewer && str_case_eq(viewer, login);
    if (!gh_org_member(org, viewer) && !self) {
        const char *fmt = "You must be a member of %s to see membership information for %s.";
        return gh_message(ctx, 403, arena_printf(ctx->a, fmt, json_get_str(org, "login"), login));
    }
    json_value *acc = gh_account_get(ctx, login);
    login = json_get_str(acc, "login");
    if (!acc || (!gh_org_member(org, login) && !invitation_of(org, login))) return gh_not_found(ctx);
    gh_reply(ctx, 200, membership_json(ctx, org, login));
}

void gh_set_org_membership(twin_ctx *ctx)
{
    json_value *org = load_owned_org(ctx, "You must be an admin to add or update an organization membership.");
    if (!org) return;
    const char *role = gh_str_arg(ctx, "role");
    if (twin_input(ctx, "role") && !str_eq(role, "admin") && !str_eq(role, "member"))
        return gh_invalid(ctx, "Membership", "role", "invalid", NULL);
    json_value *acc = gh_account_get(ctx, twin_param(ctx, "username"));
    if (!acc) return gh_not_found(ctx);
    if (str_eq(json_get_str(acc, "type"), "Organization"))
        return gh_invalid(ctx, "Membership", "user", "invalid", "An organization cannot be a member");
    const char *login = json_get_str(acc, "login"), *viewer = gh_viewer(ctx);
    if (gh_org_member(org, login)) {
        bool admin = role ? str_eq(role, "admin") : gh_org_owner(org, login);
        if (!admin && str_case_eq(login, viewer) && gh_org_owner(org, login))
            return gh_message(ctx, 403, "You cannot demote yourself. Admins must be demoted by another admin.");
        set_member(ctx, org, login, admin);
        save_org(ctx, org);
    } else {
        gh_org_invite(ctx, org, login, str_eq(role, "admin"), viewer);
    }
    gh_reply(ctx, 200, membership_json(ctx, org, login));
}

void gh_remove_org_membership(twin_ctx *ctx)
{
    json_value *org = load_owned_org(ctx, "You must be an admin to remove organization members.");
    if (!org) return;
    json_value *acc = gh_account_get(ctx, twin_param(ctx, "username"));
    if (!acc || !leave_org(ctx, org, json_get_str(acc, "login"))) return gh_not_found(ctx);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

void gh_list_org_invitations(twin_ctx *ctx)
{
    json_value *org = gh_org_load(ctx);
    if (!org) return;
    /* GitHub hides an org's invitations from all but its owners. */
    if (!gh_org_owner(org, gh_viewer(ctx))) return gh_not_found(ctx);
    json_value *out = json_array(ctx->a);
    json_foreach(i, json_get(org, "invitations")) json_push(out, invitation_json(ctx, org, i));
    gh_send_page(ctx, out);
}

/* ---- /user/memberships/orgs ---- */

static bool affiliated(const json_value *org, const char *login)
{
    return gh_org_member(org, login) || invitation_of(org, login);
}

void gh_list_viewer_org_memberships(twin_ctx *ctx)
{
    const char *state = json_get_str(ctx->query, "state"), *viewer = gh_viewer(ctx);
    if (state && !str_eq(state, "active") && !str_eq(state, "pending"))
        return gh_invalid(ctx, "Membership", "state", "invalid", NULL);
    twin_list l = {0};
    store_list_opts o = {0};
    if (twin_doc_list(ctx, "accounts", &o, &l) != 0) l.n = 0;
    json_value *out = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++) {
        const json_value *acc = l.items[i];
        if (!str_eq(json_get_str(acc, "type"), "Organization") || !affiliated(acc, viewer)) continue;
        json_value *m = membership_json(ctx, acc, viewer);
        if (!state || str_eq(state, json_get_str(m, "state"))) json_push(out, m);
    }
    gh_send_page(ctx, out);
}

/* The route's org when the viewer belongs to it or is invited; 404 otherwise. */
static json_value *load_affiliated_org(twin_ctx *ctx)
{
    json_value *org = gh_org_get(ctx, twin_param(ctx, "org"));
    if (!org || !affiliated(org, gh_viewer(ctx))) {
        gh_not_found(ctx);
        return NULL;
    }
    return org;
}

void gh_get_viewer_org_membership(twin_ctx *ctx)
{
    json_value *org = load_affiliated_org(ctx);
    if (org) gh_reply(ctx, 200, membership_json(ctx, org, gh_viewer(ctx)));
}

void gh_update_viewer_org_membership(twin_ctx *ctx)
{
    json_value *org = load_affiliated_org(ctx);
    if (!org) return;
    json_value *state = twin_input(ctx, "state");
    if (!state) return gh_invalid(ctx, "Membership", "state", "missing_field", NULL);
    if (!str_eq(json_str(state), "active")) return gh_invalid(ctx, "Membership", "state", "invalid", NULL);
    const char *viewer = json_get_str(gh_account_get(ctx, gh_viewer(ctx)), "login");
    const json_value *inv = invitation_of(org, viewer);
    if (inv) {
        set_member(ctx, org, viewer, str_eq(json_get_str(inv, "role"), "admin"));
        drop_invitation(ctx, org, viewer);
        save_org(ctx, org);
        gh_teams_activate(ctx, json_get_str(org, "login"), viewer);
    }
    gh_reply(ctx, 200, membership_json(ctx, org, viewer));
}
