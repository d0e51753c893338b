/* Slack twin: usergroups.* (User Groups, "subteams").
 *
 * "usergroups" holds Slack subteam objects with their "users" and
 * prefs.channels (index "handle").  A disabled group keeps its members and
 * has date_delete / deleted_by set; listings skip it unless include_disabled. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "twins/slack/slack.h"
#include "util/util.h"

static void save_group(twin_ctx *ctx, const json_value *g)
{
    store_index idx[1] = {{"handle", json_get_str(g, "handle")}};
    twin_doc_put(ctx, "usergroups", json_get_str(g, "id"), g, idx, 1);
}

static bool is_disabled(const json_value *g)
{
    int64_t deleted = 0;
    json_int64(json_get(g, "date_delete"), &deleted);
    return deleted != 0;
}

/* How a group is shown: user_count / channel_count only with include_count,
 * its users unless the caller asked for a listing without them. */
static json_value *render_group(twin_ctx *ctx, const json_value *g, bool with_users)
{
    json_value *o = json_clone(ctx->a, g);
    if (slack_bool_arg(ctx, "include_count", false)) {
        json_set_int(ctx->a, o, "user_count", json_get(g, "users") ? json_get(g, "users")->len : 0);
        json_value *channels = json_get(json_get(g, "prefs"), "channels");
        json_set_int(ctx->a, o, "channel_count", channels ? channels->len : 0);
    }
    if (!with_users) json_remove(o, "users");
    return o;
}

static void reply_group(twin_ctx *ctx, const json_value *g)
{
    json_value *o = slack_ok(ctx);
    json_set(ctx->a, o, "usergroup", render_group(ctx, g, true));
    slack_reply(ctx, o);
}

/* The group the "usergroup" argument names; answers no_such_subteam. */
static json_value *group_arg(twin_ctx *ctx, bool allow_disabled)
{
    const char *id = twin_arg(ctx, "usergroup");
    json_value *g = id && *id ? twin_doc_get(ctx, "usergroups", id) : NULL;
    if (!g || (!allow_disabled && is_disabled(g))) {
        slack_fail(ctx, "no_such_subteam");
        return NULL;
    }
    return g;
}

/* Every group, listed on first use: a create or update checks its name and
 * handle against them up to three times. */
typedef struct group_set {
    json_value **all;
    size_t n;
    bool listed;
} group_set;

/* Whether another group than except_id already uses field == value (names
 * compare case-insensitively, as Slack's do). */
static bool taken(twin_ctx *ctx, group_set *groups, const char *field, const char *value, const char *except_id)
{
    if (!groups->listed) {
        groups->n = slack_all(ctx, "usergroups", NULL, NULL, &groups->all);
        groups->listed = true;
    }
    for (size_t i = 0; i < groups->n; i++) {
        const json_value *g = groups->all[i];
        const char *have = json_get_str(g, field);
        if (have && !str_eq(json_get_str(g, "id"), except_id) && strcasecmp(have, value) == 0) return true;
    }
    return false;
}

/* A handle from a name: lower case, spaces to hyphens. */
static const char *handle_from_name(twin_ctx *ctx, const char *name)
{
    char *h = arena_strdup(ctx->a, name);
    for (char *p = h; *p; p++) *p = *p == ' ' ? '-' : (char)tolower((unsigned char)*p);
    return h;
}

/* Comma-separated ids of the "name" argument, each checked by valid(); NULL
 * (after answering error) when one is not. */
static json_value *id_list(twin_ctx *ctx, const char *name, bool (*valid)(twin_ctx *, const char *),
                           const char *error)
{
    const char *raw = twin_arg(ctx, name);
    json_value *out = json_array(ctx->a);
    if (!raw) return out;
    char *copy = arena_strdup(ctx->a, raw), *save = NULL;
    for (char *id = strtok_r(copy, ", ", &save); id; id = strtok_r(NULL, ", ", &save)) {
        if (!valid(ctx, id)) {
            slack_fail(ctx, error);
            return NULL;
        }
        bool dup = false;
        json_foreach(x, out) if (str_eq(x->str, id)) dup = true;
        if (!dup) json_push(out, json_string(ctx->a, id));
    }
    return out;
}

static bool is_channel(twin_ctx *ctx, const char *id)
{
    json_value *c = slack_channel_get(ctx, id);
    return c && !json_truthy(json_get(c, "is_im")) && !json_truthy(json_get(c, "is_mpim"));
}

static bool is_person(twin_ctx *ctx, const char *id)
{
    json_value *u = slack_user_get(ctx, id);
    return u && !json_truthy(json_get(u, "deleted"));
}

/* Applies name / handle / description / channels to g; false after answering an error. */
static bool apply_fields(twin_ctx *ctx, group_set *groups, json_value *g)
{
    arena *a = ctx->a;
    const char *id = json_get_str(g, "id");
    const char *name = twin_arg(ctx, "name"), *handle = twin_arg(ctx, "handle");
    const char *description = twin_arg(ctx, "description");
    if (name && *name) {
        if (taken(ctx, groups, "name", name, id)) return slack_fail(ctx, "name_already_exists"), false;
        json_set_str(a, g, "name", name);
    }
    if (handle && *handle) {
        if (taken(ctx, groups, "handle", handle, id) || slack_user_resolve(ctx, handle))
            return slack_fail(ctx, "handle_already_exists"), false;
        json_set_str(a, g, "handle", handle);
    }
    if (description) json_set_str(a, g, "description", description);
    if (twin_input(ctx, "channels")) {
        json_value *channels = id_list(ctx, "channels", is_channel, "channel_not_found");
        if (!channels) return false;
        json_set(a, json_get(g, "prefs"), "channels", channels);
    }
    return true;
}

