/* Box twin: shared declarations.
 *
 * State lives in the store, one collection per resource:
 *   users      id -> user record (Box field names; role, enterprise kept inside)
 *   folders    id -> folder record             index parent, trash ("1" on trash roots)
 *   files      id -> file record (current version's sha1/size/version id)   same indexes
 *   versions   id -> file version record       index file
 *   blobs      version id -> {"data": base64}
 *   events     "<seq>" -> event record (user stream and admin logs are rendered from it)
 *   webhooks   id -> webhook record
 *   _tokens    access token -> {user_id, expires_at, refresh_token}
 *   _refresh   refresh token -> {user_id, client_id, expires_at}
 *   _codes     authorization code -> {user_id, client_id, redirect_uri, expires_at}
 *              (credentials: "_" keeps them out of GET /admin/state)
 *   meta       "enterprise" -> {admin_id, service_id}
 *   collaborations id -> {item_type, item_id, accessible_by (user id), invite_email,
 *              role, status, ...}   index item ("<type>:<id>"), user, pending
 *              (pending ones only: bx_pending_key)
 *   comments   id -> {file_id, parent_id (replies), message, tagged_message,
 *              created_by, created_at, modified_at}   index file
 *   tasks      id -> {file_id, action, message, due_at, completion_rule,
 *              created_by, created_at}   index file
 *   task_assignments id -> {task_id, file_id, assigned_to, assigned_by,
 *              assigned_at, resolution_state, message, completed_at}   index task
 * The root folder "0" is not stored: it is synthesised on read, per caller.
 * Each user has their own tree: items with parent "0" belong to the root of
 * their owned_by user, and an item's owner is its tree's owner (the creator
 * of a top-level item; whoever uploads inside).  Other users reach items
 * through collaborations (access.c).
 *
 * Items keep etag and sequence_id as integers, bumped together on every
 * change, and rendered as strings like Box does. */
#ifndef TWINS_BOX_H
#define TWINS_BOX_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/twin.h"

#define BX_HELP_URL "http://developers.box.com/docs/#errors"

typedef struct bx_req {
    const char *user_id;        /* who the token acts as */
} bx_req;

/* ---- auth, errors, OAuth (auth.c) ---- */
bool bx_authenticate(twin_ctx *ctx, const twin_route *route);
void bx_send_error(twin_ctx *ctx, int status, const char *code, const char *message);
/* {type:"error", status, code, message, context_info?, help_url, request_id}; context may be NULL. */
void bx_error(twin_ctx *ctx, int status, const char *code, const char *message, json_value *context);
void bx_not_found(twin_ctx *ctx, const char *what, const char *id);
void bx_bad_request(twin_ctx *ctx, const char *reason, const char *name, const char *message);
void bx_missing(twin_ctx *ctx, const char *name);
const char **bx_webhook_sign(arena *a, const char *secret, const char *payload, size_t len, int64_t t);
const char *bx_developer_token(twin_ctx *ctx);
const char *bx_client_id(twin_ctx *ctx);
const char *bx_client_secret(twin_ctx *ctx);
const char *bx_primary_key(twin_ctx *ctx);
const char *bx_secondary_key(twin_ctx *ctx);
const char *bx_enterprise_id(twin_ctx *ctx);

