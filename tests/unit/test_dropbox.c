/* Dropbox twin helpers: the block-wise content hash and path normalisation. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(content_hash_of_empty_and_small_files),
        cmocka_unit_test(content_hash_splits_4_mib_blocks),
        cmocka_unit_test(paths_normalise_or_are_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
