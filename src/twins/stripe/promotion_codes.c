/* Stripe twin: /v1/promotion_codes (customer-facing codes for a coupon). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "twins/stripe/billing.h"
#include "util/util.h"

#define COLL "promotion_codes"

static json_value *restrictions(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *in = twin_input(ctx, "restrictions");
    json_value *r = json_object(a);
    json_set(a, r, "currency_options", json_object(a));
    json_set_bool(a, r, "first_time_transaction", str_eq(stripe_sub_str(in, "first_time_transaction"), "true"));
    const char *min = stripe_sub_str(in, "minimum_amount");
    if (min && *min) json_set(a, r, "minimum_amount", json_number_text(a, min));
    else json_set_null(a, r, "minimum_amount");
    json_set_str(a, r, "minimum_amount_currency", stripe_sub_str(in, "minimum_amount_currency"));
    return r;
}

static bool valid_min(twin_ctx *ctx)
{
    const char *min = stripe_sub_str(twin_input(ctx, "restrictions"), "minimum_amount");
    for (const char *p = min; p && *p; p++)
        if (!isdigit((unsigned char)*p)) {
            stripe_invalid(ctx, "restrictions[minimum_amount]", "parameter_invalid_integer", "Invalid integer: %s", min);
            return false;
        }
    return true;
}

static const char *generated_code(twin_ctx *ctx)
{
    char *code = twin_new_id(ctx, "", 8);
    for (char *p = code; *p; p++) *p = (char)toupper((unsigned char)*p);
    return code;
}

typedef struct code_filter {
    const char *code, *coupon, *customer, *active;
} code_filter;

static bool filter_code(const json_value *p, void *data)
{
    const code_filter *f = data;
    if (f->code && strcasecmp(json_get_str(p, "code") ? json_get_str(p, "code") : "", f->code) != 0) return false;
    if (f->coupon && !str_eq(json_get_str(json_get(p, "coupon"), "id"), f->coupon)) return false;
    if (f->customer && !str_eq(json_get_str(p, "customer"), f->customer)) return false;
    if (f->active && json_truthy(json_get(p, "active")) != str_eq(f->active, "true")) return false;
    return true;
}

static bool code_taken(twin_ctx *ctx, const char *code)
{
    code_filter f = {.code = code, .active = "true"};
    listing_query q = {.collection = COLL, .filter = filter_code, .filter_data = &f};
    listing_req all = {.limit = 1};
    twin_list hits = {0};
    return listing_fetch(ctx, &q, &all, &hits) == LISTING_OK && hits.n > 0;
}

static bool apply_create_params(twin_ctx *ctx, json_value *p)
{
    arena *a = ctx->a;
    int64_t expires = 0, max = 0;
    bool has_exp = false, has_max = false, active = true;
    const char *customer = NULL;
    if (!stripe_int_param(ctx, "expires_at", false, &expires, &has_exp) ||
        !stripe_int_param(ctx, "max_redemptions", false, &max, &has_max) ||
        !stripe_bool_param(ctx, "active", &active, NULL) || !stripe_str_param(ctx, "customer", false, &customer) ||
        !valid_min(ctx) || !stripe_apply_metadata(ctx, p))
        return false;
    if (customer && *customer && !stripe_get(ctx, "customers", customer)) {
        stripe_missing(ctx, "customer", customer, "customer");
        return false;
    }
    json_set_bool(a, p, "active", active);
    json_set_str(a, p, "customer", customer && *customer ? customer : NULL);
    if (has_exp) json_set_int(a, p, "expires_at", expires);
    else json_set_null(a, p, "expires_at");
    if (has_max) json_set_int(a, p, "max_redemptions", max);
    else json_set_null(a, p, "max_redemptions");
    json_set(a, p, "restrictions", restrictions(ctx));
    return true;
}

void stripe_create_promotion_code(twin_ctx *ctx)
{
    const char *coupon_id = NULL, *code = NULL;
    if (!stripe_str_param(ctx, "coupon", true, &coupon_id) || !stripe_str_param(ctx, "code", false, &code)) return;
    json_value *coupon = stripe_load(ctx, "coupons", "coupon", coupon_id, "coupon");
    if (!coupon) return;
    if (code && *code && code_taken(ctx, code)) {
        stripe_invalid(ctx, "code", NULL, "An active promotion code with `code: %s` already exists.", code);
        return;
    }
    arena *a = ctx->a;
    json_value *p = stripe_new_object(ctx, "promotion_code", "promo_");
    json_set_str(a, p, "code", code && *code ? code : generated_code(ctx));
    json_set(a, p, "coupon", coupon);
    json_set_int(a, p, "created", twin_now(ctx));
    json_set_bool(a, p, "livemode", false);
    json_set(a, p, "metadata", json_object(a));
    json_set_int(a, p, "times_redeemed", 0);
    if (!apply_create_params(ctx, p)) return;
    stripe_send_saved(ctx, 200, p, billing_save_emit(ctx, COLL, p, "promotion_code.created", NULL));
}

/* The stored code with its coupon's current state. */
static json_value *load_code(twin_ctx *ctx, const char *id, const char *param)
{
    json_value *p = stripe_load(ctx, COLL, "promotion code", id, param);
    if (!p) return NULL;
    json_value *coupon = stripe_get(ctx, "coupons", json_get_str(json_get(p, "coupon"), "id"));
    if (coupon) json_set(ctx->a, p, "coupon", coupon);
    return p;
}

