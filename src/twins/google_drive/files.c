/* Google Drive twin: files (create, uploads: simple, multipart, resumable;
 * get and download, list with q, update, copy, delete, trash, export),
 * about, changes and the storage-tier admin endpoint. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/form.h"
#include "twins/google_drive/drive.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/map.h"
#include "util/util.h"

#define FILE_DEFAULT "kind,id,name,mimeType"
#define CHANGES_DEFAULT \
    "kind,nextPageToken,newStartPageToken,changes(kind,changeType,time,removed,fileId,file(kind,id,name,mimeType),driveId," \
    "drive(kind,id,name))"

/* ---- records ---- */

static json_value *root_record(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = json_object(a);
    json_set_str(a, f, "id", gd_root_id(ctx));
    json_set_str(a, f, "name", "My Drive");
    json_set_str(a, f, "mimeType", GD_FOLDER);
    json_set(a, f, "parents", json_array(a));
    json_set_str(a, f, "createdTime", "2026-01-01T00:00:00.000Z");
    json_set_str(a, f, "modifiedTime", "2026-01-01T00:00:00.000Z");
    json_set_bool(a, f, "trashed", false);
    json_set_bool(a, f, "starred", false);
    json_set_int(a, f, "version", 1);
    json_set_str(a, f, "_space", "drive");
    json_set_bool(a, f, "_root", true);
    return f;
}

json_value *gd_file_get(twin_ctx *ctx, const char *id)
{
    if (!id) return NULL;
    if (str_eq(id, "root") || str_eq(id, gd_root_id(ctx))) return root_record(ctx);
    json_value *f = twin_doc_get(ctx, "files", id);
    if (!f) {
        json_value *d = gd_drive_get(ctx, id);
        if (d) f = gd_drive_root(ctx, d);
    }
    /* a shared drive's items are not found by apps that do not say they
     * support shared drives, nor by non-members */
    return f && gd_drive_visible(ctx, f) ? f : NULL;
}

json_value *gd_file_load(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "fileId");
    json_value *f = gd_file_get(ctx, id);
    if (!f) gd_file_not_found(ctx, id);
    return f;
}

void gd_file_save(twin_ctx *ctx, json_value *f)
{
    if (json_truthy(json_get(f, "_root"))) return;
    const char *id = json_get_str(f, "id"), *drive_id = json_get_str(f, "driveId");
    gd_usage_update(ctx, twin_doc_get(ctx, "files", id), f);
    store_index idx = {"drive", drive_id};
    twin_doc_put(ctx, "files", id, f, drive_id ? &idx : NULL, drive_id ? 1 : 0);
}

static twin_list all_files(twin_ctx *ctx)
{
    twin_list l = {0};
    store_list_opts o = {0};
    if (twin_doc_list(ctx, "files", &o, &l) != 0) l.n = 0;
    return l;
}

static bool has_parent(const json_value *f, const char *id)
{
    json_foreach(p, json_get(f, "parents")) if (str_eq(json_str(p), id)) return true;
    return false;
}

static const char *icon_link(twin_ctx *ctx, const char *mt)
{
    return arena_printf(ctx->a, "https://drive-thirdparty.googleusercontent.com/16/type/%s", mt);
}

static const char *view_link(twin_ctx *ctx, const char *id, const char *mt)
{
    if (str_eq(mt, GD_FOLDER)) return arena_printf(ctx->a, "https://drive.google.com/drive/folders/%s", id);
    if (str_eq(mt, GD_DOC)) return arena_printf(ctx->a, "https://docs.google.com/document/d/%s/edit?usp=drivesdk", id);
    if (str_eq(mt, GD_SHEET))
        return arena_printf(ctx->a, "https://docs.google.com/spreadsheets/d/%s/edit?usp=drivesdk", id);
    if (str_eq(mt, "application/vnd.google-apps.presentation"))
        return arena_printf(ctx->a, "https://docs.google.com/presentation/d/%s/edit?usp=drivesdk", id);
    return arena_printf(ctx->a, "https://drive.google.com/file/d/%s/view?usp=drivesdk", id);
}

static json_value *capabilities(twin_ctx *ctx, const json_value *f, bool owner)
{
    arena *a = ctx->a;
    const char *mt = json_get_str(f, "mimeType");
    bool folder = str_eq(mt, GD_FOLDER), trashed = json_truthy(json_get(f, "trashed"));
    json_value *c = json_object(a);
#define CAP(n, v) json_set_bool(a, c, n, v)
    CAP("canAcceptOwnership", false);
    CAP("canAddChildren", folder && !trashed);
    CAP("canAddMyDriveParent", false);
    CAP("canChangeCopyRequiresWriterPermission", owner);
    CAP("canChangeSecurityUpdateEnabled", false);
    CAP("canChangeViewersCanCopyContent", owner);
    CAP("canComment", true);
    CAP("canCopy", !folder);
    CAP("canDelete", owner);
    CAP("canDisableInheritedPermissions", false);
    CAP("canDownload", true);
    CAP("canEdit", !trashed);
    CAP("canListChildren", folder);
    CAP("canModifyContent", !trashed);
    CAP("canModifyContentRestriction", !folder && !trashed);
    CAP("canModifyEditorContentRestriction", !folder && owner);
    CAP("canModifyOwnerContentRestriction", !folder && owner);
    CAP("canModifyLabels", owner && !trashed);
    CAP("canMoveChildrenWithinDrive", folder && owner);
    CAP("canMoveItemIntoTeamDrive", owner);
    CAP("canMoveItemOutOfDrive", owner);
    CAP("canMoveItemWithinDrive", owner);
    CAP("canReadLabels", true);
    CAP("canReadRevisions", !folder);
    CAP("canRemoveChildren", folder);
    CAP("canRemoveContentRestriction", false);
    CAP("canRemoveMyDriveParent", owner);
    CAP("canRename", !trashed);
    CAP("canShare", true);
    CAP("canTrash", owner);
    CAP("canUntrash", owner);
#undef CAP
    return c;
}

/* A shared drive's items carry the drive's member permissions. */
static json_value *member_ids(twin_ctx *ctx, const char *drive_id)
{
    json_value *pids = json_array(ctx->a);
    twin_list perms = gd_drive_members(ctx, drive_id);
    for (size_t i = 0; i < perms.n; i++) json_push(pids, json_string(ctx->a, json_get_str(perms.items[i], "id")));
    return pids;
}

/* What every file resource carries: its stored public members (the "_"
 * ones are the twin's own), the space, version, links and thumbnail state. */
static void put_stored_fields(twin_ctx *ctx, const json_value *f, json_value *o, const char *space)
{
    arena *a = ctx->a;
    const char *id = json_get_str(f, "id"), *mt = json_get_str(f, "mimeType");
    json_set_str(a, o, "kind", "drive#file");
    json_foreach(x, f) {
        if (x->key[0] == '_' || str_eq(x->key, "version")) continue;
        json_set(a, o, x->key, json_clone(a, x));
    }
    json_value *spaces = json_array(a);
    json_push(spaces, json_string(a, space));
    json_set(a, o, "spaces", spaces);
    json_set_str(a, o, "version", arena_printf(a, "%lld", (long long)gd_int(json_get(f, "version"), 1)));
    json_set_str(a, o, "webViewLink", view_link(ctx, id, mt));
    json_set_str(a, o, "iconLink", icon_link(ctx, mt));
    json_set_bool(a, o, "hasThumbnail", false);
    json_set_str(a, o, "thumbnailVersion", "0");
}

/* An item of a shared drive: no owners (the drive owns it), driveId and
 * teamDriveId, capabilities from the caller's membership role. */
static json_value *drive_file_json(twin_ctx *ctx, const json_value *f, const char *mask_dflt)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    const char *id = json_get_str(f, "id"), *drive_id = json_get_str(f, "driveId");
    put_stored_fields(ctx, f, o, "drive");
    json_set_str(a, o, "teamDriveId", drive_id);
    json_set_bool(a, o, "ownedByMe", false);
    const char *modifier = json_get_str(f, "_modifier") ? json_get_str(f, "_modifier") : json_get_str(f, "_owner");
    if (modifier) {
        json_set(a, o, "lastModifyingUser", gd_user(ctx, modifier));
        bool me = str_eq(modifier, gd_user_email(ctx));
        json_set_bool(a, o, "modifiedByMe", me);
        if (me) json_set_str(a, o, "modifiedByMeTime", json_get_str(f, "modifiedTime"));
    }
    if (google_fields_may_keep(ctx, mask_dflt, "permissionIds") || google_fields_may_keep(ctx, mask_dflt, "shared")) {
        json_set(a, o, "permissionIds", member_ids(ctx, drive_id));
        json_set_bool(a, o, "shared", true);
    }
    json_set(a, o, "capabilities", gd_drive_file_capabilities(ctx, f, gd_drive_role(ctx, drive_id)));
    json_set_bool(a, o, "viewersCanCopyContent", true);
    json_set_bool(a, o, "copyRequiresWriterPermission", false);
    json_set_bool(a, o, "writersCanShare", true);
    json_set_bool(a, o, "isAppAuthorized", true);
    int64_t size = gd_int(json_get(f, "_size"), 0);
    json_set_str(a, o, "quotaBytesUsed", "0");
    if (json_get(f, "md5Checksum")) {
        json_set_str(a, o, "size", arena_printf(a, "%lld", (long long)size));
        json_set_str(a, o, "webContentLink", arena_printf(a, "https://drive.google.com/uc?id=%s&export=download", id));
    }
    if (!json_get(f, "trashed")) json_set_bool(a, o, "trashed", false);
    if (!json_get(f, "explicitlyTrashed")) json_set_bool(a, o, "explicitlyTrashed", false);
    gd_label_info(ctx, f, o);
    return o;
}

