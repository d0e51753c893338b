/* Box twin: the event stream (/events: user streams and admin_logs), and
 * webhooks (/webhooks CRUD and signed deliveries of FILE.* / FOLDER.* /
 * COLLABORATION.* triggers to webhooks on the item or any folder above it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cursor.h"
#include "engine/webhooks.h"
#include "twins/box/box.h"
#include "util/util.h"

/* ---- recording ---- */

/* Events are stored under their seq, in seq order. */
static const char *event_id(arena *a, int64_t seq)
{
    return arena_printf(a, "%lld", (long long)seq);
}

static const char *snapshot_text(twin_ctx *ctx, const json_value *item)
{
    return json_to_string(ctx->a, bx_render(ctx, item, NULL), NULL);
}

/* admin_type names the enterprise event when it is not the user event's
 * counterpart (admin_event_type); an event with no user type is recorded
 * for admin_logs only. */
static void record_event(twin_ctx *ctx, const char *event_type, const char *admin_type, const json_value *item,
                         const json_value *about)
{
    arena *a = ctx->a;
    int64_t seq = twin_counter(ctx, "event_seq");
    char eid[41];
    derive_token(eid, 40, ctx->run_id, "box-event", "id", seq);
    str_to_lower(eid);
    json_value *e = json_object(a);
    json_set_int(a, e, "seq", seq);
    json_set_str(a, e, "event_id", eid);
    json_set_str(a, e, "event_type", event_type ? event_type : admin_type);
    if (admin_type) json_set_str(a, e, "admin_event_type", admin_type);
    if (!event_type) json_set_bool(a, e, "admin_only", true);
    json_set_str(a, e, "created_by", bx_me(ctx));
    json_set_int(a, e, "time", twin_now(ctx));
    /* an event about a comment or task shows it as the source; the item
     * it belongs to decides who sees it and fills admin_logs' source */
    json_set(a, e, "source", about ? json_clone(a, about) : bx_render(ctx, item, NULL));
    if (about) json_set(a, e, "item", bx_render(ctx, item, NULL));
    twin_doc_put(ctx, "events", event_id(a, seq), e, NULL, 0);
}

static bool has_trigger(const json_value *hook, const char *trigger)
{
    json_foreach(t, json_get(hook, "triggers")) if (str_eq(json_str(t), trigger)) return true;
    return false;
}

/* Webhooks on the item itself, or on any folder above it. */
static bool hook_covers(twin_ctx *ctx, const json_value *hook, const json_value *item)
{
    const char *ttype = json_get_str(hook, "target_type"), *tid = json_get_str(hook, "target_id");
    if (str_eq(ttype, json_get_str(item, "type")) && str_eq(tid, json_get_str(item, "id"))) return true;
    if (!str_eq(ttype, "folder")) return false;
    const char *pid = json_get_str(item, "parent");
    return pid && bx_is_descendant(ctx, pid, tid);
}

static void deliver(twin_ctx *ctx, const json_value *hook, const char *trigger, const char *source_text)
{
    arena *a = ctx->a;
    char did[37];
    uuid_v4(did);
    buf b = BUF_INIT;
    jw w;
    jw_init(&w, &b);
    jw_object_begin(&w);
    jw_kv_string(&w, "type", "webhook_event");
    jw_kv_string(&w, "id", did);
    jw_kv_string(&w, "created_at", bx_time(ctx, twin_now(ctx)));
    jw_kv_string(&w, "trigger", trigger);
    jw_key(&w, "webhook");
    jw_object_begin(&w);
    jw_kv_string(&w, "id", json_get_str(hook, "id"));
    jw_kv_string(&w, "type", "webhook");
    jw_object_end(&w);
    jw_key(&w, "created_by");
    jw_value(&w, bx_user_mini(ctx, bx_me(ctx)));
    jw_key(&w, "source");
    jw_raw(&w, source_text, strlen(source_text));
    jw_key(&w, "additional_info");
    jw_array_begin(&w);
    jw_array_end(&w);
    jw_object_end(&w);
    const char *payload = arena_strndup(a, b.data, b.len);
    size_t len = b.len;
    buf_free(&b);
    const char **extra = arena_zalloc(a, 2 * sizeof *extra);
    extra[0] = arena_printf(a, "box-delivery-id: %s", did);
    const char *secret = arena_printf(a, "%s\n%s", bx_primary_key(ctx), bx_secondary_key(ctx));
    webhooks_send(ctx, &(webhook_send){.url = json_get_str(hook, "address"),
                                       .payload = payload,
                                       .len = len,
                                       .secret = secret,
                                       .event_id = arena_strdup(a, did),
                                       .event_type = trigger,
                                       .endpoint_id = json_get_str(hook, "id"),
                                       .extra_headers = extra,
                                       .user_agent = "Box-WH-Client/0.1"});
}

