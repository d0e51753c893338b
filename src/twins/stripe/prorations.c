/* Stripe twin: prorations.  When a subscription's items change inside a paid
 * period, Stripe credits the unused time of what was there and charges the
 * remaining time of what replaces it, each as an invoice item with
 * proration=true covering [proration date, current_period_end).  With
 * create_prorations they wait for the next invoice; always_invoice bills them
 * at once; none skips them. */
#include <math.h>
#include <string.h>
#include <time.h>

#include "twins/stripe/billing.h"
#include "util/util.h"

bool billing_proration_params(twin_ctx *ctx, const json_value *sub, billing_proration *p)
{
    static const char *const behaviors[] = {"create_prorations", "none", "always_invoice", NULL};
    int64_t date = 0;
    bool has_date = false;
    *p = (billing_proration){.behavior = "create_prorations"};
    if (!billing_enum_param(ctx, "proration_behavior", behaviors, &p->behavior) ||
        !stripe_int_param(ctx, "proration_date", false, &date, &has_date))
        return false;
    int64_t start = billing_int(sub, "current_period_start"), end = billing_int(sub, "current_period_end");
    p->at = has_date ? date : billing_now(ctx, json_get_str(sub, "test_clock"));
    if (p->at < start) p->at = start;
    if (p->at > end) p->at = end;
    /* A trial bills nothing and an unpaid first period has nothing to credit. */
    const char *status = json_get_str(sub, "status");
    p->applies = str_eq(status, "active") || str_eq(status, "past_due") || str_eq(status, "unpaid");
    return true;
}

static const char *product_name(twin_ctx *ctx, const json_value *price)
{
    const char *name = json_get_str(stripe_get(ctx, "products", json_get_str(price, "product")), "name");
    return name ? name : "Product";
}

/* "Unused time on 2 × Pro after 15 Jun 2024" */
static const char *describe(twin_ctx *ctx, const char *what, const json_value *price, int64_t qty, int64_t at)
{
    char day[32];
    time_t t = (time_t)at;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(day, sizeof day, "%d %b %Y", &tm);
    return arena_printf(ctx->a, "%s time on %lld × %s after %s", what, (long long)qty, product_name(ctx, price), day);
}

/* One proration invoice item (stored, announced); amount is signed. */
static void proration_item(twin_ctx *ctx, const json_value *sub, const billing_proration *p, const char *item_id,
                           const json_value *price, int64_t qty, int64_t amount, const char *what)
{
    arena *a = ctx->a;
    json_value *ii = billing_invoice_item_new(ctx, json_get_str(sub, "customer"), p->at);
    json_set_int(a, ii, "amount", amount);
    json_set_str(a, ii, "currency", json_get_str(price, "currency"));
    json_set_str(a, ii, "description", describe(ctx, what, price, qty, p->at));
    /* The subscription's discount applies to prorations as to its other lines. */
    json_set_bool(a, ii, "discountable", true);
    json_set_int(a, json_get(ii, "period"), "end", billing_int(sub, "current_period_end"));
    json_set(a, ii, "price", json_clone(a, price));
    json_set_bool(a, ii, "proration", true);
    json_set_int(a, ii, "quantity", qty);
    json_set_str(a, ii, "subscription", json_get_str(sub, "id"));
    json_set_str(a, ii, "subscription_item", item_id);
    /* The prorated price of one unit, which need not be a whole cent. */
    double unit = qty ? (double)amount / (double)qty : (double)amount;
    json_set_int(a, ii, "unit_amount", (int64_t)llround(unit));
    json_set_str(a, ii, "unit_amount_decimal", arena_printf(a, "%.12g", unit));
    billing_save_emit(ctx, "invoiceitems", ii, "invoiceitem.created", NULL);
}

void billing_prorate(twin_ctx *ctx, const json_value *sub, billing_proration *p, const char *item_id,
                     const json_value *old_price, int64_t old_qty, const json_value *new_price, int64_t new_qty)
{
    /* After a cycle reset the credits are made and the new prices bill in full. */
    if (!p->applies || p->reset_cycle || str_eq(p->behavior, "none")) return;
    if (old_price && new_price && old_qty == new_qty &&
        str_eq(json_get_str(old_price, "id"), json_get_str(new_price, "id")))
        return;
    int64_t start = billing_int(sub, "current_period_start"), end = billing_int(sub, "current_period_end");
    if (end <= start || p->at >= end) return;
    /* Amounts stay below BILLING_MAX_AMOUNT, well inside a double's exact range. */
    double left = (double)(end - p->at) / (double)(end - start);
    int64_t credit = old_price ? (int64_t)llround((double)(billing_int(old_price, "unit_amount") * old_qty) * left) : 0;
    int64_t debit = new_price ? (int64_t)llround((double)(billing_int(new_price, "unit_amount") * new_qty) * left) : 0;
    if (credit) proration_item(ctx, sub, p, item_id, old_price, old_qty, -credit, "Unused");
    if (debit) proration_item(ctx, sub, p, item_id, new_price, new_qty, debit, "Remaining");
    p->created += (credit != 0) + (debit != 0);
}

bool billing_interval_differs(const json_value *price, const json_value *other)
{
    const json_value *a = json_get(price, "recurring"), *b = json_get(other, "recurring");
    int64_t na = billing_int(a, "interval_count"), nb = billing_int(b, "interval_count");
    return !str_eq(json_get_str(a, "interval"), json_get_str(b, "interval")) || (na ? na : 1) != (nb ? nb : 1);
}

bool billing_interval_matches(twin_ctx *ctx, const json_value *reference, const json_value *price, const char *param)
{
    if (!reference || !price || !billing_interval_differs(reference, price)) return true;
    stripe_invalid(ctx, param, NULL,
                   "All prices on a subscription must have the same `recurring.interval` and "
                   "`recurring.interval_count`.");
    return false;
}

void billing_prorate_cycle_reset(twin_ctx *ctx, const json_value *sub, billing_proration *p)
{
    if (!p->applies || p->reset_cycle) return;
    p->reset_cycle = true;
    if (str_eq(p->behavior, "none")) return;
    int64_t start = billing_int(sub, "current_period_start"), end = billing_int(sub, "current_period_end");
    if (end <= start || p->at >= end) return;
    double left = (double)(end - p->at) / (double)(end - start);
    twin_list items = billing_subscription_items(ctx, json_get_str(sub, "id"));
    for (size_t i = 0; i < items.n; i++) {
        const json_value *price = json_get(items.items[i], "price");
        int64_t qty = billing_int(items.items[i], "quantity");
        int64_t credit = (int64_t)llround((double)(billing_int(price, "unit_amount") * qty) * left);
        if (!credit) continue;
        proration_item(ctx, sub, p, json_get_str(items.items[i], "id"), price, qty, -credit, "Unused");
        p->created++;
    }
}

bool billing_proration_finish(twin_ctx *ctx, json_value *sub, const billing_proration *p)
{
    if (p->reset_cycle) billing_subscription_reset_cycle(ctx, sub);
    else if (p->created && str_eq(p->behavior, "always_invoice")) billing_subscription_invoice_pending(ctx, sub);
    else return false;
    return true;
}
