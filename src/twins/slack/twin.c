/* Slack twin: catalog declaration.  Every Web API method is served by the
 * stub engine until the stateful Slack twin lands. */
#include <string.h>

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

/* Slack answers {"ok": false, "error": "<code>"} with HTTP 200 for Web API
 * errors; an unknown method under /api/ is "unknown_method".  Paths outside
 * the Web API are plain 404s. */
static void send_error(twin_ctx *ctx, int status, const char *code, const char *message)
{
    bool web_api = strncmp(ctx->req->path, "/api/", 5) == 0;
    bool unknown = status == 404 || status == 405;
    json_value *body = json_object(ctx->a);
    json_set_bool(ctx->a, body, "ok", false);
    json_set_str(ctx->a, body, "error", unknown ? (web_api ? "unknown_method" : "not_found") : code);
    if (unknown && web_api) json_set_str(ctx->a, body, "req_method", ctx->req->path + 5);
    twin_reply_json(ctx, unknown ? (web_api ? 200 : 404) : status, body);
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
    .stub_any_method = true,
    .send_error = send_error,
};
