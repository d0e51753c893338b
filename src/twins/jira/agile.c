/* Jira twin: Jira Software (Agile 1.0) — one scrum board per software
 * project, sprints (future -> active -> closed), moving issues between
 * sprints and the backlog. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "twins/jira/jira.h"
#include "util/util.h"

static json_value *board_json(twin_ctx *ctx, const json_value *b)
{
    arena *a = ctx->a;
    json_value *o = json_object(a), *loc = json_object(a);
    const char *id = json_get_str(b, "id");
    json_set(a, o, "id", json_number_text(a, id));
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/agile/1.0/board/%s", jira_base(ctx), id));
    json_set_str(a, o, "name", json_get_str(b, "name"));
    json_set_str(a, o, "type", json_get_str(b, "type"));
    json_value *p = twin_doc_get(ctx, "projects", json_get_str(b, "project"));
    if (p) {
        json_set(a, loc, "projectId", json_number_text(a, json_get_str(p, "id")));
        json_set_str(a, loc, "displayName", arena_printf(a, "%s (%s)", json_get_str(p, "name"), json_get_str(p, "key")));
        json_set_str(a, loc, "projectName", json_get_str(p, "name"));
        json_set_str(a, loc, "projectKey", json_get_str(p, "key"));
        json_set_str(a, loc, "projectTypeKey", json_get_str(p, "projectTypeKey"));
        json_set_str(a, loc, "avatarURI", arena_printf(a, "%s/secure/projectavatar?size=small&avatarId=10400", jira_base(ctx)));
        json_set_str(a, loc, "name", arena_printf(a, "%s (%s)", json_get_str(p, "name"), json_get_str(p, "key")));
        json_set(a, o, "location", loc);
    }
    return o;
}

void jira_board_create(twin_ctx *ctx, const json_value *project)
{
    arena *a = ctx->a;
    const char *id = jira_id_str(ctx, twin_counter(ctx, "board"));
    json_value *b = json_object(a);
    json_set_str(a, b, "id", id);
    json_set_str(a, b, "name", arena_printf(a, "%s board", json_get_str(project, "key")));
    json_set_str(a, b, "type", "scrum");
    json_set_str(a, b, "project", json_get_str(project, "id"));
    jira_save(ctx, "boards", id, b, "project", json_get_str(project, "id"), NULL, NULL);
}

static json_value *sprint_json(twin_ctx *ctx, const json_value *s)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    const char *id = json_get_str(s, "id");
    json_set(a, o, "id", json_number_text(a, id));
    json_set_str(a, o, "self", arena_printf(a, "%s/rest/agile/1.0/sprint/%s", jira_base(ctx), id));
    json_set_str(a, o, "state", json_get_str(s, "state"));
    json_set_str(a, o, "name", json_get_str(s, "name"));
    static const char *const dates[] = {"startDate", "endDate", "completeDate", "createdDate"};
    for (int i = 0; i < 4; i++)
        if (json_get_str(s, dates[i])) json_set_str(a, o, dates[i], json_get_str(s, dates[i]));
    json_set(a, o, "originBoardId", json_number_text(a, json_get_str(s, "board")));
    json_set_str(a, o, "goal", json_get_str(s, "goal") ? json_get_str(s, "goal") : "");
    return o;
}

json_value *jira_sprint_field(twin_ctx *ctx, const json_value *issue)
{
    arena *a = ctx->a;
    const char *sid = json_get_str(issue, "sprint");
    json_value *s = sid ? twin_doc_get(ctx, "sprints", sid) : NULL;
    if (!s) return json_null(a);
    json_value *arr = json_array(a), *o = json_object(a);
    json_set(a, o, "id", json_number_text(a, sid));
    json_set_str(a, o, "name", json_get_str(s, "name"));
    json_set_str(a, o, "state", json_get_str(s, "state"));
    json_set(a, o, "boardId", json_number_text(a, json_get_str(s, "board")));
    json_set_str(a, o, "goal", json_get_str(s, "goal") ? json_get_str(s, "goal") : "");
    if (json_get_str(s, "startDate")) json_set_str(a, o, "startDate", json_get_str(s, "startDate"));
    if (json_get_str(s, "endDate")) json_set_str(a, o, "endDate", json_get_str(s, "endDate"));
    json_push(arr, o);
    return arr;
}

static json_value *load_board(twin_ctx *ctx)
{
    json_value *b = twin_doc_get(ctx, "boards", twin_param(ctx, "boardId"));
    if (!b) jira_errors(ctx, 404, "Board does not exist or you do not have permission to see it.");
    return b;
}

static json_value *load_sprint(twin_ctx *ctx)
{
    json_value *s = twin_doc_get(ctx, "sprints", twin_param(ctx, "sprintId"));
    if (!s) jira_errors(ctx, 404, "Sprint does not exist or you do not have permission to see it.");
    return s;
}

void jira_board_list(twin_ctx *ctx)
{
    const char *pk = jira_str_arg(ctx, "projectKeyOrId"), *type = jira_str_arg(ctx, "type"), *name = jira_str_arg(ctx, "name");
    json_value *p = pk ? jira_project_get(ctx, pk) : NULL;
    json_value *arr = json_array(ctx->a);
    twin_list l = jira_list(ctx, "boards", NULL, NULL);
    for (size_t i = 0; i < l.n; i++) {
        json_value *b = l.items[i];
        if (pk && (!p || !str_eq(json_get_str(p, "id"), json_get_str(b, "project")))) continue;
        if (type && !strstr(type, json_get_str(b, "type"))) continue;
        if (name && !strcasestr(json_get_str(b, "name"), name)) continue;
        json_push(arr, board_json(ctx, b));
    }
    twin_reply_json(ctx, 200, jira_page(ctx, arr, 50, "values", true));
}

void jira_board_get(twin_ctx *ctx)
{
    json_value *b = load_board(ctx);
    if (b) twin_reply_json(ctx, 200, board_json(ctx, b));
}

static void reply_issues(twin_ctx *ctx, json_value **items, size_t n)
{
    int64_t start = jira_int_arg(ctx, "startAt", 0), max = jira_int_arg(ctx, "maxResults", 50);
    if (start < 0) start = 0;
    if (max <= 0) max = 50;
    jira_reply_issue_page(ctx, items, n, start, max, jira_query_list(ctx, "fields"), jira_query_list(ctx, "expand"));
}

typedef enum { SEL_BOARD, SEL_BACKLOG, SEL_SPRINT } sel_kind;

static void select_issues(twin_ctx *ctx, const char *project, sel_kind k, const char *sprint)
{
    const char *jtext = jira_str_arg(ctx, "jql");
    jql *q = NULL;
    if (jtext && *jtext) {
        const char *err;
        q = jql_parse(ctx, jtext, &err);
        if (!q) {
            jira_errors(ctx, 400, err);
            return;
        }
    }
    const char *text = project ? arena_printf(ctx->a, "project = %s ORDER BY key ASC", project) : "ORDER BY key ASC";
    const char *err;
    jql *base = jql_parse(ctx, text, &err);
    size_t n;
    json_value **all = jql_run(ctx, base, &n), **out = arena_alloc(ctx->a, (n + 1) * sizeof *out);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        json_value *is = all[i];
        const char *sid = json_get_str(is, "sprint");
        if (k == SEL_SPRINT && !str_eq(sid, sprint)) continue;
        if (k == SEL_BACKLOG && sid) {
            json_value *s = twin_doc_get(ctx, "sprints", sid);
            if (s && !str_eq(json_get_str(s, "state"), "closed")) continue;
        }
        if (q && !jql_match(ctx, q, is)) continue;
        out[m++] = is;
    }
    reply_issues(ctx, out, m);
}

void jira_board_issues(twin_ctx *ctx)
{
    json_value *b = load_board(ctx);
    if (b) select_issues(ctx, json_get_str(b, "project"), SEL_BOARD, NULL);
}

void jira_board_backlog(twin_ctx *ctx)
{
    json_value *b = load_board(ctx);
    if (b) select_issues(ctx, json_get_str(b, "project"), SEL_BACKLOG, NULL);
}

void jira_sprint_issues(twin_ctx *ctx)
{
    json_value *s = load_sprint(ctx);
    if (s) select_issues(ctx, NULL, SEL_SPRINT, json_get_str(s, "id"));
}

void jira_board_sprints(twin_ctx *ctx)
{
    json_value *b = load_board(ctx);
    if (!b) return;
    const char *state = jira_str_arg(ctx, "state");
    json_value *arr = json_array(ctx->a);
    twin_list l = jira_list(ctx, "sprints", "board", json_get_str(b, "id"));
    for (size_t i = 0; i < l.n; i++)
        if (!state || strstr(state, json_get_str(l.items[i], "state"))) json_push(arr, sprint_json(ctx, l.items[i]));
    json_value *page = jira_page(ctx, arr, 50, "values", true);
    json_remove(page, "total");
    twin_reply_json(ctx, 200, page);
}

void jira_sprint_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *name = jira_str_arg(ctx, "name"), *board = jira_str_arg(ctx, "originBoardId");
    if (!board) {
        jira_field_error(ctx, 400, "originBoardId", "originBoardId is required.");
        return;
    }
    if (!twin_doc_get(ctx, "boards", board)) {
        jira_errors(ctx, 404, "Board does not exist or you do not have permission to see it.");
        return;
    }
    if (!name || !*name) {
        jira_field_error(ctx, 400, "name", "Sprint name is required.");
        return;
    }
    if (strlen(name) > 30) {
        jira_field_error(ctx, 400, "name", "The sprint name is too long. Please enter a name that is 30 characters or less.");
        return;
    }
    const char *id = jira_id_str(ctx, twin_counter(ctx, "sprint"));
    json_value *s = json_object(a);
    json_set_str(a, s, "id", id);
    json_set_str(a, s, "name", name);
    json_set_str(a, s, "state", "future");
    json_set_str(a, s, "board", board);
    json_set_str(a, s, "createdDate", jira_now(ctx));
    static const char *const opt[] = {"startDate", "endDate", "goal"};
    for (int i = 0; i < 3; i++)
        if (jira_str_arg(ctx, opt[i])) json_set_str(a, s, opt[i], jira_str_arg(ctx, opt[i]));
    jira_save(ctx, "sprints", id, s, "board", board, NULL, NULL);
    twin_reply_json(ctx, 201, sprint_json(ctx, s));
}

void jira_sprint_get(twin_ctx *ctx)
{
    json_value *s = load_sprint(ctx);
    if (s) twin_reply_json(ctx, 200, sprint_json(ctx, s));
}

static void sprint_update(twin_ctx *ctx, bool partial)
{
    arena *a = ctx->a;
    json_value *s = load_sprint(ctx);
    if (!s) return;
    const char *from = json_get_str(s, "state"), *to = jira_str_arg(ctx, "state");
    if (!to) to = partial ? from : from;
    static const char *const opt[] = {"name", "startDate", "endDate", "goal"};
    json_value *next = json_clone(a, s);
    for (int i = 0; i < 4; i++) {
        const char *v = jira_str_arg(ctx, opt[i]);
        if (v) json_set_str(a, next, opt[i], v);
        else if (!partial && i > 0 && !str_eq(from, "closed")) json_remove(next, opt[i]);
    }
    if (!str_eq(to, from)) {
        if (str_eq(from, "future") && str_eq(to, "active")) {
            if (!json_get_str(next, "startDate") || !json_get_str(next, "endDate")) {
                jira_errors(ctx, 400, "The sprint must have a start date and end date set to be started.");
                return;
            }
        } else if (str_eq(from, "active") && str_eq(to, "closed")) {
            json_set_str(a, next, "completeDate", jira_now(ctx));
            /* unfinished issues go back to the backlog */
            twin_list l = jira_list(ctx, "issues", NULL, NULL);
            for (size_t i = 0; i < l.n; i++)
                if (str_eq(json_get_str(l.items[i], "sprint"), json_get_str(s, "id")) &&
                    !str_eq(jira_status_category_key(json_get_str(l.items[i], "status")), "done")) {
                    json_set_null(a, l.items[i], "sprint");
                    jira_issue_save(ctx, l.items[i]);
                }
        } else {
            jira_errors(ctx, 400, arena_printf(a, "Sprint cannot be moved from state '%s' to '%s'.", from, to));
            return;
        }
        json_set_str(a, next, "state", to);
    }
    jira_save(ctx, "sprints", json_get_str(s, "id"), next, "board", json_get_str(s, "board"), NULL, NULL);
    twin_reply_json(ctx, 200, sprint_json(ctx, next));
}

