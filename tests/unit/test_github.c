/* GitHub twin: the role each route needs on its repository is declared with
 * the route (twin.c) and found from the route the engine matched. */
#include "testutil.h"

#include <string.h>

#include "twins/github/github.h"
#include "util/util.h"

static const twin_route *route_of(const twin_def *def, const char *method, const char *path)
{
    for (size_t i = 0; i < def->n_routes; i++)
        if (str_eq(def->routes[i].method, method) && str_eq(def->routes[i].path, path)) return &def->routes[i];
    return NULL;
}

static void stubs_need_nothing(void **state)
{
    (void)state;
    assert_null(gh_route_need(NULL));
}

static void needs_follow_the_route(void **state)
{
    (void)state;
    const twin_def *def = twin_find("github");
    assert_non_null(def);
    struct {
        const char *method, *path;
        gh_level level;
        gh_deny deny;
    } cases[] = {
        {"GET", "/repos/{owner}/{repo}", GH_NONE, GH_DENY_NOT_FOUND},
        {"PATCH", "/repos/{owner}/{repo}", GH_ADMIN, GH_DENY_ADMIN},
        {"PUT", "/repos/{owner}/{repo}/contents/{path+}", GH_PUSH, GH_DENY_NOT_FOUND},
        {"POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels", GH_TRIAGE, GH_DENY_NOT_FOUND},
        {"GET", "/repos/{owner}/{repo}/hooks", GH_ADMIN, GH_DENY_NOT_FOUND},
        {"GET", "/repos/{owner}/{repo}/collaborators", GH_PUSH, GH_DENY_PUSH_COLLABORATORS},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const twin_route *r = route_of(def, cases[i].method, cases[i].path);
        assert_non_null(r);
        const gh_need *n = gh_route_need(r);
        assert_non_null(n);
        assert_int_equal(n->level, cases[i].level);
        assert_int_equal(n->deny, cases[i].deny);
    }
}

/* A handler served under several paths ({path} and {path+}, {ref} and
 * {ref+}) needs the same role under each: the declarations must not drift. */
static void routes_of_one_handler_need_the_same(void **state)
{
    (void)state;
    const twin_def *def = twin_find("github");
    for (size_t i = 0; i < def->n_routes; i++)
        for (size_t j = i + 1; j < def->n_routes; j++) {
            if (def->routes[i].handler != def->routes[j].handler) continue;
            const gh_need *a = gh_route_need(&def->routes[i]), *b = gh_route_need(&def->routes[j]);
            if (a->level != b->level || a->deny != b->deny)
                fail_msg("%s %s and %s %s differ", def->routes[i].method, def->routes[i].path, def->routes[j].method,
                         def->routes[j].path);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stubs_need_nothing),
        cmocka_unit_test(needs_follow_the_route),
        cmocka_unit_test(routes_of_one_handler_need_the_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
