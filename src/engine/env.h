/* Helpers for twins' env-var builders. */
#ifndef TWINS_ENV_H
#define TWINS_ENV_H

#include "engine/twin.h"

/* out[name] = value */
void env_set(arena *a, json_value *out, const char *name, const char *value);
/* out[name] = base_url + suffix */
void env_set_url(const twin_env *e, arena *a, json_value *out, const char *name, const char *suffix);
/* A credential that looks like the service's own: prefix + n chars derived
 * from the run id and a label, so it is stable for the run and differs
 * between runs. */
char *env_token(const twin_env *e, arena *a, const char *label, const char *prefix, size_t n);
/* Config string member, or fallback. */
const char *env_config_str(const twin_env *e, const char *key, const char *fallback);

#endif
