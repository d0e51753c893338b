/* Discord twin: shared declarations.
 *
 * State lives in the store, one collection per resource; documents hold the
 * objects close to how API v10 renders them, with internal members prefixed
 * "_" (stripped on the way out):
 *   meta       "bot" -> {username}                    (seeded bot name)
 *   users      snowflake -> user
 *   guilds     snowflake -> guild (the fields we keep; rendered with defaults)
 *   channels   snowflake -> channel or thread         index guild, index parent
 *   messages   snowflake -> message, "_reactions"     index channel
 *   roles      snowflake -> role (@everyone has the guild's id)  index guild
 *   members    "<guild>:<user>" -> {guild_id,user_id,nick,roles,...}  index guild
 *   bans       "<guild>:<user>" -> {guild_id,user_id,reason}         index guild
 *   emojis     snowflake -> emoji                       index guild
 *   invites    code -> invite                           index channel, index guild
 *   webhooks   snowflake -> webhook (with token)        index channel, index guild
 *   thread_members "<thread>:<user>" -> {id,user_id,join_timestamp,flags}  index thread
 *
 * Ids are snowflakes like Discord's: (ms since 2015-01-01) << 22, the low
 * bits a per-run counter, so they sort by creation and are deterministic
 * while seeding (the seeding clock is fixed). */
#ifndef TWINS_DISCORD_H
#define TWINS_DISCORD_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/twin.h"
#include "twins/discord/permissions.h"

#define DC_EPOCH_MS 1420070400000LL

/* Discord's JSON error codes used here. */
enum {
    DC_GENERAL = 0,
    DC_UNKNOWN_CHANNEL = 10003,
    DC_UNKNOWN_GUILD = 10004,
    DC_UNKNOWN_INVITE = 10006,
    DC_UNKNOWN_MEMBER = 10007,
    DC_UNKNOWN_MESSAGE = 10008,
    DC_UNKNOWN_ROLE = 10011,
    DC_UNKNOWN_USER = 10013,
    DC_UNKNOWN_EMOJI = 10014,
    DC_UNKNOWN_WEBHOOK = 10015,
    DC_UNKNOWN_BAN = 10026,
    DC_SLOWMODE = 20016,
    DC_MAX_EMOJIS = 30008,
    DC_MISSING_ACCESS = 50001,
    DC_TOO_LARGE = 40005,
    DC_CANNOT_EDIT_OTHERS = 50005,
    DC_EMPTY_MESSAGE = 50006,
    DC_MISSING_PERMISSIONS = 50013,
    DC_BULK_COUNT = 50016,
    DC_INVALID_WEBHOOK_TOKEN = 50027,
    DC_INVALID_ROLE = 50028,
    DC_BULK_TOO_OLD = 50034,
    DC_INVALID_FORM_BODY = 50035,
    DC_UNKNOWN_CHANNEL_TYPE = 50024,
    DC_ARCHIVED_THREAD = 50083,
    DC_THREAD_EXISTS = 160004,
    DC_THREAD_LOCKED = 160005,
};

/* ---- auth, errors, rate limits (auth.c) ---- */
bool dc_authenticate(twin_ctx *ctx, const twin_route *route);
void dc_send_error(twin_ctx *ctx, int status, const char *code, const char *message);
void dc_error(twin_ctx *ctx, int status, int code, const char *message);
/* 429 with Retry-After and {message, retry_after, global[, code]}; code 0 and
 * message NULL give the plain "You are being rate limited." */
void dc_rate_limited(twin_ctx *ctx, double retry_after, bool global, int code, const char *message);
/* 400 / 50035 Invalid Form Body with errors.<path>._errors = [{code, message}];
 * path is dotted ("content", "messages", "embeds.0.title"). */
void dc_form_error(twin_ctx *ctx, const char *path, const char *ecode, const char *message);

/* ---- helpers (common.c) ---- */
char *dc_snowflake(twin_ctx *ctx);
uint64_t dc_sf(const char *s);                          /* 0 when not a snowflake */
/* Whether s is a snowflake as Discord accepts one: decimal digits within 64
 * bits, 0 included (a query anchor of 0 means "from the very start"). */