void slack_usergroups_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *name = slack_need(ctx, "name", "invalid_name");
    if (!name) return;
    const char *me = slack_me(ctx)->user_id;
    int64_t now = twin_now(ctx);
    json_value *g = json_object(a);
    json_set_str(a, g, "id", slack_new_id(ctx, "S"));
    json_set_str(a, g, "team_id", SLACK_TEAM_ID);
    json_set_bool(a, g, "is_usergroup", true);
    json_set_bool(a, g, "is_subteam", true);
    json_set_str(a, g, "name", "");
    json_set_str(a, g, "description", "");
    json_set_str(a, g, "handle", "");
    json_set_bool(a, g, "is_external", false);
    json_set_int(a, g, "date_create", now);
    json_set_int(a, g, "date_update", now);
    json_set_int(a, g, "date_delete", 0);
    json_set_null(a, g, "auto_type");
    json_set_bool(a, g, "auto_provision", false);
    json_set_str(a, g, "enterprise_subteam_id", "");
    json_set_str(a, g, "created_by", me);
    json_set_str(a, g, "updated_by", me);
    json_set_null(a, g, "deleted_by");
    json_value *prefs = json_object(a);
    json_set(a, prefs, "channels", json_array(a));
    json_set(a, prefs, "groups", json_array(a));
    json_set(a, g, "prefs", prefs);
    json_set(a, g, "users", json_array(a));
    group_set groups = {0};
    if (!apply_fields(ctx, &groups, g)) return;
    const char *handle = twin_arg(ctx, "handle");
    if (!handle || !*handle) {
        handle = handle_from_name(ctx, name);
        if (taken(ctx, &groups, "handle", handle, NULL) || slack_user_resolve(ctx, handle))
            return slack_fail(ctx, "handle_already_exists");
        json_set_str(a, g, "handle", handle);
    }
    save_group(ctx, g);
    reply_group(ctx, g);
}

void slack_usergroups_update(twin_ctx *ctx)
{
    json_value *g = group_arg(ctx, true);
    group_set groups = {0};
    if (!g || !apply_fields(ctx, &groups, g)) return;
    json_set_int(ctx->a, g, "date_update", twin_now(ctx));
    json_set_str(ctx->a, g, "updated_by", slack_me(ctx)->user_id);
    save_group(ctx, g);
    reply_group(ctx, g);
}

void slack_usergroups_list(twin_ctx *ctx)
{
    bool disabled = slack_bool_arg(ctx, "include_disabled", false);
    bool users = slack_bool_arg(ctx, "include_users", false);
    json_value **all;
    size_t n = slack_all(ctx, "usergroups", NULL, NULL, &all);
    json_value *list = json_array(ctx->a);
    for (size_t i = 0; i < n; i++)
        if (disabled || !is_disabled(all[i])) json_push(list, render_group(ctx, all[i], users));
    json_value *o = slack_ok(ctx);
    json_set(ctx->a, o, "usergroups", list);
    slack_reply(ctx, o);
}

/* usergroups.disable / enable: date_delete and deleted_by mark a disabled group. */
static void set_enabled(twin_ctx *ctx, bool enabled)
{
    json_value *g = group_arg(ctx, true);
    if (!g) return;
    arena *a = ctx->a;
    const char *me = slack_me(ctx)->user_id;
    int64_t now = twin_now(ctx);
    if (enabled == is_disabled(g)) {
        json_set_int(a, g, "date_delete", enabled ? 0 : now);
        if (enabled) json_set_null(a, g, "deleted_by");
        else json_set_str(a, g, "deleted_by", me);
        json_set_int(a, g, "date_update", now);
        json_set_str(a, g, "updated_by", me);
        save_group(ctx, g);
    }
    reply_group(ctx, g);
}

void slack_usergroups_disable(twin_ctx *ctx)
{
    set_enabled(ctx, false);
}

void slack_usergroups_enable(twin_ctx *ctx)
{
    set_enabled(ctx, true);
}

void slack_usergroups_users_list(twin_ctx *ctx)
{
    json_value *g = group_arg(ctx, slack_bool_arg(ctx, "include_disabled", false));
    if (!g) return;
    json_value *o = slack_ok(ctx);
    json_value *users = json_get(g, "users");
    json_set(ctx->a, o, "users", users ? json_clone(ctx->a, users) : json_array(ctx->a));
    slack_reply(ctx, o);
}

/* Replaces the members; a disabled group is enabled again, as Slack does. */
void slack_usergroups_users_update(twin_ctx *ctx)
{
    json_value *g = group_arg(ctx, true);
    if (!g) return;
    json_value *users = id_list(ctx, "users", is_person, "invalid_users");
    if (!users) return;
    if (!users->len) return slack_fail(ctx, "no_users_provided");
    arena *a = ctx->a;
    json_set(a, g, "users", users);
    json_set_int(a, g, "date_delete", 0);
    json_set_null(a, g, "deleted_by");
    json_set_int(a, g, "date_update", twin_now(ctx));
    json_set_str(a, g, "updated_by", slack_me(ctx)->user_id);
    save_group(ctx, g);
    reply_group(ctx, g);
}
