/* Jira twin: JQL clauses on issue entity properties
 * (issue.property[key].path): how references parse, the errors malformed
 * ones get, and which issues (as stored JSON) each operator matches. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "twins/jira/jira.h"
#include "util/util.h"

typedef struct jql_fixture {
    store *st;
    arena *a;
    twin_ctx ctx;
} jql_fixture;

static int setup(void **state)
{
    jql_fixture *f = calloc(1, sizeof *f);
    char *err = NULL;
    f->st = store_open_memory(&err);
    assert_non_null(f->st);
    f->a = arena_new(0);
    f->ctx = (twin_ctx){.a = f->a, .store = f->st, .run_id = "run1", .twin = "jira", .def = twin_find("jira"),
                        .seeding = true, .config = json_object(f->a)};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    jql_fixture *f = *state;
    arena_free(f->a);
    store_close(f->st);
    free(f);
    return 0;
}

static json_value *issue_with(jql_fixture *f, const char *properties_json)
{
    const char *doc = arena_printf(f->a, "{\"id\":\"1\",\"key\":\"P-1\",\"properties\":%s}", properties_json);
    json_value *v = json_parse(f->a, doc, strlen(doc), NULL);
    assert_non_null(v);
    return v;
}

static bool matches(jql_fixture *f, const char *text, const json_value *issue)
{
    const char *err = NULL;
    jql *q = jql_parse(&f->ctx, text, &err);
    if (!q) fail_msg("%s: %s", text, err);
    return jql_match(&f->ctx, q, issue);
}

static const char *parse_error(jql_fixture *f, const char *text)
{
    const char *err = NULL;
    jql *q = jql_parse(&f->ctx, text, &err);
    assert_null(q);
    assert_non_null(err);
    return err;
}

static void malformed_references_get_parse_errors(void **state)
{
    jql_fixture *f = *state;
    assert_string_equal(parse_error(f, "issue.property[support.level = gold"),
                        "Error in the JQL Query: Expecting ']' but got '='. (line 1, character 30)");
    assert_string_equal(parse_error(f, "issue.property[].level = gold"),
                        "Error in the JQL Query: Expecting a property key but got ']'. (line 1, character 16)");
    assert_non_null(strstr(parse_error(f, "issue.property[a]b = 1"), "Expecting a property path"));
    assert_non_null(strstr(parse_error(f, "issue.property[a]. = 1"), "Expecting a property path"));
    assert_non_null(strstr(parse_error(f, "issue.property[a].x..y = 1"), "Expecting a property path"));
    assert_string_equal(parse_error(f, "issue.property[a].x > 1 ORDER BY issue.property[a"),
                        "Error in the JQL Query: Expecting ']' but got the end of the query. (line 1, character 50)");
}

static void operators_compare_the_value_at_the_path(void **state)
{
    jql_fixture *f = *state;
    json_value *is = issue_with(f, "{\"support\":{\"level\":\"gold\",\"tier\":{\"rank\":3},\"tags\":[\"a\",\"b\"],"
                                   "\"note\":\"Flaky login test\",\"due\":\"2026-01-10\",\"vip\":true}}");
    assert_true(matches(f, "issue.property[support].level = gold", is));
    assert_false(matches(f, "issue.property[support].level = GOLD", is));
    assert_false(matches(f, "issue.property[support].level != gold", is));
    assert_true(matches(f, "issue.property[support].level in (silver, gold)", is));
    assert_true(matches(f, "issue.property[support].tier.rank = 3.0", is));
    assert_true(matches(f, "issue.property[support].tier.rank > 2 and issue.property[support].tier.rank <= 3", is));
    assert_false(matches(f, "issue.property[support].tier.rank < 3", is));
    assert_true(matches(f, "issue.property[support].tags = b", is));
    assert_true(matches(f, "issue.property[support].tags not in (c)", is));
    assert_true(matches(f, "issue.property[support].note ~ \"login flaky\"", is));
    assert_false(matches(f, "issue.property[support].note ~ stable", is));
    assert_true(matches(f, "issue.property[support].due > \"2025-12-31\"", is));
    assert_true(matches(f, "issue.property[support].vip = true", is));
    assert_true(matches(f, "issue.property[support].level is not empty", is));
    assert_true(matches(f, "issue.property[support].missing is empty", is));
    assert_true(matches(f, "issue.property[other].x is empty", is));
    /* a string is not ordered against a number */
    assert_false(matches(f, "issue.property[support].level > 1", is));
}

static void absent_values_never_match_negations(void **state)
{
    jql_fixture *f = *state;
    json_value *bare = issue_with(f, "{}");
    assert_false(matches(f, "issue.property[support].level != gold", bare));
    assert_false(matches(f, "issue.property[support].level not in (gold)", bare));
    assert_false(matches(f, "issue.property[support].level !~ gold", bare));
    assert_true(matches(f, "issue.property[support].level = EMPTY", bare));
    assert_true(matches(f, "NOT issue.property[support].level = gold", bare));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(malformed_references_get_parse_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(operators_compare_the_value_at_the_path, setup, teardown),
        cmocka_unit_test_setup_teardown(absent_values_never_match_negations, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