/* Delivers trigger to the webhooks covering item; the payload's source is
 * source when given (a collaboration), else the item as it is now. */
static void fire_webhooks(twin_ctx *ctx, const char *trigger, const json_value *item, const json_value *source)
{
    twin_list l = {0};
    store_list_opts o = {0};
    twin_doc_list(ctx, "webhooks", &o, &l);
    const char *text = NULL;
    for (size_t i = 0; i < l.n; i++) {
        if (!has_trigger(l.items[i], trigger) || !hook_covers(ctx, l.items[i], item)) continue;
        if (!text) text = source ? json_to_string(ctx->a, source, NULL) : snapshot_text(ctx, item);
        deliver(ctx, l.items[i], trigger, text);
    }
}

void bx_emit(twin_ctx *ctx, const char *event_type, const char *trigger, const json_value *item)
{
    if (ctx->seeding) return;   /* seeded content is the baseline, not history */
    if (event_type) record_event(ctx, event_type, NULL, item, NULL);
    if (trigger) fire_webhooks(ctx, trigger, item, NULL);
}

void bx_emit_collab(twin_ctx *ctx, const char *event_type, const char *admin_type, const char *trigger,
                    const json_value *item, const json_value *collab)
{
    if (ctx->seeding || !item) return;
    if (event_type || admin_type) record_event(ctx, event_type, admin_type, item, NULL);
    if (trigger) fire_webhooks(ctx, trigger, item, collab);
}

void bx_emit_about(twin_ctx *ctx, const char *event_type, const char *trigger, const json_value *item,
                   const json_value *about)
{
    if (ctx->seeding || !item) return;
    if (event_type) record_event(ctx, event_type, NULL, item, about);
    if (trigger) fire_webhooks(ctx, trigger, item, about);
}

/* ---- GET /events ---- */

