/* Slack twin: seeding from seed_config.slack (see seed_schema_slack)
 *   {"users": [{"name","real_name","email","title","tz","is_admin","is_bot"}],
 *    "channels": [{"name","topic","purpose","is_private","members": [name|id],
 *                  "messages": ["text" | {"text","user","thread_of": index}]}],
 *    "oauth_bot_scopes", "oauth_user_scopes", "tokens": [{"token","user_id","scopes","is_bot"}],
 *    "tier", "file_uploads_enabled", "max_storage_bytes", "storage_used_bytes"}
 * Channels without members hold every user (the twin's bot included).  A
 * channel named like an existing one (#general) is filled, not duplicated.
 * Ids come from twin_new_id and the seeding clock, so runs are identical. */
#include <string.h>

#include "twins/slack/slack.h"
#include "util/util.h"

static void seed_settings(twin_ctx *ctx, const json_value *seed)
{
    static const char *const keys[] = {"tier", "file_uploads_enabled", "max_storage_bytes", "storage_used_bytes",
                                       "oauth_bot_scopes", "oauth_user_scopes", NULL};
    json_value *doc = twin_doc_get(ctx, "_settings", "workspace");
    if (!doc) doc = json_object(ctx->a);
    bool any = false;
    for (size_t i = 0; keys[i]; i++) {
        json_value *v = json_get(seed, keys[i]);
        if (!v) continue;
        json_set(ctx->a, doc, keys[i], json_clone(ctx->a, v));
        any = true;
    }
    if (any) slack_settings_save(ctx, doc);
}

static int seed_tokens(twin_ctx *ctx, const json_value *seed, const char **error)
{
    json_foreach(t, json_get(seed, "tokens")) {
        const char *tok = json_get_str(t, "token");
        if (!tok || !*tok) {
            *error = "slack.tokens entries need a token";
            return -1;
        }
        json_value *rec = json_clone(ctx->a, t);
        const char *user = json_get_str(t, "user_id");
        if (user) {
            const char *id = slack_user_resolve(ctx, user);
            if (id) json_set_str(ctx->a, rec, "user_id", id);
        }
        twin_doc_put(ctx, "_tokens", tok, rec, NULL, 0);
    }
    return 0;
}

static int seed_user(twin_ctx *ctx, const json_value *in, const char **error)
{
    arena *a = ctx->a;
    const char *name = json_get_str(in, "name");
    if (!name || !*name) {
        *error = "slack.users entries need a name";
        return -1;
    }
    if (slack_user_resolve(ctx, name)) {
        *error = arena_printf(a, "slack.users: user %s is listed twice", name);
        return -1;
    }
    bool is_bot = json_truthy(json_get(in, "is_bot"));
    json_value *u = slack_user_skeleton(ctx, slack_new_id(ctx, "U"), name, json_get_str(in, "real_name"), is_bot);
    json_value *p = json_get(u, "profile");
    const char *email = json_get_str(in, "email");
    if (email) json_set_str(a, p, "email", email);
    else if (!is_bot) json_set_str(a, p, "email", arena_printf(a, "%s@example.com", name));
    const char *title = json_get_str(in, "title");
    if (title) json_set_str(a, p, "title", title);
    const char *tz = json_get_str(in, "tz");
    if (tz) json_set_str(a, u, "tz", tz);
    if (json_truthy(json_get(in, "is_admin"))) json_set_bool(a, u, "is_admin", true);
    slack_user_save(ctx, u);
    return 0;
}

static int seed_channel(twin_ctx *ctx, const json_value *in, int64_t *messages, const char **error)
{
    arena *a = ctx->a;
    const char *name = json_get_str(in, "name");
    json_value *c = NULL;
    store_list_opts lo = {.limit = 1, .index_name = "name", .index_value = name};
    twin_list l = {0};
    if (twin_doc_list(ctx, "conversations", &lo, &l) == 0 && l.n) c = l.items[0];
    if (!c) c = slack_channel_new(ctx, name, json_truthy(json_get(in, "is_private")), SLACK_HUMAN_USER);
    json_value *members = json_get(in, "members");
    if (members && members->type == JSON_ARRAY) {
        json_foreach(m, members) {
            const char *id = slack_user_resolve(ctx, json_str(m));
            if (!id) {
                *error = arena_printf(a, "slack.channels[%s].members: no user %s", name, json_str(m) ? m->str : "?");
                return -1;
            }
            slack_add_member(ctx, c, id);
        }
    } else {
        json_value **users;
        size_t n = slack_all(ctx, "users", NULL, NULL, &users);
        for (size_t i = 0; i < n; i++) slack_add_member(ctx, c, json_get_str(users[i], "id"));
    }
    static const char *const metas[] = {"topic", "purpose", NULL};
    for (size_t i = 0; metas[i]; i++) {
        const char *v = json_get_str(in, metas[i]);
        if (!v) continue;
        json_value *t = json_object(a);
        json_set_str(a, t, "value", v);
        json_set_str(a, t, "creator", json_get_str(c, "creator"));
        json_set_int(a, t, "last_set", twin_now(ctx));
        json_set(a, c, metas[i], t);
    }
    slack_channel_save(ctx, c);
    const char *cid = json_get_str(c, "id");
    json_value *msgs = json_get(in, "messages");
    size_t n_msgs = msgs ? msgs->len : 0, i = 0;
    const char **tss = arena_alloc(a, (n_msgs + 1) * sizeof *tss);
    json_foreach(m, msgs) {
        const char *text = m->type == JSON_STRING ? m->str : json_get_str(m, "text");
        const char *who = m->type == JSON_OBJECT ? json_get_str(m, "user") : NULL;
        const char *uid = who ? slack_user_resolve(ctx, who) : SLACK_HUMAN_USER;
        if (!uid) {
            *error = arena_printf(a, "slack.channels[%s].messages[%zu].user: no user %s", name, i, who);
            return -1;
        }
        const char *thread = NULL;
        int64_t of = -1;
        if (m->type == JSON_OBJECT && json_int64(json_get(m, "thread_of"), &of)) {
            if (of < 0 || (size_t)of >= i) {
                *error = arena_printf(a, "slack.channels[%s].messages[%zu].thread_of: must name an earlier message",
                                      name, i);
                return -1;
            }
            thread = tss[of];
        }
        json_value *u = slack_user_get(ctx, uid);
        json_value *posted = slack_message_post(ctx, cid, uid, json_truthy(json_get(u, "is_bot")), text, thread, NULL);
        tss[i++] = json_get_str(posted, "ts");
        (*messages)++;
    }
    return 0;
}

int slack_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error)
{
    seed_settings(ctx, seed);
    int64_t users = 0, channels = 0, messages = 0;
    json_foreach(u, json_get(seed, "users")) {
        if (u->type != JSON_OBJECT) {
            *error = "slack.users entries must be objects";
            return -1;
        }
        if (seed_user(ctx, u, error) != 0) return -1;
        users++;
    }
    if (seed_tokens(ctx, seed, error) != 0) return -1;
    json_foreach(c, json_get(seed, "channels")) {
        if (c->type != JSON_OBJECT || !json_get_str(c, "name")) {
            *error = "slack.channels entries need a name";
            return -1;
        }
        if (seed_channel(ctx, c, &messages, error) != 0) return -1;
        channels++;
    }
    json_set_int(ctx->a, result, "users", users);
    json_set_int(ctx->a, result, "channels", channels);
    json_set_int(ctx->a, result, "messages", messages);
    return 0;
}
