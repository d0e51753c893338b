/* Dropbox twin: shared folders (the sharing namespace's folder routes).
 *
 * The twin holds one user, the account, who owns every folder it shares.
 * A share is kept in "shared_folders" (shared_folder_id -> {shared_folder_id,
 * folder_id, time_invited, policy, members}) and marked on the folder entry
 * as "_sf" (dbx_public renders it as shared_folder_id and sharing_info), so
 * the share follows the folder through moves and a copy is not shared.
 * Members are the seeded team accounts (by dropbox_id or email, as users)
 * and anyone else by email (as invitees); the owner is implicit and listed
 * first.  Async variants finish at once: the job keeps the result. */
#include <ctype.h>
#include <string.h>

#include "twins/dropbox/dropbox.h"
#include "util/util.h"

#define SF_PAGE_MAX 1000

/* ---- arguments ---- */

/* A Stone union member given as "tag" or {".tag": "tag"}. */
static const char *union_tag(const json_value *v)
{
    return json_str(v) ? json_str(v) : json_get_str(v, ".tag");
}

static bool one_of(const char *tag, const char *const *allowed)
{
    for (; *allowed; allowed++)
        if (str_eq(tag, *allowed)) return true;
    return false;
}

bool dbx_valid_shared_folder_id(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '-' || *s == '_' || *s == ':')) return false;
    return true;
}

/* shared_folder_id, checked against its pattern (400 like Dropbox otherwise). */
static const char *folder_id_arg(twin_ctx *ctx, const json_value *args)
{
    const char *id = dbx_req_str(ctx, args, "shared_folder_id");
    if (id && !dbx_valid_shared_folder_id(id)) {
        dbx_bad_request(ctx, arena_printf(ctx->a, "request body: shared_folder_id: '%s' did not match pattern '[-_0-9a-zA-Z:]+'", id));
        return NULL;
    }
    return id;
}

/* ---- state ---- */

/* Dropbox's shared folder ids are decimal numbers of 11 digits: the run's
 * counter added to the first id Dropbox's examples show, so ids keep their
 * length and sort like their age. */
#define SHARED_FOLDER_ID_BASE 84528192420LL

static const char *new_shared_folder_id(twin_ctx *ctx)
{
    return arena_printf(ctx->a, "%lld", SHARED_FOLDER_ID_BASE + (long long)twin_counter(ctx, "shared_folder"));
}

/* The share and its folder entry; NULL when the id names no live share. */
static json_value *find_share(twin_ctx *ctx, const char *id, json_value **folder)
{
    json_value *sf = twin_doc_get(ctx, "shared_folders", id);
    json_value *e = sf ? dbx_entry_by_id(ctx, json_get_str(sf, "folder_id")) : NULL;
    if (!e || !str_eq(json_get_str(e, "_sf"), id)) return NULL;
    if (folder) *folder = e;
    return sf;
}

/* The SharedFolderAccessError invalid_id, nested under `outer` unless NULL. */
static void invalid_id(twin_ctx *ctx, const char *outer)
{
    if (!outer) return dbx_route_error(ctx, "invalid_id", dbx_tag(ctx->a, "invalid_id"));
    dbx_lookup_error(ctx, outer, "invalid_id");
}

static json_value *tag_policy(arena *a, const json_value *policy, const char *key, const char *fallback)
{
    const char *t = json_get_str(policy, key);
    return dbx_tag(a, t ? t : fallback);
}

