/* Google Calendar twin: events (insert, get, list with time windows, search,
 * recurring expansion, ordering, paging and sync tokens; patch, update,
 * delete, move, quickAdd, import, instances) and free/busy.
 *
 * Recurrence: RRULE FREQ=DAILY|WEEKLY with INTERVAL, COUNT, UNTIL and (weekly)
 * BYDAY, plus EXDATE, expanded at the start's fixed UTC offset (no DST
 * rules).  Other frequencies expand to the first occurrence only. */
#include <ctype.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "twins/google_calendar/gcal.h"
#include "util/base64.h"
#include "util/util.h"

#define DAY_MS 86400000LL
#define MAX_INSTANCES 2000

static const char *ev_key(twin_ctx *ctx, const char *cal, const char *id)
{
    return arena_printf(ctx->a, "%s/%s", cal, id);
}

static void ev_save(twin_ctx *ctx, const char *cal, json_value *ev)
{
    arena *a = ctx->a;
    int64_t mod = gc_mod(ctx);
    json_set_int(a, ev, "_mod", mod);
    json_set_str(a, ev, "etag", gc_etag(ctx, mod));
    json_set_str(a, ev, "_cal", cal);
    store_index idx = {"cal", cal};
    twin_doc_put(ctx, "events", ev_key(ctx, cal, json_get_str(ev, "id")), ev, &idx, 1);
}

/* ---- times ---- */

/* Offset in minutes of an RFC 3339 date-time ("...-07:00" -> -420; "Z"/none -> 0). */
static int dt_offset(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 6) return 0;
    const char *p = s + n - 6;
    if ((p[0] == '+' || p[0] == '-') && isdigit((unsigned char)p[1]) && p[3] == ':') {
        int h = (p[1] - '0') * 10 + (p[2] - '0'), m = (p[4] - '0') * 10 + (p[5] - '0');
        return (h * 60 + m) * (p[0] == '-' ? -1 : 1);
    }
    return 0;
}

static bool valid_date(const char *s)
{
    if (!s || strlen(s) != 10) return false;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i])) return false;
    return parse_iso8601_ms(s) >= 0;
}

/* Start/end object -> ms; *all_day set.  -1 when invalid. */
static int64_t edt_ms(const json_value *o, bool *all_day, int *offset)
{
    const char *d = json_get_str(o, "date"), *dt = json_get_str(o, "dateTime");
    *all_day = false;
    *offset = 0;
    if (dt) {
        if (strlen(dt) < 19 || dt[10] != 'T') return -1;
        *offset = dt_offset(dt);
        return parse_iso8601_ms(dt);
    }
    if (d) {
        if (!valid_date(d)) return -1;
        *all_day = true;
        return parse_iso8601_ms(d);
    }
    return -1;
}

static const char *fmt_local(twin_ctx *ctx, int64_t ms, int offset_min)
{
    char out[40];
    format_iso8601(ms + (int64_t)offset_min * 60000, false, out, sizeof out);
    if (offset_min == 0) return arena_strdup(ctx->a, out);
    out[19] = '\0';
    int o = offset_min < 0 ? -offset_min : offset_min;
    return arena_printf(ctx->a, "%s%c%02d:%02d", out, offset_min < 0 ? '-' : '+', o / 60, o % 60);
}

static const char *fmt_date(twin_ctx *ctx, int64_t ms)
{
    char out[40];
    format_iso8601(ms, false, out, sizeof out);
    out[10] = '\0';
    return arena_strdup(ctx->a, out);
}

static json_value *edt_json(twin_ctx *ctx, const json_value *tmpl, int64_t ms, bool all_day, int offset)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    if (all_day) json_set_str(a, o, "date", fmt_date(ctx, ms));
    else json_set_str(a, o, "dateTime", fmt_local(ctx, ms, offset));
    const char *tz = json_get_str(tmpl, "timeZone");
    if (tz) json_set_str(a, o, "timeZone", tz);
    return o;
}

/* Parses RFC 3339 query times; -2 when absent, -1 when malformed. */
static int64_t query_time(twin_ctx *ctx, const char *name)
{
    const char *v = gc_str(ctx, name);
    if (!v || !*v) return -2;
    if (strlen(v) < 19 || v[10] != 'T') return -1;
    return parse_iso8601_ms(v);
}

/* ---- recurrence ---- */

typedef struct rrule {
    char freq[16];
    int interval;
    int64_t count;               /* 0 = unbounded */
    int64_t until;               /* ms, -1 = none */
    bool byday[7];               /* 0 = Sunday */
    bool has_byday;
} rrule;

