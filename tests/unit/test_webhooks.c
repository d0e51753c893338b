/* Webhook engine tests: real deliveries over loopback to the project's own
 * HTTP server, on one libuv loop, with a store in memory. */
#include "testutil.h"

#include "jansson_compat.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/webhooks.h"
#include "util/util.h"

#define RUN "run_wh"
#define TWIN "testtwin"
#define SECRET "whsec_test"
#define WAIT_CAP_MS 8000

/* ---- receiver: answers scripted statuses, remembers the last request ---- */

typedef struct receiver {
    int statuses[8];            /* answer i uses statuses[min(i, n-1)] */
    int n_statuses;
    const char *answer_header;  /* "Name" of a header every answer carries with value "1", or NULL */
    int hits;
    int64_t hit_ms[8];          /* when the first 8 requests arrived */
    char sig[256], ua[128], ctype[128], extra[128], retry_num[32], retry_reason[64];
    char body[2048];
    size_t body_len;
} receiver;

static void copy_header(const http_request *req, const char *name, char *out, size_t n)
{
    const char *v = http_header_get(req, name);
    snprintf(out, n, "%s", v ? v : "");
}

static void on_receive(http_request *req)
{
    receiver *rx = req->listener_data;
    int i = rx->hits < rx->n_statuses ? rx->hits : rx->n_statuses - 1;
    if (rx->hits < 8) rx->hit_ms[rx->hits] = now_ms();
    rx->hits++;
    copy_header(req, "X-Test-Signature", rx->sig, sizeof rx->sig);
    copy_header(req, "User-Agent", rx->ua, sizeof rx->ua);
    copy_header(req, "Content-Type", rx->ctype, sizeof rx->ctype);
    copy_header(req, "X-Extra", rx->extra, sizeof rx->extra);
    copy_header(req, "X-Retry-Num", rx->retry_num, sizeof rx->retry_num);
    copy_header(req, "X-Retry-Reason", rx->retry_reason, sizeof rx->retry_reason);
    rx->body_len = req->body_len < sizeof rx->body - 1 ? req->body_len : sizeof rx->body - 1;
    memcpy(rx->body, req->body, rx->body_len);
    rx->body[rx->body_len] = '\0';
    if (rx->answer_header) http_add_header(req, rx->answer_header, "1");
    http_send_body(req, rx->statuses[i], "text/plain", "ok", 2);
}

static void set_script(receiver *rx, int n, const int *statuses)
{
    rx->n_statuses = n;
    for (int i = 0; i < n; i++) rx->statuses[i] = statuses[i];
}

/* ---- the fake twin's signing scheme ---- */

static void hmac_hex(const char *secret, const char *data, size_t n, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)data, n, md, &md_len);
    for (unsigned i = 0; i < md_len; i++) sprintf(out + 2 * i, "%02x", md[i]);
}

/* "X-Test-Signature: t=<t>,v1=<hex hmac-sha256 of "t.payload">" */
static const char **test_sign(arena *a, const char *secret, const char *payload, size_t len, int64_t t)
{
    char *signed_text = arena_printf(a, "%lld.%.*s", (long long)t, (int)len, payload);
    char hex[65];
    hmac_hex(secret, signed_text, strlen(signed_text), hex);
    const char **out = arena_zalloc(a, 2 * sizeof *out);
    out[0] = arena_printf(a, "X-Test-Signature: t=%lld,v1=%s", (long long)t, hex);
    return out;
}

/* Checks a received signature header against the received body. */
static bool signature_verifies(const char *header, const char *body, const char *secret)
{
    long long t = 0;
    char v1[65] = "";
    if (sscanf(header, "t=%lld,v1=%64[0-9a-f]", &t, v1) != 2) return false;
    char *text = NULL;
    if (asprintf(&text, "%lld.%s", t, body) < 0) return false;
    char want[65];
    hmac_hex(secret, text, strlen(text), want);
    free(text);
    long long now = now_ms() / 1000;
    return strcmp(want, v1) == 0 && t <= now && t > now - 60;
}

/* ---- fixture ---- */