/* SharedFolderMetadata as the owner sees it. */
static json_value *folder_metadata(twin_ctx *ctx, const json_value *sf, const json_value *folder)
{
    arena *a = ctx->a;
    const char *id = json_get_str(sf, "shared_folder_id");
    const json_value *p = json_get(sf, "policy");
    json_value *o = json_object(a);
    json_set(a, o, "access_type", dbx_tag(a, "owner"));
    json_set_bool(a, o, "is_inside_team_folder", false);
    json_set_bool(a, o, "is_team_folder", false);
    json_set_str(a, o, "name", json_get_str(folder, "name"));
    json_value *policy = json_object(a);
    json_set(a, policy, "acl_update_policy", tag_policy(a, p, "acl_update_policy", "owner"));
    json_set(a, policy, "shared_link_policy", tag_policy(a, p, "shared_link_policy", "anyone"));
    json_set(a, policy, "member_policy", tag_policy(a, p, "member_policy", "anyone"));
    json_set(a, policy, "resolved_member_policy", tag_policy(a, p, "member_policy", "anyone"));
    json_set(a, policy, "viewer_info_policy", tag_policy(a, p, "viewer_info_policy", "enabled"));
    json_set(a, o, "policy", policy);
    json_set_str(a, o, "preview_url", arena_printf(a, "https://www.dropbox.com/scl/fo/%s", id));
    json_set_str(a, o, "shared_folder_id", id);
    json_set_str(a, o, "time_invited", json_get_str(sf, "time_invited"));
    json_value *owners = json_array(a);
    json_push(owners, json_string(a, json_get_str(dbx_account(ctx), "name")));
    json_set(a, o, "owner_display_names", owners);
    json_set_str(a, o, "path_lower", json_get_str(folder, "path_lower"));
    json_set_str(a, o, "path_display", json_get_str(folder, "path_display"));
    json_set(a, o, "access_inheritance", dbx_tag(a, "inherit"));
    json_set_str(a, o, "folder_id", json_get_str(folder, "id"));
    return o;
}

/* The share at or above / below path (lower), for share_folder's checks. */
static bool share_within(twin_ctx *ctx, const char *lower, bool above)
{
    json_foreach(sf, twin_doc_all(ctx, "shared_folders")) {
        json_value *e = NULL;
        if (!find_share(ctx, json_get_str(sf, "shared_folder_id"), &e)) continue;
        const char *p = json_get_str(e, "path_lower");
        if (above ? dbx_path_within(lower, p) : dbx_path_within(p, lower)) return true;
    }
    return false;
}

static void note_share_made(twin_ctx *ctx);

/* ---- share_folder ---- */

static void bad_path(twin_ctx *ctx, json_value *reason)
{
    const char *tag = json_get_str(reason, ".tag");
    dbx_route_error(ctx, arena_printf(ctx->a, "bad_path/%s", tag), dbx_tag_with(ctx->a, "bad_path", reason));
}

static bool read_policy(twin_ctx *ctx, const json_value *args, json_value *policy)
{
    static const char *const acl[] = {"owner", "editors", NULL};
    static const char *const member[] = {"team", "anyone", NULL};
    static const char *const link[] = {"anyone", "team", "members", NULL};
    static const char *const viewer[] = {"enabled", "disabled", NULL};
    static const struct {
        const char *key;
        const char *const *allowed;
    } fields[] = {{"acl_update_policy", acl}, {"member_policy", member}, {"shared_link_policy", link},
                  {"viewer_info_policy", viewer}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        json_value *v = json_get(args, fields[i].key);
        if (!v || v->type == JSON_NULL) continue;
        const char *t = union_tag(v);
        if (!one_of(t, fields[i].allowed)) {
            dbx_bad_request(ctx, arena_printf(ctx->a, "request body: %s: unknown tag '%s'", fields[i].key, t ? t : ""));
            return false;
        }
        json_set_str(ctx->a, policy, fields[i].key, t);
    }
    return true;
}

/* The folder to share at path: the existing one, or a new one (Dropbox creates it). */
static json_value *folder_to_share(twin_ctx *ctx, const char *path)
{
    const char *reason = NULL, *display, *kind = NULL;
    json_value *e = dbx_resolve(ctx, path, &reason);
    if (e) return e;
    const char *lower = dbx_write_target(ctx, path, &display, &reason);
    if (!lower || !*lower) return NULL;
    if (!dbx_ensure_parents(ctx, display, &kind)) return NULL;
    return dbx_new_folder(ctx, dbx_cased(ctx, display));
}

