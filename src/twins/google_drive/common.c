/* Google Drive twin: OAuth bearer tokens and scopes, Google's error shape,
 * field masks, storage quota, the change log and small helpers. */
#include <ctype.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "engine/scopes.h"
#include "twins/google_drive/drive.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/util.h"

#define C(...) (const char *const[]){__VA_ARGS__, NULL}
static const scope_rule rules[] = {
    {"drive", C("drive.readonly", "drive.file", "drive.appdata", "drive.metadata", "drive.scripts")},
    {"drive.readonly", C("drive.metadata.readonly", "drive.photos.readonly", "drive.meet.readonly")},
    {"drive.metadata", C("drive.metadata.readonly")},
};
#undef C
#define N_RULES (sizeof rules / sizeof rules[0])

/* ---- errors ---- */

/* Drive's errors carry a "status" only where Google's do (auth, rate limits,
 * unknown URLs), not on every 4xx. */
const google_api gd_api = {.service = "drive.googleapis.com", .scope = GOOGLE_SCOPE_PREFIX "drive",
                           .status_names = false, .fields = &gd_fields};

void gd_error(twin_ctx *ctx, int status, const char *reason, const char *message, const char *location,
              const char *location_type)
{
    google_reply_error(ctx, &gd_api, &(google_error){.code = status, .reason = reason, .message = message,
                                                     .location = location, .location_type = location_type});
}

void gd_file_not_found(twin_ctx *ctx, const char *id)
{
    gd_error(ctx, 404, "notFound", arena_printf(ctx->a, "File not found: %s.", id ? id : ""), "fileId", "parameter");
}

void gd_insufficient_permissions(twin_ctx *ctx)
{
    gd_error(ctx, 403, "insufficientFilePermissions", "The user does not have sufficient permissions for this file.",
             NULL, NULL);
}

void gd_send_error(twin_ctx *ctx, int status, const char *code, const char *message)
{
    const char *reason = code && *code ? code : "backendError", *gstatus = NULL;
    if (str_eq(code, "not_found")) reason = "notFound", gstatus = "NOT_FOUND";
    else if (str_eq(code, "method_not_allowed")) reason = "httpMethodNotAllowed";
    else if (status == 429 || str_eq(code, "rate_limited"))
        reason = "rateLimitExceeded", gstatus = "RESOURCE_EXHAUSTED",
        message = message && *message && !str_eq(message, "Injected fault.") ? message : "Rate Limit Exceeded";
    else if (str_eq(code, "internal_error") || str_eq(code, "injected_fault"))
        reason = status >= 500 ? "backendError" : "badRequest";
    google_reply_error(ctx, &gd_api, &(google_error){.code = status, .reason = reason, .status = gstatus,
                                                     .message = message && *message ? message : "Backend Error"});
}

/* ---- auth ---- */

static const char *short_scope(const char *s)
{
    return str_starts_with(s, GOOGLE_SCOPE_PREFIX) ? s + strlen(GOOGLE_SCOPE_PREFIX) : s;
}

static scope_set *scopes_of(twin_ctx *ctx, const char *token)
{
    const json_value *grant = NULL;
    const json_value *tokens = json_get(ctx->config, "tokens");
    if (tokens && tokens->type == JSON_OBJECT) {
        const json_value *t = json_get(tokens, token);
        if (t && t->type == JSON_OBJECT) t = json_get(t, "scopes");
        grant = t;
    }
    if (!grant) grant = json_get(ctx->config, "token_scopes");
    if (!grant) grant = json_get(ctx->config, "default_token_scopes");
    scope_set *raw = grant && grant->type == JSON_ARRAY ? scopes_from_json(ctx->a, grant)
                     : grant && json_str(grant)   ? scopes_parse(ctx->a, json_str(grant))
                                                  : scopes_parse(ctx->a, "drive");
    scope_set *s = scopes_parse(ctx->a, "");
    for (size_t i = 0; i < raw->n; i++) scopes_add(ctx->a, s, short_scope(raw->items[i]));
    /* disabled_scopes may name full URLs or short names */
    const json_value *dis = json_get(ctx->config, "disabled_scopes");
    scope_set *ds = scopes_from_json(ctx->a, dis), *short_ds = scopes_parse(ctx->a, "");
    for (size_t i = 0; i < ds->n; i++) scopes_add(ctx->a, short_ds, short_scope(ds->items[i]));
    scopes_effective(ctx->a, s, rules, N_RULES, scopes_to_json(ctx->a, short_ds));
    return s;
}

