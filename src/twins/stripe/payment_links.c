/* Stripe twin: /v1/payment_links.  A link's url (<base>/pl/<id>) opens a new
 * checkout session for its line items and redirects to that session's page. */
#include <string.h>

#include "twins/stripe/checkout.h"
#include "util/util.h"

static json_value *enabled(arena *a, bool on)
{
    json_value *o = json_object(a);
    json_set_bool(a, o, "enabled", on);
    return o;
}

static json_value *hosted_confirmation(arena *a)
{
    json_value *ac = json_object(a), *hc = json_object(a);
    json_set_null(a, hc, "custom_message");
    json_set(a, ac, "hosted_confirmation", hc);
    json_set_str(a, ac, "type", "hosted_confirmation");
    return ac;
}

static json_value *custom_text(arena *a)
{
    json_value *ct = json_object(a);
    json_set_null(a, ct, "shipping_address");
    json_set_null(a, ct, "submit");
    return ct;
}

static json_value *link_skeleton(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *pl = stripe_new_object(ctx, "payment_link", "plink_");
    const char *id = json_get_str(pl, "id");
    json_set_bool(a, pl, "active", true);
    json_set(a, pl, "after_completion", hosted_confirmation(a));
    json_set_bool(a, pl, "allow_promotion_codes", false);
    json_set_null(a, pl, "application");
    json_set_null(a, pl, "application_fee_amount");
    json_set_null(a, pl, "application_fee_percent");
    json_set(a, pl, "automatic_tax", enabled(a, false));
    json_set_str(a, pl, "billing_address_collection", "auto");
    json_set_null(a, pl, "consent_collection");
    json_set_str(a, pl, "currency", "usd");
    json_set(a, pl, "custom_fields", json_array(a));
    json_set(a, pl, "custom_text", custom_text(a));
    json_set_str(a, pl, "customer_creation", "if_required");
    json_set_bool(a, pl, "livemode", false);
    json_set(a, pl, "metadata", json_object(a));
    json_set_null(a, pl, "on_behalf_of");
    json_set_null(a, pl, "payment_intent_data");
    json_set_str(a, pl, "payment_method_collection", "always");
    json_set_null(a, pl, "payment_method_types");
    json_set(a, pl, "phone_number_collection", enabled(a, false));
    json_set_null(a, pl, "shipping_address_collection");
    json_set(a, pl, "shipping_options", json_array(a));
    json_set_str(a, pl, "submit_type", "auto");
    json_set_null(a, pl, "subscription_data");
    json_set(a, pl, "tax_id_collection", enabled(a, false));
    json_set_null(a, pl, "transfer_data");
    json_set_str(a, pl, "url", arena_printf(a, "%s/pl/%s", checkout_base_url(ctx), id));
    return pl;
}

/* after_completion[type]=redirect|hosted_confirmation with redirect[url] or hosted_confirmation[custom_message]. */
static bool apply_after_completion(twin_ctx *ctx, json_value *pl)
{
    arena *a = ctx->a;
    json_value *in = twin_input(ctx, "after_completion");
    if (!in) return true;
    const char *type = stripe_sub_str(in, "type");
    if (str_eq(type, "redirect")) {
        const char *url = stripe_sub_str(json_get(in, "redirect"), "url");
        if (!url || !*url) {
            stripe_invalid(ctx, "after_completion[redirect][url]", "parameter_missing",
                           "Missing required param: after_completion[redirect][url].");
            return false;
        }
        json_value *ac = json_object(a), *r = json_object(a);
        json_set_str(a, r, "url", url);
        json_set(a, ac, "redirect", r);
        json_set_str(a, ac, "type", "redirect");
        json_set(a, pl, "after_completion", ac);
        return true;
    }
    if (str_eq(type, "hosted_confirmation")) {
        json_value *ac = hosted_confirmation(a);
        const char *msg = stripe_sub_str(json_get(in, "hosted_confirmation"), "custom_message");
        if (msg && *msg) json_set_str(a, json_get(ac, "hosted_confirmation"), "custom_message", msg);
        json_set(a, pl, "after_completion", ac);
        return true;
    }
    stripe_invalid(ctx, "after_completion[type]", NULL,
                   "Invalid after_completion[type]: must be one of redirect or hosted_confirmation");
    return false;
}

