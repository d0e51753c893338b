/* Stripe twin: /v1/invoices — draft -> open -> paid / void / uncollectible,
 * lines, totals with discounts and tax rates, payment through a payment
 * intent and a charge — and the helpers every billing file shares. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "twins/stripe/billing.h"
#include "util/util.h"

#define COLL "invoices"

/* ---- shared helpers ---- */

stripe_text billing_save(twin_ctx *ctx, const char *collection, const json_value *obj)
{
    static const char *const members[] = {"customer", "subscription", "invoice", "test_clock", NULL};
    return stripe_save_indexed(ctx, collection, obj, members);
}

stripe_text billing_save_emit(twin_ctx *ctx, const char *collection, const json_value *obj, const char *type,
                              const json_value *prev)
{
    stripe_text saved = billing_save(ctx, collection, obj);
    stripe_emit_saved(ctx, type, obj, saved, prev);
    return saved;
}

stripe_text billing_save_changed(twin_ctx *ctx, const char *collection, const json_value *obj,
                                 const json_value *before, const char *type)
{
    stripe_text saved = billing_save(ctx, collection, obj);
    json_value *prev = stripe_diff(ctx, before, obj);
    if (prev->len) stripe_emit_saved(ctx, type, obj, saved, prev);
    return saved;
}

json_value *billing_list_object(twin_ctx *ctx, const char *url, json_value *items)
{
    json_value *l = json_object(ctx->a);
    json_set_str(ctx->a, l, "object", "list");
    json_set(ctx->a, l, "data", items ? items : json_array(ctx->a));
    json_set_bool(ctx->a, l, "has_more", false);
    json_set_int(ctx->a, l, "total_count", items ? (int64_t)items->len : 0);
    json_set_str(ctx->a, l, "url", url);
    return l;
}

bool billing_enum_param(twin_ctx *ctx, const char *name, const char *const *allowed, const char **out)
{
    const char *v = twin_arg(ctx, name);
    if (!v) return true;
    for (size_t i = 0; allowed[i]; i++)
        if (str_eq(v, allowed[i])) {
            *out = allowed[i];
            return true;
        }
    buf msg = BUF_INIT;
    for (size_t i = 0; allowed[i]; i++) buf_printf(&msg, "%s%s", i ? ", " : "", allowed[i]);
    stripe_invalid(ctx, name, NULL, "Invalid %s: must be one of %s", name, msg.data ? msg.data : "");
    buf_free(&msg);
    return false;
}

json_value *billing_deleted(twin_ctx *ctx, const char *id, const char *object)
{
    json_value *d = json_object(ctx->a);
    json_set_str(ctx->a, d, "id", id);
    json_set_str(ctx->a, d, "object", object);
    json_set_bool(ctx->a, d, "deleted", true);
    return d;
}

void billing_send_list(twin_ctx *ctx, const char *collection, const char *url, listing_filter f, void *data)
{
    listing_query q = {.collection = collection, .newest_first = true, .filter = f, .filter_data = data};
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, url, &page);
}

int64_t billing_int(const json_value *obj, const char *key)
{
    int64_t n = 0;
    json_int64(json_get(obj, key), &n);
    return n;
}

bool billing_count_param(twin_ctx *ctx, const json_value *entry, const char *key, const char *param, int64_t *out)
{
    int64_t n = 0;
    if (!json_get(entry, key)) return true;
    if (!stripe_int_text(ctx, stripe_sub_str(entry, key), param, &n)) return false;
    if (n < 0) {
        stripe_invalid(ctx, param, "parameter_invalid_integer", "This value must be greater than or equal to 0.");
        return false;
    }
    *out = n;
    return true;
}

bool billing_line_amount(twin_ctx *ctx, int64_t unit, int64_t quantity, const char *param, int64_t *out)
{
    int64_t amount = 0;
    if (__builtin_mul_overflow(unit, quantity, &amount) || amount > BILLING_MAX_AMOUNT || amount < -BILLING_MAX_AMOUNT) {
        stripe_invalid(ctx, param, "amount_too_large", "Amount must be no more than %lld.",
                       (long long)BILLING_MAX_AMOUNT);
        return false;
    }
    *out = amount;
    return true;
}

/* ---- building ---- */

static json_value *status_transitions(arena *a)
{
    json_value *t = json_object(a);
    json_set_null(a, t, "finalized_at");
    json_set_null(a, t, "marked_uncollectible_at");
    json_set_null(a, t, "paid_at");
    json_set_null(a, t, "voided_at");
    return t;
}

static json_value *payment_settings(arena *a)
{
    json_value *p = json_object(a);
    json_set_null(a, p, "default_mandate");
    json_set_null(a, p, "payment_method_options");
    json_set_null(a, p, "payment_method_types");
    return p;
}

static void set_customer_snapshot(arena *a, json_value *inv, const json_value *c)
{
    json_set_str(a, inv, "customer", json_get_str(c, "id"));
    json_set(a, inv, "customer_address", json_clone(a, json_get(c, "address")));
    json_set_str(a, inv, "customer_email", json_get_str(c, "email"));
    json_set_str(a, inv, "customer_name", json_get_str(c, "name"));
    json_set_str(a, inv, "customer_phone", json_get_str(c, "phone"));
    json_set(a, inv, "customer_shipping", json_clone(a, json_get(c, "shipping")));
    json_set_str(a, inv, "customer_tax_exempt", json_get_str(c, "tax_exempt"));
    json_set(a, inv, "customer_tax_ids", json_array(a));
    json_set_str(a, inv, "test_clock", json_get_str(c, "test_clock"));
}

static void set_null_members(arena *a, json_value *o, const char *const *names)
{
    for (size_t i = 0; names[i]; i++) json_set_null(a, o, names[i]);
}

