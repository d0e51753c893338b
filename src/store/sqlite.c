/* SQLite backend of the store.
 *
 * Layout:
 * - spaces interns each (run, twin, collection) as a small integer, so the
 *   per-document indexes compare one integer instead of three strings (run
 *   ids are 36-character UUIDs).  Measured: a fresh insert costs 6.5 us
 *   instead of 9.6 us.  spaces rows live until their run is cleared, so a
 *   baseline's rows keep pointing at valid spaces.
 * - docs: a document's rowid is its seq, so the table grows by appending
 *   (bodies are large; appending avoids page splits that move them) and every
 *   list walks the small (space, seq) index.
 * - idx: index entries keyed (space, name, value, seq), so filtered lists and
 *   lookups come straight out of the key in list order.
 * - counters: per (run, twin, name).
 * - baseline_*: copies of the same rows; copying seq keeps list order
 *   identical after a reset.
 *
 * seq is issued from memory (store-wide, initialised from the largest stored
 * one) rather than by SQLite, so a fresh put is one statement.  A seq is
 * never reused: a document keeps it when replaced or restored.
 *
 * Every query is prepared once, on first use, and reused.  A store (and so
 * its connection, opened without SQLite's mutexes) is used by one thread at
 * a time. */
#include "store/backend.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS spaces("
    " space INTEGER PRIMARY KEY, run TEXT NOT NULL, twin TEXT NOT NULL, coll TEXT NOT NULL,"
    " UNIQUE(run, twin, coll));"
    "CREATE TABLE IF NOT EXISTS docs("
    " seq INTEGER PRIMARY KEY, space INTEGER NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,"
    " UNIQUE(space, id));"
    "CREATE INDEX IF NOT EXISTS docs_by_space ON docs(space, seq);"
    "CREATE TABLE IF NOT EXISTS idx("
    " space INTEGER NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, seq INTEGER NOT NULL,"
    " id TEXT NOT NULL, PRIMARY KEY(space, name, value, seq)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS idx_by_doc ON idx(seq);"
    "CREATE TABLE IF NOT EXISTS counters("
    " run TEXT NOT NULL, twin TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL,"
    " PRIMARY KEY(run, twin, name)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS baseline_docs("
    " seq INTEGER PRIMARY KEY, space INTEGER NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS baseline_docs_by_space ON baseline_docs(space);"
    "CREATE TABLE IF NOT EXISTS baseline_idx("
    " space INTEGER NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, seq INTEGER NOT NULL,"
    " id TEXT NOT NULL, PRIMARY KEY(space, name, value, seq)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS baseline_counters("
    " run TEXT NOT NULL, twin TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL,"
    " PRIMARY KEY(run, twin, name)) WITHOUT ROWID;";

#define DOC_COLS "seq, space, id, body"
#define IDX_COLS "space, name, value, seq, id"
#define COUNTER_COLS "run, twin, name, value"
/* Whole-twin and whole-run statements bind ?1 run and ?2 twin. */
#define TWIN_SPACES "(SELECT space FROM spaces WHERE run = ?1 AND twin = ?2)"
#define RUN_SPACES "(SELECT space FROM spaces WHERE run = ?1)"
#define TWIN_WHERE "run = ?1 AND twin = ?2"
/* Lists take ?1 space, bound seq by ?2 < seq < ?3 and return at most ?4 rows (-1: all). */
#define LIST_SQL(order)                                                        \
    "SELECT id, seq, body FROM docs WHERE space = ?1 AND seq > ?2 AND seq < ?3" \
    " ORDER BY seq " order " LIMIT ?4"
#define LIST_IDX_SQL(order)                                                      \
    "SELECT d.id, d.seq, d.body FROM idx i JOIN docs d ON d.seq = i.seq"         \
    " WHERE i.space = ?1 AND i.name = ?5 AND i.value = ?6 AND i.seq > ?2 AND i.seq < ?3" \
    " ORDER BY i.seq " order " LIMIT ?4"