typedef struct fixture {
    uv_loop_t loop;
    http_server *srv;
    int port;
    receiver rx;
    store *st;
    arena *a;
    twin_def def;
    twin_ctx ctx;
    char url[64];
    uv_timer_t guard;
} fixture;

static int setup(void **state)
{
    /* Loopback deliveries must not wander off to a proxy from the environment. */
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    unsetenv("all_proxy");
    unsetenv("ALL_PROXY");
    fixture *f = calloc(1, sizeof *f);
    assert_int_equal(uv_loop_init(&f->loop), 0);
    webhooks_init(&f->loop);
    webhooks_set_policy(10, 5);
    f->srv = http_server_new(&f->loop, NULL);
    const char *err = NULL;
    assert_non_null(http_listen(f->srv, "127.0.0.1", 0, on_receive, &f->rx, &f->port, &err));
    snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d/hook", f->port);
    set_script(&f->rx, 1, (int[]){200});
    char *serr = NULL;
    f->st = store_open_sqlite(NULL, &serr);
    assert_non_null(f->st);
    f->a = arena_new(0);
    f->def.name = TWIN;
    f->def.webhook_sign = test_sign;
    f->ctx.a = f->a;
    f->ctx.store = f->st;
    f->ctx.run_id = RUN;
    f->ctx.twin = TWIN;
    f->ctx.def = &f->def;
    uv_timer_init(&f->loop, &f->guard);
    *state = f;
    return 0;
}

static void on_server_down(void *data)
{
    *(bool *)data = true;
}

static void close_walk(uv_handle_t *h, void *arg)
{
    if (!uv_is_closing(h)) uv_close(h, NULL);
}

static int teardown(void **state)
{
    fixture *f = *state;
    webhooks_shutdown();
    assert_int_equal(webhooks_pending(), 0);
    bool down = false;
    http_server_shutdown(f->srv, on_server_down, &down);
    while (!down) uv_run(&f->loop, UV_RUN_ONCE);
    http_server_free(f->srv);
    uv_walk(&f->loop, close_walk, NULL);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&f->loop), 0);
    store_close(f->st);
    arena_free(f->a);
    free(f);
    return 0;
}

static void on_guard(uv_timer_t *t)
{
}

/* Runs the loop until cond holds (or no job is left when cond is NULL). */
static void run_until(fixture *f, bool (*cond)(fixture *))
{
    /* The guard wakes UV_RUN_ONCE up so the wall-clock cap is honoured. */
    uv_timer_start(&f->guard, on_guard, 20, 20);
    int64_t start = now_ms();
    while (cond ? !cond(f) : webhooks_pending() > 0) {
        assert_true(now_ms() - start < WAIT_CAP_MS);
        uv_run(&f->loop, UV_RUN_ONCE);
    }
    uv_timer_stop(&f->guard);
}

static void run_idle(fixture *f)
{
    run_until(f, NULL);
}

static const char *send_one(fixture *f, const char *url, const char *payload)
{
    static const char *const extra[] = {"X-Extra: yes", NULL};
    webhook_send s = {.url = url, .payload = payload, .len = strlen(payload), .secret = SECRET,
                      .event_id = "evt_1", .event_type = "thing.created", .endpoint_id = "we_1",
                      .extra_headers = extra};
    const char *id = webhooks_send(&f->ctx, &s);
    assert_non_null(id);
    assert_true(str_starts_with(id, "whd_"));
    return id;
}

static json_t *load_doc(fixture *f, const char *id)
{
    store_key k = {RUN, TWIN, "_deliveries"};
    size_t len = 0;
    char *text = store_get(f->st, f->a, &k, id, &len);
    assert_non_null(text);
    json_t *doc = json_loadb(text, len, 0, NULL);
    assert_non_null(doc);
    return doc;
}

static const char *doc_str(json_t *doc, const char *key)
{
    return json_string_value(json_object_get(doc, key));
}

static json_t *attempt_at(json_t *doc, size_t i)
{
    return json_array_get(json_object_get(doc, "attempts"), i);
}

static size_t n_attempts(json_t *doc)
{
    return json_array_size(json_object_get(doc, "attempts"));
}

