/* Form decoding (Stripe/Rack nesting), multipart/form-data, body_decode and
 * the percent-encoding helpers. */
#include "testutil.h"

#include <stdio.h>

#include "http/form.h"
#include "http/http.h"

static arena *A;

static int setup(void **state)
{
    A = arena_new(0);
    return 0;
}

static int teardown(void **state)
{
    arena_free(A);
    return 0;
}

static const char *compact(const json_value *v)
{
    return json_to_string(A, v, NULL);
}

static void check_form(const char *input, const char *want)
{
    json_value *v = form_decode(A, input, strlen(input));
    assert_non_null(v);
    assert_string_equal(compact(v), want);
}

static void form_flat(void **state)
{
    check_form("", "{}");
    check_form("a=1", "{\"a\":\"1\"}");
    check_form("a=1&b=two+words&c=%2B%26%3D", "{\"a\":\"1\",\"b\":\"two words\",\"c\":\"+&=\"}");
    check_form("a=1&a=2", "{\"a\":\"2\"}");
    check_form("empty=&novalue&&=x", "{\"empty\":\"\",\"novalue\":\"\"}");
    check_form("k%20ey=v", "{\"k ey\":\"v\"}");
}

static void form_nesting(void **state)
{
    check_form("metadata[k]=v&metadata[x]=y", "{\"metadata\":{\"k\":\"v\",\"x\":\"y\"}}");
    check_form("expand[]=x&expand[]=y", "{\"expand\":[\"x\",\"y\"]}");
    check_form("items[0][price]=p&items[1][price]=q",
               "{\"items\":[{\"price\":\"p\"},{\"price\":\"q\"}]}");
    check_form("items[0][tax_rates][]=t1&items[0][tax_rates][]=t2&items[0][quantity]=2",
               "{\"items\":[{\"tax_rates\":[\"t1\",\"t2\"],\"quantity\":\"2\"}]}");
    check_form("a[b][c][d]=1", "{\"a\":{\"b\":{\"c\":{\"d\":\"1\"}}}}");
    /* brackets arrive percent-encoded from most clients */
    check_form("metadata%5Border_id%5D=6735", "{\"metadata\":{\"order_id\":\"6735\"}}");
}

static void form_sparse_indices(void **state)
{
    check_form("items[5]=five&items[1]=one&items[10]=ten", "{\"items\":[\"one\",\"five\",\"ten\"]}");
    check_form("items[2][a]=x&items[0][a]=y", "{\"items\":[{\"a\":\"y\"},{\"a\":\"x\"}]}");
    /* a non-index key keeps it an object */
    check_form("m[0]=a&m[x]=b", "{\"m\":{\"0\":\"a\",\"x\":\"b\"}}");
}

static void form_malformed_keys(void **state)
{
    check_form("a[b=1", "{\"a[b\":\"1\"}");
    check_form("a]=1", "{\"a]\":\"1\"}");
    check_form("[x]=1", "{\"[x]\":\"1\"}");
    check_form("a[b]c=1", "{\"a[b]c\":\"1\"}");
}

static void form_type_conflicts(void **state)
{
    check_form("a=1&a[b]=2", "{\"a\":{\"b\":\"2\"}}");
    check_form("a[b]=2&a=1", "{\"a\":\"1\"}");
    check_form("a[][x]=1&a[][y]=2&a[][x]=3", "{\"a\":[{\"x\":\"1\",\"y\":\"2\"},{\"x\":\"3\"}]}");
}

static void form_many_keys(void **state)
{
    buf b = BUF_INIT;
    for (int i = 0; i < 20000; i++) buf_printf(&b, "k%d=%d&", i, i);
    buf_puts(&b, "k5=last");
    json_value *v = form_decode(A, b.data, b.len);
    assert_int_equal(v->len, 20000);
    assert_string_equal(json_get_str(v, "k19999"), "19999");
    assert_string_equal(json_get_str(v, "k5"), "last");
    buf_free(&b);
}

#define MP_CT "multipart/form-data; boundary=XyZ"

