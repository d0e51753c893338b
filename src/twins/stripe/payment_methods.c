/* Stripe twin: /v1/payment_methods, test cards and test tokens. */
#include <stdlib.h>
#include <string.h>

#include "twins/stripe/stripe.h"
#include "util/util.h"

/* Documented test cards, by number; the token names map onto them. */
typedef struct test_card {
    const char *token;          /* pm_card_<token> and tok_<token> */
    const char *number;
    const char *brand;
    const char *funding;
    const char *code, *decline_code, *message;   /* declines */
    bool requires_3ds;
} test_card;

static const char declined[] = "Your card was declined.";

static const test_card cards[] = {
    {"visa", "4242424242424242", "visa", "credit", NULL, NULL, NULL, false},
    {"visa_debit", "4000056655665556", "visa", "debit", NULL, NULL, NULL, false},
    {"mastercard", "5555555555554444", "mastercard", "credit", NULL, NULL, NULL, false},
    {"amex", "378282246310005", "amex", "credit", NULL, NULL, NULL, false},
    {"discover", "6011111111111117", "discover", "credit", NULL, NULL, NULL, false},
    {"chargeDeclined", "4000000000000002", "visa", "credit", "card_declined", "generic_decline", declined, false},
    {"chargeDeclinedInsufficientFunds", "4000000000009995", "visa", "credit", "card_declined", "insufficient_funds",
     "Your card has insufficient funds.", false},
    {"chargeDeclinedLostCard", "4000000000009987", "visa", "credit", "card_declined", "lost_card", declined, false},
    {"chargeDeclinedStolenCard", "4000000000009979", "visa", "credit", "card_declined", "stolen_card", declined, false},
    {"chargeDeclinedExpiredCard", "4000000000000069", "visa", "credit", "expired_card", "expired_card",
     "Your card has expired.", false},
    {"chargeDeclinedIncorrectCvc", "4000000000000127", "visa", "credit", "incorrect_cvc", "incorrect_cvc",
     "Your card's security code is incorrect.", false},
    {"chargeDeclinedProcessingError", "4000000000000119", "visa", "credit", "processing_error", "processing_error",
     "An error occurred while processing your card. Try again in a little bit.", false},
    {"chargeCustomerFail", "4000000000000341", "visa", "credit", "card_declined", "generic_decline", declined, false},
    {"createDispute", "4000000000000259", "visa", "credit", NULL, NULL, NULL, false},
    {"authenticationRequired", "4000002500003155", "visa", "credit", NULL, NULL, NULL, true},
    {"threeDSecure2Required", "4000000000003220", "visa", "credit", NULL, NULL, NULL, true},
    {"threeDSecureRequired", "4000000000003063", "visa", "credit", NULL, NULL, NULL, true},
};
#define N_CARDS (sizeof cards / sizeof cards[0])

static const test_card *card_by_number(const char *number)
{
    for (size_t i = 0; i < N_CARDS; i++)
        if (str_eq(cards[i].number, number)) return &cards[i];
    return NULL;
}

static const test_card *card_by_token(const char *token)
{
    const char *name = str_starts_with(token, "pm_card_") ? token + 8 : str_starts_with(token, "tok_") ? token + 4 : NULL;
    if (!name) return NULL;
    for (size_t i = 0; i < N_CARDS; i++)
        if (strcmp(cards[i].token, name) == 0) return &cards[i];
    return NULL;
}

/* Test cards are told apart by brand + last4, which every stored card keeps. */
static const test_card *card_of(const json_value *pm)
{
    const json_value *card = json_get(pm, "card");
    const char *last4 = json_get_str(card, "last4"), *brand = json_get_str(card, "brand");
    for (size_t i = 0; i < N_CARDS; i++)
        if (str_ends_with(cards[i].number, last4 ? last4 : "-") && str_eq(cards[i].brand, brand)) return &cards[i];
    return NULL;
}

stripe_card_outcome stripe_card_outcome_for(const json_value *pm)
{
    const test_card *c = card_of(pm);
    stripe_card_outcome o = {0};
    if (!c) return o;
    o.code = c->code;
    o.decline_code = c->decline_code;
    o.message = c->message;
    o.requires_3ds = c->requires_3ds;
    o.creates_dispute = strcmp(c->token, "createDispute") == 0;
    return o;
}

