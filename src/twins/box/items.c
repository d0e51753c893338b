/* Box twin: the file tree.  Records, renderings (mini, standard, full and
 * `fields` selections), name rules and conflicts, content and versions,
 * trash, restore, purge and copies. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "twins/box/box.h"
#include "util/base64.h"
#include "util/util.h"

#define TRASH_RETENTION_SECONDS (30LL * 86400)

/* ---- records ---- */

static json_value *root_folder(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *r = json_object(a);
    json_set_str(a, r, "type", "folder");
    json_set_str(a, r, "id", "0");
    json_set_str(a, r, "name", "All Files");
    json_set_str(a, r, "description", "");
    json_set_null(a, r, "parent");
    json_set_str(a, r, "item_status", "active");
    json_set_str(a, r, "owned_by", bx_me(ctx));
    json_set_bool(a, r, "root", true);
    return r;
}

json_value *bx_folder_get(twin_ctx *ctx, const char *id)
{
    if (!id || !*id) return NULL;
    if (str_eq(id, "0")) return root_folder(ctx);
    return twin_doc_get(ctx, "folders", id);
}

json_value *bx_file_get(twin_ctx *ctx, const char *id)
{
    return id && *id ? twin_doc_get(ctx, "files", id) : NULL;
}

json_value *bx_item_get(twin_ctx *ctx, const char *type, const char *id)
{
    if (str_eq(type, "file")) return bx_file_get(ctx, id);
    if (str_eq(type, "folder")) return bx_folder_get(ctx, id);
    return NULL;
}

static bool is_file(const json_value *item)
{
    return str_eq(json_get_str(item, "type"), "file");
}

static bool is_root(const json_value *item)
{
    return json_truthy(json_get(item, "root"));
}

bool bx_is_trashed(const json_value *item)
{
    return str_eq(json_get_str(item, "item_status"), "trashed");
}

void bx_item_save(twin_ctx *ctx, json_value *item)
{
    if (is_root(item)) return;
    store_index idx[3];
    size_t n = 0;
    const char *parent = json_get_str(item, "parent");
    const char *owner = json_get_str(item, "owned_by");
    if (parent) idx[n++] = (store_index){"parent", parent};
    if (json_truthy(json_get(item, "trash_root"))) idx[n++] = (store_index){"trash", "1"};
    if (owner && is_file(item)) idx[n++] = (store_index){"owner", owner};
    twin_doc_put(ctx, is_file(item) ? "files" : "folders", json_get_str(item, "id"), item, idx, n);
}

static int64_t int_of(const json_value *item, const char *key)
{
    int64_t v = 0;
    json_int64(json_get(item, key), &v);
    return v;
}

void bx_item_touch(twin_ctx *ctx, json_value *item)
{
    arena *a = ctx->a;
    json_set_int(a, item, "etag", int_of(item, "etag") + 1);
    json_set_int(a, item, "sequence_id", int_of(item, "sequence_id") + 1);
    json_set_str(a, item, "modified_at", bx_now(ctx));
    json_set_str(a, item, "modified_by", bx_me(ctx));
}

static json_value *new_item(twin_ctx *ctx, const char *type, const char *parent_id, const char *name,
                            const char *description)
{
    arena *a = ctx->a;
    const char *now = bx_now(ctx), *me = bx_me(ctx);
    json_value *it = json_object(a);
    json_set_str(a, it, "type", type);
    json_set_str(a, it, "id", bx_next_id(ctx, type));
    json_set_str(a, it, "name", name);
    json_set_str(a, it, "description", description ? description : "");
    json_set_str(a, it, "parent", parent_id);
    json_set_str(a, it, "created_at", now);
    json_set_str(a, it, "modified_at", now);
    json_set_str(a, it, "content_created_at", now);
    json_set_str(a, it, "content_modified_at", now);
    json_set_str(a, it, "created_by", me);
    json_set_str(a, it, "modified_by", me);
    /* whoever creates it, an item belongs to the owner of its tree */
    json_set_str(a, it, "owned_by", bx_folder_owner(ctx, parent_id));
    json_set_int(a, it, "etag", 0);
    json_set_int(a, it, "sequence_id", 0);
    json_set_str(a, it, "item_status", "active");
    return it;
}

