/* Slack twin: chat.* and reactions.*. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twins/slack/slack.h"
#include "util/util.h"

const char *slack_next_ts(twin_ctx *ctx)
{
    json_value *clock = twin_doc_get(ctx, "_settings", "clock");
    int64_t last = 0;
    if (clock) json_int64(json_get(clock, "last_us"), &last);
    int64_t t = twin_now(ctx) * 1000000 + 100;
    if (t <= last) t = last + 100;
    clock = json_object(ctx->a);
    json_set_int(ctx->a, clock, "last_us", t);
    twin_doc_put(ctx, "_settings", "clock", clock, NULL, 0);
    return arena_printf(ctx->a, "%lld.%06lld", (long long)(t / 1000000), (long long)(t % 1000000));
}

const char *slack_message_id(twin_ctx *ctx, const char *channel, const char *ts)
{
    return arena_printf(ctx->a, "%s-%s", channel, ts);
}

json_value *slack_message_get(twin_ctx *ctx, const char *channel, const char *ts)
{
    if (!channel || !ts || !*ts) return NULL;
    return twin_doc_get(ctx, "messages", slack_message_id(ctx, channel, ts));
}

bool slack_message_in_history(const json_value *m)
{
    const char *ts = json_get_str(m, "ts"), *thread = json_get_str(m, "thread_ts");
    return !thread || str_eq(thread, ts) || str_eq(json_get_str(m, "subtype"), "thread_broadcast");
}

void slack_message_save(twin_ctx *ctx, const char *channel, json_value *m)
{
    const char *ts = json_get_str(m, "ts"), *thread = json_get_str(m, "thread_ts");
    json_set_str(ctx->a, m, "_ch", channel);
    store_index idx[3] = {{"channel", channel}, {"thread", arena_printf(ctx->a, "%s:%s", channel, thread ? thread : ts)},
                          {"history", channel}};
    twin_doc_put(ctx, "messages", slack_message_id(ctx, channel, ts), m, idx, slack_message_in_history(m) ? 3 : 2);
}

/* What the stored messages' index entries look like; raise it when
 * slack_message_save indexes differently, and stores written before are
 * re-indexed once when they are next started (see slack_messages_reindex). */
#define MESSAGE_INDEX_VERSION 1   /* 1: the "history" entry */

/* Stores from builds before the "history" entry (data directories, shared
 * PostgreSQL stores, saved baselines) would show an empty
 * conversations.history.  Saving every message again writes its current
 * index entries; a replaced document keeps its place in the list, so
 * history's order stays the ts order.  A marker in _settings records the
 * version so this runs once per state. */
void slack_messages_reindex(twin_ctx *ctx)
{
    json_value *mark = twin_doc_get(ctx, "_settings", "message_index");
    int64_t version = 0;
    if (mark && json_int64(json_get(mark, "version"), &version) && version >= MESSAGE_INDEX_VERSION) return;
    json_value **all;
    size_t n = slack_all(ctx, "messages", NULL, NULL, &all);
    for (size_t i = 0; i < n; i++) {
        const char *channel = json_get_str(all[i], "_ch");
        if (channel && json_get_str(all[i], "ts")) slack_message_save(ctx, channel, all[i]);
    }
    mark = json_object(ctx->a);
    json_set_int(ctx->a, mark, "version", MESSAGE_INDEX_VERSION);
    twin_doc_put(ctx, "_settings", "message_index", mark, NULL, 0);
}

json_value *slack_message_render(twin_ctx *ctx, const json_value *m)
{
    json_value *c = json_clone(ctx->a, m);
    json_remove(c, "_ch");
    return c;
}

/* Slack lists at most this many repliers on a thread parent (reply_users);
 * reply_users_count still counts them all. */
#define REPLY_USERS_SHOWN 5

static const char *const thread_summary_keys[] = {"reply_count", "reply_users", "reply_users_count", "latest_reply",
                                                  "is_locked", "subscribed", NULL};

/* Rebuilds the parent's thread summary from the replies still stored; a
 * parent left without replies is a plain message again. */