enum stmt_id {
    ST_BEGIN, ST_COMMIT, ST_ROLLBACK,
    ST_MAX_SEQ, ST_SPACE_FIND, ST_SPACE_ADD,
    ST_DOC_INSERT, ST_DOC_REPLACE, ST_DOC_BODY, ST_DOC_SEQ, ST_DOC_DELETE,
    ST_IDX_INSERT, ST_IDX_DELETE_DOC,
    ST_LIST_ASC, ST_LIST_DESC, ST_LIST_IDX_ASC, ST_LIST_IDX_DESC,
    ST_COUNT, ST_COUNT_IDX, ST_LOOKUP,
    ST_CLEAR_TWIN_DOCS, ST_CLEAR_TWIN_IDX, ST_CLEAR_TWIN_COUNTERS,
    ST_CLEAR_RUN_DOCS, ST_CLEAR_RUN_IDX, ST_CLEAR_RUN_COUNTERS,
    ST_CLEAR_RUN_BASE_DOCS, ST_CLEAR_RUN_BASE_IDX, ST_CLEAR_RUN_BASE_COUNTERS, ST_CLEAR_RUN_SPACES,
    ST_CLEAR_BASE_DOCS, ST_CLEAR_BASE_IDX, ST_CLEAR_BASE_COUNTERS,
    ST_SAVE_DOCS, ST_SAVE_IDX, ST_SAVE_COUNTERS,
    ST_RESTORE_DOCS, ST_RESTORE_IDX, ST_RESTORE_COUNTERS,
    ST_DUMP, ST_COUNTER_NEXT, ST_PAGE_COUNT, ST_PAGE_SIZE,
    ST__N
};

static const char *const stmt_sql[ST__N] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE", /* take the write lock up front: no upgrade deadlock */
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_MAX_SEQ] = "SELECT max(coalesce((SELECT max(seq) FROM docs), 0),"
                   " coalesce((SELECT max(seq) FROM baseline_docs), 0))",
    [ST_SPACE_FIND] = "SELECT space FROM spaces WHERE run = ?1 AND twin = ?2 AND coll = ?3",
    [ST_SPACE_ADD] = "INSERT INTO spaces(run, twin, coll) VALUES(?1, ?2, ?3)",
    /* Not an upsert with RETURNING: RETURNING nearly doubles the cost of the
     * common fresh insert (measured 7-8 us against 4.5 us). */
    [ST_DOC_INSERT] = "INSERT INTO docs(" DOC_COLS ") VALUES(?1, ?2, ?3, ?4)"
                      " ON CONFLICT(space, id) DO NOTHING",
    [ST_DOC_REPLACE] = "UPDATE docs SET body = ?2 WHERE seq = ?1",
    [ST_DOC_BODY] = "SELECT body FROM docs WHERE space = ?1 AND id = ?2",
    [ST_DOC_SEQ] = "SELECT seq FROM docs WHERE space = ?1 AND id = ?2",
    [ST_DOC_DELETE] = "DELETE FROM docs WHERE seq = ?1",
    [ST_IDX_INSERT] = "INSERT INTO idx(" IDX_COLS ") VALUES(?1, ?2, ?3, ?4, ?5)"
                      " ON CONFLICT(space, name, value, seq) DO NOTHING", /* an entry given twice */
    [ST_IDX_DELETE_DOC] = "DELETE FROM idx WHERE seq = ?1",
    [ST_LIST_ASC] = LIST_SQL("ASC"),
    [ST_LIST_DESC] = LIST_SQL("DESC"),
    [ST_LIST_IDX_ASC] = LIST_IDX_SQL("ASC"),
    [ST_LIST_IDX_DESC] = LIST_IDX_SQL("DESC"),
    [ST_COUNT] = "SELECT count(*) FROM docs WHERE space = ?1",
    [ST_COUNT_IDX] = "SELECT count(*) FROM idx WHERE space = ?1 AND name = ?2 AND value = ?3",
    [ST_LOOKUP] = "SELECT id FROM idx WHERE space = ?1 AND name = ?2 AND value = ?3"
                  " ORDER BY seq LIMIT ?4",
    [ST_CLEAR_TWIN_DOCS] = "DELETE FROM docs WHERE space IN " TWIN_SPACES,
    [ST_CLEAR_TWIN_IDX] = "DELETE FROM idx WHERE space IN " TWIN_SPACES,
    [ST_CLEAR_TWIN_COUNTERS] = "DELETE FROM counters WHERE " TWIN_WHERE,
    [ST_CLEAR_RUN_DOCS] = "DELETE FROM docs WHERE space IN " RUN_SPACES,
    [ST_CLEAR_RUN_IDX] = "DELETE FROM idx WHERE space IN " RUN_SPACES,
    [ST_CLEAR_RUN_COUNTERS] = "DELETE FROM counters WHERE run = ?1",
    [ST_CLEAR_RUN_BASE_DOCS] = "DELETE FROM baseline_docs WHERE space IN " RUN_SPACES,
    [ST_CLEAR_RUN_BASE_IDX] = "DELETE FROM baseline_idx WHERE space IN " RUN_SPACES,
    [ST_CLEAR_RUN_BASE_COUNTERS] = "DELETE FROM baseline_counters WHERE run = ?1",
    [ST_CLEAR_RUN_SPACES] = "DELETE FROM spaces WHERE run = ?1",
    [ST_CLEAR_BASE_DOCS] = "DELETE FROM baseline_docs WHERE space IN " TWIN_SPACES,
    [ST_CLEAR_BASE_IDX] = "DELETE FROM baseline_idx WHERE space IN " TWIN_SPACES,
    [ST_CLEAR_BASE_COUNTERS] = "DELETE FROM baseline_counters WHERE " TWIN_WHERE,
    [ST_SAVE_DOCS] = "INSERT INTO baseline_docs(" DOC_COLS ") SELECT " DOC_COLS
                     " FROM docs WHERE space IN " TWIN_SPACES,
    [ST_SAVE_IDX] = "INSERT INTO baseline_idx(" IDX_COLS ") SELECT " IDX_COLS
                    " FROM idx WHERE space IN " TWIN_SPACES,
    [ST_SAVE_COUNTERS] = "INSERT INTO baseline_counters(" COUNTER_COLS ") SELECT " COUNTER_COLS
                         " FROM counters WHERE " TWIN_WHERE,
    [ST_RESTORE_DOCS] = "INSERT INTO docs(" DOC_COLS ") SELECT " DOC_COLS
                        " FROM baseline_docs WHERE space IN " TWIN_SPACES,
    [ST_RESTORE_IDX] = "INSERT INTO idx(" IDX_COLS ") SELECT " IDX_COLS
                       " FROM baseline_idx WHERE space IN " TWIN_SPACES,
    [ST_RESTORE_COUNTERS] = "INSERT INTO counters(" COUNTER_COLS ") SELECT " COUNTER_COLS
                            " FROM baseline_counters WHERE " TWIN_WHERE,
    [ST_DUMP] = "SELECT s.coll, d.body FROM spaces s JOIN docs d ON d.space = s.space"
                " WHERE s.run = ?1 AND s.twin = ?2 ORDER BY s.coll, d.seq",
    [ST_COUNTER_NEXT] = "INSERT INTO counters(" COUNTER_COLS ") VALUES(?1, ?2, ?3, 1)"
                        " ON CONFLICT(run, twin, name) DO UPDATE SET value = value + 1"
                        " RETURNING value",
    [ST_PAGE_COUNT] = "PRAGMA page_count",
    [ST_PAGE_SIZE] = "PRAGMA page_size",
};

