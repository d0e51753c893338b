/* Discord twin: seeding from seed_config.discord, the contract's shape
 * guilds[{name, channels[{name, messages[{content}]}]}] plus optional
 * premium_tier, roles (with permissions; one named "@everyone" sets the
 * guild's @everyone permissions), members (by username, with role
 * names), owner (a username; default the bot), bot_roles (role names the bot
 * holds), channel type, topic and permission_overwrites ({role | member,
 * allow, deny} by role name / username), message author (a username; one not
 * listed as a member joins the guild) and bot.username / bot.permissions.
 * Also channel rate_limit_per_user (slowmode seconds) and a timeout,
 * communication_disabled_until (an ISO time), on members and on the bot
 * (bot.communication_disabled_until, in every guild).
 *
 * When bot.permissions is given, or the bot does not own the guild and has
 * no bot_roles, it holds (like a bot invited with permissions) a managed
 * role named after it, above the seeded roles, with bot.permissions
 * (default ADMINISTRATOR).  Ids
 * come from the run's counters and the seeding clock, so two runs of one
 * scenario hold identical state. */
#include <string.h>

#include "twins/discord/discord.h"
#include "util/util.h"

typedef struct counts {
    int64_t guilds, channels, messages, members, roles;
} counts;

static int channel_type(const char *name)
{
    if (str_eq(name, "voice")) return 2;
    if (str_eq(name, "announcement")) return 5;
    if (str_eq(name, "forum")) return 15;
    return 0;
}

static const char *role_id_by_name(twin_ctx *ctx, const char *guild_id, const char *name)
{
    twin_list l = dc_list(ctx, "roles", "guild", guild_id);
    for (size_t i = 0; i < l.n; i++)
        if (str_eq(json_get_str(l.items[i], "name"), name)) return json_get_str(l.items[i], "id");
    return NULL;
}

/* A permission set must be a decimal string, as the API spells it. */
static bool perms_ok(const char *s, const char *where, const char *field, arena *a, const char **error)
{
    if (!s) return true;
    bool digits = *s != '\0';
    for (const char *p = s; *p; p++) digits &= *p >= '0' && *p <= '9';
    if (!digits) *error = arena_printf(a, "%s.%s: a permission set is a decimal string like \"2048\"", where, field);
    return digits;
}

/* The user id of a seeded username, created when new. */
static const char *user_id_for(twin_ctx *ctx, const char *username)
{
    if (str_eq(username, json_get_str(dc_user_find(ctx, dc_bot_id(ctx)), "username"))) return dc_bot_id(ctx);
    const char *uid = dc_user_by_name(ctx, username);
    return uid ? uid : json_get_str(dc_user_create(ctx, username, NULL, false), "id");
}

/* Puts the member (gid, uid) in a timeout until the ISO time until (NULL: none). */
static int seed_timeout(twin_ctx *ctx, const char *gid, const char *uid, const char *until, const char *where,
                        const char **error)
{
    if (!until) return 0;
    int64_t ms = parse_iso8601_ms(until);
    if (ms < 0) {
        *error = arena_printf(ctx->a, "%s.communication_disabled_until: not an ISO 8601 time", where);
        return -1;
    }
    const char *key = arena_printf(ctx->a, "%s:%s", gid, uid);
    json_value *m = twin_doc_get(ctx, "members", key);
    json_set_str(ctx->a, m, "communication_disabled_until", dc_iso(ctx, ms));
    dc_save(ctx, "members", key, m, "guild", gid, NULL, NULL);
    return 0;
}

static int seed_members(twin_ctx *ctx, const char *gid, const json_value *members, const char *where, counts *n,
                        const char **error)
{
    arena *a = ctx->a;
    size_t i = 0;
    json_foreach(m, members) {
        const char *uid = user_id_for(ctx, json_get_str(m, "username"));
        json_value *roles = json_array(a);
        json_foreach(r, json_get(m, "roles")) {
            const char *rid = role_id_by_name(ctx, gid, json_str(r));
            if (!rid) {
                *error = arena_printf(a, "%s.members[%zu].roles: no role named \"%s\" in this guild", where, i, json_str(r));
                return -1;
            }
            json_push(roles, json_string(a, rid));
        }
        dc_member_add(ctx, gid, uid, roles);
        if (seed_timeout(ctx, gid, uid, json_get_str(m, "communication_disabled_until"),
                         arena_printf(a, "%s.members[%zu]", where, i), error) != 0)
            return -1;
        n->members++;
        i++;
    }
    return 0;
}

