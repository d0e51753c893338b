/* Discord twin: threads.  Creating them (from a message, without one, a
 * forum post with its first message), their members, archiving and locking,
 * and the active and archived listings.
 *
 * A thread is a channel document (type 10 announcement, 11 public, 12
 * private) with parent_id, owner_id and thread_metadata; its members are
 * documents of "thread_members".  Discord's rules kept here: the creator
 * joins the thread, and so does whoever posts in it; member_count stops
 * counting at 50; posting in an archived thread unarchives it, but a locked
 * thread takes MANAGE_THREADS (without it: 400 / 50083 "Thread is archived");
 * adding or removing members of an archived thread is 50083 as well.  A
 * thread left auto_archive_duration minutes without activity archives itself
 * (dc_thread_settle, applied lazily whenever a thread is loaded). */
#include <stdlib.h>
#include <string.h>

#include "twins/discord/discord.h"
#include "util/util.h"

#define HAS_THREAD 32
#define MEMBER_COUNT_CAP 50

static json_value *channel_param(twin_ctx *ctx)
{
    const char *id = dc_param_sf(ctx, "channel_id");
    return id ? dc_channel_load(ctx, id) : NULL;
}

static void save_channel(twin_ctx *ctx, const json_value *c)
{
    dc_save(ctx, "channels", json_get_str(c, "id"), c, "guild", json_get_str(c, "guild_id"), "parent",
            dc_is_thread(c) ? json_get_str(c, "parent_id") : NULL);
}

static int64_t type_of(const json_value *c)
{
    int64_t t = -1;
    json_int64(json_get(c, "type"), &t);
    return t;
}

static bool flag(const json_value *thread, const char *name)
{
    return json_truthy(json_get(json_get(thread, "thread_metadata"), name));
}

static void cannot_on_type(twin_ctx *ctx)
{
    dc_error(ctx, 400, DC_UNKNOWN_CHANNEL_TYPE, "Cannot execute action on this channel type");
}

static void archived_error(twin_ctx *ctx)
{
    dc_error(ctx, 400, DC_ARCHIVED_THREAD, "Thread is archived");
}

/* ---- thread members ---- */

static const char *member_key(twin_ctx *ctx, const char *thread_id, const char *user_id)
{
    return arena_printf(ctx->a, "%s:%s", thread_id, user_id);
}

json_value *dc_thread_membership(twin_ctx *ctx, const char *thread_id, const char *user_id)
{
    return twin_doc_get(ctx, "thread_members", member_key(ctx, thread_id, user_id));
}

static json_value *member_render(twin_ctx *ctx, const json_value *thread, const json_value *tm, bool with_member)
{
    json_value *o = dc_public(ctx->a, tm);
    if (with_member) {
        const char *key = arena_printf(ctx->a, "%s:%s", json_get_str(thread, "guild_id"), json_get_str(tm, "user_id"));
        json_value *gm = twin_doc_get(ctx, "members", key);
        if (gm) json_set(ctx->a, o, "member", dc_member_render(ctx, gm));
    }
    return o;
}

static void count_members(twin_ctx *ctx, json_value *thread)
{
    int64_t n = twin_doc_count(ctx, "thread_members", "thread", json_get_str(thread, "id"));
    json_set_int(ctx->a, thread, "member_count", n < MEMBER_COUNT_CAP ? n : MEMBER_COUNT_CAP);
    save_channel(ctx, thread);
}

static void members_event(twin_ctx *ctx, const json_value *thread, const json_value *added, const char *removed)
{
    arena *a = ctx->a;
    json_value *ev = json_object(a);
    json_set_str(a, ev, "id", json_get_str(thread, "id"));
    json_set_str(a, ev, "guild_id", json_get_str(thread, "guild_id"));
    json_set(a, ev, "member_count", json_clone(a, json_get(thread, "member_count")));
    if (added) {
        json_value *arr = json_array(a);
        json_push(arr, member_render(ctx, thread, added, true));
        json_set(a, ev, "added_members", arr);
    }
    if (removed) {
        json_value *arr = json_array(a);
        json_push(arr, json_string(a, removed));
        json_set(a, ev, "removed_member_ids", arr);
    }
    dc_event(ctx, "THREAD_MEMBERS_UPDATE", ev);
}

