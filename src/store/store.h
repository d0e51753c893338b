/* The resource store: JSON documents keyed by (run, twin, collection, id).
 *
 * Twins keep all their state here (no hidden globals), which is what makes
 * reset, snapshots, GET /admin/state, run isolation and a second backend
 * uniform.  The control plane uses the same store with twin "_control"
 * (collections "runs", "scenarios", ...).
 *
 * Documents are listed in insertion order (a per-store sequence assigned on
 * first insert; replacing a document keeps its position).  A twin may attach
 * secondary index entries (name, value) to a document on put, to list or look
 * up documents by e.g. customer id or email.
 *
 * Backends: native in-memory maps (the default without --data-dir), SQLite
 * (in memory, or a WAL database file with --data-dir) and PostgreSQL
 * (--store-url, shared by the servers of a fleet).  Every function here is
 * backend-neutral: callers do not know which one runs.
 *
 * Errors: functions returning int give 0 on success, -1 on failure; the
 * message is available from store_errmsg(). */
#ifndef TWINS_STORE_H
#define TWINS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"

typedef struct store store;

typedef struct store_key {
    const char *run;        /* run id; "" for global records */
    const char *twin;       /* twin name, or "_control" */
    const char *collection; /* "customers", "messages", ... */
} store_key;

typedef struct store_index {
    const char *name;       /* "customer", "email", "channel" */
    const char *value;
} store_index;

typedef struct store_doc {
    const char *id;
    const char *json;       /* NUL-terminated */
    size_t len;
    int64_t seq;            /* insertion order */
} store_doc;

typedef struct store_list_opts {
    size_t limit;                   /* 0 = no limit */
    bool newest_first;              /* Stripe lists newest first */
    const char *starting_after;     /* id cursor: items after this one in list order */
    const char *ending_before;      /* id cursor: items before this one in list order */
    const char *index_name;         /* optional filter: only docs with this index entry */
    const char *index_value;
} store_list_opts;

typedef struct store_list_result {
    store_doc *docs;                /* arena array, in list order */
    size_t n;
    bool has_more;                  /* more items beyond the page in the direction of travel */
} store_list_result;

/* path NULL = private in-memory database; otherwise a SQLite file in WAL mode. */
store *store_open_sqlite(const char *path, char **err_out /* malloc'd */);
/* Native in-memory store (hash maps, sorted arrays, an undo log for
 * transactions): the fastest, not durable. */
store *store_open_memory(char **err_out /* malloc'd */);
/* conninfo: a libpq connection string or URI (postgres://user@host/db).
 * Creates the schema if missing; several servers may share one database. */
store *store_open_postgres(const char *conninfo, char **err_out /* malloc'd */);
void store_close(store *s);               /* flushes (checkpoint) and frees */
const char *store_errmsg(const store *s);

/* Transactions nest by counting: only the outermost commit/rollback acts. */
int store_begin(store *s);
int store_commit(store *s);
int store_rollback(store *s);

/* Insert or replace.  idx entries replace the document's previous entries. */
int store_put(store *s, const store_key *k, const char *id, const char *json, size_t len,
              const store_index *idx, size_t n_idx);
/* NULL if absent or on error. The copy lives in a. */
char *store_get(store *s, arena *a, const store_key *k, const char *id, size_t *len_out);
/* store_get that tells the two apart: 1 and *json_out set when found, 0 when
 * absent, -1 on error (message in store_errmsg). */
int store_fetch(store *s, arena *a, const store_key *k, const char *id, char **json_out, size_t *len_out);
bool store_exists(store *s, const store_key *k, const char *id);
/* 0 deleted, 1 absent, -1 error. */
int store_delete(store *s, const store_key *k, const char *id);
int store_list(store *s, arena *a, const store_key *k, const store_list_opts *o, store_list_result *out);
int64_t store_count(store *s, const store_key *k, const char *index_name, const char *index_value);
/* Ids whose index `name` equals value, in insertion order (up to max). */
int store_lookup(store *s, arena *a, const store_key *k, const char *index_name, const char *value,
                 const char ***ids_out, size_t *n_out, size_t max);

/* Whole-twin and whole-run operations. */
int store_clear_twin(store *s, const char *run, const char *twin);
int store_clear_run(store *s, const char *run);
/* Saves the twin's current documents as its baseline (replacing an older one). */
int store_save_baseline(store *s, const char *run, const char *twin);
/* Replaces the twin's documents with its baseline (empty if none saved). */
int store_restore_baseline(store *s, const char *run, const char *twin);
/* Writes {"collection": [doc, ...], ...} (collections sorted by name, docs
 * in insertion order) for one twin, as JSON appended to out. */
int store_dump_twin(store *s, const char *run, const char *twin, buf *out);

/* Named counters per (run, twin): returns 1, 2, 3, ... on successive calls.
 * Used for deterministic id generators and sequence numbers.  Counters are
 * part of the twin's state: store_clear_twin resets them, and baselines save
 * and restore them, so a reset run mints the same ids again. */
int64_t store_counter_next(store *s, const char *run, const char *twin, const char *name);

/* Approximate bytes used by the database (for /metrics). */
int64_t store_size_bytes(store *s);

#endif
