/* Box twin: clock and ids, the enterprise and its users, paging, field
 * selection and etag preconditions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cursor.h"
#include "twins/box/box.h"
#include "util/util.h"

/* ---- clock, ids, arguments ---- */

const char *bx_time(twin_ctx *ctx, int64_t t)
{
    char s[40];
    format_iso8601(t * 1000, false, s, sizeof s);
    size_t n = strlen(s);
    if (n && s[n - 1] == 'Z') s[n - 1] = '\0';
    return arena_printf(ctx->a, "%s+00:00", s);
}

const char *bx_now(twin_ctx *ctx)
{
    return bx_time(ctx, twin_now(ctx));
}

/* Box ids are decimal strings whose length differs by kind; a per-run
 * counter keeps them deterministic. */
const char *bx_next_id(twin_ctx *ctx, const char *kind)
{
    static const struct {
        const char *kind;
        long long base;
    } bases[] = {{"folder", 300000000000LL}, {"file", 1500000000000LL}, {"file_version", 1600000000000LL},
                 {"user", 20000000000LL},    {"webhook", 400000000LL},     {"event", 0},
                 {"collaboration", 50000000000LL}, {"comment", 600000000LL},
                 {"task", 700000000LL}, {"task_assignment", 800000000LL}};
    long long base = 0;
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++)
        if (str_eq(bases[i].kind, kind)) base = bases[i].base;
    int64_t n = twin_counter(ctx, arena_printf(ctx->a, "id_%s", kind));
    return arena_printf(ctx->a, "%lld", base + (long long)n);
}

const char *bx_query(twin_ctx *ctx, const char *name)
{
    return json_get_str(ctx->query, name);
}

bool bx_truthy_arg(const char *v)
{
    return v && (str_eq(v, "true") || str_eq(v, "1"));
}

/* ---- enterprise and users ---- */

static json_value *meta(twin_ctx *ctx)
{
    return twin_doc_get(ctx, "meta", "enterprise");
}

void bx_ensure(twin_ctx *ctx)
{
    if (meta(ctx)) return;
    arena *a = ctx->a;
    const char *name = json_get_str(ctx->config, "admin_name"), *login = json_get_str(ctx->config, "admin_login");
    json_value *admin = bx_user_create(ctx, name ? name : "Twins Admin", login ? login : "admin@twins.example",
                                       "admin", false);
    json_value *svc = bx_user_create(ctx, "Twins Service Account", NULL, "user", true);
    json_value *m = json_object(a);
    json_set_str(a, m, "admin_id", json_get_str(admin, "id"));
    json_set_str(a, m, "service_id", json_get_str(svc, "id"));
    twin_doc_put(ctx, "meta", "enterprise", m, NULL, 0);
}

const char *bx_admin_id(twin_ctx *ctx)
{
    bx_ensure(ctx);
    return json_get_str(meta(ctx), "admin_id");
}

const char *bx_service_id(twin_ctx *ctx)
{
    bx_ensure(ctx);
    return json_get_str(meta(ctx), "service_id");
}

const char *bx_me(twin_ctx *ctx)
{
    bx_req *r = ctx->principal;
    return r && r->user_id ? r->user_id : bx_admin_id(ctx);
}

json_value *bx_user_get(twin_ctx *ctx, const char *id)
{
    return id && *id ? twin_doc_get(ctx, "users", id) : NULL;
}

json_value *bx_user_mini(twin_ctx *ctx, const char *id)
{
    arena *a = ctx->a;
    json_value *u = bx_user_get(ctx, id), *o = json_object(a);
    json_set_str(a, o, "type", "user");
    json_set_str(a, o, "id", u ? id : "");
    json_set_str(a, o, "name", u ? json_get_str(u, "name") : "");
    json_set_str(a, o, "login", u ? json_get_str(u, "login") : "");
    return o;
}