/* Stores one seeded message (author: the bot or a seeded user). */
static int seed_message(twin_ctx *ctx, json_value *channel, const json_value *in, const char *where, const char **error)
{
    arena *a = ctx->a;
    const char *content = in->type == JSON_STRING ? in->str : json_get_str(in, "content");
    const char *author = json_get_str(in, "author");
    const char *uid = author ? dc_user_by_name(ctx, author) : NULL;
    if (author && !uid) {
        /* An author that was not listed as a member joins the guild. */
        uid = json_get_str(dc_user_create(ctx, author, NULL, false), "id");
        dc_member_add(ctx, json_get_str(channel, "guild_id"), uid, NULL);
    }
    json_value *saved = ctx->body;
    json_value *body = json_object(a);
    json_set_str(a, body, "content", content ? content : "");
    ctx->body = body;
    json_value *m = dc_message_post(ctx, channel, NULL);
    ctx->body = saved;
    if (!m) {
        *error = arena_printf(a, "%s.content: %s", where,
                              content && *content ? "not a valid message" : "Cannot send an empty message");
        return -1;
    }
    if (uid) {
        json_value *doc = twin_doc_get(ctx, "messages", json_get_str(m, "id"));
        json_set(a, doc, "author", dc_user_find(ctx, uid));
        dc_save(ctx, "messages", json_get_str(doc, "id"), doc, "channel", json_get_str(channel, "id"), NULL, NULL);
    }
    return 0;
}

/* The bot's roles: bot_roles by name, plus its managed role (see the top of the file). */
static int seed_bot_roles(twin_ctx *ctx, const json_value *guild, const json_value *in, const json_value *seed,
                          const char *where, const char **error)
{
    arena *a = ctx->a;
    const char *gid = json_get_str(guild, "id"), *bot = dc_bot_id(ctx);
    const char *perms = json_get_str(json_get(seed, "bot"), "permissions");
    if (!perms_ok(perms, "discord.bot", "permissions", a, error)) return -1;
    json_value *roles = json_array(a);
    json_foreach(r, json_get(in, "bot_roles")) {
        const char *rid = role_id_by_name(ctx, gid, json_str(r));
        if (!rid) {
            *error = arena_printf(a, "%s.bot_roles: no role named \"%s\" in this guild", where, json_str(r));
            return -1;
        }
        json_push(roles, json_string(a, rid));
    }
    if (perms || (!roles->len && !str_eq(json_get_str(guild, "owner_id"), bot))) {
        const char *name = json_get_str(dc_user_find(ctx, bot), "username");
        json_value *r = dc_role_new(ctx, gid, NULL, name, perms ? perms : "8");
        json_value *tags = json_object(a);
        json_set_str(a, tags, "bot_id", bot);
        json_set(a, r, "tags", tags);
        json_set_bool(a, r, "managed", true);
        dc_save(ctx, "roles", json_get_str(r, "id"), r, "guild", gid, NULL, NULL);
        json_push(roles, json_string(a, json_get_str(r, "id")));
    }
    dc_member_add(ctx, gid, bot, roles);
    return seed_timeout(ctx, gid, bot, json_get_str(json_get(seed, "bot"), "communication_disabled_until"),
                        "discord.bot", error);
}

/* permission_overwrites [{role | member, allow, deny}] by name into the API's shape. */
static int seed_overwrites(twin_ctx *ctx, json_value *channel, const json_value *in, const char *where,
                           const char **error)
{
    arena *a = ctx->a;
    const char *gid = json_get_str(channel, "guild_id");
    json_value *out = json_array(a);
    size_t i = 0;
    json_foreach(o, in) {
        const char *role = json_get_str(o, "role"), *member = json_get_str(o, "member");
        const char *ow = arena_printf(a, "%s.permission_overwrites[%zu]", where, i);
        if (!perms_ok(json_get_str(o, "allow"), ow, "allow", a, error) || !perms_ok(json_get_str(o, "deny"), ow, "deny", a, error))
            return -1;
        const char *id = role ? role_id_by_name(ctx, gid, role) : member ? dc_user_by_name(ctx, member) : NULL;
        if (member && !id && str_eq(member, json_get_str(dc_user_find(ctx, dc_bot_id(ctx)), "username")))
            id = dc_bot_id(ctx);
        if (!id) {
            *error = arena_printf(a, "%s.permission_overwrites[%zu]: no %s named \"%s\"", where, i,
                                  role ? "role" : "member", role ? role : member ? member : "");
            return -1;
        }
        json_value *n = json_object(a);
        json_set_str(a, n, "id", id);
        json_set_int(a, n, "type", role ? DC_OVERWRITE_ROLE : DC_OVERWRITE_MEMBER);
        json_set_str(a, n, "allow", json_get_str(o, "allow") ? json_get_str(o, "allow") : "0");
        json_set_str(a, n, "deny", json_get_str(o, "deny") ? json_get_str(o, "deny") : "0");
        json_push(out, n);
        i++;
    }
    json_set(a, channel, "permission_overwrites", out);
    dc_save(ctx, "channels", json_get_str(channel, "id"), channel, "guild", gid, NULL, NULL);
    return 0;
}

