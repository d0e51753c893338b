/* Jira twin: catalog declaration and route table.  Each route names the
 * OAuth 2.0 scope Jira Cloud requires for it (checked in auth.c); every
 * platform route is also served under /rest/api/2 and /rest/api/latest. */
#include "engine/env.h"
#include "engine/seed_schema.h"
#include "engine/twin.h"
#include "twins/jira/jira.h"

static const char *const hosts[] = {"*.atlassian.net", "api.atlassian.com", "auth.atlassian.com", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "JIRA_BASE_URL", "");
    env_set(a, out, "JIRA_EMAIL", env_config_str(e, "email", "twin@example.com"));
    env_set(a, out, "JIRA_API_TOKEN", env_token(e, a, "jira", "ATATT", 40));
}

#define RW "read:jira-work"
#define WW "write:jira-work"
#define RU "read:jira-user"
#define MP "manage:jira-project"
#define WH "manage:jira-webhook"

#define PLATFORM(X) \
    X("GET", "/serverInfo", jira_server_info, "public") \
    X("GET", "/myself", jira_myself, RU) \
    X("GET", "/user", jira_user_show, RU) \
    X("GET", "/user/search", jira_user_search, RU) \
    X("GET", "/users/search", jira_users_list, RU) \
    X("GET", "/users", jira_users_list, RU) \
    X("GET", "/user/bulk", jira_user_bulk, RU) \
    X("GET", "/user/assignable/search", jira_user_assignable, RU) \
    X("GET", "/project", jira_project_list, RW) \
    X("POST", "/project", jira_project_new, MP) \
    X("GET", "/project/search", jira_project_search, RW) \
    X("GET", "/project/{projectIdOrKey}", jira_project_show, RW) \
    X("PUT", "/project/{projectIdOrKey}", jira_project_update, MP) \
    X("DELETE", "/project/{projectIdOrKey}", jira_project_delete, MP) \
    X("GET", "/project/{projectIdOrKey}/components", jira_project_components, RW) \
    X("GET", "/project/{projectIdOrKey}/component", jira_project_components_page, RW) \
    X("GET", "/project/{projectIdOrKey}/versions", jira_project_versions, RW) \
    X("GET", "/project/{projectIdOrKey}/version", jira_project_versions_page, RW) \
    X("GET", "/project/{projectIdOrKey}/statuses", jira_project_statuses, RW) \
    X("POST", "/component", jira_component_create, MP) \
    X("GET", "/component/{id}", jira_component_get, RW) \
    X("PUT", "/component/{id}", jira_component_update, MP) \
    X("DELETE", "/component/{id}", jira_component_delete, MP) \
    X("POST", "/version", jira_version_create, MP) \
    X("GET", "/version/{id}", jira_version_get, RW) \
    X("PUT", "/version/{id}", jira_version_update, MP) \
    X("DELETE", "/version/{id}", jira_version_delete, MP) \
    X("GET", "/issuetype", jira_issuetypes, RW) \
    X("GET", "/issuetype/{id}", jira_issuetype_get, RW) \
    X("GET", "/priority", jira_priorities, RW) \
    X("GET", "/priority/search", jira_priority_search, RW) \
    X("GET", "/priority/{id}", jira_priority_get, RW) \
    X("GET", "/status", jira_statuses, RW) \
    X("GET", "/status/{idOrName}", jira_status_get, RW) \
    X("GET", "/statuscategory", jira_status_categories, RW) \
    X("GET", "/resolution", jira_resolutions, RW) \
    X("GET", "/resolution/{id}", jira_resolution_get, RW) \
    X("GET", "/field", jira_fields, RW) \
    X("GET", "/issueLinkType", jira_link_types, RW) \
    X("POST", "/issue", jira_issue_new, WW) \
    X("POST", "/issue/bulk", jira_issue_bulk, WW) \
    X("GET", "/issue/{issueIdOrKey}", jira_issue_show, RW) \
    X("PUT", "/issue/{issueIdOrKey}", jira_issue_edit, WW) \
    X("DELETE", "/issue/{issueIdOrKey}", jira_issue_delete, WW) \
    X("PUT", "/issue/{issueIdOrKey}/assignee", jira_issue_assign, WW) \
    X("GET", "/issue/{issueIdOrKey}/transitions", jira_transitions_get, RW) \
    X("POST", "/issue/{issueIdOrKey}/transitions", jira_transitions_do, WW) \
    X("GET", "/issue/{issueIdOrKey}/changelog", jira_changelog_get, RW) \
    X("GET", "/issue/{issueIdOrKey}/editmeta", jira_editmeta, RW) \
    X("GET", "/issue/{issueIdOrKey}/comment", jira_comment_list, RW) \
    X("POST", "/issue/{issueIdOrKey}/comment", jira_comment_add_h, WW) \
    X("GET", "/issue/{issueIdOrKey}/comment/{id}", jira_comment_get, RW) \
    X("PUT", "/issue/{issueIdOrKey}/comment/{id}", jira_comment_update, WW) \
    X("DELETE", "/issue/{issueIdOrKey}/comment/{id}", jira_comment_delete, WW) \
    X("GET", "/issue/{issueIdOrKey}/worklog", jira_worklog_list, RW) \
    X("POST", "/issue/{issueIdOrKey}/worklog", jira_worklog_add, WW) \
    X("GET", "/issue/{issueIdOrKey}/worklog/{id}", jira_worklog_get, RW) \
    X("PUT", "/issue/{issueIdOrKey}/worklog/{id}", jira_worklog_update, WW) \
    X("DELETE", "/issue/{issueIdOrKey}/worklog/{id}", jira_worklog_delete, WW) \
    X("GET", "/issue/{issueIdOrKey}/watchers", jira_watchers_get, RW) \
    X("POST", "/issue/{issueIdOrKey}/watchers", jira_watchers_add, WW) \
    X("DELETE", "/issue/{issueIdOrKey}/watchers", jira_watchers_remove, WW) \
    X("GET", "/issue/{issueIdOrKey}/votes", jira_votes_get, RW) \
    X("POST", "/issue/{issueIdOrKey}/votes", jira_votes_add, WW) \
    X("DELETE", "/issue/{issueIdOrKey}/votes", jira_votes_remove, WW) \
    X("GET", "/issue/{issueIdOrKey}/remotelink", jira_remotelink_list, RW) \
    X("POST", "/issue/{issueIdOrKey}/remotelink", jira_remotelink_add, WW) \
    X("GET", "/issue/{issueIdOrKey}/remotelink/{linkId}", jira_remotelink_get, RW) \
    X("DELETE", "/issue/{issueIdOrKey}/remotelink/{linkId}", jira_remotelink_delete, WW) \
    X("GET", "/issue/{issueIdOrKey}/properties", jira_props_keys, RW) \
    X("GET", "/issue/{issueIdOrKey}/properties/{propertyKey}", jira_prop_get, RW) \
    X("PUT", "/issue/{issueIdOrKey}/properties/{propertyKey}", jira_prop_set, WW) \
    X("DELETE", "/issue/{issueIdOrKey}/properties/{propertyKey}", jira_prop_delete, WW) \
    X("POST", "/issue/{issueIdOrKey}/attachments", jira_attach_add, WW) \
    X("GET", "/attachment/meta", jira_attach_meta, RW) \
    X("GET", "/attachment/{id}", jira_attach_get, RW) \
    X("DELETE", "/attachment/{id}", jira_attach_delete, WW) \
    X("GET", "/attachment/content/{id}", jira_attach_content, RW) \
    X("POST", "/issueLink", jira_link_create, WW) \
    X("GET", "/issueLink/{linkId}", jira_link_get, RW) \
    X("DELETE", "/issueLink/{linkId}", jira_link_delete, WW) \
    X("GET", "/search", jira_search_get, RW) \
    X("POST", "/search", jira_search_post, RW) \
    X("GET", "/search/jql", jira_search_jql, RW) \
    X("POST", "/search/jql", jira_search_jql, RW) \
    X("POST", "/search/approximate-count", jira_search_count, RW) \
    X("POST", "/search/count", jira_search_count, RW) \
    X("GET", "/search/count", jira_search_count, RW) \
    X("POST", "/webhook", jira_webhook_register, WH) \
    X("GET", "/webhook", jira_webhook_list, WH) \
    X("DELETE", "/webhook", jira_webhook_delete, WH) \
    X("PUT", "/webhook/refresh", jira_webhook_refresh, WH)