json_value *gd_file_json(twin_ctx *ctx, const json_value *f, const char *mask_dflt)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    const char *id = json_get_str(f, "id");
    const char *owner = json_get_str(f, "_owner"), *drive_id = json_get_str(f, "driveId");
    if (!owner) owner = gd_user_email(ctx);
    bool mine = str_eq(owner, gd_user_email(ctx)), root = json_truthy(json_get(f, "_root"));
    if (drive_id) return drive_file_json(ctx, f, mask_dflt);
    put_stored_fields(ctx, f, o, json_get_str(f, "_space") ? json_get_str(f, "_space") : "drive");
    json_set_bool(a, o, "viewedByMe", mine);
    if (mine) json_set_str(a, o, "viewedByMeTime", json_get_str(f, "modifiedTime"));
    json_set_bool(a, o, "modifiedByMe", mine);
    if (mine) json_set_str(a, o, "modifiedByMeTime", json_get_str(f, "modifiedTime"));
    json_value *owners = json_array(a);
    json_push(owners, gd_user(ctx, owner));
    json_set(a, o, "owners", owners);
    const char *modifier = json_get_str(f, "_modifier");
    json_set(a, o, "lastModifyingUser", gd_user(ctx, modifier ? modifier : owner));
    json_set_bool(a, o, "ownedByMe", mine);
    if (!mine) {
        json_set_str(a, o, "sharedWithMeTime", json_get_str(f, "createdTime"));
        json_set(a, o, "sharingUser", gd_user(ctx, owner));
    }
    /* One store query per file: only when the answer can show its outcome
     * (lists render up to 1000 files, mostly under masks without these). */
    if (google_fields_may_keep(ctx, mask_dflt, "permissionIds") || google_fields_may_keep(ctx, mask_dflt, "shared")) {
        json_value *pids = json_array(a);
        if (!root) {
            twin_list perms = gd_list_by_file(ctx, "permissions", id);
            for (size_t i = 0; i < perms.n; i++) json_push(pids, json_string(a, json_get_str(perms.items[i], "id")));
            json_set_bool(a, o, "shared", perms.n > 1);
        } else {
            json_set_bool(a, o, "shared", false);
        }
        json_set(a, o, "permissionIds", pids);
    }
    json_set(a, o, "capabilities", capabilities(ctx, f, mine));
    json_set_bool(a, o, "viewersCanCopyContent", true);
    json_set_bool(a, o, "copyRequiresWriterPermission", false);
    json_set_bool(a, o, "writersCanShare", true);
    json_set_bool(a, o, "isAppAuthorized", true);
    json_set_bool(a, o, "inheritedPermissionsDisabled", false);
    int64_t size = gd_int(json_get(f, "_size"), 0);
    json_set_str(a, o, "quotaBytesUsed", arena_printf(a, "%lld", (long long)size));
    if (json_get(f, "md5Checksum")) {
        json_set_str(a, o, "size", arena_printf(a, "%lld", (long long)size));
        json_set_str(a, o, "webContentLink",
                     arena_printf(a, "https://drive.google.com/uc?id=%s&export=download", id));
    }
    if (!json_get(f, "trashed")) json_set_bool(a, o, "trashed", false);
    if (!json_get(f, "explicitlyTrashed")) json_set_bool(a, o, "explicitlyTrashed", false);
    gd_label_info(ctx, f, o);
    return o;
}

/* ---- content ---- */

static const char *blob_key(twin_ctx *ctx, const char *file_id, const char *rev)
{
    return arena_printf(ctx->a, "%s:%s", file_id, rev);
}

static char *content_of(twin_ctx *ctx, const json_value *f, const char *rev, size_t *len)
{
    *len = 0;
    const char *r = rev ? rev : json_get_str(f, "_rev");
    if (!r) return NULL;
    json_value *b = twin_doc_get(ctx, "blobs", blob_key(ctx, json_get_str(f, "id"), r));
    if (!b) return NULL;
    return gd_stored_bytes(ctx->a, json_get_str(b, "data"), len);
}

/* Stores content as a new head revision of f (f is updated, not saved). */
static void add_revision(twin_ctx *ctx, json_value *f, const char *data, size_t len, bool keep_forever)
{
    arena *a = ctx->a;
    const char *id = json_get_str(f, "id"), *mt = json_get_str(f, "mimeType");
    bool google = gd_is_google_type(mt);
    const char *rev = google ? arena_printf(a, "%lld", (long long)twin_counter(ctx, arena_printf(a, "rev:%s", id)))
                             : twin_new_id(ctx, "0B", 47);
    json_value *b = json_object(a);
    json_set_str(a, b, "data", base64_encode(a, data ? data : "", len));
    twin_doc_put(ctx, "blobs", blob_key(ctx, id, rev), b, NULL, 0);
    json_value *r = json_object(a);
    json_set_str(a, r, "kind", "drive#revision");
    json_set_str(a, r, "id", rev);
    json_set_str(a, r, "mimeType", mt);
    json_set_str(a, r, "modifiedTime", json_get_str(f, "modifiedTime"));
    json_set_bool(a, r, "published", false);
    const char *modifier = json_get_str(f, "_modifier") ? json_get_str(f, "_modifier") : json_get_str(f, "_owner");
    json_set(a, r, "lastModifyingUser", gd_user(ctx, modifier));
    json_set_str(a, r, "_owner", modifier);
    if (!google) {
        const char *md5, *sha1, *sha256;
        gd_hashes(a, data ? data : "", len, &md5, &sha1, &sha256);
        json_set_bool(a, r, "keepForever", keep_forever);
        json_set_str(a, r, "originalFilename", json_get_str(f, "originalFilename") ? json_get_str(f, "originalFilename")
                                                                                    : json_get_str(f, "name"));
        json_set_str(a, r, "md5Checksum", md5);
        json_set_str(a, r, "size", arena_printf(a, "%zu", len));
        json_set_str(a, f, "md5Checksum", md5);
        json_set_str(a, f, "sha1Checksum", sha1);
        json_set_str(a, f, "sha256Checksum", sha256);
        json_set_int(a, f, "_size", (int64_t)len);
        json_set_str(a, f, "headRevisionId", rev);
    }
    json_set_str(a, f, "_rev", rev);
    store_index idx = {"file", id};
    twin_doc_put(ctx, "revisions", blob_key(ctx, id, rev), r, &idx, 1);
}

