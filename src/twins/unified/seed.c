/* Unified.to twin: seeding from seed_config.unified.  Ids come from the
 * run's counters and the clock is the seeding origin, so two runs of one
 * scenario hold identical state. */
#include "twins/unified/unified.h"
#include "util/util.h"

#define J(...) #__VA_ARGS__

const char un_seed_schema[] = J({
    "type": "object",
    "additionalProperties": false,
    "properties": {
        "connections": {"type": "array", "items": {
            "type": "object", "required": ["integration_type"],
            "properties": {
                "integration_type": {"enum": ["slack", "googlemail", "googledrive", "googlecalendar", "box",
                                              "notion", "dropbox"]},
                "categories": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                "permissions": {"type": "array", "items": {"type": "string", "minLength": 1}},
                "external_xref": {"type": "string"},
                "is_paused": {"type": "boolean"},
                "auth": {"type": "object"}}}}}
});

int un_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error)
{
    int64_t n = 0;
    size_t i = 0;
    json_foreach(c, json_get(seed, "connections")) {
        const char *err = NULL;
        if (!un_connection_insert(ctx, c, &err)) {
            *error = arena_printf(ctx->a, "unified.connections[%zu]: %s", i, err);
            return -1;
        }
        n++;
        i++;
    }
    json_set_int(ctx->a, result, "connections", n);
    return 0;
}
