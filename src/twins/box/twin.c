/* Box twin: catalog declaration. */
#include "engine/env.h"
#include "engine/twin.h"

static const char *const hosts[] = {"api.box.com", "upload.box.com", "app.box.com", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "BOX_API_URL", "");
    env_set_url(e, a, out, "BOX_UPLOAD_URL", "/api");
    env_set(a, out, "BOX_DEVELOPER_TOKEN", env_token(e, a, "box", "", 32));
}

const twin_def twin_box = {
    .name = "box",
    .label = "Box",
    .frontend = false,
    .show_in_ui = false,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .spec_name = "box",
};
