/* Stripe twin: seeding from seed_config.stripe
 *   {"coupons":   [{"id","percent_off"|"amount_off"+"currency","duration","duration_in_months","name","metadata"}],
 *    "tax_rates": [{"display_name","percentage","inclusive","country","state","jurisdiction","description"}],
 *    "products":  [{"name","description","metadata","prices": [{"currency","unit_amount","recurring":{"interval"},"lookup_key"}]}],
 *    "customers": [{"email","name","description","phone","metadata","payment_method": "pm_card_visa"}],
 *    "subscriptions": [{"customer": email or id, "price": lookup_key or id, "quantity", "trial_period_days",
 *                       "coupon", "status", "metadata"}]}
 * Ids come from twin_new_id and the clock is the seeding origin, so the same
 * seed gives byte-identical state in every run.  Subscriptions go through
 * the billing code (items, first invoice): a customer with a payment method
 * pays it with that card; without one, an "active" subscription's first
 * invoice is marked paid out of band.  "trialing" without trial days gets a
 * 14-day trial; "past_due", "canceled" and "incomplete" are set after. */
#include <stdlib.h>
#include <string.h>

#include "twins/stripe/billing.h"
#include "util/util.h"

typedef struct seed_counts {
    int64_t customers, payment_methods, products, prices, coupons, tax_rates, subscriptions;
} seed_counts;

/* Seed values may be JSON numbers or booleans; Stripe keeps metadata as strings. */
static json_value *string_metadata(arena *a, const json_value *in)
{
    json_value *md = json_object(a);
    json_foreach(m, in) {
        if (m->type == JSON_STRING || m->type == JSON_NUMBER) json_set_str(a, md, m->key, m->str);
        else if (json_is_bool(m)) json_set_str(a, md, m->key, json_truthy(m) ? "true" : "false");
    }
    return md;
}

static void set_metadata(arena *a, json_value *obj, const json_value *in)
{
    json_value *md = json_get(in, "metadata");
    if (md && md->type == JSON_OBJECT) json_set(a, obj, "metadata", string_metadata(a, md));
}

/* A number member as text (seed JSON numbers, or strings). */
static const char *num_text(const json_value *in, const char *key)
{
    const json_value *v = json_get(in, key);
    return v && (v->type == JSON_NUMBER || v->type == JSON_STRING) ? v->str : NULL;
}

static int entries_must_be_objects(const json_value *list, const char *what, const char **error, arena *a)
{
    json_foreach(in, list) if (in->type != JSON_OBJECT) {
        *error = arena_printf(a, "stripe.%s entries must be objects", what);
        return -1;
    }
    return 0;
}

/* ---- coupons and tax rates ---- */

static int seed_coupon(twin_ctx *ctx, const json_value *in, const char **error)
{
    arena *a = ctx->a;
    const char *id = json_get_str(in, "id");
    if (id && stripe_get(ctx, "coupons", id)) {
        *error = arena_printf(a, "stripe.coupons: coupon %s is listed twice", id);
        return -1;
    }
    json_value *c = billing_coupon_skeleton(ctx, id);
    const char *pct = num_text(in, "percent_off"), *amt = num_text(in, "amount_off");
    if (!pct == !amt) {
        *error = "stripe.coupons: give exactly one of percent_off and amount_off";
        return -1;
    }
    if (pct) {
        double d = strtod(pct, NULL);
        if (!(d > 0 && d <= 100)) {
            *error = "stripe.coupons: percent_off must be greater than 0 and at most 100";
            return -1;
        }
        json_set(a, c, "percent_off", json_double_value(a, d));
    } else {
        const char *currency = json_get_str(in, "currency");
        if (!currency || !*currency) {
            *error = "stripe.coupons: amount_off needs a currency";
            return -1;
        }
        json_set_int(a, c, "amount_off", strtoll(amt, NULL, 10));
        json_set_str(a, c, "currency", currency);
    }
    const char *duration = json_get_str(in, "duration");
    if (duration) {
        if (!str_eq(duration, "once") && !str_eq(duration, "repeating") && !str_eq(duration, "forever")) {
            *error = "stripe.coupons: duration must be once, repeating or forever";
            return -1;
        }
        json_set_str(a, c, "duration", duration);
    }
    const char *months = num_text(in, "duration_in_months");
    if (str_eq(duration, "repeating")) json_set_int(a, c, "duration_in_months", months ? strtoll(months, NULL, 10) : 1);
    const char *name = json_get_str(in, "name");
    if (name) json_set_str(a, c, "name", name);
    set_metadata(a, c, in);
    billing_save(ctx, "coupons", c);
    return 0;
}

