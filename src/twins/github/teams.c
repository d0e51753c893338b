/* GitHub twin: an organization's teams, their members and repositories.
 *
 * A team is kept under "<org>/<slug>" (index org) with
 *   members: [{login, role member|maintainer, state active|pending}]
 *   repos:   [{repo "owner/name" lower-case, permission pull..admin}]
 *   parent_id: the parent team's id or null.
 * A team's members hold its repositories' roles, and those of its
 * ancestors (access.c asks gh_team_level).  Closed teams are visible to
 * every org member, secret ones to org owners and their own members.  Org
 * owners and a team's maintainers manage it.  Someone outside the org who is
 * added to a team is invited to the org (orgs.c) and waits in state
 * "pending", holding nothing until they accept. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "twins/github/github.h"
#include "util/util.h"

#define MAX_TEAM_DEPTH 32   /* guards the parent walk against a corrupted cycle */

/* ---- storage ---- */

static const char *team_key(twin_ctx *ctx, const char *org, const char *slug)
{
    return gh_lower(ctx->a, arena_printf(ctx->a, "%s/%s", org, slug));
}

json_value *gh_team_find(twin_ctx *ctx, const char *org, const char *slug)
{
    if (!org || !slug) return NULL;
    return twin_doc_get(ctx, "teams", team_key(ctx, org, slug));
}

static void forget_access_teams(twin_ctx *ctx);

static void save_team(twin_ctx *ctx, const json_value *team)
{
    forget_access_teams(ctx);
    const char *org = json_get_str(team, "org");
    store_index idx = {"org", gh_lower(ctx->a, org)};
    twin_doc_put(ctx, "teams", team_key(ctx, org, json_get_str(team, "slug")), team, &idx, 1);
}

static void delete_team_doc(twin_ctx *ctx, const json_value *team)
{
    forget_access_teams(ctx);
    twin_doc_delete(ctx, "teams", team_key(ctx, json_get_str(team, "org"), json_get_str(team, "slug")));
}

/* Teams of one org (org NULL: of every org), in creation order. */
static twin_list teams_of(twin_ctx *ctx, const char *org)
{
    twin_list l = {0};
    store_list_opts o = {.index_name = org ? "org" : NULL, .index_value = org ? gh_lower(ctx->a, org) : NULL};
    if (twin_doc_list(ctx, "teams", &o, &l) != 0) l.n = 0;
    return l;
}

static int64_t int_member(const json_value *doc, const char *name)
{
    int64_t v = 0;
    return json_int64(json_get(doc, name), &v) ? v : 0;
}

/* Access checks ask about every team of the org and each one's ancestors:
 * they share one listing per request (kept in gh_req, dropped when a team is
 * written) and walk parents within it.  Its documents are never handed out,
 * so no handler edits them. */
static twin_list access_teams(twin_ctx *ctx, const char *org)
{
    gh_req *r = ctx->principal;
    if (r && r->teams_org && org && str_case_eq(r->teams_org, org)) return r->teams;
    twin_list l = teams_of(ctx, org);
    if (r && org) {
        r->teams_org = org;
        r->teams = l;
    }
    return l;
}

static void forget_access_teams(twin_ctx *ctx)
{
    gh_req *r = ctx->principal;
    if (r) r->teams_org = NULL;
}

static const json_value *listed_team(twin_list l, int64_t id)
{
    for (size_t i = 0; i < l.n; i++)
        if (int_member(l.items[i], "id") == id) return l.items[i];
    return NULL;
}

/* From the request's shared listing (parents, requested teams, rendering
 * every team of a list each asked for it again); a copy, since callers may
 * edit what they get. */
json_value *gh_team_by_id(twin_ctx *ctx, const char *org, int64_t id)
{
    const json_value *t = listed_team(access_teams(ctx, org), id);
    return t ? json_clone(ctx->a, t) : NULL;
}

static json_value *parent_of(twin_ctx *ctx, const json_value *team)
{
    int64_t pid = int_member(team, "parent_id");
    return pid ? gh_team_by_id(ctx, json_get_str(team, "org"), pid) : NULL;
}

