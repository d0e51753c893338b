/* PostgreSQL backend of the store, for fleets: several twins servers sharing
 * one database (see store.h for the model, backend.h for the split).
 *
 * Layout (tables prefixed twins_ so they can share a database or schema with
 * other things; put them elsewhere with options=-csearch_path=... in the
 * connection string):
 * - twins_docs: one row per document keyed (run, twin, coll, id); seq comes
 *   from the sequence twins_seq, so documents inserted by any node share one
 *   insertion order.  A replaced document keeps its seq.
 * - twins_idx: secondary index entries with their document's seq, so filtered
 *   lists and lookups come out of one index in list order.
 * - twins_counters, and twins_baseline_{docs,idx,counters}: as in SQLite;
 *   baselines copy seq so a reset lists in the same order.
 * Unlike the SQLite backend there is no interned "space" id cached in
 * memory: another node may delete a run (and so its space) at any time, and a
 * stale cached id would silently misfile documents.  The key columns are
 * indexed directly instead.
 *
 * Every text column is bytea and every value travels in libpq's binary
 * format.  That keeps the backend byte-exact like SQLite: ids taken from
 * URLs need not be valid UTF-8 whatever the database's encoding, nothing is
 * escaped, and ORDER BY compares bytes as SQLite's BINARY collation does (the
 * dump's collection order matches).  Read the tables in psql with
 * convert_from(body, 'UTF8').
 *
 * Statements are prepared once per connection, on first use.  BEGIN is sent
 * lazily with the first statement of a transaction, so read-only uses of a
 * transaction cost nothing.
 *
 * Calls are synchronous (PQexecPrepared): the server is one libuv loop, so a
 * slow or distant database stalls every request while a query runs.  Over a
 * local socket a store call costs tens of microseconds; moving to libpq's
 * asynchronous API (PQsendQueryPrepared on the loop's poll handle) is the
 * follow-up for remote databases.  A store (one connection) is used by one
 * thread at a time. */
#include "store/backend.h"

#include <endian.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Type OIDs from PostgreSQL's catalog (pg_type.h, stable across versions). */
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_BYTEA_ARRAY 1001

/* Serialises schema creation between nodes starting at the same time
 * (CREATE ... IF NOT EXISTS is not safe against a concurrent create). */
#define SCHEMA_LOCK_KEY "500219604595" /* 0x7477696e73, "twins" */

/* Plans are left to PostgreSQL's default (custom plans first, a generic one
 * once it is no dearer).  force_generic_plan was measured to be a trap: on a
 * table without statistics yet, the generic plan of a get by id walked the
 * (run, twin, coll, seq) index and filtered on id, 9 ms a get. */
static const char schema_sql[] =
    "SET client_min_messages = warning;"
    "BEGIN;"
    "SELECT pg_advisory_xact_lock(" SCHEMA_LOCK_KEY ");"
    "CREATE SEQUENCE IF NOT EXISTS twins_seq;"
    "CREATE TABLE IF NOT EXISTS twins_docs("
    " seq bigint NOT NULL DEFAULT nextval('twins_seq'),"
    " run bytea NOT NULL, twin bytea NOT NULL, coll bytea NOT NULL, id bytea NOT NULL,"
    " body bytea NOT NULL, UNIQUE(run, twin, coll, id));"
    "CREATE UNIQUE INDEX IF NOT EXISTS twins_docs_by_space ON twins_docs(run, twin, coll, seq);"
    "CREATE TABLE IF NOT EXISTS twins_idx("
    " run bytea NOT NULL, twin bytea NOT NULL, coll bytea NOT NULL, name bytea NOT NULL,"
    " value bytea NOT NULL, seq bigint NOT NULL, id bytea NOT NULL);"
    "CREATE INDEX IF NOT EXISTS twins_idx_by_value ON twins_idx(run, twin, coll, name, value, seq);"
    "CREATE INDEX IF NOT EXISTS twins_idx_by_doc ON twins_idx(run, twin, coll, seq);"
    "CREATE TABLE IF NOT EXISTS twins_counters("
    " run bytea NOT NULL, twin bytea NOT NULL, name bytea NOT NULL, value bigint NOT NULL,"
    " PRIMARY KEY(run, twin, name));"
    "CREATE TABLE IF NOT EXISTS twins_baseline_docs("
    " seq bigint NOT NULL, run bytea NOT NULL, twin bytea NOT NULL, coll bytea NOT NULL,"
    " id bytea NOT NULL, body bytea NOT NULL);"
    "CREATE INDEX IF NOT EXISTS twins_baseline_docs_by_twin ON twins_baseline_docs(run, twin);"
    "CREATE TABLE IF NOT EXISTS twins_baseline_idx("
    " run bytea NOT NULL, twin bytea NOT NULL, coll bytea NOT NULL, name bytea NOT NULL,"
    " value bytea NOT NULL, seq bigint NOT NULL, id bytea NOT NULL);"
    "CREATE INDEX IF NOT EXISTS twins_baseline_idx_by_twin ON twins_baseline_idx(run, twin);"
    "CREATE TABLE IF NOT EXISTS twins_baseline_counters("
    " run bytea NOT NULL, twin bytea NOT NULL, name bytea NOT NULL, value bigint NOT NULL,"
    " PRIMARY KEY(run, twin, name));"
    "COMMIT;";

