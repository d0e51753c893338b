/* Discord twin: snowflakes, timestamps, argument checks, storage helpers
 * and users (the bot and seeded members). */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twins/discord/discord.h"
#include "util/util.h"

#define DEFAULT_BOT_ID "1149000000000000001"

char *dc_snowflake(twin_ctx *ctx)
{
    int64_t ms = twin_now_ms(ctx);
    uint64_t low = (uint64_t)twin_counter(ctx, "snowflake") & 0x3FFFFF;
    uint64_t id = ((uint64_t)(ms - DC_EPOCH_MS) << 22) | low;
    return arena_printf(ctx->a, "%" PRIu64, id);
}

uint64_t dc_sf(const char *s)
{
    if (!s || !*s || strlen(s) > 20) return 0;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p)) return 0;
    return strtoull(s, NULL, 10);
}

bool dc_sf_parse(const char *s, uint64_t *out)
{
    if (!s || !*s || strlen(s) > 20) return false;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p)) return false;
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10) return false;       /* past 64 bits */
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

int64_t dc_sf_ms(const char *s)
{
    return (int64_t)(dc_sf(s) >> 22) + DC_EPOCH_MS;
}

const char *dc_iso(twin_ctx *ctx, int64_t unix_ms)
{
    char out[40];
    format_iso8601(unix_ms, true, out, sizeof out);
    size_t n = strlen(out);
    if (n && out[n - 1] == 'Z') out[n - 1] = '\0';
    return arena_printf(ctx->a, "%s000+00:00", out);
}

const char *dc_now_iso(twin_ctx *ctx)
{
    return dc_iso(ctx, twin_now_ms(ctx));
}

const char *dc_param_sf(twin_ctx *ctx, const char *name)
{
    const char *v = twin_param(ctx, name);
    if (!dc_sf(v)) {
        dc_form_error(ctx, name, "NUMBER_TYPE_COERCE", arena_printf(ctx->a, "Value \"%s\" is not snowflake.", v ? v : ""));
        return NULL;
    }
    return v;
}

json_value *dc_public(arena *a, const json_value *doc)
{
    json_value *o = json_object(a);
    json_foreach(m, doc) if (m->key[0] != '_') json_set(a, o, m->key, json_clone(a, m));
    return o;
}

void dc_save(twin_ctx *ctx, const char *collection, const char *id, const json_value *doc, const char *i1,
             const char *v1, const char *i2, const char *v2)
{
    store_index idx[2];
    size_t n = 0;
    if (i1 && v1) idx[n++] = (store_index){i1, v1};
    if (i2 && v2) idx[n++] = (store_index){i2, v2};
    twin_doc_put(ctx, collection, id, doc, idx, n);
}

twin_list dc_list(twin_ctx *ctx, const char *collection, const char *index_name, const char *index_value)
{
    twin_list l = {0};
    store_list_opts o = {.index_name = index_name, .index_value = index_value};
    if (twin_doc_list(ctx, collection, &o, &l) != 0) l.n = 0;
    return l;
}

bool dc_int_arg(twin_ctx *ctx, const char *name, int64_t def, int64_t lo, int64_t hi, int64_t *out)
{
    json_value *v = twin_input(ctx, name);
    *out = def;
    if (!v || json_is_null(v)) return true;
    int64_t n = 0;
    bool ok = false;
    if (v->type == JSON_NUMBER) ok = json_int64(v, &n);
    else if (v->type == JSON_STRING && *v->str) {
        char *end;
        n = strtoll(v->str, &end, 10);
        ok = !*end;
    }
    if (!ok) {
        dc_form_error(ctx, name, "NUMBER_TYPE_COERCE",
                      arena_printf(ctx->a, "Value \"%s\" is not int.", v->type == JSON_STRING ? v->str : "?"));
        return false;
    }
    if (n < lo || n > hi) {
        dc_form_error(ctx, name, n < lo ? "NUMBER_TYPE_MIN" : "NUMBER_TYPE_MAX",
                      n < lo ? arena_printf(ctx->a, "Int value should be greater than or equal to %lld.", (long long)lo)
                             : arena_printf(ctx->a, "Int value should be less than or equal to %lld.", (long long)hi));
        return false;
    }
    *out = n;
    return true;
}

bool dc_bool_arg(twin_ctx *ctx, const char *name)
{
    json_value *v = twin_input(ctx, name);
    if (!v) return false;
    if (v->type == JSON_TRUE) return true;
    const char *s = json_str(v);
    return s && (str_case_eq(s, "true") || str_eq(s, "1"));
}

/* Length in code points, as Discord counts. */
static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) n++;
    return n;
}

bool dc_check_len(twin_ctx *ctx, const char *field, const char *value, size_t lo, size_t hi)
{
    size_t n = value ? utf8_len(value) : 0;
    if (value && n >= lo && n <= hi) return true;
    if (!value) {
        dc_form_error(ctx, field, "BASE_TYPE_REQUIRED", "This field is required");
        return false;
    }
    dc_form_error(ctx, field, "BASE_TYPE_BAD_LENGTH",
                  arena_printf(ctx->a, "Must be between %zu and %zu in length.", lo, hi));
    return false;
}

