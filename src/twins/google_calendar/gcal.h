/* Google Calendar twin: helpers shared by the resource files.
 *
 * State lives in the store:
 *   calendars     calendar id -> {id, summary, description, location, timeZone, etag, _mod, _floor}
 *   calendarlist  calendar id -> {colorId, hidden, selected, summaryOverride, ..., _mod}
 *   events        "<calendar id>/<event id>" -> event resource (+ _cal, _mod, _moved)   (index cal)
 *   acl           "<calendar id>/<rule id>" -> rule (+ _cal, _mod)                       (index cal)
 *   channels      channel id -> {id, resourceId, resourceUri, token, expiration, address, kind, cal, msg}
 *                                                            (index watch: "<kind>[/<calendar id>]")
 *   settings_seen "all" -> {<setting id>: {etag, mod}}: when each derived setting last changed
 * Every write stamps _mod from one run-wide sequence ("mod"); sync tokens
 * carry that number, so an incremental list returns what changed after it.
 * The primary calendar's id is the user's email (config `email`). */
#ifndef TWINS_GCAL_H
#define TWINS_GCAL_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/twin.h"
#include "twins/google_common/google.h"

#define GCAL_DEFAULT_EMAIL "twin.user@example.com"

/* ---- auth and errors (auth.c) ---- */
extern const google_api gc_api;   /* every error carries "status" */
extern const google_fields gc_fields;   /* fields_schema.c (generated) */
bool gc_authenticate(twin_ctx *ctx, const twin_route *route);
void gc_send_error(twin_ctx *ctx, int status, const char *code, const char *message);
/* Google's error body: {"error":{"code","message","errors":[{domain,reason,message[,location,locationType]}],"status"}} */
void gc_error(twin_ctx *ctx, int status, const char *domain, const char *reason, const char *message);
void gc_error_at(twin_ctx *ctx, int status, const char *domain, const char *reason, const char *message,
                 const char *location, const char *location_type);
void gc_not_found(twin_ctx *ctx);
void gc_bad_request(twin_ctx *ctx, const char *message);
void gc_invalid(twin_ctx *ctx, const char *message);      /* 400 reason invalid */
void gc_required(twin_ctx *ctx, const char *message);     /* 400 reason required */

/* ---- common (common.c) ---- */
const char *gc_email(twin_ctx *ctx);
/* "primary" -> the user's email; otherwise the id itself. */
const char *gc_cal_id(twin_ctx *ctx, const char *id);
/* Loads the route's {calendarId}; answers 404 and returns NULL when absent. */
json_value *gc_calendar_load(twin_ctx *ctx);
json_value *gc_calendar_get(twin_ctx *ctx, const char *id);
void gc_calendar_save(twin_ctx *ctx, json_value *cal);
json_value *gc_calendar_create(twin_ctx *ctx, const char *id, const char *summary, const char *description,
                               const char *tz);
/* on_start: the primary calendar (id = the configured email) when absent. */
void gc_ensure_primary(twin_ctx *ctx);
int64_t gc_mod(twin_ctx *ctx);                 /* next value of the change sequence */
int64_t gc_mod_peek(twin_ctx *ctx);            /* latest value handed out */
const char *gc_etag(twin_ctx *ctx, int64_t mod);
const char *gc_rfc3339(twin_ctx *ctx, int64_t ms);        /* "2026-03-21T12:00:00.000Z" */
const char *gc_now(twin_ctx *ctx);
char *gc_new_id(twin_ctx *ctx, const char *kind, size_t n);   /* base32hex lower-case */
const char *gc_str(twin_ctx *ctx, const char *name);           /* body/query string member */
bool gc_bool(twin_ctx *ctx, const char *name, bool dflt);
/* maxResults (google_page_size); false after answering 400. */
bool gc_max_results(twin_ctx *ctx, int64_t dflt, int64_t max, int64_t *out);
/* Page tokens and sync tokens are google_cursor()s: kind 'p' carries an
 * offset, 's' a change sequence, both tied to the twin's epoch. */