/* Whether team is ancestor or one of its descendants. */
static bool descends_from(twin_ctx *ctx, const json_value *team, int64_t ancestor)
{
    const json_value *t = team;
    for (int depth = 0; t && depth < MAX_TEAM_DEPTH; depth++, t = parent_of(ctx, t))
        if (int_member(t, "id") == ancestor) return true;
    return false;
}

/* GitHub's slug: lower-case letters, digits, '_' and '-', other runs become one '-'. */
static char *slugify(arena *a, const char *name)
{
    size_t n = strlen(name), o = 0;
    char *out = arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        bool keep = c < 0x80 && (isalnum(c) || c == '_');
        char next = keep ? (char)tolower(c) : '-';
        if (next == '-' && (o == 0 || out[o - 1] == '-')) continue;
        out[o++] = next;
    }
    while (o && out[o - 1] == '-') o--;
    out[o] = '\0';
    return out;
}

/* ---- memberships and visibility ---- */

static json_value *membership_of(const json_value *team, const char *login)
{
    json_foreach(m, json_get(team, "members")) if (login && str_case_eq(json_get_str(m, "login"), login)) return m;
    return NULL;
}

static bool active_member(const json_value *team, const char *login)
{
    const json_value *m = membership_of(team, login);
    return m && str_eq(json_get_str(m, "state"), "active");
}

static bool can_see(const json_value *org, const json_value *team, const char *viewer)
{
    if (gh_org_owner(org, viewer)) return true;
    if (!gh_org_member(org, viewer)) return false;
    return str_eq(json_get_str(team, "privacy"), "closed") || membership_of(team, viewer);
}

static bool can_manage(const json_value *org, const json_value *team, const char *viewer)
{
    const json_value *m = membership_of(team, viewer);
    return gh_org_owner(org, viewer) ||
           (active_member(team, viewer) && str_eq(json_get_str(m, "role"), "maintainer"));
}

static void set_membership(twin_ctx *ctx, json_value *team, const char *login, const char *role, const char *state)
{
    arena *a = ctx->a;
    json_value *m = membership_of(team, login);
    if (!m) {
        m = json_object(a);
        json_set_str(a, m, "login", login);
        json_push(json_get(team, "members"), m);
    }
    json_set_str(a, m, "role", role);
    json_set_str(a, m, "state", state);
}

static void drop_entry(twin_ctx *ctx, json_value *team, const char *list, const char *field, const char *value)
{
    json_value *kept = json_array(ctx->a);
    json_foreach(e, json_get(team, list))
        if (!str_case_eq(json_get_str(e, field), value)) json_push(kept, json_clone(ctx->a, e));
    json_set(ctx->a, team, list, kept);
}

/* ---- repositories ---- */

static gh_level direct_repo_level(const json_value *team, const char *repo_key)
{
    json_foreach(r, json_get(team, "repos"))
        if (str_eq(json_get_str(r, "repo"), repo_key)) return gh_level_parse(json_get_str(r, "permission"));
    return GH_NONE;
}

/* The role team or an ancestor holds on the repository, ancestors looked up in teams. */
static gh_level repo_level_within(twin_list teams, const json_value *team, const char *repo_key)
{
    gh_level best = GH_NONE;
    const json_value *t = team;
    for (int depth = 0; t && depth < MAX_TEAM_DEPTH; depth++) {
        gh_level l = direct_repo_level(t, repo_key);
        if (l > best) best = l;
        int64_t pid = int_member(t, "parent_id");
        t = pid ? listed_team(teams, pid) : NULL;
    }
    return best;
}

gh_level gh_team_repo_level(twin_ctx *ctx, const json_value *team, const char *repo_key)
{
    return repo_level_within(access_teams(ctx, json_get_str(team, "org")), team, repo_key);
}

gh_level gh_team_level(twin_ctx *ctx, const json_value *org, const char *repo_key, const char *login)
{
    gh_level best = GH_NONE;
    twin_list l = access_teams(ctx, json_get_str(org, "login"));
    for (size_t i = 0; i < l.n; i++) {
        if (!active_member(l.items[i], login)) continue;
        gh_level t = repo_level_within(l, l.items[i], repo_key);
        if (t > best) best = t;
    }
    return best;
}

