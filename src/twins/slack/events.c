/* Slack twin: Events API deliveries to the app's Request URL.
 *
 * Config (POST <admin>/admin/config):
 *   events_request_url   where event_callback payloads are POSTed
 *   event_subscriptions  event types (JSON array or comma string; default
 *                        SLACK_DEFAULT_EVENTS); "message" takes every
 *                        message, "message.channels" / ".groups" / ".im" /
 *                        ".mpim" one kind of conversation, "*" everything
 *   signing_secret       overrides the run's SLACK_SIGNING_SECRET
 *
 * Setting a Request URL sends Slack's url_verification handshake (one
 * attempt, through the webhook engine, so it shows in the delivery log).
 * The engine cannot hold the admin call until the app answers, so the config
 * is saved at once; if the app does not echo the challenge, the handshake's
 * delivery ends "failed" and no events go to that URL, as Slack would not
 * have saved it.  Events queued while the handshake is still in flight are
 * delivered.
 *
 * An app has 3 seconds to answer.  A failed delivery is retried three
 * times on Slack's schedule (nearly immediately, then after 1 minute, then
 * after 5 minutes), each retry with X-Slack-Retry-Num and
 * X-Slack-Retry-Reason as Slack sends them, unless the failed answer carried
 * X-Slack-No-Retry: 1.  Config events_retry_time_scale (0 < x <= 1, for
 * tests) shrinks the schedule: 0.01 waits 0.6 s and 3 s.
 *
 * Events are queued inside the request that causes them: when the request
 * fails ({"ok": false}) the engine rolls its deliveries back with the rest of
 * its writes.  Seeding emits nothing. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "engine/env.h"
#include "engine/webhooks.h"
#include "twins/slack/slack.h"
#include "util/util.h"

#define EVENTS_STATE "_events"          /* the Request URL's handshake */
#define REQUEST_URL_DOC "request_url"
#define SLACK_USER_AGENT "Slackbot 1.0 (+https://api.slack.com/robots)"
#define EVENT_ID_CHARS 10
#define CHALLENGE_CHARS 48
#define SLACK_DELIVERY_ATTEMPTS 4       /* the first and Slack's three retries */
#define SLACK_ANSWER_TIMEOUT_MS 3000L   /* Slack's wait for an app's answer */

/* Slack's waits before its three retries. */
static const uint64_t slack_retry_delays_ms[SLACK_DELIVERY_ATTEMPTS - 1] = {0, 60 * 1000, 5 * 60 * 1000};

const char *slack_signing_secret(arena *a, const char *run_id, const json_value *config)
{
    twin_env e = {.run_id = run_id, .config = config};
    return env_config_str(&e, "signing_secret", env_token(&e, a, "slack-signing", "", 32));
}

/* The deprecated verification token every payload still carries. */
const char *slack_verification_token(arena *a, const char *run_id, const json_value *config)
{
    twin_env e = {.run_id = run_id, .config = config};
    return env_config_str(&e, "verification_token", env_token(&e, a, "slack-verification", "", 24));
}

/* X-Slack-Signature: v0=<hex HMAC-SHA256(secret, "v0:<t>:<body>")>, with the
 * timestamp it signs in X-Slack-Request-Timestamp. */
const char **slack_webhook_sign(arena *a, const char *secret, const char *payload, size_t len, int64_t t)
{
    char prefix[32];
    int pn = snprintf(prefix, sizeof prefix, "v0:%lld:", (long long)t);
    const char *hex = hmac_sha256_hex(a, secret, (byte_span[]){{prefix, (size_t)pn}, {payload, len}}, 2);
    const char **lines = arena_alloc(a, 3 * sizeof *lines);
    lines[0] = arena_printf(a, "X-Slack-Request-Timestamp: %lld", (long long)t);
    lines[1] = arena_printf(a, "X-Slack-Signature: v0=%s", hex);
    lines[2] = NULL;
    return lines;
}

static const char *request_url(twin_ctx *ctx)
{
    const char *url = json_get_str(ctx->config, "events_request_url");
    return url && *url ? url : NULL;
}

/* ---- the url_verification handshake ---- */

