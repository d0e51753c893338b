/* Slack twin: catalog declaration. */
#include "engine/env.h"
#include "engine/twin.h"

static const char *const hosts[] = {"slack.com", "api.slack.com", "files.slack.com", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "SLACK_API_URL", "/api/");
    env_set_url(e, a, out, "SLACK_TWIN_BASE_URL", "");
    env_set(a, out, "SLACK_BOT_TOKEN", env_config_str(e, "bot_token", "xoxb-F9SXMECOSFOGYR3XKXWN"));
    env_set(a, out, "SLACK_USER_TOKEN", env_config_str(e, "user_token", "xoxp-F9SXMECOSFOGYR3XKXWN"));
    env_set(a, out, "SLACK_SIGNING_SECRET", env_token(e, a, "slack-signing", "", 32));
}

const twin_def twin_slack = {
    .name = "slack",
    .label = "Slack",
    .frontend = true,
    .show_in_ui = true,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .spec_name = "slack",
};