/* Adds user_id to the thread (nothing when already there); returns the new member or NULL. */
static json_value *member_add(twin_ctx *ctx, json_value *thread, const char *user_id)
{
    const char *tid = json_get_str(thread, "id");
    if (dc_thread_membership(ctx, tid, user_id)) return NULL;
    arena *a = ctx->a;
    json_value *tm = json_object(a);
    json_set_str(a, tm, "id", tid);
    json_set_str(a, tm, "user_id", user_id);
    json_set_str(a, tm, "join_timestamp", dc_now_iso(ctx));
    json_set_int(a, tm, "flags", 0);
    dc_save(ctx, "thread_members", member_key(ctx, tid, user_id), tm, "thread", tid, NULL, NULL);
    count_members(ctx, thread);
    return tm;
}

static bool member_remove(twin_ctx *ctx, json_value *thread, const char *user_id)
{
    if (twin_doc_delete(ctx, "thread_members", member_key(ctx, json_get_str(thread, "id"), user_id)) != 0) return false;
    count_members(ctx, thread);
    return true;
}

void dc_thread_members_drop(twin_ctx *ctx, const char *thread_id)
{
    twin_list l = dc_list(ctx, "thread_members", "thread", thread_id);
    for (size_t i = 0; i < l.n; i++)
        twin_doc_delete(ctx, "thread_members", member_key(ctx, thread_id, json_get_str(l.items[i], "user_id")));
}

/* ---- creating threads ---- */

/* Validates name, auto_archive_duration and rate_limit_per_user, then stores
 * a thread under parent with the bot as its owner and first member. */
static json_value *thread_new(twin_ctx *ctx, const json_value *parent, const char *id, int type)
{
    arena *a = ctx->a;
    const char *name = json_get_str(ctx->body, "name");
    if (!dc_check_len(ctx, "name", name, 1, 100)) return NULL;
    int64_t archive, slow;
    if (!dc_int_arg(ctx, "auto_archive_duration", 4320, 60, 10080, &archive)) return NULL;
    if (archive != 60 && archive != 1440 && archive != 4320 && archive != 10080) {
        dc_form_error(ctx, "auto_archive_duration", "BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}.");
        return NULL;
    }
    if (!dc_int_arg(ctx, "rate_limit_per_user", 0, 0, 21600, &slow)) return NULL;
    const char *now = dc_now_iso(ctx);
    json_value *t = json_object(a), *md = json_object(a);
    json_set_str(a, t, "id", id);
    json_set_int(a, t, "type", type);
    json_set_null(a, t, "last_message_id");
    json_set_int(a, t, "flags", 0);
    json_set_str(a, t, "guild_id", json_get_str(parent, "guild_id"));
    json_set_str(a, t, "name", name);
    json_set_str(a, t, "parent_id", json_get_str(parent, "id"));
    json_set_int(a, t, "rate_limit_per_user", slow);
    json_set_str(a, t, "owner_id", dc_bot_id(ctx));
    json_set_bool(a, md, "archived", false);
    json_set_str(a, md, "archive_timestamp", now);
    json_set_int(a, md, "auto_archive_duration", archive);
    json_set_bool(a, md, "locked", false);
    json_set_str(a, md, "create_timestamp", now);
    if (type == 12) json_set_bool(a, md, "invitable", !json_get(ctx->body, "invitable") ||
                                                        json_truthy(json_get(ctx->body, "invitable")));
    json_set(a, t, "thread_metadata", md);
    json_set_int(a, t, "message_count", 0);
    json_set_int(a, t, "member_count", 0);
    json_set_int(a, t, "total_message_sent", 0);
    save_channel(ctx, t);
    member_add(ctx, t, dc_bot_id(ctx));
    return t;
}

/* The thread as the API answers it; with_member adds the bot's thread member when it has joined. */
static json_value *thread_render(twin_ctx *ctx, const json_value *t, bool with_member)
{
    json_value *o = dc_channel_render(ctx, t);
    json_value *tm = with_member ? dc_thread_membership(ctx, json_get_str(t, "id"), dc_bot_id(ctx)) : NULL;
    if (tm) json_set(ctx->a, o, "member", member_render(ctx, t, tm, false));
    return o;
}

/* Parent-channel slowmode counts thread creation on its own stamp; the
 * parent is saved only once the thread exists. */
static bool creation_slowmode_ok(twin_ctx *ctx, json_value *parent)
{
    return dc_slowmode_ok(ctx, parent, "_bot_thread_ms");
}