/* A percent-encoded NUL is data: the decoded string keeps every byte after it. */
static void form_nul_in_values(void **state)
{
    json_value *v = form_decode(A, "a=x%00y&m[k]=%00&b=%00%00z", 26);
    const json_value *a = json_get(v, "a");
    assert_int_equal(a->type, JSON_STRING);
    assert_int_equal(a->len, 3);
    assert_memory_equal(a->str, "x\0y", 3);
    assert_int_equal(json_get(json_get(v, "m"), "k")->len, 1);
    assert_int_equal(json_get(v, "b")->len, 3);
    assert_string_equal(compact(v), "{\"a\":\"x\\u0000y\",\"m\":{\"k\":\"\\u0000\"},\"b\":\"\\u0000\\u0000z\"}");
    /* the same through body_decode, and a NUL inside a multipart field */
    const char *err = NULL;
    v = body_decode(A, "application/x-www-form-urlencoded", "name=a%00b", 10, &err);
    assert_int_equal(json_get(v, "name")->len, 3);
    const char mp[] = "--XyZ\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\na\0b\r\n--XyZ--\r\n";
    v = body_decode(A, MP_CT, mp, sizeof mp - 1, &err);
    assert_int_equal(json_get(v, "n")->len, 3);
    assert_memory_equal(json_get(v, "n")->str, "a\0b", 3);
}


/* The query form keeps NUL-bearing keys and values as sent: handlers read
 * twin_ctx.query as C strings and must not see "abc%00xyz" as "abc". */
static void form_query_keeps_nul_escapes_raw(void **state)
{
    json_value *v = form_decode_query(A, "id=abc%00xyz&m[k]=%00&q=a+b&k%00=1&e=%41", 40);
    assert_string_equal(json_get_str(v, "id"), "abc%00xyz");
    assert_int_equal(json_get(v, "id")->len, 9);
    assert_string_equal(json_get_str(json_get(v, "m"), "k"), "%00");
    assert_string_equal(json_get_str(v, "q"), "a b");
    assert_string_equal(json_get_str(v, "k%00"), "1");
    assert_string_equal(json_get_str(v, "e"), "A");
    assert_null(json_get(v, "k"));
}

static void multipart_basic(void **state)
{
    const char body[] = "preamble\r\n--XyZ\r\n"
                        "Content-Disposition: form-data; name=\"purpose\"\r\n\r\n"
                        "dispute_evidence\r\n"
                        "--XyZ\r\n"
                        "Content-Disposition: form-data; name=\"file\"; filename=\"a;b.txt\"\r\n"
                        "Content-Type: text/plain\r\n\r\n"
                        "line1\r\nline2\r\n"
                        "--XyZ--\r\nepilogue";
    multipart_part *parts;
    size_t n;
    assert_true(multipart_parse(A, MP_CT, body, sizeof body - 1, &parts, &n));
    assert_int_equal(n, 2);
    assert_string_equal(parts[0].name, "purpose");
    assert_null(parts[0].filename);
    assert_null(parts[0].content_type);
    assert_string_equal(parts[0].data, "dispute_evidence");
    assert_string_equal(parts[1].name, "file");
    assert_string_equal(parts[1].filename, "a;b.txt");
    assert_string_equal(parts[1].content_type, "text/plain");
    assert_int_equal(parts[1].len, 12);
    assert_memory_equal(parts[1].data, "line1\r\nline2", 12);
}

static void multipart_variants(void **state)
{
    const char body[] = "--b q\r\n"
                        "content-disposition: form-data; name=\"f\"; filename=\"x.bin\"; "
                        "filename*=UTF-8''%C3%A9t%C3%A9.txt\r\n\r\n"
                        "\0\1\2\r\n"
                        "--b q\r\n\r\nno headers\r\n--b q--";
    multipart_part *parts;
    size_t n;
    assert_true(multipart_parse(A, "multipart/form-data; charset=utf-8; boundary=\"b q\"", body,
                                sizeof body - 1, &parts, &n));
    assert_int_equal(n, 2);
    assert_string_equal(parts[0].filename, "\xc3\xa9t\xc3\xa9.txt");
    assert_int_equal(parts[0].len, 3);
    assert_memory_equal(parts[0].data, "\0\1\2", 3);
    assert_string_equal(parts[1].name, "");
    assert_string_equal(parts[1].data, "no headers");
}

