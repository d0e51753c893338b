/* Slack twin: conversations.* (channels, private channels, IMs, MPIMs). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "twins/slack/slack.h"
#include "util/util.h"

const char *slack_new_id(twin_ctx *ctx, const char *prefix)
{
    char *id = twin_new_id(ctx, prefix, 10);
    for (char *p = id + strlen(prefix); *p; p++) {
        *p = (char)toupper((unsigned char)*p);
        if (*p == 'O') *p = '0';
    }
    return id;
}

static json_value *text_meta(twin_ctx *ctx, const char *value, const char *creator, int64_t last_set)
{
    json_value *t = json_object(ctx->a);
    json_set_str(ctx->a, t, "value", value ? value : "");
    json_set_str(ctx->a, t, "creator", creator ? creator : "");
    json_set_int(ctx->a, t, "last_set", last_set);
    return t;
}

json_value *slack_channel_new(twin_ctx *ctx, const char *name, bool is_private, const char *creator)
{
    arena *a = ctx->a;
    int64_t now = twin_now(ctx);
    json_value *c = json_object(a);
    json_set_str(a, c, "id", slack_new_id(ctx, "C"));
    json_set_str(a, c, "name", name);
    json_set_bool(a, c, "is_channel", true);
    json_set_bool(a, c, "is_group", false);
    json_set_bool(a, c, "is_im", false);
    json_set_bool(a, c, "is_mpim", false);
    json_set_bool(a, c, "is_private", is_private);
    json_set_int(a, c, "created", now);
    json_set_bool(a, c, "is_archived", false);
    json_set_bool(a, c, "is_general", false);
    json_set_int(a, c, "unlinked", 0);
    json_set_str(a, c, "name_normalized", name);
    json_set_bool(a, c, "is_shared", false);
    json_set_bool(a, c, "is_org_shared", false);
    json_set_bool(a, c, "is_ext_shared", false);
    json_set_bool(a, c, "is_pending_ext_shared", false);
    json_set(a, c, "pending_shared", json_array(a));
    json_set_str(a, c, "context_team_id", SLACK_TEAM_ID);
    json_set_int(a, c, "updated", now * 1000);
    json_set_null(a, c, "parent_conversation");
    json_set_str(a, c, "creator", creator);
    json_value *shared = json_array(a);
    json_push(shared, json_string(a, SLACK_TEAM_ID));
    json_set(a, c, "shared_team_ids", shared);
    json_set(a, c, "topic", text_meta(ctx, "", "", 0));
    json_set(a, c, "purpose", text_meta(ctx, "", "", 0));
    json_set(a, c, "previous_names", json_array(a));
    json_value *members = json_array(a);
    if (creator && *creator) json_push(members, json_string(a, creator));
    json_set(a, c, "members", members);
    return c;
}

void slack_channel_save(twin_ctx *ctx, json_value *c)
{
    store_index idx[2];
    size_t n = 0;
    const char *name = json_get_str(c, "name");
    if (name && !json_truthy(json_get(c, "is_im"))) idx[n++] = (store_index){"name", name};
    const char *dm = json_get_str(c, "_dm_key");
    if (dm) idx[n++] = (store_index){"dm_key", dm};
    twin_doc_put(ctx, "conversations", json_get_str(c, "id"), c, idx, n);
}

json_value *slack_channel_get(twin_ctx *ctx, const char *id)
{
    return id && *id ? twin_doc_get(ctx, "conversations", id) : NULL;
}

bool slack_is_member(const json_value *c, const char *user)
{
    json_foreach(m, json_get(c, "members")) if (str_eq(m->str, user)) return true;
    return false;
}

void slack_add_member(twin_ctx *ctx, json_value *c, const char *user)
{
    if (slack_is_member(c, user)) return;
    json_value *members = json_get(c, "members");
    if (!members) {
        members = json_array(ctx->a);
        json_set(ctx->a, c, "members", members);
    }
    json_push(members, json_string(ctx->a, user));
}

static void remove_member(twin_ctx *ctx, json_value *c, const char *user)
{
    json_value *out = json_array(ctx->a);
    json_foreach(m, json_get(c, "members")) if (!str_eq(m->str, user)) json_push(out, json_string(ctx->a, m->str));
    json_set(ctx->a, c, "members", out);
}

static bool is_dm(const json_value *c)
{
    return json_truthy(json_get(c, "is_im")) || json_truthy(json_get(c, "is_mpim"));
}

/* The conversations.list `types` name of a conversation. */
static const char *conv_type(const json_value *c)
{
    if (json_truthy(json_get(c, "is_im"))) return "im";
    if (json_truthy(json_get(c, "is_mpim"))) return "mpim";
    return json_truthy(json_get(c, "is_private")) ? "private_channel" : "public_channel";
}