#define V3(m, p, h, s) {m, "/rest/api/3" p, h, s},
#define V2(m, p, h, s) {m, "/rest/api/2" p, h, s},
#define VL(m, p, h, s) {m, "/rest/api/latest" p, h, s},
#define AG "/rest/agile/1.0"

static const twin_route routes[] = {
    PLATFORM(V3) PLATFORM(V2) PLATFORM(VL)
    {"GET", AG "/board", jira_board_list, RW},
    {"GET", AG "/board/{boardId}", jira_board_get, RW},
    {"GET", AG "/board/{boardId}/issue", jira_board_issues, RW},
    {"GET", AG "/board/{boardId}/backlog", jira_board_backlog, RW},
    {"GET", AG "/board/{boardId}/sprint", jira_board_sprints, RW},
    {"POST", AG "/sprint", jira_sprint_create, WW},
    {"GET", AG "/sprint/{sprintId}", jira_sprint_get, RW},
    {"PUT", AG "/sprint/{sprintId}", jira_sprint_update, WW},
    {"POST", AG "/sprint/{sprintId}", jira_sprint_partial, WW},
    {"DELETE", AG "/sprint/{sprintId}", jira_sprint_delete, WW},
    {"GET", AG "/sprint/{sprintId}/issue", jira_sprint_issues, RW},
    {"POST", AG "/sprint/{sprintId}/issue", jira_sprint_move, WW},
    {"POST", AG "/backlog/issue", jira_backlog_move, WW},
    {"GET", AG "/issue/{issueIdOrKey}", jira_agile_issue_get, RW},
};

const twin_def twin_jira = {
    .name = "jira",
    .label = "Jira",
    .frontend = false,
    .show_in_ui = false,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .seed_schema = seed_schema_jira,
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .spec_name = "jira",
    .authenticate = jira_authenticate,
    .send_error = jira_send_error,
    .seed = jira_seed,
    .webhook_sign = jira_webhook_sign,
    .on_request = jira_stamp_request,
};