/* ---- children, names ---- */

/* Children kept when listing: "0" holds every user's top-level items, so
 * there only the caller's own count. */
static bool child_kept(twin_ctx *ctx, const json_value *item, const char *folder_id, bool include_trashed)
{
    if (!include_trashed && bx_is_trashed(item)) return false;
    return !str_eq(folder_id, "0") || str_eq(json_get_str(item, "owned_by"), bx_me(ctx));
}

twin_list bx_children(twin_ctx *ctx, const char *folder_id, bool include_trashed)
{
    twin_list folders = {0}, files = {0}, out = {0};
    store_list_opts o = {.index_name = "parent", .index_value = folder_id};
    twin_doc_list(ctx, "folders", &o, &folders);
    twin_doc_list(ctx, "files", &o, &files);
    out.items = arena_alloc(ctx->a, (folders.n + files.n + 1) * sizeof *out.items);
    for (size_t i = 0; i < folders.n; i++)
        if (child_kept(ctx, folders.items[i], folder_id, include_trashed)) out.items[out.n++] = folders.items[i];
    for (size_t i = 0; i < files.n; i++)
        if (child_kept(ctx, files.items[i], folder_id, include_trashed)) out.items[out.n++] = files.items[i];
    return out;
}

json_value *bx_name_conflict(twin_ctx *ctx, const char *folder_id, const char *name, const char *except_id)
{
    twin_list l = bx_children(ctx, folder_id, false);
    for (size_t i = 0; i < l.n; i++)
        if (strcasecmp(json_get_str(l.items[i], "name"), name) == 0 && !str_eq(json_get_str(l.items[i], "id"), except_id))
            return l.items[i];
    return NULL;
}

bool bx_name_ok(twin_ctx *ctx, const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n > 255) {
        bx_error(ctx, 400, "item_name_too_long", "Item name too long", NULL);
        return false;
    }
    bool bad = n == 0 || str_eq(name, ".") || str_eq(name, "..") || name[0] == ' ' || name[n - 1] == ' ';
    for (size_t i = 0; i < n && !bad; i++) {
        unsigned char c = (unsigned char)name[i];
        bad = c < 0x20 || c == 0x7f || c == '/' || c == '\\';
    }
    if (bad) bx_error(ctx, 400, "item_name_invalid", "Item name invalid", NULL);
    return !bad;
}

void bx_conflict(twin_ctx *ctx, const json_value *existing, bool as_object)
{
    arena *a = ctx->a;
    json_value *info = json_object(a), *mini = bx_mini(ctx, existing);
    if (as_object) {
        json_set(a, info, "conflicts", mini);
    } else {
        json_value *arr = json_array(a);
        json_push(arr, mini);
        json_set(a, info, "conflicts", arr);
    }
    bx_error(ctx, 409, "item_name_in_use", "Item with the same name already exists", info);
}

/* ---- rendering ---- */

static json_value *etag_json(arena *a, const json_value *item, const char *key)
{
    json_value *v = json_get(item, key);
    int64_t n;
    if (!v || !json_int64(v, &n)) return json_null(a);
    return json_string(a, arena_printf(a, "%lld", (long long)n));
}

static json_value *file_version_mini(arena *a, const json_value *file)
{
    json_value *v = json_object(a);
    json_set_str(a, v, "type", "file_version");
    json_set_str(a, v, "id", json_get_str(file, "version_id"));
    json_set_str(a, v, "sha1", json_get_str(file, "sha1"));
    return v;
}

json_value *bx_mini(twin_ctx *ctx, const json_value *item)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "type", json_get_str(item, "type"));
    json_set_str(a, o, "id", json_get_str(item, "id"));
    if (is_file(item)) json_set(a, o, "file_version", file_version_mini(a, item));
    json_set(a, o, "sequence_id", etag_json(a, item, "sequence_id"));
    json_set(a, o, "etag", etag_json(a, item, "etag"));
    if (is_file(item)) json_set_str(a, o, "sha1", json_get_str(item, "sha1"));
    json_set_str(a, o, "name", json_get_str(item, "name"));
    return o;
}