/* Slack names a conversations scope after the conversation's type:
 * channels:<what> for public channels, groups: private, im: and mpim:. */
static const char *scope_for_type(twin_ctx *ctx, const char *type, const char *what)
{
    const char *family = str_eq(type, "im")                ? "im"
                         : str_eq(type, "mpim")            ? "mpim"
                         : str_eq(type, "private_channel") ? "groups"
                                                           : "channels";
    return arena_printf(ctx->a, "%s:%s", family, what);
}

static const char *type_scope(twin_ctx *ctx, const json_value *c, const char *what)
{
    return scope_for_type(ctx, conv_type(c), what);
}

/* slack_channel_arg, then the read scope of the conversation's type. */
static json_value *readable_channel_arg(twin_ctx *ctx)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    return c && slack_require_scope(ctx, type_scope(ctx, c, "read")) ? c : NULL;
}

bool slack_channel_visible(twin_ctx *ctx, const json_value *c)
{
    bool priv = json_truthy(json_get(c, "is_private")) || is_dm(c);
    return !priv || slack_is_member(c, slack_me(ctx)->user_id);
}

json_value *slack_channel_render(twin_ctx *ctx, const json_value *stored)
{
    arena *a = ctx->a;
    json_value *c = json_clone(a, stored);
    json_remove(c, "_dm_key");
    json_value *members = json_get(c, "members");
    if (json_truthy(json_get(c, "is_im"))) {
        json_set_bool(a, c, "is_open", true);
        return c;
    }
    slack_principal *me = slack_me(ctx);
    json_set_bool(a, c, "is_member", me && me->user_id && slack_is_member(stored, me->user_id));
    json_set_int(a, c, "num_members", members ? members->len : 0);
    if (!json_truthy(json_get(c, "is_mpim"))) json_remove(c, "members");
    return c;
}

json_value *slack_channel_cached(twin_ctx *ctx, map *cache, const char *id)
{
    static json_value absent;   /* marks an id already looked up and not found */
    if (!id) return NULL;
    json_value *c = map_get(cache, id);
    if (!c) {
        c = slack_channel_get(ctx, id);
        map_put(cache, id, c ? c : &absent);
    }
    return c == &absent ? NULL : c;
}

json_value *slack_channel_arg(twin_ctx *ctx, const char *arg)
{
    const char *id = twin_arg(ctx, arg);
    json_value *c = slack_channel_get(ctx, id);
    if (!c || !slack_channel_visible(ctx, c)) {
        slack_fail(ctx, "channel_not_found");
        return NULL;
    }
    return c;
}

static void reply_channel(twin_ctx *ctx, const json_value *c)
{
    json_value *o = slack_ok(ctx);
    json_set(ctx->a, o, "channel", slack_channel_render(ctx, c));
    slack_reply(ctx, o);
}

/* Slack's naming rules: lower case letters, digits, hyphens, underscores; at most 80. */
static const char *name_error(const char *name)
{
    if (!name || !*name) return "invalid_name_required";
    if (strlen(name) > 80) return "invalid_name_maxlength";
    bool has_alnum = false;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) has_alnum = true;
        else if (*p >= 0x80) has_alnum = true;   /* non-Latin letters are allowed */
        else if (*p != '-' && *p != '_') return "invalid_name_specials";
    }
    return has_alnum ? NULL : "invalid_name_punctuation";
}

static bool name_taken(twin_ctx *ctx, const char *name)
{
    return twin_doc_count(ctx, "conversations", "name", name) > 0;
}

void slack_conv_create(twin_ctx *ctx)
{
    const char *name = twin_arg(ctx, "name");
    const char *err = name_error(name);
    if (err) return slack_fail(ctx, err);
    if (name_taken(ctx, name)) return slack_fail(ctx, "name_taken");
    json_value *c = slack_channel_new(ctx, name, slack_bool_arg(ctx, "is_private", false), slack_me(ctx)->user_id);
    slack_channel_save(ctx, c);
    slack_emit_channel_created(ctx, c);
    reply_channel(ctx, c);
}

