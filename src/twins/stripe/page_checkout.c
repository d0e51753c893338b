/* Stripe twin: the hosted checkout page (/c/pay/{id}) and paying a session.
 *
 * Paying runs the payment intent path shared with the API: a card payment
 * method from the form (stripe_payment_method_from_card), a PaymentIntent for
 * the session's total (stripe_intent_skeleton) and its charge
 * (stripe_intent_charge: test-card outcome, charge.* events, balance
 * transaction).  3-D Secure cards stop at requires_action and continue from
 * the challenge page (/c/pay/{id}/3ds) through stripe_intent_authenticate,
 * as the API's own 3-D Secure page does.  Completion emits
 * checkout.session.completed. */
#include <stdlib.h>
#include <string.h>

#include "twins/stripe/billing.h"
#include "twins/stripe/checkout.h"
#include "util/util.h"

#define PI_COLL "payment_intents"

/* ---- the card from the form ---- */

static const char *digits_only(twin_ctx *ctx, const char *s)
{
    char *out = arena_alloc(ctx->a, strlen(s ? s : "") + 1), *o = out;
    for (const char *p = s ? s : ""; *p; p++)
        if (*p >= '0' && *p <= '9') *o++ = *p;
    *o = '\0';
    return out;
}

static bool luhn_ok(const char *n)
{
    size_t len = strlen(n);
    int sum = 0;
    for (size_t i = 0; i < len; i++) {
        int d = n[len - 1 - i] - '0';
        if (i % 2) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
    }
    return len >= 12 && sum % 10 == 0;
}

/* "MM / YY", "MM/YYYY" or "MMYY". */
static bool parse_expiry(twin_ctx *ctx, const char *s, int64_t *month, int64_t *year)
{
    const char *d = digits_only(ctx, s);
    size_t n = strlen(d);
    if (n != 4 && n != 6) return false;
    *month = (d[0] - '0') * 10 + (d[1] - '0');
    *year = strtoll(d + 2, NULL, 10);
    if (n == 4) *year += 2000;
    return *month >= 1 && *month <= 12;
}

/* The message Stripe's card form shows, or NULL when the fields are usable. */
static const char *card_problem(twin_ctx *ctx, const checkout_card *c, int64_t *month, int64_t *year)
{
    const char *number = digits_only(ctx, c->number);
    if (strlen(number) < 12) return "Your card number is incomplete.";
    if (!luhn_ok(number)) return "Your card number is invalid.";
    if (!parse_expiry(ctx, c->expiry, month, year)) return "Your card's expiration date is incomplete.";
    int64_t now = twin_now(ctx);
    int64_t this_year = 1970 + now / 31556952;
    if (*year < this_year) return "Your card's expiration year is in the past.";
    size_t cvc = strlen(digits_only(ctx, c->cvc));
    if (cvc < 3 || cvc > 4) return "Your card's security code is incomplete.";
    return NULL;
}

static json_value *payment_method(twin_ctx *ctx, const checkout_card *in, int64_t month, int64_t year)
{
    arena *a = ctx->a;
    json_value *bd = json_object(a);
    if (in->email && *in->email) json_set_str(a, bd, "email", in->email);
    if (in->name && *in->name) json_set_str(a, bd, "name", in->name);
    json_value *pm = stripe_payment_method_from_card(ctx, digits_only(ctx, in->number), month, year, in->cvc, bd);
    stripe_save(ctx, "payment_methods", pm);
    return pm;
}

/* ---- the session's PaymentIntent ---- */

static json_value *intent_new(twin_ctx *ctx, const json_value *cs)
{
    int64_t amount = 0;
    json_int64(json_get(cs, "amount_total"), &amount);
    const char *currency = json_get_str(cs, "currency");
    json_value *pi = stripe_intent_skeleton(ctx, amount, currency ? currency : "usd");
    json_set_str(ctx->a, pi, "customer", json_get_str(cs, "customer"));
    stripe_save_emit(ctx, PI_COLL, pi, "payment_intent.created", NULL);
    return pi;
}