bool dc_sf_parse(const char *s, uint64_t *out);
int64_t dc_sf_ms(const char *s);                        /* unix ms encoded in a snowflake */
const char *dc_iso(twin_ctx *ctx, int64_t unix_ms);     /* "2026-01-01T00:00:00.000000+00:00" */
const char *dc_now_iso(twin_ctx *ctx);
/* Route parameter that must be a snowflake; answers 50035 and returns NULL otherwise. */
const char *dc_param_sf(twin_ctx *ctx, const char *name);
json_value *dc_public(arena *a, const json_value *doc);  /* copy without "_..." members */
void dc_save(twin_ctx *ctx, const char *collection, const char *id, const json_value *doc, const char *i1,
             const char *v1, const char *i2, const char *v2);
/* All documents of a collection with index = value (insertion order). */
twin_list dc_list(twin_ctx *ctx, const char *collection, const char *index_name, const char *index_value);
/* Integer query/body argument in [lo, hi] (default when absent); answers 50035 on bad input. */
/* A guild's documents of collection (index "guild") sorted by position, then id. */
twin_list dc_list_by_position(twin_ctx *ctx, const char *collection, const char *guild_id);
/* A copy of the string array ids with id added (once) or removed; *had says whether it was there. */
json_value *dc_id_set(arena *a, const json_value *ids, const char *id, bool add, bool *had);
bool dc_int_arg(twin_ctx *ctx, const char *name, int64_t def, int64_t lo, int64_t hi, int64_t *out);
bool dc_bool_arg(twin_ctx *ctx, const char *name);
/* String member of the body that must have [lo, hi] characters; answers 50035. */
bool dc_check_len(twin_ctx *ctx, const char *field, const char *value, size_t lo, size_t hi);
void dc_no_content(twin_ctx *ctx);                      /* 204 */

/* users */
const char *dc_bot_id(twin_ctx *ctx);
json_value *dc_user_find(twin_ctx *ctx, const char *id); /* rendered UserResponse, NULL if unknown */
json_value *dc_user_render(twin_ctx *ctx, const json_value *u);
json_value *dc_user_create(twin_ctx *ctx, const char *username, const char *global_name, bool bot);
const char *dc_user_by_name(twin_ctx *ctx, const char *username);

/* guilds and channels (guilds.c) */
json_value *dc_guild_load(twin_ctx *ctx, const char *id);             /* answers 10004 when absent */
json_value *dc_channel_load(twin_ctx *ctx, const char *id);           /* answers 10003 when absent */
json_value *dc_channel_render(twin_ctx *ctx, const json_value *c);
/* owner_id NULL: the bot owns the guild. */
json_value *dc_guild_create(twin_ctx *ctx, const char *name, int premium_tier, const char *owner_id);
json_value *dc_channel_create(twin_ctx *ctx, const json_value *guild, const char *name, int type, const char *topic,
                              const char *parent_id);
void dc_member_add(twin_ctx *ctx, const char *guild_id, const char *user_id, const json_value *roles);
json_value *dc_member_render(twin_ctx *ctx, const json_value *m);
json_value *dc_role_new(twin_ctx *ctx, const char *guild_id, const char *id, const char *name, const char *perms);
bool dc_is_thread(const json_value *channel);
json_value *dc_role_render(twin_ctx *ctx, const json_value *r);
json_value *dc_guild_roles(twin_ctx *ctx, const char *guild_id); /* rendered, by position */

/* boost levels (guilds.c) */
int dc_boost_level(twin_ctx *ctx, const json_value *guild);
int64_t dc_max_upload(twin_ctx *ctx, const json_value *guild);
int64_t dc_max_emojis(twin_ctx *ctx, const json_value *guild);

/* messages (messages.c) */
/* Creates a message in channel from a decoded body and file parts; answers
 * the error and returns NULL on bad input.  webhook: the executing webhook
 * (its id and name become the author) or NULL for the bot. */
