/* Google Drive twin: permissions, revisions, comments and replies of a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twins/google_drive/drive.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/util.h"

static void touch_file(twin_ctx *ctx, json_value *f)
{
    /* a root folder (My Drive's, a shared drive's) is no stored file: no change to log */
    if (json_truthy(json_get(f, "_root"))) return;
    json_set_int(ctx->a, f, "version", gd_int(json_get(f, "version"), 1) + 1);
    gd_file_save(ctx, f);
    gd_record_change(ctx, json_get_str(f, "id"), false);
}

static void no_content(twin_ctx *ctx)
{
    twin_reply_text(ctx, 204, NULL, "", 0);
}

/* ---- permissions ---- */

static const char *const roles[] = {"owner", "organizer", "fileOrganizer", "writer", "commenter", "reader", NULL};
static const char *const types[] = {"user", "group", "domain", "anyone", NULL};

static bool one_of(const char *v, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (str_eq(v, list[i])) return true;
    return false;
}

static const char *perm_key(twin_ctx *ctx, const char *file_id, const char *perm_id)
{
    return arena_printf(ctx->a, "%s:%s", file_id, perm_id);
}

static json_value *perm_load(twin_ctx *ctx, const json_value *f)
{
    const char *pid = twin_param(ctx, "permissionId");
    json_value *p = twin_doc_get(ctx, "permissions", perm_key(ctx, json_get_str(f, "id"), pid));
    if (!p) gd_error(ctx, 404, "notFound", arena_printf(ctx->a, "Permission not found: %s.", pid), "permissionId", "parameter");
    return p;
}

static void perm_save(twin_ctx *ctx, const json_value *f, const json_value *p)
{
    store_index idx = {"file", json_get_str(f, "id")};
    twin_doc_put(ctx, "permissions", perm_key(ctx, json_get_str(f, "id"), json_get_str(p, "id")), p, &idx, 1);
}

#define PERM_DEFAULT "kind,id,type,role,allowFileDiscovery"

/* Sharing a shared drive's item takes a writer; managing the drive's
 * members (permissions on the drive id) takes an organizer. */
static bool may_share(twin_ctx *ctx, const json_value *f)
{
    return gd_require_drive_rank(ctx, json_get_str(f, "driveId"), json_truthy(json_get(f, "_root")) ? 5 : 3);
}

/* A shared drive's permission as the API shows it: members carry
 * permissionDetails; on an item, inherited ones name the drive. */
static json_value *perm_view(twin_ctx *ctx, const json_value *p, const json_value *f, bool inherited)
{
    arena *a = ctx->a;
    const char *drive_id = json_get_str(f, "driveId");
    if (!drive_id) return (json_value *)p;
    json_value *o = json_clone(a, p), *details = json_array(a), *d = json_object(a);
    json_set_str(a, d, "permissionType", json_truthy(json_get(f, "_root")) || inherited ? "member" : "file");
    json_set_str(a, d, "role", json_get_str(p, "role"));
    json_set_bool(a, d, "inherited", inherited);
    if (inherited) json_set_str(a, d, "inheritedFrom", drive_id);
    json_push(details, d);
    json_set(a, o, "permissionDetails", details);
    return o;
}

