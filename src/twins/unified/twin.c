/* Unified.to twin: catalog declaration and route table.  The unified/...
 * management API (connections, integrations, webhooks, API calls) is
 * stateful; the category routes of src/twins/unified/api.json stay stubs,
 * answered only for existing connections (auth.c) and as bare arrays,
 * because the official SDK validates list bodies strictly. */
#include "engine/env.h"
#include "engine/twin.h"
#include "twins/unified/unified.h"

static const char *const hosts[] = {"api.unified.to", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "UNIFIED_API_URL", "");
    env_set(a, out, "UNIFIED_API_KEY", env_token(e, a, "unified", "", 40));
}

static const twin_route routes[] = {
    {"GET", "/unified/connection", un_connections_list, NULL},
    {"POST", "/unified/connection", un_connection_create, NULL},
    {"GET", "/unified/connection/{id}", un_connection_get, NULL},
    {"PUT", "/unified/connection/{id}", un_connection_update, NULL},
    {"PATCH", "/unified/connection/{id}", un_connection_update, NULL},
    {"DELETE", "/unified/connection/{id}", un_connection_delete, NULL},
    {"GET", "/unified/integration", un_integrations_list, NULL},
    {"GET", "/unified/webhook", un_webhooks_list, NULL},
    {"POST", "/unified/webhook", un_webhook_create, NULL},
    {"GET", "/unified/webhook/{id}", un_webhook_get, NULL},
    {"PUT", "/unified/webhook/{id}", un_webhook_update, NULL},
    {"PATCH", "/unified/webhook/{id}", un_webhook_update, NULL},
    {"DELETE", "/unified/webhook/{id}", un_webhook_delete, NULL},
    {"PUT", "/unified/webhook/{id}/trigger", un_webhook_trigger, NULL},
    {"PATCH", "/unified/webhook/{id}/trigger", un_webhook_trigger, NULL},
    {"GET", "/unified/apicall", un_apicalls_list, NULL},
    {"GET", "/unified/apicall/{id}", un_apicall_get, NULL},
};

const twin_def twin_unified = {
    .name = "unified",
    .label = "Unified.to",
    .frontend = false,
    .show_in_ui = false,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .seed_schema = un_seed_schema,
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .spec_name = "unified",
    .stub_bare_arrays = true,
    .authenticate = un_authenticate,
    .send_error = un_send_error,
    .seed = un_seed,
};
