/* Box twin: file handlers.  Uploads (multipart: an "attributes" JSON part
 * before the "file" part), new versions, metadata updates, copies, trash,
 * downloads (302 to a signed URL on the twin itself, like dl.boxcloud.com)
 * and versions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/form.h"
#include "twins/box/box.h"
#include "util/util.h"

/* ---- lookups ---- */

/* The route's file when it exists and is not trashed; answers 404 otherwise. */
static json_value *active_file(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "file_id");
    return bx_active_item(ctx, bx_file_get(ctx, id), id);
}

static void reply_item(twin_ctx *ctx, int status, const json_value *item)
{
    twin_reply_json(ctx, status, bx_render(ctx, item, bx_query(ctx, "fields")));
}

static void reply_files(twin_ctx *ctx, int status, const json_value *file)
{
    arena *a = ctx->a;
    json_value *o = json_object(a), *entries = json_array(a);
    const char *fields = bx_query(ctx, "fields");
    json_push(entries, bx_render(ctx, file, fields));
    json_set_int(a, o, "total_count", 1);
    json_set(a, o, "entries", entries);
    twin_reply_json(ctx, status, o);
}

/* ---- uploads ---- */

typedef struct upload {
    json_value *attributes;
    const char *data;
    size_t len;
    const char *filename;
} upload;

static bool parse_upload(twin_ctx *ctx, upload *u, bool attributes_required)
{
    http_request *req = ctx->req;
    multipart_part *parts = NULL;
    size_t n = 0;
    memset(u, 0, sizeof *u);
    if (!str_starts_with(http_content_type(req), "multipart/form-data") ||
        !multipart_parse(ctx->a, http_header_get(req, "Content-Type"), req->body, req->body_len, &parts, &n)) {
        bx_bad_request(ctx, "invalid_parameter", "body", "The upload must be a multipart/form-data body");
        return false;
    }
    bool have_file = false;
    for (size_t i = 0; i < n; i++) {
        if (str_eq(parts[i].name, "attributes")) {
            if (have_file) {
                bx_error(ctx, 400, "metadata_after_file_contents",
                         "Metadata is included after file contents in a file upload request", NULL);
                return false;
            }
            u->attributes = json_parse(ctx->a, parts[i].data, parts[i].len, NULL);
            if (!u->attributes || u->attributes->type != JSON_OBJECT) {
                bx_bad_request(ctx, "invalid_parameter", "attributes", "'attributes' must be a JSON object");
                return false;
            }
        } else if (parts[i].filename || str_eq(parts[i].name, "file")) {
            if (!have_file) {
                u->data = parts[i].data;
                u->len = parts[i].len;
                u->filename = parts[i].filename;
            }
            have_file = true;
        }
    }
    if (!have_file) {
        bx_missing(ctx, "file");
        return false;
    }
    if (!u->attributes && attributes_required) {
        bx_missing(ctx, "attributes");
        return false;
    }
    return true;
}

/* Content-MD5 carries the SHA-1 of the file (Box's convention). */
static bool digest_ok(twin_ctx *ctx, const upload *u)
{
    const char *want = http_header_get(ctx->req, "Content-MD5");
    if (!want || !*want || strcasecmp(want, bx_sha1_hex(ctx->a, u->data, u->len)) == 0) return true;
    bx_error(ctx, 400, "bad_digest", "The specified content-md5 did not match what we received", NULL);
    return false;
}

static void apply_content_times(twin_ctx *ctx, json_value *file, const json_value *attrs)
{
    const char *cc = json_get_str(attrs, "content_created_at"), *cm = json_get_str(attrs, "content_modified_at");
    if (cc && parse_iso8601_ms(cc) >= 0) json_set_str(ctx->a, file, "content_created_at", cc);
    if (cm && parse_iso8601_ms(cm) >= 0) json_set_str(ctx->a, file, "content_modified_at", cm);
}

void bx_files_upload(twin_ctx *ctx)
{
    upload u;
    if (!parse_upload(ctx, &u, true)) return;
    const char *name = json_get_str(u.attributes, "name");
    if (!name) return bx_missing(ctx, "name");
    if (!bx_name_ok(ctx, name)) return;
    json_value *parent = bx_target_folder(ctx, json_get(u.attributes, "parent"), true);
    if (!parent) return;
    const char *pid = json_get_str(parent, "id");
    json_value *clash = bx_name_conflict(ctx, pid, name, NULL);
    if (clash) return bx_conflict(ctx, clash, true);
    if (!digest_ok(ctx, &u)) return;
    json_value *f = bx_file_create(ctx, pid, name, u.data, u.len, json_get_str(u.attributes, "description"));
    apply_content_times(ctx, f, u.attributes);
    bx_item_save(ctx, f);
    bx_emit(ctx, "ITEM_UPLOAD", "FILE.UPLOADED", f);
    reply_files(ctx, 201, f);
}