void gd_perm_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = gd_file_load(ctx);
    if (!f) return;
    /* Without pageSize a file outside shared drives lists every permission. */
    int64_t size, off;
    if (!google_page_size(ctx, &gd_api, "pageSize", INT32_MAX, 100, &size) || !google_page_offset(ctx, &gd_api, &off))
        return;
    twin_list l = gd_list_by_file(ctx, "permissions", json_get_str(f, "id"));
    /* a shared drive's items list the drive's members, inherited, then their own */
    const char *drive_id = json_get_str(f, "driveId");
    bool item = drive_id && !json_truthy(json_get(f, "_root"));
    twin_list members = item ? gd_list_by_file(ctx, "permissions", drive_id) : (twin_list){0};
    size_t n = members.n + l.n;
    json_value **all = arena_alloc(a, (n + 1) * sizeof *all);
    for (size_t i = 0; i < members.n; i++) all[i] = perm_view(ctx, members.items[i], f, true);
    for (size_t i = 0; i < l.n; i++) all[members.n + i] = perm_view(ctx, l.items[i], f, false);
    json_value *o = json_object(a), *arr = json_array(a);
    json_set_str(a, o, "kind", "drive#permissionList");
    google_page page = google_page_window(off, size, n);
    for (size_t i = page.start; i < page.end; i++) json_push(arr, all[i]);
    if (page.more) json_set_str(a, o, "nextPageToken", google_cursor(ctx, 'o', (int64_t)page.end));
    json_set(a, o, "permissions", arr);
    google_reply_fields(ctx, o, "kind,nextPageToken,permissions(" PERM_DEFAULT ")");
}

void gd_perm_get(twin_ctx *ctx)
{
    json_value *f = gd_file_load(ctx);
    if (!f) return;
    json_value *p = perm_load(ctx, f);
    if (p) google_reply_fields(ctx, perm_view(ctx, p, f, false), PERM_DEFAULT);
}

void gd_perm_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = gd_file_load(ctx);
    if (!f || !may_share(ctx, f) || !gd_require_body(ctx)) return;
    json_value *b = ctx->body;
    bool shared_drive = json_get_str(f, "driveId") != NULL;
    const char *role = json_get_str(b, "role"), *type = json_get_str(b, "type");
    if (!role) return gd_error(ctx, 400, "required", "The permission role field is required.", "permission.role", "other");
    if (!type) return gd_error(ctx, 400, "required", "The permission type field is required.", "permission.type", "other");
    if (!one_of(role, roles))
        return gd_error(ctx, 400, "invalid", "The value of the permission role field is invalid.", "permission.role", "other");
    if (!one_of(type, types))
        return gd_error(ctx, 400, "invalid", "The value of the permission type field is invalid.", "permission.type", "other");
    const char *email = json_get_str(b, "emailAddress"), *domain = json_get_str(b, "domain");
    if ((str_eq(type, "user") || str_eq(type, "group")) && (!email || !*email))
        return gd_error(ctx, 400, "required", "The permission emailAddress field is required for this permission type.",
                        "permission.emailAddress", "other");
    if (str_eq(type, "domain") && (!domain || !*domain))
        return gd_error(ctx, 400, "required", "The permission domain field is required for this permission type.",
                        "permission.domain", "other");
    if (str_eq(role, "owner") && shared_drive)
        return gd_error(ctx, 403, "invalidSharingRequest",
                        "Bad Request. User message: \"Items in shared drives are owned by the shared drive.\"", NULL,
                        NULL);
    if (str_eq(role, "owner") && !gd_bool_query(ctx, "transferOwnership", false))
        return gd_error(ctx, 403, "consentRequiredForOwnershipTransfer",
                        "Consent is required to transfer ownership of a file to another user.", NULL, NULL);
    if (!shared_drive && (str_eq(role, "organizer") || str_eq(role, "fileOrganizer")))
        return gd_error(ctx, 403, "invalidSharingRequest",
                        "Bad Request. User message: \"Organizer roles can only be granted on shared drive items.\"",
                        NULL, NULL);
    bool discover = json_truthy(json_get(b, "allowFileDiscovery"));
    const char *pid = str_eq(type, "anyone") ? (discover ? "anyone" : "anyoneWithLink")
                      : str_eq(type, "domain") ? arena_printf(a, "%sk", gd_permission_id(ctx, domain))
                                               : gd_permission_id(ctx, email);
    json_value *p = twin_doc_get(ctx, "permissions", perm_key(ctx, json_get_str(f, "id"), pid));
    if (!p) p = json_object(a);
    json_set_str(a, p, "kind", "drive#permission");
    json_set_str(a, p, "id", pid);
    json_set_str(a, p, "type", type);
    json_set_str(a, p, "role", role);
    if (email) {
        json_set_str(a, p, "emailAddress", email);
        json_set_str(a, p, "displayName", json_get_str(gd_user(ctx, email), "displayName"));
    }
    if (domain) {
        json_set_str(a, p, "domain", domain);
        json_set_str(a, p, "displayName", domain);
    }
    if (str_eq(type, "anyone") || str_eq(type, "domain")) json_set_bool(a, p, "allowFileDiscovery", discover);
    if (json_get_str(b, "expirationTime")) json_set_str(a, p, "expirationTime", json_get_str(b, "expirationTime"));
    json_set_bool(a, p, "deleted", false);
    json_set_bool(a, p, "pendingOwner", false);
    if (str_eq(role, "owner")) {
        /* ownership moves: the previous owner becomes a writer */
        const char *prev = json_get_str(f, "_owner") ? json_get_str(f, "_owner") : gd_user_email(ctx);
        json_value *old = twin_doc_get(ctx, "permissions", perm_key(ctx, json_get_str(f, "id"), gd_permission_id(ctx, prev)));
        if (old) {
            json_set_str(a, old, "role", "writer");
            perm_save(ctx, f, old);
        }
        json_set_str(a, f, "_owner", email);
    }
    perm_save(ctx, f, p);
    touch_file(ctx, f);
    google_reply_fields(ctx, perm_view(ctx, p, f, false), PERM_DEFAULT);
}

