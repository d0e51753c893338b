/* Slack twin: catalog declaration and route table.  The stateful core
 * (auth and scopes, users with profiles and presence, conversations, chat
 * with scheduled messages, pins, bookmarks, search.messages, reminders,
 * user groups, Do Not Disturb, reactions, files, OAuth v2) is routed
 * here, its changes delivered as Events API events (events.c); every
 * other documented Web API method is served by the stub engine (still
 * behind token checks). */
#include <string.h>

#include "engine/env.h"
#include "engine/seed_schema.h"
#include "engine/twin.h"
#include "twins/slack/slack.h"

static const char *const hosts[] = {"slack.com", "api.slack.com", "files.slack.com", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "SLACK_API_URL", "/api/");
    env_set_url(e, a, out, "SLACK_TWIN_BASE_URL", "");
    env_set(a, out, "SLACK_BOT_TOKEN", env_config_str(e, "bot_token", SLACK_DEFAULT_BOT_TOKEN));
    env_set(a, out, "SLACK_USER_TOKEN", env_config_str(e, "user_token", SLACK_DEFAULT_USER_TOKEN));
    env_set(a, out, "SLACK_SIGNING_SECRET", slack_signing_secret(a, e->run_id, e->config));
    env_set(a, out, "SLACK_VERIFICATION_TOKEN", slack_verification_token(a, e->run_id, e->config));
}

/* Web API methods answer GET and POST alike ("*"). */
#define M(name, fn, scope) {"*", "/api/" name, fn, scope}

