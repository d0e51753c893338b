#include "engine/ratelimit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/map.h"

/* Below this many windows the table is never swept. */
#define SWEEP_FLOOR 256

struct ratelimit {
    map windows;        /* "bucket\x1fkey" -> ratelimit_window* */
    size_t sweep_at;    /* sweep expired windows once the table holds this many */
};

ratelimit *ratelimit_new(void)
{
    ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl) abort();
    map_init(&rl->windows);
    rl->sweep_at = SWEEP_FLOOR;
    return rl;
}

void ratelimit_clear(ratelimit *rl)
{
    if (!rl) return;
    size_t pos = 0;
    void *w;
    while (map_next(&rl->windows, &pos, NULL, &w)) free(w);
    map_free(&rl->windows);
    map_init(&rl->windows);
    rl->sweep_at = SWEEP_FLOOR;
}

void ratelimit_free(ratelimit *rl)
{
    if (!rl) return;
    ratelimit_clear(rl);
    map_free(&rl->windows);
    free(rl);
}

size_t ratelimit_size(const ratelimit *rl)
{
    return map_len(&rl->windows);
}

/* Scope keys come from request paths (Discord's channel ids), so a client
 * touching many of them would grow the table without bound: ended windows
 * are dropped whenever it doubles. */
static void sweep_expired(ratelimit *rl, int64_t now_ms)
{
    if (map_len(&rl->windows) < rl->sweep_at) return;
    size_t pos = 0;
    const char *key;
    void *v;
    while (map_next(&rl->windows, &pos, &key, &v)) {
        ratelimit_window *w = v;
        if (now_ms < w->reset_ms) continue;
        map_remove(&rl->windows, key);      /* frees key; the iteration does not move slots */
        free(w);
    }
    size_t live = map_len(&rl->windows);
    rl->sweep_at = live * 2 > SWEEP_FLOOR ? live * 2 : SWEEP_FLOOR;
}

/* "bucket\x1fkey" in small when it fits, else malloc'd (the caller frees it then). */
static char *window_name(const char *bucket, const char *key, char *small, size_t small_len)
{
    size_t nb = strlen(bucket), nk = strlen(key);
    char *name = nb + nk + 2 <= small_len ? small : malloc(nb + nk + 2);
    if (!name) abort();
    memcpy(name, bucket, nb);
    name[nb] = '\x1f';      /* cannot occur in a route template or an id */
    memcpy(name + nb + 1, key, nk + 1);
    return name;
}

/* The window of (bucket, key), created empty (already ended) when absent. */
static ratelimit_window *window_for(ratelimit *rl, const char *bucket, const char *key, int64_t now_ms)
{
    char small[256], *name = window_name(bucket, key, small, sizeof small);
    ratelimit_window *w = map_get(&rl->windows, name);
    if (!w) {
        sweep_expired(rl, now_ms);
        w = calloc(1, sizeof *w);
        if (!w) abort();
        map_put(&rl->windows, name, w);
    }
    if (name != small) free(name);
    return w;
}

ratelimit_window ratelimit_peek(const ratelimit *rl, const char *bucket, const char *key, int64_t now_ms)
{
    char small[256], *name = window_name(bucket, key, small, sizeof small);
    const ratelimit_window *w = map_get(&rl->windows, name);
    if (name != small) free(name);
    return w && now_ms < w->reset_ms ? *w : (ratelimit_window){0, 0};
}

static int64_t clamp_window(int64_t window_ms)
{
    return window_ms < 1 ? 1 : window_ms > RATELIMIT_MAX_WINDOW_MS ? RATELIMIT_MAX_WINDOW_MS : window_ms;
}

static ratelimit_window count_in(ratelimit_window *w, int64_t now_ms, int64_t next_reset_ms)
{
    if (now_ms >= w->reset_ms) {
        w->count = 0;
        w->reset_ms = next_reset_ms;
    }
    w->count++;
    return *w;
}

ratelimit_window ratelimit_hit(ratelimit *rl, const char *bucket, const char *key, int64_t window_ms,
                               int64_t now_ms)
{
    window_ms = clamp_window(window_ms);
    return count_in(window_for(rl, bucket, key, now_ms), now_ms, now_ms + window_ms);
}

ratelimit_window ratelimit_hit_aligned(ratelimit *rl, const char *bucket, const char *key, int64_t window_ms,
                                       int64_t now_ms)
{
    window_ms = clamp_window(window_ms);
    int64_t start = now_ms - now_ms % window_ms;
    return count_in(window_for(rl, bucket, key, now_ms), now_ms, start + window_ms);
}
