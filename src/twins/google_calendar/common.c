/* Google Calendar twin: ids, times, tokens, the primary calendar and answers. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twins/google_calendar/gcal.h"
#include "util/util.h"

const char *gc_email(twin_ctx *ctx)
{
    const char *e = json_get_str(ctx->config, "email");
    return e && *e ? e : GCAL_DEFAULT_EMAIL;
}

const char *gc_cal_id(twin_ctx *ctx, const char *id)
{
    if (!id || str_eq(id, "primary")) return gc_email(ctx);
    return id;
}

json_value *gc_calendar_get(twin_ctx *ctx, const char *id)
{
    return twin_doc_get(ctx, "calendars", gc_cal_id(ctx, id));
}

json_value *gc_calendar_load(twin_ctx *ctx)
{
    json_value *c = gc_calendar_get(ctx, twin_param(ctx, "calendarId"));
    if (!c) gc_not_found(ctx);
    return c;
}

void gc_calendar_save(twin_ctx *ctx, json_value *cal)
{
    int64_t mod = gc_mod(ctx);
    json_set_int(ctx->a, cal, "_mod", mod);
    json_set_str(ctx->a, cal, "etag", gc_etag(ctx, mod));
    twin_doc_put(ctx, "calendars", json_get_str(cal, "id"), cal, NULL, 0);
}

json_value *gc_calendar_create(twin_ctx *ctx, const char *id, const char *summary, const char *description,
                               const char *tz)
{
    arena *a = ctx->a;
    json_value *c = json_object(a);
    json_set_str(a, c, "kind", "calendar#calendar");
    json_set_str(a, c, "etag", "");
    json_set_str(a, c, "id", id);
    json_set_str(a, c, "summary", summary ? summary : "");
    if (description) json_set_str(a, c, "description", description);
    json_set_str(a, c, "timeZone", tz && *tz ? tz : "UTC");
    json_value *cp = json_object(a), *types = json_array(a);
    json_push(types, json_string(a, "hangoutsMeet"));
    json_set(a, cp, "allowedConferenceSolutionTypes", types);
    json_set(a, c, "conferenceProperties", cp);
    json_set_int(a, c, "_floor", 0);
    gc_calendar_save(ctx, c);
    gc_acl_owner(ctx, id);
    return c;
}

void gc_ensure_primary(twin_ctx *ctx)
{
    const char *email = gc_email(ctx);
    if (twin_doc_get(ctx, "calendars", email)) return;
    const char *tz = json_get_str(ctx->config, "time_zone");
    json_value *c = gc_calendar_create(ctx, email, email, NULL, tz ? tz : "UTC");
    gc_list_entry_put(ctx, c, true);
}

/* ---- sequence, etags, times, ids ---- */

int64_t gc_mod(twin_ctx *ctx)
{
    return twin_counter(ctx, "mod");
}

int64_t gc_mod_peek(twin_ctx *ctx)
{
    /* The counter API only increments; spending one value keeps tokens monotonic. */
    return twin_counter(ctx, "mod");
}

const char *gc_etag(twin_ctx *ctx, int64_t mod)
{
    return arena_printf(ctx->a, "\"%lld\"", (long long)(3400000000000000LL + mod * 1000));
}

const char *gc_rfc3339(twin_ctx *ctx, int64_t ms)
{
    char out[40];
    format_iso8601(ms, true, out, sizeof out);
    return arena_strdup(ctx->a, out);
}

const char *gc_now(twin_ctx *ctx)
{
    return gc_rfc3339(ctx, twin_now_ms(ctx));
}

char *gc_new_id(twin_ctx *ctx, const char *kind, size_t n)
{
    static const char b32[] = "0123456789abcdefghijklmnopqrstuv";
    char tok[64];
    if (n > 60) n = 60;
    derive_token(tok, n, ctx->twin, "gcal", kind, twin_counter(ctx, kind));
    char *out = arena_alloc(ctx->a, n + 1);
    for (size_t i = 0; i < n; i++) out[i] = b32[(unsigned char)tok[i] % 32];
    out[n] = '\0';
    return out;
}

