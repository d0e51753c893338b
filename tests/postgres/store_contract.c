/* The store contract, run against the PostgreSQL backend, plus what only a
 * shared database has: two servers' connections on one database, bytes that
 * are not UTF-8, a connection cut under the store.
 *
 * Needs a running server, so it is not one of the build/tests/test_* binaries
 * that scripts/run-unit.sh runs: tests/integration/postgres.test.mjs starts a
 * throwaway cluster and runs it as
 *     build/postgres/store_contract 'host=/tmp/... dbname=postgres user=postgres'
 * (or with the conninfo in TWINS_TEST_PG).  Every test starts from an empty
 * schema: the twins_ tables are dropped and the store recreates them. */
#include "testutil.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"

static const char *conninfo;

typedef struct fixture {
    store *s;
    arena *a;
} fixture;

static const store_key K = {"run1", "stripe", "customers"};

/* Runs SQL on a connection of the test's own (not the store's). */
static void admin_exec(const char *sql)
{
    PGconn *c = PQconnectdb(conninfo);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("admin SQL failed: %s", PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

static store *open_store(void)
{
    char *err = NULL;
    store *s = store_open_postgres(conninfo, &err);
    if (!s) fail_msg("cannot open the store: %s", err ? err : "?");
    return s;
}

static int setup(void **state)
{
    admin_exec("SET client_min_messages = warning;"
               "DROP TABLE IF EXISTS twins_docs, twins_idx, twins_counters, twins_baseline_docs,"
               " twins_baseline_idx, twins_baseline_counters;"
               "DROP SEQUENCE IF EXISTS twins_seq;");
    fixture *f = calloc(1, sizeof *f);
    f->s = open_store();
    f->a = arena_new(0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    arena_free(f->a);
    free(f);
    return 0;
}

static void put(store *s, const store_key *k, const char *id, const char *json)
{
    if (store_put(s, k, id, json, strlen(json), NULL, 0) != 0) fail_msg("put %s: %s", id, store_errmsg(s));
}

static void put_tagged(store *s, const store_key *k, const char *id, const char *name, const char *value)
{
    store_index e = {name, value};
    assert_int_equal(store_put(s, k, id, "{}", 2, &e, 1), 0);
}

/* Puts d0 .. d(n-1) in that order. */
static void put_series(store *s, const store_key *k, int n)
{
    for (int i = 0; i < n; i++) {
        char id[16], json[64];
        snprintf(id, sizeof id, "d%d", i);
        snprintf(json, sizeof json, "{\"id\":\"%s\",\"n\":%d}", id, i);
        put(s, k, id, json);
    }
}

/* A page as "id,id,..." plus "+" when has_more. */
static const char *page_of(fixture *f, store *s, const store_key *k, const store_list_opts *o)
{
    store_list_result r;
    if (store_list(s, f->a, k, o, &r) != 0) fail_msg("list: %s", store_errmsg(s));
    buf b = BUF_INIT;
    for (size_t i = 0; i < r.n; i++) {
        if (i) buf_putc(&b, ',');
        buf_puts(&b, r.docs[i].id);
        assert_int_equal(r.docs[i].len, strlen(r.docs[i].json));
    }
    if (r.has_more) buf_putc(&b, '+');
    char *text = arena_strdup(f->a, buf_cstr(&b));
    buf_free(&b);
    return text;
}

static const char *page(fixture *f, const store_key *k, const store_list_opts *o)
{
    return page_of(f, f->s, k, o);
}

static char *dump(fixture *f, const char *run, const char *twin)
{
    buf b = BUF_INIT;
    if (store_dump_twin(f->s, run, twin, &b) != 0) fail_msg("dump: %s", store_errmsg(f->s));
    char *text = arena_strdup(f->a, buf_cstr(&b));
    buf_free(&b);
    return text;
}

/* --- the contract every backend keeps ------------------------------------- */

static void test_documents(void **state)
{
    fixture *f = *state;
    put_series(f->s, &K, 3);
    size_t len = 0;
    assert_string_equal(store_get(f->s, f->a, &K, "d1", &len), "{\"id\":\"d1\",\"n\":1}");
    assert_int_equal(len, 17);
    assert_true(store_exists(f->s, &K, "d2"));
    assert_false(store_exists(f->s, &K, "d3"));
    assert_null(store_get(f->s, f->a, &K, "d3", &len));
    /* A replaced document keeps its place; the body's length is honoured. */
    assert_int_equal(store_put(f->s, &K, "d0", "{\"v\":2}tail", 7, NULL, 0), 0);
    assert_string_equal(store_get(f->s, f->a, &K, "d0", NULL), "{\"v\":2}");
    store_list_opts o = {0};
    assert_string_equal(page(f, &K, &o), "d0,d1,d2");
    assert_int_equal(store_count(f->s, &K, NULL, NULL), 3);
    /* Delete: 0 then 1 (absent); a re-created document goes to the end. */
    assert_int_equal(store_delete(f->s, &K, "d1"), 0);
    assert_int_equal(store_delete(f->s, &K, "d1"), 1);
    put(f->s, &K, "d1", "{}");
    assert_string_equal(page(f, &K, &o), "d0,d2,d1");
}

static void test_pages_and_cursors(void **state)
{
    fixture *f = *state;
    put_series(f->s, &K, 6);
    store_list_opts o = {.limit = 2};
    assert_string_equal(page(f, &K, &o), "d0,d1+");
    o.newest_first = true;
    assert_string_equal(page(f, &K, &o), "d5,d4+");
    o.limit = 6;
    assert_string_equal(page(f, &K, &o), "d5,d4,d3,d2,d1,d0");
    o.limit = 0;
    assert_string_equal(page(f, &K, &o), "d5,d4,d3,d2,d1,d0");

    o = (store_list_opts){.limit = 2, .starting_after = "d1"};
    assert_string_equal(page(f, &K, &o), "d2,d3+");
    o.starting_after = "d5";
    assert_string_equal(page(f, &K, &o), "");
    o = (store_list_opts){.limit = 2, .ending_before = "d4"};
    assert_string_equal(page(f, &K, &o), "d2,d3+");
    o.ending_before = "d2";
    assert_string_equal(page(f, &K, &o), "d0,d1");

    o = (store_list_opts){.limit = 2, .newest_first = true, .starting_after = "d4"};
    assert_string_equal(page(f, &K, &o), "d3,d2+");
    o.starting_after = "d2";
    assert_string_equal(page(f, &K, &o), "d1,d0");
    o = (store_list_opts){.limit = 2, .newest_first = true, .ending_before = "d1"};
    assert_string_equal(page(f, &K, &o), "d3,d2+");
    o.ending_before = "d3";
    assert_string_equal(page(f, &K, &o), "d5,d4");

    o = (store_list_opts){.starting_after = "ghost"};
    assert_string_equal(page(f, &K, &o), "");
    store_key none = {"run1", "stripe", "charges"};
    o = (store_list_opts){0};
    assert_string_equal(page(f, &none, &o), "");
}

static void test_secondary_indexes(void **state)
{
    fixture *f = *state;
    put_tagged(f->s, &K, "a", "email", "x@example.com");
    put_tagged(f->s, &K, "b", "email", "y@example.com");
    put_tagged(f->s, &K, "c", "email", "x@example.com");
    put_tagged(f->s, &K, "d", "email", "x@example.com");
    store_list_opts o = {.index_name = "email", .index_value = "x@example.com"};
    assert_string_equal(page(f, &K, &o), "a,c,d");
    o.newest_first = true;
    o.limit = 2;
    assert_string_equal(page(f, &K, &o), "d,c+");
    o.starting_after = "c";
    assert_string_equal(page(f, &K, &o), "a");
    o.starting_after = NULL;
    o.ending_before = "a";
    assert_string_equal(page(f, &K, &o), "d,c");

    const char **ids;
    size_t n;
    assert_int_equal(store_lookup(f->s, f->a, &K, "email", "x@example.com", &ids, &n, 0), 0);
    assert_int_equal(n, 3);
    assert_string_equal(ids[0], "a");
    assert_string_equal(ids[2], "d");
    assert_int_equal(store_lookup(f->s, f->a, &K, "email", "x@example.com", &ids, &n, 1), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_lookup(f->s, f->a, &K, "email", "nobody", &ids, &n, 0), 0);
    assert_int_equal(n, 0);
    assert_int_equal(store_count(f->s, &K, "email", "x@example.com"), 3);

    /* Replacing replaces the entries, deleting drops them. */
    put_tagged(f->s, &K, "a", "email", "y@example.com");
    assert_int_equal(store_delete(f->s, &K, "c"), 0);
    assert_int_equal(store_count(f->s, &K, "email", "x@example.com"), 1);
    o = (store_list_opts){.index_name = "email", .index_value = "y@example.com"};
    assert_string_equal(page(f, &K, &o), "a,b");

    /* Several entries, one given twice; a put without entries drops them all. */
    store_index e[] = {{"label", "red"}, {"label", "blue"}, {"label", "red"}, {"owner", "ann"}};
    assert_int_equal(store_put(f->s, &K, "m", "{}", 2, e, 4), 0);
    assert_int_equal(store_count(f->s, &K, "label", "red"), 1);
    assert_int_equal(store_count(f->s, &K, "owner", "ann"), 1);
    assert_int_equal(store_put(f->s, &K, "m", "{}", 2, NULL, 0), 0);
    assert_int_equal(store_count(f->s, &K, "label", "red"), 0);
}

static void test_counters_and_baselines(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "cus"), 1);
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "cus"), 2);
    assert_int_equal(store_counter_next(f->s, "run1", "slack", "cus"), 1);

    store_key charges = {"run1", "stripe", "charges"};
    put_series(f->s, &K, 4);
    put_tagged(f->s, &charges, "ch_1", "customer", "d1");
    assert_int_equal(store_save_baseline(f->s, "run1", "stripe"), 0);
    char *before = dump(f, "run1", "stripe");

    put(f->s, &K, "d9", "{}");
    put(f->s, &K, "d0", "{\"changed\":true}");
    assert_int_equal(store_delete(f->s, &K, "d2"), 0);
    put_tagged(f->s, &charges, "ch_1", "customer", "d3");
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "cus"), 3);
    assert_string_not_equal(dump(f, "run1", "stripe"), before);

    assert_int_equal(store_restore_baseline(f->s, "run1", "stripe"), 0);
    assert_string_equal(dump(f, "run1", "stripe"), before);
    store_list_opts o = {.newest_first = true};
    assert_string_equal(page(f, &K, &o), "d3,d2,d1,d0");
    assert_int_equal(store_count(f->s, &charges, "customer", "d1"), 1);
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "cus"), 3);
    put(f->s, &K, "d10", "{}");
    assert_string_equal(page(f, &K, &o), "d10,d3,d2,d1,d0");

    /* Clearing a twin resets its counters; a run's clear drops its baselines. */
    assert_int_equal(store_clear_twin(f->s, "run1", "stripe"), 0);
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "cus"), 1);
    assert_int_equal(store_counter_next(f->s, "run1", "slack", "cus"), 2);
    assert_int_equal(store_clear_run(f->s, "run1"), 0);
    assert_int_equal(store_restore_baseline(f->s, "run1", "stripe"), 0);
    assert_int_equal(store_count(f->s, &K, NULL, NULL), 0);
}