void dbx_share_folder(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *path = dbx_req_str(ctx, args, "path");
    if (!path || !dbx_check_path_arg(ctx, "path", path, false, false)) return;
    json_value *policy = json_object(a);
    if (!read_policy(ctx, args, policy)) return;
    json_value *e = folder_to_share(ctx, path);
    if (!e) return bad_path(ctx, dbx_tag(a, "invalid_path"));
    if (!str_eq(json_get_str(e, ".tag"), "folder")) return bad_path(ctx, dbx_tag(a, "is_file"));
    const char *lower = json_get_str(e, "path_lower");
    json_value *existing = json_get_str(e, "_sf") ? find_share(ctx, json_get_str(e, "_sf"), NULL) : NULL;
    if (existing) {
        json_value *r = folder_metadata(ctx, existing, e);
        json_set_str(a, r, ".tag", "already_shared");
        return bad_path(ctx, r);
    }
    if (share_within(ctx, lower, true)) return bad_path(ctx, dbx_tag(a, "inside_shared_folder"));
    if (share_within(ctx, lower, false)) return bad_path(ctx, dbx_tag(a, "contains_shared_folder"));

    const char *id = new_shared_folder_id(ctx);
    json_value *sf = json_object(a);
    json_set_str(a, sf, "shared_folder_id", id);
    json_set_str(a, sf, "folder_id", json_get_str(e, "id"));
    json_set_str(a, sf, "time_invited", dbx_now(ctx));
    json_set(a, sf, "policy", policy);
    json_set(a, sf, "members", json_array(a));
    twin_doc_put(ctx, "shared_folders", id, sf, NULL, 0);
    note_share_made(ctx);
    json_set_str(a, e, "_sf", id);
    dbx_save_entry(ctx, e);
    dbx_record_change(ctx, e, false);

    json_value *done = folder_metadata(ctx, sf, e);
    json_value *complete = dbx_tag(a, "complete");
    json_merge(a, complete, done);
    dbx_reply(ctx, dbx_opt_bool(args, "force_async", false) ? dbx_async_job(ctx, complete) : complete);
}

/* ---- reading ---- */

void dbx_get_folder_metadata(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *id = folder_id_arg(ctx, args);
    if (!id) return;
    json_value *e = NULL, *sf = find_share(ctx, id, &e);
    if (!sf) return invalid_id(ctx, NULL);
    dbx_reply(ctx, folder_metadata(ctx, sf, e));
}

/* Live shares, oldest first (ids grow with time). */
static json_value *all_shares(twin_ctx *ctx)
{
    json_value *out = json_array(ctx->a);
    json_foreach(sf, twin_doc_all(ctx, "shared_folders")) {
        json_value *e = NULL;
        if (find_share(ctx, json_get_str(sf, "shared_folder_id"), &e)) json_push(out, folder_metadata(ctx, sf, e));
    }
    return out;
}

/* One page of items from offset (dbx_page), and a cursor to the next one
 * (state plus its offset and limit) when more follow: {cursor?}. */
static json_value *page_of(twin_ctx *ctx, json_value *items, int64_t offset, int64_t limit, json_value *state,
                           json_value **page)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    bool more;
    *page = dbx_page(a, items, offset, limit, &more);
    if (more) {
        json_set_int(a, state, "o", offset + limit);
        json_set_int(a, state, "l", limit);
        json_set_str(a, o, "cursor", dbx_encode_cursor(ctx, state));
    }
    return o;
}

static void folders_page(twin_ctx *ctx, int64_t offset, int64_t limit)
{
    json_value *state = json_object(ctx->a), *page;
    json_set_str(ctx->a, state, "k", "shared_folders");
    json_value *o = page_of(ctx, all_shares(ctx), offset, limit, state, &page);
    json_set(ctx->a, o, "entries", page);
    dbx_reply(ctx, o);
}

void dbx_list_shared_folders(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    int64_t limit;
    if (!args || !dbx_page_limit(ctx, args, SF_PAGE_MAX, &limit)) return;
    folders_page(ctx, 0, limit);
}

