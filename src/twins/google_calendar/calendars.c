/* Google Calendar twin: calendars, the calendar list, ACL rules, settings and colors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twins/google_calendar/gcal.h"
#include "util/util.h"

static const char *const cal_bg[24] = {"#ac725e", "#d06b64", "#f83a22", "#fa573c", "#ff7537", "#ffad46",
                                       "#42d692", "#16a765", "#7bd148", "#b3dc6c", "#fbe983", "#fad165",
                                       "#92e1c0", "#9fe1e7", "#9fc6e7", "#4986e7", "#9a9cff", "#b99aff",
                                       "#c2c2c2", "#cabdbf", "#cca6ac", "#f691b2", "#cd74e6", "#a47ae2"};
static const char *const ev_bg[11] = {"#a4bdfc", "#7ae7bf", "#dbadff", "#ff887c", "#fbd75b", "#ffb878",
                                      "#46d6db", "#e1e1e1", "#5484ed", "#51b749", "#dc2127"};

static int color_index(const char *id, int max)
{
    if (!id || !*id) return -1;
    char *end;
    long n = strtol(id, &end, 10);
    return *end || n < 1 || n > max ? -1 : (int)n - 1;
}

/* ---- calendars ---- */

json_value *gc_calendar_json(twin_ctx *ctx, const json_value *cal)
{
    return gc_public(ctx, cal);
}

static bool apply_calendar(twin_ctx *ctx, json_value *cal, bool replace)
{
    arena *a = ctx->a;
    static const char *const fields[] = {"summary", "description", "location", "timeZone", NULL};
    for (size_t i = 0; fields[i]; i++) {
        json_value *v = json_get(ctx->body, fields[i]);
        if (v && v->type == JSON_STRING) json_set_str(a, cal, fields[i], v->str);
        else if (replace && !str_eq(fields[i], "summary") && !str_eq(fields[i], "timeZone")) json_remove(cal, fields[i]);
    }
    const char *s = json_get_str(cal, "summary");
    if (!s || !*s) {
        gc_required(ctx, "Missing title.");
        return false;
    }
    return true;
}

void gc_calendars_insert(twin_ctx *ctx)
{
    const char *summary = json_get_str(ctx->body, "summary");
    if (!summary || !*summary) return gc_required(ctx, "Missing title.");
    const char *id = arena_printf(ctx->a, "%s@group.calendar.google.com", gc_new_id(ctx, "cal", 26));
    const char *tz = json_get_str(ctx->body, "timeZone");
    json_value *cal = gc_calendar_create(ctx, id, summary, json_get_str(ctx->body, "description"), tz);
    const char *loc = json_get_str(ctx->body, "location");
    if (loc) {
        json_set_str(ctx->a, cal, "location", loc);
        gc_calendar_save(ctx, cal);
    }
    gc_list_entry_put(ctx, cal, false);
    gc_notify(ctx, "calendarList", NULL);
    gc_reply(ctx, gc_calendar_json(ctx, cal));
}

void gc_calendars_get(twin_ctx *ctx)
{
    json_value *cal = gc_calendar_load(ctx);
    if (cal) gc_reply(ctx, gc_calendar_json(ctx, cal));
}

static void calendars_write(twin_ctx *ctx, bool replace)
{
    json_value *cal = gc_calendar_load(ctx);
    if (!cal || !apply_calendar(ctx, cal, replace)) return;
    gc_calendar_save(ctx, cal);
    gc_notify(ctx, "calendarList", NULL);
    gc_reply(ctx, gc_calendar_json(ctx, cal));
}

void gc_calendars_update(twin_ctx *ctx)
{
    calendars_write(ctx, true);
}

void gc_calendars_patch(twin_ctx *ctx)
{
    calendars_write(ctx, false);
}