/* The session's intent from an earlier attempt, or a new one. */
static json_value *session_intent(twin_ctx *ctx, json_value *cs)
{
    json_value *pi = stripe_get(ctx, PI_COLL, json_get_str(cs, "payment_intent"));
    if (pi) return pi;
    pi = intent_new(ctx, cs);
    json_set_str(ctx->a, cs, "payment_intent", json_get_str(pi, "id"));
    return pi;
}

/* The paying customer: the session's; else, following customer_creation,
 * a new one from the form (subscription mode always needs one; payment and
 * setup mode only with customer_creation=always).  NULL when none. */
static const char *session_customer(twin_ctx *ctx, json_value *cs, const checkout_card *card)
{
    const char *id = json_get_str(cs, "customer");
    if (id) return id;
    bool needed = str_eq(json_get_str(cs, "mode"), "subscription") ||
                  str_eq(json_get_str(cs, "customer_creation"), "always");
    if (!needed) return NULL;
    json_value *c = stripe_customer_skeleton(ctx);
    json_set_str(ctx->a, c, "email", card->email);
    if (card->name && *card->name) json_set_str(ctx->a, c, "name", card->name);
    stripe_save_emit(ctx, "customers", c, "customer.created", NULL);
    id = json_get_str(c, "id");
    json_set_str(ctx->a, cs, "customer", id);
    return id;
}

/* ---- outcomes ---- */

static json_value *customer_details(twin_ctx *ctx, const char *customer, const json_value *pm)
{
    arena *a = ctx->a;
    json_value *cus = stripe_get(ctx, "customers", customer);
    const json_value *bd = json_get(pm, "billing_details");
    const char *email = json_get_str(cus, "email");
    json_value *d = json_object(a);
    json_set_null(a, d, "address");
    json_set_str(a, d, "email", email ? email : json_get_str(bd, "email"));
    json_set_str(a, d, "name", json_get_str(bd, "name") ? json_get_str(bd, "name") : json_get_str(cus, "name"));
    json_set_null(a, d, "phone");
    json_set_str(a, d, "tax_exempt", "none");
    json_set(a, d, "tax_ids", json_array(a));
    return d;
}

/* payment_status once complete: setup mode and free first invoices (trials)
 * need no payment. */
static const char *paid_status(twin_ctx *ctx, const json_value *cs)
{
    const char *mode = json_get_str(cs, "mode");
    if (str_eq(mode, "setup")) return "no_payment_required";
    if (str_eq(mode, "subscription")) {
        json_value *inv = stripe_get(ctx, "invoices", json_get_str(cs, "invoice"));
        if (inv && billing_int(inv, "amount_paid") == 0) return "no_payment_required";
    }
    return "paid";
}

static void complete_session(twin_ctx *ctx, json_value *cs, const json_value *pm)
{
    arena *a = ctx->a;
    const char *customer = json_get_str(cs, "customer");
    json_set(a, cs, "customer_details", customer_details(ctx, customer, pm));
    json_set_str(a, cs, "status", "complete");
    json_set_str(a, cs, "payment_status", paid_status(ctx, cs));
    json_set_null(a, cs, "url");
    stripe_save_emit(ctx, CHECKOUT_SESSIONS, cs, "checkout.session.completed", NULL);
}

/* ---- subscription mode: a real subscription through the billing code ---- */

static void attach_pm(twin_ctx *ctx, json_value *pm, const char *customer)
{
    if (!customer || json_get_str(pm, "customer")) return;
    json_set_str(ctx->a, pm, "customer", customer);
    stripe_save_emit(ctx, "payment_methods", pm, "payment_method.attached", NULL);
}

/* The recurring line items as prices carrying "_quantity". */
static json_value *session_prices(twin_ctx *ctx, const json_value *cs)
{
    json_value *prices = json_array(ctx->a);
    json_foreach(it, checkout_items_load(ctx, json_get_str(cs, "id"))) {
        const json_value *stored = json_get(it, "price");
        json_value *price = stripe_get(ctx, "prices", json_get_str(stored, "id"));
        if (!price) price = json_clone(ctx->a, stored);
        const json_value *rec = json_get(price, "recurring");
        if (!rec || rec->type != JSON_OBJECT) continue;
        json_set_int(ctx->a, price, "_quantity", billing_int(it, "quantity"));
        json_push(prices, price);
    }
    return prices;
}

