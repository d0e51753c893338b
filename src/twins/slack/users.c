/* Slack twin: users.*, auth.test, team.info. */
#include <stdlib.h>
#include <string.h>

#include "twins/slack/slack.h"
#include "util/util.h"

static const char *const colors[] = {"9f69e7", "4bbe2e", "e7392d", "3c989f", "e96699", "674b1b"};

json_value *slack_user_skeleton(twin_ctx *ctx, const char *id, const char *name, const char *real_name, bool is_bot)
{
    arena *a = ctx->a;
    json_value *u = json_object(a);
    json_set_str(a, u, "id", id);
    json_set_str(a, u, "team_id", SLACK_TEAM_ID);
    json_set_str(a, u, "name", name);
    json_set_bool(a, u, "deleted", false);
    json_set_str(a, u, "color", colors[strlen(id) % 6]);
    json_set_str(a, u, "real_name", real_name ? real_name : name);
    json_set_str(a, u, "tz", "America/Los_Angeles");
    json_set_str(a, u, "tz_label", "Pacific Standard Time");
    json_set_int(a, u, "tz_offset", -28800);
    json_value *p = json_object(a);
    json_set_str(a, p, "title", "");
    json_set_str(a, p, "phone", "");
    json_set_str(a, p, "skype", "");
    json_set_str(a, p, "real_name", real_name ? real_name : name);
    json_set_str(a, p, "real_name_normalized", real_name ? real_name : name);
    json_set_str(a, p, "display_name", is_bot ? "" : name);
    json_set_str(a, p, "display_name_normalized", is_bot ? "" : name);
    json_set_str(a, p, "status_text", "");
    json_set_str(a, p, "status_emoji", "");
    json_set_int(a, p, "status_expiration", 0);
    json_set_str(a, p, "avatar_hash", "g0000000000a");
    json_set_str(a, p, "image_24", "https://a.slack-edge.com/80588/img/avatars/ava_0001-24.png");
    json_set_str(a, p, "image_32", "https://a.slack-edge.com/80588/img/avatars/ava_0001-32.png");
    json_set_str(a, p, "image_48", "https://a.slack-edge.com/80588/img/avatars/ava_0001-48.png");
    json_set_str(a, p, "image_72", "https://a.slack-edge.com/80588/img/avatars/ava_0001-72.png");
    json_set_str(a, p, "image_192", "https://a.slack-edge.com/80588/img/avatars/ava_0001-192.png");
    json_set_str(a, p, "image_512", "https://a.slack-edge.com/80588/img/avatars/ava_0001-512.png");
    json_set_str(a, p, "team", SLACK_TEAM_ID);
    if (is_bot) {
        json_set_str(a, p, "bot_id", str_eq(id, SLACK_BOT_USER) ? SLACK_BOT_ID : arena_printf(a, "B%s", id + 1));
        json_set_str(a, p, "api_app_id", SLACK_APP_ID);
        json_set_bool(a, p, "always_active", true);
    }
    json_set(a, u, "profile", p);
    json_set_bool(a, u, "is_admin", false);
    json_set_bool(a, u, "is_owner", false);
    json_set_bool(a, u, "is_primary_owner", false);
    json_set_bool(a, u, "is_restricted", false);
    json_set_bool(a, u, "is_ultra_restricted", false);
    json_set_bool(a, u, "is_bot", is_bot);
    json_set_bool(a, u, "is_app_user", false);
    json_set_int(a, u, "updated", twin_now(ctx));
    json_set_bool(a, u, "is_email_confirmed", !is_bot);
    json_set_str(a, u, "who_can_share_contact_card", "EVERYONE");
    return u;
}

static const char *lower(arena *a, const char *s)
{
    return str_to_lower(arena_strdup(a, s ? s : ""));
}

void slack_user_save(twin_ctx *ctx, const json_value *u)
{
    const char *email = json_get_str(json_get(u, "profile"), "email");
    store_index idx[2] = {{"name", json_get_str(u, "name")}, {"email", lower(ctx->a, email)}};
    twin_doc_put(ctx, "users", json_get_str(u, "id"), u, idx, email ? 2 : 1);
}