json_value *billing_invoice_new(twin_ctx *ctx, const json_value *customer, const char *subscription,
                                const char *billing_reason, int64_t now)
{
    static const char *const nulls[] = {
        "account_tax_ids", "application", "application_fee_amount", "charge", "custom_fields",
        "default_payment_method", "default_source", "description", "discount", "due_date", "effective_at",
        "ending_balance", "footer", "from_invoice", "hosted_invoice_url", "invoice_pdf", "last_finalization_error",
        "latest_revision", "next_payment_attempt", "number", "on_behalf_of", "payment_intent", "quote",
        "receipt_number", "rendering_options", "shipping_cost", "shipping_details", "statement_descriptor",
        "subscription_details", "tax", "transfer_data", "webhooks_delivered_at", NULL};
    arena *a = ctx->a;
    json_value *inv = stripe_new_object(ctx, "invoice", "in_");
    set_null_members(a, inv, nulls);
    json_set_str(a, inv, "account_country", "US");
    json_set_str(a, inv, "account_name", "Twins");
    json_set_int(a, inv, "amount_shipping", 0);
    json_set_int(a, inv, "attempt_count", 0);
    json_set_bool(a, inv, "attempted", false);
    json_set_bool(a, inv, "auto_advance", subscription != NULL);
    json_value *tax = json_object(a);
    json_set_bool(a, tax, "enabled", false);
    json_set_null(a, tax, "status");
    json_set(a, inv, "automatic_tax", tax);
    json_set_str(a, inv, "billing_reason", billing_reason);
    json_set_str(a, inv, "collection_method", "charge_automatically");
    json_set_int(a, inv, "created", now);
    const char *currency = json_get_str(customer, "currency");
    json_set_str(a, inv, "currency", currency ? currency : "usd");
    set_customer_snapshot(a, inv, customer);
    json_set(a, inv, "default_tax_rates", json_array(a));
    json_set(a, inv, "discounts", json_array(a));
    /* The customer's own discount, unless the subscription or the request gives one. */
    const json_value *d = json_get(customer, "discount");
    if (d && d->type == JSON_OBJECT) {
        json_set(a, inv, "discount", json_clone(a, d));
        json_push(json_get(inv, "discounts"), json_string(a, json_get_str(d, "id")));
    }
    const char *id = json_get_str(inv, "id");
    json_set(a, inv, "lines", billing_list_object(ctx, arena_printf(a, "/v1/invoices/%s/lines", id), NULL));
    json_set_bool(a, inv, "livemode", false);
    json_set(a, inv, "metadata", json_object(a));
    json_set_bool(a, inv, "paid", false);
    json_set_bool(a, inv, "paid_out_of_band", false);
    json_set(a, inv, "payment_settings", payment_settings(a));
    json_set_int(a, inv, "period_end", now);
    json_set_int(a, inv, "period_start", now);
    json_set_int(a, inv, "post_payment_credit_notes_amount", 0);
    json_set_int(a, inv, "pre_payment_credit_notes_amount", 0);
    json_set_int(a, inv, "starting_balance", 0);
    json_set_str(a, inv, "status", "draft");
    json_set(a, inv, "status_transitions", status_transitions(a));
    json_set_str(a, inv, "subscription", subscription);
    json_set(a, inv, "total_discount_amounts", json_array(a));
    json_set(a, inv, "total_tax_amounts", json_array(a));
    billing_invoice_totals(ctx, inv);
    return inv;
}

static json_value *line_skeleton(twin_ctx *ctx, int64_t amount, const char *currency, int64_t start, int64_t end)
{
    arena *a = ctx->a;
    json_value *l = stripe_new_object(ctx, "line_item", "il_");
    json_set_int(a, l, "amount", amount);
    json_set_int(a, l, "amount_excluding_tax", amount);
    json_set_str(a, l, "currency", currency);
    json_set_null(a, l, "description");
    json_set(a, l, "discount_amounts", json_array(a));
    json_set_bool(a, l, "discountable", true);
    json_set(a, l, "discounts", json_array(a));
    json_set_bool(a, l, "livemode", false);
    json_set(a, l, "metadata", json_object(a));
    json_value *period = json_object(a);
    json_set_int(a, period, "end", end);
    json_set_int(a, period, "start", start);
    json_set(a, l, "period", period);
    json_set_null(a, l, "price");
    json_set_bool(a, l, "proration", false);
    json_value *pd = json_object(a);
    json_set_null(a, pd, "credited_items");
    json_set(a, l, "proration_details", pd);
    json_set_int(a, l, "quantity", 1);
    json_set_null(a, l, "subscription");
    json_set(a, l, "tax_amounts", json_array(a));
    json_set(a, l, "tax_rates", json_array(a));
    json_set_str(a, l, "type", "invoiceitem");
    json_set_str(a, l, "unit_amount_excluding_tax", arena_printf(a, "%lld", (long long)amount));
    return l;
}

static const char *product_name(twin_ctx *ctx, const json_value *price)
{
    json_value *p = stripe_get(ctx, "products", json_get_str(price, "product"));
    const char *name = json_get_str(p, "name");
    return name ? name : "Product";
}

json_value *billing_line_for_item(twin_ctx *ctx, const json_value *item, const char *subscription, int64_t start,
                                  int64_t end, bool trial)
{
    arena *a = ctx->a;
    const json_value *price = json_get(item, "price");
    int64_t qty = billing_int(item, "quantity"), unit = billing_int(price, "unit_amount");
    json_value *l = line_skeleton(ctx, trial ? 0 : unit * qty, json_get_str(price, "currency"), start, end);
    const json_value *rec = json_get(price, "recurring");
    const char *name = product_name(ctx, price);
    if (trial) json_set_str(a, l, "description", arena_printf(a, "Trial period for %s", name));
    else
        json_set_str(a, l, "description",
                     arena_printf(a, "%lld × %s (at $%lld.%02lld / %s)", (long long)qty, name, (long long)(unit / 100),
                                  (long long)(unit % 100), json_get_str(rec, "interval")));
    json_set(a, l, "price", json_clone(a, price));
    json_set_int(a, l, "quantity", qty);
    json_set_str(a, l, "subscription", subscription);
    json_set_str(a, l, "subscription_item", json_get_str(item, "id"));
    json_value *rates = json_get(item, "tax_rates");
    if (rates && rates->type == JSON_ARRAY) json_set(a, l, "tax_rates", json_clone(a, rates));
    json_set_str(a, l, "type", "subscription");
    json_set_str(a, l, "unit_amount_excluding_tax", arena_printf(a, "%lld", (long long)(trial ? 0 : unit)));
    return l;
}

/* A line for an invoice item. */
static json_value *line_for_invoice_item(twin_ctx *ctx, const json_value *ii)
{
    arena *a = ctx->a;
    const json_value *period = json_get(ii, "period");
    json_value *l = line_skeleton(ctx, billing_int(ii, "amount"), json_get_str(ii, "currency"),
                                  billing_int(period, "start"), billing_int(period, "end"));
    json_set_str(a, l, "description", json_get_str(ii, "description"));
    json_set_bool(a, l, "discountable", json_truthy(json_get(ii, "discountable")));
    json_set_str(a, l, "invoice_item", json_get_str(ii, "id"));
    json_set(a, l, "metadata", json_clone(a, json_get(ii, "metadata")));
    json_set(a, l, "price", json_clone(a, json_get(ii, "price")));
    json_set_int(a, l, "quantity", billing_int(ii, "quantity"));
    json_set_str(a, l, "subscription", json_get_str(ii, "subscription"));
    /* Not nullable: present only on the items of a subscription item (prorations). */
    const char *si = json_get_str(ii, "subscription_item");
    if (si) json_set_str(a, l, "subscription_item", si);
    json_set_bool(a, l, "proration", json_truthy(json_get(ii, "proration")));
    json_value *rates = json_get(ii, "tax_rates");
    if (rates && rates->type == JSON_ARRAY) json_set(a, l, "tax_rates", json_clone(a, rates));
    const char *unit = json_get_str(ii, "unit_amount_decimal");
    json_set_str(a, l, "unit_amount_excluding_tax", unit ? unit : arena_printf(a, "%lld", (long long)billing_int(ii, "amount")));
    return l;
}