/* Deletes every document of an index-"cal" collection (events, acl) on cal_id. */
static void delete_on_calendar(twin_ctx *ctx, const char *collection, const char *cal_id)
{
    twin_list l = {0};
    store_list_opts o = {.index_name = "cal", .index_value = cal_id};
    if (twin_doc_list(ctx, collection, &o, &l) != 0) return;
    for (size_t i = 0; i < l.n; i++)
        twin_doc_delete(ctx, collection, arena_printf(ctx->a, "%s/%s", cal_id, json_get_str(l.items[i], "id")));
}

void gc_calendar_remove(twin_ctx *ctx, const char *cal_id)
{
    delete_on_calendar(ctx, "events", cal_id);
    delete_on_calendar(ctx, "acl", cal_id);
    twin_doc_delete(ctx, "calendars", cal_id);
    twin_doc_delete(ctx, "calendarlist", cal_id);
}

void gc_calendars_delete(twin_ctx *ctx)
{
    json_value *cal = gc_calendar_load(ctx);
    if (!cal) return;
    const char *id = json_get_str(cal, "id");
    if (str_eq(id, gc_email(ctx))) return gc_bad_request(ctx, "Cannot delete primary calendar.");
    gc_calendar_remove(ctx, id);
    gc_notify(ctx, "calendarList", NULL);
    gc_no_content(ctx);
}

void gc_calendars_clear(twin_ctx *ctx)
{
    json_value *cal = gc_calendar_load(ctx);
    if (!cal) return;
    const char *id = json_get_str(cal, "id");
    delete_on_calendar(ctx, "events", id);
    /* Sync tokens issued before the clear can no longer be honoured. */
    json_set_int(ctx->a, cal, "_floor", gc_mod_peek(ctx));
    gc_calendar_save(ctx, cal);
    gc_notify(ctx, "events", id);
    gc_no_content(ctx);
}

/* ---- calendar list ---- */

json_value *gc_list_entry_put(twin_ctx *ctx, const json_value *cal, bool primary)
{
    arena *a = ctx->a;
    const char *id = json_get_str(cal, "id");
    json_value *e = twin_doc_get(ctx, "calendarlist", id);
    if (!e) {
        e = json_object(a);
        json_set_str(a, e, "id", id);
        int64_t n = twin_counter(ctx, "color");
        int idx = primary ? 13 : (int)((n * 7) % 24);
        json_set_str(a, e, "colorId", arena_printf(a, "%d", idx + 1));
        json_set_str(a, e, "backgroundColor", cal_bg[idx]);
        json_set_str(a, e, "foregroundColor", "#000000");
        json_set_bool(a, e, "selected", true);
        json_value *rem = json_array(a);
        if (primary) {
            json_value *r = json_object(a);
            json_set_str(a, r, "method", "popup");
            json_set_int(a, r, "minutes", 10);
            json_push(rem, r);
            json_value *ns = json_object(a), *nots = json_array(a);
            static const char *const types[] = {"eventCreation", "eventChange", "eventCancellation", "eventResponse"};
            for (size_t i = 0; i < 4; i++) {
                json_value *x = json_object(a);
                json_set_str(a, x, "method", "email");
                json_set_str(a, x, "type", types[i]);
                json_push(nots, x);
            }
            json_set(a, ns, "notifications", nots);
            json_set(a, e, "notificationSettings", ns);
            json_set_bool(a, e, "primary", true);
        }
        json_set(a, e, "defaultReminders", rem);
    }
    json_remove(e, "_deleted");
    int64_t mod = gc_mod(ctx);
    json_set_int(a, e, "_mod", mod);
    twin_doc_put(ctx, "calendarlist", id, e, NULL, 0);
    return e;
}

