/* form_decode and body_decode on arbitrary bytes: never crash, always an object. */
#include <stdint.h>
#include <stdlib.h>

#include "http/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *types[] = {"application/x-www-form-urlencoded", "application/json", NULL,
                                  "multipart/form-data; boundary=b"};
    arena *a = arena_new(0);
    json_value *v = form_decode(a, (const char *)data, size);
    if (!v || v->type != JSON_OBJECT) abort();
    buf out = BUF_INIT;
    json_write(&out, v);
    buf_free(&out);
    const char *err;
    body_decode(a, types[size % 4], (const char *)data, size, &err);
    arena_free(a);
    return 0;
}