/* A cursor of kind k, or NULL after answering invalid_cursor (under outer when given). */
static json_value *read_cursor(twin_ctx *ctx, const char *k, const char *outer, int64_t *offset, int64_t *limit)
{
    json_value *args = dbx_args(ctx);
    if (!args) return NULL;
    const char *c = dbx_req_str(ctx, args, "cursor");
    if (!c) return NULL;
    json_value *s = dbx_decode_cursor(ctx, c);
    if (!s || !str_eq(json_get_str(s, "k"), k) || twin_cursor_stamp_read(ctx, s) != TWIN_CURSOR_CURRENT ||
        !json_int64(json_get(s, "o"), offset) || !json_int64(json_get(s, "l"), limit)) {
        if (outer) dbx_lookup_error(ctx, outer, "invalid_cursor");
        else dbx_route_error(ctx, "invalid_cursor", dbx_tag(ctx->a, "invalid_cursor"));
        return NULL;
    }
    return s;
}

void dbx_list_shared_folders_continue(twin_ctx *ctx)
{
    int64_t offset, limit;
    if (!read_cursor(ctx, "shared_folders", NULL, &offset, &limit)) return;
    folders_page(ctx, offset, limit);
}

/* ---- members ---- */

static json_value *account_by_id(twin_ctx *ctx, const char *id)
{
    return twin_doc_get(ctx, "accounts", id);
}

static json_value *account_by_email(twin_ctx *ctx, const char *email)
{
    json_foreach(acct, twin_doc_all(ctx, "accounts")) {
        if (str_case_eq(json_get_str(acct, "email"), email)) return acct;
    }
    return NULL;
}

bool dbx_valid_email(const char *s)
{
    const char *at = strchr(s, '@');
    return at && at != s && strchr(at + 1, '.') && !strchr(at + 1, '@') && !strchr(s, ' ') && at[1] != '.' &&
           s[strlen(s) - 1] != '.';
}

static json_value *user_info(twin_ctx *ctx, const json_value *acct)
{
    arena *a = ctx->a;
    json_value *u = json_object(a);
    json_set_str(a, u, "account_id", json_get_str(acct, "account_id"));
    json_set_str(a, u, "email", json_get_str(acct, "email"));
    json_set_str(a, u, "display_name", json_get_str(acct, "name"));
    json_set_bool(a, u, "same_team", true);
    json_set_str(a, u, "team_member_id", json_get_str(acct, "team_member_id"));
    return u;
}

/* A stored member as UserMembershipInfo (a known account) or InviteeMembershipInfo. */
static json_value *membership(twin_ctx *ctx, const json_value *m)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set(a, o, "access_type", dbx_tag(a, json_get_str(m, "access_type")));
    const char *acct_id = json_get_str(m, "account_id");
    json_value *acct = acct_id ? account_by_id(ctx, acct_id) : NULL;
    if (acct) {
        json_set(a, o, "user", user_info(ctx, acct));
    } else {
        json_value *inv = dbx_tag(a, "email");
        json_set_str(a, inv, "email", json_get_str(m, "email"));
        json_set(a, o, "invitee", inv);
    }
    json_set(a, o, "permissions", json_array(a));
    json_set_bool(a, o, "is_inherited", false);
    return o;
}

static void members_page(twin_ctx *ctx, const char *id, int64_t offset, int64_t limit, const char *outer)
{
    arena *a = ctx->a;
    json_value *sf = find_share(ctx, id, NULL);
    if (!sf) return invalid_id(ctx, outer);
    json_value *all = json_array(a);
    json_value *owner = json_object(a);
    json_set_str(a, owner, "access_type", "owner");
    json_set_str(a, owner, "account_id", json_get_str(dbx_account(ctx), "account_id"));
    json_push(all, owner);
    json_foreach(m, json_get(sf, "members")) json_push(all, json_clone(a, m));
    json_value *state = json_object(a), *page;
    json_set_str(a, state, "k", "members");
    json_set_str(a, state, "id", id);
    json_value *o = page_of(ctx, all, offset, limit, state, &page);
    json_value *users = json_array(a), *invitees = json_array(a);
    for (json_value *m = page->first, *nx; m; m = nx) {
        nx = m->next;
        bool is_owner = str_eq(json_get_str(m, "access_type"), "owner");
        json_value *info = is_owner ? NULL : membership(ctx, m);
        if (is_owner) {
            info = json_object(a);
            json_set(a, info, "access_type", dbx_tag(a, "owner"));
            json_set(a, info, "user", user_info(ctx, dbx_account(ctx)));
            json_set(a, info, "permissions", json_array(a));
            json_set_bool(a, info, "is_inherited", false);
        }
        json_push(json_get(info, "user") ? users : invitees, info);
    }
    json_set(a, o, "users", users);
    json_set(a, o, "groups", json_array(a));
    json_set(a, o, "invitees", invitees);
    dbx_reply(ctx, o);
}