static void test_transactions_nest(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_begin(f->s), 0);
    put(f->s, &K, "a", "{}");
    assert_int_equal(store_begin(f->s), 0);
    put(f->s, &K, "b", "{}");
    assert_int_equal(store_commit(f->s), 0);
    assert_int_equal(store_commit(f->s), 0);

    assert_int_equal(store_begin(f->s), 0);
    assert_int_equal(store_begin(f->s), 0);
    put(f->s, &K, "c", "{}");
    assert_int_equal(store_commit(f->s), 0);
    assert_int_equal(store_rollback(f->s), 0);
    assert_false(store_exists(f->s, &K, "c"));

    assert_int_equal(store_begin(f->s), 0);
    put(f->s, &K, "d", "{}");
    assert_int_equal(store_begin(f->s), 0);
    put(f->s, &K, "e", "{}");
    assert_int_equal(store_rollback(f->s), 0);
    assert_int_equal(store_commit(f->s), -1);
    assert_false(store_exists(f->s, &K, "d"));

    /* A transaction with only reads sends nothing and still works. */
    assert_int_equal(store_begin(f->s), 0);
    assert_true(store_exists(f->s, &K, "a"));
    assert_int_equal(store_commit(f->s), 0);
    store_list_opts o = {0};
    assert_string_equal(page(f, &K, &o), "a,b");
}

