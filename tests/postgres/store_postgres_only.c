/* What only a shared PostgreSQL store has, beyond the contract every backend
 * keeps: bytes that are not UTF-8, two servers' connections on one database,
 * a run cleared by another node, a connection cut under the store.
 *
 * The contract itself is tests/unit/test_store.c, which runs against
 * PostgreSQL when given --postgres CONNINFO.  Both need a running server for
 * that, so this binary is not one of the build/tests/test_* binaries that
 * scripts/run-unit.sh runs: tests/integration/postgres.test.mjs starts a
 * throwaway cluster and runs
 *     build/postgres/store_postgres_only --postgres 'host=/tmp/... dbname=... user=postgres'
 * (or with the conninfo in TWINS_TEST_PG).  Every test starts from an empty
 * schema: the twins_ tables are dropped and the store recreates them. */
#include "store_fixture.h"

static const char *conninfo;

static store *open_store(void)
{
    char *err = NULL;
    store *s = store_open_postgres(conninfo, &err);
    if (!s) fail_msg("cannot open the store: %s", err ? err : "?");
    return s;
}

static int setup(void **state)
{
    return fixture_start(state, pg_open_fresh(conninfo));
}

/* Ends the store's connections from outside, as a restart or an idle cut does. */
static void cut_store_connections(void)
{
    pg_admin_exec(conninfo, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            " WHERE application_name = 'twins' AND pid <> pg_backend_pid()");
}

/* Bytes are stored as given: ids from URLs need not be UTF-8, and collections
 * dump in byte order as with SQLite. */
static void test_bytes_not_text(void **state)
{
    fixture *f = *state;
    store_key latin1 = {"run1", "stripe", "caf\xe9"};
    store_key upper = {"run1", "stripe", "Zeta"};
    store_key under = {"run1", "stripe", "_hidden"};
    put_doc(f->s, &latin1, "\xff\xfe", "\"\xe9\"");
    put_doc(f->s, &upper, "z", "1");
    put_doc(f->s, &under, "u", "2");
    assert_string_equal(store_get(f->s, f->a, &latin1, "\xff\xfe", NULL), "\"\xe9\"");
    put_indexed(f->s, &K, "t", "name", "\xc0\x80");
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
    put_doc(f->s, &K, "a", "{}");
    put_doc(other, &K, "b", "{}");
    put_doc(f->s, &K, "c", "{}");
    store_list_opts o = {0};
    assert_string_equal(page_of(f, other, &K, &o), "a,b,c");
    assert_string_equal(page(f, &K, &o), "a,b,c");

    for (int i = 1; i <= 6; i++)
        assert_int_equal(store_counter_next(i % 2 ? f->s : other, "run1", "stripe", "n"), i);

    assert_int_equal(store_clear_run(other, "run1"), 0);
    assert_false(store_exists(f->s, &K, "a"));
    put_doc(f->s, &K, "d", "{\"again\":1}");
    assert_string_equal(store_get(other, f->a, &K, "d", NULL), "{\"again\":1}");

    /* One node's open transaction is invisible to the other until it commits. */
    assert_int_equal(store_begin(f->s), 0);
    put_doc(f->s, &K, "e", "{}");
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
    put_doc(f->s, &K, "a", "{\"n\":1}");
    cut_store_connections();
    assert_string_equal(store_get(f->s, f->a, &K, "a", NULL), "{\"n\":1}");
    put_doc(f->s, &K, "b", "{}");
    assert_int_equal(store_count(f->s, &K, NULL, NULL), 2);

    /* Cut inside a transaction: that transaction is lost and says so. */
    assert_int_equal(store_begin(f->s), 0);
    put_doc(f->s, &K, "c", "{}");
    cut_store_connections();
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
    conninfo = pg_conninfo_from(argc, argv);
    if (!conninfo) {
        fprintf(stderr, "usage: %s --postgres CONNINFO (or TWINS_TEST_PG): a PostgreSQL to test against\n",
                argv[0]);
        return 2;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bytes_not_text, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_two_nodes_share_one_database, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_reconnects_after_a_cut, setup, fixture_teardown),
        cmocka_unit_test(test_bad_conninfo_is_reported),
    };
    return cmocka_run_group_tests_name("store/postgres-only", tests, NULL, NULL);
}