void slack_conv_list(twin_ctx *ctx)
{
    const char *types = twin_arg(ctx, "types");
    if (!types || !*types) types = "public_channel";
    scope_set *want = scopes_parse(ctx->a, types);
    for (size_t i = 0; i < want->n; i++)
        if (!str_eq(want->items[i], "public_channel") && !str_eq(want->items[i], "private_channel") &&
            !str_eq(want->items[i], "im") && !str_eq(want->items[i], "mpim"))
            return slack_fail(ctx, "invalid_types");
    /* Every requested type needs its own read scope; the first one missing is named. */
    for (size_t i = 0; i < want->n; i++)
        if (!slack_require_scope(ctx, scope_for_type(ctx, want->items[i], "read"))) return;
    bool exclude_archived = slack_bool_arg(ctx, "exclude_archived", false);
    json_value **all;
    size_t n = slack_all(ctx, "conversations", NULL, NULL, &all), k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!scopes_has(want, conv_type(all[i])) || !slack_channel_visible(ctx, all[i])) continue;
        if (exclude_archived && json_truthy(json_get(all[i], "is_archived"))) continue;
        all[k++] = all[i];
    }
    size_t start, count;
    const char *next;
    if (!slack_paginate(ctx, all, k, "id", 100, 1000, &start, &count, &next)) return;
    json_value *arr = json_array(ctx->a);
    for (size_t i = start; i < start + count; i++) json_push(arr, slack_channel_render(ctx, all[i]));
    json_value *o = slack_ok(ctx);
    json_set(ctx->a, o, "channels", arr);
    json_set(ctx->a, o, "response_metadata", slack_response_metadata(ctx, next));
    slack_reply(ctx, o);
}

/* Read markers (conversations.mark): "_reads" id "<channel>:<user>" {ts}. */
static const char *read_marker_id(twin_ctx *ctx, const char *channel, const char *user)
{
    return arena_printf(ctx->a, "%s:%s", channel, user);
}

void slack_conv_info(twin_ctx *ctx)
{
    json_value *c = readable_channel_arg(ctx);
    if (!c) return;
    json_value *mark = twin_doc_get(ctx, "_reads", read_marker_id(ctx, json_get_str(c, "id"), slack_me(ctx)->user_id));
    if (!mark) return reply_channel(ctx, c);
    /* The caller's own read position, as Slack shows it to a member who marked it. */
    json_value *o = slack_ok(ctx), *shown = slack_channel_render(ctx, c);
    json_set_str(ctx->a, shown, "last_read", json_get_str(mark, "ts"));
    json_set(ctx->a, o, "channel", shown);
    slack_reply(ctx, o);
}

/* Moves the caller's read cursor; user tokens only (bots have no unread state). */
void slack_conv_mark(twin_ctx *ctx)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    if (!c || !slack_require_scope(ctx, type_scope(ctx, c, "write"))) return;
    slack_principal *me = slack_me(ctx);
    if (me->is_bot) return slack_fail(ctx, "not_allowed_token_type");
    if (!slack_is_member(c, me->user_id)) return slack_fail(ctx, "not_in_channel");
    const char *ts = twin_arg(ctx, "ts");
    if (!ts || slack_ts_us(ts) < 0) return slack_fail(ctx, "invalid_timestamp");
    json_value *mark = json_object(ctx->a);
    json_set_str(ctx->a, mark, "ts", ts);
    twin_doc_put(ctx, "_reads", read_marker_id(ctx, json_get_str(c, "id"), me->user_id), mark, NULL, 0);
    slack_reply(ctx, slack_ok(ctx));
}