static void set_repo(twin_ctx *ctx, json_value *team, const char *repo_key, gh_level l)
{
    drop_entry(ctx, team, "repos", "repo", repo_key);
    json_value *e = json_object(ctx->a);
    json_set_str(ctx->a, e, "repo", repo_key);
    json_set_str(ctx->a, e, "permission", gh_role_key(l));
    json_push(json_get(team, "repos"), e);
}

/* ---- rendering ---- */

static const char *team_url(twin_ctx *ctx, const json_value *team)
{
    /* GitHub links teams by ids, which survive a rename. */
    return arena_printf(ctx->a, "%s/organizations/%lld/team/%lld", gh_base(ctx), (long long)int_member(team, "org_id"),
                        (long long)int_member(team, "id"));
}

static json_value *team_simple_json(twin_ctx *ctx, const json_value *team)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    int64_t id = int_member(team, "id");
    const char *u = team_url(ctx, team);
    json_set_int(a, o, "id", id);
    json_set_str(a, o, "node_id", gh_node_id(ctx, "T", id));
    json_set_str(a, o, "url", u);
    json_set_str(a, o, "html_url", arena_printf(a, "%s/orgs/%s/teams/%s", gh_base(ctx), json_get_str(team, "org"),
                                                json_get_str(team, "slug")));
    json_set_str(a, o, "name", json_get_str(team, "name"));
    json_set_str(a, o, "slug", json_get_str(team, "slug"));
    json_set_str(a, o, "description", json_get_str(team, "description"));
    json_set_str(a, o, "privacy", json_get_str(team, "privacy"));
    json_set_str(a, o, "notification_setting", json_get_str(team, "notification_setting"));
    json_set_str(a, o, "permission", json_get_str(team, "permission"));
    json_set_str(a, o, "members_url", arena_printf(a, "%s/members{/member}", u));
    json_set_str(a, o, "repositories_url", arena_printf(a, "%s/repos", u));
    json_set_str(a, o, "type", "organization");
    json_set_int(a, o, "organization_id", int_member(team, "org_id"));
    return o;
}

json_value *gh_team_json(twin_ctx *ctx, const json_value *team)
{
    json_value *o = team_simple_json(ctx, team), *parent = parent_of(ctx, team);
    json_set(ctx->a, o, "parent", parent ? team_simple_json(ctx, parent) : json_null(ctx->a));
    return o;
}

static int64_t active_count(const json_value *team)
{
    int64_t n = 0;
    json_foreach(m, json_get(team, "members")) if (str_eq(json_get_str(m, "state"), "active")) n++;
    return n;
}

static json_value *team_full_json(twin_ctx *ctx, const json_value *team)
{
    arena *a = ctx->a;
    json_value *o = gh_team_json(ctx, team), *org = gh_org_get(ctx, json_get_str(team, "org"));
    json_set_int(a, o, "members_count", active_count(team));
    json_set_int(a, o, "repos_count", (int64_t)json_get(team, "repos")->len);
    json_set_str(a, o, "created_at", json_get_str(team, "created_at"));
    json_set_str(a, o, "updated_at", json_get_str(team, "updated_at"));
    json_value *org_json = org ? gh_org_json(ctx, org) : NULL;
    /* An org without a display name: team-organization has no null name, GitHub leaves it out. */
    if (org_json && json_is_null(json_get(org_json, "name"))) json_remove(org_json, "name");
    if (org_json) json_set(a, o, "organization", org_json);
    return o;
}

/* The team's repository as its repositories list shows it: the team's role in permissions. */
static json_value *team_repo_json(twin_ctx *ctx, const json_value *repo, gh_level l)
{
    return gh_with_role(ctx, gh_repo_json(ctx, repo), l);
}

static json_value *membership_json(twin_ctx *ctx, const json_value *org, const json_value *team, const json_value *m)
{
    arena *a = ctx->a;
    const char *login = json_get_str(m, "login");
    json_value *o = json_object(a);
    json_set_str(a, o, "url", arena_printf(a, "%s/memberships/%s", team_url(ctx, team), login));
    /* GitHub reports org owners as maintainers of the teams they are in. */
    json_set_str(a, o, "role", gh_org_owner(org, login) ? "maintainer" : json_get_str(m, "role"));
    json_set_str(a, o, "state", json_get_str(m, "state"));
    return o;
}

/* ---- loading what a route names ---- */