static const char *guess_type(const char *name)
{
    static const struct { const char *ext, *mt; } t[] = {
        {".txt", "text/plain"}, {".md", "text/markdown"}, {".csv", "text/csv"}, {".json", "application/json"},
        {".html", "text/html"}, {".htm", "text/html"}, {".pdf", "application/pdf"}, {".png", "image/png"},
        {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"}, {".xml", "text/xml"},
        {".zip", "application/zip"}, {".js", "text/javascript"},
    };
    for (size_t i = 0; name && i < sizeof t / sizeof t[0]; i++)
        if (str_ends_with(name, t[i].ext)) return t[i].mt;
    return NULL;
}

static void set_extensions(twin_ctx *ctx, json_value *f)
{
    const char *name = json_get_str(f, "originalFilename") ? json_get_str(f, "originalFilename") : json_get_str(f, "name");
    const char *dot = name ? strchr(name, '.') : NULL, *last = name ? strrchr(name, '.') : NULL;
    if (dot && dot[1] && !gd_is_google_type(json_get_str(f, "mimeType")) && !str_eq(json_get_str(f, "mimeType"), GD_FOLDER)) {
        json_set_str(ctx->a, f, "fullFileExtension", dot + 1);
        json_set_str(ctx->a, f, "fileExtension", last + 1);
    }
}

static void add_owner_permission(twin_ctx *ctx, const char *id, const char *oe)
{
    arena *a = ctx->a;
    json_value *perm = json_object(a);
    json_set_str(a, perm, "kind", "drive#permission");
    json_set_str(a, perm, "id", gd_permission_id(ctx, oe));
    json_set_str(a, perm, "type", "user");
    json_set_str(a, perm, "emailAddress", oe);
    json_set_str(a, perm, "role", "owner");
    json_set_str(a, perm, "displayName", json_get_str(gd_user(ctx, oe), "displayName"));
    json_set_bool(a, perm, "deleted", false);
    json_set_bool(a, perm, "pendingOwner", false);
    store_index idx = {"file", id};
    twin_doc_put(ctx, "permissions", arena_printf(a, "%s:%s", id, json_get_str(perm, "id")), perm, &idx, 1);
}

json_value *gd_file_create(twin_ctx *ctx, const json_value *meta, const char *data, size_t len, bool has_media,
                           const char *media_type, const char *owner)
{
    arena *a = ctx->a;
    json_value *f = json_object(a);
    const char *id = json_get_str(meta, "id");
    if (!id || !*id) id = twin_new_id(ctx, "1", 32);
    const char *name = json_get_str(meta, "name");
    const char *mt = json_get_str(meta, "mimeType");
    if (!mt || !*mt) {
        mt = media_type && *media_type && !str_eq(media_type, "application/octet-stream") ? media_type : NULL;
        if (!mt) mt = guess_type(name);
        if (!mt) mt = "application/octet-stream";
    }
    const char *now = gd_now(ctx);
    json_set_str(a, f, "id", id);
    json_set_str(a, f, "name", name && *name ? name : "Untitled");
    json_set_str(a, f, "mimeType", mt);
    json_value *parents = json_array(a);
    const char *space = "drive";
    json_foreach(p, json_get(meta, "parents")) {
        const char *pid = json_str(p);
        if (str_eq(pid, "appDataFolder")) space = "appDataFolder";
        json_push(parents, json_string(a, str_eq(pid, "root") ? gd_root_id(ctx) : pid));
    }
    if (!parents->len) json_push(parents, json_string(a, gd_root_id(ctx)));
    json_set(a, f, "parents", parents);
    /* an item takes the shared drive of its parent (the callers checked the
     * parent is theirs to see; seeding has no request to ask) */
    const char *parent_id = json_str(json_at(parents, 0));
    const char *drive_id = gd_drive_get(ctx, parent_id) ? parent_id
                                                         : json_get_str(twin_doc_get(ctx, "files", parent_id), "driveId");
    if (drive_id) json_set_str(a, f, "driveId", drive_id);
    const char *ct = json_get_str(meta, "createdTime"), *mtime = json_get_str(meta, "modifiedTime");
    json_set_str(a, f, "createdTime", ct ? ct : now);
    json_set_str(a, f, "modifiedTime", mtime ? mtime : now);
    json_set_bool(a, f, "starred", json_truthy(json_get(meta, "starred")));
    json_set_bool(a, f, "trashed", false);
    json_set_bool(a, f, "explicitlyTrashed", false);
    static const char *const copy_keys[] = {"description", "properties", "appProperties", "originalFilename",
                                            "folderColorRgb", NULL};
    for (size_t i = 0; copy_keys[i]; i++) {
        json_value *v = json_get(meta, copy_keys[i]);
        if (v && !json_is_null(v)) json_set(a, f, copy_keys[i], json_clone(a, v));
    }
    if (has_media && !json_get(f, "originalFilename") && name && !gd_is_google_type(mt))
        json_set_str(a, f, "originalFilename", name);
    json_set_int(a, f, "version", 1);
    json_set_str(a, f, "_space", space);
    json_set_str(a, f, "_owner", owner ? owner : gd_user_email(ctx));
    json_set_int(a, f, "_size", 0);
    set_extensions(ctx, f);
    if (!str_eq(mt, GD_FOLDER) && (has_media || !gd_is_google_type(mt))) add_revision(ctx, f, data, len, false);
    gd_file_save(ctx, f);
    if (drive_id) {   /* a shared drive's members have access; nobody owns the item */
        gd_record_change(ctx, id, false);
        return f;
    }
    add_owner_permission(ctx, id, json_get_str(f, "_owner"));
    gd_record_change(ctx, id, false);
    return f;
}

/* ---- validation shared by create and copy ---- */

/* In a shared drive, a role of at least min_rank (gd_role_rank) or 403:
 * contributors (writer) and up add and change items (can_edit), content
 * managers (fileOrganizer) and organizers trash and delete them
 * (can_organize).  Items outside shared drives go by their own permissions. */
static bool has_drive_role(twin_ctx *ctx, const json_value *f, int min_rank)
{
    return gd_require_drive_rank(ctx, json_get_str(f, "driveId"), min_rank);
}

static bool can_edit(twin_ctx *ctx, const json_value *f)
{
    return has_drive_role(ctx, f, 3);
}

static bool can_organize(twin_ctx *ctx, const json_value *f)
{
    return has_drive_role(ctx, f, 4);
}

static bool quota_ok(twin_ctx *ctx, int64_t delta)
{
    if (delta <= 0) return true;
    int64_t limit = gd_quota_limit(ctx);
    if (limit < 0 || gd_quota_used(ctx, NULL) + delta <= limit) return true;
    gd_error(ctx, 403, "storageQuotaExceeded", "The user's Drive storage quota has been exceeded.", NULL, NULL);
    return false;
}

static bool parents_ok(twin_ctx *ctx, const json_value *meta)
{
    json_value *parents = json_get(meta, "parents");
    if (parents && parents->type != JSON_ARRAY && !json_is_null(parents)) {
        gd_error(ctx, 400, "invalid", "Invalid value for parents.", "parents", "other");
        return false;
    }
    if (parents && parents->len > 1) {
        gd_error(ctx, 403, "cannotAddParent", "Increasing the number of parents is not allowed.", NULL, NULL);
        return false;
    }
    json_foreach(p, parents) {
        const char *pid = json_str(p);
        if (str_eq(pid, "appDataFolder")) continue;
        json_value *pf = gd_file_get(ctx, pid);
        if (!pf) {
            gd_file_not_found(ctx, pid);
            return false;
        }
        if (!str_eq(json_get_str(pf, "mimeType"), GD_FOLDER)) {
            gd_error(ctx, 400, "invalidParent", "The parent specified is not a folder.", NULL, NULL);
            return false;
        }
        if (!can_edit(ctx, pf)) return false;
    }
    return true;
}

static bool meta_ok(twin_ctx *ctx, const json_value *meta)
{
    if (ctx->body_error && meta == ctx->body) {
        gd_error(ctx, 400, "parseError", "Parse Error", NULL, NULL);
        return false;
    }
    if (meta && meta->type != JSON_OBJECT) {
        gd_error(ctx, 400, "parseError", "Parse Error", NULL, NULL);
        return false;
    }
    const char *id = json_get_str(meta, "id");
    /* taken ids include those of items the request cannot see (a shared drive's) */
    if (id && *id && (gd_file_get(ctx, id) || twin_doc_get(ctx, "files", id) || gd_drive_get(ctx, id))) {
        gd_error(ctx, 409, "duplicate", "A file already exists with the provided ID.", NULL, NULL);
        return false;
    }
    return parents_ok(ctx, meta);
}

static void reply_file(twin_ctx *ctx, const json_value *f)
{
    google_reply_fields(ctx, gd_file_json(ctx, f, FILE_DEFAULT), FILE_DEFAULT);
}

/* ---- files.create (metadata only) ---- */

void gd_files_create(twin_ctx *ctx)
{
    json_value *meta = ctx->body;
    if (!meta_ok(ctx, meta)) return;
    reply_file(ctx, gd_file_create(ctx, meta, NULL, 0, false, NULL, NULL));
}

/* ---- uploads ---- */

typedef struct media {
    json_value *meta;
    const char *data;
    size_t len;
    const char *type;
    bool ok;
} media;

/* Splits an upload request into metadata and bytes by uploadType. */
static media read_media(twin_ctx *ctx)
{
    media m = {0};
    const char *ut = gd_query(ctx, "uploadType");
    http_request *req = ctx->req;
    if (!ut || str_eq(ut, "media")) {
        m.meta = json_object(ctx->a);
        m.data = req->body;
        m.len = req->body_len;
        m.type = http_content_type(req);
        m.ok = true;
        return m;
    }
    if (str_eq(ut, "multipart")) {
        multipart_part *parts = NULL;
        size_t n = 0;
        const char *ct = http_header_get(req, "Content-Type");
        if (!str_starts_with(http_content_type(req), "multipart/") ||
            !multipart_parse(ctx->a, ct, req->body, req->body_len, &parts, &n) || n < 1) {
            gd_error(ctx, 400, "badContent", "Malformed multipart body.", NULL, NULL);
            return m;
        }
        json_error je;
        m.meta = parts[0].len ? json_parse(ctx->a, parts[0].data, parts[0].len, &je) : json_object(ctx->a);
        if (!m.meta || m.meta->type != JSON_OBJECT) {
            gd_error(ctx, 400, "parseError", "Parse Error", NULL, NULL);
            return m;
        }
        if (n >= 2) {
            m.data = parts[1].data;
            m.len = parts[1].len;
            m.type = parts[1].content_type;
        } else {
            m.data = "";
        }
        m.ok = true;
        return m;
    }
    gd_error(ctx, 400, "invalid", arena_printf(ctx->a, "Invalid value '%s'. Values must be one of: media, multipart, resumable", ut),
             "uploadType", "parameter");
    return m;
}

static void start_resumable(twin_ctx *ctx, const char *file_id)
{
    arena *a = ctx->a;
    json_value *meta = ctx->body;
    if (ctx->body_error || (meta && meta->type != JSON_OBJECT)) {
        gd_error(ctx, 400, "parseError", "Parse Error", NULL, NULL);
        return;
    }
    if (!file_id && !meta_ok(ctx, meta)) return;
    const char *xlen = http_header_get(ctx->req, "X-Upload-Content-Length");
    if (xlen && !quota_ok(ctx, atoll(xlen))) return;
    const char *uid = twin_new_id(ctx, "ADPyc", 60);
    json_value *s = json_object(a);
    json_set(a, s, "meta", json_clone(a, meta));
    const char *xt = http_header_get(ctx->req, "X-Upload-Content-Type");
    if (xt) json_set_str(a, s, "type", xt);
    if (file_id) json_set_str(a, s, "fileId", file_id);
    json_set_str(a, s, "data", "");
    if (gd_query(ctx, "fields")) json_set_str(a, s, "fields", gd_query(ctx, "fields"));
    twin_doc_put(ctx, "uploads", uid, s, NULL, 0);
    const char *base = google_base_url(ctx);
    http_set_header(ctx->req, "Location",
                    arena_printf(a, "%s/upload/drive/v3/files%s%s?uploadType=resumable&upload_id=%s", base,
                                 file_id ? "/" : "", file_id ? file_id : "", uid));
    http_set_header(ctx->req, "X-GUploader-UploadID", uid);
    twin_reply_text(ctx, 200, "text/html; charset=UTF-8", "", 0);
}

void gd_files_upload(twin_ctx *ctx)
{
    if (str_eq(gd_query(ctx, "uploadType"), "resumable")) return start_resumable(ctx, NULL);
    media m = read_media(ctx);
    if (!m.ok) return;
    if (!meta_ok(ctx, m.meta)) return;
    const char *mt = json_get_str(m.meta, "mimeType");
    if (!gd_is_google_type(mt) && !quota_ok(ctx, (int64_t)m.len)) return;
    reply_file(ctx, gd_file_create(ctx, m.meta, m.data, m.len, true, m.type, NULL));
}

static bool update_content_allowed(twin_ctx *ctx, const json_value *f)
{
    if (str_eq(json_get_str(f, "mimeType"), GD_FOLDER) || json_truthy(json_get(f, "_root"))) {
        gd_error(ctx, 400, "badContent", "Folders cannot have content.", NULL, NULL);
        return false;
    }
    return true;
}

/* Updates move a file with addParents/removeParents, never through `parents`. */
static bool parents_unwritten(twin_ctx *ctx, const json_value *meta)
{
    if (!json_get(meta, "parents")) return true;
    gd_error(ctx, 403, "fieldNotWritable",
             "The parents field is not directly writable in update requests. Use the addParents and "
             "removeParents parameters instead.", NULL, NULL);
    return false;
}

static void apply_metadata(twin_ctx *ctx, json_value *f, const json_value *meta);
static bool move_parents(twin_ctx *ctx, json_value *f);

/* New content (and metadata) for an existing file. */
static void finish_update(twin_ctx *ctx, json_value *f, const json_value *meta, const char *data, size_t len,
                          const char *type)
{
    arena *a = ctx->a;
    bool google = gd_is_google_type(json_get_str(f, "mimeType"));
    int64_t old = gd_int(json_get(f, "_size"), 0);
    if (!google && !quota_ok(ctx, (int64_t)len - old)) return;
    if (meta) apply_metadata(ctx, f, meta);
    if (!move_parents(ctx, f)) return;
    if (type && *type && !google && !(meta && json_get(meta, "mimeType")) && !str_eq(type, "application/octet-stream"))
        json_set_str(a, f, "mimeType", type);
    json_set_str(a, f, "modifiedTime", gd_now(ctx));
    json_set_int(a, f, "version", gd_int(json_get(f, "version"), 1) + 1);
    json_set_str(a, f, "_modifier", gd_user_email(ctx));
    add_revision(ctx, f, data, len, gd_bool_query(ctx, "keepRevisionForever", false));
    gd_file_save(ctx, f);
    gd_record_change(ctx, json_get_str(f, "id"), false);
    reply_file(ctx, f);
}

void gd_files_upload_update(twin_ctx *ctx)
{
    json_value *f = gd_file_load(ctx);
    if (!f) return;
    if (str_eq(gd_query(ctx, "uploadType"), "resumable")) return start_resumable(ctx, json_get_str(f, "id"));
    media m = read_media(ctx);
    if (!m.ok || !update_content_allowed(ctx, f)) return;
    if (!parents_unwritten(ctx, m.meta)) return;
    finish_update(ctx, f, m.meta, m.data, m.len, m.type);
}

void gd_files_upload_put(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *uid = gd_query(ctx, "upload_id");
    json_value *s = uid ? twin_doc_get(ctx, "uploads", uid) : NULL;
    if (!s) {
        gd_error(ctx, 404, "notFound", "No upload session found for this upload_id.", "upload_id", "parameter");
        return;
    }
    size_t have = 0;
    char *prev = gd_stored_bytes(a, json_get_str(s, "data"), &have);
    const char *range = http_header_get(ctx->req, "Content-Range");
    long long total = -1;
    if (range) {
        const char *slash = strchr(range, '/');
        if (slash && slash[1] != '*') total = atoll(slash + 1);
    }
    size_t n = have + ctx->req->body_len;
    char *all = arena_alloc(a, n + 1);
    if (have) memcpy(all, prev, have);
    if (ctx->req->body_len) memcpy(all + have, ctx->req->body, ctx->req->body_len);
    all[n] = '\0';
    if (range && (total < 0 || (long long)n < total)) {
        json_set_str(a, s, "data", base64_encode(a, all, n));
        twin_doc_put(ctx, "uploads", uid, s, NULL, 0);
        if (n) http_set_header(ctx->req, "Range", arena_printf(a, "bytes=0-%zu", n - 1));
        twin_reply_text(ctx, 308, "text/plain", "", 0);
        return;
    }
    const char *fields = json_get_str(s, "fields");
    if (fields && !gd_query(ctx, "fields")) json_set_str(a, ctx->query, "fields", fields);
    json_value *meta = json_get(s, "meta");
    const char *type = json_get_str(s, "type");
    if (!type || !*type) type = http_content_type(ctx->req);
    const char *fid = json_get_str(s, "fileId");
    if (fid) {
        json_value *f = gd_file_get(ctx, fid);
        if (!f) return gd_file_not_found(ctx, fid);
        if (!update_content_allowed(ctx, f)) return;
        twin_doc_delete(ctx, "uploads", uid);
        finish_update(ctx, f, meta, all, n, type);
        return;
    }
    if (!meta_ok(ctx, meta)) return;
    if (!gd_is_google_type(json_get_str(meta, "mimeType")) && !quota_ok(ctx, (int64_t)n)) return;
    twin_doc_delete(ctx, "uploads", uid);
    reply_file(ctx, gd_file_create(ctx, meta, all, n, true, type, NULL));
}

/* ---- files.get ---- */

static bool download_allowed(twin_ctx *ctx, const json_value *f)
{
    if (!gd_drive_blocks_copy(ctx, f)) return true;
    gd_error(ctx, 403, "cannotDownloadFile", "The user does not have sufficient permissions to download this file.",
             NULL, NULL);
    return false;
}

void gd_files_get(twin_ctx *ctx)
{
    json_value *f = gd_file_load(ctx);
    if (!f) return;
    if (!str_eq(gd_query(ctx, "alt"), "media")) return reply_file(ctx, f);
    if (!gd_has_scope(ctx, "drive drive.file drive.readonly drive.appdata drive.photos.readonly drive.meet.readonly"))
        return gd_insufficient_scopes(ctx);
    if (!download_allowed(ctx, f)) return;
    const char *mt = json_get_str(f, "mimeType");
    if (gd_is_google_type(mt)) {
        gd_error(ctx, 403, "fileNotDownloadable",
                 "Only files with binary content can be downloaded. Use Export with Docs Editors files.", "alt",
                 "parameter");
        return;
    }
    size_t len = 0;
    char *data = content_of(ctx, f, NULL, &len);
    twin_reply_text(ctx, 200, mt, data ? data : "", len);
}

/* ---- files.list: the q language ---- */

typedef enum { Q_AND, Q_OR, Q_NOT, Q_CMP, Q_IN, Q_TRUE } qkind;
typedef struct qnode {
    qkind kind;
    struct qnode *l, *r;
    const char *field, *op, *value;   /* value: string text, "true"/"false" for booleans, digits for numbers */
    bool is_bool, is_num;
} qnode;

/* Parentheses and `not`s nest at most this deep: each level is a few stack
 * frames here and in validate() and eval(), and a URL has room for ~20,000. */
#define Q_MAX_DEPTH 64

typedef struct qparser {
    arena *a;
    const char *p;
    bool err;
    int depth;
    /* current token */
    enum { T_END, T_IDENT, T_STRING, T_OP, T_LP, T_RP, T_ERR } t;
    const char *text;
} qparser;

static void next_tok(qparser *q)
{
    while (*q->p == ' ' || *q->p == '\t' || *q->p == '\n' || *q->p == '\r') q->p++;
    const char *s = q->p;
    if (!*s) { q->t = T_END; return; }
    if (*s == '(') { q->p++; q->t = T_LP; return; }
    if (*s == ')') { q->p++; q->t = T_RP; return; }
    if (*s == '\'' || *s == '"') {
        char quote = *s;
        buf b = {0};
        for (s++; *s && *s != quote; s++) {
            if (*s == '\\' && s[1]) s++;
            buf_append(&b, s, 1);
        }
        if (*s != quote) { buf_free(&b); q->t = T_ERR; return; }
        q->text = arena_strndup(q->a, b.data ? b.data : "", b.len);
        buf_free(&b);
        q->p = s + 1;
        q->t = T_STRING;
        return;
    }
    if (strchr("=!<>", *s)) {
        size_t n = (s[1] == '=') ? 2 : 1;
        if (*s == '!' && n == 1) { q->t = T_ERR; return; }
        q->text = arena_strndup(q->a, s, n);
        q->p += n;
        q->t = T_OP;
        return;
    }
    if (isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == ':' || *s == '.') {
        while (*q->p && (isalnum((unsigned char)*q->p) || strchr("_-:.+", *q->p))) q->p++;
        q->text = arena_strndup(q->a, s, (size_t)(q->p - s));
        q->t = T_IDENT;
        return;
    }
    q->t = T_ERR;
}

static bool all_digits(const char *s)
{
    if (!*s || strlen(s) > 9) return false;   /* counts of members fit, and never overflow an int */
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

static bool kw(const qparser *q, const char *w)
{
    return q->t == T_IDENT && strcasecmp(q->text, w) == 0;
}

static qnode *node(qparser *q, qkind k)
{
    qnode *n = arena_zalloc(q->a, sizeof *n);
    n->kind = k;
    return n;
}

static qnode *parse_or(qparser *q);

static qnode *parse_nested(qparser *q);

static qnode *parse_primary(qparser *q)
{
    if (q->t == T_LP || kw(q, "not")) return parse_nested(q);
    if (q->t == T_STRING) {   /* 'value' in field */
        const char *v = q->text;
        next_tok(q);
        if (!kw(q, "in")) { q->err = true; return node(q, Q_TRUE); }
        next_tok(q);
        if (q->t != T_IDENT) { q->err = true; return node(q, Q_TRUE); }
        qnode *n = node(q, Q_IN);
        n->value = v;
        n->field = q->text;
        next_tok(q);
        return n;
    }
    if (q->t == T_IDENT) {    /* field op value */
        qnode *n = node(q, Q_CMP);
        n->field = q->text;
        next_tok(q);
        if (q->t == T_OP) n->op = q->text;
        else if (kw(q, "contains")) n->op = "contains";
        else { q->err = true; return n; }
        next_tok(q);
        if (q->t == T_STRING) n->value = q->text;
        else if (kw(q, "true") || kw(q, "false")) n->value = strcasecmp(q->text, "true") == 0 ? "true" : "false", n->is_bool = true;
        else if (q->t == T_IDENT && all_digits(q->text)) n->value = q->text, n->is_num = true;
        else { q->err = true; return n; }
        next_tok(q);
        return n;
    }
    q->err = true;
    return node(q, Q_TRUE);
}

/* "( ... )" or "not ...": one level deeper, refused past Q_MAX_DEPTH. */
static qnode *parse_nested(qparser *q)
{
    if (++q->depth > Q_MAX_DEPTH) {
        q->err = true;
        return node(q, Q_TRUE);
    }
    bool paren = q->t == T_LP;
    next_tok(q);
    qnode *n;
    if (paren) {
        n = parse_or(q);
        if (q->t != T_RP) q->err = true;
        else next_tok(q);
    } else {
        n = node(q, Q_NOT);
        n->l = parse_primary(q);
    }
    q->depth--;
    return n;
}

static qnode *parse_and(qparser *q)
{
    qnode *l = parse_primary(q);
    while (!q->err && kw(q, "and")) {
        next_tok(q);
        qnode *n = node(q, Q_AND);
        n->l = l;
        n->r = parse_primary(q);
        l = n;
    }
    return l;
}

static qnode *parse_or(qparser *q)
{
    qnode *l = parse_and(q);
    while (!q->err && kw(q, "or")) {
        next_tok(q);
        qnode *n = node(q, Q_OR);
        n->l = l;
        n->r = parse_and(q);
        l = n;
    }
    return l;
}

/* Drive's memberCount and organizerCount: numbers, and only for a domain
 * administrator's query (useDomainAdminAccess=true). */
static bool is_count_field(const char *field)
{
    return str_eq(field, "memberCount") || str_eq(field, "organizerCount");
}

static bool known_drive_field(const qnode *n, bool admin)
{
    if (n->kind != Q_CMP) return false;
    if (is_count_field(n->field)) return admin;
    return str_eq(n->field, "name") || str_eq(n->field, "hidden") || str_eq(n->field, "createdTime");
}

static bool known_field(const qnode *n)
{
    static const char *const cmp_fields[] = {"name", "mimeType", "trashed", "starred", "fullText", "modifiedTime",
                                             "createdTime", "viewedByMeTime", "sharedWithMe", "description", NULL};
    static const char *const in_fields[] = {"parents", "owners", "writers", "readers", NULL};
    const char *const *list = n->kind == Q_IN ? in_fields : cmp_fields;
    for (size_t i = 0; list[i]; i++)
        if (str_eq(list[i], n->field)) return true;
    return false;
}

static bool validate(const qnode *n, bool drives, bool admin)
{
    if (!n) return false;
    switch (n->kind) {
    case Q_AND: case Q_OR: return validate(n->l, drives, admin) && validate(n->r, drives, admin);
    case Q_NOT: return validate(n->l, drives, admin);
    case Q_TRUE: return true;
    case Q_IN: return !drives && known_field(n);
    case Q_CMP: {
        if (drives ? !known_drive_field(n, admin) : !known_field(n)) return false;
        bool count = drives && is_count_field(n->field);
        if (count != n->is_num) return false;
        if (count) return !str_eq(n->op, "contains");
        bool boolean = str_eq(n->field, "trashed") || str_eq(n->field, "starred") || str_eq(n->field, "sharedWithMe") ||
                       str_eq(n->field, "hidden");
        if (boolean != n->is_bool) return false;
        if (boolean) return str_eq(n->op, "=") || str_eq(n->op, "!=");
        bool time = str_ends_with(n->field, "Time");
        if (time) return !str_eq(n->op, "contains") && parse_iso8601_ms(n->value) >= 0;
        if (str_eq(n->field, "fullText")) return str_eq(n->op, "contains");
        return str_eq(n->op, "=") || str_eq(n->op, "!=") || str_eq(n->op, "contains");
    }
    }
    return false;
}

static bool ci_prefix_match(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (!n) return true;
    for (const char *p = hay; *p; p++) {
        if (p != hay && isalnum((unsigned char)p[-1]) && isalnum((unsigned char)*p)) continue;
        if (strncasecmp(p, needle, n) == 0) return true;
    }
    return false;
}

static bool ci_contains(const char *hay, size_t hay_len, const char *needle)
{
    size_t n = strlen(needle);
    if (n > hay_len) return false;
    for (size_t i = 0; i + n <= hay_len; i++)
        if (strncasecmp(hay + i, needle, n) == 0) return true;
    return false;
}

static bool perm_has(twin_ctx *ctx, const json_value *f, const char *email, bool writers)
{
    twin_list l = gd_list_by_file(ctx, "permissions", json_get_str(f, "id"));
    for (size_t i = 0; i < l.n; i++) {
        const char *role = json_get_str(l.items[i], "role");
        if (!str_case_eq(json_get_str(l.items[i], "emailAddress"), email)) continue;
        bool w = str_eq(role, "owner") || str_eq(role, "writer") || str_eq(role, "organizer") ||
                 str_eq(role, "fileOrganizer");
        if (writers ? w : !w) return true;
    }
    return false;
}

static bool compare_ints(const char *op, int64_t have, int64_t want)
{
    if (str_eq(op, "=")) return have == want;
    if (str_eq(op, "!=")) return have != want;
    if (str_eq(op, "<")) return have < want;
    if (str_eq(op, "<=")) return have <= want;
    if (str_eq(op, ">")) return have > want;
    return have >= want;
}

static bool eval(twin_ctx *ctx, const qnode *n, const json_value *f)
{
    switch (n->kind) {
    case Q_TRUE: return true;
    case Q_AND: return eval(ctx, n->l, f) && eval(ctx, n->r, f);
    case Q_OR: return eval(ctx, n->l, f) || eval(ctx, n->r, f);
    case Q_NOT: return !eval(ctx, n->l, f);
    case Q_IN:
        if (str_eq(n->field, "parents"))
            return has_parent(f, str_eq(n->value, "root") ? gd_root_id(ctx) : n->value);
        if (str_eq(n->field, "owners")) {
            const char *o = json_get_str(f, "_owner");
            if (!o) o = gd_user_email(ctx);
            return str_eq(n->value, "me") ? str_eq(o, gd_user_email(ctx)) : str_case_eq(o, n->value);
        }
        return perm_has(ctx, f, str_eq(n->value, "me") ? gd_user_email(ctx) : n->value, str_eq(n->field, "writers"));
    case Q_CMP: break;
    }
    bool neg = str_eq(n->op, "!=");
    if (n->is_bool) {
        bool want = str_eq(n->value, "true"), have;
        if (str_eq(n->field, "sharedWithMe")) {
            const char *o = json_get_str(f, "_owner");
            have = o && !str_eq(o, gd_user_email(ctx));
        } else {
            have = json_truthy(json_get(f, n->field));
        }
        return neg ? have != want : have == want;
    }
    if (n->is_num) {
        int64_t have = gd_drive_member_count(ctx, json_get_str(f, "id"), str_eq(n->field, "organizerCount"));
        int64_t want = atoll(n->value);
        return compare_ints(n->op, have, want);
    }
    if (str_ends_with(n->field, "Time")) {
        const char *t = json_get_str(f, str_eq(n->field, "viewedByMeTime") ? "modifiedTime" : n->field);
        int64_t have = t ? parse_iso8601_ms(t) : -1, want = parse_iso8601_ms(n->value);
        return compare_ints(n->op, have, want);
    }
    if (str_eq(n->field, "fullText")) {
        const char *name = json_get_str(f, "name"), *desc = json_get_str(f, "description");
        if (name && ci_contains(name, strlen(name), n->value)) return true;
        if (desc && ci_contains(desc, strlen(desc), n->value)) return true;
        const char *mt = json_get_str(f, "mimeType");
        if (str_starts_with(mt, "text/") || gd_is_google_type(mt) || str_eq(mt, "application/json")) {
            size_t len = 0;
            char *data = content_of(ctx, f, NULL, &len);
            if (data && ci_contains(data, len, n->value)) return true;
        }
        return false;
    }
    const char *have = json_get_str(f, n->field);
    if (!have) have = "";
    if (str_eq(n->op, "contains"))
        return str_eq(n->field, "name") ? ci_prefix_match(have, n->value) : ci_contains(have, strlen(have), n->value);
    bool eq = str_eq(have, n->value);
    return neg ? !eq : eq;
}

/* ---- files.list: ordering ---- */

typedef struct order_key {
    const char *field;
    bool desc;
} order_key;

typedef struct order_spec {
    order_key keys[8];
    size_t n;
} order_spec;

static int cmp_files(const json_value *x, const json_value *y, const order_spec *o)
{
    for (size_t i = 0; i < o->n; i++) {
        const char *fld = o->keys[i].field;
        int c = 0;
        if (str_eq(fld, "folder")) {
            bool fx = str_eq(json_get_str(x, "mimeType"), GD_FOLDER), fy = str_eq(json_get_str(y, "mimeType"), GD_FOLDER);
            c = fx == fy ? 0 : fx ? -1 : 1;
        } else if (str_eq(fld, "starred")) {
            bool sx = json_truthy(json_get(x, "starred")), sy = json_truthy(json_get(y, "starred"));
            c = sx == sy ? 0 : sx ? -1 : 1;
        } else if (str_eq(fld, "quotaBytesUsed")) {
            int64_t a1 = gd_int(json_get(x, "_size"), 0), b1 = gd_int(json_get(y, "_size"), 0);
            c = a1 < b1 ? -1 : a1 > b1;
        } else if (str_eq(fld, "name") || str_eq(fld, "name_natural")) {
            const char *a1 = json_get_str(x, "name"), *b1 = json_get_str(y, "name");
            c = strcasecmp(a1 ? a1 : "", b1 ? b1 : "");
            if (!c) c = strcmp(a1 ? a1 : "", b1 ? b1 : "");
        } else {
            const char *k = str_eq(fld, "createdTime") ? "createdTime" : "modifiedTime";
            const char *a1 = json_get_str(x, k), *b1 = json_get_str(y, k);
            c = strcmp(a1 ? a1 : "", b1 ? b1 : "");
        }
        if (c) return o->keys[i].desc ? -c : c;
    }
    return 0;
}

static void merge_sort(json_value **v, json_value **tmp, size_t n, const order_spec *o)
{
    if (n < 2) return;
    size_t h = n / 2;
    merge_sort(v, tmp, h, o);
    merge_sort(v + h, tmp, n - h, o);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = cmp_files(v[j], v[i], o) < 0 ? v[j++] : v[i++];
    while (i < h) tmp[k++] = v[i++];
    while (j < n) tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

static bool parse_order(twin_ctx *ctx, const char *s, order_spec *o)
{
    static const char *const ok[] = {"createdTime", "folder", "modifiedByMeTime", "modifiedTime", "name",
                                     "name_natural", "quotaBytesUsed", "recency", "sharedWithMeTime", "starred",
                                     "viewedByMeTime", NULL};
    o->n = 0;
    if (!s || !*s) return true;
    char *copy = arena_strdup(ctx->a, s), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ') tok++;
        char *sp = strchr(tok, ' ');
        bool desc = false;
        if (sp) {
            *sp = '\0';
            char *dir = sp + 1;
            while (*dir == ' ') dir++;
            char *end = dir + strlen(dir);
            while (end > dir && end[-1] == ' ') *--end = '\0';
            if (strcasecmp(dir, "desc") == 0) desc = true;
            else if (*dir && strcasecmp(dir, "asc") != 0) return false;
        }
        bool known = false;
        for (size_t i = 0; ok[i]; i++) known |= str_eq(ok[i], tok);
        if (!known || o->n >= 8) return false;
        o->keys[o->n].field = str_eq(tok, "recency") || str_eq(tok, "modifiedByMeTime") || str_eq(tok, "viewedByMeTime")
                                  ? "modifiedTime" : tok;
        o->keys[o->n++].desc = desc;
    }
    return true;
}

const void *gd_q_compile(twin_ctx *ctx, const char *qs, bool drives)
{
    qparser q = {.a = ctx->a, .p = qs};
    next_tok(&q);
    qnode *root = parse_or(&q);
    bool admin = drives && gd_bool_query(ctx, "useDomainAdminAccess", false);
    if (q.err || q.t != T_END || !validate(root, drives, admin)) {
        gd_error(ctx, 400, "invalid", "Invalid Value", "q", "parameter");
        return NULL;
    }
    return root;
}

bool gd_q_match(twin_ctx *ctx, const void *q, const json_value *record)
{
    return eval(ctx, q, record);
}

/* Which bodies of items a list covers (corpora, driveId,
 * includeItemsFromAllDrives); false after a 400 for a bad combination. */
typedef struct corpus {
    const char *drive_id;       /* corpora=drive: only this drive's items */
    bool shared_drives;         /* items of the caller's shared drives are in */
    bool my_drive;              /* My Drive items are in */
} corpus;

static bool bad_param(twin_ctx *ctx, const char *param, const char *message)
{
    gd_error(ctx, 400, "invalid", message, param, "parameter");
    return false;
}

static bool read_corpus(twin_ctx *ctx, corpus *c)
{
    const char *corpora = gd_query(ctx, "corpora"), *drive_id = gd_query(ctx, "driveId");
    if (!drive_id) drive_id = gd_query(ctx, "teamDriveId");
    bool include = gd_bool_query(ctx, "includeItemsFromAllDrives", false) || gd_bool_query(ctx, "includeTeamDriveItems", false);
    if (!corpora || !*corpora) corpora = drive_id ? "drive" : "user";
    bool drive = str_eq(corpora, "drive"), all = str_eq(corpora, "allDrives");
    if (!drive && !all && !str_eq(corpora, "user") && !str_eq(corpora, "domain"))
        return bad_param(ctx, "corpora", "Invalid Value");
    if (drive != (drive_id && *drive_id))
        return bad_param(ctx, "driveId", "The driveId parameter must be specified if and only if corpora is set to drive.");
    if ((drive || all) && !include) {
        gd_error(ctx, 403, "forbidden",
                 "The includeItemsFromAllDrives parameter must be set to true when driveId is specified or corpora "
                 "contains drive or allDrives.", "includeItemsFromAllDrives", "parameter");
        return false;
    }
    if (drive && !gd_drive_param(ctx, drive_id)) return false;
    *c = (corpus){.drive_id = drive ? drive_id : NULL, .shared_drives = include, .my_drive = !drive};
    return true;
}

static bool in_corpus(twin_ctx *ctx, const corpus *c, const json_value *f)
{
    const char *drive_id = json_get_str(f, "driveId");
    if (!drive_id) return c->my_drive;
    if (c->drive_id) return str_eq(drive_id, c->drive_id);
    return c->shared_drives && gd_drive_role(ctx, drive_id);
}

void gd_files_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *qs = gd_query(ctx, "q");
    const qnode *root = NULL;
    if (qs && *qs && !(root = gd_q_compile(ctx, qs, false))) return;
    corpus corp;
    if (!read_corpus(ctx, &corp)) return;
    order_spec order;
    if (!parse_order(ctx, gd_query(ctx, "orderBy"), &order)) {
        gd_error(ctx, 400, "invalid", "Invalid Value", "orderBy", "parameter");
        return;
    }
    int64_t size, off;
    if (!google_page_size(ctx, &gd_api, "pageSize", 100, 1000, &size) || !google_page_offset(ctx, &gd_api, &off))
        return;
    const char *spaces = gd_query(ctx, "spaces");
    bool want_drive = !spaces || strstr(spaces, "drive"), want_app = spaces && strstr(spaces, "appDataFolder");
    if (want_app && !gd_has_scope(ctx, "drive.appdata")) return gd_insufficient_scopes(ctx);
    gd_hold_drives(ctx);   /* every shared-drive item asks for its drive and role */
    twin_list l = all_files(ctx);
    json_value **match = arena_alloc(a, (l.n + 1) * sizeof *match);
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++) {
        json_value *f = l.items[i];
        bool app = str_eq(json_get_str(f, "_space"), "appDataFolder");
        if (app ? !want_app : !want_drive) continue;
        if (!in_corpus(ctx, &corp, f)) continue;
        if (root && !eval(ctx, root, f)) continue;
        match[n++] = f;
    }
    if (order.n) {
        json_value **tmp = arena_alloc(a, (n + 1) * sizeof *tmp);
        merge_sort(match, tmp, n, &order);
    }
    json_value *out = json_object(a), *files = json_array(a);
    json_set_str(a, out, "kind", "drive#fileList");
    json_set_bool(a, out, "incompleteSearch", false);
    const char *mask = "kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)";
    google_page page = google_page_window(off, size, n);
    for (size_t i = page.start; i < page.end; i++) json_push(files, gd_file_json(ctx, match[i], mask));
    if (page.more) json_set_str(a, out, "nextPageToken", google_cursor(ctx, 'o', (int64_t)page.end));
    json_set(a, out, "files", files);
    google_reply_fields(ctx, out, mask);
}