/* The parent as the caller sees it: a collaborator who cannot reach the
 * real parent sees the item in their own root, like Box shows it. */
static json_value *visible_parent(twin_ctx *ctx, const json_value *item)
{
    const char *pid = json_get_str(item, "parent");
    json_value *p = pid ? bx_folder_get(ctx, pid) : NULL;
    if (p && !bx_visible(ctx, p)) p = root_folder(ctx);
    return p;
}

static json_value *path_collection(twin_ctx *ctx, const json_value *item)
{
    arena *a = ctx->a;
    json_value *pc = json_object(a), *entries = json_array(a);
    if (bx_is_trashed(item)) {
        /* Trashed items live under the Trash pseudo-folder. */
        json_value *t = json_object(a);
        json_set_str(a, t, "type", "folder");
        json_set_str(a, t, "id", "1");
        json_set_null(a, t, "sequence_id");
        json_set_null(a, t, "etag");
        json_set_str(a, t, "name", "Trash");
        json_push(entries, t);
    } else {
        /* Walk up to the root, then emit root-first. */
        json_value *chain[64];
        size_t n = 0;
        for (json_value *p = visible_parent(ctx, item); p && n < 64; p = visible_parent(ctx, p)) chain[n++] = p;
        while (n) json_push(entries, bx_mini(ctx, chain[--n]));
    }
    json_set_int(a, pc, "total_count", entries->len);
    json_set(a, pc, "entries", entries);
    return pc;
}

int64_t bx_folder_size(twin_ctx *ctx, const char *folder_id)
{
    twin_list l = bx_children(ctx, folder_id, false);
    int64_t sum = 0;
    for (size_t i = 0; i < l.n; i++)
        sum += is_file(l.items[i]) ? int_of(l.items[i], "size") : bx_folder_size(ctx, json_get_str(l.items[i], "id"));
    return sum;
}

static json_value *user_or_empty(twin_ctx *ctx, const json_value *item, const char *key)
{
    return bx_user_mini(ctx, json_get_str(item, key));
}

/* The caller's rights on the item, from their role. */
static json_value *permissions(twin_ctx *ctx, const json_value *item, bool file)
{
    arena *a = ctx->a;
    json_value *p = json_object(a);
    unsigned caps = bx_caps(bx_role(ctx, item));
    static const struct {
        const char *name;
        unsigned needs;
    } needs[] = {{"can_annotate", BX_MODIFY}, {"can_comment", BX_COMMENT}, {"can_preview", BX_VIEW},
                 {"can_upload", BX_UPLOAD}, {"can_view_annotations_all", BX_VIEW},
                 {"can_view_annotations_self", BX_VIEW}, {"can_download", BX_DOWNLOAD}, {"can_delete", BX_MODIFY},
                 {"can_invite_collaborator", BX_INVITE}, {"can_rename", BX_MODIFY},
                 {"can_set_share_access", BX_MODIFY}, {"can_share", BX_DOWNLOAD}};
    static const char *const file_perms[] = {"can_annotate", "can_comment", "can_preview", "can_upload",
                                             "can_view_annotations_all", "can_view_annotations_self",
                                             "can_download", "can_delete", "can_invite_collaborator", "can_rename",
                                             "can_set_share_access", "can_share", NULL};
    static const char *const folder_perms[] = {"can_delete", "can_download", "can_invite_collaborator", "can_rename",
                                               "can_set_share_access", "can_share", "can_upload", NULL};
    for (const char *const *k = file ? file_perms : folder_perms; *k; k++) {
        unsigned want = BX_VIEW;
        for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++)
            if (str_eq(needs[i].name, *k)) want = needs[i].needs;
        json_set_bool(a, p, *k, (caps & want) == want);
    }
    return p;
}

static const char *extension_of(const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    return dot && dot != name ? dot + 1 : "";
}

