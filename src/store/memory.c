/* In-memory backend of the store: native hash maps and sorted arrays, no SQL.
 *
 * The default when the server keeps no data directory.  The SQLite backend
 * stays for --data-dir (durable) and --store sqlite; both pass the same
 * contract tests (tests/unit/test_store.c).
 *
 * Layout:
 * - runs (map run -> mrun) -> twins (map twin -> mtwin).  A twin has its live
 *   content and an optional baseline, each a `content`: spaces (map
 *   collection -> mspace) and counters (map name -> boxed int64).
 * - An mspace holds its documents three ways: an id table (a keyed_table:
 *   open addressing keyed by the document's own id, so no second copy of
 *   the key, grown incrementally), `order`, the documents sorted by seq
 *   (insertion order; lists are slices of it), and per index (name, value)
 *   a bucket, also sorted by seq, found in the index's own keyed_table of
 *   values.  Fresh documents have the largest seq, so they append; only a
 *   delete (or the rollback of one) moves array elements.
 * - A document is one allocation: struct, id, body and its index entries.
 *   Replacing a document swaps in a new one with the same seq.
 * - Keyed tables and sorted arrays that reach megabytes live on huge pages
 *   (util/bigmem.h): their accesses are random, and TLB misses are what
 *   slows big tables most, in a VM above all.
 *
 * Transactions keep an undo log.  Every change records how to take it back,
 * holding on to whatever it detached (a replaced or deleted document, a
 * twin's previous content or baseline, a cleared run); commit frees those,
 * rollback undoes the entries newest first, which restores the state exactly
 * (seqs included).  Outside a transaction changes apply at once.
 *
 * seq is store-wide and never reused, like the SQLite backend's. */
#include "store/backend.h"

#include <stdlib.h>
#include <string.h>

#include "util/bigmem.h"
#include "util/map.h"

typedef struct mspace mspace;

typedef struct mdoc {
    mspace *space;          /* where it is attached (kept while detached, for undo) */
    int64_t seq;
    const char *id;
    const char *body;       /* NUL-terminated, len bytes */
    size_t len;
    store_index *idx;       /* deduplicated entries */
    size_t n_idx;
    size_t bytes;           /* the allocation's size, for size_bytes */
} mdoc;

/* Documents sorted by seq. */
typedef struct seq_vec {
    mdoc **v;
    size_t n, cap;
} seq_vec;

/* A hash table of items that carry their own string key: documents by id,
 * and an index's buckets by value.  Open addressing with linear probing;
 * slots keep the hash, so probing and growing do not touch the items.
 *
 * Growing moves the entries to the new slots a few at a time (kt_migrate),
 * not all at once: rehashing a million entries in one go stalled the request
 * that happened to cross the threshold for over 100 ms.  Until the previous
 * table is drained, a key may be in either table (never in both).
 *
 * A big new table is first faulted in, a huge page per insert, while the
 * current one keeps taking the inserts (kt_prepare_next): fresh memory
 * costs milliseconds per huge page on first touch in a VM, and inserts
 * landing at random in an untouched table would pay that several times in
 * one request. */
#define SLOT_DEAD ((void *)1)

typedef struct kt_slot {
    uint64_t hash;
    void *item;             /* NULL empty, SLOT_DEAD deleted (or moved on) */
} kt_slot;

typedef struct keyed_table {
    const char *(*key_of)(const void *item);
    size_t live;            /* items held, in either table */
    kt_slot *slots;
    size_t cap, used;       /* used counts live and dead slots */
    kt_slot *prev;          /* NULL, or the table being drained into slots */
    size_t prev_cap, drained; /* prev's slots below `drained` have moved */
    kt_slot *next;          /* NULL, or the empty table being faulted in */
    size_t next_cap, populated; /* next's bytes faulted in so far */
} keyed_table;

/* Slots of the previous table moved per insert or delete: bounded work (at
 * most half of them hold an entry), and enough to drain it long before the
 * new table, four times the live entries, fills to half. */
#define KT_MIGRATE_STEP 128

/* The documents of one index value, and the value, their key. */
typedef struct bucket {
    seq_vec docs;
    char value[];
} bucket;

struct mspace {
    char *name;
    keyed_table ids;        /* of mdoc */
    seq_vec order;
    map index_names;        /* name -> keyed_table* of bucket */
};

