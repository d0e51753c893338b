/* Stripe checkout sessions, payment links, hosted pages, dashboard: route table entries, expanded into twin.c's table.
 * Page routes carry the scope "public": the browsable surface needs no API key. */
#ifndef TWINS_STRIPE_CHECKOUT_ROUTES_H
#define TWINS_STRIPE_CHECKOUT_ROUTES_H

#include "twins/stripe/checkout.h"

#define STRIPE_CHECKOUT_ROUTES                                                                       \
    /* checkout_sessions.c */                                                                        \
    {"POST", "/v1/checkout/sessions", stripe_create_checkout_session, NULL},                         \
    {"GET", "/v1/checkout/sessions", stripe_list_checkout_sessions, NULL},                           \
    {"GET", "/v1/checkout/sessions/{id}", stripe_retrieve_checkout_session, NULL},                   \
    {"POST", "/v1/checkout/sessions/{id}/expire", stripe_expire_checkout_session, NULL},             \
    {"GET", "/v1/checkout/sessions/{id}/line_items", stripe_list_checkout_line_items, NULL},         \
    /* payment_links.c */                                                                            \
    {"POST", "/v1/payment_links", stripe_create_payment_link, NULL},                                 \
    {"GET", "/v1/payment_links", stripe_list_payment_links, NULL},                                   \
    {"GET", "/v1/payment_links/{id}", stripe_retrieve_payment_link, NULL},                           \
    {"POST", "/v1/payment_links/{id}", stripe_update_payment_link, NULL},                            \
    {"GET", "/v1/payment_links/{id}/line_items", stripe_list_payment_link_line_items, NULL},         \
    {"GET", "/pl/{id}", stripe_page_payment_link, "public"},                                         \
    /* page_checkout.c */                                                                            \
    {"GET", "/c/pay/{id}", stripe_page_checkout, "public"},                                          \
    {"POST", "/c/pay/{id}/confirm", stripe_page_checkout_confirm, "public"},                         \
    {"GET", "/c/pay/{id}/3ds", stripe_page_3ds, "public"},                                           \
    {"POST", "/c/pay/{id}/3ds", stripe_page_3ds_answer, "public"},                                   \
    /* page_dashboard.c */                                                                           \
    {"GET", "/dashboard", stripe_page_dashboard, "public"},                                          \
    {"GET", "/dashboard/payments", stripe_page_dash_payments, "public"},                             \
    {"GET", "/dashboard/customers", stripe_page_dash_customers, "public"},                           \
    {"GET", "/dashboard/products", stripe_page_dash_products, "public"},                             \
    {"GET", "/dashboard/balances", stripe_page_dash_balances, "public"},                             \
    {"GET", "/dashboard/subscriptions", stripe_page_dash_subscriptions, "public"},                   \
    {"GET", "/dashboard/invoices", stripe_page_dash_invoices, "public"},

#endif