static const char *upper_token(arena *a, const char *prefix, size_t n)
{
    char *tok = arena_alloc(a, n + 1);
    random_token(tok, n);
    for (char *p = tok; *p; p++) *p = (char)toupper((unsigned char)*p);
    return arena_printf(a, "%s%s", prefix, tok);
}

static const char *send_verification(twin_ctx *ctx, const char *url)
{
    arena *a = ctx->a;
    char challenge[CHALLENGE_CHARS + 1];
    random_token(challenge, CHALLENGE_CHARS);
    json_value *body = json_object(a);
    json_set_str(a, body, "token", slack_verification_token(a, ctx->run_id, ctx->config));
    json_set_str(a, body, "challenge", challenge);
    json_set_str(a, body, "type", "url_verification");
    webhook_send w = {.url = url, .secret = slack_signing_secret(a, ctx->run_id, ctx->config),
                      .event_type = "url_verification", .endpoint_id = "request_url",
                      .user_agent = SLACK_USER_AGENT, .expect_in_body = challenge, .max_attempts = 1,
                      .timeout_ms = SLACK_ANSWER_TIMEOUT_MS};
    w.payload = json_to_string(a, body, &w.len);
    return webhooks_send(ctx, &w);
}

/* on_start (the config changed, or the state started over): a Request URL
 * not verified yet gets its handshake. */
void slack_events_start(twin_ctx *ctx)
{
    const char *url = request_url(ctx);
    json_value *state = twin_doc_get(ctx, EVENTS_STATE, REQUEST_URL_DOC);
    if (!url) {
        if (state) twin_doc_delete(ctx, EVENTS_STATE, REQUEST_URL_DOC);
        return;
    }
    if (state && str_eq(json_get_str(state, "url"), url)) return;
    const char *delivery = send_verification(ctx, url);
    state = json_object(ctx->a);
    json_set_str(ctx->a, state, "url", url);
    json_set_str(ctx->a, state, "verification", delivery);
    twin_doc_put(ctx, EVENTS_STATE, REQUEST_URL_DOC, state, NULL, 0);
}

/* False once the URL's handshake failed: Slack would not have saved it. */
static bool url_accepted(twin_ctx *ctx, const char *url)
{
    json_value *state = twin_doc_get(ctx, EVENTS_STATE, REQUEST_URL_DOC);
    if (!state || !str_eq(json_get_str(state, "url"), url)) return true;
    const char *id = json_get_str(state, "verification");
    json_value *delivery = id ? twin_doc_get(ctx, "_deliveries", id) : NULL;
    return !str_eq(json_get_str(delivery, "status"), "failed");
}

/* ---- subscriptions ---- */

/* "channels", "groups", "im", "mpim": the message.* subscription of c. */
static const char *conversation_kind(const json_value *c)
{
    if (json_truthy(json_get(c, "is_im"))) return "im";
    if (json_truthy(json_get(c, "is_mpim"))) return "mpim";
    if (json_truthy(json_get(c, "is_private"))) return "groups";
    return "channels";
}

static bool subscribed(twin_ctx *ctx, const scope_set *subs, const char *type, const json_value *c)
{
    if (scopes_has(subs, "*") || scopes_has(subs, type)) return true;
    return str_eq(type, "message") && c &&
           scopes_has(subs, arena_printf(ctx->a, "message.%s", conversation_kind(c)));
}

/* Events of a conversation reach the app when it is in it: its bot user, or
 * the user who installed it (the twin's user token). */
static bool app_in(const json_value *c)
{
    return slack_is_member(c, SLACK_BOT_USER) || slack_is_member(c, SLACK_HUMAN_USER);
}

/* "channel", "group", "im", "mpim": the channel_type of message events. */
const char *slack_channel_type(const json_value *c)
{
    if (json_truthy(json_get(c, "is_im"))) return "im";
    if (json_truthy(json_get(c, "is_mpim"))) return "mpim";
    return json_truthy(json_get(c, "is_private")) ? "group" : "channel";
}

/* ---- the envelope ---- */

/* The run's time with microseconds, in Slack's ts format. */
const char *slack_event_ts(twin_ctx *ctx)
{
    int64_t us = twin_now_ms(ctx) * 1000;
    return arena_printf(ctx->a, "%lld.%06lld", (long long)(us / 1000000), (long long)(us % 1000000));
}