static json_value *entry_json(twin_ctx *ctx, const json_value *e)
{
    arena *a = ctx->a;
    json_value *cal = twin_doc_get(ctx, "calendars", json_get_str(e, "id"));
    json_value *o = json_object(a);
    int64_t mod = 0;
    json_int64(json_get(e, "_mod"), &mod);
    json_set_str(a, o, "kind", "calendar#calendarListEntry");
    json_set_str(a, o, "etag", gc_etag(ctx, mod));
    json_set_str(a, o, "id", json_get_str(e, "id"));
    if (json_truthy(json_get(e, "_deleted"))) {
        json_set_bool(a, o, "deleted", true);
        return o;
    }
    json_set_str(a, o, "summary", json_get_str(cal, "summary"));
    if (json_get_str(cal, "description")) json_set_str(a, o, "description", json_get_str(cal, "description"));
    if (json_get_str(cal, "location")) json_set_str(a, o, "location", json_get_str(cal, "location"));
    json_set_str(a, o, "timeZone", json_get_str(cal, "timeZone"));
    if (json_get_str(e, "summaryOverride")) json_set_str(a, o, "summaryOverride", json_get_str(e, "summaryOverride"));
    json_set_str(a, o, "colorId", json_get_str(e, "colorId"));
    json_set_str(a, o, "backgroundColor", json_get_str(e, "backgroundColor"));
    json_set_str(a, o, "foregroundColor", json_get_str(e, "foregroundColor"));
    if (json_truthy(json_get(e, "hidden"))) json_set_bool(a, o, "hidden", true);
    if (json_truthy(json_get(e, "selected"))) json_set_bool(a, o, "selected", true);
    json_set_str(a, o, "accessRole", "owner");
    json_set(a, o, "defaultReminders", json_clone(a, json_get(e, "defaultReminders")));
    if (json_get(e, "notificationSettings"))
        json_set(a, o, "notificationSettings", json_clone(a, json_get(e, "notificationSettings")));
    if (json_truthy(json_get(e, "primary"))) json_set_bool(a, o, "primary", true);
    if (cal && json_get(cal, "conferenceProperties"))
        json_set(a, o, "conferenceProperties", json_clone(a, json_get(cal, "conferenceProperties")));
    return o;
}

static json_value *load_entry(twin_ctx *ctx)
{
    const char *id = gc_cal_id(ctx, twin_param(ctx, "calendarId"));
    json_value *e = twin_doc_get(ctx, "calendarlist", id);
    if (!e || json_truthy(json_get(e, "_deleted")) || !twin_doc_get(ctx, "calendars", id)) {
        gc_not_found(ctx);
        return NULL;
    }
    return e;
}

static json_value *entry_render(twin_ctx *ctx, const json_value *e)
{
    return entry_json(ctx, e);
}

void gc_cl_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    int64_t max, offset, since = -1;
    if (!gc_max_results(ctx, 100, 250, &max) || !gc_page_offset(ctx, &offset)) return;
    bool show_hidden = gc_bool(ctx, "showHidden", false), show_deleted = gc_bool(ctx, "showDeleted", false);
    /* An incremental list carries deleted and hidden entries: minAccessRole
     * and showDeleted/showHidden=false are refused beside a token. */
    bool restricted = gc_str(ctx, "minAccessRole") || gc_said_false(ctx, "showDeleted") || gc_said_false(ctx, "showHidden");
    if (!gc_sync_since(ctx, restricted, 0, &since)) return;
    if (since >= 0) show_deleted = show_hidden = true;
    twin_list l = {0};
    twin_doc_list(ctx, "calendarlist", &(store_list_opts){0}, &l);
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++) {
        json_value *e = l.items[i];
        int64_t mod = 0;
        json_int64(json_get(e, "_mod"), &mod);
        if (since >= 0 && mod <= since) continue;
        if (json_truthy(json_get(e, "_deleted")) && !show_deleted) continue;
        if (json_truthy(json_get(e, "hidden")) && !show_hidden) continue;
        l.items[n++] = e;
    }
    json_value *out = json_object(a);
    json_set_str(a, out, "kind", "calendar#calendarList");
    json_set_str(a, out, "etag", gc_etag(ctx, (int64_t)n));
    /* Only the page's entries are rendered: each reads its calendar. */
    gc_reply_page(ctx, out, l.items, n, offset, max, entry_render);
}

