/* Dropbox twin: files/upload (add, overwrite, update with rev, autorename),
 * download, get_metadata, create_folder, delete, copy, move, revisions and
 * restore, temporary links. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "twins/dropbox/dropbox.h"
#include "util/util.h"

#define TEMP_LINK_SECONDS (4 * 3600)
#define MAX_UPLOAD_BYTES (150LL * 1024 * 1024)

static bool is_folder(const json_value *e)
{
    return str_eq(json_get_str(e, ".tag"), "folder");
}

/* A WriteError under files/upload ({".tag":"path","reason":…}) or under
 * upload_session/finish and the other write routes ({".tag":"path","path":…}). */
static void write_error(twin_ctx *ctx, dbx_commit_style style, const char *reason, const char *conflict_kind)
{
    arena *a = ctx->a;
    json_value *we = conflict_kind ? dbx_tag_with(a, "conflict", dbx_tag(a, conflict_kind)) : dbx_tag(a, reason);
    json_value *err = dbx_tag(a, "path");
    json_set(a, err, style == DBX_COMMIT_UPLOAD ? "reason" : "path", we);
    const char *summary = conflict_kind ? arena_printf(a, "path/conflict/%s", conflict_kind) : arena_printf(a, "path/%s", reason);
    dbx_route_error(ctx, summary, err);
}

/* WriteMode: "add", {".tag": "overwrite"}, {".tag": "update", "update": rev}. */
static bool parse_mode(twin_ctx *ctx, const json_value *v, const char **mode, const char **rev)
{
    *rev = NULL;
    *mode = "add";
    if (!v || v->type == JSON_NULL) return true;
    const char *tag = v->type == JSON_STRING ? v->str : json_get_str(v, ".tag");
    if (str_eq(tag, "add") || str_eq(tag, "overwrite")) {
        *mode = tag;
        return true;
    }
    if (str_eq(tag, "update") && v->type == JSON_OBJECT) {
        const char *r = json_get_str(v, "update");
        if (!r || strlen(r) < 9) {
            dbx_bad_request(ctx, "request body: mode.update: string too short or missing");
            return false;
        }
        *mode = "update";
        *rev = r;
        return true;
    }
    dbx_bad_request(ctx, arena_printf(ctx->a, "request body: mode: unknown tag '%s'", tag ? tag : ""));
    return false;
}

json_value *dbx_commit(twin_ctx *ctx, const json_value *commit, const char *data, size_t len, dbx_commit_style style)
{
    const char *path = dbx_req_str(ctx, commit, "path");
    if (!path || !dbx_check_path_arg(ctx, "path", path, false, false)) return NULL;
    const char *mode, *rev;
    if (!parse_mode(ctx, json_get(commit, "mode"), &mode, &rev)) return NULL;
    const char *client_modified = json_get_str(commit, "client_modified");
    if (client_modified && !dbx_valid_timestamp(client_modified)) {
        dbx_bad_request(ctx, arena_printf(ctx->a, "request body: client_modified: timestamp '%s' does not match format '%%Y-%%m-%%dT%%H:%%M:%%SZ'",
                                          client_modified));
        return NULL;
    }
    bool autorename = dbx_opt_bool(commit, "autorename", false);
    bool strict = dbx_opt_bool(commit, "strict_conflict", false);
    const char *display, *reason;
    const char *lower = dbx_write_target(ctx, path, &display, &reason);
    if (!lower || !*lower) {
        write_error(ctx, style, "malformed_path", NULL);
        return NULL;
    }
    json_value *existing = dbx_entry_by_path(ctx, lower);
    const char *conflict = NULL;
    char hash[65];
    dbx_content_hash(data, len, hash);
    if (existing && is_folder(existing)) {
        conflict = "folder";
    } else if (existing) {
        /* Identical contents: nothing is written and nothing conflicts. */
        if (!strict && str_eq(json_get_str(existing, "content_hash"), hash)) return dbx_public(ctx, existing);
        if (str_eq(mode, "add") || (str_eq(mode, "update") && !str_eq(rev, json_get_str(existing, "rev")))) conflict = "file";
    } else if (str_eq(mode, "update") && strict) {
        conflict = "file";
    }
    if (conflict) {
        if (!autorename) {
            write_error(ctx, style, NULL, conflict);
            return NULL;
        }
        display = dbx_autorename(ctx, display, str_eq(mode, "update"));
        existing = NULL;
    }
    const char *kind = NULL;
    int64_t old_size = 0;
    if (existing) json_int64(json_get(existing, "size"), &old_size);
    if (!dbx_quota_allows(ctx, (int64_t)len - old_size)) {
        write_error(ctx, style, "insufficient_space", NULL);
        return NULL;
    }
    if (!dbx_ensure_parents(ctx, display, &kind)) {
        write_error(ctx, style, NULL, kind);
        return NULL;
    }
    if (!existing) display = dbx_cased(ctx, display);
    return dbx_public(ctx, dbx_write_file(ctx, existing, display, data, len, client_modified));
}