static int64_t parse_ical_time(const char *v)
{
    int y, mo, d, h = 0, mi = 0, s = 0;
    if (!v || sscanf(v, "%4d%2d%2d", &y, &mo, &d) != 3) return -1;
    if (strlen(v) >= 15 && v[8] == 'T') sscanf(v + 9, "%2d%2d%2d", &h, &mi, &s);
    char tb[40];
    snprintf(tb, sizeof tb, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
    return parse_iso8601_ms(tb);
}

static bool parse_rrule(const json_value *recurrence, rrule *r, json_value *exdates, arena *a)
{
    bool found = false;
    memset(r, 0, sizeof *r);
    r->interval = 1;
    r->until = -1;
    json_foreach(line, recurrence) {
        const char *l = json_str(line);
        if (!l) continue;
        if (strncasecmp(l, "EXDATE", 6) == 0 && exdates) {
            const char *colon = strchr(l, ':');
            if (!colon) continue;
            char *vals = arena_strdup(a, colon + 1), *save = NULL;
            for (char *t = strtok_r(vals, ",", &save); t; t = strtok_r(NULL, ",", &save))
                json_push(exdates, json_int(a, parse_ical_time(t)));
            continue;
        }
        if (strncasecmp(l, "RRULE:", 6) != 0) continue;
        found = true;
        char *rule = arena_strdup(a, l + 6), *save = NULL;
        for (char *part = strtok_r(rule, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
            char *eq = strchr(part, '=');
            if (!eq) continue;
            *eq = '\0';
            const char *k = part, *v = eq + 1;
            if (strcasecmp(k, "FREQ") == 0) snprintf(r->freq, sizeof r->freq, "%s", v);
            else if (strcasecmp(k, "INTERVAL") == 0) r->interval = atoi(v) > 0 ? atoi(v) : 1;
            else if (strcasecmp(k, "COUNT") == 0) r->count = atoll(v) > 0 ? atoll(v) : 1;
            else if (strcasecmp(k, "UNTIL") == 0) {
                r->until = parse_ical_time(v);
                if (strlen(v) == 8 && r->until >= 0) r->until += DAY_MS - 1;
            } else if (strcasecmp(k, "BYDAY") == 0) {
                static const char *const days[7] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
                char *dv = arena_strdup(a, v), *s2 = NULL;
                for (char *t = strtok_r(dv, ",", &s2); t; t = strtok_r(NULL, ",", &s2)) {
                    size_t n = strlen(t);
                    if (n < 2) continue;
                    for (int i = 0; i < 7; i++)
                        if (strcasecmp(t + n - 2, days[i]) == 0) r->byday[i] = r->has_byday = true;
                }
            }
        }
    }
    return found;
}

static int64_t floor_div(int64_t x, int64_t d)
{
    return x >= 0 ? x / d : -((-x + d - 1) / d);
}

/* Instance start times (ms) of a recurring event overlapping [from, to) given its duration. */
static size_t expand(const json_value *ev, int64_t from, int64_t to, int64_t *out, size_t max, arena *a)
{
    int64_t s0 = 0, e0 = 0;
    json_int64(json_get(ev, "_s"), &s0);
    json_int64(json_get(ev, "_e"), &e0);
    int64_t dur = e0 - s0;
    int64_t off = 0;
    json_int64(json_get(ev, "_off"), &off);
    rrule r;
    json_value *ex = json_array(a);
    json_value *stored = json_get(ev, "_exdates");
    json_foreach(x, stored) json_push(ex, json_clone(a, x));
    bool rec = parse_rrule(json_get(ev, "recurrence"), &r, ex, a);
    bool daily = rec && strcasecmp(r.freq, "DAILY") == 0, weekly = rec && strcasecmp(r.freq, "WEEKLY") == 0;
    size_t n = 0;
    int64_t local0 = s0 + off * 60000, day0 = floor_div(local0, DAY_MS);
    int wd0 = (int)(((day0 + 4) % 7 + 7) % 7);
    if (weekly && !r.has_byday) r.byday[wd0] = r.has_byday = true;
    int64_t produced = 0;
    for (int64_t k = 0; k < 400000; k++) {
        int64_t day = day0 + k;
        bool hit;
        if (daily) hit = k % r.interval == 0;
        else if (weekly) {
            int wd = (int)(((day + 4) % 7 + 7) % 7);
            /* weeks start on Monday */
            int64_t mon0 = day0 - ((wd0 + 6) % 7), week = floor_div(day - mon0, 7);
            hit = r.byday[wd] && week % r.interval == 0;
        } else hit = k == 0;
        if (!hit) continue;
        int64_t st = s0 + k * DAY_MS;
        if (r.until >= 0 && st > r.until) break;
        if (r.count && produced >= r.count) break;
        produced++;
        if (st >= to) break;
        bool excluded = false;
        json_foreach(x, ex) {
            int64_t v = 0;
            if (json_int64(x, &v) && v == st) excluded = true;
        }
        if (!excluded && st + (dur > 0 ? dur : 1) > from) {
            if (n >= max) break;
            out[n++] = st;
        }
        if (!daily && !weekly) break;
    }
    return n;
}

static bool is_recurring(const json_value *ev)
{
    json_foreach(l, json_get(ev, "recurrence")) if (json_str(l) && strncasecmp(l->str, "RRULE:", 6) == 0) return true;
    return false;
}

static const char *instance_suffix(twin_ctx *ctx, int64_t st, bool all_day)
{
    char out[40];
    format_iso8601(st, false, out, sizeof out);
    /* 2026-03-02T17:45:00Z -> 20260302T174500Z */
    char b[24];
    int j = 0;
    for (int i = 0; out[i] && j < 20; i++)
        if (out[i] != '-' && out[i] != ':') b[j++] = out[i];
    b[j] = '\0';
    if (all_day) b[8] = '\0';
    return arena_strdup(ctx->a, b);
}

static json_value *make_instance(twin_ctx *ctx, const json_value *ev, int64_t st)
{
    arena *a = ctx->a;
    int64_t s0 = 0, e0 = 0, off = 0;
    json_int64(json_get(ev, "_s"), &s0);
    json_int64(json_get(ev, "_e"), &e0);
    json_int64(json_get(ev, "_off"), &off);
    bool all_day = json_truthy(json_get(ev, "_allday"));
    json_value *o = json_clone(a, ev);
    json_remove(o, "recurrence");
    json_remove(o, "_exdates");
    const char *id = json_get_str(ev, "id");
    json_set_str(a, o, "id", arena_printf(a, "%s_%s", id, instance_suffix(ctx, st, all_day)));
    json_set_str(a, o, "recurringEventId", id);
    json_set(a, o, "start", edt_json(ctx, json_get(ev, "start"), st, all_day, (int)off));
    json_set(a, o, "end", edt_json(ctx, json_get(ev, "end"), st + (e0 - s0), all_day, (int)off));
    json_set(a, o, "originalStartTime", edt_json(ctx, json_get(ev, "start"), st, all_day, (int)off));
    json_set_int(a, o, "_s", st);
    json_set_int(a, o, "_e", st + (e0 - s0));
    return o;
}

/* ---- building events ---- */

static bool valid_event_id(const char *id)
{
    size_t n = strlen(id);
    if (n < 5 || n > 1024) return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'v'))) return false;
    return true;
}

