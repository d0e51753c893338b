/* Slack twin: external file uploads, files.*, downloads, tier limits. */
#include <string.h>

#include "http/form.h"
#include "twins/slack/slack.h"
#include "util/base64.h"
#include "util/util.h"

/* files.list answers at most this many files a page, whatever `count` asks. */
#define FILES_MAX_COUNT 1000

static const char *const tiers[] = {"free", "pro", "business_plus", "enterprise", "paid", NULL};

static int64_t tier_max(twin_ctx *ctx, const json_value *s)
{
    const char *tier = json_get_str(s, "tier");
    if (json_get(s, "max_file_bytes") && !json_is_null(json_get(s, "max_file_bytes")))
        return slack_setting_int(ctx, s, "max_file_bytes", SLACK_GIB);
    return slack_setting_int(ctx, s, str_eq(tier, "free") ? "free_max_file_bytes" : "paid_max_file_bytes", SLACK_GIB);
}

static void too_large(twin_ctx *ctx, int status, const json_value *s, int64_t max, int64_t attempted)
{
    json_value *o = json_object(ctx->a);
    json_set_bool(ctx->a, o, "ok", false);
    json_set_str(ctx->a, o, "error", "file_too_large");
    json_set_str(ctx->a, o, "tier", json_get_str(s, "tier"));
    json_set_int(ctx->a, o, "max_file_bytes", max);
    json_set_int(ctx->a, o, "attempted_bytes", attempted);
    slack_answer(ctx, status, o);
}

static int64_t storage_used(twin_ctx *ctx, const json_value *s)
{
    return slack_setting_int(ctx, s, "storage_used_bytes", 0) + slack_setting_int(ctx, s, "uploaded_bytes", 0);
}

static bool over_quota(twin_ctx *ctx, const json_value *s, int64_t add)
{
    json_value *max = json_get(s, "max_storage_bytes");
    if (!max || json_is_null(max)) return false;
    return storage_used(ctx, s) + add > slack_setting_int(ctx, s, "max_storage_bytes", 0);
}

static const char *ext_of(const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    return dot && dot[1] ? dot + 1 : "";
}

static const char *mime_for(const char *ext)
{
    static const char *const by_ext[][2] = {{"txt", "text/plain"}, {"csv", "text/csv"}, {"json", "application/json"},
                                         {"png", "image/png"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"},
                                         {"gif", "image/gif"}, {"pdf", "application/pdf"}, {"html", "text/html"},
                                         {"md", "text/plain"}, {"zip", "application/zip"}};
    for (size_t i = 0; i < sizeof by_ext / sizeof by_ext[0]; i++)
        if (str_case_eq(ext, by_ext[i][0])) return by_ext[i][1];
    return "application/octet-stream";
}

void slack_files_get_upload_url(twin_ctx *ctx)
{
    const char *filename = twin_arg(ctx, "filename");
    if (!filename || !*filename) return slack_fail(ctx, "invalid_arguments");
    const char *len_text = twin_arg(ctx, "length");
    int64_t length = slack_int_arg(ctx, "length", -1);
    if (!len_text || length < 0) return slack_fail(ctx, "invalid_arguments");
    json_value *s = slack_settings(ctx);
    if (json_get(s, "file_uploads_enabled") && !json_truthy(json_get(s, "file_uploads_enabled")))
        return slack_fail(ctx, "file_uploads_disabled");
    int64_t max = tier_max(ctx, s);
    if (length > max) return too_large(ctx, 200, s, max, length);
    if (over_quota(ctx, s, length)) return slack_fail(ctx, "storage_limit_reached");
    const char *id = slack_new_id(ctx, "F");
    arena *a = ctx->a;
    json_value *up = json_object(a);
    json_set_str(a, up, "id", id);
    json_set_str(a, up, "filename", filename);
    json_set_int(a, up, "length", length);
    json_set_str(a, up, "user", slack_me(ctx)->user_id);
    json_set_str(a, up, "alt_text", twin_arg(ctx, "alt_txt") ? twin_arg(ctx, "alt_txt") : twin_arg(ctx, "alt_text"));
    json_set_str(a, up, "snippet_type", twin_arg(ctx, "snippet_type"));
    json_set_bool(a, up, "uploaded", false);
    twin_doc_put(ctx, "_uploads", id, up, NULL, 0);
    json_value *o = slack_ok(ctx);
    json_set_str(a, o, "upload_url", arena_printf(a, "%s/upload/%s", ctx->inst->base_url, id));
    json_set_str(a, o, "file_id", id);
    slack_reply(ctx, o);
}

/* POST <base>/upload/<id>: raw bytes, or multipart (the SDK sends a "body"/"file" part). */
void slack_files_upload_bytes(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "id");
    json_value *up = twin_doc_get(ctx, "_uploads", id);
    if (!up) {
        const char *t = "Upload not found\n";
        return twin_reply_text(ctx, 404, "text/plain", t, strlen(t));
    }
    const char *data = ctx->req->body;
    size_t len = ctx->req->body_len;
    const char *ct = http_header_get(ctx->req, "Content-Type");
    if (ct && str_starts_with(ct, "multipart/")) {
        multipart_part *parts = NULL;
        size_t n = 0;
        if (multipart_parse(ctx->a, ct, ctx->req->body, ctx->req->body_len, &parts, &n) && n) {
            size_t pick = 0;
            for (size_t i = 0; i < n; i++)
                if (parts[i].filename) {
                    pick = i;
                    break;
                }
            data = parts[pick].data;
            len = parts[pick].len;
        }
    }
    json_value *s = slack_settings(ctx);
    int64_t max = tier_max(ctx, s);
    if ((int64_t)len > max) return too_large(ctx, 413, s, max, (int64_t)len);
    if (over_quota(ctx, s, (int64_t)len)) {
        json_value *o = json_object(ctx->a);
        json_set_bool(ctx->a, o, "ok", false);
        json_set_str(ctx->a, o, "error", "storage_limit_reached");
        return slack_answer(ctx, 413, o);
    }
    json_value *blob = json_object(ctx->a);
    json_set_str(ctx->a, blob, "data", base64_encode(ctx->a, data, len));
    twin_doc_put(ctx, "_file_content", id, blob, NULL, 0);
    json_set_bool(ctx->a, up, "uploaded", true);
    json_set_int(ctx->a, up, "size", (int64_t)len);
    twin_doc_put(ctx, "_uploads", id, up, NULL, 0);
    const char *t = arena_printf(ctx->a, "OK - %zu", len);
    twin_reply_text(ctx, 200, "text/plain; charset=utf-8", t, strlen(t));
}