/* The route's team if the viewer may see it (404 otherwise); manage: and change it (403). */
static json_value *load_team(twin_ctx *ctx, json_value **org_out, bool manage)
{
    json_value *org = gh_org_load(ctx);
    if (!org) return NULL;
    json_value *team = gh_team_find(ctx, json_get_str(org, "login"), twin_param(ctx, "team_slug"));
    const char *viewer = gh_viewer(ctx);
    if (!team || !can_see(org, team, viewer)) {
        gh_not_found(ctx);
        return NULL;
    }
    if (manage && !can_manage(org, team, viewer)) {
        gh_message(ctx, 403, "You must be an organization owner or team maintainer to perform this action.");
        return NULL;
    }
    *org_out = org;
    return team;
}

/* ---- creating and changing teams ---- */

static bool name_taken(twin_ctx *ctx, const char *org, const char *name, const char *slug, int64_t except)
{
    twin_list l = teams_of(ctx, org);
    for (size_t i = 0; i < l.n; i++) {
        if (int_member(l.items[i], "id") == except) continue;
        if (str_case_eq(json_get_str(l.items[i], "name"), name) || str_eq(json_get_str(l.items[i], "slug"), slug))
            return true;
    }
    return false;
}

static json_value *team_new(twin_ctx *ctx, const json_value *org, const char *name)
{
    arena *a = ctx->a;
    json_value *t = json_object(a);
    json_set_int(a, t, "id", gh_next_id(ctx));
    json_set_str(a, t, "org", json_get_str(org, "login"));
    json_set_int(a, t, "org_id", int_member(org, "id"));
    json_set_str(a, t, "name", name);
    json_set_str(a, t, "slug", slugify(a, name));
    json_set_null(a, t, "description");
    json_set_str(a, t, "privacy", "secret");
    json_set_str(a, t, "notification_setting", "notifications_enabled");
    json_set_str(a, t, "permission", "pull");
    json_set_null(a, t, "parent_id");
    json_set(a, t, "members", json_array(a));
    json_set(a, t, "repos", json_array(a));
    const char *now = gh_now_iso(ctx);
    json_set_str(a, t, "created_at", now);
    json_set_str(a, t, "updated_at", now);
    return t;
}

static bool one_of(const char *v, const char *a, const char *b)
{
    return str_eq(v, a) || str_eq(v, b);
}

/* Applies the settings of a create or update body to team; answers 422 and
 * returns false on a bad one.  Nothing is saved here. */
static bool apply_settings(twin_ctx *ctx, const json_value *org, json_value *team, bool creating)
{
    arena *a = ctx->a;
    const char *org_login = json_get_str(org, "login");
    json_value *name = twin_input(ctx, "name");
    if (name && (!json_str(name) || !*slugify(a, name->str))) {
        gh_invalid(ctx, "Team", "name", "invalid", NULL);
        return false;
    }
    if (name) {
        const char *slug = slugify(a, name->str);
        if (name_taken(ctx, org_login, name->str, slug, int_member(team, "id"))) {
            gh_invalid(ctx, "Team", "name", "custom", "Name must be unique for this org");
            return false;
        }
        json_set_str(a, team, "name", name->str);
        json_set_str(a, team, "slug", slug);
    }
    json_value *desc = twin_input(ctx, "description");
    if (desc) json_set(a, team, "description", json_str(desc) ? json_clone(a, desc) : json_null(a));
    static const struct { const char *field, *a, *b; } choices[] = {
        {"privacy", "secret", "closed"},
        {"notification_setting", "notifications_enabled", "notifications_disabled"},
        {"permission", "pull", "push"},
    };
    for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++) {
        json_value *v = twin_input(ctx, choices[i].field);
        if (!v) continue;
        if (!one_of(json_str(v), choices[i].a, choices[i].b)) {
            gh_invalid(ctx, "Team", choices[i].field, "invalid", NULL);
            return false;
        }
        json_set_str(a, team, choices[i].field, v->str);
    }
    json_value *parent = twin_input(ctx, "parent_team_id");
    if (parent && !json_is_null(parent)) {
        int64_t pid = 0;
        if (!json_int64(parent, &pid) && json_str(parent)) pid = strtoll(parent->str, NULL, 10);
        json_value *p = pid ? gh_team_by_id(ctx, org_login, pid) : NULL;
        if (!p || (!creating && descends_from(ctx, p, int_member(team, "id")))) {
            gh_invalid(ctx, "Team", "parent_team_id", "invalid", NULL);
            return false;
        }
        json_set_int(a, team, "parent_id", pid);
        /* A nested team is visible to the org: GitHub makes it closed unless told otherwise, and
         * refuses a secret one. */
        if (!twin_input(ctx, "privacy")) json_set_str(a, team, "privacy", "closed");
    } else if (parent) {
        json_set_null(a, team, "parent_id");
    }
    if (int_member(team, "parent_id") && str_eq(json_get_str(team, "privacy"), "secret")) {
        gh_invalid(ctx, "Team", "privacy", "invalid", NULL);
        return false;
    }
    return true;
}