void dc_no_content(twin_ctx *ctx)
{
    twin_reply_text(ctx, 204, NULL, "", 0);     /* no Content-Type: clients would parse the empty body */
}

/* ---- users ---- */

const char *dc_bot_id_of(const json_value *config)
{
    const char *id = json_get_str(config, "bot_id");
    return dc_sf(id) ? id : DEFAULT_BOT_ID;
}

const char *dc_bot_id(twin_ctx *ctx)
{
    return dc_bot_id_of(ctx->config);
}

json_value *dc_user_render(twin_ctx *ctx, const json_value *u)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "id", json_get_str(u, "id"));
    json_set_str(a, o, "username", json_get_str(u, "username"));
    json_set_null(a, o, "avatar");
    json_set_str(a, o, "discriminator", "0");
    json_set_int(a, o, "public_flags", 0);
    json_set_int(a, o, "flags", 0);
    if (json_truthy(json_get(u, "bot"))) json_set_bool(a, o, "bot", true);
    json_set_null(a, o, "banner");
    json_set_null(a, o, "accent_color");
    json_set_str(a, o, "global_name", json_get_str(u, "global_name"));
    json_set_null(a, o, "avatar_decoration_data");
    json_set_null(a, o, "collectibles");
    json_set_null(a, o, "primary_guild");
    return o;
}

static json_value *bot_doc(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *meta = twin_doc_get(ctx, "meta", "bot");
    const char *name = json_get_str(meta, "username");
    if (!name) name = json_get_str(ctx->config, "bot_username");
    json_value *u = json_object(a);
    json_set_str(a, u, "id", dc_bot_id(ctx));
    json_set_str(a, u, "username", name ? name : "Twins Bot");
    json_set_null(a, u, "global_name");
    json_set_bool(a, u, "bot", true);
    return u;
}

json_value *dc_user_find(twin_ctx *ctx, const char *id)
{
    if (str_eq(id, dc_bot_id(ctx))) return dc_user_render(ctx, bot_doc(ctx));
    json_value *u = twin_doc_get(ctx, "users", id);
    return u ? dc_user_render(ctx, u) : NULL;
}

json_value *dc_user_create(twin_ctx *ctx, const char *username, const char *global_name, bool bot)
{
    arena *a = ctx->a;
    json_value *u = json_object(a);
    const char *id = dc_snowflake(ctx);
    json_set_str(a, u, "id", id);
    json_set_str(a, u, "username", username);
    json_set_str(a, u, "global_name", global_name);
    json_set_bool(a, u, "bot", bot);
    dc_save(ctx, "users", id, u, "username", username, NULL, NULL);
    return u;
}

const char *dc_user_by_name(twin_ctx *ctx, const char *username)
{
    twin_list l = dc_list(ctx, "users", "username", username);
    return l.n ? json_get_str(l.items[0], "id") : NULL;
}

/* ---- /users ---- */

void dc_me(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *o = dc_user_render(ctx, bot_doc(ctx));
    json_set_bool(a, o, "mfa_enabled", false);
    json_set_str(a, o, "locale", "en-US");
    json_set_null(a, o, "email");
    json_set_bool(a, o, "verified", true);
    twin_reply_json(ctx, 200, o);
}

void dc_me_update(twin_ctx *ctx)
{
    const char *name = json_get_str(ctx->body, "username");
    if (name) {
        if (!dc_check_len(ctx, "username", name, 2, 32)) return;
        json_value *meta = json_object(ctx->a);
        json_set_str(ctx->a, meta, "username", name);
        twin_doc_put(ctx, "meta", "bot", meta, NULL, 0);
    }
    dc_me(ctx);
}

void dc_user_get(twin_ctx *ctx)
{
    const char *id = dc_param_sf(ctx, "user_id");
    if (!id) return;
    json_value *u = dc_user_find(ctx, id);
    if (!u) return dc_error(ctx, 404, DC_UNKNOWN_USER, "Unknown User");
    twin_reply_json(ctx, 200, u);
}

/* Position first; equal positions keep creation order (snowflakes grow with time). */
static int cmp_position(const void *x, const void *y)
{
    const json_value *a = *(json_value *const *)x, *b = *(json_value *const *)y;
    int64_t pa = 0, pb = 0;
    json_int64(json_get(a, "position"), &pa);
    json_int64(json_get(b, "position"), &pb);
    if (pa != pb) return pa < pb ? -1 : 1;
    uint64_t ia = dc_sf(json_get_str(a, "id")), ib = dc_sf(json_get_str(b, "id"));
    return ia < ib ? -1 : ia > ib;
}

twin_list dc_list_by_position(twin_ctx *ctx, const char *collection, const char *guild_id)
{
    twin_list l = dc_list(ctx, collection, "guild", guild_id);
    qsort(l.items, l.n, sizeof *l.items, cmp_position);
    return l;
}

json_value *dc_id_set(arena *a, const json_value *ids, const char *id, bool add, bool *had)
{
    json_value *out = json_array(a);
    *had = false;
    json_foreach(x, ids) {
        if (str_eq(json_str(x), id)) {
            *had = true;
            if (!add) continue;
        }
        json_push(out, json_string(a, json_str(x)));
    }
    if (add && !*had) json_push(out, json_string(a, id));
    return out;
}