void dbx_upload(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    if ((long long)ctx->req->body_len > MAX_UPLOAD_BYTES) {
        dbx_route_error(ctx, "payload_too_large", dbx_tag(ctx->a, "payload_too_large"));
        return;
    }
    const char *want = json_get_str(args, "content_hash");
    if (want) {
        char hash[65];
        dbx_content_hash(ctx->req->body, ctx->req->body_len, hash);
        if (!str_eq(want, hash)) {
            dbx_route_error(ctx, "content_hash_mismatch", dbx_tag(ctx->a, "content_hash_mismatch"));
            return;
        }
    }
    json_value *meta = dbx_commit(ctx, args, ctx->req->body, ctx->req->body_len, DBX_COMMIT_UPLOAD);
    if (!meta) return;
    dbx_reply(ctx, meta);
}

/* A file entry or revision named by a read path ("/x", "id:…", "rev:…");
 * answers the LookupError under `outer` and returns NULL otherwise. */
static json_value *resolve_file(twin_ctx *ctx, const char *path, const char *rev, const char *outer, json_value **rev_doc)
{
    *rev_doc = NULL;
    if (str_starts_with(path, "rev:")) rev = path + 4;
    if (rev) {
        json_value *r = twin_doc_get(ctx, "revisions", rev);
        if (!r) {
            dbx_lookup_error(ctx, outer, "not_found");
            return NULL;
        }
        *rev_doc = r;
        return json_get(r, "meta");
    }
    const char *reason;
    json_value *e = dbx_resolve(ctx, path, &reason);
    if (!e) {
        dbx_lookup_error(ctx, outer, reason);
        return NULL;
    }
    if (is_folder(e)) {
        dbx_lookup_error(ctx, outer, "not_file");
        return NULL;
    }
    return e;
}

/* JSON for an HTTP header: non-ASCII escaped as \uXXXX (UTF-16 pairs above U+FFFF). */
static const char *header_safe_json(arena *a, const json_value *v)
{
    const char *s = json_to_string(a, v, NULL);
    buf b = BUF_INIT;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p < 0x80) {
            buf_append(&b, (const char *)p, 1);
            p++;
            continue;
        }
        uint32_t cp;
        int n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
        cp = *p & (n == 4 ? 0x07 : n == 3 ? 0x0f : 0x1f);
        for (int i = 1; i < n && p[i]; i++) cp = (cp << 6) | (p[i] & 0x3f);
        p += n;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            buf_printf(&b, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
        } else {
            buf_printf(&b, "\\u%04x", cp);
        }
    }
    char *out = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return out;
}

static bool parse_offset(const char **p, unsigned long long *out)
{
    if (!isdigit((unsigned char)**p)) return false;
    char *end;
    *out = strtoull(*p, &end, 10);   /* ULLONG_MAX past its range: past any body */
    *p = end;
    return true;
}

