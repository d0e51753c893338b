/* Dropbox twin: the account (the users namespace), account tiers and their storage
 * quota (with the admin endpoint), shared links, check/user, token revoke,
 * and the app's webhook notifications. */
#include <stdio.h>
#include <string.h>


#include "engine/env.h"
#include "engine/webhooks.h"
#include "twins/dropbox/dropbox.h"
#include "util/util.h"

/* ---- tiers and quota ---- */

static const struct {
    const char *tier;
    int64_t bytes;
    const char *account_type;
} tiers[] = {
    {"basic", 2000000000LL, "basic"},
    {"plus", 2000000000000LL, "pro"},
    {"professional", 3000000000000LL, "pro"},
    {"business", 5000000000000LL, "business"},
};

static int tier_index(const char *t)
{
    for (size_t i = 0; t && i < sizeof tiers / sizeof tiers[0]; i++)
        if (str_eq(tiers[i].tier, t)) return (int)i;
    return -1;
}

const char *dbx_tier(twin_ctx *ctx)
{
    const char *t = json_get_str(twin_doc_get(ctx, "meta", "tier"), "account_tier");
    if (tier_index(t) < 0) t = json_get_str(ctx->config, "account_tier");
    return tier_index(t) >= 0 ? t : "basic";
}

static int64_t config_int(twin_ctx *ctx, const char *key, int64_t fallback)
{
    int64_t v;
    return json_int64(json_get(ctx->config, key), &v) && v >= 0 ? v : fallback;
}

int64_t dbx_allocated_bytes(twin_ctx *ctx)
{
    /* An explicit storage_quota_limit wins over the tier's allocation. */
    return config_int(ctx, "storage_quota_limit", tiers[tier_index(dbx_tier(ctx))].bytes);
}

/* Bytes held by files, kept in "_usage" as entries are written and deleted
 * so that a quota check does not read every file.  Counted from the entries
 * once when the record is missing (after a store reset, or state written
 * before the counter existed); baselines save and restore it with them. */
static int64_t file_bytes(twin_ctx *ctx)
{
    int64_t n = 0;
    json_value *u = twin_doc_get(ctx, "_usage", "files");
    if (u && json_int64(json_get(u, "bytes"), &n)) return n;
    json_value *all = twin_doc_all(ctx, "entries");
    json_foreach(e, all) {
        int64_t size;
        if (json_int64(json_get(e, "size"), &size)) n += size;
    }
    return n;
}

void dbx_usage_add(twin_ctx *ctx, int64_t delta)
{
    json_value *u = json_object(ctx->a);
    json_set_int(ctx->a, u, "bytes", file_bytes(ctx) + delta);
    twin_doc_put(ctx, "_usage", "files", u, NULL, 0);
}

int64_t dbx_used_bytes(twin_ctx *ctx)
{
    return config_int(ctx, "storage_used_bytes", 0) + file_bytes(ctx);
}

bool dbx_quota_allows(twin_ctx *ctx, int64_t delta)
{
    return delta <= 0 || dbx_used_bytes(ctx) + delta <= dbx_allocated_bytes(ctx);
}

static json_value *tier_view(twin_ctx *ctx)
{
    arena *a = ctx->a;
    int64_t used = dbx_used_bytes(ctx), alloc = dbx_allocated_bytes(ctx);
    json_value *o = json_object(a);
    json_set_str(a, o, "connection_id", ctx->run_id);
    json_set_str(a, o, "account_tier", dbx_tier(ctx));
    json_set_int(a, o, "used_bytes", used);
    json_set_int(a, o, "allocated_bytes", alloc);
    json_set_int(a, o, "available_bytes", alloc > used ? alloc - used : 0);
    return o;
}

/* GET/POST <admin>/admin/account-tier {"tier": "plus"} */
void dbx_admin_tier(twin_ctx *ctx)
{
    if (str_eq(ctx->req->method, "POST")) {
        arena *a = ctx->a;
        const char *t = json_get_str(ctx->body, "tier");
        if (!t) t = json_get_str(ctx->body, "account_tier");
        if (tier_index(t) < 0) {
            json_value *e = json_object(a);
            json_set_str(a, e, "detail", arena_printf(a, "unknown account tier '%s' (basic, plus, professional, business)",
                                                      t ? t : ""));
            return twin_reply_json(ctx, 400, e);
        }
        json_value *m = json_object(a);
        json_set_str(a, m, "account_tier", t);
        twin_doc_put(ctx, "meta", "tier", m, NULL, 0);
    }
    twin_reply_json(ctx, 200, tier_view(ctx));
}

