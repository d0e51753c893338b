/* Stripe twin: /v1/subscriptions.  Status machine: trialing while a trial
 * runs; active once the first invoice is paid (or at once for send_invoice);
 * incomplete when the first payment fails or needs authentication; past_due
 * when a renewal fails; canceled by DELETE or at period end.  Renewals and
 * trial ends happen when the customer's test clock passes them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "twins/stripe/billing.h"
#include "util/util.h"

#define COLL "subscriptions"
#define DAY 86400
/* How long a subscription whose first invoice is unpaid stays incomplete. */
#define INCOMPLETE_LIFETIME (23 * 3600)

/* ---- time ---- */

int64_t billing_add_interval(int64_t t, const char *interval, int64_t count)
{
    if (str_eq(interval, "day")) return t + count * DAY;
    if (str_eq(interval, "week")) return t + count * 7 * DAY;
    int64_t months = str_eq(interval, "year") ? count * 12 : count;
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    int day = tm.tm_mday;
    int64_t m = (int64_t)tm.tm_mon + months;
    tm.tm_year += (int)(m / 12);
    tm.tm_mon = (int)(m % 12);
    tm.tm_mday = 1;
    /* Clamp to the target month's last day (Jan 31 + 1 month = Feb 28/29). */
    struct tm next = tm;
    next.tm_mon += 1;
    int last = (int)((timegm(&next) - timegm(&tm)) / DAY);
    tm.tm_mday = day < last ? day : last;
    return (int64_t)timegm(&tm);
}

int64_t billing_period_end(const json_value *price, int64_t start)
{
    const json_value *rec = json_get(price, "recurring");
    int64_t count = billing_int(rec, "interval_count");
    const char *interval = json_get_str(rec, "interval");
    return billing_add_interval(start, interval ? interval : "month", count > 0 ? count : 1);
}

/* ---- storage and rendering ---- */

static json_value *items_list(twin_ctx *ctx, const char *id)
{
    twin_list items = billing_subscription_items(ctx, id);
    json_value *data = json_array(ctx->a);
    for (size_t i = 0; i < items.n; i++) json_push(data, items.items[i]);
    return billing_list_object(ctx, arena_printf(ctx->a, "/v1/subscription_items?subscription=%s", id), data);
}

json_value *billing_subscription_get(twin_ctx *ctx, const char *id)
{
    json_value *sub = stripe_get(ctx, COLL, id);
    if (sub) json_set(ctx->a, sub, "items", items_list(ctx, id));
    return sub;
}

/* sub with its items list as they are now. */
static json_value *with_items(twin_ctx *ctx, json_value *sub)
{
    json_set(ctx->a, sub, "items", items_list(ctx, json_get_str(sub, "id")));
    return sub;
}

stripe_text billing_subscription_save(twin_ctx *ctx, json_value *sub)
{
    return billing_save(ctx, COLL, with_items(ctx, sub));
}

stripe_text billing_subscription_save_changed(twin_ctx *ctx, json_value *sub, const json_value *before)
{
    return billing_save_changed(ctx, COLL, with_items(ctx, sub), before, "customer.subscription.updated");
}

stripe_text billing_subscription_save_updated(twin_ctx *ctx, json_value *sub, const json_value *before)
{
    stripe_text saved = billing_subscription_save(ctx, sub);
    stripe_emit_saved(ctx, "customer.subscription.updated", sub, saved, stripe_diff(ctx, before, sub));
    return saved;
}

void billing_subscription_changed(twin_ctx *ctx, const char *id, const json_value *before)
{
    json_value *sub = billing_subscription_get(ctx, id);   /* its items as they are now */
    if (sub) billing_save_changed(ctx, COLL, sub, before, "customer.subscription.updated");
}

static json_value *first_price(twin_ctx *ctx, const char *id)
{
    twin_list items = billing_subscription_items(ctx, id);
    return items.n ? json_get(items.items[0], "price") : NULL;
}

/* canceled, or expired before its first payment: nothing more can change. */
static bool has_ended(const json_value *sub)
{
    return stripe_status_is(sub, "canceled") || stripe_status_is(sub, "incomplete_expired");
}

/* ---- invoices for a subscription ---- */

static void add_item_lines(twin_ctx *ctx, json_value *inv, const json_value *sub, bool trial)
{
    int64_t start = billing_int(sub, "current_period_start"), end = billing_int(sub, "current_period_end");
    json_value *data = json_get(json_get(inv, "lines"), "data");
    twin_list items = billing_subscription_items(ctx, json_get_str(sub, "id"));
    for (size_t i = 0; i < items.n; i++)
        json_push(data, billing_line_for_item(ctx, items.items[i], json_get_str(sub, "id"), start, end, trial));
}

/* A duration=once discount is spent once an invoice with a charge has used
 * it: the subscription drops it before its next invoice. */
static void drop_spent_discount(twin_ctx *ctx, json_value *sub)
{
    const json_value *d = json_get(sub, "discount");
    if (!d || d->type != JSON_OBJECT || !str_eq(json_get_str(json_get(d, "coupon"), "duration"), "once")) return;
    json_value *last = stripe_get(ctx, "invoices", json_get_str(sub, "latest_invoice"));
    const json_value *used = json_get(last, "discount");
    if (billing_int(last, "subtotal") > 0 && str_eq(json_get_str(used, "id"), json_get_str(d, "id")))
        json_set_null(ctx->a, sub, "discount");
}

json_value *billing_subscription_draft(twin_ctx *ctx, json_value *sub, const char *reason, int64_t now)
{
    arena *a = ctx->a;
    json_value *customer = stripe_get(ctx, "customers", json_get_str(sub, "customer"));
    drop_spent_discount(ctx, sub);
    json_value *inv = billing_invoice_new(ctx, customer, json_get_str(sub, "id"), reason, now);
    json_set_str(a, inv, "currency", json_get_str(sub, "currency"));
    json_set_str(a, inv, "collection_method", json_get_str(sub, "collection_method"));
    json_set(a, inv, "default_tax_rates", json_clone(a, json_get(sub, "default_tax_rates")));
    json_value *d = json_get(sub, "discount");
    if (d && d->type == JSON_OBJECT) {
        json_set(a, inv, "discount", json_clone(a, d));
        json_value *ids = json_array(a);
        json_push(ids, json_string(a, json_get_str(d, "id")));
        json_set(a, inv, "discounts", ids);
    }
    int64_t days = billing_int(sub, "days_until_due");
    if (str_eq(json_get_str(sub, "collection_method"), "send_invoice"))
        json_set_int(a, inv, "due_date", now + (days ? days : 30) * DAY);
    return inv;
}

