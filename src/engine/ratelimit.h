/* Fixed-window request counters for the twins' simulated rate limits.
 *
 * One table per twin instance, held in memory: a run is served by one node
 * even with a shared store, and counting a request must not cost store reads
 * and writes.  A counter is keyed by (bucket, scope key): Discord's route
 * bucket and major parameter, Slack's method, GitHub's resource and caller.
 *
 * Two window shapes, both fixed: a window that opens with the first request
 * after the previous one ended (Discord, Slack), or windows aligned to
 * multiples of their length since the epoch (GitHub's hourly reset).  Time
 * is the caller's (unix milliseconds from its own clock), so tests can drive
 * it.  The owner clears the table whenever the instance's state starts over
 * (reset, config replace) and frees it with the instance. */
#ifndef TWINS_RATELIMIT_H
#define TWINS_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

typedef struct ratelimit ratelimit;

/* Longer windows are cut to this (about 100 years), so reset times never overflow. */
#define RATELIMIT_MAX_WINDOW_MS (INT64_C(100) * 365 * 24 * 3600 * 1000)

typedef struct ratelimit_window {
    int64_t count;      /* requests counted in this window, the current one included */
    int64_t reset_ms;   /* unix ms at which the window ends */
} ratelimit_window;

ratelimit *ratelimit_new(void);
void ratelimit_free(ratelimit *rl);      /* NULL is fine */
void ratelimit_clear(ratelimit *rl);     /* forgets every window */

/* Counts one request against (bucket, key) in a window of window_ms (clamped to
 * 1 .. RATELIMIT_MAX_WINDOW_MS)
 * that opened with the first request after the previous window ended. */
ratelimit_window ratelimit_hit(ratelimit *rl, const char *bucket, const char *key, int64_t window_ms,
                               int64_t now_ms);
/* Same, with windows aligned to multiples of window_ms since the epoch. */
ratelimit_window ratelimit_hit_aligned(ratelimit *rl, const char *bucket, const char *key, int64_t window_ms,
                                       int64_t now_ms);
/* The window of (bucket, key) as it stands, counting nothing (GitHub's
 * GET /rate_limit): {0, 0} when there is none or it has ended. */
ratelimit_window ratelimit_peek(const ratelimit *rl, const char *bucket, const char *key, int64_t now_ms);
/* Live windows held (expired ones may linger until the next sweep). */
size_t ratelimit_size(const ratelimit *rl);

#endif
