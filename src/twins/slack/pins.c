/* Slack twin: pins.*.
 *
 * A pin is a document in "pins" (id "<channel>-<ts>", index "channel") that
 * records who pinned the message and when; the message itself carries
 * "pinned_to": [channel], as Slack shows it in history. */
#include <string.h>

#include "twins/slack/slack.h"
#include "util/util.h"

static void set_pinned_to(twin_ctx *ctx, const char *channel, json_value *m, bool pinned)
{
    if (pinned) {
        json_value *to = json_array(ctx->a);
        json_push(to, json_string(ctx->a, channel));
        json_set(ctx->a, m, "pinned_to", to);
    } else {
        json_remove(m, "pinned_to");
    }
    slack_message_save(ctx, channel, m);
}

int64_t slack_pin_count(twin_ctx *ctx, const char *channel)
{
    int64_t n = twin_doc_count(ctx, "pins", "channel", channel);
    return n > 0 ? n : 0;
}

void slack_pin_forget(twin_ctx *ctx, const char *channel, const char *ts)
{
    twin_doc_delete(ctx, "pins", slack_message_id(ctx, channel, ts));
}

/* The message pins.add / pins.remove name: channel + timestamp. */
static json_value *pin_target(twin_ctx *ctx, json_value **chan_out)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    if (!c) return NULL;
    const char *ts = twin_arg(ctx, "timestamp");
    if (!ts || !*ts) {
        slack_fail(ctx, "no_item_specified");
        return NULL;
    }
    if (slack_ts_us(ts) < 0) {
        slack_fail(ctx, "bad_timestamp");
        return NULL;
    }
    /* Pinning is a channel member's action. */
    if (!slack_is_member(c, slack_me(ctx)->user_id)) {
        slack_fail(ctx, "not_in_channel");
        return NULL;
    }
    json_value *m = slack_message_get(ctx, json_get_str(c, "id"), ts);
    if (!m) {
        slack_fail(ctx, "message_not_found");
        return NULL;
    }
    *chan_out = c;
    return m;
}

void slack_pins_add(twin_ctx *ctx)
{
    json_value *c;
    json_value *m = pin_target(ctx, &c);
    if (!m) return;
    if (json_truthy(json_get(c, "is_archived"))) return slack_fail(ctx, "is_archived");
    const char *chan = json_get_str(c, "id"), *ts = json_get_str(m, "ts");
    const char *id = slack_message_id(ctx, chan, ts);
    if (twin_doc_get(ctx, "pins", id)) return slack_fail(ctx, "already_pinned");
    arena *a = ctx->a;
    json_value *pin = json_object(a);
    json_set_str(a, pin, "channel", chan);
    json_set_str(a, pin, "ts", ts);
    json_set_int(a, pin, "created", twin_now(ctx));
    json_set_str(a, pin, "created_by", slack_me(ctx)->user_id);
    store_index idx[1] = {{"channel", chan}};
    twin_doc_put(ctx, "pins", id, pin, idx, 1);
    set_pinned_to(ctx, chan, m, true);
    slack_emit_pin(ctx, "pin_added", c, m, pin);
    slack_reply(ctx, slack_ok(ctx));
}

void slack_pins_remove(twin_ctx *ctx)
{
    json_value *c;
    json_value *m = pin_target(ctx, &c);
    if (!m) return;
    const char *chan = json_get_str(c, "id"), *ts = json_get_str(m, "ts");
    const char *id = slack_message_id(ctx, chan, ts);
    json_value *pin = twin_doc_get(ctx, "pins", id);   /* who pinned it, for pin_removed */
    if (twin_doc_delete(ctx, "pins", id) != 0) return slack_fail(ctx, "not_pinned");
    set_pinned_to(ctx, chan, m, false);
    slack_emit_pin(ctx, "pin_removed", c, m, pin);
    slack_reply(ctx, slack_ok(ctx));
}

/* Newest pin first, as Slack lists them. */
void slack_pins_list(twin_ctx *ctx)
{
    json_value *c = slack_channel_arg(ctx, "channel");
    if (!c) return;
    arena *a = ctx->a;
    const char *chan = json_get_str(c, "id");
    json_value **pins;
    size_t n = slack_all(ctx, "pins", "channel", chan, &pins);
    json_value *items = json_array(a);
    for (size_t i = n; i-- > 0;) {
        json_value *m = slack_message_get(ctx, chan, json_get_str(pins[i], "ts"));
        if (!m) continue;
        json_value *item = json_object(a);
        json_set_str(a, item, "type", "message");
        json_set(a, item, "created", json_clone(a, json_get(pins[i], "created")));
        json_set_str(a, item, "created_by", json_get_str(pins[i], "created_by"));
        json_set_str(a, item, "channel", chan);
        json_set(a, item, "message", slack_message_render(ctx, m));
        json_push(items, item);
    }
    json_value *o = slack_ok(ctx);
    json_set(a, o, "items", items);
    slack_reply(ctx, o);
}