void bx_files_version_upload(twin_ctx *ctx)
{
    upload u;
    if (!parse_upload(ctx, &u, false)) return;
    json_value *f = active_file(ctx);
    if (!f || !bx_require(ctx, f, BX_MODIFY) || !bx_if_match(ctx, f) || !digest_ok(ctx, &u)) return;
    const char *name = json_get_str(u.attributes, "name");
    if (name && !str_eq(name, json_get_str(f, "name"))) {
        if (!bx_name_ok(ctx, name)) return;
        json_value *clash = bx_name_conflict(ctx, json_get_str(f, "parent"), name, json_get_str(f, "id"));
        if (clash) return bx_conflict(ctx, clash, true);
        json_set_str(ctx->a, f, "name", name);
    }
    bx_file_new_version(ctx, f, u.data, u.len);
    apply_content_times(ctx, f, u.attributes);
    bx_item_save(ctx, f);
    bx_emit(ctx, "ITEM_UPLOAD", "FILE.UPLOADED", f);
    reply_files(ctx, 200, f);
}

/* OPTIONS /files/content: would this upload be accepted? */
void bx_files_preflight(twin_ctx *ctx)
{
    const char *name = json_get_str(ctx->body, "name");
    if (!name) return bx_missing(ctx, "name");
    if (!bx_name_ok(ctx, name)) return;
    json_value *parent = bx_target_folder(ctx, json_get(ctx->body, "parent"), true);
    if (!parent) return;
    json_value *clash = bx_name_conflict(ctx, json_get_str(parent, "id"), name, NULL);
    if (clash) return bx_conflict(ctx, clash, true);
    json_value *o = json_object(ctx->a);
    json_set_str(ctx->a, o, "upload_url", arena_printf(ctx->a, "%s/api/2.0/files/content", ctx->inst->base_url));
    json_set_str(ctx->a, o, "upload_token", "");
    twin_reply_json(ctx, 200, o);
}

/* ---- metadata ---- */

void bx_files_get(twin_ctx *ctx)
{
    json_value *f = active_file(ctx);
    if (!f) return;
    const char *none = http_header_get(ctx->req, "If-None-Match");
    if (none && str_eq(none, json_get_str(bx_mini(ctx, f), "etag")))
        return twin_reply_text(ctx, 304, NULL, "", 0);
    reply_item(ctx, 200, f);
}

void bx_files_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = active_file(ctx);
    if (!f || !bx_require(ctx, f, BX_MODIFY) || !bx_if_match(ctx, f)) return;
    json_value *body = ctx->body;
    const char *name = json_get_str(body, "name"), *old_parent = json_get_str(f, "parent");
    const char *pid = old_parent;
    if (json_get(body, "parent")) {
        json_value *p = bx_target_folder(ctx, json_get(body, "parent"), true);
        if (!p) return;
        pid = json_get_str(p, "id");
    }
    const char *new_name = name ? name : json_get_str(f, "name");
    if (name && !bx_name_ok(ctx, name)) return;
    bool renamed, moved;
    if (!bx_move_check(ctx, f, new_name, pid, &renamed, &moved)) return;
    json_value *desc = json_get(body, "description");
    if (desc && json_str(desc)) {
        size_t n = strlen(desc->str);
        json_set(a, f, "description", json_stringn(a, desc->str, n > 255 ? 255 : n));
    }
    bx_move_apply(ctx, f, new_name, pid, renamed, moved, "FILE");
    reply_item(ctx, 200, f);
}

void bx_files_copy(twin_ctx *ctx)
{
    json_value *f = active_file(ctx);
    if (!f || !bx_require(ctx, f, BX_DOWNLOAD)) return;
    json_value *p = bx_target_folder(ctx, json_get(ctx->body, "parent"), true);
    if (!p) return;
    const char *name = bx_placement_name(ctx, f, json_get_str(p, "id"), json_get_str(ctx->body, "name"));
    if (!name) return;
    json_value *c = bx_copy_file(ctx, f, json_get_str(p, "id"), name);
    bx_emit(ctx, "ITEM_COPY", "FILE.COPIED", c);
    reply_item(ctx, 201, c);
}

