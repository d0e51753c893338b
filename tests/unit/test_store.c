/* Store contract tests, run against every backend (the table below), and
 * against PostgreSQL too when given --postgres CONNINFO or TWINS_TEST_PG. */
#include "store_fixture.h"

#include <jansson.h>
#include <unistd.h>

typedef struct backend_case {
    const char *name;
    store *(*open)(char **err_out);
} backend_case;

static store *open_sqlite_in_memory(char **err_out)
{
    return store_open_sqlite(NULL, err_out);
}

/* Given with --postgres CONNINFO (or TWINS_TEST_PG): the contract then runs
 * against PostgreSQL too.  tests/integration/postgres.test.mjs starts a
 * throwaway cluster and does that; run-unit.sh runs without one. */
static const char *pg_conninfo;

/* Each test starts from an empty schema, like a fresh in-memory store. */
static store *open_postgres_fresh(char **err_out)
{
    return pg_open_fresh(pg_conninfo);
}

static const backend_case backends[] = {
    {"store/sqlite", open_sqlite_in_memory},
    {"store/memory", store_open_memory},
};
static const backend_case postgres_backend = {"store/postgres", open_postgres_fresh};

static const backend_case *backend; /* the one the current group runs against */

static int setup(void **state)
{
    char *err = NULL;
    store *s = backend->open(&err);
    assert_null(err);
    return fixture_start(state, s);
}

static void test_put_get_replace_keeps_order(void **state)
{
    fixture *f = *state;
    put_numbered(f->s, &K, 3);
    size_t len = 0;
    char *got = store_get(f->s, f->a, &K, "d1", &len);
    assert_string_equal(got, "{\"id\":\"d1\",\"n\":1}");
    assert_int_equal(len, strlen(got));
    assert_true(store_exists(f->s, &K, "d1"));
    assert_false(store_exists(f->s, &K, "nope"));
    assert_null(store_get(f->s, f->a, &K, "nope", &len));

    put_doc(f->s, &K, "d0", "{\"v\":2}");
    assert_string_equal(store_get(f->s, f->a, &K, "d0", NULL), "{\"v\":2}");
    store_list_opts o = {0};
    assert_string_equal(page(f, &K, &o), "d0,d1,d2");
    assert_int_equal(store_count(f->s, &K, NULL, NULL), 3);
}

static void test_body_length_is_respected(void **state)
{
    fixture *f = *state;
    const char *json = "{\"a\":1}trailing";
    assert_int_equal(store_put(f->s, &K, "x", json, 7, NULL, 0), 0);
    size_t len = 0;
    assert_string_equal(store_get(f->s, f->a, &K, "x", &len), "{\"a\":1}");
    assert_int_equal(len, 7);
}

static void test_delete(void **state)
{
    fixture *f = *state;
    put_numbered(f->s, &K, 3);
    assert_int_equal(store_delete(f->s, &K, "d1"), 0);
    assert_int_equal(store_delete(f->s, &K, "d1"), 1);
    assert_false(store_exists(f->s, &K, "d1"));
    store_list_opts o = {0};
    assert_string_equal(page(f, &K, &o), "d0,d2");
    /* A re-created document goes to the end. */
    put_doc(f->s, &K, "d1", "{}");
    assert_string_equal(page(f, &K, &o), "d0,d2,d1");
}

static void test_list_orders_limit_has_more(void **state)
{
    fixture *f = *state;
    put_numbered(f->s, &K, 5);
    store_list_opts o = {.limit = 2};
    assert_string_equal(page(f, &K, &o), "d0,d1+");
    o.newest_first = true;
    assert_string_equal(page(f, &K, &o), "d4,d3+");
    o.limit = 5;
    assert_string_equal(page(f, &K, &o), "d4,d3,d2,d1,d0");
    o.limit = 0;
    assert_string_equal(page(f, &K, &o), "d4,d3,d2,d1,d0");
    store_key empty = {"run1", "stripe", "charges"};
    assert_string_equal(page(f, &empty, &o), "");
}

static void test_cursors_ascending(void **state)
{
    fixture *f = *state;
    put_numbered(f->s, &K, 6);
    store_list_opts o = {.limit = 2, .starting_after = "d1"};
    assert_string_equal(page(f, &K, &o), "d2,d3+");
    o.starting_after = "d3";
    assert_string_equal(page(f, &K, &o), "d4,d5");
    o.starting_after = "d5";
    assert_string_equal(page(f, &K, &o), "");
    o = (store_list_opts){.limit = 2, .ending_before = "d4"};
    assert_string_equal(page(f, &K, &o), "d2,d3+");
    o.ending_before = "d2";
    assert_string_equal(page(f, &K, &o), "d0,d1");
    o.ending_before = "d0";
    assert_string_equal(page(f, &K, &o), "");
}