/* Pulls pending items onto the draft, stores it as the subscription's latest
 * invoice, finalizes and (when asked) charges it.  pm: the method to charge
 * (NULL = none). */
static void issue_invoice(twin_ctx *ctx, json_value *sub, json_value *inv, const char *pm, bool announce_created)
{
    billing_invoice_pull_pending(ctx, inv);
    stripe_text inv_saved = billing_save(ctx, "invoices", inv);
    /* The subscription is stored (with its latest invoice) before the
     * invoice is paid, so payment outcomes update the stored copy. */
    json_set_str(ctx->a, sub, "latest_invoice", json_get_str(inv, "id"));
    stripe_text sub_saved = billing_subscription_save(ctx, sub);
    if (announce_created) stripe_emit_saved(ctx, "customer.subscription.created", sub, sub_saved, NULL);
    stripe_emit_saved(ctx, "invoice.created", inv, inv_saved, NULL);
    billing_invoice_finalize(ctx, inv);
    bool automatic = str_eq(json_get_str(inv, "collection_method"), "charge_automatically");
    if (automatic && pm && str_eq(json_get_str(inv, "status"), "open")) {
        bool none = false;
        billing_invoice_charge(ctx, inv, pm, &none);
    }
}

/* Builds, finalizes and (when asked) charges the subscription's invoice for
 * its current period. */
static json_value *invoice_subscription(twin_ctx *ctx, json_value *sub, const char *reason, int64_t period_start,
                                        bool trial, const char *pm, bool announce_created)
{
    int64_t now = billing_int(sub, "current_period_start");
    json_value *inv = billing_subscription_draft(ctx, sub, reason, now);
    json_set_int(ctx->a, inv, "period_start", period_start);
    json_set_int(ctx->a, inv, "period_end", now);
    add_item_lines(ctx, inv, sub, trial);
    issue_invoice(ctx, sub, inv, pm, announce_created);
    return inv;
}

/* The card a subscription's invoices are charged to. */
static const char *subscription_pm(twin_ctx *ctx, const json_value *sub)
{
    return billing_default_pm(ctx, json_get_str(sub, "customer"), json_get_str(sub, "default_payment_method"));
}

/* Paying an invoice may have changed the stored copy's status; the
 * caller's copy, saved again later, takes it. */
static void take_stored_status(twin_ctx *ctx, json_value *sub)
{
    json_value *fresh = billing_subscription_get(ctx, json_get_str(sub, "id"));
    if (fresh) json_set_str(ctx->a, sub, "status", json_get_str(fresh, "status"));
}

void billing_subscription_invoice_pending(twin_ctx *ctx, json_value *sub)
{
    int64_t now = billing_now(ctx, json_get_str(sub, "test_clock"));
    json_value *inv = billing_subscription_draft(ctx, sub, "subscription_update", now);
    issue_invoice(ctx, sub, inv, subscription_pm(ctx, sub), false);
    take_stored_status(ctx, sub);
}

void billing_subscription_reset_cycle(twin_ctx *ctx, json_value *sub)
{
    arena *a = ctx->a;
    int64_t now = billing_now(ctx, json_get_str(sub, "test_clock"));
    int64_t end = billing_period_end(first_price(ctx, json_get_str(sub, "id")), now);
    json_set_int(a, sub, "billing_cycle_anchor", now);
    json_set_int(a, sub, "current_period_start", now);
    json_set_int(a, sub, "current_period_end", end);
    if (json_truthy(json_get(sub, "cancel_at_period_end"))) json_set_int(a, sub, "cancel_at", end);
    invoice_subscription(ctx, sub, "subscription_update", now, false, subscription_pm(ctx, sub), false);
    take_stored_status(ctx, sub);
}

void billing_subscription_begin_trial(twin_ctx *ctx, json_value *sub, int64_t trial_end, int64_t at)
{
    arena *a = ctx->a;
    json_set_str(a, sub, "status", "trialing");
    json_set_int(a, sub, "trial_start", at);
    json_set_int(a, sub, "trial_end", trial_end);
    json_set_int(a, sub, "billing_cycle_anchor", trial_end);
    json_set_int(a, sub, "current_period_start", at);
    json_set_int(a, sub, "current_period_end", trial_end);
    billing_subscription_save(ctx, sub);
    invoice_subscription(ctx, sub, "subscription_update", at, true, subscription_pm(ctx, sub), false);
    take_stored_status(ctx, sub);
}

/* Stripe's status follows the latest invoice: paid makes an incomplete,
 * past_due or unpaid subscription active; a renewal that charged and
 * failed makes an active one past_due. */
static void follow_invoice(twin_ctx *ctx, json_value *sub, const json_value *inv)
{
    bool paid = str_eq(json_get_str(inv, "status"), "paid");
    bool automatic = str_eq(json_get_str(sub, "collection_method"), "charge_automatically");
    if (paid && (stripe_status_is(sub, "incomplete") || stripe_status_is(sub, "past_due") ||
                 stripe_status_is(sub, "unpaid")))
        json_set_str(ctx->a, sub, "status", "active");
    else if (!paid && automatic && stripe_status_is(sub, "active") &&
             str_eq(json_get_str(inv, "billing_reason"), "subscription_cycle"))
        json_set_str(ctx->a, sub, "status", "past_due");
}

void billing_subscription_invoice_settled(twin_ctx *ctx, const json_value *inv)
{
    json_value *sub = billing_subscription_get(ctx, json_get_str(inv, "subscription"));
    if (!sub || stripe_status_is(sub, "canceled")) return;
    json_value *before = json_clone(ctx->a, sub);
    const char *status = json_get_str(sub, "status");
    follow_invoice(ctx, sub, inv);
    if (str_eq(status, json_get_str(sub, "status"))) return;
    /* Its items were read with it just now. */
    billing_save_emit(ctx, COLL, sub, "customer.subscription.updated", stripe_diff(ctx, before, sub));
}

#define HELD "subscriptions_held"

void billing_subscription_hold(twin_ctx *ctx, const char *id)
{
    json_value *mark = json_object(ctx->a);
    json_set_str(ctx->a, mark, "id", id);
    twin_doc_put(ctx, HELD, id, mark, NULL, 0);
}

/* Whether sub, still incomplete at now, is past its 23 hours.  Time on a
 * test clock only moves when the clock advances; seeded fixtures are held
 * (billing_subscription_hold). */
