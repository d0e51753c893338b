/* Jira twin: the static configuration every Jira Cloud site starts with —
 * issue types, priorities, statuses and their categories, resolutions,
 * fields, issue link types — and the server info. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "twins/jira/jira.h"
#include "util/util.h"

typedef struct itype {
    const char *id, *name, *desc;
    bool subtask;
    int level;
} itype;
static const itype itypes[] = {
    {"10000", "Epic", "A big user story that needs to be broken down.", false, 1},
    {"10001", "Story", "Functionality or a feature expressed as a user goal.", false, 0},
    {"10002", "Task", "A small, distinct piece of work.", false, 0},
    {"10003", "Subtask", "A small piece of work that's part of a larger task.", true, -1},
    {"10004", "Bug", "Problems or errors.", false, 0},
};
#define N_ITYPES (sizeof itypes / sizeof itypes[0])

typedef struct prio {
    const char *id, *name, *color, *desc;
} prio;
static const prio prios[] = {
    {"1", "Highest", "#d04437", "This problem will block progress."},
    {"2", "High", "#f15C75", "Serious problem that could block progress."},
    {"3", "Medium", "#f79232", "Has the potential to affect progress."},
    {"4", "Low", "#707070", "Minor problem or easily worked around."},
    {"5", "Lowest", "#999999", "Trivial problem with little or no impact on progress."},
};
#define N_PRIOS (sizeof prios / sizeof prios[0])

typedef struct stcat {
    int id;
    const char *key, *color, *name;
} stcat;
static const stcat cats[] = {
    {1, "undefined", "medium-gray", "No Category"},
    {2, "new", "blue-gray", "To Do"},
    {4, "indeterminate", "yellow", "In Progress"},
    {3, "done", "green", "Done"},
};

typedef struct status {
    const char *id, *name;
    int cat;
    const char *desc;
} status;
static const status statuses[] = {
    {"10000", "To Do", 2, ""},
    {"3", "In Progress", 4, "This issue is being actively worked on at the moment by the assignee."},
    {"10001", "Done", 3, ""},
};
#define N_STATUSES (sizeof statuses / sizeof statuses[0])

typedef struct resol {
    const char *id, *name, *desc;
} resol;
static const resol resols[] = {
    {"10000", "Done", "Work has been completed on this issue."},
    {"10001", "Won't Do", "This issue won't be actioned."},
    {"10002", "Duplicate", "The problem is a duplicate of an existing issue."},
    {"10003", "Cannot Reproduce", "All attempts at reproducing this issue failed."},
};
#define N_RESOLS (sizeof resols / sizeof resols[0])

static const char *self_url(twin_ctx *ctx, const char *path, const char *id)
{
    return arena_printf(ctx->a, "%s/rest/api/3/%s/%s", jira_base(ctx), path, id);
}

static json_value *itype_json(twin_ctx *ctx, const itype *t)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "self", self_url(ctx, "issuetype", t->id));
    json_set_str(a, o, "id", t->id);
    json_set_str(a, o, "description", t->desc);
    json_set_str(a, o, "iconUrl", arena_printf(a, "%s/rest/api/2/universal_avatar/view/type/issuetype/avatar/%s?size=medium",
                                                 jira_base(ctx), t->id));
    json_set_str(a, o, "name", t->name);
    json_set_str(a, o, "untranslatedName", t->name);
    json_set_bool(a, o, "subtask", t->subtask);
    json_set_int(a, o, "avatarId", 10300 + (t - itypes));
    json_set_int(a, o, "hierarchyLevel", t->level);
    return o;
}

json_value *jira_issuetype_json(twin_ctx *ctx, const char *id)
{
    for (size_t i = 0; i < N_ITYPES; i++)
        if (str_eq(itypes[i].id, id)) return itype_json(ctx, &itypes[i]);
    return json_null(ctx->a);
}

/* {"id":..} | {"name":..} | "name" */
static const char *ref_of(const json_value *v, const char **name)
{
    *name = NULL;
    if (!v) return NULL;
    if (v->type == JSON_STRING) { *name = v->str; return NULL; }
    *name = json_get_str(v, "name");
    json_value *id = json_get(v, "id");
    return id ? id->str : NULL;
}