void dbx_space_usage(twin_ctx *ctx)
{
    arena *a = ctx->a;
    int64_t used = dbx_used_bytes(ctx), alloc = dbx_allocated_bytes(ctx);
    json_value *al;
    if (str_eq(dbx_tier(ctx), "business")) {
        al = dbx_tag(a, "team");
        json_set_int(a, al, "used", used);
        json_set_int(a, al, "allocated", alloc);
        json_set_int(a, al, "user_within_team_space_allocated", 0);
        json_set(a, al, "user_within_team_space_limit_type", dbx_tag(a, "off"));
        json_set_int(a, al, "user_within_team_space_used_cached", used);
    } else {
        al = dbx_tag(a, "individual");
        json_set_int(a, al, "allocated", alloc);
    }
    json_value *o = json_object(a);
    json_set_int(a, o, "used", used);
    json_set(a, o, "allocation", al);
    dbx_reply(ctx, o);
}

/* ---- accounts ---- */

static json_value *name_of(arena *a, const char *full)
{
    json_value *n = json_object(a);
    const char *sp = strchr(full, ' ');
    const char *given = sp ? arena_strndup(a, full, (size_t)(sp - full)) : full;
    const char *surname = sp ? sp + 1 : "";
    char abbr[8] = {0};
    size_t k = 0;
    if (*given) abbr[k++] = given[0];
    if (*surname) abbr[k++] = surname[0];
    json_set_str(a, n, "given_name", given);
    json_set_str(a, n, "surname", surname);
    json_set_str(a, n, "familiar_name", given);
    json_set_str(a, n, "display_name", full);
    json_set_str(a, n, "abbreviated_name", abbr);
    return n;
}

json_value *dbx_account(twin_ctx *ctx)
{
    json_value *acct = twin_doc_get(ctx, "meta", "account");
    if (acct) return acct;
    arena *a = ctx->a;
    json_value *cfg = json_get(ctx->config, "account");
    const char *name = json_get_str(cfg, "name"), *email = json_get_str(cfg, "email");
    acct = json_object(a);
    json_set_str(a, acct, "account_id", twin_new_id(ctx, "dbid:", 40));
    json_set_str(a, acct, "name", name ? name : "Twin User");
    json_set_str(a, acct, "email", email ? email : "twin.user@example.com");
    json_set_str(a, acct, "country", json_get_str(cfg, "country") ? json_get_str(cfg, "country") : "US");
    json_set_str(a, acct, "locale", json_get_str(cfg, "locale") ? json_get_str(cfg, "locale") : "en");
    json_set_str(a, acct, "namespace_id", "3235641602");
    json_set_str(a, acct, "team_member_id", twin_new_id(ctx, "dbmid:", 40));
    json_set_int(a, acct, "uid", 12345678);
    twin_doc_put(ctx, "meta", "account", acct, NULL, 0);
    return acct;
}