void slack_conv_join(twin_ctx *ctx)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    if (!c) return;
    if (is_dm(c) || json_truthy(json_get(c, "is_private"))) return slack_fail(ctx, "method_not_supported_for_channel_type");
    if (json_truthy(json_get(c, "is_archived"))) return slack_fail(ctx, "is_archived");
    const char *me = slack_me(ctx)->user_id;
    json_value *o = slack_ok(ctx);
    if (slack_is_member(c, me)) {
        json_set_str(ctx->a, o, "warning", "already_in_channel");
        json_value *md = json_object(ctx->a), *w = json_array(ctx->a);
        json_push(w, json_string(ctx->a, "already_in_channel"));
        json_set(ctx->a, md, "warnings", w);
        json_set(ctx->a, o, "response_metadata", md);
    } else {
        slack_add_member(ctx, c, me);
        slack_channel_save(ctx, c);
        slack_emit_member(ctx, "member_joined_channel", c, me, NULL);
        slack_system_message(ctx, json_get_str(c, "id"), me, "channel_join",
                             arena_printf(ctx->a, "<@%s> has joined the channel", me));
    }
    json_set(ctx->a, o, "channel", slack_channel_render(ctx, c));
    slack_reply(ctx, o);
}

void slack_conv_leave(twin_ctx *ctx)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    if (!c) return;
    if (json_truthy(json_get(c, "is_im"))) return slack_fail(ctx, "method_not_supported_for_channel_type");
    if (json_truthy(json_get(c, "is_general"))) return slack_fail(ctx, "cant_leave_general");
    if (json_truthy(json_get(c, "is_archived"))) return slack_fail(ctx, "is_archived");
    const char *me = slack_me(ctx)->user_id;
    json_value *o = slack_ok(ctx);
    if (!slack_is_member(c, me)) {
        json_set_bool(ctx->a, o, "not_in_channel", true);
        return slack_reply(ctx, o);
    }
    /* Told while still a member: the app hears of its own (or its user's) leaving. */
    slack_emit_member(ctx, "member_left_channel", c, me, NULL);
    slack_emit_channel_left(ctx, c, me, me);
    remove_member(ctx, c, me);
    slack_channel_save(ctx, c);
    slack_reply(ctx, o);
}

static void already_in_channel(twin_ctx *ctx, const char *user)
{
    json_value *o = json_object(ctx->a);
    json_set_bool(ctx->a, o, "ok", false);
    json_set_str(ctx->a, o, "error", "already_in_channel");
    json_value *errs = json_array(ctx->a), *e = json_object(ctx->a);
    json_set_str(ctx->a, e, "user", user);
    json_set_bool(ctx->a, e, "ok", false);
    json_set_str(ctx->a, e, "error", "already_in_channel");
    json_push(errs, e);
    json_set(ctx->a, o, "errors", errs);
    slack_reply(ctx, o);
}

void slack_conv_invite(twin_ctx *ctx)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    if (!c) return;
    const char *users = twin_arg(ctx, "users");
    if (!users || !*users) return slack_fail(ctx, "no_user");
    if (is_dm(c)) return slack_fail(ctx, "method_not_supported_for_channel_type");
    if (json_truthy(json_get(c, "is_archived"))) return slack_fail(ctx, "is_archived");
    const char *me = slack_me(ctx)->user_id;
    if (!slack_is_member(c, me)) return slack_fail(ctx, "not_in_channel");
    /* Users join one at a time, each with its channel_join message.  Without
     * force Slack invites all or none: a user that cannot join fails the call,
     * and the engine rolls back those who joined before it (the answer is
     * {"ok": false}, see slack_answer). */
    scope_set *ids = scopes_parse(ctx->a, users);
    for (size_t i = 0; i < ids->n; i++) {
        const char *user = ids->items[i];
        if (str_eq(user, me)) return slack_fail(ctx, "cant_invite_self");
        if (!slack_user_get(ctx, user)) return slack_fail(ctx, "user_not_found");
        if (slack_is_member(c, user)) return already_in_channel(ctx, user);
        slack_add_member(ctx, c, user);
        slack_channel_save(ctx, c);
        slack_emit_member(ctx, "member_joined_channel", c, user, me);
        slack_system_message(ctx, json_get_str(c, "id"), user, "channel_join",
                             arena_printf(ctx->a, "<@%s> has joined the channel", user));
    }
    reply_channel(ctx, c);
}