static void test_cursors_newest_first(void **state)
{
    fixture *f = *state;
    put_numbered(f->s, &K, 6);
    store_list_opts o = {.limit = 2, .newest_first = true, .starting_after = "d4"};
    assert_string_equal(page(f, &K, &o), "d3,d2+");
    o.starting_after = "d2";
    assert_string_equal(page(f, &K, &o), "d1,d0");
    o.starting_after = "d0";
    assert_string_equal(page(f, &K, &o), "");
    o = (store_list_opts){.limit = 2, .newest_first = true, .ending_before = "d1"};
    assert_string_equal(page(f, &K, &o), "d3,d2+");
    o.ending_before = "d3";
    assert_string_equal(page(f, &K, &o), "d5,d4");
    o.ending_before = "d5";
    assert_string_equal(page(f, &K, &o), "");
}

static void test_unknown_cursor_gives_empty_page(void **state)
{
    fixture *f = *state;
    put_numbered(f->s, &K, 3);
    store_list_opts o = {.starting_after = "ghost"};
    assert_string_equal(page(f, &K, &o), "");
    o = (store_list_opts){.ending_before = "ghost", .newest_first = true};
    assert_string_equal(page(f, &K, &o), "");
}

static void test_index_filter_lookup_count(void **state)
{
    fixture *f = *state;
    put_indexed(f->s, &K, "a", "email", "x@example.com");
    put_indexed(f->s, &K, "b", "email", "y@example.com");
    put_indexed(f->s, &K, "c", "email", "x@example.com");
    put_indexed(f->s, &K, "d", "email", "x@example.com");

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
    assert_int_equal(store_lookup(f->s, f->a, &K, "email", "none", &ids, &n, 0), 0);
    assert_int_equal(n, 0);

    assert_int_equal(store_count(f->s, &K, "email", "x@example.com"), 3);
    assert_int_equal(store_count(f->s, &K, NULL, NULL), 4);

    /* Replacing a document replaces its entries; deleting drops them. */
    put_indexed(f->s, &K, "a", "email", "y@example.com");
    assert_int_equal(store_delete(f->s, &K, "c"), 0);
    assert_int_equal(store_count(f->s, &K, "email", "x@example.com"), 1);
    o = (store_list_opts){.index_name = "email", .index_value = "y@example.com"};
    assert_string_equal(page(f, &K, &o), "a,b"); /* a kept its place */
}

static void test_multiple_index_entries(void **state)
{
    fixture *f = *state;
    store_index e[] = {{"label", "red"}, {"label", "blue"}, {"label", "red"}, {"owner", "ann"}};
    assert_int_equal(store_put(f->s, &K, "a", "{}", 2, e, 4), 0);
    assert_int_equal(store_count(f->s, &K, "label", "red"), 1);
    assert_int_equal(store_count(f->s, &K, "label", "blue"), 1);
    assert_int_equal(store_count(f->s, &K, "owner", "ann"), 1);
    assert_int_equal(store_put(f->s, &K, "a", "{}", 2, NULL, 0), 0);
    assert_int_equal(store_count(f->s, &K, "label", "red"), 0);
}

static void test_counters(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "cus"), 1);
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "cus"), 2);
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "ch"), 1);
    assert_int_equal(store_counter_next(f->s, "run1", "slack", "cus"), 1);
    assert_int_equal(store_counter_next(f->s, "run2", "stripe", "cus"), 1);

    assert_int_equal(store_save_baseline(f->s, "run1", "stripe"), 0);
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "cus"), 3);
    assert_int_equal(store_restore_baseline(f->s, "run1", "stripe"), 0);
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "cus"), 3);

    assert_int_equal(store_clear_twin(f->s, "run1", "stripe"), 0);
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "cus"), 1);
    assert_int_equal(store_counter_next(f->s, "run1", "slack", "cus"), 2);
}

/* A run cleared inside a transaction is gone for the rest of it, even for
 * the (run, twin) the store looked up last; rollback brings it back. */
static void test_run_cleared_in_a_transaction(void **state)
{
    fixture *f = *state;
    put_doc(f->s, &K, "a", "{}");
    assert_int_equal(store_begin(f->s), 0);
    assert_true(store_exists(f->s, &K, "a"));
    assert_int_equal(store_clear_run(f->s, K.run), 0);
    assert_false(store_exists(f->s, &K, "a"));
    put_doc(f->s, &K, "b", "{}");
    assert_true(store_exists(f->s, &K, "b"));
    assert_int_equal(store_commit(f->s), 0);
    assert_true(store_exists(f->s, &K, "b"));
    assert_false(store_exists(f->s, &K, "a"));

    assert_int_equal(store_begin(f->s), 0);
    assert_int_equal(store_clear_run(f->s, K.run), 0);
    assert_false(store_exists(f->s, &K, "b"));
    assert_int_equal(store_rollback(f->s), 0);
    assert_true(store_exists(f->s, &K, "b"));
}