void dbx_current_account(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *acct = dbx_account(ctx);
    const char *tier = dbx_tier(ctx);
    json_value *o = json_object(a);
    json_set_str(a, o, "account_id", json_get_str(acct, "account_id"));
    json_set(a, o, "name", name_of(a, json_get_str(acct, "name")));
    json_set_str(a, o, "email", json_get_str(acct, "email"));
    json_set_bool(a, o, "email_verified", true);
    json_set_bool(a, o, "disabled", false);
    json_set_str(a, o, "locale", json_get_str(acct, "locale"));
    json_set_str(a, o, "referral_link", arena_printf(a, "https://www.dropbox.com/referrals/%s",
                                                     json_get_str(acct, "account_id") + 5));
    json_set_bool(a, o, "is_paired", false);
    json_set(a, o, "account_type", dbx_tag(a, tiers[tier_index(tier)].account_type));
    json_value *root = dbx_tag(a, "user");
    json_set_str(a, root, "root_namespace_id", json_get_str(acct, "namespace_id"));
    json_set_str(a, root, "home_namespace_id", json_get_str(acct, "namespace_id"));
    json_set(a, o, "root_info", root);
    json_set_str(a, o, "country", json_get_str(acct, "country"));
    if (str_eq(tier, "business")) {
        json_value *team = json_object(a), *pol = json_object(a);
        json_set_str(a, team, "id", "dbtid:twins-team");
        json_set_str(a, team, "name", json_get_str(ctx->config, "team_name") ? json_get_str(ctx->config, "team_name") : "Twins Team");
        json_set(a, pol, "shared_folder_member_policy", dbx_tag(a, "anyone"));
        json_set(a, pol, "shared_folder_join_policy", dbx_tag(a, "from_anyone"));
        json_set(a, pol, "shared_link_create_policy", dbx_tag(a, "default_public"));
        json_set(a, team, "sharing_policies", pol);
        json_set(a, team, "office_addin_policy", dbx_tag(a, "disabled"));
        json_set(a, o, "team", team);
        json_set_str(a, o, "team_member_id", json_get_str(acct, "team_member_id"));
    }
    dbx_reply(ctx, o);
}

static json_value *basic_account(twin_ctx *ctx, const char *account_id)
{
    arena *a = ctx->a;
    json_value *acct = dbx_account(ctx);
    json_value *src = str_eq(account_id, json_get_str(acct, "account_id")) ? acct : twin_doc_get(ctx, "accounts", account_id);
    if (!src) return NULL;
    json_value *o = json_object(a);
    json_set_str(a, o, "account_id", account_id);
    json_set(a, o, "name", name_of(a, json_get_str(src, "name")));
    json_set_str(a, o, "email", json_get_str(src, "email"));
    json_set_bool(a, o, "email_verified", true);
    json_set_bool(a, o, "disabled", false);
    json_set_bool(a, o, "is_teammate", src != acct);
    if (src != acct) json_set_str(a, o, "team_member_id", json_get_str(src, "team_member_id"));
    return o;
}

void dbx_get_account(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *id = dbx_req_str(ctx, args, "account_id");
    if (!id) return;
    if (strlen(id) != 45) return dbx_bad_request(ctx, "request body: account_id: string length must be 40 after 'dbid:'");
    json_value *o = basic_account(ctx, id);
    if (!o) return dbx_route_error(ctx, "no_account", dbx_tag(ctx->a, "no_account"));
    dbx_reply(ctx, o);
}

void dbx_get_account_batch(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *args = dbx_args(ctx);
    if (!args) return;
    json_value *ids = json_get(args, "account_ids");
    if (!ids || ids->type != JSON_ARRAY || !ids->len)
        return dbx_bad_request(ctx, "request body: account_ids: list should have at least 1 items");
    json_value *out = json_array(a);
    json_foreach(x, ids) {
        json_value *o = json_str(x) ? basic_account(ctx, x->str) : NULL;
        if (!o) {
            json_value *err = dbx_tag_with(a, "no_account", json_string(a, json_str(x) ? x->str : ""));
            return dbx_route_error(ctx, "no_account", err);
        }
        json_push(out, o);
    }
    twin_reply_json(ctx, 200, out);
}

/* ---- team (the seeded members; the run's token stands in for a team token) ---- */

static json_value *member_info(twin_ctx *ctx, const json_value *src, bool admin_role)
{
    arena *a = ctx->a;
    json_value *p = json_object(a);
    json_set_str(a, p, "team_member_id", json_get_str(src, "team_member_id"));
    json_set_str(a, p, "account_id", json_get_str(src, "account_id"));
    json_set_str(a, p, "email", json_get_str(src, "email"));
    json_set_bool(a, p, "email_verified", true);
    json_set(a, p, "status", dbx_tag(a, "active"));
    json_set(a, p, "name", name_of(a, json_get_str(src, "name")));
    json_set(a, p, "membership_type", dbx_tag(a, "full"));
    json_set_str(a, p, "joined_on", json_get_str(src, "joined_on") ? json_get_str(src, "joined_on") : "2026-01-01T00:00:00Z");
    json_set(a, p, "groups", json_array(a));
    json_set_str(a, p, "member_folder_id", "3235641602");
    json_set_str(a, p, "root_folder_id", "3235641601");
    json_value *role = json_object(a);
    json_set_str(a, role, "role_id", admin_role ? "pid_dbtmr:1" : "pid_dbtmr:0");
    json_set_str(a, role, "name", admin_role ? "Team admin" : "Member");
    json_set_str(a, role, "description", admin_role ? "User can do most user provisioning, de-provisioning and management."
                                                    : "Member of the team.");
    json_value *roles = json_array(a);
    json_push(roles, role);
    json_value *o = json_object(a);
    json_set(a, o, "profile", p);
    json_set(a, o, "roles", roles);
    return o;
}

