/* Stripe twin: /v1/refunds (full and partial), updating the refunded charge. */
#include <string.h>

#include "twins/stripe/stripe.h"
#include "util/util.h"

static int64_t member_int(const json_value *o, const char *k)
{
    int64_t v = 0;
    json_int64(json_get(o, k), &v);
    return v;
}

/* The charge a refund request names, directly or through its PaymentIntent. */
static json_value *refund_target(twin_ctx *ctx)
{
    const char *charge = twin_arg(ctx, "charge"), *pi_id = twin_arg(ctx, "payment_intent");
    if (charge && *charge) return stripe_load(ctx, "charges", "charge", charge, "charge");
    if (pi_id && *pi_id) {
        json_value *pi = stripe_load(ctx, "payment_intents", "payment_intent", pi_id, "payment_intent");
        if (!pi) return NULL;
        json_value *c = stripe_get(ctx, "charges", json_get_str(pi, "latest_charge"));
        if (!c || !str_eq(json_get_str(pi, "status"), "succeeded")) {
            stripe_invalid(ctx, "payment_intent", "charge_not_refundable",
                           "This PaymentIntent does not have a successful charge to refund.");
            return NULL;
        }
        return c;
    }
    stripe_invalid(ctx, NULL, "parameter_missing", "One of the following params should be provided for this request: "
                                                    "payment_intent or charge.");
    return NULL;
}

static bool refundable(twin_ctx *ctx, const json_value *c, int64_t amount, int64_t remaining)
{
    const char *id = json_get_str(c, "id");
    if (!json_truthy(json_get(c, "paid"))) {
        stripe_invalid(ctx, "charge", "charge_not_refundable", "Charge %s has not been paid.", id);
        return false;
    }
    if (remaining <= 0) {
        stripe_invalid(ctx, "charge", "charge_already_refunded", "Charge %s has already been refunded.", id);
        return false;
    }
    if (amount < 1 || amount > remaining) {
        stripe_invalid(ctx, "amount", "amount_too_large",
                       "Refund amount (%lld) is greater than unrefunded amount on charge (%lld)", (long long)amount,
                       (long long)remaining);
        return false;
    }
    return true;
}

static json_value *refund_object(twin_ctx *ctx, const json_value *c, int64_t amount)
{
    arena *a = ctx->a;
    json_value *r = stripe_new_object(ctx, "refund", "re_");
    const char *currency = json_get_str(c, "currency");
    json_set_int(a, r, "amount", amount);
    json_set_str(a, r, "balance_transaction", stripe_balance_txn(ctx, -amount, currency, "refund", json_get_str(r, "id")));
    json_set_str(a, r, "charge", json_get_str(c, "id"));
    json_set_int(a, r, "created", twin_now(ctx));
    json_set_str(a, r, "currency", currency);
    json_set(a, r, "metadata", json_object(a));
    json_set_str(a, r, "payment_intent", json_get_str(c, "payment_intent"));
    json_set_null(a, r, "reason");
    json_set_null(a, r, "receipt_number");
    json_set_null(a, r, "source_transfer_reversal");
    json_set_str(a, r, "status", "succeeded");
    json_set_null(a, r, "transfer_reversal");
    return r;
}

static void apply_to_charge(twin_ctx *ctx, json_value *c, const json_value *refund, int64_t amount)
{
    arena *a = ctx->a;
    json_value *before = json_clone(a, c);
    int64_t refunded = member_int(c, "amount_refunded") + amount;
    json_set_int(a, c, "amount_refunded", refunded);
    json_set_bool(a, c, "refunded", refunded >= member_int(c, "amount_captured"));
    json_value *list = json_get(c, "refunds");
    json_value *data = list ? json_get(list, "data") : NULL;
    if (data) {
        /* newest first, like the list endpoint */
        json_value *fresh = json_array(a);
        json_push(fresh, json_clone(a, refund));
        json_foreach(x, data) json_push(fresh, json_clone(a, x));
        json_set(a, list, "data", fresh);
    }
    stripe_save(ctx, "charges", c);
    json_value *prev = stripe_diff(ctx, before, c);
    json_remove(prev, "refunds");
    stripe_emit(ctx, "charge.refunded", c, prev);
}

void stripe_create_refund(twin_ctx *ctx)
{
    json_value *c = refund_target(ctx);
    if (!c) return;
    int64_t remaining = member_int(c, "amount_captured") - member_int(c, "amount_refunded");
    int64_t amount = remaining;
    static const char *const reasons[] = {"duplicate", "fraudulent", "requested_by_customer", NULL};
    const char *reason = twin_arg(ctx, "reason");
    if (!stripe_int_param(ctx, "amount", false, &amount, NULL) || !refundable(ctx, c, amount, remaining)) return;
    if (reason && *reason) {
        bool known = false;
        for (size_t i = 0; reasons[i]; i++) known |= strcmp(reason, reasons[i]) == 0;
        if (!known) {
            stripe_invalid(ctx, "reason", NULL, "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer");
            return;
        }
    }
    json_value *r = refund_object(ctx, c, amount);
    if (reason && *reason) json_set_str(ctx->a, r, "reason", reason);
    if (!stripe_apply_metadata(ctx, r)) return;
    stripe_save(ctx, "refunds", r);
    apply_to_charge(ctx, c, r, amount);
    stripe_emit(ctx, "refund.created", r, NULL);
    stripe_send_object(ctx, 200, r);
}

void stripe_retrieve_refund(twin_ctx *ctx)
{
    stripe_retrieve(ctx, "refunds", "refund", "refund");
}

void stripe_update_refund(twin_ctx *ctx)
{
    json_value *r = stripe_load(ctx, "refunds", "refund", twin_param(ctx, "id"), "refund");
    if (!r) return;
    json_value *before = json_clone(ctx->a, r);
    if (!stripe_apply_metadata(ctx, r)) return;
    stripe_save(ctx, "refunds", r);
    json_value *prev = stripe_diff(ctx, before, r);
    if (prev->len) stripe_emit(ctx, "refund.updated", r, prev);
    stripe_send_object(ctx, 200, r);
}

void stripe_list_refunds(twin_ctx *ctx)
{
    const char *charge = twin_arg(ctx, "charge"), *pi = twin_arg(ctx, "payment_intent");
    listing_query q = {.collection = "refunds", .newest_first = true};
    if (charge && *charge) {
        q.index_name = "charge";
        q.index_value = charge;
    } else if (pi && *pi) {
        q.index_name = "payment_intent";
        q.index_value = pi;
    }
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/refunds", &page);
}