static const char *admin_event_type(const char *t)
{
    static const char *const map[][2] = {
        {"ITEM_UPLOAD", "UPLOAD"}, {"ITEM_CREATE", "UPLOAD"}, {"ITEM_RENAME", "RENAME"}, {"ITEM_MOVE", "MOVE"},
        {"ITEM_COPY", "COPY"},     {"ITEM_TRASH", "DELETE"},  {"ITEM_UNDELETE_VIA_TRASH", "UNDELETE"},
        {"ITEM_DOWNLOAD", "DOWNLOAD"}, {"ITEM_MODIFY", "EDIT"}, {"ITEM_MAKE_CURRENT_VERSION", "FILE_VERSION_RESTORE"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (str_eq(map[i][0], t)) return map[i][1];
    return t;
}

static json_value *user_event(twin_ctx *ctx, const json_value *e)
{
    arena *a = ctx->a;
    int64_t t = 0;
    json_int64(json_get(e, "time"), &t);
    json_value *o = json_object(a);
    json_set_str(a, o, "type", "event");
    json_set_str(a, o, "event_id", json_get_str(e, "event_id"));
    json_set(a, o, "created_by", bx_user_mini(ctx, json_get_str(e, "created_by")));
    json_set_str(a, o, "created_at", bx_time(ctx, t));
    json_set_str(a, o, "recorded_at", bx_time(ctx, t));
    json_set_str(a, o, "event_type", json_get_str(e, "event_type"));
    /* one session per event: the twin has no login sessions to group them */
    const char *eid = json_get_str(e, "event_id");
    json_set(a, o, "session_id", json_stringn(a, eid, strlen(eid) > 24 ? 24 : strlen(eid)));
    json_set(a, o, "source", json_clone(a, json_get(e, "source")));
    return o;
}

/* The enterprise event type of a recorded event. */
static const char *admin_type_of(const json_value *e)
{
    const char *t = json_get_str(e, "admin_event_type");
    return t ? t : admin_event_type(json_get_str(e, "event_type"));
}

static json_value *admin_event(twin_ctx *ctx, const json_value *e)
{
    arena *a = ctx->a;
    json_value *src = json_get(e, "item") ? json_get(e, "item") : json_get(e, "source");
    json_value *o = user_event(ctx, e), *s = json_object(a);
    json_set_str(a, o, "event_type", admin_type_of(e));
    json_set_str(a, s, "item_type", json_get_str(src, "type"));
    json_set_str(a, s, "item_id", json_get_str(src, "id"));
    json_set_str(a, s, "item_name", json_get_str(src, "name"));
    json_value *parent = json_get(src, "parent");
    json_set(a, s, "parent", parent ? json_clone(a, parent) : json_null(a));
    json_set(a, s, "owned_by", json_clone(a, json_get(src, "owned_by")));
    json_set(a, o, "source", s);
    json_set_str(a, o, "ip_address", "127.0.0.1");
    json_set_null(a, o, "additional_details");
    return o;
}

#define EVENT_CHUNK 100

static int64_t last_event_seq(twin_ctx *ctx)
{
    twin_list l = {0};
    store_list_opts o = {.limit = 1, .newest_first = true};
    int64_t seq = 0;
    if (twin_doc_list(ctx, "events", &o, &l) == 0 && l.n) json_int64(json_get(l.items[0], "seq"), &seq);
    return seq;
}

/* A stream position is an event seq tied to the twin's epoch (decimal
 * cursors: the first history keeps plain seqs).  Box documents no error for
 * a position it no longer knows, only that 0 reads every event still there;
 * a position from before a reset reads like 0, so a client holding one sees
 * everything since the reset instead of nothing until the new history
 * passes its old seq.  Positions stay below 2^53: the user stream's are
 * JSON numbers. */
static const twin_cursor_form stream_position_form = {
    .stride = 1000000000000LL,  /* 10^12 events per epoch */
    .span = 9000,               /* epochs told apart */
};

/* Where reading for stream position from starts: *cursor gets the event at
 * that position (the list goes on after it), or NULL to read from the first
 * event (position 0, or no event there: the caller skips seq <= from).
 * False when nothing can follow: the position is at or past the newest. */
static bool events_from(twin_ctx *ctx, int64_t from, const char **cursor)
{
    *cursor = NULL;
    if (from <= 0) return true;
    const char *id = event_id(ctx->a, from);
    if (twin_doc_get(ctx, "events", id)) {
        *cursor = id;
        return true;
    }
    return from < last_event_seq(ctx);
}

void bx_events(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *type = bx_query(ctx, "stream_type");
    if (!type) type = "all";
    bool admin = str_eq(type, "admin_logs") || str_eq(type, "admin_logs_streaming");
    if (admin && !bx_is_admin(ctx)) return bx_forbidden(ctx);   /* enterprise events are for admins */
    if (!admin && !str_eq(type, "all") && !str_eq(type, "changes") && !str_eq(type, "sync"))
        return bx_bad_request(ctx, "invalid_parameter", "stream_type",
                              arena_printf(a, "Invalid value '%s'. 'stream_type' is not valid", type));
    int64_t limit = 100, limit_arg = 0;
    const char *ls = bx_query(ctx, "limit");
    if (ls) {
        char *end;
        limit_arg = strtoll(ls, &end, 10);
        if (*end || limit_arg < 1) return bx_bad_request(ctx, "invalid_parameter", "limit",
                                                         arena_printf(a, "Invalid value '%s'.", ls));
        limit = limit_arg > 500 ? 500 : limit_arg;
    }
    const char *pos = bx_query(ctx, "stream_position");
    int64_t from = 0;
    json_value *out = json_object(a), *entries = json_array(a);
    if (str_eq(pos, "now")) {
        from = last_event_seq(ctx);
    } else if (pos && *pos) {
        twin_cursor_state st = twin_cursor_read(ctx, &stream_position_form, pos, &from);
        if (st == TWIN_CURSOR_MALFORMED)
            return bx_bad_request(ctx, "invalid_parameter", "stream_position",
                                  arena_printf(a, "Invalid value '%s'.", pos));
        if (st == TWIN_CURSOR_STALE) from = 0;
    }
    const char *types = bx_query(ctx, "event_type");
    int64_t after = -1, before = -1;
    if (bx_query(ctx, "created_after")) after = parse_iso8601_ms(bx_query(ctx, "created_after")) / 1000;
    if (bx_query(ctx, "created_before")) before = parse_iso8601_ms(bx_query(ctx, "created_before")) / 1000;
    int64_t next = from;
    /* Read from the stream position on, a chunk at a time, until the page is
     * full: every event scanned moves next_stream_position, kept or not. */
    const char *cursor = NULL;
    bool readable = events_from(ctx, from, &cursor);
    while (readable && (int64_t)entries->len < limit) {
        twin_list l = {0};
        store_list_opts o = {.limit = (size_t)(limit < EVENT_CHUNK ? EVENT_CHUNK : limit), .starting_after = cursor};
        if (twin_doc_list(ctx, "events", &o, &l) != 0 || !l.n) break;
        for (size_t i = 0; i < l.n && (int64_t)entries->len < limit; i++) {
            json_value *e = l.items[i];
            int64_t seq = 0, t = 0;
            json_int64(json_get(e, "seq"), &seq);
            json_int64(json_get(e, "time"), &t);
            if (seq <= from) continue;
            next = seq;
            if (!admin && (json_truthy(json_get(e, "admin_only")) || !bx_event_visible(ctx, e))) continue;
            const char *et = json_get_str(e, "event_type");
            /* "changes" leaves out events that change nothing */
            if (str_eq(type, "changes") && str_eq(et, "ITEM_DOWNLOAD")) continue;
            if (admin && (!bx_csv_has(types, admin_type_of(e)) || (after >= 0 && t < after) || (before >= 0 && t > before)))
                continue;
            json_push(entries, admin ? admin_event(ctx, e) : user_event(ctx, e));
        }
        int64_t last_read = 0;
        json_int64(json_get(l.items[l.n - 1], "seq"), &last_read);
        cursor = event_id(a, last_read);
        readable = l.has_more;
    }
    json_set_int(a, out, "chunk_size", entries->len);
    /* admin_logs positions are strings, user stream positions numbers */
    int64_t next_position = twin_cursor_number(ctx, &stream_position_form, next);
    if (admin) json_set_str(a, out, "next_stream_position", arena_printf(a, "%lld", (long long)next_position));
    else json_set_int(a, out, "next_stream_position", next_position);
    json_set(a, out, "entries", entries);
    twin_reply_json(ctx, 200, out);
}

/* ---- /webhooks ---- */

static const char *const valid_triggers[] = {
    "FILE.UPLOADED", "FILE.PREVIEWED", "FILE.DOWNLOADED", "FILE.TRASHED", "FILE.DELETED", "FILE.RESTORED",
    "FILE.COPIED", "FILE.MOVED", "FILE.LOCKED", "FILE.UNLOCKED", "FILE.RENAMED", "COMMENT.CREATED",
    "COMMENT.UPDATED", "COMMENT.DELETED", "TASK_ASSIGNMENT.CREATED", "TASK_ASSIGNMENT.UPDATED",
    "METADATA_INSTANCE.CREATED", "METADATA_INSTANCE.UPDATED", "METADATA_INSTANCE.DELETED", "FOLDER.CREATED",
    "FOLDER.RENAMED", "FOLDER.DOWNLOADED", "FOLDER.RESTORED", "FOLDER.DELETED", "FOLDER.COPIED", "FOLDER.MOVED",
    "FOLDER.TRASHED", "WEBHOOK.DELETED", "COLLABORATION.CREATED", "COLLABORATION.ACCEPTED",
    "COLLABORATION.REJECTED", "COLLABORATION.REMOVED", "COLLABORATION.UPDATED", "SHARED_LINK.DELETED",
    "SHARED_LINK.CREATED", "SHARED_LINK.UPDATED", "SIGN_REQUEST.COMPLETED", "SIGN_REQUEST.DECLINED",
    "SIGN_REQUEST.EXPIRED", "SIGN_REQUEST.SIGNER_EMAIL_BOUNCED", "SIGN_REQUEST.SIGN_SIGNER_SIGNED",
    "SIGN_REQUEST.SIGN_DOCUMENT_CREATED", "SIGN_REQUEST.SIGN_ERROR_FINALIZING", NULL};

static json_value *webhook_target(twin_ctx *ctx, const json_value *hook)
{
    json_value *t = json_object(ctx->a);
    json_set_str(ctx->a, t, "id", json_get_str(hook, "target_id"));
    json_set_str(ctx->a, t, "type", json_get_str(hook, "target_type"));
    return t;
}

static json_value *webhook_json(twin_ctx *ctx, const json_value *hook, bool mini)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "id", json_get_str(hook, "id"));
    json_set_str(a, o, "type", "webhook");
    json_set(a, o, "target", webhook_target(ctx, hook));
    if (mini) return o;
    json_set(a, o, "created_by", bx_user_mini(ctx, json_get_str(hook, "created_by")));
    json_set_str(a, o, "created_at", json_get_str(hook, "created_at"));
    json_set_str(a, o, "address", json_get_str(hook, "address"));
    json_set(a, o, "triggers", json_clone(a, json_get(hook, "triggers")));
    return o;
}

