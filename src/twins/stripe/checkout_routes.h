/* Stripe checkout sessions, payment links, hosted pages, dashboard: route table entries, expanded into twin.c's table. */
#ifndef TWINS_STRIPE_CHECKOUT_ROUTES_H
#define TWINS_STRIPE_CHECKOUT_ROUTES_H

#define STRIPE_CHECKOUT_ROUTES

#endif