json_value *bx_full(twin_ctx *ctx, const json_value *item)
{
    arena *a = ctx->a;
    bool file = is_file(item), root = is_root(item), trashed = bx_is_trashed(item);
    json_value *o = bx_mini(ctx, item);
    json_set_str(a, o, "description", json_get_str(item, "description"));
    json_set_int(a, o, "size", file ? int_of(item, "size") : bx_folder_size(ctx, json_get_str(item, "id")));
    json_set(a, o, "path_collection", path_collection(ctx, item));
    if (root) {
        json_set_null(a, o, "created_at");
        json_set_null(a, o, "modified_at");
    } else {
        json_set_str(a, o, "created_at", json_get_str(item, "created_at"));
        json_set_str(a, o, "modified_at", json_get_str(item, "modified_at"));
    }
    const char *trashed_at = json_get_str(item, "trashed_at");
    json_set(a, o, "trashed_at", trashed ? json_string(a, trashed_at) : json_null(a));
    if (trashed) {
        int64_t t = parse_iso8601_ms(trashed_at);
        json_set_str(a, o, "purged_at", bx_time(ctx, t / 1000 + TRASH_RETENTION_SECONDS));
    } else {
        json_set_null(a, o, "purged_at");
    }
    json_set(a, o, "content_created_at",
             root ? json_null(a) : json_string(a, json_get_str(item, "content_created_at")));
    json_set(a, o, "content_modified_at",
             root ? json_null(a) : json_string(a, json_get_str(item, "content_modified_at")));
    /* Box shows an empty user as the root's creator; the description wants a
     * login that is an email, so the owner stands in. */
    json_set(a, o, "created_by", root ? bx_user_mini(ctx, bx_me(ctx)) : user_or_empty(ctx, item, "created_by"));
    json_set(a, o, "modified_by", root ? bx_user_mini(ctx, bx_me(ctx)) : user_or_empty(ctx, item, "modified_by"));
    json_set(a, o, "owned_by", user_or_empty(ctx, item, "owned_by"));
    json_set_null(a, o, "shared_link");
    if (!file) json_set_null(a, o, "folder_upload_email");
    json_value *parent = visible_parent(ctx, item);
    json_set(a, o, "parent", parent ? bx_mini(ctx, parent) : json_null(a));
    json_set_str(a, o, "item_status", json_get_str(item, "item_status"));
    /* full-only fields, returned when asked for with `fields` */
    json_set(a, o, "permissions", permissions(ctx, item, file));
    json_value *tags = json_get(item, "tags");
    if (tags && tags->len) json_set(a, o, "tags", json_clone(a, tags));
    json_set_bool(a, o, "has_collaborations",
                  !root && bx_collaborations_of(ctx, json_get_str(item, "type"), json_get_str(item, "id")).n > 0);
    json_set_bool(a, o, "is_externally_owned", false);
    json_set_bool(a, o, "is_accessible_via_shared_link", false);
    json_set_bool(a, o, "is_associated_with_app_item", false);
    json_value *roles = json_array(a);
    static const char *const role_names[] = {"editor", "viewer", "previewer", "uploader", "previewer uploader",
                                             "viewer uploader", "co-owner", NULL};
    for (size_t i = 0; role_names[i]; i++) json_push(roles, json_string(a, role_names[i]));
    json_set(a, o, "allowed_invitee_roles", roles);
    if (file) {
        json_set_str(a, o, "version_number", arena_printf(a, "%lld", (long long)int_of(item, "version_number")));
        json_set_int(a, o, "comment_count", twin_doc_count(ctx, "comments", "file", json_get_str(item, "id")));
        json_set_null(a, o, "lock");
        json_set_str(a, o, "extension", extension_of(json_get_str(item, "name")));
        json_set_bool(a, o, "is_package", false);
        json_value *u = bx_user_get(ctx, json_get_str(item, "modified_by"));
        json_set_str(a, o, "uploader_display_name", u ? json_get_str(u, "name") : "");
        json_set_null(a, o, "expires_at");
        json_set_null(a, o, "disposition_at");
    } else {
        json_set_str(a, o, "sync_state", "not_synced");
        json_set_bool(a, o, "can_non_owners_invite", true);
        json_set_bool(a, o, "can_non_owners_view_collaborators", true);
        json_set_bool(a, o, "is_collaboration_restricted_to_enterprise", false);
        json_value *levels = json_array(a);
        json_push(levels, json_string(a, "open"));
        json_push(levels, json_string(a, "company"));
        json_push(levels, json_string(a, "collaborators"));
        json_set(a, o, "allowed_shared_link_access_levels", levels);
    }
    return o;
}

