/* Stripe twin: /v1/subscription_items.  Items are stored on their own and
 * copied into their subscription's items list when it is rendered. */
#include <string.h>

#include "twins/stripe/billing.h"
#include "util/util.h"

#define COLL "subscription_items"

json_value *billing_recurring_price(twin_ctx *ctx, const char *id, const char *param)
{
    json_value *price = stripe_load(ctx, "prices", "price", id ? id : "", param);
    if (price && !str_eq(json_get_str(price, "type"), "recurring")) {
        stripe_invalid(ctx, param, NULL,
                       "The price specified is set to `type=one_time` but this field only accepts prices with "
                       "`type=recurring`.");
        return NULL;
    }
    return price;
}

/* An item with Stripe's defaults, not yet stored. */
static json_value *item_skeleton(twin_ctx *ctx, const char *subscription, const json_value *price, int64_t quantity,
                                 int64_t created)
{
    arena *a = ctx->a;
    json_value *si = stripe_new_object(ctx, "subscription_item", "si_");
    json_set_null(a, si, "billing_thresholds");
    json_set_int(a, si, "created", created);
    json_set(a, si, "metadata", json_object(a));
    json_set(a, si, "price", json_clone(a, price));
    json_set_int(a, si, "quantity", quantity);
    json_set_str(a, si, "subscription", subscription);
    json_set(a, si, "tax_rates", json_array(a));
    return si;
}

json_value *billing_item_new(twin_ctx *ctx, const char *subscription, const json_value *price, int64_t quantity,
                             json_value *tax_rates, int64_t created)
{
    json_value *si = item_skeleton(ctx, subscription, price, quantity, created);
    if (tax_rates && tax_rates->type == JSON_ARRAY) json_set(ctx->a, si, "tax_rates", tax_rates);
    billing_save(ctx, COLL, si);
    return si;
}

twin_list billing_subscription_items(twin_ctx *ctx, const char *subscription)
{
    twin_list out = {0};
    store_list_opts o = {.index_name = "subscription", .index_value = subscription};
    if (twin_doc_list(ctx, COLL, &o, &out) != 0) out.n = 0;
    return out;
}

/* The item's subscription, if it can still change; answers otherwise. */
static json_value *live_subscription(twin_ctx *ctx, const char *id, const char *param)
{
    json_value *sub = billing_subscription_get(ctx, id);
    if (!sub) {
        stripe_missing(ctx, "subscription", id ? id : "", param);
        return NULL;
    }
    billing_subscription_expire_if_due(ctx, sub, billing_now(ctx, json_get_str(sub, "test_clock")));
    if (str_eq(json_get_str(sub, "status"), "canceled") || str_eq(json_get_str(sub, "status"), "incomplete_expired")) {
        stripe_invalid(ctx, param, NULL, "A canceled subscription can only update its cancellation_details and metadata.");
        return NULL;
    }
    return sub;
}

/* Invoices the prorations at once when asked, then announces the subscription's change. */
static void finish_change(twin_ctx *ctx, const char *sub_id, const json_value *before, const billing_proration *p)
{
    json_value *sub = billing_subscription_get(ctx, sub_id);
    if (sub) {
        billing_proration_finish(ctx, sub, p);
        billing_subscription_save(ctx, sub);
    }
    billing_subscription_changed(ctx, sub_id, before);
}

static bool apply_item_params(twin_ctx *ctx, json_value *si)
{
    int64_t qty = 0;
    bool has_qty = false;
    const char *price_id = twin_arg(ctx, "price");
    if (!stripe_int_param(ctx, "quantity", false, &qty, &has_qty) || !stripe_apply_metadata(ctx, si)) return false;
    if (has_qty && qty < 0) {
        stripe_invalid(ctx, "quantity", "parameter_invalid_integer", "This value must be greater than or equal to 0.");
        return false;
    }
    json_value *price = json_get(si, "price");
    if (price_id && *price_id && !(price = billing_recurring_price(ctx, price_id, "price"))) return false;
    int64_t amount = 0;
    if (!billing_line_amount(ctx, billing_int(price, "unit_amount"), has_qty ? qty : billing_int(si, "quantity"),
                             has_qty ? "quantity" : "price", &amount))
        return false;
    json_value *rates = billing_tax_rates_param(ctx, "tax_rates");
    if (!rates) return false;
    json_set(ctx->a, si, "price", price);
    if (rates->type == JSON_ARRAY) json_set(ctx->a, si, "tax_rates", rates);
    if (has_qty) json_set_int(ctx->a, si, "quantity", qty);
    return true;
}