static const char *html_link(twin_ctx *ctx, const char *id, const char *cal)
{
    const char *raw = arena_printf(ctx->a, "%s %s", id, cal);
    return arena_printf(ctx->a, "https://www.google.com/calendar/event?eid=%s",
                        base64url_encode(ctx->a, raw, strlen(raw)));
}

static json_value *person(twin_ctx *ctx, const char *email, const char *name, bool self)
{
    json_value *p = json_object(ctx->a);
    json_set_str(ctx->a, p, "email", email);
    if (name) json_set_str(ctx->a, p, "displayName", name);
    if (self) json_set_bool(ctx->a, p, "self", true);
    return p;
}

/* Fills ev (existing or new, already holding id, created, ...) from the desired
 * representation in.  Returns false with reason and msg set. */
static bool fill_event(twin_ctx *ctx, json_value *ev, const json_value *in, const char **reason, const char **msg)
{
    arena *a = ctx->a;
    json_value *st = json_get(in, "start"), *en = json_get(in, "end");
    if (!st || st->type != JSON_OBJECT) return *reason = "required", *msg = "Missing start time.", false;
    if (!en || en->type != JSON_OBJECT) return *reason = "required", *msg = "Missing end time.", false;
    bool ad_s, ad_e;
    int off_s, off_e;
    int64_t s = edt_ms(st, &ad_s, &off_s), e = edt_ms(en, &ad_e, &off_e);
    if (s < 0 || e < 0) return *reason = "invalid", *msg = "Invalid start or end time.", false;
    if (ad_s != ad_e) return *reason = "invalid", *msg = "Start and end times must either both be date or both be dateTime.", false;
    if (e < s || (e == s && ad_s)) return *reason = "timeRangeEmpty", *msg = "The specified time range is empty.", false;
    const char *status = json_get_str(in, "status");
    if (status && !str_eq(status, "confirmed") && !str_eq(status, "tentative") && !str_eq(status, "cancelled"))
        return *reason = "invalid", *msg = "Invalid Value", false;
    const char *color = json_get_str(in, "colorId");
    if (color) {
        char *end;
        long c = strtol(color, &end, 10);
        if (*end || c < 1 || c > 11) return *reason = "invalid", *msg = "Invalid Value", false;
    }
    const char *tr = json_get_str(in, "transparency");
    if (tr && !str_eq(tr, "opaque") && !str_eq(tr, "transparent")) return *reason = "invalid", *msg = "Invalid Value", false;
    const char *vis = json_get_str(in, "visibility");
    if (vis && !str_eq(vis, "default") && !str_eq(vis, "public") && !str_eq(vis, "private") && !str_eq(vis, "confidential"))
        return *reason = "invalid", *msg = "Invalid Value", false;
    json_value *rec = json_get(in, "recurrence");
    if (rec && rec->type != JSON_ARRAY && rec->type != JSON_NULL) return *reason = "invalid", *msg = "Invalid recurrence rule.", false;
    json_foreach(l, rec) {
        const char *line = json_str(l);
        if (!line || (strncasecmp(line, "RRULE:", 6) && strncasecmp(line, "EXDATE", 6) && strncasecmp(line, "RDATE", 5) &&
                      strncasecmp(line, "EXRULE:", 7)))
            return *reason = "invalid", *msg = "Invalid recurrence rule.", false;
    }
    /* copy plain fields */
    static const char *const plain[] = {"summary", "description", "location", "colorId", "transparency", "visibility",
                                        "hangoutLink", NULL};
    for (size_t i = 0; plain[i]; i++) {
        json_value *v = json_get(in, plain[i]);
        if (v && v->type == JSON_STRING) json_set_str(a, ev, plain[i], v->str);
        else json_remove(ev, plain[i]);
    }
    static const char *const objs[] = {"extendedProperties", "source", "attachments", "guestsCanInviteOthers",
                                       "guestsCanModify", "guestsCanSeeOtherGuests", "anyoneCanAddSelf",
                                       "endTimeUnspecified", "locked", "privateCopy", NULL};
    for (size_t i = 0; objs[i]; i++) {
        json_value *v = json_get(in, objs[i]);
        if (v && v->type != JSON_NULL) json_set(a, ev, objs[i], json_clone(a, v));
        else json_remove(ev, objs[i]);
    }
    json_set_str(a, ev, "status", status ? status : "confirmed");
    int64_t old_s = -1, old_e = -1;
    json_int64(json_get(ev, "_s"), &old_s);
    json_int64(json_get(ev, "_e"), &old_e);
    json_set(a, ev, "start", json_clone(a, st));
    json_set(a, ev, "end", json_clone(a, en));
    if (rec && rec->type == JSON_ARRAY && rec->len) json_set(a, ev, "recurrence", json_clone(a, rec));
    else json_remove(ev, "recurrence");
    /* attendees */
    json_value *att = json_get(in, "attendees");
    if (att && att->type == JSON_ARRAY && att->len) {
        json_value *out = json_array(a);
        json_foreach(x, att) {
            const char *email = json_get_str(x, "email");
            if (!email || !*email) return *reason = "required", *msg = "Missing attendee email.", false;
            json_value *p = json_clone(a, x);
            if (!json_get_str(p, "responseStatus")) json_set_str(a, p, "responseStatus", "needsAction");
            if (str_case_eq(email, gc_email(ctx))) json_set_bool(a, p, "self", true);
            if (str_case_eq(email, json_get_str(json_get(ev, "organizer"), "email")))
                json_set_bool(a, p, "organizer", true);
            json_push(out, p);
        }
        json_set(a, ev, "attendees", out);
    } else json_remove(ev, "attendees");
    json_value *rem = json_get(in, "reminders");
    if (rem && rem->type == JSON_OBJECT) json_set(a, ev, "reminders", json_clone(a, rem));
    else {
        json_value *r = json_object(a);
        json_set_bool(a, r, "useDefault", true);
        json_set(a, ev, "reminders", r);
    }
    json_value *conf = json_get(in, "conferenceData");
    if (conf && conf->type == JSON_OBJECT) {
        json_value *c = json_clone(a, conf);
        json_value *cr = json_get(c, "createRequest");
        if (cr && !json_get(c, "entryPoints")) {
            const char *code = gc_new_id(ctx, "meet", 10);
            const char *meet = arena_printf(a, "%.3s-%.4s-%.3s", code, code + 3, code + 7);
            json_value *status_o = json_object(a);
            json_set_str(a, status_o, "statusCode", "success");
            json_set(a, cr, "status", status_o);
            json_value *eps = json_array(a), *ep = json_object(a);
            json_set_str(a, ep, "entryPointType", "video");
            json_set_str(a, ep, "uri", arena_printf(a, "https://meet.google.com/%s", meet));
            json_set_str(a, ep, "label", arena_printf(a, "meet.google.com/%s", meet));
            json_push(eps, ep);
            json_set(a, c, "entryPoints", eps);
            json_value *sol = json_object(a), *key = json_object(a);
            json_set_str(a, key, "type", "hangoutsMeet");
            json_set(a, sol, "key", key);
            json_set_str(a, sol, "name", "Google Meet");
            json_set(a, c, "conferenceSolution", sol);
            json_set_str(a, c, "conferenceId", meet);
            json_set_str(a, ev, "hangoutLink", arena_printf(a, "https://meet.google.com/%s", meet));
        }
        json_set(a, ev, "conferenceData", c);
    } else json_remove(ev, "conferenceData");
    json_set_str(a, ev, "eventType", json_get_str(in, "eventType") ? json_get_str(in, "eventType") : "default");
    /* bookkeeping */
    json_set_int(a, ev, "_s", s);
    json_set_int(a, ev, "_e", e);
    json_set_int(a, ev, "_off", off_s);
    json_set_bool(a, ev, "_allday", ad_s);
    if (old_s >= 0 && (old_s != s || old_e != e)) {
        int64_t seq = 0;
        json_int64(json_get(ev, "sequence"), &seq);
        json_set_int(a, ev, "sequence", seq + 1);
    }
    json_set_str(a, ev, "updated", gc_now(ctx));
    return true;
}

