/* Internal seam between the public store API (store.c) and a database backend.
 *
 * store.c owns what is the same for every backend: argument checks,
 * transaction nesting, and making each multi-statement operation atomic by
 * wrapping it in a (possibly nested) transaction.  A backend only runs
 * queries.  Adding PostgreSQL means writing another table of these functions
 * and an open function; callers of store.h do not change.
 *
 * Backend functions may assume their arguments were validated (key fields,
 * ids and bodies non-NULL; at most one list cursor; an index value whenever an
 * index name is given).  They report failures with store_set_error(). */
#ifndef TWINS_STORE_BACKEND_H
#define TWINS_STORE_BACKEND_H

#include "store/store.h"

typedef struct store_backend {
    void (*close)(store *s);
    /* Real (outermost) transaction boundaries; nesting is handled above. */
    int (*begin)(store *s);
    int (*commit)(store *s);
    int (*rollback)(store *s);

    int (*put)(store *s, const store_key *k, const char *id, const char *json, size_t len,
               const store_index *idx, size_t n_idx);
    /* 1 with *json_out (in a) and *len_out set, 0 absent, -1 error */
    int (*get)(store *s, arena *a, const store_key *k, const char *id, char **json_out, size_t *len_out);
    int (*exists)(store *s, const store_key *k, const char *id); /* 1 yes, 0 no, -1 error */
    int (*del)(store *s, const store_key *k, const char *id);
    int (*list)(store *s, arena *a, const store_key *k, const store_list_opts *o,
                store_list_result *out);
    int64_t (*count)(store *s, const store_key *k, const char *index_name, const char *index_value);
    int (*lookup)(store *s, arena *a, const store_key *k, const char *index_name, const char *value,
                  const char ***ids_out, size_t *n_out, size_t max);

    int (*clear_twin)(store *s, const char *run, const char *twin);
    int (*clear_run)(store *s, const char *run);
    int (*save_baseline)(store *s, const char *run, const char *twin);
    int (*restore_baseline)(store *s, const char *run, const char *twin);
    int (*dump_twin)(store *s, const char *run, const char *twin, buf *out);

    int64_t (*counter_next)(store *s, const char *run, const char *twin, const char *name);
    int64_t (*size_bytes)(store *s);
} store_backend;

struct store {
    const store_backend *be;
    void *impl;             /* the backend's own state */
    int tx_depth;           /* nesting level of store_begin */
    bool tx_doomed;         /* an inner level rolled back: the outermost must too */
    char errmsg[512];
};

void store_set_error(store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends len bytes of text as a JSON string literal, the way every backend's
 * dump_twin writes collection names: quote and backslash escaped, control
 * bytes as \u00XX, everything else (non-UTF-8 included) byte for byte, so
 * the three backends' dumps compare equal. */
void store_dump_json_string(buf *out, const char *text, size_t len);

/* How an SQL backend reads the page a store_list_opts asks for: the rows with
 * lo < seq < hi, in descending seq order when descending, at most limit + 1
 * of them (the extra one tells has_more), then turned back into list order
 * with store_reverse_docs when backwards. */
typedef struct store_list_plan {
    int64_t lo, hi;
    bool descending;
    bool backwards;
} store_list_plan;

/* The cursor o names, if any (at most one: store.c checked). */
const char *store_list_cursor(const store_list_opts *o);
/* The plan for o; cursor_seq is the seq of store_list_cursor(o)'s document
 * (ignored without a cursor; an unknown cursor is an empty page, not a plan). */
store_list_plan store_plan_list(const store_list_opts *o, int64_t cursor_seq);
void store_reverse_docs(store_doc *v, size_t n);

/* Fills s->be and s->impl; on failure returns -1 with a malloc'd *err_out. */
int store_sqlite_attach(store *s, const char *path, char **err_out);
/* The in-memory backend (memory.c); same contract. */
int store_memory_attach(store *s, char **err_out);
int store_postgres_attach(store *s, const char *conninfo, char **err_out);

#endif
