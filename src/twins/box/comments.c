/* Box twin: comments on files (create, reply, get, edit, delete, a file's list).
 *
 * A comment sits on a file, or replies to another comment of that file;
 * either way it is stored with the file's id (index "file"), so a file's
 * list and its access rules come from the file.  Whoever can preview the
 * file may read and add comments (every role but uploader); only the
 * author edits a comment, and the author or the file's owner/co-owner
 * deletes it (its replies go with it).  Changes are recorded as
 * COMMENT_CREATE / COMMENT_EDIT / COMMENT_DELETE events and fire the
 * COMMENT.* webhook triggers with the comment as the payload's source. */
#include <string.h>

#include "twins/box/box.h"
#include "util/util.h"

static const char *const comment_standard[] = {"type", "id", "is_reply_comment", "message", "created_by",
                                               "created_at", "modified_at", "item", NULL};
static const char *const comment_full[] = {"type", "id", "is_reply_comment", "message", "tagged_message",
                                           "created_by", "created_at", "modified_at", "item", NULL};

/* "@[id:name] text" as Box shows it in message: "@name text". */
static const char *untag(arena *a, const char *tagged)
{
    buf b = BUF_INIT;
    for (const char *p = tagged; *p;) {
        const char *colon, *close;
        if (p[0] == '@' && p[1] == '[' && (close = strchr(p, ']')) && (colon = memchr(p, ':', (size_t)(close - p)))) {
            buf_append(&b, "@", 1);
            buf_append(&b, colon + 1, (size_t)(close - colon - 1));
            p = close + 1;
        } else {
            buf_append(&b, p++, 1);
        }
    }
    const char *out = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return out;
}

static json_value *comment_render_full(twin_ctx *ctx, const json_value *c)
{
    arena *a = ctx->a;
    const char *parent = json_get_str(c, "parent_id");
    json_value *o = json_object(a), *item = json_object(a);
    json_set_str(a, o, "type", "comment");
    json_set_str(a, o, "id", json_get_str(c, "id"));
    json_set_bool(a, o, "is_reply_comment", parent != NULL);
    json_set_str(a, o, "message", json_get_str(c, "message"));
    json_set_str(a, o, "tagged_message", json_get_str(c, "tagged_message"));
    json_set(a, o, "created_by", bx_user_mini(ctx, json_get_str(c, "created_by")));
    json_set_str(a, o, "created_at", json_get_str(c, "created_at"));
    json_set_str(a, o, "modified_at", json_get_str(c, "modified_at"));
    json_set_str(a, item, "id", parent ? parent : json_get_str(c, "file_id"));
    json_set_str(a, item, "type", parent ? "comment" : "file");
    json_set(a, o, "item", item);
    return o;
}

/* Single comments answer the full representation, lists the standard one. */
static json_value *comment_json(twin_ctx *ctx, const json_value *c, bool full)
{
    return bx_pick(ctx, comment_render_full(ctx, c), bx_query(ctx, "fields"), full ? comment_full : comment_standard);
}

static void comment_save(twin_ctx *ctx, json_value *c)
{
    store_index idx = {"file", json_get_str(c, "file_id")};
    twin_doc_put(ctx, "comments", json_get_str(c, "id"), c, &idx, 1);
}

static twin_list comments_of(twin_ctx *ctx, const char *file_id)
{
    twin_list l = {0};
    store_list_opts o = {.index_name = "file", .index_value = file_id};
    twin_doc_list(ctx, "comments", &o, &l);
    return l;
}

/* The comment a route names, when the caller can reach its (active) file. */
static json_value *route_comment(twin_ctx *ctx, json_value **file)
{
    const char *id = twin_param(ctx, "comment_id");
    json_value *c = twin_doc_get(ctx, "comments", id);
    json_value *f = c ? bx_reachable_file(ctx, json_get_str(c, "file_id")) : NULL;
    if (!f) {
        bx_not_found(ctx, "comment", id);
        return NULL;
    }
    *file = f;
    return c;
}

static void emit(twin_ctx *ctx, const char *event_type, const char *trigger, const json_value *file,
                 const json_value *c)
{
    bx_emit_about(ctx, event_type, trigger, file, bx_pick(ctx, comment_render_full(ctx, c), NULL, comment_full));
}