/* Recently used spaces, so most operations skip the spaces lookup.  A
 * rollback empties the cache (a space created inside the rolled-back
 * transaction no longer exists, and its id may be handed out again), and so
 * does clear_run, which deletes spaces. */
#define SPACE_CACHE_SIZE 16

typedef struct space_entry {
    uint64_t hash;      /* of the key, compared before the strings */
    char *key;          /* run NUL twin NUL coll NUL, one allocation; NULL if unused */
    int64_t space;
} space_entry;

typedef struct sqlite_store {
    sqlite3 *db;
    bool file_backed;
    int64_t last_seq;
    space_entry spaces[SPACE_CACHE_SIZE];
    size_t next_victim; /* round-robin replacement */
    sqlite3_stmt *stmts[ST__N];
} sqlite_store;

static sqlite_store *impl_of(store *s)
{
    return s->impl;
}

static void db_error(store *s, const char *what)
{
    store_set_error(s, "store: %s: %s", what, sqlite3_errmsg(impl_of(s)->db));
}

/* The cached statement for id, prepared on first use; NULL on error. */
static sqlite3_stmt *stmt(store *s, enum stmt_id id, const char *what)
{
    sqlite_store *q = impl_of(s);
    if (!q->stmts[id] &&
        sqlite3_prepare_v3(q->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &q->stmts[id], NULL)
            != SQLITE_OK) {
        db_error(s, what);
        return NULL;
    }
    return q->stmts[id];
}

/* Ready the statement for its next use (bindings point at callers' strings). */
static void stmt_done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Text is bound without copying: every caller finishes the statement before
 * its strings can go away. */
static void bind_text(sqlite3_stmt *st, int param, const char *text)
{
    sqlite3_bind_text(st, param, text, -1, SQLITE_STATIC);
}

static void bind_twin(sqlite3_stmt *st, const char *run, const char *twin)
{
    bind_text(st, 1, run);
    bind_text(st, 2, twin);
}

