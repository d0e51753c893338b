/* Stripe twin: invoice previews — POST /v1/invoices/create_preview (and the
 * older GET /v1/invoices/upcoming).  The preview is the invoice Stripe would
 * issue next for a subscription or a customer's pending items, optionally
 * after the change given in subscription_details (items, proration_behavior,
 * proration_date, ...).
 *
 * To compute exactly what the real change would bill, the preview runs the
 * real code: the change is applied, prorations are recorded and pending items
 * pulled onto a draft, all inside the request's transaction — which
 * twin_discard_writes then rolls back, so no invoice, invoice item, id or
 * event outlives the answer. */
#include <string.h>

#include "twins/stripe/billing.h"
#include "util/util.h"

#define UPCOMING_LINES "/v1/invoices/upcoming/lines"

/* The subscription a preview is about: the one asked for, else the
 * customer's newest live subscription (NULL when it has none).  NULL with
 * *answered after a 404. */
static json_value *preview_subscription(twin_ctx *ctx, const char *sub_id, const char *customer, bool *answered)
{
    *answered = false;
    if (sub_id) {
        json_value *sub = billing_subscription_get(ctx, sub_id);
        if (!sub) {
            stripe_missing(ctx, "subscription", sub_id, "subscription");
            *answered = true;
        }
        return sub;
    }
    listing_query q = {.collection = "subscriptions", .index_name = "customer", .index_value = customer,
                       .newest_first = true};
    listing_req all = {.limit = (size_t)-1};
    twin_list subs = {0};
    if (listing_fetch(ctx, &q, &all, &subs) != LISTING_OK) return NULL;
    for (size_t i = 0; i < subs.n; i++) {
        const char *status = json_get_str(subs.items[i], "status");
        if (!str_eq(status, "canceled") && !str_eq(status, "incomplete_expired"))
            return billing_subscription_get(ctx, json_get_str(subs.items[i], "id"));
    }
    return NULL;
}

/* subscription_details[...] (and the invoice's coupon / discounts) as the
 * top-level parameters a subscription update reads. */
static json_value *update_params(twin_ctx *ctx, const json_value *details)
{
    static const char *const invoice_level[] = {"coupon", "discounts", "promotion_code", NULL};
    json_value *body = json_object(ctx->a);
    if (details && details->type == JSON_OBJECT)
        json_foreach(member, details) json_set(ctx->a, body, member->key, json_clone(ctx->a, member));
    for (size_t i = 0; invoice_level[i]; i++) {
        json_value *v = twin_input(ctx, invoice_level[i]);
        if (v) json_set(ctx->a, body, invoice_level[i], json_clone(ctx->a, v));
    }
    return body;
}

/* GET /v1/invoices/upcoming's older spelling of subscription_details:
 * subscription_items, subscription_proration_date, ... (NULL when none). */
static json_value *legacy_details(twin_ctx *ctx)
{
    static const char *const names[][2] = {{"subscription_items", "items"},
                                           {"subscription_proration_behavior", "proration_behavior"},
                                           {"subscription_proration_date", "proration_date"},
                                           {"subscription_cancel_at_period_end", "cancel_at_period_end"},
                                           {"subscription_default_tax_rates", "default_tax_rates"}};
    json_value *details = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        json_value *v = twin_input(ctx, names[i][0]);
        if (!v) continue;
        if (!details) details = json_object(ctx->a);
        json_set(ctx->a, details, names[i][1], json_clone(ctx->a, v));
    }
    return details;
}

/* Applies subscription_details to sub as an update would; false after answering. */
static bool simulate_update(twin_ctx *ctx, json_value *sub, const json_value *details, billing_proration *p)
{
    json_value *real = ctx->body;
    stripe_req *st = ctx->principal;
    bool nested = details == twin_input(ctx, "subscription_details");   /* not the legacy names */
    ctx->body = update_params(ctx, details);
    if (st && nested) {
        st->nested_in = "subscription_details";
        st->nested = details;
    }
    bool ok = billing_subscription_apply_update(ctx, sub, p);
    ctx->body = real;
    if (st) {
        st->nested_in = NULL;
        st->nested = NULL;
    }
    if (!ok) return false;
    billing_subscription_save(ctx, sub);
    return true;
}

/* Lines for every item of sub over [start, end). */
static void add_period_lines(twin_ctx *ctx, json_value *inv, const json_value *sub, int64_t start, int64_t end)
{
    json_value *data = json_get(json_get(inv, "lines"), "data");
    twin_list items = billing_subscription_items(ctx, json_get_str(sub, "id"));
    for (size_t i = 0; i < items.n; i++)
        json_push(data, billing_line_for_item(ctx, items.items[i], json_get_str(sub, "id"), start, end, false));
}

