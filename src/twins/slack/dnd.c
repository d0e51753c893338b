/* Slack twin: dnd.* (Do Not Disturb).
 *
 * Nobody has a DND schedule in a twin workspace, so dnd_enabled is false and
 * next_dnd_start_ts / next_dnd_end_ts are 1, as Slack answers for users
 * without one; a snooze (dnd.setSnooze) is state: "_dnd" holds the
 * snooze_endtime per user, and a snooze past its end is over. */
#include <stdlib.h>
#include <string.h>

#include "twins/slack/slack.h"
#include "util/util.h"

/* The caller's or user's snooze end (unix seconds), 0 when not snoozing. */
static int64_t snooze_end(twin_ctx *ctx, const char *user)
{
    int64_t end = 0;
    json_int64(json_get(twin_doc_get(ctx, "_dnd", user), "snooze_endtime"), &end);
    return end > twin_now(ctx) ? end : 0;
}

static void set_schedule_fields(twin_ctx *ctx, json_value *o)
{
    json_set_bool(ctx->a, o, "dnd_enabled", false);
    json_set_int(ctx->a, o, "next_dnd_start_ts", 1);
    json_set_int(ctx->a, o, "next_dnd_end_ts", 1);
}

static bool caller_is_person(twin_ctx *ctx)
{
    if (!slack_me(ctx)->is_bot) return true;
    slack_fail(ctx, "user_is_bot");
    return false;
}

void slack_dnd_info(twin_ctx *ctx)
{
    const char *me = slack_me(ctx)->user_id, *user = twin_arg(ctx, "user");
    if (!user || !*user) user = me;
    if (!slack_user_get(ctx, user)) return slack_fail(ctx, "user_not_found");
    json_value *o = slack_ok(ctx);
    set_schedule_fields(ctx, o);
    /* Slack tells the snooze to the user themself only. */
    if (str_eq(user, me)) {
        int64_t end = snooze_end(ctx, user);
        json_set_bool(ctx->a, o, "snooze_enabled", end != 0);
        if (end) {
            json_set_int(ctx->a, o, "snooze_endtime", end);
            json_set_int(ctx->a, o, "snooze_remaining", end - twin_now(ctx));
        }
    }
    slack_reply(ctx, o);
}

void slack_dnd_set_snooze(twin_ctx *ctx)
{
    if (!caller_is_person(ctx)) return;
    const char *raw = twin_arg(ctx, "num_minutes");
    char *rest = NULL;
    long long minutes = raw && *raw ? strtoll(raw, &rest, 10) : 0;
    if (!raw || !*raw || *rest || minutes <= 0) return slack_fail(ctx, "missing_duration");
    int64_t end = twin_now(ctx) + (int64_t)minutes * 60;
    json_value *doc = json_object(ctx->a);
    json_set_int(ctx->a, doc, "snooze_endtime", end);
    twin_doc_put(ctx, "_dnd", slack_me(ctx)->user_id, doc, NULL, 0);
    json_value *o = slack_ok(ctx);
    json_set_bool(ctx->a, o, "snooze_enabled", true);
    json_set_int(ctx->a, o, "snooze_endtime", end);
    json_set_int(ctx->a, o, "snooze_remaining", end - twin_now(ctx));
    slack_reply(ctx, o);
}

void slack_dnd_end_snooze(twin_ctx *ctx)
{
    if (!caller_is_person(ctx)) return;
    const char *me = slack_me(ctx)->user_id;
    if (!snooze_end(ctx, me)) return slack_fail(ctx, "snooze_not_active");
    twin_doc_delete(ctx, "_dnd", me);
    json_value *o = slack_ok(ctx);
    set_schedule_fields(ctx, o);
    json_set_bool(ctx->a, o, "snooze_enabled", false);
    slack_reply(ctx, o);
}

/* Ends the current DND session, a snooze included. */
void slack_dnd_end_dnd(twin_ctx *ctx)
{
    if (!caller_is_person(ctx)) return;
    twin_doc_delete(ctx, "_dnd", slack_me(ctx)->user_id);
    slack_reply(ctx, slack_ok(ctx));
}

/* The named users' (comma-separated; every user when absent) DND state; unknown ids are left out. */
void slack_dnd_team_info(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *users = json_object(a);
    const char *raw = twin_arg(ctx, "users");
    json_value **all = NULL;
    size_t n = 0;
    if (!raw || !*raw) n = slack_all(ctx, "users", NULL, NULL, &all);
    char *copy = raw && *raw ? arena_strdup(a, raw) : NULL, *save = NULL;
    char *id = copy ? strtok_r(copy, ", ", &save) : NULL;
    for (size_t i = 0; copy ? id != NULL : i < n; i++) {
        const char *uid = copy ? id : json_get_str(all[i], "id");
        if (slack_user_get(ctx, uid)) {
            json_value *u = json_object(a);
            set_schedule_fields(ctx, u);
            json_set(a, users, uid, u);
        }
        if (copy) id = strtok_r(NULL, ", ", &save);
    }
    json_value *o = slack_ok(ctx);
    json_set(a, o, "users", users);
    slack_reply(ctx, o);
}
