/* Prometheus metrics (GET /metrics). */
#ifndef TWINS_METRICS_H
#define TWINS_METRICS_H

#include <stdint.h>

#include "util/buf.h"

void metrics_request_started(void);
void metrics_observe(const char *twin, int status, uint64_t duration_us);
/* Appends the Prometheus text exposition. */
void metrics_write(buf *out, int64_t live_runs, int64_t store_bytes, uint64_t connections);

#endif
