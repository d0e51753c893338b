/* Stripe twin: /v1/coupons and the discounts coupons turn into. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "twins/stripe/billing.h"
#include "util/util.h"

#define COLL "coupons"

/* valid: not past redeem_by and not at max_redemptions. */
static void refresh_valid(twin_ctx *ctx, json_value *c)
{
    int64_t now = twin_now(ctx), redeem_by = billing_int(c, "redeem_by"), max = billing_int(c, "max_redemptions");
    bool valid = !(redeem_by && now > redeem_by) && !(max && billing_int(c, "times_redeemed") >= max);
    json_set_bool(ctx->a, c, "valid", valid);
}

json_value *billing_coupon_skeleton(twin_ctx *ctx, const char *id)
{
    arena *a = ctx->a;
    json_value *c = json_object(a);
    json_set_str(a, c, "id", id && *id ? id : twin_new_id(ctx, "", 8));
    json_set_str(a, c, "object", "coupon");
    json_set_null(a, c, "amount_off");
    json_set_int(a, c, "created", twin_now(ctx));
    json_set_null(a, c, "currency");
    json_set_str(a, c, "duration", "once");
    json_set_null(a, c, "duration_in_months");
    json_set_bool(a, c, "livemode", false);
    json_set_null(a, c, "max_redemptions");
    json_set(a, c, "metadata", json_object(a));
    json_set_null(a, c, "name");
    json_set_null(a, c, "percent_off");
    json_set_null(a, c, "redeem_by");
    json_set_int(a, c, "times_redeemed", 0);
    json_set_bool(a, c, "valid", true);
    return c;
}

static bool percent_param(twin_ctx *ctx, json_value *c)
{
    const char *s = twin_arg(ctx, "percent_off");
    if (!s) return true;
    char *end = NULL;
    double d = strtod(s, &end);
    if (!*s || *end || !(d > 0 && d <= 100)) {
        stripe_invalid(ctx, "percent_off", NULL, "Invalid percent_off: must be greater than 0 and at most 100");
        return false;
    }
    json_set(ctx->a, c, "percent_off", json_double_value(ctx->a, d));
    return true;
}

static bool amount_param(twin_ctx *ctx, json_value *c)
{
    int64_t amount = 0;
    bool has = false;
    if (!stripe_int_param(ctx, "amount_off", false, &amount, &has)) return false;
    if (!has) return true;
    const char *currency = twin_arg(ctx, "currency");
    if (!currency || !*currency) {
        stripe_invalid(ctx, "currency", "parameter_missing", "You must pass currency when passing amount_off.");
        return false;
    }
    if (amount < 1) {
        stripe_invalid(ctx, "amount_off", NULL, "Invalid amount_off: must be greater than 0");
        return false;
    }
    json_set_int(ctx->a, c, "amount_off", amount);
    json_set_str(ctx->a, c, "currency", currency);
    return true;
}

static bool duration_params(twin_ctx *ctx, json_value *c)
{
    static const char *const durations[] = {"once", "repeating", "forever", NULL};
    const char *duration = "once";
    int64_t months = 0;
    bool has_months = false;
    if (!billing_enum_param(ctx, "duration", durations, &duration) ||
        !stripe_int_param(ctx, "duration_in_months", false, &months, &has_months))
        return false;
    if (str_eq(duration, "repeating") && !has_months) {
        stripe_invalid(ctx, "duration_in_months", "parameter_missing",
                       "You must pass duration_in_months when duration is repeating.");
        return false;
    }
    if (has_months && !str_eq(duration, "repeating")) {
        stripe_invalid(ctx, "duration_in_months", NULL,
                       "You may only pass duration_in_months when duration is repeating.");
        return false;
    }
    json_set_str(ctx->a, c, "duration", duration);
    if (has_months) json_set_int(ctx->a, c, "duration_in_months", months);
    return true;
}

static bool limit_params(twin_ctx *ctx, json_value *c)
{
    int64_t max = 0, redeem_by = 0;
    bool has_max = false, has_redeem = false;
    if (!stripe_int_param(ctx, "max_redemptions", false, &max, &has_max) ||
        !stripe_int_param(ctx, "redeem_by", false, &redeem_by, &has_redeem))
        return false;
    if (has_max && max < 1) {
        stripe_invalid(ctx, "max_redemptions", NULL, "Invalid max_redemptions: must be greater than 0");
        return false;
    }
    if (has_redeem && redeem_by <= twin_now(ctx)) {
        stripe_invalid(ctx, "redeem_by", NULL, "Invalid redeem_by: must be in the future");
        return false;
    }
    if (has_max) json_set_int(ctx->a, c, "max_redemptions", max);
    if (has_redeem) json_set_int(ctx->a, c, "redeem_by", redeem_by);
    return true;
}