bool gd_has_scope(twin_ctx *ctx, const char *accepted)
{
    gd_principal *p = ctx->principal;
    if (!p || !p->scopes) return true;
    if (scopes_has(p->scopes, "*")) return true;
    scope_set *acc = scopes_parse(ctx->a, accepted);
    for (size_t i = 0; i < acc->n; i++)
        if (scopes_has(p->scopes, acc->items[i])) return true;
    return false;
}

void gd_insufficient_scopes(twin_ctx *ctx)
{
    google_reply_insufficient_scopes(ctx, &gd_api);
}

bool gd_authenticate(twin_ctx *ctx, const twin_route *route)
{
    const char *tok = google_bearer_token(ctx, &gd_api);
    if (!tok) return false;
    bool bad = !google_token_well_formed(tok);
    const json_value *revoked = json_get(ctx->config, "revoked_tokens");
    json_foreach(x, revoked) if (str_eq(json_str(x), tok)) bad = true;
    if (bad) {
        google_reply_invalid_credentials(ctx, &gd_api);
        return false;
    }
    gd_principal *p = arena_zalloc(ctx->a, sizeof *p);
    p->scopes = scopes_of(ctx, tok);
    ctx->principal = p;
    if (route && route->scope && !gd_has_scope(ctx, route->scope)) {
        gd_insufficient_scopes(ctx);
        return false;
    }
    return google_check_fields(ctx, &gd_api, route);
}

/* ---- helpers ---- */

const char *gd_now(twin_ctx *ctx)
{
    char out[40];
    format_iso8601(twin_now(ctx) * 1000, true, out, sizeof out);
    return arena_strdup(ctx->a, out);
}

const char *gd_root_id(twin_ctx *ctx)
{
    char tok[24];
    derive_token(tok, 17, ctx->twin, "root", "folder", 0);
    return arena_printf(ctx->a, "0A%sUk9PVA", tok);
}

const char *gd_user_email(twin_ctx *ctx)
{
    const char *e = json_get_str(ctx->config, "user_email");
    return e && *e ? e : "twin.user@example.com";
}

static const char *display_name(twin_ctx *ctx, const char *email)
{
    if (str_eq(email, gd_user_email(ctx))) {
        const char *n = json_get_str(ctx->config, "user_name");
        if (n && *n) return n;
        if (str_eq(email, "twin.user@example.com")) return "Twin User";
    }
    const char *at = strchr(email, '@');
    char *n = arena_strndup(ctx->a, email, at ? (size_t)(at - email) : strlen(email));
    for (char *p = n; *p; p++)
        if (*p == '.' || *p == '_') *p = ' ';
    if (*n) *n = (char)toupper((unsigned char)*n);
    for (char *p = n + 1; *p; p++)
        if (p[-1] == ' ') *p = (char)toupper((unsigned char)*p);
    return n;
}

const char *gd_permission_id(twin_ctx *ctx, const char *email)
{
    char tok[40];
    derive_token(tok, 20, ctx->twin, "permission", email ? email : "", 0);
    /* Drive user permission ids are decimal */
    for (char *p = tok; *p; p++) *p = (char)('0' + ((unsigned char)*p % 10));
    if (tok[0] == '0') tok[0] = '1';
    return arena_strdup(ctx->a, tok);
}

json_value *gd_user(twin_ctx *ctx, const char *email)
{
    arena *a = ctx->a;
    if (!email) email = gd_user_email(ctx);
    json_value *u = json_object(a);
    json_set_str(a, u, "kind", "drive#user");
    json_set_str(a, u, "displayName", display_name(ctx, email));
    json_set_str(a, u, "photoLink", "https://lh3.googleusercontent.com/a/default-user=s64");
    json_set_bool(a, u, "me", str_eq(email, gd_user_email(ctx)));
    json_set_str(a, u, "permissionId", gd_permission_id(ctx, email));
    json_set_str(a, u, "emailAddress", email);
    return u;
}