/* ---- files.update ---- */

static void set_trashed(twin_ctx *ctx, json_value *f, bool trashed, bool explicit_)
{
    arena *a = ctx->a;
    json_set_bool(a, f, "trashed", trashed);
    json_set_bool(a, f, "explicitlyTrashed", trashed && explicit_);
    if (trashed) {
        json_set_str(a, f, "trashedTime", gd_now(ctx));
        json_set(a, f, "trashingUser", gd_user(ctx, NULL));
    } else {
        json_remove(f, "trashedTime");
        json_remove(f, "trashingUser");
    }
}

/* Trashing a folder trashes its descendants (implicitly); restoring it
 * restores them.  all is the drive's files, read once for the whole walk and
 * edited in place, so each level sees what the levels above changed. */
static void trash_tree(twin_ctx *ctx, twin_list *all, const char *folder_id, bool trashed, int depth)
{
    if (depth > 64) return;
    for (size_t i = 0; i < all->n; i++) {
        json_value *c = all->items[i];
        if (!has_parent(c, folder_id)) continue;
        if (trashed && json_truthy(json_get(c, "trashed"))) continue;
        if (!trashed && json_truthy(json_get(c, "explicitlyTrashed"))) continue;
        set_trashed(ctx, c, trashed, false);
        gd_file_save(ctx, c);
        gd_record_change(ctx, json_get_str(c, "id"), false);
        if (str_eq(json_get_str(c, "mimeType"), GD_FOLDER))
            trash_tree(ctx, all, json_get_str(c, "id"), trashed, depth + 1);
    }
}