#define DOC_COLS "seq, run, twin, coll, id, body"
#define IDX_COLS "run, twin, coll, name, value, seq, id"
#define COUNTER_COLS "run, twin, name, value"
/* Per-document statements bind $1 run, $2 twin, $3 coll (and $4 id). */
#define KEY_WHERE "run = $1 AND twin = $2 AND coll = $3"
#define DOC_WHERE KEY_WHERE " AND id = $4"
/* Whole-twin statements bind $1 run and $2 twin; whole-run ones $1 run. */
#define TWIN_WHERE "run = $1 AND twin = $2"
/* Lists bound seq by $4 < seq < $5 and return at most $6 rows (NULL: all).
 * No index starts with seq alone (seq is unique per (run, twin, coll)
 * only, by index): given one, the planner may read it backwards for the
 * order and filter out every other collection's documents on the way, which
 * a bench caught (2,000 foreign rows skipped per page, 400 us).  (Row
 * comparisons over the whole key were tried too: PostgreSQL 15 then stops
 * only on their first column, and a filtered list with fewer matches than
 * its limit read a whole run's index: 9 ms.) */
#define LIST_SQL(order)                                                            \
    "SELECT id, seq, body FROM twins_docs WHERE " KEY_WHERE " AND seq > $4 AND seq < $5" \
    " ORDER BY run " order ", twin " order ", coll " order ", seq " order " LIMIT $6"
#define LIST_IDX_SQL(order)                                                               \
    "SELECT d.id, d.seq, d.body FROM twins_idx i JOIN twins_docs d"                       \
    " ON d.run = i.run AND d.twin = i.twin AND d.coll = i.coll AND d.seq = i.seq"         \
    " WHERE i.run = $1 AND i.twin = $2 AND i.coll = $3 AND i.name = $7 AND i.value = $8" \
    " AND i.seq > $4 AND i.seq < $5"                                                     \
    " ORDER BY i.run " order ", i.twin " order ", i.coll " order ", i.name " order       \
    ", i.value " order ", i.seq " order " LIMIT $6"

enum stmt_id {
    ST_PUT, ST_DOC_BODY, ST_DOC_SEQ, ST_DELETE,
    ST_LIST_ASC, ST_LIST_DESC, ST_LIST_IDX_ASC, ST_LIST_IDX_DESC,
    ST_COUNT, ST_COUNT_IDX, ST_LOOKUP,
    ST_CLEAR_TWIN, ST_CLEAR_RUN, ST_CLEAR_BASELINE, ST_SAVE_BASELINE, ST_RESTORE_BASELINE,
    ST_DUMP, ST_COUNTER_NEXT, ST_SIZE,
    ST__N
};

typedef struct stmt_def {
    const char *sql;
    /* One letter per parameter: b bytea, i int8, B bytea[]. */
    const char *params;
} stmt_def;