static json_value *lines_of(const json_value *inv)
{
    return json_get(json_get(inv, "lines"), "data");
}

/* Adds (or replaces, by invoice item) the line of invoice item ii. */
static void put_item_line(twin_ctx *ctx, json_value *inv, const json_value *ii)
{
    json_value *data = lines_of(inv);
    const char *ii_id = json_get_str(ii, "id");
    json_value *fresh = line_for_invoice_item(ctx, ii);
    json_value *out = json_array(ctx->a);
    bool replaced = false;
    json_foreach(l, data) {
        bool same = str_eq(json_get_str(l, "invoice_item"), ii_id);
        if (same) json_set_str(ctx->a, fresh, "id", json_get_str(l, "id"));
        json_push(out, json_clone(ctx->a, same ? fresh : l));
        replaced |= same;
    }
    if (!replaced) json_push(out, fresh);
    json_set(ctx->a, json_get(inv, "lines"), "data", out);
}

static void drop_item_line(twin_ctx *ctx, json_value *inv, const char *ii_id)
{
    json_value *out = json_array(ctx->a);
    json_foreach(l, lines_of(inv)) if (!str_eq(json_get_str(l, "invoice_item"), ii_id))
        json_push(out, json_clone(ctx->a, l));
    json_set(ctx->a, json_get(inv, "lines"), "data", out);
}

typedef struct pending_filter {
    const char *subscription;
} pending_filter;

static bool filter_pending(const json_value *ii, void *data)
{
    const pending_filter *f = data;
    const char *sub = json_get_str(ii, "subscription");
    return json_is_null(json_get(ii, "invoice")) && (!sub || str_eq(sub, f->subscription));
}

void billing_invoice_pull_pending(twin_ctx *ctx, json_value *inv)
{
    pending_filter f = {json_get_str(inv, "subscription")};
    listing_query q = {.collection = "invoiceitems",
                       .index_name = "customer",
                       .index_value = json_get_str(inv, "customer"),
                       .filter = filter_pending,
                       .filter_data = &f};
    listing_req all = {.limit = (size_t)-1};
    twin_list items = {0};
    if (listing_fetch(ctx, &q, &all, &items) != LISTING_OK) return;
    for (size_t i = 0; i < items.n; i++) {
        json_value *ii = items.items[i];
        json_set_str(ctx->a, ii, "invoice", json_get_str(inv, "id"));
        billing_save(ctx, "invoiceitems", ii);
        put_item_line(ctx, inv, ii);
    }
    billing_invoice_totals(ctx, inv);
}

/* ---- totals ---- */

typedef struct tax_sum {
    int64_t exclusive, inclusive;
    json_value *by_rate;    /* total_tax_amounts */
} tax_sum;

static int64_t tax_for(const json_value *rate, int64_t net)
{
    double pct = 0;
    json_double(json_get(rate, "percentage"), &pct);
    if (json_truthy(json_get(rate, "inclusive"))) return net - (int64_t)llround((double)net / (1.0 + pct / 100.0));
    return (int64_t)llround((double)net * pct / 100.0);
}

static void add_rate_total(twin_ctx *ctx, json_value *by_rate, const json_value *rate, int64_t amount, int64_t net)
{
    const char *id = json_get_str(rate, "id");
    json_foreach(t, by_rate) if (str_eq(json_get_str(t, "tax_rate"), id)) {
        json_set_int(ctx->a, t, "amount", billing_int(t, "amount") + amount);
        json_set_int(ctx->a, t, "taxable_amount", billing_int(t, "taxable_amount") + net);
        return;
    }
    json_value *t = json_object(ctx->a);
    json_set_int(ctx->a, t, "amount", amount);
    json_set_bool(ctx->a, t, "inclusive", json_truthy(json_get(rate, "inclusive")));
    json_set_str(ctx->a, t, "tax_rate", id);
    json_set_str(ctx->a, t, "taxability_reason", "standard_rated");
    json_set_int(ctx->a, t, "taxable_amount", net);
    json_push(by_rate, t);
}

/* Taxes one line after its discount; returns the line's inclusive tax. */
static void tax_line(twin_ctx *ctx, json_value *line, const json_value *default_rates, int64_t off, tax_sum *sum)
{
    arena *a = ctx->a;
    const json_value *rates = json_get(line, "tax_rates");
    if (!rates || !rates->len) rates = default_rates;
    int64_t net = billing_int(line, "amount") - off, incl = 0;
    json_value *amounts = json_array(a);
    json_foreach(rate, rates) {
        int64_t tax = tax_for(rate, net);
        bool inclusive = json_truthy(json_get(rate, "inclusive"));
        json_value *t = json_object(a);
        json_set_int(a, t, "amount", tax);
        json_set_bool(a, t, "inclusive", inclusive);
        json_set_str(a, t, "tax_rate", json_get_str(rate, "id"));
        json_set_str(a, t, "taxability_reason", "standard_rated");
        json_set_int(a, t, "taxable_amount", net);
        json_push(amounts, t);
        add_rate_total(ctx, sum->by_rate, rate, tax, net);
        if (inclusive) incl += tax;
        else sum->exclusive += tax;
    }
    sum->inclusive += incl;
    json_set(a, line, "tax_amounts", amounts);
    json_set_int(a, line, "amount_excluding_tax", billing_int(line, "amount") - incl);
}

static bool discountable(const json_value *line)
{
    return json_truthy(json_get(line, "discountable"));
}

/* What a coupon takes off each discountable line.  percent_off takes its
 * share of every line, credits too: a proration credit gives back only what
 * the discounted price cost.  amount_off comes off the net of the lines
 * (never below zero), spread over the charges in proportion. */
static void coupon_offs(const json_value *inv, const json_value *coupon, int64_t *offs)
{
    double pct = 0;
    bool percent = json_double(json_get(coupon, "percent_off"), &pct);
    int64_t net = 0, charges = 0;
    size_t i = 0, last = 0;
    json_foreach(l, lines_of(inv)) {
        int64_t amount = billing_int(l, "amount");
        offs[i] = 0;
        if (discountable(l)) {
            net += amount;
            if (amount > 0) {
                charges += amount;
                last = i;
            }
            if (percent) offs[i] = (int64_t)llround((double)amount * pct / 100.0);
        }
        i++;
    }
    if (percent || charges <= 0 || net <= 0) return;
    int64_t off = billing_coupon_off(coupon, net), given = 0;
    i = 0;
    json_foreach(l, lines_of(inv)) {
        int64_t amount = billing_int(l, "amount");
        if (discountable(l) && amount > 0) {
            offs[i] = i == last ? off - given : off * amount / charges;
            given += offs[i];
        }
        i++;
    }
}