json_value *slack_user_get(twin_ctx *ctx, const char *id)
{
    return id && *id ? twin_doc_get(ctx, "users", id) : NULL;
}

const char *slack_user_resolve(twin_ctx *ctx, const char *name_or_id)
{
    if (!name_or_id || !*name_or_id) return NULL;
    if (slack_user_get(ctx, name_or_id)) return name_or_id;
    store_list_opts o = {.limit = 1, .index_name = "name", .index_value = name_or_id};
    twin_list l = {0};
    if (twin_doc_list(ctx, "users", &o, &l) == 0 && l.n) return json_get_str(l.items[0], "id");
    return NULL;
}

/* users:read without users:read.email hides emails (as Slack does). */
static json_value *render_user(twin_ctx *ctx, json_value *u)
{
    slack_principal *me = slack_me(ctx);
    if (me && me->scopes && !scopes_has(me->scopes, "*") && !scopes_has(me->scopes, "users:read.email"))
        json_remove(json_get(u, "profile"), "email");
    return u;
}

void slack_auth_test(twin_ctx *ctx)
{
    slack_principal *me = slack_me(ctx);
    arena *a = ctx->a;
    json_value *u = slack_user_get(ctx, me->user_id);
    json_value *o = slack_ok(ctx);
    json_set_str(a, o, "url", arena_printf(a, "https://%s.slack.com/", slack_team_domain(ctx)));
    json_set_str(a, o, "team", slack_team_name(ctx));
    json_set_str(a, o, "user", u ? json_get_str(u, "name") : me->user_id);
    json_set_str(a, o, "team_id", SLACK_TEAM_ID);
    json_set_str(a, o, "user_id", me->user_id);
    if (me->is_bot) {
        const char *bot_id = json_get_str(json_get(u, "profile"), "bot_id");
        json_set_str(a, o, "bot_id", bot_id ? bot_id : SLACK_BOT_ID);
    }
    json_set_bool(a, o, "is_enterprise_install", false);
    slack_reply(ctx, o);
}

void slack_users_list(twin_ctx *ctx)
{
    json_value **all;
    size_t n = slack_all(ctx, "users", NULL, NULL, &all);
    size_t start, count;
    const char *next;
    if (!slack_paginate(ctx, all, n, "id", 1000, 1000, &start, &count, &next)) return;
    json_value *members = json_array(ctx->a);
    for (size_t i = start; i < start + count; i++) json_push(members, render_user(ctx, all[i]));
    json_value *o = slack_ok(ctx);
    json_set(ctx->a, o, "members", members);
    json_set_int(ctx->a, o, "cache_ts", twin_now(ctx));
    json_set(ctx->a, o, "response_metadata", slack_response_metadata(ctx, next));
    slack_reply(ctx, o);
}

void slack_users_info(twin_ctx *ctx)
{
    const char *id = slack_need(ctx, "user", "user_not_found");
    if (!id) return;
    json_value *u = slack_user_get(ctx, id);
    if (!u) return slack_fail(ctx, "user_not_found");
    json_value *o = slack_ok(ctx);
    json_set(ctx->a, o, "user", render_user(ctx, u));
    slack_reply(ctx, o);
}

void slack_users_lookup_by_email(twin_ctx *ctx)
{
    const char *email = slack_need(ctx, "email", "invalid_email");
    if (!email) return;
    store_list_opts o = {.limit = 1, .index_name = "email", .index_value = lower(ctx->a, email)};
    twin_list l = {0};
    if (twin_doc_list(ctx, "users", &o, &l) != 0 || !l.n) return slack_fail(ctx, "users_not_found");
    json_value *r = slack_ok(ctx);
    json_set(ctx->a, r, "user", render_user(ctx, l.items[0]));
    slack_reply(ctx, r);
}

void slack_team_info(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *t = json_object(a);
    json_set_str(a, t, "id", SLACK_TEAM_ID);
    json_set_str(a, t, "name", slack_team_name(ctx));
    json_set_str(a, t, "domain", slack_team_domain(ctx));
    json_set_str(a, t, "email_domain", "");
    json_value *icon = json_object(a);
    json_set_bool(a, icon, "image_default", true);
    json_set_str(a, icon, "image_34", "https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-34.png");
    json_set_str(a, icon, "image_44", "https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-44.png");
    json_set_str(a, icon, "image_68", "https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-68.png");
    json_set_str(a, icon, "image_88", "https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-88.png");
    json_set_str(a, icon, "image_102", "https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-102.png");
    json_set_str(a, icon, "image_132", "https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-132.png");
    json_set(a, t, "icon", icon);
    json_value *o = slack_ok(ctx);
    json_set(a, o, "team", t);
    slack_reply(ctx, o);
}

