/* Stripe twin: /v1/payment_intents and their status machine:
 * requires_payment_method -> requires_confirmation -> (requires_action for
 * 3-D Secure cards) -> requires_capture (capture_method=manual) or succeeded;
 * canceled from any open state.  A declined card sends the intent back to
 * requires_payment_method with last_payment_error. */
#include <string.h>

#include "twins/stripe/stripe.h"
#include "util/util.h"

#define COLL "payment_intents"

static const char *status_of(const json_value *pi)
{
    const char *s = json_get_str(pi, "status");
    return s ? s : "";
}

static void set_status(twin_ctx *ctx, json_value *pi, const char *status)
{
    json_set_str(ctx->a, pi, "status", status);
}

static json_value *pm_options(arena *a)
{
    json_value *card = json_object(a);
    json_set_null(a, card, "installments");
    json_set_null(a, card, "mandate_options");
    json_set_null(a, card, "network");
    json_set_str(a, card, "request_three_d_secure", "automatic");
    json_value *o = json_object(a);
    json_set(a, o, "card", card);
    return o;
}

json_value *stripe_intent_skeleton(twin_ctx *ctx, int64_t amount, const char *currency)
{
    arena *a = ctx->a;
    json_value *pi = stripe_new_object(ctx, "payment_intent", "pi_");
    const char *id = json_get_str(pi, "id");
    char secret[25];
    derive_token(secret, 24, ctx->twin, id, "client_secret", 0);
    json_set_int(a, pi, "amount", amount);
    json_set_int(a, pi, "amount_capturable", 0);
    json_value *details = json_object(a);
    json_set(a, details, "tip", json_object(a));
    json_set(a, pi, "amount_details", details);
    json_set_int(a, pi, "amount_received", 0);
    json_set_null(a, pi, "application");
    json_set_null(a, pi, "application_fee_amount");
    json_set_null(a, pi, "automatic_payment_methods");
    json_set_null(a, pi, "canceled_at");
    json_set_null(a, pi, "cancellation_reason");
    json_set_str(a, pi, "capture_method", "automatic");
    json_set_str(a, pi, "client_secret", arena_printf(a, "%s_secret_%s", id, secret));
    json_set_str(a, pi, "confirmation_method", "automatic");
    json_set_int(a, pi, "created", stripe_now(ctx));
    json_set_str(a, pi, "currency", currency);
    json_set_null(a, pi, "customer");
    json_set_null(a, pi, "description");
    json_set_null(a, pi, "invoice");
    json_set_null(a, pi, "last_payment_error");
    json_set_null(a, pi, "latest_charge");
    json_set_bool(a, pi, "livemode", false);
    json_set(a, pi, "metadata", json_object(a));
    json_set_null(a, pi, "next_action");
    json_set_null(a, pi, "on_behalf_of");
    json_set_null(a, pi, "payment_method");
    json_set(a, pi, "payment_method_options", pm_options(a));
    json_value *types = json_array(a);
    json_push(types, json_string(a, "card"));
    json_set(a, pi, "payment_method_types", types);
    json_set_null(a, pi, "processing");
    json_set_null(a, pi, "receipt_email");
    json_set_null(a, pi, "review");
    json_set_null(a, pi, "setup_future_usage");
    json_set_null(a, pi, "shipping");
    json_set_null(a, pi, "statement_descriptor");
    json_set_null(a, pi, "statement_descriptor_suffix");
    json_set_str(a, pi, "status", "requires_payment_method");
    json_set_null(a, pi, "transfer_data");
    json_set_null(a, pi, "transfer_group");
    return pi;
}

static bool one_of(const char *v, const char *const *allowed)
{
    for (size_t i = 0; allowed[i]; i++)
        if (str_eq(v, allowed[i])) return true;
    return false;
}

static bool enum_param(twin_ctx *ctx, json_value *pi, const char *name, const char *const *allowed)
{
    const char *v = twin_arg(ctx, name);
    if (!v) return true;
    if (!one_of(v, allowed)) {
        stripe_invalid(ctx, name, NULL, "Invalid %s: must be one of %s, %s", name, allowed[0], allowed[1]);
        return false;
    }
    json_set_str(ctx->a, pi, name, v);
    return true;
}