static const stmt_def stmts[ST__N] = {
    /* One round trip: upsert the document, drop its old index entries, add
     * the new ones (DISTINCT: an entry given twice is stored once).  The
     * DELETE sees only rows from before the statement, so it cannot remove
     * the entries being inserted. */
    [ST_PUT] = {"WITH d AS (INSERT INTO twins_docs(run, twin, coll, id, body) VALUES($1, $2, $3, $4, $5)"
                " ON CONFLICT(run, twin, coll, id) DO UPDATE SET body = excluded.body RETURNING seq),"
                " gone AS (DELETE FROM twins_idx WHERE " KEY_WHERE " AND seq = (SELECT seq FROM d))"
                " INSERT INTO twins_idx(" IDX_COLS ")"
                " SELECT DISTINCT $1, $2, $3, e.n, e.v, d.seq, $4 FROM d, unnest($6, $7) AS e(n, v)",
                "bbbbbBB"},
    [ST_DOC_BODY] = {"SELECT body FROM twins_docs WHERE " DOC_WHERE, "bbbb"},
    [ST_DOC_SEQ] = {"SELECT seq FROM twins_docs WHERE " DOC_WHERE, "bbbb"},
    [ST_DELETE] = {"WITH d AS (DELETE FROM twins_docs WHERE " DOC_WHERE " RETURNING seq),"
                   " gone AS (DELETE FROM twins_idx WHERE " KEY_WHERE " AND seq IN (SELECT seq FROM d))"
                   " SELECT count(*) FROM d",
                   "bbbb"},
    [ST_LIST_ASC] = {LIST_SQL("ASC"), "bbbiii"},
    [ST_LIST_DESC] = {LIST_SQL("DESC"), "bbbiii"},
    [ST_LIST_IDX_ASC] = {LIST_IDX_SQL("ASC"), "bbbiiibb"},
    [ST_LIST_IDX_DESC] = {LIST_IDX_SQL("DESC"), "bbbiiibb"},
    [ST_COUNT] = {"SELECT count(*) FROM twins_docs WHERE " KEY_WHERE, "bbb"},
    [ST_COUNT_IDX] = {"SELECT count(*) FROM twins_idx WHERE " KEY_WHERE " AND name = $4 AND value = $5",
                      "bbbbb"},
    [ST_LOOKUP] = {"SELECT id FROM twins_idx WHERE " KEY_WHERE " AND name = $4 AND value = $5"
                   " ORDER BY run, twin, coll, name, value, seq LIMIT $6",
                   "bbbbbi"},
    /* Deletes from different tables may share a statement; a delete and an
     * insert on one table may not (their order inside a statement is
     * unspecified), hence separate clear and copy statements. */
    [ST_CLEAR_TWIN] = {"WITH a AS (DELETE FROM twins_docs WHERE " TWIN_WHERE "),"
                       " b AS (DELETE FROM twins_idx WHERE " TWIN_WHERE ")"
                       " DELETE FROM twins_counters WHERE " TWIN_WHERE,
                       "bb"},
    [ST_CLEAR_RUN] = {"WITH a AS (DELETE FROM twins_docs WHERE run = $1),"
                      " b AS (DELETE FROM twins_idx WHERE run = $1),"
                      " c AS (DELETE FROM twins_counters WHERE run = $1),"
                      " d AS (DELETE FROM twins_baseline_docs WHERE run = $1),"
                      " e AS (DELETE FROM twins_baseline_idx WHERE run = $1)"
                      " DELETE FROM twins_baseline_counters WHERE run = $1",
                      "b"},
    [ST_CLEAR_BASELINE] = {"WITH a AS (DELETE FROM twins_baseline_docs WHERE " TWIN_WHERE "),"
                           " b AS (DELETE FROM twins_baseline_idx WHERE " TWIN_WHERE ")"
                           " DELETE FROM twins_baseline_counters WHERE " TWIN_WHERE,
                           "bb"},
    [ST_SAVE_BASELINE] = {"WITH a AS (INSERT INTO twins_baseline_docs(" DOC_COLS ") SELECT " DOC_COLS
                          " FROM twins_docs WHERE " TWIN_WHERE "),"
                          " b AS (INSERT INTO twins_baseline_idx(" IDX_COLS ") SELECT " IDX_COLS
                          " FROM twins_idx WHERE " TWIN_WHERE ")"
                          " INSERT INTO twins_baseline_counters(" COUNTER_COLS ") SELECT " COUNTER_COLS
                          " FROM twins_counters WHERE " TWIN_WHERE,
                          "bb"},
    [ST_RESTORE_BASELINE] = {"WITH a AS (INSERT INTO twins_docs(" DOC_COLS ") SELECT " DOC_COLS
                             " FROM twins_baseline_docs WHERE " TWIN_WHERE "),"
                             " b AS (INSERT INTO twins_idx(" IDX_COLS ") SELECT " IDX_COLS
                             " FROM twins_baseline_idx WHERE " TWIN_WHERE ")"
                             " INSERT INTO twins_counters(" COUNTER_COLS ") SELECT " COUNTER_COLS
                             " FROM twins_baseline_counters WHERE " TWIN_WHERE,
                             "bb"},
    [ST_DUMP] = {"SELECT coll, body FROM twins_docs WHERE " TWIN_WHERE " ORDER BY coll, seq", "bb"},
    [ST_COUNTER_NEXT] = {"INSERT INTO twins_counters(" COUNTER_COLS ") VALUES($1, $2, $3, 1)"
                         " ON CONFLICT(run, twin, name) DO UPDATE SET value = twins_counters.value + 1"
                         " RETURNING value",
                         "bbb"},
    [ST_SIZE] = {"SELECT coalesce(sum(pg_total_relation_size(t)), 0)::bigint FROM unnest("
                 "ARRAY['twins_docs', 'twins_idx', 'twins_counters', 'twins_baseline_docs',"
                 " 'twins_baseline_idx', 'twins_baseline_counters']::regclass[]) AS t",
                 ""},
};

