/* Dropbox twin: shared declarations.
 *
 * State lives in the store, one collection per resource:
 *   entries    "id:…" -> a file or folder as the API renders it (".tag", name,
 *              path_lower, path_display, id, and for files rev, size,
 *              content_hash, client_modified, server_modified) plus "_data"
 *              (the content, base64).  Indexes: path (path_lower) and
 *              parent (the parent folder's path_lower, "" for the root).
 *   revisions  rev -> {"meta": file metadata at that rev, "_data", "path"}
 *              index path (path_lower when written), newest last.
 *   changes    zero-padded sequence -> {seq, path (lower), deleted, name,
 *              path_display}: the journal list_folder/continue reads.
 *   _usage     "files" -> {bytes}: what the files hold, kept up to date on
 *              every write and delete (quota checks, space usage).
 *   sessions   upload session id -> {offset, closed, "_data"}.
 *   links      shared link id -> {url, path_lower, file id, visibility, expires}.
 *   temp_links token -> {id, rev, expires} (get_temporary_link).
 *   jobs       async job id -> the finished result (batch routes).
 *   accounts   account_id -> seeded team members (users/get_account).
 *   shared_folders  shared_folder_id -> {folder_id, policy, members, time_invited}
 *              (shared_folders.c); the folder entry carries "_sf".
 *   meta       "account" -> {account_id, name, email, ...}; "tier" ->
 *              {account_tier} set through the admin API.
 *
 * Paths are case-insensitive: lookups go through path_lower, and the
 * display casing is the one of the first write. */
#ifndef TWINS_DROPBOX_H
#define TWINS_DROPBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/cursor.h"
#include "engine/twin.h"

/* What authenticate leaves in ctx->principal. */
typedef struct dbx_req {
    const char *token;
    bool notified;              /* the webhook already went out for this request */
    int8_t shares;              /* shared folders exist: -1 not asked yet, 0 no, 1 yes */
} dbx_req;

/* ---- requests, answers and errors (auth.c) ---- */
bool dbx_authenticate(twin_ctx *ctx, const twin_route *route);
void dbx_send_error(twin_ctx *ctx, int status, const char *code, const char *message);
/* Route arguments: the JSON body of RPC routes, or the Dropbox-API-Arg header
 * (or ?arg=) of content routes.  Answers 400 and returns NULL when they do
 * not decode or are not an object. */
json_value *dbx_args(twin_ctx *ctx);
/* "Error in call to API function "files/x": <message>" as text/plain 400. */
void dbx_bad_request(twin_ctx *ctx, const char *message);
/* 409 {"error_summary": summary + "/..", "error": err}. */
void dbx_route_error(twin_ctx *ctx, const char *summary, json_value *err);
/* Tagged unions: {".tag": tag} and {".tag": tag, tag: inner}. */
json_value *dbx_tag(arena *a, const char *tag);
json_value *dbx_tag_with(arena *a, const char *tag, json_value *inner);
/* The error union member `outer` holding a LookupError / WriteError member
 * `reason` (e.g. "path" / "not_found"); summary "outer/reason/..". */
void dbx_lookup_error(twin_ctx *ctx, const char *outer, const char *reason);
/* WriteError.conflict(kind) under `outer`: summary "outer/conflict/kind/..". */
void dbx_conflict_error(twin_ctx *ctx, const char *outer, const char *kind);
void dbx_reply(twin_ctx *ctx, json_value *body);            /* 200 JSON */
void dbx_reply_null(twin_ctx *ctx);                          /* 200 "null" (Void results) */
/* Required string argument; answers 400 "missing required field" when absent. */
const char *dbx_req_str(twin_ctx *ctx, const json_value *args, const char *field);
bool dbx_opt_bool(const json_value *args, const char *field, bool fallback);
const char *dbx_route_name(twin_ctx *ctx);                   /* "files/upload" */

