/* Notion twin: catalog declaration. */
#include "engine/env.h"
#include "engine/twin.h"

static const char *const hosts[] = {"api.notion.com", "notion.so", "www.notion.so", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "NOTION_API_URL", "");
    env_set(a, out, "NOTION_TOKEN", env_token(e, a, "notion", "ntn_", 46));
}

const twin_def twin_notion = {
    .name = "notion",
    .label = "Notion",
    .frontend = true,
    .show_in_ui = true,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .spec_name = "notion",
};
