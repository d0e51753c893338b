/* Fault injection (POST/GET/DELETE /admin/faults).
 *
 * A fault applies to requests whose "METHOD /path" matches its pattern
 * (glob with '*'; a pattern without a method matches any method).  It can add
 * latency, force a status with the service's own error body, or both; for
 * the next `count` matching requests, or with a probability drawn from a
 * generator seeded by the fault's `seed`, so a failure sequence replays the
 * same way every time. */
#ifndef TWINS_FAULTS_H
#define TWINS_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "json/json.h"

typedef struct fault_list fault_list;

typedef struct fault_hit {
    bool matched;
    uint64_t latency_ms;
    int status;                 /* 0 = no forced status */
    char error_code[64];        /* "" = the twin's default for the status */
    char message[256];
    int64_t retry_after;        /* seconds, for 429s; 0 = none */
} fault_hit;

fault_list *faults_new(void);
void faults_free(fault_list *f);
/* Parses and adds a fault from its JSON description; returns its id, or NULL
 * with *error set. */
const char *faults_add(fault_list *f, const json_value *spec, const char **error);
bool faults_remove(fault_list *f, const char *id);
void faults_clear(fault_list *f);
void faults_write(const fault_list *f, jw *w);      /* {"faults":[...]} */
/* Consults the faults for one request; consumes counts.  A fault's pattern
 * matches the raw path or decoded_path (its percent-decoded form; NULL when
 * the same). */
fault_hit faults_check(fault_list *f, const char *method, const char *path, const char *decoded_path);
bool faults_empty(const fault_list *f);

#endif