static json_value *file_object(twin_ctx *ctx, const json_value *up, const char *title)
{
    arena *a = ctx->a;
    const char *id = json_get_str(up, "id"), *name = json_get_str(up, "filename");
    const char *ext = ext_of(name);
    int64_t now = twin_now(ctx), size = 0;
    json_int64(json_get(up, "size"), &size);
    const char *base = ctx->inst->base_url;
    json_value *f = json_object(a);
    json_set_str(a, f, "id", id);
    json_set_int(a, f, "created", now);
    json_set_int(a, f, "timestamp", now);
    json_set_str(a, f, "name", name);
    json_set_str(a, f, "title", title && *title ? title : name);
    json_set_str(a, f, "mimetype", mime_for(ext));
    json_set_str(a, f, "filetype", *ext ? ext : "binary");
    json_set_str(a, f, "pretty_type", *ext ? ext : "Binary");
    json_set_str(a, f, "user", json_get_str(up, "user"));
    json_set_str(a, f, "user_team", SLACK_TEAM_ID);
    json_set_bool(a, f, "editable", false);
    json_set_int(a, f, "size", size);
    json_set_str(a, f, "mode", "hosted");
    json_set_bool(a, f, "is_external", false);
    json_set_str(a, f, "external_type", "");
    json_set_bool(a, f, "is_public", false);
    json_set_bool(a, f, "public_url_shared", false);
    json_set_bool(a, f, "display_as_bot", false);
    json_set_str(a, f, "username", "");
    json_set_str(a, f, "url_private", arena_printf(a, "%s/files/%s", base, id));
    json_set_str(a, f, "url_private_download", arena_printf(a, "%s/files/%s/download", base, id));
    json_set_str(a, f, "permalink", arena_printf(a, "%s/files/%s/%s/%s", base, json_get_str(up, "user"), id, name));
    json_set_str(a, f, "permalink_public", arena_printf(a, "%s/files/%s/public", base, id));
    const char *alt = json_get_str(up, "alt_text");
    if (alt) json_set_str(a, f, "alt_txt", alt);
    json_set(a, f, "channels", json_array(a));
    json_set(a, f, "groups", json_array(a));
    json_set(a, f, "ims", json_array(a));
    json_set(a, f, "shares", json_object(a));
    json_set_int(a, f, "comments_count", 0);
    json_set_bool(a, f, "has_rich_preview", false);
    json_set_str(a, f, "file_access", "visible");
    return f;
}