static void test_nested_transactions(void **state)
{
    fixture *f = *state;
    assert_int_equal(store_begin(f->s), 0);
    put_doc(f->s, &K, "a", "{}");
    assert_int_equal(store_begin(f->s), 0);
    put_doc(f->s, &K, "b", "{}");
    assert_int_equal(store_commit(f->s), 0);
    assert_int_equal(store_commit(f->s), 0);
    assert_int_equal(store_count(f->s, &K, NULL, NULL), 2);

    /* Outer rollback undoes a committed inner level. */
    assert_int_equal(store_begin(f->s), 0);
    assert_int_equal(store_begin(f->s), 0);
    put_doc(f->s, &K, "c", "{}");
    assert_int_equal(store_commit(f->s), 0);
    assert_int_equal(store_rollback(f->s), 0);
    assert_false(store_exists(f->s, &K, "c"));

    /* Inner rollback dooms the outer commit. */
    assert_int_equal(store_begin(f->s), 0);
    put_doc(f->s, &K, "d", "{}");
    assert_int_equal(store_begin(f->s), 0);
    put_doc(f->s, &K, "e", "{}");
    assert_int_equal(store_rollback(f->s), 0);
    assert_int_equal(store_commit(f->s), -1);
    assert_non_null(strstr(store_errmsg(f->s), "inner rollback"));
    assert_false(store_exists(f->s, &K, "d"));
    assert_false(store_exists(f->s, &K, "e"));

    /* And the store is usable afterwards. */
    assert_int_equal(store_begin(f->s), 0);
    put_doc(f->s, &K, "f", "{}");
    assert_int_equal(store_commit(f->s), 0);
    assert_true(store_exists(f->s, &K, "f"));

    /* A transaction with only reads (PostgreSQL sends nothing for it) works. */
    assert_int_equal(store_begin(f->s), 0);
    assert_true(store_exists(f->s, &K, "a"));
    assert_int_equal(store_commit(f->s), 0);
    store_list_opts o = {0};
    assert_string_equal(page(f, &K, &o), "a,b,f");
}

static void test_isolation_between_runs_and_twins(void **state)
{
    fixture *f = *state;
    store_key other_run = {"run2", "stripe", "customers"};
    store_key other_twin = {"run1", "slack", "customers"};
    put_doc(f->s, &K, "a", "{\"w\":1}");
    put_doc(f->s, &other_run, "a", "{\"w\":2}");
    put_doc(f->s, &other_twin, "a", "{\"w\":3}");
    assert_string_equal(store_get(f->s, f->a, &other_run, "a", NULL), "{\"w\":2}");
    assert_int_equal(store_count(f->s, &K, NULL, NULL), 1);

    assert_int_equal(store_save_baseline(f->s, "run1", "stripe"), 0);
    assert_int_equal(store_clear_twin(f->s, "run1", "stripe"), 0);
    assert_false(store_exists(f->s, &K, "a"));
    assert_true(store_exists(f->s, &other_twin, "a"));

    assert_int_equal(store_clear_run(f->s, "run1"), 0);
    assert_false(store_exists(f->s, &other_twin, "a"));
    assert_true(store_exists(f->s, &other_run, "a"));
    /* clear_run also dropped the baseline. */
    assert_int_equal(store_restore_baseline(f->s, "run1", "stripe"), 0);
    assert_false(store_exists(f->s, &K, "a"));
}

static void test_baseline_restore_is_exact(void **state)
{
    fixture *f = *state;
    store_key charges = {"run1", "stripe", "charges"};
    put_numbered(f->s, &K, 4);
    put_indexed(f->s, &charges, "ch_1", "customer", "d1");
    put_indexed(f->s, &charges, "ch_2", "customer", "d2");
    store_counter_next(f->s, "run1", "stripe", "ch");
    assert_int_equal(store_save_baseline(f->s, "run1", "stripe"), 0);
    char *before = dump(f, "run1", "stripe");

    put_doc(f->s, &K, "d9", "{}");
    put_doc(f->s, &K, "d0", "{\"changed\":true}");
    assert_int_equal(store_delete(f->s, &K, "d2"), 0);
    put_indexed(f->s, &charges, "ch_1", "customer", "d3");
    assert_string_not_equal(dump(f, "run1", "stripe"), before);

    assert_int_equal(store_restore_baseline(f->s, "run1", "stripe"), 0);
    assert_string_equal(dump(f, "run1", "stripe"), before);
    store_list_opts o = {.newest_first = true};
    assert_string_equal(page(f, &K, &o), "d3,d2,d1,d0");
    assert_int_equal(store_count(f->s, &charges, "customer", "d1"), 1);
    assert_int_equal(store_count(f->s, &charges, "customer", "d3"), 0);
    /* New documents still go after the restored ones. */
    put_doc(f->s, &K, "d10", "{}");
    assert_string_equal(page(f, &K, &o), "d10,d3,d2,d1,d0");
    /* Saving again replaces the old baseline. */
    assert_int_equal(store_save_baseline(f->s, "run1", "stripe"), 0);
    assert_int_equal(store_restore_baseline(f->s, "run1", "stripe"), 0);
    assert_int_equal(store_count(f->s, &K, NULL, NULL), 5);
}