/* ---- users.profile.* ---- */

/* The user the "user" argument names, else the caller; answers user_not_found. */
static json_value *user_arg_or_me(twin_ctx *ctx)
{
    const char *id = twin_arg(ctx, "user");
    if (!id || !*id) id = slack_me(ctx)->user_id;
    json_value *u = slack_user_get(ctx, id);
    if (!u) slack_fail(ctx, "user_not_found");
    return u;
}

/* The profile as users.profile.* answer it: custom "fields" always present
 * (an empty object when the workspace defines none). */
static json_value *render_profile(twin_ctx *ctx, json_value *u)
{
    json_value *p = json_get(render_user(ctx, u), "profile");
    if (!json_get(p, "fields")) json_set(ctx->a, p, "fields", json_object(ctx->a));
    return p;
}

void slack_users_profile_get(twin_ctx *ctx)
{
    json_value *u = user_arg_or_me(ctx);
    if (!u) return;
    json_value *o = slack_ok(ctx);
    json_set(ctx->a, o, "profile", render_profile(ctx, u));
    slack_reply(ctx, o);
}

/* Profile fields a user may set; the *_normalized ones follow their field. */
static const char *const settable_fields[] = {"first_name", "last_name", "display_name", "real_name", "title",
                                              "phone", "skype", "status_text", "status_emoji", "pronouns", NULL};
/* Display names Slack keeps for mentions and its own bot. */
static const char *const reserved_names[] = {"here", "channel", "everyone", "group", "slackbot", "admin", NULL};

static bool in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i]; i++)
        if (str_eq(list[i], s)) return true;
    return false;
}

/* The changes asked for: the "profile" JSON object, or one "name" + "value". */
static json_value *profile_changes(twin_ctx *ctx)
{
    if (twin_input(ctx, "profile")) {
        json_value *p = slack_json_arg(ctx, "profile");
        return p && p->type == JSON_OBJECT ? p : NULL;
    }
    const char *name = twin_arg(ctx, "name");
    if (!name || !*name) return NULL;
    json_value *p = json_object(ctx->a);
    const char *value = twin_arg(ctx, "value");
    json_set_str(ctx->a, p, name, value ? value : "");
    return p;
}

/* Applies one field; returns the error code for a bad value, else NULL. */
static const char *apply_profile_field(twin_ctx *ctx, json_value *u, json_value *profile, const json_value *v)
{
    arena *a = ctx->a;
    const char *key = v->key;
    if (str_eq(key, "status_expiration")) {
        int64_t t = 0;
        const char *digits = json_str(v);
        if (digits && *digits) {
            char *end;
            t = strtoll(digits, &end, 10);
            if (*end) return "invalid_profile";
        } else if (!json_int64(v, &t)) {
            return "invalid_profile";
        }
        json_set_int(a, profile, key, t);
        return NULL;
    }
    if (!in_list(settable_fields, key)) return NULL;   /* Slack ignores fields it does not know */
    const char *s = json_str(v);
    if (!s) return "invalid_profile";
    if (str_eq(key, "display_name") && in_list(reserved_names, str_to_lower(arena_strdup(a, s)))) return "reserved_name";
    json_set_str(a, profile, key, s);
    if (str_eq(key, "display_name") || str_eq(key, "real_name"))
        json_set_str(a, profile, arena_printf(a, "%s_normalized", key), s);
    if (str_eq(key, "real_name")) json_set_str(a, u, "real_name", s);
    return NULL;
}

/* The status part of a profile, as text to compare before and after. */
static const char *status_snapshot(arena *a, const json_value *profile)
{
    static const char *const keys[] = {"status_text", "status_emoji", "status_expiration", NULL};
    json_value *o = json_object(a);
    for (size_t i = 0; keys[i]; i++) {
        const json_value *v = json_get(profile, keys[i]);
        if (v) json_set(a, o, keys[i], json_clone(a, v));
    }
    return json_to_string(a, o, NULL);
}

