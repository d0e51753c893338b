/* Box twin: tasks on files and their assignments.
 *
 * A task (action "review" or "complete") sits on a file and is assigned to
 * users; each assignment is resolved by its assignee (completed for
 * "complete" tasks, approved or rejected for "review" ones, or back to
 * incomplete).  The task is completed when all assignments, or any one
 * for completion_rule "any_assignee", are resolved.  Tasks follow the
 * file's access: whoever may comment may create and assign them; the
 * creator or the file's owner/co-owner edits and deletes them.  Changes
 * are recorded as TASK_* / TASK_ASSIGNMENT_* events and assignments fire
 * the TASK_ASSIGNMENT.* webhook triggers with the assignment as source. */
#include <string.h>

#include "twins/box/box.h"
#include "util/util.h"

/* ---- storage and rendering ---- */

static twin_list list_by(twin_ctx *ctx, const char *collection, const char *index, const char *value)
{
    twin_list l = {0};
    store_list_opts o = {.index_name = index, .index_value = value};
    twin_doc_list(ctx, collection, &o, &l);
    return l;
}

static void task_save(twin_ctx *ctx, json_value *t)
{
    store_index idx = {"file", json_get_str(t, "file_id")};
    twin_doc_put(ctx, "tasks", json_get_str(t, "id"), t, &idx, 1);
}

static void assignment_save(twin_ctx *ctx, json_value *as)
{
    store_index idx = {"task", json_get_str(as, "task_id")};
    twin_doc_put(ctx, "task_assignments", json_get_str(as, "id"), as, &idx, 1);
}

/* Box's description types these dates as plain strings: unset ones are left out. */
static void set_date(arena *a, json_value *o, const char *key, const char *value)
{
    if (value) json_set_str(a, o, key, value);
}

static json_value *assignment_json(twin_ctx *ctx, const json_value *as)
{
    arena *a = ctx->a;
    json_value *o = json_object(a), *file = bx_file_get(ctx, json_get_str(as, "file_id"));
    json_set_str(a, o, "type", "task_assignment");
    json_set_str(a, o, "id", json_get_str(as, "id"));
    json_set(a, o, "item", file ? bx_mini(ctx, file) : json_null(a));
    json_set(a, o, "assigned_to", bx_user_mini(ctx, json_get_str(as, "assigned_to")));
    json_set_str(a, o, "message", json_get_str(as, "message") ? json_get_str(as, "message") : "");
    set_date(a, o, "completed_at", json_get_str(as, "completed_at"));
    json_set_str(a, o, "assigned_at", json_get_str(as, "assigned_at"));
    json_set_str(a, o, "resolution_state", json_get_str(as, "resolution_state"));
    json_set(a, o, "assigned_by", bx_user_mini(ctx, json_get_str(as, "assigned_by")));
    return o;
}

/* {total_count, entries} of a task's assignments. */
static json_value *assignments_json(twin_ctx *ctx, const char *task_id)
{
    twin_list l = list_by(ctx, "task_assignments", "task", task_id);
    json_value *o = json_object(ctx->a), *entries = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++) json_push(entries, assignment_json(ctx, l.items[i]));
    json_set_int(ctx->a, o, "total_count", (int64_t)l.n);
    json_set(ctx->a, o, "entries", entries);
    return o;
}

static bool task_completed(twin_ctx *ctx, const json_value *t)
{
    twin_list l = list_by(ctx, "task_assignments", "task", json_get_str(t, "id"));
    bool any_rule = str_eq(json_get_str(t, "completion_rule"), "any_assignee");
    size_t resolved = 0;
    for (size_t i = 0; i < l.n; i++) resolved += !str_eq(json_get_str(l.items[i], "resolution_state"), "incomplete");
    return l.n && (any_rule ? resolved > 0 : resolved == l.n);
}