static json_value *new_event(twin_ctx *ctx, const json_value *cal, const char *id, const char *ical)
{
    arena *a = ctx->a;
    const char *cal_id = json_get_str(cal, "id");
    bool primary = str_eq(cal_id, gc_email(ctx));
    json_value *ev = json_object(a);
    json_set_str(a, ev, "kind", "calendar#event");
    json_set_str(a, ev, "etag", "");
    json_set_str(a, ev, "id", id);
    json_set_str(a, ev, "status", "confirmed");
    json_set_str(a, ev, "htmlLink", html_link(ctx, id, cal_id));
    const char *now = gc_now(ctx);
    json_set_str(a, ev, "created", now);
    json_set_str(a, ev, "updated", now);
    json_set(a, ev, "creator", person(ctx, gc_email(ctx), NULL, true));
    json_set(a, ev, "organizer",
             primary ? person(ctx, gc_email(ctx), NULL, true) : person(ctx, cal_id, json_get_str(cal, "summary"), true));
    json_set_str(a, ev, "iCalUID", ical ? ical : arena_printf(a, "%s@google.com", id));
    json_set_int(a, ev, "sequence", 0);
    return ev;
}

json_value *gc_event_create(twin_ctx *ctx, const json_value *cal, const json_value *in, const char *id,
                            const char **err_reason, const char **err_msg)
{
    const char *cal_id = json_get_str(cal, "id");
    if (id) {
        if (!valid_event_id(id)) return *err_reason = "invalid", *err_msg = "Invalid resource id value.", NULL;
        if (twin_doc_get(ctx, "events", ev_key(ctx, cal_id, id)))
            return *err_reason = "duplicate", *err_msg = "The requested identifier already exists.", NULL;
    } else id = gc_new_id(ctx, "event", 26);
    json_value *ev = new_event(ctx, cal, id, json_get_str(in, "iCalUID"));
    if (!fill_event(ctx, ev, in, err_reason, err_msg)) return NULL;
    ev_save(ctx, cal_id, ev);
    return ev;
}

static void answer_failure(twin_ctx *ctx, const char *reason, const char *msg)
{
    if (str_eq(reason, "duplicate")) return gc_error(ctx, 409, "global", "duplicate", msg);
    if (str_eq(reason, "timeRangeEmpty"))
        return gc_error(ctx, 400, "calendar", "timeRangeEmpty", msg);
    gc_error(ctx, 400, "global", reason, msg);
}

/* ---- handlers ---- */

void gc_events_insert(twin_ctx *ctx)
{
    json_value *cal = gc_calendar_load(ctx);
    if (!cal) return;
    const char *reason = NULL, *msg = NULL;
    json_value *ev = gc_event_create(ctx, cal, ctx->body, json_get_str(ctx->body, "id"), &reason, &msg);
    if (!ev) return answer_failure(ctx, reason, msg);
    gc_notify(ctx, "events", json_get_str(cal, "id"));
    gc_reply(ctx, ev);
}