void stripe_create_subscription_item(twin_ctx *ctx)
{
    const char *sub_id = NULL, *price_id = NULL;
    if (!stripe_str_param(ctx, "subscription", true, &sub_id) || !stripe_str_param(ctx, "price", true, &price_id))
        return;
    json_value *sub = live_subscription(ctx, sub_id, "subscription");
    json_value *price = sub ? billing_recurring_price(ctx, price_id, "price") : NULL;
    if (!price) return;
    twin_list others = billing_subscription_items(ctx, sub_id);
    if (others.n && !billing_interval_matches(ctx, json_get(others.items[0], "price"), price, "price")) return;
    json_value *before = json_clone(ctx->a, sub);
    billing_proration p;
    if (!billing_proration_params(ctx, sub, &p)) return;
    /* Stored only once every parameter is known to be good: a 400 leaves no item behind. */
    json_value *si = item_skeleton(ctx, sub_id, price, 1, billing_now(ctx, json_get_str(sub, "test_clock")));
    if (!apply_item_params(ctx, si)) return;
    stripe_text saved = billing_save(ctx, COLL, si);
    billing_prorate(ctx, sub, &p, json_get_str(si, "id"), NULL, 0, json_get(si, "price"), billing_int(si, "quantity"));
    finish_change(ctx, sub_id, before, &p);
    stripe_send_saved(ctx, 200, si, saved);
}

void stripe_retrieve_subscription_item(twin_ctx *ctx)
{
    stripe_retrieve(ctx, COLL, "subscription item", "item");
}

void stripe_update_subscription_item(twin_ctx *ctx)
{
    json_value *si = stripe_load(ctx, COLL, "subscription item", twin_param(ctx, "id"), "item");
    json_value *sub = si ? live_subscription(ctx, json_get_str(si, "subscription"), "item") : NULL;
    if (!sub) return;
    json_value *before = json_clone(ctx->a, sub);
    json_value *old_price = json_clone(ctx->a, json_get(si, "price"));
    int64_t old_qty = billing_int(si, "quantity");
    billing_proration p;
    if (!billing_proration_params(ctx, sub, &p) || !apply_item_params(ctx, si)) return;
    if (billing_interval_differs(old_price, json_get(si, "price"))) {
        /* Alone on the subscription, the item moves it to the new cycle;
         * beside others it would mix two. */
        twin_list items = billing_subscription_items(ctx, json_get_str(sub, "id"));
        if (items.n > 1) {
            billing_interval_matches(ctx, old_price, json_get(si, "price"), "price");
            return;
        }
        billing_prorate_cycle_reset(ctx, sub, &p);
    }
    stripe_text saved = billing_save(ctx, COLL, si);
    billing_prorate(ctx, sub, &p, json_get_str(si, "id"), old_price, old_qty, json_get(si, "price"),
                    billing_int(si, "quantity"));
    finish_change(ctx, json_get_str(sub, "id"), before, &p);
    stripe_send_saved(ctx, 200, si, saved);
}

void stripe_delete_subscription_item(twin_ctx *ctx)
{
    json_value *si = stripe_load(ctx, COLL, "subscription item", twin_param(ctx, "id"), "item");
    json_value *sub = si ? live_subscription(ctx, json_get_str(si, "subscription"), "item") : NULL;
    if (!sub) return;
    if (billing_subscription_items(ctx, json_get_str(sub, "id")).n <= 1) {
        stripe_invalid(ctx, NULL, NULL,
                       "A subscription must have at least one active plan. To cancel a subscription, please use the "
                       "cancel API endpoint on /v1/subscriptions.");
        return;
    }
    json_value *before = json_clone(ctx->a, sub);
    const char *id = json_get_str(si, "id");
    billing_proration p;
    if (!billing_proration_params(ctx, sub, &p)) return;
    twin_doc_delete(ctx, COLL, id);
    billing_prorate(ctx, sub, &p, id, json_get(si, "price"), billing_int(si, "quantity"), NULL, 0);
    finish_change(ctx, json_get_str(sub, "id"), before, &p);
    stripe_reply(ctx, 200, billing_deleted(ctx, id, "subscription_item"));
}

void stripe_list_subscription_items(twin_ctx *ctx)
{
    const char *sub_id = NULL;
    if (!stripe_str_param(ctx, "subscription", true, &sub_id)) return;
    listing_query q = {.collection = COLL, .index_name = "subscription", .index_value = sub_id};
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/subscription_items", &page);
}