void dc_thread_from_message(twin_ctx *ctx)
{
    json_value *c = channel_param(ctx);
    const char *mid = c ? dc_param_sf(ctx, "message_id") : NULL;
    if (!mid) return;
    json_value *m = twin_doc_get(ctx, "messages", mid);
    if (!m || !str_eq(json_get_str(m, "channel_id"), json_get_str(c, "id")))
        return dc_error(ctx, 404, DC_UNKNOWN_MESSAGE, "Unknown Message");
    if (!dc_require_channel(ctx, c, DC_CREATE_PUBLIC_THREADS)) return;
    int64_t type = type_of(c);
    if (type != 0 && type != 5) return cannot_on_type(ctx);
    if (json_get_str(m, "_thread") || twin_doc_get(ctx, "channels", mid))
        return dc_error(ctx, 400, DC_THREAD_EXISTS, "A thread has already been created for this message");
    if (!creation_slowmode_ok(ctx, c)) return;
    /* A thread started from a message takes the message's id. */
    json_value *t = thread_new(ctx, c, mid, type == 5 ? 10 : 11);
    if (!t) return;
    save_channel(ctx, c);
    int64_t flags = 0;
    json_int64(json_get(m, "flags"), &flags);
    json_set_int(ctx->a, m, "flags", flags | HAS_THREAD);
    json_set_str(ctx->a, m, "_thread", mid);
    dc_save(ctx, "messages", mid, m, "channel", json_get_str(m, "channel_id"), NULL, NULL);
    json_value *out = thread_render(ctx, t, false);
    dc_event(ctx, "THREAD_CREATE", out);
    twin_reply_json(ctx, 201, out);
}

/* The thread type a POST /channels/{id}/threads makes in parent: a forum
 * post is public; an announcement channel's threads are announcement
 * threads (no private ones); a text channel takes 11 or 12 (default 12). */
static bool thread_kind(twin_ctx *ctx, int64_t ptype, int64_t *kind)
{
    if (ptype == 15) {
        *kind = 11;
        return true;
    }
    if (!dc_int_arg(ctx, "type", ptype == 5 ? 10 : 12, 10, 12, kind)) return false;
    if (ptype == 5 && *kind == 12) {
        cannot_on_type(ctx);
        return false;
    }
    if (ptype == 5) *kind = 10;
    else if (*kind == 10) {
        dc_form_error(ctx, "type", "BASE_TYPE_CHOICES", "Value must be one of {11, 12}.");
        return false;
    }
    return true;
}

void dc_thread_create(twin_ctx *ctx)
{
    json_value *c = channel_param(ctx);
    if (!c) return;
    int64_t ptype = type_of(c), kind = 12;
    json_int64(json_get(ctx->body, "type"), &kind);
    /* A forum post is a message; otherwise the thread's kind decides. */
    uint64_t need = ptype == 15 ? DC_SEND_MESSAGES : kind == 12 ? DC_CREATE_PRIVATE_THREADS : DC_CREATE_PUBLIC_THREADS;
    if (!dc_require_channel(ctx, c, need)) return;
    if (ptype != 0 && ptype != 5 && ptype != 15) return cannot_on_type(ctx);
    if (!thread_kind(ctx, ptype, &kind)) return;
    json_value *first = json_get(ctx->body, "message");
    if (ptype == 15 && (!first || first->type != JSON_OBJECT))
        return dc_form_error(ctx, "message", "BASE_TYPE_REQUIRED", "This field is required");
    if (!creation_slowmode_ok(ctx, c)) return;
    json_value *t = thread_new(ctx, c, dc_snowflake(ctx), (int)kind);
    if (!t) return;
    json_value *msg = NULL;
    if (ptype == 15) {
        /* A forum post's starter message lives in the new thread, under the
         * thread's id.  dc_message_post updates and saves t itself; when it
         * refuses, the error answer rolls the new thread back. */
        json_value *saved = ctx->body;
        ctx->body = first;
        json_set_str(ctx->a, t, "_starter_id", json_get_str(t, "id"));
        msg = dc_message_post(ctx, t, NULL);
        ctx->body = saved;
        if (!msg) return;
    }
    json_value *out = thread_render(ctx, t, true);
    if (msg) json_set(ctx->a, out, "message", msg);
    save_channel(ctx, c);     /* the parent's slowmode stamp, once the thread exists */
    dc_event(ctx, "THREAD_CREATE", out);
    twin_reply_json(ctx, 201, out);
}