static void test_dump_and_isolation(void **state)
{
    fixture *f = *state;
    assert_string_equal(dump(f, "run1", "stripe"), "{}");
    store_key weird = {"run1", "stripe", "a\"b\\c\n\x01"};
    store_key charges = {"run1", "stripe", "charges"};
    store_key other_run = {"run2", "stripe", "customers"};
    put_series(f->s, &K, 2);
    put(f->s, &charges, "ch", "{\"amount\":100}");
    put(f->s, &weird, "w", "[1,2]");
    put(f->s, &other_run, "d0", "{\"other\":true}");
    char *text = dump(f, "run1", "stripe");
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    assert_non_null(root);
    assert_int_equal(json_object_size(root), 3);
    json_decref(root);
    assert_true(strstr(text, "\"a\\\"b\\\\c\\u000a\\u0001\":[[1,2]]") == text + 1);
    assert_non_null(strstr(text, "\"charges\":[{\"amount\":100}],\"customers\":[{\"id\":\"d0\",\"n\":0},"));
    assert_string_equal(store_get(f->s, f->a, &other_run, "d0", NULL), "{\"other\":true}");
    buf b = BUF_INIT;
    buf_puts(&b, "x=");
    assert_int_equal(store_dump_twin(f->s, "run9", "none", &b), 0);
    assert_string_equal(buf_cstr(&b), "x={}");
    buf_free(&b);
    assert_true(store_size_bytes(f->s) > 0);
}