static const char *const file_standard[] = {
    "type", "id", "file_version", "sequence_id", "etag", "sha1", "name", "description", "size", "path_collection",
    "created_at", "modified_at", "trashed_at", "purged_at", "content_created_at", "content_modified_at", "created_by",
    "modified_by", "owned_by", "shared_link", "parent", "item_status", NULL};
static const char *const folder_standard[] = {
    "type", "id", "sequence_id", "etag", "name", "created_at", "modified_at", "description", "size",
    "path_collection", "created_by", "modified_by", "trashed_at", "purged_at", "content_created_at",
    "content_modified_at", "owned_by", "shared_link", "folder_upload_email", "parent", "item_status",
    "item_collection", NULL};

json_value *bx_render(twin_ctx *ctx, const json_value *item, const char *fields)
{
    return bx_pick(ctx, bx_full(ctx, item), fields, is_file(item) ? file_standard : folder_standard);
}

/* ---- listing ---- */

typedef struct sort_spec {
    const char *by;
    bool desc;
} sort_spec;

static int compare_items(const json_value *x, const json_value *y, const sort_spec *s)
{
    /* Folders always come before files, then the requested attribute. */
    int tx = is_file(x), ty = is_file(y);
    if (tx != ty) return tx - ty;
    int c;
    if (str_eq(s->by, "id")) {
        c = strtoll(json_get_str(x, "id"), NULL, 10) < strtoll(json_get_str(y, "id"), NULL, 10) ? -1 : 1;
    } else if (str_eq(s->by, "date")) {
        c = strcmp(json_get_str(x, "modified_at"), json_get_str(y, "modified_at"));
    } else if (str_eq(s->by, "size")) {
        int64_t a = int_of(x, "size"), b = int_of(y, "size");
        c = a < b ? -1 : a > b;
    } else {
        c = strcasecmp(json_get_str(x, "name"), json_get_str(y, "name"));
    }
    if (c == 0) c = strcmp(json_get_str(x, "id"), json_get_str(y, "id"));
    return s->desc ? -c : c;
}

void bx_item_sort(twin_ctx *ctx, twin_list *l, const char *sort, const char *direction)
{
    (void)ctx;
    sort_spec s = {.by = sort && *sort ? sort : "name", .desc = direction && strcasecmp(direction, "DESC") == 0};
    /* insertion sort: folders hold few items here, and it is stable */
    for (size_t i = 1; i < l->n; i++) {
        json_value *v = l->items[i];
        size_t j = i;
        while (j > 0 && compare_items(l->items[j - 1], v, &s) > 0) {
            l->items[j] = l->items[j - 1];
            j--;
        }
        l->items[j] = v;
    }
}

json_value *bx_item_collection(twin_ctx *ctx, const char *folder_id, int64_t offset, int64_t limit,
                               const char *fields, const char *sort, const char *direction)
{
    arena *a = ctx->a;
    twin_list l = bx_listing(ctx, folder_id);
    bx_item_sort(ctx, &l, sort, direction);
    bx_page page = bx_page_start(ctx, offset, limit);
    for (size_t i = 0; i < l.n; i++)
        if (bx_page_take(&page))
            json_push(page.entries, fields && *fields ? bx_render(ctx, l.items[i], fields) : bx_mini(ctx, l.items[i]));
    return bx_page_json(ctx, &page, bx_order_json(a, sort, direction));
}