/* ---- paths and entries (common.c) ---- */
typedef enum { DBX_PATH_OK, DBX_PATH_ROOT, DBX_PATH_MALFORMED } dbx_path_kind;
/* Normalises a path argument: "/A//b" stays "/A//b" is malformed; trailing
 * slashes are malformed; "" is the root.  *lower gets the lower-cased form. */
dbx_path_kind dbx_norm_path(arena *a, const char *in, const char **display, const char **lower);
/* Validates an argument against Dropbox's path pattern (/…, id:…, rev:…, ns:…);
 * answers 400 like the real service and returns false otherwise. */
bool dbx_check_path_arg(twin_ctx *ctx, const char *field, const char *value, bool allow_root, bool allow_rev);
json_value *dbx_entry_by_path(twin_ctx *ctx, const char *lower);
json_value *dbx_entry_by_id(twin_ctx *ctx, const char *id);
/* Resolves "/path", "id:…", "id:…/rest" or "rev:…" (when revs allowed).
 * Returns the entry, or NULL with *reason set to a LookupError tag. */
json_value *dbx_resolve(twin_ctx *ctx, const char *arg, const char **reason);
/* The lower-cased target path of a write argument ("/x", or "id:…" of an
 * existing entry); NULL + *reason (malformed_path / not_found). */
const char *dbx_write_target(twin_ctx *ctx, const char *arg, const char **display, const char **reason);
const char *dbx_parent_of(arena *a, const char *path);       /* "/a/b" -> "/a", "/a" -> "" */
const char *dbx_base_name(const char *path);                 /* after the last '/' */
/* What rendering entries needs of shared folders (shared_folders.c): the
 * share above each folder and the owner's account id.  A listing makes one
 * and renders every entry with it, so each folder and the account are read
 * once per listing, not once per entry.  Good for one request that changes
 * no share while it renders (a write can move a folder into a share). */
typedef struct dbx_sharing dbx_sharing;
dbx_sharing *dbx_sharing_new(twin_ctx *ctx);
/* The API view of a stored entry (internal "_" members dropped), with the
 * sharing fields; dbx_public_in renders it in a listing's sharing context. */
json_value *dbx_public(twin_ctx *ctx, const json_value *entry);
json_value *dbx_public_in(twin_ctx *ctx, dbx_sharing *sharing, const json_value *entry);
void dbx_save_entry(twin_ctx *ctx, const json_value *entry);
/* Every entry at or under path (lower), parents first. */
json_value *dbx_subtree(twin_ctx *ctx, const char *lower, bool include_self);
/* The entries directly in a folder (lower, "" = the root), sorted by path. */
json_value *dbx_children(twin_ctx *ctx, const char *folder);
/* Creates the missing folders above path (display form); false + *kind
 * ("file_ancestor") when a file is in the way. */
bool dbx_ensure_parents(twin_ctx *ctx, const char *display, const char **kind);
json_value *dbx_new_folder(twin_ctx *ctx, const char *display);
/* display with the stored casing of its parent folder (the last component as given). */
const char *dbx_cased(twin_ctx *ctx, const char *display);
/* Writes a file (new entry or new revision of the entry at that path). */
json_value *dbx_write_file(twin_ctx *ctx, json_value *existing, const char *display, const char *data, size_t len,
                           const char *client_modified);