const char *gc_str(twin_ctx *ctx, const char *name)
{
    json_value *v = twin_input(ctx, name);
    return v && v->type == JSON_STRING ? v->str : NULL;
}

bool gc_bool(twin_ctx *ctx, const char *name, bool dflt)
{
    json_value *v = twin_input(ctx, name);
    if (!v) return dflt;
    if (json_is_bool(v)) return json_truthy(v);
    if (v->type == JSON_STRING) return str_eq(v->str, "true") || str_eq(v->str, "1");
    return dflt;
}

bool gc_max_results(twin_ctx *ctx, int64_t dflt, int64_t max, int64_t *out)
{
    return google_page_size(ctx, &gc_api, "maxResults", dflt, max, out);
}

const char *gc_sync_token(twin_ctx *ctx)
{
    return google_cursor(ctx, 's', gc_mod_peek(ctx));
}

bool gc_sync_since(twin_ctx *ctx, bool restricted, int64_t floor, int64_t *since)
{
    const char *tok = gc_str(ctx, "syncToken");
    *since = -1;
    if (!tok) return true;
    if (restricted) {
        gc_error(ctx, 400, "calendar", "syncTokenWithRequestRestrictions",
                 "Sync token cannot be used with other request restrictions.");
        return false;
    }
    /* A token from before the state started over (its epoch) is as
     * invalid as one from before the floor: its history is gone. */
    if (google_cursor_read(ctx, tok, 's', since) != TWIN_CURSOR_CURRENT || *since < floor) {
        *since = -1;
        gc_error(ctx, 410, "calendar", "fullSyncRequired", "Sync token is no longer valid, a full sync is required.");
        return false;
    }
    return true;
}

bool gc_said_false(twin_ctx *ctx, const char *name)
{
    return str_eq(gc_str(ctx, name), "false");
}

bool gc_page_offset(twin_ctx *ctx, int64_t *offset)
{
    const char *page = gc_str(ctx, "pageToken");
    *offset = 0;
    if (!page || google_cursor_read(ctx, page, 'p', offset) == TWIN_CURSOR_CURRENT) return true;
    /* An offset from before a reset would name another page: as invalid as
     * a token that is not ours.  (Only sync tokens expire with a 410.) */
    gc_invalid(ctx, "Invalid page token value.");
    return false;
}

json_value **gc_array_items(twin_ctx *ctx, const json_value *arr, size_t *n)
{
    json_value **v = arena_alloc(ctx->a, sizeof *v * (arr && arr->len ? arr->len : 1));
    *n = 0;
    json_foreach(it, arr) v[(*n)++] = it;
    return v;
}

void gc_reply_page(twin_ctx *ctx, json_value *out, json_value *const *all, size_t n, int64_t offset, int64_t max,
                   gc_render_fn render)
{
    arena *a = ctx->a;
    google_page page = google_page_window(offset, max, n);
    json_value *items = json_array(a);
    for (size_t i = page.start; i < page.end; i++) json_push(items, render(ctx, all[i]));
    /* Google hands out the sync token only with the last page. */
    if (page.more) json_set_str(a, out, "nextPageToken", google_cursor(ctx, 'p', (int64_t)page.end));
    else json_set_str(a, out, "nextSyncToken", gc_sync_token(ctx));
    json_set(a, out, "items", items);
    gc_reply(ctx, out);
}

json_value *gc_public(twin_ctx *ctx, const json_value *doc)
{
    json_value *o = json_clone(ctx->a, doc);
    if (!o || o->type != JSON_OBJECT) return o;
    json_value *keep = json_object(ctx->a);
    for (json_value *m = o->first, *next; m; m = next) {
        next = m->next;
        if (m->key && m->key[0] == '_') continue;
        const char *k = m->key;
        m->next = NULL;
        m->key = NULL;
        json_set(ctx->a, keep, k, m);
    }
    return keep;
}

void gc_reply(twin_ctx *ctx, const json_value *body)
{
    google_reply_fields(ctx, gc_public(ctx, body), NULL);
}

void gc_no_content(twin_ctx *ctx)
{
    twin_reply_text(ctx, 204, "application/json", "", 0);
}