/* Spreads the invoice discount over its discountable lines (discount_amounts). */
static int64_t discount_lines(twin_ctx *ctx, json_value *inv, const json_value *discount, int64_t *offs, size_t n)
{
    int64_t total = 0;
    for (size_t k = 0; k < n; k++) offs[k] = 0;
    if (discount) coupon_offs(inv, json_get(discount, "coupon"), offs);
    size_t i = 0;
    json_foreach(l, lines_of(inv)) {
        total += offs[i];
        json_value *da = json_array(ctx->a);
        if (offs[i]) {
            json_value *d = json_object(ctx->a);
            json_set_int(ctx->a, d, "amount", offs[i]);
            json_set_str(ctx->a, d, "discount", json_get_str(discount, "id"));
            json_push(da, d);
        }
        json_set(ctx->a, l, "discount_amounts", da);
        i++;
    }
    return total;
}

static void set_discount_totals(twin_ctx *ctx, json_value *inv, const json_value *discount, int64_t off)
{
    json_value *tda = json_array(ctx->a);
    if (off) {
        json_value *d = json_object(ctx->a);
        json_set_int(ctx->a, d, "amount", off);
        json_set_str(ctx->a, d, "discount", json_get_str(discount, "id"));
        json_push(tda, d);
    }
    json_set(ctx->a, inv, "total_discount_amounts", tda);
}

void billing_invoice_totals(twin_ctx *ctx, json_value *inv)
{
    arena *a = ctx->a;
    json_value *lines = json_get(inv, "lines");
    json_value *data = lines_of(inv);
    size_t n = data ? data->len : 0;
    int64_t *offs = arena_alloc(a, (n ? n : 1) * sizeof *offs), subtotal = 0;
    json_value *discount = json_get(inv, "discount");
    if (!billing_discount_active(discount, billing_int(inv, "created"))) discount = NULL;
    int64_t off = discount_lines(ctx, inv, discount, offs, n);
    tax_sum sum = {0, 0, json_array(a)};
    size_t i = 0;
    json_foreach(l, data) {
        subtotal += billing_int(l, "amount");
        tax_line(ctx, l, json_get(inv, "default_tax_rates"), offs[i++], &sum);
    }
    set_discount_totals(ctx, inv, discount, off);
    int64_t total = subtotal - off + sum.exclusive, credited = billing_int(inv, "pre_payment_credit_notes_amount");
    int64_t due = total - credited > 0 ? total - credited : 0;
    json_set_int(a, lines, "total_count", (int64_t)n);
    json_set_int(a, inv, "subtotal", subtotal);
    json_set_int(a, inv, "subtotal_excluding_tax", subtotal - sum.inclusive);
    if (sum.by_rate->len) json_set_int(a, inv, "tax", sum.exclusive + sum.inclusive);
    else json_set_null(a, inv, "tax");
    json_set(a, inv, "total_tax_amounts", sum.by_rate);
    json_set_int(a, inv, "total", total);
    json_set_int(a, inv, "total_excluding_tax", total - sum.exclusive - sum.inclusive);
    json_set_int(a, inv, "amount_due", due);
    json_set_int(a, inv, "amount_paid", 0);
    json_set_int(a, inv, "amount_remaining", due);
}

/* ---- payment intents for invoices ---- */

static int64_t inv_now(twin_ctx *ctx, const json_value *inv)
{
    return billing_now(ctx, json_get_str(inv, "test_clock"));
}

static json_value *invoice_intent(twin_ctx *ctx, const json_value *inv)
{
    static const char *const nulls[] = {
        "application", "application_fee_amount", "automatic_payment_methods", "canceled_at", "cancellation_reason",
        "description", "last_payment_error", "latest_charge", "next_action", "on_behalf_of", "payment_method",
        "payment_method_options", "processing", "receipt_email", "review", "setup_future_usage", "shipping",
        "statement_descriptor", "statement_descriptor_suffix", "transfer_data", "transfer_group", NULL};
    arena *a = ctx->a;
    json_value *pi = stripe_new_object(ctx, "payment_intent", "pi_");
    const char *id = json_get_str(pi, "id");
    char secret[25];
    derive_token(secret, 24, ctx->twin, id, "client_secret", 0);
    set_null_members(a, pi, nulls);
    json_set_int(a, pi, "amount", billing_int(inv, "amount_due"));
    json_set_int(a, pi, "amount_capturable", 0);
    json_value *details = json_object(a);
    json_set(a, details, "tip", json_object(a));
    json_set(a, pi, "amount_details", details);
    json_set_int(a, pi, "amount_received", 0);
    json_set_str(a, pi, "capture_method", "automatic");
    json_set_str(a, pi, "client_secret", arena_printf(a, "%s_secret_%s", id, secret));
    json_set_str(a, pi, "confirmation_method", "automatic");
    json_set_int(a, pi, "created", inv_now(ctx, inv));
    json_set_str(a, pi, "currency", json_get_str(inv, "currency"));
    json_set_str(a, pi, "customer", json_get_str(inv, "customer"));
    json_set_str(a, pi, "invoice", json_get_str(inv, "id"));
    json_set_bool(a, pi, "livemode", false);
    json_set(a, pi, "metadata", json_object(a));
    json_value *types = json_array(a);
    json_push(types, json_string(a, "card"));
    json_set(a, pi, "payment_method_types", types);
    json_set_str(a, pi, "status", "requires_payment_method");
    stripe_save_emit(ctx, "payment_intents", pi, "payment_intent.created", NULL);
    return pi;
}

/* ---- state changes ---- */

static stripe_text mark_paid(twin_ctx *ctx, json_value *inv, bool out_of_band)
{
    arena *a = ctx->a;
    json_set_bool(a, inv, "paid", true);
    json_set_bool(a, inv, "paid_out_of_band", out_of_band);
    json_set_int(a, inv, "amount_paid", billing_int(inv, "amount_due"));
    json_set_int(a, inv, "amount_remaining", 0);
    json_set_str(a, inv, "status", "paid");
    json_set_null(a, inv, "next_payment_attempt");
    json_set_int(a, json_get(inv, "status_transitions"), "paid_at", inv_now(ctx, inv));
    stripe_text saved = billing_save_emit(ctx, COLL, inv, "invoice.paid", NULL);
    stripe_emit_saved(ctx, "invoice.payment_succeeded", inv, saved, NULL);
    billing_subscription_invoice_settled(ctx, inv);
    return saved;
}

