/* Unit tests for src/json: parser corpus, DOM, writers, and a differential
 * test against jansson over generated documents. */
#include "testutil.h"

#include "jansson_compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "json/json.h"

static int setup_arena(void **state)
{
    *state = arena_new(0);
    return 0;
}

static int teardown_arena(void **state)
{
    arena_free(*state);
    return 0;
}

static json_value *parse_cstr(arena *a, const char *text)
{
    return json_parse(a, text, strlen(text), NULL);
}

/* Compact serialisation, copied into the arena so callers need not free. */
static const char *compact(arena *a, const json_value *v)
{
    return json_to_string(a, v, NULL);
}

static void assert_round_trips(arena *a, const json_value *v)
{
    buf out = BUF_INIT;
    json_write(&out, v);
    json_value *again = json_parse(a, out.data, out.len, NULL);
    assert_non_null(again);
    assert_true(json_equal(v, again));
    buf_reset(&out);
    json_write_pretty(&out, v, 2);
    again = json_parse(a, out.data, out.len, NULL);
    assert_non_null(again);
    assert_true(json_equal(v, again));
    buf_free(&out);
}

/* ---- valid corpus: input and its expected compact output ---- */

typedef struct {
    const char *input;
    const char *compact;
} valid_case;

static const valid_case valid_cases[] = {
    {"null", "null"},
    {" true ", "true"},
    {"\t\r\n false\n", "false"},
    {"0", "0"},
    {"-0", "-0"},
    {"-0.0", "-0.0"},
    {"1.0", "1.0"},
    {"-1", "-1"},
    {"1e400", "1e400"},
    {"1E+2", "1E+2"},
    {"0.5e-0", "0.5e-0"},
    {"12345678901234567890123", "12345678901234567890123"},
    {"-12345678901234567890123.4567e-89", "-12345678901234567890123.4567e-89"},
    {"[]", "[]"},
    {" [ ] ", "[]"},
    {"{}", "{}"},
    {"[ 1 , 2 , [ 3 , { } ] ]", "[1,2,[3,{}]]"},
    {"{\"a\" : 1 , \"b\":[true,false,null]}", "{\"a\":1,\"b\":[true,false,null]}"},
    {"{\"a\":{\"b\":{\"c\":[1,{\"d\":null}]}}}", "{\"a\":{\"b\":{\"c\":[1,{\"d\":null}]}}}"},
    {"[[[[[]]]]]", "[[[[[]]]]]"},
    {"\"\"", "\"\""},
    {"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\\"\\\\/\\b\\f\\n\\r\\t\""},
    {"\"\\/\"", "\"/\""},
    {"\"a/b\"", "\"a/b\""},
    {"\"\\u0041\\u00e9\\u20AC\"", "\"A\xc3\xa9\xe2\x82\xac\""},
    {"\"\\uD83D\\uDE00\"", "\"\xf0\x9f\x98\x80\""},
    {"\"\\uDBFF\\uDFFF\"", "\"\xf4\x8f\xbf\xbf\""},
    {"\"\\u0800\"", "\"\xe0\xa0\x80\""},
    {"\"\\u0001\\u001f\"", "\"\\u0001\\u001f\""},
    {"\"\\u007f\"", "\"\x7f\""},
    {"\"\xc3\xa9\xf0\x9f\x98\x80\"", "\"\xc3\xa9\xf0\x9f\x98\x80\""},
    {"\"\\u2028\\u2029\"", "\"\xe2\x80\xa8\xe2\x80\xa9\""},
    {"{\"\":\"\"}", "{\"\":\"\"}"},
    {"{\"a\":1,\"a\":2}", "{\"a\":1,\"a\":2}"},
    {"{\"k\\u0000\":1}", "{\"k\\u0000\":1}"},
};

static void test_valid_corpus(void **state)
{
    arena *a = *state;
    for (size_t i = 0; i < sizeof valid_cases / sizeof valid_cases[0]; i++) {
        const valid_case *c = &valid_cases[i];
        json_error err = {0};
        json_value *v = json_parse(a, c->input, strlen(c->input), &err);
        if (!v) fail_msg("case %zu '%s' rejected: %s", i, c->input, err.message);
        assert_string_equal(compact(a, v), c->compact);
        assert_round_trips(a, v);
    }
}

/* ---- invalid corpus: input (may hold NUL), error offset, message part ---- */

typedef struct {
    const char *input;
    size_t len;
    size_t offset;
    const char *message;
} invalid_case;

#define BAD(text, off, msg) {text, sizeof(text) - 1, off, msg}