/* First free "name (n).ext" (or "name (conflicted copy).ext") next to display. */
const char *dbx_autorename(twin_ctx *ctx, const char *display, bool conflicted_copy);
void dbx_content_hash(const char *data, size_t len, char out[65]);
const char *dbx_now(twin_ctx *ctx);                          /* "2026-11-23T10:00:00Z" */
/* A DropboxTimestamp: exactly "%Y-%m-%dT%H:%M:%SZ" and a real date. */
bool dbx_valid_timestamp(const char *s);
char *dbx_entry_data(twin_ctx *ctx, const json_value *entry, size_t *len);
/* Journals a change at path (for cursors) and notifies the webhook. */
void dbx_record_change(twin_ctx *ctx, const json_value *entry, bool deleted);
/* A journal entry's id: its seq zero-padded, so ids sort like seqs. */
const char *dbx_change_id(arena *a, int64_t seq);
void dbx_record_delete(twin_ctx *ctx, const char *lower, const char *display, const char *name);
int64_t dbx_latest_seq(twin_ctx *ctx);
/* Deletes an entry and everything under it (journals each removal). */
void dbx_delete_tree(twin_ctx *ctx, const json_value *entry);
/* Lower-cased: is `path` equal to or under `root` ("" = everything)? */
bool dbx_path_within(const char *path, const char *root);

/* ---- quota and account (users.c) ---- */
int64_t dbx_used_bytes(twin_ctx *ctx);
/* Moves the count of bytes held by files (dbx_save_entry and dbx_delete_tree call it). */
void dbx_usage_add(twin_ctx *ctx, int64_t delta);
int64_t dbx_allocated_bytes(twin_ctx *ctx);
const char *dbx_tier(twin_ctx *ctx);
json_value *dbx_account(twin_ctx *ctx);                      /* meta "account", created on first use */
/* True when adding `delta` bytes fits the quota. */
bool dbx_quota_allows(twin_ctx *ctx, int64_t delta);

/* ---- cursors (listing.c) ---- */
/* Cursors carry the run and the twin's epoch (engine/cursor.h, JSON stamp). */
const char *dbx_encode_cursor(twin_ctx *ctx, const json_value *state);
/* Whether a decoded cursor is of this epoch is twin_cursor_stamp_read's
 * answer; STALE (its positions and offsets name other entries now) is
 * list_folder's `reset`. */
json_value *dbx_decode_cursor(twin_ctx *ctx, const char *cursor);
/* Offset paging, shared by every listing: moves items [offset, offset+limit)
 * of the array into a new one; *more when items follow the page. */
json_value *dbx_page(arena *a, json_value *items, int64_t offset, int64_t limit, bool *more);
/* The optional `limit` argument, max when absent; answers 400 outside [1, max]. */
bool dbx_page_limit(twin_ctx *ctx, const json_value *args, int64_t max, int64_t *limit);
/* Whether the journal holds a change after seq in a cursor's scope. */
bool dbx_changes_since(twin_ctx *ctx, const char *root, bool recursive, int64_t seq);

/* ---- held longpolls (longpoll.c) ---- */
/* A write at path (lower): parked longpolls whose scope it touches check again. */
void dbx_longpoll_wake(twin_ctx *ctx, const char *path);
/* The instance's state started over: its parked longpolls answer changes true. */
void dbx_longpoll_restart(twin_ctx *ctx);
/* on_stop: the server is stopping; parked longpolls answer changes false. */
void dbx_longpoll_stop(void);

/* ---- uploads (files.c) ---- */
/* Commits data per a CommitInfo (path, mode, autorename, client_modified,
 * strict_conflict).  On failure answers 409 with the WriteError nested as
 * style says: upload ({".tag":"path","reason":…}) or finish
 * ({".tag":"path","path":…}); returns NULL.  Otherwise the file metadata. */
typedef enum { DBX_COMMIT_UPLOAD, DBX_COMMIT_FINISH } dbx_commit_style;
json_value *dbx_commit(twin_ctx *ctx, const json_value *commit, const char *data, size_t len, dbx_commit_style style);

/* A Range header (RFC 9110 §14.1.2) holding one byte range, against a body
 * of len bytes: "a-b" (b clipped to the end), "a-", or the suffix "-n";
 * *lo..*hi (inclusive) when DBX_RANGE_OK.  A header that does not parse, or
 * asks for several ranges, is DBX_RANGE_NONE: the whole body is sent, as the
 * RFC lets a server do. */