static const char *const text_fields[] = {"description", "receipt_email", "statement_descriptor",
                                          "statement_descriptor_suffix", "setup_future_usage", NULL};

/* customer, payment_method and free-text members (create and update). */
static bool apply_common(twin_ctx *ctx, json_value *pi)
{
    arena *a = ctx->a;
    const char *customer = twin_arg(ctx, "customer");
    if (customer && *customer) {
        if (!stripe_get(ctx, "customers", customer)) {
            stripe_missing(ctx, "customer", customer, "customer");
            return false;
        }
        json_set_str(a, pi, "customer", customer);
    }
    const char *pm_id = twin_arg(ctx, "payment_method");
    if (pm_id && *pm_id) {
        json_value *pm = stripe_payment_method_from_token(ctx, pm_id, "payment_method");
        if (!pm) return false;
        json_set_str(a, pi, "payment_method", json_get_str(pm, "id"));
        if (str_eq(status_of(pi), "requires_payment_method")) set_status(ctx, pi, "requires_confirmation");
    }
    stripe_copy_strings(ctx, pi, text_fields);
    return stripe_apply_metadata(ctx, pi);
}

static bool amount_ok(twin_ctx *ctx, int64_t amount, const char *currency)
{
    if (amount < 1 || (str_eq(currency, "usd") && amount < 50)) {
        stripe_invalid(ctx, "amount", "amount_too_small", "Amount must be at least $0.50 usd");
        return false;
    }
    return true;
}

/* ---- confirmation ---- */

static json_value *payment_error(twin_ctx *ctx, const stripe_card_outcome *o, const json_value *charge,
                                 const json_value *pm)
{
    arena *a = ctx->a;
    json_value *e = json_object(a);
    json_set_str(a, e, "charge", json_get_str(charge, "id"));
    json_set_str(a, e, "code", o->code);
    json_set_str(a, e, "decline_code", o->decline_code);
    json_set_str(a, e, "doc_url", arena_printf(a, "https://stripe.com/docs/error-codes/%s", o->code));
    json_set_str(a, e, "message", o->message);
    json_set(a, e, "payment_method", json_clone(a, pm));
    json_set_str(a, e, "type", "card_error");
    return e;
}

/* 3-D Secure: with a return_url the customer is sent to the twin's
 * authentication page (redirect_to_url) and back; without one Stripe asks
 * Stripe.js to handle it (use_stripe_sdk), whose stripe_js is the same page. */
static json_value *three_ds_action(twin_ctx *ctx, const json_value *pi)
{
    arena *a = ctx->a;
    const char *base = ctx->inst ? ctx->inst->base_url : "";
    const char *id = json_get_str(pi, "id");
    const char *url = arena_printf(a, "%s/3ds/authenticate/%s?client_secret=%s", base, id,
                                   http_percent_encode(a, json_get_str(pi, "client_secret"),
                                                       strlen(json_get_str(pi, "client_secret"))));
    const char *return_url = twin_arg(ctx, "return_url");
    json_value *na = json_object(a);
    if (return_url && *return_url) {
        json_value *redirect = json_object(a);
        json_set_str(a, redirect, "return_url", return_url);
        json_set_str(a, redirect, "url", url);
        json_set(a, na, "redirect_to_url", redirect);
        json_set_str(a, na, "type", "redirect_to_url");
    } else {
        json_value *sdk = json_object(a);
        json_set_str(a, sdk, "source", arena_printf(a, "src_%s", id + 3));
        json_set_str(a, sdk, "stripe_js", url);
        json_set_str(a, sdk, "type", "three_d_secure_redirect");
        json_set_str(a, na, "type", "use_stripe_sdk");
        json_set(a, na, "use_stripe_sdk", sdk);
    }
    return na;
}

