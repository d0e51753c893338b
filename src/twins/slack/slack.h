/* Slack twin: helpers shared by the method files.
 *
 * Collections (documents in Slack's own JSON shapes):
 *   users          Slack user objects (indexes "email", "name")
 *   conversations  channel / IM / MPIM objects plus a "members" array
 *                  (indexes "name", "dm_key" for IMs and MPIMs)
 *   messages       id "<channel>-<ts>" (indexes "channel", "thread" = "<channel>:<thread_ts>",
 *                  "history" = channel for what conversations.history shows)
 *   files          Slack file objects once an external upload is completed
 *   _uploads       pending external uploads (getUploadURLExternal → upload → complete)
 *   _file_content  uploaded bytes, base64
 *   _tokens        tokens issued by OAuth or registered by seeding
 *   _oauth_codes   authorization codes (single use)
 *   pins           pinned messages: id "<channel>-<ts>" {channel, ts, created, created_by} (index "channel")
 *   scheduled      chat.scheduleMessage's pending messages (index "user"), see chat.c
 *   reminders      Slack reminder objects (indexes "user", "creator"), see reminders.c
 *   bookmarks      Slack bookmark objects (index "channel"), see bookmarks.c
 *   usergroups     Slack subteam objects with "users" (index "handle"), see usergroups.c
 *   _reads         conversations.mark's read position per "<channel>:<user>"
 *   _dnd           dnd.setSnooze's snooze_endtime per user
 *   _presence      users.setPresence's manual away flag per user
 *   _settings      "workspace": tier, upload toggles and storage (seed / admin tier);
 *                  "schedule": when the soonest scheduled message falls due, see chat.c
 *   _events        "request_url": the Events API Request URL and its handshake, see events.c
 * Web API errors answer HTTP 200 {"ok": false, "error": code}. */
#ifndef TWINS_SLACK_H
#define TWINS_SLACK_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/scopes.h"
#include "engine/twin.h"
#include "util/map.h"

#define SLACK_TEAM_ID "TTWIN0001"
#define SLACK_BOT_USER "UTWINBOT"
#define SLACK_HUMAN_USER "UTWINUSR"
#define SLACK_BOT_ID "BTWINBOT1"
#define SLACK_APP_ID "ATWINAPP1"
#define SLACK_DEFAULT_BOT_TOKEN "xoxb-F9SXMECOSFOGYR3XKXWN"
#define SLACK_DEFAULT_USER_TOKEN "xoxp-F9SXMECOSFOGYR3XKXWN"
#define SLACK_GIB 1073741824LL

/* The caller, set by the authenticate hook. */
typedef struct slack_principal {
    const char *token;
    const char *user_id;
    bool is_bot;
    scope_set *scopes;          /* effective (disabled_scopes removed) */
    struct slack_delivery *delivery; /* events.c: this request's Events API settings, derived on first event */
} slack_principal;

static inline slack_principal *slack_me(twin_ctx *ctx) { return ctx->principal; }

/* ---- auth.c ---- */
bool slack_authenticate(twin_ctx *ctx, const twin_route *route);
void slack_send_error(twin_ctx *ctx, int status, const char *code, const char *message);
/* on_start: brings older stores up to date (slack_messages_reindex), sends
 * a new Events API Request URL its handshake (slack_events_start), then
 * creates the default users (bot, user) and #general when absent. */
void slack_ensure_workspace(twin_ctx *ctx);
const char *slack_team_name(twin_ctx *ctx);
const char *slack_team_domain(twin_ctx *ctx);
/* Config string list (JSON array or comma string), else defaults (comma string). */
scope_set *slack_config_scopes(twin_ctx *ctx, const char *key, const char *defaults);
void slack_oauth_authorize(twin_ctx *ctx);
void slack_oauth_access(twin_ctx *ctx);
/* Workspace settings doc merged over config (tier, file limits). */
json_value *slack_settings(twin_ctx *ctx);
void slack_settings_save(twin_ctx *ctx, const json_value *s);
int64_t slack_setting_int(twin_ctx *ctx, const json_value *s, const char *key, int64_t dflt);

/* ---- answers (auth.c) ---- */
json_value *slack_ok(twin_ctx *ctx);                  /* {"ok": true} */
/* Every JSON answer: a body with "ok": false marks the request failed
 * (twin_answer_failed), so its writes roll back although the status is 200. */
