/* Outbound webhook deliveries, shared by every twin that has webhooks.
 *
 * A twin decides *what* to send (payload, target URL, secret) and how its
 * service signs (a callback producing the signature headers for a given
 * timestamp, so each retry is signed afresh like the real services do).
 * The twin's declaration names its signing scheme (twin_def.webhook_sign).
 * The engine delivers with libcurl's multi interface on the server loop,
 * retries non-2xx answers and timeouts with exponential backoff, and keeps a
 * per-(run, twin) delivery log in the store (collection "_deliveries") that
 * the admin API shows and can re-deliver from. */
#ifndef TWINS_WEBHOOKS_H
#define TWINS_WEBHOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "engine/twin.h"

typedef struct webhook_send {
    const char *url;
    const char *payload;        /* JSON text */
    size_t len;
    const char *secret;         /* handed to ctx->def->webhook_sign */
    const char *event_id;       /* for the log ("evt_...") */
    const char *event_type;     /* "customer.created" */
    const char *endpoint_id;    /* "we_..." */
    const char *const *extra_headers; /* "Name: value", NULL-terminated, or NULL */
    const char *user_agent;     /* the service's own; NULL = "twins-webhooks/0.1" */
    /* A handshake rather than an event (Slack's url_verification): an
     * attempt succeeds only when the 2xx answer's body contains this text.
     * NULL = any 2xx answer. */
    const char *expect_in_body;
    int max_attempts;           /* 0 = the policy's */
    /* Header names a retry carries (Slack's X-Slack-Retry-Num and
     * X-Slack-Retry-Reason): the retry's number (1, 2, ...) and why the
     * attempt before failed: http_error, http_timeout, connection_failed,
     * too_many_redirects, ssl_error or unknown_error.  NULL = none. */
    const char *retry_num_header;
    const char *retry_reason_header;
    /* A failed answer carrying this header with the value 1 asks for no
     * more retries (Slack's X-Slack-No-Retry).  NULL = none. */
    const char *no_retry_header;
    long timeout_ms;            /* per attempt (Slack waits 3 s); 0 = 10 s */
    /* The service's own retry schedule instead of the exponential backoff:
     * the n-th retry waits retry_delays_ms[n-1] (the last entry again past
     * the end).  Delays scale with the policy's base like the backoff does
     * (x base_ms / 1000), so tests that shorten one shorten both.
     * NULL / 0 = the backoff. */
    const uint64_t *retry_delays_ms;
    size_t n_retry_delays;
} webhook_send;

void webhooks_init(uv_loop_t *loop);
/* Cancels timers and in-flight requests and frees every job.  Call before
 * closing the loop; the loop must run once more so the handles finish
 * closing (uv_run after uv_walk/uv_close, as serve does). */
void webhooks_shutdown(void);
/* Retry policy: the n-th retry waits base_ms * 2^(n-1), capped at
 * 64 * base_ms, or a delivery's own schedule scaled by base_ms / 1000
 * (applies to retries scheduled from now on); a delivery makes at most
 * max_attempts attempts (fixed when it is queued).  Defaults 1000 ms and 5.
 * Tests shorten the delays. */
void webhooks_set_policy(uint64_t base_ms, int max_attempts);
/* Queues one delivery (first attempt right away, asynchronously).
 * Returns the delivery id ("whd_..."), stored in ctx->a. */
const char *webhooks_send(twin_ctx *ctx, const webhook_send *s);
/* Admin: GET /admin/webhooks/deliveries, POST /admin/webhooks/deliveries/{id}/retry. */
void webhooks_write_deliveries(store *st, const char *run, const char *twin, jw *w);
/* Queues one more attempt right away; false if the delivery is unknown, or
 * the store failed (then ctx->store_failed is set). */
bool webhooks_retry(twin_ctx *ctx, const char *delivery_id);
/* Number of deliveries still queued or retrying (tests wait for 0). */
size_t webhooks_pending(void);

#endif