#define MAX_PARAMS 8

typedef struct pg_store {
    PGconn *conn;
    bool prepared[ST__N];
    bool begin_pending;     /* store_begin happened; BEGIN goes out with the next statement */
    bool in_tx;             /* BEGIN was sent */
    int puts_before_analyze; /* see analyze_when_due */
} pg_store;

/* Puts after which a connection runs ANALYZE once (see analyze_when_due). */
#define ANALYZE_AFTER_PUTS 1000

static pg_store *impl_of(store *s)
{
    return s->impl;
}

/* libpq's messages end in a newline; the store's do not. */
static void conn_error(store *s, const char *what, const char *msg)
{
    size_t len = strlen(msg);
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' ')) len--;
    store_set_error(s, "store: %s: %.*s", what, (int)len, msg);
}

/* --- parameters ---------------------------------------------------------- */

typedef struct params {
    const char *values[MAX_PARAMS];
    int lengths[MAX_PARAMS];
    int formats[MAX_PARAMS];
    int n;
    uint64_t ints[MAX_PARAMS]; /* big-endian int8 values live here */
} params;

static void param_bytes(params *p, const void *data, size_t len)
{
    p->values[p->n] = data;
    p->lengths[p->n] = (int)len;
    p->formats[p->n++] = 1;
}

static void param_text(params *p, const char *text)
{
    param_bytes(p, text, strlen(text));
}

static void param_int(params *p, int64_t v)
{
    p->ints[p->n] = htobe64((uint64_t)v);
    param_bytes(p, &p->ints[p->n], sizeof(uint64_t));
}

static void param_null(params *p)
{
    p->values[p->n] = NULL;
    p->lengths[p->n] = 0;
    p->formats[p->n++] = 1;
}

static void param_key(params *p, const store_key *k)
{
    param_text(p, k->run);
    param_text(p, k->twin);
    param_text(p, k->collection);
}

/* A row count where 0 (or anything unrepresentable) means all: NULL. */
static void param_limit(params *p, size_t n)
{
    if (n == 0 || n >= (size_t)INT64_MAX) param_null(p);
    else param_int(p, (int64_t)n);
}

static void put_be32(buf *b, uint32_t v)
{
    v = htobe32(v);
    buf_append(b, &v, sizeof v);
}

/* A one-dimensional bytea[] in PostgreSQL's binary array format. */
static void encode_bytea_array(buf *b, const store_index *idx, size_t n, bool values)
{
    put_be32(b, n ? 1 : 0); /* dimensions */
    put_be32(b, 0);         /* no NULL elements */
    put_be32(b, OID_BYTEA);
    if (n) {
        put_be32(b, (uint32_t)n);
        put_be32(b, 1);     /* lower bound */
    }
    for (size_t i = 0; i < n; i++) {
        const char *text = values ? idx[i].value : idx[i].name;
        size_t len = strlen(text);
        put_be32(b, (uint32_t)len);
        buf_append(b, text, len);
    }
}

/* --- connection and statements ------------------------------------------- */

/* A dropped connection (database restarted) is reopened between
 * transactions; inside one the transaction is lost anyway, so the error
 * stands and the caller's rollback ends it. */
static int ensure_connected(store *s, const char *what)
{
    pg_store *q = impl_of(s);
    if (PQstatus(q->conn) == CONNECTION_OK) return 0;
    if (q->in_tx) {
        store_set_error(s, "store: %s: lost the database connection inside a transaction", what);
        return -1;
    }
    PQreset(q->conn);
    memset(q->prepared, 0, sizeof q->prepared);
    if (PQstatus(q->conn) == CONNECTION_OK) return 0;
    conn_error(s, what, PQerrorMessage(q->conn));
    return -1;
}