/* ---- auto-archiving ---- */

/* When an active thread lapses: auto_archive_duration minutes after its last
 * activity, which is its last message or the latest of its creation,
 * unarchiving and auto_archive_duration change (each of which stamps
 * archive_timestamp, as on Discord).  -1 when that cannot be told. */
static int64_t lapse_ms(const json_value *t)
{
    const json_value *md = json_get(t, "thread_metadata");
    int64_t since = parse_iso8601_ms(json_get_str(md, "archive_timestamp")), minutes = 0;
    const char *last = json_get_str(t, "last_message_id");
    if (dc_sf(last) && dc_sf_ms(last) > since) since = dc_sf_ms(last);
    if (since < 0 || !json_int64(json_get(md, "auto_archive_duration"), &minutes) || minutes <= 0) return -1;
    return since + minutes * 60000;
}

/* The twin has no timers, so a lapsed thread is archived the first time it
 * is looked at afterwards, stamped with the moment it lapsed. */
json_value *dc_thread_settle(twin_ctx *ctx, json_value *channel)
{
    if (!channel || !dc_is_thread(channel) || flag(channel, "archived")) return channel;
    int64_t at = lapse_ms(channel);
    if (at < 0 || twin_now_ms(ctx) < at) return channel;
    json_value *md = json_get(channel, "thread_metadata");
    json_set_bool(ctx->a, md, "archived", true);
    json_set_str(ctx->a, md, "archive_timestamp", dc_iso(ctx, at));
    save_channel(ctx, channel);
    dc_event(ctx, "THREAD_UPDATE", dc_channel_render(ctx, channel));
    return channel;
}

/* ---- posting, editing ---- */

int dc_thread_open_for_send(twin_ctx *ctx, json_value *thread, bool by_webhook)
{
    bool archived = flag(thread, "archived"), locked = flag(thread, "locked");
    if (!archived && !locked) return 0;
    /* A webhook holds no permissions: a locked thread stays closed to it. */
    if (locked && (by_webhook || !dc_channel_has_any(ctx, thread, DC_MANAGE_THREADS))) {
        archived_error(ctx);
        return -1;
    }
    if (!archived) return 0;
    json_value *md = json_get(thread, "thread_metadata");
    json_set_bool(ctx->a, md, "archived", false);
    json_set_str(ctx->a, md, "archive_timestamp", dc_now_iso(ctx));
    return 1;
}

void dc_thread_after_send(twin_ctx *ctx, json_value *thread, bool unarchived, bool sender_joins)
{
    thread = twin_doc_get(ctx, "channels", json_get_str(thread, "id"));
    if (!thread) return;
    json_value *tm = sender_joins ? member_add(ctx, thread, dc_bot_id(ctx)) : NULL;
    if (tm) members_event(ctx, thread, tm, NULL);
    if (unarchived) dc_event(ctx, "THREAD_UPDATE", dc_channel_render(ctx, thread));
}

void dc_thread_message_gone(twin_ctx *ctx, json_value *thread, const char *message_id)
{
    if (str_eq(message_id, json_get_str(thread, "id"))) return;
    int64_t n = 0;
    json_int64(json_get(thread, "message_count"), &n);
    json_set_int(ctx->a, thread, "message_count", n > 0 ? n - 1 : 0);
    save_channel(ctx, thread);
}

/* Archiving, locking and invitable, as Discord allows them: an archived
 * thread takes no change unless the same request unarchives it; locking,
 * unlocking and invitable take MANAGE_THREADS (50013); unarchiving a locked
 * thread without it is 160005 "Thread is locked". */
