/* The stub engine: documented endpoints without a stateful handler answer
 * with schema-valid data generated from the service's official API
 * description, always marked (X-Twin-Stub header, _twin_stub/_twin_warning
 * in the body, arrays wrapped as {_twin_stub,_twin_warning,data} unless the
 * twin declares stub_bare_arrays).
 *
 * Descriptions are loaded once at start-up and shared by every run. */
#ifndef TWINS_STUB_H
#define TWINS_STUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/twin.h"

typedef struct stub_spec stub_spec;

typedef struct stub_op {
    const char *method;         /* upper case */
    const char *path;           /* router template, mount prefix applied */
    const char *operation_id;   /* may be NULL */
    int status;                 /* the description's success status */
    const void *schema;         /* engine-internal response schema */
} stub_op;

/* Loads the description of every registered twin that names one
 * (def->spec_name), from spec_dir.  Missing files are reported on stderr and
 * leave that twin without stubs; returns the number of descriptions loaded. */
int stub_load_all(const char *spec_dir);
void stub_free_all(void);
const stub_spec *stub_spec_for(const twin_def *def);     /* NULL if none loaded */
size_t stub_op_count(const stub_spec *s);
const stub_op *stub_op_at(const stub_spec *s, size_t i);

/* Answers ctx's request with the generated stub for op (status, markers,
 * body deterministic in (run id, actual path)), and records the hit. */
void stub_respond(twin_ctx *ctx, const stub_op *op);

/* Stub-hit log of one twin in one run. */
typedef struct stub_hits stub_hits;
stub_hits *stub_hits_new(void);
void stub_hits_free(stub_hits *h);
void stub_hits_record(stub_hits *h, const char *method, const char *path_template, const char *actual_path);
void stub_hits_clear(stub_hits *h);
/* {"total_hits","unique_endpoints","summary":[{endpoint,hits}],"recent":[...20 newest]} */
void stub_hits_write(const stub_hits *h, jw *w);
uint64_t stub_hits_total(const stub_hits *h);

#endif
