/* Stripe twin: /v1/subscription_schedules.  A schedule is a list of phases,
 * each a set of prices and quantities over [start_date, end_date); it owns
 * one subscription while it runs.  Status: not_started until its first phase
 * starts (the subscription is created then), active while a phase runs,
 * then, after the last phase, released (end_behavior=release: the
 * subscription carries on alone) or completed (end_behavior=cancel: the
 * subscription is canceled); canceled / released by the API calls.
 *
 * Phase boundaries happen when the customer's test clock passes them, in
 * time order with the subscription's own renewals (billing_schedules_next /
 * billing_schedules_run, called by billing_subscriptions_advance): a phase
 * that starts at a renewal changes the items first, so the renewal invoice
 * bills the new phase. */
#include <string.h>

#include "twins/stripe/billing.h"
#include "util/util.h"

#define COLL "subscription_schedules"

static bool is_live(const json_value *s)
{
    return stripe_status_is(s, "not_started") || stripe_status_is(s, "active");
}

/* ---- reading phases ---- */

/* A phase's item: price (the object while reading phases, else its id),
 * quantity and tax rates (an array). */
static json_value *phase_item(twin_ctx *ctx, json_value *price, int64_t quantity, json_value *tax_rates)
{
    arena *a = ctx->a;
    json_value *item = json_object(a);
    json_set_null(a, item, "billing_thresholds");
    json_set(a, item, "metadata", json_object(a));
    json_set(a, item, "price", price);
    json_set_int(a, item, "quantity", quantity);
    json_set(a, item, "tax_rates", tax_rates);
    return item;
}

/* One phases[i][items][j]: {price, quantity}; NULL after answering. */
static json_value *read_phase_item(twin_ctx *ctx, const json_value *in, const char *base, const json_value *reference)
{
    arena *a = ctx->a;
    const char *pid = stripe_sub_str(in, "price");
    if (!pid) pid = stripe_sub_str(in, "plan");
    const char *pparam = arena_printf(a, "%s[price]", base), *qparam = arena_printf(a, "%s[quantity]", base);
    if (!pid) {
        stripe_invalid(ctx, pparam, "parameter_missing", "Missing required param: %s.", pparam);
        return NULL;
    }
    json_value *price = billing_recurring_price(ctx, pid, pparam);
    int64_t qty = 1, amount = 0;
    if (!price || !billing_count_param(ctx, in, "quantity", qparam, &qty) ||
        !billing_line_amount(ctx, billing_int(price, "unit_amount"), qty, qparam, &amount) ||
        !billing_interval_matches(ctx, reference, price, pparam))
        return NULL;
    json_value *rates = billing_tax_rates_from(ctx, json_get(in, "tax_rates"), arena_printf(a, "%s[tax_rates]", base));
    if (!rates) return NULL;
    return phase_item(ctx, price, qty, rates->type == JSON_ARRAY ? rates : json_array(a));
}

/* A timestamp parameter that may also be "now"; false after answering. */
static bool time_or_now(twin_ctx *ctx, const json_value *v, const char *param, int64_t now, int64_t *out)
{
    const char *text = json_str(v);
    if (str_eq(text, "now")) {
        *out = now;
        return true;
    }
    return stripe_int_text(ctx, text, param, out);
}

static json_value *phase_skeleton(twin_ctx *ctx)
{
    static const char *const nulls[] = {"application_fee_percent", "billing_cycle_anchor", "billing_thresholds",
                                        "collection_method", "coupon", "default_payment_method", "description",
                                        "invoice_settings", "on_behalf_of", "transfer_data", "trial_end", NULL};
    arena *a = ctx->a;
    json_value *ph = json_object(a);
    json_set(a, ph, "add_invoice_items", json_array(a));
    for (size_t i = 0; nulls[i]; i++) json_set_null(a, ph, nulls[i]);
    json_set(a, ph, "default_tax_rates", json_array(a));
    json_set(a, ph, "metadata", json_object(a));
    json_set_str(a, ph, "proration_behavior", "create_prorations");
    return ph;
}

/* phases[i]'s end: end_date, else start plus iterations (default 1) billing periods. */
static bool phase_end(twin_ctx *ctx, const json_value *in, size_t i, int64_t start, int64_t now,
                      const json_value *price, int64_t *end)
{
    arena *a = ctx->a;
    const json_value *end_in = json_get(in, "end_date"), *iter_in = json_get(in, "iterations");
    if (end_in && iter_in) {
        stripe_invalid(ctx, arena_printf(a, "phases[%zu][iterations]", i), NULL,
                       "You may only specify one of these parameters: end_date, iterations.");
        return false;
    }
    if (end_in) {
        if (!time_or_now(ctx, end_in, arena_printf(a, "phases[%zu][end_date]", i), now, end)) return false;
    } else {
        int64_t iterations = 1;
        const char *iparam = arena_printf(a, "phases[%zu][iterations]", i);
        if (iter_in && !stripe_int_text(ctx, json_str(iter_in), iparam, &iterations)) return false;
        if (iterations < 1) {
            stripe_invalid(ctx, iparam, NULL, "Invalid positive integer");
            return false;
        }
        *end = start;
        for (int64_t k = 0; k < iterations && k < 1000; k++) *end = billing_period_end(price, *end);
    }
    if (*end <= start) {
        stripe_invalid(ctx, arena_printf(a, "phases[%zu][end_date]", i), NULL,
                       "The end_date of phase %zu must be after its start_date.", i);
        return false;
    }
    return true;
}

/* phases[i][add_invoice_items]: one-time prices with quantity and tax
 * rates, stored as {price: id, quantity, tax_rates}; false after answering. */