typedef struct content {
    map spaces;             /* collection -> mspace* */
    map counters;           /* name -> int64_t* */
} content;

typedef struct mtwin {
    content *live;
    content *baseline;      /* NULL: none saved */
} mtwin;

typedef struct mrun {
    map twins;              /* twin -> mtwin* */
} mrun;

typedef enum undo_kind {
    U_DOC_ADDED,            /* rollback: detach and free doc */
    U_DOC_REMOVED,          /* rollback: attach doc again; commit: free it */
    U_COUNTER,              /* rollback: *counter = old_value */
    U_LIVE,                 /* rollback: twin->live = old; commit: free old */
    U_BASELINE,             /* rollback: twin->baseline = old; commit: free old */
    U_RUN_REMOVED,          /* rollback: runs[name] = run; commit: free run */
} undo_kind;

typedef struct undo {
    undo_kind kind;
    mdoc *doc;
    int64_t *counter;
    int64_t old_value;
    mtwin *twin;
    content *old;
    mrun *run;
    char *name;
} undo;

typedef struct mem_store {
    map runs;               /* run -> mrun* */
    int64_t last_seq;
    bool in_tx;
    undo *log;
    size_t n_log, cap_log;
    int64_t bytes;          /* documents held, including detached ones */
    /* The twin of the last call: a request makes several store calls for
     * one (run, twin), and hashing a 36-character run id twice per call was
     * a few percent of a Stripe create.  Emptied when any run is freed. */
    struct {
        char run[64], twin[32];
        mtwin *t;
    } last;
} mem_store;

static mem_store *impl_of(store *s)
{
    return s->impl;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) abort(); /* like the arena: running out of memory is fatal */
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) abort();
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) abort();
    return p;
}

/* --- documents ----------------------------------------------------------- */

static bool index_seen(const store_index *idx, size_t n, const store_index *e)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(idx[i].name, e->name) == 0 && strcmp(idx[i].value, e->value) == 0) return true;
    return false;
}

/* One allocation: the struct, the index array, then id, body and the index
 * strings.  Entries given twice are kept once (as SQLite's key does). */
static mdoc *doc_new(mem_store *m, int64_t seq, const char *id, const char *body, size_t len,
                     const store_index *idx, size_t n_idx)
{
    size_t id_len = strlen(id) + 1, strings = 0;
    for (size_t i = 0; i < n_idx; i++) strings += strlen(idx[i].name) + strlen(idx[i].value) + 2;
    size_t head = sizeof(mdoc) + n_idx * sizeof(store_index);
    size_t bytes = head + id_len + len + 1 + strings;
    mdoc *d = xmalloc(bytes);
    d->space = NULL;
    d->seq = seq;
    d->idx = (store_index *)(d + 1);
    d->n_idx = 0;
    d->bytes = bytes;
    char *p = (char *)d + head;
    memcpy(p, id, id_len);
    d->id = p;
    p += id_len;
    if (len) memcpy(p, body, len);
    p[len] = '\0';
    d->body = p;
    d->len = len;
    p += len + 1;
    for (size_t i = 0; i < n_idx; i++) {
        if (index_seen(d->idx, d->n_idx, &idx[i])) continue;
        size_t nl = strlen(idx[i].name) + 1, vl = strlen(idx[i].value) + 1;
        memcpy(p, idx[i].name, nl);
        memcpy(p + nl, idx[i].value, vl);
        d->idx[d->n_idx++] = (store_index){p, p + nl};
        p += nl + vl;
    }
    m->bytes += (int64_t)bytes;
    return d;
}

static void doc_free(mem_store *m, mdoc *d)
{
    m->bytes -= (int64_t)d->bytes;
    free(d);
}

/* --- sorted arrays ------------------------------------------------------- */

/* The first position whose seq is >= seq. */
static size_t lower_bound(const seq_vec *sv, int64_t seq)
{
    size_t lo = 0, hi = sv->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sv->v[mid]->seq < seq) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void vec_insert(seq_vec *sv, mdoc *d)
{
    if (sv->n == sv->cap) {
        size_t cap = sv->cap ? sv->cap * 2 : 8;
        sv->v = big_realloc(sv->v, sv->cap * sizeof *sv->v, cap * sizeof *sv->v);
        sv->cap = cap;
    }
    /* Almost always an append: fresh documents have the largest seq. */
    size_t at = sv->n && sv->v[sv->n - 1]->seq > d->seq ? lower_bound(sv, d->seq) : sv->n;
    memmove(sv->v + at + 1, sv->v + at, (sv->n - at) * sizeof *sv->v);
    sv->v[at] = d;
    sv->n++;
}