void stripe_create_coupon(twin_ctx *ctx)
{
    const char *id = twin_arg(ctx, "id");
    if (id && *id && stripe_get(ctx, COLL, id)) {
        stripe_invalid(ctx, "id", "resource_already_exists", "Coupon already exists.");
        return;
    }
    json_value *c = billing_coupon_skeleton(ctx, id);
    if (!percent_param(ctx, c) || !amount_param(ctx, c)) return;
    bool has_pct = !json_is_null(json_get(c, "percent_off")), has_amt = !json_is_null(json_get(c, "amount_off"));
    if (has_pct == has_amt) {
        stripe_invalid(ctx, has_pct ? "amount_off" : "percent_off", NULL,
                       has_pct ? "You may only specify one of these parameters: amount_off, percent_off."
                               : "You must pass either amount_off or percent_off.");
        return;
    }
    static const char *const texts[] = {"name", NULL};
    stripe_copy_strings(ctx, c, texts);
    if (!duration_params(ctx, c) || !limit_params(ctx, c) || !stripe_apply_metadata(ctx, c)) return;
    stripe_send_saved(ctx, 200, c, billing_save_emit(ctx, COLL, c, "coupon.created", NULL));
}

static json_value *load_coupon(twin_ctx *ctx)
{
    json_value *c = stripe_load(ctx, COLL, "coupon", twin_param(ctx, "id"), "coupon");
    if (c) refresh_valid(ctx, c);
    return c;
}

void stripe_retrieve_coupon(twin_ctx *ctx)
{
    json_value *c = load_coupon(ctx);
    if (c) stripe_send_object(ctx, 200, c);
}

void stripe_update_coupon(twin_ctx *ctx)
{
    json_value *c = load_coupon(ctx);
    if (!c) return;
    json_value *before = json_clone(ctx->a, c);
    static const char *const texts[] = {"name", NULL};
    stripe_copy_strings(ctx, c, texts);
    if (!stripe_apply_metadata(ctx, c)) return;
    stripe_send_saved(ctx, 200, c, billing_save_changed(ctx, COLL, c, before, "coupon.updated"));
}

void stripe_delete_coupon(twin_ctx *ctx)
{
    json_value *c = load_coupon(ctx);
    if (!c) return;
    const char *id = json_get_str(c, "id");
    twin_doc_delete(ctx, COLL, id);
    stripe_emit(ctx, "coupon.deleted", c, NULL);
    stripe_reply(ctx, 200, billing_deleted(ctx, id, "coupon"));
}

static bool fresh_valid(const json_value *doc, void *data)
{
    twin_ctx *ctx = data;
    refresh_valid(ctx, (json_value *)doc);
    return true;
}

void stripe_list_coupons(twin_ctx *ctx)
{
    billing_send_list(ctx, COLL, "/v1/coupons", fresh_valid, ctx);
}

/* ---- discounts ---- */

int64_t billing_coupon_off(const json_value *coupon, int64_t amount)
{
    double pct = 0;
    if (json_double(json_get(coupon, "percent_off"), &pct)) return (int64_t)llround((double)amount * pct / 100.0);
    int64_t off = billing_int(coupon, "amount_off");
    return off < amount ? off : amount;
}

bool billing_discount_active(const json_value *discount, int64_t t)
{
    if (!discount || discount->type != JSON_OBJECT) return false;
    int64_t end = billing_int(discount, "end");
    return !end || t < end;
}

static json_value *discount_new(twin_ctx *ctx, json_value *coupon, const char *promo, const char *customer,
                                const char *subscription, const char *invoice)
{
    arena *a = ctx->a;
    int64_t start = billing_now(ctx, billing_customer_clock(ctx, customer));
    json_set_int(a, coupon, "times_redeemed", billing_int(coupon, "times_redeemed") + 1);
    refresh_valid(ctx, coupon);
    billing_save(ctx, COLL, coupon);
    json_value *d = stripe_new_object(ctx, "discount", "di_");
    json_set_null(a, d, "checkout_session");
    json_set(a, d, "coupon", json_clone(a, coupon));
    json_set_str(a, d, "customer", customer);
    if (str_eq(json_get_str(coupon, "duration"), "repeating"))
        json_set_int(a, d, "end", billing_add_interval(start, "month", billing_int(coupon, "duration_in_months")));
    else json_set_null(a, d, "end");
    json_set_str(a, d, "invoice", invoice);
    json_set_null(a, d, "invoice_item");
    json_set_str(a, d, "promotion_code", promo);
    json_set_int(a, d, "start", start);
    json_set_str(a, d, "subscription", subscription);
    return d;
}