void slack_conv_kick(twin_ctx *ctx)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    if (!c) return;
    const char *user = twin_arg(ctx, "user");
    if (!user || !*user) return slack_fail(ctx, "user_not_found");
    if (is_dm(c)) return slack_fail(ctx, "method_not_supported_for_channel_type");
    const char *me = slack_me(ctx)->user_id;
    if (str_eq(user, me)) return slack_fail(ctx, "cant_kick_self");
    if (json_truthy(json_get(c, "is_general"))) return slack_fail(ctx, "cant_kick_from_general");
    if (!slack_user_get(ctx, user)) return slack_fail(ctx, "user_not_found");
    if (!slack_is_member(c, user)) return slack_fail(ctx, "not_in_channel");
    slack_emit_member(ctx, "member_left_channel", c, user, NULL);
    slack_emit_channel_left(ctx, c, user, me);
    remove_member(ctx, c, user);
    slack_channel_save(ctx, c);
    json_value *o = slack_ok(ctx);
    json_set(ctx->a, o, "errors", json_object(ctx->a));
    slack_reply(ctx, o);
}

void slack_conv_archive(twin_ctx *ctx)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    if (!c) return;
    if (is_dm(c)) return slack_fail(ctx, "method_not_supported_for_channel_type");
    if (json_truthy(json_get(c, "is_general"))) return slack_fail(ctx, "cant_archive_general");
    if (json_truthy(json_get(c, "is_archived"))) return slack_fail(ctx, "already_archived");
    json_set_bool(ctx->a, c, "is_archived", true);
    slack_channel_save(ctx, c);
    slack_emit_channel_state(ctx, c, "archive");
    slack_reply(ctx, slack_ok(ctx));
}

void slack_conv_unarchive(twin_ctx *ctx)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    if (!c) return;
    if (!json_truthy(json_get(c, "is_archived"))) return slack_fail(ctx, "not_archived");
    json_set_bool(ctx->a, c, "is_archived", false);
    slack_channel_save(ctx, c);
    slack_emit_channel_state(ctx, c, "unarchive");
    slack_reply(ctx, slack_ok(ctx));
}

void slack_conv_rename(twin_ctx *ctx)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    if (!c) return;
    if (is_dm(c)) return slack_fail(ctx, "method_not_supported_for_channel_type");
    if (json_truthy(json_get(c, "is_archived"))) return slack_fail(ctx, "is_archived");
    if (!slack_is_member(c, slack_me(ctx)->user_id)) return slack_fail(ctx, "not_in_channel");
    const char *name = twin_arg(ctx, "name");
    const char *err = name_error(name);
    if (err) return slack_fail(ctx, err);
    const char *old = json_get_str(c, "name");
    if (!str_eq(old, name)) {
        if (name_taken(ctx, name)) return slack_fail(ctx, "name_taken");
        json_push(json_get(c, "previous_names"), json_string(ctx->a, old));
        json_set_str(ctx->a, c, "name", name);
        json_set_str(ctx->a, c, "name_normalized", name);
        slack_channel_save(ctx, c);
        slack_emit_channel_rename(ctx, c);
    }
    reply_channel(ctx, c);
}

static void set_text_meta(twin_ctx *ctx, const char *field, size_t max, const char *subtype, const char *verb)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    if (!c) return;
    if (json_truthy(json_get(c, "is_archived"))) return slack_fail(ctx, "is_archived");
    const char *me = slack_me(ctx)->user_id;
    if (!slack_is_member(c, me)) return slack_fail(ctx, "not_in_channel");
    const char *value = twin_arg(ctx, field);
    if (!value) value = "";
    if (strlen(value) > max) return slack_fail(ctx, "too_long");
    json_set(ctx->a, c, field, text_meta(ctx, value, me, twin_now(ctx)));
    slack_channel_save(ctx, c);
    slack_system_message(ctx, json_get_str(c, "id"), me, subtype,
                         arena_printf(ctx->a, "set the channel %s: %s", verb, value));
    reply_channel(ctx, c);
}

void slack_conv_set_topic(twin_ctx *ctx)
{
    set_text_meta(ctx, "topic", 250, "channel_topic", "topic");
}

void slack_conv_set_purpose(twin_ctx *ctx)
{
    set_text_meta(ctx, "purpose", 250, "channel_purpose", "purpose");
}