static json_value *authorizations(arena *a)
{
    json_value *list = json_array(a), *auth = json_object(a);
    json_set_null(a, auth, "enterprise_id");
    json_set_str(a, auth, "team_id", SLACK_TEAM_ID);
    json_set_str(a, auth, "user_id", SLACK_BOT_USER);
    json_set_bool(a, auth, "is_bot", true);
    json_set_bool(a, auth, "is_enterprise_install", false);
    json_push(list, auth);
    return list;
}

static json_value *envelope(twin_ctx *ctx, const char *verification_token, json_value *event, const char *event_id)
{
    arena *a = ctx->a;
    json_value *env = json_object(a);
    json_set_str(a, env, "token", verification_token);
    json_set_str(a, env, "team_id", SLACK_TEAM_ID);
    json_set_str(a, env, "context_team_id", SLACK_TEAM_ID);
    json_set_null(a, env, "context_enterprise_id");
    json_set_str(a, env, "api_app_id", SLACK_APP_ID);
    json_set(a, env, "event", event);
    json_set_str(a, env, "type", "event_callback");
    json_set_str(a, env, "event_id", event_id);
    json_set_int(a, env, "event_time", twin_now(ctx));
    json_set(a, env, "authorizations", authorizations(a));
    /* Deprecated in favour of authorizations, still sent with one entry. */
    json_value *authed = json_array(a);
    json_push(authed, json_string(a, SLACK_BOT_USER));
    json_set(a, env, "authed_users", authed);
    json_set_bool(a, env, "is_ext_shared_channel", false);
    json_set_str(a, env, "event_context", upper_token(a, "4-", 40));
    return env;
}

/* Slack's retry schedule, shrunk by config events_retry_time_scale (tests
 * cannot wait minutes; values outside (0, 1] keep Slack's). */
static void retry_schedule(twin_ctx *ctx, uint64_t out[SLACK_DELIVERY_ATTEMPTS - 1])
{
    double scale = 1;
    if (!json_double(json_get(ctx->config, "events_retry_time_scale"), &scale) || !(scale > 0 && scale <= 1))
        scale = 1;
    for (size_t i = 0; i < SLACK_DELIVERY_ATTEMPTS - 1; i++)
        out[i] = (uint64_t)((double)slack_retry_delays_ms[i] * scale);
}

/* What every event of a request shares: derived on its first event and kept
 * with the caller (slack_principal.delivery) for the others. */
typedef struct slack_delivery {
    const char *url;            /* NULL: nothing goes out (no Request URL, or its handshake failed) */
    scope_set *subscriptions;
    const char *secret;
    const char *verification_token;
    uint64_t retry_delays[SLACK_DELIVERY_ATTEMPTS - 1];
} slack_delivery;

static const slack_delivery *delivery_settings(twin_ctx *ctx)
{
    slack_principal *me = slack_me(ctx);
    if (me && me->delivery) return me->delivery;
    arena *a = ctx->a;
    slack_delivery *d = arena_zalloc(a, sizeof *d);
    const char *url = request_url(ctx);
    if (url && url_accepted(ctx, url)) {
        d->url = url;
        d->subscriptions = slack_config_scopes(ctx, "event_subscriptions", SLACK_DEFAULT_EVENTS);
        d->secret = slack_signing_secret(a, ctx->run_id, ctx->config);
        d->verification_token = slack_verification_token(a, ctx->run_id, ctx->config);
        retry_schedule(ctx, d->retry_delays);
    }
    if (me) me->delivery = d;
    return d;
}