static bool read_add_invoice_items(twin_ctx *ctx, const json_value *in, size_t i, json_value *ph)
{
    arena *a = ctx->a;
    const json_value *list = json_get(in, "add_invoice_items");
    if (!list) return true;
    if (list->type != JSON_ARRAY) {
        stripe_invalid(ctx, arena_printf(a, "phases[%zu][add_invoice_items]", i), NULL, "Invalid array");
        return false;
    }
    json_value *out = json_array(a);
    size_t j = 0;
    json_foreach(it, list) {
        const char *base = arena_printf(a, "phases[%zu][add_invoice_items][%zu]", i, j++);
        const char *pid = stripe_sub_str(it, "price"), *pparam = arena_printf(a, "%s[price]", base);
        if (!pid || !*pid) {
            stripe_invalid(ctx, pparam, "parameter_missing", "Missing required param: %s.", pparam);
            return false;
        }
        json_value *price = stripe_load(ctx, "prices", "price", pid, pparam);
        if (!price) return false;
        if (!str_eq(json_get_str(price, "type"), "one_time")) {
            stripe_invalid(ctx, pparam, NULL,
                           "The price specified is set to `type=recurring` but this field only accepts prices with "
                           "`type=one_time`.");
            return false;
        }
        int64_t qty = 1, amount = 0;
        const char *qparam = arena_printf(a, "%s[quantity]", base);
        json_value *rates = billing_tax_rates_from(ctx, json_get(it, "tax_rates"), arena_printf(a, "%s[tax_rates]", base));
        if (!rates || !billing_count_param(ctx, it, "quantity", qparam, &qty) ||
            !billing_line_amount(ctx, billing_int(price, "unit_amount"), qty, qparam, &amount))
            return false;
        json_value *item = json_object(a);
        json_set_str(a, item, "price", pid);
        json_set_int(a, item, "quantity", qty);
        json_set(a, item, "tax_rates", rates->type == JSON_ARRAY ? rates : json_array(a));
        json_push(out, item);
    }
    json_set(a, ph, "add_invoice_items", out);
    return true;
}

/* <prefix>[collection_method] and <prefix>[invoice_settings][days_until_due]
 * of in (a phase or default_settings): *method stays NULL and *days -1 when
 * absent; false after answering. */
static bool read_collection(twin_ctx *ctx, const json_value *in, const char *prefix, const char **method, int64_t *days)
{
    arena *a = ctx->a;
    *method = stripe_sub_str(in, "collection_method");
    *days = -1;
    if (*method && !**method) *method = NULL;
    if (*method && !str_eq(*method, "charge_automatically") && !str_eq(*method, "send_invoice")) {
        stripe_invalid(ctx, arena_printf(a, "%s[collection_method]", prefix), NULL,
                       "Invalid collection_method: must be one of charge_automatically or send_invoice");
        return false;
    }
    const json_value *settings = json_get(in, "invoice_settings");
    if (!json_get(settings, "days_until_due")) return true;
    const char *param = arena_printf(a, "%s[invoice_settings][days_until_due]", prefix);
    if (!stripe_int_text(ctx, stripe_sub_str(settings, "days_until_due"), param, days)) return false;
    if (*days < 0) {
        stripe_invalid(ctx, param, NULL, "This value must be greater than or equal to 0.");
        return false;
    }
    return true;
}

/* A phase's collection method and invoice_settings; false after answering. */
static bool read_phase_collection(twin_ctx *ctx, const json_value *in, size_t i, json_value *ph)
{
    const char *method = NULL;
    int64_t days = -1;
    if (!read_collection(ctx, in, arena_printf(ctx->a, "phases[%zu]", i), &method, &days)) return false;
    if (method) json_set_str(ctx->a, ph, "collection_method", method);
    if (days >= 0) {
        json_value *out = json_object(ctx->a);
        json_set_int(ctx->a, out, "days_until_due", days);
        json_set(ctx->a, ph, "invoice_settings", out);
    }
    return true;
}

/* phases[i][trial] / [trial_end]: the phase starts with a trial that ends at
 * trial_end (trial=true: at the phase's end), never after the phase ends.
 * Stored as the phase's trial_end; false after answering. */
static bool read_trial(twin_ctx *ctx, const json_value *in, size_t i, int64_t now, json_value *ph)
{
    arena *a = ctx->a;
    const json_value *trial_in = json_get(in, "trial"), *end_in = json_get(in, "trial_end");
    const char *trial = json_str(trial_in);
    if (trial_in && !str_eq(trial, "true") && !str_eq(trial, "false")) {
        stripe_invalid(ctx, arena_printf(a, "phases[%zu][trial]", i), NULL, "Invalid boolean: %s", trial ? trial : "");
        return false;
    }
    if (str_eq(trial, "true") && end_in) {
        stripe_invalid(ctx, arena_printf(a, "phases[%zu][trial_end]", i), NULL,
                       "You may only specify one of these parameters: trial, trial_end.");
        return false;
    }
    int64_t start = billing_int(ph, "start_date"), end = billing_int(ph, "end_date"), trial_end = 0;
    if (str_eq(trial, "true")) trial_end = end;
    if (end_in) {
        const char *param = arena_printf(a, "phases[%zu][trial_end]", i);
        if (!time_or_now(ctx, end_in, param, now, &trial_end)) return false;
        if (trial_end > end) {
            stripe_invalid(ctx, param, NULL, "The trial_end of phase %zu must be on or before its end_date.", i);
            return false;
        }
        if (trial_end < start) trial_end = 0;   /* "now" or a past time: no trial */
    }
    if (trial_end > start) json_set_int(a, ph, "trial_end", trial_end);
    return true;
}

