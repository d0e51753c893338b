/* Discord twin: permissions, computed as Discord documents them.
 *
 * Base (guild) permissions: the guild owner has every permission; otherwise
 * @everyone's permissions OR'd with those of the member's roles, and
 * ADMINISTRATOR among them means every permission.  In a channel (a thread
 * uses its parent's overwrites) the base is then changed by the channel's
 * permission_overwrites in this order: the @everyone overwrite, then the
 * member's role overwrites together (all denies, then all allows), then the
 * member's own overwrite; ADMINISTRATOR skips the overwrites.  Without
 * VIEW_CHANNEL a member has no permission in the channel at all, and without
 * SEND_MESSAGES none of the permissions that only make sense when sending.
 * A member in a timeout (communication_disabled_until in the future) keeps
 * only VIEW_CHANNEL and READ_MESSAGE_HISTORY, in the guild and in channels.
 *
 * The role hierarchy: a member can manage only roles strictly below their
 * highest role and act on (kick, ban, edit) only members whose highest role
 * is below theirs; the owner is above everyone and cannot be acted on.
 *
 * The dc_require_* checks are for the caller (the bot): they answer
 * Discord's 403 {code 50001 "Missing Access"} when the bot cannot see the
 * channel or is not in the guild, 403 {code 50013 "Missing Permissions"}
 * otherwise, and return false. */
#ifndef TWINS_DISCORD_PERMISSIONS_H
#define TWINS_DISCORD_PERMISSIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/twin.h"

#define DC_BIT(n) ((uint64_t)1 << (n))
#define DC_CREATE_INSTANT_INVITE DC_BIT(0)
#define DC_KICK_MEMBERS DC_BIT(1)
#define DC_BAN_MEMBERS DC_BIT(2)
#define DC_ADMINISTRATOR DC_BIT(3)
#define DC_MANAGE_CHANNELS DC_BIT(4)
#define DC_MANAGE_GUILD DC_BIT(5)
#define DC_ADD_REACTIONS DC_BIT(6)
#define DC_VIEW_AUDIT_LOG DC_BIT(7)
#define DC_PRIORITY_SPEAKER DC_BIT(8)
#define DC_STREAM DC_BIT(9)
#define DC_VIEW_CHANNEL DC_BIT(10)
#define DC_SEND_MESSAGES DC_BIT(11)
#define DC_SEND_TTS_MESSAGES DC_BIT(12)
#define DC_MANAGE_MESSAGES DC_BIT(13)
#define DC_EMBED_LINKS DC_BIT(14)
#define DC_ATTACH_FILES DC_BIT(15)
#define DC_READ_MESSAGE_HISTORY DC_BIT(16)
#define DC_MENTION_EVERYONE DC_BIT(17)
#define DC_USE_EXTERNAL_EMOJIS DC_BIT(18)
#define DC_VIEW_GUILD_INSIGHTS DC_BIT(19)
#define DC_CONNECT DC_BIT(20)
#define DC_SPEAK DC_BIT(21)
#define DC_MUTE_MEMBERS DC_BIT(22)
#define DC_DEAFEN_MEMBERS DC_BIT(23)
#define DC_MOVE_MEMBERS DC_BIT(24)
#define DC_USE_VAD DC_BIT(25)
#define DC_CHANGE_NICKNAME DC_BIT(26)
#define DC_MANAGE_NICKNAMES DC_BIT(27)
#define DC_MANAGE_ROLES DC_BIT(28)
#define DC_MANAGE_WEBHOOKS DC_BIT(29)
#define DC_MANAGE_GUILD_EXPRESSIONS DC_BIT(30)
#define DC_USE_APPLICATION_COMMANDS DC_BIT(31)
#define DC_REQUEST_TO_SPEAK DC_BIT(32)
#define DC_MANAGE_EVENTS DC_BIT(33)
#define DC_MANAGE_THREADS DC_BIT(34)
#define DC_CREATE_PUBLIC_THREADS DC_BIT(35)
#define DC_CREATE_PRIVATE_THREADS DC_BIT(36)
#define DC_USE_EXTERNAL_STICKERS DC_BIT(37)
#define DC_SEND_MESSAGES_IN_THREADS DC_BIT(38)
#define DC_USE_EMBEDDED_ACTIVITIES DC_BIT(39)
#define DC_MODERATE_MEMBERS DC_BIT(40)
#define DC_VIEW_CREATOR_MONETIZATION_ANALYTICS DC_BIT(41)
#define DC_USE_SOUNDBOARD DC_BIT(42)
#define DC_CREATE_GUILD_EXPRESSIONS DC_BIT(43)
#define DC_CREATE_EVENTS DC_BIT(44)
#define DC_USE_EXTERNAL_SOUNDS DC_BIT(45)
#define DC_SEND_VOICE_MESSAGES DC_BIT(46)
#define DC_SET_VOICE_CHANNEL_STATUS DC_BIT(48)
#define DC_SEND_POLLS DC_BIT(49)
#define DC_USE_EXTERNAL_APPS DC_BIT(50)
#define DC_PIN_MESSAGES DC_BIT(51)
#define DC_BYPASS_SLOWMODE DC_BIT(52)
/* Every permission Discord defines (bit 47 is unused). */
#define DC_ALL_PERMISSIONS ((DC_BIT(53) - 1) & ~DC_BIT(47))

