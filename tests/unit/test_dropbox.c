/* Dropbox twin helpers: the block-wise content hash, path normalisation and
 * the Range header of content downloads, shared folder ids and member emails,
 * and the offset pager every listing pages with. */
#include "testutil.h"

#include <stdlib.h>

#include "twins/dropbox/dropbox.h"

static void content_hash_of_empty_and_small_files(void **state)
{
    char out[65];
    /* No blocks: SHA-256 of the empty concatenation (the Stone example value). */
    dbx_content_hash("", 0, out);
    assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* One block: SHA-256(SHA-256("hello world")). */
    dbx_content_hash("hello world", 11, out);
    assert_string_equal(out, "bc62d4b80d9e36da29c16c5d4d9f11731f36052c72401a76c23c0fb5a9b74423");
}

static void content_hash_splits_4_mib_blocks(void **state)
{
    size_t n = 4 * 1024 * 1024 + 1;
    char *data = calloc(1, n);
    assert_non_null(data);
    char whole[65], first[65];
    dbx_content_hash(data, n, whole);
    dbx_content_hash(data, n - 1, first);
    /* A second block changes the hash even though it is a single zero byte. */
    assert_string_not_equal(whole, first);
    free(data);
}

static void paths_normalise_or_are_malformed(void **state)
{
    arena *a = arena_new(0);
    const char *d, *l;
    assert_int_equal(dbx_norm_path(a, "", &d, &l), DBX_PATH_ROOT);
    assert_int_equal(dbx_norm_path(a, "/", &d, &l), DBX_PATH_ROOT);
    assert_int_equal(dbx_norm_path(a, "/Docs/Hello.TXT", &d, &l), DBX_PATH_OK);
    assert_string_equal(d, "/Docs/Hello.TXT");
    assert_string_equal(l, "/docs/hello.txt");
    static const char *const bad[] = {"docs", "/a//b", "/a/", "/a/./b", "/a/../b", NULL};
    for (size_t i = 0; bad[i]; i++) assert_int_equal(dbx_norm_path(a, bad[i], &d, &l), DBX_PATH_MALFORMED);
    assert_string_equal(dbx_parent_of(a, "/a/b/c"), "/a/b");
    assert_string_equal(dbx_parent_of(a, "/a"), "");
    assert_string_equal(dbx_base_name("/a/b/c.txt"), "c.txt");
    assert_true(dbx_path_within("/a/b", "/a"));
    assert_true(dbx_path_within("/a", "/a"));
    assert_false(dbx_path_within("/ab", "/a"));
    assert_true(dbx_path_within("/x", ""));
    arena_free(a);
}

static void range(const char *h, size_t len, dbx_range want, size_t want_lo, size_t want_hi)
{
    size_t lo = 99, hi = 99;
    assert_int_equal(dbx_byte_range(h, len, &lo, &hi), want);
    if (want != DBX_RANGE_OK) return;
    assert_int_equal(lo, want_lo);
    assert_int_equal(hi, want_hi);
}

static void byte_ranges_of_a_ten_byte_body(void **state)
{
    range("bytes=2-5", 10, DBX_RANGE_OK, 2, 5);
    range("bytes=7-", 10, DBX_RANGE_OK, 7, 9);
    range("bytes=-3", 10, DBX_RANGE_OK, 7, 9);
    range("bytes=-30", 10, DBX_RANGE_OK, 0, 9);          /* suffix longer than the body */
    range("bytes=4-100", 10, DBX_RANGE_OK, 4, 9);        /* end clipped */
    range("Bytes=0-0", 10, DBX_RANGE_OK, 0, 0);          /* the unit is case-insensitive */
    range("bytes=9-99999999999999999999999", 10, DBX_RANGE_OK, 9, 9);
    range("bytes=10-", 10, DBX_RANGE_UNSATISFIABLE, 0, 0);
    range("bytes=10-12", 10, DBX_RANGE_UNSATISFIABLE, 0, 0);
    range("bytes=-0", 10, DBX_RANGE_UNSATISFIABLE, 0, 0);
    range("bytes=0-", 0, DBX_RANGE_UNSATISFIABLE, 0, 0); /* an empty body has no byte 0 */
    range("bytes=-1", 0, DBX_RANGE_UNSATISFIABLE, 0, 0);
    /* Not one well-formed range: ignored, the whole body goes out. */
    static const char *const ignored[] = {NULL, "", "bytes=", "bytes=-", "bytes=5-2", "bytes=0-1,4-5", "bytes=a-b",
                                          "items=0-1", "bytes=1-2x", "bytes=--1", NULL};
    range(NULL, 10, DBX_RANGE_NONE, 0, 0);
    for (size_t i = 1; ignored[i]; i++) range(ignored[i], 10, DBX_RANGE_NONE, 0, 0);
}

static void shared_folder_ids_and_member_emails(void **state)
{
    assert_true(dbx_valid_shared_folder_id("84528192421"));
    assert_true(dbx_valid_shared_folder_id("ns:12_a-B"));
    assert_false(dbx_valid_shared_folder_id(""));
    assert_false(dbx_valid_shared_folder_id("has space"));
    assert_false(dbx_valid_shared_folder_id("a/b"));
    assert_true(dbx_valid_email("grace@example.com"));
    assert_true(dbx_valid_email("a.b+c@sub.example.org"));
    static const char *const bad[] = {"", "plain", "@example.com", "a@", "a@example", "a@.com", "a@b.com.",
                                      "a b@example.com", "a@b@example.com", NULL};
    for (size_t i = 0; bad[i]; i++) assert_false(dbx_valid_email(bad[i]));
}

/* The page [offset, offset+limit) of the list [0..n) (of no list when n < 0). */
static void expect_page(int n, int64_t offset, int64_t limit, const char *want, bool want_more)
{
    arena *a = arena_new(0);
    json_value *items = n < 0 ? NULL : json_array(a);
    for (int i = 0; i < n; i++) json_push(items, json_int(a, i));
    bool more = !want_more;
    assert_string_equal(json_to_string(a, dbx_page(a, items, offset, limit, &more), NULL), want);
    assert_int_equal(more, want_more);
    arena_free(a);
}

static void pages_slice_by_offset_and_limit(void **state)
{
    expect_page(5, 0, 2, "[0,1]", true);
    expect_page(5, 2, 2, "[2,3]", true);
    expect_page(5, 4, 2, "[4]", false);
    expect_page(4, 2, 2, "[2,3]", false);   /* a page that ends at the end has nothing after it */
    expect_page(3, 7, 2, "[]", false);
    expect_page(0, 0, 5, "[]", false);
    expect_page(-1, 0, 5, "[]", false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(content_hash_of_empty_and_small_files),
        cmocka_unit_test(content_hash_splits_4_mib_blocks),
        cmocka_unit_test(paths_normalise_or_are_malformed),
        cmocka_unit_test(byte_ranges_of_a_ten_byte_body),
        cmocka_unit_test(shared_folder_ids_and_member_emails),
        cmocka_unit_test(pages_slice_by_offset_and_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