void gc_events_import(twin_ctx *ctx)
{
    json_value *cal = gc_calendar_load(ctx);
    if (!cal) return;
    const char *uid = json_get_str(ctx->body, "iCalUID");
    if (!uid || !*uid) return gc_required(ctx, "Missing iCalUID.");
    const char *cal_id = json_get_str(cal, "id");
    twin_list l = {0};
    twin_doc_list(ctx, "events", &(store_list_opts){.index_name = "cal", .index_value = cal_id}, &l);
    const char *reason = NULL, *msg = NULL;
    for (size_t i = 0; i < l.n; i++) {
        json_value *ev = l.items[i];
        if (!str_eq(json_get_str(ev, "iCalUID"), uid) || json_truthy(json_get(ev, "_moved"))) continue;
        if (!fill_event(ctx, ev, ctx->body, &reason, &msg)) return answer_failure(ctx, reason, msg);
        ev_save(ctx, cal_id, ev);
        gc_notify(ctx, "events", cal_id);
        return gc_reply(ctx, ev);
    }
    json_value *ev = gc_event_create(ctx, cal, ctx->body, NULL, &reason, &msg);
    if (!ev) return answer_failure(ctx, reason, msg);
    json_value *org = json_get(ctx->body, "organizer");
    if (org && json_get_str(org, "email")) {
        json_value *o = json_clone(ctx->a, org);
        if (!str_case_eq(json_get_str(o, "email"), gc_email(ctx))) json_remove(o, "self");
        json_set(ctx->a, ev, "organizer", o);
        ev_save(ctx, cal_id, ev);
    }
    gc_notify(ctx, "events", cal_id);
    gc_reply(ctx, ev);
}

void gc_events_quick_add(twin_ctx *ctx)
{
    json_value *cal = gc_calendar_load(ctx);
    if (!cal) return;
    const char *text = gc_str(ctx, "text");
    if (!text || !*text) return gc_required(ctx, "Required parameter: text");
    arena *a = ctx->a;
    int64_t now = twin_now_ms(ctx) / 1000 * 1000;
    json_value *in = json_object(a), *st = json_object(a), *en = json_object(a);
    json_set_str(a, in, "summary", text);
    json_set_str(a, st, "dateTime", fmt_local(ctx, now, 0));
    json_set_str(a, en, "dateTime", fmt_local(ctx, now + 3600000, 0));
    const char *tz = json_get_str(cal, "timeZone");
    if (tz) json_set_str(a, st, "timeZone", tz), json_set_str(a, en, "timeZone", tz);
    json_set(a, in, "start", st);
    json_set(a, in, "end", en);
    const char *reason = NULL, *msg = NULL;
    json_value *ev = gc_event_create(ctx, cal, in, NULL, &reason, &msg);
    if (!ev) return answer_failure(ctx, reason, msg);
    gc_notify(ctx, "events", json_get_str(cal, "id"));
    gc_reply(ctx, ev);
}

/* Loads {eventId} on cal; for an instance id (id_stamp) returns the
 * generated instance and sets *master.  Answers 404 when absent. */
static json_value *load_event(twin_ctx *ctx, const json_value *cal, json_value **master)
{
    const char *cal_id = json_get_str(cal, "id"), *id = twin_param(ctx, "eventId");
    if (master) *master = NULL;
    json_value *ev = twin_doc_get(ctx, "events", ev_key(ctx, cal_id, id));
    if (ev && !json_truthy(json_get(ev, "_moved"))) return ev;
    const char *us = strrchr(id, '_');
    if (!ev && us && master) {
        json_value *m = twin_doc_get(ctx, "events", ev_key(ctx, cal_id, arena_strndup(ctx->a, id, (size_t)(us - id))));
        if (m && is_recurring(m) && !json_truthy(json_get(m, "_moved"))) {
            int64_t want = parse_ical_time(us + 1);
            int64_t out[1];
            if (want >= 0 && expand(m, want, want + 1, out, 1, ctx->a) == 1 && out[0] == want) {
                *master = m;
                return make_instance(ctx, m, want);
            }
        }
    }
    gc_not_found(ctx);
    return NULL;
}

void gc_events_get(twin_ctx *ctx)
{
    json_value *cal = gc_calendar_load(ctx), *m = NULL;
    json_value *ev = cal ? load_event(ctx, cal, &m) : NULL;
    if (ev) gc_reply(ctx, ev);
}

static void events_write(twin_ctx *ctx, bool replace)
{
    json_value *cal = gc_calendar_load(ctx);
    json_value *ev = cal ? load_event(ctx, cal, NULL) : NULL;
    if (!ev) return;
    arena *a = ctx->a;
    json_value *in;
    if (replace) in = ctx->body;
    else {
        in = gc_public(ctx, ev);
        json_foreach(m, ctx->body) json_set(a, in, m->key, json_clone(a, m));
    }
    const char *reason = NULL, *msg = NULL;
    const char *cal_id = json_get_str(cal, "id");
    if (!fill_event(ctx, ev, in, &reason, &msg)) return answer_failure(ctx, reason, msg);
    ev_save(ctx, cal_id, ev);
    gc_notify(ctx, "events", cal_id);
    gc_reply(ctx, ev);
}

void gc_events_update(twin_ctx *ctx)
{
    events_write(ctx, true);
}

void gc_events_patch(twin_ctx *ctx)
{
    events_write(ctx, false);
}

void gc_events_delete(twin_ctx *ctx)
{
    json_value *cal = gc_calendar_load(ctx), *master = NULL;
    if (!cal) return;
    json_value *ev = load_event(ctx, cal, &master);
    if (!ev) return;
    const char *cal_id = json_get_str(cal, "id");
    if (master) {
        /* Deleting one occurrence excludes it from the series. */
        json_value *ex = json_get(master, "_exdates");
        if (!ex) json_set(ctx->a, master, "_exdates", ex = json_array(ctx->a));
        json_push(ex, json_clone(ctx->a, json_get(ev, "_s")));
        json_set_str(ctx->a, master, "updated", gc_now(ctx));
        ev_save(ctx, cal_id, master);
    } else {
        if (str_eq(json_get_str(ev, "status"), "cancelled"))
            return gc_error(ctx, 410, "global", "deleted", "Resource has been deleted");
        json_set_str(ctx->a, ev, "status", "cancelled");
        json_set_str(ctx->a, ev, "updated", gc_now(ctx));
        ev_save(ctx, cal_id, ev);
    }
    gc_notify(ctx, "events", cal_id);
    gc_no_content(ctx);
}