/* One phases[i] starting at start; NULL after answering. */
static json_value *read_phase(twin_ctx *ctx, const json_value *in, size_t i, int64_t start, int64_t now)
{
    static const char *const prorations[] = {"always_invoice", "create_prorations", "none", NULL};
    arena *a = ctx->a;
    const json_value *items = json_get(in, "items");
    if (!items || items->type != JSON_ARRAY || !items->len) {
        const char *param = arena_printf(a, "phases[%zu][items]", i);
        stripe_invalid(ctx, param, "parameter_missing", "Missing required param: %s.", param);
        return NULL;
    }
    json_value *ph = phase_skeleton(ctx), *out = json_array(a);
    const json_value *reference = NULL;
    size_t j = 0;
    json_foreach(it, items) {
        json_value *item = read_phase_item(ctx, it, arena_printf(a, "phases[%zu][items][%zu]", i, j++), reference);
        if (!item) return NULL;
        if (!reference) reference = json_get(item, "price");
        json_push(out, item);
    }
    const char *proration = stripe_sub_str(in, "proration_behavior");
    if (proration) {
        bool known = false;
        for (size_t k = 0; prorations[k]; k++) known |= str_eq(prorations[k], proration);
        if (!known) {
            stripe_invalid(ctx, arena_printf(a, "phases[%zu][proration_behavior]", i), NULL,
                           "Invalid proration_behavior: must be one of always_invoice, create_prorations, or none");
            return NULL;
        }
        json_set_str(a, ph, "proration_behavior", proration);
    }
    const char *coupon = stripe_sub_str(in, "coupon");
    if (coupon && *coupon) {
        json_value *c = stripe_load(ctx, "coupons", "coupon", coupon, arena_printf(a, "phases[%zu][coupon]", i));
        if (!c) return NULL;
        json_set_str(a, ph, "coupon", coupon);
    }
    int64_t end = 0;
    if (!phase_end(ctx, in, i, start, now, reference, &end)) return NULL;
    json_set_str(a, ph, "currency", json_get_str(reference, "currency"));
    json_set_int(a, ph, "start_date", start);
    json_set_int(a, ph, "end_date", end);
    json_foreach(item, out) json_set_str(a, item, "price", json_get_str(json_get(item, "price"), "id"));
    json_set(a, ph, "items", out);
    const json_value *md = json_get(in, "metadata");
    if (md && md->type == JSON_OBJECT) json_set(a, ph, "metadata", json_clone(a, md));
    json_value *rates = billing_tax_rates_from(ctx, json_get(in, "default_tax_rates"),
                                               arena_printf(a, "phases[%zu][default_tax_rates]", i));
    if (!rates || !read_add_invoice_items(ctx, in, i, ph) || !read_phase_collection(ctx, in, i, ph) ||
        !read_trial(ctx, in, i, now, ph))
        return NULL;
    if (rates->type == JSON_ARRAY) json_set(a, ph, "default_tax_rates", rates);
    return ph;
}

/* The phases parameter, the first starting at start and each after the
 * previous one; NULL after answering. */
static json_value *read_phases(twin_ctx *ctx, int64_t start, int64_t now)
{
    json_value *in = twin_input(ctx, "phases");
    if (!in || in->type != JSON_ARRAY || !in->len) {
        stripe_invalid(ctx, "phases", "parameter_missing", "Missing required param: phases.");
        return NULL;
    }
    json_value *out = json_array(ctx->a);
    size_t i = 0;
    json_foreach(p, in) {
        json_value *ph = read_phase(ctx, p, i++, start, now);
        if (!ph) return NULL;
        start = billing_int(ph, "end_date");
        json_push(out, ph);
    }
    return out;
}

/* ---- the schedule object ---- */

static json_value *schedule_skeleton(twin_ctx *ctx, const char *customer, const char *clock, int64_t now)
{
    static const char *const nulls[] = {"application", "canceled_at", "completed_at", "current_phase", "released_at",
                                        "released_subscription", "subscription", NULL};
    arena *a = ctx->a;
    json_value *s = stripe_new_object(ctx, "subscription_schedule", "sub_sched_");
    for (size_t i = 0; nulls[i]; i++) json_set_null(a, s, nulls[i]);
    json_set_int(a, s, "created", now);
    json_set_str(a, s, "customer", customer);
    json_value *ds = json_object(a), *tax = json_object(a), *inv = json_object(a);
    json_set_null(a, ds, "application_fee_percent");
    json_set_bool(a, tax, "enabled", false);
    json_set(a, ds, "automatic_tax", tax);
    json_set_str(a, ds, "billing_cycle_anchor", "automatic");
    json_set_null(a, ds, "billing_thresholds");
    json_set_str(a, ds, "collection_method", "charge_automatically");
    json_set_null(a, ds, "default_payment_method");
    json_set_null(a, ds, "description");
    json_set_null(a, inv, "days_until_due");
    json_set(a, ds, "invoice_settings", inv);
    json_set_null(a, ds, "on_behalf_of");
    json_set_null(a, ds, "transfer_data");
    json_set(a, s, "default_settings", ds);
    json_set_str(a, s, "end_behavior", "release");
    json_set_bool(a, s, "livemode", false);
    json_set(a, s, "metadata", json_object(a));
    json_set_str(a, s, "status", "not_started");
    json_set_str(a, s, "test_clock", clock);
    return s;
}

/* default_settings[collection_method] and [invoice_settings][days_until_due]
 * onto settings; false after answering. */
static bool read_default_collection(twin_ctx *ctx, const json_value *ds, json_value *settings)
{
    const char *method = NULL;
    int64_t days = -1;
    if (!read_collection(ctx, ds, "default_settings", &method, &days)) return false;
    if (method) json_set_str(ctx->a, settings, "collection_method", method);
    if (days >= 0) json_set_int(ctx->a, json_get(settings, "invoice_settings"), "days_until_due", days);
    return true;
}

/* A phase's collection method and days until due: its own, else the
 * schedule's default_settings. */
static const char *phase_method(const json_value *s, const json_value *ph)
{
    const char *m = json_get_str(ph, "collection_method");
    if (!m) m = json_get_str(json_get(s, "default_settings"), "collection_method");
    return m ? m : "charge_automatically";
}

static int64_t phase_days_until_due(const json_value *s, const json_value *ph)
{
    const json_value *own = json_get(json_get(ph, "invoice_settings"), "days_until_due");
    if (own && !json_is_null(own)) return billing_int(json_get(ph, "invoice_settings"), "days_until_due");
    return billing_int(json_get(json_get(s, "default_settings"), "invoice_settings"), "days_until_due");
}