const char *jira_issuetype_lookup(const json_value *v)
{
    const char *name, *id = ref_of(v, &name);
    for (size_t i = 0; i < N_ITYPES; i++)
        if ((id && str_eq(itypes[i].id, id)) || (!id && name && strcasecmp(itypes[i].name, name) == 0))
            return itypes[i].id;
    if (!id && name && strcasecmp(name, "Sub-task") == 0) return "10003";
    return NULL;
}

static json_value *prio_json(twin_ctx *ctx, const prio *p)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "self", self_url(ctx, "priority", p->id));
    json_set_str(a, o, "statusColor", p->color);
    json_set_str(a, o, "description", p->desc);
    json_set_str(a, o, "iconUrl", arena_printf(a, "%s/images/icons/priorities/%s.svg", jira_base(ctx), p->name));
    json_set_str(a, o, "name", p->name);
    json_set_str(a, o, "id", p->id);
    json_set_bool(a, o, "isDefault", str_eq(p->id, "3"));
    return o;
}

json_value *jira_priority_json(twin_ctx *ctx, const char *id)
{
    for (size_t i = 0; i < N_PRIOS; i++)
        if (str_eq(prios[i].id, id)) return prio_json(ctx, &prios[i]);
    return json_null(ctx->a);
}

const char *jira_priority_lookup(const json_value *v)
{
    const char *name, *id = ref_of(v, &name);
    for (size_t i = 0; i < N_PRIOS; i++)
        if ((id && str_eq(prios[i].id, id)) || (!id && name && strcasecmp(prios[i].name, name) == 0))
            return prios[i].id;
    return NULL;
}

int jira_priority_rank(const char *id)
{
    for (size_t i = 0; i < N_PRIOS; i++)
        if (str_eq(prios[i].id, id)) return (int)(N_PRIOS - i);
    return 0;
}

static const stcat *cat_by_id(int id)
{
    for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++)
        if (cats[i].id == id) return &cats[i];
    return &cats[0];
}

static json_value *cat_json(twin_ctx *ctx, const stcat *c)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "self", self_url(ctx, "statuscategory", arena_printf(a, "%d", c->id)));
    json_set_int(a, o, "id", c->id);
    json_set_str(a, o, "key", c->key);
    json_set_str(a, o, "colorName", c->color);
    json_set_str(a, o, "name", c->name);
    return o;
}

static json_value *status_json(twin_ctx *ctx, const status *s)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "self", self_url(ctx, "status", s->id));
    json_set_str(a, o, "description", s->desc);
    json_set_str(a, o, "iconUrl", arena_printf(a, "%s/", jira_base(ctx)));
    json_set_str(a, o, "name", s->name);
    json_set_str(a, o, "untranslatedName", s->name);
    json_set_str(a, o, "id", s->id);
    json_set(a, o, "statusCategory", cat_json(ctx, cat_by_id(s->cat)));
    return o;
}

json_value *jira_status_json(twin_ctx *ctx, const char *id)
{
    for (size_t i = 0; i < N_STATUSES; i++)
        if (str_eq(statuses[i].id, id)) return status_json(ctx, &statuses[i]);
    return json_null(ctx->a);
}

const char *jira_status_lookup(const char *name_or_id)
{
    if (!name_or_id) return NULL;
    for (size_t i = 0; i < N_STATUSES; i++)
        if (str_eq(statuses[i].id, name_or_id) || strcasecmp(statuses[i].name, name_or_id) == 0) return statuses[i].id;
    if (strcasecmp(name_or_id, "Open") == 0 || strcasecmp(name_or_id, "Backlog") == 0 ||
        strcasecmp(name_or_id, "todo") == 0)
        return "10000";
    if (strcasecmp(name_or_id, "Closed") == 0 || strcasecmp(name_or_id, "Resolved") == 0) return "10001";
    return NULL;
}

const char *jira_status_category_key(const char *status_id)
{
    for (size_t i = 0; i < N_STATUSES; i++)
        if (str_eq(statuses[i].id, status_id)) return cat_by_id(statuses[i].cat)->key;
    return "undefined";
}