void gd_perm_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = gd_file_load(ctx);
    if (!f || !may_share(ctx, f) || !gd_require_body(ctx)) return;
    json_value *p = perm_load(ctx, f);
    if (!p) return;
    const char *role = json_get_str(ctx->body, "role");
    if (role && !one_of(role, roles))
        return gd_error(ctx, 400, "invalid", "The value of the permission role field is invalid.", "permission.role", "other");
    if (str_eq(json_get_str(p, "role"), "owner") && role && !str_eq(role, "owner"))
        return gd_error(ctx, 403, "cannotModifyOwner", "The owner of a file cannot be modified. Transfer ownership instead.",
                        NULL, NULL);
    if (json_get_str(ctx->body, "type") && !str_eq(json_get_str(ctx->body, "type"), json_get_str(p, "type")))
        return gd_error(ctx, 403, "fieldNotWritable", "The resource body includes fields which are not directly writable.",
                        NULL, NULL);
    if (role) json_set_str(a, p, "role", role);
    if (json_get_str(ctx->body, "expirationTime")) json_set_str(a, p, "expirationTime", json_get_str(ctx->body, "expirationTime"));
    if (gd_bool_query(ctx, "removeExpiration", false)) json_remove(p, "expirationTime");
    perm_save(ctx, f, p);
    touch_file(ctx, f);
    google_reply_fields(ctx, perm_view(ctx, p, f, false), PERM_DEFAULT);
}

void gd_perm_delete(twin_ctx *ctx)
{
    json_value *f = gd_file_load(ctx);
    if (!f || !may_share(ctx, f)) return;
    json_value *p = perm_load(ctx, f);
    if (!p) return;
    if (str_eq(json_get_str(p, "role"), "owner"))
        return gd_error(ctx, 403, "cannotRemoveOwner", "The owner of a file cannot be removed.", NULL, NULL);
    twin_doc_delete(ctx, "permissions", perm_key(ctx, json_get_str(f, "id"), json_get_str(p, "id")));
    touch_file(ctx, f);
    no_content(ctx);
}

/* ---- revisions ---- */

#define REV_DEFAULT "kind,id,mimeType,modifiedTime"