void slack_emit(twin_ctx *ctx, const json_value *c, json_value *event)
{
    /* Seeded state is the workspace as it was, not activity. */
    if (ctx->seeding || !request_url(ctx)) return;
    const slack_delivery *d = delivery_settings(ctx);
    const char *type = json_get_str(event, "type");
    if (!d->url || !type || !subscribed(ctx, d->subscriptions, type, c)) return;
    if (c && !app_in(c)) return;
    arena *a = ctx->a;
    if (!json_get(event, "event_ts")) json_set_str(a, event, "event_ts", slack_event_ts(ctx));
    const char *event_id = upper_token(a, "Ev", EVENT_ID_CHARS);
    webhook_send w = {.url = d->url, .secret = d->secret, .event_id = event_id, .event_type = type,
                      .endpoint_id = "request_url", .user_agent = SLACK_USER_AGENT,
                      .max_attempts = SLACK_DELIVERY_ATTEMPTS, .retry_num_header = "X-Slack-Retry-Num",
                      .retry_reason_header = "X-Slack-Retry-Reason", .no_retry_header = "X-Slack-No-Retry",
                      .timeout_ms = SLACK_ANSWER_TIMEOUT_MS, .retry_delays_ms = d->retry_delays,
                      .n_retry_delays = SLACK_DELIVERY_ATTEMPTS - 1};
    w.payload = json_to_string(a, envelope(ctx, d->verification_token, event, event_id), &w.len);
    webhooks_send(ctx, &w);
}

/* ---- events of messages ---- */

static json_value *message_event(twin_ctx *ctx, const json_value *c, const json_value *m)
{
    json_value *e = slack_message_render(ctx, m);
    json_set_str(ctx->a, e, "channel", json_get_str(c, "id"));
    json_set_str(ctx->a, e, "event_ts", json_get_str(m, "ts"));
    json_set_str(ctx->a, e, "channel_type", slack_channel_type(c));
    return e;
}

static bool mentions_app(const json_value *m)
{
    const char *text = json_get_str(m, "text");
    return text && strstr(text, "<@" SLACK_BOT_USER) != NULL;
}

void slack_emit_message(twin_ctx *ctx, const json_value *c, const json_value *m)
{
    if (ctx->seeding || !request_url(ctx) || !c) return;
    slack_emit(ctx, c, message_event(ctx, c, m));
    /* The app's own messages do not mention it to itself; it must be in
     * the conversation to hear of it. */
    if (!mentions_app(m) || str_eq(json_get_str(m, "user"), SLACK_BOT_USER) || !slack_is_member(c, SLACK_BOT_USER))
        return;
    json_value *e = message_event(ctx, c, m);
    json_set_str(ctx->a, e, "type", "app_mention");
    json_remove(e, "channel_type");
    slack_emit(ctx, c, e);
}

void slack_emit_message_in(twin_ctx *ctx, const char *channel, const json_value *m)
{
    if (ctx->seeding || !request_url(ctx)) return;
    slack_emit_message(ctx, slack_channel_get(ctx, channel), m);
}

/* The head Slack gives message_changed and message_deleted: hidden
 * "message" events of a subtype, in a channel, at ts. */
static json_value *hidden_message_event(twin_ctx *ctx, const json_value *c, const char *subtype, const char *ts)
{
    arena *a = ctx->a;
    json_value *e = json_object(a);
    json_set_str(a, e, "type", "message");
    json_set_str(a, e, "subtype", subtype);
    json_set_bool(a, e, "hidden", true);
    json_set_str(a, e, "channel", json_get_str(c, "id"));
    json_set_str(a, e, "channel_type", slack_channel_type(c));
    json_set_str(a, e, "ts", ts);
    return e;
}

void slack_emit_message_changed(twin_ctx *ctx, const json_value *c, const json_value *before, const json_value *after)
{
    if (ctx->seeding || !request_url(ctx)) return;
    arena *a = ctx->a;
    const char *ts = json_get_str(json_get(after, "edited"), "ts");
    if (!ts) ts = slack_event_ts(ctx);
    json_value *e = hidden_message_event(ctx, c, "message_changed", ts);
    json_set_str(a, e, "event_ts", ts);
    json_set(a, e, "message", slack_message_render(ctx, after));
    json_set(a, e, "previous_message", slack_message_render(ctx, before));
    slack_emit(ctx, c, e);
}

void slack_emit_message_deleted(twin_ctx *ctx, const json_value *c, const json_value *m)
{
    if (ctx->seeding || !request_url(ctx)) return;
    arena *a = ctx->a;
    const char *ts = slack_event_ts(ctx);
    json_value *e = hidden_message_event(ctx, c, "message_deleted", ts);
    json_set_str(a, e, "deleted_ts", json_get_str(m, "ts"));
    json_set_str(a, e, "event_ts", ts);
    json_set(a, e, "previous_message", slack_message_render(ctx, m));
    slack_emit(ctx, c, e);
}