static json_value *resol_json(twin_ctx *ctx, const resol *r)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "self", self_url(ctx, "resolution", r->id));
    json_set_str(a, o, "id", r->id);
    json_set_str(a, o, "description", r->desc);
    json_set_str(a, o, "name", r->name);
    json_set_bool(a, o, "isDefault", str_eq(r->id, "10000"));
    return o;
}

/* ---- handlers ---- */

void jira_issuetypes(twin_ctx *ctx)
{
    json_value *arr = json_array(ctx->a);
    for (size_t i = 0; i < N_ITYPES; i++) json_push(arr, itype_json(ctx, &itypes[i]));
    twin_reply_json(ctx, 200, arr);
}

void jira_issuetype_get(twin_ctx *ctx)
{
    json_value *t = jira_issuetype_json(ctx, twin_param(ctx, "id"));
    if (t->type == JSON_NULL) {
        jira_errors(ctx, 404, "The issue type with this ID doesn't exist.");
        return;
    }
    twin_reply_json(ctx, 200, t);
}

void jira_priorities(twin_ctx *ctx)
{
    json_value *arr = json_array(ctx->a);
    for (size_t i = 0; i < N_PRIOS; i++) json_push(arr, prio_json(ctx, &prios[i]));
    twin_reply_json(ctx, 200, arr);
}

void jira_priority_search(twin_ctx *ctx)
{
    json_value *arr = json_array(ctx->a);
    for (size_t i = 0; i < N_PRIOS; i++) json_push(arr, prio_json(ctx, &prios[i]));
    twin_reply_json(ctx, 200, jira_page(ctx, arr, 50, "values", true));
}

void jira_priority_get(twin_ctx *ctx)
{
    json_value *p = jira_priority_json(ctx, twin_param(ctx, "id"));
    if (p->type == JSON_NULL) {
        jira_errors(ctx, 404, arena_printf(ctx->a, "The priority with ID %s does not exist.", twin_param(ctx, "id")));
        return;
    }
    twin_reply_json(ctx, 200, p);
}

void jira_statuses(twin_ctx *ctx)
{
    json_value *arr = json_array(ctx->a);
    for (size_t i = 0; i < N_STATUSES; i++) json_push(arr, status_json(ctx, &statuses[i]));
    twin_reply_json(ctx, 200, arr);
}

void jira_status_get(twin_ctx *ctx)
{
    const char *id = jira_status_lookup(twin_param(ctx, "idOrName"));
    if (!id) {
        jira_errors(ctx, 404, "The status with ID or name doesn't exist.");
        return;
    }
    twin_reply_json(ctx, 200, jira_status_json(ctx, id));
}

void jira_project_statuses(twin_ctx *ctx)
{
    arena *a = ctx->a;
    if (!jira_project_get(ctx, twin_param(ctx, "projectIdOrKey"))) {
        jira_errors(ctx, 404, arena_printf(a, "No project could be found with key '%s'.", twin_param(ctx, "projectIdOrKey")));
        return;
    }
    json_value *arr = json_array(a);
    for (size_t i = 0; i < N_ITYPES; i++) {
        json_value *o = json_object(a), *sts = json_array(a);
        json_set_str(a, o, "self", self_url(ctx, "issuetype", itypes[i].id));
        json_set_str(a, o, "id", itypes[i].id);
        json_set_str(a, o, "name", itypes[i].name);
        json_set_bool(a, o, "subtask", itypes[i].subtask);
        for (size_t k = 0; k < N_STATUSES; k++) json_push(sts, status_json(ctx, &statuses[k]));
        json_set(a, o, "statuses", sts);
        json_push(arr, o);
    }
    twin_reply_json(ctx, 200, arr);
}

void jira_status_categories(twin_ctx *ctx)
{
    json_value *arr = json_array(ctx->a);
    for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++) json_push(arr, cat_json(ctx, &cats[i]));
    twin_reply_json(ctx, 200, arr);
}

void jira_resolutions(twin_ctx *ctx)
{
    json_value *arr = json_array(ctx->a);
    for (size_t i = 0; i < N_RESOLS; i++) json_push(arr, resol_json(ctx, &resols[i]));
    twin_reply_json(ctx, 200, arr);
}

