/* Google Calendar twin: catalog declaration and route table.  Each route
 * names a scope group (auth.c maps it to the scopes Google accepts for the
 * method, from the discovery document). */
#include "engine/env.h"
#include "engine/seed_schema.h"
#include "engine/twin.h"
#include "twins/google_calendar/gcal.h"

static const char *const hosts[] = {"www.googleapis.com", "calendar.googleapis.com", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "GOOGLE_CALENDAR_API_URL", "");
    env_set(a, out, "GOOGLE_ACCESS_TOKEN", env_token(e, a, "google", "ya29.", 40));
}

#define V "/calendar/v3"
#define C V "/calendars/{calendarId}"
#define L V "/users/me/calendarList"
static const twin_route routes[] = {
    {"POST", V "/calendars", gc_calendars_insert, "cal.write"},
    {"GET", C, gc_calendars_get, "cal.read"},
    {"PUT", C, gc_calendars_update, "cal.write"},
    {"PATCH", C, gc_calendars_patch, "cal.write"},
    {"DELETE", C, gc_calendars_delete, "cal.write"},
    {"POST", C "/clear", gc_calendars_clear, "cal.clear"},
    {"GET", L, gc_cl_list, "cl.read"},
    {"POST", L, gc_cl_insert, "cl.insert"},
    {"POST", L "/watch", gc_cl_watch, "cl.read"},
    {"GET", L "/{calendarId}", gc_cl_get, "cl.read"},
    {"PUT", L "/{calendarId}", gc_cl_update, "cl.write"},
    {"PATCH", L "/{calendarId}", gc_cl_patch, "cl.write"},
    {"DELETE", L "/{calendarId}", gc_cl_delete, "cl.write"},
    {"GET", C "/acl", gc_acl_list, "acl.list"},
    {"POST", C "/acl", gc_acl_insert, "acl.write"},
    {"POST", C "/acl/watch", gc_acl_watch, "acl.list"},
    {"GET", C "/acl/{ruleId}", gc_acl_get, "acl.read"},
    {"PUT", C "/acl/{ruleId}", gc_acl_update, "acl.write"},
    {"PATCH", C "/acl/{ruleId}", gc_acl_patch, "acl.write"},
    {"DELETE", C "/acl/{ruleId}", gc_acl_delete, "acl.write"},
    {"GET", V "/users/me/settings", gc_settings_list, "settings"},
    {"POST", V "/users/me/settings/watch", gc_settings_watch, "settings"},
    {"GET", V "/users/me/settings/{setting}", gc_settings_get, "settings"},
    {"GET", V "/colors", gc_colors_get, "colors"},
    {"GET", C "/events", gc_events_list, "ev.read"},
    {"POST", C "/events", gc_events_insert, "ev.write"},
    {"POST", C "/events/import", gc_events_import, "ev.write"},
    {"POST", C "/events/quickAdd", gc_events_quick_add, "ev.write"},
    {"POST", C "/events/watch", gc_events_watch, "ev.read"},
    {"GET", C "/events/{eventId}", gc_events_get, "ev.read"},
    {"PUT", C "/events/{eventId}", gc_events_update, "ev.write"},
    {"PATCH", C "/events/{eventId}", gc_events_patch, "ev.write"},
    {"DELETE", C "/events/{eventId}", gc_events_delete, "ev.write"},
    {"GET", C "/events/{eventId}/instances", gc_events_instances, "ev.read"},
    {"POST", C "/events/{eventId}/move", gc_events_move, "ev.move"},
    {"POST", V "/freeBusy", gc_freebusy, "freebusy"},
    {"POST", V "/channels/stop", gc_channels_stop, "stop"},
};
#undef V
#undef C
#undef L

/* Every start (provision, reset, config change, restore from --data-dir):
 * the primary calendar, and the watch index a store from an older build
 * may lack. */
static void on_start(twin_ctx *ctx)
{
    gc_ensure_primary(ctx);
    gc_watch_reindex(ctx);
}

const twin_def twin_google_calendar = {
    .name = "google_calendar",
    .label = "Google Calendar",
    .frontend = true,
    .show_in_ui = true,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .seed_schema = seed_schema_google_calendar,
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .spec_name = "google_calendar",
    .authenticate = gc_authenticate,
    .send_error = gc_send_error,
    .seed = gc_seed,
    .on_start = on_start,
};