/* Runs a command with no parameters; 0 on success. */
static int exec_command(store *s, const char *sql, const char *what)
{
    PGresult *res = PQexec(impl_of(s)->conn, sql);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok) conn_error(s, what, PQresultErrorMessage(res));
    PQclear(res);
    return ok ? 0 : -1;
}

static int prepare(store *s, enum stmt_id id, const char *what)
{
    pg_store *q = impl_of(s);
    if (q->prepared[id]) return 0;
    Oid types[MAX_PARAMS];
    const char *letters = stmts[id].params;
    int n = (int)strlen(letters);
    for (int i = 0; i < n; i++)
        types[i] = letters[i] == 'i' ? OID_INT8 : letters[i] == 'B' ? OID_BYTEA_ARRAY : OID_BYTEA;
    char name[16];
    snprintf(name, sizeof name, "twins_%d", (int)id);
    PGresult *res = PQprepare(q->conn, name, stmts[id].sql, n, types);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok) conn_error(s, what, PQresultErrorMessage(res));
    PQclear(res);
    q->prepared[id] = ok;
    return ok ? 0 : -1;
}

/* Opens the transaction store_begin asked for, now that it is needed. */
static int send_pending_begin(store *s, const char *what)
{
    pg_store *q = impl_of(s);
    if (!q->begin_pending) return 0;
    if (exec_command(s, "BEGIN", what) != 0) return -1;
    q->begin_pending = false;
    q->in_tx = true;
    return 0;
}

static PGresult *try_stmt(store *s, enum stmt_id id, const params *p, const char *what)
{
    pg_store *q = impl_of(s);
    if (ensure_connected(s, what) != 0 || send_pending_begin(s, what) != 0 || prepare(s, id, what) != 0)
        return NULL;
    char name[16];
    snprintf(name, sizeof name, "twins_%d", (int)id);
    PGresult *res = PQexecPrepared(q->conn, name, p->n, p->values, p->lengths, p->formats, 1);
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return res;
    conn_error(s, what, PQresultErrorMessage(res));
    PQclear(res);
    return NULL;
}

/* Runs a prepared statement with binary parameters and results.  Returns the
 * result (the caller PQclears it) or NULL with the error set.
 *
 * A connection found dead (the database restarted, an idle connection was
 * cut) is reopened and the statement tried once more, provided nothing
 * of an earlier statement's transaction was lost with it. */
static PGresult *run_stmt(store *s, enum stmt_id id, const params *p, const char *what)
{
    pg_store *q = impl_of(s);
    bool nothing_to_lose = !q->in_tx;
    PGresult *res = try_stmt(s, id, p, what);
    if (res || !nothing_to_lose || PQstatus(q->conn) == CONNECTION_OK) return res;
    if (q->in_tx) { /* this call's own BEGIN: send it again on the new connection */
        q->in_tx = false;
        q->begin_pending = true;
    }
    return try_stmt(s, id, p, what);
}

static int run_stmt_done(store *s, enum stmt_id id, const params *p, const char *what)
{
    PGresult *res = run_stmt(s, id, p, what);
    PQclear(res);
    return res ? 0 : -1;
}

static int64_t get_int(const PGresult *res, int row, int col)
{
    uint64_t v = 0;
    if (PQgetlength(res, row, col) == (int)sizeof v) memcpy(&v, PQgetvalue(res, row, col), sizeof v);
    return (int64_t)be64toh(v);
}

/* Runs a statement expected to return at most one integer.
 * 1 and *value set if a row came back, 0 if none, -1 on error. */
static int run_int(store *s, enum stmt_id id, const params *p, int64_t *value, const char *what)
{
    PGresult *res = run_stmt(s, id, p, what);
    if (!res) return -1;
    int found = PQntuples(res) > 0 && !PQgetisnull(res, 0, 0);
    if (found) *value = get_int(res, 0, 0);
    PQclear(res);
    return found;
}

/* A NUL-terminated arena copy of a bytea column. */
static char *column_copy(arena *a, const PGresult *res, int row, int col, size_t *len_out)
{
    size_t len = (size_t)PQgetlength(res, row, col);
    char *copy = arena_alloc(a, len + 1);
    if (len) memcpy(copy, PQgetvalue(res, row, col), len);
    copy[len] = '\0';
    if (len_out) *len_out = len;
    return copy;
}

/* --- transactions -------------------------------------------------------- */

