/* Idempotency keys, shared by twins whose service has them (Stripe's
 * Idempotency-Key header, and look-alikes).
 *
 * A key is remembered per (run, twin) in the store collection "_idempotency"
 * with a fingerprint of the request (method, path, SHA-256 of the decoded
 * parameters with object members sorted, so parameter order does not matter) and
 * the full first answer (status, content type, body).  The same key with the
 * same request replays that answer byte for byte; with a different request
 * it is a conflict the twin renders in its own error shape.  Keys expire
 * after 24 hours, as Stripe's do. */
#ifndef TWINS_IDEMPOTENCY_H
#define TWINS_IDEMPOTENCY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/twin.h"

#define IDEMPOTENCY_TTL_SECONDS (24 * 60 * 60)

typedef enum {
    IDEM_NEW,       /* first use (or expired): slot is armed, record the answer */
    IDEM_REPLAY,    /* same request seen: hit holds the stored answer */
    IDEM_CONFLICT,  /* same key, different request */
} idem_status;

/* The request being made under a key; lives in the request arena. */
typedef struct idem_slot {
    const char *key;
    const char *fingerprint;
    bool armed;
} idem_slot;

typedef struct idem_hit {
    int status;
    const char *content_type;
    const char *body;
    size_t len;
} idem_hit;

/* Looks key up for ctx's request. */
idem_status idempotency_lookup(twin_ctx *ctx, const char *key, idem_slot *slot, idem_hit *hit);
/* Stores the answer for an armed slot (no-op otherwise) and disarms it. */
void idempotency_record(twin_ctx *ctx, idem_slot *slot, int status, const char *content_type,
                        const char *body, size_t len);
/* Sends a stored answer, marked with "Idempotent-Replayed: true". */
void idempotency_replay(twin_ctx *ctx, const idem_hit *hit);

#endif
