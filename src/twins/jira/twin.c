/* Jira twin: catalog declaration. */
#include "engine/env.h"
#include "engine/twin.h"

static const char *const hosts[] = {"*.atlassian.net", "api.atlassian.com", "auth.atlassian.com", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "JIRA_BASE_URL", "");
    env_set(a, out, "JIRA_EMAIL", "twin@example.com");
    env_set(a, out, "JIRA_API_TOKEN", env_token(e, a, "jira", "ATATT", 40));
}

const twin_def twin_jira = {
    .name = "jira",
    .label = "Jira",
    .frontend = false,
    .show_in_ui = false,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .spec_name = "jira",
};