json_value *stripe_intent_charge(twin_ctx *ctx, json_value *pi, const json_value *pm, stripe_card_outcome *o)
{
    arena *a = ctx->a;
    json_value *before = json_clone(a, pi);
    *o = stripe_card_outcome_for(pm);
    int64_t amount = 0;
    json_int64(json_get(pi, "amount"), &amount);
    bool manual = str_eq(json_get_str(pi, "capture_method"), "manual");
    json_value *charge = stripe_charge_create(ctx, amount, json_get_str(pi, "currency"), json_get_str(pi, "customer"),
                                              pm, json_get_str(pi, "id"), !manual, o);
    json_set_str(a, pi, "latest_charge", json_get_str(charge, "id"));
    json_set_null(a, pi, "next_action");
    if (o->decline_code) {
        /* A decline is an attempt Stripe records, whatever error the caller
         * answers: the failed charge, last_payment_error, the events. */
        twin_keep_writes(ctx);
        json_set(a, pi, "last_payment_error", payment_error(ctx, o, charge, pm));
        json_set_null(a, pi, "payment_method");
        set_status(ctx, pi, "requires_payment_method");
        stripe_save_emit(ctx, COLL, pi, "payment_intent.payment_failed", NULL);
        if (json_get_str(pi, "invoice")) stripe_invoice_intent_charged(ctx, pi, charge, o);
        return charge;
    }
    json_set_null(a, pi, "last_payment_error");
    if (manual) {
        json_set_int(a, pi, "amount_capturable", amount);
        set_status(ctx, pi, "requires_capture");
        stripe_save_emit(ctx, COLL, pi, "payment_intent.amount_capturable_updated", stripe_diff(ctx, before, pi));
    } else {
        json_set_int(a, pi, "amount_received", amount);
        set_status(ctx, pi, "succeeded");
        stripe_save_emit(ctx, COLL, pi, "payment_intent.succeeded", NULL);
        /* An invoice's intent paid directly (confirm, 3-D Secure page): the invoice is paid. */
        if (json_get_str(pi, "invoice")) stripe_invoice_intent_charged(ctx, pi, charge, o);
    }
    return charge;
}

stripe_auth_result stripe_intent_authenticate(twin_ctx *ctx, json_value *pi, bool ok, const char **message)
{
    arena *a = ctx->a;
    json_value *pm = stripe_get(ctx, "payment_methods", json_get_str(pi, "payment_method"));
    if (!pm || !str_eq(status_of(pi), "requires_action")) {
        *message = "There is no payment awaiting authentication.";
        return STRIPE_AUTH_NOT_PENDING;
    }
    if (ok) {
        stripe_card_outcome o;
        stripe_intent_charge(ctx, pi, pm, &o);
        *message = o.message;
        return o.decline_code ? STRIPE_AUTH_DECLINED : STRIPE_AUTH_SUCCEEDED;
    }
    *message = "We are unable to authenticate your payment method. Please choose a different payment method and "
               "try again.";
    json_value *e = json_object(a);
    json_set_str(a, e, "code", "payment_intent_authentication_failure");
    json_set_str(a, e, "doc_url", "https://stripe.com/docs/error-codes/payment-intent-authentication-failure");
    json_set_str(a, e, "message", *message);
    json_set(a, e, "payment_method", json_clone(a, pm));
    json_set_str(a, e, "type", "invalid_request_error");
    json_set(a, pi, "last_payment_error", e);
    json_set_null(a, pi, "payment_method");
    json_set_null(a, pi, "next_action");
    set_status(ctx, pi, "requires_payment_method");
    stripe_save_emit(ctx, COLL, pi, "payment_intent.payment_failed", NULL);
    return STRIPE_AUTH_FAILED;
}

/* Charges the intent's payment method; answers the request either way. */
static void charge_intent(twin_ctx *ctx, json_value *pi, const json_value *pm)
{
    stripe_card_outcome o;
    json_value *charge = stripe_intent_charge(ctx, pi, pm, &o);
    if (o.decline_code) {
        stripe_error_send(ctx, 402, &(stripe_error){.type = "card_error",
                                                   .code = o.code,
                                                   .decline_code = o.decline_code,
                                                   .message = o.message,
                                                   .charge = json_get_str(charge, "id"),
                                                   .payment_intent = pi});
        return;
    }
    stripe_send_object(ctx, 200, pi);
}

