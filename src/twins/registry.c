/* The registry of twins, generated from twins.def. */
#include <string.h>

#include "engine/twin.h"

#define TWIN(name) extern const twin_def twin_##name;
#include "twins/twins.def"
#undef TWIN

static const twin_def *const registry[] = {
#define TWIN(name) &twin_##name,
#include "twins/twins.def"
#undef TWIN
};

size_t twin_count(void)
{
    return sizeof registry / sizeof registry[0];
}

const twin_def *twin_at(size_t i)
{
    return i < twin_count() ? registry[i] : NULL;
}

const twin_def *twin_find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < twin_count(); i++)
        if (strcmp(registry[i]->name, name) == 0) return registry[i];
    return NULL;
}