dbx_range dbx_byte_range(const char *h, size_t len, size_t *lo, size_t *hi)
{
    if (!h || strncasecmp(h, "bytes=", 6) != 0) return DBX_RANGE_NONE;
    const char *p = h + 6;
    while (*p == ' ') p++;
    unsigned long long first = 0, last = ULLONG_MAX;
    bool suffix = *p == '-';
    if (suffix) p++;
    else if (!parse_offset(&p, &first) || *p++ != '-') return DBX_RANGE_NONE;
    if (!parse_offset(&p, &last) && suffix) return DBX_RANGE_NONE;  /* "-" alone */
    while (*p == ' ') p++;
    if (*p) return DBX_RANGE_NONE;                                   /* several ranges, or junk */
    if (suffix) {
        if (last == 0 || len == 0) return DBX_RANGE_UNSATISFIABLE;
        *lo = last >= len ? 0 : len - (size_t)last;
        *hi = len - 1;
        return DBX_RANGE_OK;
    }
    if (last < first) return DBX_RANGE_NONE;                         /* invalid spec: ignored */
    if (first >= len) return DBX_RANGE_UNSATISFIABLE;
    *lo = (size_t)first;
    *hi = last >= len ? len - 1 : (size_t)last;
    return DBX_RANGE_OK;
}

/* If-None-Match (RFC 9110 §13.1.2): "*" or a list of entity tags, compared
 * weakly (a W/ prefix on either side does not matter). */
static bool none_match(const char *header, const char *etag)
{
    if (!header) return false;
    for (const char *p = header; *p;) {
        while (*p == ' ' || *p == ',') p++;
        const char *end = p;
        while (*end && *end != ',') end++;
        size_t n = (size_t)(end - p);
        while (n && p[n - 1] == ' ') n--;
        if (n == 1 && *p == '*') return true;
        if (n > 2 && p[0] == 'W' && p[1] == '/') p += 2, n -= 2;
        if (n && strlen(etag) == n && memcmp(p, etag, n) == 0) return true;
        p = end;
    }
    return false;
}

void dbx_reply_content(twin_ctx *ctx, const json_value *result, const char *rev, const char *data, size_t len)
{
    http_set_header(ctx->req, "Accept-Ranges", "bytes");
    if (rev) {
        /* A revision's bytes never change, so its rev is a strong validator. */
        const char *etag = arena_printf(ctx->a, "\"%s\"", rev);
        http_set_header(ctx->req, "ETag", etag);
        if (none_match(http_header_get(ctx->req, "If-None-Match"), etag)) return twin_reply_text(ctx, 304, NULL, "", 0);
    }
    size_t lo = 0, hi = 0;
    dbx_range k = dbx_byte_range(http_header_get(ctx->req, "Range"), len, &lo, &hi);
    if (k == DBX_RANGE_UNSATISFIABLE) {
        http_set_header(ctx->req, "Content-Range", arena_printf(ctx->a, "bytes */%zu", len));
        return twin_reply_text(ctx, 416, "text/plain; charset=utf-8", "", 0);
    }
    if (result) http_set_header(ctx->req, "Dropbox-API-Result", header_safe_json(ctx->a, result));
    if (k == DBX_RANGE_NONE) return twin_reply_text(ctx, 200, "application/octet-stream", data, len);
    http_set_header(ctx->req, "Content-Range", arena_printf(ctx->a, "bytes %zu-%zu/%zu", lo, hi, len));
    twin_reply_text(ctx, 206, "application/octet-stream", data + lo, hi - lo + 1);
}

/* The SDK reads a download route's result from Dropbox-API-Result and the
 * body as the file, so the stubs of those routes (thumbnails, previews,
 * zips) answer that way: the generated result, stub markers included, in
 * the header and an empty file. */
bool dbx_stub_send(twin_ctx *ctx, const char *op_path, int status, buf *body)
{
    static const char *const download_routes[] = {
        "/2/files/download", "/2/files/download_zip", "/2/files/export", "/2/files/get_preview",
        "/2/files/get_thumbnail", "/2/files/get_thumbnail_v2", "/2/paper/docs/download",
        "/2/sharing/get_shared_link_file",
    };
    bool download = false;
    for (size_t i = 0; i < sizeof download_routes / sizeof *download_routes && !download; i++)
        download = strcmp(op_path, download_routes[i]) == 0;
    json_value *result = download ? json_parse(ctx->a, buf_cstr(body), body->len, NULL) : NULL;
    if (!result) return false;
    buf_free(body);
    http_set_header(ctx->req, "Dropbox-API-Result", header_safe_json(ctx->a, result));
    twin_reply_text(ctx, status, "application/octet-stream", "", 0);
    return true;
}