static json_value *rev_load(twin_ctx *ctx, const json_value *f)
{
    const char *rid = twin_param(ctx, "revisionId");
    const char *fid = json_get_str(f, "id");
    if (str_eq(rid, "head") && json_get_str(f, "_rev")) rid = json_get_str(f, "_rev");
    json_value *r = twin_doc_get(ctx, "revisions", arena_printf(ctx->a, "%s:%s", fid, rid));
    if (!r) gd_error(ctx, 404, "notFound", arena_printf(ctx->a, "Revision not found: %s.", rid), "revisionId", "parameter");
    return r;
}

static json_value *rev_json(twin_ctx *ctx, const json_value *r)
{
    json_value *o = json_object(ctx->a);
    json_foreach(x, r) if (x->key[0] != '_') json_set(ctx->a, o, x->key, json_clone(ctx->a, x));
    return o;
}

void gd_rev_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = gd_file_load(ctx);
    if (!f) return;
    if (str_eq(json_get_str(f, "mimeType"), GD_FOLDER))
        return gd_error(ctx, 403, "revisionsNotSupported", "The file does not support revisions.", NULL, NULL);
    /* pageSize defaults to 200 and may reach 1000 (the discovery document's range). */
    int64_t size, off;
    if (!google_page_size(ctx, &gd_api, "pageSize", 200, 1000, &size) || !google_page_offset(ctx, &gd_api, &off))
        return;
    twin_list l = gd_list_by_file(ctx, "revisions", json_get_str(f, "id"));
    json_value *o = json_object(a), *arr = json_array(a);
    json_set_str(a, o, "kind", "drive#revisionList");
    google_page page = google_page_window(off, size, l.n);
    for (size_t i = page.start; i < page.end; i++) json_push(arr, rev_json(ctx, l.items[i]));
    if (page.more) json_set_str(a, o, "nextPageToken", google_cursor(ctx, 'o', (int64_t)page.end));
    json_set(a, o, "revisions", arr);
    google_reply_fields(ctx, o, "kind,nextPageToken,revisions(" REV_DEFAULT ")");
}

void gd_rev_get(twin_ctx *ctx)
{
    json_value *f = gd_file_load(ctx);
    if (!f) return;
    json_value *r = rev_load(ctx, f);
    if (!r) return;
    if (str_eq(gd_query(ctx, "alt"), "media")) {
        if (gd_is_google_type(json_get_str(f, "mimeType")))
            return gd_error(ctx, 403, "fileNotDownloadable",
                            "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
                            "alt", "parameter");
        json_value *b = twin_doc_get(ctx, "blobs", arena_printf(ctx->a, "%s:%s", json_get_str(f, "id"), json_get_str(r, "id")));
        size_t len = 0;
        char *data = gd_stored_bytes(ctx->a, json_get_str(b, "data"), &len);
        return twin_reply_text(ctx, 200, json_get_str(r, "mimeType"), data, len);
    }
    google_reply_fields(ctx, rev_json(ctx, r), REV_DEFAULT);
}

void gd_rev_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = gd_file_load(ctx);
    if (!f || !gd_require_body(ctx)) return;
    json_value *r = rev_load(ctx, f);
    if (!r) return;
    static const char *const bools[] = {"keepForever", "published", "publishAuto", "publishedOutsideDomain", NULL};
    for (size_t i = 0; bools[i]; i++) {
        json_value *v = json_get(ctx->body, bools[i]);
        if (json_is_bool(v)) json_set_bool(a, r, bools[i], json_truthy(v));
    }
    store_index idx = {"file", json_get_str(f, "id")};
    twin_doc_put(ctx, "revisions", arena_printf(a, "%s:%s", json_get_str(f, "id"), json_get_str(r, "id")), r, &idx, 1);
    google_reply_fields(ctx, rev_json(ctx, r), REV_DEFAULT);
}

