/* Discord twin: permission computation and the checks handlers call
 * (see permissions.h for the rules). */
#include <stdlib.h>
#include <string.h>

#include "twins/discord/discord.h"
#include "twins/discord/permissions.h"
#include "util/util.h"

/* Permissions that mean nothing without sending (Discord drops them implicitly). */
#define SEND_DEPENDENT (DC_MENTION_EVERYONE | DC_SEND_TTS_MESSAGES | DC_ATTACH_FILES | DC_EMBED_LINKS)

/* ---- pure computation ---- */

uint64_t dc_perm_parse(const json_value *v)
{
    const char *s = json_str(v);
    if (!s && v && v->type == JSON_NUMBER) s = v->str;
    if (!s || !*s) return 0;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9') return 0;
    return strtoull(s, NULL, 10);
}

uint64_t dc_perms_base(uint64_t everyone, const uint64_t *roles, size_t n_roles)
{
    uint64_t p = everyone;
    for (size_t i = 0; i < n_roles; i++) p |= roles[i];
    return (p & DC_ADMINISTRATOR) ? DC_ALL_PERMISSIONS : p;
}

static bool holds_role(const json_value *role_ids, const char *id)
{
    json_foreach(r, role_ids) if (str_eq(json_str(r), id)) return true;
    return false;
}

static int64_t overwrite_type(const json_value *o)
{
    int64_t t = -1;
    if (!json_int64(json_get(o, "type"), &t)) {
        const char *s = json_get_str(o, "type");     /* older clients send "role" / "member" */
        t = str_eq(s, "member") ? DC_OVERWRITE_MEMBER : DC_OVERWRITE_ROLE;
    }
    return t;
}

uint64_t dc_perms_overwrite(uint64_t base, const json_value *overwrites, const char *guild_id,
                            const json_value *role_ids, const char *user_id)
{
    if (base & DC_ADMINISTRATOR) return DC_ALL_PERMISSIONS;
    uint64_t p = base;
    json_foreach(o, overwrites) {
        if (str_eq(json_get_str(o, "id"), guild_id)) {
            p &= ~dc_perm_parse(json_get(o, "deny"));
            p |= dc_perm_parse(json_get(o, "allow"));
        }
    }
    uint64_t allow = 0, deny = 0;
    json_foreach(o, overwrites) {
        const char *id = json_get_str(o, "id");
        if (overwrite_type(o) != DC_OVERWRITE_ROLE || str_eq(id, guild_id) || !holds_role(role_ids, id)) continue;
        allow |= dc_perm_parse(json_get(o, "allow"));
        deny |= dc_perm_parse(json_get(o, "deny"));
    }
    p = (p & ~deny) | allow;
    json_foreach(o, overwrites) {
        if (overwrite_type(o) == DC_OVERWRITE_MEMBER && str_eq(json_get_str(o, "id"), user_id)) {
            p &= ~dc_perm_parse(json_get(o, "deny"));
            p |= dc_perm_parse(json_get(o, "allow"));
        }
    }
    return p;
}

uint64_t dc_perms_timed_out(uint64_t p)
{
    if (p & DC_ADMINISTRATOR) return p;
    return p & (DC_VIEW_CHANNEL | DC_READ_MESSAGE_HISTORY);
}

bool dc_member_timed_out(const json_value *member, int64_t now_ms)
{
    const char *until = json_get_str(member, "communication_disabled_until");
    return until && parse_iso8601_ms(until) > now_ms;
}

/* ---- from the store ---- */

static int64_t clock_ms(twin_ctx *ctx)
{
    return twin_now_ms(ctx);
}

static json_value *member_of(twin_ctx *ctx, const char *guild_id, const char *user_id)
{
    return twin_doc_get(ctx, "members", arena_printf(ctx->a, "%s:%s", guild_id, user_id));
}

static bool is_owner(const json_value *guild, const char *user_id)
{
    return str_eq(json_get_str(guild, "owner_id"), user_id);
}

uint64_t dc_perms_guild(twin_ctx *ctx, const json_value *guild, const char *user_id)
{
    const char *gid = json_get_str(guild, "id");
    json_value *m = member_of(ctx, gid, user_id);
    if (!m) return 0;
    if (is_owner(guild, user_id)) return DC_ALL_PERMISSIONS;
    json_value *roles = json_get(m, "roles");
    size_t n = roles ? roles->len : 0, k = 0;
    uint64_t *sets = arena_alloc(ctx->a, (n ? n : 1) * sizeof *sets);
    json_foreach(r, roles) {
        json_value *role = twin_doc_get(ctx, "roles", json_str(r));
        if (role) sets[k++] = dc_perm_parse(json_get(role, "permissions"));
    }
    json_value *everyone = twin_doc_get(ctx, "roles", gid);
    uint64_t p = dc_perms_base(dc_perm_parse(json_get(everyone, "permissions")), sets, k);
    return dc_member_timed_out(m, clock_ms(ctx)) ? dc_perms_timed_out(p) : p;
}

