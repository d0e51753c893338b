/* Seeding twins from seed_config (scenarios, PUT /admin/config). */
#ifndef TWINS_SEED_H
#define TWINS_SEED_H

#include "engine/twin.h"
#include "runs/runs.h"

/* Starts each twin of r (def->on_start) and seeds it from seed_config[twin];
 * fills results with
 * twin -> {"status":"seeded", counts...} | {"status":"skipped","reason"} |
 * {"status":"error","error"}.  prompt is a natural-language seed request
 * (stored; it needs a model, so twins report skipped).  Returns false when
 * any twin failed. */
bool seed_run(run *r, const json_value *seed_config, const char *prompt, json_value *results, arena *a);
/* Starts (def->on_start) and seeds one twin in one context and one
 * transaction; result gets the twin's status object. */
bool seed_twin(run *r, twin_instance *ti, const json_value *seed, json_value *result, arena *a);
/* Runs def->on_start alone (no seed), in a seeding context of its own. */
void seed_start_twin(run *r, twin_instance *ti, arena *a);
/* A handler-less context for working on a twin's state outside a request. */
void seed_ctx_init(twin_ctx *ctx, run *r, twin_instance *ti, arena *a);

#endif
