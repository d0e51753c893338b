/* Stripe twin: /v1/file_links and their public URLs (/links/{id}), which
 * serve the file's bytes to anyone holding the link until it expires. */
#include <stdlib.h>
#include <string.h>

#include "twins/stripe/checkout.h"
#include "twins/stripe/extra_routes.h"
#include "util/util.h"

/* Purposes whose files Stripe keeps private (no links). */
static const char *const private_purposes[] = {"identity_document", "additional_verification", "pci_document",
                                               "selfie", "document_provider_identity_document", NULL};

static bool is_private(const char *purpose)
{
    for (size_t i = 0; private_purposes[i]; i++)
        if (str_eq(private_purposes[i], purpose)) return true;
    return false;
}

static bool expired(twin_ctx *ctx, const json_value *link)
{
    int64_t exp = 0;
    return json_int64(json_get(link, "expires_at"), &exp) && exp <= twin_now(ctx);
}

static json_value *render(twin_ctx *ctx, json_value *link)
{
    json_set_bool(ctx->a, link, "expired", expired(ctx, link));
    return link;
}

void stripe_file_link_save(twin_ctx *ctx, const json_value *link)
{
    store_index idx = {"file", json_get_str(link, "file")};
    twin_doc_put(ctx, STRIPE_FILE_LINKS, json_get_str(link, "id"), link, &idx, 1);
}

/* expires_at: a future unix time; "now" (updates only) expires the link; "" clears it. */
static bool apply_expiry(twin_ctx *ctx, json_value *link, const json_value *in, const char *param, bool update)
{
    const char *v = stripe_sub_str(in, "expires_at");
    if (!v) return true;
    if (!*v) {
        json_set_null(ctx->a, link, "expires_at");
        return true;
    }
    int64_t now = twin_now(ctx);
    if (update && str_eq(v, "now")) {
        json_set_int(ctx->a, link, "expires_at", now);
        return true;
    }
    char *end = NULL;
    long long t = strtoll(v, &end, 10);
    if (*end) {
        stripe_invalid(ctx, param, "parameter_invalid_integer", "Invalid integer: %s", v);
        return false;
    }
    if (t <= now) {
        stripe_invalid(ctx, param, NULL, "The expiration time must be in the future.");
        return false;
    }
    json_set_int(ctx->a, link, "expires_at", t);
    return true;
}

/* metadata[...] of a nested parameter object (file_link_data[metadata]). */
static bool apply_nested_metadata(twin_ctx *ctx, json_value *link, const json_value *in, const char *param)
{
    json_value *md = json_get(in, "metadata");
    if (!md) return true;
    if (md->type != JSON_OBJECT) {
        stripe_invalid(ctx, param, NULL, "Invalid object");
        return false;
    }
    json_value *out = json_get(link, "metadata");
    json_foreach(m, md) {
        const char *v = stripe_sub_str(md, m->key);
        if (v && *v) json_set_str(ctx->a, out, m->key, v);
    }
    return true;
}

json_value *stripe_file_link_build(twin_ctx *ctx, const json_value *file, const json_value *in, const char *param_prefix)
{
    arena *a = ctx->a;
    const char *purpose = json_get_str(file, "purpose");
    if (is_private(purpose)) {
        stripe_invalid(ctx, *param_prefix ? param_prefix : "file", NULL,
                       "Links cannot be created for files with purpose `%s`.", purpose);
        return NULL;
    }
    json_value *link = stripe_new_object(ctx, "file_link", "link_");
    const char *id = json_get_str(link, "id");
    json_set_int(a, link, "created", twin_now(ctx));
    json_set_bool(a, link, "expired", false);
    json_set_null(a, link, "expires_at");
    json_set_str(a, link, "file", json_get_str(file, "id"));
    json_set_bool(a, link, "livemode", false);
    json_set(a, link, "metadata", json_object(a));
    json_set_str(a, link, "url", arena_printf(a, "%s/links/%s", ctx->inst ? ctx->inst->base_url : "", id));
    const char *exp_param = *param_prefix ? arena_printf(a, "%s[expires_at]", param_prefix) : "expires_at";
    const char *md_param = *param_prefix ? arena_printf(a, "%s[metadata]", param_prefix) : "metadata";
    if (!apply_expiry(ctx, link, in, exp_param, false) || !apply_nested_metadata(ctx, link, in, md_param)) return NULL;
    return link;
}

/* ---- routes ---- */

void stripe_create_file_link(twin_ctx *ctx)
{
    const char *file_id = NULL;
    if (!stripe_str_param(ctx, "file", true, &file_id)) return;
    json_value *file = stripe_get(ctx, STRIPE_FILES, file_id);
    if (!file) {
        stripe_missing(ctx, "file upload", file_id, "file");
        return;
    }
    json_value *link = stripe_file_link_build(ctx, file, ctx->body, "");
    if (!link) return;
    stripe_file_link_save(ctx, link);
    stripe_send_object(ctx, 200, link);
}

void stripe_retrieve_file_link(twin_ctx *ctx)
{
    json_value *link = stripe_load(ctx, STRIPE_FILE_LINKS, "file link", twin_param(ctx, "id"), "link");
    if (link) stripe_send_object(ctx, 200, render(ctx, link));
}

void stripe_update_file_link(twin_ctx *ctx)
{
    json_value *link = stripe_load(ctx, STRIPE_FILE_LINKS, "file link", twin_param(ctx, "id"), "link");
    if (!link) return;
    if (expired(ctx, link)) {
        stripe_invalid(ctx, NULL, NULL, "Cannot update an expired file link.");
        return;
    }
    if (!apply_expiry(ctx, link, ctx->body, "expires_at", true) || !stripe_apply_metadata(ctx, link)) return;
    stripe_file_link_save(ctx, link);
    stripe_send_object(ctx, 200, render(ctx, link));
}

typedef struct link_filter {
    twin_ctx *ctx;
    bool want_expired;
} link_filter;

static bool filter_expired(const json_value *link, void *data)
{
    const link_filter *f = data;
    return expired(f->ctx, link) == f->want_expired;
}

void stripe_list_file_links(twin_ctx *ctx)
{
    const char *file = twin_arg(ctx, "file"), *exp = twin_arg(ctx, "expired");
    listing_query q = {.collection = STRIPE_FILE_LINKS, .newest_first = true};
    if (file && *file) {
        q.index_name = "file";
        q.index_value = file;
    }
    link_filter f = {ctx, str_eq(exp, "true")};
    if (exp && *exp) {
        if (!str_eq(exp, "true") && !str_eq(exp, "false")) {
            stripe_invalid(ctx, "expired", NULL, "Invalid boolean: %s", exp);
            return;
        }
        q.filter = filter_expired;
        q.filter_data = &f;
    }
    twin_list page;
    if (!stripe_list_fetch(ctx, &q, &page)) return;
    for (size_t i = 0; i < page.n; i++) render(ctx, page.items[i]);
    stripe_send_list(ctx, "/v1/file_links", &page);
}

/* GET /links/{id}: the file's bytes, for anyone holding the link. */
void stripe_page_file_link(twin_ctx *ctx)
{
    json_value *link = stripe_get(ctx, STRIPE_FILE_LINKS, twin_param(ctx, "id"));
    json_value *file = link ? stripe_get(ctx, STRIPE_FILES, json_get_str(link, "file")) : NULL;
    if (!file) {
        page_message(ctx, 404, "Not found", "This file link does not exist.");
        return;
    }
    if (expired(ctx, link)) {
        page_message(ctx, 410, "Link expired", "This file link has expired.");
        return;
    }
    stripe_file_send_bytes(ctx, file);
}