static void summarize_thread(twin_ctx *ctx, const char *channel, json_value *parent)
{
    arena *a = ctx->a;
    const char *root = json_get_str(parent, "ts");
    json_value **msgs;
    size_t n = slack_all(ctx, "messages", "thread", arena_printf(a, "%s:%s", channel, root), &msgs);
    json_value *users = json_array(a);
    map seen;
    map_init(&seen);
    int64_t replies = 0, repliers = 0, latest_us = -1;
    const char *latest = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *ts = json_get_str(msgs[i], "ts"), *user = json_get_str(msgs[i], "user");
        if (str_eq(ts, root)) continue;
        replies++;
        if (slack_ts_us(ts) > latest_us) {
            latest_us = slack_ts_us(ts);
            latest = ts;
        }
        if (!user || map_get(&seen, user)) continue;
        map_put(&seen, user, msgs[i]);
        repliers++;
        if (users->len < REPLY_USERS_SHOWN) json_push(users, json_string(a, user));
    }
    map_free(&seen);
    if (!replies) {
        for (size_t i = 0; thread_summary_keys[i]; i++) json_remove(parent, thread_summary_keys[i]);
        json_remove(parent, "thread_ts");
    } else {
        json_set_int(a, parent, "reply_count", replies);
        json_set(a, parent, "reply_users", users);
        json_set_int(a, parent, "reply_users_count", repliers);
        json_set_str(a, parent, "latest_reply", latest);
    }
    slack_message_save(ctx, channel, parent);
}

/* Adds a just-stored reply to its parent's thread summary. */
static void note_reply(twin_ctx *ctx, const char *channel, json_value *parent, const char *user, const char *ts)
{
    arena *a = ctx->a;
    json_value *users = json_get(parent, "reply_users");
    bool listed = false;
    json_foreach(u, users) if (str_eq(u->str, user)) listed = true;
    /* Past the shown repliers, only the thread itself tells whether this one is new. */
    if (!listed && users && users->len >= REPLY_USERS_SHOWN) return summarize_thread(ctx, channel, parent);
    int64_t count = 0, repliers = 0;
    json_int64(json_get(parent, "reply_count"), &count);
    json_int64(json_get(parent, "reply_users_count"), &repliers);
    json_set_str(a, parent, "thread_ts", json_get_str(parent, "ts"));
    json_set_int(a, parent, "reply_count", count + 1);
    if (!users) {
        users = json_array(a);
        json_set(a, parent, "reply_users", users);
    }
    if (!listed) {
        json_push(users, json_string(a, user));
        repliers++;
    }
    json_set_int(a, parent, "reply_users_count", repliers);
    json_set_str(a, parent, "latest_reply", ts);
    json_set_bool(a, parent, "is_locked", false);
    json_set_bool(a, parent, "subscribed", false);
    slack_message_save(ctx, channel, parent);
}

json_value *slack_message_post(twin_ctx *ctx, const char *channel, const char *user, bool as_bot,
                               const char *text, const char *thread_ts, const char *subtype)
{
    arena *a = ctx->a;
    json_value *m = json_object(a);
    const char *ts = slack_next_ts(ctx);
    json_set_str(a, m, "type", "message");
    if (subtype) json_set_str(a, m, "subtype", subtype);
    json_set_str(a, m, "text", text ? text : "");
    json_set_str(a, m, "user", user);
    json_set_str(a, m, "ts", ts);
    json_set_str(a, m, "team", SLACK_TEAM_ID);
    if (as_bot) {
        json_value *u = slack_user_get(ctx, user);
        const char *bot_id = json_get_str(json_get(u, "profile"), "bot_id");
        json_set_str(a, m, "bot_id", bot_id ? bot_id : SLACK_BOT_ID);
        json_set_str(a, m, "app_id", SLACK_APP_ID);
    }
    json_value *parent = thread_ts ? slack_message_get(ctx, channel, thread_ts) : NULL;
    if (parent) {
        const char *root = json_get_str(parent, "thread_ts");
        if (root && !str_eq(root, thread_ts)) parent = slack_message_get(ctx, channel, root);
    }
    if (parent) {
        json_set_str(a, m, "thread_ts", json_get_str(parent, "ts"));
        json_set_str(a, m, "parent_user_id", json_get_str(parent, "user"));
    }
    slack_message_save(ctx, channel, m);
    if (parent) note_reply(ctx, channel, parent, user, ts);
    return m;
}

void slack_system_message(twin_ctx *ctx, const char *channel, const char *user, const char *subtype,
                          const char *text)
{
    json_value *m = slack_message_post(ctx, channel, user, false, text, NULL, subtype);
    slack_emit_message_in(ctx, channel, m);
}