static void share_file(twin_ctx *ctx, json_value *f, const json_value *c, const char *ts)
{
    arena *a = ctx->a;
    bool priv = json_truthy(json_get(c, "is_private")) || json_truthy(json_get(c, "is_im")) ||
                json_truthy(json_get(c, "is_mpim"));
    const char *list = json_truthy(json_get(c, "is_im")) ? "ims" : priv ? "groups" : "channels";
    const char *cid = json_get_str(c, "id");
    json_push(json_get(f, list), json_string(a, cid));
    json_value *shares = json_get(f, "shares");
    const char *kind = priv ? "private" : "public";
    json_value *k = json_get(shares, kind);
    if (!k) {
        k = json_object(a);
        json_set(a, shares, kind, k);
    }
    json_value *arr = json_array(a), *entry = json_object(a);
    json_set(a, entry, "reply_users", json_array(a));
    json_set_int(a, entry, "reply_users_count", 0);
    json_set_int(a, entry, "reply_count", 0);
    json_set_str(a, entry, "ts", ts);
    if (!json_truthy(json_get(c, "is_im"))) json_set_str(a, entry, "channel_name", json_get_str(c, "name"));
    json_set_str(a, entry, "team_id", SLACK_TEAM_ID);
    json_push(arr, entry);
    json_set(a, k, cid, arr);
}

void slack_files_complete_upload(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *files = slack_json_arg(ctx, "files");
    if (!files || files->type != JSON_ARRAY || !files->len) return slack_fail(ctx, "invalid_arguments");
    const char *chan_id = twin_arg(ctx, "channel_id");
    if (!chan_id || !*chan_id) chan_id = twin_arg(ctx, "channels");
    json_value *c = NULL;
    if (chan_id && *chan_id) {
        c = slack_channel_get(ctx, chan_id);
        if (!c) return slack_fail(ctx, "channel_not_found");
        if (json_truthy(json_get(c, "is_archived"))) return slack_fail(ctx, "is_archived");
        if (!slack_is_member(c, slack_me(ctx)->user_id)) return slack_fail(ctx, "not_in_channel");
    }
    const char *thread_ts = twin_arg(ctx, "thread_ts");
    if (thread_ts && !*thread_ts) thread_ts = NULL;
    size_t n = files->len, i = 0;
    json_value **ups = arena_alloc(a, n * sizeof *ups), **objs = arena_alloc(a, n * sizeof *objs);
    json_foreach(spec, files) {
        const char *id = json_get_str(spec, "id");
        json_value *up = id ? twin_doc_get(ctx, "_uploads", id) : NULL;
        if (!up || !json_truthy(json_get(up, "uploaded"))) return slack_fail(ctx, "file_not_found");
        ups[i] = up;
        objs[i] = file_object(ctx, up, json_get_str(spec, "title"));
        i++;
    }
    json_value *s = slack_settings(ctx);
    int64_t added = 0;
    for (i = 0; i < n; i++) {
        int64_t sz = 0;
        json_int64(json_get(ups[i], "size"), &sz);
        added += sz;
    }
    json_set_int(a, s, "uploaded_bytes", slack_setting_int(ctx, s, "uploaded_bytes", 0) + added);
    json_value *doc = twin_doc_get(ctx, "_settings", "workspace");
    if (!doc) doc = json_object(a);
    json_set_int(a, doc, "uploaded_bytes", slack_setting_int(ctx, s, "uploaded_bytes", 0));
    slack_settings_save(ctx, doc);
    if (c) {
        slack_principal *me = slack_me(ctx);
        const char *cid = json_get_str(c, "id");
        const char *comment = twin_arg(ctx, "initial_comment");
        json_value *m = slack_message_post(ctx, cid, me->user_id, me->is_bot, comment ? comment : "", thread_ts,
                                           "file_share");
        const char *ts = json_get_str(m, "ts");
        json_value *attached = json_array(a);
        for (i = 0; i < n; i++) {
            share_file(ctx, objs[i], c, ts);
            json_push(attached, json_clone(a, objs[i]));
        }
        json_set(a, m, "files", attached);
        json_set_bool(a, m, "upload", true);
        json_set_bool(a, m, "display_as_bot", false);
        json_value *blocks = slack_json_arg(ctx, "blocks");
        if (blocks && blocks->type == JSON_ARRAY) json_set(a, m, "blocks", json_clone(a, blocks));
        slack_message_save(ctx, cid, m);
        for (i = 0; i < n; i++) slack_emit_file_shared(ctx, c, json_get_str(objs[i], "id"), me->user_id);
        slack_emit_message(ctx, c, m);
    }
    json_value *out = json_array(a);
    for (i = 0; i < n; i++) {
        twin_doc_put(ctx, "files", json_get_str(objs[i], "id"), objs[i], NULL, 0);
        twin_doc_delete(ctx, "_uploads", json_get_str(objs[i], "id"));
        slack_emit_file_created(ctx, objs[i]);
        json_push(out, objs[i]);
    }
    json_value *o = slack_ok(ctx);
    json_set(a, o, "files", out);
    slack_reply(ctx, o);
}