static json_value *usable_coupon(twin_ctx *ctx, const char *id, const char *param)
{
    json_value *c = stripe_load(ctx, COLL, "coupon", id, param);
    if (!c) return NULL;
    refresh_valid(ctx, c);
    if (!json_truthy(json_get(c, "valid"))) {
        stripe_invalid(ctx, param, "coupon_expired", "Coupon expired: %s", id);
        return NULL;
    }
    return c;
}

/* The first discounts[] entry, or the flat coupon / promotion_code params. */
static void discount_source(twin_ctx *ctx, const char **coupon, const char **promo, const char **cparam,
                            const char **pparam)
{
    *coupon = twin_arg(ctx, "coupon");
    *promo = twin_arg(ctx, "promotion_code");
    *cparam = "coupon";
    *pparam = "promotion_code";
    json_value *list = twin_input(ctx, "discounts");
    json_value *first = list && list->type == JSON_ARRAY ? json_at(list, 0) : NULL;
    if (!first) return;
    *coupon = stripe_sub_str(first, "coupon");
    *promo = stripe_sub_str(first, "promotion_code");
    *cparam = "discounts[0][coupon]";
    *pparam = "discounts[0][promotion_code]";
}

json_value *billing_discount_from_request(twin_ctx *ctx, const char *customer, const char *subscription,
                                          const char *invoice)
{
    const char *coupon_id, *promo_id, *cparam, *pparam;
    discount_source(ctx, &coupon_id, &promo_id, &cparam, &pparam);
    if (promo_id && *promo_id) {
        json_value *promo = billing_promotion_usable(ctx, promo_id, customer, pparam);
        if (!promo) return NULL;
        json_value *c = usable_coupon(ctx, json_get_str(json_get(promo, "coupon"), "id"), pparam);
        return c ? discount_new(ctx, c, promo_id, customer, subscription, invoice) : NULL;
    }
    if (coupon_id && *coupon_id) {
        json_value *c = usable_coupon(ctx, coupon_id, cparam);
        return c ? discount_new(ctx, c, NULL, customer, subscription, invoice) : NULL;
    }
    return json_null(ctx->a);
}

json_value *billing_discount_for_coupon(twin_ctx *ctx, json_value *coupon, const char *customer,
                                        const char *subscription)
{
    return discount_new(ctx, coupon, NULL, customer, subscription, NULL);
}

/* ---- removing a discount (DELETE /v1/customers/{id}/discount, /v1/subscriptions/{id}/discount) ---- */

/* The deleted_discount answer: the discount as it was, without its end, marked deleted. */
static json_value *deleted_discount(twin_ctx *ctx, const json_value *d)
{
    json_value *out = json_clone(ctx->a, d);
    json_remove(out, "end");
    json_set_bool(ctx->a, out, "deleted", true);
    return out;
}

/* Takes owner's discount off it (saved by the caller); NULL after answering
 * 404 when it has none. */
static json_value *take_discount(twin_ctx *ctx, json_value *owner, const char *noun)
{
    const json_value *d = json_get(owner, "discount");
    if (!d || d->type != JSON_OBJECT) {
        stripe_error_send(ctx, 404, &(stripe_error){.type = "invalid_request_error", .code = "resource_missing",
                                                    .message = arena_printf(ctx->a, "No active discount for %s: %s",
                                                                            noun, json_get_str(owner, "id"))});
        return NULL;
    }
    json_value *gone = deleted_discount(ctx, d);
    json_set_null(ctx->a, owner, "discount");
    return gone;
}

void stripe_delete_customer_discount(twin_ctx *ctx)
{
    json_value *c = stripe_load(ctx, "customers", "customer", twin_param(ctx, "id"), "customer");
    json_value *gone = c ? take_discount(ctx, c, "customer") : NULL;
    if (!gone) return;
    stripe_save(ctx, "customers", c);
    stripe_emit(ctx, "customer.discount.deleted", gone, NULL);
    stripe_reply(ctx, 200, gone);
}

void stripe_delete_subscription_discount(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "id");
    json_value *sub = billing_subscription_get(ctx, id);
    if (!sub) {
        stripe_missing(ctx, "subscription", id, "subscription_exposed_id");
        return;
    }
    json_value *before = json_clone(ctx->a, sub);
    json_value *gone = take_discount(ctx, sub, "subscription");
    if (!gone) return;
    stripe_text saved = billing_subscription_save(ctx, sub);
    stripe_emit(ctx, "customer.discount.deleted", gone, NULL);
    stripe_emit_saved(ctx, "customer.subscription.updated", sub, saved, stripe_diff(ctx, before, sub));
    stripe_reply(ctx, 200, gone);
}
