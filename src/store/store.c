/* Public store API: argument checks, transaction nesting and atomicity, then
 * dispatch to the backend (see backend.h for the split). */
#include "store/backend.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void store_set_error(store *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
    va_end(ap);
}

typedef int (*attach_fn)(store *s, const char *where, char **err_out);

static store *store_open_with(attach_fn attach, const char *where, char **err_out)
{
    store *s = calloc(1, sizeof *s);
    if (!s) {
        if (err_out) *err_out = strdup("store: out of memory");
        return NULL;
    }
    if (attach(s, where, err_out) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

/* The memory backend needs no location; this adapts it to attach_fn. */
static int attach_memory(store *s, const char *unused, char **err_out)
{
    (void)unused;
    return store_memory_attach(s, err_out);
}

store *store_open_memory(char **err_out)
{
    return store_open_with(attach_memory, NULL, err_out);
}

store *store_open_sqlite(const char *path, char **err_out)
{
    return store_open_with(store_sqlite_attach, path, err_out);
}

store *store_open_postgres(const char *conninfo, char **err_out)
{
    return store_open_with(store_postgres_attach, conninfo, err_out);
}

void store_close(store *s)
{
    if (!s) return;
    /* An unfinished transaction at close is a caller bug; drop it rather
     * than committing half of something. */
    if (s->tx_depth > 0) s->be->rollback(s);
    s->be->close(s);
    free(s);
}

const char *store_errmsg(const store *s)
{
    return s->errmsg;
}

int store_begin(store *s)
{
    if (s->tx_depth == 0) {
        if (s->be->begin(s) != 0) return -1;
        s->tx_doomed = false;
    }
    s->tx_depth++;
    return 0;
}

int store_commit(store *s)
{
    if (s->tx_depth == 0) {
        store_set_error(s, "store: commit without begin");
        return -1;
    }
    if (--s->tx_depth > 0) return 0;
    if (s->tx_doomed) {
        s->be->rollback(s);
        store_set_error(s, "store: transaction rolled back by an inner rollback");
        return -1;
    }
    return s->be->commit(s);
}

int store_rollback(store *s)
{
    if (s->tx_depth == 0) {
        store_set_error(s, "store: rollback without begin");
        return -1;
    }
    if (--s->tx_depth > 0) {
        s->tx_doomed = true;
        return 0;
    }
    return s->be->rollback(s);
}

/* Ends the transaction an operation opened for itself: commit on success,
 * otherwise roll back (which also dooms any caller's enclosing transaction,
 * since the failed operation may have been half applied). */
static int finish_atomic(store *s, int rc)
{
    if (rc == 0) return store_commit(s);
    char saved[sizeof s->errmsg];
    memcpy(saved, s->errmsg, sizeof saved);
    store_rollback(s);
    memcpy(s->errmsg, saved, sizeof saved); /* report the cause, not the rollback */
    return rc;
}

static bool key_ok(store *s, const store_key *k, const char *what)
{
    if (k && k->run && k->twin && k->collection) return true;
    store_set_error(s, "store: %s: key needs run, twin and collection", what);
    return false;
}

static bool twin_ok(store *s, const char *run, const char *twin, const char *what)
{
    if (run && twin) return true;
    store_set_error(s, "store: %s: run and twin are required", what);
    return false;
}

static bool id_ok(store *s, const char *id, const char *what)
{
    if (id) return true;
    store_set_error(s, "store: %s: id is required", what);
    return false;
}

static bool index_ok(store *s, const char *name, const char *value, const char *what)
{
    if (!name || value) return true;
    store_set_error(s, "store: %s: index '%s' needs a value", what, name);
    return false;
}

int store_put(store *s, const store_key *k, const char *id, const char *json, size_t len,
              const store_index *idx, size_t n_idx)
{
    if (!key_ok(s, k, "put") || !id_ok(s, id, "put")) return -1;
    if (!json) {
        store_set_error(s, "store: put: document body is required");
        return -1;
    }
    for (size_t i = 0; i < n_idx; i++) {
        if (!idx[i].name || !idx[i].value) {
            store_set_error(s, "store: put: index entry %zu needs a name and a value", i);
            return -1;
        }
    }
    if (store_begin(s) != 0) return -1;
    return finish_atomic(s, s->be->put(s, k, id, json, len, idx, n_idx));
}

int store_fetch(store *s, arena *a, const store_key *k, const char *id, char **json_out, size_t *len_out)
{
    *json_out = NULL;
    if (!key_ok(s, k, "get") || !id_ok(s, id, "get")) return -1;
    return s->be->get(s, a, k, id, json_out, len_out);
}

char *store_get(store *s, arena *a, const store_key *k, const char *id, size_t *len_out)
{
    char *json;
    return store_fetch(s, a, k, id, &json, len_out) == 1 ? json : NULL;
}

bool store_exists(store *s, const store_key *k, const char *id)
{
    if (!key_ok(s, k, "exists") || !id_ok(s, id, "exists")) return false;
    return s->be->exists(s, k, id) == 1;
}

int store_delete(store *s, const store_key *k, const char *id)
{
    if (!key_ok(s, k, "delete") || !id_ok(s, id, "delete")) return -1;
    if (store_begin(s) != 0) return -1;
    int rc = s->be->del(s, k, id);
    /* 1 (absent) is a success for the transaction. */
    int done = finish_atomic(s, rc < 0 ? -1 : 0);
    return done != 0 ? -1 : rc;
}

const char *store_list_cursor(const store_list_opts *o)
{
    return o->starting_after ? o->starting_after : o->ending_before;
}

store_list_plan store_plan_list(const store_list_opts *o, int64_t cursor_seq)
{
    store_list_plan plan = {.lo = INT64_MIN, .hi = INT64_MAX};
    if (store_list_cursor(o)) {
        /* "After" in list order is a larger seq, unless the list runs newest first. */
        bool wanted_above = (o->starting_after != NULL) != o->newest_first;
        if (wanted_above) plan.lo = cursor_seq;
        else plan.hi = cursor_seq;
    }
    /* ending_before wants the page nearest the cursor: walk away from it,
     * then turn the page back into list order. */
    plan.backwards = o->ending_before != NULL;
    plan.descending = o->newest_first != plan.backwards;
    return plan;
}

void store_reverse_docs(store_doc *v, size_t n)
{
    for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
        store_doc t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

int store_list(store *s, arena *a, const store_key *k, const store_list_opts *o, store_list_result *out)
{
    *out = (store_list_result){0};
    if (!key_ok(s, k, "list")) return -1;
    if (o->starting_after && o->ending_before) {
        store_set_error(s, "store: list: starting_after and ending_before are mutually exclusive");
        return -1;
    }
    if (!index_ok(s, o->index_name, o->index_value, "list")) return -1;
    return s->be->list(s, a, k, o, out);
}

int64_t store_count(store *s, const store_key *k, const char *index_name, const char *index_value)
{
    if (!key_ok(s, k, "count") || !index_ok(s, index_name, index_value, "count")) return -1;
    return s->be->count(s, k, index_name, index_value);
}

int store_lookup(store *s, arena *a, const store_key *k, const char *index_name, const char *value,
                 const char ***ids_out, size_t *n_out, size_t max)
{
    *ids_out = NULL;
    *n_out = 0;
    if (!key_ok(s, k, "lookup")) return -1;
    if (!index_name || !value) {
        store_set_error(s, "store: lookup: index name and value are required");
        return -1;
    }
    return s->be->lookup(s, a, k, index_name, value, ids_out, n_out, max);
}

int store_clear_twin(store *s, const char *run, const char *twin)
{
    if (!twin_ok(s, run, twin, "clear_twin")) return -1;
    if (store_begin(s) != 0) return -1;
    return finish_atomic(s, s->be->clear_twin(s, run, twin));
}

int store_clear_run(store *s, const char *run)
{
    if (!run) {
        store_set_error(s, "store: clear_run: run is required");
        return -1;
    }
    if (store_begin(s) != 0) return -1;
    return finish_atomic(s, s->be->clear_run(s, run));
}

int store_save_baseline(store *s, const char *run, const char *twin)
{
    if (!twin_ok(s, run, twin, "save_baseline")) return -1;
    if (store_begin(s) != 0) return -1;
    return finish_atomic(s, s->be->save_baseline(s, run, twin));
}

int store_restore_baseline(store *s, const char *run, const char *twin)
{
    if (!twin_ok(s, run, twin, "restore_baseline")) return -1;
    if (store_begin(s) != 0) return -1;
    return finish_atomic(s, s->be->restore_baseline(s, run, twin));
}

void store_dump_json_string(buf *out, const char *text, size_t len)
{
    buf_putc(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '"' || c == '\\') {
            buf_putc(out, '\\');
            buf_putc(out, (char)c);
        } else if (c < 0x20) {
            buf_printf(out, "\\u%04x", c);
        } else {
            buf_putc(out, (char)c);
        }
    }
    buf_putc(out, '"');
}

int store_dump_twin(store *s, const char *run, const char *twin, buf *out)
{
    if (!twin_ok(s, run, twin, "dump_twin")) return -1;
    return s->be->dump_twin(s, run, twin, out);
}

int64_t store_counter_next(store *s, const char *run, const char *twin, const char *name)
{
    if (!twin_ok(s, run, twin, "counter_next")) return -1;
    if (!name) {
        store_set_error(s, "store: counter_next: counter name is required");
        return -1;
    }
    return s->be->counter_next(s, run, twin, name);
}

int64_t store_size_bytes(store *s)
{
    return s->be->size_bytes(s);
}
