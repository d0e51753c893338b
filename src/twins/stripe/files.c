/* Stripe twin: /v1/files (multipart upload, retrieve, list, download).
 *
 * The file object lives in "files"; its bytes, base64-encoded, in
 * "file_contents" under the same id, so listing files never loads them.
 * The object's url points at this twin's /v1/files/{id}/contents, which
 * (like files.stripe.com) wants the secret key. */
#include <string.h>

#include "http/form.h"
#include "twins/stripe/extra_routes.h"
#include "util/base64.h"
#include "util/util.h"

/* Uploaded files are kept a year, as Stripe keeps evidence and documents. */
#define FILE_LIFETIME (365 * 86400)

static const char *const purposes[] = {"account_requirement",
                                       "additional_verification",
                                       "business_icon",
                                       "business_logo",
                                       "customer_signature",
                                       "dispute_evidence",
                                       "document_provider_identity_document",
                                       "finance_report_run",
                                       "identity_document",
                                       "identity_document_downloadable",
                                       "pci_document",
                                       "selfie",
                                       "sigma_scheduled_query",
                                       "tax_document_user_upload",
                                       "terminal_reader_splashscreen",
                                       NULL};

static const struct {
    const char *ext, *mime;
} types[] = {
    {"pdf", "application/pdf"}, {"png", "image/png"},  {"jpg", "image/jpeg"}, {"gif", "image/gif"},
    {"csv", "text/csv"},        {"txt", "text/plain"}, {"json", "application/json"},
    {"html", "text/html"},      {"xml", "application/xml"}, {"zip", "application/zip"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
};

/* "pdf" from "Evidence.PDF"; "jpeg" counts as "jpg"; NULL without an extension. */
static const char *type_of(twin_ctx *ctx, const char *filename)
{
    const char *dot = filename ? strrchr(filename, '.') : NULL;
    if (!dot || !dot[1] || strchr(dot, '/')) return NULL;
    char *ext = arena_strdup(ctx->a, dot + 1);
    for (char *p = ext; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    return str_eq(ext, "jpeg") ? "jpg" : ext;
}

static const char *mime_of(const char *type, const char *part_type)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (str_eq(types[i].ext, type)) return types[i].mime;
    return part_type && *part_type ? part_type : "application/octet-stream";
}

json_value *stripe_file_render(twin_ctx *ctx, json_value *file)
{
    arena *a = ctx->a;
    const char *id = json_get_str(file, "id");
    twin_list links = {0};
    store_list_opts o = {.limit = 10, .newest_first = true, .index_name = "file", .index_value = id};
    if (twin_doc_list(ctx, STRIPE_FILE_LINKS, &o, &links) != 0) links = (twin_list){0};
    json_value *data = json_array(a);
    int64_t now = twin_now(ctx);
    for (size_t i = 0; i < links.n; i++) {
        int64_t exp = 0;
        bool has_exp = json_int64(json_get(links.items[i], "expires_at"), &exp);
        json_set_bool(a, links.items[i], "expired", has_exp && exp <= now);
        json_push(data, links.items[i]);
    }
    json_value *list = json_object(a);
    json_set_str(a, list, "object", "list");
    json_set(a, list, "data", data);
    json_set_bool(a, list, "has_more", links.has_more);
    json_set_str(a, list, "url", arena_printf(a, "/v1/file_links?file=%s", id));
    json_set(a, file, "links", list);
    return file;
}

void stripe_file_send_bytes(twin_ctx *ctx, const json_value *file)
{
    json_value *c = stripe_get(ctx, STRIPE_FILE_CONTENTS, json_get_str(file, "id"));
    size_t len = 0;
    const char *bytes = base64_decode(ctx->a, c ? json_get_str(c, "data") ? json_get_str(c, "data") : "" : "", &len);
    const char *mime = json_get_str(c, "content_type");
    stripe_stamp(ctx);
    const char *name = json_get_str(file, "filename");
    if (name && !strpbrk(name, "\"\r\n\\"))
        http_set_header(ctx->req, "Content-Disposition", arena_printf(ctx->a, "inline; filename=\"%s\"", name));
    twin_reply_text(ctx, 200, mime ? mime : "application/octet-stream", bytes, len);
}

/* The "file" part of the multipart body, or NULL. */
static const multipart_part *file_part(twin_ctx *ctx)
{
    const char *ct = ctx->req ? http_header_get(ctx->req, "Content-Type") : NULL;
    if (!ct || !str_starts_with(http_content_type(ctx->req), "multipart/form-data")) return NULL;
    multipart_part *parts = NULL;
    size_t n = 0;
    if (!multipart_parse(ctx->a, ct, ctx->req->body, ctx->req->body_len, &parts, &n)) return NULL;
    for (size_t i = 0; i < n; i++)
        if (str_eq(parts[i].name, "file")) return &parts[i];
    return NULL;
}

static bool one_of(const char *v, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (str_eq(v, list[i])) return true;
    return false;
}

void stripe_create_file(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const multipart_part *part = file_part(ctx);
    if (!part) {
        stripe_invalid(ctx, "file", "parameter_missing", "Missing required param: file.");
        return;
    }
    const char *purpose = NULL;
    if (!stripe_str_param(ctx, "purpose", true, &purpose)) return;
    if (!one_of(purpose, purposes)) {
        stripe_invalid(ctx, "purpose", NULL,
                       "Invalid purpose: must be one of account_requirement, additional_verification, "
                       "business_icon, business_logo, customer_signature, dispute_evidence, identity_document, "
                       "pci_document, tax_document_user_upload, or terminal_reader_splashscreen");
        return;
    }
    if (part->len == 0) {
        stripe_invalid(ctx, "file", NULL, "The file you uploaded is empty.");
        return;
    }
    json_value *link_in = twin_input(ctx, "file_link_data");
    if (link_in && link_in->type != JSON_OBJECT) {
        stripe_invalid(ctx, "file_link_data", NULL, "Invalid object");
        return;
    }
    bool make_link = str_eq(stripe_sub_str(link_in, "create"), "true");
    json_value *f = stripe_new_object(ctx, "file", "file_");
    const char *id = json_get_str(f, "id");
    int64_t now = twin_now(ctx);
    const char *filename = part->filename && *part->filename ? part->filename : NULL;
    const char *type = type_of(ctx, filename);
    json_set_int(a, f, "created", now);
    json_set_int(a, f, "expires_at", now + FILE_LIFETIME);
    json_set_str(a, f, "filename", filename);
    json_set_str(a, f, "purpose", purpose);
    json_set_int(a, f, "size", (int64_t)part->len);
    json_set_null(a, f, "title");
    json_set_str(a, f, "type", type);
    json_set_str(a, f, "url",
                 arena_printf(a, "%s/v1/files/%s/contents", ctx->inst ? ctx->inst->base_url : "", id));
    json_value *link = NULL;
    if (make_link && !(link = stripe_file_link_build(ctx, f, link_in, "file_link_data"))) return;
    json_value *content = json_object(a);
    json_set_str(a, content, "id", id);
    json_set_str(a, content, "content_type", mime_of(type, part->content_type));
    json_set_str(a, content, "data", base64_encode(a, part->data, part->len));
    twin_doc_put(ctx, STRIPE_FILE_CONTENTS, id, content, NULL, 0);
    stripe_save(ctx, STRIPE_FILES, f);
    if (link) stripe_file_link_save(ctx, link);
    stripe_send_object(ctx, 200, stripe_file_render(ctx, f));
}

void stripe_retrieve_file(twin_ctx *ctx)
{
    json_value *f = stripe_load(ctx, STRIPE_FILES, "file upload", twin_param(ctx, "id"), "file");
    if (f) stripe_send_object(ctx, 200, stripe_file_render(ctx, f));
}

void stripe_file_contents(twin_ctx *ctx)
{
    json_value *f = stripe_load(ctx, STRIPE_FILES, "file upload", twin_param(ctx, "id"), "file");
    if (f) stripe_file_send_bytes(ctx, f);
}

static bool filter_purpose(const json_value *f, void *data)
{
    return str_eq(json_get_str(f, "purpose"), data);
}

void stripe_list_files(twin_ctx *ctx)
{
    const char *purpose = twin_arg(ctx, "purpose");
    listing_query q = {.collection = STRIPE_FILES, .newest_first = true};
    if (purpose && *purpose) {
        q.filter = filter_purpose;
        q.filter_data = (void *)purpose;
    }
    twin_list page;
    if (!stripe_list_fetch(ctx, &q, &page)) return;
    for (size_t i = 0; i < page.n; i++) stripe_file_render(ctx, page.items[i]);
    stripe_send_list(ctx, "/v1/files", &page);
}
