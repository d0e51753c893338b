/* Slack twin: reminders.* (user tokens only, as Slack's are).
 *
 * "reminders" holds Slack reminder objects {id, creator, user, text,
 * recurring, time, complete_ts} plus "_weekdays" for recurring ones; index
 * "user" (for whom) and "creator" list them.  Firing a reminder (Slackbot's
 * DM at the time) is not modelled; its state is. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "twins/slack/slack.h"
#include "util/util.h"

/* Slack takes a timestamp up to five years ahead, or a number of seconds when within a day. */
#define RELATIVE_MAX_S 86400
#define AHEAD_MAX_S (5LL * 366 * 86400)
#define SLACKBOT "USLACKBOT"

static const char *const weekdays[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                       NULL};

static bool caller_is_person(twin_ctx *ctx)
{
    if (!slack_me(ctx)->is_bot) return true;
    slack_fail(ctx, "user_is_bot");
    return false;
}

/* "in 15 minutes" style: seconds from now, or -1. */
static int64_t parse_in(const char *s)
{
    if (strncmp(s, "in ", 3) != 0) return -1;
    char *end;
    long long n = strtoll(s + 3, &end, 10);
    if (end == s + 3 || n <= 0) return -1;
    while (*end == ' ') end++;
    static const struct { const char *unit; int64_t secs; } units[] = {
        {"second", 1}, {"minute", 60}, {"hour", 3600}, {"day", 86400}, {"week", 7 * 86400}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t len = strlen(units[i].unit);
        if (strncmp(end, units[i].unit, len) == 0 && (!end[len] || str_eq(end + len, "s")))
            return n * units[i].secs;
    }
    return -1;
}

/* "every day" / "every monday": the weekdays it repeats on (a JSON array), or NULL. */
static json_value *parse_every(twin_ctx *ctx, const char *s)
{
    if (strncmp(s, "every ", 6) != 0) return NULL;
    const char *what = s + 6;
    json_value *days = json_array(ctx->a);
    for (size_t i = 0; weekdays[i]; i++)
        if (str_eq(what, "day") || str_eq(what, weekdays[i]) ||
            (str_eq(what, "weekday") && i >= 1 && i <= 5))
            json_push(days, json_string(ctx->a, weekdays[i]));
    return days->len ? days : NULL;
}

/* The "time" argument: sets *at (unix seconds) or *every (recurring); false on cannot_parse. */
static bool parse_time(twin_ctx *ctx, const char *raw, int64_t *at, json_value **every)
{
    int64_t now = twin_now(ctx);
    *at = 0;
    *every = NULL;
    const char *s = str_to_lower(arena_strdup(ctx->a, raw));
    char *end;
    long long n = strtoll(s, &end, 10);
    if (end != s && (!*end || *end == '.')) {
        if (n > 0 && n <= RELATIVE_MAX_S) *at = now + n;
        else if (n > now && n <= now + AHEAD_MAX_S) *at = n;
        return *at != 0;
    }
    int64_t in = parse_in(s);
    if (in > 0) *at = now + in;
    else if (str_eq(s, "tomorrow")) *at = now + 86400;
    else *every = parse_every(ctx, s);
    return *at || *every;
}

static void save_reminder(twin_ctx *ctx, const json_value *r)
{
    store_index idx[2] = {{"user", json_get_str(r, "user")}, {"creator", json_get_str(r, "creator")}};
    twin_doc_put(ctx, "reminders", json_get_str(r, "id"), r, idx, 2);
}

static json_value *render(twin_ctx *ctx, const json_value *r)
{
    json_value *o = json_clone(ctx->a, r);
    json_remove(o, "_weekdays");
    return o;
}

/* The reminder the "reminder" argument names, if the caller created it or it is theirs. */
static json_value *reminder_arg(twin_ctx *ctx)
{
    const char *id = twin_arg(ctx, "reminder");
    json_value *r = id && *id ? twin_doc_get(ctx, "reminders", id) : NULL;
    const char *me = slack_me(ctx)->user_id;
    if (!r || (!str_eq(json_get_str(r, "user"), me) && !str_eq(json_get_str(r, "creator"), me))) {
        slack_fail(ctx, "not_found");
        return NULL;
    }
    return r;
}