void gc_events_move(twin_ctx *ctx)
{
    json_value *cal = gc_calendar_load(ctx);
    json_value *ev = cal ? load_event(ctx, cal, NULL) : NULL;
    if (!ev) return;
    const char *dest_id = gc_str(ctx, "destination");
    if (!dest_id || !*dest_id) return gc_required(ctx, "Required parameter: destination");
    json_value *dest = gc_calendar_get(ctx, dest_id);
    if (!dest) return gc_not_found(ctx);
    const char *src = json_get_str(cal, "id"), *dst = json_get_str(dest, "id"), *id = json_get_str(ev, "id");
    if (str_eq(src, dst)) return gc_reply(ctx, ev);
    if (str_eq(json_get_str(ev, "status"), "cancelled")) return gc_error(ctx, 410, "global", "deleted", "Resource has been deleted");
    json_value *existing = twin_doc_get(ctx, "events", ev_key(ctx, dst, id));
    if (existing && !json_truthy(json_get(existing, "_moved")))
        return gc_error(ctx, 409, "global", "duplicate", "The requested identifier already exists.");
    arena *a = ctx->a;
    json_value *moved = json_clone(a, ev);
    bool primary = str_eq(dst, gc_email(ctx));
    json_set(a, moved, "organizer",
             primary ? person(ctx, gc_email(ctx), NULL, true) : person(ctx, dst, json_get_str(dest, "summary"), true));
    json_set_str(a, moved, "htmlLink", html_link(ctx, id, dst));
    json_set_str(a, moved, "updated", gc_now(ctx));
    ev_save(ctx, dst, moved);
    json_set_str(a, ev, "status", "cancelled");
    json_set_bool(a, ev, "_moved", true);
    json_set_str(a, ev, "updated", gc_now(ctx));
    ev_save(ctx, src, ev);
    gc_notify(ctx, "events", src);
    gc_notify(ctx, "events", dst);
    gc_reply(ctx, moved);
}

/* ---- listing ---- */

static bool contains_ci(const char *hay, const char *needle)
{
    if (!hay || !needle) return false;
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (strncasecmp(p, needle, n) == 0) return true;
    return false;
}

static bool matches_q(const json_value *ev, const char *q)
{
    if (!q || !*q) return true;
    if (contains_ci(json_get_str(ev, "summary"), q) || contains_ci(json_get_str(ev, "description"), q) ||
        contains_ci(json_get_str(ev, "location"), q))
        return true;
    json_foreach(x, json_get(ev, "attendees")) if (contains_ci(json_get_str(x, "email"), q) ||
                                                   contains_ci(json_get_str(x, "displayName"), q)) return true;
    return contains_ci(json_get_str(json_get(ev, "organizer"), "email"), q);
}

static int64_t ms_of(const json_value *ev, const char *k)
{
    int64_t v = 0;
    json_int64(json_get(ev, k), &v);
    return v;
}

static int cmp_start(const void *x, const void *y)
{
    const json_value *a = *(json_value *const *)x, *b = *(json_value *const *)y;
    int64_t sa = ms_of(a, "_s"), sb = ms_of(b, "_s");
    if (sa != sb) return sa < sb ? -1 : 1;
    return strcmp(json_get_str(a, "id"), json_get_str(b, "id"));
}

static int cmp_updated(const void *x, const void *y)
{
    const json_value *a = *(json_value *const *)x, *b = *(json_value *const *)y;
    int c = strcmp(json_get_str(a, "updated") ? json_get_str(a, "updated") : "",
                   json_get_str(b, "updated") ? json_get_str(b, "updated") : "");
    if (c) return c;
    int64_t ma = ms_of(a, "_mod"), mb = ms_of(b, "_mod");
    return ma < mb ? -1 : ma > mb;
}

typedef struct list_opts {
    int64_t tmin, tmax;          /* -2 = unset */
    const char *q, *ical, *updated_min;
    /* repeated query parameters, NULL-terminated (empty when absent) */
    const char **event_types, **private_props, **shared_props;
    bool single, show_deleted;
    int64_t since;               /* sync: -1 = full */
} list_opts;

/* eventTypes may repeat; any listed type matches, and none listed means all. */
static bool type_listed(const json_value *ev, const char *const *types)
{
    if (!types || !*types) return true;
    const char *t = json_get_str(ev, "eventType");
    for (; *types; types++)
        if (str_eq(*types, t ? t : "default")) return true;
    return false;
}

/* Each "name=value" constraint (privateExtendedProperty / sharedExtendedProperty,
 * repeatable) must hold: all of them, as Google ANDs the constraints. */
static bool props_hold(const json_value *ev, const char *scope, const char *const *constraints)
{
    if (!constraints) return true;
    const json_value *props = json_get(json_get(ev, "extendedProperties"), scope);
    for (; *constraints; constraints++) {
        const char *eq = strchr(*constraints, '=');
        if (!eq) return false;
        size_t name_len = (size_t)(eq - *constraints);
        bool held = false;
        json_foreach(p, props) if (strlen(p->key) == name_len && memcmp(p->key, *constraints, name_len) == 0 &&
                                  str_eq(json_str(p), eq + 1)) held = true;
        if (!held) return false;
    }
    return true;
}