bool dc_thread_update(twin_ctx *ctx, json_value *c)
{
    arena *a = ctx->a;
    json_value *md = json_get(c, "thread_metadata");
    json_value *archived = json_get(ctx->body, "archived"), *locked = json_get(ctx->body, "locked");
    json_value *invitable = json_get(ctx->body, "invitable");
    bool manage = dc_channel_has_any(ctx, c, DC_MANAGE_THREADS);
    if (flag(c, "archived") && !(archived && !json_truthy(archived))) {
        archived_error(ctx);
        return false;
    }
    if (((locked && json_truthy(locked) != flag(c, "locked")) || invitable) && !manage) {
        dc_missing_permissions(ctx);
        return false;
    }
    if (archived && !json_truthy(archived) && flag(c, "archived") && flag(c, "locked") && !manage &&
        !(locked && !json_truthy(locked))) {
        dc_error(ctx, 400, DC_THREAD_LOCKED, "Thread is locked");
        return false;
    }
    if (invitable && type_of(c) != 12) {
        dc_form_error(ctx, "invitable", "BASE_TYPE_INVALID", "Only private threads can be invitable.");
        return false;
    }
    if (json_get(ctx->body, "auto_archive_duration")) {
        int64_t v;
        if (!dc_int_arg(ctx, "auto_archive_duration", 4320, 60, 10080, &v)) return false;
        if (v != 60 && v != 1440 && v != 4320 && v != 10080) {
            dc_form_error(ctx, "auto_archive_duration", "BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}.");
            return false;
        }
        int64_t old = 0;
        json_int64(json_get(md, "auto_archive_duration"), &old);
        json_set_int(a, md, "auto_archive_duration", v);
        /* changing it counts as activity: the countdown starts again */
        if (v != old) json_set_str(a, md, "archive_timestamp", dc_now_iso(ctx));
    }
    if (archived && json_truthy(archived) != flag(c, "archived")) {
        json_set_bool(a, md, "archived", json_truthy(archived));
        json_set_str(a, md, "archive_timestamp", dc_now_iso(ctx));
    }
    if (locked) json_set_bool(a, md, "locked", json_truthy(locked));
    if (invitable) json_set_bool(a, md, "invitable", json_truthy(invitable));
    return true;
}

/* ---- member routes ---- */

/* The thread the path names; answers 50024 for a channel that is not one. */
static json_value *thread_param(twin_ctx *ctx)
{
    json_value *t = channel_param(ctx);
    if (!t || !dc_require_channel(ctx, t, 0)) return NULL;
    if (!dc_is_thread(t)) {
        cannot_on_type(ctx);
        return NULL;
    }
    return t;
}

static bool not_archived(twin_ctx *ctx, const json_value *t)
{
    if (!flag(t, "archived")) return true;
    archived_error(ctx);
    return false;
}

static void unknown_member(twin_ctx *ctx)
{
    dc_error(ctx, 404, DC_UNKNOWN_MEMBER, "Unknown Member");
}

void dc_thread_join(twin_ctx *ctx)
{
    json_value *t = thread_param(ctx);
    if (!t || !not_archived(ctx, t)) return;
    json_value *tm = member_add(ctx, t, dc_bot_id(ctx));
    if (tm) members_event(ctx, t, tm, NULL);
    dc_no_content(ctx);
}

void dc_thread_leave(twin_ctx *ctx)
{
    json_value *t = thread_param(ctx);
    if (!t || !not_archived(ctx, t)) return;
    if (member_remove(ctx, t, dc_bot_id(ctx))) members_event(ctx, t, NULL, dc_bot_id(ctx));
    dc_no_content(ctx);
}

/* A user who may be in the thread: a member of its guild (10013 / 10007 otherwise). */
static const char *guild_user_param(twin_ctx *ctx, const json_value *t)
{
    const char *uid = dc_param_sf(ctx, "user_id");
    if (!uid) return NULL;
    if (!dc_user_find(ctx, uid)) {
        dc_error(ctx, 404, DC_UNKNOWN_USER, "Unknown User");
        return NULL;
    }
    if (!twin_doc_get(ctx, "members", arena_printf(ctx->a, "%s:%s", json_get_str(t, "guild_id"), uid))) {
        unknown_member(ctx);
        return NULL;
    }
    return uid;
}

/* Adding someone takes being able to post in the thread; a private thread
 * that is not invitable takes MANAGE_THREADS as well. */
void dc_thread_member_add(twin_ctx *ctx)
{
    json_value *t = thread_param(ctx);
    if (!t || !dc_require_send(ctx, t)) return;
    if (type_of(t) == 12 && json_get(json_get(t, "thread_metadata"), "invitable") && !flag(t, "invitable") &&
        !dc_require_channel(ctx, t, DC_MANAGE_THREADS))
        return;
    const char *uid = guild_user_param(ctx, t);
    if (!uid || !not_archived(ctx, t)) return;
    json_value *tm = member_add(ctx, t, uid);
    if (tm) members_event(ctx, t, tm, NULL);
    dc_no_content(ctx);
}