/* maintainers[] of a create body: logins of org members. */
static bool add_maintainers(twin_ctx *ctx, const json_value *org, json_value *team)
{
    json_foreach(m, twin_input(ctx, "maintainers")) {
        json_value *acc = gh_account_get(ctx, json_str(m));
        if (!acc || !gh_org_member(org, json_get_str(acc, "login"))) {
            gh_invalid(ctx, "Team", "maintainers", "invalid", NULL);
            return false;
        }
        set_membership(ctx, team, json_get_str(acc, "login"), "maintainer", "active");
    }
    return true;
}

/* repo_names[] of a create body: "org/name" of the org's repositories, given the team's permission. */
static bool add_repo_names(twin_ctx *ctx, const json_value *org, json_value *team)
{
    json_foreach(r, twin_input(ctx, "repo_names")) {
        const char *full = json_str(r), *slash = full ? strchr(full, '/') : NULL;
        json_value *repo = slash ? gh_repo_get(ctx, arena_strndup(ctx->a, full, (size_t)(slash - full)), slash + 1)
                                 : gh_repo_get(ctx, json_get_str(org, "login"), full);
        if (!repo || !str_case_eq(json_get_str(repo, "owner"), json_get_str(org, "login"))) {
            gh_invalid(ctx, "Team", "repo_names", "invalid", NULL);
            return false;
        }
        set_repo(ctx, team, gh_repo_key(ctx, repo), gh_level_parse(json_get_str(team, "permission")));
    }
    return true;
}

void gh_create_team(twin_ctx *ctx)
{
    json_value *org = gh_org_load(ctx);
    if (!org) return;
    const char *viewer = gh_viewer(ctx);
    if (!gh_org_member(org, viewer)) return gh_message(ctx, 403, "You must be a member of this organization to create a team.");
    if (!twin_input(ctx, "name")) return gh_invalid(ctx, "Team", "name", "missing_field", NULL);
    json_value *team = team_new(ctx, org, "");
    if (!apply_settings(ctx, org, team, true)) return;
    /* The creator maintains the new team. */
    set_membership(ctx, team, viewer, "maintainer", "active");
    if (!add_maintainers(ctx, org, team) || !add_repo_names(ctx, org, team)) return;
    save_team(ctx, team);
    gh_reply(ctx, 201, team_full_json(ctx, team));
}

void gh_list_teams(twin_ctx *ctx)
{
    json_value *org = gh_org_load(ctx);
    if (!org) return;
    const char *viewer = gh_viewer(ctx);
    if (!gh_org_member(org, viewer)) return gh_message(ctx, 403, "You must be a member of this organization to list its teams.");
    twin_list l = teams_of(ctx, json_get_str(org, "login"));
    json_value *out = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++)
        if (can_see(org, l.items[i], viewer)) json_push(out, gh_team_json(ctx, l.items[i]));
    gh_send_page(ctx, out);
}

void gh_get_team(twin_ctx *ctx)
{
    json_value *org = NULL, *team = load_team(ctx, &org, false);
    if (team) gh_reply(ctx, 200, team_full_json(ctx, team));
}

void gh_update_team(twin_ctx *ctx)
{
    json_value *org = NULL, *team = load_team(ctx, &org, true);
    if (!team) return;
    json_value *before = json_clone(ctx->a, team);
    if (!apply_settings(ctx, org, team, false)) return;
    if (json_equal(before, team)) return gh_reply(ctx, 200, team_full_json(ctx, team));
    json_set_str(ctx->a, team, "updated_at", gh_now_iso(ctx));
    if (!str_eq(json_get_str(before, "slug"), json_get_str(team, "slug"))) delete_team_doc(ctx, before);
    save_team(ctx, team);
    gh_reply(ctx, 201, team_full_json(ctx, team));
}

