/* Discord twin: catalog declaration and route table (API v10 under
 * /api/v10, the templates the stub engine uses, so a stateful route wins
 * over its stub).  Routes of scope "webhook_token" authenticate with the
 * webhook token in the path instead of the bot token.  The router matches
 * decoded segments, so "@me" also serves the "%40me" @discordjs/rest sends. */
#include "engine/env.h"
#include "engine/seed_schema.h"
#include "engine/twin.h"
#include "twins/discord/discord.h"

static const char *const hosts[] = {"discord.com", "api.discord.com", "discordapp.com", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "DISCORD_API_URL", "/api");
    env_set(a, out, "DISCORD_BOT_TOKEN", env_token(e, a, "discord", "", 59));
    env_set(a, out, "DISCORD_APPLICATION_ID", dc_bot_id_of(e->config));
    env_set(a, out, "DISCORD_PUBLIC_KEY", dc_public_key(a, e->run_id));
}

#define V "/api/v10"
#define CH V "/channels/{channel_id}"
#define MSG CH "/messages/{message_id}"
#define GD V "/guilds/{guild_id}"

static const twin_route routes[] = {
    {"GET", V "/users/@me", dc_me, NULL},
    {"PATCH", V "/users/@me", dc_me_update, NULL},
    {"GET", V "/users/@me/guilds", dc_me_guilds, NULL},
    {"POST", V "/users/@me/channels", dc_dm_create, NULL},
    {"GET", V "/users/@me/guilds/{guild_id}/member", dc_me_guild_member, NULL},
    {"DELETE", V "/users/@me/guilds/{guild_id}", dc_me_leave_guild, NULL},
    {"GET", V "/users/{user_id}", dc_user_get, NULL},
    {"GET", GD, dc_guild_get, NULL},
    {"PATCH", GD, dc_guild_update, NULL},
    {"GET", GD "/channels", dc_guild_channels, NULL},
    {"POST", GD "/channels", dc_guild_channel_create, NULL},
    {"GET", GD "/threads/active", dc_threads_active, NULL},
    {"GET", GD "/members", dc_members_list, NULL},
    {"GET", GD "/members/{user_id}", dc_member_get, NULL},
    {"PATCH", GD "/members/{user_id}", dc_member_update, NULL},
    {"DELETE", GD "/members/{user_id}", dc_member_remove, NULL},
    {"PUT", GD "/members/{user_id}/roles/{role_id}", dc_member_role_add, NULL},
    {"DELETE", GD "/members/{user_id}/roles/{role_id}", dc_member_role_remove, NULL},
    {"GET", GD "/roles", dc_roles_list, NULL},
    {"POST", GD "/roles", dc_role_create, NULL},
    {"GET", GD "/roles/{role_id}", dc_role_get, NULL},
    {"PATCH", GD "/roles/{role_id}", dc_role_update, NULL},
    {"DELETE", GD "/roles/{role_id}", dc_role_delete, NULL},
    {"GET", GD "/bans", dc_bans_list, NULL},
    {"GET", GD "/bans/{user_id}", dc_ban_get, NULL},
    {"PUT", GD "/bans/{user_id}", dc_ban_put, NULL},
    {"DELETE", GD "/bans/{user_id}", dc_ban_delete, NULL},
    {"GET", GD "/invites", dc_guild_invites, NULL},
    {"GET", GD "/webhooks", dc_guild_webhooks, NULL},
    {"GET", GD "/emojis", dc_emojis_list, NULL},
    {"POST", GD "/emojis", dc_emoji_create, NULL},
    {"GET", GD "/emojis/{emoji_id}", dc_emoji_get, NULL},
    {"PATCH", GD "/emojis/{emoji_id}", dc_emoji_update, NULL},
    {"DELETE", GD "/emojis/{emoji_id}", dc_emoji_delete, NULL},
    {"GET", CH, dc_channel_get, NULL},
    {"PATCH", CH, dc_channel_update, NULL},
    {"DELETE", CH, dc_channel_delete, NULL},
    {"PUT", CH "/permissions/{overwrite_id}", dc_overwrite_put, NULL},
    {"DELETE", CH "/permissions/{overwrite_id}", dc_overwrite_delete, NULL},
    {"GET", CH "/messages", dc_messages_list, NULL},
    {"POST", CH "/messages", dc_message_create, NULL},
    {"POST", CH "/messages/bulk-delete", dc_messages_bulk_delete, NULL},
    {"GET", CH "/messages/pins", dc_pins_list, NULL},
    {"PUT", CH "/messages/pins/{message_id}", dc_pin_put, NULL},
    {"DELETE", CH "/messages/pins/{message_id}", dc_pin_delete, NULL},
    {"GET", CH "/pins", dc_pins_list_old, NULL},
    {"PUT", CH "/pins/{message_id}", dc_pin_put, NULL},
    {"DELETE", CH "/pins/{message_id}", dc_pin_delete, NULL},
    {"POST", CH "/typing", dc_typing, NULL},
    {"GET", MSG, dc_message_get, NULL},
    {"PATCH", MSG, dc_message_edit, NULL},
    {"DELETE", MSG, dc_message_delete, NULL},
    {"DELETE", MSG "/reactions", dc_reactions_clear, NULL},
    {"GET", MSG "/reactions/{emoji_name}", dc_reaction_users, NULL},
    {"DELETE", MSG "/reactions/{emoji_name}", dc_reactions_clear_emoji, NULL},
    {"PUT", MSG "/reactions/{emoji_name}/@me", dc_reaction_put, NULL},
    {"DELETE", MSG "/reactions/{emoji_name}/@me", dc_reaction_delete_me, NULL},
    {"DELETE", MSG "/reactions/{emoji_name}/{user_id}", dc_reaction_delete_user, NULL},
    {"POST", MSG "/threads", dc_thread_from_message, NULL},
    {"POST", CH "/threads", dc_thread_create, NULL},
    {"GET", CH "/threads/archived/public", dc_threads_archived_public, NULL},
    {"GET", CH "/threads/archived/private", dc_threads_archived_private, NULL},
    {"GET", CH "/users/@me/threads/archived/private", dc_threads_joined_private, NULL},
    {"GET", CH "/thread-members", dc_thread_members_list, NULL},
    {"PUT", CH "/thread-members/@me", dc_thread_join, NULL},
    {"DELETE", CH "/thread-members/@me", dc_thread_leave, NULL},
    {"GET", CH "/thread-members/{user_id}", dc_thread_member_get, NULL},
    {"PUT", CH "/thread-members/{user_id}", dc_thread_member_add, NULL},
    {"DELETE", CH "/thread-members/{user_id}", dc_thread_member_remove, NULL},
    {"GET", CH "/invites", dc_channel_invites, NULL},
    {"POST", CH "/invites", dc_invite_create, NULL},
    {"GET", CH "/webhooks", dc_channel_webhooks, NULL},
    {"POST", CH "/webhooks", dc_webhook_create, NULL},
    {"GET", V "/invites/{code}", dc_invite_get, NULL},
    {"DELETE", V "/invites/{code}", dc_invite_delete, NULL},
    {"GET", V "/webhooks/{webhook_id}", dc_webhook_get, NULL},
    {"PATCH", V "/webhooks/{webhook_id}", dc_webhook_update, NULL},
    {"DELETE", V "/webhooks/{webhook_id}", dc_webhook_delete, NULL},
    {"GET", V "/webhooks/{webhook_id}/{webhook_token}", dc_webhook_get_token, "webhook_token"},
    {"POST", V "/webhooks/{webhook_id}/{webhook_token}", dc_webhook_execute, "webhook_token"},
};

static const twin_route admin_routes[] = {
    {"GET", "/boost-level", dc_admin_boost, NULL},
    {"POST", "/boost-level", dc_admin_boost, NULL},
};

const twin_def twin_discord = {
    .name = "discord",
    .label = "Discord",
    .frontend = true,
    .show_in_ui = true,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .seed_schema = seed_schema_discord,
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .admin_routes = admin_routes,
    .n_admin_routes = sizeof admin_routes / sizeof admin_routes[0],
    .spec_name = "discord",
    .authenticate = dc_authenticate,
    .send_error = dc_send_error,
    .seed = dc_seed,
    .webhook_sign = dc_sign,
};