void slack_answer(twin_ctx *ctx, int status, json_value *body);
void slack_reply(twin_ctx *ctx, json_value *body);    /* HTTP 200 */
void slack_fail(twin_ctx *ctx, const char *error);   /* {"ok": false, "error"} */
/* False after answering missing_scope (with needed and provided) when the
 * caller's token lacks the scope. */
bool slack_require_scope(twin_ctx *ctx, const char *needed);
/* Reads a required argument; answers the Slack error (usually invalid_arguments
 * style code) and returns NULL when absent or empty. */
const char *slack_need(twin_ctx *ctx, const char *name, const char *error);
/* Integer arg, dflt when absent or not a number. */
int64_t slack_int_arg(twin_ctx *ctx, const char *name, int64_t dflt);
bool slack_bool_arg(twin_ctx *ctx, const char *name, bool dflt);
/* Opaque cursor helpers: "next_id:<id>" base64. */
const char *slack_cursor_encode(arena *a, const char *id);
const char *slack_cursor_decode(arena *a, const char *cursor);   /* NULL if malformed */
/* A JSON argument that may come as a JSON string (form posts) or a value. */
json_value *slack_json_arg(twin_ctx *ctx, const char *name);
/* The "limit" argument: dflt when absent or not positive, capped at max. */
size_t slack_page_limit(twin_ctx *ctx, size_t dflt, size_t max);
/* Cursor paging over an in-memory list: reads limit (default dflt, capped at
 * max) and cursor; sets [*start, *start + *count) and *next ("" at the end).
 * Returns false after answering invalid_cursor.  id_key names each item's id. */
bool slack_paginate(twin_ctx *ctx, json_value **items, size_t n, const char *id_key, size_t dflt, size_t max,
                    size_t *start, size_t *count, const char **next);
/* Every document of a collection (optionally one index value), in insertion order. */
size_t slack_all(twin_ctx *ctx, const char *collection, const char *index_name, const char *index_value,
                 json_value ***out);
json_value *slack_response_metadata(twin_ctx *ctx, const char *next);

/* Deterministic Slack-style id: prefix + 10 upper-case letters/digits. */
const char *slack_new_id(twin_ctx *ctx, const char *prefix);
/* Microseconds of a "1700000000.000100" ts; -1 when malformed. */
int64_t slack_ts_us(const char *ts);
/* Strips internal fields ("_ch") from a stored message copy. */
json_value *slack_message_render(twin_ctx *ctx, const json_value *m);
/* Posts a system message (channel_join, channel_topic, ...). */
void slack_system_message(twin_ctx *ctx, const char *channel, const char *user, const char *subtype,
                          const char *text);

/* ---- users.c ---- */
json_value *slack_user_get(twin_ctx *ctx, const char *id);
json_value *slack_user_skeleton(twin_ctx *ctx, const char *id, const char *name, const char *real_name, bool is_bot);
void slack_user_save(twin_ctx *ctx, const json_value *u);
/* Seeded user name or id -> id; NULL if none. */
const char *slack_user_resolve(twin_ctx *ctx, const char *name_or_id);
void slack_auth_test(twin_ctx *ctx);
void slack_users_list(twin_ctx *ctx);
void slack_users_info(twin_ctx *ctx);
void slack_users_lookup_by_email(twin_ctx *ctx);
void slack_team_info(twin_ctx *ctx);

/* ---- conversations.c ---- */
json_value *slack_channel_get(twin_ctx *ctx, const char *id);
/* slack_channel_get through a per-request cache (map_init'd by the caller):
 * listings that meet the same channel on many items read it once. */
json_value *slack_channel_cached(twin_ctx *ctx, map *cache, const char *id);
void slack_channel_save(twin_ctx *ctx, json_value *c);
/* Loads the channel named by the "channel" argument; answers channel_not_found. */
json_value *slack_channel_arg(twin_ctx *ctx, const char *arg);
bool slack_is_member(const json_value *c, const char *user);
/* Whether the caller may see the conversation at all (private ones: members only). */
bool slack_channel_visible(twin_ctx *ctx, const json_value *c);
void slack_add_member(twin_ctx *ctx, json_value *c, const char *user);
/* A new public/private channel (not stored). */
json_value *slack_channel_new(twin_ctx *ctx, const char *name, bool is_private, const char *creator);
/* Render for a caller (is_member, num_members; members removed). */
json_value *slack_channel_render(twin_ctx *ctx, const json_value *c);
void slack_conv_create(twin_ctx *ctx);
void slack_conv_list(twin_ctx *ctx);
void slack_conv_info(twin_ctx *ctx);
void slack_conv_mark(twin_ctx *ctx);
void slack_conv_join(twin_ctx *ctx);
void slack_conv_leave(twin_ctx *ctx);
void slack_conv_invite(twin_ctx *ctx);
void slack_conv_kick(twin_ctx *ctx);
void slack_conv_archive(twin_ctx *ctx);
void slack_conv_unarchive(twin_ctx *ctx);
void slack_conv_rename(twin_ctx *ctx);
void slack_conv_set_topic(twin_ctx *ctx);
void slack_conv_set_purpose(twin_ctx *ctx);
void slack_conv_members(twin_ctx *ctx);
void slack_conv_open(twin_ctx *ctx);
void slack_conv_history(twin_ctx *ctx);
void slack_conv_replies(twin_ctx *ctx);