static void test_restore_without_baseline_empties(void **state)
{
    fixture *f = *state;
    put_numbered(f->s, &K, 2);
    assert_int_equal(store_restore_baseline(f->s, "run1", "stripe"), 0);
    assert_int_equal(store_count(f->s, &K, NULL, NULL), 0);
}

static void test_dump_format(void **state)
{
    fixture *f = *state;
    assert_string_equal(dump(f, "run1", "stripe"), "{}");
    store_key weird = {"run1", "stripe", "a\"b\\c\n\x01"};
    store_key charges = {"run1", "stripe", "charges"};
    put_numbered(f->s, &K, 2);
    put_doc(f->s, &charges, "ch", "{\"amount\":100}");
    put_doc(f->s, &weird, "w", "[1,2]");

    char *text = dump(f, "run1", "stripe");
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    assert_non_null(root);
    assert_int_equal(json_object_size(root), 3);
    json_t *customers = json_object_get(root, "customers");
    assert_int_equal(json_array_size(customers), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(customers, 1), "n")), 1);
    assert_int_equal(json_array_size(json_object_get(root, weird.collection)), 1);
    json_decref(root);
    /* Collections sorted by name (byte order: '"' < 'c'). */
    assert_true(strstr(text, "\"a\\\"b\\\\c\\u000a\\u0001\":[[1,2]]") == text + 1);
    assert_non_null(strstr(text, "\"charges\":[{\"amount\":100}],\"customers\":["));

    /* Dumps append to what is already there. */
    buf b = BUF_INIT;
    buf_puts(&b, "x=");
    assert_int_equal(store_dump_twin(f->s, "run9", "none", &b), 0);
    assert_string_equal(buf_cstr(&b), "x={}");
    buf_free(&b);
}

/* A collection first written inside a rolled-back transaction, or in a
 * cleared run, must come back to life cleanly on the next write. */
static void test_collection_recreated_after_rollback_and_clear(void **state)
{
    fixture *f = *state;
    store_key fresh = {"run1", "stripe", "invoices"};
    assert_int_equal(store_begin(f->s), 0);
    put_doc(f->s, &fresh, "in_1", "{}");
    assert_int_equal(store_rollback(f->s), 0);
    assert_false(store_exists(f->s, &fresh, "in_1"));
    put_doc(f->s, &fresh, "in_2", "{\"n\":2}");
    assert_string_equal(dump(f, "run1", "stripe"), "{\"invoices\":[{\"n\":2}]}");

    assert_int_equal(store_clear_run(f->s, "run1"), 0);
    assert_string_equal(dump(f, "run1", "stripe"), "{}");
    put_doc(f->s, &fresh, "in_3", "{\"n\":3}");
    assert_string_equal(dump(f, "run1", "stripe"), "{\"invoices\":[{\"n\":3}]}");
    assert_int_equal(store_clear_twin(f->s, "run1", "stripe"), 0);
    assert_int_equal(store_count(f->s, &fresh, NULL, NULL), 0);
}

/* More collections than the backend remembers at once, used in turn. */
static void test_many_collections(void **state)
{
    fixture *f = *state;
    char names[40][16];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 40; i++) {
            snprintf(names[i], sizeof names[i], "coll%02d", i);
            store_key k = {"run1", "stripe", names[i]};
            char id[16];
            snprintf(id, sizeof id, "r%d", round);
            put_doc(f->s, &k, id, "{}");
        }
    }
    for (int i = 0; i < 40; i++) {
        store_key k = {"run1", "stripe", names[i]};
        assert_int_equal(store_count(f->s, &k, NULL, NULL), 3);
        store_list_opts o = {.newest_first = true};
        assert_string_equal(page(f, &k, &o), "r2,r1,r0");
    }
}

/* Everything a transaction did, in any order, is undone exactly: documents
 * (bodies, index entries, list positions), counters, baselines and runs. */