static void multipart_malformed(void **state)
{
    multipart_part *parts;
    size_t n;
    const char unterminated[] = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue";
    assert_false(multipart_parse(A, MP_CT, unterminated, sizeof unterminated - 1, &parts, &n));
    assert_false(multipart_parse(A, "multipart/form-data", "--x--", 5, &parts, &n));
    assert_false(multipart_parse(A, NULL, "--x--", 5, &parts, &n));
    assert_false(multipart_parse(A, MP_CT, "no delimiter here", 17, &parts, &n));
    assert_false(multipart_parse(A, MP_CT, "--XyZjunk", 9, &parts, &n));
    assert_true(multipart_parse(A, MP_CT, "--XyZ--", 7, &parts, &n));
    assert_int_equal(n, 0);
    buf b = BUF_INIT;
    for (int i = 0; i < 1025; i++) buf_puts(&b, "--XyZ\r\n\r\nx\r\n");
    buf_puts(&b, "--XyZ--");
    assert_false(multipart_parse(A, MP_CT, b.data, b.len, &parts, &n));
    buf_free(&b);
}

static void body_decoding(void **state)
{
    const char *err = "unset";
    json_value *v = body_decode(A, "application/json; charset=utf-8", "{\"a\":[1,2]}", 11, &err);
    assert_non_null(v);
    assert_null(err);
    assert_string_equal(compact(v), "{\"a\":[1,2]}");
    assert_null(body_decode(A, "application/json", "{bad", 4, &err));
    assert_non_null(err);
    v = body_decode(A, "application/x-www-form-urlencoded", "a[b]=1", 6, &err);
    assert_string_equal(compact(v), "{\"a\":{\"b\":\"1\"}}");
    v = body_decode(A, "application/merge-patch+json", "[1]", 3, &err);
    assert_string_equal(compact(v), "[1]");
    v = body_decode(A, NULL, "", 0, &err);
    assert_string_equal(compact(v), "{}");
    v = body_decode(A, NULL, " {\"x\":1}", 8, &err);
    assert_string_equal(compact(v), "{\"x\":1}");
    v = body_decode(A, "text/plain", "x=1", 3, &err);
    assert_string_equal(compact(v), "{\"x\":\"1\"}");
    const char mp[] = "--XyZ\r\nContent-Disposition: form-data; name=\"meta[k]\"\r\n\r\nv\r\n"
                      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\ndata\r\n"
                      "--XyZ--\r\n";
    v = body_decode(A, MP_CT, mp, sizeof mp - 1, &err);
    assert_string_equal(compact(v), "{\"meta\":{\"k\":\"v\"}}");
    assert_null(body_decode(A, MP_CT, "junk", 4, &err));
    assert_string_equal(err, "invalid multipart body");
}

static void media_types(void **state)
{
    assert_true(media_type_is("application/json", "application/json"));
    assert_true(media_type_is("Application/JSON; charset=utf-8", "application/json"));
    assert_true(media_type_is("  application/octet-stream ;x=y", "application/octet-stream"));
    assert_false(media_type_is("application/jsonx", "application/json"));
    assert_false(media_type_is("application/js", "application/json"));
    assert_false(media_type_is("text/plain; charset=dropbox-cors-hack", "application/json"));
    assert_false(media_type_is("", "application/json"));
    assert_false(media_type_is(NULL, "application/json"));
}

static void percent_helpers(void **state)
{
    size_t n;
    char *d = http_percent_decode(A, "a%20b+c%2x%", 11, true, &n);
    assert_string_equal(d, "a b c%2x%");
    assert_int_equal(n, 9);
    d = http_percent_decode(A, "a+b%00c", 7, false, &n);
    assert_int_equal(n, 5);
    assert_memory_equal(d, "a+b\0c", 5);
    assert_string_equal(http_percent_encode(A, "a b/~é", 7), "a%20b%2F~%C3%A9");
    assert_string_equal(http_percent_encode(A, "", 0), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(form_flat),           cmocka_unit_test(form_nesting),
        cmocka_unit_test(form_sparse_indices), cmocka_unit_test(form_malformed_keys),
        cmocka_unit_test(form_type_conflicts), cmocka_unit_test(form_many_keys),
        cmocka_unit_test(multipart_basic),     cmocka_unit_test(multipart_variants),
        cmocka_unit_test(multipart_malformed), cmocka_unit_test(body_decoding),
        cmocka_unit_test(media_types),         cmocka_unit_test(percent_helpers),
        cmocka_unit_test(form_nul_in_values), cmocka_unit_test(form_query_keeps_nul_escapes_raw),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