static bool private_thread_hidden(twin_ctx *ctx, const json_value *thread, const char *user_id, uint64_t p)
{
    int64_t type = 0;
    json_int64(json_get(thread, "type"), &type);
    if (type != 12 || (p & DC_MANAGE_THREADS)) return false;
    return !twin_doc_get(ctx, "thread_members", arena_printf(ctx->a, "%s:%s", json_get_str(thread, "id"), user_id));
}

uint64_t dc_perms_channel(twin_ctx *ctx, const json_value *channel, const char *user_id)
{
    const char *gid = json_get_str(channel, "guild_id");
    json_value *guild = gid ? twin_doc_get(ctx, "guilds", gid) : NULL;
    if (!guild) return 0;
    uint64_t base = dc_perms_guild(ctx, guild, user_id);
    if (base & DC_ADMINISTRATOR) return DC_ALL_PERMISSIONS;
    bool thread = dc_is_thread(channel);
    /* Threads have no overwrites of their own: their parent's apply. */
    const json_value *source = thread ? twin_doc_get(ctx, "channels", json_get_str(channel, "parent_id")) : channel;
    json_value *m = member_of(ctx, gid, user_id);
    uint64_t p = dc_perms_overwrite(base, json_get(source, "permission_overwrites"), gid, json_get(m, "roles"), user_id);
    /* Overwrites cannot give a timed-out member back what the timeout took. */
    if (dc_member_timed_out(m, clock_ms(ctx))) p = dc_perms_timed_out(p);
    if (!(p & DC_VIEW_CHANNEL)) return 0;
    /* A private thread shows only to its members and to those who manage threads. */
    if (thread && private_thread_hidden(ctx, channel, user_id, p)) return 0;
    if (!thread && !(p & DC_SEND_MESSAGES)) p &= ~SEND_DEPENDENT;
    return p;
}

int64_t dc_top_position(twin_ctx *ctx, const json_value *guild, const char *user_id)
{
    if (is_owner(guild, user_id)) return INT64_MAX;
    json_value *m = member_of(ctx, json_get_str(guild, "id"), user_id);
    int64_t top = 0;
    json_foreach(r, json_get(m, "roles")) {
        int64_t pos = 0;
        if (json_int64(json_get(twin_doc_get(ctx, "roles", json_str(r)), "position"), &pos) && pos > top) top = pos;
    }
    return top;
}

/* ---- checks for the bot ---- */

void dc_missing_permissions(twin_ctx *ctx)
{
    dc_error(ctx, 403, DC_MISSING_PERMISSIONS, "Missing Permissions");
}

static void missing_access(twin_ctx *ctx)
{
    dc_error(ctx, 403, DC_MISSING_ACCESS, "Missing Access");
}

bool dc_require_guild(twin_ctx *ctx, const json_value *guild, uint64_t need)
{
    const char *bot = dc_bot_id(ctx);
    if (!member_of(ctx, json_get_str(guild, "id"), bot)) {
        missing_access(ctx);
        return false;
    }
    if ((dc_perms_guild(ctx, guild, bot) & need) == need) return true;
    dc_missing_permissions(ctx);
    return false;
}

bool dc_require_channel(twin_ctx *ctx, const json_value *channel, uint64_t need)
{
    if (!json_get_str(channel, "guild_id")) return true;     /* a DM */
    uint64_t p = dc_perms_channel(ctx, channel, dc_bot_id(ctx));
    if (!(p & DC_VIEW_CHANNEL)) {
        missing_access(ctx);
        return false;
    }
    if ((p & need) == need) return true;
    dc_missing_permissions(ctx);
    return false;
}

bool dc_require_send(twin_ctx *ctx, const json_value *channel)
{
    return dc_require_channel(ctx, channel, dc_is_thread(channel) ? DC_SEND_MESSAGES_IN_THREADS : DC_SEND_MESSAGES);
}

bool dc_require_own_or(twin_ctx *ctx, const json_value *channel, const json_value *message, uint64_t need)
{
    bool own = str_eq(json_get_str(json_get(message, "author"), "id"), dc_bot_id(ctx));
    return dc_require_channel(ctx, channel, own ? 0 : need);
}