void slack_users_profile_set(twin_ctx *ctx)
{
    arena *a = ctx->a;
    slack_principal *me = slack_me(ctx);
    if (me->is_bot) return slack_fail(ctx, "user_is_bot");
    json_value *u = user_arg_or_me(ctx);
    if (!u) return;
    if (!str_eq(json_get_str(u, "id"), me->user_id)) {
        /* Only admins set someone else's profile, and never an owner's or another admin's. */
        if (!json_truthy(json_get(slack_user_get(ctx, me->user_id), "is_admin"))) return slack_fail(ctx, "not_admin");
        if (json_truthy(json_get(u, "is_admin")) || json_truthy(json_get(u, "is_owner")))
            return slack_fail(ctx, "cannot_update_admin_user");
    }
    json_value *changes = profile_changes(ctx);
    if (!changes) return slack_fail(ctx, "invalid_profile");
    json_value *profile = json_get(u, "profile");
    const char *before = json_to_string(a, profile, NULL), *status_before = status_snapshot(a, profile);
    json_foreach(v, changes) {
        const char *error = apply_profile_field(ctx, u, profile, v);
        if (error) return slack_fail(ctx, error);
    }
    /* first / last name alone make up the real name, as Slack's profile editor does. */
    if (!json_get(changes, "real_name") && (json_get(changes, "first_name") || json_get(changes, "last_name"))) {
        const char *first = json_get_str(profile, "first_name"), *last = json_get_str(profile, "last_name");
        const char *real = arena_printf(a, "%s%s%s", first ? first : "", first && last && *first && *last ? " " : "",
                                        last ? last : "");
        json_set_str(a, profile, "real_name", real);
        json_set_str(a, profile, "real_name_normalized", real);
        json_set_str(a, u, "real_name", real);
    }
    json_set_int(a, u, "updated", twin_now(ctx));
    slack_user_save(ctx, u);
    /* Only an actual change is announced (Slack ignores fields it does not know). */
    if (!str_eq(before, json_to_string(a, profile, NULL)))
        slack_emit_user_change(ctx, u, !str_eq(status_before, status_snapshot(a, profile)));
    json_value *o = slack_ok(ctx);
    json_set_str(a, o, "username", json_get_str(u, "name"));
    json_set(a, o, "profile", render_profile(ctx, u));
    slack_reply(ctx, o);
}

/* ---- presence ----
 * Nobody is connected to a twin, so a user is "active" unless they set
 * themselves away (users.setPresence away) or were deleted. */

static bool manual_away(twin_ctx *ctx, const char *user)
{
    return json_truthy(json_get(twin_doc_get(ctx, "_presence", user), "manual_away"));
}

void slack_users_get_presence(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *u = user_arg_or_me(ctx);
    if (!u) return;
    const char *id = json_get_str(u, "id");
    bool away = manual_away(ctx, id), deleted = json_truthy(json_get(u, "deleted"));
    json_value *o = slack_ok(ctx);
    json_set_str(a, o, "presence", away || deleted ? "away" : "active");
    /* The caller learns the details of their own presence only. */
    if (str_eq(id, slack_me(ctx)->user_id)) {
        json_set_bool(a, o, "online", !away);
        json_set_bool(a, o, "auto_away", false);
        json_set_bool(a, o, "manual_away", away);
        json_set_int(a, o, "connection_count", away ? 0 : 1);
        json_set_int(a, o, "last_activity", twin_now(ctx));
    }
    slack_reply(ctx, o);
}

void slack_users_set_presence(twin_ctx *ctx)
{
    const char *presence = twin_arg(ctx, "presence");
    if (!str_eq(presence, "auto") && !str_eq(presence, "away")) return slack_fail(ctx, "invalid_presence");
    json_value *doc = json_object(ctx->a);
    json_set_bool(ctx->a, doc, "manual_away", str_eq(presence, "away"));
    twin_doc_put(ctx, "_presence", slack_me(ctx)->user_id, doc, NULL, 0);
    slack_reply(ctx, slack_ok(ctx));
}
