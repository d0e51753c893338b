/* Notion twin: workspace plans (file-size and guest limits) and the file
 * upload API (single-part: create, send, retrieve, list). */
#include <string.h>

#include "http/form.h"
#include "twins/notion/notion.h"
#include "util/util.h"

#define MIB (1024LL * 1024)
#define SINGLE_PART_MAX (20 * MIB)

static const struct plan {
    const char *name;
    int64_t max_bytes;
    int64_t max_guests;     /* -1 = unlimited */
} plans[] = {
    {"free", 5 * MIB, 10},
    {"plus", 5 * 1024 * MIB, 100},
    {"business", 5 * 1024 * MIB, 250},
    {"enterprise", 5 * 1024 * MIB, -1},
};
#define N_PLANS (sizeof plans / sizeof plans[0])

static const struct plan *plan_named(const char *name)
{
    for (size_t i = 0; i < N_PLANS; i++)
        if (str_eq(plans[i].name, name)) return &plans[i];
    return NULL;
}

const char *nt_plan(twin_ctx *ctx)
{
    json_value *s = twin_doc_get(ctx, "_settings", "workspace");
    const char *p = json_get_str(s, "workspace_plan");
    if (!plan_named(p)) p = json_get_str(ctx->config, "workspace_plan");
    if (!plan_named(p)) p = json_get_str(ctx->config, "plan");
    return plan_named(p) ? p : "free";
}

int64_t nt_plan_limit(twin_ctx *ctx)
{
    return plan_named(nt_plan(ctx))->max_bytes;
}

static json_value *plan_view(twin_ctx *ctx, bool ok)
{
    arena *a = ctx->a;
    const struct plan *p = plan_named(nt_plan(ctx));
    json_value *o = json_object(a), *l = json_object(a);
    if (ok) json_set_bool(a, o, "ok", true);
    json_set_str(a, o, "workspace_plan", p->name);
    json_set_int(a, l, "max_file_upload_bytes", p->max_bytes);
    if (p->max_guests < 0) json_set_null(a, l, "max_guests");
    else json_set_int(a, l, "max_guests", p->max_guests);
    json_set(a, o, "limits", l);
    return o;
}

void nt_admin_plan(twin_ctx *ctx)
{
    if (str_eq(ctx->req->method, "GET")) return twin_reply_json(ctx, 200, plan_view(ctx, false));
    const char *name = json_get_str(ctx->body, "workspace_plan");
    if (!name) name = json_get_str(ctx->body, "plan");
    if (!plan_named(name)) {
        json_value *o = json_object(ctx->a);
        json_set_bool(ctx->a, o, "ok", false);
        json_set_str(ctx->a, o, "error", "invalid_workspace_plan");
        json_set_str(ctx->a, o, "detail", "workspace_plan must be one of free, plus, business, enterprise");
        return twin_reply_json(ctx, 400, o);
    }
    json_value *s = json_object(ctx->a);
    json_set_str(ctx->a, s, "workspace_plan", name);
    twin_doc_put(ctx, "_settings", "workspace", s, NULL, 0);
    twin_reply_json(ctx, 200, plan_view(ctx, true));
}

static const char *human(arena *a, int64_t n)
{
    if (n >= 1024 * MIB && n % (1024 * MIB) == 0) return arena_printf(a, "%lld GiB", (long long)(n / (1024 * MIB)));
    return arena_printf(a, "%lld MiB", (long long)(n / MIB));
}

static bool size_ok(twin_ctx *ctx, int64_t n)
{
    int64_t limit = nt_plan_limit(ctx);
    if (n > limit) {
        nt_invalid(ctx, arena_printf(ctx->a, "The file size (%lld bytes) exceeds the %s upload limit of the workspace's %s plan.",
                                     (long long)n, human(ctx->a, limit), nt_plan(ctx)));
        return false;
    }
    if (n > SINGLE_PART_MAX) {
        nt_invalid(ctx, arena_printf(ctx->a, "Files larger than 20 MiB must be uploaded in multi_part mode (size %lld bytes).",
                                     (long long)n));
        return false;
    }
    return true;
}

static json_value *upload_json(twin_ctx *ctx, const json_value *f)
{
    json_value *o = nt_public(ctx->a, f);
    if (str_eq(json_get_str(f, "status"), "pending"))
        json_set_str(ctx->a, o, "upload_url",
                     arena_printf(ctx->a, "%s/v1/file_uploads/%s/send", ctx->inst && ctx->inst->base_url ? ctx->inst->base_url
                                                                                                       : "https://api.notion.com",
                                  json_get_str(f, "id")));
    else json_set_null(ctx->a, o, "upload_url");
    return o;
}