static json_value *team_members(twin_ctx *ctx)
{
    json_value *out = json_array(ctx->a);
    json_push(out, member_info(ctx, dbx_account(ctx), true));
    json_value *all = twin_doc_all(ctx, "accounts");
    for (json_value *m = all->first, *nx; m; m = nx) {
        nx = m->next;
        json_push(out, member_info(ctx, m, false));
    }
    return out;
}

void dbx_team_members_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *args = dbx_args(ctx);
    if (!args) return;
    int64_t limit = 1000;
    json_value *lv = json_get(args, "limit");
    if (lv && (!json_int64(lv, &limit) || limit < 1 || limit > 1000))
        return dbx_bad_request(ctx, "request body: limit: value must be between 1 and 1000");
    json_value *all = team_members(ctx), *page = json_array(a);
    int64_t i = 0;
    for (json_value *m = all->first, *nx; m && i < limit; m = nx, i++) {
        nx = m->next;
        m->next = NULL;
        json_push(page, m);
    }
    json_value *o = json_object(a);
    json_set(a, o, "members", page);
    json_set_str(a, o, "cursor", twin_new_id(ctx, "", 40));
    json_set_bool(a, o, "has_more", false);
    dbx_reply(ctx, o);
}

void dbx_team_get_info(twin_ctx *ctx)
{
    arena *a = ctx->a;
    int64_t n = 1 + twin_doc_count(ctx, "accounts", NULL, NULL);
    json_value *o = json_object(a), *pol = json_object(a), *sharing = json_object(a);
    const char *name = json_get_str(ctx->config, "team_name");
    json_set_str(a, o, "name", name ? name : "Twins Team");
    json_set_str(a, o, "team_id", "dbtid:twins-team");
    json_set_int(a, o, "num_licensed_users", n > 5 ? n : 5);
    json_set_int(a, o, "num_provisioned_users", n);
    json_set_int(a, o, "num_used_licenses", n);
    json_set(a, sharing, "shared_folder_member_policy", dbx_tag(a, "anyone"));
    json_set(a, sharing, "shared_folder_join_policy", dbx_tag(a, "from_anyone"));
    json_set(a, sharing, "shared_link_create_policy", dbx_tag(a, "default_public"));
    json_set(a, pol, "sharing", sharing);
    json_set(a, pol, "emm_state", dbx_tag(a, "disabled"));
    json_set(a, pol, "office_addin", dbx_tag(a, "disabled"));
    json_set(a, o, "policies", pol);
    dbx_reply(ctx, o);
}

void dbx_check_user(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    json_value *o = json_object(ctx->a);
    json_set_str(ctx->a, o, "result", json_get_str(args, "query") ? json_get_str(args, "query") : "");
    dbx_reply(ctx, o);
}

void dbx_token_revoke(twin_ctx *ctx)
{
    arena *a = ctx->a;
    dbx_req *r = ctx->principal;
    json_value *m = twin_doc_get(ctx, "meta", "revoked");
    if (!m) m = json_object(a);
    json_value *list = json_get(m, "tokens");
    if (!list) {
        list = json_array(a);
        json_set(a, m, "tokens", list);
    }
    json_push(list, json_string(a, r->token));
    twin_doc_put(ctx, "meta", "revoked", m, NULL, 0);
    dbx_reply_null(ctx);
}

/* ---- shared links ---- */

