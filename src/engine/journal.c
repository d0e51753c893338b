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

struct journal {
    entry ring[JOURNAL_CAPACITY];
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
    for (size_t i = 0; i < JOURNAL_CAPACITY; i++) {
        free(j->ring[i].path);
        j->ring[i].path = NULL;
    }
    j->head = j->count = 0;
    j->total = 0;
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
    entry *e = &j->ring[j->head];
    free(e->path);
    copy_trunc(e->twin, sizeof e->twin, twin);
    copy_trunc(e->method, sizeof e->method, method);
    e->path = strdup(path ? path : "");
    if (!e->path) abort();
    e->status = status;
    e->duration_us = duration_us;
    e->at_ms = at_ms;
    j->head = (j->head + 1) % JOURNAL_CAPACITY;
    if (j->count < JOURNAL_CAPACITY) j->count++;
    j->total++;
}

void journal_write(const journal *j, const char *twin, size_t limit, jw *w)
{
    jw_object_begin(w);
    jw_key(w, "requests");
    jw_array_begin(w);
    size_t written = 0;
    for (size_t k = 0; k < j->count && (!limit || written < limit); k++) {
        const entry *e = &j->ring[(j->head + JOURNAL_CAPACITY - 1 - k) % JOURNAL_CAPACITY];
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