void bx_files_delete(twin_ctx *ctx)
{
    json_value *f = active_file(ctx);
    if (!f || !bx_require(ctx, f, BX_MODIFY) || !bx_if_match(ctx, f)) return;
    bx_trash(ctx, f);
    bx_emit(ctx, "ITEM_TRASH", "FILE.TRASHED", f);
    twin_reply_text(ctx, 204, NULL, "", 0);
}

/* ---- trash ---- */

static json_value *trashed_file(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "file_id");
    return bx_trashed_item(ctx, bx_file_get(ctx, id), id);
}

void bx_files_trash_get(twin_ctx *ctx)
{
    json_value *f = trashed_file(ctx);
    if (f) reply_item(ctx, 200, f);
}

void bx_files_trash_delete(twin_ctx *ctx)
{
    json_value *f = trashed_file(ctx);
    if (!f || !bx_require(ctx, f, BX_MODIFY)) return;
    bx_emit(ctx, NULL, "FILE.DELETED", f);
    bx_purge(ctx, f);
    twin_reply_text(ctx, 204, NULL, "", 0);
}

void bx_files_restore(twin_ctx *ctx)
{
    json_value *f = trashed_file(ctx);
    if (!f || !bx_require(ctx, f, BX_MODIFY)) return;
    const char *pid = json_get_str(f, "parent");
    json_value *p = json_get(ctx->body, "parent") ? bx_target_folder(ctx, json_get(ctx->body, "parent"), true)
                                                  : bx_folder_get(ctx, pid);
    if (!p) {
        if (!json_get(ctx->body, "parent")) bx_not_found(ctx, "parent", pid);
        return;
    }
    if (bx_is_trashed(p)) return bx_not_found(ctx, "parent", json_get_str(p, "id"));
    const char *name = bx_placement_name(ctx, f, json_get_str(p, "id"), json_get_str(ctx->body, "name"));
    if (!name) return;
    bx_restore(ctx, f, json_get_str(p, "id"), name);
    bx_emit(ctx, "ITEM_UNDELETE_VIA_TRASH", "FILE.RESTORED", f);
    reply_item(ctx, 201, f);
}

/* ---- download ---- */

static const char *download_sig(twin_ctx *ctx, const char *version_id)
{
    char sig[33];
    derive_token(sig, 32, ctx->run_id, "box-download", version_id, 0);
    return arena_strdup(ctx->a, sig);
}

void bx_files_content(twin_ctx *ctx)
{
    json_value *f = active_file(ctx);
    if (!f || !bx_require(ctx, f, BX_DOWNLOAD)) return;
    const char *version = bx_query(ctx, "version");
    const char *vid = json_get_str(f, "version_id");
    if (version && *version) {
        json_value *v = twin_doc_get(ctx, "versions", version);
        if (!v || !str_eq(json_get_str(v, "file_id"), json_get_str(f, "id"))) return bx_not_found(ctx, "version", version);
        vid = version;
    }
    bx_emit(ctx, "ITEM_DOWNLOAD", "FILE.DOWNLOADED", f);
    const char *loc = arena_printf(ctx->a, "%s/d/1/%s.%s/download", ctx->inst->base_url, vid, download_sig(ctx, vid));
    http_set_header(ctx->req, "Location", loc);
    twin_reply_text(ctx, 302, NULL, "", 0);
}

/* The signed URL a download redirects to: no bearer token needed. */
void bx_download(twin_ctx *ctx)
{
    const char *token = twin_param(ctx, "token");
    const char *dot = token ? strchr(token, '.') : NULL;
    char *vid = dot ? arena_strndup(ctx->a, token, (size_t)(dot - token)) : NULL;
    json_value *v = vid ? twin_doc_get(ctx, "versions", vid) : NULL;
    if (!v || !secret_eq(dot + 1, download_sig(ctx, vid))) {
        http_set_header(ctx->req, "Content-Type", "text/plain");
        return twin_reply_text(ctx, 404, "text/plain", "Not Found", 9);
    }
    size_t len = 0;
    const char *data = bx_blob(ctx, vid, &len);
    json_value *f = bx_file_get(ctx, json_get_str(v, "file_id"));
    const char *name = f ? json_get_str(f, "name") : json_get_str(v, "name");
    http_set_header(ctx->req, "Content-Disposition",
                    arena_printf(ctx->a, "attachment;filename=\"%s\";filename*=UTF-8''%s", name,
                                 http_percent_encode(ctx->a, name, strlen(name))));
    http_set_header(ctx->req, "Accept-Ranges", "bytes");
    const char *range = http_header_get(ctx->req, "Range");
    long long lo = 0, hi = (long long)len - 1;
    if (range && sscanf(range, "bytes=%lld-%lld", &lo, &hi) >= 1 && len > 0) {
        if (hi >= (long long)len) hi = (long long)len - 1;
        if (lo < 0 || lo > hi) {
            http_set_header(ctx->req, "Content-Range", arena_printf(ctx->a, "bytes */%zu", len));
            return twin_reply_text(ctx, 416, "text/plain", "", 0);
        }
        http_set_header(ctx->req, "Content-Range", arena_printf(ctx->a, "bytes %lld-%lld/%zu", lo, hi, len));
        return twin_reply_text(ctx, 206, "application/octet-stream", data + lo, (size_t)(hi - lo + 1));
    }
    twin_reply_text(ctx, 200, "application/octet-stream", data, len);
}