/* The renewal at the end of the current period: the next period's lines plus
 * what is pending (prorations included).  NULL when the subscription ends
 * instead. */
static json_value *renewal_preview(twin_ctx *ctx, json_value *sub)
{
    if (json_truthy(json_get(sub, "cancel_at_period_end"))) return NULL;
    int64_t start = billing_int(sub, "current_period_start");
    int64_t at = billing_int(sub, str_eq(json_get_str(sub, "status"), "trialing") ? "trial_end" : "current_period_end");
    const char *schedule = json_get_str(sub, "schedule");
    if (schedule) {
        billing_schedule_cross_for_preview(ctx, schedule, at);
        sub = billing_subscription_get(ctx, json_get_str(sub, "id"));
        if (!sub || str_eq(json_get_str(sub, "status"), "canceled")) return NULL;
    }
    twin_list items = billing_subscription_items(ctx, json_get_str(sub, "id"));
    if (!items.n) return NULL;
    int64_t next_end = billing_period_end(json_get(items.items[0], "price"), at);
    json_value *inv = billing_subscription_draft(ctx, sub, "upcoming", at);
    json_set_int(ctx->a, inv, "period_start", start);
    json_set_int(ctx->a, inv, "period_end", at);
    add_period_lines(ctx, inv, sub, at, next_end);
    billing_invoice_pull_pending(ctx, inv);
    return inv;
}

/* What a change bills at once (always_invoice, or a new billing interval
 * whose period starts now): the new period's lines and the prorations. */
static json_value *immediate_preview(twin_ctx *ctx, json_value *sub, const billing_proration *p)
{
    int64_t now = billing_now(ctx, json_get_str(sub, "test_clock"));
    json_value *inv = billing_subscription_draft(ctx, sub, "upcoming", now);
    if (p->reset_cycle) {
        twin_list items = billing_subscription_items(ctx, json_get_str(sub, "id"));
        int64_t end = items.n ? billing_period_end(json_get(items.items[0], "price"), now) : now;
        add_period_lines(ctx, inv, sub, now, end);
    }
    billing_invoice_pull_pending(ctx, inv);
    return inv;
}

/* subscription_details[items] for a subscription not created yet: the first
 * invoice it would issue, each price billed for its first period, with the
 * customer's pending items.  NULL after answering an error. */
static json_value *creation_preview(twin_ctx *ctx, const json_value *customer, const json_value *items)
{
    arena *a = ctx->a;
    int64_t now = billing_now(ctx, json_get_str(customer, "test_clock"));
    json_value *inv = billing_invoice_new(ctx, customer, NULL, "upcoming", now);
    json_value *data = json_get(json_get(inv, "lines"), "data");
    size_t i = 0;
    json_foreach(it, items) {
        const char *pid = stripe_sub_str(it, "price");
        const char *base = arena_printf(a, "subscription_details[items][%zu]", i++);
        json_value *price = billing_recurring_price(ctx, pid ? pid : stripe_sub_str(it, "plan"),
                                                    arena_printf(a, "%s[price]", base));
        int64_t qty = 1, amount = 0;
        const char *qparam = arena_printf(a, "%s[quantity]", base);
        if (!price || !billing_count_param(ctx, it, "quantity", qparam, &qty) ||
            !billing_line_amount(ctx, billing_int(price, "unit_amount"), qty, qparam, &amount))
            return NULL;
        json_value *item = json_object(a);
        json_set(a, item, "price", price);
        json_set_int(a, item, "quantity", qty);
        json_value *line = billing_line_for_item(ctx, item, NULL, now, billing_period_end(price, now), false);
        json_remove(line, "subscription_item");   /* not nullable: there is no item yet */
        json_push(data, line);
        json_set_str(a, inv, "currency", json_get_str(price, "currency"));
    }
    billing_invoice_pull_pending(ctx, inv);
    return inv;
}

/* A customer without a subscription: the invoice of its pending items. */
static json_value *pending_preview(twin_ctx *ctx, const json_value *customer)
{
    int64_t now = billing_now(ctx, json_get_str(customer, "test_clock"));
    json_value *inv = billing_invoice_new(ctx, customer, NULL, "upcoming", now);
    billing_invoice_pull_pending(ctx, inv);
    json_value *lines = json_get(json_get(inv, "lines"), "data");
    return lines && lines->len ? inv : NULL;
}

/* Marks a draft as the preview it is: Stripe's upcoming_ id, no stored lines url. */
static void as_preview(twin_ctx *ctx, json_value *inv, const billing_proration *p)
{
    arena *a = ctx->a;
    json_set_str(a, inv, "id", arena_printf(a, "upcoming_%s", json_get_str(inv, "id")));
    json_set_str(a, json_get(inv, "lines"), "url", UPCOMING_LINES);
    if (p->created) json_set_int(a, inv, "subscription_proration_date", p->at);
    billing_invoice_totals(ctx, inv);
}

