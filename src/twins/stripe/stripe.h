/* Stripe twin: helpers shared by the resource files.
 *
 * Every Stripe object is stored whole, in Stripe's own JSON shape, in a
 * collection named after its resource ("customers", "payment_intents", ...);
 * references to other objects are stored as ids and expanded on the way out
 * when the request asks (expand[]).  All answers go through stripe_reply()
 * so Request-Id, Stripe-Version and idempotent-replay recording happen in one
 * place. */
#ifndef TWINS_STRIPE_H
#define TWINS_STRIPE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/idempotency.h"
#include "engine/listing.h"
#include "engine/twin.h"

/* API version the twin's objects are shaped after (the spec it validates against). */
#define STRIPE_API_VERSION "2023-08-16"

/* Per-request state, kept in ctx->principal by the authenticate hook. */
typedef struct stripe_req {
    const char *api_key;
    const char *request_id;
    idem_slot idem;
    /* The enabled webhook endpoints, read by the request's first event and
     * kept for the others (NULL until then, and again after an endpoint
     * changes: stripe_endpoints_changed). */
    const twin_list *endpoints;
    /* Parameters a handler reads as top-level ones but the caller sent inside
     * an object (an invoice preview's subscription_details): errors on them
     * are named inside it, "subscription_details[items][0][price]". */
    const char *nested_in;
    const json_value *nested;
    /* While a subscription without a test clock catches up with real time,
     * the boundary it is crossing (0 otherwise): what happens there is
     * stamped with it (stripe_now). */
    int64_t now_override;
} stripe_req;

/* The request's time: the boundary being crossed while catching up, else
 * the run's clock (twin_now). */
int64_t stripe_now(twin_ctx *ctx);
/* Makes stripe_now answer t (0: the run's time again); returns the override
 * it replaces, for the caller to put back (catch-ups nest). */
int64_t stripe_override_now(twin_ctx *ctx, int64_t t);

/* Drops the request's copy of the enabled webhook endpoints (events.c). */
void stripe_endpoints_changed(twin_ctx *ctx);

/* ---- auth (auth.c) ---- */
bool stripe_authenticate(twin_ctx *ctx, const twin_route *route);
/* The run's default webhook signing secret: config.webhook_secret, else a
 * value derived from the run id (the STRIPE_WEBHOOK_SECRET env var). */
const char *stripe_default_webhook_secret(arena *a, const char *run_id, const json_value *config);

/* ---- answers and errors (stripe.c) ---- */
void stripe_stamp(twin_ctx *ctx);   /* Request-Id + Stripe-Version headers */
void stripe_reply(twin_ctx *ctx, int status, const json_value *body);

