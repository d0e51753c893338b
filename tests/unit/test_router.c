/* Router: literal vs parameter priority, catch-alls, affixed parameters,
 * methods, backtracking and a GitHub-sized route table. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "http/router.h"

static int tag[64];

static route_result match(router *r, arena *a, const char *method, const char *path, route_match *m)
{
    return router_match(r, a, method, path, m);
}

static void literal_beats_param(void **state)
{
    router *r = router_new();
    arena *a = arena_new(0);
    assert_true(router_add(r, "GET", "/v1/customers/{customer}", &tag[0]));
    assert_true(router_add(r, "GET", "/v1/customers/search", &tag[1]));
    route_match m;
    assert_int_equal(match(r, a, "GET", "/v1/customers/search", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[1]);
    assert_int_equal(m.n_params, 0);
    assert_int_equal(match(r, a, "GET", "/v1/customers/cus_123", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[0]);
    assert_string_equal(route_param_get(&m, "customer"), "cus_123");
    assert_string_equal(m.template_path, "/v1/customers/{customer}");
    assert_string_equal(m.method, "GET");
    assert_null(route_param_get(&m, "nope"));
    arena_free(a);
    router_free(r);
}

static void params_are_decoded(void **state)
{
    router *r = router_new();
    arena *a = arena_new(0);
    assert_true(router_add(r, "GET", "/repos/{owner}/{repo}/issues/{number}", &tag[0]));
    route_match m;
    assert_int_equal(match(r, a, "GET", "/repos/my%20org/re%2Fpo/issues/7", &m), ROUTE_FOUND);
    assert_int_equal(m.n_params, 3);
    assert_string_equal(m.params[0].name, "owner");
    assert_string_equal(m.params[0].value, "my org");
    assert_string_equal(m.params[1].value, "re/po");
    assert_string_equal(m.params[2].value, "7");
    /* '+' is not a space in a path */
    assert_int_equal(match(r, a, "GET", "/repos/a+b/x/issues/1", &m), ROUTE_FOUND);
    assert_string_equal(m.params[0].value, "a+b");
    /* decoded once: "%2540" is the three characters "%40", not "@" */
    assert_int_equal(match(r, a, "GET", "/repos/%2540/x/issues/1", &m), ROUTE_FOUND);
    assert_string_equal(m.params[0].value, "%40");
    arena_free(a);
    router_free(r);
}