json_value *bx_user_create(twin_ctx *ctx, const char *name, const char *login, const char *role, bool app_user)
{
    arena *a = ctx->a;
    const char *id = bx_next_id(ctx, "user");
    if (!login) login = arena_printf(a, "AppUser_%s@boxdevedition.com", id);
    const char *now = bx_now(ctx);
    json_value *u = json_object(a);
    json_set_str(a, u, "type", "user");
    json_set_str(a, u, "id", id);
    json_set_str(a, u, "name", name);
    json_set_str(a, u, "login", login);
    json_set_str(a, u, "created_at", now);
    json_set_str(a, u, "modified_at", now);
    json_set_str(a, u, "language", "en");
    json_set_str(a, u, "timezone", "America/Los_Angeles");
    json_set_int(a, u, "space_amount", 10737418240LL);
    json_set_int(a, u, "max_upload_size", 5368709120LL);
    json_set_str(a, u, "status", "active");
    json_set_str(a, u, "job_title", "");
    json_set_str(a, u, "phone", "");
    json_set_str(a, u, "address", "");
    json_set_str(a, u, "role", role ? role : "user");
    json_set_bool(a, u, "is_platform_access_only", app_user);
    twin_doc_put(ctx, "users", id, u, NULL, 0);
    return u;
}

static int64_t space_used(twin_ctx *ctx, const char *user_id)
{
    twin_list l = {0};
    store_list_opts o = {.index_name = "owner", .index_value = user_id};
    twin_doc_list(ctx, "files", &o, &l);
    int64_t sum = 0;
    for (size_t i = 0; i < l.n; i++) {
        int64_t s = 0;
        if (json_int64(json_get(l.items[i], "size"), &s)) sum += s;
    }
    return sum;
}

static const char *const user_standard[] = {"type", "id", "name", "login", "created_at", "modified_at", "language",
                                            "timezone", "space_amount", "space_used", "max_upload_size", "status",
                                            "job_title", "phone", "address", "avatar_url", "notification_email",
                                            NULL};

json_value *bx_user_render(twin_ctx *ctx, const json_value *u, const char *fields)
{
    arena *a = ctx->a;
    json_value *full = json_clone(a, u);
    const char *id = json_get_str(u, "id");
    json_set_int(a, full, "space_used", space_used(ctx, id));
    json_set_str(a, full, "avatar_url", arena_printf(a, "https://app.box.com/api/avatar/large/%s", id));
    json_set_null(a, full, "notification_email");
    json_set(a, full, "tracking_codes", json_array(a));
    json_set_bool(a, full, "can_see_managed_users", str_eq(json_get_str(u, "role"), "admin"));
    json_set_bool(a, full, "is_sync_enabled", true);
    json_set_bool(a, full, "is_external_collab_restricted", false);
    json_set_bool(a, full, "is_exempt_from_device_limits", false);
    json_set_bool(a, full, "is_exempt_from_login_verification", false);
    json_value *ent = json_object(a);
    json_set_str(a, ent, "type", "enterprise");
    json_set_str(a, ent, "id", bx_enterprise_id(ctx));
    const char *ename = json_get_str(ctx->config, "enterprise_name");
    json_set_str(a, ent, "name", ename ? ename : "Twins Enterprise");
    json_set(a, full, "enterprise", ent);
    json_set(a, full, "my_tags", json_array(a));
    json_set_str(a, full, "hostname", "https://app.box.com/");
    return bx_pick(ctx, full, fields, user_standard);
}

/* ---- preconditions, paging, fields ---- */

bool bx_if_match(twin_ctx *ctx, const json_value *item)
{
    const char *want = http_header_get(ctx->req, "If-Match");
    if (!want || !*want || str_eq(want, "*")) return true;
    json_value *etag = json_get(item, "etag");
    int64_t e = 0;
    if (etag && json_int64(etag, &e) && str_eq(want, arena_printf(ctx->a, "%lld", (long long)e))) return true;
    bx_error(ctx, 412, "precondition_failed", "The resource has been modified. Please retrieve the resource again and retry",
             NULL);
    return false;
}

static bool parse_int(const char *s, int64_t *out)
{
    if (!s || !*s) return false;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end) return false;
    *out = v;
    return true;
}

bool bx_paging(twin_ctx *ctx, int64_t dflt, int64_t max, int64_t *limit, int64_t *offset)
{
    const char *l = bx_query(ctx, "limit"), *o = bx_query(ctx, "offset");
    *limit = dflt;
    *offset = 0;
    if (l && (!parse_int(l, limit) || *limit < 0)) {
        bx_bad_request(ctx, "invalid_parameter", "limit",
                       arena_printf(ctx->a, "Invalid value '%s'. 'limit' must be a non-negative integer", l));
        return false;
    }
    if (o && (!parse_int(o, offset) || *offset < 0)) {
        bx_bad_request(ctx, "invalid_parameter", "offset",
                       arena_printf(ctx->a, "Invalid value '%s'. 'offset' must be a non-negative integer", o));
        return false;
    }
    if (*limit > max) *limit = max;
    if (*limit == 0) *limit = dflt;
    return true;
}