json_value *bx_order_json(arena *a, const char *sort, const char *direction)
{
    json_value *order = json_array(a), *by_type = json_object(a), *by_attr = json_object(a);
    json_set_str(a, by_type, "by", "type");
    json_set_str(a, by_type, "direction", "ASC");
    json_set_str(a, by_attr, "by", sort && *sort ? sort : "name");
    json_set_str(a, by_attr, "direction", direction && strcasecmp(direction, "DESC") == 0 ? "DESC" : "ASC");
    json_push(order, by_type);
    json_push(order, by_attr);
    return order;
}

bool bx_is_descendant(twin_ctx *ctx, const char *folder_id, const char *ancestor_id)
{
    const char *id = folder_id;
    for (int depth = 0; id && depth < 256; depth++) {
        if (str_eq(id, ancestor_id)) return true;
        json_value *f = bx_folder_get(ctx, id);
        id = f ? json_get_str(f, "parent") : NULL;
    }
    return false;
}

/* ---- content ---- */

const char *bx_sha1_hex(arena *a, const char *data, size_t len)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data, len, d, &n, EVP_sha1(), NULL);
    char *hex = arena_alloc(a, 2 * n + 1);
    for (unsigned int i = 0; i < n; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return hex;
}

const char *bx_blob(twin_ctx *ctx, const char *version_id, size_t *len)
{
    json_value *b = twin_doc_get(ctx, "blobs", version_id);
    const char *data = b ? json_get_str(b, "data") : NULL;
    char *out = data ? base64_decode(ctx->a, data, len) : NULL;
    if (!out) *len = 0;
    return out ? out : "";
}

static json_value *store_version(twin_ctx *ctx, const json_value *file, const char *data, size_t len,
                                 int64_t number)
{
    arena *a = ctx->a;
    const char *vid = bx_next_id(ctx, "file_version"), *now = bx_now(ctx);
    json_value *v = json_object(a);
    json_set_str(a, v, "type", "file_version");
    json_set_str(a, v, "id", vid);
    json_set_str(a, v, "file_id", json_get_str(file, "id"));
    json_set_str(a, v, "sha1", bx_sha1_hex(a, data, len));
    json_set_str(a, v, "name", json_get_str(file, "name"));
    json_set_int(a, v, "size", (int64_t)len);
    json_set_str(a, v, "created_at", now);
    json_set_str(a, v, "modified_at", now);
    json_set_str(a, v, "modified_by", bx_me(ctx));
    json_set_int(a, v, "version_number", number);
    store_index idx = {"file", json_get_str(file, "id")};
    twin_doc_put(ctx, "versions", vid, v, &idx, 1);
    json_value *blob = json_object(a);
    json_set_str(a, blob, "data", base64_encode(a, data, len));
    twin_doc_put(ctx, "blobs", vid, blob, NULL, 0);
    return v;
}

static void adopt_version(twin_ctx *ctx, json_value *file, const json_value *v)
{
    arena *a = ctx->a;
    json_set_str(a, file, "version_id", json_get_str(v, "id"));
    json_set_str(a, file, "sha1", json_get_str(v, "sha1"));
    json_set(a, file, "size", json_clone(a, json_get(v, "size")));
    json_set(a, file, "version_number", json_clone(a, json_get(v, "version_number")));
}

json_value *bx_file_create(twin_ctx *ctx, const char *parent_id, const char *name, const char *data, size_t len,
                           const char *description)
{
    json_value *f = new_item(ctx, "file", parent_id, name, description);
    adopt_version(ctx, f, store_version(ctx, f, data, len, 1));
    bx_item_save(ctx, f);
    return f;
}

void bx_file_new_version(twin_ctx *ctx, json_value *file, const char *data, size_t len)
{
    adopt_version(ctx, file, store_version(ctx, file, data, len, int_of(file, "version_number") + 1));
    bx_item_touch(ctx, file);
    json_set_str(ctx->a, file, "content_modified_at", json_get_str(file, "modified_at"));
    bx_item_save(ctx, file);
}