/* A file is the uploader's, and visible to whoever can see a conversation
 * it was shared to (private ones: their members only). */
static bool file_visible(twin_ctx *ctx, map *channels, const json_value *f)
{
    if (str_eq(json_get_str(f, "user"), slack_me(ctx)->user_id)) return true;
    static const char *const lists[] = {"channels", "groups", "ims"};
    for (size_t i = 0; i < 3; i++) json_foreach(id, json_get(f, lists[i])) {
        json_value *c = slack_channel_cached(ctx, channels, json_str(id));
        if (c && slack_channel_visible(ctx, c)) return true;
    }
    return false;
}

/* The file named by the "file" argument; answers file_not_found when it is
 * absent or out of the caller's sight. */
static json_value *file_arg(twin_ctx *ctx)
{
    const char *id = twin_arg(ctx, "file");
    json_value *f = id && *id ? twin_doc_get(ctx, "files", id) : NULL;
    map channels;
    map_init(&channels);
    bool visible = f && file_visible(ctx, &channels, f);
    map_free(&channels);
    if (!visible) slack_fail(ctx, "file_not_found");
    return visible ? f : NULL;
}

void slack_files_info(twin_ctx *ctx)
{
    json_value *f = file_arg(ctx);
    if (!f) return;
    json_value *o = slack_ok(ctx);
    json_set(ctx->a, o, "file", f);
    json_set(ctx->a, o, "comments", json_array(ctx->a));
    json_set(ctx->a, o, "response_metadata", slack_response_metadata(ctx, ""));
    slack_reply(ctx, o);
}

static bool in_list(const json_value *f, const char *key, const char *v)
{
    json_foreach(x, json_get(f, key)) if (str_eq(x->str, v)) return true;
    return false;
}

void slack_files_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *channel = twin_arg(ctx, "channel"), *user = twin_arg(ctx, "user");
    json_value **all;
    size_t n = slack_all(ctx, "files", NULL, NULL, &all), k = 0;
    json_value **out = arena_alloc(a, (n + 1) * sizeof *out);
    map channels;
    map_init(&channels);
    for (size_t i = n; i-- > 0;) {
        json_value *f = all[i];
        if (user && *user && !str_eq(json_get_str(f, "user"), user)) continue;
        if (channel && *channel && !in_list(f, "channels", channel) && !in_list(f, "groups", channel) &&
            !in_list(f, "ims", channel))
            continue;
        if (!file_visible(ctx, &channels, f)) continue;
        out[k++] = f;
    }
    map_free(&channels);
    int64_t count = slack_int_arg(ctx, "count", 100), page = slack_int_arg(ctx, "page", 1);
    if (count < 1) count = 100;
    if (count > FILES_MAX_COUNT) count = FILES_MAX_COUNT;
    if (page < 1) page = 1;
    int64_t pages = ((int64_t)k + count - 1) / count;
    /* A page past the last starts nowhere; computing its offset could overflow. */
    size_t first = page > pages ? k : (size_t)((page - 1) * count);
    size_t end = k - first > (size_t)count ? first + (size_t)count : k;
    json_value *arr = json_array(a);
    for (size_t i = first; i < end; i++) json_push(arr, out[i]);
    json_value *paging = json_object(a);
    json_set_int(a, paging, "count", count);
    json_set_int(a, paging, "total", (int64_t)k);
    json_set_int(a, paging, "page", page);
    json_set_int(a, paging, "pages", pages);
    json_value *o = slack_ok(ctx);
    json_set(a, o, "files", arr);
    json_set(a, o, "paging", paging);
    slack_reply(ctx, o);
}