void gd_rev_delete(twin_ctx *ctx)
{
    json_value *f = gd_file_load(ctx);
    if (!f) return;
    json_value *r = rev_load(ctx, f);
    if (!r) return;
    if (str_eq(json_get_str(r, "id"), json_get_str(f, "_rev")))
        return gd_error(ctx, 400, "cannotDeleteOnlyRevision",
                        "The revision cannot be deleted because it is the head revision of the file.", "revisionId",
                        "parameter");
    const char *key = arena_printf(ctx->a, "%s:%s", json_get_str(f, "id"), json_get_str(r, "id"));
    twin_doc_delete(ctx, "revisions", key);
    twin_doc_delete(ctx, "blobs", key);
    no_content(ctx);
}

/* ---- comments and replies ---- */

static const char *html_escape(arena *a, const char *s)
{
    buf b = {0};
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '<') buf_printf(&b, "&lt;");
        else if (*p == '>') buf_printf(&b, "&gt;");
        else if (*p == '&') buf_printf(&b, "&amp;");
        else if (*p == '"') buf_printf(&b, "&quot;");
        else if (*p == '\'') buf_printf(&b, "&#39;");
        else if (*p == '\n') buf_printf(&b, "<br>");
        else buf_append(&b, p, 1);
    }
    char *o = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return o;
}

static json_value *comment_load(twin_ctx *ctx, const json_value *f, bool include_deleted)
{
    const char *cid = twin_param(ctx, "commentId");
    json_value *c = twin_doc_get(ctx, "comments", cid);
    if (!c || !str_eq(json_get_str(c, "_file"), json_get_str(f, "id")) ||
        (!include_deleted && json_truthy(json_get(c, "deleted")))) {
        gd_error(ctx, 404, "notFound", arena_printf(ctx->a, "Comment not found: %s.", cid), "commentId", "parameter");
        return NULL;
    }
    return c;
}

static void comment_save(twin_ctx *ctx, const json_value *c)
{
    store_index idx = {"file", json_get_str(c, "_file")};
    twin_doc_put(ctx, "comments", json_get_str(c, "id"), c, &idx, 1);
}

/* What a new comment and a new reply share: kind, id, times and author. */
static json_value *new_post(twin_ctx *ctx, const char *kind)
{
    arena *a = ctx->a;
    json_value *x = json_object(a);
    const char *now = gd_now(ctx);
    json_set_str(a, x, "kind", kind);
    json_set_str(a, x, "id", twin_new_id(ctx, "AAAB", 16));
    json_set_str(a, x, "createdTime", now);
    json_set_str(a, x, "modifiedTime", now);
    json_set(a, x, "author", gd_user(ctx, NULL));
    json_remove(json_get(x, "author"), "permissionId");
    json_set_bool(a, x, "deleted", false);
    return x;
}

/* Commenting on a shared drive's item takes a commenter or more. */
static bool may_comment(twin_ctx *ctx, const json_value *f)
{
    return gd_require_drive_rank(ctx, json_get_str(f, "driveId"), 2);
}

/* The body's non-empty content; NULL after answering 400 required. */
static const char *required_content(twin_ctx *ctx)
{
    const char *content = json_get_str(ctx->body, "content");
    if (content && *content) return content;
    gd_error(ctx, 400, "required", "Required: content", "content", "other");
    return NULL;
}

static void set_text(twin_ctx *ctx, json_value *x, const char *content)
{
    json_set_str(ctx->a, x, "htmlContent", html_escape(ctx->a, content));
    json_set_str(ctx->a, x, "content", content);
}

/* A deleted comment or reply keeps its place and id but loses its text. */
static void tombstone(twin_ctx *ctx, json_value *x)
{
    json_set_bool(ctx->a, x, "deleted", true);
    json_remove(x, "content");
    json_remove(x, "htmlContent");
}