void nt_files_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *mode = json_get_str(ctx->body, "mode");
    if (mode && !str_eq(mode, "single_part"))
        return nt_invalid(ctx, arena_printf(a, "Upload mode `%s` is not supported by this twin; use single_part.", mode));
    json_value *cl = json_get(ctx->body, "content_length");
    int64_t len = -1;
    if (cl && !json_is_null(cl) && (!json_int64(cl, &len) || len < 0))
        return nt_invalid(ctx, "body failed validation: body.content_length should be a non-negative integer.");
    if (len >= 0 && !size_ok(ctx, len)) return;
    json_value *f = json_object(a);
    const char *id = nt_uuid(ctx);
    json_set_str(a, f, "object", "file_upload");
    json_set_str(a, f, "id", id);
    json_set_str(a, f, "created_time", nt_now_iso(ctx));
    json_value *by = json_object(a);
    json_set_str(a, by, "id", nt_bot_id(ctx));
    json_set_str(a, by, "type", "bot");
    json_set(a, f, "created_by", by);
    json_set_str(a, f, "last_edited_time", nt_now_iso(ctx));
    char exp[40];
    format_iso8601((twin_now(ctx) + 3600) * 1000, true, exp, sizeof exp);
    json_set_str(a, f, "expiry_time", exp);
    json_set_bool(a, f, "archived", false);
    json_set_bool(a, f, "in_trash", false);
    json_set_str(a, f, "status", "pending");
    const char *name = json_get_str(ctx->body, "filename"), *ct = json_get_str(ctx->body, "content_type");
    json_set_str(a, f, "filename", name);
    json_set_str(a, f, "content_type", ct);
    json_set_null(a, f, "content_length");
    json_set_int(a, f, "_edit", twin_counter(ctx, "edit"));
    nt_save(ctx, "file_uploads", f, NULL, NULL);
    twin_reply_json(ctx, 200, upload_json(ctx, f));
}

static json_value *upload_load(twin_ctx *ctx)
{
    const char *id = nt_param_id(ctx, "id", "file_upload_id");
    if (!id) return NULL;
    json_value *f = twin_doc_get(ctx, "file_uploads", id);
    if (!f) nt_not_found(ctx, "file upload", id);
    return f;
}

void nt_files_send(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = upload_load(ctx);
    if (!f) return;
    if (!str_eq(json_get_str(f, "status"), "pending"))
        return nt_invalid(ctx, arena_printf(a, "File upload status must be `pending` to send, instead was `%s`.",
                                            json_get_str(f, "status")));
    multipart_part *parts = NULL;
    size_t n = 0;
    const char *ct = http_header_get(ctx->req, "Content-Type");
    if (!ct || !multipart_parse(a, ct, ctx->req->body, ctx->req->body_len, &parts, &n))
        return nt_invalid(ctx, "Request body must be multipart/form-data with a `file` part.");
    const multipart_part *file = NULL;
    for (size_t i = 0; i < n; i++)
        if (str_eq(parts[i].name, "file")) file = &parts[i];
    if (!file) return nt_invalid(ctx, "body failed validation: body.file should be defined, instead was `undefined`.");
    if (!size_ok(ctx, (int64_t)file->len)) return;
    json_set_str(a, f, "status", "uploaded");
    json_set_int(a, f, "content_length", (int64_t)file->len);
    if (!json_get_str(f, "filename") && file->filename) json_set_str(a, f, "filename", file->filename);
    if (!json_get_str(f, "content_type"))
        json_set_str(a, f, "content_type", file->content_type ? file->content_type : "application/octet-stream");
    json_set_str(a, f, "last_edited_time", nt_now_iso(ctx));
    nt_save(ctx, "file_uploads", f, NULL, NULL);
    twin_reply_json(ctx, 200, upload_json(ctx, f));
}

void nt_files_complete(twin_ctx *ctx)
{
    json_value *f = upload_load(ctx);
    if (!f) return;
    nt_invalid(ctx, "Only multi_part file uploads can be completed.");
}

void nt_files_get(twin_ctx *ctx)
{
    json_value *f = upload_load(ctx);
    if (f) twin_reply_json(ctx, 200, upload_json(ctx, f));
}

void nt_files_list(twin_ctx *ctx)
{
    const char *status = json_get_str(ctx->query, "status");
    twin_list l = {0};
    store_list_opts o = {.newest_first = true};
    twin_doc_list(ctx, "file_uploads", &o, &l);
    json_value *items = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++)
        if (!status || str_eq(json_get_str(l.items[i], "status"), status)) json_push(items, upload_json(ctx, l.items[i]));
    nt_send_list(ctx, items, "file_upload");
}