static int seed_guild(twin_ctx *ctx, const json_value *seed, const json_value *in, const char *where, counts *n,
                      const char **error)
{
    arena *a = ctx->a;
    int64_t tier = -1;
    json_int64(json_get(in, "premium_tier"), &tier);
    const char *owner = json_get_str(in, "owner") ? user_id_for(ctx, json_get_str(in, "owner")) : NULL;
    json_value *g = dc_guild_create(ctx, json_get_str(in, "name"), (int)tier, owner);
    const char *gid = json_get_str(g, "id");
    n->guilds++;
    size_t ri = 0;
    json_foreach(r, json_get(in, "roles")) {
        if (!perms_ok(json_get_str(r, "permissions"), arena_printf(a, "%s.roles[%zu]", where, ri++), "permissions", a, error))
            return -1;
        if (str_eq(json_get_str(r, "name"), "@everyone")) {
            /* Not a new role: the guild's own @everyone gets these permissions. */
            json_value *everyone = twin_doc_get(ctx, "roles", gid);
            json_set_str(a, everyone, "permissions", json_get_str(r, "permissions") ? json_get_str(r, "permissions") : "0");
            dc_save(ctx, "roles", gid, everyone, "guild", gid, NULL, NULL);
            continue;
        }
        dc_role_new(ctx, gid, NULL, json_get_str(r, "name"), json_get_str(r, "permissions"));
        n->roles++;
    }
    if (owner && !str_eq(owner, dc_bot_id(ctx))) dc_member_add(ctx, gid, owner, NULL);
    if (seed_members(ctx, gid, json_get(in, "members"), where, n, error) != 0) return -1;
    if (seed_bot_roles(ctx, g, in, seed, where, error) != 0) return -1;
    size_t ci = 0;
    json_foreach(c, json_get(in, "channels")) {
        const char *cw = arena_printf(a, "%s.channels[%zu]", where, ci++);
        g = twin_doc_get(ctx, "guilds", gid);
        int type = channel_type(json_get_str(c, "type"));
        json_value *ch = dc_channel_create(ctx, g, json_get_str(c, "name"), type, json_get_str(c, "topic"), NULL);
        n->channels++;
        json_value *slow = json_get(c, "rate_limit_per_user");
        if (slow) {
            int64_t secs = -1;
            if (!json_int64(slow, &secs) || secs < 0 || secs > 21600) {
                *error = arena_printf(a, "%s.rate_limit_per_user: an integer from 0 to 21600", cw);
                return -1;
            }
            json_set_int(a, ch, "rate_limit_per_user", secs);
            dc_save(ctx, "channels", json_get_str(ch, "id"), ch, "guild", gid, NULL, NULL);
        }
        if (seed_overwrites(ctx, ch, json_get(c, "permission_overwrites"), cw, error) != 0) return -1;
        json_value *msgs = json_get(c, "messages");
        if (msgs && msgs->len && type != 0 && type != 5) {
            *error = arena_printf(a, "%s.messages: only text and announcement channels hold messages", cw);
            return -1;
        }
        size_t mi = 0;
        json_foreach(m, msgs) {
            ch = twin_doc_get(ctx, "channels", json_get_str(ch, "id"));
            if (seed_message(ctx, ch, m, arena_printf(a, "%s.messages[%zu]", cw, mi++), error) != 0) return -1;
            n->messages++;
        }
    }
    return 0;
}

int dc_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error)
{
    arena *a = ctx->a;
    const char *bot = json_get_str(json_get(seed, "bot"), "username");
    if (bot) {
        json_value *meta = json_object(a);
        json_set_str(a, meta, "username", bot);
        twin_doc_put(ctx, "meta", "bot", meta, NULL, 0);
    }
    counts n = {0};
    size_t i = 0;
    json_foreach(g, json_get(seed, "guilds")) {
        if (seed_guild(ctx, seed, g, arena_printf(a, "discord.guilds[%zu]", i++), &n, error) != 0) return -1;
    }
    json_set_int(a, result, "guilds", n.guilds);
    json_set_int(a, result, "channels", n.channels);
    json_set_int(a, result, "messages", n.messages);
    json_set_int(a, result, "members", n.members);
    json_set_int(a, result, "roles", n.roles);
    return 0;
}