static void bump_sequence(twin_ctx *ctx, json_value *inv)
{
    json_value *c = stripe_get(ctx, "customers", json_get_str(inv, "customer"));
    int64_t seq = c ? billing_int(c, "next_invoice_sequence") : 1;
    const char *prefix = c ? json_get_str(c, "invoice_prefix") : NULL;
    json_set_str(ctx->a, inv, "number",
                 arena_printf(ctx->a, "%s-%04lld", prefix ? prefix : "INVOICE", (long long)(seq ? seq : 1)));
    if (!c) return;
    json_set_int(ctx->a, c, "next_invoice_sequence", (seq ? seq : 1) + 1);
    stripe_save(ctx, "customers", c);
}

/* A customer's duration=once discount is spent by the first invoice with a
 * charge that uses it (a subscription's is dropped before its next invoice). */
static void spend_customer_discount(twin_ctx *ctx, const json_value *inv)
{
    const json_value *used = json_get(inv, "discount");
    if (billing_int(inv, "subtotal") <= 0 || !used || used->type != JSON_OBJECT ||
        !str_eq(json_get_str(json_get(used, "coupon"), "duration"), "once"))
        return;
    json_value *c = stripe_get(ctx, "customers", json_get_str(inv, "customer"));
    if (!c || !str_eq(json_get_str(json_get(c, "discount"), "id"), json_get_str(used, "id"))) return;
    json_value *before = json_clone(ctx->a, c);
    json_set_null(ctx->a, c, "discount");
    stripe_save_emit(ctx, "customers", c, "customer.updated", stripe_diff(ctx, before, c));
}

stripe_text billing_invoice_finalize(twin_ctx *ctx, json_value *inv)
{
    arena *a = ctx->a;
    int64_t now = inv_now(ctx, inv);
    const char *id = json_get_str(inv, "id");
    billing_invoice_totals(ctx, inv);
    bump_sequence(ctx, inv);
    spend_customer_discount(ctx, inv);
    json_set_str(a, inv, "status", "open");
    json_set_int(a, json_get(inv, "status_transitions"), "finalized_at", now);
    json_set_int(a, inv, "effective_at", now);
    json_set_int(a, inv, "ending_balance", 0);
    /* Stripe-shaped and independent of the run's port, so seeded state is
     * identical across runs (the twin serves no hosted invoice page). */
    json_set_str(a, inv, "hosted_invoice_url", arena_printf(a, "https://invoice.stripe.com/i/acct_twins/%s", id));
    json_set_str(a, inv, "invoice_pdf", arena_printf(a, "https://pay.stripe.com/invoice/acct_twins/%s/pdf", id));
    if (str_eq(json_get_str(inv, "collection_method"), "send_invoice") && json_is_null(json_get(inv, "due_date")))
        json_set_int(a, inv, "due_date", now + 30 * 86400);
    if (billing_int(inv, "amount_due") > 0)
        json_set_str(a, inv, "payment_intent", json_get_str(invoice_intent(ctx, inv), "id"));
    stripe_text saved = billing_save_emit(ctx, COLL, inv, "invoice.finalized", NULL);
    return billing_int(inv, "amount_due") == 0 ? mark_paid(ctx, inv, false) : saved;
}

const char *billing_default_pm(twin_ctx *ctx, const char *customer, const char *subscription_pm)
{
    if (subscription_pm) return subscription_pm;
    json_value *c = stripe_get(ctx, "customers", customer);
    const char *pm = json_get_str(json_get(c, "invoice_settings"), "default_payment_method");
    return pm ? pm : json_get_str(c, "default_source");
}

static const char *invoice_pm(twin_ctx *ctx, const json_value *inv)
{
    const char *pm = json_get_str(inv, "default_payment_method");
    if (pm) return pm;
    json_value *sub = stripe_get(ctx, "subscriptions", json_get_str(inv, "subscription"));
    return billing_default_pm(ctx, json_get_str(inv, "customer"), json_get_str(sub, "default_payment_method"));
}

static json_value *intent_error(twin_ctx *ctx, const stripe_card_outcome *o, const char *charge)
{
    arena *a = ctx->a;
    json_value *e = json_object(a);
    json_set_str(a, e, "charge", charge);
    json_set_str(a, e, "code", o->code);
    json_set_str(a, e, "decline_code", o->decline_code);
    json_set_str(a, e, "message", o->message);
    json_set_str(a, e, "type", "card_error");
    return e;
}

static void require_action(twin_ctx *ctx, json_value *pi)
{
    arena *a = ctx->a;
    json_value *redirect = json_object(a);
    const char *secret = json_get_str(pi, "client_secret");
    json_set_null(a, redirect, "return_url");
    /* The twin's 3-D Secure page (page_authenticate.c); completing it pays the invoice. */
    json_set_str(a, redirect, "url",
                 arena_printf(a, "%s/3ds/authenticate/%s?client_secret=%s", ctx->inst ? ctx->inst->base_url : "",
                              json_get_str(pi, "id"), http_percent_encode(a, secret, strlen(secret))));
    json_value *na = json_object(a);
    json_set(a, na, "redirect_to_url", redirect);
    json_set_str(a, na, "type", "redirect_to_url");
    json_set(a, pi, "next_action", na);
    json_set_str(a, pi, "status", "requires_action");
    stripe_save_emit(ctx, "payment_intents", pi, "payment_intent.requires_action", NULL);
}

/* Runs the charge on the invoice's payment intent; returns the charge id. */
static const char *charge_intent(twin_ctx *ctx, json_value *pi, const json_value *pm, const stripe_card_outcome *o)
{
    arena *a = ctx->a;
    json_value *ch = stripe_charge_create(ctx, billing_int(pi, "amount"), json_get_str(pi, "currency"),
                                          json_get_str(pi, "customer"), pm, json_get_str(pi, "id"), true, o);
    json_set_str(a, ch, "invoice", json_get_str(pi, "invoice"));
    stripe_save(ctx, "charges", ch);
    const char *ch_id = json_get_str(ch, "id");
    json_set_str(a, pi, "latest_charge", ch_id);
    json_set_null(a, pi, "next_action");
    if (o->decline_code) {
        json_set(a, pi, "last_payment_error", intent_error(ctx, o, ch_id));
        json_set_str(a, pi, "status", "requires_payment_method");
    } else {
        json_set_null(a, pi, "last_payment_error");
        json_set_int(a, pi, "amount_received", billing_int(pi, "amount"));
        json_set_str(a, pi, "status", "succeeded");
    }
    const char *type = o->decline_code ? "payment_intent.payment_failed" : "payment_intent.succeeded";
    stripe_save_emit(ctx, "payment_intents", pi, type, NULL);
    return ch_id;
}