void dbx_download(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *path = dbx_req_str(ctx, args, "path");
    if (!path || !dbx_check_path_arg(ctx, "path", path, false, true)) return;
    json_value *rev_doc;
    json_value *meta = resolve_file(ctx, path, json_get_str(args, "rev"), "path", &rev_doc);
    if (!meta) return;
    size_t len;
    char *data = dbx_entry_data(ctx, rev_doc ? rev_doc : meta, &len);
    dbx_reply_content(ctx, dbx_public(ctx, meta), json_get_str(meta, "rev"), data, len);
}

/* files/export serves files that cannot be downloaded as they are (Paper
 * docs, Google Docs and Sheets).  Every file the twin holds is ordinary
 * uploaded bytes, which Dropbox answers with non_exportable ("use download
 * instead"); lookups fail as they do for download. */
void dbx_export(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *path = dbx_req_str(ctx, args, "path");
    if (!path || !dbx_check_path_arg(ctx, "path", path, false, true)) return;
    json_value *fmt = json_get(args, "export_format");
    if (fmt && fmt->type != JSON_NULL && fmt->type != JSON_STRING)
        return dbx_bad_request(ctx, "request body: export_format: expected string");
    json_value *rev_doc;
    if (!resolve_file(ctx, path, NULL, "path", &rev_doc)) return;
    dbx_route_error(ctx, "non_exportable", dbx_tag(ctx->a, "non_exportable"));
}

static json_value *deleted_metadata(twin_ctx *ctx, const char *lower)
{
    /* The newest journal entry for the path tells whether something was deleted there. */
    twin_list l = {0};
    store_list_opts o = {.newest_first = true, .limit = 1, .index_name = "path", .index_value = lower};
    if (twin_doc_list(ctx, "changes", &o, &l) != 0 || l.n == 0) return NULL;
    json_value *c = l.items[0];
    if (!json_truthy(json_get(c, "deleted"))) return NULL;
    arena *a = ctx->a;
    json_value *d = dbx_tag(a, "deleted");
    json_set_str(a, d, "name", json_get_str(c, "name"));
    json_set_str(a, d, "path_lower", lower);
    json_set_str(a, d, "path_display", json_get_str(c, "path_display"));
    json_set_str(a, d, "_time", json_get_str(c, "time"));
    return d;
}

void dbx_get_metadata(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *path = dbx_req_str(ctx, args, "path");
    if (!path || !dbx_check_path_arg(ctx, "path", path, false, true)) return;
    if (str_starts_with(path, "rev:")) {
        json_value *r = twin_doc_get(ctx, "revisions", path + 4);
        if (!r) return dbx_lookup_error(ctx, "path", "not_found");
        return dbx_reply(ctx, json_get(r, "meta"));
    }
    const char *reason;
    json_value *e = dbx_resolve(ctx, path, &reason);
    if (!e) {
        const char *display, *lower;
        if (dbx_opt_bool(args, "include_deleted", false) &&
            dbx_norm_path(ctx->a, path, &display, &lower) == DBX_PATH_OK) {
            json_value *d = deleted_metadata(ctx, lower);
            if (d) json_remove(d, "_time");
            if (d) return dbx_reply(ctx, d);
        }
        return dbx_lookup_error(ctx, "path", reason);
    }
    dbx_reply(ctx, dbx_public(ctx, e));
}

/* Creates a folder per CreateFolderArg; NULL after answering (or, with
 * err_out, after storing the WriteError there instead: batch entries). */
static json_value *create_folder(twin_ctx *ctx, const char *path, bool autorename, json_value **err_out)
{
    arena *a = ctx->a;
    const char *display, *reason, *kind = NULL;
    const char *lower = dbx_write_target(ctx, path, &display, &reason);
    json_value *failure = NULL;
    if (!lower || !*lower) {
        failure = dbx_tag(a, "malformed_path");
        reason = "malformed_path";
    } else {
        json_value *existing = dbx_entry_by_path(ctx, lower);
        if (existing) {
            kind = is_folder(existing) ? "folder" : "file";
            if (autorename) {
                display = dbx_autorename(ctx, display, false);
                kind = NULL;
            }
        }
        if (!kind && !dbx_ensure_parents(ctx, display, &kind)) { /* kind set */ }
        if (kind) failure = dbx_tag_with(a, "conflict", dbx_tag(a, kind));
    }
    if (failure) {
        if (err_out) {
            *err_out = failure;
            return NULL;
        }
        if (kind) dbx_conflict_error(ctx, "path", kind);
        else dbx_lookup_error(ctx, "path", reason);
        return NULL;
    }
    return dbx_public(ctx, dbx_new_folder(ctx, dbx_cased(ctx, display)));
}