/* The channel a message may be posted to; answers the error otherwise. */
static json_value *postable_channel(twin_ctx *ctx)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    if (!c) return NULL;
    if (json_truthy(json_get(c, "is_archived"))) {
        slack_fail(ctx, "is_archived");
        return NULL;
    }
    slack_principal *me = slack_me(ctx);
    if (!slack_is_member(c, me->user_id) &&
        !(scopes_has(me->scopes, "chat:write.public") || scopes_has(me->scopes, "*"))) {
        slack_fail(ctx, "not_in_channel");
        return NULL;
    }
    return c;
}

/* Copies blocks / attachments / metadata arguments onto m; false when none carries content. */
static bool apply_content(twin_ctx *ctx, json_value *m, bool *bad)
{
    bool content = false;
    *bad = false;
    const char *const keys[] = {"blocks", "attachments", "metadata"};
    for (size_t i = 0; i < 3; i++) {
        json_value *raw = twin_input(ctx, keys[i]);
        if (!raw) continue;
        json_value *v = slack_json_arg(ctx, keys[i]);
        if (!v || (i < 2 && v->type != JSON_ARRAY) || (i == 2 && v->type != JSON_OBJECT)) {
            *bad = true;
            return false;
        }
        json_set(ctx->a, m, keys[i], json_clone(ctx->a, v));
        if (i < 2 && v->len) content = true;
    }
    return content;
}

void slack_chat_post_message(twin_ctx *ctx)
{
    arena *a = ctx->a;
    slack_scheduled_deliver(ctx);   /* what fell due first comes first in history */
    json_value *c = postable_channel(ctx);
    if (!c) return;
    const char *chan = json_get_str(c, "id");
    const char *text = twin_arg(ctx, "text");
    json_value *extra = json_object(a);
    bool bad;
    bool has_content = apply_content(ctx, extra, &bad);
    if (bad) return slack_fail(ctx, "invalid_blocks");
    if ((!text || !*text) && !has_content) return slack_fail(ctx, "no_text");
    if (text && strlen(text) > 40000) return slack_fail(ctx, "msg_too_long");
    const char *thread_ts = twin_arg(ctx, "thread_ts");
    if (thread_ts && !*thread_ts) thread_ts = NULL;
    if (thread_ts && !slack_message_get(ctx, chan, thread_ts)) return slack_fail(ctx, "thread_not_found");
    bool broadcast = thread_ts && slack_bool_arg(ctx, "reply_broadcast", false);
    slack_principal *me = slack_me(ctx);
    json_value *m = slack_message_post(ctx, chan, me->user_id, me->is_bot, text, thread_ts,
                                       broadcast ? "thread_broadcast" : NULL);
    json_foreach(e, extra) json_set(a, m, e->key, json_clone(a, e));
    const char *username = twin_arg(ctx, "username");
    if (username && me->is_bot) json_set_str(a, m, "username", username);
    slack_message_save(ctx, chan, m);
    slack_emit_message(ctx, c, m);
    json_value *o = slack_ok(ctx);
    json_set_str(a, o, "channel", chan);
    json_set_str(a, o, "ts", json_get_str(m, "ts"));
    json_set(a, o, "message", slack_message_render(ctx, m));
    slack_reply(ctx, o);
}

/* The message named by channel + ts; answers message_not_found. */
static json_value *message_arg(twin_ctx *ctx, json_value **chan_out, const char *ts_arg)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    if (!c) return NULL;
    json_value *m = slack_message_get(ctx, json_get_str(c, "id"), twin_arg(ctx, ts_arg));
    if (!m) {
        slack_fail(ctx, "message_not_found");
        return NULL;
    }
    *chan_out = c;
    return m;
}

