// Micro-benchmark of the store's hot paths: puts in one transaction, puts in
// their own transactions, gets by id, and newest-first list pages.  The
// backend is the native memory store, SQLite in memory (`sqlite`), or
// PostgreSQL when the second argument is a connection string.
//
// Build (from the repo root, needs only the store and util sources):
//   cc -std=c17 -D_GNU_SOURCE -O2 -Isrc $(pkg-config --cflags libpq) -o build/store_bench
//      bench/store_bench.c src/store/*.c src/json/*.c src/util/arena.c src/util/bigmem.c src/util/buf.c
//      src/util/map.c src/util/util.c -lsqlite3 -lpq -lcrypto
// Run: build/store_bench [documents [memory|sqlite|postgres-conninfo]]   (default 100000 memory)
// On PostgreSQL the time is wall-clock time: the work is done by the
// database's own process, which CPU time of this one would not see.
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"

/* Roughly the size of a Stripe customer object. */
static const char body_template[] =
    "{\"id\":\"cus_%08d\",\"object\":\"customer\",\"created\":1700000000,"
    "\"email\":\"user%d@example.com\",\"name\":\"Customer %d\",\"livemode\":false,"
    "\"metadata\":{},\"balance\":0,\"currency\":\"usd\",\"delinquent\":false,"
    "\"description\":\"benchmark customer with a body of realistic size\","
    "\"invoice_prefix\":\"ABC%05d\",\"preferred_locales\":[],\"tax_exempt\":\"none\"}";

/* Ids as a twin mints them: unique, but not in insertion order. */
static void make_id(char *id, size_t size, int i)
{
    snprintf(id, size, "cus_%08x", (unsigned)i * 2654435761u);
}

static clockid_t bench_clock = CLOCK_PROCESS_CPUTIME_ID;

/* CPU time rather than wall time: the benchmark shares machines with builds. */
static double now_us(void)
{
    struct timespec ts;
    clock_gettime(bench_clock, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void report(const char *what, double elapsed_us, int ops)
{
    printf("%-40s %8d ops %10.1f ms %8.2f us/op\n", what, ops, elapsed_us / 1e3, elapsed_us / ops);
}

static void die(store *s, const char *what)
{
    fprintf(stderr, "store_bench: %s: %s\n", what, store_errmsg(s));
    exit(1);
}

static void bench_puts(store *s, const store_key *k, int n)
{
    char id[32], body[1024];
    double t0 = now_us();
    if (store_begin(s) != 0) die(s, "begin");
    for (int i = 0; i < n; i++) {
        make_id(id, sizeof id, i);
        int len = snprintf(body, sizeof body, body_template, i, i, i, i);
        char email[32];
        snprintf(email, sizeof email, "user%d@example.com", i % 1000);
        store_index e = {"email", email};
        if (store_put(s, k, id, body, (size_t)len, &e, 1) != 0) die(s, "put");
    }
    if (store_commit(s) != 0) die(s, "commit");
    report("put (1 index entry, one transaction)", now_us() - t0, n);
}

/* As a request does it: each put its own transaction (the backend's commit
 * is on the path; for PostgreSQL, three round trips). */
static void bench_single_puts(store *s, const store_key *k, int n)
{
    char id[32], body[1024];
    double t0 = now_us();
    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof id, "single_%d", i);
        int len = snprintf(body, sizeof body, body_template, i, i, i, i);
        store_index e = {"email", "single@example.com"};
        if (store_put(s, k, id, body, (size_t)len, &e, 1) != 0) die(s, "put");
    }
    report("put (1 index entry, own transaction)", now_us() - t0, n);
}

/* As requests do it, each put its own transaction, timing every put: the
 * slowest one shows the stalls of growing tables, which an average hides. */
static void bench_put_latency(store *s, const store_key *k, int n)
{
    char id[32], body[1024];
    double slowest = 0, t0 = now_us();
    for (int i = 0; i < n; i++) {
        make_id(id, sizeof id, i);
        int len = snprintf(body, sizeof body, body_template, i, i, i, i);
        store_index e = {"email", "bench@example.com"}; /* one ever-growing bucket, like wrk's creates */
        double t = now_us();
        if (store_begin(s) != 0) die(s, "begin");
        if (store_put(s, k, id, body, (size_t)len, &e, 1) != 0) die(s, "put");
        if (store_commit(s) != 0) die(s, "commit");
        t = now_us() - t;
        if (t > slowest) slowest = t;
    }
    report("put (own transaction, each timed)", now_us() - t0, n);
    printf("%-40s %8s     %10.3f ms\n", "  slowest single put", "", slowest / 1e3);
}

static void bench_gets(store *s, const store_key *k, int n)
{
    arena *a = arena_new(0);
    char id[32];
    unsigned x = 12345;
    double t0 = now_us();
    for (int i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u; /* random order defeats any locality */
        make_id(id, sizeof id, (int)(x % (unsigned)n));
        if (!store_get(s, a, k, id, NULL)) die(s, "get");
        arena_reset(a);
    }
    report("get by id (random order)", now_us() - t0, n);
    arena_free(a);
}

static void bench_list(store *s, const store_key *k, const store_list_opts *o, const char *what,
                       int rounds)
{
    arena *a = arena_new(0);
    store_list_result r;
    double t0 = now_us();
    for (int i = 0; i < rounds; i++) {
        if (store_list(s, a, k, o, &r) != 0 || r.n == 0) die(s, "list");
        arena_reset(a);
    }
    report(what, now_us() - t0, rounds);
    arena_free(a);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100000;
    if (n < 1000) n = 1000;
    const char *backend = argc > 2 ? argv[2] : "memory";
    bool sqlite = strcmp(backend, "sqlite") == 0, memory = strcmp(backend, "memory") == 0;
    char *err = NULL;
    store *s = memory ? store_open_memory(&err) : sqlite ? store_open_sqlite(NULL, &err) : store_open_postgres(backend, &err);
    if (!s) {
        fprintf(stderr, "store_bench: %s\n", err ? err : "cannot open the store");
        return 1;
    }
    if (!memory && !sqlite) bench_clock = CLOCK_MONOTONIC;
    printf("store: %s\n", memory ? "memory (CPU time)" : sqlite ? "SQLite in memory (CPU time)" : "PostgreSQL (wall time)");
    store_key k = {"7f1c2a9e-3b4d-4e5f-8a6b-9c0d1e2f3a4b", "stripe", "customers"};
    char cursor[32];
    make_id(cursor, sizeof cursor, n / 2);

    bench_puts(s, &k, n);
    store_key single = {k.run, k.twin, "singles"};
    bench_single_puts(s, &single, 2000);
    store_key timed = {k.run, k.twin, "timed"};
    bench_put_latency(s, &timed, n);
    bench_gets(s, &k, n);
    store_list_opts newest = {.limit = 20, .newest_first = true};
    bench_list(s, &k, &newest, "list 20 newest", 10000);
    store_list_opts middle = {.limit = 20, .newest_first = true, .starting_after = cursor};
    bench_list(s, &k, &middle, "list 20 newest, starting_after cursor", 10000);
    store_list_opts by_email = {.limit = 20, .newest_first = true, .index_name = "email",
                                .index_value = "user7@example.com"};
    bench_list(s, &k, &by_email, "list 20 newest filtered by index", 10000);
    printf("store size: %.1f MB for %d documents\n", store_size_bytes(s) / 1e6, n);
    store_close(s);
    return 0;
}