static void vec_free(seq_vec *sv)
{
    big_free(sv->v, sv->cap * sizeof *sv->v);
}

static void vec_remove(seq_vec *sv, const mdoc *d)
{
    size_t at = lower_bound(sv, d->seq);
    if (at == sv->n || sv->v[at] != d) return;
    memmove(sv->v + at, sv->v + at + 1, (sv->n - at - 1) * sizeof *sv->v);
    sv->n--;
}

/* --- keyed tables (ids, index values) ------------------------------------ */

static uint64_t str_hash(const char *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static kt_slot *probe(const keyed_table *t, kt_slot *slots, size_t cap, uint64_t h, const char *key)
{
    if (!cap) return NULL;
    for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
        kt_slot *sl = &slots[i];
        if (!sl->item) return NULL;
        if (sl->hash == h && sl->item != SLOT_DEAD && strcmp(t->key_of(sl->item), key) == 0) return sl;
    }
}

static void kt_place(keyed_table *t, uint64_t h, void *item)
{
    size_t i = h & (t->cap - 1);
    while (t->slots[i].item && t->slots[i].item != SLOT_DEAD) i = (i + 1) & (t->cap - 1);
    if (!t->slots[i].item) t->used++;
    t->slots[i] = (kt_slot){h, item};
}

/* Moves up to `budget` slots' worth of the previous table into the current
 * one; frees it once drained.  A moved slot turns dead rather than empty so
 * that probes for entries still there walk on past it. */
static void kt_migrate(keyed_table *t, size_t budget)
{
    if (!t->prev) return;
    size_t end = t->prev_cap - t->drained > budget ? t->drained + budget : t->prev_cap;
    for (size_t i = t->drained; i < end; i++) {
        kt_slot *sl = &t->prev[i];
        if (!sl->item || sl->item == SLOT_DEAD) continue;
        kt_place(t, sl->hash, sl->item);
        sl->item = SLOT_DEAD;
    }
    t->drained = end;
    if (end < t->prev_cap) return;
    big_free(t->prev, t->prev_cap * sizeof *t->prev);
    t->prev = NULL;
    t->prev_cap = t->drained = 0;
}

/* The slot holding key, or NULL; it may be in the table being drained.
 * Lookups leave the migration to the writes, so reads change nothing. */
static kt_slot *kt_find(const keyed_table *t, const char *key)
{
    uint64_t h = str_hash(key);
    kt_slot *sl = probe(t, t->slots, t->cap, h, key);
    return sl || !t->prev ? sl : probe(t, t->prev, t->prev_cap, h, key);
}

static void *kt_get(const keyed_table *t, const char *key)
{
    kt_slot *sl = kt_find(t, key);
    return sl ? sl->item : NULL;
}

static void kt_start_draining(keyed_table *t, kt_slot *fresh, size_t cap)
{
    t->prev = t->slots;
    t->prev_cap = t->cap;
    t->drained = 0;
    t->slots = fresh;
    t->cap = cap;
    t->used = 0;
    kt_migrate(t, KT_MIGRATE_STEP); /* a small table moves at once */
}

/* Faults in one more huge page of the next table, or all the rest when the
 * current table is filling up; a table entirely faulted in becomes the
 * current one.  Growth starts at half full and a huge page holds 131072
 * slots, so the rest is hardly ever needed. */
static void kt_prepare_next(keyed_table *t)
{
    size_t bytes = t->next_cap * sizeof *t->next, left = bytes - t->populated;
    bool filling_up = (t->used + 1) * 4 > t->cap * 3;
    size_t chunk = filling_up || left < BIG_MIN_BYTES ? left : BIG_MIN_BYTES;
    big_populate((char *)t->next + t->populated, chunk);
    t->populated += chunk;
    if (t->populated < bytes) return;
    kt_slot *fresh = t->next;
    t->next = NULL;
    kt_start_draining(t, fresh, t->next_cap);
}