bool dc_channel_has_any(twin_ctx *ctx, const json_value *channel, uint64_t any)
{
    if (!json_get_str(channel, "guild_id")) return true;
    return (dc_perms_channel(ctx, channel, dc_bot_id(ctx)) & any) != 0;
}

static int64_t position_of(const json_value *role)
{
    int64_t pos = 0;
    json_int64(json_get(role, "position"), &pos);
    return pos;
}

bool dc_require_role_below(twin_ctx *ctx, const json_value *guild, const json_value *role)
{
    if (dc_top_position(ctx, guild, dc_bot_id(ctx)) > position_of(role)) return true;
    dc_missing_permissions(ctx);
    return false;
}

bool dc_require_member_below(twin_ctx *ctx, const json_value *guild, const char *user_id)
{
    const char *bot = dc_bot_id(ctx);
    if (str_eq(user_id, bot) && !is_owner(guild, user_id)) return true;   /* one's own member */
    if (!is_owner(guild, user_id) && dc_top_position(ctx, guild, bot) > dc_top_position(ctx, guild, user_id))
        return true;
    dc_missing_permissions(ctx);
    return false;
}

bool dc_require_grantable(twin_ctx *ctx, const json_value *guild, uint64_t perms)
{
    if ((perms & ~dc_perms_guild(ctx, guild, dc_bot_id(ctx))) == 0) return true;
    dc_missing_permissions(ctx);
    return false;
}

/* ---- overwrites from request bodies ---- */

static const char *perm_text(twin_ctx *ctx, const json_value *v, const char *path, bool *ok)
{
    *ok = true;
    if (!v || json_is_null(v)) return "0";
    const char *s = json_str(v);
    if (!s && v->type == JSON_NUMBER) s = v->str;
    if (s && (str_eq(s, "0") || dc_perm_parse(v))) return arena_printf(ctx->a, "%llu", (unsigned long long)dc_perm_parse(v));
    dc_form_error(ctx, path, "NUMBER_TYPE_COERCE", "Value is not a valid permission set.");
    *ok = false;
    return NULL;
}

json_value *dc_overwrite_from(twin_ctx *ctx, const json_value *guild, const json_value *o, const char *prefix)
{
    arena *a = ctx->a;
    const char *id = json_get_str(o, "id");
    if (!dc_sf(id)) {
        dc_form_error(ctx, arena_printf(a, "%sid", prefix), "NUMBER_TYPE_COERCE", "Value is not snowflake.");
        return NULL;
    }
    if (!json_get(o, "type")) {
        dc_form_error(ctx, arena_printf(a, "%stype", prefix), "BASE_TYPE_REQUIRED", "This field is required");
        return NULL;
    }
    int64_t type = overwrite_type(o);
    if (type != DC_OVERWRITE_ROLE && type != DC_OVERWRITE_MEMBER) {
        dc_form_error(ctx, arena_printf(a, "%stype", prefix), "BASE_TYPE_CHOICES", "Value must be one of {0, 1}.");
        return NULL;
    }
    if (type == DC_OVERWRITE_ROLE) {
        json_value *role = twin_doc_get(ctx, "roles", id);
        if (!role || !str_eq(json_get_str(role, "_guild"), json_get_str(guild, "id"))) {
            dc_error(ctx, 404, DC_UNKNOWN_ROLE, "Unknown Role");
            return NULL;
        }
    } else if (!dc_user_find(ctx, id)) {
        dc_error(ctx, 404, DC_UNKNOWN_USER, "Unknown User");
        return NULL;
    }
    bool ok;
    const char *allow = perm_text(ctx, json_get(o, "allow"), arena_printf(a, "%sallow", prefix), &ok);
    if (!ok) return NULL;
    const char *deny = perm_text(ctx, json_get(o, "deny"), arena_printf(a, "%sdeny", prefix), &ok);
    if (!ok) return NULL;
    json_value *n = json_object(a);
    json_set_str(a, n, "id", id);
    json_set_int(a, n, "type", type);
    json_set_str(a, n, "allow", allow);
    json_set_str(a, n, "deny", deny);
    return n;
}

json_value *dc_overwrites_from(twin_ctx *ctx, const json_value *guild, const json_value *in)
{
    if (!in || in->type != JSON_ARRAY) {
        dc_form_error(ctx, "permission_overwrites", "BASE_TYPE_ARRAY", "Must be an array.");
        return NULL;
    }
    json_value *out = json_array(ctx->a);
    size_t i = 0;
    json_foreach(o, in) {
        json_value *n = dc_overwrite_from(ctx, guild, o, arena_printf(ctx->a, "permission_overwrites.%zu.", i++));
        if (!n) return NULL;
        json_push(out, n);
    }
    return out;
}