static json_value *link_metadata(twin_ctx *ctx, const json_value *link, const json_value *entry)
{
    arena *a = ctx->a;
    bool file = str_eq(json_get_str(entry, ".tag"), "file");
    json_value *o = dbx_tag(a, file ? "file" : "folder");
    json_set_str(a, o, "url", json_get_str(link, "url"));
    json_set_str(a, o, "id", json_get_str(entry, "id"));
    json_set_str(a, o, "name", json_get_str(entry, "name"));
    json_set_str(a, o, "path_lower", json_get_str(entry, "path_lower"));
    const char *vis = json_get_str(link, "visibility");
    json_value *perm = json_object(a);
    json_set_bool(a, perm, "can_revoke", true);
    json_set(a, perm, "resolved_visibility", dbx_tag(a, vis));
    json_set(a, perm, "requested_visibility", dbx_tag(a, vis));
    json_set_bool(a, perm, "can_set_expiry", true);
    json_set_bool(a, perm, "can_remove_expiry", true);
    json_set_bool(a, perm, "allow_download", true);
    json_set_bool(a, perm, "can_allow_download", true);
    json_set_bool(a, perm, "can_disallow_download", false);
    json_set_bool(a, perm, "allow_comments", true);
    json_set_bool(a, perm, "team_restricts_comments", false);
    json_set(a, o, "link_permissions", perm);
    if (json_get_str(link, "expires")) json_set_str(a, o, "expires", json_get_str(link, "expires"));
    if (file) {
        static const char *const copied[] = {"client_modified", "server_modified", "rev", NULL};
        for (size_t i = 0; copied[i]; i++) json_set_str(a, o, copied[i], json_get_str(entry, copied[i]));
        json_set(a, o, "size", json_clone(a, json_get(entry, "size")));
    }
    return o;
}

static json_value *link_for_entry(twin_ctx *ctx, const char *entry_id)
{
    twin_list l = {0};
    store_list_opts o = {.limit = 1, .index_name = "entry", .index_value = entry_id};
    return twin_doc_list(ctx, "links", &o, &l) == 0 && l.n ? l.items[0] : NULL;
}

static void invalid_settings(twin_ctx *ctx)
{
    arena *a = ctx->a;
    dbx_route_error(ctx, "settings_error/invalid_settings", dbx_tag_with(a, "settings_error", dbx_tag(a, "invalid_settings")));
}

/* SharedLinkSettings: Dropbox calls settings that set nothing, or an expiry
 * in the past, invalid_settings; an expiry that is not a DropboxTimestamp is
 * a plain-text 400.  False after answering. */
static bool shared_link_settings_ok(twin_ctx *ctx, const json_value *settings)
{
    if (!settings || settings->type == JSON_NULL) return true;
    if (settings->type != JSON_OBJECT) {
        dbx_bad_request(ctx, "request body: settings: expected object");
        return false;
    }
    bool any = false;
    json_foreach(m, settings) if (m->type != JSON_NULL) any = true;
    if (!any) {
        invalid_settings(ctx);
        return false;
    }
    json_value *ev = json_get(settings, "expires");
    if (!ev || ev->type == JSON_NULL) return true;
    const char *expires = json_str(ev);
    if (!expires || !dbx_valid_timestamp(expires)) {
        dbx_bad_request(ctx, arena_printf(ctx->a, "request body: settings.expires: timestamp '%s' does not match format "
                                                  "'%%Y-%%m-%%dT%%H:%%M:%%SZ'", expires ? expires : ""));
        return false;
    }
    if (parse_iso8601_ms(expires) / 1000 <= twin_now(ctx)) {
        invalid_settings(ctx);
        return false;
    }
    return true;
}

