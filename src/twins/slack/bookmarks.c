/* Slack twin: bookmarks.* (links in a channel's header).
 *
 * "bookmarks" holds Slack bookmark objects (index "channel" = channel_id),
 * listed in the order they were added (their rank).  Only the "link" type
 * exists, as Slack documents. */
#include <string.h>

#include "twins/slack/slack.h"
#include "util/util.h"

/* The channel_id argument, where the caller is a member; answers the error otherwise. */
static json_value *member_channel(twin_ctx *ctx, bool for_write)
{
    json_value *c = slack_channel_arg(ctx, "channel_id");
    if (!c) return NULL;
    if (!slack_is_member(c, slack_me(ctx)->user_id)) {
        slack_fail(ctx, "not_in_channel");
        return NULL;
    }
    if (for_write && json_truthy(json_get(c, "is_archived"))) {
        slack_fail(ctx, "is_archived");
        return NULL;
    }
    return c;
}

/* The error for a bad link or emoji argument, else NULL; absent ones are fine. */
static const char *field_error(twin_ctx *ctx)
{
    const char *link = twin_arg(ctx, "link"), *emoji = twin_arg(ctx, "emoji");
    if (link && strncmp(link, "http://", 7) != 0 && strncmp(link, "https://", 8) != 0) return "invalid_link";
    if (emoji && *emoji) {
        size_t n = strlen(emoji);
        if (n < 3 || emoji[0] != ':' || emoji[n - 1] != ':') return "invalid_emoji";
        for (size_t i = 1; i + 1 < n; i++)
            if (emoji[i] == ':' || emoji[i] == ' ') return "invalid_emoji";
    }
    return NULL;
}

/* Ranks sort as the bookmarks were added: "a".."z", then "za".."zz", ... */
static const char *rank_after(twin_ctx *ctx, size_t existing)
{
    size_t zs = existing / 26;
    char *r = arena_alloc(ctx->a, zs + 2);
    memset(r, 'z', zs);
    r[zs] = (char)('a' + existing % 26);
    r[zs + 1] = '\0';
    return r;
}

static void reply_bookmark(twin_ctx *ctx, const json_value *b)
{
    json_value *o = slack_ok(ctx);
    json_set(ctx->a, o, "bookmark", json_clone(ctx->a, b));
    slack_reply(ctx, o);
}

static void save_bookmark(twin_ctx *ctx, const json_value *b)
{
    store_index idx[1] = {{"channel", json_get_str(b, "channel_id")}};
    twin_doc_put(ctx, "bookmarks", json_get_str(b, "id"), b, idx, 1);
}

void slack_bookmarks_add(twin_ctx *ctx)
{
    json_value *c = member_channel(ctx, true);
    if (!c) return;
    const char *title = slack_need(ctx, "title", "invalid_arguments");
    if (!title) return;
    if (!str_eq(twin_arg(ctx, "type"), "link")) return slack_fail(ctx, "invalid_bookmark_type");
    const char *link = twin_arg(ctx, "link");
    if (!link || !*link) return slack_fail(ctx, "invalid_link");
    const char *error = field_error(ctx);
    if (error) return slack_fail(ctx, error);
    arena *a = ctx->a;
    const char *chan = json_get_str(c, "id"), *emoji = twin_arg(ctx, "emoji");
    int64_t count = twin_doc_count(ctx, "bookmarks", "channel", chan);
    size_t n = count > 0 ? (size_t)count : 0;
    json_value *b = json_object(a);
    json_set_str(a, b, "id", slack_new_id(ctx, "Bk"));
    json_set_str(a, b, "channel_id", chan);
    json_set_str(a, b, "title", title);
    json_set_str(a, b, "link", link);
    json_set_str(a, b, "emoji", emoji ? emoji : "");
    json_set_null(a, b, "icon_url");
    json_set_str(a, b, "type", "link");
    json_set_null(a, b, "entity_id");
    json_set_int(a, b, "date_created", twin_now(ctx));
    json_set_int(a, b, "date_updated", 0);
    json_set_str(a, b, "rank", rank_after(ctx, n));
    json_set_str(a, b, "last_updated_by_user_id", slack_me(ctx)->user_id);
    json_set_str(a, b, "last_updated_by_team_id", SLACK_TEAM_ID);
    json_set_null(a, b, "shortcut_id");
    if (slack_me(ctx)->is_bot) json_set_str(a, b, "app_id", SLACK_APP_ID);
    else json_set_null(a, b, "app_id");
    save_bookmark(ctx, b);
    reply_bookmark(ctx, b);
}

/* The bookmark_id argument within the channel; answers not_found. */
static json_value *bookmark_arg(twin_ctx *ctx, const json_value *c)
{
    const char *id = twin_arg(ctx, "bookmark_id");
    json_value *b = id && *id ? twin_doc_get(ctx, "bookmarks", id) : NULL;
    if (!b || !str_eq(json_get_str(b, "channel_id"), json_get_str(c, "id"))) {
        slack_fail(ctx, "not_found");
        return NULL;
    }
    return b;
}

void slack_bookmarks_edit(twin_ctx *ctx)
{
    json_value *c = member_channel(ctx, true);
    if (!c) return;
    json_value *b = bookmark_arg(ctx, c);
    if (!b) return;
    const char *error = field_error(ctx);
    if (error) return slack_fail(ctx, error);
    arena *a = ctx->a;
    const char *const fields[] = {"title", "link", "emoji"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = twin_arg(ctx, fields[i]);
        if (v && (*v || i == 2)) json_set_str(a, b, fields[i], v);   /* an empty emoji clears it */
    }
    json_set_int(a, b, "date_updated", twin_now(ctx));
    json_set_str(a, b, "last_updated_by_user_id", slack_me(ctx)->user_id);
    save_bookmark(ctx, b);
    reply_bookmark(ctx, b);
}

void slack_bookmarks_list(twin_ctx *ctx)
{
    json_value *c = member_channel(ctx, false);
    if (!c) return;
    json_value **all;
    size_t n = slack_all(ctx, "bookmarks", "channel", json_get_str(c, "id"), &all);
    json_value *list = json_array(ctx->a);
    for (size_t i = 0; i < n; i++) json_push(list, json_clone(ctx->a, all[i]));
    json_value *o = slack_ok(ctx);
    json_set(ctx->a, o, "bookmarks", list);
    slack_reply(ctx, o);
}

void slack_bookmarks_remove(twin_ctx *ctx)
{
    json_value *c = member_channel(ctx, true);
    if (!c) return;
    json_value *b = bookmark_arg(ctx, c);
    if (!b) return;
    twin_doc_delete(ctx, "bookmarks", json_get_str(b, "id"));
    slack_reply(ctx, slack_ok(ctx));
}