void slack_files_delete(twin_ctx *ctx)
{
    json_value *f = file_arg(ctx);
    if (!f) return;
    const char *id = json_get_str(f, "id");
    slack_principal *me = slack_me(ctx);
    if (!str_eq(json_get_str(f, "user"), me->user_id) &&
        !(!me->is_bot && json_truthy(json_get(slack_user_get(ctx, me->user_id), "is_admin"))))
        return slack_fail(ctx, "cant_delete_file");
    int64_t size = 0;
    json_int64(json_get(f, "size"), &size);
    twin_doc_delete(ctx, "files", id);
    twin_doc_delete(ctx, "_file_content", id);
    slack_emit_file_deleted(ctx, f);
    json_value *doc = twin_doc_get(ctx, "_settings", "workspace");
    if (doc) {
        int64_t used = slack_setting_int(ctx, doc, "uploaded_bytes", 0) - size;
        json_set_int(ctx->a, doc, "uploaded_bytes", used > 0 ? used : 0);
        slack_settings_save(ctx, doc);
    }
    slack_reply(ctx, slack_ok(ctx));
}

void slack_files_download(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "id");
    json_value *f = twin_doc_get(ctx, "files", id);
    map channels;
    map_init(&channels);
    /* A file out of the caller's sight is as absent as one never uploaded. */
    if (f && !file_visible(ctx, &channels, f)) f = NULL;
    map_free(&channels);
    json_value *blob = f ? twin_doc_get(ctx, "_file_content", id) : NULL;
    if (!blob) {
        const char *t = "File not found\n";
        return twin_reply_text(ctx, 404, "text/plain", t, strlen(t));
    }
    size_t n = 0;
    const char *stored = json_get_str(blob, "data");
    char *data = stored ? base64_decode(ctx->a, stored, &n) : NULL;
    http_set_header(ctx->req, "Content-Disposition",
                    arena_printf(ctx->a, "attachment; filename=\"%s\"", json_get_str(f, "name")));
    twin_reply_text(ctx, 200, json_get_str(f, "mimetype"), data, data ? n : 0);
}

/* ---- admin: GET/POST <admin>/admin/tier ---- */

static json_value *tier_view(twin_ctx *ctx, const json_value *s, bool ok)
{
    json_value *o = json_object(ctx->a);
    if (ok) json_set_bool(ctx->a, o, "ok", true);
    json_set_str(ctx->a, o, "tier", json_get_str(s, "tier"));
    json_set_int(ctx->a, o, "max_file_bytes", tier_max(ctx, s));
    if (!ok) {
        json_set_int(ctx->a, o, "free_max_file_bytes", slack_setting_int(ctx, s, "free_max_file_bytes", SLACK_GIB));
        json_set_int(ctx->a, o, "paid_max_file_bytes", slack_setting_int(ctx, s, "paid_max_file_bytes", SLACK_GIB));
    }
    return o;
}

void slack_admin_tier(twin_ctx *ctx)
{
    if (str_eq(ctx->req->method, "GET")) return twin_reply_json(ctx, 200, tier_view(ctx, slack_settings(ctx), false));
    json_value *body = ctx->body;
    if (!body || body->type != JSON_OBJECT) return slack_fail(ctx, "invalid_arguments");
    json_value *doc = twin_doc_get(ctx, "_settings", "workspace");
    if (!doc) doc = json_object(ctx->a);
    const char *tier = json_get_str(body, "tier");
    if (json_get(body, "tier")) {
        bool known = false;
        for (size_t i = 0; tiers[i]; i++) known |= str_eq(tiers[i], tier);
        if (!known) {
            json_value *o = json_object(ctx->a);
            json_set_bool(ctx->a, o, "ok", false);
            json_set_str(ctx->a, o, "error", "invalid_tier");
            return slack_answer(ctx, 400, o);
        }
        json_set_str(ctx->a, doc, "tier", tier);
    }
    static const char *const ints[] = {"free_max_file_bytes", "paid_max_file_bytes", "max_file_bytes", NULL};
    for (size_t i = 0; ints[i]; i++) {
        json_value *v = json_get(body, ints[i]);
        int64_t x;
        if (v && json_int64(v, &x) && x >= 0) json_set_int(ctx->a, doc, ints[i], x);
        else if (v && json_is_null(v)) json_set_null(ctx->a, doc, ints[i]);
    }
    slack_settings_save(ctx, doc);
    twin_reply_json(ctx, 200, tier_view(ctx, slack_settings(ctx), true));
}