static json_value *collect(twin_ctx *ctx, const char *cal_id, const list_opts *o, const char *only_master)
{
    arena *a = ctx->a;
    twin_list l = {0};
    twin_doc_list(ctx, "events", &(store_list_opts){.index_name = "cal", .index_value = cal_id}, &l);
    json_value *all = json_array(a);
    int64_t *starts = arena_alloc(a, sizeof(int64_t) * MAX_INSTANCES);
    for (size_t i = 0; i < l.n; i++) {
        json_value *ev = l.items[i];
        if (only_master && !str_eq(json_get_str(ev, "id"), only_master)) continue;
        if (o->since >= 0) {
            if (ms_of(ev, "_mod") > o->since) json_push(all, ev);
            continue;
        }
        bool cancelled = str_eq(json_get_str(ev, "status"), "cancelled");
        if (cancelled && !o->show_deleted) continue;
        if (!matches_q(ev, o->q)) continue;
        if (o->ical && !str_eq(json_get_str(ev, "iCalUID"), o->ical)) continue;
        if (o->updated_min && strcmp(json_get_str(ev, "updated"), o->updated_min) < 0) continue;
        if (!type_listed(ev, o->event_types)) continue;
        if (!props_hold(ev, "private", o->private_props) || !props_hold(ev, "shared", o->shared_props)) continue;
        if (is_recurring(ev) && !cancelled) {
            int64_t from = o->tmin >= 0 ? o->tmin : INT64_MIN / 2;
            int64_t to = o->tmax >= 0 ? o->tmax : ms_of(ev, "_s") + 730 * DAY_MS;
            size_t n = expand(ev, from, to, starts, MAX_INSTANCES, a);
            if (o->single) {
                for (size_t k = 0; k < n; k++) json_push(all, make_instance(ctx, ev, starts[k]));
            } else if (n) json_push(all, ev);
            continue;
        }
        int64_t s = ms_of(ev, "_s"), e = ms_of(ev, "_e");
        if (o->tmin >= 0 && e <= o->tmin && !(e == s && s >= o->tmin)) continue;
        if (o->tmax >= 0 && s >= o->tmax) continue;
        json_push(all, ev);
    }
    return all;
}

static void send_events(twin_ctx *ctx, const json_value *cal, json_value *all, const char *order, int64_t max)
{
    arena *a = ctx->a;
    int64_t offset;
    if (!gc_page_offset(ctx, &offset)) return;
    size_t n;
    json_value **v = gc_array_items(ctx, all, &n);
    if (str_eq(order, "startTime")) qsort(v, n, sizeof *v, cmp_start);
    else if (str_eq(order, "updated")) qsort(v, n, sizeof *v, cmp_updated);
    json_value *out = json_object(a);
    json_set_str(a, out, "kind", "calendar#events");
    json_set_str(a, out, "etag", gc_etag(ctx, ms_of(cal, "_mod")));
    json_set_str(a, out, "summary", json_get_str(cal, "summary"));
    if (json_get_str(cal, "description")) json_set_str(a, out, "description", json_get_str(cal, "description"));
    json_set_str(a, out, "updated", gc_now(ctx));
    json_set_str(a, out, "timeZone", json_get_str(cal, "timeZone"));
    json_set_str(a, out, "accessRole", "owner");
    json_value *entry = twin_doc_get(ctx, "calendarlist", json_get_str(cal, "id"));
    json_value *dr = json_get(entry, "defaultReminders");
    json_set(a, out, "defaultReminders", dr ? json_clone(a, dr) : json_array(a));
    gc_reply_page(ctx, out, v, n, offset, max, gc_public);
}

static bool window(twin_ctx *ctx, list_opts *o)
{
    o->tmin = query_time(ctx, "timeMin");
    o->tmax = query_time(ctx, "timeMax");
    if (o->tmin == -1) {
        gc_error_at(ctx, 400, "global", "invalid", "Bad Request", "timeMin", "parameter");
        return false;
    }
    if (o->tmax == -1) {
        gc_error_at(ctx, 400, "global", "invalid", "Bad Request", "timeMax", "parameter");
        return false;
    }
    if (o->tmin >= 0 && o->tmax >= 0 && o->tmax <= o->tmin) {
        gc_error(ctx, 400, "calendar", "timeRangeEmpty", "The specified time range is empty.");
        return false;
    }
    return true;
}

/* eventTypes is an enum parameter (it may repeat): an unknown value is
 * refused with the pattern Google's parameter check names in its message. */
bool gc_event_types(twin_ctx *ctx, const char ***out)
{
    http_query_all(ctx->req, "eventTypes", out);
    const char *const *types = *out;
    static const char *const known[] = {"birthday", "default", "focusTime", "fromGmail", "outOfOffice",
                                        "workingLocation", NULL};
    for (; types && *types; types++) {
        bool ok = false;
        for (size_t i = 0; known[i] && !ok; i++) ok = str_eq(*types, known[i]);
        if (ok) continue;
        gc_error_at(ctx, 400, "global", "invalidParameter",
                    arena_printf(ctx->a,
                                 "Invalid value '%s'. Values must match the following regular expression: "
                                 "'birthday|default|focusTime|fromGmail|outOfOffice|workingLocation'",
                                 *types),
                    "eventTypes", "parameter");
        return false;
    }
    return true;
}

/* An incremental list (syncToken) returns every change, deletions included,
 * so the filters that would make the client's copy inconsistent are refused
 * alongside it, and so is showDeleted=false. */
static bool sync_restricted(twin_ctx *ctx, const list_opts *o, const char *order)
{
    return o->tmin >= 0 || o->tmax >= 0 || o->q || o->ical || o->updated_min || order || *o->private_props ||
           *o->shared_props || gc_said_false(ctx, "showDeleted");
}

