#include "engine/env.h"

#include <string.h>

#include "util/util.h"

void env_set(arena *a, json_value *out, const char *name, const char *value)
{
    json_set_str(a, out, name, value);
}

void env_set_url(const twin_env *e, arena *a, json_value *out, const char *name, const char *suffix)
{
    json_set_str(a, out, name, arena_printf(a, "%s%s", e->base_url, suffix));
}

char *env_token(const twin_env *e, arena *a, const char *label, const char *prefix, size_t n)
{
    char *tok = arena_alloc(a, strlen(prefix) + n + 1);
    strcpy(tok, prefix);
    derive_token(tok + strlen(prefix), n, e->run_id, label, "env", 0);
    return tok;
}

const char *env_config_str(const twin_env *e, const char *key, const char *fallback)
{
    const char *v = json_get_str(e->config, key);
    return v ? v : fallback;
}
