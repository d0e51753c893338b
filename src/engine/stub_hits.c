/* Per-run, per-twin log of stub calls: counts per endpoint and the newest
 * few calls, for GET <admin>/admin/stub-hits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/stub.h"
#include "util/map.h"
#include "util/util.h"

#define RECENT_MAX 20

typedef struct endpoint_count {
    char *endpoint;             /* "GET /repos/{owner}/{repo}/topics" */
    uint64_t hits;
} endpoint_count;

typedef struct recent_hit {
    char *method, *path_template, *actual_path;
    int64_t at_ms;
} recent_hit;

struct stub_hits {
    endpoint_count *endpoints;
    size_t n_endpoints, cap_endpoints;
    map index;                  /* endpoint -> position + 1 in endpoints */
    recent_hit recent[RECENT_MAX];  /* ring; recent_next is where the next hit goes */
    size_t recent_next, n_recent;
    uint64_t total;
};

static char *dup_or_die(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d) abort();
    return d;
}

stub_hits *stub_hits_new(void)
{
    stub_hits *h = calloc(1, sizeof *h);
    if (!h) abort();
    map_init(&h->index);
    return h;
}

static void free_recent(recent_hit *r)
{
    free(r->method);
    free(r->path_template);
    free(r->actual_path);
    *r = (recent_hit){0};
}

void stub_hits_clear(stub_hits *h)
{
    for (size_t i = 0; i < h->n_endpoints; i++) free(h->endpoints[i].endpoint);
    for (size_t i = 0; i < RECENT_MAX; i++) free_recent(&h->recent[i]);
    map_free(&h->index);
    map_init(&h->index);
    h->n_endpoints = h->recent_next = h->n_recent = 0;
    h->total = 0;
}

void stub_hits_free(stub_hits *h)
{
    if (!h) return;
    stub_hits_clear(h);
    map_free(&h->index);
    free(h->endpoints);
    free(h);
}

static endpoint_count *endpoint_slot(stub_hits *h, const char *endpoint)
{
    uintptr_t pos = (uintptr_t)map_get(&h->index, endpoint);
    if (pos) return &h->endpoints[pos - 1];
    if (h->n_endpoints == h->cap_endpoints) {
        h->cap_endpoints = h->cap_endpoints ? h->cap_endpoints * 2 : 16;
        h->endpoints = realloc(h->endpoints, h->cap_endpoints * sizeof *h->endpoints);
        if (!h->endpoints) abort();
    }
    endpoint_count *e = &h->endpoints[h->n_endpoints++];
    *e = (endpoint_count){.endpoint = dup_or_die(endpoint)};
    map_put(&h->index, endpoint, (void *)(uintptr_t)h->n_endpoints);
    return e;
}

void stub_hits_record(stub_hits *h, const char *method, const char *path_template, const char *actual_path)
{
    char endpoint[1024];
    snprintf(endpoint, sizeof endpoint, "%s %s", method, path_template);
    endpoint_slot(h, endpoint)->hits++;
    h->total++;
    recent_hit *r = &h->recent[h->recent_next];
    free_recent(r);
    *r = (recent_hit){dup_or_die(method), dup_or_die(path_template), dup_or_die(actual_path), now_ms()};
    h->recent_next = (h->recent_next + 1) % RECENT_MAX;
    if (h->n_recent < RECENT_MAX) h->n_recent++;
}

uint64_t stub_hits_total(const stub_hits *h) { return h ? h->total : 0; }

static int by_hits_then_name(const void *a, const void *b)
{
    const endpoint_count *x = *(const endpoint_count *const *)a, *y = *(const endpoint_count *const *)b;
    if (x->hits != y->hits) return x->hits > y->hits ? -1 : 1;
    return strcmp(x->endpoint, y->endpoint);
}

static void write_summary(const stub_hits *h, jw *w)
{
    const endpoint_count **sorted = malloc((h->n_endpoints + 1) * sizeof *sorted);
    if (!sorted) abort();
    for (size_t i = 0; i < h->n_endpoints; i++) sorted[i] = &h->endpoints[i];
    qsort(sorted, h->n_endpoints, sizeof *sorted, by_hits_then_name);
    jw_array_begin(w);
    for (size_t i = 0; i < h->n_endpoints; i++) {
        jw_object_begin(w);
        jw_kv_string(w, "endpoint", sorted[i]->endpoint);
        jw_kv_int(w, "hits", (int64_t)sorted[i]->hits);
        jw_object_end(w);
    }
    jw_array_end(w);
    free(sorted);
}

/* Newest first. */
static void write_recent(const stub_hits *h, jw *w)
{
    jw_array_begin(w);
    for (size_t k = 1; k <= h->n_recent; k++) {
        const recent_hit *r = &h->recent[(h->recent_next + RECENT_MAX - k) % RECENT_MAX];
        char at[40];
        format_iso8601(r->at_ms, false, at, sizeof at);
        jw_object_begin(w);
        jw_kv_string(w, "method", r->method);
        jw_kv_string(w, "path_template", r->path_template);
        jw_kv_string(w, "actual_path", r->actual_path);
        jw_kv_string(w, "timestamp", at);
        jw_object_end(w);
    }
    jw_array_end(w);
}

void stub_hits_write(const stub_hits *h, jw *w)
{
    jw_object_begin(w);
    jw_kv_int(w, "total_hits", (int64_t)h->total);
    jw_kv_int(w, "unique_endpoints", (int64_t)h->n_endpoints);
    jw_key(w, "summary");
    write_summary(h, w);
    jw_key(w, "recent");
    write_recent(h, w);
    jw_object_end(w);
}
