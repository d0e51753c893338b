/* The Unstructured partitioners and the chunker on arbitrary bytes: PDFs
 * (object scan, object streams, the page tree, FlateDecode inflating and
 * its predictors, ToUnicode CMaps, content-stream text, form XObjects) and the text
 * formats must never crash, and every answer is an element list.  The first
 * byte picks the format and the chunking options, the rest is the file.
 * The corpus' PDF seeds come from tests/conformance/unstructured/pdf-samples.mjs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "twins/unstructured/unstructured.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t pick = data[0];
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    arena *a = arena_new(0);
    twin_ctx ctx = {.a = a};
    json_value *langs = json_array(a);
    json_push(langs, json_string(a, "eng"));
    static const char *const strategies[] = {"basic", "by_title", "by_page", NULL};
    us_opts o = {.filename = "fuzz", .strategy = "fast", .languages = langs, .starting_page_number = 1 + (pick & 1),
                 .coordinates = pick & 2, .include_page_breaks = pick & 4};
    o.chunking = (us_chunking){.strategy = strategies[(pick >> 3) & 3], .max_characters = 1 + (pick >> 5) * 7,
                               .new_after_n_chars = US_UNSET, .combine_under_n_chars = US_UNSET,
                               .overlap = pick & 16 ? (pick >> 5) * 3 : US_UNSET, .overlap_all = pick & 1,
                               .multipage_sections = pick & 2, .include_orig_elements = pick & 4};
    /* the text partitioners get NUL-free text, as partition.c decodes it */
    char *text = arena_alloc(a, len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (body[i]) text[n++] = body[i];
    text[n] = '\0';
    json_value *out = json_array(a);
    const char *err;
    switch (pick % 6) {
    case 0: o.filetype = "application/pdf"; err = us_partition_pdf(&ctx, &o, body, len, out); break;
    case 1: o.filetype = "text/plain"; err = us_partition_text(&ctx, &o, text, n, out); break;
    case 2: o.filetype = "text/markdown"; err = us_partition_markdown(&ctx, &o, text, n, out); break;
    case 3: o.filetype = "text/html"; err = us_partition_html(&ctx, &o, text, n, out); break;
    case 4: o.filetype = "text/csv"; err = us_partition_csv(&ctx, &o, text, n, ',', out); break;
    default: o.filetype = "application/json"; err = us_partition_json(&ctx, &o, text, n, out); break;
    }
    if (!err && o.chunking.strategy && !us_chunking_check(a, &o.chunking)) out = us_chunk(&ctx, &o, out);
    if (!out || out->type != JSON_ARRAY) abort();
    buf b = BUF_INIT;
    json_write(&b, out);
    buf_free(&b);
    arena_free(a);
    return 0;
}