/* ---- chat.c ---- */
/* Next message ts, unique and increasing: "1700000000.000100". */
const char *slack_next_ts(twin_ctx *ctx);
json_value *slack_message_get(twin_ctx *ctx, const char *channel, const char *ts);
/* The store id of a channel's message: "<channel>-<ts>". */
const char *slack_message_id(twin_ctx *ctx, const char *channel, const char *ts);
/* Whether conversations.history shows the message: top-level messages and
 * replies broadcast to the channel (index "history" = channel lists them). */
bool slack_message_in_history(const json_value *m);
/* on_start: re-indexes the messages of a store written by an older build
 * (the "history" entry), once. */
void slack_messages_reindex(twin_ctx *ctx);
/* Stores a message (new or updated); thread parents/replies indexed. */
void slack_message_save(twin_ctx *ctx, const char *channel, json_value *m);
/* Builds, stores and returns a message; thread_ts may be NULL.  Updates the parent. */
json_value *slack_message_post(twin_ctx *ctx, const char *channel, const char *user, bool as_bot,
                               const char *text, const char *thread_ts, const char *subtype);
void slack_chat_post_message(twin_ctx *ctx);
void slack_chat_update(twin_ctx *ctx);
void slack_chat_delete(twin_ctx *ctx);
void slack_chat_post_ephemeral(twin_ctx *ctx);
/* The message's web link (chat.getPermalink, search results). */
const char *slack_permalink(twin_ctx *ctx, const char *chan, const json_value *m);
void slack_chat_get_permalink(twin_ctx *ctx);
void slack_chat_me_message(twin_ctx *ctx);
/* Posts the scheduled messages whose post_at has come (chat.scheduleMessage). */
void slack_scheduled_deliver(twin_ctx *ctx);
void slack_chat_schedule_message(twin_ctx *ctx);
void slack_chat_scheduled_list(twin_ctx *ctx);
void slack_chat_delete_scheduled(twin_ctx *ctx);
void slack_reactions_add(twin_ctx *ctx);
void slack_reactions_remove(twin_ctx *ctx);
void slack_reactions_get(twin_ctx *ctx);
void slack_reactions_list(twin_ctx *ctx);

/* ---- pins.c ---- */
int64_t slack_pin_count(twin_ctx *ctx, const char *channel);
/* Drops the pin of a deleted message. */
void slack_pin_forget(twin_ctx *ctx, const char *channel, const char *ts);
void slack_pins_add(twin_ctx *ctx);
void slack_pins_remove(twin_ctx *ctx);
void slack_pins_list(twin_ctx *ctx);

/* ---- reminders.c ---- */
void slack_reminders_add(twin_ctx *ctx);
void slack_reminders_info(twin_ctx *ctx);
void slack_reminders_list(twin_ctx *ctx);
void slack_reminders_complete(twin_ctx *ctx);
void slack_reminders_delete(twin_ctx *ctx);

/* ---- dnd.c ---- */
void slack_dnd_info(twin_ctx *ctx);
void slack_dnd_set_snooze(twin_ctx *ctx);
void slack_dnd_end_snooze(twin_ctx *ctx);
void slack_dnd_end_dnd(twin_ctx *ctx);
void slack_dnd_team_info(twin_ctx *ctx);

/* ---- search.c ---- */
void slack_search_messages(twin_ctx *ctx);

/* ---- bookmarks.c ---- */
void slack_bookmarks_add(twin_ctx *ctx);
void slack_bookmarks_edit(twin_ctx *ctx);
void slack_bookmarks_list(twin_ctx *ctx);
void slack_bookmarks_remove(twin_ctx *ctx);