static json_value *create_folder_args(twin_ctx *ctx, bool *autorename)
{
    json_value *args = dbx_args(ctx);
    if (!args) return NULL;
    const char *path = dbx_req_str(ctx, args, "path");
    if (!path || !dbx_check_path_arg(ctx, "path", path, false, false)) return NULL;
    *autorename = dbx_opt_bool(args, "autorename", false);
    return args;
}

void dbx_create_folder_v2(twin_ctx *ctx)
{
    bool autorename;
    json_value *args = create_folder_args(ctx, &autorename);
    if (!args) return;
    json_value *f = create_folder(ctx, json_get_str(args, "path"), autorename, NULL);
    if (!f) return;
    json_value *o = json_object(ctx->a);
    json_set(ctx->a, o, "metadata", f);
    dbx_reply(ctx, o);
}

void dbx_create_folder(twin_ctx *ctx)
{
    bool autorename;
    json_value *args = create_folder_args(ctx, &autorename);
    if (!args) return;
    json_value *f = create_folder(ctx, json_get_str(args, "path"), autorename, NULL);
    if (f) dbx_reply(ctx, f);
}

/* Shared by delete_v2, delete and delete_batch: the deleted entry's
 * metadata, or NULL with the DeleteError in *err. */
static json_value *delete_path(twin_ctx *ctx, const char *path, json_value **err, const char **summary)
{
    const char *reason;
    json_value *e = dbx_resolve(ctx, path, &reason);
    if (!e) {
        *err = dbx_tag_with(ctx->a, "path_lookup", dbx_tag(ctx->a, reason));
        *summary = arena_printf(ctx->a, "path_lookup/%s", reason);
        return NULL;
    }
    json_value *meta = dbx_public(ctx, e);
    dbx_delete_tree(ctx, e);
    return meta;
}

static void delete_route(twin_ctx *ctx, bool v2)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *path = dbx_req_str(ctx, args, "path");
    if (!path || !dbx_check_path_arg(ctx, "path", path, false, false)) return;
    json_value *err = NULL;
    const char *summary = "path_lookup/not_found";
    json_value *meta = delete_path(ctx, path, &err, &summary);
    if (!meta) return dbx_route_error(ctx, summary, err);
    if (!v2) return dbx_reply(ctx, meta);
    json_value *o = json_object(ctx->a);
    json_set(ctx->a, o, "metadata", meta);
    dbx_reply(ctx, o);
}

void dbx_delete_v2(twin_ctx *ctx) { delete_route(ctx, true); }
void dbx_delete(twin_ctx *ctx) { delete_route(ctx, false); }

/* A RelocationError: {".tag": outer, outer: LookupError/WriteError} or a bare tag. */
typedef struct reloc_error {
    const char *summary;
    json_value *error;
} reloc_error;

static json_value *relocation_error(twin_ctx *ctx, reloc_error *out, const char *outer, const char *reason, const char *kind)
{
    arena *a = ctx->a;
    if (kind) {
        out->summary = arena_printf(a, "%s/conflict/%s", outer, kind);
        out->error = dbx_tag_with(a, outer, dbx_tag_with(a, "conflict", dbx_tag(a, kind)));
    } else if (outer) {
        reason = reason ? reason : "other";
        out->summary = arena_printf(a, "%s/%s", outer, reason);
        out->error = dbx_tag_with(a, outer, dbx_tag(a, reason));
    } else {
        out->summary = reason;
        out->error = dbx_tag(a, reason);
    }
    return NULL;
}

static int64_t subtree_bytes(twin_ctx *ctx, const json_value *tree)
{
    int64_t total = 0;
    json_foreach(e, tree) {
        int64_t n = 0;
        if (json_int64(json_get(e, "size"), &n)) total += n;
    }
    (void)ctx;
    return total;
}