void jira_resolution_get(twin_ctx *ctx)
{
    for (size_t i = 0; i < N_RESOLS; i++)
        if (str_eq(resols[i].id, twin_param(ctx, "id"))) {
            twin_reply_json(ctx, 200, resol_json(ctx, &resols[i]));
            return;
        }
    jira_errors(ctx, 404, arena_printf(ctx->a, "The resolution with ID %s does not exist.", twin_param(ctx, "id")));
}

typedef struct fdef {
    const char *id, *name, *type, *items;
    bool orderable, searchable;
    const char *clauses;
} fdef;
static const fdef fdefs[] = {
    {"summary", "Summary", "string", NULL, true, true, "summary"},
    {"description", "Description", "string", NULL, true, true, "description"},
    {"issuetype", "Issue Type", "issuetype", NULL, true, true, "issuetype,type"},
    {"project", "Project", "project", NULL, false, true, "project"},
    {"status", "Status", "status", NULL, false, true, "status"},
    {"statusCategory", "Status Category", "statusCategory", NULL, false, true, "statusCategory"},
    {"priority", "Priority", "priority", NULL, true, true, "priority"},
    {"assignee", "Assignee", "user", NULL, true, true, "assignee"},
    {"reporter", "Reporter", "user", NULL, true, true, "reporter"},
    {"creator", "Creator", "user", NULL, false, true, "creator"},
    {"labels", "Labels", "array", "string", true, true, "labels"},
    {"components", "Components", "array", "component", true, true, "component"},
    {"fixVersions", "Fix versions", "array", "version", true, true, "fixVersion"},
    {"created", "Created", "datetime", NULL, false, true, "created,createdDate"},
    {"updated", "Updated", "datetime", NULL, false, true, "updated,updatedDate"},
    {"duedate", "Due date", "date", NULL, true, true, "due,duedate"},
    {"resolution", "Resolution", "resolution", NULL, true, true, "resolution"},
    {"resolutiondate", "Resolved", "datetime", NULL, false, true, "resolved,resolutiondate"},
    {"comment", "Comment", "comments-page", NULL, true, true, "comment"},
    {"worklog", "Log Work", "array", "worklog", true, false, "worklogComment"},
    {"attachment", "Attachment", "array", "attachment", true, true, "attachments"},
    {"issuelinks", "Linked Issues", "array", "issuelinks", true, false, "issueLink"},
    {"watches", "Watchers", "watches", NULL, false, true, "watchers"},
    {"votes", "Votes", "votes", NULL, false, true, "votes"},
    {"parent", "Parent", "issuelink", NULL, true, true, "parent"},
    {"customfield_10020", "Sprint", "array", "json", true, true, "Sprint,cf[10020]"},
    {"statuscategorychangedate", "Status Category Changed", "datetime", NULL, false, true, "statusCategoryChangedDate"},
    {"environment", "Environment", "string", NULL, true, true, "environment"},
    {"subtasks", "Sub-tasks", "array", "issuelinks", false, true, "subtasks"},
    {"timespent", "Time Spent", "number", NULL, false, true, "timespent"},
    {"workratio", "Work Ratio", "number", NULL, false, true, "workratio"},
};

static const fdef *fdef_find(const char *id)
{
    for (size_t i = 0; i < sizeof fdefs / sizeof fdefs[0]; i++)
        if (str_eq(fdefs[i].id, id)) return &fdefs[i];
    return NULL;
}

const char *jira_field_name(const char *id)
{
    const fdef *f = fdef_find(id);
    return f ? f->name : id;   /* custom fields the twin has no definition for go by their id */
}

json_value *jira_field_schema(twin_ctx *ctx, const char *id)
{
    arena *a = ctx->a;
    const fdef *f = fdef_find(id);
    json_value *sc = json_object(a);
    json_set_str(a, sc, "type", f ? f->type : "any");
    if (f && f->items) json_set_str(a, sc, "items", f->items);
    if (str_starts_with(id, "customfield_")) {
        if (f) json_set_str(a, sc, "custom", "com.pyxis.greenhopper.jira:gh-sprint");
        json_set_int(a, sc, "customId", strtoll(id + strlen("customfield_"), NULL, 10));
    } else {
        json_set_str(a, sc, "system", id);
    }
    return sc;
}