/* Keeps the table at most half full of live and dead slots (three quarters
 * while the next one is being faulted in).  Past that it starts over in
 * fresh slots, four times the live entries (so dead ones are dropped and the
 * table grows only if the live ones need it), and leaves the old ones to
 * kt_migrate. */
static void kt_make_room(keyed_table *t)
{
    kt_migrate(t, KT_MIGRATE_STEP);
    if (t->next) kt_prepare_next(t);
    if ((t->used + 1) * 2 <= t->cap || t->next) return;
    kt_migrate(t, SIZE_MAX); /* not reached with the step above; keeps one previous table at most */
    size_t cap = t->cap ? t->cap : 16;
    while ((t->live + 1) * 4 > cap) cap *= 2;
    kt_slot *fresh = big_alloc(cap * sizeof *fresh);
    if (cap * sizeof *fresh < BIG_MIN_BYTES) { /* on malloc's memory: no faults worth spreading */
        kt_start_draining(t, fresh, cap);
        return;
    }
    /* Faulted in from the next insert on: this one is likely paying for the
     * seq vectors' doubling already (both thresholds are powers of two). */
    t->next = fresh;
    t->next_cap = cap;
    t->populated = 0;
}

/* Adds an item whose key the table does not hold. */
static void kt_insert(keyed_table *t, void *item)
{
    kt_make_room(t);
    kt_place(t, str_hash(t->key_of(item)), item);
    t->live++;
}

/* Drops item, if it is the one the table holds under its key. */
static void kt_remove(keyed_table *t, const void *item)
{
    kt_migrate(t, KT_MIGRATE_STEP);
    kt_slot *sl = kt_find(t, t->key_of(item));
    if (!sl || sl->item != item) return;
    sl->item = SLOT_DEAD;
    t->live--;
}

/* Iteration over the items, in no particular order: start with *pos = 0. */
static bool kt_next(const keyed_table *t, size_t *pos, void **item)
{
    for (; *pos < t->cap + t->prev_cap; (*pos)++) {
        const kt_slot *sl = *pos < t->cap ? &t->slots[*pos] : &t->prev[*pos - t->cap];
        if (!sl->item || sl->item == SLOT_DEAD) continue;
        *item = sl->item;
        (*pos)++;
        return true;
    }
    return false;
}

/* Frees the tables, not the items. */
static void kt_free(keyed_table *t)
{
    big_free(t->slots, t->cap * sizeof *t->slots);
    big_free(t->prev, t->prev_cap * sizeof *t->prev);
    big_free(t->next, t->next_cap * sizeof *t->next);
}

static const char *doc_key(const void *item)
{
    return ((const mdoc *)item)->id;
}

static const char *bucket_key(const void *item)
{
    return ((const bucket *)item)->value;
}

/* --- spaces -------------------------------------------------------------- */

static mspace *space_new(const char *name)
{
    mspace *sp = xcalloc(1, sizeof *sp);
    size_t n = strlen(name) + 1;
    sp->name = xmalloc(n);
    memcpy(sp->name, name, n);
    sp->ids.key_of = doc_key;
    map_init(&sp->index_names);
    return sp;
}

static seq_vec *bucket_of(mspace *sp, const char *name, const char *value, bool create)
{
    keyed_table *values = map_get(&sp->index_names, name);
    if (!values) {
        if (!create) return NULL;
        values = xcalloc(1, sizeof *values);
        values->key_of = bucket_key;
        map_put(&sp->index_names, name, values);
    }
    bucket *b = kt_get(values, value);
    if (!b && create) {
        size_t n = strlen(value) + 1;
        b = xcalloc(1, sizeof *b + n);
        memcpy(b->value, value, n);
        kt_insert(values, b);
    }
    return b ? &b->docs : NULL;
}

static void attach(mspace *sp, mdoc *d)
{
    d->space = sp;
    kt_insert(&sp->ids, d);
    vec_insert(&sp->order, d);
    for (size_t i = 0; i < d->n_idx; i++) vec_insert(bucket_of(sp, d->idx[i].name, d->idx[i].value, true), d);
}

static void detach(mspace *sp, mdoc *d)
{
    kt_remove(&sp->ids, d);
    vec_remove(&sp->order, d);
    for (size_t i = 0; i < d->n_idx; i++) {
        keyed_table *values = map_get(&sp->index_names, d->idx[i].name);
        bucket *b = values ? kt_get(values, d->idx[i].value) : NULL;
        if (!b) continue;
        vec_remove(&b->docs, d);
        if (b->docs.n == 0) { /* unique values (emails, ids) would otherwise pile up */
            kt_remove(values, b);
            vec_free(&b->docs);
            free(b);
        }
    }
}

