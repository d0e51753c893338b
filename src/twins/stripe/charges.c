/* Stripe twin: /v1/charges and balance transactions for money movements. */
#include <string.h>

#include "twins/stripe/stripe.h"
#include "util/util.h"

/* Stripe's standard US card pricing: 2.9% + 30 cents. */
static int64_t card_fee(int64_t amount)
{
    return (amount * 29 + 500) / 1000 + 30;
}

const char *stripe_balance_txn(twin_ctx *ctx, int64_t amount, const char *currency, const char *type,
                               const char *source)
{
    arena *a = ctx->a;
    json_value *t = stripe_new_object(ctx, "balance_transaction", "txn_");
    int64_t now = stripe_now(ctx);
    int64_t fee = strcmp(type, "charge") == 0 ? card_fee(amount) : 0;
    json_set_int(a, t, "amount", amount);
    json_set_int(a, t, "available_on", now);
    json_set_int(a, t, "created", now);
    json_set_str(a, t, "currency", currency);
    json_set_str(a, t, "description", strcmp(type, "charge") == 0 ? "Payment" : "REFUND FOR CHARGE");
    json_set_null(a, t, "exchange_rate");
    json_set_int(a, t, "fee", fee);
    json_value *details = json_array(a);
    if (fee) {
        json_value *d = json_object(a);
        json_set_int(a, d, "amount", fee);
        json_set_null(a, d, "application");
        json_set_str(a, d, "currency", currency);
        json_set_str(a, d, "description", "Stripe processing fees");
        json_set_str(a, d, "type", "stripe_fee");
        json_push(details, d);
    }
    json_set(a, t, "fee_details", details);
    json_set_int(a, t, "net", amount - fee);
    json_set_str(a, t, "reporting_category", type);
    json_set_str(a, t, "source", source);
    json_set_str(a, t, "status", "available");
    json_set_str(a, t, "type", type);
    stripe_save(ctx, "balance_transactions", t);
    return json_get_str(t, "id");
}

static json_value *outcome(arena *a, const stripe_card_outcome *o)
{
    json_value *out = json_object(a);
    bool ok = !o->decline_code;
    json_set_str(a, out, "network_status", ok ? "approved_by_network" : "declined_by_network");
    json_set_str(a, out, "reason", o->decline_code);
    json_set_str(a, out, "risk_level", "normal");
    json_set_int(a, out, "risk_score", 20);
    json_set_str(a, out, "seller_message",
                 ok ? "Payment complete." : "The bank did not return any further details with this decline.");
    json_set_str(a, out, "type", ok ? "authorized" : "issuer_declined");
    return out;
}

static json_value *method_details(arena *a, const json_value *pm)
{
    json_value *d = json_object(a);
    json_value *card = json_clone(a, json_get(pm, "card"));
    json_remove(card, "generated_from");
    json_remove(card, "networks");
    json_remove(card, "three_d_secure_usage");
    json_set_null(a, card, "installments");
    json_set_null(a, card, "mandate");
    json_set_str(a, card, "network", json_get_str(card, "brand"));
    json_set_null(a, card, "three_d_secure");
    json_set(a, d, "card", card);
    json_set_str(a, d, "type", "card");
    return d;
}

static json_value *empty_refunds(arena *a, const char *charge_id)
{
    json_value *r = json_object(a);
    json_set_str(a, r, "object", "list");
    json_set(a, r, "data", json_array(a));
    json_set_bool(a, r, "has_more", false);
    json_set_str(a, r, "url", arena_printf(a, "/v1/charges/%s/refunds", charge_id));
    return r;
}

