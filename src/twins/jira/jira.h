/* Jira twin: helpers shared by the resource files.
 *
 * State lives in the store, one collection per resource:
 *   users       accountId -> {accountId,displayName,emailAddress,active}
 *   projects    numeric id -> project record              (index key)
 *   issues      numeric id -> issue record with fields, changelog, watchers,
 *               votes, properties, remote links, sprint   (index project, key)
 *   comments    numeric id -> comment                     (index issue)
 *   worklogs    numeric id -> worklog                     (index issue)
 *   links       numeric id -> issue link                  (index-less, ids kept on both issues)
 *   attachments numeric id -> metadata + base64 content   (index issue)
 *   components, versions   numeric id -> record           (index project)
 *   boards      numeric id -> board (one per project)     sprints  numeric id (index board)
 *   webhooks    numeric id -> registration
 * Objects are rendered on the way out with self URLs from the run's base URL. */
#ifndef TWINS_JIRA_H
#define TWINS_JIRA_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/twin.h"

#define JIRA_ME "5b10ac8d82e05b22cc7d4ef5"

/* ---- auth (auth.c) ---- */
/* on_request: the X-Arequestid header on every answer. */
void jira_stamp_request(twin_ctx *ctx);
bool jira_authenticate(twin_ctx *ctx, const twin_route *route);
void jira_send_error(twin_ctx *ctx, int status, const char *code, const char *message);
const char **jira_webhook_sign(arena *a, const char *secret, const char *payload, size_t len, int64_t t);
const char *jira_viewer(twin_ctx *ctx);      /* accountId of the caller */

/* ---- answers and helpers (common.c) ---- */
void jira_errors(twin_ctx *ctx, int status, const char *message);                  /* errorMessages:[message] */
void jira_field_error(twin_ctx *ctx, int status, const char *field, const char *message); /* errors:{field:msg} */
void jira_issue_404(twin_ctx *ctx);
const char *jira_base(twin_ctx *ctx);
const char *jira_iso(twin_ctx *ctx, int64_t t);        /* 2024-01-01T00:00:00.000+0000 */
const char *jira_now(twin_ctx *ctx);
int64_t jira_next_id(twin_ctx *ctx, const char *kind); /* 10000, 10001, ... per kind */
const char *jira_id_str(twin_ctx *ctx, int64_t id);
int64_t jira_int_arg(twin_ctx *ctx, const char *name, int64_t dflt);
const char *jira_str_arg(twin_ctx *ctx, const char *name);
/* A list query parameter, repeated (keys=A&keys=B, as Jira documents its
 * arrays) or comma-joined (jira.js), as one "A,B" string; NULL if absent. */
const char *jira_query_list(twin_ctx *ctx, const char *name);
json_value *jira_adf(twin_ctx *ctx, const json_value *v);   /* string -> minimal ADF doc; ADF kept; NULL -> NULL */
const char *jira_adf_text(arena *a, const json_value *doc); /* plain text of an ADF doc (or string) */
const char *jira_adf_html(arena *a, const json_value *doc); /* an ADF doc rendered as HTML (renderedFields) */
void jira_save(twin_ctx *ctx, const char *collection, const char *id, const json_value *doc,
               const char *iname, const char *ivalue, const char *iname2, const char *ivalue2);
twin_list jira_list(twin_ctx *ctx, const char *collection, const char *iname, const char *ivalue);
/* {startAt,maxResults,total,isLast,values} page of items (startAt/maxResults from the query). */
json_value *jira_page(twin_ctx *ctx, json_value *items, int64_t dflt_max, const char *values_key, bool is_last_member);

/* ---- users (projects.c) ---- */
json_value *jira_user_get(twin_ctx *ctx, const char *account_id);
json_value *jira_user_create(twin_ctx *ctx, const char *account_id, const char *name, const char *email);
json_value *jira_user_find(twin_ctx *ctx, const char *name_or_email_or_id);
json_value *jira_user_json(twin_ctx *ctx, const char *account_id);   /* NULL -> JSON null */
void jira_ensure_me(twin_ctx *ctx);

/* ---- static metadata (meta.c) ---- */
json_value *jira_issuetype_json(twin_ctx *ctx, const char *id);
const char *jira_issuetype_lookup(const json_value *v);   /* {id}|{name}|"Bug" -> id or NULL */
json_value *jira_priority_json(twin_ctx *ctx, const char *id);
const char *jira_priority_lookup(const json_value *v);
json_value *jira_status_json(twin_ctx *ctx, const char *id);
const char *jira_status_lookup(const char *name_or_id);
const char *jira_status_category_key(const char *status_id);   /* new, indeterminate, done */
json_value *jira_link_type_json(twin_ctx *ctx, const json_value *ref);   /* NULL ref = first; NULL = unknown */
int jira_priority_rank(const char *id);                        /* Highest = 5 ... Lowest = 1 */
const char *jira_field_name(const char *id);                   /* display name, as /field lists it */
json_value *jira_field_schema(twin_ctx *ctx, const char *id);  /* JsonTypeBean */

/* ---- projects (projects.c) ---- */
json_value *jira_project_get(twin_ctx *ctx, const char *id_or_key);
json_value *jira_project_json(twin_ctx *ctx, const json_value *p, bool full);
json_value *jira_project_create(twin_ctx *ctx, const char *key, const char *name, const char *description,
                                const char *lead, const char *type);