static bool luhn_ok(const char *n)
{
    size_t len = strlen(n);
    int sum = 0;
    if (len < 12 || len > 19) return false;
    for (size_t i = 0; i < len; i++) {
        char ch = n[len - 1 - i];
        if (ch < '0' || ch > '9') return false;
        int d = ch - '0';
        if (i % 2 == 1 && (d *= 2) > 9) d -= 9;
        sum += d;
    }
    return sum % 10 == 0;
}

static const char *brand_of(const char *number)
{
    if (number[0] == '4') return "visa";
    if (number[0] == '5' || str_starts_with(number, "2")) return "mastercard";
    if (str_starts_with(number, "34") || str_starts_with(number, "37")) return "amex";
    if (str_starts_with(number, "6011") || str_starts_with(number, "65")) return "discover";
    return "unknown";
}

static json_value *billing_details(arena *a, const json_value *in)
{
    json_value *b = json_object(a);
    json_value *addr = json_get(in, "address");
    json_set(a, b, "address", addr && addr->type == JSON_OBJECT ? json_clone(a, addr) : json_null(a));
    static const char *const fields[] = {"email", "name", "phone", NULL};
    for (size_t i = 0; fields[i]; i++) json_set_str(a, b, fields[i], stripe_sub_str(in, fields[i]));
    return b;
}

static json_value *card_details(twin_ctx *ctx, const char *number, const char *brand, const char *funding,
                                int64_t exp_month, int64_t exp_year)
{
    arena *a = ctx->a;
    size_t n = strlen(number);
    json_value *c = json_object(a);
    json_set_str(a, c, "brand", brand);
    json_value *checks = json_object(a);
    json_set_null(a, checks, "address_line1_check");
    json_set_null(a, checks, "address_postal_code_check");
    json_set_str(a, checks, "cvc_check", "unchecked");
    json_set(a, c, "checks", checks);
    json_set_str(a, c, "country", "US");
    json_set_int(a, c, "exp_month", exp_month);
    json_set_int(a, c, "exp_year", exp_year);
    char fp[17];
    derive_token(fp, 16, "card", number, "fingerprint", 0);
    json_set_str(a, c, "fingerprint", fp);
    json_set_str(a, c, "funding", funding);
    json_set_null(a, c, "generated_from");
    json_set_str(a, c, "last4", number + n - 4);
    json_value *networks = json_object(a);
    json_value *avail = json_array(a);
    json_push(avail, json_string(a, brand));
    json_set(a, networks, "available", avail);
    json_set_null(a, networks, "preferred");
    json_set(a, c, "networks", networks);
    json_value *tds = json_object(a);
    json_set_bool(a, tds, "supported", true);
    json_set(a, c, "three_d_secure_usage", tds);
    json_set_null(a, c, "wallet");
    return c;
}

static json_value *pm_skeleton(twin_ctx *ctx, json_value *card, const json_value *billing_in)
{
    arena *a = ctx->a;
    json_value *pm = stripe_new_object(ctx, "payment_method", "pm_");
    json_set(a, pm, "billing_details", billing_details(a, billing_in));
    json_set(a, pm, "card", card);
    json_set_int(a, pm, "created", twin_now(ctx));
    json_set_null(a, pm, "customer");
    json_set_bool(a, pm, "livemode", false);
    json_set(a, pm, "metadata", json_object(a));
    json_set_str(a, pm, "type", "card");
    return pm;
}

json_value *stripe_payment_method_from_card(twin_ctx *ctx, const char *number, int64_t exp_month, int64_t exp_year,
                                            const char *cvc, const json_value *billing_in)
{
    const test_card *tc = card_by_number(number);
    json_value *card = card_details(ctx, number, tc ? tc->brand : brand_of(number), tc ? tc->funding : "credit",
                                    exp_month, exp_year);
    if (cvc && *cvc) json_set_str(ctx->a, json_get(card, "checks"), "cvc_check", "pass");
    return pm_skeleton(ctx, card, billing_in);
}