static const twin_route routes[] = {
    M("auth.test", slack_auth_test, NULL),
    M("team.info", slack_team_info, "team:read"),
    M("users.list", slack_users_list, "users:read"),
    M("users.info", slack_users_info, "users:read"),
    M("users.lookupByEmail", slack_users_lookup_by_email, "users:read.email"),
    M("users.profile.get", slack_users_profile_get, "users.profile:read"),
    M("users.profile.set", slack_users_profile_set, "users.profile:write"),
    M("users.getPresence", slack_users_get_presence, "users:read"),
    M("users.setPresence", slack_users_set_presence, "users:write"),
    M("conversations.create", slack_conv_create, "channels:manage"),
    /* Their scope depends on the conversation's type (channels:read,
     * groups:read, im:read, mpim:read); the handlers check it. */
    M("conversations.list", slack_conv_list, NULL),
    M("conversations.info", slack_conv_info, NULL),
    M("conversations.join", slack_conv_join, "channels:join"),
    M("conversations.leave", slack_conv_leave, "channels:manage"),
    M("conversations.invite", slack_conv_invite, "channels:manage"),
    M("conversations.kick", slack_conv_kick, "channels:manage"),
    M("conversations.archive", slack_conv_archive, "channels:manage"),
    M("conversations.unarchive", slack_conv_unarchive, "channels:manage"),
    M("conversations.rename", slack_conv_rename, "channels:manage"),
    M("conversations.setTopic", slack_conv_set_topic, "channels:manage"),
    M("conversations.setPurpose", slack_conv_set_purpose, "channels:manage"),
    /* Its scope is the write scope of the conversation's type (channels:write, ...). */
    M("conversations.mark", slack_conv_mark, NULL),
    M("conversations.members", slack_conv_members, NULL),   /* read scope by type, as list */
    M("conversations.open", slack_conv_open, "channels:manage"),
    /* Their scope depends on the conversation's type too (readable() checks it). */
    M("conversations.history", slack_conv_history, NULL),
    M("conversations.replies", slack_conv_replies, NULL),
    M("chat.postMessage", slack_chat_post_message, "chat:write"),
    M("chat.update", slack_chat_update, "chat:write"),
    M("chat.delete", slack_chat_delete, "chat:write"),
    M("chat.postEphemeral", slack_chat_post_ephemeral, "chat:write"),
    M("chat.meMessage", slack_chat_me_message, "chat:write"),
    M("chat.getPermalink", slack_chat_get_permalink, NULL),
    M("chat.scheduleMessage", slack_chat_schedule_message, "chat:write"),
    M("chat.scheduledMessages.list", slack_chat_scheduled_list, NULL),
    M("chat.deleteScheduledMessage", slack_chat_delete_scheduled, "chat:write"),
    M("pins.add", slack_pins_add, "pins:write"),
    M("pins.remove", slack_pins_remove, "pins:write"),
    M("pins.list", slack_pins_list, "pins:read"),
    M("reminders.add", slack_reminders_add, "reminders:write"),
    M("reminders.info", slack_reminders_info, "reminders:read"),
    M("reminders.list", slack_reminders_list, "reminders:read"),
    M("reminders.complete", slack_reminders_complete, "reminders:write"),
    M("reminders.delete", slack_reminders_delete, "reminders:write"),
    M("dnd.info", slack_dnd_info, "dnd:read"),
    M("dnd.teamInfo", slack_dnd_team_info, "dnd:read"),
    M("dnd.setSnooze", slack_dnd_set_snooze, "dnd:write"),
    M("dnd.endSnooze", slack_dnd_end_snooze, "dnd:write"),
    M("dnd.endDnd", slack_dnd_end_dnd, "dnd:write"),
    M("search.messages", slack_search_messages, "search:read"),
    M("bookmarks.add", slack_bookmarks_add, "bookmarks:write"),
    M("bookmarks.edit", slack_bookmarks_edit, "bookmarks:write"),
    M("bookmarks.list", slack_bookmarks_list, "bookmarks:read"),
    M("bookmarks.remove", slack_bookmarks_remove, "bookmarks:write"),
    M("usergroups.create", slack_usergroups_create, "usergroups:write"),
    M("usergroups.update", slack_usergroups_update, "usergroups:write"),
    M("usergroups.list", slack_usergroups_list, "usergroups:read"),
    M("usergroups.disable", slack_usergroups_disable, "usergroups:write"),
    M("usergroups.enable", slack_usergroups_enable, "usergroups:write"),
    M("usergroups.users.list", slack_usergroups_users_list, "usergroups:read"),
    M("usergroups.users.update", slack_usergroups_users_update, "usergroups:write"),
    M("reactions.add", slack_reactions_add, "reactions:write"),
    M("reactions.remove", slack_reactions_remove, "reactions:write"),
    M("reactions.get", slack_reactions_get, "reactions:read"),
    M("reactions.list", slack_reactions_list, "reactions:read"),
    M("files.getUploadURLExternal", slack_files_get_upload_url, "files:write"),
    M("files.completeUploadExternal", slack_files_complete_upload, "files:write"),
    M("files.info", slack_files_info, "files:read"),
    M("files.list", slack_files_list, "files:read"),
    M("files.delete", slack_files_delete, "files:write"),
    M("oauth.v2.access", slack_oauth_access, "public"),
    {"POST", "/upload/{id}", slack_files_upload_bytes, "public"},
    /* url_private and url_private_download: Authorization: Bearer with files:read. */
    {"GET", "/files/{id}", slack_files_download, "files:read"},
    {"GET", "/files/{id}/download", slack_files_download, "files:read"},
    {"GET", "/oauth/v2/authorize", slack_oauth_authorize, "public"},
};

static const twin_route admin_routes[] = {
    {"GET", "/tier", slack_admin_tier, NULL},
    {"POST", "/tier", slack_admin_tier, NULL},
};

const twin_def twin_slack = {
    .name = "slack",
    .label = "Slack",
    .frontend = true,
    .show_in_ui = true,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .seed_schema = seed_schema_slack,
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .admin_routes = admin_routes,
    .n_admin_routes = sizeof admin_routes / sizeof admin_routes[0],
    .spec_name = "slack",
    .stub_any_method = true,
    .authenticate = slack_authenticate,
    .send_error = slack_send_error,
    .seed = slack_seed,
    .webhook_sign = slack_webhook_sign,
    .on_start = slack_ensure_workspace,
};