/* ---- issues (issues.c) ---- */
json_value *jira_issue_get(twin_ctx *ctx, const char *id_or_key);
/* Creates an issue from a fields object; returns NULL after answering 400 (or, while seeding, with *err). */
json_value *jira_issue_create(twin_ctx *ctx, const json_value *fields, const char **err);
void jira_issue_save(twin_ctx *ctx, const json_value *issue);
json_value *jira_issue_json(twin_ctx *ctx, const json_value *issue, const char *fields, const char *expand);
/* Like jira_issue_json, plus the issue properties props names ("*all", keys,
 * "-key" to leave one out) as "properties"; props NULL leaves them out. */
json_value *jira_issue_render(twin_ctx *ctx, const json_value *issue, const char *fields, const char *expand,
                              const char *props);
/* Whether a comma-separated expand list holds opt. */
bool jira_expand_has(const char *expand, const char *opt);
/* Moves the issues' "names" and "schema" expansions to the search result
 * itself, where Jira's search answers carry them. */
void jira_hoist_field_meta(twin_ctx *ctx, json_value *result, json_value *issues);
bool jira_issue_transition(twin_ctx *ctx, json_value *issue, const char *status_id, json_value *items);
void jira_changelog_add(twin_ctx *ctx, json_value *issue, json_value *items);
json_value *jira_change_item(twin_ctx *ctx, const char *field, const char *from, const char *from_s,
                             const char *to, const char *to_s);
json_value *jira_comment_add(twin_ctx *ctx, json_value *issue, const json_value *body, const char *author);
json_value *jira_comment_json(twin_ctx *ctx, const json_value *c);

/* ---- entity properties (subres.c) ---- */
/* Jira's message for a property key or value it refuses, or NULL. */
const char *jira_property_problem(twin_ctx *ctx, const char *key, const json_value *value);

/* ---- JQL (search.c) ---- */
typedef struct jql jql;
/* NULL after setting *err to Jira's message. */
jql *jql_parse(twin_ctx *ctx, const char *text, const char **err);
bool jql_match(twin_ctx *ctx, const jql *q, const json_value *issue);
/* All issues matching, in the query's order. */
json_value **jql_run(twin_ctx *ctx, const jql *q, size_t *n);
/* How many issues match (no ordering). */
size_t jql_count(twin_ctx *ctx, const jql *q);
/* The classic search envelope (expand/startAt/maxResults/total/issues) over
 * items[start, start+max), shared by /search and the agile issue lists. */
void jira_reply_issue_page(twin_ctx *ctx, json_value **items, size_t n, int64_t start, int64_t max,
                           const char *fields, const char *expand);

/* ---- webhooks (hooks.c) ---- */
void jira_emit_issue(twin_ctx *ctx, const char *event, const json_value *issue, const json_value *changelog);
void jira_emit_comment(twin_ctx *ctx, const char *event, const json_value *issue, const json_value *comment);

/* ---- agile (agile.c) ---- */
void jira_board_create(twin_ctx *ctx, const json_value *project);
json_value *jira_sprint_field(twin_ctx *ctx, const json_value *issue);   /* customfield_10020 */

/* ---- seeding (seed.c) ---- */
int jira_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error);

#define JIRA_HANDLERS(X) \
    X(server_info) X(myself) X(user_show) X(user_search) X(user_bulk) X(user_assignable) X(users_list) \
    X(project_list) X(project_search) X(project_new) X(project_show) X(project_update) X(project_delete) \
    X(project_components) X(project_components_page) X(component_create) X(component_get) X(component_update) \
    X(component_delete) X(project_versions) X(project_versions_page) X(version_create) X(version_get) \
    X(version_update) X(version_delete) X(project_statuses) \
    X(issuetypes) X(issuetype_get) X(priorities) X(priority_get) X(priority_search) X(statuses) X(status_get) \
    X(status_categories) X(resolutions) X(resolution_get) X(fields) X(link_types) \
    X(issue_new) X(issue_bulk) X(issue_show) X(issue_edit) X(issue_delete) X(issue_assign) \
    X(transitions_get) X(transitions_do) X(changelog_get) X(comment_list) X(comment_add_h) X(comment_get) \
    X(comment_update) X(comment_delete) X(worklog_list) X(worklog_add) X(worklog_get) X(worklog_update) \
    X(worklog_delete) X(watchers_get) X(watchers_add) X(watchers_remove) X(votes_get) X(votes_add) \
    X(votes_remove) X(link_create) X(link_get) X(link_delete) X(remotelink_list) X(remotelink_add) \
    X(remotelink_get) X(remotelink_delete) X(props_keys) X(prop_get) X(prop_set) X(prop_delete) \
    X(attach_add) X(attach_get) X(attach_delete) X(attach_content) X(attach_meta) X(editmeta) \
    X(search_get) X(search_post) X(search_jql) X(search_count) \
    X(board_list) X(board_get) X(board_issues) X(board_backlog) X(board_sprints) X(sprint_create) X(sprint_get) \
    X(sprint_update) X(sprint_partial) X(sprint_delete) X(sprint_issues) X(sprint_move) X(backlog_move) \
    X(agile_issue_get) \
    X(webhook_register) X(webhook_list) X(webhook_delete) X(webhook_refresh)
#define JIRA_DECLARE(n) void jira_##n(twin_ctx *ctx);
JIRA_HANDLERS(JIRA_DECLARE)
#undef JIRA_DECLARE

#endif