void slack_chat_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *c;
    json_value *m = message_arg(ctx, &c, "ts");
    if (!m) return;
    slack_principal *me = slack_me(ctx);
    const char *subtype = json_get_str(m, "subtype");
    if (!str_eq(json_get_str(m, "user"), me->user_id) ||
        (subtype && !str_eq(subtype, "thread_broadcast") && !str_eq(subtype, "file_share")))
        return slack_fail(ctx, "cant_update_message");
    if (json_truthy(json_get(c, "is_archived"))) return slack_fail(ctx, "is_archived");
    const char *text = twin_arg(ctx, "text");
    json_value *extra = json_object(a);
    bool bad;
    bool has_content = apply_content(ctx, extra, &bad);
    if (bad) return slack_fail(ctx, "invalid_blocks");
    if ((!text || !*text) && !has_content) return slack_fail(ctx, "no_text");
    json_value *before = json_clone(a, m);
    if (text) json_set_str(a, m, "text", text);
    json_foreach(e, extra) json_set(a, m, e->key, json_clone(a, e));
    json_value *edited = json_object(a);
    json_set_str(a, edited, "user", me->user_id);
    json_set_str(a, edited, "ts", slack_next_ts(ctx));
    json_set(a, m, "edited", edited);
    const char *chan = json_get_str(c, "id");
    slack_message_save(ctx, chan, m);
    slack_emit_message_changed(ctx, c, before, m);
    json_value *o = slack_ok(ctx);
    json_set_str(a, o, "channel", chan);
    json_set_str(a, o, "ts", json_get_str(m, "ts"));
    json_set_str(a, o, "text", json_get_str(m, "text"));
    json_value *shown = slack_message_render(ctx, m);
    json_remove(shown, "ts");
    json_set(a, o, "message", shown);
    slack_reply(ctx, o);
}

void slack_chat_delete(twin_ctx *ctx)
{
    json_value *c;
    json_value *m = message_arg(ctx, &c, "ts");
    if (!m) return;
    slack_principal *me = slack_me(ctx);
    json_value *u = slack_user_get(ctx, me->user_id);
    bool admin = !me->is_bot && json_truthy(json_get(u, "is_admin"));
    if (!str_eq(json_get_str(m, "user"), me->user_id) && !admin) return slack_fail(ctx, "cant_delete_message");
    const char *chan = json_get_str(c, "id"), *ts = json_get_str(m, "ts");
    twin_doc_delete(ctx, "messages", slack_message_id(ctx, chan, ts));
    slack_pin_forget(ctx, chan, ts);
    /* A deleted reply leaves its parent's summary. */
    const char *thread = json_get_str(m, "thread_ts");
    json_value *parent = thread && !str_eq(thread, ts) ? slack_message_get(ctx, chan, thread) : NULL;
    if (parent) summarize_thread(ctx, chan, parent);
    slack_emit_message_deleted(ctx, c, m);
    json_value *o = slack_ok(ctx);
    json_set_str(ctx->a, o, "channel", chan);
    json_set_str(ctx->a, o, "ts", ts);
    slack_reply(ctx, o);
}

void slack_chat_post_ephemeral(twin_ctx *ctx)
{
    json_value *c = postable_channel(ctx);
    if (!c) return;
    const char *user = twin_arg(ctx, "user");
    if (!user || !*user || !slack_user_get(ctx, user)) return slack_fail(ctx, "user_not_found");
    if (!slack_is_member(c, user)) return slack_fail(ctx, "user_not_in_channel");
    const char *text = twin_arg(ctx, "text");
    json_value *extra = json_object(ctx->a);
    bool bad;
    bool has_content = apply_content(ctx, extra, &bad);
    if (bad) return slack_fail(ctx, "invalid_blocks");
    if ((!text || !*text) && !has_content) return slack_fail(ctx, "no_text");
    json_value *o = slack_ok(ctx);
    json_set_str(ctx->a, o, "message_ts", slack_next_ts(ctx));
    slack_reply(ctx, o);
}

const char *slack_permalink(twin_ctx *ctx, const char *chan, const json_value *m)
{
    const char *ts = json_get_str(m, "ts");
    char digits[32];
    size_t k = 0;
    for (const char *p = ts; p && *p && k + 1 < sizeof digits; p++)
        if (*p != '.') digits[k++] = *p;
    digits[k] = '\0';
    const char *url = arena_printf(ctx->a, "%s/archives/%s/p%s", ctx->inst->base_url, chan, digits);
    const char *thread = json_get_str(m, "thread_ts");
    if (thread && !str_eq(thread, ts)) url = arena_printf(ctx->a, "%s?thread_ts=%s&cid=%s", url, thread, chan);
    return url;
}