void slack_conv_members(twin_ctx *ctx)
{
    json_value *c = readable_channel_arg(ctx);
    if (!c) return;
    json_value *members = json_get(c, "members");
    size_t n = members ? members->len : 0, i = 0;
    json_value **items = arena_alloc(ctx->a, (n + 1) * sizeof *items);
    json_foreach(m, members) {
        items[i] = json_object(ctx->a);
        json_set_str(ctx->a, items[i], "id", m->str);
        i++;
    }
    size_t start, count;
    const char *next;
    if (!slack_paginate(ctx, items, n, "id", 100, 1000, &start, &count, &next)) return;
    json_value *arr = json_array(ctx->a);
    for (i = start; i < start + count; i++) json_push(arr, json_string(ctx->a, json_get_str(items[i], "id")));
    json_value *o = slack_ok(ctx);
    json_set(ctx->a, o, "members", arr);
    json_set(ctx->a, o, "response_metadata", slack_response_metadata(ctx, next));
    slack_reply(ctx, o);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* conversations.open: users (comma list; the caller is added) or channel. */
void slack_conv_open(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *me = slack_me(ctx)->user_id;
    bool return_im = slack_bool_arg(ctx, "return_im", true);
    (void)return_im;
    const char *channel = twin_arg(ctx, "channel");
    if (channel && *channel) {
        json_value *c = slack_channel_arg(ctx, "channel");
        if (!c) return;
        if (!is_dm(c)) return slack_fail(ctx, "method_not_supported_for_channel_type");
        json_value *o = slack_ok(ctx);
        json_set_bool(a, o, "no_op", true);
        json_set_bool(a, o, "already_open", true);
        json_set(a, o, "channel", slack_channel_render(ctx, c));
        return slack_reply(ctx, o);
    }
    const char *users = twin_arg(ctx, "users");
    if (!users || !*users) return slack_fail(ctx, "users_list_not_supplied");
    scope_set *ids = scopes_parse(a, users);
    for (size_t i = 0; i < ids->n; i++)
        if (!slack_user_get(ctx, ids->items[i])) return slack_fail(ctx, "user_not_found");
    if (ids->n > 8) return slack_fail(ctx, "too_many_users");
    scopes_add(a, ids, me);
    const char **sorted = arena_alloc(a, ids->n * sizeof *sorted);
    memcpy(sorted, ids->items, ids->n * sizeof *sorted);
    qsort(sorted, ids->n, sizeof *sorted, cmp_str);
    buf k = BUF_INIT;
    for (size_t i = 0; i < ids->n; i++) {
        if (i) buf_putc(&k, '_');
        buf_puts(&k, sorted[i]);
    }
    if (ids->n == 1) buf_printf(&k, "_%s", sorted[0]);   /* a DM with yourself */
    const char *dm_key = arena_strndup(a, k.data, k.len);
    buf_free(&k);
    bool is_mpim = ids->n > 2;
    json_value *o = slack_ok(ctx);
    store_list_opts lo = {.limit = 1, .index_name = "dm_key", .index_value = dm_key};
    twin_list l = {0};
    json_value *c = NULL;
    if (twin_doc_list(ctx, "conversations", &lo, &l) == 0 && l.n) {
        c = l.items[0];
        json_set_bool(a, o, "no_op", true);
        json_set_bool(a, o, "already_open", true);
    } else {
        int64_t now = twin_now(ctx);
        c = json_object(a);
        json_set_str(a, c, "id", slack_new_id(ctx, is_mpim ? "G" : "D"));
        json_set_int(a, c, "created", now);
        json_set_bool(a, c, "is_archived", false);
        json_set_bool(a, c, "is_im", !is_mpim);
        json_set_bool(a, c, "is_mpim", is_mpim);
        json_set_bool(a, c, "is_private", true);
        json_set_bool(a, c, "is_channel", false);
        json_set_bool(a, c, "is_group", is_mpim);
        json_set_bool(a, c, "is_org_shared", false);
        json_set_str(a, c, "context_team_id", SLACK_TEAM_ID);
        json_set_int(a, c, "updated", now * 1000);
        if (is_mpim) {
            buf nb = BUF_INIT;
            buf_puts(&nb, "mpdm-");
            for (size_t i = 0; i < ids->n; i++) {
                json_value *u = slack_user_get(ctx, sorted[i]);
                buf_printf(&nb, "%s%s", i ? "--" : "", u ? json_get_str(u, "name") : sorted[i]);
            }
            buf_puts(&nb, "-1");
            json_set_str(a, c, "name", arena_strndup(a, nb.data, nb.len));
            buf_free(&nb);
            json_set_str(a, c, "creator", me);
        } else {
            const char *other = ids->n == 1 ? me : str_eq(sorted[0], me) ? sorted[1] : sorted[0];
            json_set_str(a, c, "name", arena_printf(a, "dm-%s", dm_key));
            json_set_str(a, c, "user", other);
            json_set_bool(a, c, "is_user_deleted", false);
            json_set_int(a, c, "priority", 0);
        }
        json_value *members = json_array(a);
        for (size_t i = 0; i < ids->n; i++) json_push(members, json_string(a, sorted[i]));
        json_set(a, c, "members", members);
        json_set_str(a, c, "_dm_key", dm_key);
        slack_channel_save(ctx, c);
        slack_emit_im_created(ctx, c);
        json_set_bool(a, o, "no_op", false);
        json_set_bool(a, o, "already_open", false);
    }
    json_set(a, o, "channel", slack_channel_render(ctx, c));
    slack_reply(ctx, o);
}

/* ---- history and replies ---- */

/* Seconds past this would overflow a count of microseconds; a later ts
 * (latest=99999999999999999999, say) means "no upper bound", so it saturates. */
#define TS_MAX_SEC (INT64_MAX / 1000000 - 1)

int64_t slack_ts_us(const char *ts)
{
    if (!ts || !isdigit((unsigned char)*ts)) return -1;
    const char *p = ts;
    int64_t sec = 0;
    for (; isdigit((unsigned char)*p); p++) sec = sec > TS_MAX_SEC ? sec : sec * 10 + (*p - '0');
    if (sec > TS_MAX_SEC) sec = TS_MAX_SEC;
    int64_t us = 0;
    if (*p == '.') {
        int digits = 0;
        for (p++; isdigit((unsigned char)*p); p++)
            if (digits++ < 6) us = us * 10 + (*p - '0');   /* finer than microseconds is dropped */
        for (; digits < 6; digits++) us *= 10;
    }
    return *p ? -1 : sec * 1000000 + us;
}

static bool readable(twin_ctx *ctx, const json_value *c)
{
    if (!slack_require_scope(ctx, type_scope(ctx, c, "history"))) return false;
    /* Bots read public channels only once they are in them. */
    slack_principal *me = slack_me(ctx);
    if (me->is_bot && !slack_is_member(c, me->user_id)) {
        slack_fail(ctx, "not_in_channel");
        return false;
    }
    return true;
}

/* conversations.history's oldest / latest / inclusive window, in microseconds. */
typedef struct history_window {
    int64_t lo, hi;
    bool has_oldest, has_latest, inclusive;
} history_window;

static bool newer_than_window(const history_window *w, int64_t t)
{
    return w->inclusive ? t > w->hi : w->has_latest && t >= w->hi;
}

static bool older_than_window(const history_window *w, int64_t t)
{
    return w->inclusive ? t < w->lo : w->has_oldest && t <= w->lo;
}

/* Messages are stored in ts order, so the history index lists a channel
 * newest first from any message on: a page reads from where it starts (the
 * cursor's message, or the one `latest` names) until it holds `want` messages
 * or passes `oldest`, never the whole channel.  The listing continues after
 * the message id `after` (NULL: from the newest); page[k..] is filled up to
 * want entries and the new count returned. */
static size_t history_page(twin_ctx *ctx, const char *chan, const history_window *w, const char *after,
                           json_value **page, size_t k, size_t want)
{
    while (k < want) {
        store_list_opts o = {.limit = want - k, .newest_first = true, .starting_after = after,
                             .index_name = "history", .index_value = chan};
        twin_list l = {0};
        if (twin_doc_list(ctx, "messages", &o, &l) != 0 || !l.n) break;
        for (size_t i = 0; i < l.n; i++) {
            int64_t t = slack_ts_us(json_get_str(l.items[i], "ts"));
            if (older_than_window(w, t)) return k;
            if (!newer_than_window(w, t)) page[k++] = l.items[i];
        }
        if (!l.has_more) break;
        after = slack_message_id(ctx, chan, json_get_str(l.items[l.n - 1], "ts"));
    }
    return k;
}

void slack_conv_history(twin_ctx *ctx)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    if (!c || !readable(ctx, c)) return;
    slack_scheduled_deliver(ctx);
    const char *chan = json_get_str(c, "id");
    const char *oldest = twin_arg(ctx, "oldest"), *latest = twin_arg(ctx, "latest");
    history_window w = {.has_oldest = oldest && *oldest, .has_latest = latest && *latest};
    w.lo = w.has_oldest ? slack_ts_us(oldest) : 0;
    w.hi = w.has_latest ? slack_ts_us(latest) : INT64_MAX;
    if (w.lo < 0) return slack_fail(ctx, "invalid_ts_oldest");
    if (w.hi < 0) return slack_fail(ctx, "invalid_ts_latest");
    w.inclusive = slack_bool_arg(ctx, "inclusive", false);
    size_t limit = slack_page_limit(ctx, 100, 999), want = limit + 1;   /* one more tells has_more */
    json_value **page = arena_alloc(ctx->a, want * sizeof *page);
    size_t k = 0;
    const char *after = NULL;
    const char *cursor = twin_arg(ctx, "cursor");
    if (cursor && *cursor) {
        /* The cursor names the first message of the page, which must still be one history shows. */
        const char *ts = slack_cursor_decode(ctx->a, cursor);
        json_value *m = ts ? slack_message_get(ctx, chan, ts) : NULL;
        int64_t t = m ? slack_ts_us(json_get_str(m, "ts")) : -1;
        if (!m || !slack_message_in_history(m) || newer_than_window(&w, t) || older_than_window(&w, t))
            return slack_fail(ctx, "invalid_cursor");
        page[k++] = m;
        after = slack_message_id(ctx, chan, ts);
    } else if (w.has_latest) {
        /* latest usually names a message (the last page's oldest): start there
         * rather than reading every newer one. */
        json_value *m = slack_message_get(ctx, chan, latest);
        if (m) {
            int64_t t = slack_ts_us(json_get_str(m, "ts"));
            if (slack_message_in_history(m) && !newer_than_window(&w, t) && !older_than_window(&w, t)) page[k++] = m;
            after = slack_message_id(ctx, chan, latest);
        }
    }
    k = history_page(ctx, chan, &w, after, page, k, want);
    size_t count = k < limit ? k : limit;
    const char *next = k > limit ? slack_cursor_encode(ctx->a, json_get_str(page[limit], "ts")) : "";
    json_value *arr = json_array(ctx->a);
    for (size_t i = 0; i < count; i++) json_push(arr, slack_message_render(ctx, page[i]));
    json_value *o = slack_ok(ctx);
    json_set(ctx->a, o, "messages", arr);
    json_set_bool(ctx->a, o, "has_more", *next != '\0');
    json_set_int(ctx->a, o, "pin_count", slack_pin_count(ctx, chan));
    json_set_null(ctx->a, o, "channel_actions_ts");
    json_set_int(ctx->a, o, "channel_actions_count", 0);
    if (*next) json_set(ctx->a, o, "response_metadata", slack_response_metadata(ctx, next));
    slack_reply(ctx, o);
}

