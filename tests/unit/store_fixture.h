/* What the store tests share: a fixture (a store and an arena), helpers that
 * put and list documents compactly, and, for PostgreSQL, a way to start every
 * test from an empty schema.  Used by tests/unit/test_store.c (the contract,
 * run against every backend) and tests/postgres/store_postgres_only.c (what
 * only a shared PostgreSQL database has).
 *
 * The helpers are static inline so that a test file using only some of them
 * still builds under -Werror. */
#ifndef TWINS_STORE_FIXTURE_H
#define TWINS_STORE_FIXTURE_H

#include "testutil.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"

typedef struct fixture {
    store *s;
    arena *a;
} fixture;

static const store_key K = {"run1", "stripe", "customers"};

/* Makes the test's fixture around s, a store just opened: a cmocka setup's
 * last step. */
static inline int fixture_start(void **state, store *s)
{
    assert_non_null(s);
    fixture *f = calloc(1, sizeof *f);
    f->s = s;
    f->a = arena_new(0);
    *state = f;
    return 0;
}

/* The cmocka teardown of every store test. */
static inline int fixture_teardown(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    arena_free(f->a);
    free(f);
    return 0;
}

static inline void put_doc(store *s, const store_key *k, const char *id, const char *json)
{
    if (store_put(s, k, id, json, strlen(json), NULL, 0) != 0) fail_msg("put %s: %s", id, store_errmsg(s));
}

static inline void put_indexed(store *s, const store_key *k, const char *id, const char *name,
                               const char *value)
{
    char json[128];
    snprintf(json, sizeof json, "{\"id\":\"%s\"}", id);
    store_index e = {name, value};
    assert_int_equal(store_put(s, k, id, json, strlen(json), &e, 1), 0);
}

/* Puts d0 .. d(n-1) in that order. */
static inline void put_numbered(store *s, const store_key *k, int n)
{
    for (int i = 0; i < n; i++) {
        char id[16], json[64];
        snprintf(id, sizeof id, "d%d", i);
        snprintf(json, sizeof json, "{\"id\":\"%s\",\"n\":%d}", id, i);
        put_doc(s, k, id, json);
    }
}

/* A page of store s as "id,id,...", with "+" appended when has_more, for
 * compact checks. */
static inline const char *page_of(fixture *f, store *s, const store_key *k, const store_list_opts *o)
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

static inline const char *page(fixture *f, const store_key *k, const store_list_opts *o)
{
    return page_of(f, f->s, k, o);
}

static inline char *dump(fixture *f, const char *run, const char *twin)
{
    buf b = BUF_INIT;
    if (store_dump_twin(f->s, run, twin, &b) != 0) fail_msg("dump: %s", store_errmsg(f->s));
    char *text = arena_strdup(f->a, buf_cstr(&b));
    buf_free(&b);
    return text;
}

/* Runs SQL on a PostgreSQL connection of the test's own (not a store's). */
static inline void pg_admin_exec(const char *conninfo, const char *sql)
{
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
        PQfinish(c);
        fail_msg("cannot reach PostgreSQL: %s", msg);
    }
    PGresult *r = PQexec(c, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    char msg[512];
    snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    if (!ok) fail_msg("admin SQL failed: %s", msg);
}

/* Drops the store's tables: the next store opened recreates them empty. */
static inline void pg_drop_schema(const char *conninfo)
{
    pg_admin_exec(conninfo, "SET client_min_messages = warning;"
                            "DROP TABLE IF EXISTS twins_docs, twins_idx, twins_counters, twins_baseline_docs,"
                            " twins_baseline_idx, twins_baseline_counters;"
                            "DROP SEQUENCE IF EXISTS twins_seq;");
}

/* Opens a fresh PostgreSQL store on an empty schema; fails the test if it
 * cannot. */
static inline store *pg_open_fresh(const char *conninfo)
{
    pg_drop_schema(conninfo);
    char *err = NULL;
    store *s = store_open_postgres(conninfo, &err);
    if (!s) fail_msg("cannot open the store: %s", err ? err : "?");
    return s;
}

/* The conninfo from "--postgres CONNINFO" on the command line, else from
 * TWINS_TEST_PG; NULL when neither is given. */
static inline const char *pg_conninfo_from(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--postgres") == 0) return argv[i + 1];
    const char *env = getenv("TWINS_TEST_PG");
    return env && *env ? env : NULL;
}

#endif