static bool incomplete_overdue(twin_ctx *ctx, const json_value *sub, int64_t now)
{
    if (!stripe_status_is(sub, "incomplete") || now < billing_int(sub, "created") + INCOMPLETE_LIFETIME) return false;
    return json_get_str(sub, "test_clock") || !stripe_get(ctx, HELD, json_get_str(sub, "id"));
}

bool billing_subscription_expire_if_due(twin_ctx *ctx, json_value *sub, int64_t now)
{
    if (!incomplete_overdue(ctx, sub, now)) return false;
    int64_t at = billing_int(sub, "created") + INCOMPLETE_LIFETIME;
    json_value *before = json_clone(ctx->a, sub);
    json_value *inv = stripe_get(ctx, "invoices", json_get_str(sub, "latest_invoice"));
    if (inv && str_eq(json_get_str(inv, "status"), "open")) billing_invoice_void(ctx, inv, at);
    json_set_str(ctx->a, sub, "status", "incomplete_expired");
    json_set_int(ctx->a, sub, "canceled_at", at);
    json_set_int(ctx->a, sub, "ended_at", at);
    stripe_text saved = billing_subscription_save_updated(ctx, sub, before);
    stripe_emit_saved(ctx, "customer.subscription.deleted", sub, saved, NULL);
    return true;
}

/* ---- create ---- */

typedef struct sub_params {
    const char *customer, *pm, *behavior, *method;
    int64_t trial_end, days_until_due;
    bool has_trial, has_days, cancel_at_period_end;
} sub_params;

static bool trial_params(twin_ctx *ctx, sub_params *p, int64_t now)
{
    int64_t days = 0;
    bool has_days = false;
    if (!stripe_int_param(ctx, "trial_period_days", false, &days, &has_days)) return false;
    const char *end = twin_arg(ctx, "trial_end");
    if (end && !str_eq(end, "now")) {
        if (!stripe_int_param(ctx, "trial_end", false, &p->trial_end, NULL)) return false;
        if (p->trial_end <= now) {
            stripe_invalid(ctx, "trial_end", NULL, "Invalid timestamp: must be in the future.");
            return false;
        }
        p->has_trial = true;
    } else if (has_days && days > 0) {
        p->trial_end = now + days * DAY;
        p->has_trial = true;
    }
    return true;
}

static bool read_params(twin_ctx *ctx, sub_params *p, const json_value *customer)
{
    static const char *const behaviors[] = {"allow_incomplete", "default_incomplete", "error_if_incomplete",
                                            "pending_if_incomplete", NULL};
    static const char *const methods[] = {"charge_automatically", "send_invoice", NULL};
    static const char *const prorations[] = {"create_prorations", "none", "always_invoice", NULL};
    const char *proration = NULL;
    p->behavior = "allow_incomplete";
    p->method = "charge_automatically";
    if (!billing_enum_param(ctx, "payment_behavior", behaviors, &p->behavior) ||
        !billing_enum_param(ctx, "collection_method", methods, &p->method) ||
        !billing_enum_param(ctx, "proration_behavior", prorations, &proration) ||
        !stripe_int_param(ctx, "days_until_due", false, &p->days_until_due, &p->has_days) ||
        !stripe_bool_param(ctx, "cancel_at_period_end", &p->cancel_at_period_end, NULL) ||
        !trial_params(ctx, p, billing_now(ctx, json_get_str(customer, "test_clock"))))
        return false;
    const char *pm = twin_arg(ctx, "default_payment_method");
    if (pm && *pm) {
        if (!stripe_load(ctx, "payment_methods", "PaymentMethod", pm, "default_payment_method")) return false;
        p->pm = pm;
    }
    if (str_eq(p->method, "send_invoice") && !p->has_days) {
        stripe_invalid(ctx, "days_until_due", "parameter_missing",
                       "Missing required param: days_until_due. This is required when collection_method is "
                       "send_invoice.");
        return false;
    }
    return true;
}

/* items[i][price] (or [plan]) with [quantity]; every price checked first. */
static json_value *read_items(twin_ctx *ctx, int64_t *total)
{
    json_value *in = twin_input(ctx, "items");
    if (!in || in->type != JSON_ARRAY || !in->len) {
        stripe_invalid(ctx, "items", "parameter_missing", "Missing required param: items.");
        return NULL;
    }
    json_value *out = json_array(ctx->a);
    size_t i = 0;
    json_foreach(it, in) {
        const char *pid = stripe_sub_str(it, "price");
        if (!pid) pid = stripe_sub_str(it, "plan");
        json_value *price = billing_recurring_price(ctx, pid, arena_printf(ctx->a, "items[%zu][price]", i));
        const char *qparam = arena_printf(ctx->a, "items[%zu][quantity]", i);
        int64_t qty = 1, amount = 0;
        if (!price || !billing_count_param(ctx, it, "quantity", qparam, &qty) ||
            !billing_line_amount(ctx, billing_int(price, "unit_amount"), qty, qparam, &amount) ||
            !billing_interval_matches(ctx, json_at(out, 0), price, arena_printf(ctx->a, "items[%zu][price]", i)))
            return NULL;
        json_value *rates = billing_tax_rates_from(ctx, json_get(it, "tax_rates"), arena_printf(ctx->a, "items[%zu][tax_rates]", i));
        if (!rates) return NULL;
        json_set_int(ctx->a, price, "_quantity", qty);
        if (rates->type == JSON_ARRAY) json_set(ctx->a, price, "_tax_rates", rates);
        *total += amount;
        json_push(out, price);
        i++;
    }
    return out;
}