static void apply_metadata(twin_ctx *ctx, json_value *f, const json_value *meta)
{
    arena *a = ctx->a;
    static const char *const plain[] = {"name", "description", "mimeType", "originalFilename", "folderColorRgb",
                                        "modifiedTime", NULL};
    for (size_t i = 0; plain[i]; i++) {
        json_value *v = json_get(meta, plain[i]);
        if (!v) continue;
        if (json_is_null(v)) json_remove(f, plain[i]);
        else if (json_str(v)) json_set_str(a, f, plain[i], v->str);
    }
    json_value *st = json_get(meta, "starred");
    if (json_is_bool(st)) json_set_bool(a, f, "starred", json_truthy(st));
    static const char *const maps[] = {"properties", "appProperties", NULL};
    for (size_t i = 0; maps[i]; i++) {
        json_value *v = json_get(meta, maps[i]);
        if (!v || v->type != JSON_OBJECT) continue;
        json_value *cur = json_get(f, maps[i]);
        if (!cur) {
            cur = json_object(a);
            json_set(a, f, maps[i], cur);
        }
        json_foreach(x, v) {
            if (json_is_null(x)) json_remove(cur, x->key);
            else json_set(a, cur, x->key, json_clone(a, x));
        }
    }
    json_value *tr = json_get(meta, "trashed");
    if (json_is_bool(tr) && json_truthy(tr) != json_truthy(json_get(f, "trashed"))) {
        set_trashed(ctx, f, json_truthy(tr), true);
        if (str_eq(json_get_str(f, "mimeType"), GD_FOLDER)) {
            twin_list all = all_files(ctx);
            trash_tree(ctx, &all, json_get_str(f, "id"), json_truthy(tr), 0);
        }
    }
    set_extensions(ctx, f);
}