static bool jnull(json_t *j)
{
    return j && json_typeof(j) == JANSSON_NULL;
}

static bool jint(json_t *j)
{
    return j && json_typeof(j) == JANSSON_INTEGER;
}

/* ---- tests ---- */

static void test_success_signed(void **state)
{
    fixture *f = *state;
    const char *payload = "{\"id\":\"evt_1\",\"type\":\"thing.created\"}";
    const char *id = send_one(f, f->url, payload);
    json_t *doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "pending");
    assert_int_equal(n_attempts(doc), 0);
    json_decref(doc);
    assert_int_equal(webhooks_pending(), 1);

    run_idle(f);
    assert_int_equal(f->rx.hits, 1);
    assert_string_equal(f->rx.body, payload);
    assert_true(signature_verifies(f->rx.sig, f->rx.body, SECRET));
    assert_string_equal(f->rx.ua, "twins-webhooks/0.1");
    assert_string_equal(f->rx.ctype, "application/json; charset=utf-8");
    assert_string_equal(f->rx.extra, "yes");

    doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "succeeded");
    assert_string_equal(doc_str(doc, "id"), id);
    assert_string_equal(doc_str(doc, "endpoint_id"), "we_1");
    assert_string_equal(doc_str(doc, "event_id"), "evt_1");
    assert_string_equal(doc_str(doc, "event_type"), "thing.created");
    assert_string_equal(doc_str(doc, "url"), f->url);
    assert_true(jnull(json_object_get(doc, "next_retry_at")));
    assert_true(parse_iso8601_ms(doc_str(doc, "created")) > 0);
    assert_int_equal(n_attempts(doc), 1);
    json_t *at = attempt_at(doc, 0);
    assert_int_equal(json_integer_value(json_object_get(at, "attempt")), 1);
    assert_int_equal(json_integer_value(json_object_get(at, "status_code")), 200);
    assert_true(jnull(json_object_get(at, "error")));
    assert_true(jint(json_object_get(at, "duration_ms")));
    assert_true(parse_iso8601_ms(json_string_value(json_object_get(at, "at"))) > 0);
    json_decref(doc);
}

static void test_custom_user_agent_and_unsigned(void **state)
{
    fixture *f = *state;
    f->def.webhook_sign = NULL;
    webhook_send s = {.url = f->url, .payload = "{}", .len = 2, .secret = SECRET,
                      .user_agent = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"};
    const char *id = webhooks_send(&f->ctx, &s);
    run_idle(f);
    assert_string_equal(f->rx.ua, "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
    assert_string_equal(f->rx.sig, "");
    json_t *doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "succeeded");
    assert_true(jnull(json_object_get(doc, "endpoint_id")));
    json_decref(doc);
}

/* A handshake (Slack's url_verification) succeeds only when the answer holds
 * the expected text; max_attempts bounds it, and a manual retry keeps the check. */
static void test_expected_answer_text(void **state)
{
    fixture *f = *state;
    webhook_send good = {.url = f->url, .payload = "{}", .len = 2, .expect_in_body = "ok"};
    const char *ok_id = webhooks_send(&f->ctx, &good);
    webhook_send bad = {.url = f->url, .payload = "{}", .len = 2, .expect_in_body = "the-challenge", .max_attempts = 1};
    const char *bad_id = webhooks_send(&f->ctx, &bad);
    run_idle(f);
    assert_int_equal(f->rx.hits, 2);
    json_t *doc = load_doc(f, ok_id);
    assert_string_equal(doc_str(doc, "status"), "succeeded");
    json_decref(doc);
    doc = load_doc(f, bad_id);
    assert_string_equal(doc_str(doc, "status"), "failed");
    assert_int_equal(n_attempts(doc), 1);
    assert_int_equal(json_integer_value(json_object_get(attempt_at(doc, 0), "status_code")), 200);
    assert_non_null(strstr(json_string_value(json_object_get(attempt_at(doc, 0), "error")), "expected text"));
    json_decref(doc);

    assert_true(webhooks_retry(&f->ctx, bad_id));
    run_idle(f);
    assert_int_equal(f->rx.hits, 3);
    doc = load_doc(f, bad_id);
    assert_string_equal(doc_str(doc, "status"), "failed");
    assert_int_equal(n_attempts(doc), 2);
    json_decref(doc);
}

/* Retries name themselves when the twin asks (Slack's X-Slack-Retry-*):
 * the retry's number and why the attempt before failed; a manual retry
 * counts on from the attempts already logged. */
static void test_retry_headers(void **state)
{
    fixture *f = *state;
    set_script(&f->rx, 3, (int[]){500, 500, 200});
    webhook_send s = {.url = f->url, .payload = "{}", .len = 2, .retry_num_header = "X-Retry-Num",
                      .retry_reason_header = "X-Retry-Reason", .max_attempts = 2};
    const char *id = webhooks_send(&f->ctx, &s);
    run_idle(f);
    assert_int_equal(f->rx.hits, 2);
    assert_string_equal(f->rx.retry_num, "1");
    assert_string_equal(f->rx.retry_reason, "http_error");
    json_t *doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "failed");
    json_decref(doc);

    assert_true(webhooks_retry(&f->ctx, id));
    run_idle(f);
    assert_int_equal(f->rx.hits, 3);
    assert_string_equal(f->rx.retry_num, "2");
    assert_string_equal(f->rx.retry_reason, "http_error");
    doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "succeeded");
    json_decref(doc);

    /* A first attempt carries neither; nor does anything the twin did not ask for. */
    webhook_send plain = {.url = f->url, .payload = "{}", .len = 2, .retry_num_header = "X-Retry-Num"};
    webhooks_send(&f->ctx, &plain);
    run_idle(f);
    assert_int_equal(f->rx.hits, 4);
    assert_string_equal(f->rx.retry_num, "");
    assert_string_equal(f->rx.retry_reason, "");
}