static json_value *sub_skeleton(twin_ctx *ctx, const json_value *customer, int64_t now)
{
    static const char *const nulls[] = {
        "application", "application_fee_percent", "billing_thresholds", "cancel_at", "canceled_at",
        "days_until_due", "default_payment_method", "default_source", "description", "discount", "ended_at",
        "latest_invoice", "next_pending_invoice_item_invoice", "on_behalf_of", "pause_collection",
        "pending_invoice_item_interval", "pending_setup_intent", "pending_update", "schedule", "transfer_data",
        "trial_end", "trial_start", NULL};
    arena *a = ctx->a;
    json_value *sub = stripe_new_object(ctx, "subscription", "sub_");
    for (size_t i = 0; nulls[i]; i++) json_set_null(a, sub, nulls[i]);
    json_value *tax = json_object(a);
    json_set_bool(a, tax, "enabled", false);
    json_set(a, sub, "automatic_tax", tax);
    json_set_int(a, sub, "billing_cycle_anchor", now);
    json_set_bool(a, sub, "cancel_at_period_end", false);
    json_value *cd = json_object(a);
    json_set_null(a, cd, "comment");
    json_set_null(a, cd, "feedback");
    json_set_null(a, cd, "reason");
    json_set(a, sub, "cancellation_details", cd);
    json_set_int(a, sub, "created", now);
    json_set_str(a, sub, "customer", json_get_str(customer, "id"));
    json_set(a, sub, "default_tax_rates", json_array(a));
    json_set_bool(a, sub, "livemode", false);
    json_set(a, sub, "metadata", json_object(a));
    json_value *ps = json_object(a);
    json_set_null(a, ps, "payment_method_options");
    json_set_null(a, ps, "payment_method_types");
    json_set_str(a, ps, "save_default_payment_method", "off");
    json_set(a, sub, "payment_settings", ps);
    json_set_int(a, sub, "start_date", now);
    json_set_str(a, sub, "status", "incomplete");
    json_set_str(a, sub, "test_clock", json_get_str(customer, "test_clock"));
    json_value *ts = json_object(a), *eb = json_object(a);
    json_set_str(a, eb, "missing_payment_method", "create_invoice");
    json_set(a, ts, "end_behavior", eb);
    json_set(a, sub, "trial_settings", ts);
    return sub;
}

static void apply_schedule(twin_ctx *ctx, json_value *sub, const sub_params *p, const json_value *price, int64_t now)
{
    arena *a = ctx->a;
    json_set_str(a, sub, "collection_method", p->method);
    if (p->has_days) json_set_int(a, sub, "days_until_due", p->days_until_due);
    json_set_str(a, sub, "currency", json_get_str(price, "currency"));
    json_set_str(a, sub, "default_payment_method", p->pm);
    json_set_bool(a, sub, "cancel_at_period_end", p->cancel_at_period_end);
    json_set_int(a, sub, "current_period_start", now);
    int64_t end = p->has_trial ? p->trial_end : billing_period_end(price, now);
    json_set_int(a, sub, "current_period_end", end);
    if (p->cancel_at_period_end) {
        json_set_int(a, sub, "cancel_at", end);
        json_set_int(a, sub, "canceled_at", now);
    }
    if (p->has_trial) {
        json_set_int(a, sub, "trial_start", now);
        json_set_int(a, sub, "trial_end", p->trial_end);
        json_set_int(a, sub, "billing_cycle_anchor", p->trial_end);
        json_set_str(a, sub, "status", "trialing");
    }
}

static bool apply_extras(twin_ctx *ctx, json_value *sub)
{
    static const char *const texts[] = {"description", NULL};
    stripe_copy_strings(ctx, sub, texts);
    json_value *rates = billing_tax_rates_param(ctx, "default_tax_rates");
    if (!rates || !stripe_apply_metadata(ctx, sub)) return false;
    if (rates->type == JSON_ARRAY) json_set(ctx->a, sub, "default_tax_rates", rates);
    json_value *d = billing_discount_from_request(ctx, json_get_str(sub, "customer"), json_get_str(sub, "id"), NULL);
    if (!d) return false;
    if (d->type == JSON_OBJECT) json_set(ctx->a, sub, "discount", d);
    return true;
}

/* Each price's "_quantity" (and "_tax_rates", an array of tax rate objects) make one item. */
static void create_items(twin_ctx *ctx, const json_value *sub, const json_value *prices, int64_t now)
{
    json_foreach(price, prices) {
        int64_t qty = billing_int(price, "_quantity");
        json_value *rates = json_get(price, "_tax_rates");
        json_remove(price, "_quantity");
        json_remove(price, "_tax_rates");
        billing_item_new(ctx, json_get_str(sub, "id"), price, qty, rates, now);
    }
}

/* Status before the first invoice is paid: trialing during a trial, active
 * for send_invoice, else incomplete until the first invoice is paid. */
static const char *initial_status(const sub_params *p)
{
    if (p->has_trial) return "trialing";
    if (str_eq(p->method, "send_invoice")) return "active";
    return "incomplete";
}

/* A backdated subscription bills the time between its start and now on its
 * first invoice: each item prorated over a period that would have started
 * at the backdated start (Stripe's classic backdating), as pending
 * proration items the first invoice picks up. */
static void bill_backdated_time(twin_ctx *ctx, const json_value *sub, int64_t from, int64_t now)
{
    arena *a = ctx->a;
    twin_list items = billing_subscription_items(ctx, json_get_str(sub, "id"));
    for (size_t i = 0; i < items.n; i++) {
        const json_value *price = json_get(items.items[i], "price");
        int64_t qty = billing_int(items.items[i], "quantity"), span = billing_period_end(price, from) - from;
        double share = span > 0 ? (double)(now - from) / (double)span : 0;
        int64_t amount = (int64_t)llround((double)(billing_int(price, "unit_amount") * qty) * share);
        json_value *ii = billing_invoice_item_for_price(ctx, sub, price, qty, NULL, now);
        const char *name = json_get_str(ii, "description");   /* the product's */
        json_set_int(a, ii, "amount", amount);
        json_set_str(a, ii, "description",
                     arena_printf(a, "Backdated time on %lld × %s", (long long)qty, name ? name : "Product"));
        json_set_int(a, json_get(ii, "period"), "start", from);
        json_set_bool(a, ii, "proration", true);
        json_set_str(a, ii, "subscription_item", json_get_str(items.items[i], "id"));
        double unit = qty ? (double)amount / (double)qty : (double)amount;
        json_set_int(a, ii, "unit_amount", (int64_t)llround(unit));
        json_set_str(a, ii, "unit_amount_decimal", arena_printf(a, "%.12g", unit));
        billing_save_emit(ctx, "invoiceitems", ii, "invoiceitem.created", NULL);
    }
}

/* Creates the items and the first invoice of a prepared subscription:
 * customer.subscription.created goes out with the initial status, then the
 * invoice's events, then customer.subscription.updated when paying it
 * changes the status.  The subscription is stored, items included. */
static void launch(twin_ctx *ctx, json_value *sub, const json_value *prices, const sub_params *p,
                          const char *charge_pm, int64_t now, int64_t backdate)
{
    create_items(ctx, sub, prices, now);
    if (backdate) bill_backdated_time(ctx, sub, backdate, now);
    json_set_str(ctx->a, sub, "status", initial_status(p));
    invoice_subscription(ctx, sub, "subscription_create", now, p->has_trial, charge_pm, true);
}