void jira_fields(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *arr = json_array(a);
    for (size_t i = 0; i < sizeof fdefs / sizeof fdefs[0]; i++) {
        const fdef *f = &fdefs[i];
        bool custom = str_starts_with(f->id, "customfield_");
        json_value *o = json_object(a), *cl = json_array(a);
        json_set_str(a, o, "id", f->id);
        json_set_str(a, o, "key", f->id);
        json_set_str(a, o, "name", f->name);
        json_set_bool(a, o, "custom", custom);
        json_set_bool(a, o, "orderable", f->orderable);
        json_set_bool(a, o, "navigable", true);
        json_set_bool(a, o, "searchable", f->searchable);
        char *cls = arena_strdup(a, f->clauses);
        for (char *save = NULL, *t = strtok_r(cls, ",", &save); t; t = strtok_r(NULL, ",", &save))
            json_push(cl, json_string(a, t));
        json_set(a, o, "clauseNames", cl);
        if (custom) json_set_str(a, o, "untranslatedName", f->name);
        json_set(a, o, "schema", jira_field_schema(ctx, f->id));
        json_push(arr, o);
    }
    twin_reply_json(ctx, 200, arr);
}

static const char *const link_types[][4] = {
    {"10000", "Blocks", "is blocked by", "blocks"},
    {"10001", "Cloners", "is cloned by", "clones"},
    {"10002", "Duplicate", "is duplicated by", "duplicates"},
    {"10003", "Relates", "relates to", "relates to"},
};

json_value *jira_link_type_json(twin_ctx *ctx, const json_value *ref);
json_value *jira_link_type_json(twin_ctx *ctx, const json_value *ref)
{
    arena *a = ctx->a;
    const char *name, *id = ref_of(ref, &name);
    for (size_t i = 0; i < 4; i++) {
        if (ref && !((id && str_eq(id, link_types[i][0])) || (!id && name && strcasecmp(name, link_types[i][1]) == 0)))
            continue;
        json_value *o = json_object(a);
        json_set_str(a, o, "id", link_types[i][0]);
        json_set_str(a, o, "name", link_types[i][1]);
        json_set_str(a, o, "inward", link_types[i][2]);
        json_set_str(a, o, "outward", link_types[i][3]);
        json_set_str(a, o, "self", self_url(ctx, "issueLinkType", link_types[i][0]));
        return o;
    }
    return NULL;
}

void jira_link_types(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *arr = json_array(a), *o = json_object(a);
    for (size_t i = 0; i < 4; i++) {
        json_value *ref = json_object(a);
        json_set_str(a, ref, "id", link_types[i][0]);
        json_push(arr, jira_link_type_json(ctx, ref));
    }
    json_set(a, o, "issueLinkTypes", arr);
    twin_reply_json(ctx, 200, o);
}

void jira_server_info(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *o = json_object(a), *v = json_array(a);
    json_set_str(a, o, "baseUrl", jira_base(ctx));
    json_set_str(a, o, "displayUrl", jira_base(ctx));
    json_set_str(a, o, "version", "1001.0.0-SNAPSHOT");
    json_push(v, json_int(a, 1001));
    json_push(v, json_int(a, 0));
    json_push(v, json_int(a, 0));
    json_set(a, o, "versionNumbers", v);
    json_set_str(a, o, "deploymentType", "Cloud");
    json_set_int(a, o, "buildNumber", 100275);
    json_set_str(a, o, "buildDate", "2025-01-01T00:00:00.000+0000");
    json_set_str(a, o, "serverTime", jira_now(ctx));
    json_set_str(a, o, "scmInfo", "0cb3b5f2c5b6fe3cfd1e4f9e1dbb2a1b01c9de53");
    json_set_str(a, o, "serverTitle", "Jira");
    json_set_str(a, o, "defaultLocale", "en_US");
    json_set_str(a, o, "serverTimeZone", "Etc/UTC");
    twin_reply_json(ctx, 200, o);
}