static void test_rollback_is_exact(void **state)
{
    fixture *f = *state;
    store_key charges = {"run1", "stripe", "charges"};
    store_key other = {"run2", "stripe", "customers"};
    put_numbered(f->s, &K, 4);
    put_indexed(f->s, &charges, "ch_1", "customer", "d1");
    put_doc(f->s, &other, "o1", "{\"o\":1}");
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "cus"), 1);
    assert_int_equal(store_save_baseline(f->s, "run1", "stripe"), 0);
    put_doc(f->s, &K, "d4", "{\"after_baseline\":true}");
    char *before = dump(f, "run1", "stripe");
    char *before_other = dump(f, "run2", "stripe");

    assert_int_equal(store_begin(f->s), 0);
    put_doc(f->s, &K, "d1", "{\"replaced\":1}");
    put_doc(f->s, &K, "d1", "{\"replaced\":2}");
    assert_int_equal(store_delete(f->s, &K, "d2"), 0);
    put_doc(f->s, &K, "new", "{}");
    assert_int_equal(store_delete(f->s, &K, "new"), 0);
    put_indexed(f->s, &charges, "ch_1", "customer", "d3");
    put_indexed(f->s, &charges, "ch_2", "customer", "d1");
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "cus"), 2);
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "fresh"), 1);
    assert_int_equal(store_restore_baseline(f->s, "run1", "stripe"), 0);
    put_doc(f->s, &K, "d0", "{\"after_restore\":true}");
    assert_int_equal(store_save_baseline(f->s, "run1", "stripe"), 0);
    assert_int_equal(store_clear_twin(f->s, "run1", "stripe"), 0);
    put_doc(f->s, &K, "d9", "{}");
    assert_int_equal(store_clear_run(f->s, "run2"), 0);
    put_doc(f->s, &other, "o2", "{}");
    assert_int_equal(store_rollback(f->s), 0);

    assert_string_equal(dump(f, "run1", "stripe"), before);
    assert_string_equal(dump(f, "run2", "stripe"), before_other);
    store_list_opts o = {.newest_first = true};
    assert_string_equal(page(f, &K, &o), "d4,d3,d2,d1,d0");
    o = (store_list_opts){.index_name = "customer", .index_value = "d1"};
    assert_string_equal(page(f, &charges, &o), "ch_1");
    assert_int_equal(store_count(f->s, &charges, "customer", "d3"), 0);
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "cus"), 2);
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "fresh"), 1);
    /* The baseline is the one saved before the transaction. */
    assert_int_equal(store_restore_baseline(f->s, "run1", "stripe"), 0);
    assert_false(store_exists(f->s, &K, "d4"));
    assert_string_equal(store_get(f->s, f->a, &K, "d1", NULL), "{\"id\":\"d1\",\"n\":1}");
    assert_int_equal(store_counter_next(f->s, "run1", "stripe", "cus"), 2);
}

/* A failed handler's transaction: a fresh collection and counter are gone
 * afterwards, and what was committed before stays. */
static void test_rollback_of_fresh_state(void **state)
{
    fixture *f = *state;
    store_key fresh = {"run7", "slack", "messages"};
    put_doc(f->s, &K, "keep", "{}");
    assert_int_equal(store_begin(f->s), 0);
    put_indexed(f->s, &fresh, "m1", "channel", "C1");
    assert_int_equal(store_counter_next(f->s, "run7", "slack", "ts"), 1);
    assert_int_equal(store_rollback(f->s), 0);
    assert_string_equal(dump(f, "run7", "slack"), "{}");
    assert_int_equal(store_count(f->s, &fresh, "channel", "C1"), 0);
    assert_int_equal(store_counter_next(f->s, "run7", "slack", "ts"), 1);
    assert_true(store_exists(f->s, &K, "keep"));
}

static void test_file_persistence(void **state)
{
    (void)state;
    char dir[] = "/tmp/twins-store-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/db.sqlite", dir);
    arena *a = arena_new(0);

    store *s = store_open_sqlite(path, NULL);
    assert_non_null(s);
    put_indexed(s, &K, "a", "email", "e");
    put_indexed(s, &K, "b", "email", "e");
    assert_int_equal(store_counter_next(s, "run1", "stripe", "n"), 1);
    assert_true(store_size_bytes(s) > 0);
    store_close(s);
    char wal[80];
    snprintf(wal, sizeof wal, "%s-wal", path);
    assert_int_equal(access(wal, F_OK), -1); /* checkpointed into the database */

    s = store_open_sqlite(path, NULL);
    assert_non_null(s);
    assert_string_equal(store_get(s, a, &K, "a", NULL), "{\"id\":\"a\"}");
    assert_int_equal(store_count(s, &K, "email", "e"), 2);
    assert_int_equal(store_counter_next(s, "run1", "stripe", "n"), 2);
    /* seq resumes after the stored ones: the new doc lists last. */
    put_doc(s, &K, "c", "{}");
    store_list_result r;
    store_list_opts o = {0};
    assert_int_equal(store_list(s, a, &K, &o, &r), 0);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.docs[2].id, "c");
    assert_true(r.docs[1].seq < r.docs[2].seq);
    store_close(s);

    arena_free(a);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