void dbx_create_shared_link(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *path = dbx_req_str(ctx, args, "path");
    if (!path || !dbx_check_path_arg(ctx, "path", path, false, true)) return;
    const char *reason;
    json_value *e = dbx_resolve(ctx, path, &reason);
    if (!e) return dbx_lookup_error(ctx, "path", reason);
    json_value *settings = json_get(args, "settings");
    if (!shared_link_settings_ok(ctx, settings)) return;
    json_value *rv = json_get(settings, "requested_visibility");
    const char *vis = rv && rv->type == JSON_STRING ? rv->str : json_get_str(rv, ".tag");
    if (!vis) vis = "public";
    if (!str_eq(vis, "public") && !str_eq(vis, "team_only") && !str_eq(vis, "password"))
        return dbx_bad_request(ctx, arena_printf(a, "request body: settings.requested_visibility: unknown tag '%s'", vis));
    if (str_eq(vis, "password") && !json_get_str(settings, "link_password")) return invalid_settings(ctx);
    json_value *existing = link_for_entry(ctx, json_get_str(e, "id"));
    if (existing) {
        json_value *inner = dbx_tag_with(a, "metadata", link_metadata(ctx, existing, e));
        return dbx_route_error(ctx, "shared_link_already_exists/metadata",
                               dbx_tag_with(a, "shared_link_already_exists", inner));
    }
    const char *key = twin_new_id(ctx, "", 25);
    const char *rlkey = twin_new_id(ctx, "rl", 23);
    bool file = str_eq(json_get_str(e, ".tag"), "file");
    const char *name = json_get_str(e, "name");
    json_value *link = json_object(a);
    json_set_str(a, link, "url", arena_printf(a, "https://www.dropbox.com/scl/%s/%s/%s?rlkey=%s&dl=0", file ? "fi" : "fo",
                                              str_to_lower(arena_strdup(a, key)), http_percent_encode(a, name, strlen(name)),
                                              rlkey));
    json_set_str(a, link, "key", key);
    json_set_str(a, link, "entry", json_get_str(e, "id"));
    json_set_str(a, link, "visibility", vis);
    if (json_get_str(settings, "expires")) json_set_str(a, link, "expires", json_get_str(settings, "expires"));
    store_index idx[2] = {{"entry", json_get_str(e, "id")}, {"url", json_get_str(link, "url")}};
    twin_doc_put(ctx, "links", key, link, idx, 2);
    dbx_reply(ctx, link_metadata(ctx, link, e));
}

void dbx_list_shared_links(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *path = json_get_str(args, "path");
    const char *scope = NULL;
    if (path && *path) {
        if (!dbx_check_path_arg(ctx, "path", path, false, true)) return;
        const char *reason;
        json_value *e = dbx_resolve(ctx, path, &reason);
        if (!e) return dbx_lookup_error(ctx, "path", reason);
        scope = json_get_str(e, "path_lower");
    }
    bool direct_only = dbx_opt_bool(args, "direct_only", false);
    json_value *links = json_array(a);
    json_value *all = twin_doc_all(ctx, "links");
    json_foreach(l, all) {
        json_value *e = dbx_entry_by_id(ctx, json_get_str(l, "entry"));
        if (!e) continue;  /* the item is gone, so is its link */
        const char *pl = json_get_str(e, "path_lower");
        /* A path also sees the links of the folders above it, unless direct_only. */
        if (scope && !str_eq(pl, scope) && (direct_only || !dbx_path_within(scope, pl))) continue;
        json_push(links, link_metadata(ctx, l, e));
    }
    json_value *o = json_object(a);
    json_set(a, o, "links", links);
    json_set_bool(a, o, "has_more", false);
    dbx_reply(ctx, o);
}

/* The stored link the call's "url" argument names (with its item in *entry);
 * with need_entry, a link whose item is gone does not count.  Answers the
 * argument error or shared_link_not_found and returns NULL otherwise. */
static json_value *link_arg(twin_ctx *ctx, const json_value *args, bool need_entry, json_value **entry)
{
    const char *url = dbx_req_str(ctx, args, "url");
    if (!url) return NULL;
    twin_list all = {0};
    store_list_opts o = {.index_name = "url", .index_value = url};
    twin_doc_list(ctx, "links", &o, &all);
    for (size_t i = 0; i < all.n; i++) {
        *entry = dbx_entry_by_id(ctx, json_get_str(all.items[i], "entry"));
        if (*entry || !need_entry) return all.items[i];
    }
    dbx_route_error(ctx, "shared_link_not_found", dbx_tag(ctx->a, "shared_link_not_found"));
    return NULL;
}

/* What get_shared_link_metadata and get_shared_link_file read: the link's
 * item, or with "path" (relative, "/sub/x") an item inside a folder link.
 * The caller is the links' owner (the twin's one account), so a password
 * link needs no link_password.  Answers the SharedLinkError and returns
 * NULL otherwise; *link gets the link. */