const char *gd_query(twin_ctx *ctx, const char *name)
{
    return json_get_str(ctx->query, name);
}

bool gd_bool_query(twin_ctx *ctx, const char *name, bool dflt)
{
    json_value *v = json_get(ctx->query, name);
    if (!v) v = json_get(ctx->body, name);
    if (!v) return dflt;
    if (json_is_bool(v)) return json_truthy(v);
    if (json_str(v)) return str_eq(v->str, "true") || str_eq(v->str, "1");
    return dflt;
}

int64_t gd_int(const json_value *v, int64_t dflt)
{
    int64_t n;
    if (!v) return dflt;
    if (json_int64(v, &n)) return n;
    if (json_str(v) && *v->str) {
        char *end;
        long long x = strtoll(v->str, &end, 10);
        if (!*end) return (int64_t)x;
    }
    return dflt;
}

char *gd_stored_bytes(arena *a, const char *data, size_t *len)
{
    char *out = data ? base64_decode(a, data, len) : NULL;
    if (out) return out;
    *len = 0;
    return arena_strdup(a, "");
}

static const char *digest_hex(arena *a, const EVP_MD *md, const char *data, size_t len)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data, len, d, &n, md, NULL);
    char *hex = arena_alloc(a, 2 * n + 1);
    hex_encode(d, n, hex);
    return hex;
}

void gd_hashes(arena *a, const char *data, size_t len, const char **md5, const char **sha1, const char **sha256)
{
    if (md5) *md5 = digest_hex(a, EVP_md5(), data, len);
    if (sha1) *sha1 = digest_hex(a, EVP_sha1(), data, len);
    if (sha256) *sha256 = digest_hex(a, EVP_sha256(), data, len);
}

bool gd_require_body(twin_ctx *ctx)
{
    if (!ctx->body_error && ctx->body && ctx->body->type == JSON_OBJECT) return true;
    gd_error(ctx, 400, "parseError", "Parse Error", NULL, NULL);
    return false;
}

bool gd_is_google_type(const char *mime_type)
{
    return mime_type && str_starts_with(mime_type, "application/vnd.google-apps.");
}

twin_list gd_list_by_file(twin_ctx *ctx, const char *collection, const char *file_id)
{
    twin_list l = {0};
    store_list_opts o = {.index_name = "file", .index_value = file_id};
    if (twin_doc_list(ctx, collection, &o, &l) != 0) l.n = 0;
    return l;
}

bool gd_require_fields(twin_ctx *ctx)
{
    const char *f = gd_query(ctx, "fields");
    if (f && *f) return true;
    gd_error(ctx, 400, "required", "The 'fields' parameter is required for this method.", "fields", "parameter");
    return false;
}

/* ---- quota ---- */

int64_t gd_tier_limit(const char *tier)
{
    static const struct { const char *name; int64_t limit; } tiers[] = {
        {"free", 15000000000LL}, {"basic", 100000000000LL}, {"premium", 2000000000000LL}, {"ai_pro", 5000000000000LL},
    };
    for (size_t i = 0; i < sizeof tiers / sizeof tiers[0]; i++)
        if (str_eq(tier, tiers[i].name)) return tiers[i].limit;
    return -1;
}

const char *gd_quota_tier(twin_ctx *ctx)
{
    json_value *meta = twin_doc_get(ctx, "meta", "quota");
    const char *t = json_get_str(meta, "storage_tier");
    if (!t) t = json_get_str(ctx->config, "storage_tier");
    if (!t) t = json_get_str(ctx->config, "tier");
    return t && gd_tier_limit(t) >= 0 ? t : "free";
}