/* Rewrites every entry of the tree from old_root to new_root (display form). */
static json_value *move_tree(twin_ctx *ctx, json_value *tree, const char *old_lower, const char *new_display)
{
    arena *a = ctx->a;
    size_t old_len = strlen(old_lower);
    const char *new_lower = str_to_lower(arena_strdup(a, new_display));
    json_value *top = NULL;
    json_foreach(e, tree) {
        const char *pl = json_get_str(e, "path_lower"), *pd = json_get_str(e, "path_display");
        const char *nd = arena_printf(a, "%s%s", new_display, pd + old_len);
        json_set_str(a, e, "path_lower", arena_printf(a, "%s%s", new_lower, pl + old_len));
        json_set_str(a, e, "path_display", nd);
        json_set_str(a, e, "name", dbx_base_name(nd));
        dbx_save_entry(ctx, e);
        dbx_record_change(ctx, e, false);
        if (!top) top = e;
    }
    return top;
}

static json_value *copy_tree(twin_ctx *ctx, json_value *tree, const char *old_lower, const char *new_display)
{
    arena *a = ctx->a;
    size_t old_len = strlen(old_lower);
    json_value *top = NULL;
    json_foreach(e, tree) {
        const char *nd = arena_printf(a, "%s%s", new_display, json_get_str(e, "path_display") + old_len);
        json_value *made;
        if (is_folder(e)) {
            made = dbx_new_folder(ctx, nd);
        } else {
            size_t len;
            char *data = dbx_entry_data(ctx, e, &len);
            made = dbx_write_file(ctx, NULL, nd, data, len, json_get_str(e, "client_modified"));
        }
        if (!top) top = made;
    }
    return top;
}

/* Copies or moves one entry (with its subtree); the top entry's metadata,
 * or NULL with the RelocationError in *err. */
static json_value *relocate_one(twin_ctx *ctx, const char *from, const char *to, bool autorename, bool move,
                                reloc_error *err)
{
    const char *reason;
    json_value *src = dbx_resolve(ctx, from, &reason);
    if (!src) return relocation_error(ctx, err, "from_lookup", reason, NULL);
    const char *display;
    const char *to_lower = dbx_write_target(ctx, to, &display, &reason);
    if (!to_lower || !*to_lower) return relocation_error(ctx, err, "to", "malformed_path", NULL);
    const char *src_lower = json_get_str(src, "path_lower");
    bool case_only = move && str_eq(to_lower, src_lower) && !str_eq(display, json_get_str(src, "path_display"));
    /* Onto itself, or a copy into its own subtree: the paths overlap. */
    if (!case_only && (str_eq(to_lower, src_lower) || (!move && dbx_path_within(to_lower, src_lower))))
        return relocation_error(ctx, err, NULL, "duplicated_or_nested_paths", NULL);
    if (!case_only && dbx_path_within(to_lower, src_lower))
        return relocation_error(ctx, err, NULL, "cant_move_folder_into_itself", NULL);
    json_value *dest = case_only ? NULL : dbx_entry_by_path(ctx, to_lower);
    if (dest) {
        if (!autorename) return relocation_error(ctx, err, "to", NULL, is_folder(dest) ? "folder" : "file");
        display = dbx_autorename(ctx, display, false);
    }
    json_value *tree = dbx_subtree(ctx, src_lower, true);
    /* Dropbox does not nest shares: a shared folder cannot move into another. */
    if (move && dbx_enclosing_share(ctx, to_lower) && dbx_holds_share(tree))
        return relocation_error(ctx, err, NULL, "cant_nest_shared_folder", NULL);
    const char *kind = NULL;
    if (!dbx_ensure_parents(ctx, display, &kind)) return relocation_error(ctx, err, "to", NULL, kind);
    if (!move && !dbx_quota_allows(ctx, subtree_bytes(ctx, tree)))
        return relocation_error(ctx, err, NULL, "insufficient_quota", NULL);
    if (!case_only) display = dbx_cased(ctx, display);
    if (!move) return dbx_public(ctx, copy_tree(ctx, tree, src_lower, display));
    dbx_record_delete(ctx, src_lower, json_get_str(src, "path_display"), json_get_str(src, "name"));
    return dbx_public(ctx, move_tree(ctx, tree, src_lower, display));
}

