/* Google Drive twin: helpers shared by the resource files.
 *
 * State lives in the store:
 *   files        fileId -> internal file record (Drive field names; size kept
 *                as a JSON number for sums, rendered as a string)
 *   blobs        "<fileId>:<revisionId>" -> {"data": base64}
 *   revisions    "<fileId>:<revisionId>" -> revision resource   (index file)
 *   permissions  "<fileId>:<permissionId>" -> permission         (index file)
 *   comments     commentId -> comment with its replies[]          (index file)
 *   changes      "<seq>" -> {seq, fileId, time, removed}
 *   uploads      upload_id -> resumable session
 *   drives       driveId -> shared drive (drives.c); its members are
 *                permissions keyed "<driveId>:<permissionId>"; its items
 *                are files with driveId (index drive)
 *   operations   name -> finished files.download operation (download.c)
 *   meta         "quota" -> {storage_tier}, "seed" -> {storage_quota_bytes},
 *                "usage" -> {bytes, trash} (running sums of the files' _size)
 * Every int64 field goes out as a JSON string, as Google's JSON does. */
#ifndef TWINS_GOOGLE_DRIVE_H
#define TWINS_GOOGLE_DRIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/twin.h"
#include "twins/google_common/google.h"

#define GD_FOLDER "application/vnd.google-apps.folder"
#define GD_DOC "application/vnd.google-apps.document"
#define GD_SHEET "application/vnd.google-apps.spreadsheet"

/* What gd_authenticate leaves in ctx->principal. */
typedef struct gd_drive_seen gd_drive_seen;
typedef struct gd_principal {
    struct scope_set *scopes;
    bool hold_drives;           /* gd_hold_drives: each drive's record and role are read once */
    gd_drive_seen *drives_seen;
} gd_principal;

/* ---- auth and errors (common.c) ---- */
extern const google_api gd_api;
extern const google_fields gd_fields;                     /* fields_schema.c (generated) */
bool gd_authenticate(twin_ctx *ctx, const twin_route *route);
void gd_send_error(twin_ctx *ctx, int status, const char *code, const char *message);
/* {"error":{"code","message","errors":[{message,domain:"global",reason[,location,locationType]}]}} */
void gd_error(twin_ctx *ctx, int status, const char *reason, const char *message, const char *location,
              const char *location_type);
void gd_file_not_found(twin_ctx *ctx, const char *id);
/* 403 insufficientFilePermissions: the caller's role (or the item, such as
 * a shared drive's root) does not allow the change. */
void gd_insufficient_permissions(twin_ctx *ctx);
bool gd_has_scope(twin_ctx *ctx, const char *accepted);   /* space-separated short names */
void gd_insufficient_scopes(twin_ctx *ctx);

/* ---- helpers (common.c) ---- */
const char *gd_now(twin_ctx *ctx);                        /* RFC 3339 with millis */
const char *gd_root_id(twin_ctx *ctx);
const char *gd_user_email(twin_ctx *ctx);
json_value *gd_user(twin_ctx *ctx, const char *email);    /* drive#user */
const char *gd_permission_id(twin_ctx *ctx, const char *email);
bool gd_require_fields(twin_ctx *ctx);                    /* 400 when `fields` is missing */
/* True when the request body is a JSON object; otherwise answers 400 parseError. */
bool gd_require_body(twin_ctx *ctx);
bool gd_is_google_type(const char *mime_type);            /* application/vnd.google-apps.* */
/* A file's documents in an index-"file" collection (permissions, revisions, comments). */
twin_list gd_list_by_file(twin_ctx *ctx, const char *collection, const char *file_id);
const char *gd_query(twin_ctx *ctx, const char *name);
bool gd_bool_query(twin_ctx *ctx, const char *name, bool dflt);
/* Bytes kept as base64 text in a document ("data" of blobs and upload
 * sessions); "" with *len 0 when absent or unreadable. */
char *gd_stored_bytes(arena *a, const char *data, size_t *len);
void gd_hashes(arena *a, const char *data, size_t len, const char **md5, const char **sha1, const char **sha256);
int64_t gd_int(const json_value *v, int64_t dflt);        /* number or numeric string */

/* ---- quota (common.c) ---- */
int64_t gd_quota_limit(twin_ctx *ctx);
const char *gd_quota_tier(twin_ctx *ctx);
/* Bytes used; *trash (when non-NULL) gets the trashed files' share. */
int64_t gd_quota_used(twin_ctx *ctx, int64_t *trash);
/* Keeps the running usage current when a file record changes from before
 * to after (NULL before = created, NULL after = deleted). */
void gd_usage_update(twin_ctx *ctx, const json_value *before, const json_value *after);
int64_t gd_tier_limit(const char *tier);                  /* -1 = unknown tier */

/* ---- changes (common.c) ---- */
void gd_record_change(twin_ctx *ctx, const char *file_id, bool removed);
/* A shared drive was created, updated, hidden or unhidden (removed=false) or deleted. */
void gd_record_drive_change(twin_ctx *ctx, const char *drive_id, bool removed);

