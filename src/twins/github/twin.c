/* GitHub twin: catalog declaration. */
#include "engine/env.h"
#include "engine/twin.h"

static const char *const hosts[] = {"api.github.com", "github.com", "uploads.github.com", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "GITHUB_API_URL", "");
    env_set(a, out, "GITHUB_TOKEN", env_token(e, a, "github", "ghp_", 36));
    env_set(a, out, "GITHUB_WEBHOOK_SECRET", env_token(e, a, "github-webhook", "", 32));
}

const twin_def twin_github = {
    .name = "github",
    .label = "GitHub",
    .frontend = true,
    .show_in_ui = true,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .spec_name = "github",
};