json_value *stripe_charge_create(twin_ctx *ctx, int64_t amount, const char *currency, const char *customer,
                                 const json_value *pm, const char *payment_intent, bool capture,
                                 const stripe_card_outcome *o)
{
    arena *a = ctx->a;
    bool ok = !o->decline_code;
    json_value *c = stripe_new_object(ctx, "charge", "ch_");
    const char *id = json_get_str(c, "id");
    json_set_int(a, c, "amount", amount);
    json_set_int(a, c, "amount_captured", ok && capture ? amount : 0);
    json_set_int(a, c, "amount_refunded", 0);
    json_set_null(a, c, "application");
    json_set_null(a, c, "application_fee");
    json_set_null(a, c, "application_fee_amount");
    json_set_null(a, c, "balance_transaction");
    json_set(a, c, "billing_details", json_clone(a, json_get(pm, "billing_details")));
    json_set_str(a, c, "calculated_statement_descriptor", "TWINS");
    json_set_bool(a, c, "captured", ok && capture);
    json_set_int(a, c, "created", stripe_now(ctx));
    json_set_str(a, c, "currency", currency);
    json_set_str(a, c, "customer", customer);
    json_set_null(a, c, "description");
    json_set_bool(a, c, "disputed", false);
    json_set_null(a, c, "failure_balance_transaction");
    json_set_str(a, c, "failure_code", ok ? NULL : o->code);
    json_set_str(a, c, "failure_message", ok ? NULL : o->message);
    json_set(a, c, "fraud_details", json_object(a));
    json_set_null(a, c, "invoice");
    json_set_bool(a, c, "livemode", false);
    json_set(a, c, "metadata", json_object(a));
    json_set_null(a, c, "on_behalf_of");
    json_set(a, c, "outcome", outcome(a, o));
    json_set_bool(a, c, "paid", ok);
    json_set_str(a, c, "payment_intent", payment_intent);
    json_set_str(a, c, "payment_method", json_get_str(pm, "id"));
    json_set(a, c, "payment_method_details", method_details(a, pm));
    json_set_null(a, c, "receipt_email");
    json_set_null(a, c, "receipt_number");
    json_set_str(a, c, "receipt_url", arena_printf(a, "https://pay.stripe.com/receipts/payment/%s", id));
    json_set_bool(a, c, "refunded", false);
    json_set(a, c, "refunds", empty_refunds(a, id));
    json_set_null(a, c, "review");
    json_set_null(a, c, "shipping");
    json_set_null(a, c, "source_transfer");
    json_set_null(a, c, "statement_descriptor");
    json_set_null(a, c, "statement_descriptor_suffix");
    json_set_str(a, c, "status", ok ? "succeeded" : "failed");
    json_set_null(a, c, "transfer_data");
    json_set_null(a, c, "transfer_group");
    if (ok && capture) json_set_str(a, c, "balance_transaction", stripe_balance_txn(ctx, amount, currency, "charge", id));
    stripe_save_emit(ctx, "charges", c, ok ? "charge.succeeded" : "charge.failed", NULL);
    if (ok && capture && o->creates_dispute) stripe_dispute_open(ctx, c);
    return c;
}

/* Captures an authorised charge for amount (<= its amount). */
void stripe_charge_capture(twin_ctx *ctx, json_value *c, int64_t amount)
{
    arena *a = ctx->a;
    json_value *before = json_clone(a, c);
    const char *id = json_get_str(c, "id");
    json_set_bool(a, c, "captured", true);
    json_set_int(a, c, "amount_captured", amount);
    json_set_str(a, c, "balance_transaction",
                 stripe_balance_txn(ctx, amount, json_get_str(c, "currency"), "charge", id));
    int64_t total = 0;
    json_int64(json_get(c, "amount"), &total);
    if (amount < total) { /* the uncaptured rest is released as a refund */
        json_set_int(a, c, "amount_refunded", total - amount);
    }
    stripe_save_emit(ctx, "charges", c, "charge.captured", stripe_diff(ctx, before, c));
    const json_value *pm = stripe_get(ctx, "payment_methods", json_get_str(c, "payment_method"));
    if (pm && stripe_card_outcome_for(pm).creates_dispute) stripe_dispute_open(ctx, c);
}

/* ---- routes ---- */

static bool amount_ok(twin_ctx *ctx, int64_t amount, const char *currency)
{
    if (amount < 1 || (str_eq(currency, "usd") && amount < 50)) {
        stripe_invalid(ctx, "amount", "amount_too_small", "Amount must be at least $0.50 usd");
        return false;
    }
    return true;
}