static void relocate(twin_ctx *ctx, bool move)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *from = dbx_req_str(ctx, args, "from_path");
    if (!from) return;
    const char *to = dbx_req_str(ctx, args, "to_path");
    if (!to || !dbx_check_path_arg(ctx, "from_path", from, false, false) ||
        !dbx_check_path_arg(ctx, "to_path", to, false, false))
        return;
    reloc_error err = {0};
    json_value *top = relocate_one(ctx, from, to, dbx_opt_bool(args, "autorename", false), move, &err);
    if (!top) return dbx_route_error(ctx, err.summary, err.error);
    json_value *o = json_object(ctx->a);
    json_set(ctx->a, o, "metadata", top);
    dbx_reply(ctx, o);
}

/* copy_batch_v2 / move_batch_v2: every entry runs now; the job keeps
 * RelocationBatchV2Result, entries success(Metadata) or
 * failure(relocation_error(RelocationError)). */
static void relocate_batch(twin_ctx *ctx, bool move)
{
    arena *a = ctx->a;
    json_value *args = dbx_args(ctx);
    if (!args) return;
    json_value *list = json_get(args, "entries");
    if (!list || list->type != JSON_ARRAY || !list->len)
        return dbx_bad_request(ctx, "request body: entries: list should have at least 1 items");
    if (list->len > 1000) return dbx_bad_request(ctx, "request body: entries: list has more than 1000 items");
    bool autorename = dbx_opt_bool(args, "autorename", false);
    json_value *entries = json_array(a);
    json_foreach(x, list) {
        const char *from = json_get_str(x, "from_path"), *to = json_get_str(x, "to_path");
        if (!from || !to) return dbx_bad_request(ctx, "request body: entries: missing required field 'from_path' or 'to_path'");
        reloc_error err = {0};
        json_value *top = relocate_one(ctx, from, to, autorename, move, &err);
        json_push(entries, top ? dbx_tag_with(a, "success", top)
                               : dbx_tag_with(a, "failure", dbx_tag_with(a, "relocation_error", err.error)));
    }
    json_value *result = dbx_tag(a, "complete");
    json_set(a, result, "entries", entries);
    dbx_reply(ctx, dbx_async_job(ctx, result));
}

void dbx_copy_batch_v2(twin_ctx *ctx) { relocate_batch(ctx, false); }
void dbx_move_batch_v2(twin_ctx *ctx) { relocate_batch(ctx, true); }

void dbx_copy_v2(twin_ctx *ctx) { relocate(ctx, false); }
void dbx_move_v2(twin_ctx *ctx) { relocate(ctx, true); }

void dbx_list_revisions(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *path = dbx_req_str(ctx, args, "path");
    if (!path || !dbx_check_path_arg(ctx, "path", path, false, false)) return;
    json_value *mode = json_get(args, "mode");
    const char *m = mode && mode->type == JSON_STRING ? mode->str : json_get_str(mode, ".tag");
    bool by_id = str_eq(m, "id");
    int64_t limit = 10;
    json_value *lv = json_get(args, "limit");
    if (lv && (!json_int64(lv, &limit) || limit < 1 || limit > 100))
        return dbx_bad_request(ctx, "request body: limit: value must be between 1 and 100");
    const char *reason;
    json_value *e = dbx_resolve(ctx, path, &reason);
    if (e && is_folder(e)) return dbx_lookup_error(ctx, "path", "not_file");
    const char *display, *lower = NULL;
    if (e) lower = json_get_str(e, "path_lower");
    else if (dbx_norm_path(a, path, &display, &lower) != DBX_PATH_OK) return dbx_lookup_error(ctx, "path", reason);
    store_list_opts o = {.newest_first = true, .limit = (size_t)limit,
                         .index_name = by_id ? "file" : "path",
                         .index_value = by_id ? (e ? json_get_str(e, "id") : path) : lower};
    twin_list l = {0};
    if (twin_doc_list(ctx, "revisions", &o, &l) != 0 || l.n == 0) return dbx_lookup_error(ctx, "path", "not_found");
    json_value *entries = json_array(a);
    for (size_t i = 0; i < l.n; i++) json_push(entries, json_get(l.items[i], "meta"));
    json_value *out = json_object(a);
    json_set_bool(a, out, "is_deleted", e == NULL);
    json_value *gone = e ? NULL : deleted_metadata(ctx, lower);
    if (gone) json_set_str(a, out, "server_deleted", json_get_str(gone, "_time"));
    if (gone) json_remove(gone, "_time");
    json_set(a, out, "entries", entries);
    dbx_reply(ctx, out);
}