/* Removing someone else takes MANAGE_THREADS, or owning the private thread. */
void dc_thread_member_remove(twin_ctx *ctx)
{
    json_value *t = thread_param(ctx);
    if (!t) return;
    bool own_private = type_of(t) == 12 && str_eq(json_get_str(t, "owner_id"), dc_bot_id(ctx));
    if (!dc_require_channel(ctx, t, own_private ? 0 : DC_MANAGE_THREADS)) return;
    const char *uid = guild_user_param(ctx, t);
    if (!uid || !not_archived(ctx, t)) return;
    if (!member_remove(ctx, t, uid)) return unknown_member(ctx);
    members_event(ctx, t, NULL, uid);
    dc_no_content(ctx);
}

void dc_thread_member_get(twin_ctx *ctx)
{
    json_value *t = thread_param(ctx);
    const char *uid = t ? dc_param_sf(ctx, "user_id") : NULL;
    if (!uid) return;
    json_value *tm = dc_thread_membership(ctx, json_get_str(t, "id"), uid);
    if (!tm) return unknown_member(ctx);
    twin_reply_json(ctx, 200, member_render(ctx, t, tm, dc_bool_arg(ctx, "with_member")));
}

static int cmp_user_id(const void *x, const void *y)
{
    uint64_t a = dc_sf(json_get_str(*(json_value *const *)x, "user_id"));
    uint64_t b = dc_sf(json_get_str(*(json_value *const *)y, "user_id"));
    return a < b ? -1 : a > b;
}

/* Members by user id; after (a user id) and limit 1..100 page through them. */
void dc_thread_members_list(twin_ctx *ctx)
{
    json_value *t = thread_param(ctx);
    if (!t) return;
    int64_t limit;
    if (!dc_int_arg(ctx, "limit", 100, 1, 100, &limit)) return;
    const char *after_s = json_get_str(ctx->query, "after");
    uint64_t after = 0;
    if (after_s && !dc_sf_parse(after_s, &after))
        return dc_form_error(ctx, "after", "NUMBER_TYPE_COERCE", "Value \"after\" is not snowflake.");
    bool with_member = dc_bool_arg(ctx, "with_member");
    twin_list l = dc_list(ctx, "thread_members", "thread", json_get_str(t, "id"));
    qsort(l.items, l.n, sizeof *l.items, cmp_user_id);
    json_value *out = json_array(ctx->a);
    for (size_t i = 0; i < l.n && (int64_t)out->len < limit; i++)
        if (dc_sf(json_get_str(l.items[i], "user_id")) > after) json_push(out, member_render(ctx, t, l.items[i], with_member));
    twin_reply_json(ctx, 200, out);
}

/* ---- listings ---- */

static bool bot_sees(twin_ctx *ctx, const json_value *t)
{
    return dc_channel_has_any(ctx, t, DC_VIEW_CHANNEL);
}

/* {threads, members (the bot's, for the threads it joined), has_more}. */
static json_value *threads_body(twin_ctx *ctx, json_value *threads, bool more)
{
    arena *a = ctx->a;
    json_value *members = json_array(a);
    const char *bot = dc_bot_id(ctx);
    json_foreach(t, threads) {
        json_value *tm = dc_thread_membership(ctx, json_get_str(t, "id"), bot);
        if (tm) json_push(members, member_render(ctx, t, tm, false));
    }
    json_value *o = json_object(a);
    json_set(a, o, "threads", threads);
    json_set(a, o, "members", members);
    json_set_bool(a, o, "has_more", more);
    return o;
}

void dc_threads_active(twin_ctx *ctx)
{
    const char *gid = dc_param_sf(ctx, "guild_id");
    json_value *g = gid ? dc_guild_load(ctx, gid) : NULL;
    if (!g || !dc_require_guild(ctx, g, 0)) return;
    twin_list l = dc_list(ctx, "channels", "guild", gid);
    json_value *threads = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++) {
        const json_value *t = dc_thread_settle(ctx, l.items[i]);
        if (dc_is_thread(t) && !flag(t, "archived") && bot_sees(ctx, t)) json_push(threads, dc_channel_render(ctx, t));
    }
    twin_reply_json(ctx, 200, threads_body(ctx, threads, false));
}