static const invalid_case invalid_cases[] = {
    BAD("", 0, "end of input"),
    BAD("   ", 3, "end of input"),
    BAD("nul", 0, "literal"),
    BAD("True", 0, "unexpected character 'T'"),
    BAD("tru", 0, "literal"),
    BAD("nulll", 4, "after the JSON value"),
    BAD("01", 1, "leading zero"),
    BAD("-01", 2, "leading zero"),
    BAD("[01]", 2, "leading zero"),
    BAD("+1", 0, "unexpected character '+'"),
    BAD("1.", 2, "after '.'"),
    BAD("1.e5", 2, "after '.'"),
    BAD(".5", 0, "unexpected character '.'"),
    BAD("1e", 2, "exponent"),
    BAD("1e+", 3, "exponent"),
    BAD("1e5.5", 3, "after the JSON value"),
    BAD("-", 1, "expected a digit"),
    BAD("[-]", 2, "expected a digit"),
    BAD("NaN", 0, "unexpected"),
    BAD("Infinity", 0, "unexpected"),
    BAD("-Infinity", 1, "expected a digit"),
    BAD("0x10", 1, "after the JSON value"),
    BAD("[1,]", 3, "unexpected character ']'"),
    BAD("[,1]", 1, "unexpected character ','"),
    BAD("{\"a\":1,}", 7, "member name"),
    BAD("{\"a\" 1}", 5, "expected ':'"),
    BAD("{\"a\":}", 5, "unexpected character '}'"),
    BAD("{a:1}", 1, "unexpected character 'a'"),
    BAD("{'a':1}", 1, "unexpected character '''"),
    BAD("{\"a\":1 \"b\":2}", 7, "expected ',' or '}'"),
    BAD("[1 2]", 3, "expected ',' or ']'"),
    BAD("[1", 2, "end of input"),
    BAD("[1,2", 4, "end of input"),
    BAD("{\"a\":1", 6, "end of input"),
    BAD("{\"a\"", 4, "end of input"),
    BAD("[}", 1, "unexpected character '}'"),
    BAD("{]", 1, "unexpected character ']'"),
    BAD("\"abc", 0, "unterminated string"),
    BAD("[\"a\\\"]", 1, "unterminated string"),
    BAD("\"\\", 0, "unterminated string"),
    BAD("\"\\x\"", 1, "invalid escape"),
    BAD("\"\\U0041\"", 1, "invalid escape"),
    BAD("\"\\u12\"", 1, "\\u escape"),
    BAD("\"\\u00G0\"", 1, "\\u escape"),
    BAD("\"\\uD800\"", 1, "surrogate"),
    BAD("\"\\uDC00\"", 1, "surrogate"),
    BAD("\"\\uD800\\u0041\"", 1, "surrogate"),
    BAD("\"\\uD800\\uD800\"", 1, "surrogate"),
    BAD("\"a\tb\"", 2, "control character"),
    BAD("\"a\nb\"", 2, "control character"),
    BAD("\"\x00\"", 1, "control character"),
    BAD("\"\xff\"", 1, "UTF-8"),
    BAD("\"\x80\"", 1, "UTF-8"),
    BAD("\"\xc0\xaf\"", 1, "UTF-8"),
    BAD("\"\xe0\x80\xaf\"", 1, "UTF-8"),
    BAD("\"\xed\xa0\x80\"", 1, "UTF-8"),
    BAD("\"\xf4\x90\x80\x80\"", 1, "UTF-8"),
    BAD("\"\xf5\x80\x80\x80\"", 1, "UTF-8"),
    BAD("\"\xe2\x82\"", 1, "UTF-8"),
    BAD("\"ok\xc3\"", 3, "UTF-8"),
    BAD("[1]x", 3, "after the JSON value"),
    BAD("1 2", 2, "after the JSON value"),
    BAD("{} {}", 3, "after the JSON value"),
    BAD("[1]\x00", 3, "after the JSON value"),
    BAD("\xef\xbb\xbf[]", 0, "unexpected byte 0xef"),
    BAD("/* c */ 1", 0, "unexpected character '/'"),
    BAD("\x0b" "1", 0, "unexpected byte 0x0b"),
    BAD("\f1", 0, "unexpected byte 0x0c"),
    BAD("\xe9", 0, "unexpected byte 0xe9"),
};

static void test_invalid_corpus(void **state)
{
    arena *a = *state;
    for (size_t i = 0; i < sizeof invalid_cases / sizeof invalid_cases[0]; i++) {
        const invalid_case *c = &invalid_cases[i];
        json_error err = {0};
        json_value *v = json_parse(a, c->input, c->len, &err);
        if (v) fail_msg("case %zu accepted", i);
        if (err.offset != c->offset || !strstr(err.message, c->message))
            fail_msg("case %zu: got offset %zu '%s', want %zu '%s'", i, err.offset, err.message, c->offset,
                     c->message);
        assert_null(json_parse(a, c->input, c->len, NULL));
    }
    json_error err = {0};
    assert_null(json_parse(a, NULL, 0, &err));
    assert_string_equal(err.message, "unexpected end of input");
}

static void test_error_line_and_column(void **state)
{
    const char *text = "{\n  \"a\": [1,\n    x]\n}";
    json_error err = {0};
    assert_null(json_parse(*state, text, strlen(text), &err));
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 5);
    assert_int_equal(err.offset, strchr(text, 'x') - text);
    assert_string_equal(err.message, "unexpected character 'x'");
}

static char *nested_arrays(int depth)
{
    char *s = malloc((size_t)depth * 2 + 1);
    memset(s, '[', (size_t)depth);
    memset(s + depth, ']', (size_t)depth);
    s[depth * 2] = '\0';
    return s;
}