/* SQLite's LIMIT for a row count where 0 (or anything unrepresentable) means all. */
static int64_t sql_limit(size_t n)
{
    return n == 0 || n >= (size_t)INT64_MAX ? -1 : (int64_t)n;
}

/* Steps a statement that returns no rows, then readies it again. */
static int step_done(store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) db_error(s, what);
    stmt_done(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Steps a statement expected to return at most one integer.
 * 1 and *value set if a row came back, 0 if none, -1 on error. */
static int step_int(store *s, sqlite3_stmt *st, int64_t *value, const char *what)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *value = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE) db_error(s, what);
    stmt_done(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Runs statements that each take only ?1 run and ?2 twin (when given). */
static int run_twin_stmts(store *s, const enum stmt_id *ids, size_t n, const char *run,
                          const char *twin, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *st = stmt(s, ids[i], what);
        if (!st) return -1;
        bind_text(st, 1, run);
        if (twin) bind_text(st, 2, twin);
        if (step_done(s, st, what) != 0) return -1;
    }
    return 0;
}

/* A NUL-terminated arena copy of a text column. */
static char *column_copy(arena *a, sqlite3_stmt *st, int col, size_t *len_out)
{
    size_t len = (size_t)sqlite3_column_bytes(st, col);
    const unsigned char *text = sqlite3_column_text(st, col);
    char *copy = arena_alloc(a, len + 1);
    if (len) memcpy(copy, text, len);
    copy[len] = '\0';
    if (len_out) *len_out = len;
    return copy;
}

/* --- spaces -------------------------------------------------------------- */

/* FNV-1a over the key's three strings, each with its terminator so that
 * ("ab", "c") and ("a", "bc") differ. */
static uint64_t key_hash(const store_key *k)
{
    const char *parts[] = {k->run, k->twin, k->collection};
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < 3; i++) {
        const unsigned char *p = (const unsigned char *)parts[i];
        do {
            h = (h ^ *p) * 1099511628211u;
        } while (*p++);
    }
    return h;
}

static bool entry_matches(const space_entry *e, uint64_t hash, const store_key *k)
{
    if (!e->key || e->hash != hash) return false;
    const char *twin = e->key + strlen(e->key) + 1;
    const char *coll = twin + strlen(twin) + 1;
    return strcmp(e->key, k->run) == 0 && strcmp(twin, k->twin) == 0 &&
           strcmp(coll, k->collection) == 0;
}

static void cache_space(sqlite_store *q, uint64_t hash, const store_key *k, int64_t space)
{
    space_entry *e = &q->spaces[q->next_victim];
    q->next_victim = (q->next_victim + 1) % SPACE_CACHE_SIZE;
    free(e->key);
    size_t run_len = strlen(k->run) + 1, twin_len = strlen(k->twin) + 1;
    size_t coll_len = strlen(k->collection) + 1;
    e->key = malloc(run_len + twin_len + coll_len);
    if (!e->key) return; /* the cache is an optimisation: just don't remember */
    memcpy(e->key, k->run, run_len);
    memcpy(e->key + run_len, k->twin, twin_len);
    memcpy(e->key + run_len + twin_len, k->collection, coll_len);
    e->hash = hash;
    e->space = space;
}

static void forget_spaces(sqlite_store *q)
{
    for (size_t i = 0; i < SPACE_CACHE_SIZE; i++) {
        free(q->spaces[i].key);
        q->spaces[i].key = NULL;
    }
}

static sqlite3_stmt *space_stmt(store *s, enum stmt_id id, const store_key *k, const char *what)
{
    sqlite3_stmt *st = stmt(s, id, what);
    if (!st) return NULL;
    bind_text(st, 1, k->run);
    bind_text(st, 2, k->twin);
    bind_text(st, 3, k->collection);
    return st;
}

/* The key's space id in *space: 1 found (or created, if create), 0 absent,
 * -1 on error. */
static int find_space(store *s, const store_key *k, bool create, int64_t *space, const char *what)
{
    sqlite_store *q = impl_of(s);
    uint64_t hash = key_hash(k);
    for (size_t i = 0; i < SPACE_CACHE_SIZE; i++) {
        if (entry_matches(&q->spaces[i], hash, k)) {
            *space = q->spaces[i].space;
            return 1;
        }
    }
    sqlite3_stmt *st = space_stmt(s, ST_SPACE_FIND, k, what);
    int found = st ? step_int(s, st, space, what) : -1;
    if (found == 0 && create) {
        st = space_stmt(s, ST_SPACE_ADD, k, what);
        if (!st || step_done(s, st, what) != 0) return -1;
        *space = sqlite3_last_insert_rowid(q->db);
        found = 1;
    }
    if (found == 1) cache_space(q, hash, k, *space);
    return found;
}