static void payment_failed(twin_ctx *ctx, json_value *inv)
{
    billing_save_emit(ctx, COLL, inv, "invoice.payment_failed", NULL);
    billing_subscription_invoice_settled(ctx, inv);
}

stripe_card_outcome billing_invoice_charge(twin_ctx *ctx, json_value *inv, const char *pm_id, bool *no_method)
{
    stripe_card_outcome o = {0};
    json_value *pm = stripe_get(ctx, "payment_methods", pm_id ? pm_id : invoice_pm(ctx, inv));
    *no_method = pm == NULL;
    if (!pm) return o;
    json_value *pi = stripe_get(ctx, "payment_intents", json_get_str(inv, "payment_intent"));
    if (!pi) pi = invoice_intent(ctx, inv);
    json_set_str(ctx->a, inv, "payment_intent", json_get_str(pi, "id"));
    json_set_str(ctx->a, pi, "payment_method", json_get_str(pm, "id"));
    o = stripe_card_outcome_for(pm);
    json_set_bool(ctx->a, inv, "attempted", true);
    json_set_int(ctx->a, inv, "attempt_count", billing_int(inv, "attempt_count") + 1);
    if (o.requires_3ds) {
        require_action(ctx, pi);
        billing_save_emit(ctx, COLL, inv, "invoice.payment_action_required", NULL);
        billing_subscription_invoice_settled(ctx, inv);
        return o;
    }
    json_set_str(ctx->a, inv, "charge", charge_intent(ctx, pi, pm, &o));
    if (o.decline_code) payment_failed(ctx, inv);
    else mark_paid(ctx, inv, false);
    return o;
}

void billing_invoice_paid_out_of_band(twin_ctx *ctx, json_value *inv)
{
    mark_paid(ctx, inv, true);
}

void stripe_invoice_intent_charged(twin_ctx *ctx, const json_value *pi, json_value *charge,
                                   const stripe_card_outcome *o)
{
    json_value *inv = stripe_get(ctx, COLL, json_get_str(pi, "invoice"));
    if (charge) {
        json_set_str(ctx->a, charge, "invoice", json_get_str(pi, "invoice"));
        stripe_save(ctx, "charges", charge);
    }
    if (!inv || !str_eq(json_get_str(inv, "status"), "open")) return;
    json_set_str(ctx->a, inv, "charge", json_get_str(charge, "id"));
    json_set_bool(ctx->a, inv, "attempted", true);
    /* A 3-D Secure completion finishes an attempt the invoice already counted. */
    if (!billing_int(inv, "attempt_count")) json_set_int(ctx->a, inv, "attempt_count", 1);
    if (str_eq(json_get_str(pi, "status"), "succeeded")) mark_paid(ctx, inv, false);
    else if (o->decline_code) payment_failed(ctx, inv);
}

/* ---- routes ---- */

static json_value *load_invoice(twin_ctx *ctx)
{
    return stripe_load(ctx, COLL, "invoice", twin_param(ctx, "id"), "invoice");
}

static bool apply_draft_params(twin_ctx *ctx, json_value *inv)
{
    static const char *const methods[] = {"charge_automatically", "send_invoice", NULL};
    static const char *const texts[] = {"description", "footer", "statement_descriptor", NULL};
    arena *a = ctx->a;
    const char *method = json_get_str(inv, "collection_method");
    int64_t days = 0;
    bool has_days = false, auto_advance = false, has_auto = false;
    if (!billing_enum_param(ctx, "collection_method", methods, &method) ||
        !stripe_int_param(ctx, "days_until_due", false, &days, &has_days) ||
        !stripe_bool_param(ctx, "auto_advance", &auto_advance, &has_auto))
        return false;
    json_value *rates = billing_tax_rates_param(ctx, "default_tax_rates");
    if (!rates) return false;
    if (str_eq(method, "send_invoice") && !has_days && json_is_null(json_get(inv, "due_date"))) {
        stripe_invalid(ctx, "days_until_due", "parameter_missing",
                       "Missing required param: days_until_due or due_date (required when collection_method is "
                       "send_invoice).");
        return false;
    }
    json_set_str(a, inv, "collection_method", method);
    if (has_days) json_set_int(a, inv, "due_date", inv_now(ctx, inv) + days * 86400);
    if (has_auto) json_set_bool(a, inv, "auto_advance", auto_advance);
    if (rates->type == JSON_ARRAY) json_set(a, inv, "default_tax_rates", rates);
    stripe_copy_strings(ctx, inv, texts);
    const char *pm = twin_arg(ctx, "default_payment_method");
    if (pm && *pm && !stripe_get(ctx, "payment_methods", pm)) {
        stripe_missing(ctx, "PaymentMethod", pm, "default_payment_method");
        return false;
    }
    if (pm) json_set_str(a, inv, "default_payment_method", *pm ? pm : NULL);
    return true;
}

static bool apply_discount(twin_ctx *ctx, json_value *inv)
{
    json_value *d = billing_discount_from_request(ctx, json_get_str(inv, "customer"), NULL, json_get_str(inv, "id"));
    if (!d) return false;
    if (d->type != JSON_OBJECT) return true;
    json_value *ids = json_array(ctx->a);
    json_push(ids, json_string(ctx->a, json_get_str(d, "id")));
    json_set(ctx->a, inv, "discount", d);
    json_set(ctx->a, inv, "discounts", ids);
    return true;
}

void stripe_create_invoice(twin_ctx *ctx)
{
    static const char *const behaviors[] = {"include", "exclude", "include_and_require", NULL};
    const char *customer_id = NULL, *behavior = "exclude", *sub_id = NULL;
    if (!stripe_str_param(ctx, "customer", true, &customer_id) ||
        !billing_enum_param(ctx, "pending_invoice_items_behavior", behaviors, &behavior) ||
        !stripe_str_param(ctx, "subscription", false, &sub_id))
        return;
    json_value *customer = stripe_load(ctx, "customers", "customer", customer_id, "customer");
    if (!customer) return;
    if (sub_id && *sub_id && !stripe_load(ctx, "subscriptions", "subscription", sub_id, "subscription")) return;
    const char *currency = twin_arg(ctx, "currency");
    json_value *inv = billing_invoice_new(ctx, customer, sub_id && *sub_id ? sub_id : NULL, "manual",
                                          billing_now(ctx, json_get_str(customer, "test_clock")));
    json_set_bool(ctx->a, inv, "auto_advance", false);
    if (currency && *currency) json_set_str(ctx->a, inv, "currency", currency);
    if (!apply_draft_params(ctx, inv) || !stripe_apply_metadata(ctx, inv) || !apply_discount(ctx, inv)) return;
    if (!str_eq(behavior, "exclude")) billing_invoice_pull_pending(ctx, inv);
    if (str_eq(behavior, "include_and_require") && !lines_of(inv)->len) {
        stripe_invalid(ctx, "customer", "invoice_no_customer_line_items", "Nothing to invoice for customer");
        return;
    }
    billing_invoice_totals(ctx, inv);
    stripe_send_saved(ctx, 200, inv, billing_save_emit(ctx, COLL, inv, "invoice.created", NULL));
}