void gc_cl_get(twin_ctx *ctx)
{
    json_value *e = load_entry(ctx);
    if (e) gc_reply(ctx, entry_json(ctx, e));
}

static bool apply_entry(twin_ctx *ctx, json_value *e, bool replace)
{
    arena *a = ctx->a;
    json_value *b = ctx->body;
    bool color_rgb = gc_bool(ctx, "colorRgbFormat", false);
    const char *cid = json_get_str(b, "colorId");
    if (cid) {
        int idx = color_index(cid, 24);
        if (idx < 0) {
            gc_invalid(ctx, "Invalid Value");
            return false;
        }
        json_set_str(a, e, "colorId", cid);
        json_set_str(a, e, "backgroundColor", cal_bg[idx]);
        json_set_str(a, e, "foregroundColor", "#000000");
    }
    const char *bg = json_get_str(b, "backgroundColor"), *fg = json_get_str(b, "foregroundColor");
    if (bg || fg) {
        if (!color_rgb) {
            gc_invalid(ctx, "Invalid Value");
            return false;
        }
        if (bg) json_set_str(a, e, "backgroundColor", bg);
        if (fg) json_set_str(a, e, "foregroundColor", fg);
        if (!cid) json_remove(e, "colorId");
    }
    json_value *so = json_get(b, "summaryOverride");
    if (so && so->type == JSON_STRING) json_set_str(a, e, "summaryOverride", so->str);
    else if (so || replace) json_remove(e, "summaryOverride");
    json_value *h = json_get(b, "hidden");
    if (json_is_bool(h)) json_set_bool(a, e, "hidden", json_truthy(h));
    else if (replace) json_set_bool(a, e, "hidden", false);
    json_value *s = json_get(b, "selected");
    if (json_is_bool(s)) json_set_bool(a, e, "selected", json_truthy(s));
    else if (replace) json_set_bool(a, e, "selected", false);
    json_value *dr = json_get(b, "defaultReminders");
    if (dr && dr->type == JSON_ARRAY) json_set(a, e, "defaultReminders", json_clone(a, dr));
    json_value *ns = json_get(b, "notificationSettings");
    if (ns && ns->type == JSON_OBJECT) json_set(a, e, "notificationSettings", json_clone(a, ns));
    return true;
}

static void save_entry(twin_ctx *ctx, json_value *e)
{
    json_set_int(ctx->a, e, "_mod", gc_mod(ctx));
    twin_doc_put(ctx, "calendarlist", json_get_str(e, "id"), e, NULL, 0);
    gc_notify(ctx, "calendarList", NULL);
}

void gc_cl_insert(twin_ctx *ctx)
{
    const char *id = json_get_str(ctx->body, "id");
    if (!id || !*id) return gc_required(ctx, "Required");
    json_value *cal = gc_calendar_get(ctx, id);
    if (!cal) return gc_not_found(ctx);
    json_value *e = gc_list_entry_put(ctx, cal, str_eq(json_get_str(cal, "id"), gc_email(ctx)));
    if (!apply_entry(ctx, e, false)) return;
    save_entry(ctx, e);
    gc_reply(ctx, entry_json(ctx, e));
}

static void cl_write(twin_ctx *ctx, bool replace)
{
    json_value *e = load_entry(ctx);
    if (!e || !apply_entry(ctx, e, replace)) return;
    save_entry(ctx, e);
    gc_reply(ctx, entry_json(ctx, e));
}

void gc_cl_update(twin_ctx *ctx)
{
    cl_write(ctx, true);
}

void gc_cl_patch(twin_ctx *ctx)
{
    cl_write(ctx, false);
}