void stripe_create_subscription(twin_ctx *ctx)
{
    const char *customer_id = NULL;
    sub_params p = {0};
    int64_t total = 0;
    if (!stripe_str_param(ctx, "customer", true, &customer_id)) return;
    json_value *customer = stripe_load(ctx, "customers", "customer", customer_id, "customer");
    json_value *prices = customer && read_params(ctx, &p, customer) ? read_items(ctx, &total) : NULL;
    if (!prices) return;
    const char *pm = billing_default_pm(ctx, customer_id, p.pm);
    if (!pm && total > 0 && !p.has_trial && str_eq(p.method, "charge_automatically") &&
        !str_eq(p.behavior, "default_incomplete")) {
        stripe_invalid(ctx, NULL, "resource_missing",
                       "This customer has no attached payment source or default payment method. Please consider "
                       "adding a default payment method. For more information, visit "
                       "https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority.");
        return;
    }
    int64_t now = billing_now(ctx, json_get_str(customer, "test_clock"));
    json_value *sub = sub_skeleton(ctx, customer, now);
    apply_schedule(ctx, sub, &p, json_at(prices, 0), now);
    if (!apply_extras(ctx, sub)) return;
    bool charge = !str_eq(p.behavior, "default_incomplete");
    launch(ctx, sub, prices, &p, charge ? pm : NULL, now, 0);
    /* Paying may have changed the stored copy (status): that is the answer,
     * as stored (the last save wrote its items too). */
    const char *id = json_get_str(sub, "id");
    if (!stripe_send_stored(ctx, COLL, id)) stripe_send_object(ctx, 200, billing_subscription_get(ctx, id));
}

json_value *billing_subscription_start(twin_ctx *ctx, const billing_sub_spec *s)
{
    sub_params p = {.method = "charge_automatically", .behavior = "allow_incomplete", .pm = s->default_pm};
    int64_t now = billing_now(ctx, json_get_str(s->customer, "test_clock"));
    if (s->trial_days > 0) {
        p.has_trial = true;
        p.trial_end = now + s->trial_days * DAY;
    }
    if (s->trial_end > now) {
        p.has_trial = true;
        p.trial_end = s->trial_end;
    }
    if (s->collection_method) p.method = s->collection_method;
    if (s->days_until_due > 0) {
        p.has_days = true;
        p.days_until_due = s->days_until_due;
    }
    json_value *sub = sub_skeleton(ctx, s->customer, now);
    apply_schedule(ctx, sub, &p, json_at(s->prices, 0), now);
    if (s->backdate > 0 && s->backdate < now) json_set_int(ctx->a, sub, "start_date", s->backdate);
    if (s->default_tax_rates) json_set(ctx->a, sub, "default_tax_rates", json_clone(ctx->a, s->default_tax_rates));
    if (s->metadata && s->metadata->type == JSON_OBJECT) json_set(ctx->a, sub, "metadata", json_clone(ctx->a, s->metadata));
    if (s->description) json_set_str(ctx->a, sub, "description", s->description);
    if (s->schedule) json_set_str(ctx->a, sub, "schedule", s->schedule);
    if (s->coupon) {
        json_value *d = billing_discount_for_coupon(ctx, s->coupon, json_get_str(s->customer, "id"),
                                                    json_get_str(sub, "id"));
        json_set(ctx->a, sub, "discount", d);
    }
    const char *pm = s->charge ? billing_default_pm(ctx, json_get_str(s->customer, "id"), s->default_pm) : NULL;
    /* The spec's own invoice items, pending for the first invoice. */
    if (s->invoice_items) billing_invoice_items_for_prices(ctx, sub, s->invoice_items, now);
    launch(ctx, sub, s->prices, &p, pm, now, s->backdate > 0 && s->backdate < now ? s->backdate : 0);
    return billing_subscription_get(ctx, json_get_str(sub, "id"));
}

/* ---- retrieve, update, cancel, list ---- */

static json_value *load_sub(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "id");
    json_value *sub = billing_subscription_get(ctx, id);
    /* Stripe renews and expires these in the background; here the first look after a boundary does. */
    if (billing_subscription_catch_up(ctx, sub)) sub = billing_subscription_get(ctx, id);
    if (!sub) stripe_missing(ctx, "subscription", id, "subscription_exposed_id");
    return sub;
}

void stripe_retrieve_subscription(twin_ctx *ctx)
{
    json_value *sub = load_sub(ctx);
    if (sub) stripe_send_object(ctx, 200, sub);
}

static json_value *find_item(twin_ctx *ctx, const char *sub_id, const char *item_id, const char *param)
{
    json_value *si = stripe_get(ctx, "subscription_items", item_id);
    if (!si || !str_eq(json_get_str(si, "subscription"), sub_id)) {
        stripe_missing(ctx, "subscription item", item_id, param);
        return NULL;
    }
    return si;
}

/* One items[i] entry of an update, checked before anything is written. */
typedef struct item_change {
    json_value *si;     /* the item changed or deleted; NULL = a new item */
    json_value *price;  /* its new price; NULL = unchanged */
    json_value *tax_rates;  /* its new tax rates (objects); NULL = unchanged */
    int64_t quantity;
    bool has_quantity, deleted;
} item_change;

/* Reads items[i]: {id, price, quantity, deleted} or a new {price, quantity}. */
static bool check_item(twin_ctx *ctx, const char *sub_id, const json_value *it, size_t i, item_change *c)
{
    const char *id = stripe_sub_str(it, "id"), *pid = stripe_sub_str(it, "price");
    const char *qparam = arena_printf(ctx->a, "items[%zu][quantity]", i);
    *c = (item_change){.quantity = 1, .has_quantity = json_get(it, "quantity") != NULL};
    if (pid && !(c->price = billing_recurring_price(ctx, pid, arena_printf(ctx->a, "items[%zu][price]", i))))
        return false;
    if (!billing_count_param(ctx, it, "quantity", qparam, &c->quantity)) return false;
    json_value *rates = billing_tax_rates_from(ctx, json_get(it, "tax_rates"), arena_printf(ctx->a, "items[%zu][tax_rates]", i));
    if (!rates) return false;
    if (rates->type == JSON_ARRAY) c->tax_rates = rates;
    if (!id && !c->price) {
        stripe_invalid(ctx, arena_printf(ctx->a, "items[%zu][price]", i), "parameter_missing",
                       "Missing required param: items[%zu][price].", i);
        return false;
    }
    if (id && !(c->si = find_item(ctx, sub_id, id, arena_printf(ctx->a, "items[%zu][id]", i)))) return false;
    c->deleted = c->si && str_eq(stripe_sub_str(it, "deleted"), "true");
    if (c->deleted) return true;
    const json_value *price = c->price ? c->price : json_get(c->si, "price");
    int64_t qty = c->has_quantity || !c->si ? c->quantity : billing_int(c->si, "quantity"), amount = 0;
    return billing_line_amount(ctx, billing_int(price, "unit_amount"), qty, qparam, &amount);
}