/* Overwrite types. */
enum { DC_OVERWRITE_ROLE = 0, DC_OVERWRITE_MEMBER = 1 };

/* ---- pure computation ---- */

/* A permission set as the API spells it (a decimal string); 0 when absent or not a number. */
uint64_t dc_perm_parse(const json_value *v);
/* @everyone's set OR'd with the member's roles' sets; ADMINISTRATOR becomes every permission. */
uint64_t dc_perms_base(uint64_t everyone, const uint64_t *roles, size_t n_roles);
/* base changed by a channel's overwrites ([{id, type, allow, deny}]) for the member
 * user_id holding role_ids (a string array) in guild guild_id. */
uint64_t dc_perms_overwrite(uint64_t base, const json_value *overwrites, const char *guild_id,
                            const json_value *role_ids, const char *user_id);

/* What a timed-out member keeps (Discord: VIEW_CHANNEL and READ_MESSAGE_HISTORY
 * only); ADMINISTRATOR, which cannot be timed out, keeps everything. */
uint64_t dc_perms_timed_out(uint64_t p);
/* Whether a member's communication_disabled_until lies after now (unix ms). */
bool dc_member_timed_out(const json_value *member, int64_t now_ms);

/* ---- from the store ---- */

/* The user's guild permissions (0 when not a member). */
uint64_t dc_perms_guild(twin_ctx *ctx, const json_value *guild, const char *user_id);
/* The user's permissions in a guild channel or thread. */
uint64_t dc_perms_channel(twin_ctx *ctx, const json_value *channel, const char *user_id);
/* Position of the user's highest role (0: only @everyone; INT64_MAX: the owner). */
int64_t dc_top_position(twin_ctx *ctx, const json_value *guild, const char *user_id);

/* ---- checks for the bot (answer 403 and return false) ---- */

bool dc_require_guild(twin_ctx *ctx, const json_value *guild, uint64_t need);
/* In a DM every check passes.  need may be 0: only VIEW_CHANNEL is checked. */
bool dc_require_channel(twin_ctx *ctx, const json_value *channel, uint64_t need);
/* Sending: SEND_MESSAGES, in a thread SEND_MESSAGES_IN_THREADS. */
bool dc_require_send(twin_ctx *ctx, const json_value *channel);
/* Acting on a message: nothing more for the bot's own message, need for another's. */
bool dc_require_own_or(twin_ctx *ctx, const json_value *channel, const json_value *message, uint64_t need);
/* Whether the bot holds any of the permissions in any (no answer). */
bool dc_channel_has_any(twin_ctx *ctx, const json_value *channel, uint64_t any);
/* The role must sit below the bot's highest role. */
bool dc_require_role_below(twin_ctx *ctx, const json_value *guild, const json_value *role);
/* The member must be neither the owner nor at or above the bot's highest role. */
bool dc_require_member_below(twin_ctx *ctx, const json_value *guild, const char *user_id);
/* Granting permissions needs them: perms must be a subset of the bot's guild permissions. */
bool dc_require_grantable(twin_ctx *ctx, const json_value *guild, uint64_t perms);
void dc_missing_permissions(twin_ctx *ctx);

/* One overwrite {id, type, allow, deny} from a request (error paths start with prefix). */
json_value *dc_overwrite_from(twin_ctx *ctx, const json_value *guild, const json_value *o, const char *prefix);
/* Checks and normalises a permission_overwrites array from a request body into
 * [{id, type, allow, deny}] (strings for the sets); answers 50035 and returns NULL. */
json_value *dc_overwrites_from(twin_ctx *ctx, const json_value *guild, const json_value *in);

#endif
