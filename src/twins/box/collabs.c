/* Box twin: collaborations (create, get, update role or accept/reject,
 * delete, an item's list, the caller's pending invitations).
 *
 * Users of the enterprise accept at once; a login that names no user is
 * an invitation by email, pending until someone with that login accepts.
 * Every change is recorded in the event stream (COLLAB_* user events, the
 * COLLABORATION_* enterprise ones) and fires the COLLABORATION.* webhook
 * triggers with the collaboration as the payload's source. */
#include <stdlib.h>
#include <string.h>

#include "twins/box/box.h"
#include "util/util.h"

static const char *const collab_standard[] = {"type", "id", "created_by", "created_at", "modified_at", "expires_at",
                                              "status", "accessible_by", "invite_email", "role", "acknowledged_at",
                                              "item", "is_access_only", NULL};

json_value *bx_collab_create(twin_ctx *ctx, const json_value *item, const char *user_id, const char *login,
                             const char *role, const char *status)
{
    arena *a = ctx->a;
    const char *id = bx_next_id(ctx, "collaboration"), *now = bx_now(ctx);
    json_value *c = json_object(a);
    json_set_str(a, c, "id", id);
    json_set_str(a, c, "item_type", json_get_str(item, "type"));
    json_set_str(a, c, "item_id", json_get_str(item, "id"));
    json_set_str(a, c, "accessible_by", user_id ? user_id : "");
    if (login) json_set_str(a, c, "invite_email", login);
    json_set_str(a, c, "role", role);
    json_set_str(a, c, "status", status);
    json_set_str(a, c, "created_by", bx_me(ctx));
    json_set_str(a, c, "created_at", now);
    json_set_str(a, c, "modified_at", now);
    if (!str_eq(status, "pending")) json_set_str(a, c, "acknowledged_at", now);
    bx_collab_save(ctx, c);
    return c;
}

static json_value *item_of(twin_ctx *ctx, const json_value *c)
{
    return bx_item_get(ctx, json_get_str(c, "item_type"), json_get_str(c, "item_id"));
}

/* The full rendering, whatever fields the request asks for. */
static json_value *collab_full(twin_ctx *ctx, const json_value *c)
{
    arena *a = ctx->a;
    bool pending = str_eq(json_get_str(c, "status"), "pending");
    const char *user = json_get_str(c, "accessible_by"), *email = json_get_str(c, "invite_email");
    json_value *o = json_object(a);
    json_set_str(a, o, "type", "collaboration");
    json_set_str(a, o, "id", json_get_str(c, "id"));
    json_set(a, o, "created_by", bx_user_mini(ctx, json_get_str(c, "created_by")));
    json_set_str(a, o, "created_at", json_get_str(c, "created_at"));
    json_set_str(a, o, "modified_at", json_get_str(c, "modified_at"));
    json_set_null(a, o, "expires_at");
    json_set_str(a, o, "status", json_get_str(c, "status"));
    json_value *who = bx_user_mini(ctx, user);
    if (!*json_get_str(who, "id")) json_set_str(a, who, "login", email ? email : "");
    if (pending) json_set_str(a, who, "name", "");    /* Box hides the name until accepted */
    json_set_bool(a, who, "is_active", true);
    json_set(a, o, "accessible_by", who);
    json_set(a, o, "invite_email", email ? json_string(a, email) : json_null(a));
    json_set_str(a, o, "role", json_get_str(c, "role"));
    const char *ack = json_get_str(c, "acknowledged_at");
    if (ack) json_set_str(a, o, "acknowledged_at", ack);
    json_value *item = pending ? NULL : item_of(ctx, c);
    json_set(a, o, "item", item ? bx_mini(ctx, item) : json_null(a));
    json_set_bool(a, o, "is_access_only", false);
    return o;
}

static json_value *collab_json(twin_ctx *ctx, const json_value *c)
{
    return bx_pick(ctx, collab_full(ctx, c), bx_query(ctx, "fields"), collab_standard);
}

/* Records the change to c (on item) and fires its webhooks. */
static void emit(twin_ctx *ctx, const json_value *c, const json_value *item, const char *event_type,
                 const char *admin_type, const char *trigger)
{
    json_value *source = trigger ? bx_pick(ctx, collab_full(ctx, c), NULL, collab_standard) : NULL;
    bx_emit_collab(ctx, event_type, admin_type, trigger, item, source);
}

