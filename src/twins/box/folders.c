/* Box twin: folder handlers (get with item_collection, items with offset
 * or marker paging, create, rename/move, copy, delete with `recursive`,
 * trash and restore) and the trash listing. */
#include <string.h>
#include <strings.h>

#include "twins/box/box.h"
#include "util/util.h"

static json_value *active_folder(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "folder_id");
    return bx_active_item(ctx, bx_folder_get(ctx, id), id);
}

static json_value *target_folder(twin_ctx *ctx, const json_value *parent_obj)
{
    return bx_target_folder(ctx, parent_obj, true);
}

static bool is_root_id(const char *id)
{
    return str_eq(id, "0");
}

static void root_forbidden(twin_ctx *ctx)
{
    bx_forbidden(ctx);
}

static void reply_folder(twin_ctx *ctx, int status, const json_value *folder)
{
    const char *fields = bx_query(ctx, "fields");
    json_value *out = bx_render(ctx, folder, fields);
    /* item_collection is part of the standard representation (first 100 items) */
    if (!fields || strstr(fields, "item_collection")) {
        int64_t limit = 100, offset = 0;
        if (!bx_paging(ctx, 100, 1000, &limit, &offset)) return;
        json_set(ctx->a, out, "item_collection",
                 bx_item_collection(ctx, json_get_str(folder, "id"), offset, limit, NULL, bx_query(ctx, "sort"),
                                    bx_query(ctx, "direction")));
    }
    twin_reply_json(ctx, status, out);
}

void bx_folders_get(twin_ctx *ctx)
{
    json_value *f = active_folder(ctx);
    if (!f) return;
    const char *none = http_header_get(ctx->req, "If-None-Match");
    if (none && !is_root_id(json_get_str(f, "id")) && str_eq(none, json_get_str(bx_mini(ctx, f), "etag")))
        return twin_reply_text(ctx, 304, NULL, "", 0);
    reply_folder(ctx, 200, f);
}

/* Lists items with offset paging, or marker paging when usemarker=true. */
static void reply_items(twin_ctx *ctx, twin_list *l)
{
    arena *a = ctx->a;
    int64_t limit, offset;
    if (!bx_paging(ctx, 100, 1000, &limit, &offset)) return;
    bool marker_mode = bx_truthy_arg(bx_query(ctx, "usemarker"));
    const char *marker = bx_query(ctx, "marker");
    if (marker && *marker) {
        if (!bx_marker_decode(ctx, marker, &offset)) return;
        marker_mode = true;
    }
    const char *fields = bx_query(ctx, "fields");
    const char *sort = bx_query(ctx, "sort"), *direction = bx_query(ctx, "direction");
    bx_item_sort(ctx, l, sort, direction);
    bx_page page = bx_page_start(ctx, offset, limit);
    for (size_t i = 0; i < l->n; i++)
        if (bx_page_take(&page))
            json_push(page.entries, fields && *fields ? bx_render(ctx, l->items[i], fields) : bx_mini(ctx, l->items[i]));
    json_value *order = bx_order_json(a, sort, direction), *out;
    if (marker_mode) {
        out = bx_marker_page_json(ctx, &page, true);
        json_set(a, out, "order", order);
    } else {
        out = bx_page_json(ctx, &page, order);
    }
    twin_reply_json(ctx, 200, out);
}

void bx_folders_items(twin_ctx *ctx)
{
    json_value *f = active_folder(ctx);
    if (!f) return;
    twin_list l = bx_listing(ctx, json_get_str(f, "id"));
    reply_items(ctx, &l);
}

void bx_trash_items(twin_ctx *ctx)
{
    twin_list folders = {0}, files = {0}, all = {0};
    store_list_opts o = {.index_name = "trash", .index_value = "1"};
    twin_doc_list(ctx, "folders", &o, &folders);
    twin_doc_list(ctx, "files", &o, &files);
    all.items = arena_alloc(ctx->a, (folders.n + files.n + 1) * sizeof *all.items);
    /* each user's trash holds what they own */
    const char *me = bx_me(ctx);
    for (size_t i = 0; i < folders.n; i++)
        if (str_eq(json_get_str(folders.items[i], "owned_by"), me)) all.items[all.n++] = folders.items[i];
    for (size_t i = 0; i < files.n; i++)
        if (str_eq(json_get_str(files.items[i], "owned_by"), me)) all.items[all.n++] = files.items[i];
    reply_items(ctx, &all);
}

void bx_folders_create(twin_ctx *ctx)
{
    const char *name = json_get_str(ctx->body, "name");
    if (!name) return bx_missing(ctx, "name");
    if (!json_get(ctx->body, "parent")) return bx_missing(ctx, "parent");
    if (!bx_name_ok(ctx, name)) return;
    json_value *p = target_folder(ctx, json_get(ctx->body, "parent"));
    if (!p) return;
    json_value *clash = bx_name_conflict(ctx, json_get_str(p, "id"), name, NULL);
    if (clash) return bx_conflict(ctx, clash, false);
    json_value *f = bx_folder_create(ctx, json_get_str(p, "id"), name, json_get_str(ctx->body, "description"));
    bx_emit(ctx, "ITEM_CREATE", "FOLDER.CREATED", f);
    reply_folder(ctx, 201, f);
}