static json_value *strip(twin_ctx *ctx, const json_value *v, bool include_deleted_replies)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_foreach(x, v) {
        if (x->key[0] == '_') continue;
        if (str_eq(x->key, "replies")) {
            json_value *arr = json_array(a);
            json_foreach(r, x) if (include_deleted_replies || !json_truthy(json_get(r, "deleted")))
                json_push(arr, strip(ctx, r, true));
            json_set(a, o, "replies", arr);
            continue;
        }
        json_set(a, o, x->key, json_clone(a, x));
    }
    return o;
}

void gd_comment_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = gd_file_load(ctx);
    if (!f || !gd_require_fields(ctx)) return;
    bool incl = gd_bool_query(ctx, "includeDeleted", false);
    const char *since = gd_query(ctx, "startModifiedTime");
    int64_t since_ms = since ? parse_iso8601_ms(since) : -1;
    int64_t size, off;
    if (!google_page_size(ctx, &gd_api, "pageSize", 20, 100, &size) || !google_page_offset(ctx, &gd_api, &off)) return;
    twin_list l = gd_list_by_file(ctx, "comments", json_get_str(f, "id"));
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++) {
        json_value *c = l.items[i];
        if (!incl && json_truthy(json_get(c, "deleted"))) continue;
        if (since_ms >= 0 && parse_iso8601_ms(json_get_str(c, "modifiedTime")) < since_ms) continue;
        l.items[n++] = c;
    }
    json_value *o = json_object(a), *arr = json_array(a);
    json_set_str(a, o, "kind", "drive#commentList");
    google_page page = google_page_window(off, size, n);
    for (size_t i = page.start; i < page.end; i++) json_push(arr, strip(ctx, l.items[i], incl));
    if (page.more) json_set_str(a, o, "nextPageToken", google_cursor(ctx, 'o', (int64_t)page.end));
    json_set(a, o, "comments", arr);
    google_reply_fields(ctx, o, NULL);
}

void gd_comment_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = gd_file_load(ctx);
    if (!f || !gd_require_fields(ctx) || !may_comment(ctx, f) || !gd_require_body(ctx)) return;
    const char *content = required_content(ctx);
    if (!content) return;
    json_value *c = new_post(ctx, "drive#comment");
    set_text(ctx, c, content);
    json_set_bool(a, c, "resolved", false);
    json_value *qfc = json_get(ctx->body, "quotedFileContent");
    if (qfc && qfc->type == JSON_OBJECT) json_set(a, c, "quotedFileContent", json_clone(a, qfc));
    if (json_get_str(ctx->body, "anchor")) json_set_str(a, c, "anchor", json_get_str(ctx->body, "anchor"));
    json_set(a, c, "replies", json_array(a));
    json_set_str(a, c, "_file", json_get_str(f, "id"));
    comment_save(ctx, c);
    gd_record_change(ctx, json_get_str(f, "id"), false);
    google_reply_fields(ctx, strip(ctx, c, false), NULL);
}

void gd_comment_get(twin_ctx *ctx)
{
    json_value *f = gd_file_load(ctx);
    if (!f || !gd_require_fields(ctx)) return;
    bool incl = gd_bool_query(ctx, "includeDeleted", false);
    json_value *c = comment_load(ctx, f, incl);
    if (c) google_reply_fields(ctx, strip(ctx, c, incl), NULL);
}

void gd_comment_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = gd_file_load(ctx);
    if (!f || !gd_require_fields(ctx) || !gd_require_body(ctx)) return;
    json_value *c = comment_load(ctx, f, false);
    const char *content = c ? required_content(ctx) : NULL;
    if (!content) return;
    set_text(ctx, c, content);
    json_set_str(a, c, "modifiedTime", gd_now(ctx));
    comment_save(ctx, c);
    google_reply_fields(ctx, strip(ctx, c, false), NULL);
}

void gd_comment_delete(twin_ctx *ctx)
{
    json_value *f = gd_file_load(ctx);
    if (!f) return;
    json_value *c = comment_load(ctx, f, false);
    if (!c) return;
    tombstone(ctx, c);
    json_set_str(ctx->a, c, "modifiedTime", gd_now(ctx));
    comment_save(ctx, c);
    no_content(ctx);
}