/* A phase's add_invoice_items with their prices loaded (for billing_sub_spec). */
static json_value *phase_invoice_items(twin_ctx *ctx, const json_value *ph)
{
    json_value *out = json_array(ctx->a);
    json_foreach(it, json_get(ph, "add_invoice_items")) {
        json_value *price = stripe_get(ctx, "prices", json_get_str(it, "price"));
        if (!price) continue;
        json_value *item = json_clone(ctx->a, it);
        json_set(ctx->a, item, "price", price);
        json_push(out, item);
    }
    return out;
}

/* end_behavior, default_settings[default_payment_method|description] and
 * metadata from the request; false after answering. */
static bool read_settings(twin_ctx *ctx, json_value *s)
{
    static const char *const behaviors[] = {"cancel", "none", "release", "renew", NULL};
    const char *behavior = json_get_str(s, "end_behavior");
    if (!billing_enum_param(ctx, "end_behavior", behaviors, &behavior) || !stripe_apply_metadata(ctx, s)) return false;
    json_set_str(ctx->a, s, "end_behavior", behavior);
    const json_value *ds = twin_input(ctx, "default_settings");
    json_value *settings = json_get(s, "default_settings");
    const char *pm = stripe_sub_str(ds, "default_payment_method"), *desc = stripe_sub_str(ds, "description");
    if (pm && *pm && !stripe_load(ctx, "payment_methods", "PaymentMethod", pm, "default_settings[default_payment_method]"))
        return false;
    if (pm) json_set_str(ctx->a, settings, "default_payment_method", *pm ? pm : NULL);
    if (desc) json_set_str(ctx->a, settings, "description", *desc ? desc : NULL);
    return read_default_collection(ctx, ds, settings);
}

/* The phase running at t (NULL when none). */
static json_value *phase_at(const json_value *s, int64_t t)
{
    json_foreach(ph, json_get(s, "phases"))
        if (billing_int(ph, "start_date") <= t && t < billing_int(ph, "end_date")) return ph;
    return NULL;
}

/* The phase after ph (NULL when ph is the last). */
static json_value *phase_after(const json_value *s, const json_value *ph)
{
    json_foreach(p, json_get(s, "phases"))
        if (billing_int(p, "start_date") == billing_int(ph, "end_date")) return p;
    return NULL;
}

static void set_current_phase(twin_ctx *ctx, json_value *s, const json_value *ph)
{
    if (!ph) {
        json_set_null(ctx->a, s, "current_phase");
        return;
    }
    json_value *cp = json_object(ctx->a);
    json_set_int(ctx->a, cp, "end_date", billing_int(ph, "end_date"));
    json_set_int(ctx->a, cp, "start_date", billing_int(ph, "start_date"));
    json_set(ctx->a, s, "current_phase", cp);
}

/* end_behavior=cancel: the subscription shows it ends with the last phase. */
static void mark_cancel_at(twin_ctx *ctx, const json_value *s, json_value *sub)
{
    const json_value *phases = json_get(s, "phases");
    const json_value *last = phases && phases->len ? json_at(phases, phases->len - 1) : NULL;
    if (last && str_eq(json_get_str(s, "end_behavior"), "cancel"))
        json_set_int(ctx->a, sub, "cancel_at", billing_int(last, "end_date"));
}

/* ---- driving the subscription ---- */

/* Starts the subscription of phase ph at its start (the schedule becomes
 * active); backdate: a start before now (0 = none) billed on the first invoice. */
static void start_subscription(twin_ctx *ctx, json_value *s, const json_value *ph, int64_t backdate)
{
    arena *a = ctx->a;
    json_value *prices = json_array(a);
    json_foreach(item, json_get(ph, "items")) {
        json_value *price = stripe_get(ctx, "prices", json_get_str(item, "price"));
        if (!price) continue;
        json_set_int(a, price, "_quantity", billing_int(item, "quantity"));
        json_set(a, price, "_tax_rates", json_clone(a, json_get(item, "tax_rates")));
        json_push(prices, price);
    }
    const json_value *md = json_get(ph, "metadata");
    billing_sub_spec spec = {
        .customer = stripe_get(ctx, "customers", json_get_str(s, "customer")),
        .prices = prices,
        .default_pm = json_get_str(json_get(s, "default_settings"), "default_payment_method"),
        .metadata = md && md->len ? md : NULL,
        .description = json_get_str(json_get(s, "default_settings"), "description"),
        .charge = true,
        .schedule = json_get_str(s, "id"),
        .coupon = stripe_get(ctx, "coupons", json_get_str(ph, "coupon")),
        .trial_end = billing_int(ph, "trial_end"),
        .collection_method = phase_method(s, ph),
        .days_until_due = phase_days_until_due(s, ph),
        .default_tax_rates = json_get(ph, "default_tax_rates"),
        .invoice_items = phase_invoice_items(ctx, ph),
        .backdate = backdate,
    };
    json_value *sub = billing_subscription_start(ctx, &spec);
    json_value *before = json_clone(a, sub);
    mark_cancel_at(ctx, s, sub);
    billing_subscription_save_changed(ctx, sub, before);
    json_set_str(a, s, "subscription", json_get_str(sub, "id"));
    json_set_str(a, s, "status", "active");
    set_current_phase(ctx, s, ph);
}

/* Tax rate ids of a phase's tax rates (objects), as a subscription update
 * takes them ("" clears). */
static json_value *tax_rate_ids(twin_ctx *ctx, const json_value *rates)
{
    if (!rates || rates->type != JSON_ARRAY || !rates->len) return json_string(ctx->a, "");
    json_value *ids = json_array(ctx->a);
    json_foreach(r, rates) json_push(ids, json_string(ctx->a, json_get_str(r, "id")));
    return ids;
}

/* The items[] of a subscription update that turns sub's items into ph's:
 * an item whose price stays keeps its id, the others are deleted / added. */