static int pg_begin(store *s)
{
    impl_of(s)->begin_pending = true;
    return 0;
}

static int pg_rollback(store *s)
{
    pg_store *q = impl_of(s);
    q->begin_pending = false;
    if (!q->in_tx) return 0;
    q->in_tx = false;
    if (PQstatus(q->conn) != CONNECTION_OK) return 0; /* the server dropped it already */
    return exec_command(s, "ROLLBACK", "rollback");
}

/* Without statistics (a new database, until autovacuum's first ANALYZE,
 * which can be minutes away) the planner cannot tell the (run, twin, coll,
 * id) key from the (run, twin, coll, seq) list index: both look like one
 * row, and a cached plan that gets a document through the list index costs
 * milliseconds once a collection holds thousands (measured: 6-9 ms a get at
 * 20,000 documents, against ~50 us).  So each connection runs ANALYZE itself
 * once it has written a first batch; that also re-plans its cached
 * statements.  Later growth is autovacuum's. */
static void analyze_when_due(store *s)
{
    pg_store *q = impl_of(s);
    if (q->puts_before_analyze <= 0 || --q->puts_before_analyze > 0) return;
    PGresult *res = PQexec(q->conn, "ANALYZE twins_docs, twins_idx");
    PQclear(res); /* an optimisation: a failure changes nothing else */
}

static int pg_commit(store *s)
{
    pg_store *q = impl_of(s);
    q->begin_pending = false;
    if (!q->in_tx) return 0; /* nothing was sent */
    /* COMMIT of a failed transaction "succeeds" by rolling back: catch that. */
    PGresult *res = PQexec(q->conn, "COMMIT");
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(res), "COMMIT") == 0;
    if (!ok) {
        const char *msg = PQresultErrorMessage(res);
        conn_error(s, "commit", *msg ? msg : "the transaction had failed and was rolled back");
    }
    PQclear(res);
    q->in_tx = false;
    if (!ok && PQtransactionStatus(q->conn) != PQTRANS_IDLE) {
        PGresult *rb = PQexec(q->conn, "ROLLBACK");
        PQclear(rb);
    }
    if (ok && q->puts_before_analyze == 1) analyze_when_due(s);
    return ok ? 0 : -1;
}

/* --- documents ----------------------------------------------------------- */

static int pg_put(store *s, const store_key *k, const char *id, const char *json, size_t len,
                  const store_index *idx, size_t n_idx)
{
    buf names = BUF_INIT, values = BUF_INIT;
    encode_bytea_array(&names, idx, n_idx, false);
    encode_bytea_array(&values, idx, n_idx, true);
    params p = {0};
    param_key(&p, k);
    param_text(&p, id);
    param_bytes(&p, json, len);
    param_bytes(&p, names.data, names.len);
    param_bytes(&p, values.data, values.len);
    int rc = run_stmt_done(s, ST_PUT, &p, "put");
    if (rc == 0 && impl_of(s)->puts_before_analyze > 1) impl_of(s)->puts_before_analyze--;
    buf_free(&names);
    buf_free(&values);
    return rc;
}

static void doc_params(params *p, const store_key *k, const char *id)
{
    param_key(p, k);
    param_text(p, id);
}

static int pg_get(store *s, arena *a, const store_key *k, const char *id, char **json_out, size_t *len_out)
{
    params p = {0};
    doc_params(&p, k, id);
    PGresult *res = run_stmt(s, ST_DOC_BODY, &p, "get");
    if (!res) return -1;
    int found = PQntuples(res) > 0;
    if (found) *json_out = column_copy(a, res, 0, 0, len_out);
    PQclear(res);
    return found;
}

/* 1 and *seq set if the document exists, 0 if not, -1 on error. */
static int doc_seq(store *s, const store_key *k, const char *id, int64_t *seq, const char *what)
{
    params p = {0};
    doc_params(&p, k, id);
    return run_int(s, ST_DOC_SEQ, &p, seq, what);
}

static int pg_exists(store *s, const store_key *k, const char *id)
{
    int64_t seq;
    return doc_seq(s, k, id, &seq, "exists");
}

static int pg_del(store *s, const store_key *k, const char *id)
{
    params p = {0};
    doc_params(&p, k, id);
    int64_t deleted = 0;
    if (run_int(s, ST_DELETE, &p, &deleted, "delete") < 0) return -1;
    return deleted > 0 ? 0 : 1;
}

/* --- lists --------------------------------------------------------------- */