static void space_free(mem_store *m, mspace *sp)
{
    for (size_t i = 0; i < sp->order.n; i++) doc_free(m, sp->order.v[i]);
    vec_free(&sp->order);
    kt_free(&sp->ids);
    size_t pos = 0;
    const char *name;
    void *values;
    while (map_next(&sp->index_names, &pos, &name, &values)) {
        size_t vpos = 0;
        void *b;
        while (kt_next(values, &vpos, &b)) {
            vec_free(&((bucket *)b)->docs);
            free(b);
        }
        kt_free(values);
        free(values);
    }
    map_free(&sp->index_names);
    free(sp->name);
    free(sp);
}

/* --- contents, twins and runs ------------------------------------------ */

static content *content_new(void)
{
    content *c = xcalloc(1, sizeof *c);
    map_init(&c->spaces);
    map_init(&c->counters);
    return c;
}

static void content_free(mem_store *m, content *c)
{
    if (!c) return;
    size_t pos = 0;
    const char *key;
    void *v;
    while (map_next(&c->spaces, &pos, &key, &v)) space_free(m, v);
    pos = 0;
    while (map_next(&c->counters, &pos, &key, &v)) free(v);
    map_free(&c->spaces);
    map_free(&c->counters);
    free(c);
}

/* A deep copy: same documents, seqs and counters. */
static content *content_copy(mem_store *m, const content *from)
{
    content *c = content_new();
    size_t pos = 0;
    const char *key;
    void *v;
    while (map_next(&from->spaces, &pos, &key, &v)) {
        const mspace *src = v;
        if (!src->order.n) continue;
        mspace *sp = space_new(key);
        for (size_t i = 0; i < src->order.n; i++) {
            const mdoc *d = src->order.v[i];
            attach(sp, doc_new(m, d->seq, d->id, d->body, d->len, d->idx, d->n_idx));
        }
        map_put(&c->spaces, key, sp);
    }
    pos = 0;
    while (map_next(&from->counters, &pos, &key, &v)) {
        int64_t *n = xmalloc(sizeof *n);
        *n = *(int64_t *)v;
        map_put(&c->counters, key, n);
    }
    return c;
}

static void twin_free(mem_store *m, mtwin *t)
{
    content_free(m, t->live);
    content_free(m, t->baseline);
    free(t);
}

static void run_free(mem_store *m, mrun *r)
{
    if (!r) return;
    m->last.t = NULL;
    size_t pos = 0;
    const char *key;
    void *v;
    while (map_next(&r->twins, &pos, &key, &v)) twin_free(m, v);
    map_free(&r->twins);
    free(r);
}

static mtwin *find_twin(mem_store *m, const char *run, const char *twin, bool create)
{
    mrun *r = map_get(&m->runs, run);
    if (!r) {
        if (!create) return NULL;
        r = xcalloc(1, sizeof *r);
        map_init(&r->twins);
        map_put(&m->runs, run, r);
    }
    mtwin *t = map_get(&r->twins, twin);
    if (!t && create) {
        t = xcalloc(1, sizeof *t);
        t->live = content_new();
        map_put(&r->twins, twin, t);
    }
    return t;
}

static void remember_twin(mem_store *m, const char *run, const char *twin, mtwin *t)
{
    size_t rn = strlen(run) + 1, tn = strlen(twin) + 1;
    if (!t || rn > sizeof m->last.run || tn > sizeof m->last.twin) return;
    memcpy(m->last.run, run, rn);
    memcpy(m->last.twin, twin, tn);
    m->last.t = t;
}

static mtwin *twin_of(mem_store *m, const char *run, const char *twin, bool create)
{
    if (m->last.t && strcmp(run, m->last.run) == 0 && strcmp(twin, m->last.twin) == 0) return m->last.t;
    mtwin *t = find_twin(m, run, twin, create);
    remember_twin(m, run, twin, t);
    return t;
}

static mspace *space_of(mem_store *m, const store_key *k, bool create)
{
    mtwin *t = twin_of(m, k->run, k->twin, create);
    if (!t) return NULL;
    mspace *sp = map_get(&t->live->spaces, k->collection);
    if (!sp && create) {
        sp = space_new(k->collection);
        map_put(&t->live->spaces, k->collection, sp);
    }
    return sp;
}