static void test_depth_limit(void **state)
{
    arena *a = *state;
    json_error err = {0};
    char *at_limit = nested_arrays(JSON_DEFAULT_MAX_DEPTH);
    char *over_limit = nested_arrays(JSON_DEFAULT_MAX_DEPTH + 1);
    json_value *v = parse_cstr(a, at_limit);
    assert_non_null(v);
    assert_string_equal(compact(a, v), at_limit);
    assert_null(json_parse(a, over_limit, strlen(over_limit), &err));
    assert_int_equal(err.offset, JSON_DEFAULT_MAX_DEPTH);
    assert_non_null(strstr(err.message, "depth"));

    /* A larger caller limit must not touch the C stack (the parser is
     * iterative). */
    char *deep = nested_arrays(100000);
    assert_non_null(json_parse_depth(a, deep, strlen(deep), 100000, NULL));
    assert_null(json_parse_depth(a, deep, strlen(deep), 99999, NULL));
    free(deep);

    assert_non_null(json_parse_depth(a, "[[1]]", 5, 2, NULL));
    assert_null(json_parse_depth(a, "[[1]]", 5, 1, NULL));
    assert_null(json_parse_depth(a, "{\"a\":{}}", 8, 1, NULL));
    assert_non_null(json_parse_depth(a, "7", 1, 0, NULL));
    free(at_limit);
    free(over_limit);
}

/* ---- numbers and strings ---- */

static void test_numbers_keep_text(void **state)
{
    arena *a = *state;
    json_value *v = parse_cstr(a, "[12345678901234567890123, -0, 1e400, 0.1, 1E-7]");
    assert_string_equal(json_at(v, 0)->str, "12345678901234567890123");
    assert_int_equal(json_at(v, 0)->len, 23);
    assert_string_equal(json_at(v, 1)->str, "-0");
    assert_string_equal(json_at(v, 2)->str, "1e400");
    assert_string_equal(json_at(v, 4)->str, "1E-7");
    double d = 0;
    assert_false(json_double(json_at(v, 2), &d));
    assert_true(json_double(json_at(v, 3), &d));
    assert_true(d == 0.1);
    assert_true(json_double(json_at(v, 0), &d));
    assert_true(d == 12345678901234567890123.0);
    assert_false(json_double(json_at(v, 5), &d));
}