void gc_cl_delete(twin_ctx *ctx)
{
    json_value *e = load_entry(ctx);
    if (!e) return;
    if (json_truthy(json_get(e, "primary"))) return gc_bad_request(ctx, "Cannot remove primary calendar from list.");
    json_set_bool(ctx->a, e, "_deleted", true);
    save_entry(ctx, e);
    gc_no_content(ctx);
}

/* ---- ACL ---- */

static const char *acl_key(twin_ctx *ctx, const char *cal, const char *rule)
{
    return arena_printf(ctx->a, "%s/%s", cal, rule);
}

static void acl_save(twin_ctx *ctx, const char *cal, json_value *r)
{
    int64_t mod = gc_mod(ctx);
    json_set_int(ctx->a, r, "_mod", mod);
    json_set_str(ctx->a, r, "etag", gc_etag(ctx, mod));
    store_index idx = {"cal", cal};
    twin_doc_put(ctx, "acl", acl_key(ctx, cal, json_get_str(r, "id")), r, &idx, 1);
}

static json_value *acl_rule(twin_ctx *ctx, const char *type, const char *value, const char *role)
{
    arena *a = ctx->a;
    json_value *r = json_object(a), *sc = json_object(a);
    json_set_str(a, r, "kind", "calendar#aclRule");
    json_set_str(a, r, "etag", "");
    json_set_str(a, r, "id", value && *value ? arena_printf(a, "%s:%s", type, value) : type);
    json_set_str(a, sc, "type", type);
    if (value && *value) json_set_str(a, sc, "value", value);
    json_set(a, r, "scope", sc);
    json_set_str(a, r, "role", role);
    return r;
}

void gc_acl_owner(twin_ctx *ctx, const char *cal_id)
{
    acl_save(ctx, cal_id, acl_rule(ctx, "user", gc_email(ctx), "owner"));
}

static bool role_ok(const char *r)
{
    return str_eq(r, "none") || str_eq(r, "freeBusyReader") || str_eq(r, "reader") || str_eq(r, "writer") ||
           str_eq(r, "owner");
}

void gc_acl_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *cal = gc_calendar_load(ctx);
    if (!cal) return;
    int64_t max, offset, since;
    if (!gc_max_results(ctx, 100, 250, &max) || !gc_page_offset(ctx, &offset)) return;
    bool show_deleted = gc_bool(ctx, "showDeleted", false);
    /* An incremental list carries deleted rules (role "none"). */
    if (!gc_sync_since(ctx, gc_said_false(ctx, "showDeleted"), 0, &since)) return;
    if (since >= 0) show_deleted = true;
    twin_list l = {0};
    store_list_opts o = {.index_name = "cal", .index_value = json_get_str(cal, "id")};
    twin_doc_list(ctx, "acl", &o, &l);
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++) {
        int64_t mod = 0;
        json_int64(json_get(l.items[i], "_mod"), &mod);
        if (since >= 0 && mod <= since) continue;
        if (show_deleted || !str_eq(json_get_str(l.items[i], "role"), "none")) l.items[n++] = l.items[i];
    }
    json_value *out = json_object(a);
    json_set_str(a, out, "kind", "calendar#acl");
    json_set_str(a, out, "etag", json_get_str(cal, "etag"));
    gc_reply_page(ctx, out, l.items, n, offset, max, gc_public);
}

void gc_acl_insert(twin_ctx *ctx)
{
    json_value *cal = gc_calendar_load(ctx);
    if (!cal) return;
    const char *role = json_get_str(ctx->body, "role");
    json_value *sc = json_get(ctx->body, "scope");
    const char *type = json_get_str(sc, "type"), *value = json_get_str(sc, "value");
    if (!role) return gc_required(ctx, "Missing role.");
    if (!role_ok(role)) return gc_invalid(ctx, "Invalid role.");
    if (!type) return gc_required(ctx, "Missing scope type.");
    if (!str_eq(type, "default") && !str_eq(type, "user") && !str_eq(type, "group") && !str_eq(type, "domain"))
        return gc_invalid(ctx, "Invalid scope type.");
    if (!str_eq(type, "default") && (!value || !*value)) return gc_required(ctx, "Missing scope value.");
    if (str_eq(type, "default")) value = NULL;
    const char *cal_id = json_get_str(cal, "id");
    json_value *r = acl_rule(ctx, type, value, role);
    acl_save(ctx, cal_id, r);
    gc_notify(ctx, "acl", cal_id);
    gc_reply(ctx, r);
}