/* ---- helpers (common.c) ---- */
const char *bx_time(twin_ctx *ctx, int64_t t);            /* "2026-01-01T00:00:00-08:00" style, UTC */
const char *bx_now(twin_ctx *ctx);
const char *bx_next_id(twin_ctx *ctx, const char *kind);  /* numeric string ids per kind */
const char *bx_query(twin_ctx *ctx, const char *name);    /* query parameter only */
const char *bx_me(twin_ctx *ctx);                          /* acting user id */
void bx_ensure(twin_ctx *ctx);                             /* enterprise, admin and service users */
const char *bx_admin_id(twin_ctx *ctx);
const char *bx_service_id(twin_ctx *ctx);
json_value *bx_user_get(twin_ctx *ctx, const char *id);
json_value *bx_user_mini(twin_ctx *ctx, const char *id);
json_value *bx_user_by_login(twin_ctx *ctx, const char *login);   /* case-insensitive */
json_value *bx_user_create(twin_ctx *ctx, const char *name, const char *login, const char *role, bool app_user);
json_value *bx_user_render(twin_ctx *ctx, const json_value *u, const char *fields);
/* True when every etag precondition holds; otherwise answers 412 and returns false. */
bool bx_if_match(twin_ctx *ctx, const json_value *item);
/* Parses limit (1..max, default dflt) and offset; answers 400 and returns false on bad input. */
bool bx_paging(twin_ctx *ctx, int64_t dflt, int64_t max, int64_t *limit, int64_t *offset);
const char *bx_marker_encode(twin_ctx *ctx, int64_t offset);
bool bx_marker_decode(twin_ctx *ctx, const char *marker, int64_t *offset);
/* One page of a listing: the window [offset, offset + limit) over the
 * entries counted so far (total), and the rendered entries inside it. */
typedef struct bx_page {
    int64_t offset, limit, total;
    json_value *entries;
} bx_page;
bx_page bx_page_start(twin_ctx *ctx, int64_t offset, int64_t limit);
/* Counts one more entry; true when it falls in the window (the caller then
 * renders it and pushes it onto entries). */
bool bx_page_take(bx_page *p);
/* Offset paging: {total_count, entries, offset, limit} plus order when not NULL. */
json_value *bx_page_json(twin_ctx *ctx, const bx_page *p, json_value *order);
/* Marker paging: {limit, next_marker, prev_marker (with_prev), entries}. */
json_value *bx_marker_page_json(twin_ctx *ctx, const bx_page *p, bool with_prev);
/* Picks the requested comma-separated fields (plus type/id/etag) from a full rendering. */
json_value *bx_pick(twin_ctx *ctx, const json_value *full, const char *fields, const char *const *standard);
bool bx_truthy_arg(const char *v);
/* True when csv (comma-separated, no spaces) lists v; an absent or empty list allows everything. */
bool bx_csv_has(const char *csv, const char *v);

/* ---- items (items.c) ---- */
json_value *bx_folder_get(twin_ctx *ctx, const char *id);  /* "0" synthesised; NULL if absent */
json_value *bx_file_get(twin_ctx *ctx, const char *id);
json_value *bx_item_get(twin_ctx *ctx, const char *type, const char *id);
void bx_item_save(twin_ctx *ctx, json_value *item);
void bx_item_touch(twin_ctx *ctx, json_value *item);        /* etag, sequence_id, modified_* */
bool bx_is_trashed(const json_value *item);
/* Active children (folders first, then files), in insertion order. */
twin_list bx_children(twin_ctx *ctx, const char *folder_id, bool include_trashed);
/* Returns the active item named like name (case-insensitive) in folder, or NULL. */
json_value *bx_name_conflict(twin_ctx *ctx, const char *folder_id, const char *name, const char *except_id);
/* Checks Box's name rules; answers 400 and returns false when broken. */
bool bx_name_ok(twin_ctx *ctx, const char *name);
json_value *bx_mini(twin_ctx *ctx, const json_value *item);
json_value *bx_full(twin_ctx *ctx, const json_value *item);
/* Standard (or fields-selected) rendering. */
json_value *bx_render(twin_ctx *ctx, const json_value *item, const char *fields);
int64_t bx_folder_size(twin_ctx *ctx, const char *folder_id);
bool bx_is_descendant(twin_ctx *ctx, const char *folder_id, const char *ancestor_id);
/* Item collection of a folder: {total_count, entries, offset, limit, order}. */
json_value *bx_item_collection(twin_ctx *ctx, const char *folder_id, int64_t offset, int64_t limit,
                               const char *fields, const char *sort, const char *direction);
void bx_item_sort(twin_ctx *ctx, twin_list *l, const char *sort, const char *direction);
/* Creates a file with its first version; returns the file record. */
json_value *bx_file_create(twin_ctx *ctx, const char *parent_id, const char *name, const char *data, size_t len,
                           const char *description);
