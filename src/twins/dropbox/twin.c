/* Dropbox twin: catalog declaration. */
#include "engine/env.h"
#include "engine/twin.h"

static const char *const hosts[] = {"api.dropboxapi.com", "content.dropboxapi.com", "notify.dropboxapi.com", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "DROPBOX_API_URL", "");
    env_set(a, out, "DROPBOX_ACCESS_TOKEN", env_token(e, a, "dropbox", "sl.", 60));
}

const twin_def twin_dropbox = {
    .name = "dropbox",
    .label = "Dropbox",
    .frontend = true,
    .show_in_ui = true,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .spec_name = "dropbox",
};