/* Puts f (and, for a folder, what it holds) into drive_id (NULL = My
 * Drive): a shared drive's items have no owner; items moved out of one
 * become the mover's.  all is read once for the walk. */
static void set_drive(twin_ctx *ctx, twin_list *all, json_value *f, const char *drive_id, int depth)
{
    const char *id = json_get_str(f, "id"), *me = gd_user_email(ctx);
    if (drive_id) {
        json_set_str(ctx->a, f, "driveId", drive_id);
        twin_list perms = gd_list_by_file(ctx, "permissions", id);
        for (size_t i = 0; i < perms.n; i++)
            if (str_eq(json_get_str(perms.items[i], "role"), "owner"))
                twin_doc_delete(ctx, "permissions", arena_printf(ctx->a, "%s:%s", id, json_get_str(perms.items[i], "id")));
    } else {
        json_remove(f, "driveId");
        json_set_str(ctx->a, f, "_owner", me);
        add_owner_permission(ctx, id, me);
    }
    if (depth >= 64 || !str_eq(json_get_str(f, "mimeType"), GD_FOLDER)) return;
    for (size_t i = 0; i < all->n; i++) {
        json_value *c = all->items[i];
        if (!has_parent(c, id)) continue;
        set_drive(ctx, all, c, drive_id, depth + 1);
        gd_file_save(ctx, c);
        gd_record_change(ctx, json_get_str(c, "id"), false);
    }
}

/* After addParents/removeParents: an item whose parent is now in another
 * drive moves there.  Moving out of a shared drive takes an organizer. */
static bool move_between_drives(twin_ctx *ctx, json_value *f)
{
    json_value *parent = gd_file_get(ctx, json_str(json_at(json_get(f, "parents"), 0)));
    if (!parent) return true;
    const char *to = json_get_str(parent, "driveId"), *from = json_get_str(f, "driveId");
    if (str_eq(to, from) || (!to && !from)) return true;
    if (!gd_require_drive_rank(ctx, from, to ? 4 : 5)) return false;
    twin_list all = all_files(ctx);
    set_drive(ctx, &all, f, to, 0);
    return true;
}

static bool move_parents(twin_ctx *ctx, json_value *f)
{
    arena *a = ctx->a;
    const char *add = gd_query(ctx, "addParents"), *rem = gd_query(ctx, "removeParents");
    if (!add && !rem) return true;
    json_value *parents = json_get(f, "parents");
    if (!parents) {
        parents = json_array(a);
        json_set(a, f, "parents", parents);
    }
    if (rem && *rem) {
        char *copy = arena_strdup(a, rem), *save = NULL;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            const char *pid = str_eq(t, "root") ? gd_root_id(ctx) : t;
            json_value *np = json_array(a);
            json_foreach(p, parents) if (!str_eq(json_str(p), pid)) json_push(np, json_string(a, json_str(p)));
            json_set(a, f, "parents", np);
            parents = np;
        }
    }
    if (add && *add) {
        char *copy = arena_strdup(a, add), *save = NULL;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            json_value *pf = gd_file_get(ctx, t);
            if (!pf) {
                gd_file_not_found(ctx, t);
                return false;
            }
            if (!str_eq(json_get_str(pf, "mimeType"), GD_FOLDER)) {
                gd_error(ctx, 400, "invalidParent", "The parent specified is not a folder.", NULL, NULL);
                return false;
            }
            if (!can_edit(ctx, pf)) return false;
            const char *pid = json_get_str(pf, "id");
            if (str_eq(pid, json_get_str(f, "id"))) {
                gd_error(ctx, 400, "invalidParent", "A folder cannot be its own parent.", NULL, NULL);
                return false;
            }
            if (!has_parent(f, pid)) json_push(parents, json_string(a, pid));
        }
    }
    if (parents->len > 1) {
        gd_error(ctx, 403, "cannotAddParent",
                 "A shared drive item must have exactly one parent.", NULL, NULL);
        return false;
    }
    return move_between_drives(ctx, f);
}

void gd_files_update(twin_ctx *ctx)
{
    json_value *f = gd_file_load(ctx);
    if (!f) return;
    if (!gd_require_body(ctx)) return;
    json_value *meta = ctx->body;
    if (!parents_unwritten(ctx, meta)) return;
    static const char *const ro[] = {"id", "kind", "size", "md5Checksum", "version", "owners", "capabilities",
                                     "createdTime", "quotaBytesUsed", "headRevisionId", NULL};
    for (size_t i = 0; ro[i]; i++)
        if (json_get(meta, ro[i])) {
            gd_error(ctx, 403, "fieldNotWritable", "The resource body includes fields which are not directly writable.",
                     NULL, NULL);
            return;
        }
    if (json_truthy(json_get(f, "_root"))) return gd_insufficient_permissions(ctx);
    if (!can_edit(ctx, f)) return;
    if (json_get(meta, "trashed") && !can_organize(ctx, f)) return;
    const char *mt = json_get_str(meta, "mimeType");
    if (mt && !str_eq(mt, json_get_str(f, "mimeType")) &&
        (gd_is_google_type(mt) || gd_is_google_type(json_get_str(f, "mimeType")))) {
        gd_error(ctx, 403, "fieldNotWritable", "The resource body includes fields which are not directly writable.",
                 NULL, NULL);
        return;
    }
    apply_metadata(ctx, f, meta);
    if (!move_parents(ctx, f)) return;
    if (!json_get(meta, "modifiedTime")) json_set_str(ctx->a, f, "modifiedTime", gd_now(ctx));
    json_set_int(ctx->a, f, "version", gd_int(json_get(f, "version"), 1) + 1);
    gd_file_save(ctx, f);
    gd_record_change(ctx, json_get_str(f, "id"), false);
    reply_file(ctx, f);
}

/* ---- files.copy ---- */