static void confirm_intent(twin_ctx *ctx, json_value *pi)
{
    static const char *const confirmable[] = {"requires_payment_method", "requires_confirmation", "requires_action",
                                              NULL};
    if (!one_of(status_of(pi), confirmable)) {
        stripe_invalid(ctx, NULL, "payment_intent_unexpected_state",
                       "You cannot confirm this PaymentIntent because it has a status of %s.", status_of(pi));
        return;
    }
    const char *pm_id = json_get_str(pi, "payment_method");
    json_value *pm = pm_id ? stripe_get(ctx, "payment_methods", pm_id) : NULL;
    if (!pm) {
        stripe_invalid(ctx, "payment_method", "payment_intent_unexpected_state",
                       "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the "
                       "PaymentIntent with %s, specify a payment method attached to this customer along with the "
                       "customer ID.",
                       json_get_str(pi, "customer") ? json_get_str(pi, "customer") : "a customer");
        return;
    }
    stripe_card_outcome o = stripe_card_outcome_for(pm);
    /* 3-D Secure: the first confirmation asks for authentication; confirming
     * again from requires_action stands for the completed challenge. */
    if (o.requires_3ds && !str_eq(status_of(pi), "requires_action")) {
        set_status(ctx, pi, "requires_action");
        json_set(ctx->a, pi, "next_action", three_ds_action(ctx, pi));
        stripe_text saved = stripe_save_emit(ctx, COLL, pi, "payment_intent.requires_action", NULL);
        stripe_send_saved(ctx, 200, pi, saved);
        return;
    }
    charge_intent(ctx, pi, pm);
}

/* ---- routes ---- */

void stripe_create_intent(twin_ctx *ctx)
{
    static const char *const capture_methods[] = {"automatic", "manual", "automatic_async", NULL};
    static const char *const confirmation_methods[] = {"automatic", "manual", NULL};
    int64_t amount = 0;
    const char *currency = NULL;
    bool confirm = false;
    if (!stripe_int_param(ctx, "amount", true, &amount, NULL) ||
        !stripe_str_param(ctx, "currency", true, &currency) || !stripe_bool_param(ctx, "confirm", &confirm, NULL) ||
        !amount_ok(ctx, amount, currency))
        return;
    json_value *pi = stripe_intent_skeleton(ctx, amount, currency);
    if (!enum_param(ctx, pi, "capture_method", capture_methods) ||
        !enum_param(ctx, pi, "confirmation_method", confirmation_methods) || !apply_common(ctx, pi))
        return;
    json_value *types = twin_input(ctx, "payment_method_types");
    if (types && types->type == JSON_ARRAY && types->len) json_set(ctx->a, pi, "payment_method_types", json_clone(ctx->a, types));
    json_value *apm = twin_input(ctx, "automatic_payment_methods");
    if (apm && apm->type == JSON_OBJECT) {
        json_value *v = json_object(ctx->a);
        json_set_bool(ctx->a, v, "enabled", str_eq(stripe_sub_str(apm, "enabled"), "true"));
        json_set(ctx->a, pi, "automatic_payment_methods", v);
    }
    stripe_save_emit(ctx, COLL, pi, "payment_intent.created", NULL);
    if (confirm) confirm_intent(ctx, pi);
    else stripe_send_object(ctx, 200, pi);
}

void stripe_retrieve_intent(twin_ctx *ctx)
{
    stripe_retrieve(ctx, COLL, "payment_intent", "intent");
}

void stripe_update_intent(twin_ctx *ctx)
{
    json_value *pi = stripe_load(ctx, COLL, "payment_intent", twin_param(ctx, "id"), "intent");
    if (!pi) return;
    static const char *const updatable[] = {"requires_payment_method", "requires_confirmation", "requires_action", NULL};
    if (!one_of(status_of(pi), updatable)) {
        stripe_invalid(ctx, NULL, "payment_intent_unexpected_state",
                       "This PaymentIntent's status is %s; it can no longer be updated.", status_of(pi));
        return;
    }
    json_value *before = json_clone(ctx->a, pi);
    int64_t amount = 0;
    bool has_amount = false;
    const char *currency = twin_arg(ctx, "currency");
    if (!stripe_int_param(ctx, "amount", false, &amount, &has_amount)) return;
    if (currency && *currency) json_set_str(ctx->a, pi, "currency", currency);
    if (has_amount) {
        if (!amount_ok(ctx, amount, json_get_str(pi, "currency"))) return;
        json_set_int(ctx->a, pi, "amount", amount);
    }
    if (!apply_common(ctx, pi)) return;
    stripe_save(ctx, COLL, pi);
    (void)before;
    stripe_send_object(ctx, 200, pi);
}

