#include "util/map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct map_slot {
    char *key;          /* NULL = empty */
    void *value;
    uint64_t hash;
    bool dead;          /* tombstone */
};

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ull;   /* FNV-1a: keys are short ids */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

void map_init(map *m)
{
    memset(m, 0, sizeof *m);
}

void map_free(map *m)
{
    for (size_t i = 0; i < m->cap; i++) free(m->slots[i].key);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static struct map_slot *find_slot(const map *m, const char *key, uint64_t h)
{
    if (!m->cap) return NULL;
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        struct map_slot *s = &m->slots[i];
        if (!s->key && !s->dead) return NULL;
        if (s->key && s->hash == h && strcmp(s->key, key) == 0) return s;
    }
}

static void grow(map *m)
{
    size_t old_cap = m->cap;
    struct map_slot *old = m->slots;
    /* Tombstones count toward the load that triggers this; when they, not
     * live keys, filled the table, rehashing at the same size clears them.
     * Doubling regardless made a map with steady churn (few live keys,
     * endless put/remove) grow without bound. */
    if (!old_cap) m->cap = 16;
    else if ((m->len + 1) * 2 > old_cap) m->cap = old_cap * 2;
    m->slots = calloc(m->cap, sizeof *m->slots);
    if (!m->slots) abort();
    m->len = m->tombstones = 0;
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i].key) continue;
        size_t j = old[i].hash & (m->cap - 1);
        while (m->slots[j].key) j = (j + 1) & (m->cap - 1);
        m->slots[j] = old[i];
        m->len++;
    }
    free(old);
}

void *map_get(const map *m, const char *key)
{
    struct map_slot *s = find_slot(m, key, hash_key(key));
    return s ? s->value : NULL;
}

void map_put(map *m, const char *key, void *value)
{
    uint64_t h = hash_key(key);
    struct map_slot *s = find_slot(m, key, h);
    if (s) {
        s->value = value;
        return;
    }
    if ((m->len + m->tombstones + 1) * 4 > m->cap * 3) grow(m);
    size_t i = h & (m->cap - 1);
    while (m->slots[i].key) i = (i + 1) & (m->cap - 1);
    if (m->slots[i].dead) m->tombstones--;
    m->slots[i] = (struct map_slot){.key = strdup(key), .value = value, .hash = h};
    if (!m->slots[i].key) abort();
    m->len++;
}

void *map_remove(map *m, const char *key)
{
    struct map_slot *s = find_slot(m, key, hash_key(key));
    if (!s) return NULL;
    void *v = s->value;
    free(s->key);
    *s = (struct map_slot){.dead = true};
    m->len--;
    m->tombstones++;
    return v;
}

size_t map_len(const map *m)
{
    return m->len;
}

bool map_next(const map *m, size_t *pos, const char **key, void **value)
{
    for (; *pos < m->cap; (*pos)++) {
        struct map_slot *s = &m->slots[*pos];
        if (!s->key) continue;
        if (key) *key = s->key;
        if (value) *value = s->value;
        (*pos)++;
        return true;
    }
    return false;
}
