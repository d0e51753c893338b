/* Shared between scenarios.c (CRUD, validation) and scenarios_env.c
 * (long-lived scenario twin environments).  Not a public interface. */
#ifndef TWINS_SCENARIOS_INTERNAL_H
#define TWINS_SCENARIOS_INTERNAL_H

#include "control/scenarios.h"

store *scenarios_store(void);
/* The scenario object (saved or preset) parsed into a, or NULL. */
json_value *scenario_load(const char *id, arena *a);
/* The twins an environment of this scenario gets when the caller names none:
 * its `twins`, else the keys of its seed_config (a JSON array, maybe empty). */
json_value *scenario_default_twins(const json_value *scenario, arena *a);
/* Checks a `twins` value: an array of catalog names.  NULL when fine, else a detail. */
const char *scenario_check_twins(const json_value *twins, arena *a);

/* /scenarios/{id}/twin-environment[/reseed] */
void scenario_env_route(http_request *req, const char *scenario_id, const char *action);
/* GET /scenario-twin-environments */
void scenario_env_list(http_request *req);
/* Tears down a scenario's environment, if any (the scenario is being deleted). */
void scenario_env_drop(const char *scenario_id);

#endif
