/* Box twin: who may see and do what.
 *
 * Every user has their own root "0"; an item belongs to the owner of the
 * tree it sits in.  Other users reach it only through a collaboration on
 * the item or on a folder above it (access cascades down), with the
 * role's rights.  Items a caller cannot reach answer 404 like Box does;
 * reachable items whose role lacks a right answer 403. */
#include <string.h>

#include "twins/box/box.h"
#include "util/util.h"

/* The rights each collaboration role grants (owner and co-owner: all).
 * Every role that previews may comment and create tasks; uploaders see names only. */
static const struct {
    const char *role;
    unsigned caps;
} role_caps[] = {
    {"owner", BX_VIEW | BX_DOWNLOAD | BX_UPLOAD | BX_MODIFY | BX_INVITE | BX_COMMENT},
    {"co-owner", BX_VIEW | BX_DOWNLOAD | BX_UPLOAD | BX_MODIFY | BX_INVITE | BX_COMMENT},
    {"editor", BX_VIEW | BX_DOWNLOAD | BX_UPLOAD | BX_MODIFY | BX_INVITE | BX_COMMENT},
    {"viewer uploader", BX_VIEW | BX_DOWNLOAD | BX_UPLOAD | BX_COMMENT},
    {"previewer uploader", BX_VIEW | BX_UPLOAD | BX_COMMENT},
    {"viewer", BX_VIEW | BX_DOWNLOAD | BX_COMMENT},
    {"previewer", BX_VIEW | BX_COMMENT},
    {"uploader", BX_VIEW | BX_UPLOAD},
};

unsigned bx_caps(const char *role)
{
    for (size_t i = 0; role && i < sizeof role_caps / sizeof role_caps[0]; i++)
        if (str_eq(role_caps[i].role, role)) return role_caps[i].caps;
    return 0;
}

bool bx_valid_role(const char *role, bool allow_owner)
{
    return bx_caps(role) && (allow_owner || !str_eq(role, "owner"));
}

bool bx_is_admin(twin_ctx *ctx)
{
    const char *me = bx_me(ctx);
    if (str_eq(me, bx_service_id(ctx))) return true;
    json_value *u = bx_user_get(ctx, me);
    const char *role = u ? json_get_str(u, "role") : NULL;
    return str_eq(role, "admin") || str_eq(role, "coadmin");
}

static const char *item_key(arena *a, const char *type, const char *id)
{
    return arena_printf(a, "%s:%s", type, id);
}

twin_list bx_collaborations_of(twin_ctx *ctx, const char *item_type, const char *item_id)
{
    twin_list l = {0};
    store_list_opts o = {.index_name = "item", .index_value = item_key(ctx->a, item_type, item_id)};
    twin_doc_list(ctx, "collaborations", &o, &l);
    return l;
}

const char *bx_pending_key(twin_ctx *ctx, const char *user_id, const char *email)
{
    if (user_id && *user_id) return user_id;
    return str_to_lower(arena_printf(ctx->a, "email:%s", email ? email : ""));
}

void bx_collab_save(twin_ctx *ctx, json_value *collab)
{
    store_index idx[3];
    size_t n = 0;
    idx[n++] = (store_index){"item", item_key(ctx->a, json_get_str(collab, "item_type"), json_get_str(collab, "item_id"))};
    const char *user = json_get_str(collab, "accessible_by");
    if (user && *user) idx[n++] = (store_index){"user", user};
    /* the invitee's pending list reads its page straight from this index */
    if (str_eq(json_get_str(collab, "status"), "pending"))
        idx[n++] = (store_index){"pending", bx_pending_key(ctx, user, json_get_str(collab, "invite_email"))};
    twin_doc_put(ctx, "collaborations", json_get_str(collab, "id"), collab, idx, n);
}

/* The caller's accepted collaboration directly on item, or NULL. */
static json_value *direct_collab(twin_ctx *ctx, const json_value *item)
{
    twin_list l = bx_collaborations_of(ctx, json_get_str(item, "type"), json_get_str(item, "id"));
    const char *me = bx_me(ctx);
    for (size_t i = 0; i < l.n; i++)
        if (str_eq(json_get_str(l.items[i], "accessible_by"), me) &&
            str_eq(json_get_str(l.items[i], "status"), "accepted"))
            return l.items[i];
    return NULL;
}