static void apply_item(twin_ctx *ctx, const json_value *sub, const item_change *c, billing_proration *p)
{
    if (!c->si) {
        json_value *si = billing_item_new(ctx, json_get_str(sub, "id"), c->price, c->quantity, c->tax_rates,
                                          billing_now(ctx, json_get_str(sub, "test_clock")));
        billing_prorate(ctx, sub, p, json_get_str(si, "id"), NULL, 0, c->price, c->quantity);
        return;
    }
    const char *id = json_get_str(c->si, "id");
    json_value *old_price = json_clone(ctx->a, json_get(c->si, "price"));
    int64_t old_qty = billing_int(c->si, "quantity");
    if (c->deleted) {
        twin_doc_delete(ctx, "subscription_items", id);
        billing_prorate(ctx, sub, p, id, old_price, old_qty, NULL, 0);
        return;
    }
    if (c->price) json_set(ctx->a, c->si, "price", c->price);
    if (c->has_quantity) json_set_int(ctx->a, c->si, "quantity", c->quantity);
    if (c->tax_rates) json_set(ctx->a, c->si, "tax_rates", c->tax_rates);
    billing_save(ctx, "subscription_items", c->si);
    billing_prorate(ctx, sub, p, id, old_price, old_qty, json_get(c->si, "price"), billing_int(c->si, "quantity"));
}

/* The change of item si (NULL when it does not change). */
static const item_change *change_of(const json_value *si, const item_change *changes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (changes[i].si && str_eq(json_get_str(changes[i].si, "id"), json_get_str(si, "id"))) return &changes[i];
    return NULL;
}

/* Every price the subscription will have after the changes bills on one
 * cycle (a new one for all of them is a billing-interval change). */
static bool same_cycle(twin_ctx *ctx, const char *sub_id, const item_change *changes, size_t n)
{
    const json_value *reference = NULL;
    twin_list items = billing_subscription_items(ctx, sub_id);
    for (size_t i = 0; i < items.n; i++) {
        const item_change *c = change_of(items.items[i], changes, n);
        if (c && c->deleted) continue;
        const json_value *price = c && c->price ? c->price : json_get(items.items[i], "price");
        if (!billing_interval_matches(ctx, reference, price, "items")) return false;
        if (!reference) reference = price;
    }
    for (size_t i = 0; i < n; i++) {
        if (changes[i].si) continue;
        const char *param = arena_printf(ctx->a, "items[%zu][price]", i);
        if (!billing_interval_matches(ctx, reference, changes[i].price, param)) return false;
        if (!reference) reference = changes[i].price;
    }
    return true;
}

/* Checks every items[] entry (and that one item remains) without writing;
 * *changes gets them for apply_items. */
static bool check_items(twin_ctx *ctx, const json_value *sub, item_change **changes, size_t *n)
{
    json_value *in = twin_input(ctx, "items");
    *n = 0;
    if (!in) return true;
    if (in->type != JSON_ARRAY) {
        stripe_invalid(ctx, "items", NULL, "Invalid array");
        return false;
    }
    const char *sub_id = json_get_str(sub, "id");
    *changes = arena_alloc(ctx->a, (in->len ? in->len : 1) * sizeof **changes);
    int64_t remaining = (int64_t)billing_subscription_items(ctx, sub_id).n;
    json_foreach(it, in) {
        item_change *c = &(*changes)[*n];
        if (!check_item(ctx, sub_id, it, *n, c)) return false;
        remaining += c->deleted ? -1 : !c->si ? 1 : 0;
        (*n)++;
    }
    if (remaining < 1) {
        stripe_invalid(ctx, "items", NULL, "A subscription must have at least one active plan.");
        return false;
    }
    return same_cycle(ctx, sub_id, *changes, *n);
}

/* Whether an items[] change moves the subscription to another billing interval. */
static bool changes_interval(twin_ctx *ctx, const json_value *sub, const item_change *changes, size_t n)
{
    if (!n) return false;
    const json_value *current = first_price(ctx, json_get_str(sub, "id"));
    for (size_t i = 0; current && i < n; i++)
        if (!changes[i].deleted && changes[i].price && billing_interval_differs(changes[i].price, current)) return true;
    return false;
}

static bool update_cancel_flag(twin_ctx *ctx, json_value *sub)
{
    bool flag = false, has = false;
    if (!stripe_bool_param(ctx, "cancel_at_period_end", &flag, &has)) return false;
    if (!has) return true;
    json_set_bool(ctx->a, sub, "cancel_at_period_end", flag);
    if (flag) {
        json_set_int(ctx->a, sub, "cancel_at", billing_int(sub, "current_period_end"));
        json_set_int(ctx->a, sub, "canceled_at", billing_now(ctx, json_get_str(sub, "test_clock")));
    } else {
        json_set_null(ctx->a, sub, "cancel_at");
        json_set_null(ctx->a, sub, "canceled_at");
    }
    return true;
}

/* Every parameter is checked before the first write, so a 400 leaves the
 * subscription, its items and any coupon as they were. */
bool billing_subscription_apply_update(twin_ctx *ctx, json_value *sub, billing_proration *proration)
{
    static const char *const behaviors[] = {"allow_incomplete", "default_incomplete", "error_if_incomplete",
                                            "pending_if_incomplete", NULL};
    const char *ignored = NULL, *pm = twin_arg(ctx, "default_payment_method");
    item_change *changes = NULL;
    size_t n = 0;
    if (!billing_proration_params(ctx, sub, proration) ||
        !billing_enum_param(ctx, "payment_behavior", behaviors, &ignored) || !update_cancel_flag(ctx, sub))
        return false;
    if (pm && *pm && !stripe_load(ctx, "payment_methods", "PaymentMethod", pm, "default_payment_method")) return false;
    if (!check_items(ctx, sub, &changes, &n) || !apply_extras(ctx, sub)) return false;
    if (pm) json_set_str(ctx->a, sub, "default_payment_method", *pm ? pm : NULL);
    if (changes_interval(ctx, sub, changes, n)) billing_prorate_cycle_reset(ctx, sub, proration);
    for (size_t i = 0; i < n; i++) apply_item(ctx, sub, &changes[i], proration);
    return true;
}

