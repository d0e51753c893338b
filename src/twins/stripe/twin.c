/* Stripe twin: catalog declaration and route table. */
#include "engine/env.h"
#include "engine/twin.h"
#include "twins/stripe/stripe.h"

static const char *const hosts[] = {"api.stripe.com", "files.stripe.com", "connect.stripe.com", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "STRIPE_API_BASE", "");
    env_set(a, out, "STRIPE_SECRET_KEY", env_token(e, a, "stripe-secret", "sk_test_", 24));
    env_set(a, out, "STRIPE_PUBLISHABLE_KEY", env_token(e, a, "stripe-publishable", "pk_test_", 24));
    /* Same derivation the default webhook endpoint signs with (auth.c). */
    env_set(a, out, "STRIPE_WEBHOOK_SECRET", stripe_default_webhook_secret(a, e->run_id, e->config));
}

/* Stateful routes; every other documented Stripe route is served by the stub engine. */
#include "twins/stripe/billing_routes.h"
#include "twins/stripe/checkout_routes.h"
#include "twins/stripe/extra_routes.h"

static const twin_route routes[] = {
    /* Route groups kept in their own headers, one per area. */
    STRIPE_BILLING_ROUTES
    STRIPE_CHECKOUT_ROUTES
    STRIPE_EXTRA_ROUTES

    /* customers.c */
    {"POST", "/v1/customers", stripe_create_customer, NULL},
    {"GET", "/v1/customers", stripe_list_customers, NULL},
    {"GET", "/v1/customers/search", stripe_search_customers, NULL},
    {"GET", "/v1/customers/{id}", stripe_retrieve_customer, NULL},
    {"POST", "/v1/customers/{id}", stripe_update_customer, NULL},
    {"DELETE", "/v1/customers/{id}", stripe_delete_customer, NULL},
    /* products.c */
    {"POST", "/v1/products", stripe_create_product, NULL},
    {"GET", "/v1/products", stripe_list_products, NULL},
    {"GET", "/v1/products/{id}", stripe_retrieve_product, NULL},
    {"POST", "/v1/products/{id}", stripe_update_product, NULL},
    {"DELETE", "/v1/products/{id}", stripe_delete_product, NULL},
    /* prices.c */
    {"POST", "/v1/prices", stripe_create_price, NULL},
    {"GET", "/v1/prices", stripe_list_prices, NULL},
    {"GET", "/v1/prices/{id}", stripe_retrieve_price, NULL},
    {"POST", "/v1/prices/{id}", stripe_update_price, NULL},
    /* payment_methods.c */
    {"POST", "/v1/payment_methods", stripe_create_payment_method, NULL},
    {"GET", "/v1/payment_methods", stripe_list_payment_methods, NULL},
    {"GET", "/v1/payment_methods/{id}", stripe_retrieve_payment_method, NULL},
    {"POST", "/v1/payment_methods/{id}", stripe_update_payment_method, NULL},
    {"POST", "/v1/payment_methods/{id}/attach", stripe_attach_payment_method, NULL},
    {"POST", "/v1/payment_methods/{id}/detach", stripe_detach_payment_method, NULL},
    {"GET", "/v1/customers/{customer}/payment_methods", stripe_list_customer_payment_methods, NULL},
    /* payment_intents.c */
    {"POST", "/v1/payment_intents", stripe_create_intent, NULL},
    {"GET", "/v1/payment_intents", stripe_list_intents, NULL},
    {"GET", "/v1/payment_intents/{id}", stripe_retrieve_intent, NULL},
    {"POST", "/v1/payment_intents/{id}", stripe_update_intent, NULL},
    {"POST", "/v1/payment_intents/{id}/confirm", stripe_pi_confirm, NULL},
    {"POST", "/v1/payment_intents/{id}/capture", stripe_pi_capture, NULL},
    {"POST", "/v1/payment_intents/{id}/cancel", stripe_pi_cancel, NULL},
    /* charges.c */
    {"POST", "/v1/charges", stripe_create_charge, NULL},
    {"GET", "/v1/charges", stripe_list_charges, NULL},
    {"GET", "/v1/charges/{id}", stripe_retrieve_charge, NULL},
    {"POST", "/v1/charges/{id}", stripe_update_charge, NULL},
    {"POST", "/v1/charges/{id}/capture", stripe_capture_charge, NULL},
    /* refunds.c */
    {"POST", "/v1/refunds", stripe_create_refund, NULL},
    {"GET", "/v1/refunds", stripe_list_refunds, NULL},
    {"GET", "/v1/refunds/{id}", stripe_retrieve_refund, NULL},
    {"POST", "/v1/refunds/{id}", stripe_update_refund, NULL},
    /* events.c */
    {"GET", "/v1/events", stripe_list_events, NULL},
    {"GET", "/v1/events/{id}", stripe_retrieve_event, NULL},
    /* webhook_endpoints.c */
    {"POST", "/v1/webhook_endpoints", stripe_create_endpoint, NULL},
    {"GET", "/v1/webhook_endpoints", stripe_list_endpoints, NULL},
    {"GET", "/v1/webhook_endpoints/{id}", stripe_retrieve_endpoint, NULL},
    {"POST", "/v1/webhook_endpoints/{id}", stripe_update_endpoint, NULL},
    {"DELETE", "/v1/webhook_endpoints/{id}", stripe_delete_endpoint, NULL},
    /* balance.c */
    {"GET", "/v1/balance", stripe_retrieve_balance, NULL},
    {"GET", "/v1/balance_transactions", stripe_list_txns, NULL},
    {"GET", "/v1/balance_transactions/{id}", stripe_retrieve_txn, NULL},
};

const twin_def twin_stripe = {
    .name = "stripe",
    .label = "Stripe",
    .frontend = true,
    .show_in_ui = true,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .spec_name = "stripe",
    .authenticate = stripe_authenticate,
    .send_error = stripe_send_error,
    .seed = stripe_seed,
    .webhook_sign = stripe_webhook_sign,
};