void slack_emit_reaction(twin_ctx *ctx, const char *type, const json_value *c, const json_value *m,
                         const char *user, const char *reaction)
{
    if (ctx->seeding || !request_url(ctx)) return;
    arena *a = ctx->a;
    json_value *e = json_object(a), *item = json_object(a);
    json_set_str(a, e, "type", type);
    json_set_str(a, e, "user", user);
    json_set_str(a, e, "reaction", reaction);
    json_set_str(a, e, "item_user", json_get_str(m, "user"));
    json_set_str(a, item, "type", "message");
    json_set_str(a, item, "channel", json_get_str(c, "id"));
    json_set_str(a, item, "ts", json_get_str(m, "ts"));
    json_set(a, e, "item", item);
    slack_emit(ctx, c, e);
}

void slack_emit_pin(twin_ctx *ctx, const char *type, const json_value *c, const json_value *m, const json_value *pin)
{
    if (ctx->seeding || !request_url(ctx)) return;
    arena *a = ctx->a;
    const char *chan = json_get_str(c, "id"), *by = json_get_str(pin, "created_by");
    int64_t pin_count = slack_pin_count(ctx, chan);
    json_value *e = json_object(a), *item = json_object(a), *info = json_object(a);
    json_set_str(a, e, "type", type);
    json_set_str(a, e, "user", slack_me(ctx)->user_id);
    json_set_str(a, e, "channel_id", chan);
    json_set_str(a, item, "type", "message");
    json_set(a, item, "created", json_clone(a, json_get(pin, "created")));
    json_set_str(a, item, "created_by", by);
    json_set_str(a, item, "channel", chan);
    json_value *msg = slack_message_render(ctx, m);
    json_set_str(a, msg, "permalink", slack_permalink(ctx, chan, m));
    json_set(a, item, "message", msg);
    json_set(a, e, "item", item);
    json_set_str(a, e, "item_user", json_get_str(m, "user"));
    json_set_str(a, e, "pin_count", arena_printf(a, "%lld", (long long)pin_count));
    json_set_str(a, info, "channel", chan);
    json_set_str(a, info, "pinned_by", by);
    json_set(a, info, "pinned_ts", json_clone(a, json_get(pin, "created")));
    json_set(a, e, "pinned_info", info);
    if (str_eq(type, "pin_removed")) json_set_bool(a, e, "has_pins", pin_count > 0);
    slack_emit(ctx, c, e);
}

void slack_emit_file_shared(twin_ctx *ctx, const json_value *c, const char *file_id, const char *user)
{
    if (ctx->seeding || !request_url(ctx)) return;
    arena *a = ctx->a;
    json_value *e = json_object(a), *file = json_object(a);
    json_set_str(a, e, "type", "file_shared");
    json_set_str(a, e, "file_id", file_id);
    json_set_str(a, e, "user_id", user);
    json_set_str(a, file, "id", file_id);
    json_set(a, e, "file", file);
    json_set_str(a, e, "channel_id", json_get_str(c, "id"));
    slack_emit(ctx, c, e);
}

/* ---- events of conversations ---- */

/* Public channels' events reach every app with channels:read; private
 * ones (group_*) only the apps in them. */
static const json_value *audience(const json_value *c)
{
    return json_truthy(json_get(c, "is_private")) ? c : NULL;
}

static const char *channel_or_group(twin_ctx *ctx, const json_value *c, const char *what)
{
    return arena_printf(ctx->a, "%s_%s", json_truthy(json_get(c, "is_private")) ? "group" : "channel", what);
}

static json_value *channel_brief(twin_ctx *ctx, const json_value *c, const char *const *keys)
{
    json_value *out = json_object(ctx->a);
    for (size_t i = 0; keys[i]; i++) {
        const json_value *v = json_get(c, keys[i]);
        if (v) json_set(ctx->a, out, keys[i], json_clone(ctx->a, v));
    }
    return out;
}