void slack_conv_replies(twin_ctx *ctx)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    if (!c || !readable(ctx, c)) return;
    slack_scheduled_deliver(ctx);
    const char *chan = json_get_str(c, "id");
    const char *ts = twin_arg(ctx, "ts");
    if (!ts || !*ts) return slack_fail(ctx, "thread_not_found");
    json_value *parent = slack_message_get(ctx, chan, ts);
    if (!parent) return slack_fail(ctx, "thread_not_found");
    const char *root = json_get_str(parent, "thread_ts");
    if (!root) root = ts;
    json_value **all;
    size_t n = slack_all(ctx, "messages", "thread", arena_printf(ctx->a, "%s:%s", chan, root), &all);
    size_t start, count;
    const char *next;
    if (!slack_paginate(ctx, all, n, "ts", 1000, 1000, &start, &count, &next)) return;
    json_value *arr = json_array(ctx->a);
    /* The parent leads every page, as Slack does. */
    if (start > 0 && n) json_push(arr, slack_message_render(ctx, all[0]));
    for (size_t i = start; i < start + count; i++) json_push(arr, slack_message_render(ctx, all[i]));
    json_value *o = slack_ok(ctx);
    json_set(ctx->a, o, "messages", arr);
    json_set_bool(ctx->a, o, "has_more", *next != '\0');
    if (*next) json_set(ctx->a, o, "response_metadata", slack_response_metadata(ctx, next));
    slack_reply(ctx, o);
}