void slack_chat_get_permalink(twin_ctx *ctx)
{
    json_value *c;
    json_value *m = message_arg(ctx, &c, "message_ts");
    if (!m) return;
    const char *chan = json_get_str(c, "id");
    json_value *o = slack_ok(ctx);
    json_set_str(ctx->a, o, "channel", chan);
    json_set_str(ctx->a, o, "permalink", slack_permalink(ctx, chan, m));
    slack_reply(ctx, o);
}

void slack_chat_me_message(twin_ctx *ctx)
{
    json_value *c = postable_channel(ctx);
    if (!c) return;
    const char *text = twin_arg(ctx, "text");
    if (!text || !*text) return slack_fail(ctx, "no_text");
    slack_scheduled_deliver(ctx);
    slack_principal *me = slack_me(ctx);
    const char *chan = json_get_str(c, "id");
    json_value *m = slack_message_post(ctx, chan, me->user_id, me->is_bot, text, NULL, "me_message");
    slack_emit_message(ctx, c, m);
    json_value *o = slack_ok(ctx);
    json_set_str(ctx->a, o, "channel", chan);
    json_set_str(ctx->a, o, "ts", json_get_str(m, "ts"));
    slack_reply(ctx, o);
}

/* ---- scheduled messages ----
 *
 * "scheduled" holds one document per message waiting to be posted (index
 * "user" = who scheduled it): id, channel_id, post_at, date_created, text,
 * and what the post needs (_user, _bot, _thread_ts, _content).  Due messages
 * are posted by slack_scheduled_deliver, which the reading and posting
 * methods call first; a delivered message's ts is the delivery time, so
 * history stays in ts order.
 *
 * Those methods are the hot ones, so the _settings document "schedule"
 * keeps {"next_post_at"}: no later than the soonest pending post_at (a
 * deleted message may leave it early; the next pass corrects it), absent
 * when nothing is pending.  Until a message falls due a pass reads only
 * that document.  No document at all (a store from an older build) means
 * unknown: the next pass lists the queue and writes it. */

/* Slack accepts post_at up to 120 days ahead. */
#define SCHEDULE_HORIZON_S (120LL * 86400)
#define SCHEDULE_MARK "schedule"

typedef enum { SCHEDULE_UNKNOWN, SCHEDULE_NONE, SCHEDULE_AT } schedule_state;

static schedule_state schedule_mark(twin_ctx *ctx, int64_t *next)
{
    json_value *mark = twin_doc_get(ctx, "_settings", SCHEDULE_MARK);
    if (!mark) return SCHEDULE_UNKNOWN;
    return json_int64(json_get(mark, "next_post_at"), next) ? SCHEDULE_AT : SCHEDULE_NONE;
}

static void schedule_mark_save(twin_ctx *ctx, bool pending, int64_t next)
{
    json_value *mark = json_object(ctx->a);
    if (pending) json_set_int(ctx->a, mark, "next_post_at", next);
    twin_doc_put(ctx, "_settings", SCHEDULE_MARK, mark, NULL, 0);
}

static void deliver_one(twin_ctx *ctx, const json_value *s)
{
    const char *chan = json_get_str(s, "channel_id");
    twin_doc_delete(ctx, "scheduled", json_get_str(s, "id"));
    /* A channel deleted meanwhile takes its pending messages with it. */
    if (!slack_channel_get(ctx, chan)) return;
    const char *thread = json_get_str(s, "_thread_ts");
    if (thread && !slack_message_get(ctx, chan, thread)) thread = NULL;
    json_value *m = slack_message_post(ctx, chan, json_get_str(s, "_user"), json_truthy(json_get(s, "_bot")),
                                       json_get_str(s, "text"), thread, NULL);
    json_foreach(e, json_get(s, "_content")) json_set(ctx->a, m, e->key, json_clone(ctx->a, e));
    slack_message_save(ctx, chan, m);
    slack_emit_message_in(ctx, chan, m);
}

void slack_scheduled_deliver(twin_ctx *ctx)
{
    int64_t next = 0;
    schedule_state state = schedule_mark(ctx, &next);
    if (state == SCHEDULE_NONE) return;
    bool known = state == SCHEDULE_AT;
    int64_t now = known ? twin_now(ctx) : 0;
    if (known && next > now) return;
    json_value **all;
    size_t n = slack_all(ctx, "scheduled", NULL, NULL, &all);
    if (!known && n) now = twin_now(ctx);
    bool pending = false;
    for (size_t i = 0; i < n; i++) {
        int64_t post_at = 0;
        json_int64(json_get(all[i], "post_at"), &post_at);
        if (post_at <= now) {
            deliver_one(ctx, all[i]);
        } else if (!pending || post_at < next) {
            pending = true;
            next = post_at;
        }
    }
    schedule_mark_save(ctx, pending, next);
}