void stripe_create_charge(twin_ctx *ctx)
{
    int64_t amount = 0;
    const char *currency = NULL, *source = NULL, *customer = NULL;
    bool capture = true;
    if (!stripe_int_param(ctx, "amount", true, &amount, NULL) ||
        !stripe_str_param(ctx, "currency", true, &currency) || !stripe_str_param(ctx, "source", false, &source) ||
        !stripe_str_param(ctx, "customer", false, &customer) || !stripe_bool_param(ctx, "capture", &capture, NULL) ||
        !amount_ok(ctx, amount, currency))
        return;
    if (customer && *customer && !stripe_get(ctx, "customers", customer)) {
        stripe_missing(ctx, "customer", customer, "customer");
        return;
    }
    if (!source || !*source) {
        stripe_invalid(ctx, "source", "parameter_missing", "Must provide source or customer.");
        return;
    }
    json_value *pm = stripe_payment_method_from_token(ctx, source, "source");
    if (!pm) return;
    stripe_card_outcome o = stripe_card_outcome_for(pm);
    json_value *c = stripe_charge_create(ctx, amount, currency, customer && *customer ? customer : NULL, pm, NULL,
                                         capture, &o);
    static const char *const texts[] = {"description", "receipt_email", "statement_descriptor", NULL};
    stripe_copy_strings(ctx, c, texts);
    if (!stripe_apply_metadata(ctx, c)) return;
    stripe_save(ctx, "charges", c);
    if (o.decline_code) {
        twin_keep_writes(ctx);   /* Stripe keeps the failed charge (and its charge.failed event) */
        stripe_error_send(ctx, 402, &(stripe_error){.type = "card_error",
                                                   .code = o.code,
                                                   .decline_code = o.decline_code,
                                                   .message = o.message,
                                                   .charge = json_get_str(c, "id")});
        return;
    }
    stripe_send_object(ctx, 200, c);
}

void stripe_retrieve_charge(twin_ctx *ctx)
{
    stripe_retrieve(ctx, "charges", "charge", "id");
}

void stripe_update_charge(twin_ctx *ctx)
{
    json_value *c = stripe_load(ctx, "charges", "charge", twin_param(ctx, "id"), "id");
    if (!c) return;
    json_value *before = json_clone(ctx->a, c);
    if (!stripe_apply_metadata(ctx, c)) return;
    static const char *const texts[] = {"description", "receipt_email", NULL};
    stripe_copy_strings(ctx, c, texts);
    stripe_save(ctx, "charges", c);
    json_value *prev = stripe_diff(ctx, before, c);
    if (prev->len) stripe_emit(ctx, "charge.updated", c, prev);
    stripe_send_object(ctx, 200, c);
}

void stripe_capture_charge(twin_ctx *ctx)
{
    json_value *c = stripe_load(ctx, "charges", "charge", twin_param(ctx, "id"), "id");
    if (!c) return;
    if (json_truthy(json_get(c, "captured"))) {
        stripe_invalid(ctx, NULL, "charge_already_captured", "Charge %s has already been captured.",
                       json_get_str(c, "id"));
        return;
    }
    int64_t total = 0, amount = 0;
    bool has_amount = false;
    json_int64(json_get(c, "amount"), &total);
    if (!stripe_int_param(ctx, "amount", false, &amount, &has_amount)) return;
    if (!has_amount) amount = total;
    if (amount > total || amount < 1) {
        stripe_invalid(ctx, "amount", "amount_too_large", "Amount must be no more than %lld.", (long long)total);
        return;
    }
    stripe_charge_capture(ctx, c, amount);
    stripe_send_object(ctx, 200, c);
}

static bool filter_pi(const json_value *c, void *data)
{
    return str_eq(json_get_str(c, "payment_intent"), data);
}

void stripe_list_charges(twin_ctx *ctx)
{
    const char *customer = twin_arg(ctx, "customer"), *pi = twin_arg(ctx, "payment_intent");
    listing_query q = {.collection = "charges", .newest_first = true};
    if (customer && *customer) {
        q.index_name = "customer";
        q.index_value = customer;
    }
    if (pi && *pi && !q.index_name) {
        q.index_name = "payment_intent";
        q.index_value = pi;
    } else if (pi && *pi) {
        q.filter = filter_pi;
        q.filter_data = (void *)pi;
    }
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/charges", &page);
}
