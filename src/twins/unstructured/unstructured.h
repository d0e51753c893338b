/* Unstructured twin: shared declarations.
 *
 * Two services behind one twin, as the seed describes:
 *   - the partition API: POST /general/v0/general turns an uploaded file into
 *     document elements (partition.c, elements.c, pdf.c).  The answer is a
 *     function of the file and the parameters, so a PDF the SDK splits into
 *     page batches concatenates to the unsplit answer; only the section a
 *     PDF's last page leaves open is stored (pdf_sections, see
 *     us_section_keep), for the parent_id of the batch after it.
 *   - the Platform API under /api/v1 (platform.c), stateful in the store:
 *       sources       uuid -> SourceConnectorInformation
 *       destinations  uuid -> DestinationConnectorInformation
 *       workflows     uuid -> WorkflowInformation
 *       jobs          uuid -> JobInformation (+ "_reads": reads so far; the
 *                     status advances SCHEDULED -> IN_PROGRESS -> COMPLETED
 *                     on later reads)                          index workflow
 * Errors are FastAPI's: {"detail": "..."} and 422 {"detail": [{type, loc,
 * msg, input}]}. */
#ifndef TWINS_UNSTRUCTURED_H
#define TWINS_UNSTRUCTURED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/twin.h"

/* ---- auth and errors (auth.c) ---- */
bool us_authenticate(twin_ctx *ctx, const twin_route *route);
void us_send_error(twin_ctx *ctx, int status, const char *code, const char *message);
void us_detail(twin_ctx *ctx, int status, const char *detail);     /* {"detail": "..."} */
/* One FastAPI validation problem, appended to a detail list. */
void us_problem(twin_ctx *ctx, json_value *list, const char *type, const char *where, const char *field,
                const char *msg, const json_value *input);
void us_unprocessable(twin_ctx *ctx, json_value *list);           /* 422 {"detail": list} */

/* ---- helpers (common.c) ---- */
char *us_uuid(twin_ctx *ctx);
const char *us_now_iso(twin_ctx *ctx);
/* The route's UUID parameter (lower-cased), or NULL after a 422. */
const char *us_param_uuid(twin_ctx *ctx, const char *param);

/* ---- partition (partition.c, elements.c, pdf.c, chunking.c) ---- */
/* chunking_strategy and its sizes; US_UNSET: a size not given. */
#define US_UNSET INT64_MIN
typedef struct us_chunking {
    const char *strategy;       /* NULL: the elements as partitioned */
    int64_t max_characters, new_after_n_chars, combine_under_n_chars, overlap;
    bool overlap_all, multipage_sections, include_orig_elements;
} us_chunking;

typedef struct us_opts {
    const char *filename;
    const char *filetype;       /* MIME type */
    const char *strategy;
    json_value *languages;      /* array of strings */
    bool coordinates;
    bool include_page_breaks;
    bool unique_element_ids;
    int64_t starting_page_number;
    us_chunking chunking;
} us_opts;

/* Collects the elements of one file into out (an array).  Returns NULL, or
 * an error detail (the file can not be partitioned: 400). */
const char *us_partition_text(twin_ctx *ctx, const us_opts *o, const char *text, size_t len, json_value *out);
const char *us_partition_markdown(twin_ctx *ctx, const us_opts *o, const char *text, size_t len, json_value *out);
const char *us_partition_html(twin_ctx *ctx, const us_opts *o, const char *text, size_t len, json_value *out);
const char *us_partition_csv(twin_ctx *ctx, const us_opts *o, const char *text, size_t len, char sep, json_value *out);
const char *us_partition_json(twin_ctx *ctx, const us_opts *o, const char *text, size_t len, json_value *out);
const char *us_partition_pdf(twin_ctx *ctx, const us_opts *o, const char *data, size_t len, json_value *out);

/* Element building (elements.c): an element list under construction. */
typedef struct us_elems {
    twin_ctx *ctx;
    const us_opts *o;
    json_value *out;
    int64_t page;               /* absolute page number */
    int seq;                    /* index on the page (ids) */
    const char *title_id;       /* the current section's Title, parent of what follows */
    double y;                   /* next coordinate row (PDFs) */
} us_elems;
void us_elems_init(us_elems *e, twin_ctx *ctx, const us_opts *o, json_value *out, int64_t page);
void us_elems_page(us_elems *e, int64_t page);
/* Adds an element; type NULL classifies text (Title/NarrativeText/ListItem/
 * UncategorizedText).  Returns it (to add metadata). */
json_value *us_elem_add(us_elems *e, const char *type, const char *text);
/* Adds the paragraphs of plain text (blank-line separated, bullets as list items). */
void us_elems_paragraphs(us_elems *e, const char *text, size_t len);
const char *us_classify(const char *text);
/* Page batches of one PDF (the SDK's split_pdf_page) are separate
 * requests: the section (Title) open at the end of a batch's last page is
 * kept in the run's store under the file's name and that page, and the
 * batch starting on the next page opens with it, so parent_id links across
 * batches as in one unsplit call.  No-ops without a store (the fuzzer). */
void us_section_resume(us_elems *e);
void us_section_keep(const us_elems *e);
/* The id an element with this text gets at the list's page and index. */
void us_elem_id(const us_elems *e, const char *text, char out[37]);

/* The chunking options' own error (the library's ValueError), or NULL. */
const char *us_chunking_check(arena *a, const us_chunking *c);
/* The chunks of one file's elements (CompositeElement, Table, TableChunk). */
json_value *us_chunk(twin_ctx *ctx, const us_opts *o, const json_value *elements);

/* ---- platform (platform.c) ---- */
json_value *us_source_insert(twin_ctx *ctx, const char *collection, const json_value *in, json_value *problems);
json_value *us_workflow_insert(twin_ctx *ctx, const json_value *in, json_value *problems, int *status,
                               const char **detail);

/* ---- seeding (seed.c) ---- */
int us_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error);
extern const char us_seed_schema[];

#define US_HANDLERS(X) \
    X(partition) X(docs) X(healthcheck) \
    X(sources_list) X(source_create) X(source_get) X(source_update) X(source_delete) \
    X(destinations_list) X(destination_create) X(destination_get) X(destination_update) X(destination_delete) \
    X(workflows_list) X(workflow_create) X(workflow_get) X(workflow_update) X(workflow_delete) X(workflow_run) \
    X(jobs_list) X(job_get) X(job_cancel)
#define US_DECLARE(n) void us_##n(twin_ctx *ctx);
US_HANDLERS(US_DECLARE)
#undef US_DECLARE

#endif
