/* String-keyed hash map (open addressing, linear probing) of pointers.
 * Keys are copied; values are the caller's. */
#ifndef TWINS_MAP_H
#define TWINS_MAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct map {
    struct map_slot *slots;
    size_t cap, len, tombstones;
} map;

void map_init(map *m);
void map_free(map *m);                              /* frees keys, not values */
void *map_get(const map *m, const char *key);
void map_put(map *m, const char *key, void *value); /* replaces */
void *map_remove(map *m, const char *key);          /* returns the old value */
size_t map_len(const map *m);
/* Iteration: start with *pos = 0; returns false at the end. Order is arbitrary. */
bool map_next(const map *m, size_t *pos, const char **key, void **value);

#endif
