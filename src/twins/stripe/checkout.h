/* Stripe twin: checkout sessions, payment links, and the twin's browsable
 * pages (the hosted checkout page and the dashboard).
 *
 * Sessions live in "checkout_sessions", payment links in "payment_links";
 * the line items of either are stored apart, in "checkout_line_items" under
 * the owner's id, because Stripe only shows them through /line_items or
 * expand[]=line_items.  Pages are public (route scope "public"): like the
 * real checkout.stripe.com, they need no API key. */
#ifndef TWINS_STRIPE_CHECKOUT_H
#define TWINS_STRIPE_CHECKOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "twins/stripe/stripe.h"
#include "util/buf.h"

#define CHECKOUT_SESSIONS "checkout_sessions"
#define CHECKOUT_LINE_ITEMS "checkout_line_items"
#define PAYMENT_LINKS "payment_links"
/* Session parameters that are not part of the session object (subscription_data). */
#define CHECKOUT_EXTRAS "checkout_session_extras"

/* ---- API handlers ---- */
void stripe_create_checkout_session(twin_ctx *ctx);
void stripe_list_checkout_sessions(twin_ctx *ctx);
void stripe_retrieve_checkout_session(twin_ctx *ctx);
void stripe_expire_checkout_session(twin_ctx *ctx);
void stripe_list_checkout_line_items(twin_ctx *ctx);
void stripe_create_payment_link(twin_ctx *ctx);
void stripe_list_payment_links(twin_ctx *ctx);
void stripe_retrieve_payment_link(twin_ctx *ctx);
void stripe_update_payment_link(twin_ctx *ctx);
void stripe_list_payment_link_line_items(twin_ctx *ctx);

/* ---- page handlers (public) ---- */
void stripe_page_payment_link(twin_ctx *ctx);   /* GET /pl/{id}: new session, 303 to its page */
void stripe_page_checkout(twin_ctx *ctx);       /* GET /c/pay/{id} */
void stripe_page_checkout_confirm(twin_ctx *ctx);   /* POST /c/pay/{id}/confirm */
void stripe_page_3ds(twin_ctx *ctx);            /* GET /c/pay/{id}/3ds */
void stripe_page_3ds_answer(twin_ctx *ctx);     /* POST /c/pay/{id}/3ds */
void stripe_page_dashboard(twin_ctx *ctx);
void stripe_page_dash_payments(twin_ctx *ctx);
void stripe_page_dash_customers(twin_ctx *ctx);
void stripe_page_dash_products(twin_ctx *ctx);
void stripe_page_dash_balances(twin_ctx *ctx);
void stripe_page_dash_subscriptions(twin_ctx *ctx);
void stripe_page_dash_invoices(twin_ctx *ctx);

/* ---- shared by sessions and payment links (checkout_sessions.c) ---- */
/* "http://" + Host of the request, else the instance's base URL. */
const char *checkout_base_url(twin_ctx *ctx);
/* Line items from a line_items parameter: item objects, their subtotal and
 * currency; false with *fail filled when one is invalid. */
typedef struct checkout_items {
    json_value *items;      /* array of "item" objects */
    int64_t subtotal;
    const char *currency;
    bool recurring;         /* some price is recurring */
} checkout_items;
bool checkout_items_build(twin_ctx *ctx, const json_value *in, checkout_items *out, stripe_fail *fail);
/* Stores items under owner_id; answers a list object of them. */
void checkout_items_save(twin_ctx *ctx, const char *owner_id, const json_value *items);
void checkout_items_send(twin_ctx *ctx, const char *owner_id, const char *url);
json_value *checkout_items_load(twin_ctx *ctx, const char *owner_id);   /* array; [] when none */
/* A stored open session from a payment link (its line items copied). */
json_value *checkout_session_from_link(twin_ctx *ctx, const json_value *link);

/* ---- paying a session (page_checkout.c) ---- */
typedef struct checkout_card {
    const char *email, *name, *number, *expiry, *cvc;
} checkout_card;
typedef enum {
    CHECKOUT_PAID,          /* session complete: redirect to success_url */
    CHECKOUT_NEEDS_3DS,     /* go to the challenge page */
    CHECKOUT_DECLINED,      /* *message says why; session stays open */
    CHECKOUT_CLOSED,        /* session not open */
} checkout_result;
checkout_result checkout_session_pay(twin_ctx *ctx, json_value *cs, const checkout_card *card, const char **message);
/* The 3-D Secure challenge's answer. */
checkout_result checkout_session_authenticate(twin_ctx *ctx, json_value *cs, bool ok, const char **message);
/* success_url with {CHECKOUT_SESSION_ID} replaced; NULL when none. */
const char *checkout_success_url(twin_ctx *ctx, const json_value *cs);

/* ---- HTML (pages.c) ---- */
void page_esc(buf *b, const char *s);                     /* HTML-escapes s (NULL = "") */
void page_money(buf *b, int64_t amount, const char *currency);   /* "$20.00", "€5.00", "1,000 JPY" */
const char *page_money_str(twin_ctx *ctx, int64_t amount, const char *currency);
void page_begin(buf *b, const char *title, const char *body_class);
void page_end(buf *b);
void page_send(twin_ctx *ctx, int status, buf *b);       /* text/html, takes the buffer */
void page_redirect(twin_ctx *ctx, const char *url);      /* 303 See Other */
void page_message(twin_ctx *ctx, int status, const char *title, const char *text);   /* a one-line page */
void page_date(buf *b, int64_t unix_seconds);            /* "2024-05-01 12:00 UTC" */
void page_badge(buf *b, const char *status);             /* status pill */
/* Dashboard frame: header with navigation, current = "payments", ... */
void page_dash_begin(buf *b, const char *title, const char *current);
/* Docs of a collection, newest first (up to limit; 0 = all). */
twin_list page_docs(twin_ctx *ctx, const char *collection, size_t limit);

#endif