void gh_delete_team(twin_ctx *ctx)
{
    json_value *org = NULL, *team = load_team(ctx, &org, true);
    if (!team) return;
    /* Child teams go with their parent. */
    int64_t id = int_member(team, "id");
    twin_list l = teams_of(ctx, json_get_str(org, "login"));
    /* Decided before deleting anything: a deleted parent would cut its children's line. */
    bool *doomed = arena_zalloc(ctx->a, l.n + 1);
    for (size_t i = 0; i < l.n; i++) doomed[i] = descends_from(ctx, l.items[i], id);
    for (size_t i = 0; i < l.n; i++)
        if (doomed[i]) delete_team_doc(ctx, l.items[i]);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

/* ---- members ---- */

void gh_get_team_membership(twin_ctx *ctx)
{
    json_value *org = NULL, *team = load_team(ctx, &org, false);
    if (!team) return;
    json_value *m = membership_of(team, twin_param(ctx, "username"));
    if (!m) return gh_not_found(ctx);
    gh_reply(ctx, 200, membership_json(ctx, org, team, m));
}

void gh_set_team_membership(twin_ctx *ctx)
{
    json_value *org = NULL, *team = load_team(ctx, &org, true);
    if (!team) return;
    const char *role = gh_str_arg(ctx, "role");
    if (twin_input(ctx, "role") && !one_of(role, "member", "maintainer"))
        return gh_invalid(ctx, "TeamMember", "role", "invalid", NULL);
    json_value *acc = gh_account_get(ctx, twin_param(ctx, "username"));
    if (!acc) return gh_not_found(ctx);
    if (str_eq(json_get_str(acc, "type"), "Organization"))
        return gh_invalid(ctx, "TeamMember", "user", "invalid", "An organization cannot be a team member");
    const char *login = json_get_str(acc, "login");
    json_value *had = membership_of(team, login);
    if (!role) role = had ? json_get_str(had, "role") : "member";
    /* Outsiders are invited to the org; their team membership waits for them. */
    bool member = gh_org_member(org, login);
    if (!member) gh_org_invite(ctx, org, login, false, gh_viewer(ctx));
    set_membership(ctx, team, login, role, member ? "active" : "pending");
    save_team(ctx, team);
    gh_reply(ctx, 200, membership_json(ctx, org, team, membership_of(team, login)));
}

void gh_remove_team_membership(twin_ctx *ctx)
{
    json_value *org = NULL, *team = load_team(ctx, &org, true);
    if (!team) return;
    const char *login = twin_param(ctx, "username");
    if (!gh_account_get(ctx, login)) return gh_not_found(ctx);
    drop_entry(ctx, team, "members", "login", login);
    save_team(ctx, team);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

void gh_list_team_members(twin_ctx *ctx)
{
    json_value *org = NULL, *team = load_team(ctx, &org, false);
    if (!team) return;
    const char *role = json_get_str(ctx->query, "role");
    if (role && !str_eq(role, "all") && !one_of(role, "member", "maintainer"))
        return gh_invalid(ctx, "TeamMember", "role", "invalid", NULL);
    json_value *out = json_array(ctx->a);
    json_foreach(m, json_get(team, "members")) {
        if (!str_eq(json_get_str(m, "state"), "active")) continue;
        const char *r = json_get_str(membership_json(ctx, org, team, m), "role");
        if (role && !str_eq(role, "all") && !str_eq(role, r)) continue;
        json_push(out, gh_user_json(ctx, json_get_str(m, "login")));
    }
    gh_send_page(ctx, out);
}

/* ---- org membership changes (orgs.c) ---- */

void gh_teams_drop_member(twin_ctx *ctx, const char *org, const char *login)
{
    twin_list l = teams_of(ctx, org);
    for (size_t i = 0; i < l.n; i++) {
        if (!membership_of(l.items[i], login)) continue;
        drop_entry(ctx, l.items[i], "members", "login", login);
        save_team(ctx, l.items[i]);
    }
}

void gh_teams_activate(twin_ctx *ctx, const char *org, const char *login)
{
    twin_list l = teams_of(ctx, org);
    for (size_t i = 0; i < l.n; i++) {
        json_value *m = membership_of(l.items[i], login);
        if (!m || str_eq(json_get_str(m, "state"), "active")) continue;
        json_set_str(ctx->a, m, "state", "active");
        save_team(ctx, l.items[i]);
    }
}

int64_t gh_teams_pending(twin_ctx *ctx, const char *org, const char *login)
{
    int64_t n = 0;
    twin_list l = teams_of(ctx, org);
    for (size_t i = 0; i < l.n; i++) {
        const json_value *m = membership_of(l.items[i], login);
        if (m && str_eq(json_get_str(m, "state"), "pending")) n++;
    }
    return n;
}

/* ---- repositories ---- */

void gh_list_team_repos(twin_ctx *ctx)
{
    json_value *org = NULL, *team = load_team(ctx, &org, false);
    if (!team) return;
    json_value *out = json_array(ctx->a);
    json_foreach(e, json_get(team, "repos")) {
        const char *key = json_get_str(e, "repo"), *slash = strchr(key, '/');
        json_value *repo = gh_repo_get(ctx, arena_strndup(ctx->a, key, (size_t)(slash - key)), slash + 1);
        if (repo && gh_access_level(ctx, repo, gh_viewer(ctx)) != GH_NONE)
            json_push(out, team_repo_json(ctx, repo, gh_level_parse(json_get_str(e, "permission"))));
    }
    gh_send_page(ctx, out);
}

/* The route's {owner}/{repo} when the viewer can see it; 404 otherwise. */
static json_value *visible_repo(twin_ctx *ctx)
{
    json_value *repo = gh_repo_get(ctx, twin_param(ctx, "owner"), twin_param(ctx, "repo"));
    if (!repo || gh_access_level(ctx, repo, gh_viewer(ctx)) == GH_NONE) {
        gh_not_found(ctx);
        return NULL;
    }
    return repo;
}

void gh_check_team_repo(twin_ctx *ctx)
{
    json_value *org = NULL, *team = load_team(ctx, &org, false), *repo = team ? visible_repo(ctx) : NULL;
    if (!repo) return;
    gh_level l = gh_team_repo_level(ctx, team, gh_repo_key(ctx, repo));
    if (l == GH_NONE) return gh_not_found(ctx);
    /* The repository media type asks for the repository itself. */
    const char *accept = http_header_get(ctx->req, "Accept");
    if (accept && (strstr(accept, "vnd.github.v3.repository") || strstr(accept, "vnd.github.repository")))
        return gh_reply(ctx, 200, team_repo_json(ctx, repo, l));
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

void gh_set_team_repo(twin_ctx *ctx)
{
    json_value *org = NULL, *team = load_team(ctx, &org, true), *repo = team ? visible_repo(ctx) : NULL;
    if (!repo) return;
    if (!str_case_eq(json_get_str(repo, "owner"), json_get_str(org, "login")))
        return gh_invalid(ctx, "Team", "repository", "invalid", "Repository is not owned by the organization");
    if (gh_access_level(ctx, repo, gh_viewer(ctx)) < GH_ADMIN)
        return gh_message(ctx, 403, "Must have admin rights to Repository.");
    const char *perm = gh_str_arg(ctx, "permission");
    gh_level l = gh_level_parse(perm ? perm : json_get_str(team, "permission"));
    if (l == GH_NONE || (perm && (str_eq(perm, "read") || str_eq(perm, "write"))))
        return gh_invalid(ctx, "Team", "permission", "invalid", NULL);
    set_repo(ctx, team, gh_repo_key(ctx, repo), l);
    save_team(ctx, team);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

void gh_remove_team_repo(twin_ctx *ctx)
{
    json_value *org = NULL, *team = load_team(ctx, &org, true), *repo = team ? visible_repo(ctx) : NULL;
    if (!repo) return;
    drop_entry(ctx, team, "repos", "repo", gh_repo_key(ctx, repo));
    save_team(ctx, team);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

void gh_list_repo_teams(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    json_value *out = json_array(ctx->a), *org = gh_org_get(ctx, json_get_str(repo, "owner"));
    const char *key = gh_repo_key(ctx, repo), *viewer = gh_viewer(ctx);
    twin_list l = org ? teams_of(ctx, json_get_str(org, "login")) : (twin_list){0};
    for (size_t i = 0; i < l.n; i++) {
        gh_level lv = direct_repo_level(l.items[i], key);
        if (lv == GH_NONE || !can_see(org, l.items[i], viewer)) continue;
        json_value *o = gh_team_json(ctx, l.items[i]);
        json_set_str(ctx->a, o, "permission", gh_role_key(lv));
        json_set(ctx->a, o, "permissions", gh_permissions_json(ctx, lv));
        json_push(out, o);
    }
    gh_send_page(ctx, out);
}

void gh_list_viewer_teams(twin_ctx *ctx)
{
    twin_list l = teams_of(ctx, NULL);
    json_value *out = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++)
        if (active_member(l.items[i], gh_viewer(ctx))) json_push(out, team_full_json(ctx, l.items[i]));
    gh_send_page(ctx, out);
}

/* ---- seeding ---- */

static int seed_error(twin_ctx *ctx, const char **error, const char *org, const char *team, const char *what)
{
    *error = arena_printf(ctx->a, "github.orgs[%s].teams[%s]: %s", org, team, what);
    return -1;
}

static int seed_people(twin_ctx *ctx, const json_value *org, json_value *team, const json_value *in, const char **error)
{
    static const char *const lists[] = {"members", "maintainers"};
    for (int k = 0; k < 2; k++)
        json_foreach(m, json_get(in, lists[k])) {
            const char *login = json_str(m);
            if (!gh_org_member(org, login))
                return seed_error(ctx, error, json_get_str(org, "login"), json_get_str(team, "name"),
                                  arena_printf(ctx->a, "%s is not a member of the org", login ? login : "?"));
            set_membership(ctx, team, login, k ? "maintainer" : "member", "active");
        }
    return 0;
}

static int seed_repos(twin_ctx *ctx, const json_value *org, json_value *team, const json_value *in, const char **error)
{
    const char *org_login = json_get_str(org, "login");
    json_foreach(r, json_get(in, "repos")) {
        json_value *repo = gh_repo_get(ctx, org_login, json_get_str(r, "name"));
        const char *perm = json_get_str(r, "permission");
        gh_level l = gh_level_parse(perm ? perm : json_get_str(team, "permission"));
        if (!repo || l == GH_NONE)
            return seed_error(ctx, error, org_login, json_get_str(team, "name"),
                              arena_printf(ctx->a, "no repository %s/%s or bad permission", org_login,
                                           json_get_str(r, "name")));
        set_repo(ctx, team, gh_repo_key(ctx, repo), l);
    }
    return 0;
}

int gh_teams_seed(twin_ctx *ctx, const json_value *org, const json_value *teams, int64_t *count, const char **error)
{
    arena *a = ctx->a;
    const char *org_login = json_get_str(org, "login");
    json_foreach(in, teams) {
        const char *name = json_get_str(in, "name");
        if (!name || !*slugify(a, name)) return seed_error(ctx, error, org_login, "?", "a team needs a name");
        if (name_taken(ctx, org_login, name, slugify(a, name), 0))
            return seed_error(ctx, error, org_login, name, "the name is taken");
        json_value *team = team_new(ctx, org, name);
        json_set_str(a, team, "description", json_get_str(in, "description"));
        const char *parent = json_get_str(in, "parent");
        if (parent) {
            json_value *p = gh_team_find(ctx, org_login, slugify(a, parent));
            if (!p) return seed_error(ctx, error, org_login, name, "the parent must be listed before it");
            json_set(a, team, "parent_id", json_clone(a, json_get(p, "id")));
        }
        const char *privacy = json_get_str(in, "privacy"), *perm = json_get_str(in, "permission");
        json_set_str(a, team, "privacy", privacy ? privacy : parent ? "closed" : "secret");
        if (perm) json_set_str(a, team, "permission", perm);
        if (seed_people(ctx, org, team, in, error) != 0 || seed_repos(ctx, org, team, in, error) != 0) return -1;
        save_team(ctx, team);
        (*count)++;
    }
    return 0;
}
