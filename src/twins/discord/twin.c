/* Discord twin: catalog declaration. */
#include "engine/env.h"
#include "engine/twin.h"

static const char *const hosts[] = {"discord.com", "api.discord.com", "discordapp.com", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "DISCORD_API_URL", "/api");
    env_set(a, out, "DISCORD_BOT_TOKEN", env_token(e, a, "discord", "", 59));
}

const twin_def twin_discord = {
    .name = "discord",
    .label = "Discord",
    .frontend = true,
    .show_in_ui = true,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .spec_name = "discord",
};