static json_value *task_json(twin_ctx *ctx, const json_value *t)
{
    arena *a = ctx->a;
    json_value *o = json_object(a), *file = bx_file_get(ctx, json_get_str(t, "file_id"));
    json_set_str(a, o, "type", "task");
    json_set_str(a, o, "id", json_get_str(t, "id"));
    json_set(a, o, "item", file ? bx_mini(ctx, file) : json_null(a));
    set_date(a, o, "due_at", json_get_str(t, "due_at"));
    json_set_str(a, o, "action", json_get_str(t, "action"));
    json_set_str(a, o, "message", json_get_str(t, "message"));
    json_set(a, o, "task_assignment_collection", assignments_json(ctx, json_get_str(t, "id")));
    json_set_bool(a, o, "is_completed", task_completed(ctx, t));
    json_set(a, o, "created_by", bx_user_mini(ctx, json_get_str(t, "created_by")));
    json_set_str(a, o, "created_at", json_get_str(t, "created_at"));
    json_set_str(a, o, "completion_rule", json_get_str(t, "completion_rule"));
    return o;
}

/* ---- access ---- */

/* The active file of a task or assignment record, when the caller can reach it. */
static json_value *reachable_file(twin_ctx *ctx, const json_value *rec)
{
    return rec ? bx_reachable_file(ctx, json_get_str(rec, "file_id")) : NULL;
}

static json_value *lookup_task(twin_ctx *ctx, const char *id, json_value **file)
{
    json_value *t = twin_doc_get(ctx, "tasks", id);
    if ((*file = reachable_file(ctx, t))) return t;
    bx_not_found(ctx, "task", id);
    return NULL;
}

static void emit(twin_ctx *ctx, const char *event_type, const char *trigger, const json_value *file,
                 const json_value *about)
{
    bx_emit_about(ctx, event_type, trigger, file, about);
}

/* ---- tasks ---- */

/* action, message, due_at and completion_rule from the body into t; false (answered) on bad input. */
static bool task_fields(twin_ctx *ctx, json_value *t)
{
    arena *a = ctx->a;
    json_value *body = ctx->body;
    const char *action = json_get_str(body, "action"), *rule = json_get_str(body, "completion_rule");
    json_value *msg = json_get(body, "message"), *due = json_get(body, "due_at");
    if (json_get(body, "action") && !str_eq(action, "review") && !str_eq(action, "complete"))
        return bx_bad_request(ctx, "invalid_parameter", "action",
                              arena_printf(a, "Invalid value '%s'. 'action' must be 'review' or 'complete'",
                                           action ? action : "")),
               false;
    if (json_get(body, "completion_rule") && !str_eq(rule, "all_assignees") && !str_eq(rule, "any_assignee"))
        return bx_bad_request(ctx, "invalid_parameter", "completion_rule",
                              arena_printf(a, "Invalid value '%s'.", rule ? rule : "")),
               false;
    if (msg && msg->type != JSON_NULL && !json_str(msg))
        return bx_bad_request(ctx, "invalid_parameter", "message", "'message' must be a string"), false;
    if (due && due->type != JSON_NULL && (!json_str(due) || parse_iso8601_ms(due->str) < 0))
        return bx_bad_request(ctx, "invalid_parameter", "due_at", "'due_at' must be a date-time"), false;
    if (action) json_set_str(a, t, "action", action);
    if (rule) json_set_str(a, t, "completion_rule", rule);
    if (json_str(msg)) json_set_str(a, t, "message", msg->str);
    if (due && json_str(due)) json_set_str(a, t, "due_at", bx_time(ctx, parse_iso8601_ms(due->str) / 1000));
    return true;
}