/* Is the caller the invitee (by user, or by the email of an invitation)? */
static bool is_invitee(twin_ctx *ctx, const json_value *c)
{
    const char *me = bx_me(ctx), *email = json_get_str(c, "invite_email");
    if (str_eq(json_get_str(c, "accessible_by"), me)) return true;
    json_value *u = bx_user_get(ctx, me);
    return email && u && str_case_eq(email, json_get_str(u, "login"));
}

static json_value *route_collab(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "collaboration_id");
    json_value *c = twin_doc_get(ctx, "collaborations", id);
    json_value *item = c ? item_of(ctx, c) : NULL;
    if (c && (is_invitee(ctx, c) || (item && bx_visible(ctx, item)))) return c;
    bx_not_found(ctx, "collaboration", id);
    return NULL;
}

static void already_collaborator(twin_ctx *ctx)
{
    bx_error(ctx, 400, "user_already_collaborator", "User is already a collaborator", NULL);
}

/* True when user_id (or, for invitations, email) already holds an open
 * collaboration on item, or owns it. */
static bool has_collab(twin_ctx *ctx, const json_value *item, const char *user_id, const char *email)
{
    if (user_id && str_eq(json_get_str(item, "owned_by"), user_id)) return true;
    twin_list l = bx_collaborations_of(ctx, json_get_str(item, "type"), json_get_str(item, "id"));
    for (size_t i = 0; i < l.n; i++) {
        const json_value *c = l.items[i];
        if (str_eq(json_get_str(c, "status"), "rejected")) continue;
        if (user_id && str_eq(json_get_str(c, "accessible_by"), user_id)) return true;
        if (email && json_get_str(c, "invite_email") && str_case_eq(json_get_str(c, "invite_email"), email)) return true;
    }
    return false;
}

void bx_collabs_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *body = ctx->body, *item_obj = json_get(body, "item"), *who = json_get(body, "accessible_by");
    const char *role = json_get_str(body, "role");
    if (!item_obj || item_obj->type != JSON_OBJECT) return bx_missing(ctx, "item");
    if (!who || who->type != JSON_OBJECT) return bx_missing(ctx, "accessible_by");
    if (!role) return bx_missing(ctx, "role");
    const char *itype = json_get_str(item_obj, "type"), *iid = json_get_str(item_obj, "id");
    if (!str_eq(itype, "file") && !str_eq(itype, "folder"))
        return bx_bad_request(ctx, "invalid_parameter", "item", "'item.type' must be 'file' or 'folder'");
    if (!iid) return bx_missing(ctx, "item.id");
    if (!bx_valid_role(role, false))
        return bx_bad_request(ctx, "invalid_parameter", "role", arena_printf(a, "Invalid value '%s'.", role));
    /* the root cannot be shared: it is a different folder for everyone */
    json_value *item = bx_active_item(ctx, str_eq(iid, "0") ? NULL : bx_item_get(ctx, itype, iid), iid);
    if (!item || !bx_require(ctx, item, BX_INVITE)) return;
    if (str_eq(role, "co-owner") && !bx_owns_or_co_owns(ctx, item)) return bx_forbidden(ctx);
    const char *wtype = json_get_str(who, "type"), *uid = json_get_str(who, "id"), *login = json_get_str(who, "login");
    if (str_eq(wtype, "group")) return bx_not_found(ctx, "group", uid ? uid : "");
    if (!str_eq(wtype, "user"))
        return bx_bad_request(ctx, "invalid_parameter", "accessible_by", "'accessible_by.type' must be 'user' or 'group'");
    json_value *user = NULL;
    if (uid) {
        if (!(user = bx_user_get(ctx, uid))) return bx_not_found(ctx, "user", uid);
    } else if (login) {
        if (!strchr(login, '@'))
            return bx_bad_request(ctx, "invalid_parameter", "login", arena_printf(a, "Invalid value '%s'.", login));
        user = bx_user_by_login(ctx, login);
    } else {
        return bx_missing(ctx, "accessible_by.id");
    }
    const char *user_id = user ? json_get_str(user, "id") : NULL;
    if (has_collab(ctx, item, user_id, user ? NULL : login)) return already_collaborator(ctx);
    json_value *c = bx_collab_create(ctx, item, user_id, user ? NULL : login, role, user ? "accepted" : "pending");
    /* users of the enterprise are added at once: invited, and accepted on their behalf */
    if (user) {
        emit(ctx, c, item, "COLLAB_ADD_COLLABORATOR", "COLLABORATION_INVITE", "COLLABORATION.CREATED");
        emit(ctx, c, item, NULL, "COLLABORATION_ACCEPT", NULL);
    } else {
        emit(ctx, c, item, "COLLAB_INVITE_COLLABORATOR", "COLLABORATION_INVITE", "COLLABORATION.CREATED");
    }
    twin_reply_json(ctx, 201, collab_json(ctx, c));
}

