/* Google Drive twin: catalog declaration. */
#include "engine/env.h"
#include "engine/twin.h"

static const char *const hosts[] = {"www.googleapis.com", "content.googleapis.com", "drive.googleapis.com", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "GOOGLE_DRIVE_API_URL", "");
    env_set(a, out, "GOOGLE_ACCESS_TOKEN", env_token(e, a, "google", "ya29.", 40));
}

const twin_def twin_google_drive = {
    .name = "google_drive",
    .label = "Google Drive",
    .frontend = true,
    .show_in_ui = true,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .spec_name = "google_drive",
};