void stripe_update_subscription(twin_ctx *ctx)
{
    json_value *sub = load_sub(ctx);
    if (!sub) return;
    json_value *before = json_clone(ctx->a, sub);
    billing_proration proration = {0};
    if (has_ended(sub)) {
        if (!stripe_apply_metadata(ctx, sub)) return;
        if (twin_input(ctx, "items") || twin_input(ctx, "cancel_at_period_end")) {
            stripe_invalid(ctx, NULL, NULL,
                           "A canceled subscription can only update its cancellation_details and metadata.");
            return;
        }
    } else if (!billing_subscription_apply_update(ctx, sub, &proration)) {
        return;
    }
    stripe_text text = billing_subscription_save(ctx, sub);
    /* Invoicing at once (always_invoice, a new interval) stores sub again
     * and may change it: the event and the answer then take it as it is now. */
    if (billing_proration_finish(ctx, sub, &proration)) text.s = json_to_string(ctx->a, sub, &text.len);
    json_value *prev = stripe_diff(ctx, before, sub);
    if (prev->len) stripe_emit_saved(ctx, "customer.subscription.updated", sub, text, prev);
    stripe_send_saved(ctx, 200, sub, text);
}

stripe_text billing_subscription_end(twin_ctx *ctx, json_value *sub, int64_t at, const char *reason)
{
    arena *a = ctx->a;
    json_set_str(a, sub, "status", "canceled");
    if (json_is_null(json_get(sub, "canceled_at"))) json_set_int(a, sub, "canceled_at", at);
    json_set_int(a, sub, "ended_at", at);
    json_set_bool(a, sub, "cancel_at_period_end", false);
    json_set_str(a, json_get(sub, "cancellation_details"), "reason", reason);
    stripe_text saved = billing_subscription_save(ctx, sub);
    stripe_emit_saved(ctx, "customer.subscription.deleted", sub, saved, NULL);
    return saved;
}

void stripe_cancel_subscription(twin_ctx *ctx)
{
    json_value *sub = load_sub(ctx);
    if (!sub) return;
    if (has_ended(sub)) {
        stripe_invalid(ctx, NULL, NULL, "This subscription has already been canceled.");
        return;
    }
    json_value *details = twin_input(ctx, "cancellation_details");
    const char *comment = stripe_sub_str(details, "comment"), *feedback = stripe_sub_str(details, "feedback");
    if (comment) json_set_str(ctx->a, json_get(sub, "cancellation_details"), "comment", comment);
    if (feedback) json_set_str(ctx->a, json_get(sub, "cancellation_details"), "feedback", feedback);
    json_set_null(ctx->a, sub, "canceled_at");
    int64_t now = billing_now(ctx, json_get_str(sub, "test_clock"));
    stripe_text saved = billing_subscription_end(ctx, sub, now, "cancellation_requested");
    billing_schedule_subscription_canceled(ctx, sub, now);
    stripe_send_saved(ctx, 200, sub, saved);
}

typedef struct sub_filter {
    const char *status, *price, *clock, *method;
} sub_filter;

static bool status_matches(const char *want, const char *status)
{
    if (!want) return !str_eq(status, "canceled") && !str_eq(status, "incomplete_expired");
    if (str_eq(want, "all")) return true;
    if (str_eq(want, "ended")) return str_eq(status, "canceled") || str_eq(status, "incomplete_expired");
    return str_eq(want, status);
}

static bool has_price(const json_value *sub, const char *price)
{
    json_foreach(si, json_get(json_get(sub, "items"), "data")) if (str_eq(json_get_str(json_get(si, "price"), "id"), price))
        return true;
    return false;
}

static bool filter_sub(const json_value *sub, void *data)
{
    const sub_filter *f = data;
    if (!status_matches(f->status, json_get_str(sub, "status"))) return false;
    if (f->price && !has_price(sub, f->price)) return false;
    if (f->clock && !str_eq(json_get_str(sub, "test_clock"), f->clock)) return false;
    return !f->method || str_eq(json_get_str(sub, "collection_method"), f->method);
}

void stripe_list_subscriptions(twin_ctx *ctx)
{
    sub_filter f = {twin_arg(ctx, "status"), twin_arg(ctx, "price"), twin_arg(ctx, "test_clock"),
                    twin_arg(ctx, "collection_method")};
    static const char *const statuses[] = {"active", "all", "canceled", "ended", "incomplete", "incomplete_expired",
                                           "past_due", "paused", "trialing", "unpaid", NULL};
    const char *ignored = NULL, *customer = twin_arg(ctx, "customer");
    if (!billing_enum_param(ctx, "status", statuses, &ignored)) return;
    /* Listed (and matched) as they are after what real time has brought. */
    billing_subscriptions_catch_up(ctx, customer, NULL);
    listing_query q = {.collection = COLL, .newest_first = true, .filter = filter_sub, .filter_data = &f};
    if (customer && *customer) {
        q.index_name = "customer";
        q.index_value = customer;
    }
    twin_list page;
    if (!stripe_list_fetch(ctx, &q, &page)) return;
    stripe_send_list(ctx, "/v1/subscriptions", &page);
}

/* ---- crossing boundaries: a test clock's advance, or real time catching up ---- */

/* Whose time moves: a test clock (its frozen_time is stored at each
 * boundary), or one subscription without a clock that catches up with real
 * time (the request's stripe_now override is the boundary).  schedules are
 * the ones whose phases interleave with the renewals. */
typedef struct timeline {
    json_value *clock;
    const char *sub_id;  /* when clock is NULL */
    twin_list schedules;
} timeline;

/* What happens at t sees t as now (billing_now reads the clock or the override). */
static void set_time(twin_ctx *ctx, const timeline *tl, int64_t t)
{
    if (!tl->clock) {
        stripe_override_now(ctx, t);
        return;
    }
    json_set_int(ctx->a, tl->clock, "frozen_time", t);
    billing_save(ctx, "test_clocks", tl->clock);
}

/* Crosses one boundary (trial end or period end) at time at. */
static void renew(twin_ctx *ctx, json_value *sub, int64_t at)
{
    json_value *before = json_clone(ctx->a, sub);
    bool trial_ended = stripe_status_is(sub, "trialing");
    int64_t old_start = billing_int(sub, "current_period_start");
    json_set_int(ctx->a, sub, "current_period_start", at);
    json_set_int(ctx->a, sub, "current_period_end", billing_period_end(first_price(ctx, json_get_str(sub, "id")), at));
    if (trial_ended) json_set_str(ctx->a, sub, "status", "active");
    billing_subscription_save(ctx, sub);
    json_value *inv = invoice_subscription(ctx, sub, "subscription_cycle", old_start, false, subscription_pm(ctx, sub), false);
    /* Settling the invoice already updated the stored copy; this one is
     * saved over it, so it follows the invoice the same way. */
    if (inv) follow_invoice(ctx, sub, inv);
    billing_subscription_save_updated(ctx, sub, before);
}