void bx_tasks_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *item = json_get(ctx->body, "item");
    if (!item || item->type != JSON_OBJECT) return bx_missing(ctx, "item");
    const char *itype = json_get_str(item, "type"), *iid = json_get_str(item, "id");
    if (!str_eq(itype, "file")) return bx_bad_request(ctx, "invalid_parameter", "item", "'item.type' must be 'file'");
    if (!iid) return bx_missing(ctx, "item.id");
    json_value *file = bx_active_item(ctx, bx_file_get(ctx, iid), iid);
    if (!file || !bx_require(ctx, file, BX_COMMENT)) return;
    json_value *t = json_object(a);
    json_set_str(a, t, "action", "review");
    json_set_str(a, t, "completion_rule", "all_assignees");
    json_set_str(a, t, "message", "");
    if (!task_fields(ctx, t)) return;
    json_set_str(a, t, "id", bx_next_id(ctx, "task"));
    json_set_str(a, t, "file_id", json_get_str(file, "id"));
    json_set_str(a, t, "created_by", bx_me(ctx));
    json_set_str(a, t, "created_at", bx_now(ctx));
    task_save(ctx, t);
    json_value *out = task_json(ctx, t);
    emit(ctx, "TASK_CREATE", NULL, file, out);
    twin_reply_json(ctx, 201, out);
}

void bx_tasks_get(twin_ctx *ctx)
{
    json_value *file, *t = lookup_task(ctx, twin_param(ctx, "task_id"), &file);
    if (t) twin_reply_json(ctx, 200, task_json(ctx, t));
}

void bx_tasks_update(twin_ctx *ctx)
{
    json_value *file, *t = lookup_task(ctx, twin_param(ctx, "task_id"), &file);
    if (!t) return;
    if (!bx_may_manage(ctx, t, "created_by", file)) return bx_forbidden(ctx);
    if (!task_fields(ctx, t)) return;
    task_save(ctx, t);
    json_value *out = task_json(ctx, t);
    emit(ctx, "TASK_UPDATE", NULL, file, out);
    twin_reply_json(ctx, 200, out);
}

void bx_tasks_delete(twin_ctx *ctx)
{
    json_value *file, *t = lookup_task(ctx, twin_param(ctx, "task_id"), &file);
    if (!t) return;
    if (!bx_may_manage(ctx, t, "created_by", file)) return bx_forbidden(ctx);
    const char *id = json_get_str(t, "id");
    twin_list l = list_by(ctx, "task_assignments", "task", id);
    for (size_t i = 0; i < l.n; i++) twin_doc_delete(ctx, "task_assignments", json_get_str(l.items[i], "id"));
    twin_doc_delete(ctx, "tasks", id);
    twin_reply_text(ctx, 204, NULL, "", 0);
}

void bx_files_tasks(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "file_id");
    json_value *file = bx_active_item(ctx, bx_file_get(ctx, id), id);
    if (!file) return;
    twin_list l = list_by(ctx, "tasks", "file", json_get_str(file, "id"));
    json_value *o = json_object(ctx->a), *entries = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++) json_push(entries, task_json(ctx, l.items[i]));
    json_set_int(ctx->a, o, "total_count", (int64_t)l.n);
    json_set(ctx->a, o, "entries", entries);
    twin_reply_json(ctx, 200, o);
}

void bx_tasks_assignments(twin_ctx *ctx)
{
    json_value *file, *t = lookup_task(ctx, twin_param(ctx, "task_id"), &file);
    if (t) twin_reply_json(ctx, 200, assignments_json(ctx, json_get_str(t, "id")));
}

/* ---- assignments ---- */

static json_value *route_assignment(twin_ctx *ctx, json_value **file)
{
    const char *id = twin_param(ctx, "task_assignment_id");
    json_value *as = twin_doc_get(ctx, "task_assignments", id);
    if ((*file = reachable_file(ctx, as))) return as;
    bx_not_found(ctx, "task_assignment", id);
    return NULL;
}

