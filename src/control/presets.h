/* Preset scenarios: read-only scenarios that ship with the product (contract
 * §2.3), ids "preset-<theme>".  Their data is compiled in. */
#ifndef TWINS_PRESETS_H
#define TWINS_PRESETS_H

#include <stddef.h>

#include "json/json.h"

#define PRESET_ID_PREFIX "preset-"

size_t presets_count(void);
/* The i-th preset as a full scenario object (id, name, description, prompt,
 * twins, seed_config, tags, is_preset, created_at, updated_at) built in a;
 * NULL when i is out of range. */
json_value *preset_at(size_t i, arena *a);
/* The preset with this id, or NULL. */
json_value *preset_find(const char *id, arena *a);

#endif