static json_value *session_extras(twin_ctx *ctx, const json_value *cs)
{
    return stripe_get(ctx, CHECKOUT_EXTRAS, json_get_str(cs, "id"));
}

static json_value *subscribe(twin_ctx *ctx, json_value *cs, const json_value *pm)
{
    const json_value *sd = json_get(session_extras(ctx, cs), "subscription_data");
    const char *trial = stripe_sub_str(sd, "trial_period_days");
    billing_sub_spec spec = {.customer = stripe_get(ctx, "customers", json_get_str(cs, "customer")),
                             .prices = session_prices(ctx, cs),
                             .default_pm = json_get_str(pm, "id"),
                             .trial_days = trial ? strtoll(trial, NULL, 10) : 0,
                             .metadata = json_get(sd, "metadata"),
                             .description = stripe_sub_str(sd, "description"),
                             .charge = true};
    json_value *sub = billing_subscription_start(ctx, &spec);
    json_set_str(ctx->a, cs, "subscription", json_get_str(sub, "id"));
    json_set_str(ctx->a, cs, "invoice", json_get_str(sub, "latest_invoice"));
    return sub;
}

/* A retry on the session's incomplete subscription: its first invoice, with the new card. */
static json_value *retry_subscription(twin_ctx *ctx, json_value *sub, const json_value *pm)
{
    const char *id = json_get_str(sub, "id");
    json_value *before = json_clone(ctx->a, sub);
    json_set_str(ctx->a, sub, "default_payment_method", json_get_str(pm, "id"));
    billing_subscription_save(ctx, sub);
    billing_subscription_changed(ctx, id, before);
    json_value *inv = stripe_get(ctx, "invoices", json_get_str(sub, "latest_invoice"));
    if (inv && str_eq(json_get_str(inv, "status"), "open")) {
        bool none = false;
        billing_invoice_charge(ctx, inv, json_get_str(pm, "id"), &none);
    }
    return billing_subscription_get(ctx, id);
}

static checkout_result pay_subscription(twin_ctx *ctx, json_value *cs, json_value *pm, const char **message)
{
    stripe_card_outcome o = stripe_card_outcome_for(pm);
    if (o.decline_code) {
        /* Checkout declines the card before any subscription exists. */
        stripe_save(ctx, CHECKOUT_SESSIONS, cs);
        *message = o.message;
        return CHECKOUT_DECLINED;
    }
    attach_pm(ctx, pm, json_get_str(cs, "customer"));
    json_value *sub = billing_subscription_get(ctx, json_get_str(cs, "subscription"));
    sub = sub ? retry_subscription(ctx, sub, pm) : subscribe(ctx, cs, pm);
    const char *status = json_get_str(sub, "status");
    if (str_eq(status, "active") || str_eq(status, "trialing")) {
        complete_session(ctx, cs, pm);
        return CHECKOUT_PAID;
    }
    stripe_save(ctx, CHECKOUT_SESSIONS, cs);
    json_value *inv = stripe_get(ctx, "invoices", json_get_str(cs, "invoice"));
    json_value *pi = stripe_get(ctx, PI_COLL, json_get_str(inv, "payment_intent"));
    if (str_eq(json_get_str(pi, "status"), "requires_action")) return CHECKOUT_NEEDS_3DS;
    const char *why = json_get_str(json_get(pi, "last_payment_error"), "message");
    *message = why ? why : "Your card was declined.";
    return CHECKOUT_DECLINED;
}

/* The intent a session's payment runs on: its own, or its first invoice's. */
static json_value *paying_intent(twin_ctx *ctx, const json_value *cs)
{
    if (str_eq(json_get_str(cs, "mode"), "subscription")) {
        json_value *inv = stripe_get(ctx, "invoices", json_get_str(cs, "invoice"));
        return stripe_get(ctx, PI_COLL, json_get_str(inv, "payment_intent"));
    }
    return stripe_get(ctx, PI_COLL, json_get_str(cs, "payment_intent"));
}