void bx_assignments_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *task = json_get(ctx->body, "task"), *to = json_get(ctx->body, "assign_to");
    if (!task || task->type != JSON_OBJECT) return bx_missing(ctx, "task");
    if (!to || to->type != JSON_OBJECT) return bx_missing(ctx, "assign_to");
    const char *tid = json_get_str(task, "id"), *uid = json_get_str(to, "id"), *login = json_get_str(to, "login");
    if (!tid) return bx_missing(ctx, "task.id");
    json_value *file, *t = lookup_task(ctx, tid, &file);
    if (!t || !bx_require(ctx, file, BX_COMMENT)) return;
    json_value *user = uid ? bx_user_get(ctx, uid) : login ? bx_user_by_login(ctx, login) : NULL;
    if (!uid && !login) return bx_missing(ctx, "assign_to.id");
    if (!user) return bx_not_found(ctx, "user", uid ? uid : login);
    const char *assignee = json_get_str(user, "id");
    twin_list l = list_by(ctx, "task_assignments", "task", tid);
    for (size_t i = 0; i < l.n; i++)
        if (str_eq(json_get_str(l.items[i], "assigned_to"), assignee))
            return bx_bad_request(ctx, "invalid_parameter", "assign_to", "The user is already assigned to this task");
    json_value *as = json_object(a);
    json_set_str(a, as, "id", bx_next_id(ctx, "task_assignment"));
    json_set_str(a, as, "task_id", tid);
    json_set_str(a, as, "file_id", json_get_str(file, "id"));
    json_set_str(a, as, "assigned_to", assignee);
    json_set_str(a, as, "assigned_by", bx_me(ctx));
    json_set_str(a, as, "assigned_at", bx_now(ctx));
    json_set_str(a, as, "resolution_state", "incomplete");
    json_set_str(a, as, "message", "");
    assignment_save(ctx, as);
    json_value *out = assignment_json(ctx, as);
    emit(ctx, "TASK_ASSIGNMENT_CREATE", "TASK_ASSIGNMENT.CREATED", file, out);
    twin_reply_json(ctx, 201, out);
}

void bx_assignments_get(twin_ctx *ctx)
{
    json_value *file, *as = route_assignment(ctx, &file);
    if (as) twin_reply_json(ctx, 200, assignment_json(ctx, as));
}

/* The states an assignee may set: "complete" tasks complete, "review" ones approve or reject. */
static bool state_fits(const char *action, const char *state)
{
    if (str_eq(state, "incomplete")) return true;
    if (str_eq(action, "complete")) return str_eq(state, "completed");
    return str_eq(state, "approved") || str_eq(state, "rejected");
}

void bx_assignments_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *file, *as = route_assignment(ctx, &file);
    if (!as) return;
    if (!str_eq(json_get_str(as, "assigned_to"), bx_me(ctx))) return bx_forbidden(ctx);
    json_value *t = twin_doc_get(ctx, "tasks", json_get_str(as, "task_id"));
    const char *state = json_get_str(ctx->body, "resolution_state"), *msg = json_get_str(ctx->body, "message");
    if (json_get(ctx->body, "resolution_state") && !state_fits(json_get_str(t, "action"), state))
        return bx_bad_request(ctx, "invalid_parameter", "resolution_state",
                              arena_printf(a, "Invalid value '%s'. 'resolution_state' does not fit a '%s' task",
                                           state ? state : "", json_get_str(t, "action")));
    if (state) {
        json_set_str(a, as, "resolution_state", state);
        if (str_eq(state, "incomplete")) json_remove(as, "completed_at");
        else json_set_str(a, as, "completed_at", bx_now(ctx));
    }
    if (msg) json_set_str(a, as, "message", msg);
    assignment_save(ctx, as);
    json_value *out = assignment_json(ctx, as);
    emit(ctx, "TASK_ASSIGNMENT_UPDATE", "TASK_ASSIGNMENT.UPDATED", file, out);
    twin_reply_json(ctx, 200, out);
}

void bx_assignments_delete(twin_ctx *ctx)
{
    json_value *file, *as = route_assignment(ctx, &file);
    if (!as) return;
    json_value *t = twin_doc_get(ctx, "tasks", json_get_str(as, "task_id"));
    if (!bx_may_manage(ctx, t ? t : as, t ? "created_by" : "assigned_by", file)) return bx_forbidden(ctx);
    json_value *out = assignment_json(ctx, as);
    twin_doc_delete(ctx, "task_assignments", json_get_str(as, "id"));
    emit(ctx, "TASK_ASSIGNMENT_DELETE", NULL, file, out);
    twin_reply_text(ctx, 204, NULL, "", 0);
}