/* --- transactions -------------------------------------------------------- */

static int sq_begin(store *s)
{
    sqlite3_stmt *st = stmt(s, ST_BEGIN, "begin");
    return st ? step_done(s, st, "begin") : -1;
}

static int sq_rollback(store *s)
{
    sqlite_store *q = impl_of(s);
    forget_spaces(q);
    /* SQLite already rolled back on some errors (e.g. SQLITE_FULL). */
    if (sqlite3_get_autocommit(q->db)) return 0;
    sqlite3_stmt *st = stmt(s, ST_ROLLBACK, "rollback");
    return st ? step_done(s, st, "rollback") : -1;
}

static int sq_commit(store *s)
{
    sqlite3_stmt *st = stmt(s, ST_COMMIT, "commit");
    if (st && step_done(s, st, "commit") == 0) return 0;
    /* A failed COMMIT leaves the transaction open; close it, keeping the cause. */
    char cause[sizeof s->errmsg];
    memcpy(cause, s->errmsg, sizeof cause);
    sq_rollback(s);
    memcpy(s->errmsg, cause, sizeof cause);
    return -1;
}

/* --- documents ----------------------------------------------------------- */

static void bind_doc(sqlite3_stmt *st, int64_t space, const char *id)
{
    sqlite3_bind_int64(st, 1, space);
    bind_text(st, 2, id);
}

/* 1 and *seq set if the document exists, 0 if not, -1 on error. */
static int doc_seq(store *s, int64_t space, const char *id, int64_t *seq, const char *what)
{
    sqlite3_stmt *st = stmt(s, ST_DOC_SEQ, what);
    if (!st) return -1;
    bind_doc(st, space, id);
    return step_int(s, st, seq, what);
}

/* A fresh document: 1 inserted with the next seq (in *seq_out), 0 if the id
 * exists already, -1 on error. */
static int insert_doc(store *s, int64_t space, const char *id, const char *json, size_t len,
                      int64_t *seq_out)
{
    sqlite3_stmt *st = stmt(s, ST_DOC_INSERT, "put");
    if (!st) return -1;
    sqlite_store *q = impl_of(s);
    sqlite3_bind_int64(st, 1, q->last_seq + 1);
    sqlite3_bind_int64(st, 2, space);
    bind_text(st, 3, id);
    sqlite3_bind_text64(st, 4, json, len, SQLITE_STATIC, SQLITE_UTF8);
    if (step_done(s, st, "put") != 0) return -1;
    if (sqlite3_changes(q->db) == 0) return 0;
    *seq_out = ++q->last_seq;
    return 1;
}

/* Deletes a document's row (ST_DOC_DELETE) or index entries (ST_IDX_DELETE_DOC). */
static int delete_by_seq(store *s, enum stmt_id id, int64_t seq, const char *what)
{
    sqlite3_stmt *st = stmt(s, id, what);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, seq);
    return step_done(s, st, what);
}

static int insert_index(store *s, int64_t space, const char *id, int64_t seq, const store_index *e)
{
    sqlite3_stmt *st = stmt(s, ST_IDX_INSERT, "put");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, space);
    bind_text(st, 2, e->name);
    bind_text(st, 3, e->value);
    sqlite3_bind_int64(st, 4, seq);
    bind_text(st, 5, id);
    return step_done(s, st, "put");
}

static int replace_body(store *s, int64_t seq, const char *json, size_t len)
{
    sqlite3_stmt *st = stmt(s, ST_DOC_REPLACE, "put");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_text64(st, 2, json, len, SQLITE_STATIC, SQLITE_UTF8);
    return step_done(s, st, "put");
}

/* An existing document keeps its seq (*seq_out) and loses its old entries. */
static int replace_doc(store *s, int64_t space, const char *id, const char *json, size_t len,
                       int64_t *seq_out)
{
    /* insert_doc saw it within this same transaction, so it is there. */
    if (doc_seq(s, space, id, seq_out, "put") != 1) return -1;
    if (replace_body(s, *seq_out, json, len) != 0) return -1;
    return delete_by_seq(s, ST_IDX_DELETE_DOC, *seq_out, "put");
}