/* Charges the intent's payment method (the PaymentIntent path, shared with the API). */
static checkout_result charge_session(twin_ctx *ctx, json_value *cs, json_value *pi, const json_value *pm,
                                      const char **message)
{
    stripe_card_outcome o;
    stripe_intent_charge(ctx, pi, pm, &o);
    if (o.decline_code) {
        stripe_save(ctx, CHECKOUT_SESSIONS, cs);
        *message = o.message;
        return CHECKOUT_DECLINED;
    }
    complete_session(ctx, cs, pm);
    return CHECKOUT_PAID;
}

static json_value *three_ds_action(twin_ctx *ctx, const json_value *cs)
{
    arena *a = ctx->a;
    json_value *redirect = json_object(a), *na = json_object(a);
    json_set_null(a, redirect, "return_url");
    json_set_str(a, redirect, "url",
                 arena_printf(a, "%s/c/pay/%s/3ds", checkout_base_url(ctx), json_get_str(cs, "id")));
    json_set(a, na, "redirect_to_url", redirect);
    json_set_str(a, na, "type", "redirect_to_url");
    return na;
}

static checkout_result pay_intent(twin_ctx *ctx, json_value *cs, const json_value *pm, const char **message)
{
    json_value *pi = session_intent(ctx, cs);
    json_set_str(ctx->a, pi, "customer", json_get_str(cs, "customer"));
    json_set_str(ctx->a, pi, "payment_method", json_get_str(pm, "id"));
    if (stripe_card_outcome_for(pm).requires_3ds) {
        json_set_str(ctx->a, pi, "status", "requires_action");
        json_set(ctx->a, pi, "next_action", three_ds_action(ctx, cs));
        stripe_save_emit(ctx, PI_COLL, pi, "payment_intent.requires_action", NULL);
        stripe_save(ctx, CHECKOUT_SESSIONS, cs);
        return CHECKOUT_NEEDS_3DS;
    }
    return charge_session(ctx, cs, pi, pm, message);
}

checkout_result checkout_session_pay(twin_ctx *ctx, json_value *cs, const checkout_card *card, const char **message)
{
    if (!str_eq(json_get_str(cs, "status"), "open")) return CHECKOUT_CLOSED;
    int64_t month = 0, year = 0;
    const char *email = card->email && *card->email ? card->email : NULL;
    if (!email && !json_get_str(cs, "customer")) {
        *message = "Your email address is incomplete.";
        return CHECKOUT_DECLINED;
    }
    if ((*message = card_problem(ctx, card, &month, &year))) return CHECKOUT_DECLINED;
    checkout_card who = *card;
    who.email = email;
    const char *mode = json_get_str(cs, "mode");
    stripe_card_outcome o = {0};
    if (str_eq(mode, "setup")) {
        /* Only cards declined outright fail to set up (4000…0341 attaches). */
        json_value *probe = payment_method(ctx, card, month, year);
        o = stripe_card_outcome_for(probe);
        if (o.decline_code && !str_eq(json_get_str(json_get(probe, "card"), "last4"), "0341")) {
            *message = o.message;
            return CHECKOUT_DECLINED;
        }
        session_customer(ctx, cs, &who);
        json_value *si = billing_setup_intent_succeeded(ctx, json_get_str(cs, "customer"), probe);
        json_set_str(ctx->a, cs, "setup_intent", json_get_str(si, "id"));
        complete_session(ctx, cs, probe);
        return CHECKOUT_PAID;
    }
    session_customer(ctx, cs, &who);
    json_value *pm = payment_method(ctx, card, month, year);
    if (str_eq(mode, "subscription")) return pay_subscription(ctx, cs, pm, message);
    return pay_intent(ctx, cs, pm, message);
}