void stripe_retrieve_invoice(twin_ctx *ctx)
{
    json_value *inv = load_invoice(ctx);
    if (inv) stripe_send_object(ctx, 200, inv);
}

void stripe_update_invoice(twin_ctx *ctx)
{
    json_value *inv = load_invoice(ctx);
    if (!inv) return;
    json_value *before = json_clone(ctx->a, inv);
    if (!stripe_apply_metadata(ctx, inv)) return;
    if (stripe_status_is(inv, "draft")) {
        if (!apply_draft_params(ctx, inv) || !apply_discount(ctx, inv)) return;
        billing_invoice_totals(ctx, inv);
    } else {
        static const char *const texts[] = {"description", "footer", NULL};
        stripe_copy_strings(ctx, inv, texts);
    }
    stripe_send_saved(ctx, 200, inv, billing_save_changed(ctx, COLL, inv, before, "invoice.updated"));
}

static void release_items(twin_ctx *ctx, const json_value *inv)
{
    json_foreach(l, lines_of(inv)) {
        json_value *ii = stripe_get(ctx, "invoiceitems", json_get_str(l, "invoice_item"));
        if (!ii) continue;
        json_set_null(ctx->a, ii, "invoice");
        billing_save(ctx, "invoiceitems", ii);
    }
}

void stripe_delete_invoice(twin_ctx *ctx)
{
    json_value *inv = load_invoice(ctx);
    if (!inv) return;
    if (!stripe_status_is(inv, "draft")) {
        stripe_invalid(ctx, NULL, "invoice_not_editable", "You can only delete draft invoices.");
        return;
    }
    release_items(ctx, inv);
    twin_doc_delete(ctx, COLL, json_get_str(inv, "id"));
    stripe_emit(ctx, "invoice.deleted", inv, NULL);
    stripe_reply(ctx, 200, billing_deleted(ctx, json_get_str(inv, "id"), "invoice"));
}

void stripe_finalize_invoice(twin_ctx *ctx)
{
    json_value *inv = load_invoice(ctx);
    if (!inv) return;
    if (!stripe_status_is(inv, "draft")) {
        stripe_invalid(ctx, NULL, "invoice_not_editable",
                       "This invoice is already finalized, you can't re-finalize a non-draft invoice.");
        return;
    }
    bool auto_advance = false, has_auto = false;
    if (!stripe_bool_param(ctx, "auto_advance", &auto_advance, &has_auto)) return;
    if (has_auto) json_set_bool(ctx->a, inv, "auto_advance", auto_advance);
    stripe_send_saved(ctx, 200, inv, billing_invoice_finalize(ctx, inv));
}

static bool payable(twin_ctx *ctx, const json_value *inv)
{
    if (stripe_status_is(inv, "void")) {
        stripe_invalid(ctx, NULL, "invoice_not_editable", "Voided invoices cannot be paid.");
        return false;
    }
    if (stripe_status_is(inv, "paid")) {
        stripe_invalid(ctx, NULL, "invoice_already_paid", "Invoice is already paid");
        return false;
    }
    return true;
}

static void send_decline(twin_ctx *ctx, const json_value *inv, const stripe_card_outcome *o)
{
    twin_keep_writes(ctx);   /* the finalized invoice, its failed attempt and events stay */
    stripe_error_send(ctx, 402, &(stripe_error){.type = "card_error",
                                               .code = o->code,
                                               .decline_code = o->decline_code,
                                               .message = o->message,
                                               .charge = json_get_str(inv, "charge")});
}

static bool pay_params(twin_ctx *ctx, bool *oob, const char **pm_id)
{
    *oob = false;
    *pm_id = NULL;
    const char *pm = NULL;
    if (!stripe_bool_param(ctx, "paid_out_of_band", oob, NULL) || !stripe_str_param(ctx, "payment_method", false, &pm))
        return false;
    if (!pm || !*pm) return true;
    json_value *doc = stripe_payment_method_from_token(ctx, pm, "payment_method");
    if (doc) *pm_id = json_get_str(doc, "id");
    return doc != NULL;
}

void stripe_pay_invoice(twin_ctx *ctx)
{
    json_value *inv = load_invoice(ctx);
    bool oob = false, no_method = false;
    const char *pm_id = NULL;
    if (!inv || !payable(ctx, inv) || !pay_params(ctx, &oob, &pm_id)) return;
    if (stripe_status_is(inv, "draft")) billing_invoice_finalize(ctx, inv);
    if (stripe_status_is(inv, "paid")) {
        stripe_send_object(ctx, 200, inv);
        return;
    }
    if (oob) {
        stripe_send_saved(ctx, 200, inv, mark_paid(ctx, inv, true));
        return;
    }
    stripe_card_outcome o = billing_invoice_charge(ctx, inv, pm_id, &no_method);
    if (no_method) {
        /* Stripe's answer when nothing can be charged, as for a new
         * subscription; invoice_no_customer_line_items means "nothing to
         * invoice" (pending_invoice_items_behavior=include_and_require). */
        stripe_invalid(ctx, NULL, "resource_missing",
                       "This customer has no attached payment source or default payment method. Please consider "
                       "adding a default payment method. For more information, visit "
                       "https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority.");
        return;
    }
    if (o.requires_3ds) {
        twin_keep_writes(ctx);   /* the invoice's intent now waits in requires_action */
        stripe_error_send(ctx, 402, &(stripe_error){.type = "card_error",
                                                   .code = "invoice_payment_intent_requires_action",
                                                   .message = "Payment for this invoice requires a payment method "
                                                              "with authentication."});
        return;
    }
    if (o.decline_code) send_decline(ctx, inv, &o);
    else stripe_send_object(ctx, 200, inv);
}

/* An invoice's payment intent that will never be paid (reason: Stripe's cancellation_reason). */
static void cancel_intent(twin_ctx *ctx, const json_value *inv, const char *reason, int64_t at)
{
    json_value *pi = stripe_get(ctx, "payment_intents", json_get_str(inv, "payment_intent"));
    const char *status = json_get_str(pi, "status");
    if (!pi || str_eq(status, "succeeded") || str_eq(status, "canceled")) return;
    json_set_str(ctx->a, pi, "status", "canceled");
    json_set_int(ctx->a, pi, "canceled_at", at);
    json_set_str(ctx->a, pi, "cancellation_reason", reason);
    json_set_null(ctx->a, pi, "next_action");
    stripe_save_emit(ctx, "payment_intents", pi, "payment_intent.canceled", NULL);
}