static int sq_put(store *s, const store_key *k, const char *id, const char *json, size_t len,
                  const store_index *idx, size_t n_idx)
{
    int64_t space, seq;
    if (find_space(s, k, true, &space, "put") != 1) return -1;
    int inserted = insert_doc(s, space, id, json, len, &seq);
    if (inserted < 0) return -1;
    if (!inserted && replace_doc(s, space, id, json, len, &seq) != 0) return -1;
    for (size_t i = 0; i < n_idx; i++)
        if (insert_index(s, space, id, seq, &idx[i]) != 0) return -1;
    return 0;
}

static int sq_get(store *s, arena *a, const store_key *k, const char *id, char **json_out, size_t *len_out)
{
    int64_t space;
    int found = find_space(s, k, false, &space, "get");
    if (found != 1) return found;
    sqlite3_stmt *st = stmt(s, ST_DOC_BODY, "get");
    if (!st) return -1;
    bind_doc(st, space, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *json_out = column_copy(a, st, 0, len_out);
        found = 1;
    } else {
        found = rc == SQLITE_DONE ? 0 : -1;
        if (found < 0) db_error(s, "get");
    }
    stmt_done(st);
    return found;
}

static int sq_exists(store *s, const store_key *k, const char *id)
{
    int64_t space, seq;
    int found = find_space(s, k, false, &space, "exists");
    return found == 1 ? doc_seq(s, space, id, &seq, "exists") : found;
}

static int sq_del(store *s, const store_key *k, const char *id)
{
    int64_t space, seq;
    int found = find_space(s, k, false, &space, "delete");
    if (found == 1) found = doc_seq(s, space, id, &seq, "delete");
    if (found <= 0) return found < 0 ? -1 : 1;
    if (delete_by_seq(s, ST_DOC_DELETE, seq, "delete") != 0) return -1;
    return delete_by_seq(s, ST_IDX_DELETE_DOC, seq, "delete");
}

/* --- lists --------------------------------------------------------------- */

typedef struct doc_vec {
    store_doc *v;
    size_t n, cap;
} doc_vec;

static void doc_vec_push(arena *a, doc_vec *dv, sqlite3_stmt *st)
{
    if (dv->n == dv->cap) {
        /* Arena memory is not freed one piece at a time; doubling keeps the
         * abandoned copies under the size of the final array. */
        size_t cap = dv->cap ? dv->cap * 2 : 16;
        store_doc *v = arena_alloc(a, cap * sizeof *v);
        if (dv->n) memcpy(v, dv->v, dv->n * sizeof *v);
        dv->v = v;
        dv->cap = cap;
    }
    store_doc *d = &dv->v[dv->n++];
    d->id = column_copy(a, st, 0, NULL);
    d->seq = sqlite3_column_int64(st, 1);
    d->json = column_copy(a, st, 2, &d->len);
}

static sqlite3_stmt *list_stmt(store *s, bool filtered, bool descending)
{
    enum stmt_id id = filtered ? (descending ? ST_LIST_IDX_DESC : ST_LIST_IDX_ASC)
                               : (descending ? ST_LIST_DESC : ST_LIST_ASC);
    return stmt(s, id, "list");
}

/* Fills out with the page o asks for from space. */
static int list_space(store *s, arena *a, int64_t space, const store_list_opts *o,
                      store_list_result *out)
{
    const char *cursor = store_list_cursor(o);
    int64_t cursor_seq = 0;
    if (cursor) {
        int found = doc_seq(s, space, cursor, &cursor_seq, "list");
        if (found <= 0) return found; /* unknown cursor: an empty page */
    }
    store_list_plan plan = store_plan_list(o, cursor_seq);
    bool filtered = o->index_name != NULL;
    sqlite3_stmt *st = list_stmt(s, filtered, plan.descending);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, space);
    sqlite3_bind_int64(st, 2, plan.lo);
    sqlite3_bind_int64(st, 3, plan.hi);
    int64_t limit = sql_limit(o->limit);
    sqlite3_bind_int64(st, 4, limit < 0 ? -1 : limit + 1); /* one extra row tells has_more */
    if (filtered) {
        bind_text(st, 5, o->index_name);
        bind_text(st, 6, o->index_value);
    }
    doc_vec dv = {0};
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) doc_vec_push(a, &dv, st);
    if (rc != SQLITE_DONE) db_error(s, "list");
    stmt_done(st);
    if (rc != SQLITE_DONE) return -1;
    if (limit >= 0 && dv.n > (size_t)limit) {
        out->has_more = true;
        dv.n = (size_t)limit;
    }
    if (plan.backwards) store_reverse_docs(dv.v, dv.n);
    out->docs = dv.v;
    out->n = dv.n;
    return 0;
}

