/* Bounded per-run request journal (GET /admin/requests). */
#ifndef TWINS_JOURNAL_H
#define TWINS_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "json/json.h"

#define JOURNAL_CAPACITY 1000

typedef struct journal journal;

journal *journal_new(void);
void journal_free(journal *j);
void journal_add(journal *j, const char *twin, const char *method, const char *path, int status,
                 uint64_t duration_us, int64_t at_ms);
/* {"requests":[newest first...], "total": N}; twin NULL = all twins; limit 0 = all kept */
void journal_write(const journal *j, const char *twin, size_t limit, jw *w);
void journal_clear(journal *j);

#endif
