/* multipart_parse: the first line is the Content-Type header, the rest the
 * body.  Parts must lie inside the arena copy with consistent lengths. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nl = memchr(s, '\n', size);
    arena *a = arena_new(0);
    char *ct = nl ? arena_strndup(a, s, (size_t)(nl - s)) : "multipart/form-data; boundary=XyZ";
    const char *body = nl ? nl + 1 : s;
    size_t len = nl ? size - (size_t)(nl + 1 - s) : size;
    multipart_part *parts;
    size_t n;
    if (multipart_parse(a, ct, body, len, &parts, &n)) {
        if (n > 1024) abort();
        for (size_t i = 0; i < n; i++) {
            if (parts[i].len > len || parts[i].data[parts[i].len] != '\0') abort();
            (void)strlen(parts[i].name);
        }
    }
    arena_free(a);
    return 0;
}
