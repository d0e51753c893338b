/* Slack twin: a store written before messages carried the "history" index
 * entry is re-indexed when the twin starts (on_start). */
#include "testutil.h"

#include <string.h>

#include "twins/slack/slack.h"
#include "util/util.h"

typedef struct slack_fixture {
    store *st;
    arena *a;
    twin_ctx ctx;
} slack_fixture;

static void fixture_init(slack_fixture *f)
{
    memset(f, 0, sizeof *f);
    char *err = NULL;
    f->st = store_open_memory(&err);
    assert_non_null(f->st);
    f->a = arena_new(0);
    f->ctx = (twin_ctx){.a = f->a, .store = f->st, .run_id = "run1", .twin = "slack", .def = twin_find("slack"),
                        .seeding = true, .config = json_object(f->a)};
    assert_non_null(f->ctx.def);
}

static void fixture_free(slack_fixture *f)
{
    arena_free(f->a);
    store_close(f->st);
}

/* The ts of the messages conversations.history lists for channel, newest first. */
static size_t history_ts(slack_fixture *f, const char *channel, const char **out, size_t max)
{
    store_list_opts o = {.newest_first = true, .index_name = "history", .index_value = channel};
    twin_list l = {0};
    assert_int_equal(twin_doc_list(&f->ctx, "messages", &o, &l), 0);
    for (size_t i = 0; i < l.n && i < max; i++) out[i] = json_get_str(l.items[i], "ts");
    return l.n;
}

/* Rewrites every message the way an older build stored it: index entries
 * "channel" and "thread" only, and no re-index marker. */
static void make_store_old(slack_fixture *f)
{
    json_value **all;
    size_t n = slack_all(&f->ctx, "messages", NULL, NULL, &all);
    store_key k = {.run = "run1", .twin = "slack", .collection = "messages"};
    for (size_t i = 0; i < n; i++) {
        const char *ch = json_get_str(all[i], "_ch"), *ts = json_get_str(all[i], "ts");
        const char *thread = json_get_str(all[i], "thread_ts");
        store_index idx[2] = {{"channel", ch}, {"thread", arena_printf(f->a, "%s:%s", ch, thread ? thread : ts)}};
        size_t len = 0;
        char *text = json_to_string(f->a, all[i], &len);
        assert_int_equal(store_put(f->st, &k, slack_message_id(&f->ctx, ch, ts), text, len, idx, 2), 0);
    }
    assert_int_equal(twin_doc_delete(&f->ctx, "_settings", "message_index"), 0);
}

static void on_start_reindexes_messages_of_an_older_store(void **state)
{
    slack_fixture f;
    fixture_init(&f);
    slack_ensure_workspace(&f.ctx);
    const char *ch = "CTWINGEN001";
    json_value *one = slack_message_post(&f.ctx, ch, SLACK_BOT_USER, true, "one", NULL, NULL);
    slack_message_post(&f.ctx, ch, SLACK_HUMAN_USER, false, "reply", json_get_str(one, "ts"), NULL);
    json_value *two = slack_message_post(&f.ctx, ch, SLACK_BOT_USER, true, "two", NULL, NULL);
    const char *ts[4];
    assert_int_equal(history_ts(&f, ch, ts, 4), 2);

    make_store_old(&f);
    assert_int_equal(history_ts(&f, ch, ts, 4), 0);   /* what an older store shows */

    slack_ensure_workspace(&f.ctx);   /* restore, reset or config change */
    assert_false(f.ctx.store_failed);
    assert_int_equal(history_ts(&f, ch, ts, 4), 2);
    assert_string_equal(ts[0], json_get_str(two, "ts"));   /* order kept: newest first */
    assert_string_equal(ts[1], json_get_str(one, "ts"));
    /* The thread entry survives too: the reply is still found by its thread. */
    assert_int_equal(twin_doc_count(&f.ctx, "messages", "thread",
                                    arena_printf(f.a, "%s:%s", ch, json_get_str(one, "ts"))), 2);
    fixture_free(&f);
}

static void reindex_runs_once_per_state(void **state)
{
    slack_fixture f;
    fixture_init(&f);
    slack_ensure_workspace(&f.ctx);
    assert_non_null(twin_doc_get(&f.ctx, "_settings", "message_index"));
    slack_message_post(&f.ctx, "CTWINGEN001", SLACK_BOT_USER, true, "one", NULL, NULL);
    make_store_old(&f);
    /* With the marker back, a start leaves the messages as they are. */
    json_value *mark = json_object(f.a);
    json_set_int(f.a, mark, "version", 1);
    assert_int_equal(twin_doc_put(&f.ctx, "_settings", "message_index", mark, NULL, 0), 0);
    slack_ensure_workspace(&f.ctx);
    const char *ts[2];
    assert_int_equal(history_ts(&f, "CTWINGEN001", ts, 2), 0);
    fixture_free(&f);
}

/* Events API signatures: v0=<hex HMAC-SHA256(secret, "v0:<t>:<body>")>, the
 * timestamp in its own header.  Expected digests from Python's hmac module. */
static void webhook_signature_is_slacks_v0(void **state)
{
    arena *a = arena_new(0);
    const char *body = "token=xyz&team_id=T1&text=hi";
    const char **lines = slack_webhook_sign(a, "8f742231b10e8888abcd99yyyzzz85a5", body, strlen(body), 1531420618);
    assert_string_equal(lines[0], "X-Slack-Request-Timestamp: 1531420618");
    assert_string_equal(lines[1],
                        "X-Slack-Signature: v0=a18534929256988d8478aa1cf1d284073f9ebdbc7c0af65d83e340bac7f765a5");
    assert_null(lines[2]);
    /* Only len bytes of the payload are signed; an empty one still signs the prefix. */
    lines = slack_webhook_sign(a, NULL, "ignored", 0, 0);
    assert_string_equal(lines[1],
                        "X-Slack-Signature: v0=05d07c4bf47bd5859ab994f77c2493a1d715dd26ac0a43114e18411257ef4083");
    arena_free(a);
}

/* The env var and the signer's secret are one value, stable for a run. */
static void signing_secret_is_the_runs_env_var(void **state)
{
    arena *a = arena_new(0);
    json_value *cfg = json_object(a);
    const char *s1 = slack_signing_secret(a, "run1", cfg);
    assert_int_equal(strlen(s1), 32);
    assert_string_equal(s1, slack_signing_secret(a, "run1", cfg));
    assert_string_not_equal(s1, slack_signing_secret(a, "run2", cfg));
    twin_env e = {.run_id = "run1", .base_url = "http://127.0.0.1:1", .config = cfg};
    json_value *env = json_object(a);
    twin_find("slack")->env_vars(&e, a, env);
    assert_string_equal(json_get_str(env, "SLACK_SIGNING_SECRET"), s1);
    json_set_str(a, cfg, "signing_secret", "configured");
    assert_string_equal(slack_signing_secret(a, "run1", cfg), "configured");
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(on_start_reindexes_messages_of_an_older_store),
        cmocka_unit_test(reindex_runs_once_per_state),
        cmocka_unit_test(webhook_signature_is_slacks_v0),
        cmocka_unit_test(signing_secret_is_the_runs_env_var),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