/* Reads message / tagged_message from the body into c; false (answered) when neither is usable. */
static bool take_message(twin_ctx *ctx, json_value *c)
{
    arena *a = ctx->a;
    json_value *m = json_get(ctx->body, "message"), *t = json_get(ctx->body, "tagged_message");
    if (t && t->type != JSON_NULL) {
        if (!json_str(t) || !*t->str)
            return bx_bad_request(ctx, "invalid_parameter", "tagged_message",
                                  "'tagged_message' must be a non-empty string"),
                   false;
        json_set_str(a, c, "tagged_message", t->str);
        json_set_str(a, c, "message", untag(a, t->str));
        return true;
    }
    if (!m || m->type == JSON_NULL) return bx_missing(ctx, "message"), false;
    if (!json_str(m) || !*m->str)
        return bx_bad_request(ctx, "invalid_parameter", "message", "'message' must be a non-empty string"), false;
    json_set_str(a, c, "message", m->str);
    json_set_str(a, c, "tagged_message", m->str);
    return true;
}

void bx_comments_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *item = json_get(ctx->body, "item");
    if (!item || item->type != JSON_OBJECT) return bx_missing(ctx, "item");
    const char *itype = json_get_str(item, "type"), *iid = json_get_str(item, "id");
    if (!str_eq(itype, "file") && !str_eq(itype, "comment"))
        return bx_bad_request(ctx, "invalid_parameter", "item", "'item.type' must be 'file' or 'comment'");
    if (!iid) return bx_missing(ctx, "item.id");
    json_value *c = json_object(a), *file;
    if (str_eq(itype, "comment")) {
        json_value *parent = twin_doc_get(ctx, "comments", iid);
        file = parent ? bx_reachable_file(ctx, json_get_str(parent, "file_id")) : NULL;
        if (!file) return bx_not_found(ctx, "comment", iid);
        /* Box threads one level deep: a reply to a reply joins its thread */
        const char *root = json_get_str(parent, "parent_id");
        json_set_str(a, c, "parent_id", root ? root : iid);
    } else if (!(file = bx_active_item(ctx, bx_file_get(ctx, iid), iid))) {
        return;
    }
    if (!bx_require(ctx, file, BX_COMMENT)) return;
    if (!take_message(ctx, c)) return;
    const char *id = bx_next_id(ctx, "comment"), *now = bx_now(ctx);
    json_set_str(a, c, "id", id);
    json_set_str(a, c, "file_id", json_get_str(file, "id"));
    json_set_str(a, c, "created_by", bx_me(ctx));
    json_set_str(a, c, "created_at", now);
    json_set_str(a, c, "modified_at", now);
    comment_save(ctx, c);
    emit(ctx, "COMMENT_CREATE", "COMMENT.CREATED", file, c);
    twin_reply_json(ctx, 201, comment_json(ctx, c, true));
}

void bx_comments_get(twin_ctx *ctx)
{
    json_value *file, *c = route_comment(ctx, &file);
    if (c) twin_reply_json(ctx, 200, comment_json(ctx, c, true));
}

void bx_comments_update(twin_ctx *ctx)
{
    json_value *file, *c = route_comment(ctx, &file);
    if (!c) return;
    if (!str_eq(json_get_str(c, "created_by"), bx_me(ctx))) return bx_forbidden(ctx);
    if (json_get(ctx->body, "message") || json_get(ctx->body, "tagged_message")) {
        if (!take_message(ctx, c)) return;
    }
    json_set_str(ctx->a, c, "modified_at", bx_now(ctx));
    comment_save(ctx, c);
    emit(ctx, "COMMENT_EDIT", "COMMENT.UPDATED", file, c);
    twin_reply_json(ctx, 200, comment_json(ctx, c, true));
}

void bx_comments_delete(twin_ctx *ctx)
{
    json_value *file, *c = route_comment(ctx, &file);
    if (!c) return;
    if (!bx_may_manage(ctx, c, "created_by", file)) return bx_forbidden(ctx);
    const char *id = json_get_str(c, "id");
    twin_list l = comments_of(ctx, json_get_str(file, "id"));
    for (size_t i = 0; i < l.n; i++)
        if (str_eq(json_get_str(l.items[i], "parent_id"), id))
            twin_doc_delete(ctx, "comments", json_get_str(l.items[i], "id"));
    twin_doc_delete(ctx, "comments", id);
    emit(ctx, "COMMENT_DELETE", "COMMENT.DELETED", file, c);
    twin_reply_text(ctx, 204, NULL, "", 0);
}

/* GET /files/{id}/comments: offset paging, oldest first. */
void bx_files_comments(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "file_id");
    json_value *file = bx_active_item(ctx, bx_file_get(ctx, id), id);
    if (!file) return;
    int64_t limit, offset;
    if (!bx_paging(ctx, 100, 1000, &limit, &offset)) return;
    twin_list l = comments_of(ctx, json_get_str(file, "id"));
    bx_page page = bx_page_start(ctx, offset, limit);
    for (size_t i = 0; i < l.n; i++)
        if (bx_page_take(&page)) json_push(page.entries, comment_json(ctx, l.items[i], false));
    twin_reply_json(ctx, 200, bx_page_json(ctx, &page, NULL));
}