void jira_sprint_update(twin_ctx *ctx) { sprint_update(ctx, false); }
void jira_sprint_partial(twin_ctx *ctx) { sprint_update(ctx, true); }

void jira_sprint_delete(twin_ctx *ctx)
{
    json_value *s = load_sprint(ctx);
    if (!s) return;
    if (str_eq(json_get_str(s, "state"), "active")) {
        jira_errors(ctx, 400, "Active sprints cannot be deleted.");
        return;
    }
    twin_list l = jira_list(ctx, "issues", NULL, NULL);
    for (size_t i = 0; i < l.n; i++)
        if (str_eq(json_get_str(l.items[i], "sprint"), json_get_str(s, "id"))) {
            json_set_null(ctx->a, l.items[i], "sprint");
            jira_issue_save(ctx, l.items[i]);
        }
    twin_doc_delete(ctx, "sprints", json_get_str(s, "id"));
    twin_reply_text(ctx, 204, NULL, "", 0);
}

static bool move_issues(twin_ctx *ctx, const char *sprint_id)
{
    json_value *list = json_get(ctx->body, "issues");
    if (!list || list->type != JSON_ARRAY || !list->len) {
        jira_field_error(ctx, 400, "issues", "The list of issues must not be empty.");
        return false;
    }
    if (list->len > 50) {
        jira_errors(ctx, 400, "Only up to 50 issues can be moved in one operation.");
        return false;
    }
    json_value **found = arena_alloc(ctx->a, list->len * sizeof *found);
    size_t n = 0;
    json_foreach(x, list) {
        json_value *is = jira_issue_get(ctx, json_str(x) ? x->str : NULL);
        if (!is) {
            jira_errors(ctx, 400, arena_printf(ctx->a, "Issue '%s' does not exist or you do not have permission to see it.",
                                               json_str(x) ? x->str : ""));
            return false;
        }
        found[n++] = is;
    }
    for (size_t i = 0; i < n; i++) {
        const char *old = json_get_str(found[i], "sprint");
        if (str_eq(old, sprint_id)) continue;
        json_value *items = json_array(ctx->a);
        json_value *os = old ? twin_doc_get(ctx, "sprints", old) : NULL, *ns = sprint_id ? twin_doc_get(ctx, "sprints", sprint_id) : NULL;
        json_push(items, jira_change_item(ctx, "Sprint", old, json_get_str(os, "name"), sprint_id, json_get_str(ns, "name")));
        json_set_str(ctx->a, found[i], "sprint", sprint_id);
        jira_changelog_add(ctx, found[i], items);
        json_set_str(ctx->a, found[i], "updated", jira_now(ctx));
        jira_issue_save(ctx, found[i]);
    }
    return true;
}

void jira_sprint_move(twin_ctx *ctx)
{
    json_value *s = load_sprint(ctx);
    if (!s) return;
    if (str_eq(json_get_str(s, "state"), "closed")) {
        jira_errors(ctx, 400, "Issues can't be moved to a closed sprint.");
        return;
    }
    if (move_issues(ctx, json_get_str(s, "id"))) twin_reply_text(ctx, 204, NULL, "", 0);
}

void jira_backlog_move(twin_ctx *ctx)
{
    if (move_issues(ctx, NULL)) twin_reply_text(ctx, 204, NULL, "", 0);
}

void jira_agile_issue_get(twin_ctx *ctx)
{
    json_value *is = jira_issue_get(ctx, twin_param(ctx, "issueIdOrKey"));
    if (!is) {
        jira_issue_404(ctx);
        return;
    }
    twin_reply_json(ctx, 200, jira_issue_json(ctx, is, jira_query_list(ctx, "fields"), jira_query_list(ctx, "expand")));
}