void gd_files_copy(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *src = gd_file_load(ctx);
    if (!src) return;
    if (!gd_require_body(ctx)) return;
    json_value *meta = ctx->body;
    if (str_eq(json_get_str(src, "mimeType"), GD_FOLDER) || gd_drive_blocks_copy(ctx, src)) {
        gd_error(ctx, 403, "cannotCopyFile", "This file cannot be copied by the user.", NULL, NULL);
        return;
    }
    if (!meta_ok(ctx, meta)) return;
    json_value *m = json_object(a);
    json_set_str(a, m, "name", arena_printf(a, "Copy of %s", json_get_str(src, "name")));
    json_set_str(a, m, "mimeType", json_get_str(src, "mimeType"));
    json_set(a, m, "parents", json_clone(a, json_get(src, "parents")));
    static const char *const keep[] = {"description", "properties", "appProperties", NULL};
    for (size_t i = 0; keep[i]; i++)
        if (json_get(src, keep[i])) json_set(a, m, keep[i], json_clone(a, json_get(src, keep[i])));
    json_foreach(x, meta) if (!str_eq(x->key, "parents") || x->len) json_set(a, m, x->key, json_clone(a, x));
    /* a copy lands beside its source unless told otherwise: adding it there takes a writer */
    json_value *target = gd_file_get(ctx, json_str(json_at(json_get(m, "parents"), 0)));
    if (target && !can_edit(ctx, target)) return;
    size_t len = 0;
    char *data = content_of(ctx, src, NULL, &len);
    bool google = gd_is_google_type(json_get_str(src, "mimeType"));
    if (!google && !quota_ok(ctx, (int64_t)len)) return;
    json_value *f = gd_file_create(ctx, m, data, len, data != NULL, json_get_str(src, "mimeType"), NULL);
    reply_file(ctx, f);
}

/* ---- files.delete / emptyTrash ---- */

/* Deletes f, and for a folder everything only it holds.  all is the drive's
 * files, read once per request and kept current in memory: moved children
 * lose the parent, deleted files are marked "_gone" (never saved). */
static void delete_file(twin_ctx *ctx, twin_list *all, json_value *f, int depth)
{
    arena *a = ctx->a;
    const char *id = json_get_str(f, "id");
    json_set_bool(a, f, "_gone", true);
    if (depth < 64 && str_eq(json_get_str(f, "mimeType"), GD_FOLDER)) {
        for (size_t i = 0; i < all->n; i++) {
            json_value *c = all->items[i];
            if (json_truthy(json_get(c, "_gone")) || !has_parent(c, id)) continue;
            json_value *parents = json_get(c, "parents");
            if (parents && parents->len > 1) {   /* keep items that live elsewhere too */
                json_value *np = json_array(a);
                json_foreach(p, parents) if (!str_eq(json_str(p), id)) json_push(np, json_string(a, json_str(p)));
                json_set(a, c, "parents", np);
                gd_file_save(ctx, c);
                continue;
            }
            delete_file(ctx, all, c, depth + 1);
        }
    }
    gd_file_purge(ctx, id);
}

void gd_file_purge(twin_ctx *ctx, const char *id)
{
    arena *a = ctx->a;
    static const char *const colls[] = {"revisions", "permissions", "comments", NULL};
    for (size_t k = 0; colls[k]; k++) {
        twin_list l = gd_list_by_file(ctx, colls[k], id);
        for (size_t i = 0; i < l.n; i++) {
            const char *sub = json_get_str(l.items[i], "id");
            const char *key = str_eq(colls[k], "comments") ? sub : arena_printf(a, "%s:%s", id, sub);
            twin_doc_delete(ctx, colls[k], key);
            if (str_eq(colls[k], "revisions")) twin_doc_delete(ctx, "blobs", key);
        }
    }
    gd_usage_update(ctx, twin_doc_get(ctx, "files", id), NULL);
    gd_record_change(ctx, id, true);   /* while the file is there to name its drive */
    twin_doc_delete(ctx, "files", id);
}

void gd_files_delete(twin_ctx *ctx)
{
    json_value *f = gd_file_load(ctx);
    if (!f) return;
    if (json_truthy(json_get(f, "_root"))) return gd_insufficient_permissions(ctx);
    const char *owner = json_get_str(f, "_owner");
    if (json_get_str(f, "driveId")) {
        if (!can_organize(ctx, f)) return;
    } else if (owner && !str_eq(owner, gd_user_email(ctx))) {
        return gd_insufficient_permissions(ctx);
    }
    twin_list all = all_files(ctx);
    delete_file(ctx, &all, f, 0);
    twin_reply_text(ctx, 204, NULL, "", 0);
}

void gd_files_empty_trash(twin_ctx *ctx)
{
    const char *drive_id = gd_query(ctx, "driveId");
    if (drive_id && !gd_drive_param(ctx, drive_id)) return;
    if (!gd_require_drive_rank(ctx, drive_id, 5)) return;
    twin_list all = all_files(ctx);
    for (size_t i = 0; i < all.n; i++) {
        json_value *f = all.items[i];
        if (!json_truthy(json_get(f, "trashed"))) continue;
        if (!str_eq(json_get_str(f, "driveId"), drive_id) && (drive_id || json_get_str(f, "driveId"))) continue;
        if (json_truthy(json_get(f, "_gone"))) continue;   /* went with its folder */
        delete_file(ctx, &all, f, 0);
    }
    twin_reply_text(ctx, 204, NULL, "", 0);
}

/* ---- files.export ---- */

void gd_files_export(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = gd_file_load(ctx);
    if (!f) return;
    if (!download_allowed(ctx, f)) return;
    const char *want = gd_query(ctx, "mimeType");
    if (!want || !*want) {
        gd_error(ctx, 400, "required", "Required parameter: mimeType", "mimeType", "parameter");
        return;
    }
    const char *mt = json_get_str(f, "mimeType");
    if (!gd_is_google_type(mt) || str_eq(mt, GD_FOLDER)) {
        gd_error(ctx, 403, "fileNotExportable", "Export only supports Docs Editors files.", NULL, NULL);
        return;
    }
    size_t len = 0;
    char *data = content_of(ctx, f, NULL, &len);
    if (!data) data = "", len = 0;
    bool sheet = str_eq(mt, GD_SHEET);
    if ((sheet && (str_eq(want, "text/csv") || str_eq(want, "text/tab-separated-values"))) ||
        (!sheet && (str_eq(want, "text/plain") || str_eq(want, "text/markdown")))) {
        twin_reply_text(ctx, 200, want, data, len);
        return;
    }
    if (!sheet && str_eq(want, "text/html")) {
        buf b = {0};
        buf_printf(&b, "<html><head><meta content=\"text/html; charset=UTF-8\" http-equiv=\"content-type\"></head><body>");
        const char *p = data, *end = data + len;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *le = nl ? nl : end;
            buf_printf(&b, "<p>");
            for (const char *c = p; c < le; c++) {
                if (*c == '<') buf_printf(&b, "&lt;");
                else if (*c == '>') buf_printf(&b, "&gt;");
                else if (*c == '&') buf_printf(&b, "&amp;");
                else buf_append(&b, c, 1);
            }
            buf_printf(&b, "</p>");
            p = nl ? nl + 1 : end;
        }
        buf_printf(&b, "</body></html>");
        twin_reply_text(ctx, 200, "text/html", arena_strndup(a, b.data, b.len), b.len);
        buf_free(&b);
        return;
    }
    gd_error(ctx, 400, "badRequest", "The requested conversion is not supported.", "convertTo", "parameter");
}

void gd_files_generate_ids(twin_ctx *ctx)
{
    arena *a = ctx->a;
    int64_t count;
    if (!google_page_size(ctx, &gd_api, "count", 10, 1000, &count)) return;
    const char *space = gd_query(ctx, "space"), *type = gd_query(ctx, "type");
    if (space && !str_eq(space, "drive") && !str_eq(space, "appDataFolder"))
        return gd_error(ctx, 400, "invalid", arena_printf(a, "Invalid Value: %s", space), "space", "parameter");
    if (type && !str_eq(type, "files") && !str_eq(type, "shortcuts"))
        return gd_error(ctx, 400, "invalid", arena_printf(a, "Invalid Value: %s", type), "type", "parameter");
    json_value *o = json_object(a), *ids = json_array(a);
    json_set_str(a, o, "kind", "drive#generatedIds");
    json_set_str(a, o, "space", gd_query(ctx, "space") ? gd_query(ctx, "space") : "drive");
    for (int64_t i = 0; i < count; i++) json_push(ids, json_string(a, twin_new_id(ctx, "1", 32)));
    json_set(a, o, "ids", ids);
    google_reply_fields(ctx, o, NULL);
}

/* ---- about ---- */

void gd_about_get(twin_ctx *ctx)
{
    arena *a = ctx->a;
    if (!gd_require_fields(ctx)) return;
    json_value *o = json_object(a);
    json_set_str(a, o, "kind", "drive#about");
    json_set(a, o, "user", gd_user(ctx, NULL));
    json_value *q = json_object(a);
    int64_t trash, limit = gd_quota_limit(ctx), used = gd_quota_used(ctx, &trash);
    if (limit >= 0) json_set_str(a, q, "limit", arena_printf(a, "%lld", (long long)limit));
    json_set_str(a, q, "usage", arena_printf(a, "%lld", (long long)used));
    json_set_str(a, q, "usageInDrive", arena_printf(a, "%lld", (long long)used));
    json_set_str(a, q, "usageInDriveTrash", arena_printf(a, "%lld", (long long)trash));
    json_set(a, o, "storageQuota", q);
    json_set_str(a, o, "maxUploadSize", "5242880000000");
    json_set_bool(a, o, "appInstalled", false);
    json_set_bool(a, o, "canCreateDrives", true);
    json_set_bool(a, o, "canCreateTeamDrives", true);
    json_value *imp = json_object(a), *exp = json_object(a), *mis = json_object(a);
    static const char *const doc_in[] = {"text/plain", "text/html", "text/markdown", "application/rtf", NULL};
    for (size_t i = 0; doc_in[i]; i++) {
        json_value *arr = json_array(a);
        json_push(arr, json_string(a, GD_DOC));
        json_set(a, imp, doc_in[i], arr);
    }
    json_value *csv = json_array(a);
    json_push(csv, json_string(a, GD_SHEET));
    json_set(a, imp, "text/csv", csv);
    json_value *de = json_array(a), *se = json_array(a);
    json_push(de, json_string(a, "text/plain"));
    json_push(de, json_string(a, "text/html"));
    json_push(de, json_string(a, "text/markdown"));
    json_push(se, json_string(a, "text/csv"));
    json_push(se, json_string(a, "text/tab-separated-values"));
    json_set(a, exp, GD_DOC, de);
    json_set(a, exp, GD_SHEET, se);
    json_set_str(a, mis, GD_DOC, "10485760");
    json_set_str(a, mis, GD_SHEET, "104857600");
    json_set(a, o, "importFormats", imp);
    json_set(a, o, "exportFormats", exp);
    json_set(a, o, "maxImportSizes", mis);
    json_value *palette = json_array(a);
    static const char *const colors[] = {"#ac725e", "#d06b64", "#f83a22", "#fa573c", "#ff7537", "#ffad46", "#42d692",
                                         "#16a765", "#7bd148", "#b3dc6c", "#fbe983", "#fad165", "#92e1c0", "#9fe1e7",
                                         "#9fc6e7", "#4986e7", "#9a9cff", "#b99aff", "#c2c2c2", "#cabdbf", "#cca6ac",
                                         "#f691b2", "#cd74e6", "#a47ae2", NULL};
    for (size_t i = 0; colors[i]; i++) json_push(palette, json_string(a, colors[i]));
    json_set(a, o, "folderColorPalette", palette);
    json_set(a, o, "driveThemes", gd_drive_themes(ctx));
    google_reply_fields(ctx, o, NULL);
}