static void test_int64(void **state)
{
    arena *a = *state;
    static const struct {
        const char *text;
        bool ok;
        int64_t value;
    } cases[] = {
        {"0", true, 0},
        {"-0", true, 0},
        {"42", true, 42},
        {"-42", true, -42},
        {"9223372036854775807", true, INT64_MAX},
        {"-9223372036854775808", true, INT64_MIN},
        {"9223372036854775808", false, 0},
        {"-9223372036854775809", false, 0},
        {"18446744073709551616", false, 0},
        {"12345678901234567890123", false, 0},
        {"1.0", false, 0},
        {"1e2", false, 0},
        {"1E2", false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t n = -1;
        bool ok = json_int64(parse_cstr(a, cases[i].text), &n);
        if (ok != cases[i].ok) fail_msg("json_int64(%s) returned %d", cases[i].text, ok);
        if (ok) assert_true(n == cases[i].value);
    }
    int64_t n;
    assert_false(json_int64(parse_cstr(a, "\"1\""), &n));
    assert_false(json_int64(NULL, &n));
}

static void test_strings_decode(void **state)
{
    arena *a = *state;
    json_value *v = parse_cstr(a, "\"a\\u0000b\"");
    assert_int_equal(v->type, JSON_STRING);
    assert_int_equal(v->len, 3);
    assert_memory_equal(v->str, "a\0b", 4);

    v = parse_cstr(a, "\"\\ud834\\udd1e x\"");
    assert_string_equal(v->str, "\xf0\x9d\x84\x9e x");
    assert_int_equal(v->len, 6);

    v = parse_cstr(a, "{\"n\\u00e4me\":\"\\t\"}");
    assert_string_equal(v->first->key, "n\xc3\xa4me");
    assert_int_equal(v->first->key_len, 5);
    assert_string_equal(json_get_str(v, "n\xc3\xa4me"), "\t");
}

/* ---- reading helpers ---- */

static void test_get_at_path(void **state)
{
    arena *a = *state;
    json_value *v = parse_cstr(a, "{\"a\":{\"b\":[{\"c\":\"deep\"},2,3],\"0\":\"zero\"},\"ab\":1,\"x.y\":2}");
    assert_string_equal(json_str(json_path(v, "a.b.0.c")), "deep");
    assert_string_equal(json_path(v, "a.b.2")->str, "3");
    assert_string_equal(json_get_str(json_path(v, "a"), "0"), "zero");
    assert_string_equal(json_str(json_path(v, "a.0")), "zero");   /* objects take digits as keys */
    assert_ptr_equal(json_path(v, ""), v);
    assert_null(json_path(v, "a.b.3"));
    assert_null(json_path(v, "a.b.x"));
    assert_null(json_path(v, "a.b.0.c.d"));
    assert_null(json_path(v, "missing.b"));
    assert_null(json_path(v, "x.y"));
    assert_null(json_path(NULL, "a"));

    assert_string_equal(json_get(v, "ab")->str, "1");
    assert_null(json_getn(v, "a\0b", 3));
    assert_null(json_getn(v, "abc", 3));
    assert_string_equal(json_getn(v, "abc", 2)->str, "1");
    assert_null(json_get(json_path(v, "a.b"), "c"));
    assert_null(json_at(v, 0));
    assert_null(json_at(json_path(v, "a.b"), 99));
    assert_null(json_str(json_get(v, "ab")));
    assert_null(json_get_str(v, "nope"));

    json_value *lits = parse_cstr(a, "[null,true,false]");
    assert_true(json_is_null(json_at(lits, 0)));
    assert_true(json_is_null(NULL));
    assert_false(json_is_null(json_at(lits, 1)));
    assert_true(json_is_bool(json_at(lits, 1)) && json_is_bool(json_at(lits, 2)));
    assert_false(json_is_bool(json_at(lits, 0)));
    assert_true(json_truthy(json_at(lits, 1)));
    assert_false(json_truthy(json_at(lits, 2)));
    assert_false(json_truthy(NULL));
    int n = 0;
    json_foreach(child, lits) n++;
    assert_int_equal(n, 3);
}

static void test_equal(void **state)
{
    arena *a = *state;
    assert_true(json_equal(parse_cstr(a, "{\"a\":1,\"b\":[1,{\"c\":null}]}"),
                           parse_cstr(a, "{\"b\":[1,{\"c\":null}],\"a\":1}")));
    assert_false(json_equal(parse_cstr(a, "[1,2]"), parse_cstr(a, "[2,1]")));
    assert_false(json_equal(parse_cstr(a, "1"), parse_cstr(a, "1.0")));
    assert_false(json_equal(parse_cstr(a, "{\"a\":1}"), parse_cstr(a, "{\"a\":1,\"b\":2}")));
    assert_false(json_equal(parse_cstr(a, "{\"a\":1,\"c\":2}"), parse_cstr(a, "{\"a\":1,\"b\":2}")));
    assert_false(json_equal(parse_cstr(a, "\"a\\u0000b\""), parse_cstr(a, "\"a\\u0000c\"")));
    assert_false(json_equal(parse_cstr(a, "true"), parse_cstr(a, "false")));
    assert_false(json_equal(parse_cstr(a, "[]"), parse_cstr(a, "{}")));
    assert_false(json_equal(parse_cstr(a, "null"), NULL));
    assert_true(json_equal(NULL, NULL));
}

/* ---- building and editing ---- */

static void test_builders(void **state)
{
    arena *a = *state;
    assert_string_equal(compact(a, json_int(a, INT64_MIN)), "-9223372036854775808");
    assert_string_equal(compact(a, json_number_text(a, "1.50")), "1.50");
    assert_string_equal(compact(a, json_string(a, NULL)), "null");
    json_value *s = json_stringn(a, "x\0y", 3);
    assert_int_equal(s->len, 3);
    assert_string_equal(compact(a, s), "\"x\\u0000y\"");

    static const struct {
        double d;
        const char *text;
    } doubles[] = {
        {0.1, "0.1"},           {1.0 / 3, "0.3333333333333333"}, {0.0, "0"},       {-0.0, "-0"},
        {1e21, "1e+21"},        {123456789012.0, "123456789012"}, {2.5e-8, "2.5e-08"},
        {0.1 + 0.2, "0.30000000000000004"},
    };
    for (size_t i = 0; i < sizeof doubles / sizeof doubles[0]; i++)
        assert_string_equal(json_double_value(a, doubles[i].d)->str, doubles[i].text);
    assert_int_equal(json_double_value(a, NAN)->type, JSON_NULL);
    assert_int_equal(json_double_value(a, INFINITY)->type, JSON_NULL);
    double back = 0;
    assert_true(json_double(json_double_value(a, 5e-324), &back));
    assert_true(back == 5e-324);
}

static void test_set_replaces_in_place(void **state)
{
    arena *a = *state;
    json_value *o = json_object(a);
    json_set_str(a, o, "a", "x");
    json_set_int(a, o, "b", 2);
    json_set_bool(a, o, "c", true);
    json_set_null(a, o, "d");
    json_set_str(a, o, "e", NULL);
    assert_string_equal(compact(a, o), "{\"a\":\"x\",\"b\":2,\"c\":true,\"d\":null,\"e\":null}");
    json_set_int(a, o, "b", 3);
    json_set_int(a, o, "a", 1);
    json_set_int(a, o, "e", 5);
    assert_string_equal(compact(a, o), "{\"a\":1,\"b\":3,\"c\":true,\"d\":null,\"e\":5}");
    assert_int_equal(o->len, 5);
    assert_string_equal(o->last->str, "5");
    json_set(a, o, "f", NULL);
    assert_string_equal(compact(a, o), "{\"a\":1,\"b\":3,\"c\":true,\"d\":null,\"e\":5,\"f\":null}");
    json_set(a, o, "c", json_get(o, "c"));   /* re-setting a member to itself is a no-op */
    assert_int_equal(o->len, 6);
    json_setn(a, o, "g\0h", 3, json_int(a, 7));
    assert_int_equal(json_getn(o, "g\0h", 3)->len, 1);

    json_value *not_object = json_array(a);
    json_set_int(a, not_object, "a", 1);
    assert_int_equal(not_object->len, 0);
}

static void test_remove_fixes_links(void **state)
{
    arena *a = *state;
    json_value *o = parse_cstr(a, "{\"a\":1,\"b\":2,\"c\":3,\"d\":4}");
    assert_true(json_remove(o, "b"));
    assert_string_equal(compact(a, o), "{\"a\":1,\"c\":3,\"d\":4}");
    assert_true(json_remove(o, "d"));
    assert_string_equal(o->last->key, "c");
    assert_true(json_remove(o, "a"));
    assert_string_equal(o->first->key, "c");
    assert_false(json_remove(o, "a"));
    json_set_int(a, o, "e", 5);   /* appends after the fixed tail */
    assert_string_equal(compact(a, o), "{\"c\":3,\"e\":5}");
    assert_int_equal(o->len, 2);
    assert_true(json_remove(o, "c"));
    assert_true(json_remove(o, "e"));
    assert_null(o->first);
    assert_null(o->last);
    assert_int_equal(o->len, 0);
    json_set_int(a, o, "z", 0);
    assert_string_equal(compact(a, o), "{\"z\":0}");
    assert_false(json_remove(json_array(a), "z"));
}

static void test_push_merge_clone(void **state)
{
    arena *a = *state;
    json_value *arr = json_array(a);
    json_push(arr, json_int(a, 1));
    json_push(arr, json_string(a, "two"));
    json_push(arr, json_object(a));
    assert_string_equal(compact(a, arr), "[1,\"two\",{}]");
    assert_int_equal(arr->len, 3);

    json_value *dst = parse_cstr(a, "{\"keep\":1,\"over\":\"old\"}");
    json_value *src = parse_cstr(a, "{\"over\":{\"n\":[1]},\"new\":true}");
    json_merge(a, dst, src);
    assert_string_equal(compact(a, dst), "{\"keep\":1,\"over\":{\"n\":[1]},\"new\":true}");
    /* Values were cloned: editing src leaves dst alone. */
    json_push(json_path(src, "over.n"), json_int(a, 2));
    assert_string_equal(compact(a, json_get(dst, "over")), "{\"n\":[1]}");
    json_merge(a, dst, dst);
    assert_string_equal(compact(a, dst), "{\"keep\":1,\"over\":{\"n\":[1]},\"new\":true}");

    json_value *clone = json_clone(a, src);
    assert_true(json_equal(clone, src));
    json_set_int(a, json_get(clone, "over"), "n", 0);
    assert_false(json_equal(clone, src));
    assert_int_equal(json_clone(a, NULL)->type, JSON_NULL);
}

/* ---- writers ---- */

static void test_write_string_escapes(void **state)
{
    buf out = BUF_INIT;
    char all_controls[32];
    for (int i = 0; i < 32; i++) all_controls[i] = (char)i;
    json_write_string(&out, all_controls, sizeof all_controls);
    assert_string_equal(out.data,
                        "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
                        "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018"
                        "\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"");
    buf_reset(&out);
    static const char mixed[] = "q\"b\\s/ \x7f \xc3\xa9 \xe2\x80\xa8";
    json_write_string(&out, mixed, sizeof mixed - 1);
    assert_string_equal(out.data, "\"q\\\"b\\\\s/ \x7f \xc3\xa9 \xe2\x80\xa8\"");
    buf_reset(&out);
    json_write_string(&out, "", 0);
    assert_string_equal(out.data, "\"\"");
    buf_free(&out);
}

/* The writer skips plain ASCII eight bytes at a time: every character that
 * needs attention must be caught at every offset within such a block, and
 * bytes just below or above the special ones must pass untouched. */
static void test_write_string_every_offset(void **state)
{
    arena *a = *state;
    static const char *const pieces[] = {"\"", "\\", "\n", "\x1f", "\x01", "\xc3\xa9", "\xe2\x80\xa8",
                                         "\x7f", " ", "!", "#", "[", "]", "~", "\x21", "\x5b"};
    buf text = BUF_INIT, out = BUF_INIT;
    for (size_t p = 0; p < sizeof pieces / sizeof *pieces; p++) {
        for (size_t at = 0; at < 20; at++) {
            buf_reset(&text);
            for (size_t i = 0; i < at; i++) buf_putc(&text, (char)('a' + i % 26));
            buf_puts(&text, pieces[p]);
            buf_puts(&text, "0123456789abcdef");
            buf_reset(&out);
            json_write_string(&out, text.data, text.len);
            json_error err;
            json_value *back = json_parse(a, out.data, out.len, &err);
            assert_non_null(back);
            assert_int_equal(back->len, text.len);
            assert_memory_equal(back->str, text.data, text.len);
        }
    }
    buf_free(&text);
    buf_free(&out);
}

/* Bytes that are not UTF-8 (a form value "%FF", an encoded surrogate, a
 * truncated sequence) must still give JSON that parses back: a stored
 * document written with them could otherwise never be read again. */
static void test_write_string_repairs_utf8(void **state)
{
    arena *a = *state;
    buf out = BUF_INIT;
    static const char bad[] = "a\xff" "b\xed\xa0\x80" "c\xc3" "\xe2\x82" "d\xf4\x90\x80\x80\xc3\xa9";
    json_write_string(&out, bad, sizeof bad - 1);
    assert_string_equal(out.data, "\"a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                                  "c\xef\xbf\xbd" "\xef\xbf\xbd\xef\xbf\xbd"
                                  "d\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9\"");
    json_error err;
    json_value *back = json_parse(a, out.data, out.len, &err);
    assert_non_null(back);
    assert_int_equal(back->type, JSON_STRING);
    /* Keys go through the same writer. */
    json_value *obj = json_object(a);
    json_set(a, obj, "k\x80", json_string(a, "v"));
    buf_reset(&out);
    json_write(&out, obj);
    assert_non_null(json_parse(a, out.data, out.len, &err));
    buf_free(&out);
}

static void test_write_pretty(void **state)
{
    arena *a = *state;
    json_value *v = parse_cstr(a, "{\"a\":1,\"b\":[true,{}],\"c\":[],\"d\":{\"e\":\"x\"}}");
    buf out = BUF_INIT;
    json_write_pretty(&out, v, 2);
    assert_string_equal(out.data, "{\n"
                                  "  \"a\": 1,\n"
                                  "  \"b\": [\n"
                                  "    true,\n"
                                  "    {}\n"
                                  "  ],\n"
                                  "  \"c\": [],\n"
                                  "  \"d\": {\n"
                                  "    \"e\": \"x\"\n"
                                  "  }\n"
                                  "}");
    buf_reset(&out);
    json_write_pretty(&out, v, 0);
    assert_string_equal(out.data, compact(a, v));
    buf_reset(&out);
    json_write_pretty(&out, parse_cstr(a, "[1]"), 40);   /* capped at 10 like JSON.stringify */
    assert_string_equal(out.data, "[\n          1\n]");
    buf_reset(&out);
    json_write_pretty(&out, parse_cstr(a, "\"s\""), 4);
    assert_string_equal(out.data, "\"s\"");
    buf_reset(&out);
    json_write(&out, NULL);
    assert_string_equal(out.data, "null");
    buf_free(&out);

    size_t len = 0;
    assert_string_equal(json_to_string(a, v, &len), "{\"a\":1,\"b\":[true,{}],\"c\":[],\"d\":{\"e\":\"x\"}}");
    assert_int_equal(len, strlen("{\"a\":1,\"b\":[true,{}],\"c\":[],\"d\":{\"e\":\"x\"}}"));
}

static void test_streaming_writer(void **state)
{
    arena *a = *state;
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_object_begin(&w);
    jw_kv_string(&w, "id", "cus_1");
    jw_kv_int(&w, "min", INT64_MIN);
    jw_kv_bool(&w, "live", false);
    jw_kv_null(&w, "gone");
    jw_kv_string(&w, "nil", NULL);
    jw_key(&w, "list");
    jw_array_begin(&w);
    jw_int(&w, 0);
    jw_uint(&w, UINT64_MAX);
    jw_double(&w, 0.1);
    jw_double(&w, NAN);
    jw_bool(&w, true);
    jw_null(&w);
    jw_stringn(&w, "a\0b", 3);
    jw_raw(&w, "1.50", 4);
    jw_array_begin(&w);
    jw_array_end(&w);
    jw_object_begin(&w);
    jw_object_end(&w);
    jw_value(&w, parse_cstr(a, "{\"x\":[1]}"));
    jw_value(&w, NULL);
    jw_array_end(&w);
    jw_keyn(&w, "k\"ey", 4);
    jw_object_begin(&w);
    jw_key(&w, "inner");
    jw_int(&w, -7);
    jw_object_end(&w);
    jw_object_end(&w);
    const char *expected = "{\"id\":\"cus_1\",\"min\":-9223372036854775808,\"live\":false,\"gone\":null,"
                           "\"nil\":null,\"list\":[0,18446744073709551615,0.1,null,true,null,\"a\\u0000b\","
                           "1.50,[],{},{\"x\":[1]},null],\"k\\\"ey\":{\"inner\":-7}}";
    assert_string_equal(out.data, expected);
    assert_int_equal(w.depth, 0);
    assert_non_null(json_parse(a, out.data, out.len, NULL));

    /* Nesting up to the tracked limit keeps commas right at every level. */
    buf_reset(&out);
    jw_init(&w, &out);
    for (int i = 0; i < JW_MAX_DEPTH - 1; i++) {
        jw_array_begin(&w);
        jw_int(&w, i);
    }
    for (int i = 0; i < JW_MAX_DEPTH - 1; i++) jw_array_end(&w);
    json_value *deep = json_parse(a, out.data, out.len, NULL);
    assert_non_null(deep);
    assert_string_equal(json_path(deep, "1.1.0")->str, "2");
    buf_free(&out);
}

/* ---- differential test against jansson ---- */

static uint64_t next_random(uint64_t *state)
{
    /* splitmix64: deterministic across platforms, good enough to shape
     * documents. */
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static unsigned pick(uint64_t *rng, unsigned n)
{
    return (unsigned)(next_random(rng) % n);
}

static void gen_whitespace(buf *out, uint64_t *rng)
{
    static const char ws[] = " \t\n\r";
    while (pick(rng, 4) == 0) buf_putc(out, ws[pick(rng, 4)]);
}

static void gen_digits(buf *out, uint64_t *rng, unsigned max, bool first_nonzero)
{
    unsigned n = 1 + pick(rng, max);
    for (unsigned i = 0; i < n; i++) {
        unsigned digit = i == 0 && first_nonzero ? 1 + pick(rng, 9) : pick(rng, 10);
        buf_putc(out, (char)('0' + digit));
    }
}

static void gen_number(buf *out, uint64_t *rng)
{
    if (pick(rng, 2)) buf_putc(out, '-');
    if (pick(rng, 5) == 0)
        buf_putc(out, '0');
    else
        gen_digits(out, rng, pick(rng, 4) ? 6 : 25, true);
    if (pick(rng, 3) == 0) {
        buf_putc(out, '.');
        gen_digits(out, rng, 8, false);
    }
    if (pick(rng, 4) == 0) {
        buf_putc(out, "eE"[pick(rng, 2)]);
        if (pick(rng, 2)) buf_putc(out, "+-"[pick(rng, 2)]);
        gen_digits(out, rng, 2, false);
    }
}

static void gen_unicode_escape(buf *out, uint64_t *rng)
{
    unsigned cp = pick(rng, 0x10000);
    if (cp >= 0xD800 && cp <= 0xDFFF) {
        /* Surrogate range: emit a valid pair instead. */
        buf_printf(out, "\\u%04X\\u%04x", 0xD800 + pick(rng, 0x400), 0xDC00 + pick(rng, 0x400));
        return;
    }
    buf_printf(out, pick(rng, 2) ? "\\u%04x" : "\\u%04X", cp);
}

static void gen_string_char(buf *out, uint64_t *rng, bool is_key)
{
    static const char *const raw_utf8[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xe2\x80\xa8", "\x7f"};
    static const char *const escapes[] = {"\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0000"};
    switch (pick(rng, 8)) {
    case 0: buf_puts(out, escapes[pick(rng, is_key ? 8 : 9)]); break;   /* the last, \u0000, only in values */
    case 1: gen_unicode_escape(out, rng); break;
    case 2: buf_puts(out, raw_utf8[pick(rng, 5)]); break;
    default: {
        char c = (char)(' ' + pick(rng, 95));   /* printable ASCII but the two that need escaping */
        buf_putc(out, c == '"' || c == '\\' ? 'q' : c);
        break;
    }
    }
}

static void gen_string(buf *out, uint64_t *rng, int unique)
{
    buf_putc(out, '"');
    unsigned n = pick(rng, 8);
    for (unsigned i = 0; i < n; i++) gen_string_char(out, rng, unique >= 0);
    if (unique >= 0) buf_printf(out, "#%d", unique);   /* keeps object keys distinct */
    buf_putc(out, '"');
}

static void gen_value(buf *out, uint64_t *rng, int depth)
{
    unsigned kind = pick(rng, depth >= 5 ? 6 : 9);
    gen_whitespace(out, rng);
    switch (kind) {
    case 0: buf_puts(out, "null"); break;
    case 1: buf_puts(out, "true"); break;
    case 2: buf_puts(out, "false"); break;
    case 3:
    case 4: gen_number(out, rng); break;
    case 5: gen_string(out, rng, -1); break;
    case 6:
    case 7: {
        unsigned n = pick(rng, 5);
        buf_putc(out, '[');
        for (unsigned i = 0; i < n; i++) {
            if (i) buf_putc(out, ',');
            gen_value(out, rng, depth + 1);
        }
        gen_whitespace(out, rng);
        buf_putc(out, ']');
        break;
    }
    default: {
        unsigned n = pick(rng, 5);
        buf_putc(out, '{');
        for (unsigned i = 0; i < n; i++) {
            if (i) buf_putc(out, ',');
            gen_whitespace(out, rng);
            gen_string(out, rng, (int)i);
            gen_whitespace(out, rng);
            buf_putc(out, ':');
            gen_value(out, rng, depth + 1);
        }
        gen_whitespace(out, rng);
        buf_putc(out, '}');
        break;
    }
    }
    gen_whitespace(out, rng);
}

/* Deletes, inserts or replaces a byte, or truncates: most results are
 * invalid in interesting places, some stay valid. */
static void mutate(buf *doc, uint64_t *rng)
{
    static const char interesting[] = "{}[],:\"\\0123456789eE.-+tfnu \x01\x7f\x80\xbf\xc3\xed\xf0\xff";
    if (doc->len == 0) return;
    size_t at = pick(rng, (unsigned)doc->len);
    char byte = interesting[pick(rng, sizeof interesting - 1)];
    switch (pick(rng, 4)) {
    case 0: memmove(doc->data + at, doc->data + at + 1, doc->len - at - 1); doc->len--; break;
    case 1:
        buf_putc(doc, 0);
        memmove(doc->data + at + 1, doc->data + at, doc->len - at - 1);
        doc->data[at] = byte;
        break;
    case 2: doc->data[at] = byte; break;
    default: doc->len = at; break;
    }
    doc->data[doc->len] = '\0';
}

/* Our DOM against jansson's: numbers by value (jansson keeps them as
 * doubles), strings by bytes, objects by their distinct keys (jansson keeps
 * the last of duplicate members). */
static bool same_as_jansson(const json_value *v, json_t *j);

static bool is_last_with_key(const json_value *m)
{
    for (const json_value *later = m->next; later; later = later->next)
        if (later->key_len == m->key_len && memcmp(later->key, m->key, m->key_len) == 0) return false;
    return true;
}

static bool object_same_as_jansson(const json_value *v, json_t *j)
{
    size_t distinct = 0;
    for (const json_value *m = v->first; m; m = m->next) {
        if (!is_last_with_key(m)) continue;
        distinct++;
        json_t *jm = json_object_getn(j, m->key, m->key_len);
        if (!jm || !same_as_jansson(m, jm)) return false;
    }
    return distinct == json_object_size(j);
}

static bool same_as_jansson(const json_value *v, json_t *j)
{
    switch (v->type) {
    case JSON_NULL: return json_typeof(j) == JANSSON_NULL;
    case JSON_TRUE: return json_typeof(j) == JANSSON_TRUE;
    case JSON_FALSE: return json_typeof(j) == JANSSON_FALSE;
    case JSON_NUMBER: return json_typeof(j) == JANSSON_REAL && strtod(v->str, NULL) == json_real_value(j);
    case JSON_STRING:
        return json_typeof(j) == JANSSON_STRING && json_string_length(j) == v->len &&
               memcmp(json_string_value(j), v->str, v->len) == 0;
    case JSON_ARRAY: {
        if (json_typeof(j) != JANSSON_ARRAY || json_array_size(j) != v->len) return false;
        size_t i = 0;
        for (const json_value *c = v->first; c; c = c->next)
            if (!same_as_jansson(c, json_array_get(j, i++))) return false;
        return true;
    }
    case JSON_OBJECT: return json_typeof(j) == JANSSON_OBJECT && object_same_as_jansson(v, j);
    }
    return false;
}

enum { JANSSON_FLAGS = JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL };

typedef struct {
    int accepted, rejected, intended_differences;
} diff_stats;

/* Documents we accept on purpose and jansson rejects, by jansson's message:
 * numbers beyond double range (1e400; we keep number text) and \u0000 in
 * member names (we keep key_len; jansson supports NUL in values only). */
static bool is_intended_difference(const json_error_t *jerr)
{
    return strstr(jerr->text, "real number overflow") || strstr(jerr->text, "NUL byte in object key");
}

/* Both parsers must agree on accept/reject; accepted documents must decode
 * to the same value, and our serialisation must read back (in jansson too)
 * as that value. */
static void compare_with_jansson(arena *a, const char *text, size_t len, diff_stats *stats)
{
    json_error_t jerr;
    json_value *ours = json_parse(a, text, len, NULL);
    json_t *theirs = json_loadb(text, len, JANSSON_FLAGS, &jerr);
    if (ours && !theirs && is_intended_difference(&jerr)) {
        stats->intended_differences++;
        return;
    }
    if (!ours != !theirs)
        fail_msg("disagreement (ours %s, jansson: %s) on %zu bytes: %.*s", ours ? "accepts" : "rejects",
                 theirs ? "ok" : jerr.text, len, (int)len, text);
    if (!ours) {
        stats->rejected++;
        return;
    }
    stats->accepted++;
    if (!same_as_jansson(ours, theirs)) fail_msg("different values for: %.*s", (int)len, text);

    buf out = BUF_INIT;
    json_write(&out, ours);
    json_value *again = json_parse(a, out.data, out.len, NULL);
    assert_non_null(again);
    assert_true(json_equal(ours, again));
    json_t *theirs_again = json_loadb(out.data, out.len, JANSSON_FLAGS, &jerr);
    if (!theirs_again || !same_as_jansson(ours, theirs_again))
        fail_msg("jansson reads our output differently: %s", out.data);
    json_decref(theirs_again);
    json_decref(theirs);
    buf_free(&out);
}

static void test_differential_jansson(void **state)
{
    arena *a = *state;
    diff_stats stats = {0};
    uint64_t rng = 20240601;
    buf doc = BUF_INIT;
    for (int i = 0; i < 2000; i++) {
        buf_reset(&doc);
        gen_value(&doc, &rng, 0);
        unsigned mutations = pick(&rng, 3) == 0 ? 0 : 1 + pick(&rng, 3);
        for (unsigned m = 0; m < mutations; m++) mutate(&doc, &rng);
        compare_with_jansson(a, doc.data ? doc.data : "", doc.len, &stats);
        arena_reset(a);
    }
    buf_free(&doc);
    for (size_t i = 0; i < sizeof valid_cases / sizeof valid_cases[0]; i++)
        compare_with_jansson(a, valid_cases[i].input, strlen(valid_cases[i].input), &stats);
    for (size_t i = 0; i < sizeof invalid_cases / sizeof invalid_cases[0]; i++)
        compare_with_jansson(a, invalid_cases[i].input, invalid_cases[i].len, &stats);
    print_message("differential: %d accepted, %d rejected, %d intended differences\n", stats.accepted,
                  stats.rejected, stats.intended_differences);
    /* Both branches must be exercised for the comparison to mean anything. */
    assert_true(stats.accepted > 600);
    assert_true(stats.rejected > 600);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid_corpus, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_invalid_corpus, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_error_line_and_column, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_depth_limit, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_numbers_keep_text, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_int64, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_strings_decode, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_get_at_path, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_equal, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_builders, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_set_replaces_in_place, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_remove_fixes_links, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_push_merge_clone, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_write_string_escapes, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_write_string_repairs_utf8, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_write_string_every_offset, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_write_pretty, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_streaming_writer, setup_arena, teardown_arena),
        cmocka_unit_test_setup_teardown(test_differential_jansson, setup_arena, teardown_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