static int sq_list(store *s, arena *a, const store_key *k, const store_list_opts *o,
                   store_list_result *out)
{
    int64_t space;
    int found = find_space(s, k, false, &space, "list");
    return found == 1 ? list_space(s, a, space, o, out) : found; /* no space: empty */
}

static int64_t sq_count(store *s, const store_key *k, const char *index_name, const char *index_value)
{
    int64_t space;
    int found = find_space(s, k, false, &space, "count");
    if (found <= 0) return found;
    sqlite3_stmt *st = stmt(s, index_name ? ST_COUNT_IDX : ST_COUNT, "count");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, space);
    if (index_name) {
        bind_text(st, 2, index_name);
        bind_text(st, 3, index_value);
    }
    int64_t n = 0;
    return step_int(s, st, &n, "count") < 0 ? -1 : n;
}

static int sq_lookup(store *s, arena *a, const store_key *k, const char *index_name, const char *value,
                     const char ***ids_out, size_t *n_out, size_t max)
{
    int64_t space;
    int found = find_space(s, k, false, &space, "lookup");
    if (found <= 0) return found;
    sqlite3_stmt *st = stmt(s, ST_LOOKUP, "lookup");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, space);
    bind_text(st, 2, index_name);
    bind_text(st, 3, value);
    sqlite3_bind_int64(st, 4, sql_limit(max));
    const char **ids = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            const char **grown = arena_alloc(a, cap * sizeof *grown);
            if (n) memcpy(grown, ids, n * sizeof *grown);
            ids = grown;
        }
        ids[n++] = column_copy(a, st, 0, NULL);
    }
    if (rc != SQLITE_DONE) db_error(s, "lookup");
    stmt_done(st);
    if (rc != SQLITE_DONE) return -1;
    *ids_out = ids;
    *n_out = n;
    return 0;
}

/* --- whole twins and runs ------------------------------------------------ */

static int sq_clear_twin(store *s, const char *run, const char *twin)
{
    static const enum stmt_id ids[] = {
        ST_CLEAR_TWIN_DOCS, ST_CLEAR_TWIN_IDX, ST_CLEAR_TWIN_COUNTERS,
    };
    return run_twin_stmts(s, ids, sizeof ids / sizeof ids[0], run, twin, "clear_twin");
}

static int sq_clear_run(store *s, const char *run)
{
    /* Spaces go last: the other deletes find the run's rows through them. */
    static const enum stmt_id ids[] = {
        ST_CLEAR_RUN_DOCS, ST_CLEAR_RUN_IDX, ST_CLEAR_RUN_COUNTERS,
        ST_CLEAR_RUN_BASE_DOCS, ST_CLEAR_RUN_BASE_IDX, ST_CLEAR_RUN_BASE_COUNTERS,
        ST_CLEAR_RUN_SPACES,
    };
    if (run_twin_stmts(s, ids, sizeof ids / sizeof ids[0], run, NULL, "clear_run") != 0) return -1;
    forget_spaces(impl_of(s));
    return 0;
}

static int sq_save_baseline(store *s, const char *run, const char *twin)
{
    static const enum stmt_id ids[] = {
        ST_CLEAR_BASE_DOCS, ST_CLEAR_BASE_IDX, ST_CLEAR_BASE_COUNTERS,
        ST_SAVE_DOCS, ST_SAVE_IDX, ST_SAVE_COUNTERS,
    };
    return run_twin_stmts(s, ids, sizeof ids / sizeof ids[0], run, twin, "save_baseline");
}

static int sq_restore_baseline(store *s, const char *run, const char *twin)
{
    static const enum stmt_id ids[] = {
        ST_CLEAR_TWIN_DOCS, ST_CLEAR_TWIN_IDX, ST_CLEAR_TWIN_COUNTERS,
        ST_RESTORE_DOCS, ST_RESTORE_IDX, ST_RESTORE_COUNTERS,
    };
    return run_twin_stmts(s, ids, sizeof ids / sizeof ids[0], run, twin, "restore_baseline");
}

static bool same_text(const buf *b, const unsigned char *text, size_t len)
{
    return b->len == len && (len == 0 || memcmp(b->data, text, len) == 0);
}