void dbx_list_folder_members(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *id = folder_id_arg(ctx, args);
    int64_t limit;
    if (!id || !dbx_page_limit(ctx, args, SF_PAGE_MAX, &limit)) return;
    members_page(ctx, id, 0, limit, NULL);
}

void dbx_list_folder_members_continue(twin_ctx *ctx)
{
    int64_t offset, limit;
    json_value *s = read_cursor(ctx, "members", NULL, &offset, &limit);
    if (!s) return;
    members_page(ctx, json_get_str(s, "id"), offset, limit, "access_error");
}

/* AddMemberSelectorError under bad_member: {".tag": reason, reason: value}. */
static void bad_member(twin_ctx *ctx, const char *reason, const char *value)
{
    arena *a = ctx->a;
    json_value *r = dbx_tag(a, reason);
    json_set_str(a, r, reason, value);
    dbx_route_error(ctx, arena_printf(a, "bad_member/%s", reason), dbx_tag_with(a, "bad_member", r));
}

/* The stored member a MemberSelector names: {account_id?, email}; NULL after
 * answering the error (400 for a malformed selector, 409 bad_member). */
static json_value *resolve_member(twin_ctx *ctx, const json_value *sel)
{
    arena *a = ctx->a;
    const char *tag = json_get_str(sel, ".tag");
    json_value *m = json_object(a);
    json_value *acct = NULL;
    if (str_eq(tag, "dropbox_id")) {
        const char *id = json_get_str(sel, "dropbox_id");
        if (!id) return dbx_bad_request(ctx, "request body: member: missing required field 'dropbox_id'"), NULL;
        acct = str_eq(id, json_get_str(dbx_account(ctx), "account_id")) ? dbx_account(ctx) : account_by_id(ctx, id);
        if (!acct) return bad_member(ctx, "invalid_dropbox_id", id), NULL;
    } else if (str_eq(tag, "email")) {
        const char *email = json_get_str(sel, "email");
        if (!email) return dbx_bad_request(ctx, "request body: member: missing required field 'email'"), NULL;
        if (!dbx_valid_email(email)) return bad_member(ctx, "invalid_email", email), NULL;
        acct = str_case_eq(email, json_get_str(dbx_account(ctx), "email")) ? dbx_account(ctx)
                                                                    : account_by_email(ctx, email);
        json_set_str(a, m, "email", email);
    } else {
        dbx_bad_request(ctx, arena_printf(a, "request body: member: unknown tag '%s'", tag ? tag : ""));
        return NULL;
    }
    if (acct) {
        json_set_str(a, m, "account_id", json_get_str(acct, "account_id"));
        json_set_str(a, m, "email", json_get_str(acct, "email"));
    }
    return m;
}

static bool same_member(const json_value *x, const json_value *y)
{
    const char *ix = json_get_str(x, "account_id"), *iy = json_get_str(y, "account_id");
    if (ix || iy) return str_eq(ix, iy);
    return str_case_eq(json_get_str(x, "email"), json_get_str(y, "email"));
}

static bool is_owner(twin_ctx *ctx, const json_value *m)
{
    return str_eq(json_get_str(m, "account_id"), json_get_str(dbx_account(ctx), "account_id"));
}

/* Adds or updates m in the members list. */
static void upsert_member(arena *a, json_value *members, json_value *m)
{
    json_foreach(cur, members) {
        if (same_member(cur, m)) {
            json_set_str(a, cur, "access_type", json_get_str(m, "access_type"));
            return;
        }
    }
    json_push(members, m);
}