static int seed_tax_rate(twin_ctx *ctx, const json_value *in, const char **error)
{
    static const char *const texts[] = {"display_name", "country", "state", "jurisdiction", "description",
                                        "tax_type", NULL};
    arena *a = ctx->a;
    const char *pct = num_text(in, "percentage");
    if (!json_get_str(in, "display_name") || !pct) {
        *error = "stripe.tax_rates entries need display_name and percentage";
        return -1;
    }
    json_value *t = billing_tax_rate_skeleton(ctx);
    json_set_bool(a, t, "inclusive", json_truthy(json_get(in, "inclusive")));
    if (json_get(in, "active") && !json_truthy(json_get(in, "active"))) json_set_bool(a, t, "active", false);
    double d = strtod(pct, NULL);
    json_set(a, t, "percentage", json_double_value(a, d));
    json_set(a, t, "effective_percentage", json_double_value(a, d));
    for (size_t i = 0; texts[i]; i++) {
        const char *v = json_get_str(in, texts[i]);
        if (v) json_set_str(a, t, texts[i], v);
    }
    set_metadata(a, t, in);
    billing_save(ctx, "tax_rates", t);
    return 0;
}

/* ---- customers, products ---- */

static int seed_customer(twin_ctx *ctx, const json_value *in, seed_counts *n, const char **error)
{
    static const char *const fields[] = {"email", "name", "description", "phone", NULL};
    json_value *c = stripe_customer_skeleton(ctx);
    for (size_t i = 0; fields[i]; i++) {
        const char *v = json_get_str(in, fields[i]);
        if (v) json_set_str(ctx->a, c, fields[i], v);
    }
    set_metadata(ctx->a, c, in);
    const char *token = json_get_str(in, "payment_method");
    if (token) {
        json_value *pm = stripe_payment_method_test_token(ctx, token);
        if (!pm) {
            *error = arena_printf(ctx->a, "stripe.customers: payment_method %s is not a test payment method "
                                          "(pm_card_visa, pm_card_mastercard, tok_visa, ...)", token);
            return -1;
        }
        json_set_str(ctx->a, pm, "customer", json_get_str(c, "id"));
        stripe_save(ctx, "payment_methods", pm);
        json_set_str(ctx->a, json_get(c, "invoice_settings"), "default_payment_method", json_get_str(pm, "id"));
        n->payment_methods++;
    }
    stripe_save(ctx, "customers", c);
    n->customers++;
    return 0;
}

static int seed_product(twin_ctx *ctx, const json_value *in, seed_counts *n, const char **error)
{
    stripe_fail f = {0};
    json_value *p = stripe_product_build(ctx, in, &f);
    if (!p) {
        *error = arena_printf(ctx->a, "stripe.products: %s", f.e.message);
        return -1;
    }
    n->products++;
    json_foreach(pin, json_get(in, "prices")) {
        if (!stripe_price_build(ctx, pin, json_get_str(p, "id"), "", &f)) {
            *error = arena_printf(ctx->a, "stripe.products[].prices: %s", f.e.message);
            return -1;
        }
        n->prices++;
    }
    return 0;
}

/* ---- subscriptions ---- */

/* The first doc of collection whose member equals value (by id first). */
static json_value *find_by(twin_ctx *ctx, const char *collection, const char *member, const char *value)
{
    json_value *doc = stripe_get(ctx, collection, value);
    if (doc || !value) return doc;
    twin_list all = {0};
    store_list_opts o = {0};
    if (twin_doc_list(ctx, collection, &o, &all) != 0) return NULL;
    for (size_t i = 0; i < all.n; i++)
        if (str_eq(json_get_str(all.items[i], member), value)) return all.items[i];
    return NULL;
}

static void force_status(twin_ctx *ctx, json_value *sub, const char *status)
{
    arena *a = ctx->a;
    int64_t now = billing_int(sub, "current_period_start");
    json_set_str(a, sub, "status", status);
    if (str_eq(status, "canceled")) {
        json_set_int(a, sub, "canceled_at", now);
        json_set_int(a, sub, "ended_at", now);
        json_set_str(a, json_get(sub, "cancellation_details"), "reason", "cancellation_requested");
    }
    billing_subscription_save(ctx, sub);
}

