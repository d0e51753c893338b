#include "engine/journal.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

typedef struct entry {
    char twin[24];
    char method[12];
    char *path;
    int status;
    uint64_t duration_us;
    int64_t at_ms;
} entry;

/* The ring grows on demand up to JOURNAL_CAPACITY, so an idle run (most of
 * the thousands a server may hold) costs a few bytes, not a full ring. */
struct journal {
    entry *ring;
    size_t cap;
    size_t head;        /* next slot to write */
    size_t count;
    uint64_t total;     /* ever recorded, including those that fell off */
};

journal *journal_new(void)
{
    journal *j = calloc(1, sizeof *j);
    if (!j) abort();
    return j;
}

void journal_clear(journal *j)
{
    for (size_t i = 0; i < j->count; i++) free(j->ring[i].path);
    free(j->ring);
    j->ring = NULL;
    j->cap = j->head = j->count = 0;
    j->total = 0;
}

/* Grows only while the ring has never wrapped (head == 0 when full), so
 * entries stay in insertion order across the realloc. */
static void grow_if_full(journal *j)
{
    if (j->count < j->cap || j->cap == JOURNAL_CAPACITY) return;
    size_t cap = j->cap ? j->cap * 4 : 8;
    if (cap > JOURNAL_CAPACITY) cap = JOURNAL_CAPACITY;
    entry *ring = realloc(j->ring, cap * sizeof *ring);
    if (!ring) abort();
    memset(ring + j->cap, 0, (cap - j->cap) * sizeof *ring);
    j->ring = ring;
    j->head = j->count;
    j->cap = cap;
}

void journal_free(journal *j)
{
    if (!j) return;
    journal_clear(j);
    free(j);
}

static void copy_trunc(char *dst, size_t n, const char *src)
{
    strncpy(dst, src ? src : "", n - 1);
    dst[n - 1] = '\0';
}

void journal_add(journal *j, const char *twin, const char *method, const char *path, int status,
                 uint64_t duration_us, int64_t at_ms)
{
    grow_if_full(j);
    entry *e = &j->ring[j->head];
    free(e->path);
    copy_trunc(e->twin, sizeof e->twin, twin);
    copy_trunc(e->method, sizeof e->method, method);
    e->path = strdup(path ? path : "");
    if (!e->path) abort();
    e->status = status;
    e->duration_us = duration_us;
    e->at_ms = at_ms;
    j->head = (j->head + 1) % j->cap;
    if (j->count < j->cap) j->count++;
    j->total++;
}

void journal_write(const journal *j, const char *twin, size_t limit, jw *w)
{
    jw_object_begin(w);
    jw_key(w, "requests");
    jw_array_begin(w);
    size_t written = 0;
    for (size_t k = 0; k < j->count && (!limit || written < limit); k++) {
        const entry *e = &j->ring[(j->head + j->cap - 1 - k) % j->cap];
        if (twin && strcmp(twin, e->twin) != 0) continue;
        char when[40];
        format_iso8601(e->at_ms, true, when, sizeof when);
        jw_object_begin(w);
        jw_kv_string(w, "twin", e->twin);
        jw_kv_string(w, "method", e->method);
        jw_kv_string(w, "path", e->path);
        jw_kv_int(w, "status", e->status);
        jw_key(w, "duration_ms");
        jw_double(w, (double)e->duration_us / 1000.0);
        jw_kv_string(w, "timestamp", when);
        jw_object_end(w);
        written++;
    }
    jw_array_end(w);
    jw_kv_int(w, "count", (int64_t)written);
    jw_kv_int(w, "total_recorded", (int64_t)j->total);
    jw_object_end(w);
}