/* Whom the reminder is for: the "user" argument or the caller; answers the error otherwise. */
static const char *reminder_target(twin_ctx *ctx, bool recurring)
{
    const char *me = slack_me(ctx)->user_id, *user = twin_arg(ctx, "user");
    if (!user || !*user || str_eq(user, me)) return me;
    if (str_eq(user, SLACKBOT)) return slack_fail(ctx, "cannot_add_slackbot"), NULL;
    json_value *u = slack_user_get(ctx, user);
    if (!u || json_truthy(json_get(u, "deleted"))) return slack_fail(ctx, "user_not_found"), NULL;
    if (json_truthy(json_get(u, "is_bot"))) return slack_fail(ctx, "cannot_add_bot"), NULL;
    json_value *mine = slack_user_get(ctx, me);
    if (json_truthy(json_get(mine, "is_restricted")) || json_truthy(json_get(mine, "is_ultra_restricted")))
        return slack_fail(ctx, "cannot_add_others"), NULL;
    if (recurring) return slack_fail(ctx, "cannot_add_others_recurring"), NULL;
    return user;
}

void slack_reminders_add(twin_ctx *ctx)
{
    if (!caller_is_person(ctx)) return;
    arena *a = ctx->a;
    const char *text = slack_need(ctx, "text", "no_text");
    if (!text) return;
    const char *time = slack_need(ctx, "time", "cannot_parse");
    if (!time) return;
    int64_t at;
    json_value *every;
    if (!parse_time(ctx, time, &at, &every)) return slack_fail(ctx, "cannot_parse");
    const char *user = reminder_target(ctx, every != NULL);
    if (!user) return;
    json_value *r = json_object(a);
    json_set_str(a, r, "id", slack_new_id(ctx, "Rm"));
    json_set_str(a, r, "creator", slack_me(ctx)->user_id);
    json_set_str(a, r, "user", user);
    json_set_str(a, r, "text", text);
    json_set_bool(a, r, "recurring", every != NULL);
    if (every) {
        json_set(a, r, "_weekdays", every);
    } else {
        json_set_int(a, r, "time", at);
        json_set_int(a, r, "complete_ts", 0);
    }
    save_reminder(ctx, r);
    json_value *o = slack_ok(ctx);
    json_set(a, o, "reminder", render(ctx, r));
    slack_reply(ctx, o);
}

void slack_reminders_info(twin_ctx *ctx)
{
    if (!caller_is_person(ctx)) return;
    json_value *r = reminder_arg(ctx);
    if (!r) return;
    json_value *o = slack_ok(ctx);
    json_set(ctx->a, o, "reminder", render(ctx, r));
    slack_reply(ctx, o);
}

/* Reminders for the caller and those the caller set for others, oldest first. */
void slack_reminders_list(twin_ctx *ctx)
{
    if (!caller_is_person(ctx)) return;
    const char *me = slack_me(ctx)->user_id;
    json_value **mine, **made;
    size_t n = slack_all(ctx, "reminders", "user", me, &mine);
    size_t m = slack_all(ctx, "reminders", "creator", me, &made);
    json_value *list = json_array(ctx->a);
    for (size_t i = 0; i < n; i++) json_push(list, render(ctx, mine[i]));
    for (size_t i = 0; i < m; i++)
        if (!str_eq(json_get_str(made[i], "user"), me)) json_push(list, render(ctx, made[i]));
    json_value *o = slack_ok(ctx);
    json_set(ctx->a, o, "reminders", list);
    slack_reply(ctx, o);
}

void slack_reminders_complete(twin_ctx *ctx)
{
    if (!caller_is_person(ctx)) return;
    json_value *r = reminder_arg(ctx);
    if (!r) return;
    if (!str_eq(json_get_str(r, "user"), slack_me(ctx)->user_id)) return slack_fail(ctx, "cannot_complete_others");
    if (json_truthy(json_get(r, "recurring"))) return slack_fail(ctx, "cannot_complete_recurring");
    int64_t done = 0;
    json_int64(json_get(r, "complete_ts"), &done);
    if (!done) {
        json_set_int(ctx->a, r, "complete_ts", twin_now(ctx));
        save_reminder(ctx, r);
    }
    slack_reply(ctx, slack_ok(ctx));
}

void slack_reminders_delete(twin_ctx *ctx)
{
    if (!caller_is_person(ctx)) return;
    json_value *r = reminder_arg(ctx);
    if (!r) return;
    twin_doc_delete(ctx, "reminders", json_get_str(r, "id"));
    slack_reply(ctx, slack_ok(ctx));
}
