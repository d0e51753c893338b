/* Scenarios: named, reusable seed data (contract §2.3). */
#ifndef TWINS_SCENARIOS_H
#define TWINS_SCENARIOS_H

#include <stdbool.h>

#include "http/http.h"
#include "json/json.h"
#include "store/store.h"

void scenarios_init(store *st);
/* Handles /scenarios... and /scenario-twin-environments...; false if the path is not one of them. */
bool scenarios_handle(http_request *req);
/* Looks a scenario (saved or preset) up; its seed_config is copied into a.
 * Returns false when no such scenario exists. */
bool scenarios_resolve(const char *id, arena *a, json_value **seed_config);
/* Checks seed_config against each twin's seed schema; on failure returns
 * false with a detail naming the twin and field path. */
bool scenarios_validate_seed(const json_value *seed_config, arena *a, const char **detail);

#endif