static int sq_dump_twin(store *s, const char *run, const char *twin, buf *out)
{
    sqlite3_stmt *st = stmt(s, ST_DUMP, "dump_twin");
    if (!st) return -1;
    bind_twin(st, run, twin);
    size_t start = out->len;
    buf coll = BUF_INIT; /* the collection being written */
    bool any = false;
    int rc;
    buf_putc(out, '{');
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(st, 0);
        size_t name_len = (size_t)sqlite3_column_bytes(st, 0);
        if (!any || !same_text(&coll, name, name_len)) {
            if (any) buf_puts(out, "],");
            store_dump_json_string(out, (const char *)name, name_len);
            buf_puts(out, ":[");
            buf_reset(&coll);
            buf_append(&coll, name, name_len);
        } else {
            buf_putc(out, ',');
        }
        any = true;
        buf_append(out, sqlite3_column_text(st, 1), (size_t)sqlite3_column_bytes(st, 1));
    }
    buf_free(&coll);
    if (rc != SQLITE_DONE) {
        db_error(s, "dump_twin");
        stmt_done(st);
        out->len = start; /* leave out as it was */
        out->data[start] = '\0';
        return -1;
    }
    stmt_done(st);
    buf_puts(out, any ? "]}" : "}");
    return 0;
}

/* --- counters and size --------------------------------------------------- */

static int64_t sq_counter_next(store *s, const char *run, const char *twin, const char *name)
{
    sqlite3_stmt *st = stmt(s, ST_COUNTER_NEXT, "counter_next");
    if (!st) return -1;
    bind_twin(st, run, twin);
    bind_text(st, 3, name);
    int64_t value = -1;
    return step_int(s, st, &value, "counter_next") == 1 ? value : -1;
}

static int64_t pragma_int(store *s, enum stmt_id id)
{
    sqlite3_stmt *st = stmt(s, id, "size_bytes");
    int64_t value = -1;
    if (!st || step_int(s, st, &value, "size_bytes") != 1) return -1;
    return value;
}

static int64_t sq_size_bytes(store *s)
{
    int64_t pages = pragma_int(s, ST_PAGE_COUNT);
    int64_t page_size = pragma_int(s, ST_PAGE_SIZE);
    return pages < 0 || page_size < 0 ? -1 : pages * page_size;
}

/* --- open and close ------------------------------------------------------ */

static void sq_close(store *s)
{
    sqlite_store *q = impl_of(s);
    for (size_t i = 0; i < ST__N; i++) sqlite3_finalize(q->stmts[i]);
    forget_spaces(q);
    /* Fold the WAL back into the database so the file stands alone. */
    if (q->file_backed) sqlite3_wal_checkpoint_v2(q->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    sqlite3_close(q->db);
    free(q);
}

static const store_backend sqlite_backend = {
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .put = sq_put,
    .get = sq_get,
    .exists = sq_exists,
    .del = sq_del,
    .list = sq_list,
    .count = sq_count,
    .lookup = sq_lookup,
    .clear_twin = sq_clear_twin,
    .clear_run = sq_clear_run,
    .save_baseline = sq_save_baseline,
    .restore_baseline = sq_restore_baseline,
    .dump_twin = sq_dump_twin,
    .counter_next = sq_counter_next,
    .size_bytes = sq_size_bytes,
};

static int configure(sqlite3 *db, bool file_backed)
{
    if (!file_backed) return sqlite3_exec(db, schema_sql, NULL, NULL, NULL);
    /* WAL lets readers proceed during writes; NORMAL sync is durable across
     * application crashes and only risks the last commits on power loss. */
    int rc = sqlite3_busy_timeout(db, 5000);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                                           NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, schema_sql, NULL, NULL, NULL);
    return rc;
}

static int open_failed(sqlite_store *q, const char *path, char **err_out)
{
    if (err_out && asprintf(err_out, "store: cannot open %s: %s", path ? path : "in-memory database",
                            q->db ? sqlite3_errmsg(q->db) : "out of memory") < 0)
        *err_out = NULL;
    sqlite3_close(q->db);
    free(q);
    return -1;
}

int store_sqlite_attach(store *s, const char *path, char **err_out)
{
    sqlite_store *q = calloc(1, sizeof *q);
    if (!q) {
        if (err_out) *err_out = strdup("store: out of memory");
        return -1;
    }
    q->file_backed = path != NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path ? path : ":memory:", &q->db, flags, NULL) != SQLITE_OK ||
        configure(q->db, q->file_backed) != SQLITE_OK)
        return open_failed(q, path, err_out);
    s->be = &sqlite_backend;
    s->impl = q;
    sqlite3_stmt *st = stmt(s, ST_MAX_SEQ, "open");
    if (!st || step_int(s, st, &q->last_seq, "open") != 1) {
        sq_close(s);
        if (err_out) *err_out = strdup(s->errmsg);
        return -1;
    }
    return 0;
}