void bx_collabs_get(twin_ctx *ctx)
{
    json_value *c = route_collab(ctx);
    if (c) twin_reply_json(ctx, 200, collab_json(ctx, c));
}

/* Role "owner" hands the item over: the collaborator owns it, the old
 * owner stays as a co-owner, and Box answers 204. */
static void transfer_ownership(twin_ctx *ctx, json_value *c, json_value *item)
{
    const char *old_owner = json_get_str(item, "owned_by"), *new_owner = json_get_str(c, "accessible_by");
    if (!str_eq(old_owner, bx_me(ctx))) return bx_forbidden(ctx);
    if (!new_owner || !*new_owner || !str_eq(json_get_str(c, "status"), "accepted"))
        return bx_bad_request(ctx, "invalid_parameter", "role", "Only an accepted collaborator can become the owner");
    json_set_str(ctx->a, c, "role", "owner");
    json_set_str(ctx->a, c, "modified_at", bx_now(ctx));
    twin_doc_delete(ctx, "collaborations", json_get_str(c, "id"));
    bx_set_owner(ctx, item, new_owner);
    bx_collab_create(ctx, item, old_owner, NULL, "co-owner", "accepted");
    emit(ctx, c, item, "COLLAB_ROLE_CHANGE", "COLLABORATION_ROLE_CHANGE", "COLLABORATION.UPDATED");
    twin_reply_text(ctx, 204, NULL, "", 0);
}

/* The invitee accepted, rejected, or set the invitation back to pending. */
static void emit_answer(twin_ctx *ctx, const json_value *c, const json_value *item, const char *status)
{
    if (str_eq(status, "accepted"))
        emit(ctx, c, item, "COLLAB_ADD_COLLABORATOR", "COLLABORATION_ACCEPT", "COLLABORATION.ACCEPTED");
    else if (str_eq(status, "rejected"))
        emit(ctx, c, item, NULL, NULL, "COLLABORATION.REJECTED");
    else
        emit(ctx, c, item, NULL, NULL, "COLLABORATION.UPDATED");
}

void bx_collabs_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *c = route_collab(ctx);
    if (!c) return;
    const char *role = json_get_str(ctx->body, "role"), *status = json_get_str(ctx->body, "status");
    if (role && !bx_valid_role(role, true))
        return bx_bad_request(ctx, "invalid_parameter", "role", arena_printf(a, "Invalid value '%s'.", role));
    if (status && !str_eq(status, "pending") && !str_eq(status, "accepted") && !str_eq(status, "rejected"))
        return bx_bad_request(ctx, "invalid_parameter", "status", arena_printf(a, "Invalid value '%s'.", status));
    json_value *item = item_of(ctx, c);
    if (!item) return bx_not_found(ctx, "collaboration", json_get_str(c, "id"));
    bool answered = status && !str_eq(status, json_get_str(c, "status"));
    if (answered) {
        /* only the invitee answers an invitation */
        if (!is_invitee(ctx, c)) return bx_forbidden(ctx);
        json_set_str(a, c, "status", status);
        json_set_str(a, c, "accessible_by", bx_me(ctx));
        json_set_str(a, c, "acknowledged_at", bx_now(ctx));
    }
    bool role_changed = role && !str_eq(role, json_get_str(c, "role"));
    if (role_changed) {
        if (!bx_require(ctx, item, BX_INVITE)) return;
        if (str_eq(role, "owner")) return transfer_ownership(ctx, c, item);
        if (str_eq(role, "co-owner") && !bx_owns_or_co_owns(ctx, item)) return bx_forbidden(ctx);
        json_set_str(a, c, "role", role);
    }
    json_set_str(a, c, "modified_at", bx_now(ctx));
    bx_collab_save(ctx, c);
    if (answered) emit_answer(ctx, c, item, status);
    if (role_changed) emit(ctx, c, item, "COLLAB_ROLE_CHANGE", "COLLABORATION_ROLE_CHANGE", "COLLABORATION.UPDATED");
    twin_reply_json(ctx, 200, collab_json(ctx, c));
}

