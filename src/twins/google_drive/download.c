/* Google Drive twin: files.download, the long-running way to fetch a file,
 * and operations.get.  The twin finishes the work at once: the operation is
 * done when files.download answers, and its DownloadFileResponse points at
 * the URL that serves the bytes (alt=media, a revision's media, or export,
 * all answered by this twin with the same bearer token).
 *
 * State: operations  name -> google.longrunning.Operation */
#include <string.h>

#include "http/http.h"
#include "twins/google_drive/drive.h"
#include "util/util.h"

/* The export type a Docs Editors file downloads as when none is asked for:
 * the first format files.export serves for it. */
static const char *default_export(const char *mime_type)
{
    return str_eq(mime_type, GD_SHEET) ? "text/csv" : "text/plain";
}

/* Where the bytes are; NULL after a 4xx. */
static const char *download_uri(twin_ctx *ctx, const json_value *f)
{
    arena *a = ctx->a;
    const char *id = json_get_str(f, "id"), *mt = json_get_str(f, "mimeType");
    const char *want = gd_query(ctx, "mimeType"), *rev = gd_query(ctx, "revisionId");
    if (str_eq(mt, GD_FOLDER)) {
        gd_error(ctx, 403, "fileNotDownloadable", "Folders cannot be downloaded.", NULL, NULL);
        return NULL;
    }
    if (rev && !twin_doc_get(ctx, "revisions", arena_printf(a, "%s:%s", id, rev))) {
        gd_error(ctx, 404, "notFound", arena_printf(a, "Revision not found: %s.", rev), "revisionId", "parameter");
        return NULL;
    }
    if (gd_is_google_type(mt)) {
        /* export serves the head revision only */
        if (rev && !str_eq(rev, json_get_str(f, "_rev"))) {
            gd_error(ctx, 400, "invalid", "Downloading this revision of the file is not supported.", "revisionId",
                     "parameter");
            return NULL;
        }
        const char *as = want && *want ? want : default_export(mt);
        return arena_printf(a, "%s/drive/v3/files/%s/export?mimeType=%s", google_base_url(ctx), id,
                            http_percent_encode(a, as, strlen(as)));
    }
    if (want && *want && !str_eq(want, mt)) {
        gd_error(ctx, 400, "invalid", "The mimeType parameter can only be set when downloading Google Workspace documents.",
                 "mimeType", "parameter");
        return NULL;
    }
    if (rev) return arena_printf(a, "%s/drive/v3/files/%s/revisions/%s?alt=media", google_base_url(ctx), id, rev);
    return arena_printf(a, "%s/drive/v3/files/%s?alt=media", google_base_url(ctx), id);
}

void gd_files_download(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = gd_file_load(ctx);
    if (!f) return;
    if (gd_drive_blocks_copy(ctx, f))
        return gd_error(ctx, 403, "cannotDownloadFile",
                        "The user does not have sufficient permissions to download this file.", NULL, NULL);
    const char *uri = download_uri(ctx, f);
    if (!uri) return;
    json_value *op = json_object(a), *resp = json_object(a), *meta = json_object(a);
    const char *name = twin_new_id(ctx, "dl", 30);
    json_set_str(a, op, "name", name);
    json_set_str(a, meta, "@type", "type.googleapis.com/google.apps.drive.v3.DownloadFileMetadata");
    json_set_str(a, meta, "fileId", json_get_str(f, "id"));
    json_set(a, op, "metadata", meta);
    json_set_bool(a, op, "done", true);
    json_set_str(a, resp, "@type", "type.googleapis.com/google.apps.drive.v3.DownloadFileResponse");
    json_set_str(a, resp, "downloadUri", uri);
    json_set_bool(a, resp, "partialDownloadAllowed", false);
    json_set(a, op, "response", resp);
    twin_doc_put(ctx, "operations", name, op, NULL, 0);
    google_reply_fields(ctx, op, NULL);
}

void gd_operations_get(twin_ctx *ctx)
{
    const char *name = twin_param(ctx, "name");
    json_value *op = twin_doc_get(ctx, "operations", name);
    if (!op)
        return gd_error(ctx, 404, "notFound", arena_printf(ctx->a, "Operation not found: %s.", name), "name", "parameter");
    google_reply_fields(ctx, op, NULL);
}