void stripe_retrieve_promotion_code(twin_ctx *ctx)
{
    json_value *p = load_code(ctx, twin_param(ctx, "id"), "promotion_code");
    if (p) stripe_send_object(ctx, 200, p);
}

void stripe_update_promotion_code(twin_ctx *ctx)
{
    json_value *p = load_code(ctx, twin_param(ctx, "id"), "promotion_code");
    if (!p) return;
    json_value *before = json_clone(ctx->a, p);
    bool active = true, has_active = false;
    if (!stripe_bool_param(ctx, "active", &active, &has_active) || !stripe_apply_metadata(ctx, p)) return;
    if (has_active && active && !json_truthy(json_get(p, "active")) && code_taken(ctx, json_get_str(p, "code"))) {
        stripe_invalid(ctx, "active", NULL, "An active promotion code with `code: %s` already exists.",
                       json_get_str(p, "code"));
        return;
    }
    if (has_active) json_set_bool(ctx->a, p, "active", active);
    stripe_send_saved(ctx, 200, p, billing_save_changed(ctx, COLL, p, before, "promotion_code.updated"));
}

void stripe_list_promotion_codes(twin_ctx *ctx)
{
    code_filter f = {twin_arg(ctx, "code"), twin_arg(ctx, "coupon"), twin_arg(ctx, "customer"), twin_arg(ctx, "active")};
    billing_send_list(ctx, COLL, "/v1/promotion_codes", filter_code, &f);
}

json_value *billing_promotion_usable(twin_ctx *ctx, const char *id, const char *customer, const char *param)
{
    json_value *p = load_code(ctx, id, param);
    if (!p) return NULL;
    int64_t expires = billing_int(p, "expires_at"), max = billing_int(p, "max_redemptions");
    const char *only_for = json_get_str(p, "customer");
    bool usable = json_truthy(json_get(p, "active")) && !(expires && twin_now(ctx) > expires) &&
                  !(max && billing_int(p, "times_redeemed") >= max);
    if (!usable) {
        stripe_invalid(ctx, param, NULL, "This promotion code cannot be redeemed because it is inactive or expired.");
        return NULL;
    }
    if (only_for && !str_eq(only_for, customer)) {
        stripe_invalid(ctx, param, NULL, "This promotion code cannot be redeemed by this customer.");
        return NULL;
    }
    json_set_int(ctx->a, p, "times_redeemed", billing_int(p, "times_redeemed") + 1);
    billing_save(ctx, COLL, p);
    return p;
}