void bx_folders_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = active_folder(ctx);
    if (!f) return;
    const char *id = json_get_str(f, "id");
    if (is_root_id(id)) return root_forbidden(ctx);
    if (!bx_require(ctx, f, BX_MODIFY) || !bx_if_match(ctx, f)) return;
    const char *name = json_get_str(ctx->body, "name"), *old_parent = json_get_str(f, "parent");
    const char *pid = old_parent;
    if (json_get(ctx->body, "parent")) {
        json_value *p = target_folder(ctx, json_get(ctx->body, "parent"));
        if (!p) return;
        pid = json_get_str(p, "id");
        if (bx_is_descendant(ctx, pid, id))
            return bx_error(ctx, 400, "cyclical_folder_structure", "Folder move creates cyclical folder structure",
                            NULL);
    }
    if (name && !bx_name_ok(ctx, name)) return;
    const char *new_name = name ? name : json_get_str(f, "name");
    bool renamed, moved;
    if (!bx_move_check(ctx, f, new_name, pid, &renamed, &moved)) return;
    const char *desc = json_get_str(ctx->body, "description");
    if (desc) json_set_str(a, f, "description", desc);
    bx_move_apply(ctx, f, new_name, pid, renamed, moved, "FOLDER");
    reply_folder(ctx, 200, f);
}

void bx_folders_copy(twin_ctx *ctx)
{
    json_value *f = active_folder(ctx);
    if (!f) return;
    const char *id = json_get_str(f, "id");
    if (is_root_id(id)) return root_forbidden(ctx);
    if (!bx_require(ctx, f, BX_DOWNLOAD)) return;
    json_value *p = target_folder(ctx, json_get(ctx->body, "parent"));
    if (!p) return;
    if (bx_is_descendant(ctx, json_get_str(p, "id"), id))
        return bx_bad_request(ctx, "invalid_parameter", "parent", "A folder cannot be copied into itself");
    const char *name = bx_placement_name(ctx, f, json_get_str(p, "id"), json_get_str(ctx->body, "name"));
    if (!name) return;
    json_value *c = bx_copy_folder(ctx, f, json_get_str(p, "id"), name);
    bx_emit(ctx, "ITEM_COPY", "FOLDER.COPIED", c);
    reply_folder(ctx, 201, c);
}

void bx_folders_delete(twin_ctx *ctx)
{
    json_value *f = active_folder(ctx);
    if (!f) return;
    if (is_root_id(json_get_str(f, "id"))) return root_forbidden(ctx);
    if (!bx_require(ctx, f, BX_MODIFY) || !bx_if_match(ctx, f)) return;
    if (!bx_truthy_arg(bx_query(ctx, "recursive")) && bx_children(ctx, json_get_str(f, "id"), false).n)
        return bx_error(ctx, 400, "folder_not_empty", "Cannot delete – folder not empty", NULL);
    bx_trash(ctx, f);
    bx_emit(ctx, "ITEM_TRASH", "FOLDER.TRASHED", f);
    twin_reply_text(ctx, 204, NULL, "", 0);
}

static json_value *trashed_folder(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "folder_id");
    return bx_trashed_item(ctx, is_root_id(id) ? NULL : bx_folder_get(ctx, id), id);
}

void bx_folders_trash_get(twin_ctx *ctx)
{
    json_value *f = trashed_folder(ctx);
    if (f) twin_reply_json(ctx, 200, bx_render(ctx, f, bx_query(ctx, "fields")));
}

void bx_folders_trash_delete(twin_ctx *ctx)
{
    json_value *f = trashed_folder(ctx);
    if (!f || !bx_require(ctx, f, BX_MODIFY)) return;
    bx_emit(ctx, NULL, "FOLDER.DELETED", f);
    bx_purge(ctx, f);
    twin_reply_text(ctx, 204, NULL, "", 0);
}

void bx_folders_restore(twin_ctx *ctx)
{
    json_value *f = trashed_folder(ctx);
    if (!f || !bx_require(ctx, f, BX_MODIFY)) return;
    json_value *p;
    if (json_get(ctx->body, "parent")) {
        p = target_folder(ctx, json_get(ctx->body, "parent"));
        if (!p) return;
    } else {
        p = bx_folder_get(ctx, json_get_str(f, "parent"));
        if (!p || bx_is_trashed(p)) return bx_not_found(ctx, "parent", json_get_str(f, "parent"));
    }
    const char *name = bx_placement_name(ctx, f, json_get_str(p, "id"), json_get_str(ctx->body, "name"));
    if (!name) return;
    bx_restore(ctx, f, json_get_str(p, "id"), name);
    bx_emit(ctx, "ITEM_UNDELETE_VIA_TRASH", "FOLDER.RESTORED", f);
    twin_reply_json(ctx, 201, bx_render(ctx, f, bx_query(ctx, "fields")));
}