static enum stmt_id list_stmt(bool filtered, bool descending)
{
    return filtered ? (descending ? ST_LIST_IDX_DESC : ST_LIST_IDX_ASC)
                    : (descending ? ST_LIST_DESC : ST_LIST_ASC);
}

static int pg_list(store *s, arena *a, const store_key *k, const store_list_opts *o,
                   store_list_result *out)
{
    const char *cursor = store_list_cursor(o);
    int64_t cursor_seq = 0;
    if (cursor) {
        int found = doc_seq(s, k, cursor, &cursor_seq, "list");
        if (found <= 0) return found; /* unknown cursor: an empty page */
    }
    store_list_plan plan = store_plan_list(o, cursor_seq);
    bool filtered = o->index_name != NULL;
    params p = {0};
    param_key(&p, k);
    param_int(&p, plan.lo);
    param_int(&p, plan.hi);
    bool limited = o->limit > 0 && o->limit < (size_t)INT64_MAX;
    param_limit(&p, limited ? o->limit + 1 : 0); /* one extra row tells has_more */
    if (filtered) {
        param_text(&p, o->index_name);
        param_text(&p, o->index_value);
    }
    PGresult *res = run_stmt(s, list_stmt(filtered, plan.descending), &p, "list");
    if (!res) return -1;
    size_t n = (size_t)PQntuples(res);
    if (limited && n > o->limit) {
        out->has_more = true;
        n = o->limit;
    }
    store_doc *docs = n ? arena_alloc(a, n * sizeof *docs) : NULL;
    for (size_t i = 0; i < n; i++) {
        docs[i].id = column_copy(a, res, (int)i, 0, NULL);
        docs[i].seq = get_int(res, (int)i, 1);
        docs[i].json = column_copy(a, res, (int)i, 2, &docs[i].len);
    }
    PQclear(res);
    if (plan.backwards) store_reverse_docs(docs, n);
    out->docs = docs;
    out->n = n;
    return 0;
}

static int64_t pg_count(store *s, const store_key *k, const char *index_name, const char *index_value)
{
    params p = {0};
    param_key(&p, k);
    if (index_name) {
        param_text(&p, index_name);
        param_text(&p, index_value);
    }
    int64_t n = 0;
    return run_int(s, index_name ? ST_COUNT_IDX : ST_COUNT, &p, &n, "count") < 0 ? -1 : n;
}

static int pg_lookup(store *s, arena *a, const store_key *k, const char *index_name, const char *value,
                     const char ***ids_out, size_t *n_out, size_t max)
{
    params p = {0};
    param_key(&p, k);
    param_text(&p, index_name);
    param_text(&p, value);
    param_limit(&p, max);
    PGresult *res = run_stmt(s, ST_LOOKUP, &p, "lookup");
    if (!res) return -1;
    size_t n = (size_t)PQntuples(res);
    const char **ids = n ? arena_alloc(a, n * sizeof *ids) : NULL;
    for (size_t i = 0; i < n; i++) ids[i] = column_copy(a, res, (int)i, 0, NULL);
    PQclear(res);
    *ids_out = ids;
    *n_out = n;
    return 0;
}

/* --- whole twins and runs ------------------------------------------------ */

/* Runs statements that each take only $1 run and $2 twin (when given). */
static int run_twin_stmts(store *s, const enum stmt_id *ids, size_t n, const char *run,
                          const char *twin, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        params p = {0};
        param_text(&p, run);
        if (twin) param_text(&p, twin);
        if (run_stmt_done(s, ids[i], &p, what) != 0) return -1;
    }
    return 0;
}

static int pg_clear_twin(store *s, const char *run, const char *twin)
{
    static const enum stmt_id ids[] = {ST_CLEAR_TWIN};
    return run_twin_stmts(s, ids, 1, run, twin, "clear_twin");
}

static int pg_clear_run(store *s, const char *run)
{
    static const enum stmt_id ids[] = {ST_CLEAR_RUN};
    return run_twin_stmts(s, ids, 1, run, NULL, "clear_run");
}

static int pg_save_baseline(store *s, const char *run, const char *twin)
{
    static const enum stmt_id ids[] = {ST_CLEAR_BASELINE, ST_SAVE_BASELINE};
    return run_twin_stmts(s, ids, sizeof ids / sizeof ids[0], run, twin, "save_baseline");
}

static int pg_restore_baseline(store *s, const char *run, const char *twin)
{
    static const enum stmt_id ids[] = {ST_CLEAR_TWIN, ST_RESTORE_BASELINE};
    return run_twin_stmts(s, ids, sizeof ids / sizeof ids[0], run, twin, "restore_baseline");
}