/* --- the undo log -------------------------------------------------------- */

static void log_push(mem_store *m, undo u)
{
    if (m->n_log == m->cap_log) {
        m->cap_log = m->cap_log ? m->cap_log * 2 : 16;
        m->log = xrealloc(m->log, m->cap_log * sizeof *m->log);
    }
    m->log[m->n_log++] = u;
}

/* Keeps what a change detached until the transaction ends; outside one it
 * is freed at once. */
static void detached_doc(mem_store *m, mdoc *d)
{
    if (m->in_tx) log_push(m, (undo){.kind = U_DOC_REMOVED, .doc = d});
    else doc_free(m, d);
}

static void added_doc(mem_store *m, mdoc *d)
{
    if (m->in_tx) log_push(m, (undo){.kind = U_DOC_ADDED, .doc = d});
}

static void replaced_content(mem_store *m, undo_kind kind, mtwin *t, content *old)
{
    if (m->in_tx) log_push(m, (undo){.kind = kind, .twin = t, .old = old});
    else content_free(m, old);
}

static void undo_one(mem_store *m, undo *u)
{
    switch (u->kind) {
    case U_DOC_ADDED:
        detach(u->doc->space, u->doc);
        doc_free(m, u->doc);
        break;
    case U_DOC_REMOVED: attach(u->doc->space, u->doc); break;
    case U_COUNTER: *u->counter = u->old_value; break;
    case U_LIVE:
        content_free(m, u->twin->live);
        u->twin->live = u->old;
        break;
    case U_BASELINE:
        content_free(m, u->twin->baseline);
        u->twin->baseline = u->old;
        break;
    case U_RUN_REMOVED:
        /* A run re-created later in the transaction is empty again by now. */
        run_free(m, map_remove(&m->runs, u->name));
        map_put(&m->runs, u->name, u->run);
        free(u->name);
        break;
    }
}

static void forget_one(mem_store *m, undo *u)
{
    switch (u->kind) {
    case U_DOC_REMOVED: doc_free(m, u->doc); break;
    case U_LIVE:
    case U_BASELINE: content_free(m, u->old); break;
    case U_RUN_REMOVED:
        run_free(m, u->run);
        free(u->name);
        break;
    case U_DOC_ADDED:
    case U_COUNTER: break;
    }
}

static int mem_begin(store *s)
{
    impl_of(s)->in_tx = true;
    return 0;
}

static int mem_commit(store *s)
{
    mem_store *m = impl_of(s);
    for (size_t i = 0; i < m->n_log; i++) forget_one(m, &m->log[i]);
    m->n_log = 0;
    m->in_tx = false;
    return 0;
}

static int mem_rollback(store *s)
{
    mem_store *m = impl_of(s);
    while (m->n_log) undo_one(m, &m->log[--m->n_log]);
    m->in_tx = false;
    return 0;
}

/* --- documents ----------------------------------------------------------- */

static mdoc *find_doc(mem_store *m, const store_key *k, const char *id)
{
    mspace *sp = space_of(m, k, false);
    return sp ? kt_get(&sp->ids, id) : NULL;
}

static int mem_put(store *s, const store_key *k, const char *id, const char *json, size_t len,
                   const store_index *idx, size_t n_idx)
{
    mem_store *m = impl_of(s);
    mspace *sp = space_of(m, k, true);
    mdoc *old = kt_get(&sp->ids, id);
    /* A replaced document keeps its place in the lists. */
    mdoc *d = doc_new(m, old ? old->seq : ++m->last_seq, id, json, len, idx, n_idx);
    if (old) {
        detach(sp, old);
        detached_doc(m, old);
    }
    attach(sp, d);
    added_doc(m, d);
    return 0;
}

static int mem_get(store *s, arena *a, const store_key *k, const char *id, char **json_out, size_t *len_out)
{
    mdoc *d = find_doc(impl_of(s), k, id);
    if (!d) return 0;
    if (len_out) *len_out = d->len;
    *json_out = arena_memdup(a, d->body, d->len + 1);
    return 1;
}

static int mem_exists(store *s, const store_key *k, const char *id)
{
    return find_doc(impl_of(s), k, id) != NULL;
}