/* ---- changes ---- */

static int64_t next_change(twin_ctx *ctx)
{
    return twin_doc_count(ctx, "changes", NULL, NULL) + 1;
}

/* A changes page token is a decimal number (what startPageToken,
 * nextPageToken and newStartPageToken hand out): the number of a change
 * tied to the twin's epoch (decimal cursors: a run's first history keeps
 * plain change numbers).  A token from before a reset names another epoch
 * and is refused, not read as a position in the new history. */
static const twin_cursor_form change_token_form = {
    .stride = 1000000000000LL,  /* 10^12 changes per epoch */
    .span = 1000000,            /* epochs told apart (keeps tokens in int64) */
};

static const char *change_token_text(twin_ctx *ctx, int64_t change)
{
    return twin_cursor_write(ctx, &change_token_form, change);
}

/* Plain digits only, so " 5", "+5", "5x" and numbers past int64 are refused
 * rather than read as some other position; so is another epoch's token. */
static bool change_token(twin_ctx *ctx, const char *tok, int64_t *out)
{
    return twin_cursor_read(ctx, &change_token_form, tok, out) == TWIN_CURSOR_CURRENT && *out >= 1;
}

void gd_changes_start(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *drive_id = gd_query(ctx, "driveId");
    if (drive_id && !gd_bool_query(ctx, "supportsAllDrives", false))
        return gd_error(ctx, 403, "teamDrivesParameterRequired",
                        "The supportsAllDrives parameter must be set to true when driveId is specified.",
                        "supportsAllDrives", "parameter");
    if (drive_id && !gd_drive_param(ctx, drive_id)) return;
    json_value *o = json_object(a);
    json_set_str(a, o, "kind", "drive#startPageToken");
    json_set_str(a, o, "startPageToken", change_token_text(ctx, next_change(ctx)));
    google_reply_fields(ctx, o, NULL);
}

/* Which changes a changes.list covers: driveId = that shared drive's;
 * otherwise My Drive's, and those of the caller's shared drives with
 * includeItemsFromAllDrives.  False after a 4xx. */
static bool changes_corpus(twin_ctx *ctx, corpus *c)
{
    const char *drive_id = gd_query(ctx, "driveId");
    bool supports = gd_bool_query(ctx, "supportsAllDrives", false);
    bool include = gd_bool_query(ctx, "includeItemsFromAllDrives", false);
    if (drive_id) {
        if (!supports) {
            gd_error(ctx, 403, "teamDrivesParameterRequired",
                     "The supportsAllDrives parameter must be set to true when driveId is specified.",
                     "supportsAllDrives", "parameter");
            return false;
        }
        if (!gd_drive_param(ctx, drive_id)) return false;
    }
    *c = (corpus){.drive_id = drive_id, .shared_drives = include, .my_drive = !drive_id};
    return true;
}

/* A shared drive's own changes (created, renamed, hidden, deleted) go to
 * the caller's change log, not to a drive's, and only to callers that
 * include shared drives; a deleted drive is reported to all of them since
 * its membership went with it. */
static bool drive_change_in_corpus(twin_ctx *ctx, const corpus *c, const json_value *change)
{
    if (c->drive_id || !c->shared_drives || !gd_bool_query(ctx, "supportsAllDrives", false)) return false;
    return json_truthy(json_get(change, "removed")) || gd_drive_role(ctx, json_get_str(change, "driveId"));
}

static bool is_drive_change(const json_value *change)
{
    return str_eq(json_get_str(change, "changeType"), "drive");
}

/* The key changes.list keeps only the latest change of: the file, or the drive. */
static const char *change_subject(twin_ctx *ctx, const json_value *change)
{
    if (is_drive_change(change)) return arena_printf(ctx->a, "drive:%s", json_get_str(change, "driveId"));
    const char *fid = json_get_str(change, "fileId");
    return fid ? fid : "";
}

static json_value *drive_change_json(twin_ctx *ctx, const json_value *c)
{
    arena *a = ctx->a;
    const char *drive_id = json_get_str(c, "driveId");
    json_value *d = json_truthy(json_get(c, "removed")) ? NULL : gd_drive_get(ctx, drive_id);
    json_value *ch = json_object(a);
    json_set_str(a, ch, "kind", "drive#change");
    json_set_str(a, ch, "changeType", "drive");
    json_set_str(a, ch, "time", json_get_str(c, "time"));
    json_set_bool(a, ch, "removed", !d);
    json_set_str(a, ch, "driveId", drive_id);
    if (d) json_set(a, ch, "drive", gd_drive_json(ctx, d));
    return ch;
}

static bool change_in_corpus(twin_ctx *ctx, const corpus *c, const json_value *change, const json_value *f)
{
    const char *drive_id = f ? json_get_str(f, "driveId") : json_get_str(change, "driveId");
    if (!drive_id) return c->my_drive;
    if (c->drive_id) return str_eq(drive_id, c->drive_id);
    return c->shared_drives && gd_drive_role(ctx, drive_id);
}

void gd_changes_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    corpus corp;
    const char *tok = gd_query(ctx, "pageToken");
    if (!tok || !*tok) {
        gd_error(ctx, 400, "required", "Required parameter: pageToken", "pageToken", "parameter");
        return;
    }
    int64_t from;
    if (!change_token(ctx, tok, &from)) {
        gd_error(ctx, 400, "invalid", "Invalid Value", "pageToken", "parameter");
        return;
    }
    int64_t size;
    if (!google_page_size(ctx, &gd_api, "pageSize", 100, 1000, &size)) return;
    gd_hold_drives(ctx);   /* every shared-drive change asks for its drive and role */
    if (!changes_corpus(ctx, &corp)) return;
    bool include_removed = gd_bool_query(ctx, "includeRemoved", true);
    const char *spaces = gd_query(ctx, "spaces");
    bool want_app = spaces && strstr(spaces, "appDataFolder"), want_drive = !spaces || strstr(spaces, "drive");
    /* Change seqs are dense (1, 2, ...) and keyed in order, so the log is
     * read from just after change from-1: the latest change of a file changed
     * since the token is always among those. */
    twin_list l = {0};
    const char *after = from > 1 ? arena_printf(a, "%012lld", (long long)(from - 1)) : NULL;
    store_list_opts so = {.starting_after = after && twin_doc_get(ctx, "changes", after) ? after : NULL};
    /* A token past the end of the log (a later startPageToken than any
     * handed out) has nothing after it: no need to read the whole log. */
    if (from > next_change(ctx) || twin_doc_list(ctx, "changes", &so, &l) != 0) l.n = 0;
    /* latest change per file, in order of that change */
    map last;   /* fileId -> 1 + index of its last change */
    map_init(&last);
    for (size_t i = 0; i < l.n; i++) map_put(&last, change_subject(ctx, l.items[i]), (void *)(uintptr_t)(i + 1));
    json_value **latest = arena_alloc(a, (l.n + 1) * sizeof *latest);
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++) {
        json_value *c = l.items[i];
        if (gd_int(json_get(c, "seq"), 0) < from) continue;
        if ((uintptr_t)map_get(&last, change_subject(ctx, c)) != i + 1) continue;
        if (json_truthy(json_get(c, "removed")) && !include_removed) continue;
        latest[n++] = c;
    }
    map_free(&last);
    json_value *o = json_object(a), *arr = json_array(a);
    json_set_str(a, o, "kind", "drive#changeList");
    size_t emitted = 0, i = 0;
    for (; i < n && (int64_t)emitted < size; i++) {
        json_value *c = latest[i], *ch = json_object(a);
        if (is_drive_change(c)) {
            if (!want_drive || !drive_change_in_corpus(ctx, &corp, c)) continue;
            json_push(arr, drive_change_json(ctx, c));
            emitted++;
            continue;
        }
        const char *fid = json_get_str(c, "fileId");
        bool removed = json_truthy(json_get(c, "removed"));
        json_value *f = removed ? NULL : twin_doc_get(ctx, "files", fid);
        if (f) {
            bool app = str_eq(json_get_str(f, "_space"), "appDataFolder");
            if (app ? !want_app : !want_drive) continue;
        }
        if (!change_in_corpus(ctx, &corp, c, f)) continue;
        json_set_str(a, ch, "kind", "drive#change");
        json_set_str(a, ch, "changeType", "file");
        json_set_str(a, ch, "time", json_get_str(c, "time"));
        json_set_bool(a, ch, "removed", removed || !f);
        json_set_str(a, ch, "fileId", fid);
        if (f) json_set(a, ch, "file", gd_file_json(ctx, f, CHANGES_DEFAULT));
        json_push(arr, ch);
        emitted++;
    }
    if (i < n)
        json_set_str(a, o, "nextPageToken", change_token_text(ctx, gd_int(json_get(latest[i], "seq"), 0)));
    else
        json_set_str(a, o, "newStartPageToken", change_token_text(ctx, next_change(ctx)));
    json_set(a, o, "changes", arr);
    google_reply_fields(ctx, o, CHANGES_DEFAULT);
}

/* ---- admin: GET/POST <admin>/admin/storage-tier ---- */

static json_value *tier_view(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "storage_tier", gd_quota_tier(ctx));
    json_set_int(a, o, "storage_quota_limit", gd_quota_limit(ctx));
    json_set_int(a, o, "storage_used_bytes", gd_quota_used(ctx, NULL));
    return o;
}

void gd_admin_storage_tier(twin_ctx *ctx)
{
    if (str_eq(ctx->req->method, "GET")) return twin_reply_json(ctx, 200, tier_view(ctx));
    arena *a = ctx->a;
    json_value *body = ctx->body;
    const char *tier = json_get_str(body, "storage_tier");
    if (!tier) tier = json_get_str(body, "tier");
    json_value *meta = twin_doc_get(ctx, "meta", "quota");
    if (!meta) meta = json_object(a);
    if (tier) {
        if (gd_tier_limit(tier) < 0) {
            json_value *e = json_object(a);
            json_set_str(a, e, "detail", arena_printf(a, "unknown storage_tier '%s' (free, basic, premium, ai_pro)", tier));
            return twin_reply_json(ctx, 400, e);
        }
        json_set_str(a, meta, "storage_tier", tier);
        json_remove(meta, "storage_quota_limit");
    }
    json_value *lim = json_get(body, "storage_quota_limit");
    if (lim && gd_int(lim, -1) >= 0) json_set_int(a, meta, "storage_quota_limit", gd_int(lim, 0));
    else if (lim && json_is_null(lim)) json_remove(meta, "storage_quota_limit");
    twin_doc_put(ctx, "meta", "quota", meta, NULL, 0);
    twin_reply_json(ctx, 200, tier_view(ctx));
}