static void test_error_paths(void **state)
{
    fixture *f = *state;
    char *err = NULL;
    assert_null(store_open_sqlite("/nonexistent-dir/x/db.sqlite", &err));
    assert_non_null(err);
    assert_non_null(strstr(err, "/nonexistent-dir/x/db.sqlite"));
    free(err);

    store_key no_coll = {"run1", "stripe", NULL};
    assert_int_equal(store_put(f->s, &no_coll, "a", "{}", 2, NULL, 0), -1);
    assert_non_null(strstr(store_errmsg(f->s), "collection"));
    assert_int_equal(store_put(f->s, &K, NULL, "{}", 2, NULL, 0), -1);
    assert_non_null(strstr(store_errmsg(f->s), "id"));
    store_index bad = {"email", NULL};
    assert_int_equal(store_put(f->s, &K, "a", "{}", 2, &bad, 1), -1);
    assert_false(store_exists(f->s, &K, "a"));

    assert_int_equal(store_commit(f->s), -1);
    assert_non_null(strstr(store_errmsg(f->s), "without begin"));
    assert_int_equal(store_rollback(f->s), -1);

    store_list_result r;
    store_list_opts both = {.starting_after = "a", .ending_before = "b"};
    assert_int_equal(store_list(f->s, f->a, &K, &both, &r), -1);
    assert_non_null(strstr(store_errmsg(f->s), "mutually exclusive"));
    store_list_opts no_value = {.index_name = "email"};
    assert_int_equal(store_list(f->s, f->a, &K, &no_value, &r), -1);
    assert_int_equal(store_count(f->s, &K, "email", NULL), -1);
    const char **ids;
    size_t n;
    assert_int_equal(store_lookup(f->s, f->a, &K, NULL, "v", &ids, &n, 0), -1);
    assert_int_equal(store_counter_next(f->s, "run1", NULL, "n"), -1);
    assert_true(store_size_bytes(f->s) > 0);
    assert_int_equal(store_clear_run(f->s, NULL), -1);
    assert_string_equal(store_errmsg(f->s), "store: clear_run: run is required");
}

/* --- the memory store's id tables growing -------------------------------
 *
 * An id table (and an index's table of values) moves its entries to a
 * bigger one a few at a time, so for a while after each growth a key may be
 * in either table.  These tests drive tens of thousands of documents through
 * several growths (the last ones on mmap'd huge-page memory) and check every
 * step against a model of what the store should hold.  Every document has an
 * "email" index entry: its own value, or for every fourth one "shared". */

enum { GROWTH_IDS = 36000 }; /* past 32768: the last growth maps a table of 4 MiB */

typedef struct model {
    int version[GROWTH_IDS];    /* 0: absent */
    long rank[GROWTH_IDS];      /* list position: order of (re-)creation */
    long next_rank;
    int live, shared_live;
} model;

static void growth_id(char *id, size_t size, int i)
{
    snprintf(id, size, "g%05d", i);
}

static void growth_body(char *json, size_t size, int i, int version)
{
    snprintf(json, size, "{\"id\":\"g%05d\",\"v\":%d}", i, version);
}

static bool growth_shared(int i)
{
    return i % 4 == 0;
}

static void growth_email(char *email, size_t size, int i)
{
    if (growth_shared(i)) snprintf(email, size, "shared");
    else snprintf(email, size, "e%05d@example.com", i);
}

/* Puts document i, a new version of it if it is there. */
static void model_put(fixture *f, model *m, int i)
{
    char id[16], json[64], email[32];
    growth_id(id, sizeof id, i);
    if (!m->version[i]) {
        m->rank[i] = m->next_rank++;
        m->live++;
        if (growth_shared(i)) m->shared_live++;
    }
    growth_body(json, sizeof json, i, ++m->version[i]);
    growth_email(email, sizeof email, i);
    store_index e = {"email", email};
    if (store_put(f->s, &K, id, json, strlen(json), &e, 1) != 0) fail_msg("put %s: %s", id, store_errmsg(f->s));
}

static void model_delete(fixture *f, model *m, int i)
{
    char id[16];
    growth_id(id, sizeof id, i);
    assert_int_equal(store_delete(f->s, &K, id), m->version[i] ? 0 : 1);
    if (m->version[i]) m->live--;
    if (m->version[i] && growth_shared(i)) m->shared_live--;
    m->version[i] = 0;
}

/* Document i is there with its latest body, or absent, as the model says. */
static void check_one(fixture *f, const model *m, int i)
{
    char id[16], json[64], email[32];
    growth_id(id, sizeof id, i);
    growth_email(email, sizeof email, i);
    if (!growth_shared(i)) assert_int_equal(store_count(f->s, &K, "email", email), m->version[i] ? 1 : 0);
    char *got = store_get(f->s, f->a, &K, id, NULL);
    if (!m->version[i]) {
        if (got) fail_msg("%s should be absent, got %s", id, got);
        return;
    }
    if (!got) fail_msg("%s (version %d) is missing", id, m->version[i]);
    growth_body(json, sizeof json, i, m->version[i]);
    assert_string_equal(got, json);
}

