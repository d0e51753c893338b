/* Twin runs: an isolated set of twins sharing one lifetime.
 *
 * The registry lives in memory (one loop, no locks) and is mirrored to the
 * store (twin "_control", collection "runs") so a server restarted with
 * --data-dir (or the same --store-url and node id) keeps its live runs.  Each (run, twin) gets its own listener
 * from the port range, answering at the root of its own origin. */
#ifndef TWINS_RUNS_H
#define TWINS_RUNS_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "engine/twin.h"
#include "json/json.h"
#include "store/store.h"

typedef enum {
    RUN_QUEUED,
    RUN_PROVISIONING,
    RUN_READY,
    RUN_FAILED,
    RUN_EXPIRED,
    RUN_CANCELLED,
} run_status;

struct journal;

typedef struct run {
    char id[37];
    run_status status;
    int64_t created_ms, expires_ms;
    int ttl_minutes;
    bool is_public;
    bool locked;
    char proxy_token[41];
    char *scenario_id;          /* malloc'd or NULL */
    char *scenario_prompt;
    char *seed_results;         /* JSON object text, malloc'd */
    char *error;                /* malloc'd or NULL */
    bool has_baseline_seed;     /* baseline_kind: scenario vs empty */
    char *provision_config;     /* JSON {twin: config} as at provision, for reset */
    twin_instance *twins;       /* n_twins, empty once terminal */
    size_t n_twins;
    struct journal *journal;
    int inflight;               /* data-plane requests being answered */
    int64_t ended_ms;           /* when it became terminal */
} run;

typedef struct runs_config {
    const char *bind_host;      /* address listeners bind to */
    const char *advertise_host; /* host put in URLs ("127.0.0.1", or the public host) */
    int main_port;              /* control-plane port (for admin URLs) */
    int port_lo, port_hi;       /* per-twin listener range */
    const char *public_domain;  /* NULL, or "twins.example.com" */
    const char *public_scheme;  /* "http" or "https" for host-name URLs */
    /* Set when the store is shared by several servers (PostgreSQL): runs are
     * recorded with the node that provisioned them, and a restart restores
     * only its own (another node's runs have their listeners there).  NULL:
     * the store is private and every recorded run is this server's. */
    const char *node_id;
} runs_config;

void runs_init(uv_loop_t *loop, store *st, http_server *srv, const runs_config *cfg, http_handler dataplane);
void runs_shutdown(void);
/* Reloads runs persisted in the store (after a restart); expired ones are reaped. */
void runs_restore(void);

typedef struct run_create {
    const char *const *twins;
    size_t n_twins;
    int ttl_minutes;
    const char *scenario_id;
    const char *scenario_prompt;
    const json_value *seed_config;  /* resolved scenario seed (NULL = none) */
    bool is_public;
} run_create;

/* Creates and provisions a run.  On a bad request returns NULL with *status
 * (400/404/503) and *detail set. */
run *runs_create(const run_create *rc, int *status, const char **detail, arena *a);
run *runs_get(const char *id);
bool run_is_terminal(const run *r);
const char *run_status_name(run_status s);
int runs_extend(run *r, int ttl_minutes);
bool runs_lock(run *r);                         /* false if it was already locked */
void runs_teardown(run *r);                     /* -> cancelled, state freed */
/* Restores every twin to its provision baseline; writes the reset answer. */
void runs_reset(run *r, jw *w);
void runs_reset_twin(run *r, twin_instance *ti);
twin_instance *run_twin(run *r, const char *name);

/* Called by dispatch around each data-plane request, so a run torn down
 * mid-request keeps its instances until the answer is out. */
void runs_request_begin(run *r);
void runs_request_end(run *r);

/* Iteration over all known runs (live and recently terminal). */
size_t runs_snapshot(run ***out);               /* malloc'd array, caller frees */
size_t runs_live_count(void);

/* Writes the run status object (contract §2.1). */
void run_write_status(const run *r, jw *w);
void run_write_twin(const run *r, const twin_instance *ti, jw *w);

/* Replaces (merge=false) or merges a twin's config; replace also clears its
 * state.  Either way the twin's on_start hook then runs. */
void runs_set_config(run *r, twin_instance *ti, const json_value *config, bool merge);
/* PUT /admin/config with a "seed" member: replaces the twin's config and
 * state, seeds it, and makes that the twin's new baseline (reset returns to
 * it).  Returns false with *detail when the seed does not fit the twin's
 * seed schema or seeding failed (the twin then holds only its on_start defaults). */
bool runs_reseed_twin(run *r, twin_instance *ti, const json_value *config, const json_value *seed, arena *a,
                      const char **detail);
/* Persists the run record after a change. */
void runs_save(run *r);
store *runs_store(void);
uv_loop_t *runs_loop(void);
const runs_config *runs_cfg(void);

#endif
