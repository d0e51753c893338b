/* Jira twin: seeding from seed_config.jira (users, projects with issues and
 * their comments).  Ids come from the run's counters and the clock is the
 * seeding origin, so two runs of a scenario hold identical state. */
#include <string.h>

#include "twins/jira/jira.h"
#include "util/util.h"

static json_value *named(twin_ctx *ctx, const char *key, const char *name)
{
    if (!name) return NULL;
    json_value *o = json_object(ctx->a);
    json_set_str(ctx->a, o, key, name);
    return o;
}

int jira_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error)
{
    arena *a = ctx->a;
    int64_t n_users = 0, n_projects = 0, n_issues = 0, n_comments = 0;
    jira_ensure_me(ctx);
    json_foreach(u, json_get(seed, "users")) {
        const char *name = json_get_str(u, "display_name"), *email = json_get_str(u, "email");
        if (jira_user_find(ctx, name) || (email && jira_user_find(ctx, email))) continue;
        jira_user_create(ctx, NULL, name, email);
        n_users++;
    }
    size_t pi = 0;
    json_foreach(p, json_get(seed, "projects")) {
        const char *key = json_get_str(p, "key");
        char *up = arena_strdup(a, key);
        for (char *c = up; *c; c++)
            if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 32);
        if (jira_project_get(ctx, up)) {
            *error = arena_printf(a, "jira.projects[%zu].key: project %s is listed twice", pi, up);
            return -1;
        }
        json_value *proj = jira_project_create(ctx, up, json_get_str(p, "name"), json_get_str(p, "description"), NULL, NULL);
        n_projects++;
        size_t ii = 0;
        json_foreach(in, json_get(p, "issues")) {
            json_value *f = json_object(a);
            json_set(a, f, "project", named(ctx, "key", json_get_str(proj, "key")));
            json_set(a, f, "issuetype", named(ctx, "name", json_get_str(in, "issuetype") ? json_get_str(in, "issuetype") : "Task"));
            json_set_str(a, f, "summary", json_get_str(in, "summary"));
            if (json_get_str(in, "description")) json_set_str(a, f, "description", json_get_str(in, "description"));
            if (json_get_str(in, "priority")) json_set(a, f, "priority", named(ctx, "name", json_get_str(in, "priority")));
            if (json_get(in, "labels")) json_set(a, f, "labels", json_clone(a, json_get(in, "labels")));
            const char *as = json_get_str(in, "assignee");
            if (as) {
                json_value *u = jira_user_find(ctx, as);
                if (!u) u = jira_user_create(ctx, NULL, as, strchr(as, '@') ? as : NULL), n_users++;
                json_set(a, f, "assignee", named(ctx, "accountId", json_get_str(u, "accountId")));
            }
            const char *err;
            json_value *is = jira_issue_create(ctx, f, &err);
            if (!is) {
                *error = arena_printf(a, "jira.projects[%zu].issues[%zu]: %s", pi, ii, err);
                return -1;
            }
            const char *st = json_get_str(in, "status");
            if (st) {
                const char *sid = jira_status_lookup(st);
                if (!sid) {
                    *error = arena_printf(a, "jira.projects[%zu].issues[%zu].status: unknown status '%s' (To Do, In Progress, Done)", pi, ii, st);
                    return -1;
                }
                jira_issue_transition(ctx, is, sid, json_array(a));
                jira_issue_save(ctx, is);
            }
            json_foreach(c, json_get(in, "comments")) {
                const json_value *body = c->type == JSON_STRING ? c : json_get(c, "body");
                const char *author = NULL;
                const char *an = json_get_str(c, "author");
                if (an) {
                    json_value *u = jira_user_find(ctx, an);
                    if (!u) u = jira_user_create(ctx, NULL, an, strchr(an, '@') ? an : NULL), n_users++;
                    author = json_get_str(u, "accountId");
                }
                jira_comment_add(ctx, is, body, author);
                n_comments++;
            }
            n_issues++;
            ii++;
        }
        pi++;
    }
    json_set_int(a, result, "users", n_users);
    json_set_int(a, result, "projects", n_projects);
    json_set_int(a, result, "issues", n_issues);
    json_set_int(a, result, "comments", n_comments);
    return 0;
}