/* A failed answer carrying the twin's "no retry" header ends the delivery. */
static void test_no_retry_header(void **state)
{
    fixture *f = *state;
    set_script(&f->rx, 1, (int[]){500});
    f->rx.answer_header = "X-No-Retry";
    webhook_send s = {.url = f->url, .payload = "{}", .len = 2, .no_retry_header = "x-no-retry"};
    const char *id = webhooks_send(&f->ctx, &s);
    run_idle(f);
    assert_int_equal(f->rx.hits, 1);
    json_t *doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "failed");
    assert_int_equal(n_attempts(doc), 1);
    json_decref(doc);
    /* Without the twin naming it, the header means nothing: the policy's 5 attempts. */
    webhook_send plain = {.url = f->url, .payload = "{}", .len = 2};
    id = webhooks_send(&f->ctx, &plain);
    run_idle(f);
    assert_int_equal(f->rx.hits, 6);
    doc = load_doc(f, id);
    assert_int_equal(n_attempts(doc), 5);
    json_decref(doc);
}

static void test_retries_then_succeeds(void **state)
{
    fixture *f = *state;
    set_script(&f->rx, 3, (int[]){500, 500, 200});
    const char *id = send_one(f, f->url, "{\"n\":1}");
    run_idle(f);
    assert_int_equal(f->rx.hits, 3);
    assert_true(signature_verifies(f->rx.sig, f->rx.body, SECRET));
    json_t *doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "succeeded");
    assert_int_equal(n_attempts(doc), 3);
    const int want[] = {500, 500, 200};
    for (size_t i = 0; i < 3; i++) {
        json_t *at = attempt_at(doc, i);
        assert_int_equal(json_integer_value(json_object_get(at, "attempt")), (int)i + 1);
        assert_int_equal(json_integer_value(json_object_get(at, "status_code")), want[i]);
    }
    assert_true(jnull(json_object_get(doc, "next_retry_at")));
    json_decref(doc);
}