/* post_at as whole seconds; answers invalid_time / time_in_past / time_too_far. */
static bool schedule_time(twin_ctx *ctx, int64_t *out)
{
    const char *raw = twin_arg(ctx, "post_at");
    int64_t t = 0;
    bool digits = raw && *raw;
    for (const char *p = raw; digits && *p; p++) {
        if (*p == '.') break;   /* fractions of a second are dropped */
        if (*p < '0' || *p > '9' || t > INT64_MAX / 100) digits = false;
        else t = t * 10 + (*p - '0');
    }
    int64_t now = twin_now(ctx);
    const char *error = !digits ? "invalid_time" : t < now ? "time_in_past"
                        : t > now + SCHEDULE_HORIZON_S ? "time_too_far" : NULL;
    if (error) {
        slack_fail(ctx, error);
        return false;
    }
    *out = t;
    return true;
}

void slack_chat_schedule_message(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *c = postable_channel(ctx);
    if (!c) return;
    const char *text = twin_arg(ctx, "text");
    json_value *content = json_object(a);
    bool bad;
    bool has_content = apply_content(ctx, content, &bad);
    if (bad) return slack_fail(ctx, "invalid_blocks");
    if ((!text || !*text) && !has_content) return slack_fail(ctx, "no_text");
    if (text && strlen(text) > 40000) return slack_fail(ctx, "msg_too_long");
    int64_t post_at;
    if (!schedule_time(ctx, &post_at)) return;
    slack_principal *me = slack_me(ctx);
    const char *chan = json_get_str(c, "id"), *id = slack_new_id(ctx, "Q");
    json_value *s = json_object(a);
    json_set_str(a, s, "id", id);
    json_set_str(a, s, "channel_id", chan);
    json_set_int(a, s, "post_at", post_at);
    json_set_int(a, s, "date_created", twin_now(ctx));
    json_set_str(a, s, "text", text ? text : "");
    json_set_str(a, s, "_user", me->user_id);
    json_set_bool(a, s, "_bot", me->is_bot);
    const char *thread_ts = twin_arg(ctx, "thread_ts");
    if (thread_ts && *thread_ts) json_set_str(a, s, "_thread_ts", thread_ts);
    json_set(a, s, "_content", content);
    store_index idx[1] = {{"user", me->user_id}};
    twin_doc_put(ctx, "scheduled", id, s, idx, 1);
    int64_t next;
    schedule_state state = schedule_mark(ctx, &next);
    if (state == SCHEDULE_NONE || (state == SCHEDULE_AT && post_at < next)) schedule_mark_save(ctx, true, post_at);

    json_value *m = json_object(a);
    json_set_str(a, m, "type", "delayed_message");
    json_set_str(a, m, "text", text ? text : "");
    json_set_str(a, m, "user", me->user_id);
    json_set_str(a, m, "team", SLACK_TEAM_ID);
    if (me->is_bot) {
        const char *bot_id = json_get_str(json_get(slack_user_get(ctx, me->user_id), "profile"), "bot_id");
        json_set_str(a, m, "bot_id", bot_id ? bot_id : SLACK_BOT_ID);
        json_set_str(a, m, "app_id", SLACK_APP_ID);
    }
    json_foreach(e, content) json_set(a, m, e->key, json_clone(a, e));
    json_value *o = slack_ok(ctx);
    json_set_str(a, o, "channel", chan);
    json_set_str(a, o, "scheduled_message_id", id);
    json_set_int(a, o, "post_at", post_at);
    json_set(a, o, "message", m);
    slack_reply(ctx, o);
}

static int by_post_at(const void *x, const void *y)
{
    int64_t a = 0, b = 0;
    json_int64(json_get(*(json_value *const *)x, "post_at"), &a);
    json_int64(json_get(*(json_value *const *)y, "post_at"), &b);
    return (a > b) - (a < b);
}