static json_value *load_rule(twin_ctx *ctx, const char **cal_id)
{
    json_value *cal = gc_calendar_load(ctx);
    if (!cal) return NULL;
    *cal_id = json_get_str(cal, "id");
    json_value *r = twin_doc_get(ctx, "acl", acl_key(ctx, *cal_id, twin_param(ctx, "ruleId")));
    if (!r || str_eq(json_get_str(r, "role"), "none")) {
        gc_not_found(ctx);
        return NULL;
    }
    return r;
}

void gc_acl_get(twin_ctx *ctx)
{
    const char *cal;
    json_value *r = load_rule(ctx, &cal);
    if (r) gc_reply(ctx, r);
}

static void acl_write(twin_ctx *ctx, bool replace)
{
    const char *cal;
    json_value *r = load_rule(ctx, &cal);
    if (!r) return;
    const char *role = json_get_str(ctx->body, "role");
    if (role && !role_ok(role)) return gc_invalid(ctx, "Invalid role.");
    if (!role && replace) return gc_required(ctx, "Missing role.");
    json_value *sc = json_get(ctx->body, "scope");
    if (sc && (!str_eq(json_get_str(sc, "type"), json_get_str(json_get(r, "scope"), "type")) ||
               !str_eq(json_get_str(sc, "value"), json_get_str(json_get(r, "scope"), "value"))))
        return gc_bad_request(ctx, "Cannot change the scope of a rule.");
    if (role) json_set_str(ctx->a, r, "role", role);
    acl_save(ctx, cal, r);
    gc_notify(ctx, "acl", cal);
    gc_reply(ctx, r);
}

void gc_acl_update(twin_ctx *ctx)
{
    acl_write(ctx, true);
}

void gc_acl_patch(twin_ctx *ctx)
{
    acl_write(ctx, false);
}

void gc_acl_delete(twin_ctx *ctx)
{
    const char *cal;
    json_value *r = load_rule(ctx, &cal);
    if (!r) return;
    if (str_eq(json_get_str(r, "role"), "owner") && str_eq(json_get_str(json_get(r, "scope"), "value"), gc_email(ctx)))
        return gc_bad_request(ctx, "Cannot remove the owner of a calendar.");
    json_set_str(ctx->a, r, "role", "none");
    acl_save(ctx, cal, r);
    gc_notify(ctx, "acl", cal);
    gc_no_content(ctx);
}

/* ---- settings ---- */

static json_value *settings(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *primary = twin_doc_get(ctx, "calendars", gc_email(ctx));
    static const char *const defaults[][2] = {
        {"autoAddHangouts", "false"},   {"dateFieldOrder", "MDY"},      {"defaultEventLength", "60"},
        {"format24HourTime", "false"},  {"hideInvitations", "false"},   {"hideWeekends", "false"},
        {"locale", "en"},               {"remindOnRespondedEventsOnly", "false"},
        {"showDeclinedEvents", "true"}, {"timezone", NULL},             {"useKeyboardShortcuts", "true"},
        {"weekStart", "0"},
    };
    const json_value *over = json_get(ctx->config, "settings");
    json_value *out = json_array(a);
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        const char *id = defaults[i][0], *v = defaults[i][1];
        if (!v) v = json_get_str(primary, "timeZone") ? json_get_str(primary, "timeZone") : "UTC";
        const json_value *ov = json_get(over, id);
        if (ov && ov->type == JSON_STRING) v = ov->str;
        else if (ov && json_is_bool(ov)) v = json_truthy(ov) ? "true" : "false";
        json_value *s = json_object(a);
        json_set_str(a, s, "kind", "calendar#setting");
        char tok[16];
        derive_token(tok, 10, "settings", id, v, 0);
        json_set_str(a, s, "etag", arena_printf(a, "\"%s\"", tok));
        json_set_str(a, s, "id", id);
        json_set_str(a, s, "value", v);
        json_push(out, s);
    }
    return out;
}