void dbx_add_folder_member(twin_ctx *ctx)
{
    static const char *const levels[] = {"editor", "viewer", "viewer_no_comment", NULL};
    arena *a = ctx->a;
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *id = folder_id_arg(ctx, args);
    if (!id) return;
    json_value *list = json_get(args, "members");
    if (!list || list->type != JSON_ARRAY) return dbx_bad_request(ctx, "request body: missing required field 'members'");
    json_value *sf = find_share(ctx, id, NULL);
    if (!sf) return invalid_id(ctx, "access_error");
    json_value *members = json_get(sf, "members");
    json_value *adds = json_array(a);
    json_foreach(add, list) {
        json_value *lv = json_get(add, "access_level");
        const char *level = lv ? union_tag(lv) : "viewer";
        if (!one_of(level, levels)) {
            /* owner (and the rest) cannot be granted: the member is refused. */
            if (str_eq(level, "owner") || str_eq(level, "traverse") || str_eq(level, "no_access")) {
                return dbx_route_error(ctx, "no_permission", dbx_tag(a, "no_permission"));
            }
            return dbx_bad_request(ctx, arena_printf(a, "request body: members: access_level: unknown tag '%s'", level ? level : ""));
        }
        json_value *m = resolve_member(ctx, json_get(add, "member"));
        if (!m) return;
        json_set_str(a, m, "access_type", level);
        json_push(adds, m);
    }
    /* All members are checked before any is added: the call succeeds or changes nothing. */
    for (json_value *m = adds->first, *nx; m; m = nx) {
        nx = m->next;
        m->next = NULL;
        if (!is_owner(ctx, m)) upsert_member(a, members, m);
    }
    twin_doc_put(ctx, "shared_folders", id, sf, NULL, 0);
    dbx_reply_null(ctx);
}

void dbx_remove_folder_member(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *id = folder_id_arg(ctx, args);
    if (!id) return;
    json_value *sel = json_get(args, "member");
    if (!sel) return dbx_bad_request(ctx, "request body: missing required field 'member'");
    if (!json_get(args, "leave_a_copy")) return dbx_bad_request(ctx, "request body: missing required field 'leave_a_copy'");
    json_value *sf = find_share(ctx, id, NULL);
    if (!sf) return invalid_id(ctx, "access_error");
    json_value *m = resolve_member(ctx, sel);
    if (!m) return;
    if (is_owner(ctx, m)) return dbx_route_error(ctx, "folder_owner", dbx_tag(a, "folder_owner"));
    json_value *kept = json_array(a);
    bool found = false;
    json_value *members = json_get(sf, "members");
    for (json_value *cur = members ? members->first : NULL, *nx; cur; cur = nx) {
        nx = cur->next;
        cur->next = NULL;
        if (same_member(cur, m)) found = true;
        else json_push(kept, cur);
    }
    if (!found) return dbx_lookup_error(ctx, "member_error", "not_a_member");
    json_set(a, sf, "members", kept);
    twin_doc_put(ctx, "shared_folders", id, sf, NULL, 0);
    dbx_reply(ctx, dbx_async_job(ctx, dbx_tag(a, "complete")));
}

void dbx_unshare_folder(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *id = folder_id_arg(ctx, args);
    if (!id) return;
    json_value *e = NULL;
    if (!find_share(ctx, id, &e)) return invalid_id(ctx, "access_error");
    json_remove(e, "_sf");
    dbx_save_entry(ctx, e);
    dbx_record_change(ctx, e, false);
    twin_doc_delete(ctx, "shared_folders", id);
    dbx_reply(ctx, dbx_tag(ctx->a, "complete"));
}

/* Whether any folder is shared, asked once per request: listings render
 * many entries, and most runs share nothing. */
static bool any_shares(twin_ctx *ctx)
{
    dbx_req *r = ctx->principal;
    if (r && r->shares >= 0) return r->shares;
    bool some = twin_doc_count(ctx, "shared_folders", NULL, NULL) > 0;
    if (r) r->shares = some;
    return some;
}

static void note_share_made(twin_ctx *ctx)
{
    dbx_req *r = ctx->principal;
    if (r) r->shares = 1;
}

struct dbx_sharing {
    const char *owner;          /* the account id (modified_by), read on first need */
    json_value *above;          /* folder path_lower -> id of the share it is in, "" for none */
    const char *last_folder, *last_share;   /* the last answer: a listing's entries come by folder */
};