void dbx_restore(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *path = dbx_req_str(ctx, args, "path");
    if (!path) return;
    const char *rev = dbx_req_str(ctx, args, "rev");
    if (!rev || !dbx_check_path_arg(ctx, "path", path, false, false)) return;
    json_value *r = twin_doc_get(ctx, "revisions", rev);
    if (!r) return dbx_route_error(ctx, "invalid_revision", dbx_tag(ctx->a, "invalid_revision"));
    const char *display, *reason;
    const char *lower = dbx_write_target(ctx, path, &display, &reason);
    if (!lower || !*lower) return dbx_lookup_error(ctx, "path_lookup", "malformed_path");
    json_value *existing = dbx_entry_by_path(ctx, lower);
    if (existing && is_folder(existing)) {
        arena *a = ctx->a;
        json_value *we = dbx_tag_with(a, "conflict", dbx_tag(a, "folder"));
        return dbx_route_error(ctx, "path_write/conflict/folder", dbx_tag_with(a, "path_write", we));
    }
    size_t len;
    char *data = dbx_entry_data(ctx, r, &len);
    int64_t old_size = 0;
    if (existing) json_int64(json_get(existing, "size"), &old_size);
    if (!dbx_quota_allows(ctx, (int64_t)len - old_size)) {
        arena *a = ctx->a;
        return dbx_route_error(ctx, "path_write/insufficient_space",
                               dbx_tag_with(a, "path_write", dbx_tag(a, "insufficient_space")));
    }
    const char *kind = NULL;
    if (!existing && !dbx_ensure_parents(ctx, display, &kind)) {
        arena *a = ctx->a;
        json_value *we = dbx_tag_with(a, "conflict", dbx_tag(a, kind));
        return dbx_route_error(ctx, arena_printf(a, "path_write/conflict/%s", kind), dbx_tag_with(a, "path_write", we));
    }
    const char *client_modified = json_get_str(json_get(r, "meta"), "client_modified");
    json_value *f = dbx_write_file(ctx, existing, existing ? display : dbx_cased(ctx, display), data, len, client_modified);
    dbx_reply(ctx, dbx_public(ctx, f));
}

void dbx_get_temporary_link(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *path = dbx_req_str(ctx, args, "path");
    if (!path || !dbx_check_path_arg(ctx, "path", path, false, true)) return;
    json_value *rev_doc;
    json_value *meta = resolve_file(ctx, path, NULL, "path", &rev_doc);
    if (!meta) return;
    const char *token = twin_new_id(ctx, "", 40);
    json_value *t = json_object(a);
    json_set_str(a, t, "rev", json_get_str(meta, "rev"));
    json_set_int(a, t, "expires", twin_now(ctx) + TEMP_LINK_SECONDS);
    twin_doc_put(ctx, "temp_links", token, t, NULL, 0);
    json_value *o = json_object(a);
    json_set(a, o, "metadata", dbx_public(ctx, meta));
    json_set_str(a, o, "link", arena_printf(a, "%s/__twin/temporary-link/%s/%s", ctx->inst->base_url, token,
                                            http_percent_encode(a, json_get_str(meta, "name"), strlen(json_get_str(meta, "name")))));
    dbx_reply(ctx, o);
}

/* GET <base>/__twin/temporary-link/{token}/{name}: the file's bytes, no credentials (like the real links). */
void dbx_temp_link_content(twin_ctx *ctx)
{
    json_value *t = twin_doc_get(ctx, "temp_links", twin_param(ctx, "token"));
    int64_t expires = 0;
    json_int64(json_get(t, "expires"), &expires);
    json_value *r = t ? twin_doc_get(ctx, "revisions", json_get_str(t, "rev")) : NULL;
    if (!r || expires < twin_now(ctx)) {
        static const char gone[] = "This link has expired or does not exist.";
        return twin_reply_text(ctx, 410, "text/plain; charset=utf-8", gone, sizeof gone - 1);
    }
    size_t len;
    char *data = dbx_entry_data(ctx, r, &len);
    dbx_reply_content(ctx, NULL, json_get_str(t, "rev"), data, len);
}