json_value *bx_folder_create(twin_ctx *ctx, const char *parent_id, const char *name, const char *description)
{
    json_value *f = new_item(ctx, "folder", parent_id, name, description);
    bx_item_save(ctx, f);
    return f;
}

/* ---- trash ---- */

static void mark_subtree(twin_ctx *ctx, const char *folder_id, const char *root_id, const char *when)
{
    twin_list l = bx_children(ctx, folder_id, when == NULL);
    for (size_t i = 0; i < l.n; i++) {
        json_value *c = l.items[i];
        if (when) {
            json_set_str(ctx->a, c, "item_status", "trashed");
            json_set_str(ctx->a, c, "trashed_at", when);
            json_set_str(ctx->a, c, "trash_by", root_id);
        } else {
            /* restore only what this trash operation took along */
            if (!str_eq(json_get_str(c, "trash_by"), root_id)) continue;
            json_set_str(ctx->a, c, "item_status", "active");
            json_remove(c, "trashed_at");
            json_remove(c, "trash_by");
        }
        bx_item_save(ctx, c);
        if (!is_file(c)) mark_subtree(ctx, json_get_str(c, "id"), root_id, when);
    }
}

void bx_trash(twin_ctx *ctx, json_value *item)
{
    const char *now = bx_now(ctx);
    bx_item_touch(ctx, item);
    json_set_str(ctx->a, item, "item_status", "trashed");
    json_set_str(ctx->a, item, "trashed_at", now);
    json_set_bool(ctx->a, item, "trash_root", true);
    bx_item_save(ctx, item);
    if (!is_file(item)) mark_subtree(ctx, json_get_str(item, "id"), json_get_str(item, "id"), now);
}

void bx_restore(twin_ctx *ctx, json_value *item, const char *parent_id, const char *name)
{
    json_set_str(ctx->a, item, "name", name);
    json_set_str(ctx->a, item, "parent", parent_id);
    bx_item_touch(ctx, item);
    json_set_str(ctx->a, item, "item_status", "active");
    json_remove(item, "trashed_at");
    json_remove(item, "trash_root");
    bx_item_save(ctx, item);
    if (!is_file(item)) mark_subtree(ctx, json_get_str(item, "id"), json_get_str(item, "id"), NULL);
}

static void purge_file(twin_ctx *ctx, const json_value *file)
{
    twin_list l = {0};
    store_list_opts o = {.index_name = "file", .index_value = json_get_str(file, "id")};
    twin_doc_list(ctx, "versions", &o, &l);
    for (size_t i = 0; i < l.n; i++) {
        twin_doc_delete(ctx, "blobs", json_get_str(l.items[i], "id"));
        twin_doc_delete(ctx, "versions", json_get_str(l.items[i], "id"));
    }
    twin_doc_delete(ctx, "files", json_get_str(file, "id"));
}

void bx_purge(twin_ctx *ctx, json_value *item)
{
    if (is_file(item)) return purge_file(ctx, item);
    twin_list l = bx_children(ctx, json_get_str(item, "id"), true);
    for (size_t i = 0; i < l.n; i++) bx_purge(ctx, l.items[i]);
    twin_doc_delete(ctx, "folders", json_get_str(item, "id"));
}

/* ---- copies ---- */

json_value *bx_copy_file(twin_ctx *ctx, const json_value *file, const char *parent_id, const char *name)
{
    size_t len = 0;
    const char *data = bx_blob(ctx, json_get_str(file, "version_id"), &len);
    json_value *c = bx_file_create(ctx, parent_id, name ? name : json_get_str(file, "name"), data, len,
                                   json_get_str(file, "description"));
    /* a copy keeps the original's content times */
    json_set_str(ctx->a, c, "content_created_at", json_get_str(file, "content_created_at"));
    json_set_str(ctx->a, c, "content_modified_at", json_get_str(file, "content_modified_at"));
    bx_item_save(ctx, c);
    return c;
}