/* Settings are derived (defaults, config overrides, the primary calendar's
 * time zone), so no write stamps their changes.  A list compares each
 * setting's etag with the one last seen (collection settings_seen) and
 * stamps a changed one with the next change number: a token handed out
 * before the change is older than that stamp, so an incremental list
 * returns the setting, and one handed out after it does not. */
static void settings_stamp(twin_ctx *ctx, json_value *all)
{
    arena *a = ctx->a;
    json_value *seen = twin_doc_get(ctx, "settings_seen", "all");
    bool changed = !seen;
    if (!seen) seen = json_object(a);
    json_foreach(s, all) {
        const char *id = json_get_str(s, "id"), *etag = json_get_str(s, "etag");
        json_value *rec = json_get(seen, id);
        if (!rec || !str_eq(json_get_str(rec, "etag"), etag)) {
            rec = json_object(a);
            json_set_str(a, rec, "etag", etag);
            json_set_int(a, rec, "mod", gc_mod(ctx));
            json_set(a, seen, id, rec);
            changed = true;
        }
        int64_t mod = 0;
        json_int64(json_get(rec, "mod"), &mod);
        json_set_int(a, s, "_mod", mod);
    }
    if (changed) twin_doc_put(ctx, "settings_seen", "all", seen, NULL, 0);
}

void gc_settings_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    int64_t max, offset, since;
    if (!gc_max_results(ctx, 100, 250, &max) || !gc_page_offset(ctx, &offset)) return;
    if (!gc_sync_since(ctx, false, 0, &since)) return;
    json_value *all_settings = settings(ctx);
    settings_stamp(ctx, all_settings);
    size_t n;
    json_value **all = gc_array_items(ctx, all_settings, &n), *out = json_object(a);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t mod = 0;
        json_int64(json_get(all[i], "_mod"), &mod);
        if (since < 0 || mod > since) all[kept++] = all[i];
    }
    n = kept;
    json_set_str(a, out, "kind", "calendar#settings");
    json_set_str(a, out, "etag", "\"p32s9pjfl3vpuo0o\"");
    gc_reply_page(ctx, out, all, n, offset, max, gc_public);
}

void gc_settings_get(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "setting");
    json_foreach(s, settings(ctx)) if (str_eq(json_get_str(s, "id"), id)) return gc_reply(ctx, s);
    gc_not_found(ctx);
}

/* ---- colors ---- */

void gc_colors_get(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *out = json_object(a), *cal = json_object(a), *ev = json_object(a);
    json_set_str(a, out, "kind", "calendar#colors");
    json_set_str(a, out, "updated", "2012-02-14T00:00:00.000Z");
    for (int i = 0; i < 24; i++) {
        json_value *c = json_object(a);
        json_set_str(a, c, "background", cal_bg[i]);
        json_set_str(a, c, "foreground", "#1d1d1d");
        json_set(a, cal, arena_printf(a, "%d", i + 1), c);
    }
    for (int i = 0; i < 11; i++) {
        json_value *c = json_object(a);
        json_set_str(a, c, "background", ev_bg[i]);
        json_set_str(a, c, "foreground", "#1d1d1d");
        json_set(a, ev, arena_printf(a, "%d", i + 1), c);
    }
    json_set(a, out, "calendar", cal);
    json_set(a, out, "event", ev);
    gc_reply(ctx, out);
}
