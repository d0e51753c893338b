#include "engine/metrics.h"

#include <inttypes.h>
#include <string.h>

#include "engine/twin.h"

/* Latency buckets in microseconds (upper bounds, Prometheus "le" in seconds). */
static const uint64_t BUCKETS_US[] = {100, 250, 500, 1000, 2500, 5000, 10000, 25000, 100000, 1000000};
#define N_BUCKETS (sizeof BUCKETS_US / sizeof BUCKETS_US[0])
#define MAX_TWINS 64
#define STATUS_CLASSES 6 /* 1xx..5xx, index = status/100 */

typedef struct twin_stats {
    uint64_t by_class[STATUS_CLASSES];
} twin_stats;

static twin_stats per_twin[MAX_TWINS + 1];   /* last slot: control plane */
static uint64_t bucket_counts[N_BUCKETS + 1];
static uint64_t latency_sum_us, latency_count, started;

void metrics_request_started(void)
{
    started++;
}

static size_t twin_slot(const char *twin)
{
    for (size_t i = 0; i < twin_count() && i < MAX_TWINS; i++)
        if (strcmp(twin_at(i)->name, twin) == 0) return i;
    return MAX_TWINS;
}

void metrics_observe(const char *twin, int status, uint64_t duration_us)
{
    size_t cls = (size_t)(status / 100);
    if (cls >= STATUS_CLASSES) cls = 0;
    per_twin[twin_slot(twin)].by_class[cls]++;
    size_t b = 0;
    while (b < N_BUCKETS && duration_us > BUCKETS_US[b]) b++;
    bucket_counts[b]++;
    latency_sum_us += duration_us;
    latency_count++;
}

void metrics_write(buf *out, int64_t live_runs, int64_t store_bytes, uint64_t connections)
{
    buf_puts(out, "# HELP twins_requests_total HTTP requests answered, by twin and status class.\n"
                  "# TYPE twins_requests_total counter\n");
    for (size_t i = 0; i <= MAX_TWINS; i++) {
        const char *name = i == MAX_TWINS ? "_control" : i < twin_count() ? twin_at(i)->name : NULL;
        if (!name) continue;
        for (size_t c = 1; c < STATUS_CLASSES; c++)
            if (per_twin[i].by_class[c])
                buf_printf(out, "twins_requests_total{twin=\"%s\",status=\"%zuxx\"} %" PRIu64 "\n", name, c,
                           per_twin[i].by_class[c]);
    }
    buf_puts(out, "# HELP twins_request_duration_seconds Request latency.\n"
                  "# TYPE twins_request_duration_seconds histogram\n");
    uint64_t cumulative = 0;
    for (size_t b = 0; b < N_BUCKETS; b++) {
        cumulative += bucket_counts[b];
        buf_printf(out, "twins_request_duration_seconds_bucket{le=\"%g\"} %" PRIu64 "\n",
                   (double)BUCKETS_US[b] / 1e6, cumulative);
    }
    cumulative += bucket_counts[N_BUCKETS];
    buf_printf(out, "twins_request_duration_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n", cumulative);
    buf_printf(out, "twins_request_duration_seconds_sum %.6f\n", (double)latency_sum_us / 1e6);
    buf_printf(out, "twins_request_duration_seconds_count %" PRIu64 "\n", latency_count);
    buf_printf(out, "# HELP twins_live_runs Twin runs not yet expired or torn down.\n"
                    "# TYPE twins_live_runs gauge\ntwins_live_runs %" PRId64 "\n", live_runs);
    buf_printf(out, "# HELP twins_store_bytes Size of the state store.\n"
                    "# TYPE twins_store_bytes gauge\ntwins_store_bytes %" PRId64 "\n", store_bytes);
    buf_printf(out, "# HELP twins_open_connections Open HTTP connections.\n"
                    "# TYPE twins_open_connections gauge\ntwins_open_connections %" PRIu64 "\n", connections);
}