/* The list (all documents, or those of the shared index value) holds what
 * the model has live, in creation order. */
static void check_list(fixture *f, const model *m, int n_ids, bool shared_only)
{
    store_list_result r;
    store_list_opts o = {0};
    if (shared_only) o = (store_list_opts){.index_name = "email", .index_value = "shared"};
    assert_int_equal(store_list(f->s, f->a, &K, &o, &r), 0);
    assert_int_equal(r.n, shared_only ? m->shared_live : m->live);
    long last = -1;
    for (size_t j = 0; j < r.n; j++) {
        int i = atoi(r.docs[j].id + 1);
        assert_true(i >= 0 && i < n_ids && m->version[i]);
        assert_true(!shared_only || growth_shared(i));
        assert_true(m->rank[i] > last);
        last = m->rank[i];
    }
}

/* Every id and its index value, the counts, and the list orders. */
static void check_all(fixture *f, const model *m, int n_ids)
{
    for (int i = 0; i < n_ids; i++) check_one(f, m, i);
    assert_int_equal(store_count(f->s, &K, NULL, NULL), m->live);
    assert_int_equal(store_count(f->s, &K, "email", "shared"), m->shared_live);
    check_list(f, m, n_ids, false);
    check_list(f, m, n_ids, true);
    arena_reset(f->a);
}

static unsigned next_random(unsigned *x)
{
    *x = *x * 1103515245u + 12345u;
    return *x >> 8;
}

static int setup_memory(void **state)
{
    char *err = NULL;
    store *s = store_open_memory(&err);
    assert_null(err);
    return fixture_start(state, s);
}

/* Every put checks a few documents right away, so lookups land in the middle
 * of each migration, and every third step deletes one: dead slots in both
 * tables. */
static void test_growth_with_interleaved_deletes(void **state)
{
    fixture *f = *state;
    model *m = calloc(1, sizeof *m);
    unsigned x = 1;
    for (int i = 0; i < GROWTH_IDS; i++) {
        model_put(f, m, i);
        check_one(f, m, i);
        int earlier = (int)(next_random(&x) % (unsigned)(i + 1));
        if (i % 3 == 2) model_delete(f, m, earlier);
        check_one(f, m, earlier);
        check_one(f, m, (int)(next_random(&x) % (unsigned)(i + 1)));
        if (i % 1000 == 0) arena_reset(f->a);
        if (i == 5000 || i == 20000) check_all(f, m, GROWTH_IDS);
    }
    check_all(f, m, GROWTH_IDS);
    /* Deleted ids come back at the end of the list. */
    for (int i = 0; i < GROWTH_IDS; i += 7) {
        model_delete(f, m, i);
        model_put(f, m, i);
    }
    check_all(f, m, GROWTH_IDS);
    free(m);
}

/* Without deletes a table grows when its entry count passes a power of
 * two; for a few puts after each, while the previous table is drained, every
 * id and index value put so far must still be found, including those whose
 * probe sequence in the old table runs across slots already moved.  (Lookups
 * move nothing, so the whole check sees the migration where the last put
 * left it.)  The test ends just after a growth: closing the store then must
 * free both tables and the buckets in each, which the valgrind and ASan runs
 * check. */
static void test_lookups_while_draining(void **state)
{
    fixture *f = *state;
    enum { N = (1 << 13) + 1, WINDOW = 8 };
    char id[16], email[32];
    for (int i = 0; i < N; i++) {
        growth_id(id, sizeof id, i);
        snprintf(email, sizeof email, "e%05d@example.com", i);
        put_indexed(f->s, &K, id, "email", email);
        int n = i + 1, power = 1;
        while (power * 2 <= n) power *= 2;
        if (n - power >= WINDOW) continue;
        for (int j = 0; j <= i; j++) {
            growth_id(id, sizeof id, j);
            if (!store_exists(f->s, &K, id)) fail_msg("%s missing after %d puts", id, n);
            snprintf(email, sizeof email, "e%05d@example.com", j);
            if (store_count(f->s, &K, "email", email) != 1) fail_msg("%s missing after %d puts", email, n);
        }
        growth_id(id, sizeof id, N + i);
        assert_false(store_exists(f->s, &K, id));
        assert_int_equal(store_count(f->s, &K, "email", "nobody@example.com"), 0);
    }
    assert_int_equal(store_count(f->s, &K, NULL, NULL), N);
}

/* Re-putting an id that may still sit in the table being drained must leave
 * one copy: deleting it afterwards leaves nothing behind. */