static int mem_del(store *s, const store_key *k, const char *id)
{
    mem_store *m = impl_of(s);
    mdoc *d = find_doc(m, k, id);
    if (!d) return 1;
    detach(d->space, d);
    detached_doc(m, d);
    return 0;
}

/* --- lists --------------------------------------------------------------- */

static void fill_doc(arena *a, store_doc *out, const mdoc *d)
{
    out->id = arena_strdup(a, d->id);
    out->json = arena_memdup(a, d->body, d->len + 1);
    out->len = d->len;
    out->seq = d->seq;
}

static int mem_list(store *s, arena *a, const store_key *k, const store_list_opts *o,
                    store_list_result *out)
{
    mem_store *m = impl_of(s);
    mspace *sp = space_of(m, k, false);
    if (!sp) return 0;
    const seq_vec *sv = o->index_name ? bucket_of(sp, o->index_name, o->index_value, false) : &sp->order;
    if (!sv || !sv->n) return 0;
    /* [lo, hi): the candidates in ascending seq. */
    size_t lo = 0, hi = sv->n;
    const char *cursor = o->starting_after ? o->starting_after : o->ending_before;
    if (cursor) {
        const mdoc *at = kt_get(&sp->ids, cursor);
        if (!at) return 0; /* unknown cursor: an empty page */
        int64_t cseq = at->seq;
        /* "After" in list order is a larger seq, unless the list runs newest first. */
        bool wanted_above = (o->starting_after != NULL) != o->newest_first;
        if (wanted_above) lo = lower_bound(sv, cseq + 1);
        else hi = lower_bound(sv, cseq);
    }
    size_t avail = hi - lo;
    size_t n = o->limit && o->limit < avail ? o->limit : avail;
    out->has_more = n < avail;
    /* ending_before wants the page nearest the cursor; the list order picks
     * which end of [lo, hi) that is. */
    bool take_high = o->newest_first != (o->ending_before != NULL);
    size_t first = take_high ? hi - n : lo;
    store_doc *docs = arena_alloc(a, (n ? n : 1) * sizeof *docs);
    for (size_t i = 0; i < n; i++) {
        size_t at = o->newest_first ? first + n - 1 - i : first + i;
        fill_doc(a, &docs[i], sv->v[at]);
    }
    out->docs = docs;
    out->n = n;
    return 0;
}

static int64_t mem_count(store *s, const store_key *k, const char *index_name, const char *index_value)
{
    mspace *sp = space_of(impl_of(s), k, false);
    if (!sp) return 0;
    if (!index_name) return (int64_t)sp->order.n;
    const seq_vec *b = bucket_of(sp, index_name, index_value, false);
    return b ? (int64_t)b->n : 0;
}

static int mem_lookup(store *s, arena *a, const store_key *k, const char *index_name, const char *value,
                      const char ***ids_out, size_t *n_out, size_t max)
{
    mspace *sp = space_of(impl_of(s), k, false);
    const seq_vec *b = sp ? bucket_of(sp, index_name, value, false) : NULL;
    if (!b || !b->n) return 0;
    size_t n = max && max < b->n ? max : b->n;
    const char **ids = arena_alloc(a, n * sizeof *ids);
    for (size_t i = 0; i < n; i++) ids[i] = arena_strdup(a, b->v[i]->id);
    *ids_out = ids;
    *n_out = n;
    return 0;
}

/* --- whole twins and runs ------------------------------------------------ */

/* Gives the twin new live content, keeping the old for undo. */
static void swap_live(mem_store *m, mtwin *t, content *fresh)
{
    content *old = t->live;
    t->live = fresh;
    replaced_content(m, U_LIVE, t, old);
}

static int mem_clear_twin(store *s, const char *run, const char *twin)
{
    mem_store *m = impl_of(s);
    mtwin *t = twin_of(m, run, twin, false);
    if (t) swap_live(m, t, content_new());
    return 0;
}

static int mem_clear_run(store *s, const char *run)
{
    mem_store *m = impl_of(s);
    mrun *r = map_remove(&m->runs, run);
    if (!r) return 0;
    m->last.t = NULL;   /* kept for the undo log below, but no longer the run's */
    if (m->in_tx) {
        size_t n = strlen(run) + 1;
        char *name = xmalloc(n);
        memcpy(name, run, n);
        log_push(m, (undo){.kind = U_RUN_REMOVED, .run = r, .name = name});
    } else {
        run_free(m, r);
    }
    return 0;
}

