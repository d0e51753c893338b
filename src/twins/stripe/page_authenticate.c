/* Stripe twin: the 3-D Secure page a PaymentIntent's next_action points to
 * (/3ds/authenticate/{pi}?client_secret=...), standing in for the issuer's
 * challenge on hooks.stripe.com.  "Complete" charges the intent (the same
 * path the checkout page's challenge takes: stripe_intent_authenticate);
 * "Fail" sends it back to requires_payment_method.  Then the customer goes
 * to the intent's return_url with payment_intent, payment_intent_client_secret
 * and redirect_status appended, as Stripe does, or sees a short result page
 * when there is none. */
#include <string.h>

#include "twins/stripe/checkout.h"
#include "twins/stripe/extra_routes.h"
#include "util/util.h"

/* The intent named in the path, if the client secret matches; else a 404 page. */
static json_value *page_intent(twin_ctx *ctx)
{
    json_value *pi = stripe_get(ctx, "payment_intents", twin_param(ctx, "id"));
    const char *secret = twin_arg(ctx, "client_secret");
    if (!pi || !secret || !secret_eq(secret, json_get_str(pi, "client_secret") ? json_get_str(pi, "client_secret") : "")) {
        page_message(ctx, 404, "Page not found", "This authentication page does not exist.");
        return NULL;
    }
    if (!str_eq(json_get_str(pi, "status"), "requires_action")) {
        page_message(ctx, 409, "Nothing to authenticate", "This payment is not awaiting authentication.");
        return NULL;
    }
    return pi;
}

void stripe_page_authenticate(twin_ctx *ctx)
{
    json_value *pi = page_intent(ctx);
    if (!pi) return;
    int64_t amount = 0;
    json_int64(json_get(pi, "amount"), &amount);
    buf b = BUF_INIT;
    page_begin(&b, "3D Secure authentication", "three-ds");
    buf_puts(&b, "<div class=\"center\"><div class=\"merchant\">Your bank</div><h1>Authenticate this payment</h1>"
                 "<p class=\"muted\">Twins test store is asking to verify a payment of <strong>");
    page_money(&b, amount, json_get_str(pi, "currency"));
    buf_puts(&b, "</strong>. This is a 3D Secure test page.</p><form method=\"post\" action=\"/3ds/authenticate/");
    page_esc(&b, json_get_str(pi, "id"));
    buf_puts(&b, "\"><input type=\"hidden\" name=\"client_secret\" value=\"");
    page_esc(&b, json_get_str(pi, "client_secret"));
    buf_puts(&b, "\"><button type=\"submit\" name=\"action\" value=\"complete\" id=\"complete\">Complete "
                 "authentication</button><button type=\"submit\" name=\"action\" value=\"fail\" id=\"fail\" "
                 "class=\"secondary\">Fail authentication</button></form></div>");
    page_end(&b);
    page_send(ctx, 200, &b);
}

/* return_url + payment_intent, payment_intent_client_secret, redirect_status
 * (before any #fragment). */
static const char *return_to(twin_ctx *ctx, const char *url, const json_value *pi, const char *status)
{
    arena *a = ctx->a;
    const char *hash = strchr(url, '#');
    size_t n = hash ? (size_t)(hash - url) : strlen(url);
    const char *secret = json_get_str(pi, "client_secret");
    const char *sep = !memchr(url, '?', n) ? "?" : (url[n - 1] == '?' || url[n - 1] == '&') ? "" : "&";
    return arena_printf(a, "%.*s%spayment_intent=%s&payment_intent_client_secret=%s&redirect_status=%s%s", (int)n,
                        url, sep, json_get_str(pi, "id"), http_percent_encode(a, secret, strlen(secret)), status,
                        hash ? hash : "");
}

void stripe_page_authenticate_answer(twin_ctx *ctx)
{
    json_value *pi = page_intent(ctx);
    if (!pi) return;
    const char *return_url =
        json_get_str(json_get(json_get(pi, "next_action"), "redirect_to_url"), "return_url");
    if (return_url) return_url = arena_strdup(ctx->a, return_url);
    bool ok = str_eq(twin_arg(ctx, "action"), "complete");
    const char *message = NULL;
    stripe_auth_result r = stripe_intent_authenticate(ctx, pi, ok, &message);
    if (r == STRIPE_AUTH_NOT_PENDING) {
        page_message(ctx, 409, "Nothing to authenticate", message);
        return;
    }
    const char *status = r == STRIPE_AUTH_SUCCEEDED ? "succeeded" : "failed";
    if (return_url && *return_url) {
        page_redirect(ctx, return_to(ctx, return_url, pi, status));
        return;
    }
    if (r == STRIPE_AUTH_SUCCEEDED)
        page_message(ctx, 200, "Authentication complete", "You can close this window and return to the store.");
    else
        page_message(ctx, 200, "Authentication failed", message ? message : "The payment was not authenticated.");
}