/* Validates target/address/triggers from the body into hook; answers and
 * returns false on bad input.  On update every member is optional. */
static bool webhook_fields(twin_ctx *ctx, json_value *hook, bool create)
{
    arena *a = ctx->a;
    json_value *body = ctx->body, *target = json_get(body, "target"), *triggers = json_get(body, "triggers");
    const char *address = json_get_str(body, "address");
    if (create && !target) return bx_missing(ctx, "target"), false;
    if (create && !address) return bx_missing(ctx, "address"), false;
    if (create && !triggers) return bx_missing(ctx, "triggers"), false;
    if (target) {
        const char *tt = json_get_str(target, "type"), *tid = json_get_str(target, "id");
        if (!str_eq(tt, "file") && !str_eq(tt, "folder"))
            return bx_bad_request(ctx, "invalid_parameter", "target", "'target.type' must be 'file' or 'folder'"), false;
        if (!tid) return bx_missing(ctx, "target.id"), false;
        if (str_eq(tt, "folder") && str_eq(tid, "0"))
            return bx_bad_request(ctx, "invalid_parameter", "target", "Webhooks cannot be created on the root folder"),
                   false;
        json_value *item = bx_item_get(ctx, tt, tid);
        if (!item || bx_is_trashed(item) || !bx_visible(ctx, item)) return bx_not_found(ctx, "target", tid), false;
        json_set_str(a, hook, "target_type", tt);
        json_set_str(a, hook, "target_id", tid);
    }
    if (address) {
        if (!str_starts_with(address, "https://") && !str_starts_with(address, "http://"))
            return bx_bad_request(ctx, "invalid_parameter", "address", "'address' must be an HTTPS URL"), false;
        json_set_str(a, hook, "address", address);
    }
    if (triggers) {
        if (triggers->type != JSON_ARRAY || !triggers->len)
            return bx_bad_request(ctx, "invalid_parameter", "triggers", "'triggers' must be a non-empty array"), false;
        json_foreach(t, triggers) {
            bool ok = false;
            for (size_t i = 0; valid_triggers[i]; i++) ok |= str_eq(json_str(t), valid_triggers[i]);
            if (!ok)
                return bx_bad_request(ctx, "invalid_parameter", "triggers",
                                      arena_printf(a, "Invalid value '%s'. 'triggers' contains an unknown trigger",
                                                   json_str(t) ? t->str : "")),
                       false;
        }
        json_set(a, hook, "triggers", json_clone(a, triggers));
    }
    return true;
}