/* Stripe announces the end of a trial three days ahead. */
static void warn_trial_end(twin_ctx *ctx, const timeline *tl, const json_value *sub, int64_t from, int64_t t)
{
    if (!stripe_status_is(sub, "trialing")) return;
    int64_t warn_at = billing_int(sub, "trial_end") - 3 * DAY;
    if (warn_at <= from || warn_at > t) return;
    /* A real-time catch-up starts from the period start each time, so it
     * warns only in the pass that also ends the trial: once. */
    if (!tl->clock && billing_int(sub, "trial_end") > t) return;
    /* Dated at the warning in real time; a test clock is not wound back to it
     * (its other subscriptions may have crossed later boundaries already). */
    int64_t outer = tl->clock ? 0 : stripe_override_now(ctx, warn_at);
    stripe_emit(ctx, "customer.subscription.trial_will_end", sub, NULL);
    if (!tl->clock) stripe_override_now(ctx, outer);
}

/* sub (with its items) crosses its boundaries up to t.  It is not read
 * again between steps: each (renew, end, expiry) ends by storing this copy. */
static void advance_one(twin_ctx *ctx, const timeline *tl, json_value *sub, int64_t from, int64_t t)
{
    warn_trial_end(ctx, tl, sub, from, t);
    for (int guard = 0; guard < 1000; guard++) {
        if (stripe_status_is(sub, "incomplete")) {
            int64_t at = billing_int(sub, "created") + INCOMPLETE_LIFETIME;
            if (at <= t) {
                set_time(ctx, tl, at);
                billing_subscription_expire_if_due(ctx, sub, at);
            }
            return;
        }
        if (has_ended(sub)) return;
        int64_t next = billing_int(sub, stripe_status_is(sub, "trialing") ? "trial_end" : "current_period_end");
        if (next > t) return;
        set_time(ctx, tl, next);
        /* During a trial the period is the trial: cancel_at_period_end ends
         * the subscription at trial_end, with no invoice. */
        if (json_truthy(json_get(sub, "cancel_at_period_end"))) {
            billing_subscription_end(ctx, sub, next, "cancellation_requested");
            return;
        }
        renew(ctx, sub, next);
    }
}

static void advance_subscriptions(twin_ctx *ctx, const timeline *tl, int64_t from, int64_t t)
{
    if (!tl->clock) {
        json_value *sub = billing_subscription_get(ctx, tl->sub_id);
        if (sub) advance_one(ctx, tl, sub, from, t);
        return;
    }
    store_list_opts o = {.index_name = "test_clock", .index_value = json_get_str(tl->clock, "id")};
    twin_list subs = {0};
    if (twin_doc_list(ctx, COLL, &o, &subs) != 0) return;
    for (size_t i = 0; i < subs.n; i++) advance_one(ctx, tl, with_items(ctx, subs.items[i]), from, t);
}

/* Time moves from boundary to boundary of the timeline's subscription
 * schedules: what falls before one happens first, then the schedules change
 * their subscriptions, then the subscriptions' own renewals at that moment
 * (so a renewal bills the phase that starts with it). */
static void advance_timeline(twin_ctx *ctx, const timeline *tl, int64_t from, int64_t t)
{
    for (int guard = 0; guard < 1000; guard++) {
        int64_t next = billing_schedules_next(&tl->schedules, t);
        if (!next) break;
        /* Subscriptions are listed again each time: a schedule may have started one. */
        if (next - 1 > from) advance_subscriptions(ctx, tl, from, next - 1);
        if (next - 1 > from) from = next - 1;
        set_time(ctx, tl, next);
        billing_schedules_run(ctx, &tl->schedules, next);
    }
    advance_subscriptions(ctx, tl, from, t);
    set_time(ctx, tl, t);
}

void billing_subscriptions_advance(twin_ctx *ctx, json_value *clock, int64_t from, int64_t t)
{
    timeline tl = {.clock = clock, .schedules = billing_clock_schedules(ctx, json_get_str(clock, "id"))};
    advance_timeline(ctx, &tl, from, t);
}

/* When sub next changes by itself: its incomplete deadline, trial end or period end. */
static int64_t next_boundary(const json_value *sub)
{
    if (stripe_status_is(sub, "incomplete")) return billing_int(sub, "created") + INCOMPLETE_LIFETIME;
    return billing_int(sub, stripe_status_is(sub, "trialing") ? "trial_end" : "current_period_end");
}

bool billing_subscription_catch_up(twin_ctx *ctx, const json_value *sub)
{
    if (!sub || json_get_str(sub, "test_clock") || has_ended(sub)) return false;
    int64_t now = stripe_now(ctx);   /* inside another catch-up: its moment */
    const char *schedule_id = json_get_str(sub, "schedule");
    /* The cheap test first: most reads find nothing due and no schedule. */
    if (next_boundary(sub) > now && !schedule_id) return false;
    timeline tl = {.sub_id = json_get_str(sub, "id")};
    json_value *schedule = stripe_get(ctx, "subscription_schedules", schedule_id);
    if (schedule && !json_get_str(schedule, "test_clock")) {
        tl.schedules.items = arena_alloc(ctx->a, sizeof *tl.schedules.items);
        tl.schedules.items[0] = schedule;
        tl.schedules.n = 1;
    }
    if (next_boundary(sub) > now && !billing_schedules_next(&tl.schedules, now)) return false;
    if (stripe_get(ctx, HELD, tl.sub_id)) return false;
    int64_t outer = stripe_override_now(ctx, now);
    /* Since the period began: a trial's warning falls inside the trial. */
    advance_timeline(ctx, &tl, billing_int(sub, "current_period_start"), now);
    stripe_override_now(ctx, outer);
    return true;
}

void billing_subscriptions_catch_up(twin_ctx *ctx, const char *customer, const char *subscription)
{
    if (subscription && *subscription) {
        billing_subscription_catch_up(ctx, stripe_get(ctx, COLL, subscription));
        return;
    }
    if (customer && !*customer) customer = NULL;
    store_list_opts o = {.index_name = customer ? "customer" : NULL, .index_value = customer};
    twin_list subs = {0};
    if (twin_doc_list(ctx, COLL, &o, &subs) != 0) return;
    for (size_t i = 0; i < subs.n; i++) billing_subscription_catch_up(ctx, subs.items[i]);
}