json_value *bx_copy_folder(twin_ctx *ctx, const json_value *folder, const char *parent_id, const char *name)
{
    json_value *c = bx_folder_create(ctx, parent_id, name ? name : json_get_str(folder, "name"),
                                     json_get_str(folder, "description"));
    twin_list l = bx_children(ctx, json_get_str(folder, "id"), false);
    for (size_t i = 0; i < l.n; i++) {
        if (is_file(l.items[i])) bx_copy_file(ctx, l.items[i], json_get_str(c, "id"), NULL);
        else bx_copy_folder(ctx, l.items[i], json_get_str(c, "id"), NULL);
    }
    return c;
}

/* ---- what file and folder handlers share ---- */

json_value *bx_active_item(twin_ctx *ctx, json_value *item, const char *id)
{
    if (!item || !bx_visible(ctx, item)) {
        bx_not_found(ctx, "item", id);
        return NULL;
    }
    if (bx_is_trashed(item)) {
        bx_error(ctx, 404, "trashed", "Item is trashed", NULL);
        return NULL;
    }
    return item;
}

json_value *bx_trashed_item(twin_ctx *ctx, json_value *item, const char *id)
{
    if (!item || !bx_visible(ctx, item)) {
        bx_not_found(ctx, "item", id);
        return NULL;
    }
    /* a folder only counts when it was trashed itself, not with its parent */
    if (!bx_is_trashed(item) || (!is_file(item) && !json_truthy(json_get(item, "trash_root")))) {
        bx_error(ctx, 404, "not_trashed", "Item is not trashed", NULL);
        return NULL;
    }
    return item;
}

json_value *bx_target_folder(twin_ctx *ctx, const json_value *parent_obj, bool required)
{
    const char *pid = json_get_str(parent_obj, "id");
    if (!pid) {
        if (required) bx_missing(ctx, "parent");
        return NULL;
    }
    json_value *p = bx_folder_get(ctx, pid);
    if (!p || bx_is_trashed(p) || !bx_visible(ctx, p)) {
        bx_not_found(ctx, "parent", pid);
        return NULL;
    }
    return bx_require(ctx, p, BX_UPLOAD) ? p : NULL;
}

bool bx_move_check(twin_ctx *ctx, const json_value *item, const char *new_name, const char *parent_id,
                   bool *renamed, bool *moved)
{
    *renamed = !str_eq(new_name, json_get_str(item, "name"));
    *moved = !str_eq(parent_id, json_get_str(item, "parent"));
    if (!*renamed && !*moved) return true;
    json_value *clash = bx_name_conflict(ctx, parent_id, new_name, json_get_str(item, "id"));
    if (clash) bx_conflict(ctx, clash, false);
    return !clash;
}

void bx_move_apply(twin_ctx *ctx, json_value *item, const char *new_name, const char *parent_id, bool renamed,
                   bool moved, const char *kind)
{
    arena *a = ctx->a;
    json_value *tags = json_get(ctx->body, "tags");
    if (tags && tags->type == JSON_ARRAY) json_set(a, item, "tags", json_clone(a, tags));
    json_set_str(a, item, "name", new_name);
    json_set_str(a, item, "parent", parent_id);
    bx_item_touch(ctx, item);
    bx_item_save(ctx, item);
    /* moved into another user's tree: that user owns it now */
    if (moved) bx_set_owner(ctx, item, bx_folder_owner(ctx, parent_id));
    if (moved) bx_emit(ctx, "ITEM_MOVE", arena_printf(a, "%s.MOVED", kind), item);
    if (renamed) bx_emit(ctx, "ITEM_RENAME", arena_printf(a, "%s.RENAMED", kind), item);
    if (!moved && !renamed) bx_emit(ctx, "ITEM_MODIFY", NULL, item);
}

const char *bx_placement_name(twin_ctx *ctx, const json_value *item, const char *folder_id, const char *name)
{
    if (name && !bx_name_ok(ctx, name)) return NULL;
    if (!name) name = json_get_str(item, "name");
    json_value *clash = bx_name_conflict(ctx, folder_id, name, NULL);
    if (clash) {
        bx_conflict(ctx, clash, false);
        return NULL;
    }
    return name;
}