checkout_result checkout_session_authenticate(twin_ctx *ctx, json_value *cs, bool ok, const char **message)
{
    if (!str_eq(json_get_str(cs, "status"), "open")) return CHECKOUT_CLOSED;
    json_value *pi = paying_intent(ctx, cs);
    if (!pi) {
        *message = "There is no payment awaiting authentication.";
        return CHECKOUT_DECLINED;
    }
    /* The payment method goes off the intent when authentication fails: keep it for the session. */
    const json_value *pm = stripe_get(ctx, "payment_methods", json_get_str(pi, "payment_method"));
    if (stripe_intent_authenticate(ctx, pi, ok, message) != STRIPE_AUTH_SUCCEEDED) return CHECKOUT_DECLINED;
    complete_session(ctx, cs, pm);
    return CHECKOUT_PAID;
}

const char *checkout_success_url(twin_ctx *ctx, const json_value *cs)
{
    const char *url = json_get_str(cs, "success_url");
    if (!url || !*url) return NULL;
    static const char tag[] = "{CHECKOUT_SESSION_ID}";
    const char *at = strstr(url, tag);
    if (!at) return url;
    return arena_printf(ctx->a, "%.*s%s%s", (int)(at - url), url, json_get_str(cs, "id"), at + sizeof tag - 1);
}

/* ---- pages ---- */

/* The session for a page, expired lazily once past expires_at. */
static json_value *page_session(twin_ctx *ctx)
{
    json_value *cs = stripe_get(ctx, CHECKOUT_SESSIONS, twin_param(ctx, "id"));
    if (!cs) {
        page_message(ctx, 404, "Page not found", "This checkout session does not exist.");
        return NULL;
    }
    int64_t expires = 0;
    json_int64(json_get(cs, "expires_at"), &expires);
    if (str_eq(json_get_str(cs, "status"), "open") && expires && twin_now(ctx) > expires) {
        json_set_str(ctx->a, cs, "status", "expired");
        json_set_null(ctx->a, cs, "url");
        stripe_save_emit(ctx, CHECKOUT_SESSIONS, cs, "checkout.session.expired", NULL);
    }
    return cs;
}

static void render_line(buf *b, const json_value *it)
{
    int64_t q = 1, total = 0, unit = 0;
    json_int64(json_get(it, "quantity"), &q);
    json_int64(json_get(it, "amount_total"), &total);
    const json_value *price = json_get(it, "price");
    json_int64(json_get(price, "unit_amount"), &unit);
    const char *cur = json_get_str(it, "currency");
    buf_puts(b, "<div class=\"line\"><div><div class=\"name\">");
    page_esc(b, json_get_str(it, "description"));
    buf_printf(b, "</div><div class=\"qty\">Qty %lld", (long long)q);
    if (q > 1) {
        buf_puts(b, " &times; ");
        page_money(b, unit, cur);
    }
    const json_value *rec = json_get(price, "recurring");
    if (rec && rec->type == JSON_OBJECT) {
        buf_puts(b, " &middot; billed every ");
        page_esc(b, json_get_str(rec, "interval"));
    }
    buf_puts(b, "</div></div><div class=\"amount\">");
    page_money(b, total, cur);
    buf_puts(b, "</div></div>");
}

static void render_summary(twin_ctx *ctx, buf *b, const json_value *cs)
{
    int64_t total = 0;
    json_int64(json_get(cs, "amount_total"), &total);
    const char *mode = json_get_str(cs, "mode");
    buf_puts(b, "<section class=\"summary\"><div class=\"merchant\">Twins test store</div><div class=\"muted\">");
    buf_puts(b, str_eq(mode, "setup") ? "Save a card for later" : str_eq(mode, "subscription") ? "Subscribe" : "Pay");
    buf_puts(b, "</div><div class=\"total\" data-testid=\"total\">");
    page_money(b, total, json_get_str(cs, "currency"));
    buf_puts(b, "</div>");
    json_foreach(it, checkout_items_load(ctx, json_get_str(cs, "id"))) render_line(b, it);
    buf_puts(b, "<div class=\"line\"><strong>Total due</strong><strong>");
    page_money(b, total, json_get_str(cs, "currency"));
    buf_puts(b, "</strong></div></section>");
}

