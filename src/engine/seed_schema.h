/* Seed schemas: a small JSON Schema subset for seed_config.<twin>.
 *
 * Supported keywords: type (a name or an array of names: object, array,
 * string, integer, number, boolean, null), properties, required, items,
 * enum, additionalProperties (false, or a schema), minLength/maxLength
 * (in code points), minimum/maximum, minItems/maxItems.  As in JSON Schema,
 * object keywords only apply to objects, string keywords to strings, and so
 * on, which is how one item schema can accept either {"text": ...} or a bare
 * "text".  Other keywords (description, ...) are ignored. */
#ifndef TWINS_SEED_SCHEMA_H
#define TWINS_SEED_SCHEMA_H

#include <stdbool.h>

#include "json/json.h"

/* Checks v against schema.  path names v in messages ("seed_config.stripe").
 * On failure returns false with *detail set (in a) to the first problem,
 * e.g. "seed_config.stripe.customers[2].email: expected string". */
bool seed_schema_validate(const json_value *schema, const json_value *v, const char *path, arena *a,
                          const char **detail);

/* Same, with the schema given as JSON text (NULL = any object).  A schema
 * text that does not parse is reported as a detail, never crashes. */
bool seed_schema_validate_text(const char *schema_text, const json_value *v, const char *path, arena *a,
                               const char **detail);

/* The builtin seed schema of a catalog twin (the contract's seed shapes,
 * §2.3), as JSON text; NULL when the twin has none.  The constants are
 * exported too, so a twin declaration can say
 * `.seed_schema = seed_schema_stripe` in its static initializer. */
const char *seed_schema_for(const char *twin);

extern const char seed_schema_slack[];
extern const char seed_schema_github[];
extern const char seed_schema_jira[];
extern const char seed_schema_discord[];
extern const char seed_schema_google_calendar[];
extern const char seed_schema_google_drive[];
extern const char seed_schema_notion[];
extern const char seed_schema_stripe[];

#endif