void gc_events_list(twin_ctx *ctx)
{
    json_value *cal = gc_calendar_load(ctx);
    if (!cal) return;
    int64_t max;
    if (!gc_max_results(ctx, 250, 2500, &max)) return;
    list_opts o = {.since = -1};
    if (!window(ctx, &o)) return;
    o.q = gc_str(ctx, "q");
    o.ical = gc_str(ctx, "iCalUID");
    o.updated_min = gc_str(ctx, "updatedMin");
    o.single = gc_bool(ctx, "singleEvents", false);
    o.show_deleted = gc_bool(ctx, "showDeleted", false);
    if (!gc_event_types(ctx, &o.event_types)) return;
    http_query_all(ctx->req, "privateExtendedProperty", &o.private_props);
    http_query_all(ctx->req, "sharedExtendedProperty", &o.shared_props);
    const char *order = gc_str(ctx, "orderBy");
    if (order && !str_eq(order, "startTime") && !str_eq(order, "updated"))
        return gc_error_at(ctx, 400, "global", "invalid", arena_printf(ctx->a, "Invalid value for orderBy: %s", order), "orderBy", "parameter");
    if (str_eq(order, "startTime") && !o.single)
        return gc_bad_request(ctx, "The requested ordering is not available for the particular query.");
    if (!gc_sync_since(ctx, sync_restricted(ctx, &o, order), ms_of(cal, "_floor"), &o.since)) return;
    if (o.since >= 0) o.show_deleted = true;
    send_events(ctx, cal, collect(ctx, json_get_str(cal, "id"), &o, NULL), order, max);
}

void gc_events_instances(twin_ctx *ctx)
{
    json_value *cal = gc_calendar_load(ctx);
    json_value *ev = cal ? load_event(ctx, cal, NULL) : NULL;
    if (!ev) return;
    int64_t max;
    if (!gc_max_results(ctx, 250, 2500, &max)) return;
    list_opts o = {.since = -1, .single = true, .show_deleted = gc_bool(ctx, "showDeleted", false)};
    if (!window(ctx, &o)) return;
    if (str_eq(json_get_str(ev, "status"), "cancelled")) return gc_error(ctx, 410, "global", "deleted", "Resource has been deleted");
    json_value *all = collect(ctx, json_get_str(cal, "id"), &o, json_get_str(ev, "id"));
    send_events(ctx, cal, all, "startTime", max);
}

/* ---- free/busy ---- */

typedef struct span {
    int64_t s, e;
} span;

static int cmp_span(const void *x, const void *y)
{
    const span *a = x, *b = y;
    return a->s < b->s ? -1 : a->s > b->s ? 1 : (a->e < b->e ? -1 : a->e > b->e);
}

json_value *gc_busy(twin_ctx *ctx, const char *cal_id, int64_t from, int64_t to)
{
    arena *a = ctx->a;
    list_opts o = {.tmin = from, .tmax = to, .since = -1, .single = true};
    json_value *all = collect(ctx, cal_id, &o, NULL);
    span *sp = arena_alloc(a, sizeof *sp * (all->len ? all->len : 1));
    size_t n = 0;
    json_foreach(ev, all) {
        if (str_eq(json_get_str(ev, "transparency"), "transparent")) continue;
        if (str_eq(json_get_str(ev, "status"), "cancelled")) continue;
        int64_t s = ms_of(ev, "_s"), e = ms_of(ev, "_e");
        if (s < from) s = from;
        if (e > to) e = to;
        if (e > s) sp[n++] = (span){s, e};
    }
    qsort(sp, n, sizeof *sp, cmp_span);
    json_value *busy = json_array(a);
    for (size_t i = 0; i < n;) {
        int64_t s = sp[i].s, e = sp[i].e;
        size_t j = i + 1;
        while (j < n && sp[j].s <= e) {
            if (sp[j].e > e) e = sp[j].e;
            j++;
        }
        json_value *b = json_object(a);
        json_set_str(a, b, "start", fmt_local(ctx, s, 0));
        json_set_str(a, b, "end", fmt_local(ctx, e, 0));
        json_push(busy, b);
        i = j;
    }
    return busy;
}

void gc_freebusy(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *smin = json_get_str(ctx->body, "timeMin"), *smax = json_get_str(ctx->body, "timeMax");
    if (!smin) return gc_error_at(ctx, 400, "global", "required", "Missing timeMin parameter.", "timeMin", "parameter");
    if (!smax) return gc_error_at(ctx, 400, "global", "required", "Missing timeMax parameter.", "timeMax", "parameter");
    int64_t from = strlen(smin) >= 19 ? parse_iso8601_ms(smin) : -1, to = strlen(smax) >= 19 ? parse_iso8601_ms(smax) : -1;
    if (from < 0) return gc_error_at(ctx, 400, "global", "invalid", "Invalid value for: timeMin", "timeMin", "parameter");
    if (to < 0) return gc_error_at(ctx, 400, "global", "invalid", "Invalid value for: timeMax", "timeMax", "parameter");
    if (to <= from) return gc_error(ctx, 400, "calendar", "timeRangeEmpty", "The specified time range is empty.");
    json_value *items = json_get(ctx->body, "items");
    if (items && items->type != JSON_ARRAY) return gc_invalid(ctx, "Invalid Value");
    if (items && items->len > 50) return gc_error(ctx, 400, "calendar", "tooManyCalendarsRequested", "Too many calendars requested.");
    json_value *out = json_object(a), *cals = json_object(a);
    json_set_str(a, out, "kind", "calendar#freeBusy");
    json_set_str(a, out, "timeMin", fmt_local(ctx, from, 0));
    json_set_str(a, out, "timeMax", fmt_local(ctx, to, 0));
    json_foreach(it, items) {
        const char *id = json_get_str(it, "id");
        if (!id) continue;
        json_value *c = json_object(a);
        json_value *cal = gc_calendar_get(ctx, id);
        if (!cal) {
            json_value *errs = json_array(a), *e = json_object(a);
            json_set_str(a, e, "domain", "global");
            json_set_str(a, e, "reason", "notFound");
            json_push(errs, e);
            json_set(a, c, "errors", errs);
            json_set(a, c, "busy", json_array(a));
        } else json_set(a, c, "busy", gc_busy(ctx, json_get_str(cal, "id"), from, to));
        json_set(a, cals, id, c);
    }
    json_set(a, out, "calendars", cals);
    gc_reply(ctx, out);
}

int64_t gc_event_count(twin_ctx *ctx)
{
    return twin_doc_count(ctx, "events", NULL, NULL);
}
