/* Stripe coupons, promotion codes, tax rates, subscriptions, invoices, credit notes, setup intents, test clocks: route table entries, expanded into twin.c's table. */
#ifndef TWINS_STRIPE_BILLING_ROUTES_H
#define TWINS_STRIPE_BILLING_ROUTES_H

#include "twins/stripe/billing.h"

#define STRIPE_BILLING_ROUTES \
    {"POST", "/v1/coupons", stripe_create_coupon, NULL}, \
    {"GET", "/v1/coupons", stripe_list_coupons, NULL}, \
    {"GET", "/v1/coupons/{id}", stripe_retrieve_coupon, NULL}, \
    {"POST", "/v1/coupons/{id}", stripe_update_coupon, NULL}, \
    {"DELETE", "/v1/coupons/{id}", stripe_delete_coupon, NULL}, \
    {"POST", "/v1/promotion_codes", stripe_create_promotion_code, NULL}, \
    {"GET", "/v1/promotion_codes", stripe_list_promotion_codes, NULL}, \
    {"GET", "/v1/promotion_codes/{id}", stripe_retrieve_promotion_code, NULL}, \
    {"POST", "/v1/promotion_codes/{id}", stripe_update_promotion_code, NULL}, \
    {"POST", "/v1/tax_rates", stripe_create_tax_rate, NULL}, \
    {"GET", "/v1/tax_rates", stripe_list_tax_rates, NULL}, \
    {"GET", "/v1/tax_rates/{id}", stripe_retrieve_tax_rate, NULL}, \
    {"POST", "/v1/tax_rates/{id}", stripe_update_tax_rate, NULL}, \
    {"POST", "/v1/subscriptions", stripe_create_subscription, NULL}, \
    {"GET", "/v1/subscriptions", stripe_list_subscriptions, NULL}, \
    {"GET", "/v1/subscriptions/{id}", stripe_retrieve_subscription, NULL}, \
    {"POST", "/v1/subscriptions/{id}", stripe_update_subscription, NULL}, \
    {"DELETE", "/v1/subscriptions/{id}", stripe_cancel_subscription, NULL}, \
    {"DELETE", "/v1/subscriptions/{id}/discount", stripe_delete_subscription_discount, NULL}, \
    {"DELETE", "/v1/customers/{id}/discount", stripe_delete_customer_discount, NULL}, \
    {"POST", "/v1/subscription_items", stripe_create_subscription_item, NULL}, \
    {"GET", "/v1/subscription_items", stripe_list_subscription_items, NULL}, \
    {"GET", "/v1/subscription_items/{id}", stripe_retrieve_subscription_item, NULL}, \
    {"POST", "/v1/subscription_items/{id}", stripe_update_subscription_item, NULL}, \
    {"DELETE", "/v1/subscription_items/{id}", stripe_delete_subscription_item, NULL}, \
    {"POST", "/v1/invoices", stripe_create_invoice, NULL}, \
    {"GET", "/v1/invoices", stripe_list_invoices, NULL}, \
    {"POST", "/v1/invoices/create_preview", stripe_create_invoice_preview, NULL}, \
    {"GET", "/v1/invoices/upcoming", stripe_create_invoice_preview, NULL}, \
    {"GET", "/v1/invoices/upcoming/lines", stripe_list_upcoming_lines, NULL}, \
    {"GET", "/v1/invoices/{id}", stripe_retrieve_invoice, NULL}, \
    {"POST", "/v1/invoices/{id}", stripe_update_invoice, NULL}, \
    {"DELETE", "/v1/invoices/{id}", stripe_delete_invoice, NULL}, \
    {"POST", "/v1/invoices/{id}/finalize", stripe_finalize_invoice, NULL}, \
    {"POST", "/v1/invoices/{id}/pay", stripe_pay_invoice, NULL}, \
    {"POST", "/v1/invoices/{id}/void", stripe_void_invoice, NULL}, \
    {"POST", "/v1/invoices/{id}/mark_uncollectible", stripe_uncollectible_invoice, NULL}, \
    {"GET", "/v1/invoices/{id}/lines", stripe_list_invoice_lines, NULL}, \
    {"POST", "/v1/invoiceitems", stripe_create_invoice_item, NULL}, \
    {"GET", "/v1/invoiceitems", stripe_list_invoice_items, NULL}, \
    {"GET", "/v1/invoiceitems/{id}", stripe_retrieve_invoice_item, NULL}, \
    {"POST", "/v1/invoiceitems/{id}", stripe_update_invoice_item, NULL}, \
    {"DELETE", "/v1/invoiceitems/{id}", stripe_delete_invoice_item, NULL}, \
    {"POST", "/v1/credit_notes", stripe_create_credit_note, NULL}, \
    {"GET", "/v1/credit_notes", stripe_list_credit_notes, NULL}, \
    {"GET", "/v1/credit_notes/{id}", stripe_retrieve_credit_note, NULL}, \
    {"POST", "/v1/credit_notes/{id}/void", stripe_void_credit_note, NULL}, \
    {"GET", "/v1/credit_notes/{id}/lines", stripe_list_credit_note_lines, NULL}, \
    {"POST", "/v1/setup_intents", stripe_create_setup_intent, NULL}, \
    {"GET", "/v1/setup_intents", stripe_list_setup_intents, NULL}, \
    {"GET", "/v1/setup_intents/{id}", stripe_retrieve_setup_intent, NULL}, \
    {"POST", "/v1/setup_intents/{id}", stripe_update_setup_intent, NULL}, \
    {"POST", "/v1/setup_intents/{id}/confirm", stripe_confirm_setup_intent, NULL}, \
    {"POST", "/v1/setup_intents/{id}/cancel", stripe_cancel_setup_intent, NULL}, \
    {"POST", "/v1/subscription_schedules", stripe_create_subscription_schedule, NULL}, \
    {"GET", "/v1/subscription_schedules", stripe_list_subscription_schedules, NULL}, \
    {"GET", "/v1/subscription_schedules/{id}", stripe_retrieve_subscription_schedule, NULL}, \
    {"POST", "/v1/subscription_schedules/{id}", stripe_update_subscription_schedule, NULL}, \
    {"POST", "/v1/subscription_schedules/{id}/cancel", stripe_cancel_subscription_schedule, NULL}, \
    {"POST", "/v1/subscription_schedules/{id}/release", stripe_release_subscription_schedule, NULL}, \
    {"POST", "/v1/test_helpers/test_clocks", stripe_create_test_clock, NULL}, \
    {"GET", "/v1/test_helpers/test_clocks", stripe_list_test_clocks, NULL}, \
    {"GET", "/v1/test_helpers/test_clocks/{id}", stripe_retrieve_test_clock, NULL}, \
    {"DELETE", "/v1/test_helpers/test_clocks/{id}", stripe_delete_test_clock, NULL}, \
    {"POST", "/v1/test_helpers/test_clocks/{id}/advance", stripe_advance_test_clock, NULL},

#endif