static bool apply_active(twin_ctx *ctx, json_value *pl)
{
    bool active = true, has = false;
    if (!stripe_bool_param(ctx, "active", &active, &has)) return false;
    if (has) json_set_bool(ctx->a, pl, "active", active);
    return true;
}

void stripe_create_payment_link(twin_ctx *ctx)
{
    checkout_items items;
    stripe_fail f;
    if (!checkout_items_build(ctx, twin_input(ctx, "line_items"), &items, &f)) {
        stripe_fail_send(ctx, &f);
        return;
    }
    json_value *pl = link_skeleton(ctx);
    json_set_str(ctx->a, pl, "currency", items.currency);
    if (!apply_after_completion(ctx, pl) || !apply_active(ctx, pl) || !stripe_apply_metadata(ctx, pl)) return;
    checkout_items_save(ctx, json_get_str(pl, "id"), items.items);
    stripe_text saved = stripe_save_emit(ctx, PAYMENT_LINKS, pl, "payment_link.created", NULL);
    stripe_send_saved(ctx, 200, pl, saved);
}

void stripe_retrieve_payment_link(twin_ctx *ctx)
{
    stripe_retrieve(ctx, PAYMENT_LINKS, "payment link", "payment_link");
}

/* Replacing line_items keeps the link's currency. */
static bool update_items(twin_ctx *ctx, json_value *pl)
{
    json_value *in = twin_input(ctx, "line_items");
    if (!in) return true;
    checkout_items items;
    stripe_fail f;
    if (!checkout_items_build(ctx, in, &items, &f)) {
        stripe_fail_send(ctx, &f);
        return false;
    }
    if (!str_eq(items.currency, json_get_str(pl, "currency"))) {
        stripe_invalid(ctx, "line_items", NULL, "The currency of a payment link's line items cannot change.");
        return false;
    }
    checkout_items_save(ctx, json_get_str(pl, "id"), items.items);
    return true;
}

void stripe_update_payment_link(twin_ctx *ctx)
{
    json_value *pl = stripe_load(ctx, PAYMENT_LINKS, "payment link", twin_param(ctx, "id"), "payment_link");
    if (!pl) return;
    json_value *before = json_clone(ctx->a, pl);
    if (!apply_active(ctx, pl) || !apply_after_completion(ctx, pl) || !stripe_apply_metadata(ctx, pl) ||
        !update_items(ctx, pl))
        return;
    stripe_save(ctx, PAYMENT_LINKS, pl);
    json_value *prev = stripe_diff(ctx, before, pl);
    if (prev->len) stripe_emit(ctx, "payment_link.updated", pl, prev);
    stripe_send_object(ctx, 200, pl);
}

static bool filter_active(const json_value *pl, void *data)
{
    return json_truthy(json_get(pl, "active")) == *(const bool *)data;
}

void stripe_list_payment_links(twin_ctx *ctx)
{
    bool active = true, has = false;
    if (!stripe_bool_param(ctx, "active", &active, &has)) return;
    listing_query q = {.collection = PAYMENT_LINKS, .newest_first = true};
    if (has) {
        q.filter = filter_active;
        q.filter_data = &active;
    }
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/payment_links", &page);
}

void stripe_list_payment_link_line_items(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "id");
    if (!stripe_load(ctx, PAYMENT_LINKS, "payment link", id, "payment_link")) return;
    checkout_items_send(ctx, id, arena_printf(ctx->a, "/v1/payment_links/%s/line_items", id));
}

/* GET /pl/{id}: a fresh session each visit, as Stripe's hosted link does. */
void stripe_page_payment_link(twin_ctx *ctx)
{
    json_value *pl = stripe_get(ctx, PAYMENT_LINKS, twin_param(ctx, "id"));
    if (!pl) {
        page_message(ctx, 404, "Link not found", "This payment link does not exist.");
        return;
    }
    if (!json_truthy(json_get(pl, "active"))) {
        page_message(ctx, 410, "Link no longer active", "This payment link has been deactivated by the seller.");
        return;
    }
    json_value *cs = checkout_session_from_link(ctx, pl);
    page_redirect(ctx, json_get_str(cs, "url"));
}