/* How many of the twin's deliveries are in the given state. */
static size_t count_status(fixture *f, const char *status)
{
    store_key k = {RUN, TWIN, "_deliveries"};
    store_list_result res = {0};
    store_list_opts o = {0};
    assert_int_equal(store_list(f->st, f->a, &k, &o, &res), 0);
    char want[64];
    snprintf(want, sizeof want, "\"status\":\"%s\"", status);
    size_t n = 0;
    for (size_t i = 0; i < res.n; i++) n += strstr(res.docs[i].json, want) != NULL;
    return n;
}

static bool one_retrying(fixture *f)
{
    return count_status(f, "retrying") == 1;
}

static bool two_retrying(fixture *f)
{
    return count_status(f, "retrying") == 2;
}

static void test_retrying_state_and_backoff(void **state)
{
    fixture *f = *state;
    webhooks_set_policy(300, 2);
    set_script(&f->rx, 1, (int[]){503});
    const char *id = send_one(f, f->url, "{}");
    int64_t t0 = now_ms();
    /* After the first answer the document says when the retry comes. */
    run_until(f, one_retrying);
    assert_int_equal(f->rx.hits, 1);
    json_t *doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "retrying");
    int64_t next = parse_iso8601_ms(doc_str(doc, "next_retry_at"));
    assert_true(next >= t0 + 250);
    json_decref(doc);

    run_idle(f);
    assert_true(now_ms() - t0 >= 290);
    doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "failed");
    assert_int_equal(n_attempts(doc), 2);
    json_decref(doc);
}

static void test_always_failing(void **state)
{
    fixture *f = *state;
    webhooks_set_policy(5, 4);
    set_script(&f->rx, 1, (int[]){500});
    const char *id = send_one(f, f->url, "{}");
    run_idle(f);
    assert_int_equal(f->rx.hits, 4);
    json_t *doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "failed");
    assert_int_equal(n_attempts(doc), 4);
    assert_int_equal(json_integer_value(json_object_get(attempt_at(doc, 3), "status_code")), 500);
    assert_true(jnull(json_object_get(doc, "next_retry_at")));
    json_decref(doc);
}

/* A delivery's own schedule replaces the backoff, scaled by the policy's
 * base (10 ms here: 1/100 of the default), its last delay repeating. */
static void test_retry_schedule(void **state)
{
    fixture *f = *state;
    set_script(&f->rx, 1, (int[]){500});
    static const uint64_t schedule[] = {0, 20000, 50000};   /* 0, 200, 500 ms at this base */
    webhook_send s = {.url = f->url, .payload = "{}", .len = 2, .event_id = "evt_s", .event_type = "thing.created",
                      .endpoint_id = "we_1", .max_attempts = 5, .retry_delays_ms = schedule, .n_retry_delays = 3};
    const char *id = webhooks_send(&f->ctx, &s);
    assert_non_null(id);
    run_idle(f);
    assert_int_equal(f->rx.hits, 5);
    int64_t *t = f->rx.hit_ms;
    assert_true(t[1] - t[0] < 150);                          /* "nearly immediately" */
    assert_true(t[2] - t[1] >= 195 && t[2] - t[1] < 450);   /* not the backoff's 20 ms */
    assert_true(t[3] - t[2] >= 495 && t[3] - t[2] < 900);
    assert_true(t[4] - t[3] >= 495 && t[4] - t[3] < 900);   /* the last delay again */
    json_t *doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "failed");
    assert_int_equal(n_attempts(doc), 5);
    json_decref(doc);
}

/* A loopback port nobody listens on. */
static int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t len = sizeof sa;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

static void test_unreachable(void **state)
{
    fixture *f = *state;
    webhooks_set_policy(5, 3);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/hook", closed_port());
    const char *id = send_one(f, url, "{}");
    run_idle(f);
    json_t *doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "failed");
    assert_int_equal(n_attempts(doc), 3);
    for (size_t i = 0; i < 3; i++) {
        json_t *at = attempt_at(doc, i);
        assert_true(jnull(json_object_get(at, "status_code")));
        const char *err = json_string_value(json_object_get(at, "error"));
        assert_non_null(err);
        assert_true(strlen(err) > 0);
    }
    json_decref(doc);
}