static json_value *items_change(twin_ctx *ctx, const json_value *sub, const json_value *ph)
{
    arena *a = ctx->a;
    json_value *out = json_array(a), *wanted = json_clone(a, json_get(ph, "items"));
    twin_list items = billing_subscription_items(ctx, json_get_str(sub, "id"));
    for (size_t i = 0; i < items.n; i++) {
        json_value *change = json_object(a);
        json_set_str(a, change, "id", json_get_str(items.items[i], "id"));
        json_value *match = NULL;
        json_foreach(w, wanted) if (!json_get(w, "_taken") && str_eq(json_get_str(w, "price"),
                                        json_get_str(json_get(items.items[i], "price"), "id"))) {
            match = w;
            break;
        }
        if (match) {
            json_set_bool(a, match, "_taken", true);
            json_set(a, change, "quantity", json_string(a, arena_printf(a, "%lld", (long long)billing_int(match, "quantity"))));
            json_set(a, change, "tax_rates", tax_rate_ids(ctx, json_get(match, "tax_rates")));
        } else {
            json_set_str(a, change, "deleted", "true");
        }
        json_push(out, change);
    }
    json_foreach(w, wanted) {
        if (json_get(w, "_taken")) continue;
        json_value *change = json_object(a);
        json_set_str(a, change, "price", json_get_str(w, "price"));
        json_set(a, change, "quantity", json_string(a, arena_printf(a, "%lld", (long long)billing_int(w, "quantity"))));
        json_set(a, change, "tax_rates", tax_rate_ids(ctx, json_get(w, "tax_rates")));
        json_push(out, change);
    }
    return out;
}

/* The phase's collection method and days until due become the subscription's. */
static void set_collection(twin_ctx *ctx, const json_value *s, const json_value *ph, json_value *sub)
{
    const char *method = phase_method(s, ph);
    int64_t days = phase_days_until_due(s, ph);
    json_set_str(ctx->a, sub, "collection_method", method);
    if (str_eq(method, "send_invoice")) json_set_int(ctx->a, sub, "days_until_due", days ? days : 30);
    else json_set_null(ctx->a, sub, "days_until_due");
}

/* The schedule's end_behavior and settings may have changed: the
 * subscription's cancel_at follows, and with ph (the running phase) its
 * collection settings too; one update event for whatever changed. */
static void sync_subscription(twin_ctx *ctx, const json_value *s, const json_value *ph)
{
    json_value *sub = billing_subscription_get(ctx, json_get_str(s, "subscription"));
    if (!sub) return;
    json_value *before = json_clone(ctx->a, sub);
    if (!json_truthy(json_get(sub, "cancel_at_period_end"))) {
        json_set_null(ctx->a, sub, "cancel_at");
        mark_cancel_at(ctx, s, sub);
    }
    if (ph) set_collection(ctx, s, ph, sub);
    json_value *prev = stripe_diff(ctx, before, sub);
    if (!prev->len) return;
    stripe_emit_saved(ctx, "customer.subscription.updated", sub, billing_subscription_save(ctx, sub), prev);
}

/* The phase's trial (trial_end > at) holds for the subscription: a phase
 * entered with one starts it; a running phase's new trial_end moves a trial
 * under way, or starts one. */
static void follow_trial(twin_ctx *ctx, json_value *sub, int64_t trial_end, int64_t at, bool entering)
{
    if (trial_end <= at) return;
    bool trialing = str_eq(json_get_str(sub, "status"), "trialing");
    if (entering || !trialing) {
        billing_subscription_begin_trial(ctx, sub, trial_end, at);
        return;
    }
    if (billing_int(sub, "trial_end") == trial_end) return;
    json_set_int(ctx->a, sub, "trial_end", trial_end);
    json_set_int(ctx->a, sub, "billing_cycle_anchor", trial_end);
    json_set_int(ctx->a, sub, "current_period_end", trial_end);
    billing_subscription_save(ctx, sub);
}

/* Moves the subscription onto phase ph's items at time at as a subscription
 * update with proration_behavior would (prorating when at is mid-period).
 * Runs the update code on a request body of its own. */
static bool apply_phase(twin_ctx *ctx, const json_value *s, const json_value *ph, const char *proration, int64_t at,
                        bool entering)
{
    json_value *sub = billing_subscription_get(ctx, json_get_str(s, "subscription"));
    if (!sub) return false;
    arena *a = ctx->a;
    json_value *before = json_clone(a, sub), *body = json_object(a), *real = ctx->body;
    json_set(a, body, "items", items_change(ctx, sub, ph));
    json_set_str(a, body, "proration_behavior", proration);
    json_set(a, body, "proration_date", json_string(a, arena_printf(a, "%lld", (long long)at)));
    json_set(a, body, "default_tax_rates", tax_rate_ids(ctx, json_get(ph, "default_tax_rates")));
    /* A phase's coupon becomes the subscription's discount when it starts. */
    const char *coupon = json_get_str(ph, "coupon");
    if (coupon && !str_eq(json_get_str(json_get(json_get(sub, "discount"), "coupon"), "id"), coupon))
        json_set_str(a, body, "coupon", coupon);
    ctx->body = body;
    billing_proration p = {0};
    bool ok = billing_subscription_apply_update(ctx, sub, &p);
    ctx->body = real;
    if (!ok) return false;
    json_set_null(a, sub, "cancel_at");
    mark_cancel_at(ctx, s, sub);
    set_collection(ctx, s, ph, sub);
    billing_subscription_save(ctx, sub);
    /* A phase's add_invoice_items are pending items of the subscription,
     * which its next invoice (the phase's first) picks up. */
    if (entering) billing_invoice_items_for_prices(ctx, sub, phase_invoice_items(ctx, ph), at);
    billing_proration_finish(ctx, sub, &p);
    follow_trial(ctx, sub, billing_int(ph, "trial_end"), at, entering);
    json_value *prev = stripe_diff(ctx, before, sub);
    if (prev->len) stripe_emit(ctx, "customer.subscription.updated", sub, prev);
    return true;
}