static void input_field(buf *b, const char *label, const char *name, const char *value, const char *extra)
{
    buf_printf(b, "<label for=\"%s\">%s</label><input id=\"%s\" name=\"%s\" value=\"", name, label, name, name);
    page_esc(b, value);
    buf_printf(b, "\" %s>", extra);
}

static const char form_script[] =
    "<script>"
    "document.getElementById('cardnumber').addEventListener('input',function(e){"
    "var d=e.target.value.replace(/\\D/g,'').slice(0,19);e.target.value=d.replace(/(.{4})(?=.)/g,'$1 ');});"
    "document.getElementById('cardexpiry').addEventListener('input',function(e){"
    "var d=e.target.value.replace(/\\D/g,'').slice(0,4);e.target.value=d.length>2?d.slice(0,2)+' / '+d.slice(2):d;});"
    "document.getElementById('payment-form').addEventListener('submit',function(){"
    "var b=document.getElementById('submit');b.disabled=true;b.textContent='Processing\\u2026';});"
    "</script>";

static void render_form(twin_ctx *ctx, buf *b, const json_value *cs, const char *error)
{
    const char *id = json_get_str(cs, "id");
    json_value *cus = stripe_get(ctx, "customers", json_get_str(cs, "customer"));
    const char *email = json_get_str(cus, "email");
    if (!email) email = json_get_str(cs, "customer_email");
    if (!email) email = twin_arg(ctx, "email");
    buf_puts(b, "<section class=\"payform\"><h1>Pay with card</h1>");
    if (error) {
        buf_puts(b, "<div class=\"alert\" role=\"alert\" id=\"error\">");
        page_esc(b, error);
        buf_puts(b, "</div>");
    }
    buf_puts(b, "<form id=\"payment-form\" method=\"post\" action=\"/c/pay/");
    page_esc(b, id);
    buf_puts(b, "/confirm\">");
    input_field(b, "Email", "email", email, "type=\"email\" autocomplete=\"email\" placeholder=\"you@example.com\"");
    input_field(b, "Card number", "cardnumber", NULL,
                "inputmode=\"numeric\" autocomplete=\"cc-number\" placeholder=\"1234 1234 1234 1234\"");
    buf_puts(b, "<div class=\"row\"><div>");
    input_field(b, "Expiration", "cardexpiry", NULL, "autocomplete=\"cc-exp\" placeholder=\"MM / YY\"");
    buf_puts(b, "</div><div>");
    input_field(b, "CVC", "cardcvc", NULL, "inputmode=\"numeric\" autocomplete=\"cc-csc\" placeholder=\"CVC\"");
    buf_puts(b, "</div></div>");
    input_field(b, "Cardholder name", "name", twin_arg(ctx, "name"), "autocomplete=\"cc-name\"");
    int64_t total = 0;
    json_int64(json_get(cs, "amount_total"), &total);
    bool setup = str_eq(json_get_str(cs, "mode"), "setup");
    buf_puts(b, "<button type=\"submit\" id=\"submit\">");
    if (setup) buf_puts(b, "Save card");
    else buf_printf(b, "Pay %s", page_money_str(ctx, total, json_get_str(cs, "currency")));
    buf_puts(b, "</button></form>");
    const char *cancel = json_get_str(cs, "cancel_url");
    if (cancel && *cancel) {
        buf_puts(b, "<a class=\"cancel\" id=\"cancel\" href=\"");
        page_esc(b, cancel);
        buf_puts(b, "\">&larr; Cancel and return</a>");
    }
    buf_printf(b, "<p class=\"muted\">Test mode: use 4242 4242 4242 4242, any future date and any CVC.</p></section>%s",
               form_script);
}

static void render_checkout(twin_ctx *ctx, int status, const json_value *cs, const char *error)
{
    buf b = BUF_INIT;
    page_begin(&b, "Checkout", "checkout-page");
    buf_puts(&b, "<div class=\"checkout\">");
    render_summary(ctx, &b, cs);
    render_form(ctx, &b, cs, error);
    buf_puts(&b, "</div>");
    page_end(&b);
    page_send(ctx, status, &b);
}