static void test_bad_url(void **state)
{
    fixture *f = *state;
    webhooks_set_policy(5, 2);
    const char *id = send_one(f, "ftp://127.0.0.1/x", "{}");
    run_idle(f);
    json_t *doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "failed");
    assert_int_equal(n_attempts(doc), 2);
    assert_non_null(json_string_value(json_object_get(attempt_at(doc, 0), "error")));
    json_decref(doc);
}

static void test_manual_retry(void **state)
{
    fixture *f = *state;
    webhooks_set_policy(5, 2);
    set_script(&f->rx, 1, (int[]){500});
    const char *id = send_one(f, f->url, "{\"retry\":true}");
    run_idle(f);
    json_t *doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "failed");
    assert_int_equal(n_attempts(doc), 2);
    json_decref(doc);

    assert_false(webhooks_retry(&f->ctx, "whd_nope"));
    assert_int_equal(webhooks_pending(), 0);

    set_script(&f->rx, 1, (int[]){200});
    assert_true(webhooks_retry(&f->ctx, id));
    assert_int_equal(webhooks_pending(), 1);
    doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "pending");
    json_decref(doc);
    run_idle(f);
    assert_int_equal(f->rx.hits, 3);
    assert_string_equal(f->rx.body, "{\"retry\":true}");
    assert_true(signature_verifies(f->rx.sig, f->rx.body, SECRET));
    assert_string_equal(f->rx.extra, "yes");
    doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "succeeded");
    assert_int_equal(n_attempts(doc), 3);
    assert_int_equal(json_integer_value(json_object_get(attempt_at(doc, 2), "attempt")), 3);
    assert_int_equal(json_integer_value(json_object_get(attempt_at(doc, 2), "status_code")), 200);
    json_decref(doc);

    /* A manual retry that fails is one attempt, not a new series. */
    set_script(&f->rx, 1, (int[]){500});
    assert_true(webhooks_retry(&f->ctx, id));
    run_idle(f);
    doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "failed");
    assert_int_equal(n_attempts(doc), 4);
    json_decref(doc);
}

static void test_retry_of_queued_delivery_does_not_double(void **state)
{
    fixture *f = *state;
    webhooks_set_policy(60000, 2);   /* the automatic retry would come far too late */
    set_script(&f->rx, 2, (int[]){500, 200});
    const char *id = send_one(f, f->url, "{}");
    run_until(f, one_retrying);
    assert_true(webhooks_retry(&f->ctx, id));   /* brings the waiting attempt forward */
    assert_int_equal(webhooks_pending(), 1);
    run_idle(f);
    json_t *doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "succeeded");
    assert_int_equal(n_attempts(doc), 2);
    json_decref(doc);
}

static void test_deliveries_log(void **state)
{
    fixture *f = *state;
    const char *ids[3];
    for (int i = 0; i < 3; i++) {
        char payload[32];
        snprintf(payload, sizeof payload, "{\"n\":%d}", i);
        ids[i] = send_one(f, f->url, payload);
    }
    run_idle(f);
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    webhooks_write_deliveries(f->st, RUN, TWIN, &w);
    json_error_t jerr;
    json_t *root = json_loadb(out.data, out.len, 0, &jerr);
    assert_non_null(root);
    json_t *list = json_object_get(root, "deliveries");
    assert_int_equal(json_array_size(list), 3);
    for (size_t i = 0; i < 3; i++) {
        json_t *d = json_array_get(list, i);
        assert_string_equal(doc_str(d, "id"), ids[2 - i]);
        assert_string_equal(doc_str(d, "status"), "succeeded");
        assert_null(json_object_get(d, "_request"));   /* the secret stays private */
        char payload[32];
        snprintf(payload, sizeof payload, "{\"n\":%d}", (int)(2 - i));
        assert_string_equal(doc_str(d, "payload"), payload);
    }
    json_decref(root);
    buf_free(&out);

    /* Another twin's log is empty, and still valid JSON. */
    jw_init(&w, &out);
    webhooks_write_deliveries(f->st, RUN, "other", &w);
    assert_string_equal(buf_cstr(&out), "{\"deliveries\":[]}");
    buf_free(&out);
}