/* A nextSyncToken for the current change sequence, in the twin's epoch. */
const char *gc_sync_token(twin_ctx *ctx);
/* The query's syncToken as the change sequence it carries (-1 when absent).
 * False after answering: 400 syncTokenWithRequestRestrictions when the
 * request also carries a filter Google refuses beside a token (restricted),
 * 410 fullSyncRequired when the token is not ours, predates floor (a
 * calendar clear) or was issued before the state started over (a reset). */
bool gc_sync_since(twin_ctx *ctx, bool restricted, int64_t floor, int64_t *since);
/* Whether a boolean parameter was given as false (not merely absent). */
bool gc_said_false(twin_ctx *ctx, const char *name);
/* The query's pageToken as an offset (0 when absent); false after a 400
 * invalid when it is not ours or is from before a reset. */
bool gc_page_offset(twin_ctx *ctx, int64_t *offset);
/* The members of a JSON array as a vector (n of them), for sorting and paging. */
json_value **gc_array_items(twin_ctx *ctx, const json_value *arr, size_t *n);
typedef json_value *(*gc_render_fn)(twin_ctx *ctx, const json_value *doc);
/* Answers out with the page of all[0..n) at offset as "items" (only those
 * rendered), then nextPageToken when more follow, else nextSyncToken. */
void gc_reply_page(twin_ctx *ctx, json_value *out, json_value *const *all, size_t n, int64_t offset, int64_t max,
                   gc_render_fn render);
/* 200 with internal "_" members removed, cut down to the request's `fields`. */
void gc_reply(twin_ctx *ctx, const json_value *body);
json_value *gc_public(twin_ctx *ctx, const json_value *doc);   /* clone without "_" members */
void gc_no_content(twin_ctx *ctx);

/* ---- calendars, calendar list, acl, settings, colors (calendars.c) ---- */
json_value *gc_calendar_json(twin_ctx *ctx, const json_value *cal);
json_value *gc_list_entry_put(twin_ctx *ctx, const json_value *cal, bool primary);
void gc_acl_owner(twin_ctx *ctx, const char *cal_id);
void gc_calendar_remove(twin_ctx *ctx, const char *cal_id);

/* ---- events (events.c) ---- */
/* Creates an event on cal from an input object (seed or API); NULL after *err is set. */
json_value *gc_event_create(twin_ctx *ctx, const json_value *cal, const json_value *in, const char *id,
                            const char **err_reason, const char **err_msg);
/* Busy intervals of one calendar within [from, to) (ms), merged. */
json_value *gc_busy(twin_ctx *ctx, const char *cal_id, int64_t from, int64_t to);
int64_t gc_event_count(twin_ctx *ctx);
/* The query's eventTypes (repeatable; empty array when absent); false after
 * Google's 400 invalidParameter for a value outside its enum. */
bool gc_event_types(twin_ctx *ctx, const char ***out);

/* ---- watch channels (watch.c) ---- */
/* kind: "events" (cal_id set), "calendarList", "acl" (cal_id set), "settings". */
void gc_notify(twin_ctx *ctx, const char *kind, const char *cal_id);
/* on_start: gives channels saved by older builds (before the "watch" index)
 * their index entries, so notifications still reach them. */
void gc_watch_reindex(twin_ctx *ctx);

/* ---- seeding (seed.c) ---- */
int gc_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error);

#define GC_HANDLERS(X) \
    X(calendars_insert) X(calendars_get) X(calendars_update) X(calendars_patch) X(calendars_delete) X(calendars_clear) \
    X(cl_list) X(cl_get) X(cl_insert) X(cl_update) X(cl_patch) X(cl_delete) X(cl_watch) \
    X(acl_list) X(acl_insert) X(acl_get) X(acl_update) X(acl_patch) X(acl_delete) X(acl_watch) \
    X(settings_list) X(settings_get) X(settings_watch) X(colors_get) \
    X(events_list) X(events_insert) X(events_import) X(events_quick_add) X(events_watch) \
    X(events_get) X(events_update) X(events_patch) X(events_delete) X(events_instances) X(events_move) \
    X(freebusy) X(channels_stop)
#define GC_DECLARE(n) void gc_##n(twin_ctx *ctx);
GC_HANDLERS(GC_DECLARE)
#undef GC_DECLARE

#endif