static json_value *duplicate_hook(twin_ctx *ctx, const json_value *hook)
{
    twin_list l = {0};
    store_list_opts o = {0};
    twin_doc_list(ctx, "webhooks", &o, &l);
    for (size_t i = 0; i < l.n; i++)
        if (!str_eq(json_get_str(l.items[i], "id"), json_get_str(hook, "id")) &&
            str_eq(json_get_str(l.items[i], "target_id"), json_get_str(hook, "target_id")) &&
            str_eq(json_get_str(l.items[i], "target_type"), json_get_str(hook, "target_type")) &&
            str_eq(json_get_str(l.items[i], "address"), json_get_str(hook, "address")))
            return l.items[i];
    return NULL;
}

static void hook_conflict(twin_ctx *ctx, const json_value *dup)
{
    bx_error(ctx, 409, "conflict",
             arena_printf(ctx->a, "Webhook:%s already exists on the specified target.", json_get_str(dup, "id")), NULL);
}

void bx_webhooks_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *hook = json_object(a);
    if (!webhook_fields(ctx, hook, true)) return;
    json_value *dup = duplicate_hook(ctx, hook);
    if (dup) return hook_conflict(ctx, dup);
    const char *id = bx_next_id(ctx, "webhook");
    json_set_str(a, hook, "id", id);
    json_set_str(a, hook, "created_by", bx_me(ctx));
    json_set_str(a, hook, "created_at", bx_now(ctx));
    twin_doc_put(ctx, "webhooks", id, hook, NULL, 0);
    twin_reply_json(ctx, 201, webhook_json(ctx, hook, false));
}