/* Who and what a preview is about. */
typedef struct preview_target {
    const char *customer;   /* the customer's id */
    const char *sub_id;     /* the subscription asked for (NULL: none named) */
    json_value *sub;        /* the subscription previewed (NULL: the customer's pending items) */
    bool ended;             /* sub is canceled or expired: nothing more to bill */
} preview_target;

/* Reads customer / subscription; false after answering. */
static bool read_target(twin_ctx *ctx, preview_target *t)
{
    *t = (preview_target){0};
    if (!stripe_str_param(ctx, "customer", false, &t->customer) ||
        !stripe_str_param(ctx, "subscription", false, &t->sub_id))
        return false;
    if (t->customer && !*t->customer) t->customer = NULL;
    if (t->sub_id && !*t->sub_id) t->sub_id = NULL;
    if (!t->customer && !t->sub_id) {
        stripe_invalid(ctx, "customer", "parameter_missing",
                       "Missing required param: customer. You must specify either customer or subscription.");
        return false;
    }
    if (t->customer && !stripe_load(ctx, "customers", "customer", t->customer, "customer")) return false;
    bool answered = false;
    t->sub = preview_subscription(ctx, t->sub_id, t->customer, &answered);
    if (answered) return false;
    if (!t->sub) return true;
    if (t->customer && !str_eq(json_get_str(t->sub, "customer"), t->customer)) {
        stripe_invalid(ctx, "subscription", NULL, "The subscription %s does not belong to customer %s.", t->sub_id,
                       t->customer);
        return false;
    }
    t->customer = json_get_str(t->sub, "customer");
    const char *status = json_get_str(t->sub, "status");
    t->ended = str_eq(status, "canceled") || str_eq(status, "incomplete_expired");
    return true;
}

/* The previewed invoice; NULL with *answered after an error, NULL alone when
 * there is nothing to invoice. */
static json_value *build_preview(twin_ctx *ctx, const preview_target *t, billing_proration *p, bool *answered)
{
    json_value *details = twin_input(ctx, "subscription_details");
    if (!details) details = legacy_details(ctx);
    json_value *customer = stripe_get(ctx, "customers", t->customer);
    json_value *new_items = t->sub_id ? NULL : json_get(details, "items");
    *answered = false;
    if (new_items && new_items->type == JSON_ARRAY && new_items->len) {
        /* Without subscription, the details describe one to be created. */
        json_value *inv = creation_preview(ctx, customer, new_items);
        *answered = !inv;
        return inv;
    }
    if (t->ended) return NULL;
    if (!t->sub) return pending_preview(ctx, customer);
    if (details && !simulate_update(ctx, t->sub, details, p)) {
        *answered = true;
        return NULL;
    }
    bool at_once = p->reset_cycle || (p->created && str_eq(p->behavior, "always_invoice"));
    return at_once ? immediate_preview(ctx, t->sub, p) : renewal_preview(ctx, t->sub);
}

/* The preview the request asks for, marked as one; NULL after answering. */
static json_value *answer_preview(twin_ctx *ctx)
{
    /* Whatever happens below, nothing of it stays. */
    twin_discard_writes(ctx);
    preview_target t;
    billing_proration p = {.behavior = "create_prorations"};
    bool answered = false;
    /* The next invoice after the renewals real time has brought (kept by
     * the next look that is not a preview). */
    billing_subscriptions_catch_up(ctx, twin_arg(ctx, "customer"), twin_arg(ctx, "subscription"));
    if (!read_target(ctx, &t)) return NULL;
    json_value *inv = build_preview(ctx, &t, &p, &answered);
    if (answered) return NULL;
    if (!inv) {
        stripe_error_send(ctx, 404,
                          &(stripe_error){.type = "invalid_request_error",
                                          .code = "invoice_upcoming_none",
                                          .message = arena_printf(ctx->a, "No upcoming invoices for customer: %s",
                                                                  t.customer)});
        return NULL;
    }
    as_preview(ctx, inv, &p);
    return inv;
}

void stripe_create_invoice_preview(twin_ctx *ctx)
{
    json_value *inv = answer_preview(ctx);
    if (inv) stripe_send_object(ctx, 200, inv);
}

/* GET /v1/invoices/upcoming/lines: the preview's lines, paged.  Ids are
 * drawn afresh for each preview, but from counters the discarded writes
 * roll back, so the same question gives the same line ids and cursors work. */
void stripe_list_upcoming_lines(twin_ctx *ctx)
{
    json_value *inv = answer_preview(ctx);
    twin_list page;
    if (!inv || !billing_page_lines(ctx, json_get(json_get(inv, "lines"), "data"), "invoice line item", &page)) return;
    stripe_send_list(ctx, UPCOMING_LINES, &page);
}