/* Stores new content as the file's current version (file updated and saved). */
void bx_file_new_version(twin_ctx *ctx, json_value *file, const char *data, size_t len);
json_value *bx_folder_create(twin_ctx *ctx, const char *parent_id, const char *name, const char *description);
const char *bx_sha1_hex(arena *a, const char *data, size_t len);
const char *bx_blob(twin_ctx *ctx, const char *version_id, size_t *len);
/* 409 item_name_in_use; conflicts is an object for uploads, an array otherwise. */
void bx_conflict(twin_ctx *ctx, const json_value *existing, bool as_object);
/* Trash, restore and purge an item with its descendants. */
void bx_trash(twin_ctx *ctx, json_value *item);
/* bx_restore puts the item back as name in folder parent_id. */
void bx_restore(twin_ctx *ctx, json_value *item, const char *parent_id, const char *name);
void bx_purge(twin_ctx *ctx, json_value *item);
json_value *bx_copy_file(twin_ctx *ctx, const json_value *file, const char *parent_id, const char *name);
json_value *bx_copy_folder(twin_ctx *ctx, const json_value *folder, const char *parent_id, const char *name);

/* Box's "order" array of an item listing: by type, then by sort (default name). */
json_value *bx_order_json(arena *a, const char *sort, const char *direction);
/* The item a route names (looked up by the caller, id for the message) when it
 * exists, the caller can reach it, and it is active, or trashed for
 * bx_trashed_item (a folder must be a trash root); otherwise answers Box's
 * 404 and returns NULL. */
json_value *bx_active_item(twin_ctx *ctx, json_value *item, const char *id);
json_value *bx_trashed_item(twin_ctx *ctx, json_value *item, const char *id);
/* The active folder named by {"parent": {"id": ...}} that the caller may
 * upload into; answers 404 (400 when the id is missing and required, 403
 * when the caller's role cannot upload) and returns NULL when unusable. */
json_value *bx_target_folder(twin_ctx *ctx, const json_value *parent_obj, bool required);
/* An update that renames item to new_name and/or moves it to parent_id:
 * check answers 409 on a name clash and returns false; apply stores the
 * change with the body's tags and emits the events (kind "FILE"/"FOLDER"). */
bool bx_move_check(twin_ctx *ctx, const json_value *item, const char *new_name, const char *parent_id,
                   bool *renamed, bool *moved);
void bx_move_apply(twin_ctx *ctx, json_value *item, const char *new_name, const char *parent_id, bool renamed,
                   bool moved, const char *kind);
/* The name a copied or restored item takes in folder_id (name, or its own
 * when NULL); answers 400/409 and returns NULL when invalid or taken. */
const char *bx_placement_name(twin_ctx *ctx, const json_value *item, const char *folder_id, const char *name);

/* ---- access: roles and collaborations (access.c, collabs.c) ---- */
enum { BX_VIEW = 1, BX_DOWNLOAD = 2, BX_UPLOAD = 4, BX_MODIFY = 8, BX_INVITE = 16, BX_COMMENT = 32 };
unsigned bx_caps(const char *role);                         /* rights of a role; 0 when unknown */
bool bx_valid_role(const char *role, bool allow_owner);
bool bx_is_admin(twin_ctx *ctx);                            /* admin, co-admin or service account */
/* The caller's role on item: "owner", a collaboration role (own or
 * inherited from a folder above), or NULL when the item is out of reach. */