/* ---- versions ---- */

static json_value *version_json(twin_ctx *ctx, const json_value *v)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "type", "file_version");
    json_set_str(a, o, "id", json_get_str(v, "id"));
    json_set_str(a, o, "sha1", json_get_str(v, "sha1"));
    json_set_str(a, o, "name", json_get_str(v, "name"));
    json_set(a, o, "size", json_clone(a, json_get(v, "size")));
    json_set_str(a, o, "created_at", json_get_str(v, "created_at"));
    json_set_str(a, o, "modified_at", json_get_str(v, "modified_at"));
    json_set(a, o, "modified_by", bx_user_mini(ctx, json_get_str(v, "modified_by")));
    json_set_null(a, o, "trashed_at");
    json_set_null(a, o, "restored_at");
    json_set_null(a, o, "purged_at");
    json_value *u = bx_user_get(ctx, json_get_str(v, "modified_by"));
    json_set_str(a, o, "uploader_display_name", u ? json_get_str(u, "name") : "");
    int64_t n = 0;
    json_int64(json_get(v, "version_number"), &n);
    json_set_str(a, o, "version_number", arena_printf(a, "%lld", (long long)n));
    return o;
}

/* Previous versions only, newest first: the current one is the file itself. */
void bx_versions_list(twin_ctx *ctx)
{
    json_value *f = active_file(ctx);
    int64_t limit, offset;
    if (!f || !bx_paging(ctx, 1000, 1000, &limit, &offset)) return;
    twin_list l = {0};
    store_list_opts o = {.index_name = "file", .index_value = json_get_str(f, "id"), .newest_first = true};
    twin_doc_list(ctx, "versions", &o, &l);
    bx_page page = bx_page_start(ctx, offset, limit);
    for (size_t i = 0; i < l.n; i++) {
        if (str_eq(json_get_str(l.items[i], "id"), json_get_str(f, "version_id"))) continue;
        if (bx_page_take(&page)) json_push(page.entries, version_json(ctx, l.items[i]));
    }
    twin_reply_json(ctx, 200, bx_page_json(ctx, &page, NULL));
}

void bx_versions_get(twin_ctx *ctx)
{
    json_value *f = active_file(ctx);
    if (!f) return;
    const char *vid = twin_param(ctx, "file_version_id");
    json_value *v = twin_doc_get(ctx, "versions", vid);
    if (!v || !str_eq(json_get_str(v, "file_id"), json_get_str(f, "id"))) return bx_not_found(ctx, "file_version", vid);
    twin_reply_json(ctx, 200, version_json(ctx, v));
}

/* Promote: a copy of an older version becomes the new current version. */
void bx_versions_promote(twin_ctx *ctx)
{
    json_value *f = active_file(ctx);
    if (!f || !bx_require(ctx, f, BX_MODIFY)) return;
    const char *vid = json_get_str(ctx->body, "id");
    if (!vid) return bx_missing(ctx, "id");
    json_value *v = twin_doc_get(ctx, "versions", vid);
    if (!v || !str_eq(json_get_str(v, "file_id"), json_get_str(f, "id"))) return bx_not_found(ctx, "file_version", vid);
    size_t len = 0;
    const char *data = bx_blob(ctx, vid, &len);
    bx_file_new_version(ctx, f, data, len);
    bx_emit(ctx, "ITEM_MAKE_CURRENT_VERSION", NULL, f);
    twin_reply_json(ctx, 201, version_json(ctx, twin_doc_get(ctx, "versions", json_get_str(f, "version_id"))));
}