stripe_text billing_invoice_void(twin_ctx *ctx, json_value *inv, int64_t at)
{
    cancel_intent(ctx, inv, "void_invoice", at);
    json_set_str(ctx->a, inv, "status", "void");
    json_set_int(ctx->a, json_get(inv, "status_transitions"), "voided_at", at);
    json_set_null(ctx->a, inv, "next_payment_attempt");
    return billing_save_emit(ctx, COLL, inv, "invoice.voided", NULL);
}

void stripe_void_invoice(twin_ctx *ctx)
{
    json_value *inv = load_invoice(ctx);
    if (!inv) return;
    if (!stripe_status_is(inv, "open") && !stripe_status_is(inv, "uncollectible")) {
        stripe_invalid(ctx, NULL, "invoice_not_editable",
                       "You can only void open or uncollectible invoices. This invoice is %s.",
                       json_get_str(inv, "status"));
        return;
    }
    stripe_send_saved(ctx, 200, inv, billing_invoice_void(ctx, inv, inv_now(ctx, inv)));
}

void billing_invoice_settled_by_credit(twin_ctx *ctx, json_value *inv)
{
    arena *a = ctx->a;
    int64_t now = inv_now(ctx, inv);
    cancel_intent(ctx, inv, "automatic", now);
    json_set_bool(a, inv, "paid", true);
    json_set_int(a, inv, "amount_paid", 0);
    json_set_int(a, inv, "amount_remaining", 0);
    json_set_str(a, inv, "status", "paid");
    json_set_null(a, inv, "next_payment_attempt");
    json_set_int(a, json_get(inv, "status_transitions"), "paid_at", now);
    billing_save_emit(ctx, COLL, inv, "invoice.paid", NULL);
    billing_subscription_invoice_settled(ctx, inv);
}

void stripe_uncollectible_invoice(twin_ctx *ctx)
{
    json_value *inv = load_invoice(ctx);
    if (!inv) return;
    if (!stripe_status_is(inv, "open")) {
        stripe_invalid(ctx, NULL, "invoice_not_editable",
                       "You can only mark open invoices as uncollectible. This invoice is %s.",
                       json_get_str(inv, "status"));
        return;
    }
    json_set_str(ctx->a, inv, "status", "uncollectible");
    json_set_int(ctx->a, json_get(inv, "status_transitions"), "marked_uncollectible_at", inv_now(ctx, inv));
    stripe_send_saved(ctx, 200, inv, billing_save_emit(ctx, COLL, inv, "invoice.marked_uncollectible", NULL));
}

/* Index of the line with id in data; answers 404 on param and returns -1 when none. */
static long line_index(twin_ctx *ctx, const json_value *data, const char *id, const char *param, const char *noun)
{
    long i = 0;
    json_foreach(l, data) {
        if (str_eq(json_get_str(l, "id"), id)) return i;
        i++;
    }
    stripe_error_send(ctx, 404, &(stripe_error){.code = "resource_missing",
                                               .param = param,
                                               .message = arena_printf(ctx->a, "No such %s: '%s'", noun, id)});
    return -1;
}

bool billing_page_lines(twin_ctx *ctx, const json_value *data, const char *noun, twin_list *page)
{
    listing_req r;
    listing_status s = listing_parse(ctx, 10, 100, &r);
    if (s == LISTING_BAD_LIMIT) {
        stripe_invalid(ctx, "limit", "parameter_invalid_integer",
                       "Invalid integer: %s. This value must be between 1 and 100.", r.bad_value);
        return false;
    }
    if (s != LISTING_OK) {
        stripe_invalid(ctx, "starting_after", NULL,
                       "You may only specify one of these parameters: ending_before, starting_after.");
        return false;
    }
    long n = data ? (long)data->len : 0, from = 0, to = n;
    if (r.starting_after) {
        long at = line_index(ctx, data, r.starting_after, "starting_after", noun);
        if (at < 0) return false;
        from = at + 1;
    } else if (r.ending_before) {
        long at = line_index(ctx, data, r.ending_before, "ending_before", noun);
        if (at < 0) return false;
        to = at;
        from = to > (long)r.limit ? to - (long)r.limit : 0;
    }
    if (to - from > (long)r.limit) to = from + (long)r.limit;
    page->items = arena_alloc(ctx->a, (size_t)(to > from ? to - from : 1) * sizeof *page->items);
    page->n = 0;
    page->has_more = r.ending_before ? from > 0 : to < n;
    long i = 0;
    json_foreach(l, data) {
        /* Copies: a value belongs to one list (its next sibling is its own). */
        if (i >= from && i < to) page->items[page->n++] = json_clone(ctx->a, l);
        i++;
    }
    return true;
}

void stripe_list_invoice_lines(twin_ctx *ctx)
{
    json_value *inv = load_invoice(ctx);
    twin_list page;
    if (!inv || !billing_page_lines(ctx, lines_of(inv), "invoice line item", &page)) return;
    stripe_send_list(ctx, json_get_str(json_get(inv, "lines"), "url"), &page);
}

typedef struct invoice_filter {
    const char *subscription, *status, *collection_method;
} invoice_filter;

static bool filter_invoice(const json_value *inv, void *data)
{
    const invoice_filter *f = data;
    if (f->subscription && !str_eq(json_get_str(inv, "subscription"), f->subscription)) return false;
    if (f->status && !str_eq(json_get_str(inv, "status"), f->status)) return false;
    return !f->collection_method || str_eq(json_get_str(inv, "collection_method"), f->collection_method);
}

void stripe_list_invoices(twin_ctx *ctx)
{
    invoice_filter f = {twin_arg(ctx, "subscription"), twin_arg(ctx, "status"), twin_arg(ctx, "collection_method")};
    const char *customer = twin_arg(ctx, "customer");
    /* Renewals real time has brought are listed too. */
    billing_subscriptions_catch_up(ctx, customer, f.subscription);
    listing_query q = {.collection = COLL, .newest_first = true, .filter = filter_invoice, .filter_data = &f};
    if (customer && *customer) {
        q.index_name = "customer";
        q.index_value = customer;
    }
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/invoices", &page);
}

/* ---- used by invoice items ---- */

void billing_invoice_sync_item(twin_ctx *ctx, const json_value *ii, bool removed)
{
    json_value *inv = stripe_get(ctx, COLL, json_get_str(ii, "invoice"));
    if (!inv || !stripe_status_is(inv, "draft")) return;
    if (removed) drop_item_line(ctx, inv, json_get_str(ii, "id"));
    else put_item_line(ctx, inv, ii);
    billing_invoice_totals(ctx, inv);
    billing_save_emit(ctx, COLL, inv, "invoice.updated", NULL);
}