/* A session that is no longer open: its outcome. */
static void render_closed(twin_ctx *ctx, const json_value *cs)
{
    if (str_eq(json_get_str(cs, "status"), "expired")) {
        page_message(ctx, 410, "Session expired", "This checkout session has expired.");
        return;
    }
    const char *url = checkout_success_url(ctx, cs);
    if (url) {
        page_redirect(ctx, url);
        return;
    }
    json_value *pl = stripe_get(ctx, PAYMENT_LINKS, json_get_str(cs, "payment_link"));
    const char *custom = json_get_str(json_get(json_get(pl, "after_completion"), "hosted_confirmation"), "custom_message");
    page_message(ctx, 200, "Thanks for your payment", custom ? custom : "Your payment was successful.");
}

void stripe_page_checkout(twin_ctx *ctx)
{
    json_value *cs = page_session(ctx);
    if (!cs) return;
    if (!str_eq(json_get_str(cs, "status"), "open")) render_closed(ctx, cs);
    else render_checkout(ctx, 200, cs, NULL);
}

static void answer_result(twin_ctx *ctx, json_value *cs, checkout_result r, const char *message)
{
    switch (r) {
    case CHECKOUT_NEEDS_3DS:
        page_redirect(ctx, arena_printf(ctx->a, "/c/pay/%s/3ds", json_get_str(cs, "id")));
        return;
    case CHECKOUT_DECLINED:
        twin_keep_writes(ctx);   /* the declined attempt stays on the session and its intent */
        render_checkout(ctx, 402, cs, message);
        return;
    case CHECKOUT_PAID:
    case CHECKOUT_CLOSED:
    default: render_closed(ctx, cs);
    }
}

void stripe_page_checkout_confirm(twin_ctx *ctx)
{
    json_value *cs = page_session(ctx);
    if (!cs) return;
    checkout_card card = {.email = twin_arg(ctx, "email"),
                          .name = twin_arg(ctx, "name"),
                          .number = twin_arg(ctx, "cardnumber"),
                          .expiry = twin_arg(ctx, "cardexpiry"),
                          .cvc = twin_arg(ctx, "cardcvc")};
    const char *message = NULL;
    checkout_result r = checkout_session_pay(ctx, cs, &card, &message);
    answer_result(ctx, cs, r, message);
}

void stripe_page_3ds(twin_ctx *ctx)
{
    json_value *cs = page_session(ctx);
    if (!cs) return;
    if (!str_eq(json_get_str(cs, "status"), "open")) {
        render_closed(ctx, cs);
        return;
    }
    int64_t total = 0;
    json_int64(json_get(cs, "amount_total"), &total);
    buf b = BUF_INIT;
    page_begin(&b, "3D Secure authentication", "three-ds");
    buf_puts(&b, "<div class=\"center\"><div class=\"merchant\">Your bank</div><h1>Authenticate this payment</h1>"
                 "<p class=\"muted\">Twins test store is asking to verify a payment of <strong>");
    page_money(&b, total, json_get_str(cs, "currency"));
    buf_puts(&b, "</strong>. This is a 3D Secure test page.</p><form method=\"post\" action=\"/c/pay/");
    page_esc(&b, json_get_str(cs, "id"));
    buf_puts(&b, "/3ds\"><button type=\"submit\" name=\"action\" value=\"complete\" id=\"complete\">Complete "
                 "authentication</button><button type=\"submit\" name=\"action\" value=\"fail\" id=\"fail\" "
                 "class=\"secondary\">Fail authentication</button></form></div>");
    page_end(&b);
    page_send(ctx, 200, &b);
}

void stripe_page_3ds_answer(twin_ctx *ctx)
{
    json_value *cs = page_session(ctx);
    if (!cs) return;
    const char *message = NULL;
    checkout_result r = checkout_session_authenticate(ctx, cs, str_eq(twin_arg(ctx, "action"), "complete"), &message);
    answer_result(ctx, cs, r, message);
}