static json_value *route_hook(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "webhook_id");
    json_value *h = twin_doc_get(ctx, "webhooks", id);
    if (!h) bx_not_found(ctx, "webhook", id);
    return h;
}

void bx_webhooks_get(twin_ctx *ctx)
{
    json_value *h = route_hook(ctx);
    if (h) twin_reply_json(ctx, 200, webhook_json(ctx, h, false));
}

void bx_webhooks_update(twin_ctx *ctx)
{
    json_value *h = route_hook(ctx);
    if (!h || !webhook_fields(ctx, h, false)) return;
    json_value *dup = duplicate_hook(ctx, h);
    if (dup) return hook_conflict(ctx, dup);
    twin_doc_put(ctx, "webhooks", json_get_str(h, "id"), h, NULL, 0);
    twin_reply_json(ctx, 200, webhook_json(ctx, h, false));
}

void bx_webhooks_delete(twin_ctx *ctx)
{
    json_value *h = route_hook(ctx);
    if (!h) return;
    twin_doc_delete(ctx, "webhooks", json_get_str(h, "id"));
    twin_reply_text(ctx, 204, NULL, "", 0);
}

void bx_webhooks_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    int64_t limit = 100, offset = 0;
    const char *ls = bx_query(ctx, "limit"), *marker = bx_query(ctx, "marker");
    if (ls) {
        char *end;
        limit = strtoll(ls, &end, 10);
        if (*end || limit < 1) return bx_bad_request(ctx, "invalid_parameter", "limit", arena_printf(a, "Invalid value '%s'.", ls));
        if (limit > 200) limit = 200;
    }
    if (marker && *marker && !bx_marker_decode(ctx, marker, &offset)) return;
    twin_list l = {0};
    store_list_opts o = {0};
    twin_doc_list(ctx, "webhooks", &o, &l);
    bx_page page = bx_page_start(ctx, offset, limit);
    for (size_t i = 0; i < l.n; i++)
        if (bx_page_take(&page)) json_push(page.entries, webhook_json(ctx, l.items[i], true));
    twin_reply_json(ctx, 200, bx_marker_page_json(ctx, &page, true));
}
