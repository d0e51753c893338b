/* Unified.to twin: catalog declaration. */
#include "engine/env.h"
#include "engine/twin.h"

static const char *const hosts[] = {"api.unified.to", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "UNIFIED_API_URL", "");
    env_set(a, out, "UNIFIED_API_KEY", env_token(e, a, "unified", "", 40));
}

const twin_def twin_unified = {
    .name = "unified",
    .label = "Unified.to",
    .frontend = false,
    .show_in_ui = false,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .spec_name = "unified",
};