/* A fresh payment method for a documented test token (pm_card_visa, tok_visa, ...). */
static json_value *pm_from_test_card(twin_ctx *ctx, const test_card *tc)
{
    json_value *card = card_details(ctx, tc->number, tc->brand, tc->funding, 12, 2034);
    json_value *pm = pm_skeleton(ctx, card, NULL);
    stripe_save(ctx, "payment_methods", pm);
    return pm;
}

json_value *stripe_payment_method_test_token(twin_ctx *ctx, const char *token)
{
    const test_card *tc = card_by_token(token ? token : "");
    return tc ? pm_from_test_card(ctx, tc) : NULL;
}

json_value *stripe_payment_method_from_token(twin_ctx *ctx, const char *token, const char *param)
{
    const test_card *tc = card_by_token(token ? token : "");
    if (tc) return pm_from_test_card(ctx, tc);
    json_value *pm = stripe_get(ctx, "payment_methods", token);
    if (!pm) stripe_missing(ctx, "PaymentMethod", token ? token : "", param);
    return pm;
}

static bool card_error(twin_ctx *ctx, const char *code, const char *param, const char *message)
{
    stripe_error_send(ctx, 402, &(stripe_error){.type = "card_error", .code = code, .param = param, .message = message});
    return false;
}

/* card[number]/card[exp_month]/card[exp_year], or card[token]=tok_visa. */
static json_value *card_from_params(twin_ctx *ctx, const json_value *in)
{
    const char *token = stripe_sub_str(in, "token");
    if (token) {
        const test_card *tc = card_by_token(token);
        if (!tc) {
            stripe_missing(ctx, "token", token, "card[token]");
            return NULL;
        }
        return card_details(ctx, tc->number, tc->brand, tc->funding, 12, 2034);
    }
    const char *number = stripe_sub_str(in, "number");
    if (!number) {
        stripe_invalid(ctx, "card[number]", "parameter_missing", "Missing required param: card[number].");
        return NULL;
    }
    if (!luhn_ok(number)) {
        card_error(ctx, "incorrect_number", "card[number]", "Your card number is incorrect.");
        return NULL;
    }
    const char *m = stripe_sub_str(in, "exp_month"), *y = stripe_sub_str(in, "exp_year");
    if (!m || !y) {
        const char *p = !m ? "card[exp_month]" : "card[exp_year]";
        stripe_invalid(ctx, p, "parameter_missing", "Missing required param: %s.", p);
        return NULL;
    }
    int64_t month = strtoll(m, NULL, 10), year = strtoll(y, NULL, 10);
    if (year < 100) year += 2000;
    if (month < 1 || month > 12) {
        card_error(ctx, "invalid_expiry_month", "card[exp_month]", "Your card's expiration month is invalid.");
        return NULL;
    }
    const test_card *tc = card_by_number(number);
    return card_details(ctx, number, tc ? tc->brand : brand_of(number), tc ? tc->funding : "credit", month, year);
}

void stripe_create_payment_method(twin_ctx *ctx)
{
    const char *type = NULL;
    if (!stripe_str_param(ctx, "type", true, &type)) return;
    if (strcmp(type, "card") != 0) {
        stripe_invalid(ctx, "type", NULL, "The payment method type provided: %s is invalid. This twin supports: card.",
                       type);
        return;
    }
    json_value *card_in = twin_input(ctx, "card");
    if (!card_in || card_in->type != JSON_OBJECT) {
        stripe_invalid(ctx, "card", "parameter_missing", "Missing required param: card.");
        return;
    }
    json_value *card = card_from_params(ctx, card_in);
    if (!card) return;
    json_value *pm = pm_skeleton(ctx, card, twin_input(ctx, "billing_details"));
    if (!stripe_apply_metadata(ctx, pm)) return;
    stripe_save(ctx, "payment_methods", pm);
    stripe_send_object(ctx, 200, pm);
}

void stripe_retrieve_payment_method(twin_ctx *ctx)
{
    stripe_retrieve(ctx, "payment_methods", "PaymentMethod", "id");
}

