/* Dropbox twin: upload sessions (start, append, append_v2, finish) and the
 * batch routes (create_folder_batch, delete_batch) with their async job
 * checks.  Batches run at once; the job keeps the finished result. */
#include <string.h>

#include "twins/dropbox/dropbox.h"
#include "util/base64.h"
#include "util/util.h"

static json_value *session_of(twin_ctx *ctx, const char *id)
{
    return id ? twin_doc_get(ctx, "sessions", id) : NULL;
}

static void session_append_data(twin_ctx *ctx, json_value *s, const char *data, size_t len)
{
    arena *a = ctx->a;
    size_t old_len;
    const char *b64 = json_get_str(s, "_data");
    char *old = b64 ? base64_decode(a, b64, &old_len) : NULL;
    if (!old) old_len = 0;
    char *all = arena_alloc(a, old_len + len + 1);
    if (old_len) memcpy(all, old, old_len);
    if (len) memcpy(all + old_len, data, len);
    json_set_str(a, s, "_data", base64_encode(a, all, old_len + len));
    json_set_int(a, s, "offset", (int64_t)(old_len + len));
}

void dbx_session_start(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *id = twin_new_id(ctx, "pid_upload_session:", 50);
    json_value *s = json_object(a);
    json_set_bool(a, s, "closed", dbx_opt_bool(args, "close", false));
    session_append_data(ctx, s, ctx->req->body, ctx->req->body_len);
    twin_doc_put(ctx, "sessions", id, s, NULL, 0);
    json_value *o = json_object(a);
    json_set_str(a, o, "session_id", id);
    dbx_reply(ctx, o);
}

/* The UploadSessionLookupError for cursor, or NULL when data may be appended at its offset. */
static json_value *lookup_failure(twin_ctx *ctx, json_value *s, const json_value *cursor, bool finishing)
{
    arena *a = ctx->a;
    if (!s) return dbx_tag(a, "not_found");
    int64_t offset = -1, have = 0;
    json_int64(json_get(cursor, "offset"), &offset);
    json_int64(json_get(s, "offset"), &have);
    if (offset != have) {
        json_value *e = dbx_tag(a, "incorrect_offset");
        json_set_int(a, e, "correct_offset", have);
        return e;
    }
    if (!finishing && json_truthy(json_get(s, "closed"))) return dbx_tag(a, "closed");
    return NULL;
}

static void lookup_error_reply(twin_ctx *ctx, json_value *err)
{
    dbx_route_error(ctx, json_get_str(err, ".tag"), err);
}

static bool valid_cursor(twin_ctx *ctx, const json_value *cursor, const char *field)
{
    if (!cursor || cursor->type != JSON_OBJECT) {
        dbx_bad_request(ctx, arena_printf(ctx->a, "request body: missing required field '%s'", field));
        return false;
    }
    int64_t off;
    if (!json_get_str(cursor, "session_id") || !json_int64(json_get(cursor, "offset"), &off) || off < 0) {
        dbx_bad_request(ctx, arena_printf(ctx->a, "request body: %s: missing required field 'session_id' or 'offset'", field));
        return false;
    }
    return true;
}

static void append(twin_ctx *ctx, const json_value *cursor, bool close)
{
    const char *id = json_get_str(cursor, "session_id");
    json_value *s = session_of(ctx, id);
    json_value *err = lookup_failure(ctx, s, cursor, false);
    if (err) return lookup_error_reply(ctx, err);
    session_append_data(ctx, s, ctx->req->body, ctx->req->body_len);
    if (close) json_set_bool(ctx->a, s, "closed", true);
    twin_doc_put(ctx, "sessions", id, s, NULL, 0);
    dbx_reply_null(ctx);
}

void dbx_session_append_v2(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    json_value *cursor = json_get(args, "cursor");
    if (!valid_cursor(ctx, cursor, "cursor")) return;
    append(ctx, cursor, dbx_opt_bool(args, "close", false));
}

/* The deprecated v1 takes the cursor itself as its argument. */
void dbx_session_append(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args || !valid_cursor(ctx, args, "cursor")) return;
    append(ctx, args, false);
}

void dbx_session_finish(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *args = dbx_args(ctx);
    if (!args) return;
    json_value *cursor = json_get(args, "cursor");
    if (!valid_cursor(ctx, cursor, "cursor")) return;
    json_value *commit = json_get(args, "commit");
    if (!commit || commit->type != JSON_OBJECT) return dbx_bad_request(ctx, "request body: missing required field 'commit'");
    const char *id = json_get_str(cursor, "session_id");
    json_value *s = session_of(ctx, id);
    json_value *err = lookup_failure(ctx, s, cursor, true);
    if (err) {
        const char *inner = json_get_str(err, ".tag");
        return dbx_route_error(ctx, arena_printf(a, "lookup_failed/%s", inner), dbx_tag_with(a, "lookup_failed", err));
    }
    if (ctx->req->body_len && json_truthy(json_get(s, "closed")))
        return dbx_route_error(ctx, "lookup_failed/closed", dbx_tag_with(a, "lookup_failed", dbx_tag(a, "closed")));
    session_append_data(ctx, s, ctx->req->body, ctx->req->body_len);
    size_t len;
    char *data = base64_decode(a, json_get_str(s, "_data"), &len);
    if (!data) len = 0;
    const char *want = json_get_str(args, "content_hash");
    if (want) {
        char hash[65];
        dbx_content_hash(data ? data : "", len, hash);
        if (!str_eq(hash, want)) return dbx_route_error(ctx, "content_hash_mismatch", dbx_tag(a, "content_hash_mismatch"));
    }
    json_value *meta = dbx_commit(ctx, commit, data ? data : "", len, DBX_COMMIT_FINISH);
    if (!meta) return;
    twin_doc_delete(ctx, "sessions", id);
    dbx_reply(ctx, meta);
}