const char *bx_role(twin_ctx *ctx, const json_value *item)
{
    if (!item) return NULL;
    if (json_truthy(json_get(item, "root")) || str_eq(json_get_str(item, "owned_by"), bx_me(ctx))) return "owner";
    const json_value *cur = item;
    for (int depth = 0; cur && depth < 256; depth++) {
        json_value *c = direct_collab(ctx, cur);
        if (c) return json_get_str(c, "role");
        const char *pid = json_get_str(cur, "parent");
        cur = pid && !str_eq(pid, "0") ? bx_folder_get(ctx, pid) : NULL;
    }
    return NULL;
}

bool bx_visible(twin_ctx *ctx, const json_value *item)
{
    return bx_role(ctx, item) != NULL;
}

bool bx_owns_or_co_owns(twin_ctx *ctx, const json_value *item)
{
    const char *role = bx_role(ctx, item);
    return str_eq(role, "owner") || str_eq(role, "co-owner");
}

bool bx_may_manage(twin_ctx *ctx, const json_value *rec, const char *creator_key, const json_value *file)
{
    return str_eq(json_get_str(rec, creator_key), bx_me(ctx)) || bx_owns_or_co_owns(ctx, file);
}

json_value *bx_reachable_file(twin_ctx *ctx, const char *file_id)
{
    json_value *f = file_id ? bx_file_get(ctx, file_id) : NULL;
    return f && !bx_is_trashed(f) && bx_visible(ctx, f) ? f : NULL;
}

bool bx_can(twin_ctx *ctx, const json_value *item, unsigned caps)
{
    return (bx_caps(bx_role(ctx, item)) & caps) == caps;
}

void bx_forbidden(twin_ctx *ctx)
{
    bx_error(ctx, 403, "access_denied_insufficient_permissions", "Access denied - insufficient permission", NULL);
}

bool bx_require(twin_ctx *ctx, const json_value *item, unsigned caps)
{
    if (bx_can(ctx, item, caps)) return true;
    bx_forbidden(ctx);
    return false;
}

const char *bx_folder_owner(twin_ctx *ctx, const char *folder_id)
{
    json_value *f = bx_folder_get(ctx, folder_id);
    const char *o = f ? json_get_str(f, "owned_by") : NULL;
    return o ? o : bx_me(ctx);
}

void bx_set_owner(twin_ctx *ctx, json_value *item, const char *owner)
{
    if (str_eq(json_get_str(item, "owned_by"), owner)) return;
    json_set_str(ctx->a, item, "owned_by", owner);
    bx_item_save(ctx, item);
    if (str_eq(json_get_str(item, "type"), "file")) return;
    twin_list l = bx_children(ctx, json_get_str(item, "id"), true);
    for (size_t i = 0; i < l.n; i++) bx_set_owner(ctx, l.items[i], owner);
}

/* The root listing also shows the items shared with the caller, except
 * those already reachable through a collaborated folder above them. */
twin_list bx_listing(twin_ctx *ctx, const char *folder_id)
{
    twin_list own = bx_children(ctx, folder_id, false);
    if (!str_eq(folder_id, "0")) return own;
    twin_list shared = {0};
    store_list_opts o = {.index_name = "user", .index_value = bx_me(ctx)};
    twin_doc_list(ctx, "collaborations", &o, &shared);
    twin_list out = {0};
    out.items = arena_alloc(ctx->a, (own.n + shared.n + 1) * sizeof *out.items);
    for (size_t i = 0; i < own.n; i++) out.items[out.n++] = own.items[i];
    for (size_t i = 0; i < shared.n; i++) {
        json_value *c = shared.items[i];
        if (!str_eq(json_get_str(c, "status"), "accepted")) continue;
        json_value *it = bx_item_get(ctx, json_get_str(c, "item_type"), json_get_str(c, "item_id"));
        if (!it || bx_is_trashed(it) || str_eq(json_get_str(it, "owned_by"), bx_me(ctx))) continue;
        const char *pid = json_get_str(it, "parent");
        json_value *parent = pid && !str_eq(pid, "0") ? bx_folder_get(ctx, pid) : NULL;
        if (parent && bx_visible(ctx, parent)) continue;
        out.items[out.n++] = it;
    }
    return out;
}

/* Events: the caller's own actions, and those on items the caller can
 * still reach (or owned, when the item is gone). */
bool bx_event_visible(twin_ctx *ctx, const json_value *event)
{
    const char *me = bx_me(ctx);
    if (str_eq(json_get_str(event, "created_by"), me)) return true;
    json_value *src = json_get(event, "item") ? json_get(event, "item") : json_get(event, "source");
    json_value *item = bx_item_get(ctx, json_get_str(src, "type"), json_get_str(src, "id"));
    if (item) return bx_visible(ctx, item);
    return str_eq(json_get_str(json_get(src, "owned_by"), "id"), me);
}