typedef enum { DBX_RANGE_NONE, DBX_RANGE_OK, DBX_RANGE_UNSATISFIABLE } dbx_range;
dbx_range dbx_byte_range(const char *header, size_t len, size_t *lo, size_t *hi);
/* The bytes of a content-download route, with its result (when not NULL)
 * in Dropbox-API-Result; a Range header gets 206 with Content-Range, or 416
 * when no byte of it is in the body.  The file's rev is its ETag: an
 * If-None-Match naming it gets 304 without a body. */
void dbx_reply_content(twin_ctx *ctx, const json_value *result, const char *rev, const char *data, size_t len);
bool dbx_stub_send(twin_ctx *ctx, const char *op_path, int status, buf *body);

/* ---- shared folders (shared_folders.c) ---- */
/* Adds shared_folder_id and sharing_info to a shared folder's API view, and
 * parent_shared_folder_id and sharing_info to the entries inside one. */
void dbx_render_sharing(twin_ctx *ctx, dbx_sharing *sharing, const json_value *entry, json_value *out);
/* The id of the shared folder holding path (lower; the nearest shared
 * ancestor), or NULL. */
const char *dbx_enclosing_share(twin_ctx *ctx, const char *lower);
/* Whether any entry of a subtree (dbx_subtree) is a shared folder. */
bool dbx_holds_share(const json_value *tree);
/* A shared_folder_id as the Stone pattern allows: [-_0-9a-zA-Z:]+. */
bool dbx_valid_shared_folder_id(const char *s);
/* An address a member selector may invite: local@domain.tld, no spaces. */
bool dbx_valid_email(const char *s);

/* ---- batches (sessions.c) ---- */
/* Keeps a finished batch result as an async job: {".tag":"async_job_id", …}. */
json_value *dbx_async_job(twin_ctx *ctx, json_value *result);

/* ---- seeding (seed.c) ---- */
extern const char dbx_seed_schema[];
int dbx_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error);

/* ---- webhooks (users.c) ---- */
const char **dbx_webhook_sign(arena *a, const char *secret, const char *payload, size_t len, int64_t t);
/* Queues the app's notification (once per request) when a webhook_url is configured. */
void dbx_notify(twin_ctx *ctx);
const char *dbx_app_secret(twin_ctx *ctx);

#define DBX_HANDLERS(X) \
    X(upload) X(download) X(export) X(get_metadata) X(create_folder_v2) X(create_folder) X(delete_v2) X(delete) \
    X(copy_v2) X(move_v2) X(copy_batch_v2) X(move_batch_v2) X(relocation_batch_check) X(list_revisions) X(restore) X(get_temporary_link) X(temp_link_content) \
    X(list_folder) X(list_folder_continue) X(list_folder_latest_cursor) X(list_folder_longpoll) \
    X(search_v2) X(search_continue_v2) \
    X(session_start) X(session_append_v2) X(session_append) X(session_finish) \
    X(create_folder_batch) X(create_folder_batch_check) X(delete_batch) X(delete_batch_check) \
    X(current_account) X(get_account) X(get_account_batch) X(space_usage) \
    X(create_shared_link) X(list_shared_links) X(revoke_shared_link) X(get_shared_link_metadata) X(get_shared_link_file) \
    X(check_user) X(token_revoke) X(team_members_list) X(team_get_info) \
    X(share_folder) X(get_folder_metadata) X(list_shared_folders) X(list_shared_folders_continue) \
    X(add_folder_member) X(list_folder_members) X(list_folder_members_continue) X(remove_folder_member) X(unshare_folder) \
    X(mount_folder) X(list_mountable_folders) X(list_mountable_folders_continue) X(sharing_job_check) \
    X(admin_tier)
#define DBX_DECLARE(n) void dbx_##n(twin_ctx *ctx);
DBX_HANDLERS(DBX_DECLARE)
#undef DBX_DECLARE

#endif