/* ---- batches ---- */

static const char *save_job(twin_ctx *ctx, json_value *result)
{
    const char *id = twin_new_id(ctx, "dbjid:", 40);
    twin_doc_put(ctx, "jobs", id, result, NULL, 0);
    return id;
}

json_value *dbx_async_job(twin_ctx *ctx, json_value *result)
{
    return dbx_tag_with(ctx->a, "async_job_id", json_string(ctx->a, save_job(ctx, result)));
}

static json_value *create_one_folder(twin_ctx *ctx, const char *path, bool autorename)
{
    arena *a = ctx->a;
    const char *display, *reason, *kind = NULL;
    const char *lower = path ? dbx_write_target(ctx, path, &display, &reason) : NULL;
    json_value *we = NULL;
    if (!lower || !*lower) {
        we = dbx_tag(a, "malformed_path");
    } else {
        json_value *existing = dbx_entry_by_path(ctx, lower);
        if (existing && autorename) display = dbx_autorename(ctx, display, false);
        else if (existing) kind = str_eq(json_get_str(existing, ".tag"), "folder") ? "folder" : "file";
        if (!kind) dbx_ensure_parents(ctx, display, &kind);
        if (kind) we = dbx_tag_with(a, "conflict", dbx_tag(a, kind));
    }
    if (we) return dbx_tag_with(a, "failure", dbx_tag_with(a, "path", we));
    json_value *ok = dbx_tag(a, "success");
    json_set(a, ok, "metadata", dbx_public(ctx, dbx_new_folder(ctx, display)));
    return ok;
}

void dbx_create_folder_batch(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *args = dbx_args(ctx);
    if (!args) return;
    json_value *paths = json_get(args, "paths");
    if (!paths || paths->type != JSON_ARRAY) return dbx_bad_request(ctx, "request body: missing required field 'paths'");
    if (paths->len > 10000) return dbx_bad_request(ctx, "request body: paths: list has more than 10000 items");
    bool autorename = dbx_opt_bool(args, "autorename", false);
    json_value *entries = json_array(a);
    json_foreach(p, paths) json_push(entries, create_one_folder(ctx, json_str(p), autorename));
    json_value *result = dbx_tag(a, "complete");
    json_set(a, result, "entries", entries);
    dbx_reply(ctx, dbx_opt_bool(args, "force_async", false) ? dbx_async_job(ctx, result) : result);
}

static json_value *delete_one(twin_ctx *ctx, const json_value *arg)
{
    arena *a = ctx->a;
    const char *path = json_get_str(arg, "path");
    const char *reason = "malformed_path";
    json_value *e = path ? dbx_resolve(ctx, path, &reason) : NULL;
    if (!e) return dbx_tag_with(a, "failure", dbx_tag_with(a, "path_lookup", dbx_tag(a, reason)));
    json_value *ok = dbx_tag(a, "success");
    json_set(a, ok, "metadata", dbx_public(ctx, e));
    dbx_delete_tree(ctx, e);
    return ok;
}

void dbx_delete_batch(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *args = dbx_args(ctx);
    if (!args) return;
    json_value *list = json_get(args, "entries");
    if (!list || list->type != JSON_ARRAY) return dbx_bad_request(ctx, "request body: missing required field 'entries'");
    if (list->len > 1000) return dbx_bad_request(ctx, "request body: entries: list has more than 1000 items");
    json_value *entries = json_array(a);
    json_foreach(x, list) json_push(entries, delete_one(ctx, x));
    json_value *result = dbx_tag(a, "complete");
    json_set(a, result, "entries", entries);
    dbx_reply(ctx, dbx_async_job(ctx, result));
}

static void job_check(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *id = dbx_req_str(ctx, args, "async_job_id");
    if (!id) return;
    json_value *job = twin_doc_get(ctx, "jobs", id);
    if (!job) return dbx_route_error(ctx, "invalid_async_job_id", dbx_tag(ctx->a, "invalid_async_job_id"));
    dbx_reply(ctx, job);
}

void dbx_create_folder_batch_check(twin_ctx *ctx) { job_check(ctx); }
void dbx_relocation_batch_check(twin_ctx *ctx) { job_check(ctx); }
void dbx_delete_batch_check(twin_ctx *ctx) { job_check(ctx); }
void dbx_sharing_job_check(twin_ctx *ctx) { job_check(ctx); }