void slack_emit_channel_created(twin_ctx *ctx, const json_value *c)
{
    /* Slack announces new public channels only. */
    if (ctx->seeding || !request_url(ctx) || json_truthy(json_get(c, "is_private"))) return;
    static const char *const keys[] = {"id", "is_channel", "name", "name_normalized", "created", "creator",
                                       "is_shared", "is_org_shared", "context_team_id", "is_archived", "is_frozen",
                                       "is_general", "is_group", "is_private", "is_ext_shared", "is_im", "is_mpim",
                                       "is_pending_ext_shared", NULL};
    json_value *e = json_object(ctx->a);
    json_set_str(ctx->a, e, "type", "channel_created");
    json_value *brief = channel_brief(ctx, c, keys);
    json_set_bool(ctx->a, brief, "is_frozen", false);
    json_set(ctx->a, e, "channel", brief);
    slack_emit(ctx, NULL, e);
}

void slack_emit_channel_rename(twin_ctx *ctx, const json_value *c)
{
    if (ctx->seeding || !request_url(ctx)) return;
    static const char *const keys[] = {"id", "name", "name_normalized", "created", "is_channel", "is_mpim", NULL};
    json_value *e = json_object(ctx->a);
    json_set_str(ctx->a, e, "type", channel_or_group(ctx, c, "rename"));
    json_set(ctx->a, e, "channel", channel_brief(ctx, c, keys));
    slack_emit(ctx, audience(c), e);
}

/* channel_archive / channel_unarchive (group_* for private channels). */
void slack_emit_channel_state(twin_ctx *ctx, const json_value *c, const char *what)
{
    if (ctx->seeding || !request_url(ctx)) return;
    json_value *e = json_object(ctx->a);
    json_set_str(ctx->a, e, "type", channel_or_group(ctx, c, what));
    json_set_str(ctx->a, e, "channel", json_get_str(c, "id"));
    json_set_str(ctx->a, e, "user", slack_me(ctx)->user_id);
    slack_emit(ctx, audience(c), e);
}

/* member_joined_channel (inviter set when invited) / member_left_channel. */
void slack_emit_member(twin_ctx *ctx, const char *type, const json_value *c, const char *user, const char *inviter)
{
    if (ctx->seeding || !request_url(ctx)) return;
    arena *a = ctx->a;
    json_value *e = json_object(a);
    json_set_str(a, e, "type", type);
    json_set_str(a, e, "user", user);
    json_set_str(a, e, "channel", json_get_str(c, "id"));
    json_set_str(a, e, "channel_type", json_truthy(json_get(c, "is_private")) ? "G" : "C");
    json_set_str(a, e, "team", SLACK_TEAM_ID);
    if (inviter) json_set_str(a, e, "inviter", inviter);
    slack_emit(ctx, c, e);
}

/* channel_left / group_left, to the app whose user (its bot, or the user who
 * installed it) left or was removed by actor.  Sent with no membership check:
 * the leaver is no longer in the conversation. */
void slack_emit_channel_left(twin_ctx *ctx, const json_value *c, const char *leaver, const char *actor)
{
    if (ctx->seeding || !request_url(ctx)) return;
    if (!str_eq(leaver, SLACK_BOT_USER) && !str_eq(leaver, SLACK_HUMAN_USER)) return;
    json_value *e = json_object(ctx->a);
    json_set_str(ctx->a, e, "type", channel_or_group(ctx, c, "left"));
    json_set_str(ctx->a, e, "channel", json_get_str(c, "id"));
    json_set_str(ctx->a, e, "actor_id", actor);
    slack_emit(ctx, NULL, e);
}

/* im_created: a new DM the app is in.  "user" is the app's member of it,
 * channel.user the other side (the same user in a DM with oneself). */