/* ---- files (files.c) ---- */
json_value *gd_file_get(twin_ctx *ctx, const char *id);   /* NULL when absent ('root' resolved) */
json_value *gd_file_load(twin_ctx *ctx);                  /* route {fileId}; answers 404 when absent */
void gd_file_save(twin_ctx *ctx, json_value *f);
/* The file resource; mask_dflt is the answer's default `fields` mask, so
 * members it will surely cut need no lookups (google_fields_may_keep). */
json_value *gd_file_json(twin_ctx *ctx, const json_value *f, const char *mask_dflt);
/* Creates a file record (and its content, revision and owner permission). */
json_value *gd_file_create(twin_ctx *ctx, const json_value *meta, const char *data, size_t len, bool has_media,
                           const char *media_type, const char *owner);

/* Deletes a stored file with its revisions, blobs, permissions and comments
 * (not its children: the caller deletes those it means to). */
void gd_file_purge(twin_ctx *ctx, const char *id);
/* files.list's q language, also used by drives.list (drives: name, hidden,
 * createdTime, and memberCount/organizerCount with useDomainAdminAccess).
 * NULL after a 400 invalid q. */
const void *gd_q_compile(twin_ctx *ctx, const char *q, bool drives);
bool gd_q_match(twin_ctx *ctx, const void *q, const json_value *record);

/* ---- shared drives (drives.c) ---- */
json_value *gd_drive_get(twin_ctx *ctx, const char *id);   /* the stored drive, NULL when absent */
/* For a request that changes no drive nor membership (the listings, which
 * ask for each item's drive and role): from now on gd_drive_get,
 * gd_drive_role and gd_drive_members read each drive once and hand back the
 * same answer, which callers must not change. */
void gd_hold_drives(twin_ctx *ctx);
/* The caller's role in a shared drive; NULL when not a member ("organizer"
 * for a non-member with useDomainAdminAccess=true). */
const char *gd_drive_role(twin_ctx *ctx, const char *drive_id);
int gd_role_rank(const char *role);                      /* reader 1 .. organizer 5, owner 5, none 0 */
/* True outside shared drives (drive_id NULL) or when the caller's role in
 * the drive ranks min_rank or more; otherwise answers 403
 * insufficientFilePermissions. */
bool gd_require_drive_rank(twin_ctx *ctx, const char *drive_id, int min_rank);
/* Whether the request may see f: My Drive files always; a shared drive's
 * items only with supportsAllDrives and to members. */
bool gd_drive_visible(twin_ctx *ctx, const json_value *f);
json_value *gd_drive_root(twin_ctx *ctx, const json_value *drive);   /* the drive's root folder record */
/* True when f's shared drive has copyRequiresWriterPermission and the caller
 * is a commenter or reader: no copying, downloading or exporting. */
bool gd_drive_blocks_copy(twin_ctx *ctx, const json_value *f);
json_value *gd_drive_file_capabilities(twin_ctx *ctx, const json_value *f, const char *role);
json_value *gd_drive_themes(twin_ctx *ctx);               /* about.driveThemes */
/* Stores a seeded drive (name, hidden, restrictions) and its members;
 * *members counts the member permissions written. */
json_value *gd_drive_seed(twin_ctx *ctx, const json_value *in, int64_t *members);
/* A shared drive's member permissions (held like gd_drive_role's answers). */
twin_list gd_drive_members(twin_ctx *ctx, const char *drive_id);
/* How many members (or organizers) a shared drive has: drives.list's
 * memberCount and organizerCount. */
int64_t gd_drive_member_count(twin_ctx *ctx, const char *drive_id, bool organizers_only);
/* The drive resource as the caller sees it (drives.get's full shape). */
json_value *gd_drive_json(twin_ctx *ctx, const json_value *d);
/* True when drive_id names a drive the caller is a member of; else 404. */
bool gd_drive_param(twin_ctx *ctx, const char *drive_id);

/* ---- labels (labels.c) ---- */
/* Sets out's labelInfo to f's labels the request names in includeLabels. */
void gd_label_info(twin_ctx *ctx, const json_value *f, json_value *out);

/* ---- seeding (seed.c) ---- */
int gd_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error);

/* ---- handlers ---- */
#define GD_HANDLERS(X) \
    X(about_get) X(files_list) X(files_create) X(files_upload) X(files_upload_put) X(files_get) \
    X(files_update) X(files_upload_update) X(files_copy) X(files_delete) X(files_empty_trash) X(files_export) \
    X(files_generate_ids) X(changes_start) X(changes_list) \
    X(perm_list) X(perm_create) X(perm_get) X(perm_update) X(perm_delete) \
    X(rev_list) X(rev_get) X(rev_update) X(rev_delete) \
    X(comment_list) X(comment_create) X(comment_get) X(comment_update) X(comment_delete) \
    X(reply_list) X(reply_create) X(reply_get) X(reply_update) X(reply_delete) \
    X(drives_create) X(drives_get) X(drives_list) X(drives_update) X(drives_hide) X(drives_unhide) X(drives_delete) \
    X(files_list_labels) X(files_modify_labels) X(files_download) X(operations_get) \
    X(admin_storage_tier)
#define GD_DECLARE(n) void gd_##n(twin_ctx *ctx);
GD_HANDLERS(GD_DECLARE)
#undef GD_DECLARE

#endif
