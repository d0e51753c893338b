/* Stripe twin: /v1/products. */
#include <string.h>

#include "twins/stripe/stripe.h"
#include "util/util.h"

static json_value *product_skeleton(twin_ctx *ctx, const char *id)
{
    arena *a = ctx->a;
    json_value *p = json_object(a);
    json_set_str(a, p, "id", id ? id : twin_new_id(ctx, "prod_", 14));
    json_set_str(a, p, "object", "product");
    json_set_bool(a, p, "active", true);
    int64_t now = twin_now(ctx);
    json_set_int(a, p, "created", now);
    json_set_null(a, p, "default_price");
    json_set_null(a, p, "description");
    json_set(a, p, "features", json_array(a));
    json_set(a, p, "images", json_array(a));
    json_set_bool(a, p, "livemode", false);
    json_set(a, p, "metadata", json_object(a));
    json_set_null(a, p, "name");
    json_set_null(a, p, "package_dimensions");
    json_set_null(a, p, "shippable");
    json_set_null(a, p, "statement_descriptor");
    json_set_null(a, p, "tax_code");
    json_set_null(a, p, "unit_label");
    json_set_int(a, p, "updated", now);
    json_set_null(a, p, "url");
    return p;
}

static const char *const text_fields[] = {"description", "statement_descriptor", "unit_label", "url", NULL};

/* Members shared by create (from any parameter object) and update. */
static void apply_product_fields(twin_ctx *ctx, json_value *p, const json_value *in)
{
    arena *a = ctx->a;
    const char *name = stripe_sub_str(in, "name");
    if (name && *name) json_set_str(a, p, "name", name);
    for (size_t i = 0; text_fields[i]; i++) {
        const char *v = stripe_sub_str(in, text_fields[i]);
        if (v) json_set(a, p, text_fields[i], *v ? json_string(a, v) : json_null(a));
    }
    const char *active = stripe_sub_str(in, "active");
    if (active) json_set_bool(a, p, "active", !str_eq(active, "false"));
    json_value *images = json_get(in, "images");
    if (images && images->type == JSON_ARRAY) json_set(a, p, "images", json_clone(a, images));
}

json_value *stripe_product_build(twin_ctx *ctx, const json_value *in, stripe_fail *f)
{
    arena *a = ctx->a;
    const char *name = stripe_sub_str(in, "name");
    if (!name || !*name) {
        *f = (stripe_fail){400, {.code = "parameter_missing", .param = "name", .message = "Missing required param: name."}};
        return NULL;
    }
    const char *id = stripe_sub_str(in, "id");
    if (id && *id && stripe_get(ctx, "products", id)) {
        *f = (stripe_fail){400, {.code = "resource_already_exists", .param = "id",
                                 .message = arena_printf(a, "Product already exists.")}};
        return NULL;
    }
    json_value *p = product_skeleton(ctx, id && *id ? id : NULL);
    apply_product_fields(ctx, p, in);
    json_value *md = json_get(in, "metadata");
    if (md && md->type == JSON_OBJECT) json_set(a, p, "metadata", json_clone(a, md));
    stripe_save(ctx, "products", p);
    const json_value *dpd = json_get(in, "default_price_data");
    if (dpd && dpd->type == JSON_OBJECT) {
        json_value *price = stripe_price_build(ctx, dpd, json_get_str(p, "id"), "default_price_data", f);
        if (!price) {
            twin_doc_delete(ctx, "products", json_get_str(p, "id"));
            return NULL;
        }
        json_set_str(a, p, "default_price", json_get_str(price, "id"));
        stripe_save(ctx, "products", p);
    }
    stripe_emit(ctx, "product.created", p, NULL);
    return p;
}

void stripe_create_product(twin_ctx *ctx)
{
    stripe_fail f;
    json_value *p = stripe_product_build(ctx, ctx->body, &f);
    if (!p) stripe_fail_send(ctx, &f);
    else stripe_send_object(ctx, 200, p);
}

void stripe_retrieve_product(twin_ctx *ctx)
{
    stripe_retrieve(ctx, "products", "product", "id");
}

void stripe_update_product(twin_ctx *ctx)
{
    json_value *p = stripe_load(ctx, "products", "product", twin_param(ctx, "id"), "id");
    if (!p) return;
    json_value *before = json_clone(ctx->a, p);
    bool active, has_active;
    if (!stripe_bool_param(ctx, "active", &active, &has_active) || !stripe_apply_metadata(ctx, p)) return;
    const char *dp = twin_arg(ctx, "default_price");
    if (dp && *dp) {
        json_value *price = stripe_load(ctx, "prices", "price", dp, "default_price");
        if (!price) return;
        json_set_str(ctx->a, p, "default_price", dp);
    }
    apply_product_fields(ctx, p, ctx->body);
    json_set_int(ctx->a, p, "updated", twin_now(ctx));
    stripe_save(ctx, "products", p);
    json_value *prev = stripe_diff(ctx, before, p);
    json_remove(prev, "updated");
    if (prev->len) stripe_emit(ctx, "product.updated", p, prev);
    stripe_send_object(ctx, 200, p);
}

void stripe_delete_product(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "id");
    json_value *p = stripe_load(ctx, "products", "product", id, "id");
    if (!p) return;
    if (twin_doc_count(ctx, "prices", "product", id) > 0) {
        stripe_invalid(ctx, NULL, NULL,
                       "This product cannot be deleted because it has one or more user-created prices.");
        return;
    }
    twin_doc_delete(ctx, "products", id);
    stripe_emit(ctx, "product.deleted", p, NULL);
    json_value *d = json_object(ctx->a);
    json_set_str(ctx->a, d, "id", id);
    json_set_str(ctx->a, d, "object", "product");
    json_set_bool(ctx->a, d, "deleted", true);
    stripe_reply(ctx, 200, d);
}

static bool filter_active(const json_value *p, void *data)
{
    return json_truthy(json_get(p, "active")) == str_eq(data, "true");
}

void stripe_list_products(twin_ctx *ctx)
{
    const char *active = twin_arg(ctx, "active");
    listing_query q = {.collection = "products", .newest_first = true};
    if (active) {
        q.filter = filter_active;
        q.filter_data = (void *)active;
    }
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/products", &page);
}