static int seed_subscription(twin_ctx *ctx, const json_value *in, seed_counts *n, const char **error)
{
    arena *a = ctx->a;
    const char *who = json_get_str(in, "customer"), *which = json_get_str(in, "price");
    json_value *customer = find_by(ctx, "customers", "email", who);
    if (!customer) {
        *error = arena_printf(a, "stripe.subscriptions: no seeded customer %s", who ? who : "(missing)");
        return -1;
    }
    json_value *price = find_by(ctx, "prices", "lookup_key", which);
    const json_value *rec = json_get(price, "recurring");
    if (!price || !rec || rec->type != JSON_OBJECT) {
        *error = arena_printf(a, "stripe.subscriptions: %s is not a seeded recurring price (lookup_key or id)",
                              which ? which : "(missing)");
        return -1;
    }
    const char *qty = num_text(in, "quantity"), *trial = num_text(in, "trial_period_days");
    const char *status = json_get_str(in, "status"), *coupon_id = json_get_str(in, "coupon");
    json_value *coupon = coupon_id ? stripe_get(ctx, "coupons", coupon_id) : NULL;
    if (coupon_id && !coupon) {
        *error = arena_printf(a, "stripe.subscriptions: no seeded coupon %s", coupon_id);
        return -1;
    }
    json_value *prices = json_array(a);
    json_value *p = json_clone(a, price);
    json_set_int(a, p, "_quantity", qty ? strtoll(qty, NULL, 10) : 1);
    json_push(prices, p);
    int64_t days = trial ? strtoll(trial, NULL, 10) : 0;
    if (str_eq(status, "trialing") && days <= 0) days = 14;
    const char *pm = json_get_str(json_get(customer, "invoice_settings"), "default_payment_method");
    billing_sub_spec spec = {.customer = customer,
                             .prices = prices,
                             .trial_days = days,
                             .coupon = coupon,
                             .metadata = NULL,
                             .charge = pm && !str_eq(status, "incomplete")};
    json_value *sub = billing_subscription_start(ctx, &spec);
    json_value *md = json_get(in, "metadata");
    if (md && md->type == JSON_OBJECT) {
        json_set(a, sub, "metadata", string_metadata(a, md));
        billing_subscription_save(ctx, sub);
    }
    bool wants_incomplete = str_eq(status, "incomplete");
    if (str_eq(json_get_str(sub, "status"), "incomplete") && !wants_incomplete) {
        /* No card to charge: the first invoice was settled outside Stripe. */
        json_value *inv = stripe_get(ctx, "invoices", json_get_str(sub, "latest_invoice"));
        if (inv && str_eq(json_get_str(inv, "status"), "open")) billing_invoice_paid_out_of_band(ctx, inv);
        sub = billing_subscription_get(ctx, json_get_str(sub, "id"));
    }
    if (status && !str_eq(status, json_get_str(sub, "status"))) force_status(ctx, sub, status);
    /* A seeded subscription is a fixture in the state the seed asked for: its
     * seeding date is long past, but it must not renew or expire (an
     * incomplete one is to be paid later) on the first read. */
    billing_subscription_hold(ctx, json_get_str(sub, "id"));
    n->subscriptions++;
    return 0;
}

int stripe_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error)
{
    if (!seed || seed->type != JSON_OBJECT) {
        *error = "seed_config.stripe must be an object";
        return -1;
    }
    static const char *const lists[] = {"coupons", "tax_rates", "products", "customers", "subscriptions", NULL};
    for (size_t i = 0; lists[i]; i++)
        if (entries_must_be_objects(json_get(seed, lists[i]), lists[i], error, ctx->a) != 0) return -1;
    seed_counts n = {0};
    json_foreach(in, json_get(seed, "coupons")) {
        if (seed_coupon(ctx, in, error) != 0) return -1;
        n.coupons++;
    }
    json_foreach(in, json_get(seed, "tax_rates")) {
        if (seed_tax_rate(ctx, in, error) != 0) return -1;
        n.tax_rates++;
    }
    json_foreach(in, json_get(seed, "products")) if (seed_product(ctx, in, &n, error) != 0) return -1;
    json_foreach(in, json_get(seed, "customers")) if (seed_customer(ctx, in, &n, error) != 0) return -1;
    json_foreach(in, json_get(seed, "subscriptions")) if (seed_subscription(ctx, in, &n, error) != 0) return -1;
    arena *a = ctx->a;
    json_set_int(a, result, "customers", n.customers);
    json_set_int(a, result, "payment_methods", n.payment_methods);
    json_set_int(a, result, "products", n.products);
    json_set_int(a, result, "prices", n.prices);
    json_set_int(a, result, "coupons", n.coupons);
    json_set_int(a, result, "tax_rates", n.tax_rates);
    json_set_int(a, result, "subscriptions", n.subscriptions);
    return 0;
}
