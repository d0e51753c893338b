/* Scope sets: parsing, hierarchical expansion, disabled scopes, wildcard. */
#include "testutil.h"

#include "engine/scopes.h"

static const char *const repo_children[] = {"repo:status", "repo_deployment", "public_repo", "repo:invite",
                                            "security_events", NULL};
static const char *const admin_hook_children[] = {"write:repo_hook", NULL};
static const char *const write_hook_children[] = {"read:repo_hook", NULL};
static const scope_rule rules[] = {
    {"repo", repo_children}, {"admin:repo_hook", admin_hook_children}, {"write:repo_hook", write_hook_children}};

static void parse_and_join(void **state)
{
    arena *a = arena_new(0);
    scope_set *s = scopes_parse(a, " repo, read:user  gist,repo");
    assert_int_equal(s->n, 3);
    assert_string_equal(scopes_join(a, s, ","), "repo,read:user,gist");
    assert_int_equal(scopes_parse(a, "")->n, 0);
    assert_int_equal(scopes_parse(a, NULL)->n, 0);
    arena_free(a);
}

static void parents_grant_children_transitively(void **state)
{
    arena *a = arena_new(0);
    scope_set *s = scopes_parse(a, "repo admin:repo_hook");
    scopes_expand(a, s, rules, 3);
    assert_true(scopes_has(s, "public_repo"));
    assert_true(scopes_has(s, "security_events"));
    assert_true(scopes_has(s, "write:repo_hook"));
    assert_true(scopes_has(s, "read:repo_hook"));
    assert_false(scopes_has(s, "read:user"));
    arena_free(a);
}

static void disabled_scopes_win_over_parents(void **state)
{
    arena *a = arena_new(0);
    scope_set *s = scopes_parse(a, "repo");
    scopes_expand(a, s, rules, 3);
    json_value *disabled = json_parse(a, "[\"public_repo\",\"nope\"]", 22, NULL);
    scopes_disable(s, disabled);
    assert_false(scopes_has(s, "public_repo"));
    assert_true(scopes_has(s, "repo"));
    const char *const accepted[] = {"public_repo", "repo:status", NULL};
    assert_true(scopes_has_any(s, accepted));
    arena_free(a);
}

static void effective_drops_disabled_before_and_after_expansion(void **state)
{
    arena *a = arena_new(0);
    /* A disabled parent grants nothing of its own... */
    scope_set *s = scopes_parse(a, "admin:repo_hook read:user");
    const char *dtext = "[\"admin:repo_hook\",\"read:repo_hook\"]";
    json_value *disabled = json_parse(a, dtext, strlen(dtext), NULL);
    scopes_effective(a, s, rules, 3, disabled);
    assert_false(scopes_has(s, "admin:repo_hook"));
    assert_false(scopes_has(s, "write:repo_hook"));
    assert_false(scopes_has(s, "read:repo_hook"));
    assert_true(scopes_has(s, "read:user"));
    /* ...and a disabled child is removed even when its parent is granted. */
    s = scopes_parse(a, "write:repo_hook");
    scopes_effective(a, s, rules, 3, disabled);
    assert_true(scopes_has(s, "write:repo_hook"));
    assert_false(scopes_has(s, "read:repo_hook"));
    /* No disabled list: plain expansion. */
    s = scopes_parse(a, "repo");
    scopes_effective(a, s, rules, 3, NULL);
    assert_true(scopes_has(s, "public_repo"));
    arena_free(a);
}

static void wildcard_and_json(void **state)
{
    arena *a = arena_new(0);
    scope_set *s = scopes_from_json(a, json_parse(a, "[\"*\"]", 5, NULL));
    assert_true(scopes_has(s, "chat:write"));
    s = scopes_from_json(a, json_parse(a, "\"a,b\"", 5, NULL));
    assert_int_equal(s->n, 2);
    s = scopes_from_json(a, NULL);
    assert_false(scopes_has(s, "a"));
    arena_free(a);
}

static void ancestors_follow_rules_upwards(void **state)
{
    arena *a = arena_new(0);
    /* read:repo_hook <- write:repo_hook <- admin:repo_hook, transitively */
    assert_string_equal(scopes_join(a, scopes_ancestors(a, "read:repo_hook", rules, 3), ", "),
                        "read:repo_hook, write:repo_hook, admin:repo_hook");
    assert_string_equal(scopes_join(a, scopes_ancestors(a, "public_repo", rules, 3), ","), "public_repo,repo");
    /* a top-level or unknown scope is only itself */
    assert_string_equal(scopes_join(a, scopes_ancestors(a, "repo", rules, 3), ","), "repo");
    assert_string_equal(scopes_join(a, scopes_ancestors(a, "gist", rules, 3), ","), "gist");
    assert_int_equal(scopes_ancestors(a, "public_repo", NULL, 0)->n, 1);
    arena_free(a);
}

static void to_json_keeps_order_and_round_trips(void **state)
{
    arena *a = arena_new(0);
    scope_set *s = scopes_parse(a, "chat:write channels:read chat:write");
    json_value *arr = scopes_to_json(a, s);
    assert_int_equal(arr->type, JSON_ARRAY);
    assert_string_equal(json_to_string(a, arr, NULL), "[\"chat:write\",\"channels:read\"]");
    scope_set *back = scopes_from_json(a, arr);
    assert_string_equal(scopes_join(a, back, ","), "chat:write,channels:read");
    assert_string_equal(json_to_string(a, scopes_to_json(a, scopes_parse(a, "")), NULL), "[]");
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_and_join), cmocka_unit_test(parents_grant_children_transitively),
        cmocka_unit_test(disabled_scopes_win_over_parents), cmocka_unit_test(wildcard_and_json),
        cmocka_unit_test(effective_drops_disabled_before_and_after_expansion),
        cmocka_unit_test(ancestors_follow_rules_upwards), cmocka_unit_test(to_json_keeps_order_and_round_trips),
    };
    return cmocka_run_group_tests_name("scopes", tests, NULL, NULL);
}