static void test_reput_during_migration(void **state)
{
    fixture *f = *state;
    model *m = calloc(1, sizeof *m);
    unsigned x = 7;
    for (int i = 0; i < GROWTH_IDS; i++) {
        model_put(f, m, i);
        int earlier = (int)(next_random(&x) % (unsigned)(i + 1));
        model_put(f, m, earlier); /* replaced in place: keeps its list position */
        check_one(f, m, earlier);
        if (i % 5 == 4) {
            int gone = (int)(next_random(&x) % (unsigned)(i + 1));
            model_put(f, m, gone);
            model_delete(f, m, gone);
            check_one(f, m, gone);
        }
        if (i % 1000 == 0) arena_reset(f->a);
    }
    check_all(f, m, GROWTH_IDS);
    free(m);
}

/* A transaction whose puts grow the table, and which deletes and replaces
 * documents from before it, rolls back exactly; the table keeps working. */
static void test_rollback_across_growth(void **state)
{
    fixture *f = *state;
    model *m = calloc(1, sizeof *m), *in_tx = calloc(1, sizeof *in_tx);
    enum { BEFORE = 3000, DURING = 20000 };
    for (int i = 0; i < BEFORE; i++) model_put(f, m, i);
    char *before = dump(f, "run1", "stripe");

    *in_tx = *m;
    assert_int_equal(store_begin(f->s), 0);
    for (int i = BEFORE; i < BEFORE + DURING; i++) {
        model_put(f, in_tx, i);
        int old = i % BEFORE;
        if (i % 4 == 0) model_delete(f, in_tx, old);
        else if (i % 4 == 1) model_put(f, in_tx, old);
        check_one(f, in_tx, old);
        check_one(f, in_tx, i);
        if (i % 1000 == 0) arena_reset(f->a);
    }
    check_all(f, in_tx, BEFORE + DURING);
    assert_int_equal(store_rollback(f->s), 0);

    assert_string_equal(dump(f, "run1", "stripe"), before);
    check_all(f, m, BEFORE + DURING);
    /* Grows again over what the rollback left, then commits a big change. */
    for (int i = BEFORE; i < GROWTH_IDS; i++) model_put(f, m, i);
    assert_int_equal(store_begin(f->s), 0);
    for (int i = 0; i < GROWTH_IDS; i += 2) model_delete(f, m, i);
    assert_int_equal(store_commit(f->s), 0);
    check_all(f, m, GROWTH_IDS);
    free(in_tx);
    free(m);
}

/* A baseline copies a collection into fresh tables, growing them as it goes. */
static void test_baseline_across_growth(void **state)
{
    fixture *f = *state;
    model *m = calloc(1, sizeof *m);
    for (int i = 0; i < GROWTH_IDS; i++) model_put(f, m, i);
    assert_int_equal(store_save_baseline(f->s, "run1", "stripe"), 0);
    model *saved = calloc(1, sizeof *saved);
    *saved = *m;
    for (int i = 0; i < GROWTH_IDS; i += 3) model_delete(f, m, i);
    assert_int_equal(store_restore_baseline(f->s, "run1", "stripe"), 0);
    check_all(f, saved, GROWTH_IDS);
    free(saved);
    free(m);
}

static int run_contract(const backend_case *which, const struct CMUnitTest *tests, size_t n)
{
    backend = which;
    return _cmocka_run_group_tests(which->name, tests, n, NULL, NULL);
}

int main(int argc, char **argv)
{
    pg_conninfo = pg_conninfo_from(argc, argv);
    const struct CMUnitTest contract[] = {
        cmocka_unit_test_setup_teardown(test_put_get_replace_keeps_order, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_body_length_is_respected, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_delete, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_list_orders_limit_has_more, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_cursors_ascending, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_cursors_newest_first, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_cursor_gives_empty_page, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_index_filter_lookup_count, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_multiple_index_entries, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_counters, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_nested_transactions, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_run_cleared_in_a_transaction, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_isolation_between_runs_and_twins, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_baseline_restore_is_exact, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_restore_without_baseline_empties, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_dump_format, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_collection_recreated_after_rollback_and_clear, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_many_collections, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_rollback_is_exact, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_rollback_of_fresh_state, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_error_paths, setup, fixture_teardown),
    };
    const struct CMUnitTest memory_growth[] = {
        cmocka_unit_test_setup_teardown(test_growth_with_interleaved_deletes, setup_memory, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_lookups_while_draining, setup_memory, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_reput_during_migration, setup_memory, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_rollback_across_growth, setup_memory, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_baseline_across_growth, setup_memory, fixture_teardown),
    };
    const struct CMUnitTest sqlite_only[] = {
        cmocka_unit_test(test_file_persistence),
    };
    size_t n_contract = sizeof contract / sizeof contract[0];
    int failed = 0;
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++)
        failed += run_contract(&backends[i], contract, n_contract);
    if (pg_conninfo) failed += run_contract(&postgres_backend, contract, n_contract);
    failed += cmocka_run_group_tests_name("store/memory-growth", memory_growth, NULL, NULL);
    failed += cmocka_run_group_tests_name("store/sqlite-file", sqlite_only, NULL, NULL);
    return failed;
}