void stripe_update_payment_method(twin_ctx *ctx)
{
    json_value *pm = stripe_load(ctx, "payment_methods", "PaymentMethod", twin_param(ctx, "id"), "id");
    if (!pm) return;
    json_value *before = json_clone(ctx->a, pm);
    if (!stripe_apply_metadata(ctx, pm)) return;
    json_value *bd = twin_input(ctx, "billing_details");
    if (bd && bd->type == JSON_OBJECT) json_set(ctx->a, pm, "billing_details", billing_details(ctx->a, bd));
    json_value *card_in = twin_input(ctx, "card");
    json_value *card = json_get(pm, "card");
    static const char *const exp[] = {"exp_month", "exp_year", NULL};
    for (size_t i = 0; exp[i]; i++) {
        const char *v = stripe_sub_str(card_in, exp[i]);
        if (v) json_set_int(ctx->a, card, exp[i], strtoll(v, NULL, 10));
    }
    stripe_save(ctx, "payment_methods", pm);
    json_value *prev = stripe_diff(ctx, before, pm);
    if (prev->len) stripe_emit(ctx, "payment_method.updated", pm, prev);
    stripe_send_object(ctx, 200, pm);
}

void stripe_attach_payment_method(twin_ctx *ctx)
{
    const char *customer = NULL;
    if (!stripe_str_param(ctx, "customer", true, &customer)) return;
    const char *id = twin_param(ctx, "id");
    /* Resolve the customer first so a bad customer leaves no orphan test-token PM behind. */
    if (!stripe_get(ctx, "customers", customer)) {
        stripe_missing(ctx, "customer", customer, "customer");
        return;
    }
    json_value *pm = stripe_payment_method_from_token(ctx, id, "payment_method");
    if (!pm) return;
    const char *current = json_get_str(pm, "customer");
    if (current && strcmp(current, customer) != 0) {
        stripe_invalid(ctx, NULL, NULL,
                       "The payment method you provided has already been attached to a customer.");
        return;
    }
    json_set_str(ctx->a, pm, "customer", customer);
    stripe_text saved = stripe_save_emit(ctx, "payment_methods", pm, "payment_method.attached", NULL);
    stripe_send_saved(ctx, 200, pm, saved);
}

void stripe_detach_payment_method(twin_ctx *ctx)
{
    json_value *pm = stripe_load(ctx, "payment_methods", "PaymentMethod", twin_param(ctx, "id"), "id");
    if (!pm) return;
    if (json_is_null(json_get(pm, "customer"))) {
        stripe_invalid(ctx, NULL, NULL,
                       "The payment method you provided is not attached to a customer so detachment is impossible.");
        return;
    }
    json_value *prev = json_object(ctx->a);
    json_set_str(ctx->a, prev, "customer", json_get_str(pm, "customer"));
    json_set_null(ctx->a, pm, "customer");
    stripe_text saved = stripe_save_emit(ctx, "payment_methods", pm, "payment_method.detached", prev);
    stripe_send_saved(ctx, 200, pm, saved);
}

static bool filter_type(const json_value *pm, void *data)
{
    return str_eq(json_get_str(pm, "type"), data);
}

static void list_for_customer(twin_ctx *ctx, const char *customer, const char *url)
{
    const char *type = twin_arg(ctx, "type");
    listing_query q = {.collection = "payment_methods", .newest_first = true};
    if (customer) {
        q.index_name = "customer";
        q.index_value = customer;
    }
    if (type && *type) {
        q.filter = filter_type;
        q.filter_data = (void *)type;
    }
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, url, &page);
}

void stripe_list_payment_methods(twin_ctx *ctx)
{
    const char *customer = twin_arg(ctx, "customer");
    if (customer && *customer && !stripe_get(ctx, "customers", customer)) {
        stripe_missing(ctx, "customer", customer, "customer");
        return;
    }
    list_for_customer(ctx, customer && *customer ? customer : NULL, "/v1/payment_methods");
}

void stripe_list_customer_payment_methods(twin_ctx *ctx)
{
    const char *customer = twin_param(ctx, "customer");
    if (!stripe_load(ctx, "customers", "customer", customer, "customer")) return;
    list_for_customer(ctx, customer, arena_printf(ctx->a, "/v1/customers/%s/payment_methods", customer));
}