static int mem_save_baseline(store *s, const char *run, const char *twin)
{
    mem_store *m = impl_of(s);
    mtwin *t = twin_of(m, run, twin, true);
    content *old = t->baseline;
    t->baseline = content_copy(m, t->live);
    replaced_content(m, U_BASELINE, t, old);
    return 0;
}

static int mem_restore_baseline(store *s, const char *run, const char *twin)
{
    mem_store *m = impl_of(s);
    mtwin *t = twin_of(m, run, twin, false);
    if (t) swap_live(m, t, t->baseline ? content_copy(m, t->baseline) : content_new());
    return 0;
}

static int by_name(const void *a, const void *b)
{
    const mspace *x = *(const mspace *const *)a, *y = *(const mspace *const *)b;
    return strcmp(x->name, y->name);
}

static int mem_dump_twin(store *s, const char *run, const char *twin, buf *out)
{
    mtwin *t = twin_of(impl_of(s), run, twin, false);
    size_t n = 0;
    mspace **spaces = NULL;
    if (t) {
        spaces = xmalloc((map_len(&t->live->spaces) + 1) * sizeof *spaces);
        size_t pos = 0;
        const char *key;
        void *v;
        while (map_next(&t->live->spaces, &pos, &key, &v))
            if (((mspace *)v)->order.n) spaces[n++] = v;
        qsort(spaces, n, sizeof *spaces, by_name); /* strcmp: byte order, like SQLite's */
    }
    buf_putc(out, '{');
    for (size_t i = 0; i < n; i++) {
        if (i) buf_putc(out, ',');
        store_dump_json_string(out, spaces[i]->name, strlen(spaces[i]->name));
        buf_puts(out, ":[");
        for (size_t j = 0; j < spaces[i]->order.n; j++) {
            if (j) buf_putc(out, ',');
            buf_append(out, spaces[i]->order.v[j]->body, spaces[i]->order.v[j]->len);
        }
        buf_putc(out, ']');
    }
    buf_putc(out, '}');
    free(spaces);
    return 0;
}

/* --- counters and size --------------------------------------------------- */

static int64_t mem_counter_next(store *s, const char *run, const char *twin, const char *name)
{
    mem_store *m = impl_of(s);
    mtwin *t = twin_of(m, run, twin, true);
    int64_t *n = map_get(&t->live->counters, name);
    if (!n) {
        /* A counter at 0 is the same as none, so rolling back a fresh one
         * only has to put 0 back. */
        n = xcalloc(1, sizeof *n);
        map_put(&t->live->counters, name, n);
    }
    if (m->in_tx) log_push(m, (undo){.kind = U_COUNTER, .counter = n, .old_value = *n});
    return ++*n;
}

static int64_t mem_size_bytes(store *s)
{
    return (int64_t)sizeof(mem_store) + impl_of(s)->bytes;
}

/* --- open and close ------------------------------------------------------ */

static void mem_close(store *s)
{
    mem_store *m = impl_of(s);
    mem_commit(s); /* frees what an unfinished transaction detached */
    size_t pos = 0;
    const char *key;
    void *v;
    while (map_next(&m->runs, &pos, &key, &v)) run_free(m, v);
    map_free(&m->runs);
    free(m->log);
    free(m);
}

static const store_backend memory_backend = {
    .close = mem_close,
    .begin = mem_begin,
    .commit = mem_commit,
    .rollback = mem_rollback,
    .put = mem_put,
    .get = mem_get,
    .exists = mem_exists,
    .del = mem_del,
    .list = mem_list,
    .count = mem_count,
    .lookup = mem_lookup,
    .clear_twin = mem_clear_twin,
    .clear_run = mem_clear_run,
    .save_baseline = mem_save_baseline,
    .restore_baseline = mem_restore_baseline,
    .dump_twin = mem_dump_twin,
    .counter_next = mem_counter_next,
    .size_bytes = mem_size_bytes,
};

int store_memory_attach(store *s, char **err_out)
{
    (void)err_out; /* nothing here can fail short of running out of memory */
    mem_store *m = xcalloc(1, sizeof *m);
    map_init(&m->runs);
    s->be = &memory_backend;
    s->impl = m;
    return 0;
}