/* Literal segments are compared decoded: @discordjs/rest sends "/users/%40me". */
static void literals_match_decoded(void **state)
{
    router *r = router_new();
    arena *a = arena_new(0);
    assert_true(router_add(r, "GET", "/users/@me", &tag[0]));
    assert_true(router_add(r, "GET", "/users/{user_id}", &tag[1]));
    assert_true(router_add(r, "PUT", "/channels/{id}/thread-members/@me", &tag[2]));
    assert_true(router_add(r, "POST", "/files/{fileId}:copy", &tag[3]));
    route_match m;
    assert_int_equal(match(r, a, "GET", "/users/%40me", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[0]);
    assert_int_equal(match(r, a, "GET", "/users/%40Me", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[1]);
    assert_string_equal(route_param_get(&m, "user_id"), "@Me");
    /* every byte may be escaped, in either hex case */
    assert_int_equal(match(r, a, "GET", "/%75sers/%40%6d%65", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[0]);
    assert_int_equal(match(r, a, "PUT", "/channels/1/thread-members/%40me", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[2]);
    assert_string_equal(route_param_get(&m, "id"), "1");
    /* an affix may arrive encoded too ("%3A" is ':') */
    assert_int_equal(match(r, a, "POST", "/files/abc%3Acopy", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[3]);
    assert_string_equal(route_param_get(&m, "fileId"), "abc");
    /* a literal template escape is not decoded, so it matches nothing */
    assert_true(router_add(r, "GET", "/raw/%40me", &tag[4]));
    assert_int_equal(match(r, a, "GET", "/raw/%40me", &m), ROUTE_NOT_FOUND);
    arena_free(a);
    router_free(r);
}

/* "%2F" is split on before decoding: it stays inside its segment. */
static void encoded_slash_stays_in_segment(void **state)
{
    router *r = router_new();
    arena *a = arena_new(0);
    assert_true(router_add(r, "GET", "/files/{path}", &tag[0]));
    assert_true(router_add(r, "GET", "/files/{dir}/{name}", &tag[1]));
    assert_true(router_add(r, "GET", "/files/a/b", &tag[2]));
    assert_true(router_add(r, "GET", "/raw/{path+}", &tag[3]));
    route_match m;
    assert_int_equal(match(r, a, "GET", "/files/a%2Fb", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[0]);
    assert_string_equal(route_param_get(&m, "path"), "a/b");
    assert_int_equal(match(r, a, "GET", "/files/a%2fb/c%2Fd", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[1]);
    assert_string_equal(route_param_get(&m, "dir"), "a/b");
    assert_string_equal(route_param_get(&m, "name"), "c/d");
    assert_int_equal(match(r, a, "GET", "/files/a/b", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[2]);
    /* a catch-all takes the rest decoded, its '/'s whatever their form */
    assert_int_equal(match(r, a, "GET", "/raw/x%2Fy/z%20w", &m), ROUTE_FOUND);
    assert_string_equal(route_param_get(&m, "path"), "x/y/z w");
    arena_free(a);
    router_free(r);
}

/* Invalid escapes match as written; a NUL escape matches nothing. */
static void malformed_and_nul_escapes(void **state)
{
    router *r = router_new();
    arena *a = arena_new(0);
    assert_true(router_add(r, "GET", "/items/{id}", &tag[0]));
    assert_true(router_add(r, "GET", "/items/{id}/sub", &tag[1]));
    assert_true(router_add(r, "GET", "/lit/%zz", &tag[2]));
    assert_true(router_add(r, "GET", "/raw/{path+}", &tag[3]));
    route_match m;
    assert_int_equal(match(r, a, "GET", "/items/%zz", &m), ROUTE_FOUND);
    assert_string_equal(route_param_get(&m, "id"), "%zz");
    assert_int_equal(match(r, a, "GET", "/items/ab%4", &m), ROUTE_FOUND);
    assert_string_equal(route_param_get(&m, "id"), "ab%4");
    assert_int_equal(match(r, a, "GET", "/items/%", &m), ROUTE_FOUND);
    assert_string_equal(route_param_get(&m, "id"), "%");
    assert_int_equal(match(r, a, "GET", "/items/%4/sub", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[1]);
    assert_string_equal(route_param_get(&m, "id"), "%4");
    assert_int_equal(match(r, a, "GET", "/items/%%41", &m), ROUTE_FOUND);
    assert_string_equal(route_param_get(&m, "id"), "%A");
    assert_int_equal(match(r, a, "GET", "/lit/%zz", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[2]);
    /* "abc%00xyz" must not reach a handler as "abc" */
    assert_int_equal(match(r, a, "GET", "/items/abc%00xyz", &m), ROUTE_NOT_FOUND);
    assert_int_equal(match(r, a, "GET", "/items/%00", &m), ROUTE_NOT_FOUND);
    assert_int_equal(match(r, a, "GET", "/items/x/%00", &m), ROUTE_NOT_FOUND);
    assert_int_equal(match(r, a, "GET", "/raw/a/b%00", &m), ROUTE_NOT_FOUND);
    /* while "%2500" is the text "%00" */
    assert_int_equal(match(r, a, "GET", "/items/abc%2500xyz", &m), ROUTE_FOUND);
    assert_string_equal(route_param_get(&m, "id"), "abc%00xyz");
    arena_free(a);
    router_free(r);
}

static void catch_all(void **state)
{
    router *r = router_new();
    arena *a = arena_new(0);
    assert_true(router_add(r, "GET", "/repos/{owner}/{repo}/contents/{path+}", &tag[0]));
    assert_true(router_add(r, "GET", "/upload/{+rest}", &tag[1]));
    route_match m;
    assert_int_equal(match(r, a, "GET", "/repos/o/r/contents/src/dir/file.c", &m), ROUTE_FOUND);
    assert_string_equal(route_param_get(&m, "path"), "src/dir/file.c");
    assert_int_equal(match(r, a, "GET", "/repos/o/r/contents/", &m), ROUTE_FOUND);
    assert_string_equal(route_param_get(&m, "path"), "");
    assert_int_equal(match(r, a, "GET", "/repos/o/r/contents", &m), ROUTE_NOT_FOUND);
    assert_int_equal(match(r, a, "GET", "/upload/a/b%20c", &m), ROUTE_FOUND);
    assert_string_equal(route_param_get(&m, "rest"), "a/b c");
    arena_free(a);
    router_free(r);
}

static void affixed_params(void **state)
{
    router *r = router_new();
    arena *a = arena_new(0);
    assert_true(router_add(r, "POST", "/drive/v3/files/{fileId}:copy", &tag[0]));
    assert_true(router_add(r, "GET", "/drive/v3/files/{fileId}", &tag[1]));
    assert_true(router_add(r, "GET", "/users/{name}.json", &tag[2]));
    assert_true(router_add(r, "GET", "/users/{name}", &tag[3]));
    assert_true(router_add(r, "GET", "/v/v{version}", &tag[4]));
    route_match m;
    assert_int_equal(match(r, a, "POST", "/drive/v3/files/abc:copy", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[0]);
    assert_string_equal(route_param_get(&m, "fileId"), "abc");
    assert_int_equal(match(r, a, "GET", "/drive/v3/files/abc", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[1]);
    /* The affixed branch exists for POST only; GET falls back to {fileId}. */
    assert_int_equal(match(r, a, "GET", "/drive/v3/files/abc:copy", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[1]);
    assert_string_equal(route_param_get(&m, "fileId"), "abc:copy");
    assert_int_equal(match(r, a, "GET", "/users/bob.json", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[2]);
    assert_string_equal(route_param_get(&m, "name"), "bob");
    /* an empty value does not satisfy {name}.json */
    assert_int_equal(match(r, a, "GET", "/users/.json", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[3]);
    assert_int_equal(match(r, a, "GET", "/v/v2", &m), ROUTE_FOUND);
    assert_string_equal(route_param_get(&m, "version"), "2");
    arena_free(a);
    router_free(r);
}

static void methods(void **state)
{
    router *r = router_new();
    arena *a = arena_new(0);
    assert_true(router_add(r, "GET", "/things/{id}", &tag[0]));
    assert_true(router_add(r, "DELETE", "/things/{id}", &tag[1]));
    assert_true(router_add(r, "*", "/any", &tag[2]));
    assert_true(router_add(r, "GET", "/any", &tag[3]));
    assert_false(router_add(r, "GET", "/things/{id}", &tag[4]));
    assert_false(router_add(r, "GET", "/things/{other}", &tag[4]));
    assert_int_equal(router_count(r), 4);
    route_match m;
    assert_int_equal(match(r, a, "DELETE", "/things/1", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[1]);
    assert_int_equal(match(r, a, "PATCH", "/things/1", &m), ROUTE_METHOD_NOT_ALLOWED);
    assert_int_equal(match(r, a, "GET", "/things", &m), ROUTE_NOT_FOUND);
    assert_int_equal(match(r, a, "GET", "/any", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[3]);
    assert_int_equal(match(r, a, "PUT", "/any", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[2]);
    assert_int_equal(match(r, a, "GET", "no-slash", &m), ROUTE_NOT_FOUND);
    arena_free(a);
    router_free(r);
}

static void backtracking(void **state)
{
    router *r = router_new();
    arena *a = arena_new(0);
    assert_true(router_add(r, "GET", "/users/me/settings", &tag[0]));
    assert_true(router_add(r, "GET", "/users/{id}/posts", &tag[1]));
    assert_true(router_add(r, "GET", "/a/{x}/c/{y}", &tag[2]));
    assert_true(router_add(r, "GET", "/a/b/{z}/d", &tag[3]));
    route_match m;
    assert_int_equal(match(r, a, "GET", "/users/me/posts", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[1]);
    assert_string_equal(route_param_get(&m, "id"), "me");
    assert_int_equal(match(r, a, "GET", "/users/me/settings", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[0]);
    assert_int_equal(match(r, a, "GET", "/a/b/c/e", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[2]);
    assert_string_equal(route_param_get(&m, "x"), "b");
    assert_string_equal(route_param_get(&m, "y"), "e");
    assert_int_equal(m.n_params, 2);
    assert_int_equal(match(r, a, "GET", "/a/b/c/d", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[3]);
    assert_string_equal(route_param_get(&m, "z"), "c");
    arena_free(a);
    router_free(r);
}

static void edge_templates(void **state)
{
    router *r = router_new();
    arena *a = arena_new(0);
    assert_false(router_add(r, "GET", "no/slash", NULL));
    assert_false(router_add(r, "GET", "/a/{unclosed", NULL));
    assert_false(router_add(r, "GET", "/a/{}", NULL));
    assert_false(router_add(r, "GET", "/a/{x}{y}", NULL));
    assert_false(router_add(r, "GET", "/a/{rest+}/more", NULL));
    assert_false(router_add(r, "GET", "/a/pre{rest+}", NULL));
    assert_false(router_add(r, "GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}/{j}/{k}/{l}/{m}/{n}/{o}/{p}/{q}", NULL));
    assert_true(router_add(r, "GET", "/", &tag[0]));
    assert_true(router_add(r, "GET", "/a/", &tag[1]));
    assert_true(router_add(r, "GET", "/a", &tag[2]));
    assert_int_equal(router_count(r), 3);
    route_match m;
    assert_int_equal(match(r, a, "GET", "/", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[0]);
    assert_int_equal(match(r, a, "GET", "/a/", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[1]);
    assert_int_equal(match(r, a, "GET", "/a", &m), ROUTE_FOUND);
    assert_ptr_equal(m.data, &tag[2]);
    assert_int_equal(match(r, a, "GET", "//", &m), ROUTE_NOT_FOUND);
    arena_free(a);
    router_free(r);
}

/* ~1,200 GitHub-shaped templates: all must match themselves, quickly. */
static void large_table(void **state)
{
    static const char *tails[] = {"", "/issues", "/issues/{issue_number}", "/pulls", "/pulls/{pull_number}",
                                  "/pulls/{pull_number}/files", "/contents/{path+}", "/branches/{branch}",
                                  "/hooks", "/hooks/{hook_id}/pings", "/releases/{release_id}/assets",
                                  "/git/refs/{ref+}"};
    router *r = router_new();
    arena *a = arena_new(0);
    char tmpl[256], path[256];
    size_t n_tails = sizeof tails / sizeof *tails;
    for (int i = 0; i < 100; i++)
        for (size_t t = 0; t < n_tails; t++) {
            snprintf(tmpl, sizeof tmpl, "/section%d/{owner}/{repo}%s", i, tails[t]);
            assert_true(router_add(r, "GET", tmpl, &tag[t]));
        }
    assert_int_equal(router_count(r), 100 * n_tails);
    route_match m;
    for (int round = 0; round < 100; round++)
        for (int i = 0; i < 100; i++) {
            snprintf(path, sizeof path, "/section%d/octo/hello/pulls/42/files", i);
            assert_int_equal(match(r, a, "GET", path, &m), ROUTE_FOUND);
            assert_ptr_equal(m.data, &tag[5]);
            assert_string_equal(route_param_get(&m, "pull_number"), "42");
            arena_reset(a);
        }
    assert_int_equal(match(r, a, "GET", "/section7/o/r/git/refs/heads/main", &m), ROUTE_FOUND);
    assert_string_equal(route_param_get(&m, "ref"), "heads/main");
    assert_int_equal(match(r, a, "GET", "/section100/o/r", &m), ROUTE_NOT_FOUND);
    arena_free(a);
    router_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(literal_beats_param), cmocka_unit_test(params_are_decoded),
        cmocka_unit_test(catch_all),           cmocka_unit_test(affixed_params),
        cmocka_unit_test(methods),             cmocka_unit_test(backtracking),
        cmocka_unit_test(edge_templates),      cmocka_unit_test(large_table),
        cmocka_unit_test(literals_match_decoded), cmocka_unit_test(encoded_slash_stays_in_segment),
        cmocka_unit_test(malformed_and_nul_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
