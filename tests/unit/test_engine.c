/* Unit tests for engine and util pieces: map, glob, time, tokens, faults, journal, rate limits,
 * the request transaction (commit or roll back by the answer). */
#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine/faults.h"
#include "engine/journal.h"
#include "engine/ratelimit.h"
#include "engine/twin.h"
#include "store/store.h"
#include "util/base64.h"
#include "util/map.h"
#include "util/util.h"

static void map_put_get_remove_grow(void **state)
{
    map m;
    map_init(&m);
    char key[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        map_put(&m, key, (void *)(intptr_t)(i + 1));
    }
    assert_int_equal(map_len(&m), 1000);
    assert_int_equal((intptr_t)map_get(&m, "k500"), 501);
    map_put(&m, "k500", (void *)(intptr_t)7);
    assert_int_equal((intptr_t)map_get(&m, "k500"), 7);
    assert_int_equal((intptr_t)map_remove(&m, "k500"), 7);
    assert_null(map_get(&m, "k500"));
    assert_null(map_remove(&m, "k500"));
    assert_int_equal(map_len(&m), 999);
    /* Removed slots are reused without losing neighbours. */
    for (int i = 0; i < 1000; i += 2) {
        snprintf(key, sizeof key, "k%d", i);
        map_remove(&m, key);
    }
    assert_int_equal((intptr_t)map_get(&m, "k999"), 1000);
    size_t pos = 0, seen = 0;
    while (map_next(&m, &pos, NULL, NULL)) seen++;
    assert_int_equal(seen, map_len(&m));
    map_free(&m);
}

/* Churn (put one, remove one, forever) leaves tombstones, not live keys:
 * the table must stay the size of what it holds. */
static void map_churn_stays_small(void **state)
{
    map m;
    map_init(&m);
    char key[32];
    map_put(&m, "resident", (void *)1);
    for (int i = 0; i < 200000; i++) {
        snprintf(key, sizeof key, "run-%d", i);
        map_put(&m, key, (void *)2);
        assert_non_null(map_remove(&m, key));
    }
    assert_int_equal(map_len(&m), 1);
    assert_true(m.cap <= 64);
    assert_int_equal((intptr_t)map_get(&m, "resident"), 1);
    map_free(&m);
}

static void glob_patterns(void **state)
{
    assert_true(glob_match("/v1/*", "/v1/customers"));
    assert_true(glob_match("*", ""));
    assert_true(glob_match("/a/*/c", "/a/b/x/c"));
    assert_true(glob_match("/exact", "/exact"));
    assert_false(glob_match("/exact", "/exact/more"));
    assert_false(glob_match("/v1/*/x", "/v1/y"));
    assert_true(glob_match("**a", "bba"));
}

static void iso8601_round_trip(void **state)
{
    char s[40];
    format_iso8601(1774094400123, true, s, sizeof s);
    assert_string_equal(s, "2026-03-21T12:00:00.123Z");
    format_iso8601(1774094400123, false, s, sizeof s);
    assert_string_equal(s, "2026-03-21T12:00:00Z");
    assert_int_equal(parse_iso8601_ms("2026-03-21T12:00:00.123Z"), 1774094400123);
    assert_int_equal(parse_iso8601_ms("2026-03-21T13:00:00+01:00"), 1774094400000);
    assert_int_equal(parse_iso8601_ms("2026-03-21"), 1774051200000);
    assert_int_equal(parse_iso8601_ms("yesterday"), -1);
    assert_int_equal(parse_iso8601_ms("2026-13-01T00:00:00Z"), -1);
}

static void hex_helpers(void **state)
{
    char out[2 * 4 + 1];
    hex_encode("\x00\x0f\xa5\xff", 4, out);
    assert_string_equal(out, "000fa5ff");
    hex_encode("", 0, out);
    assert_string_equal(out, "");
    /* derive_hex is derive_token with each base62 char folded to a hex digit */
    char tok[25], hex[25];
    derive_token(tok, 24, "unified", "hexid", "id", 7);
    derive_hex(hex, 24, "unified", "hexid", "id", 7);
    assert_int_equal(strlen(hex), 24);
    for (int i = 0; i < 24; i++) assert_int_equal(hex[i], "0123456789abcdef"[(unsigned char)tok[i] % 16]);
}