/* The subscription leaves the schedule (released at at). */
static void detach_subscription(twin_ctx *ctx, json_value *s, int64_t at, bool keep_cancel_at)
{
    arena *a = ctx->a;
    const char *sub_id = json_get_str(s, "subscription");
    json_value *sub = billing_subscription_get(ctx, sub_id);
    if (sub) {
        json_value *before = json_clone(a, sub);
        json_set_null(a, sub, "schedule");
        if (!keep_cancel_at && !json_truthy(json_get(sub, "cancel_at_period_end"))) json_set_null(a, sub, "cancel_at");
        billing_subscription_save_updated(ctx, sub, before);
    }
    json_set_str(a, s, "released_subscription", sub_id);
    json_set_null(a, s, "subscription");
    json_set_int(a, s, "released_at", at);
    json_set_str(a, s, "status", "released");
    json_set_null(a, s, "current_phase");
}

/* s ends at at as "canceled" or "completed" (with canceled_at /
 * completed_at, no current phase); saved and announced. */
static stripe_text close_schedule(twin_ctx *ctx, json_value *s, const char *status, int64_t at)
{
    bool canceled = str_eq(status, "canceled");
    json_set_str(ctx->a, s, "status", status);
    json_set_int(ctx->a, s, canceled ? "canceled_at" : "completed_at", at);
    json_set_null(ctx->a, s, "current_phase");
    return billing_save_emit(ctx, COLL, s, canceled ? "subscription_schedule.canceled" : "subscription_schedule.completed",
                             NULL);
}

/* The schedule cancels its subscription (unless it already is) and closes with status. */
static stripe_text end_with_subscription(twin_ctx *ctx, json_value *s, const char *status, int64_t at)
{
    json_value *sub = billing_subscription_get(ctx, json_get_str(s, "subscription"));
    if (sub && !stripe_status_is(sub, "canceled")) billing_subscription_end(ctx, sub, at, "cancellation_requested");
    return close_schedule(ctx, s, status, at);
}

/* The last phase ended at at: the schedule ends by its end_behavior. */
static void finish_schedule(twin_ctx *ctx, json_value *s, int64_t at)
{
    if (str_eq(json_get_str(s, "end_behavior"), "cancel")) {
        end_with_subscription(ctx, s, "completed", at);
        return;
    }
    detach_subscription(ctx, s, at, false);
    billing_save_emit(ctx, COLL, s, "subscription_schedule.released", NULL);
}

/* The time of s's next boundary (its start, or its current phase's end); 0 when none. */
static int64_t next_boundary(const json_value *s)
{
    if (stripe_status_is(s, "not_started")) {
        const json_value *first = json_at(json_get(s, "phases"), 0);
        return first ? billing_int(first, "start_date") : 0;
    }
    if (stripe_status_is(s, "active")) return billing_int(json_get(s, "current_phase"), "end_date");
    return 0;
}

/* Crosses s's boundary at at. */
static void run_boundary(twin_ctx *ctx, json_value *s, int64_t at)
{
    json_value *before = json_clone(ctx->a, s);
    if (stripe_status_is(s, "not_started")) {
        start_subscription(ctx, s, json_at(json_get(s, "phases"), 0), 0);
    } else {
        json_value *sub = billing_subscription_get(ctx, json_get_str(s, "subscription"));
        const json_value *current = phase_at(s, at - 1);
        const json_value *next = current ? phase_after(s, current) : NULL;
        if (!sub || str_eq(json_get_str(sub, "status"), "canceled") ||
            str_eq(json_get_str(sub, "status"), "incomplete_expired")) {
            /* Its subscription ended outside the schedule: so does the schedule. */
            close_schedule(ctx, s, "canceled", at);
            return;
        }
        if (!next) {
            finish_schedule(ctx, s, at);
            return;
        }
        apply_phase(ctx, s, next, json_get_str(next, "proration_behavior"), at, true);
        set_current_phase(ctx, s, next);
    }
    billing_save_emit(ctx, COLL, s, "subscription_schedule.updated", stripe_diff(ctx, before, s));
}

twin_list billing_clock_schedules(twin_ctx *ctx, const char *clock)
{
    store_list_opts o = {.index_name = "test_clock", .index_value = clock};
    twin_list all = {0};
    if (twin_doc_list(ctx, COLL, &o, &all) != 0) all.n = 0;
    return all;
}

int64_t billing_schedules_next(const twin_list *schedules, int64_t t)
{
    int64_t best = 0;
    for (size_t i = 0; i < schedules->n; i++) {
        int64_t b = next_boundary(schedules->items[i]);
        if (b > 0 && b <= t && (!best || b < best)) best = b;
    }
    return best;
}

void billing_schedules_run(twin_ctx *ctx, const twin_list *schedules, int64_t at)
{
    for (size_t i = 0; i < schedules->n; i++)
        if (next_boundary(schedules->items[i]) == at) run_boundary(ctx, schedules->items[i], at);
}

void billing_schedule_cross_for_preview(twin_ctx *ctx, const char *schedule, int64_t at)
{
    json_value *s = stripe_get(ctx, COLL, schedule);
    if (s && stripe_status_is(s, "active") && next_boundary(s) == at) run_boundary(ctx, s, at);
}

/* ---- handlers ---- */

/* A schedule without a test clock lives in real time: Stripe crosses its
 * boundaries in the background; here the first look after one (at the
 * schedule or its subscription) does.  Once its subscription runs, the two
 * catch up together (billing_subscription_catch_up), so renewals and phases
 * keep their order; before that, or after it ended, the schedule alone. */
static void catch_up(twin_ctx *ctx, json_value *s)
{
    if (json_get_str(s, "test_clock")) return;
    int64_t now = stripe_now(ctx);   /* inside another catch-up: its moment */
    for (int guard = 0; guard < 100; guard++) {
        int64_t at = next_boundary(s);
        if (!at || at > now) break;
        if (billing_subscription_catch_up(ctx, stripe_get(ctx, "subscriptions", json_get_str(s, "subscription"))))
            break;
        int64_t outer = stripe_override_now(ctx, at);
        run_boundary(ctx, s, at);
        stripe_override_now(ctx, outer);
    }
}

