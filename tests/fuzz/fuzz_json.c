/* libFuzzer target for src/json: whatever the parser accepts must serialise
 * to text that parses back to an equal document, compact and pretty, and the
 * compact form must be a fixed point (write(parse(write(v))) == write(v)). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_json: %s\n", what);
        abort();
    }
}

static void check_round_trip(arena *a, const json_value *v)
{
    buf compact = BUF_INIT, again = BUF_INIT, pretty = BUF_INIT;
    json_write(&compact, v);
    json_value *reparsed = json_parse(a, compact.data, compact.len, NULL);
    check(reparsed != NULL, "compact output rejected");
    check(json_equal(v, reparsed), "compact round trip differs");
    json_write(&again, reparsed);
    check(again.len == compact.len && memcmp(again.data, compact.data, compact.len) == 0,
          "compact output is not a fixed point");

    json_write_pretty(&pretty, v, 2);
    json_value *from_pretty = json_parse(a, pretty.data, pretty.len, NULL);
    check(from_pretty != NULL, "pretty output rejected");
    check(json_equal(v, from_pretty), "pretty round trip differs");

    json_value *copy = json_clone(a, v);
    check(json_equal(v, copy), "clone differs");
    buf_free(&compact);
    buf_free(&again);
    buf_free(&pretty);
}

/* Runs the number readers on the top-level values so the sanitizers see
 * them on arbitrary number text. */
static void read_numbers(const json_value *v)
{
    int64_t n;
    double d;
    json_int64(v, &n);
    json_double(v, &d);
    json_foreach(child, v) {
        json_int64(child, &n);
        json_double(child, &d);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new(0);
    json_error err;
    json_value *v = json_parse(a, (const char *)data, size, &err);
    if (v) {
        check_round_trip(a, v);
        read_numbers(v);
    }
    else
        check(err.offset <= size && err.line >= 1 && err.column >= 1 && err.message[0], "bad error report");
    arena_free(a);
    return 0;
}
