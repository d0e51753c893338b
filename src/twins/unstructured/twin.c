/* Unstructured twin: catalog declaration. */
#include "engine/env.h"
#include "engine/twin.h"

static const char *const hosts[] = {"api.unstructuredapp.io", "platform.unstructuredapp.io", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "UNSTRUCTURED_API_URL", "");
    env_set(a, out, "UNSTRUCTURED_API_KEY", env_token(e, a, "unstructured", "", 32));
}

const twin_def twin_unstructured = {
    .name = "unstructured",
    .label = "Unstructured",
    .frontend = false,
    .show_in_ui = false,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .spec_name = "unstructured",
};