/* RFC 4231 test case 2, whole and cut into parts at every offset: the parts
 * are signed as one text, as webhook schemes need ("<t>." + body). */
static void hmac_over_parts(void **state)
{
    const char *key = "Jefe", *msg = "what do ya want for nothing?";
    const char *want = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    arena *a = arena_new(0);
    size_t n = strlen(msg);
    assert_string_equal(hmac_sha256_hex(a, key, &(byte_span){msg, n}, 1), want);
    for (size_t cut = 0; cut <= n; cut++) {
        byte_span parts[] = {{msg, cut}, {msg + cut, n - cut}};
        assert_string_equal(hmac_sha256_hex(a, key, parts, 2), want);
    }
    unsigned char raw[32];
    hmac_sha256(key, (byte_span[]){{msg, 4}, {"", 0}, {msg + 4, n - 4}}, 3, raw);
    char hex[65];
    hex_encode(raw, sizeof raw, hex);
    assert_string_equal(hex, want);
    arena_free(a);
}

static void tokens_and_uuids(void **state)
{
    char a[33], b[33], c[33];
    derive_token(a, 32, "run", "label", "x", 1);
    derive_token(b, 32, "run", "label", "x", 1);
    derive_token(c, 32, "run", "label", "x", 2);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    /* object ids: stable, base62, apart per counter and per (a, b) split */
    char i1[31], i2[31], i3[31], i4[31];
    derive_id(i1, 30, "stripe", "cus_", 1);
    derive_id(i2, 30, "stripe", "cus_", 1);
    derive_id(i3, 30, "stripe", "cus_", 2);
    derive_id(i4, 30, "stripec", "us_", 1);
    assert_string_equal(i1, i2);
    assert_string_not_equal(i1, i3);
    assert_string_not_equal(i1, i4);
    assert_int_equal(strspn(i1, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"), 30);
    char u[37];
    uuid_v4(u);
    assert_true(uuid_valid(u));
    assert_int_equal(u[14], '4');
    /* derived UUIDs: stable for the same inputs, v4-shaped, distinct per counter */
    char d1[37], d2[37];
    uuid_derived(d1, "notion", "uuid", "id", 1);
    uuid_derived(d2, "notion", "uuid", "id", 2);
    assert_string_equal(d1, "40ad586a-88b9-444d-a494-93232d82279a");
    assert_true(uuid_valid(d2));
    assert_int_equal(d2[14], '4');
    assert_non_null(strchr("89ab", d2[19]));
    assert_string_not_equal(d1, d2);
    assert_false(uuid_valid("not-a-uuid"));
    assert_false(uuid_valid("0000000-0000-4000-8000-0000000000000"));
    assert_true(secret_eq("abc", "abc"));
    assert_false(secret_eq("abc", "abd"));
    assert_false(secret_eq(NULL, "abc"));
}

static json_value *spec(arena *a, const char *text)
{
    return json_parse(a, text, strlen(text), NULL);
}

/* twin_arg never cuts a NUL-bearing string short: the body's "abc\0xyz"
 * (a form's abc%00xyz) must not be read as the id "abc". */
static void twin_arg_keeps_nul_strings_whole(void **state)
{
    arena *a = arena_new(0);
    twin_ctx ctx = {.a = a};
    ctx.body = json_object(a);
    json_set(a, ctx.body, "id", json_stringn(a, "abc\0xyz", 7));
    json_set(a, ctx.body, "tail", json_stringn(a, "q\0", 2));
    json_set_str(a, ctx.body, "plain", "abc");
    ctx.query = json_object(a);
    json_set_str(a, ctx.query, "from_query", "v");
    assert_string_equal(twin_arg(&ctx, "id"), "abc%00xyz");
    assert_string_equal(twin_arg(&ctx, "tail"), "q%00");
    assert_string_equal(twin_arg(&ctx, "plain"), "abc");
    assert_string_equal(twin_arg(&ctx, "from_query"), "v");
    assert_null(twin_arg(&ctx, "missing"));
    assert_int_equal(twin_input(&ctx, "id")->len, 7);
    arena_free(a);
}

/* A pattern written decoded catches the encoded path the router matches. */
static void faults_match_decoded_path(void **state)
{
    arena *a = arena_new(0);
    fault_list *f = faults_new();
    const char *err = NULL;
    assert_non_null(faults_add(f, spec(a, "{\"route\":\"GET /users/@me\",\"status\":500}"), &err));
    assert_non_null(faults_add(f, spec(a, "{\"route\":\"GET /raw/%40x\",\"status\":502}"), &err));
    assert_int_equal(faults_check(f, "GET", "/users/%40me", "/users/@me").status, 500);
    assert_int_equal(faults_check(f, "GET", "/users/@me", NULL).status, 500);
    assert_false(faults_check(f, "GET", "/users/%40you", "/users/@you").matched);
    assert_int_equal(faults_check(f, "GET", "/raw/%40x", "/raw/@x").status, 502);
    faults_free(f);
    arena_free(a);
}

static void faults_count_and_method(void **state)
{
    arena *a = arena_new(0);
    fault_list *f = faults_new();
    const char *err = NULL;
    assert_non_null(faults_add(f, spec(a, "{\"route\":\"POST /v1/*\",\"status\":503,\"count\":2}"), &err));
    assert_false(faults_check(f, "GET", "/v1/x", NULL).matched);
    fault_hit h = faults_check(f, "POST", "/v1/x", NULL);
    assert_true(h.matched);
    assert_int_equal(h.status, 503);
    assert_int_equal(faults_check(f, "post", "/v1/y", NULL).status, 503);
    assert_false(faults_check(f, "POST", "/v1/z", NULL).matched); /* spent */
    assert_true(faults_empty(f));
    faults_free(f);
    arena_free(a);
}

static void faults_reject_bad_specs(void **state)
{
    arena *a = arena_new(0);
    fault_list *f = faults_new();
    const char *err = NULL;
    assert_null(faults_add(f, spec(a, "{\"route\":\"/x\"}"), &err));
    assert_null(faults_add(f, spec(a, "{\"status\":200}"), &err));
    assert_null(faults_add(f, spec(a, "{\"status\":500,\"probability\":2}"), &err));
    assert_null(faults_add(f, spec(a, "{\"status\":500,\"count\":0}"), &err));
    assert_null(faults_add(f, spec(a, "[]"), &err));
    assert_true(faults_empty(f));
    faults_free(f);
    arena_free(a);
}

static void faults_probability_is_reproducible(void **state)
{
    arena *a = arena_new(0);
    char first[64] = {0}, second[64] = {0};
    for (int round = 0; round < 2; round++) {
        fault_list *f = faults_new();
        const char *err = NULL;
        assert_non_null(faults_add(f, spec(a, "{\"route\":\"*\",\"status\":500,\"probability\":0.5,\"seed\":9}"), &err));
        char *out = round ? second : first;
        for (int i = 0; i < 60; i++) out[i] = faults_check(f, "GET", "/p", NULL).matched ? 'x' : '.';
        faults_free(f);
    }
    assert_string_equal(first, second);
    assert_non_null(strchr(first, 'x'));
    assert_non_null(strchr(first, '.'));
    arena_free(a);
}

static void faults_latency_and_listing(void **state)
{
    arena *a = arena_new(0);
    fault_list *f = faults_new();
    const char *err = NULL;
    const char *id = faults_add(f, spec(a, "{\"route\":\"/slow\",\"latency_ms\":250,\"message\":\"m\"}"), &err);
    assert_non_null(id);
    fault_hit h = faults_check(f, "GET", "/slow", NULL);
    assert_int_equal(h.latency_ms, 250);
    assert_int_equal(h.status, 0);
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    faults_write(f, &w);
    json_value *v = json_parse(a, out.data, out.len, NULL);
    assert_non_null(v);
    assert_string_equal(json_get_str(json_at(json_get(v, "faults"), 0), "id"), id);
    assert_true(faults_remove(f, id));
    assert_false(faults_remove(f, id));
    buf_free(&out);
    faults_free(f);
    arena_free(a);
}

static void journal_ring_keeps_newest(void **state)
{
    journal *j = journal_new();
    char path[32];
    for (int i = 0; i < JOURNAL_CAPACITY + 5; i++) {
        snprintf(path, sizeof path, "/p/%d", i);
        journal_add(j, i % 2 ? "slack" : "stripe", "GET", path, 200, 10, 1000);
    }
    arena *a = arena_new(0);
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    journal_write(j, NULL, 3, &w);
    json_value *v = json_parse(a, out.data, out.len, NULL);
    json_value *reqs = json_get(v, "requests");
    assert_int_equal(reqs->len, 3);
    char newest[32];
    snprintf(newest, sizeof newest, "/p/%d", JOURNAL_CAPACITY + 4);
    assert_string_equal(json_get_str(json_at(reqs, 0), "path"), newest);
    buf_reset(&out);
    jw_init(&w, &out);
    journal_write(j, "stripe", 0, &w);
    v = json_parse(a, out.data, out.len, NULL);
    json_foreach(r, json_get(v, "requests")) assert_string_equal(json_get_str(r, "twin"), "stripe");
    buf_free(&out);
    arena_free(a);
    journal_free(j);
}

static void base64_round_trips_both_alphabets(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    assert_string_equal(base64_encode(a, "", 0), "");
    assert_string_equal(base64_encode(a, "f", 1), "Zg==");
    assert_string_equal(base64_encode(a, "foobar", 6), "Zm9vYmFy");
    const unsigned char bin[] = {0xfb, 0xff, 0x00, 0x3e};
    assert_string_equal(base64_encode(a, bin, sizeof bin), "+/8APg==");
    assert_string_equal(base64url_encode(a, bin, sizeof bin), "-_8APg");
    size_t n = 0;
    const unsigned char *back = (const unsigned char *)base64_decode(a, "-_8APg", &n);
    assert_int_equal(n, 4);
    assert_memory_equal(back, bin, 4);
    assert_string_equal(base64_decode(a, "Zm9v\nYmE=", &n), "fooba");
    assert_int_equal(n, 5);
    assert_string_equal(base64_decode(a, "", &n), "");
    assert_null(base64_decode(a, "Zm9v*", &n));   /* bad character */
    assert_null(base64_decode(a, "Zg==Zg", &n));  /* data after padding */
    assert_null(base64_decode(a, "Z", &n));       /* impossible length */
    char word[] = "MiXeD-Case";
    assert_string_equal(str_to_lower(word), "mixed-case");
    arena_free(a);
}

static void ratelimit_window_rolls_over(void **state)
{
    (void)state;
    ratelimit *rl = ratelimit_new();
    const int64_t t0 = 1774094400000;
    ratelimit_window w = ratelimit_hit(rl, "b", "k", 1000, t0);
    assert_int_equal(w.count, 1);
    assert_int_equal(w.reset_ms, t0 + 1000);
    w = ratelimit_hit(rl, "b", "k", 1000, t0 + 999);
    assert_int_equal(w.count, 2);
    assert_int_equal(w.reset_ms, t0 + 1000);   /* the window does not slide */
    w = ratelimit_hit(rl, "b", "k", 1000, t0 + 1000);
    assert_int_equal(w.count, 1);               /* ended exactly at reset */
    assert_int_equal(w.reset_ms, t0 + 2000);
    /* A new window opens with the first request after a quiet spell. */
    w = ratelimit_hit(rl, "b", "k", 1000, t0 + 5500);
    assert_int_equal(w.count, 1);
    assert_int_equal(w.reset_ms, t0 + 6500);
    /* Nonsense lengths are clamped, never overflow. */
    w = ratelimit_hit(rl, "x", "", 0, t0);
    assert_int_equal(w.reset_ms, t0 + 1);
    w = ratelimit_hit(rl, "y", "", INT64_MAX, t0);
    assert_int_equal(w.reset_ms, t0 + RATELIMIT_MAX_WINDOW_MS);
    ratelimit_free(rl);
}

static void ratelimit_aligned_windows_reset_on_the_boundary(void **state)
{
    (void)state;
    ratelimit *rl = ratelimit_new();
    const int64_t hour = 3600 * 1000, t0 = 1774094400000 + 1234;   /* 12:00:01.234 */
    ratelimit_window w = ratelimit_hit_aligned(rl, "core", "a", hour, t0);
    assert_int_equal(w.count, 1);
    assert_int_equal(w.reset_ms, 1774094400000 + hour);
    w = ratelimit_hit_aligned(rl, "core", "a", hour, 1774094400000 + hour - 1);
    assert_int_equal(w.count, 2);
    w = ratelimit_hit_aligned(rl, "core", "a", hour, 1774094400000 + hour + 5);
    assert_int_equal(w.count, 1);
    assert_int_equal(w.reset_ms, 1774094400000 + 2 * hour);
    ratelimit_free(rl);
}

static void ratelimit_peek_reads_without_counting(void **state)
{
    (void)state;
    ratelimit *rl = ratelimit_new();
    const int64_t hour = 3600 * 1000, t0 = 1774094400000 + 1234;
    ratelimit_window w = ratelimit_peek(rl, "core", "a", t0);
    assert_int_equal(w.count, 0);               /* no window yet */
    assert_int_equal(w.reset_ms, 0);
    assert_int_equal(ratelimit_size(rl), 0);    /* peeking creates none */
    ratelimit_hit_aligned(rl, "core", "a", hour, t0);
    ratelimit_hit_aligned(rl, "core", "a", hour, t0 + 1);
    for (int i = 0; i < 3; i++) {
        w = ratelimit_peek(rl, "core", "a", t0 + 2);
        assert_int_equal(w.count, 2);
        assert_int_equal(w.reset_ms, 1774094400000 + hour);
    }
    assert_int_equal(ratelimit_hit_aligned(rl, "core", "a", hour, t0 + 3).count, 3);
    assert_int_equal(ratelimit_peek(rl, "core", "b", t0).count, 0);
    /* An ended window reads as none. */
    w = ratelimit_peek(rl, "core", "a", 1774094400000 + hour);
    assert_int_equal(w.count, 0);
    assert_int_equal(w.reset_ms, 0);
    char long_key[600];
    memset(long_key, 'k', sizeof long_key - 1);
    long_key[sizeof long_key - 1] = '\0';
    ratelimit_hit(rl, "b", long_key, 1000, t0);
    assert_int_equal(ratelimit_peek(rl, "b", long_key, t0).count, 1);
    ratelimit_free(rl);
}

static void ratelimit_keys_are_separate_and_clear_forgets(void **state)
{
    (void)state;
    ratelimit *rl = ratelimit_new();
    const int64_t t0 = 1774094400000;
    for (int i = 0; i < 3; i++) ratelimit_hit(rl, "bucket", "chan1", 1000, t0);
    assert_int_equal(ratelimit_hit(rl, "bucket", "chan2", 1000, t0).count, 1);
    assert_int_equal(ratelimit_hit(rl, "other", "chan1", 1000, t0).count, 1);
    /* The separator keeps ("a", "bc") and ("ab", "c") apart. */
    assert_int_equal(ratelimit_hit(rl, "a", "bc", 1000, t0).count, 1);
    assert_int_equal(ratelimit_hit(rl, "ab", "c", 1000, t0).count, 1);
    assert_int_equal(ratelimit_hit(rl, "bucket", "chan1", 1000, t0).count, 4);
    /* Keys longer than the stack buffer work too. */
    char long_key[600];
    memset(long_key, 'k', sizeof long_key - 1);
    long_key[sizeof long_key - 1] = '\0';
    ratelimit_hit(rl, "bucket", long_key, 1000, t0);
    assert_int_equal(ratelimit_hit(rl, "bucket", long_key, 1000, t0).count, 2);
    assert_int_equal(ratelimit_size(rl), 6);
    ratelimit_clear(rl);
    assert_int_equal(ratelimit_size(rl), 0);
    assert_int_equal(ratelimit_hit(rl, "bucket", "chan1", 1000, t0).count, 1);
    ratelimit_clear(rl);
    ratelimit_free(rl);
    ratelimit_free(NULL);
}

static void ratelimit_drops_ended_windows_as_it_grows(void **state)
{
    (void)state;
    ratelimit *rl = ratelimit_new();
    const int64_t t0 = 1774094400000;
    char key[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "chan%d", i);
        ratelimit_hit(rl, "bucket", key, 1000, t0);
    }
    size_t before = ratelimit_size(rl);
    assert_int_equal(before, 1000);
    /* Later, new keys arrive: the ended windows go, live ones stay. */
    ratelimit_hit(rl, "bucket", "live", 60000, t0 + 2000);
    for (int i = 0; i < 2000; i++) {
        snprintf(key, sizeof key, "late%d", i);
        ratelimit_hit(rl, "bucket", key, 1000, t0 + 2000 + i);
    }
    assert_true(ratelimit_size(rl) <= 2001);   /* the 1000 ended "chan" windows are gone */
    assert_int_equal(ratelimit_hit(rl, "bucket", "live", 60000, t0 + 4100).count, 2);
    ratelimit_free(rl);
}

/* ---- the request transaction ---- */

typedef struct tx_fixture {
    store *st;
    arena *a;
    http_request req;
    twin_ctx ctx;
} tx_fixture;

static void tx_fixture_init(tx_fixture *f)
{
    memset(f, 0, sizeof *f);
    char *err = NULL;
    f->st = store_open_memory(&err);
    assert_non_null(f->st);
    f->a = arena_new(0);
    f->req.arena = f->a;
    f->ctx = (twin_ctx){.req = &f->req, .a = f->a, .store = f->st, .run_id = "run1", .twin = "unit"};
}

static void tx_fixture_free(tx_fixture *f)
{
    arena_free(f->a);
    store_close(f->st);
}

/* Starts a request on f, puts one document, "answers" status, ends it. */
static bool run_request(tx_fixture *f, const char *id, int status, bool keep)
{
    f->req.sent = false;
    f->ctx.keep_writes = false;
    f->ctx.answer_failed = false;
    f->ctx.store_failed = false;
    f->ctx.lasting = NULL;
    twin_tx_begin(&f->ctx);
    json_value *doc = json_object(f->a);
    json_set_str(f->a, doc, "id", id);
    assert_int_equal(twin_doc_put(&f->ctx, "things", id, doc, NULL, 0), 0);
    json_value *rec = json_object(f->a);
    json_set_int(f->a, rec, "status", status);
    twin_doc_put_lasting(&f->ctx, "_answers", id, rec);
    if (keep) twin_keep_writes(&f->ctx);
    f->req.status = status;
    f->req.sent = true;
    return twin_tx_end(&f->ctx);
}

static void tx_error_answer_rolls_back_but_keeps_lasting_writes(void **state)
{
    tx_fixture f;
    tx_fixture_init(&f);
    assert_true(run_request(&f, "ok1", 200, false));
    assert_non_null(twin_doc_get(&f.ctx, "things", "ok1"));
    assert_false(run_request(&f, "bad1", 400, false));
    assert_null(twin_doc_get(&f.ctx, "things", "bad1"));
    assert_non_null(twin_doc_get(&f.ctx, "_answers", "bad1"));   /* outlives the rollback */
    assert_true(run_request(&f, "decline1", 402, true));          /* twin_keep_writes */
    assert_non_null(twin_doc_get(&f.ctx, "things", "decline1"));
    assert_non_null(twin_doc_get(&f.ctx, "_answers", "decline1"));
    assert_int_equal(twin_doc_count(&f.ctx, "things", NULL, NULL), 2);
    tx_fixture_free(&f);
}

static void tx_store_failure_rolls_back_and_spoils_lasting_writes(void **state)
{
    tx_fixture f;
    tx_fixture_init(&f);
    twin_tx_begin(&f.ctx);
    json_value *doc = json_object(f.a);
    assert_int_equal(twin_doc_put(&f.ctx, "things", "a", doc, NULL, 0), 0);
    twin_doc_put_lasting(&f.ctx, "_answers", "a", doc);
    assert_false(f.ctx.store_failed);
    /* A put the store refuses (no id) marks the request failed. */
    assert_int_equal(twin_doc_put(&f.ctx, "things", NULL, doc, NULL, 0), -1);
    assert_true(f.ctx.store_failed);
    twin_list l;
    assert_int_equal(twin_doc_list(&f.ctx, NULL, &(store_list_opts){0}, &l), -1);
    assert_int_equal(l.n, 0);
    f.req.status = 200;
    f.req.sent = true;   /* even a success answer cannot save a failed request */
    assert_false(twin_tx_end(&f.ctx));
    assert_null(twin_doc_get(&f.ctx, "things", "a"));
    assert_null(twin_doc_get(&f.ctx, "_answers", "a"));
    tx_fixture_free(&f);
}

static void tx_unanswered_handler_commits(void **state)
{
    tx_fixture f;
    tx_fixture_init(&f);
    twin_tx_begin(&f.ctx);
    assert_int_equal(twin_doc_put(&f.ctx, "things", "later", json_object(f.a), NULL, 0), 0);
    assert_true(twin_tx_end(&f.ctx));   /* answers later: its answer is unknown, keep */
    assert_non_null(twin_doc_get(&f.ctx, "things", "later"));
    tx_fixture_free(&f);
}

/* Slack-style failures answer 200: twin_answer_failed rolls back all the same. */
static void tx_answer_failed_rolls_back_a_success_status(void **state)
{
    tx_fixture f;
    tx_fixture_init(&f);
    f.req.sent = false;
    twin_tx_begin(&f.ctx);
    assert_int_equal(twin_doc_put(&f.ctx, "things", "half", json_object(f.a), NULL, 0), 0);
    twin_answer_failed(&f.ctx);
    f.req.status = 200;
    f.req.sent = true;
    assert_false(twin_tx_end(&f.ctx));
    assert_null(twin_doc_get(&f.ctx, "things", "half"));
    /* twin_keep_writes still wins over the failure mark. */
    f.ctx = (twin_ctx){.req = &f.req, .a = f.a, .store = f.st, .run_id = "run1", .twin = "unit"};
    twin_tx_begin(&f.ctx);
    assert_int_equal(twin_doc_put(&f.ctx, "things", "kept", json_object(f.a), NULL, 0), 0);
    twin_answer_failed(&f.ctx);
    twin_keep_writes(&f.ctx);
    assert_true(twin_tx_end(&f.ctx));
    assert_non_null(twin_doc_get(&f.ctx, "things", "kept"));
    /* Without the mark the same 200 commits. */
    assert_true(run_request(&f, "plain", 200, false));
    assert_non_null(twin_doc_get(&f.ctx, "things", "plain"));
    tx_fixture_free(&f);
}

/* An absent document is not a failure; a store that cannot answer is. */
static void doc_get_tells_absent_from_store_failure(void **state)
{
    tx_fixture f;
    tx_fixture_init(&f);
    json_value *doc = json_object(f.a);
    json_set_str(f.a, doc, "id", "here");
    assert_int_equal(twin_doc_put(&f.ctx, "things", "here", doc, NULL, 0), 0);
    assert_string_equal(json_get_str(twin_doc_get(&f.ctx, "things", "here"), "id"), "here");
    assert_null(twin_doc_get(&f.ctx, "things", "gone"));
    assert_null(twin_doc_get(&f.ctx, "nothing-yet", "gone"));
    assert_null(twin_doc_get(&f.ctx, "things", NULL));   /* an optional argument left out */
    assert_false(f.ctx.store_failed);
    /* A key the store refuses (no collection) is an error, not "absent". */
    assert_null(twin_doc_get(&f.ctx, NULL, "here"));
    assert_true(f.ctx.store_failed);
    tx_fixture_free(&f);
}

static void doc_get_flags_a_stored_document_that_is_not_json(void **state)
{
    tx_fixture f;
    tx_fixture_init(&f);
    store_key k = {.run = "run1", .twin = "unit", .collection = "things"};
    assert_int_equal(store_put(f.st, &k, "bad", "{not json", 9, NULL, 0), 0);
    assert_null(twin_doc_get(&f.ctx, "things", "bad"));
    assert_true(f.ctx.store_failed);
    tx_fixture_free(&f);
}

/* A real backend failure: the SQLite table under the store disappears. */
static void doc_get_flags_a_failing_sqlite_store(void **state)
{
    char dir[] = "/tmp/twins-engine-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[sizeof dir + 16];
    snprintf(path, sizeof path, "%s/twins.db", dir);
    char *err = NULL;
    store *st = store_open_sqlite(path, &err);
    assert_non_null(st);
    arena *a = arena_new(0);
    http_request req = {.arena = a};
    twin_ctx ctx = {.req = &req, .a = a, .store = st, .run_id = "run1", .twin = "unit"};
    assert_int_equal(twin_doc_put(&ctx, "things", "one", json_object(a), NULL, 0), 0);
    assert_non_null(twin_doc_get(&ctx, "things", "one"));
    char *text = NULL;
    size_t len = 0;
    store_key k = {.run = "run1", .twin = "unit", .collection = "things"};
    assert_int_equal(store_fetch(st, a, &k, "one", &text, &len), 1);
    assert_int_equal(store_fetch(st, a, &k, "two", &text, &len), 0);
    assert_null(text);

    sqlite3 *other = NULL;
    assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "DROP TABLE docs", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);

    assert_int_equal(store_fetch(st, a, &k, "one", &text, &len), -1);
    assert_false(ctx.store_failed);
    assert_null(twin_doc_get(&ctx, "things", "one"));
    assert_true(ctx.store_failed);
    store_close(st);
    arena_free(a);
    char wal[sizeof path + 8];
    unlink(path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    rmdir(dir);
}

static void tx_discarded_success_rolls_back_ids_too(void **state)
{
    tx_fixture f;
    tx_fixture_init(&f);
    assert_true(run_request(&f, "kept", 200, false));
    int64_t before = twin_counter(&f.ctx, "in_");
    twin_tx_begin(&f.ctx);
    twin_discard_writes(&f.ctx);
    assert_int_equal(twin_doc_put(&f.ctx, "things", "preview", json_object(f.a), NULL, 0), 0);
    assert_int_equal(twin_counter(&f.ctx, "in_"), before + 1);
    assert_non_null(twin_doc_get(&f.ctx, "things", "preview"));   /* visible inside the request */
    twin_doc_put_lasting(&f.ctx, "_answers", "preview", json_object(f.a));
    f.req.status = 200;
    f.req.sent = true;
    assert_false(twin_tx_end(&f.ctx));   /* a preview: the 200 keeps nothing */
    f.ctx.discard_writes = false;
    assert_null(twin_doc_get(&f.ctx, "things", "preview"));
    assert_non_null(twin_doc_get(&f.ctx, "_answers", "preview"));   /* lasting writes still apply */
    assert_int_equal(twin_counter(&f.ctx, "in_"), before + 1);      /* the preview's id is minted again */
    assert_non_null(twin_doc_get(&f.ctx, "things", "kept"));
    tx_fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(map_put_get_remove_grow),   cmocka_unit_test(map_churn_stays_small),
          cmocka_unit_test(glob_patterns),
        cmocka_unit_test(iso8601_round_trip),        cmocka_unit_test(tokens_and_uuids),
        cmocka_unit_test(hex_helpers),              cmocka_unit_test(hmac_over_parts),
        cmocka_unit_test(tx_error_answer_rolls_back_but_keeps_lasting_writes),
        cmocka_unit_test(tx_store_failure_rolls_back_and_spoils_lasting_writes),
        cmocka_unit_test(tx_unanswered_handler_commits),
        cmocka_unit_test(tx_answer_failed_rolls_back_a_success_status),
        cmocka_unit_test(doc_get_tells_absent_from_store_failure),
        cmocka_unit_test(doc_get_flags_a_stored_document_that_is_not_json),
        cmocka_unit_test(doc_get_flags_a_failing_sqlite_store),
        cmocka_unit_test(tx_discarded_success_rolls_back_ids_too),
        cmocka_unit_test(faults_count_and_method), cmocka_unit_test(faults_match_decoded_path), cmocka_unit_test(twin_arg_keeps_nul_strings_whole),   cmocka_unit_test(faults_reject_bad_specs),
        cmocka_unit_test(faults_probability_is_reproducible), cmocka_unit_test(faults_latency_and_listing),
        cmocka_unit_test(journal_ring_keeps_newest), cmocka_unit_test(base64_round_trips_both_alphabets),
        cmocka_unit_test(ratelimit_window_rolls_over), cmocka_unit_test(ratelimit_aligned_windows_reset_on_the_boundary),
        cmocka_unit_test(ratelimit_peek_reads_without_counting),
        cmocka_unit_test(ratelimit_keys_are_separate_and_clear_forgets),
        cmocka_unit_test(ratelimit_drops_ended_windows_as_it_grows),
    };
    return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