typedef struct stripe_error {
    const char *type;           /* "invalid_request_error", "card_error", ... */
    const char *code;           /* NULL = none */
    const char *decline_code;   /* card errors */
    const char *param;
    const char *message;
    const json_value *payment_intent;   /* card errors on a PaymentIntent: the PI object */
    const char *charge;                 /* card errors: the failed charge id */
} stripe_error;
void stripe_error_send(twin_ctx *ctx, int status, const stripe_error *e);
/* 400 invalid_request_error with code and param. */
void stripe_invalid(twin_ctx *ctx, const char *param, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* 404 resource_missing: "No such customer: 'cus_x'". */
void stripe_missing(twin_ctx *ctx, const char *noun, const char *id, const char *param);
/* twin_def.send_error: maps engine codes onto Stripe's shapes. */
void stripe_send_error(twin_ctx *ctx, int status, const char *code, const char *message);

/* ---- parameters (params.c in stripe.c) ---- */
/* Each returns false after answering 400 when the value is malformed or a
 * required one is missing; *present tells whether it was given. */
bool stripe_int_param(twin_ctx *ctx, const char *name, bool required, int64_t *out, bool *present);
/* Text (NULL = not a leaf) as a whole number; answers parameter_invalid_integer on param. */
bool stripe_int_text(twin_ctx *ctx, const char *text, const char *param, int64_t *out);
bool stripe_bool_param(twin_ctx *ctx, const char *name, bool *out, bool *present);
bool stripe_str_param(twin_ctx *ctx, const char *name, bool required, const char **out);
/* Nested string leaf "a[b]" style: input object member's member. */
const char *stripe_sub_str(const json_value *obj, const char *key);
/* Applies the request's metadata (set, "" unsets one key, metadata="" clears). */
bool stripe_apply_metadata(twin_ctx *ctx, json_value *obj);
/* Copies optional string params (NULL-terminated names) onto obj; "" sets null. */
void stripe_copy_strings(twin_ctx *ctx, json_value *obj, const char *const *names);

/* ---- objects, storage, events ---- */
json_value *stripe_new_object(twin_ctx *ctx, const char *object, const char *id_prefix);
/* Loads a document; answers 404 "No such <noun>" and returns NULL when absent. */
json_value *stripe_load(twin_ctx *ctx, const char *collection, const char *noun, const char *id,
                        const char *param);
json_value *stripe_get(twin_ctx *ctx, const char *collection, const char *id);  /* NULL if absent */
bool stripe_status_is(const json_value *obj, const char *status);             /* obj.status == status */
/* A document's JSON text as stored (compact, what json_write makes). */
typedef struct stripe_text {
    const char *s;
    size_t len;
} stripe_text;
/* Stores obj and returns the text stored, which later steps of the same
 * request may reuse as long as obj is not changed in between. */
stripe_text stripe_save(twin_ctx *ctx, const char *collection, const json_value *obj);
/* The same with index entries for members (NULL-terminated, at most 8) instead. */
stripe_text stripe_save_indexed(twin_ctx *ctx, const char *collection, const json_value *obj,
                                const char *const *members);
/* Top-level members of before that differ in after (Stripe's previous_attributes). */
json_value *stripe_diff(twin_ctx *ctx, const json_value *before, const json_value *after);
/* Records an event (and delivers it to webhook endpoints).  prev may be NULL. */
void stripe_emit(twin_ctx *ctx, const char *type, const json_value *obj, const json_value *prev);
/* The same for an object just saved, unchanged since: the event embeds the
 * saved text instead of writing the object again. */
void stripe_emit_saved(twin_ctx *ctx, const char *type, const json_value *obj, stripe_text saved,
                       const json_value *prev);
/* stripe_save then stripe_emit_saved: stores obj and records its event. */
stripe_text stripe_save_emit(twin_ctx *ctx, const char *collection, const json_value *obj, const char *type,
                             const json_value *prev);

/* ---- rendering ---- */
/* Applies expand[] and answers; list answers use "data." paths. */
void stripe_send_object(twin_ctx *ctx, int status, json_value *obj);
/* The same for an object just saved, unchanged since: without expand[] the
 * answer is the saved text. */
void stripe_send_saved(twin_ctx *ctx, int status, json_value *obj, stripe_text saved);
/* Answers 200 with the stored document as is and returns true, unless the
 * request expands something or the document is absent (the caller then
 * takes its usual path, which also answers the 404). */
bool stripe_send_stored(twin_ctx *ctx, const char *collection, const char *id);
/* GET /v1/<things>/{id} for resources whose retrieve is the stored document
 * (plus expand[]): 404 "No such <noun>" on param when absent. */
void stripe_retrieve(twin_ctx *ctx, const char *collection, const char *noun, const char *param);
/* Parses paging params and fetches; answers the error and returns false. */
bool stripe_list_fetch(twin_ctx *ctx, const listing_query *q, twin_list *out);
void stripe_send_list(twin_ctx *ctx, const char *url, const twin_list *page);
/* Expands one field path in obj ("customer", "latest_charge.balance_transaction"). */
bool stripe_expand_path(twin_ctx *ctx, json_value *obj, const char *path);

/* ---- route handlers (one file per resource; the table is in twin.c) ---- */
void stripe_create_customer(twin_ctx *ctx);
void stripe_list_customers(twin_ctx *ctx);
void stripe_search_customers(twin_ctx *ctx);
void stripe_retrieve_customer(twin_ctx *ctx);
void stripe_update_customer(twin_ctx *ctx);
void stripe_delete_customer(twin_ctx *ctx);
void stripe_create_product(twin_ctx *ctx);
void stripe_list_products(twin_ctx *ctx);
void stripe_retrieve_product(twin_ctx *ctx);
void stripe_update_product(twin_ctx *ctx);
void stripe_delete_product(twin_ctx *ctx);
void stripe_create_price(twin_ctx *ctx);
void stripe_list_prices(twin_ctx *ctx);
void stripe_retrieve_price(twin_ctx *ctx);
void stripe_update_price(twin_ctx *ctx);
void stripe_create_payment_method(twin_ctx *ctx);
void stripe_list_payment_methods(twin_ctx *ctx);
void stripe_retrieve_payment_method(twin_ctx *ctx);
void stripe_update_payment_method(twin_ctx *ctx);
void stripe_attach_payment_method(twin_ctx *ctx);
void stripe_detach_payment_method(twin_ctx *ctx);
void stripe_list_customer_payment_methods(twin_ctx *ctx);
void stripe_create_intent(twin_ctx *ctx);
void stripe_list_intents(twin_ctx *ctx);
void stripe_retrieve_intent(twin_ctx *ctx);
void stripe_update_intent(twin_ctx *ctx);
void stripe_pi_confirm(twin_ctx *ctx);
void stripe_pi_capture(twin_ctx *ctx);
void stripe_pi_cancel(twin_ctx *ctx);
void stripe_create_charge(twin_ctx *ctx);
void stripe_list_charges(twin_ctx *ctx);
void stripe_retrieve_charge(twin_ctx *ctx);
void stripe_update_charge(twin_ctx *ctx);
void stripe_capture_charge(twin_ctx *ctx);
void stripe_create_refund(twin_ctx *ctx);
void stripe_list_refunds(twin_ctx *ctx);
void stripe_retrieve_refund(twin_ctx *ctx);
void stripe_update_refund(twin_ctx *ctx);
void stripe_list_events(twin_ctx *ctx);
void stripe_retrieve_event(twin_ctx *ctx);
void stripe_create_endpoint(twin_ctx *ctx);
void stripe_list_endpoints(twin_ctx *ctx);
void stripe_retrieve_endpoint(twin_ctx *ctx);
void stripe_update_endpoint(twin_ctx *ctx);
void stripe_delete_endpoint(twin_ctx *ctx);
void stripe_retrieve_balance(twin_ctx *ctx);
void stripe_list_txns(twin_ctx *ctx);
void stripe_retrieve_txn(twin_ctx *ctx);

/* ---- cross-resource operations ---- */
/* Test cards (payment_methods.c). */
typedef struct stripe_card_outcome {
    const char *decline_code;   /* NULL = the charge succeeds */
    const char *code;           /* "card_declined", "expired_card", ... */
    const char *message;
    bool requires_3ds;
    bool creates_dispute;       /* 4000000000000259: the charge succeeds, then is disputed */
} stripe_card_outcome;
stripe_card_outcome stripe_card_outcome_for(const json_value *payment_method);
/* Builds a card payment method from a test token or card number; NULL after answering an error. */
json_value *stripe_payment_method_from_token(twin_ctx *ctx, const char *token, const char *param);
/* A card payment method (not yet stored) for a card number; cvc given = cvc_check "pass".
 * billing_in: an object with address/email/name/phone members, or NULL. */
json_value *stripe_payment_method_from_card(twin_ctx *ctx, const char *number, int64_t exp_month, int64_t exp_year,
                                            const char *cvc, const json_value *billing_in);

/* PaymentIntents (payment_intents.c). */
/* A PaymentIntent with Stripe's defaults (requires_payment_method), not yet stored. */
json_value *stripe_intent_skeleton(twin_ctx *ctx, int64_t amount, const char *currency);
/* Charges the intent's payment method: succeeded (requires_capture for
 * capture_method=manual), or back to requires_payment_method with
 * last_payment_error on a decline (*o tells which).  Saves and emits; answers
 * nothing.  Returns the charge. */
json_value *stripe_intent_charge(twin_ctx *ctx, json_value *pi, const json_value *pm, stripe_card_outcome *o);
/* The answer to a 3-D Secure challenge on an intent in requires_action: ok
 * charges it (stripe_intent_charge); !ok sends it back to
 * requires_payment_method with payment_intent_authentication_failure.
 * Saves and emits; answers nothing.  *message says why it did not succeed. */
typedef enum { STRIPE_AUTH_SUCCEEDED, STRIPE_AUTH_DECLINED, STRIPE_AUTH_FAILED, STRIPE_AUTH_NOT_PENDING } stripe_auth_result;
stripe_auth_result stripe_intent_authenticate(twin_ctx *ctx, json_value *pi, bool ok, const char **message);

/* An invoice's PaymentIntent was charged outside the invoice code (confirmed
 * through the API or after 3-D Secure): the invoice follows (invoices.c). */
void stripe_invoice_intent_charged(twin_ctx *ctx, const json_value *pi, json_value *charge,
                                   const stripe_card_outcome *o);
/* A test payment method token (pm_card_visa, tok_visa, ...) as a new stored
 * payment method; NULL without answering when token is not one. */
json_value *stripe_payment_method_test_token(twin_ctx *ctx, const char *token);

/* Disputes (disputes.c): opens a dispute on a succeeded, captured charge
 * (the createDispute test card); marks the charge disputed and saves it. */
void stripe_dispute_open(twin_ctx *ctx, json_value *charge);

/* Charges (charges.c): creates and stores a charge for amount; on success also its balance transaction. */
json_value *stripe_charge_create(twin_ctx *ctx, int64_t amount, const char *currency, const char *customer,
                                 const json_value *payment_method, const char *payment_intent,
                                 bool capture, const stripe_card_outcome *outcome);
/* Captures an authorised charge for amount; saves it and emits charge.captured. */
void stripe_charge_capture(twin_ctx *ctx, json_value *charge, int64_t amount);
/* Balance transaction for a charge (+) or refund (-). */
const char *stripe_balance_txn(twin_ctx *ctx, int64_t amount, const char *currency, const char *type,
                               const char *source);

/* A failure found while building an object outside a handler's own
 * parameter parsing (shared by handlers and seeding, which must not answer). */
typedef struct stripe_fail {
    int status;
    stripe_error e;
} stripe_fail;
void stripe_fail_send(twin_ctx *ctx, const stripe_fail *f);

/* Prices (prices.c): builds, stores and announces a price from a parameter
 * object (the request body, default_price_data, or a seed entry).  param_prefix
 * names the parameters in errors ("" or "default_price_data"). */
json_value *stripe_price_build(twin_ctx *ctx, const json_value *in, const char *product_id,
                               const char *param_prefix, stripe_fail *fail);
/* Products (products.c): same, for a product. */
json_value *stripe_product_build(twin_ctx *ctx, const json_value *in, stripe_fail *fail);
/* Customers (customers.c): a customer with Stripe's defaults, not yet stored. */
json_value *stripe_customer_skeleton(twin_ctx *ctx);

/* Seeding (seed.c) and signing (twin.c). */
int stripe_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error);
const char **stripe_webhook_sign(arena *a, const char *secret, const char *payload, size_t len, int64_t t);

#endif