void bx_collabs_delete(twin_ctx *ctx)
{
    json_value *c = route_collab(ctx);
    if (!c) return;
    json_value *item = item_of(ctx, c);
    /* collaborators may leave; removing others takes the right to invite */
    if (!is_invitee(ctx, c) && !(item && bx_can(ctx, item, BX_INVITE))) return bx_forbidden(ctx);
    twin_doc_delete(ctx, "collaborations", json_get_str(c, "id"));
    emit(ctx, c, item, "COLLAB_REMOVE_COLLABORATOR", "COLLABORATION_REMOVE", "COLLABORATION.REMOVED");
    twin_reply_text(ctx, 204, NULL, "", 0);
}

/* GET /folders/{id}/collaborations and /files/{id}/collaborations: marker paging. */
static void list_item_collabs(twin_ctx *ctx, const char *type, const char *id)
{
    json_value *item = bx_active_item(ctx, bx_item_get(ctx, type, id), id);
    if (!item) return;
    int64_t limit = 100, offset = 0;
    if (!bx_paging(ctx, 100, 1000, &limit, &offset)) return;
    const char *marker = bx_query(ctx, "marker");
    offset = 0;
    if (marker && *marker && !bx_marker_decode(ctx, marker, &offset)) return;
    twin_list l = bx_collaborations_of(ctx, type, json_get_str(item, "id"));
    bx_page page = bx_page_start(ctx, offset, limit);
    for (size_t i = 0; i < l.n; i++) {
        if (str_eq(json_get_str(l.items[i], "status"), "rejected")) continue;
        if (bx_page_take(&page)) json_push(page.entries, collab_json(ctx, l.items[i]));
    }
    twin_reply_json(ctx, 200, bx_marker_page_json(ctx, &page, false));
}

void bx_folders_collabs(twin_ctx *ctx)
{
    list_item_collabs(ctx, "folder", twin_param(ctx, "folder_id"));
}

void bx_files_collabs(twin_ctx *ctx)
{
    list_item_collabs(ctx, "file", twin_param(ctx, "file_id"));
}

/* Ids under one key of the "pending" index, in list order (creation
 * order: ids are minted increasing), at most max of them. */
static bool pending_ids(twin_ctx *ctx, const char *key, size_t max, const char ***ids, size_t *n)
{
    store_key k = {.run = ctx->run_id, .twin = ctx->twin, .collection = "collaborations"};
    *ids = NULL;
    *n = 0;
    if (store_lookup(ctx->store, ctx->a, &k, "pending", key, ids, n, max) == 0) return true;
    ctx->store_failed = true;   /* answered as Box's 500 */
    return false;
}

static bool id_before(const char *x, const char *y)
{
    return strtoll(x, NULL, 10) < strtoll(y, NULL, 10);
}

/* GET /collaborations?status=pending: the caller's open invitations, both
 * those naming them and those sent to their login by email, in creation
 * order.  Only the ids up to the page's end and the page's documents are read. */
void bx_collabs_pending(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *status = bx_query(ctx, "status");
    if (!status) return bx_missing(ctx, "status");
    if (!str_eq(status, "pending"))
        return bx_bad_request(ctx, "invalid_parameter", "status", arena_printf(a, "Invalid value '%s'.", status));
    int64_t limit, offset;
    if (!bx_paging(ctx, 100, 1000, &limit, &offset)) return;
    json_value *me = bx_user_get(ctx, bx_me(ctx));
    const char *keys[2] = {bx_pending_key(ctx, bx_me(ctx), NULL),
                           me ? bx_pending_key(ctx, NULL, json_get_str(me, "login")) : NULL};
    size_t end = (size_t)offset + (size_t)limit;
    const char **ids[2] = {NULL, NULL};
    size_t n[2] = {0, 0}, at[2] = {0, 0};
    bx_page page = bx_page_start(ctx, offset, limit);
    for (int k = 0; k < 2; k++) {
        if (!keys[k]) continue;
        if (!pending_ids(ctx, keys[k], end, &ids[k], &n[k])) return;
        page.total += twin_doc_count(ctx, "collaborations", "pending", keys[k]);
    }
    /* merge the two lists, oldest first, up to the page's end */
    for (size_t i = 0; i < end && (at[0] < n[0] || at[1] < n[1]); i++) {
        int k = at[1] >= n[1] || (at[0] < n[0] && id_before(ids[0][at[0]], ids[1][at[1]])) ? 0 : 1;
        const char *id = ids[k][at[k]++];
        if ((int64_t)i < offset) continue;
        json_value *c = twin_doc_get(ctx, "collaborations", id);
        if (c) json_push(page.entries, collab_json(ctx, c));
    }
    twin_reply_json(ctx, 200, bx_page_json(ctx, &page, NULL));
}