static bool same_column(const PGresult *res, int a, int b, int col)
{
    int len = PQgetlength(res, a, col);
    return len == PQgetlength(res, b, col) &&
           memcmp(PQgetvalue(res, a, col), PQgetvalue(res, b, col), (size_t)len) == 0;
}

static int pg_dump_twin(store *s, const char *run, const char *twin, buf *out)
{
    params p = {0};
    param_text(&p, run);
    param_text(&p, twin);
    PGresult *res = run_stmt(s, ST_DUMP, &p, "dump_twin");
    if (!res) return -1;
    int n = PQntuples(res);
    buf_putc(out, '{');
    for (int i = 0; i < n; i++) {
        if (i == 0 || !same_column(res, i, i - 1, 0)) {
            if (i > 0) buf_puts(out, "],");
            store_dump_json_string(out, PQgetvalue(res, i, 0), (size_t)PQgetlength(res, i, 0));
            buf_puts(out, ":[");
        } else {
            buf_putc(out, ',');
        }
        buf_append(out, PQgetvalue(res, i, 1), (size_t)PQgetlength(res, i, 1));
    }
    buf_puts(out, n ? "]}" : "}");
    PQclear(res);
    return 0;
}

/* --- counters and size --------------------------------------------------- */

static int64_t pg_counter_next(store *s, const char *run, const char *twin, const char *name)
{
    params p = {0};
    param_text(&p, run);
    param_text(&p, twin);
    param_text(&p, name);
    int64_t value = -1;
    return run_int(s, ST_COUNTER_NEXT, &p, &value, "counter_next") == 1 ? value : -1;
}

static int64_t pg_size_bytes(store *s)
{
    params p = {0};
    int64_t value = -1;
    return run_int(s, ST_SIZE, &p, &value, "size_bytes") == 1 ? value : -1;
}

/* --- open and close ------------------------------------------------------ */

static void pg_close(store *s)
{
    pg_store *q = impl_of(s);
    PQfinish(q->conn);
    free(q);
}

static const store_backend postgres_backend = {
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .put = pg_put,
    .get = pg_get,
    .exists = pg_exists,
    .del = pg_del,
    .list = pg_list,
    .count = pg_count,
    .lookup = pg_lookup,
    .clear_twin = pg_clear_twin,
    .clear_run = pg_clear_run,
    .save_baseline = pg_save_baseline,
    .restore_baseline = pg_restore_baseline,
    .dump_twin = pg_dump_twin,
    .counter_next = pg_counter_next,
    .size_bytes = pg_size_bytes,
};

/* CREATE ... IF NOT EXISTS still reports "already exists, skipping" as a
 * notice; the store has nothing to say about that. */
static void ignore_notice(void *arg, const char *message)
{
}

static int open_failed(pg_store *q, const char *msg, char **err_out)
{
    if (err_out) {
        size_t len = strlen(msg);
        while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' ')) len--;
        if (asprintf(err_out, "store: cannot open the PostgreSQL store: %.*s", (int)len, msg) < 0)
            *err_out = NULL;
    }
    PQfinish(q->conn);
    free(q);
    return -1;
}

int store_postgres_attach(store *s, const char *conninfo, char **err_out)
{
    pg_store *q = calloc(1, sizeof *q);
    if (!q) {
        if (err_out) *err_out = strdup("store: out of memory");
        return -1;
    }
    /* conninfo may be a URI or key=value pairs; either way name the
     * connection "twins" in pg_stat_activity unless it names itself. */
    const char *const keys[] = {"dbname", "fallback_application_name", NULL};
    const char *const values[] = {conninfo, "twins", NULL};
    q->conn = PQconnectdbParams(keys, values, 1);
    if (!q->conn) return open_failed(q, "out of memory", err_out);
    if (PQstatus(q->conn) != CONNECTION_OK) return open_failed(q, PQerrorMessage(q->conn), err_out);
    PQsetNoticeProcessor(q->conn, ignore_notice, NULL);
    PGresult *res = PQexec(q->conn, schema_sql);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok) {
        char msg[512];
        snprintf(msg, sizeof msg, "creating the schema: %s", PQerrorMessage(q->conn));
        return open_failed(q, msg, err_out);
    }
    q->puts_before_analyze = ANALYZE_AFTER_PUTS;
    s->be = &postgres_backend;
    s->impl = q;
    return 0;
}