static json_value *shared_link_item(twin_ctx *ctx, json_value **link)
{
    json_value *args = dbx_args(ctx);
    if (!args) return NULL;
    json_value *e = NULL;
    *link = link_arg(ctx, args, true, &e);
    if (!*link) return NULL;
    const char *path = json_get_str(args, "path");
    if (!path || !*path || str_eq(json_get_str(e, ".tag"), "file")) return e;
    const char *display, *lower;
    json_value *inner = NULL;
    if (dbx_norm_path(ctx->a, path, &display, &lower) == DBX_PATH_OK)
        inner = dbx_entry_by_path(ctx, arena_printf(ctx->a, "%s%s", json_get_str(e, "path_lower"), lower));
    if (!inner) dbx_route_error(ctx, "shared_link_not_found", dbx_tag(ctx->a, "shared_link_not_found"));
    return inner;
}

void dbx_get_shared_link_metadata(twin_ctx *ctx)
{
    json_value *l = NULL, *e = shared_link_item(ctx, &l);
    if (e) dbx_reply(ctx, link_metadata(ctx, l, e));
}

/* Content-download: the bytes of the link's file, its link metadata in
 * Dropbox-API-Result; a folder is shared_link_is_directory. */
void dbx_get_shared_link_file(twin_ctx *ctx)
{
    json_value *l = NULL, *e = shared_link_item(ctx, &l);
    if (!e) return;
    if (!str_eq(json_get_str(e, ".tag"), "file"))
        return dbx_route_error(ctx, "shared_link_is_directory", dbx_tag(ctx->a, "shared_link_is_directory"));
    size_t len;
    char *data = dbx_entry_data(ctx, e, &len);
    dbx_reply_content(ctx, link_metadata(ctx, l, e), json_get_str(e, "rev"), data, len);
}

void dbx_revoke_shared_link(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    json_value *e = NULL, *l = link_arg(ctx, args, false, &e);
    if (!l) return;
    twin_doc_delete(ctx, "links", json_get_str(l, "key"));
    dbx_reply_null(ctx);
}

/* ---- webhooks ---- */

const char *dbx_app_secret(twin_ctx *ctx)
{
    const char *s = json_get_str(ctx->config, "app_secret");
    if (s) return s;
    twin_env e = {.run_id = ctx->run_id, .config = ctx->config};
    return env_token(&e, ctx->a, "dropbox-app-secret", "", 15);
}

/* X-Dropbox-Signature: hex HMAC-SHA256 of the body with the app secret. */
const char **dbx_webhook_sign(arena *a, const char *secret, const char *payload, size_t len, int64_t t)
{
    (void)t;
    const char *hex = hmac_sha256_hex(a, secret, &(byte_span){payload, len}, 1);
    const char **h = arena_alloc(a, 2 * sizeof *h);
    h[0] = arena_printf(a, "X-Dropbox-Signature: %s", hex);
    h[1] = NULL;
    return h;
}

void dbx_notify(twin_ctx *ctx)
{
    dbx_req *r = ctx->principal;
    const char *url = json_get_str(ctx->config, "webhook_url");
    if (ctx->seeding || !r || r->notified || !url || !*url) return;
    r->notified = true;
    arena *a = ctx->a;
    json_value *acct = dbx_account(ctx);
    json_value *body = json_object(a), *lf = json_object(a), *accounts = json_array(a);
    json_value *delta = json_object(a), *users = json_array(a);
    json_push(accounts, json_string(a, json_get_str(acct, "account_id")));
    json_set(a, lf, "accounts", accounts);
    json_set(a, body, "list_folder", lf);
    json_push(users, json_clone(a, json_get(acct, "uid")));
    json_set(a, delta, "users", users);
    json_set(a, body, "delta", delta);
    size_t len;
    const char *payload = json_to_string(a, body, &len);
    webhook_send s = {.url = url, .payload = payload, .len = len, .secret = dbx_app_secret(ctx),
                      .event_id = twin_new_id(ctx, "ntf_", 16), .event_type = "list_folder",
                      .endpoint_id = "app", .user_agent = "DropboxWebhooks/1.0"};
    webhooks_send(ctx, &s);
}