/* A marker is an offset into the listing it came from, tied to the twin's
 * epoch: after a reset the same offset names another page, so a marker from
 * before it is as invalid as one that was never handed out.  The first
 * history keeps the old text, base64url("bxm:<offset>"). */
static const twin_cursor_form marker_form = {.prefix = "", .head = "bxm:", .tail = ""};

const char *bx_marker_encode(twin_ctx *ctx, int64_t offset)
{
    return twin_cursor_write(ctx, &marker_form, offset);
}

bool bx_marker_decode(twin_ctx *ctx, const char *marker, int64_t *offset)
{
    if (twin_cursor_read(ctx, &marker_form, marker, offset) != TWIN_CURSOR_CURRENT) {
        bx_bad_request(ctx, "invalid_parameter", "marker", arena_printf(ctx->a, "Invalid value '%s'.", marker));
        return false;
    }
    return true;
}

/* ---- pages ---- */

bx_page bx_page_start(twin_ctx *ctx, int64_t offset, int64_t limit)
{
    return (bx_page){.offset = offset, .limit = limit, .entries = json_array(ctx->a)};
}

bool bx_page_take(bx_page *p)
{
    int64_t at = p->total++;
    return at >= p->offset && at - p->offset < p->limit;
}

json_value *bx_page_json(twin_ctx *ctx, const bx_page *p, json_value *order)
{
    arena *a = ctx->a;
    json_value *out = json_object(a);
    json_set_int(a, out, "total_count", p->total);
    json_set(a, out, "entries", p->entries);
    json_set_int(a, out, "offset", p->offset);
    json_set_int(a, out, "limit", p->limit);
    if (order) json_set(a, out, "order", order);
    return out;
}

json_value *bx_marker_page_json(twin_ctx *ctx, const bx_page *p, bool with_prev)
{
    arena *a = ctx->a;
    json_value *out = json_object(a);
    json_set_int(a, out, "limit", p->limit);
    bool more = p->offset + p->limit < p->total;
    json_set(a, out, "next_marker", more ? json_string(a, bx_marker_encode(ctx, p->offset + p->limit)) : json_null(a));
    if (with_prev) {
        int64_t prev = p->offset > p->limit ? p->offset - p->limit : 0;
        json_set(a, out, "prev_marker", p->offset > 0 ? json_string(a, bx_marker_encode(ctx, prev)) : json_null(a));
    }
    json_set(a, out, "entries", p->entries);
    return out;
}

json_value *bx_pick(twin_ctx *ctx, const json_value *full, const char *fields, const char *const *standard)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    if (!fields || !*fields) {
        for (size_t i = 0; standard[i]; i++) {
            json_value *v = json_get(full, standard[i]);
            if (v) json_set(a, o, standard[i], json_clone(a, v));
        }
        return o;
    }
    /* Asking for fields gives the base representation plus those fields. */
    static const char *const base[] = {"type", "id", "etag", NULL};
    for (size_t i = 0; base[i]; i++) {
        json_value *v = json_get(full, base[i]);
        if (v) json_set(a, o, base[i], json_clone(a, v));
    }
    for (const char *s = fields; *s;) {
        const char *c = strchr(s, ',');
        size_t n = c ? (size_t)(c - s) : strlen(s);
        while (n && *s == ' ') s++, n--;
        while (n && s[n - 1] == ' ') n--;
        char *name = arena_strndup(a, s, n);
        json_value *v = n ? json_get(full, name) : NULL;
        if (v) json_set(a, o, name, json_clone(a, v));
        s = c ? c + 1 : s + strlen(s);
    }
    return o;
}

bool bx_csv_has(const char *csv, const char *v)
{
    if (!csv || !*csv) return true;
    size_t n = strlen(v);
    for (const char *s = csv; *s;) {
        const char *c = strchr(s, ',');
        size_t len = c ? (size_t)(c - s) : strlen(s);
        if (len == n && strncmp(s, v, n) == 0) return true;
        s = c ? c + 1 : s + len;
    }
    return false;
}