static int64_t archived_ms(const json_value *t)
{
    return parse_iso8601_ms(json_get_str(json_get(t, "thread_metadata"), "archive_timestamp"));
}

static int cmp_archived_desc(const void *x, const void *y)
{
    int64_t a = archived_ms(*(json_value *const *)x), b = archived_ms(*(json_value *const *)y);
    if (a != b) return a > b ? -1 : 1;
    uint64_t i = dc_sf(json_get_str(*(json_value *const *)x, "id")), j = dc_sf(json_get_str(*(json_value *const *)y, "id"));
    return i > j ? -1 : i < j;
}

static int cmp_id_desc(const void *x, const void *y)
{
    uint64_t a = dc_sf(json_get_str(*(json_value *const *)x, "id"));
    uint64_t b = dc_sf(json_get_str(*(json_value *const *)y, "id"));
    return a > b ? -1 : a < b;
}

enum archive_list { PUBLIC_ARCHIVED, PRIVATE_ARCHIVED, JOINED_PRIVATE_ARCHIVED };

static bool listed(twin_ctx *ctx, const json_value *t, enum archive_list which)
{
    if (!dc_is_thread(t) || !flag(t, "archived")) return false;
    bool private = type_of(t) == 12;
    if (which == PUBLIC_ARCHIVED) return !private;
    if (!private) return false;
    return which == PRIVATE_ARCHIVED || dc_thread_membership(ctx, json_get_str(t, "id"), dc_bot_id(ctx));
}

/* The parent's archived threads of one kind, newest first: by archive time
 * (before an ISO time) for the public and private lists, by id (before a
 * thread id) for the bot's joined private ones; limit 1..100, default 50. */
static void archived_list(twin_ctx *ctx, enum archive_list which)
{
    json_value *c = channel_param(ctx);
    uint64_t need = DC_READ_MESSAGE_HISTORY | (which == PRIVATE_ARCHIVED ? DC_MANAGE_THREADS : 0);
    if (!c || !dc_require_channel(ctx, c, need)) return;
    int64_t type = type_of(c);
    if (type != 0 && type != 5 && type != 15) return cannot_on_type(ctx);
    int64_t limit;
    if (!dc_int_arg(ctx, "limit", 50, 1, 100, &limit)) return;
    const char *before = json_get_str(ctx->query, "before");
    int64_t before_ms = -1;
    uint64_t before_id = 0;
    if (before && which != JOINED_PRIVATE_ARCHIVED && (before_ms = parse_iso8601_ms(before)) < 0)
        return dc_form_error(ctx, "before", "DATE_TYPE_PARSE", "Could not parse timestamp. Should be ISO8601.");
    if (before && which == JOINED_PRIVATE_ARCHIVED && !dc_sf_parse(before, &before_id))
        return dc_form_error(ctx, "before", "NUMBER_TYPE_COERCE", "Value \"before\" is not snowflake.");
    twin_list l = dc_list(ctx, "channels", "parent", json_get_str(c, "id")), keep = l;
    keep.n = 0;
    for (size_t i = 0; i < l.n; i++) {
        const json_value *t = dc_thread_settle(ctx, l.items[i]);
        if (!listed(ctx, t, which)) continue;
        if (before && which != JOINED_PRIVATE_ARCHIVED && archived_ms(t) >= before_ms) continue;
        if (before && which == JOINED_PRIVATE_ARCHIVED && dc_sf(json_get_str(t, "id")) >= before_id) continue;
        keep.items[keep.n++] = l.items[i];
    }
    qsort(keep.items, keep.n, sizeof *keep.items, which == JOINED_PRIVATE_ARCHIVED ? cmp_id_desc : cmp_archived_desc);
    json_value *threads = json_array(ctx->a);
    for (size_t i = 0; i < keep.n && (int64_t)i < limit; i++) json_push(threads, dc_channel_render(ctx, keep.items[i]));
    twin_reply_json(ctx, 200, threads_body(ctx, threads, (int64_t)keep.n > limit));
}

void dc_threads_archived_public(twin_ctx *ctx)
{
    archived_list(ctx, PUBLIC_ARCHIVED);
}

void dc_threads_archived_private(twin_ctx *ctx)
{
    archived_list(ctx, PRIVATE_ARCHIVED);
}

void dc_threads_joined_private(twin_ctx *ctx)
{
    archived_list(ctx, JOINED_PRIVATE_ARCHIVED);
}