int64_t gd_quota_limit(twin_ctx *ctx)
{
    int64_t v = gd_int(json_get(ctx->config, "storage_quota_limit"), -1);
    if (v < 0) v = gd_int(json_get(ctx->config, "storage_limit_bytes"), -1);
    if (v >= 0) return v;
    json_value *meta = twin_doc_get(ctx, "meta", "quota");
    v = gd_int(json_get(meta, "storage_quota_limit"), -1);
    if (v >= 0) return v;
    v = gd_int(json_get(twin_doc_get(ctx, "meta", "seed"), "storage_quota_bytes"), -1);
    if (v >= 0) return v;
    return gd_tier_limit(gd_quota_tier(ctx));
}

/* Bytes of every file and of the trashed ones, kept in meta "usage" as files
 * are saved and deleted so a quota check reads one document, not the drive.
 * A store written before the counter existed gets it from one full scan. */
static json_value *usage_doc(twin_ctx *ctx)
{
    json_value *u = twin_doc_get(ctx, "meta", "usage");
    if (u) return u;
    twin_list l = {0};
    store_list_opts o = {0};
    int64_t used = 0, trash = 0;
    if (twin_doc_list(ctx, "files", &o, &l) != 0) l.n = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (json_get_str(l.items[i], "driveId")) continue;
        int64_t size = gd_int(json_get(l.items[i], "_size"), 0);
        used += size;
        if (json_truthy(json_get(l.items[i], "trashed"))) trash += size;
    }
    u = json_object(ctx->a);
    json_set_int(ctx->a, u, "bytes", used);
    json_set_int(ctx->a, u, "trash", trash);
    return u;
}

static void usage_add(const json_value *f, int sign, int64_t *used, int64_t *trash)
{
    /* a shared drive's files count against the drive, not the user's quota */
    if (!f || json_get_str(f, "driveId")) return;
    int64_t size = gd_int(json_get(f, "_size"), 0) * sign;
    *used += size;
    if (json_truthy(json_get(f, "trashed"))) *trash += size;
}

void gd_usage_update(twin_ctx *ctx, const json_value *before, const json_value *after)
{
    json_value *u = usage_doc(ctx);
    int64_t used = gd_int(json_get(u, "bytes"), 0), trash = gd_int(json_get(u, "trash"), 0);
    usage_add(before, -1, &used, &trash);
    usage_add(after, 1, &used, &trash);
    json_set_int(ctx->a, u, "bytes", used);
    json_set_int(ctx->a, u, "trash", trash);
    twin_doc_put(ctx, "meta", "usage", u, NULL, 0);
}

int64_t gd_quota_used(twin_ctx *ctx, int64_t *trash)
{
    json_value *u = usage_doc(ctx);
    if (trash) *trash = gd_int(json_get(u, "trash"), 0);
    int64_t extra = gd_int(json_get(ctx->config, "storage_used_bytes"), 0);
    return gd_int(json_get(u, "bytes"), 0) + (extra > 0 ? extra : 0);
}

/* ---- changes ---- */

void gd_record_change(twin_ctx *ctx, const char *file_id, bool removed)
{
    arena *a = ctx->a;
    int64_t seq = twin_counter(ctx, "change");
    json_value *c = json_object(a);
    json_set_int(a, c, "seq", seq);
    json_set_str(a, c, "fileId", file_id);
    json_set_str(a, c, "time", gd_now(ctx));
    json_set_bool(a, c, "removed", removed);
    /* removals keep the drive of what they removed, for changes.list?driveId */
    const char *drive_id = json_get_str(twin_doc_get(ctx, "files", file_id), "driveId");
    if (drive_id) json_set_str(a, c, "driveId", drive_id);
    twin_doc_put(ctx, "changes", arena_printf(a, "%012lld", (long long)seq), c, NULL, 0);
}

void gd_record_drive_change(twin_ctx *ctx, const char *drive_id, bool removed)
{
    arena *a = ctx->a;
    int64_t seq = twin_counter(ctx, "change");
    json_value *c = json_object(a);
    json_set_int(a, c, "seq", seq);
    json_set_str(a, c, "changeType", "drive");
    json_set_str(a, c, "driveId", drive_id);
    json_set_str(a, c, "time", gd_now(ctx));
    json_set_bool(a, c, "removed", removed);
    twin_doc_put(ctx, "changes", arena_printf(a, "%012lld", (long long)seq), c, NULL, 0);
}