const char *bx_role(twin_ctx *ctx, const json_value *item);
bool bx_visible(twin_ctx *ctx, const json_value *item);
bool bx_owns_or_co_owns(twin_ctx *ctx, const json_value *item);
/* Comments and tasks: their creator (rec's creator_key), or file's owner or co-owner. */
bool bx_may_manage(twin_ctx *ctx, const json_value *rec, const char *creator_key, const json_value *file);
/* The file, when it is active and the caller can reach it; else NULL. */
json_value *bx_reachable_file(twin_ctx *ctx, const char *file_id);
bool bx_can(twin_ctx *ctx, const json_value *item, unsigned caps);
/* Answers 403 access_denied_insufficient_permissions unless the caller holds caps. */
bool bx_require(twin_ctx *ctx, const json_value *item, unsigned caps);
void bx_forbidden(twin_ctx *ctx);
const char *bx_folder_owner(twin_ctx *ctx, const char *folder_id); /* "0": the caller */
/* Gives item and everything below it to owner. */
void bx_set_owner(twin_ctx *ctx, json_value *item, const char *owner);
twin_list bx_collaborations_of(twin_ctx *ctx, const char *item_type, const char *item_id);
void bx_collab_save(twin_ctx *ctx, json_value *collab);
/* Key of the "pending" index, which holds only pending collaborations: the
 * invitee's user id, or "email:<login, lower case>" for an invitation by
 * email that no user has answered yet. */
const char *bx_pending_key(twin_ctx *ctx, const char *user_id, const char *email);
/* Active items of a folder as the caller sees them: the root adds the items shared with them. */
twin_list bx_listing(twin_ctx *ctx, const char *folder_id);
bool bx_event_visible(twin_ctx *ctx, const json_value *event);
json_value *bx_collab_create(twin_ctx *ctx, const json_value *item, const char *user_id, const char *login,
                             const char *role, const char *status);

/* ---- events and webhooks (events.c) ---- */
/* Records a user event (event_type like "ITEM_UPLOAD") and delivers the
 * webhook trigger (like "FILE.UPLOADED"; NULL = none) to matching webhooks. */
void bx_emit(twin_ctx *ctx, const char *event_type, const char *trigger, const json_value *item);
/* A collaboration change on item: the user event (like
 * "COLLAB_ADD_COLLABORATOR"; NULL = admin_logs only), its enterprise event
 * (like "COLLABORATION_INVITE"; NULL = none), and the webhook trigger (like
 * "COLLABORATION.CREATED"; NULL = none) whose payload source is collab, the
 * collaboration's rendering. */
void bx_emit_collab(twin_ctx *ctx, const char *event_type, const char *admin_type, const char *trigger,
                    const json_value *item, const json_value *collab);

/* A change to something about item (a comment, a task): the user event
 * (its enterprise counterpart has the same name) whose source is about,
 * and the webhook trigger delivered with about as the source, to webhooks
 * covering item.  Who sees the event follows item. */
void bx_emit_about(twin_ctx *ctx, const char *event_type, const char *trigger, const json_value *item,
                   const json_value *about);

/* ---- seeding (seed.c) ---- */
extern const char bx_seed_schema[];
int bx_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error);

#define BX_HANDLERS(X) \
    X(oauth_token) X(oauth_revoke) X(oauth_authorize) \
    X(users_me) X(users_list) X(users_get) X(users_create) X(users_update) X(users_delete) \
    X(folders_get) X(folders_items) X(folders_create) X(folders_update) X(folders_copy) X(folders_delete) \
    X(folders_restore) X(folders_trash_get) X(folders_trash_delete) X(trash_items) \
    X(files_upload) X(files_preflight) X(files_version_upload) X(files_get) X(files_update) X(files_copy) \
    X(files_delete) X(files_restore) X(files_trash_get) X(files_trash_delete) X(files_content) X(download) \
    X(versions_list) X(versions_get) X(versions_promote) \
    X(search) X(events) \
    X(webhooks_list) X(webhooks_create) X(webhooks_get) X(webhooks_update) X(webhooks_delete) \
    X(collabs_create) X(collabs_get) X(collabs_update) X(collabs_delete) X(collabs_pending) \
    X(folders_collabs) X(files_collabs) \
    X(comments_create) X(comments_get) X(comments_update) X(comments_delete) X(files_comments) \
    X(tasks_create) X(tasks_get) X(tasks_update) X(tasks_delete) X(files_tasks) X(tasks_assignments) \
    X(assignments_create) X(assignments_get) X(assignments_update) X(assignments_delete)
#define BX_DECLARE(n) void bx_##n(twin_ctx *ctx);
BX_HANDLERS(BX_DECLARE)
#undef BX_DECLARE

#endif