void slack_emit_im_created(twin_ctx *ctx, const json_value *c)
{
    if (ctx->seeding || !request_url(ctx) || !json_truthy(json_get(c, "is_im"))) return;
    arena *a = ctx->a;
    const char *mine = slack_is_member(c, SLACK_BOT_USER) ? SLACK_BOT_USER : SLACK_HUMAN_USER, *other = mine;
    json_foreach(m, json_get(c, "members")) if (json_str(m) && !str_eq(m->str, mine)) other = m->str;
    json_value *e = json_object(a), *chan = json_object(a);
    json_set_str(a, e, "type", "im_created");
    json_set_str(a, e, "user", mine);
    json_set_str(a, chan, "id", json_get_str(c, "id"));
    json_set_bool(a, chan, "is_im", true);
    json_set_str(a, chan, "user", other);
    json_set(a, chan, "created", json_clone(a, json_get(c, "created")));
    json_set_bool(a, chan, "is_org_shared", false);
    json_set(a, e, "channel", chan);
    slack_emit(ctx, c, e);
}

/* A user as events carry it: the stored user without the twin's own keys. */
static json_value *public_user(twin_ctx *ctx, const json_value *u)
{
    json_value *out = json_object(ctx->a);
    json_foreach(m, u) if (m->key_len && m->key[0] != '_') json_set(ctx->a, out, m->key, json_clone(ctx->a, m));
    return out;
}

/* user_change, with user_profile_changed (Slack sends both at once) and
 * user_status_changed when the status moved too. */
void slack_emit_user_change(twin_ctx *ctx, const json_value *u, bool status_changed)
{
    if (ctx->seeding || !request_url(ctx)) return;
    static const char *const types[] = {"user_change", "user_profile_changed", "user_status_changed"};
    const char *event_ts = slack_event_ts(ctx);
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        if (i == 2 && !status_changed) break;
        json_value *e = json_object(ctx->a);
        json_set_str(ctx->a, e, "type", types[i]);
        json_set(ctx->a, e, "user", public_user(ctx, u));
        json_set_int(ctx->a, e, "cache_ts", twin_now(ctx));
        json_set_str(ctx->a, e, "event_ts", event_ts);
        slack_emit(ctx, NULL, e);
    }
}

/* The conversations a file was shared to. */
static json_value *file_channel_ids(twin_ctx *ctx, const json_value *f)
{
    static const char *const lists[] = {"channels", "groups", "ims", NULL};
    json_value *ids = json_array(ctx->a);
    for (size_t i = 0; lists[i]; i++)
        json_foreach(id, json_get(f, lists[i])) if (json_str(id)) json_push(ids, json_string(ctx->a, id->str));
    return ids;
}

/* A file reaches the app when its user uploaded it or it was shared to a
 * conversation the app is in. */
static bool app_sees_file(twin_ctx *ctx, const json_value *f, const json_value *ids)
{
    const char *owner = json_get_str(f, "user");
    if (str_eq(owner, SLACK_BOT_USER) || str_eq(owner, SLACK_HUMAN_USER)) return true;
    json_foreach(id, ids) {
        const json_value *c = slack_channel_get(ctx, id->str);
        if (c && app_in(c)) return true;
    }
    return false;
}

/* file_created, once files.completeUploadExternal stored the file. */
void slack_emit_file_created(twin_ctx *ctx, const json_value *f)
{
    if (ctx->seeding || !request_url(ctx) || !app_sees_file(ctx, f, file_channel_ids(ctx, f))) return;
    arena *a = ctx->a;
    const char *id = json_get_str(f, "id");
    json_value *e = json_object(a), *file = json_object(a);
    json_set_str(a, e, "type", "file_created");
    json_set_str(a, e, "file_id", id);
    json_set_str(a, e, "user_id", json_get_str(f, "user"));
    json_set_str(a, file, "id", id);
    json_set(a, e, "file", file);
    slack_emit(ctx, NULL, e);
}

/* file_deleted: the id only (the file is gone), and where it was shared. */
void slack_emit_file_deleted(twin_ctx *ctx, const json_value *f)
{
    if (ctx->seeding || !request_url(ctx)) return;
    json_value *ids = file_channel_ids(ctx, f);
    if (!app_sees_file(ctx, f, ids)) return;
    json_value *e = json_object(ctx->a);
    json_set_str(ctx->a, e, "type", "file_deleted");
    json_set_str(ctx->a, e, "file_id", json_get_str(f, "id"));
    if (ids->len) json_set(ctx->a, e, "channel_ids", ids);
    slack_emit(ctx, NULL, e);
}
