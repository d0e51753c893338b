/* Stripe coupons, promotion codes, tax rates, subscriptions, invoices, credit notes, setup intents, test clocks: route table entries, expanded into twin.c's table. */
#ifndef TWINS_STRIPE_BILLING_ROUTES_H
#define TWINS_STRIPE_BILLING_ROUTES_H

#define STRIPE_BILLING_ROUTES

#endif