/* Reads nothing: most runs share nothing, and any_shares tells once per request. */
dbx_sharing *dbx_sharing_new(twin_ctx *ctx)
{
    return arena_zalloc(ctx->a, sizeof(dbx_sharing));
}

/* The share holding folder (lower; itself shared, or the nearest shared
 * ancestor), or NULL: each folder is read once per context. */
static const char *share_holding(twin_ctx *ctx, dbx_sharing *s, const char *folder)
{
    if (!*folder) return NULL;
    if (s->last_folder && str_eq(folder, s->last_folder)) return s->last_share;
    json_value *known = json_get(s->above, folder);
    const char *id = known ? (*known->str ? known->str : NULL) : NULL;
    if (!known) {
        id = json_get_str(dbx_entry_by_path(ctx, folder), "_sf");
        if (!id) id = share_holding(ctx, s, dbx_parent_of(ctx->a, folder));
        if (!s->above) s->above = json_object(ctx->a);
        json_set_str(ctx->a, s->above, folder, id ? id : "");
    }
    s->last_folder = folder;
    s->last_share = id;
    return id;
}

static const char *enclosing_share(twin_ctx *ctx, dbx_sharing *s, const char *lower)
{
    return any_shares(ctx) ? share_holding(ctx, s, dbx_parent_of(ctx->a, lower)) : NULL;
}

const char *dbx_enclosing_share(twin_ctx *ctx, const char *lower)
{
    return enclosing_share(ctx, dbx_sharing_new(ctx), lower);
}

void dbx_render_sharing(twin_ctx *ctx, dbx_sharing *s, const json_value *entry, json_value *out)
{
    const char *id = json_get_str(entry, "_sf");
    const char *lower = json_get_str(entry, "path_lower");
    const char *parent = !id && lower ? enclosing_share(ctx, s, lower) : NULL;
    if (!id && !parent) return;
    arena *a = ctx->a;
    bool folder = str_eq(json_get_str(entry, ".tag"), "folder");
    json_value *info = json_object(a);
    json_set_bool(a, info, "read_only", false);
    if (parent) {
        json_set_str(a, out, "parent_shared_folder_id", parent);
        json_set_str(a, info, "parent_shared_folder_id", parent);
        if (!folder) {
            if (!s->owner) s->owner = json_get_str(dbx_account(ctx), "account_id");
            json_set_str(a, info, "modified_by", s->owner);
        }
    } else {
        json_set_str(a, out, "shared_folder_id", id);
        json_set_str(a, info, "shared_folder_id", id);
    }
    if (folder) {
        json_set_bool(a, info, "traverse_only", false);
        json_set_bool(a, info, "no_access", false);
    }
    json_set(a, out, "sharing_info", info);
}

bool dbx_holds_share(const json_value *tree)
{
    json_foreach(e, tree) if (json_get_str(e, "_sf")) return true;
    return false;
}

/* The twin's one user owns every share, and an owner's share is always in
 * its tree: mounting it again is already_mounted. */
void dbx_mount_folder(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *id = folder_id_arg(ctx, args);
    if (!id) return;
    if (!find_share(ctx, id, NULL)) return invalid_id(ctx, "access_error");
    dbx_route_error(ctx, "already_mounted", dbx_tag(ctx->a, "already_mounted"));
}

/* Mountable folders are shares the user was invited to and has not
 * mounted; the twin's one user owns (and so has mounted) every share. */
void dbx_list_mountable_folders(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    int64_t limit;
    if (!args || !dbx_page_limit(ctx, args, SF_PAGE_MAX, &limit)) return;
    json_value *o = json_object(ctx->a);
    json_set(ctx->a, o, "entries", json_array(ctx->a));
    dbx_reply(ctx, o);
}

void dbx_list_mountable_folders_continue(twin_ctx *ctx)
{
    int64_t offset, limit;
    /* No listing of mountable folders has a second page, so no cursor is valid. */
    if (!read_cursor(ctx, "mountable_folders", NULL, &offset, &limit)) return;
    dbx_route_error(ctx, "invalid_cursor", dbx_tag(ctx->a, "invalid_cursor"));
}