static void test_teardown_stops_retries(void **state)
{
    fixture *f = *state;
    webhooks_set_policy(100, 5);
    set_script(&f->rx, 1, (int[]){500});
    const char *id = send_one(f, f->url, "{}");
    run_until(f, one_retrying);
    store_key k = {RUN, TWIN, "_deliveries"};
    assert_true(store_exists(f->st, &k, id));
    assert_int_equal(store_clear_run(f->st, RUN), 0);
    run_idle(f);
    assert_int_equal(f->rx.hits, 1);
    assert_false(store_exists(f->st, &k, id));   /* not written back to life */
    assert_int_equal(store_count(f->st, &k, NULL, NULL), 0);
}

static bool in_flight(fixture *f)
{
    /* The first request went out once the receiver has it or curl is on it. */
    return f->rx.hits > 0;
}

static void test_teardown_during_attempt(void **state)
{
    fixture *f = *state;
    set_script(&f->rx, 1, (int[]){500});
    const char *id = send_one(f, f->url, "{}");
    /* Clear the run as soon as the receiver saw the request, before curl has
     * handed back the answer (same loop turn as the handler). */
    run_until(f, in_flight);
    assert_int_equal(store_clear_run(f->st, RUN), 0);
    run_idle(f);
    store_key k = {RUN, TWIN, "_deliveries"};
    assert_false(store_exists(f->st, &k, id));
    assert_int_equal(f->rx.hits, 1);
}

static void test_shutdown_frees_waiting_jobs(void **state)
{
    fixture *f = *state;
    webhooks_set_policy(60000, 5);
    set_script(&f->rx, 1, (int[]){500});
    send_one(f, f->url, "{}");
    send_one(f, f->url, "{}");
    run_until(f, two_retrying);
    assert_int_equal(webhooks_pending(), 2);
    /* teardown shuts down with both still waiting for their retry */
}

static bool waited_100ms(fixture *f)
{
    static int64_t since;
    if (!since) since = now_ms();
    if (now_ms() - since < 100) return false;
    since = 0;
    return true;
}

/* A twin's own answer timeout: a receiver that never answers fails the
 * attempt once it has passed. */
static void test_attempt_timeout(void **state)
{
    fixture *f = *state;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(fd, 4), 0);
    socklen_t len = sizeof sa;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/hook", ntohs(sa.sin_port));
    webhook_send s = {.url = url, .payload = "{}", .len = 2, .timeout_ms = 200, .max_attempts = 1};
    int64_t t0 = now_ms();
    const char *id = webhooks_send(&f->ctx, &s);
    run_idle(f);
    int64_t took = now_ms() - t0;
    close(fd);
    assert_true(took >= 190 && took < 5000);
    json_t *doc = load_doc(f, id);
    assert_string_equal(doc_str(doc, "status"), "failed");
    assert_int_equal(n_attempts(doc), 1);
    assert_true(jnull(json_object_get(attempt_at(doc, 0), "status_code")));
    assert_non_null(strcasestr(json_string_value(json_object_get(attempt_at(doc, 0), "error")), "timed out"));
    json_decref(doc);
}

static void test_shutdown_in_flight(void **state)
{
    fixture *f = *state;
    /* A socket that accepts connections (the kernel does) but never answers. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(fd, 4), 0);
    socklen_t len = sizeof sa;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/hook", ntohs(sa.sin_port));
    const char *id = send_one(f, url, "{}");
    run_until(f, waited_100ms);
    assert_int_equal(webhooks_pending(), 1);
    assert_int_equal(count_status(f, "pending"), 1);
    webhooks_shutdown();
    assert_int_equal(webhooks_pending(), 0);
    close(fd);
    json_t *doc = load_doc(f, id);
    assert_int_equal(n_attempts(doc), 0);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_success_signed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_custom_user_agent_and_unsigned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expected_answer_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_retry_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retries_then_succeeds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retrying_state_and_backoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_always_failing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry_schedule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreachable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_url, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manual_retry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry_of_queued_delivery_does_not_double, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deliveries_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_teardown_stops_retries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_teardown_during_attempt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_frees_waiting_jobs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attempt_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_in_flight, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