/* The schedule as it is after catching up (which may store it more than once). */
static json_value *load_schedule(twin_ctx *ctx)
{
    json_value *s = stripe_load(ctx, COLL, "subscription schedule", twin_param(ctx, "id"), "schedule");
    if (!s) return NULL;
    catch_up(ctx, s);
    return stripe_get(ctx, COLL, json_get_str(s, "id"));
}

void billing_schedule_subscription_canceled(twin_ctx *ctx, const json_value *sub, int64_t at)
{
    json_value *s = stripe_get(ctx, COLL, json_get_str(sub, "schedule"));
    if (s && is_live(s)) close_schedule(ctx, s, "canceled", at);
}

/* A copy of a subscription's (or item's) tax rates, [] when it has none. */
static json_value *rates_or_none(arena *a, const json_value *rates)
{
    return rates && rates->type == JSON_ARRAY ? json_clone(a, rates) : json_array(a);
}

/* from_subscription: a schedule of one phase, the subscription's current period. */
static json_value *schedule_from_subscription(twin_ctx *ctx, const char *sub_id)
{
    arena *a = ctx->a;
    json_value *sub = billing_subscription_get(ctx, sub_id);
    if (!sub) {
        stripe_missing(ctx, "subscription", sub_id, "from_subscription");
        return NULL;
    }
    if (json_get_str(sub, "schedule")) {
        stripe_invalid(ctx, "from_subscription", NULL,
                       "You cannot migrate a subscription that is already attached to a schedule: `%s`.",
                       json_get_str(sub, "schedule"));
        return NULL;
    }
    const char *status = json_get_str(sub, "status");
    if (str_eq(status, "canceled") || str_eq(status, "incomplete_expired")) {
        stripe_invalid(ctx, "from_subscription", NULL, "You cannot migrate a canceled subscription: `%s`.", sub_id);
        return NULL;
    }
    int64_t now = billing_now(ctx, json_get_str(sub, "test_clock"));
    json_value *s = schedule_skeleton(ctx, json_get_str(sub, "customer"), json_get_str(sub, "test_clock"), now);
    json_value *ph = phase_skeleton(ctx), *items = json_array(a);
    twin_list sis = billing_subscription_items(ctx, sub_id);
    for (size_t i = 0; i < sis.n; i++) {
        json_value *price_id = json_string(a, json_get_str(json_get(sis.items[i], "price"), "id"));
        json_push(items, phase_item(ctx, price_id, billing_int(sis.items[i], "quantity"),
                                    rates_or_none(a, json_get(sis.items[i], "tax_rates"))));
    }
    json_set(a, ph, "default_tax_rates", rates_or_none(a, json_get(sub, "default_tax_rates")));
    json_set_str(a, ph, "currency", json_get_str(sub, "currency"));
    json_set_int(a, ph, "start_date", billing_int(sub, "current_period_start"));
    json_set_int(a, ph, "end_date", billing_int(sub, "current_period_end"));
    json_set(a, ph, "items", items);
    json_value *phases = json_array(a);
    json_push(phases, ph);
    json_set(a, s, "phases", phases);
    json_set_str(a, json_get(s, "default_settings"), "default_payment_method", json_get_str(sub, "default_payment_method"));
    json_set_str(a, s, "subscription", sub_id);
    json_set_str(a, s, "status", "active");
    set_current_phase(ctx, s, ph);
    json_value *before = json_clone(a, sub);
    json_set_str(a, sub, "schedule", json_get_str(s, "id"));
    billing_subscription_save_updated(ctx, sub, before);
    return s;
}

/* start_date: "now", a timestamp, or absent (now).  A past timestamp
 * backdates the subscription (Stripe bills the elapsed time on its first invoice). */
static bool read_start(twin_ctx *ctx, int64_t now, int64_t *start)
{
    const json_value *v = twin_input(ctx, "start_date");
    *start = now;
    return !v || time_or_now(ctx, v, "start_date", now, start);
}

static json_value *schedule_for_customer(twin_ctx *ctx, const char *customer_id)
{
    json_value *customer = stripe_load(ctx, "customers", "customer", customer_id, "customer");
    if (!customer) return NULL;
    const char *clock = json_get_str(customer, "test_clock");
    int64_t now = billing_now(ctx, clock), start = now;
    if (!read_start(ctx, now, &start)) return NULL;
    json_value *phases = read_phases(ctx, start, now);
    if (!phases) return NULL;
    /* A backdated schedule starts in its first phase, which must still run. */
    if (start < now && billing_int(json_at(phases, 0), "end_date") <= now) {
        stripe_invalid(ctx, "start_date", NULL,
                       "When start_date is in the past, the first phase must end in the future.");
        return NULL;
    }
    json_value *s = schedule_skeleton(ctx, customer_id, clock, now);
    json_set(ctx->a, s, "phases", phases);
    return s;
}

/* customer xor from_subscription, and no phases with from_subscription;
 * false after answering. */
static bool check_source(twin_ctx *ctx, const char **customer, const char **from)
{
    if (!stripe_str_param(ctx, "customer", false, customer) || !stripe_str_param(ctx, "from_subscription", false, from))
        return false;
    bool migrating = *from && **from;
    if (migrating && *customer) {
        stripe_invalid(ctx, "customer", NULL, "You cannot set `customer` if `from_subscription` is set.");
        return false;
    }
    if (migrating && twin_input(ctx, "phases")) {
        stripe_invalid(ctx, "phases", NULL, "You cannot set `phases` if `from_subscription` is set.");
        return false;
    }
    if (!migrating && !(*customer && **customer)) {
        stripe_invalid(ctx, "customer", "parameter_missing", "Missing required param: customer.");
        return false;
    }
    return true;
}