/* --- what only a shared PostgreSQL store has ------------------------------ */

/* Bytes are stored as given: ids from URLs need not be UTF-8, and collections
 * dump in byte order as with SQLite. */
static void test_bytes_not_text(void **state)
{
    fixture *f = *state;
    store_key latin1 = {"run1", "stripe", "caf\xe9"};
    store_key upper = {"run1", "stripe", "Zeta"};
    store_key under = {"run1", "stripe", "_hidden"};
    put(f->s, &latin1, "\xff\xfe", "\"\xe9\"");
    put(f->s, &upper, "z", "1");
    put(f->s, &under, "u", "2");
    assert_string_equal(store_get(f->s, f->a, &latin1, "\xff\xfe", NULL), "\"\xe9\"");
    put_tagged(f->s, &K, "t", "name", "\xc0\x80");
    assert_int_equal(store_count(f->s, &K, "name", "\xc0\x80"), 1);
    /* 'Z' (0x5a) < '_' (0x5f) < 'c' (0x63): byte order, not a locale's. */
    const char *text = dump(f, "run1", "stripe");
    const char *z = strstr(text, "\"Zeta\""), *u = strstr(text, "\"_hidden\""), *c = strstr(text, "\"caf");
    assert_true(z && u && c && z < u && u < c);
}

/* Two servers on one database: one insertion order, atomic counters, and a
 * run cleared by one is cleanly writable by the other. */
static void test_two_nodes_share_one_database(void **state)
{
    fixture *f = *state;
    store *other = open_store();
    put(f->s, &K, "a", "{}");
    put(other, &K, "b", "{}");
    put(f->s, &K, "c", "{}");
    store_list_opts o = {0};
    assert_string_equal(page_of(f, other, &K, &o), "a,b,c");
    assert_string_equal(page(f, &K, &o), "a,b,c");

    for (int i = 1; i <= 6; i++)
        assert_int_equal(store_counter_next(i % 2 ? f->s : other, "run1", "stripe", "n"), i);

    assert_int_equal(store_clear_run(other, "run1"), 0);
    assert_false(store_exists(f->s, &K, "a"));
    put(f->s, &K, "d", "{\"again\":1}");
    assert_string_equal(store_get(other, f->a, &K, "d", NULL), "{\"again\":1}");

    /* One node's open transaction is invisible to the other until it commits. */
    assert_int_equal(store_begin(f->s), 0);
    put(f->s, &K, "e", "{}");
    assert_false(store_exists(other, &K, "e"));
    assert_int_equal(store_commit(f->s), 0);
    assert_true(store_exists(other, &K, "e"));
    store_close(other);
}

/* The database drops the connection (restart, idle cut): the next call
 * reconnects instead of failing forever. */
static void test_reconnects_after_a_cut(void **state)
{
    fixture *f = *state;
    put(f->s, &K, "a", "{\"n\":1}");
    admin_exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
               " WHERE application_name = 'twins' AND pid <> pg_backend_pid()");
    assert_string_equal(store_get(f->s, f->a, &K, "a", NULL), "{\"n\":1}");
    put(f->s, &K, "b", "{}");
    assert_int_equal(store_count(f->s, &K, NULL, NULL), 2);

    /* Cut inside a transaction: that transaction is lost and says so. */
    assert_int_equal(store_begin(f->s), 0);
    put(f->s, &K, "c", "{}");
    admin_exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
               " WHERE application_name = 'twins' AND pid <> pg_backend_pid()");
    assert_int_equal(store_put(f->s, &K, "d", "{}", 2, NULL, 0), -1);
    assert_int_equal(store_rollback(f->s), 0);
    assert_false(store_exists(f->s, &K, "c"));
    assert_int_equal(store_count(f->s, &K, NULL, NULL), 2);
}

static void test_bad_conninfo_is_reported(void **state)
{
    char *err = NULL;
    assert_null(store_open_postgres("host=/nonexistent-socket-dir dbname=x connect_timeout=2", &err));
    assert_non_null(err);
    assert_non_null(strstr(err, "PostgreSQL"));
    free(err);
}

int main(int argc, char **argv)
{
    conninfo = argc > 1 ? argv[1] : getenv("TWINS_TEST_PG");
    if (!conninfo || !*conninfo) {
        fprintf(stderr, "usage: %s CONNINFO (or TWINS_TEST_PG): a PostgreSQL to test against\n", argv[0]);
        return 2;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_documents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pages_and_cursors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secondary_indexes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counters_and_baselines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transactions_nest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dump_and_isolation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bytes_not_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_nodes_share_one_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reconnects_after_a_cut, setup, teardown),
        cmocka_unit_test(test_bad_conninfo_is_reported),
    };
    return cmocka_run_group_tests_name("store on PostgreSQL", tests, NULL, NULL);
}
