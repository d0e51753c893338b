/* Google Calendar twin: seeding from seed_config.google_calendar
 * (calendars[{name, description, time_zone, primary, events[{summary, start,
 * end, description, location, time_zone, status, attendees, recurrence}]}]).
 * A calendar marked primary (or the first one named like the user's email)
 * becomes the primary calendar; the others are secondary calendars with
 * deterministic ids.  start/end: "YYYY-MM-DD" makes an all-day event. */
#include <string.h>

#include "twins/google_calendar/gcal.h"
#include "util/util.h"

static json_value *edt(arena *a, const char *v, const char *tz)
{
    json_value *o = json_object(a);
    if (strlen(v) == 10) json_set_str(a, o, "date", v);
    else json_set_str(a, o, "dateTime", v);
    if (tz) json_set_str(a, o, "timeZone", tz);
    return o;
}

int gc_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error)
{
    arena *a = ctx->a;
    int64_t n_cal = 0, n_ev = 0;
    size_t ci = 0;
    json_foreach(c, json_get(seed, "calendars")) {
        const char *name = json_get_str(c, "name"), *tz = json_get_str(c, "time_zone");
        json_value *cal;
        if (json_truthy(json_get(c, "primary"))) {
            cal = gc_calendar_get(ctx, "primary");
            json_set_str(a, cal, "summary", name);
            if (json_get_str(c, "description")) json_set_str(a, cal, "description", json_get_str(c, "description"));
            if (tz) json_set_str(a, cal, "timeZone", tz);
            gc_calendar_save(ctx, cal);
        } else {
            const char *id = arena_printf(a, "%s@group.calendar.google.com", gc_new_id(ctx, "cal", 26));
            cal = gc_calendar_create(ctx, id, name, json_get_str(c, "description"), tz);
            gc_list_entry_put(ctx, cal, false);
        }
        n_cal++;
        size_t ei = 0;
        json_foreach(e, json_get(c, "events")) {
            json_value *in = json_object(a);
            const char *etz = json_get_str(e, "time_zone") ? json_get_str(e, "time_zone") : tz;
            json_set_str(a, in, "summary", json_get_str(e, "summary"));
            if (json_get_str(e, "description")) json_set_str(a, in, "description", json_get_str(e, "description"));
            if (json_get_str(e, "location")) json_set_str(a, in, "location", json_get_str(e, "location"));
            if (json_get_str(e, "status")) json_set_str(a, in, "status", json_get_str(e, "status"));
            json_set(a, in, "start", edt(a, json_get_str(e, "start"), strlen(json_get_str(e, "start")) == 10 ? NULL : etz));
            json_set(a, in, "end", edt(a, json_get_str(e, "end"), strlen(json_get_str(e, "end")) == 10 ? NULL : etz));
            json_value *att = json_array(a);
            json_foreach(x, json_get(e, "attendees")) {
                json_value *p = json_object(a);
                json_set_str(a, p, "email", json_str(x));
                json_push(att, p);
            }
            json_set(a, in, "attendees", att);
            if (json_get(e, "recurrence")) json_set(a, in, "recurrence", json_clone(a, json_get(e, "recurrence")));
            const char *reason = NULL, *msg = NULL;
            if (!gc_event_create(ctx, cal, in, NULL, &reason, &msg)) {
                *error = arena_printf(a, "google_calendar.calendars[%zu].events[%zu]: %s", ci, ei, msg);
                return -1;
            }
            n_ev++;
            ei++;
        }
        ci++;
    }
    json_set_int(a, result, "calendars", n_cal);
    json_set_int(a, result, "events", n_ev);
    return 0;
}