/* The caller's pending messages, soonest first; channel, oldest and latest
 * (post_at bounds) narrow it. */
void slack_chat_scheduled_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *chan = twin_arg(ctx, "channel");
    if (chan && *chan) {
        json_value *c = slack_channel_get(ctx, chan);
        if (!c || !slack_channel_visible(ctx, c)) return slack_fail(ctx, "invalid_channel");
    } else {
        chan = NULL;
    }
    slack_scheduled_deliver(ctx);
    int64_t oldest = slack_int_arg(ctx, "oldest", 0), latest = slack_int_arg(ctx, "latest", INT64_MAX);
    json_value **all;
    size_t n = slack_all(ctx, "scheduled", "user", slack_me(ctx)->user_id, &all), k = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t post_at = 0;
        json_int64(json_get(all[i], "post_at"), &post_at);
        if (chan && !str_eq(json_get_str(all[i], "channel_id"), chan)) continue;
        if (post_at < oldest || post_at > latest) continue;
        all[k++] = all[i];
    }
    qsort(all, k, sizeof *all, by_post_at);
    size_t start, count;
    const char *next;
    if (!slack_paginate(ctx, all, k, "id", 100, 1000, &start, &count, &next)) return;
    json_value *list = json_array(a);
    for (size_t i = start; i < start + count; i++) {
        json_value *s = json_object(a);
        json_foreach(e, all[i]) if (e->key[0] != '_') json_set(a, s, e->key, json_clone(a, e));
        json_push(list, s);
    }
    json_value *o = slack_ok(ctx);
    json_set(a, o, "scheduled_messages", list);
    json_set(a, o, "response_metadata", slack_response_metadata(ctx, next));
    slack_reply(ctx, o);
}

void slack_chat_delete_scheduled(twin_ctx *ctx)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    if (!c) return;
    const char *id = slack_need(ctx, "scheduled_message_id", "invalid_scheduled_message_id");
    if (!id) return;
    slack_scheduled_deliver(ctx);   /* one already posted can no longer be deleted */
    json_value *s = twin_doc_get(ctx, "scheduled", id);
    if (!s || !str_eq(json_get_str(s, "channel_id"), json_get_str(c, "id")) ||
        !str_eq(json_get_str(s, "_user"), slack_me(ctx)->user_id))
        return slack_fail(ctx, "invalid_scheduled_message_id");
    twin_doc_delete(ctx, "scheduled", id);
    slack_reply(ctx, slack_ok(ctx));
}

/* ---- reactions ---- */

static json_value *reaction_target(twin_ctx *ctx, json_value **chan_out)
{
    const char *file = twin_arg(ctx, "file");
    if (file && *file && !twin_arg(ctx, "channel")) {
        slack_fail(ctx, "not_implemented");
        return NULL;
    }
    return message_arg(ctx, chan_out, "timestamp");
}

static const char *emoji_name(twin_ctx *ctx)
{
    const char *name = twin_arg(ctx, "name");
    if (!name || !*name) return NULL;
    size_t n = strlen(name);
    if (n > 2 && name[0] == ':' && name[n - 1] == ':') name = arena_strndup(ctx->a, name + 1, n - 2);
    return name;
}

void slack_reactions_add(twin_ctx *ctx)
{
    const char *name = emoji_name(ctx);
    if (!name) return slack_fail(ctx, "invalid_name");
    json_value *c;
    json_value *m = reaction_target(ctx, &c);
    if (!m) return;
    if (json_truthy(json_get(c, "is_archived"))) return slack_fail(ctx, "is_archived");
    arena *a = ctx->a;
    const char *me = slack_me(ctx)->user_id;
    json_value *list = json_get(m, "reactions");
    if (!list) {
        list = json_array(a);
        json_set(a, m, "reactions", list);
    }
    json_value *r = NULL;
    json_foreach(x, list) if (str_eq(json_get_str(x, "name"), name)) r = x;
    if (r) {
        json_foreach(u, json_get(r, "users")) if (str_eq(u->str, me)) return slack_fail(ctx, "already_reacted");
    } else {
        if (list->len >= 23) return slack_fail(ctx, "too_many_emoji");
        r = json_object(a);
        json_set_str(a, r, "name", name);
        json_set(a, r, "users", json_array(a));
        json_set_int(a, r, "count", 0);
        json_push(list, r);
    }
    json_push(json_get(r, "users"), json_string(a, me));
    json_set_int(a, r, "count", json_get(r, "users")->len);
    slack_message_save(ctx, json_get_str(c, "id"), m);
    slack_emit_reaction(ctx, "reaction_added", c, m, me, name);
    slack_reply(ctx, slack_ok(ctx));
}