static json_value *reply_find(twin_ctx *ctx, json_value *c, bool include_deleted)
{
    const char *rid = twin_param(ctx, "replyId");
    json_foreach(r, json_get(c, "replies"))
        if (str_eq(json_get_str(r, "id"), rid) && (include_deleted || !json_truthy(json_get(r, "deleted")))) return r;
    gd_error(ctx, 404, "notFound", arena_printf(ctx->a, "Reply not found: %s.", rid), "replyId", "parameter");
    return NULL;
}

void gd_reply_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = gd_file_load(ctx);
    if (!f || !gd_require_fields(ctx)) return;
    json_value *c = comment_load(ctx, f, false);
    if (!c) return;
    bool incl = gd_bool_query(ctx, "includeDeleted", false);
    json_value *o = json_object(a), *arr = json_array(a);
    json_set_str(a, o, "kind", "drive#replyList");
    json_foreach(r, json_get(c, "replies")) if (incl || !json_truthy(json_get(r, "deleted")))
        json_push(arr, strip(ctx, r, true));
    json_set(a, o, "replies", arr);
    google_reply_fields(ctx, o, NULL);
}

void gd_reply_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = gd_file_load(ctx);
    if (!f || !gd_require_fields(ctx) || !may_comment(ctx, f) || !gd_require_body(ctx)) return;
    json_value *c = comment_load(ctx, f, false);
    if (!c) return;
    const char *content = json_get_str(ctx->body, "content"), *action = json_get_str(ctx->body, "action");
    if (action && !str_eq(action, "resolve") && !str_eq(action, "reopen"))
        return gd_error(ctx, 400, "invalid", "Invalid value for: action", "action", "other");
    if ((!content || !*content) && !action)
        return gd_error(ctx, 400, "required", "Required: content or action", "content", "other");
    json_value *r = new_post(ctx, "drive#reply");
    if (content) set_text(ctx, r, content);
    if (action) {
        json_set_str(a, r, "action", action);
        json_set_bool(a, c, "resolved", str_eq(action, "resolve"));
    }
    json_value *replies = json_get(c, "replies");
    if (!replies) {
        replies = json_array(a);
        json_set(a, c, "replies", replies);
    }
    json_push(replies, r);
    json_set_str(a, c, "modifiedTime", json_get_str(r, "createdTime"));
    comment_save(ctx, c);
    google_reply_fields(ctx, strip(ctx, r, true), NULL);
}

void gd_reply_get(twin_ctx *ctx)
{
    json_value *f = gd_file_load(ctx);
    if (!f || !gd_require_fields(ctx)) return;
    json_value *c = comment_load(ctx, f, false);
    if (!c) return;
    json_value *r = reply_find(ctx, c, gd_bool_query(ctx, "includeDeleted", false));
    if (r) google_reply_fields(ctx, strip(ctx, r, true), NULL);
}

void gd_reply_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = gd_file_load(ctx);
    if (!f || !gd_require_fields(ctx) || !gd_require_body(ctx)) return;
    json_value *c = comment_load(ctx, f, false);
    if (!c) return;
    json_value *r = reply_find(ctx, c, false);
    const char *content = r ? required_content(ctx) : NULL;
    if (!content) return;
    set_text(ctx, r, content);
    json_set_str(a, r, "modifiedTime", gd_now(ctx));
    comment_save(ctx, c);
    google_reply_fields(ctx, strip(ctx, r, true), NULL);
}

void gd_reply_delete(twin_ctx *ctx)
{
    json_value *f = gd_file_load(ctx);
    if (!f) return;
    json_value *c = comment_load(ctx, f, false);
    if (!c) return;
    json_value *r = reply_find(ctx, c, false);
    if (!r) return;
    tombstone(ctx, r);
    comment_save(ctx, c);
    no_content(ctx);
}