void stripe_pi_confirm(twin_ctx *ctx)
{
    json_value *pi = stripe_load(ctx, COLL, "payment_intent", twin_param(ctx, "id"), "intent");
    if (!pi) return;
    const char *pm_id = twin_arg(ctx, "payment_method");
    if (pm_id && *pm_id) {
        json_value *pm = stripe_payment_method_from_token(ctx, pm_id, "payment_method");
        if (!pm) return;
        json_set_str(ctx->a, pi, "payment_method", json_get_str(pm, "id"));
        if (str_eq(status_of(pi), "requires_action")) set_status(ctx, pi, "requires_confirmation");
    }
    if (!stripe_apply_metadata(ctx, pi)) return;
    confirm_intent(ctx, pi);
}

void stripe_pi_capture(twin_ctx *ctx)
{
    json_value *pi = stripe_load(ctx, COLL, "payment_intent", twin_param(ctx, "id"), "intent");
    if (!pi) return;
    if (!str_eq(status_of(pi), "requires_capture")) {
        stripe_invalid(ctx, NULL, "payment_intent_unexpected_state",
                       "This PaymentIntent could not be captured because it has a status of %s. Only a "
                       "PaymentIntent with one of the following statuses may be captured: requires_capture.",
                       status_of(pi));
        return;
    }
    int64_t capturable = 0, amount = 0;
    bool has_amount = false;
    json_int64(json_get(pi, "amount_capturable"), &capturable);
    if (!stripe_int_param(ctx, "amount_to_capture", false, &amount, &has_amount)) return;
    if (!has_amount) amount = capturable;
    if (amount < 1 || amount > capturable) {
        stripe_invalid(ctx, "amount_to_capture", "amount_too_large",
                       "The amount to capture must be less than or equal to the amount_capturable (%lld).",
                       (long long)capturable);
        return;
    }
    json_value *charge = stripe_get(ctx, "charges", json_get_str(pi, "latest_charge"));
    if (charge) stripe_charge_capture(ctx, charge, amount);
    json_set_int(ctx->a, pi, "amount_capturable", 0);
    json_set_int(ctx->a, pi, "amount_received", amount);
    set_status(ctx, pi, "succeeded");
    if (!stripe_apply_metadata(ctx, pi)) return;
    stripe_text saved = stripe_save_emit(ctx, COLL, pi, "payment_intent.succeeded", NULL);
    stripe_send_saved(ctx, 200, pi, saved);
}

void stripe_pi_cancel(twin_ctx *ctx)
{
    static const char *const cancelable[] = {"requires_payment_method", "requires_capture", "requires_confirmation",
                                             "requires_action", "processing", NULL};
    static const char *const reasons[] = {"duplicate", "fraudulent", "requested_by_customer", "abandoned", NULL};
    json_value *pi = stripe_load(ctx, COLL, "payment_intent", twin_param(ctx, "id"), "intent");
    if (!pi) return;
    if (!one_of(status_of(pi), cancelable)) {
        stripe_invalid(ctx, NULL, "payment_intent_unexpected_state",
                       "You cannot cancel this PaymentIntent because it has a status of %s. Only a PaymentIntent "
                       "with one of the following statuses may be canceled: requires_payment_method, "
                       "requires_capture, requires_confirmation, requires_action, processing.",
                       status_of(pi));
        return;
    }
    if (!enum_param(ctx, pi, "cancellation_reason", reasons)) return;
    json_set_int(ctx->a, pi, "canceled_at", stripe_now(ctx));
    json_set_null(ctx->a, pi, "next_action");
    json_set_int(ctx->a, pi, "amount_capturable", 0);
    set_status(ctx, pi, "canceled");
    stripe_text saved = stripe_save_emit(ctx, COLL, pi, "payment_intent.canceled", NULL);
    stripe_send_saved(ctx, 200, pi, saved);
}

void stripe_list_intents(twin_ctx *ctx)
{
    const char *customer = twin_arg(ctx, "customer");
    listing_query q = {.collection = COLL, .newest_first = true};
    if (customer && *customer) {
        q.index_name = "customer";
        q.index_value = customer;
    }
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/payment_intents", &page);
}