void slack_reactions_remove(twin_ctx *ctx)
{
    const char *name = emoji_name(ctx);
    if (!name) return slack_fail(ctx, "invalid_name");
    json_value *c;
    json_value *m = reaction_target(ctx, &c);
    if (!m) return;
    arena *a = ctx->a;
    const char *me = slack_me(ctx)->user_id;
    json_value *kept = json_array(a);
    bool removed = false;
    json_foreach(x, json_get(m, "reactions")) {
        json_value *users = json_array(a);
        json_foreach(u, json_get(x, "users")) {
            if (str_eq(json_get_str(x, "name"), name) && str_eq(u->str, me)) removed = true;
            else json_push(users, json_string(a, u->str));
        }
        if (!users->len) continue;
        json_value *r = json_object(a);
        json_set_str(a, r, "name", json_get_str(x, "name"));
        json_set(a, r, "users", users);
        json_set_int(a, r, "count", users->len);
        json_push(kept, r);
    }
    if (!removed) return slack_fail(ctx, "no_reaction");
    if (kept->len) json_set(a, m, "reactions", kept);
    else json_remove(m, "reactions");
    slack_message_save(ctx, json_get_str(c, "id"), m);
    slack_emit_reaction(ctx, "reaction_removed", c, m, me, name);
    slack_reply(ctx, slack_ok(ctx));
}

void slack_reactions_get(twin_ctx *ctx)
{
    json_value *c;
    json_value *m = reaction_target(ctx, &c);
    if (!m) return;
    json_value *o = slack_ok(ctx);
    json_set_str(ctx->a, o, "type", "message");
    json_set_str(ctx->a, o, "channel", json_get_str(c, "id"));
    json_set(ctx->a, o, "message", slack_message_render(ctx, m));
    slack_reply(ctx, o);
}

static bool reacted_by(const json_value *m, const char *user)
{
    json_foreach(r, json_get(m, "reactions")) json_foreach(u, json_get(r, "users")) if (str_eq(u->str, user))
        return true;
    return false;
}

static json_value *reaction_item(twin_ctx *ctx, json_value *m)
{
    arena *a = ctx->a;
    json_value *item = json_object(a), *shown = slack_message_render(ctx, m);
    json_remove(shown, "_item");
    json_set_str(a, item, "type", "message");
    json_set_str(a, item, "channel", json_get_str(m, "_ch"));
    json_set(a, item, "message", shown);
    return item;
}

void slack_reactions_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *user = twin_arg(ctx, "user");
    if (!user || !*user) user = slack_me(ctx)->user_id;
    else if (!slack_user_get(ctx, user)) return slack_fail(ctx, "user_not_found");
    json_value **all;
    size_t n = slack_all(ctx, "messages", NULL, NULL, &all), k = 0;
    json_value **hits = arena_alloc(a, (n + 1) * sizeof *hits);
    map channels;
    map_init(&channels);
    for (size_t i = n; i-- > 0;) {   /* newest first */
        json_value *m = all[i];
        if (!reacted_by(m, user)) continue;
        json_value *c = slack_channel_cached(ctx, &channels, json_get_str(m, "_ch"));
        if (!c || !slack_channel_visible(ctx, c)) continue;
        /* The cursor names an item by channel and ts (a ts is unique per channel only). */
        json_set_str(a, m, "_item", arena_printf(a, "%s-%s", json_get_str(m, "_ch"), json_get_str(m, "ts")));
        hits[k++] = m;
    }
    map_free(&channels);
    size_t start, count;
    const char *next;
    if (!slack_paginate(ctx, hits, k, "_item", 100, 1000, &start, &count, &next)) return;
    json_value *items = json_array(a);
    for (size_t i = start; i < start + count; i++) json_push(items, reaction_item(ctx, hits[i]));
    json_value *o = slack_ok(ctx);
    json_set(a, o, "items", items);
    json_set(a, o, "response_metadata", slack_response_metadata(ctx, next));
    slack_reply(ctx, o);
}