json_value *dc_message_post(twin_ctx *ctx, json_value *channel, const json_value *webhook);
json_value *dc_message_render(twin_ctx *ctx, const json_value *m);
/* Slowmode for the bot in channel; stamp names the member holding the time of
 * its last action there.  Answers 429 / 20016 and returns false. */
bool dc_slowmode_ok(twin_ctx *ctx, json_value *channel, const char *stamp);

/* threads (threads.c) */
/* Before the bot or a webhook sends in a thread: -1 refused (answered), 0 go
 * on, 1 the thread was archived and is now unarchived (in memory, saved with
 * the post).  Discord unarchives for webhooks too, but never a locked thread. */
int dc_thread_open_for_send(twin_ctx *ctx, json_value *thread, bool by_webhook);
/* A thread that has gone auto_archive_duration minutes without activity is
 * archived (saved, THREAD_UPDATE) when loaded; returns channel, whatever it is. */
json_value *dc_thread_settle(twin_ctx *ctx, json_value *channel);
/* After a post in a thread: the bot, when it sent, joins it (a webhook does
 * not); unarchived tells of THREAD_UPDATE. */
void dc_thread_after_send(twin_ctx *ctx, json_value *thread, bool unarchived, bool sender_joins);
void dc_thread_message_gone(twin_ctx *ctx, json_value *thread, const char *message_id);
/* PATCH of a thread's own fields (archived, locked, invitable,
 * auto_archive_duration); answers and returns false on refusal. */
bool dc_thread_update(twin_ctx *ctx, json_value *thread);
void dc_thread_members_drop(twin_ctx *ctx, const char *thread_id);
/* The thread member document of user_id in thread_id, NULL when not joined. */
json_value *dc_thread_membership(twin_ctx *ctx, const char *thread_id, const char *user_id);

/* event signatures (sign.c) */
const char *dc_signing_secret(arena *a, const char *run_id);
const char *dc_public_key(arena *a, const char *run_id);
const char **dc_sign(arena *a, const char *secret, const char *payload, size_t len, int64_t t);
const char *dc_bot_id_of(const json_value *config);

/* events (webhooks.c) */
void dc_event(twin_ctx *ctx, const char *type, const json_value *data);

/* seeding (seed.c) */
int dc_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error);

#define DC_HANDLERS(X) \
    X(me) X(me_update) X(me_guilds) X(me_guild_member) X(me_leave_guild) X(user_get) \
    X(guild_get) X(guild_update) X(guild_channels) X(guild_channel_create) \
    X(channel_get) X(channel_update) X(channel_delete) X(overwrite_put) X(overwrite_delete) \
    X(messages_list) X(message_create) X(message_get) X(message_edit) X(message_delete) X(messages_bulk_delete) \
    X(reaction_put) X(reaction_delete_me) X(reaction_delete_user) X(reaction_users) X(reactions_clear_emoji) \
    X(reactions_clear) \
    X(thread_from_message) X(thread_create) X(threads_active) \
    X(thread_join) X(thread_leave) X(thread_member_add) X(thread_member_remove) X(thread_member_get) \
    X(thread_members_list) X(threads_archived_public) X(threads_archived_private) X(threads_joined_private) \
    X(members_list) X(member_get) X(member_update) X(member_remove) X(member_role_add) X(member_role_remove) \
    X(roles_list) X(role_get) X(role_create) X(role_update) X(role_delete) \
    X(bans_list) X(ban_get) X(ban_put) X(ban_delete) \
    X(invite_create) X(channel_invites) X(guild_invites) X(invite_get) X(invite_delete) \
    X(webhook_create) X(channel_webhooks) X(guild_webhooks) X(webhook_get) X(webhook_update) X(webhook_delete) \
    X(webhook_get_token) X(webhook_execute) \
    X(emojis_list) X(emoji_get) X(emoji_create) X(emoji_update) X(emoji_delete) \
    X(pin_put) X(pin_delete) X(pins_list) X(pins_list_old) X(typing) X(dm_create) \
    X(admin_boost)
#define DC_DECLARE(n) void dc_##n(twin_ctx *ctx);
DC_HANDLERS(DC_DECLARE)
#undef DC_DECLARE

#endif