void stripe_create_subscription_schedule(twin_ctx *ctx)
{
    const char *customer = NULL, *from = NULL;
    if (!check_source(ctx, &customer, &from)) return;
    /* Settings are read into a scratch schedule first, so a 400 writes nothing. */
    json_value *probe = schedule_skeleton(ctx, NULL, NULL, 0);
    if (!read_settings(ctx, probe)) return;
    json_value *s = from && *from ? schedule_from_subscription(ctx, from) : schedule_for_customer(ctx, customer);
    if (!s) return;
    read_settings(ctx, s);
    int64_t now = billing_now(ctx, json_get_str(s, "test_clock"));
    if (stripe_status_is(s, "not_started") && next_boundary(s) <= now) {
        const json_value *first = json_at(json_get(s, "phases"), 0);
        start_subscription(ctx, s, first, billing_int(first, "start_date"));
    }
    else if (stripe_status_is(s, "active")) sync_subscription(ctx, s, NULL);
    stripe_send_saved(ctx, 200, s, billing_save_emit(ctx, COLL, s, "subscription_schedule.created", NULL));
}

void stripe_retrieve_subscription_schedule(twin_ctx *ctx)
{
    json_value *s = load_schedule(ctx);
    if (s) stripe_send_object(ctx, 200, s);
}

static void not_in_status(twin_ctx *ctx, const json_value *s, const char *verb)
{
    stripe_invalid(ctx, NULL, NULL,
                   "You cannot %s a subscription schedule that is currently in the `%s` status. It must be in one "
                   "of the following statuses: `not_started`, `active`.",
                   verb, json_get_str(s, "status"));
}

/* New phases for a live schedule: the first keeps the current start unless
 * phases[0][start_date] moves it (only before the schedule starts). */
static json_value *updated_phases(twin_ctx *ctx, const json_value *s, int64_t now)
{
    const json_value *first_in = json_at(twin_input(ctx, "phases"), 0);
    const json_value *first = json_at(json_get(s, "phases"), 0);
    int64_t start = billing_int(first, "start_date");
    const json_value *given = json_get(first_in, "start_date");
    if (given) {
        int64_t at = 0;
        if (!time_or_now(ctx, given, "phases[0][start_date]", now, &at)) return NULL;
        if (stripe_status_is(s, "active") && at != start) {
            stripe_invalid(ctx, "phases[0][start_date]", NULL,
                           "You can not modify the start date of the current phase.");
            return NULL;
        }
        start = at < now && stripe_status_is(s, "not_started") ? now : at;
    }
    return read_phases(ctx, start, now);
}

void stripe_update_subscription_schedule(twin_ctx *ctx)
{
    json_value *s = load_schedule(ctx);
    if (!s) return;
    if (!is_live(s)) {
        not_in_status(ctx, s, "update");
        return;
    }
    static const char *const prorations[] = {"always_invoice", "create_prorations", "none", NULL};
    const char *proration = "create_prorations";
    int64_t now = billing_now(ctx, json_get_str(s, "test_clock"));
    json_value *before = json_clone(ctx->a, s), *phases = NULL;
    if (!billing_enum_param(ctx, "proration_behavior", prorations, &proration)) return;
    if (twin_input(ctx, "phases") && !(phases = updated_phases(ctx, s, now))) return;
    if (!read_settings(ctx, s)) return;
    if (phases) json_set(ctx->a, s, "phases", phases);
    if (stripe_status_is(s, "active")) {
        json_value *ph = phase_at(s, now);
        if (!ph) ph = json_at(json_get(s, "phases"), 0);
        /* The running phase changed: the subscription follows at once. */
        if (phases && !apply_phase(ctx, s, ph, proration, now, false)) return;
        if (!phases) sync_subscription(ctx, s, ph);
        set_current_phase(ctx, s, ph);
    } else if (next_boundary(s) <= now) {
        start_subscription(ctx, s, json_at(json_get(s, "phases"), 0), 0);
    }
    stripe_send_saved(ctx, 200, s, billing_save_changed(ctx, COLL, s, before, "subscription_schedule.updated"));
}

void stripe_cancel_subscription_schedule(twin_ctx *ctx)
{
    json_value *s = load_schedule(ctx);
    bool ignored = false;
    if (!s || !stripe_bool_param(ctx, "invoice_now", &ignored, NULL) || !stripe_bool_param(ctx, "prorate", &ignored, NULL))
        return;
    if (!is_live(s)) {
        not_in_status(ctx, s, "cancel");
        return;
    }
    int64_t now = billing_now(ctx, json_get_str(s, "test_clock"));
    stripe_send_saved(ctx, 200, s, end_with_subscription(ctx, s, "canceled", now));
}

void stripe_release_subscription_schedule(twin_ctx *ctx)
{
    json_value *s = load_schedule(ctx);
    bool keep = false;
    if (!s || !stripe_bool_param(ctx, "preserve_cancel_date", &keep, NULL)) return;
    if (!is_live(s)) {
        not_in_status(ctx, s, "release");
        return;
    }
    detach_subscription(ctx, s, billing_now(ctx, json_get_str(s, "test_clock")), keep);
    stripe_send_saved(ctx, 200, s, billing_save_emit(ctx, COLL, s, "subscription_schedule.released", NULL));
}

static bool filter_scheduled(const json_value *s, void *data)
{
    const char *scheduled = data;
    if (!scheduled) return true;
    return stripe_status_is(s, "not_started") == str_eq(scheduled, "true");
}

void stripe_list_subscription_schedules(twin_ctx *ctx)
{
    const char *customer = twin_arg(ctx, "customer"), *scheduled = twin_arg(ctx, "scheduled");
    listing_query q = {.collection = COLL, .newest_first = true, .filter = filter_scheduled,
                       .filter_data = (void *)(scheduled && *scheduled ? scheduled : NULL)};
    if (customer && *customer) {
        q.index_name = "customer";
        q.index_value = customer;
    }
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/subscription_schedules", &page);
}