/* ---- usergroups.c ---- */
void slack_usergroups_create(twin_ctx *ctx);
void slack_usergroups_update(twin_ctx *ctx);
void slack_usergroups_list(twin_ctx *ctx);
void slack_usergroups_disable(twin_ctx *ctx);
void slack_usergroups_enable(twin_ctx *ctx);
void slack_usergroups_users_list(twin_ctx *ctx);
void slack_usergroups_users_update(twin_ctx *ctx);

/* ---- users.c (profile and presence) ---- */
void slack_users_profile_get(twin_ctx *ctx);
void slack_users_profile_set(twin_ctx *ctx);
void slack_users_get_presence(twin_ctx *ctx);
void slack_users_set_presence(twin_ctx *ctx);

/* ---- files.c ---- */
void slack_files_get_upload_url(twin_ctx *ctx);
void slack_files_upload_bytes(twin_ctx *ctx);
void slack_files_complete_upload(twin_ctx *ctx);
void slack_files_info(twin_ctx *ctx);
void slack_files_list(twin_ctx *ctx);
void slack_files_delete(twin_ctx *ctx);
void slack_files_download(twin_ctx *ctx);
void slack_admin_tier(twin_ctx *ctx);

/* ---- events.c (Events API deliveries) ---- */
#define SLACK_DEFAULT_EVENTS                                                                              \
    "message,app_mention,reaction_added,reaction_removed,channel_created,channel_rename,channel_archive," \
    "channel_unarchive,member_joined_channel,member_left_channel,channel_left,im_created,pin_added,pin_removed," \
    "file_shared,file_created,file_deleted,user_change"
/* The run's SLACK_SIGNING_SECRET (config "signing_secret" overrides it). */
const char *slack_signing_secret(arena *a, const char *run_id, const json_value *config);
const char *slack_verification_token(arena *a, const char *run_id, const json_value *config);
/* twin_def.webhook_sign: X-Slack-Request-Timestamp and X-Slack-Signature (v0). */
const char **slack_webhook_sign(arena *a, const char *secret, const char *payload, size_t len, int64_t t);
/* on_start: sends url_verification to a Request URL not verified yet. */
void slack_events_start(twin_ctx *ctx);
const char *slack_channel_type(const json_value *c);
const char *slack_event_ts(twin_ctx *ctx);
/* Queues the event_callback for event (its "type" set) when the Request URL
 * is set and the type subscribed; c (may be NULL) is the conversation it
 * happened in: the app hears of it only when it is a member. */
void slack_emit(twin_ctx *ctx, const json_value *c, json_value *event);
/* message (and app_mention when it mentions the bot user). */
void slack_emit_message(twin_ctx *ctx, const json_value *c, const json_value *m);
void slack_emit_message_in(twin_ctx *ctx, const char *channel, const json_value *m);
void slack_emit_message_changed(twin_ctx *ctx, const json_value *c, const json_value *before, const json_value *after);
void slack_emit_message_deleted(twin_ctx *ctx, const json_value *c, const json_value *m);
void slack_emit_reaction(twin_ctx *ctx, const char *type, const json_value *c, const json_value *m,
                         const char *user, const char *reaction);
/* pin_added / pin_removed, once the pin is stored or deleted. */
void slack_emit_pin(twin_ctx *ctx, const char *type, const json_value *c, const json_value *m, const json_value *pin);
void slack_emit_file_shared(twin_ctx *ctx, const json_value *c, const char *file_id, const char *user);
void slack_emit_channel_created(twin_ctx *ctx, const json_value *c);
void slack_emit_channel_rename(twin_ctx *ctx, const json_value *c);
void slack_emit_channel_state(twin_ctx *ctx, const json_value *c, const char *what);  /* "archive", "unarchive" */
void slack_emit_member(twin_ctx *ctx, const char *type, const json_value *c, const char *user, const char *inviter);
/* channel_left / group_left when leaver is the app's bot or installing user. */
void slack_emit_channel_left(twin_ctx *ctx, const json_value *c, const char *leaver, const char *actor);
void slack_emit_im_created(twin_ctx *ctx, const json_value *c);
void slack_emit_user_change(twin_ctx *ctx, const json_value *u, bool status_changed);
void slack_emit_file_created(twin_ctx *ctx, const json_value *f);
void slack_emit_file_deleted(twin_ctx *ctx, const json_value *f);

/* ---- seed.c ---- */
int slack_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error);

#endif
