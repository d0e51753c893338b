/* Stripe twin, billing: coupons, promotion codes, tax rates, subscriptions,
 * subscription items, invoices, invoice items, credit notes, setup intents
 * and test clocks.  Route handlers (listed in billing_routes.h) and the
 * helpers the billing files share.
 *
 * Storage: each resource has its collection ("coupons", "subscriptions",
 * "invoices", ...), saved with billing_save() so lists can filter by
 * customer, subscription, invoice and test clock.  Subscription items live in
 * "subscription_items" and are copied into subscription.items whenever a
 * subscription is rendered; invoice lines live inside their invoice. */
#ifndef TWINS_STRIPE_BILLING_H
#define TWINS_STRIPE_BILLING_H

#include "twins/stripe/stripe.h"

/* ---- route handlers ---- */
void stripe_create_coupon(twin_ctx *ctx);
void stripe_list_coupons(twin_ctx *ctx);
void stripe_retrieve_coupon(twin_ctx *ctx);
void stripe_update_coupon(twin_ctx *ctx);
void stripe_delete_coupon(twin_ctx *ctx);
void stripe_create_promotion_code(twin_ctx *ctx);
void stripe_list_promotion_codes(twin_ctx *ctx);
void stripe_retrieve_promotion_code(twin_ctx *ctx);
void stripe_update_promotion_code(twin_ctx *ctx);
void stripe_create_tax_rate(twin_ctx *ctx);
void stripe_list_tax_rates(twin_ctx *ctx);
void stripe_retrieve_tax_rate(twin_ctx *ctx);
void stripe_update_tax_rate(twin_ctx *ctx);
void stripe_create_subscription(twin_ctx *ctx);
void stripe_list_subscriptions(twin_ctx *ctx);
void stripe_retrieve_subscription(twin_ctx *ctx);
void stripe_update_subscription(twin_ctx *ctx);
void stripe_cancel_subscription(twin_ctx *ctx);
void stripe_create_subscription_item(twin_ctx *ctx);
void stripe_list_subscription_items(twin_ctx *ctx);
void stripe_retrieve_subscription_item(twin_ctx *ctx);
void stripe_update_subscription_item(twin_ctx *ctx);
void stripe_delete_subscription_item(twin_ctx *ctx);
void stripe_create_invoice(twin_ctx *ctx);
void stripe_list_invoices(twin_ctx *ctx);
void stripe_retrieve_invoice(twin_ctx *ctx);
void stripe_update_invoice(twin_ctx *ctx);
void stripe_delete_invoice(twin_ctx *ctx);
void stripe_finalize_invoice(twin_ctx *ctx);
void stripe_pay_invoice(twin_ctx *ctx);
void stripe_void_invoice(twin_ctx *ctx);
void stripe_uncollectible_invoice(twin_ctx *ctx);
void stripe_list_invoice_lines(twin_ctx *ctx);
void stripe_create_invoice_preview(twin_ctx *ctx);   /* invoice_preview.c */
void stripe_list_upcoming_lines(twin_ctx *ctx);      /* invoice_preview.c */
void stripe_delete_customer_discount(twin_ctx *ctx);       /* coupons.c */
void stripe_delete_subscription_discount(twin_ctx *ctx);   /* coupons.c */
void stripe_create_invoice_item(twin_ctx *ctx);
void stripe_list_invoice_items(twin_ctx *ctx);
void stripe_retrieve_invoice_item(twin_ctx *ctx);
void stripe_update_invoice_item(twin_ctx *ctx);
void stripe_delete_invoice_item(twin_ctx *ctx);
void stripe_create_credit_note(twin_ctx *ctx);
void stripe_list_credit_notes(twin_ctx *ctx);
void stripe_retrieve_credit_note(twin_ctx *ctx);
void stripe_void_credit_note(twin_ctx *ctx);
void stripe_list_credit_note_lines(twin_ctx *ctx);
void stripe_create_setup_intent(twin_ctx *ctx);
void stripe_list_setup_intents(twin_ctx *ctx);
void stripe_retrieve_setup_intent(twin_ctx *ctx);
void stripe_update_setup_intent(twin_ctx *ctx);
void stripe_confirm_setup_intent(twin_ctx *ctx);
void stripe_cancel_setup_intent(twin_ctx *ctx);
void stripe_create_subscription_schedule(twin_ctx *ctx);    /* subscription_schedules.c */
void stripe_list_subscription_schedules(twin_ctx *ctx);
void stripe_retrieve_subscription_schedule(twin_ctx *ctx);
void stripe_update_subscription_schedule(twin_ctx *ctx);
void stripe_cancel_subscription_schedule(twin_ctx *ctx);
void stripe_release_subscription_schedule(twin_ctx *ctx);
void stripe_create_test_clock(twin_ctx *ctx);
void stripe_list_test_clocks(twin_ctx *ctx);
void stripe_retrieve_test_clock(twin_ctx *ctx);
void stripe_delete_test_clock(twin_ctx *ctx);
void stripe_advance_test_clock(twin_ctx *ctx);

/* ---- shared helpers (invoices.c) ---- */
/* Stores obj with index entries for customer, subscription, invoice,
 * test_clock; returns the text stored (see stripe_save). */
stripe_text billing_save(twin_ctx *ctx, const char *collection, const json_value *obj);
/* billing_save then stripe_emit_saved: stores obj and records its event. */
stripe_text billing_save_emit(twin_ctx *ctx, const char *collection, const json_value *obj, const char *type,
                              const json_value *prev);
/* billing_save, then the event type (an update) with what changed since
 * before, unless nothing did. */
stripe_text billing_save_changed(twin_ctx *ctx, const char *collection, const json_value *obj,
                                 const json_value *before, const char *type);
/* {"object":"list","data":items,"has_more":false,"url":url}. */
json_value *billing_list_object(twin_ctx *ctx, const char *url, json_value *items);
/* Validates an enum parameter; *out keeps its value when absent. */
bool billing_enum_param(twin_ctx *ctx, const char *name, const char *const *allowed, const char **out);
/* {"id","object","deleted":true}. */
json_value *billing_deleted(twin_ctx *ctx, const char *id, const char *object);
/* Lists one collection with optional in-memory filter and answers. */
void billing_send_list(twin_ctx *ctx, const char *collection, const char *url, listing_filter f, void *data);
int64_t billing_int(const json_value *obj, const char *key);   /* 0 when absent */
/* One page of an embedded list (invoice or credit note lines), in stored
 * order, by limit / starting_after / ending_before; an unknown cursor is a
 * 404 "No such <noun>".  False after answering. */
bool billing_page_lines(twin_ctx *ctx, const json_value *data, const char *noun, twin_list *page);
/* A count given inside an array entry (items[0][quantity], lines[1][amount]):
 * a whole number >= 0.  *out keeps its value when absent; false after
 * answering 400 on param. */
bool billing_count_param(twin_ctx *ctx, const json_value *entry, const char *key, const char *param, int64_t *out);
/* unit x quantity, or false after answering amount_too_large on param: amounts
 * stay below BILLING_MAX_AMOUNT so no total of them can overflow. */
#define BILLING_MAX_AMOUNT INT64_C(999999999999)
bool billing_line_amount(twin_ctx *ctx, int64_t unit, int64_t quantity, const char *param, int64_t *out);

/* ---- time (test_clocks.c) ---- */
/* "Now" for objects of a customer: its test clock's frozen time, else real time. */
int64_t billing_now(twin_ctx *ctx, const char *test_clock);
/* The test clock of a customer id (NULL when none). */
const char *billing_customer_clock(twin_ctx *ctx, const char *customer);

/* ---- coupons and discounts (coupons.c, promotion_codes.c) ---- */
/* Discount amount a coupon takes off amount (never more than amount). */
int64_t billing_coupon_off(const json_value *coupon, int64_t amount);
/* Reads coupon / promotion_code / discounts[] from the request.  Returns the
 * new discount (stored with the coupon's redemption counted), json null when
 * none was given, or NULL after answering an error. */
json_value *billing_discount_from_request(twin_ctx *ctx, const char *customer, const char *subscription,
                                          const char *invoice);
/* Whether a discount still applies at time t. */
bool billing_discount_active(const json_value *discount, int64_t t);
/* Promotion code usable for customer; NULL after answering an error. */
json_value *billing_promotion_usable(twin_ctx *ctx, const char *id, const char *customer, const char *param);

/* ---- tax rates (tax_rates.c) ---- */
/* Reads an array of tax rate ids (param name) into an array of tax rate
 * objects; json null when absent; NULL after answering 404. */
json_value *billing_tax_rates_param(twin_ctx *ctx, const char *name);
/* The same for a value given inside another parameter (in; NULL = absent),
 * name naming it in errors ("phases[0][default_tax_rates]"). */
json_value *billing_tax_rates_from(twin_ctx *ctx, const json_value *in, const char *name);

/* ---- invoices (invoices.c) ---- */
/* A draft invoice for customer (not stored). */
json_value *billing_invoice_new(twin_ctx *ctx, const json_value *customer, const char *subscription,
                                const char *billing_reason, int64_t now);
/* A subscription line for one subscription item over [start, end). */
json_value *billing_line_for_item(twin_ctx *ctx, const json_value *item, const char *subscription, int64_t start,
                                  int64_t end, bool trial);
/* Pulls the customer's pending invoice items onto a draft invoice. */
void billing_invoice_pull_pending(twin_ctx *ctx, json_value *inv);
/* Recomputes subtotal, discounts, taxes, totals and amounts. */
void billing_invoice_totals(twin_ctx *ctx, json_value *inv);
/* draft -> open (number, payment intent; a zero invoice is paid at once).
 * Saves; returns the text saved last. */
stripe_text billing_invoice_finalize(twin_ctx *ctx, json_value *inv);
/* Charges an open invoice with pm_id (NULL = the customer's default).  Saves
 * and announces; returns the card outcome (decline_code set on failure).
 * *no_method is set when there was nothing to charge with. */
stripe_card_outcome billing_invoice_charge(twin_ctx *ctx, json_value *inv, const char *pm_id, bool *no_method);
/* An invoice item with Stripe's defaults for customer, dated now (not stored). */
json_value *billing_invoice_item_new(twin_ctx *ctx, const char *customer, int64_t now);
/* A pending invoice item of sub for quantity x price (its product's name as
 * description; tax_rates: an array of tax rate objects or NULL), not stored. */
json_value *billing_invoice_item_for_price(twin_ctx *ctx, const json_value *sub, const json_value *price,
                                           int64_t quantity, const json_value *tax_rates, int64_t now);
/* One pending invoice item of sub for each of items ({price (a one-time
 * price object), quantity, tax_rates}), stored and announced. */
void billing_invoice_items_for_prices(twin_ctx *ctx, const json_value *sub, const json_value *items, int64_t now);
/* open / uncollectible -> void at time at (its payment intent canceled).
 * Saves and announces; returns the text saved. */
stripe_text billing_invoice_void(twin_ctx *ctx, json_value *inv, int64_t at);
/* An open invoice whose amount_remaining credit notes brought to 0: paid
 * with nothing charged, its payment intent canceled.  Saves and announces. */
void billing_invoice_settled_by_credit(twin_ctx *ctx, json_value *inv);
/* Adds / refreshes / removes an invoice item's line on its draft invoice (saved). */
void billing_invoice_sync_item(twin_ctx *ctx, const json_value *ii, bool removed);
/* The payment method a subscription's invoices charge (NULL if none). */
const char *billing_default_pm(twin_ctx *ctx, const char *customer, const char *subscription_pm);

/* ---- subscriptions (subscriptions.c) ---- */
/* Loads a subscription with its items list filled in (NULL if absent). */
json_value *billing_subscription_get(twin_ctx *ctx, const char *id);
/* Saves a subscription with its current items (which are kept in their own
 * collection); returns the text stored. */
stripe_text billing_subscription_save(twin_ctx *ctx, json_value *sub);
/* The same, then customer.subscription.updated with what changed since
 * before: _changed only when something did, _updated always. */
stripe_text billing_subscription_save_changed(twin_ctx *ctx, json_value *sub, const json_value *before);
stripe_text billing_subscription_save_updated(twin_ctx *ctx, json_value *sub, const json_value *before);
/* Invoice payment outcome, reflected on its subscription (status). */
void billing_subscription_invoice_settled(twin_ctx *ctx, const json_value *inv);
/* Advances every subscription on the clock (a test clock object, whose
 * frozen_time is stored at each boundary crossed and is t at the end) from
 * time from up to t (trial warnings, trial ends, renewals, cancellations at
 * period end). */
void billing_subscriptions_advance(twin_ctx *ctx, json_value *clock, int64_t from, int64_t t);
/* A subscription without a test clock (and its schedule) crosses every
 * boundary the run's clock has passed, in order, as a test clock's advance
 * would (Stripe does so in the background; here the first look after one
 * does), each stamped with its boundary's time.  Returns whether anything
 * was due (sub is then stale: read it again). */
bool billing_subscription_catch_up(twin_ctx *ctx, const json_value *sub);
/* The same for the subscription with id subscription when given, else for
 * every subscription of customer, else (both NULL or "") of the run. */
void billing_subscriptions_catch_up(twin_ctx *ctx, const char *customer, const char *subscription);
/* t plus count intervals ("day", "week", "month", "year"); months clamp to month end. */
int64_t billing_add_interval(int64_t t, const char *interval, int64_t count);
/* End of one billing period of price's recurring interval starting at start. */
int64_t billing_period_end(const json_value *price, int64_t start);
/* Builds a subscription item for price/quantity with tax_rates (an array of
 * tax rate objects; NULL = none), stored with its own id. */
json_value *billing_item_new(twin_ctx *ctx, const char *subscription, const json_value *price, int64_t quantity,
                             json_value *tax_rates, int64_t created);
/* Announces customer.subscription.updated for changes since before (a rendered copy). */
void billing_subscription_changed(twin_ctx *ctx, const char *id, const json_value *before);
/* Checks a price for a subscription item: exists (404 on param) and is recurring. */
json_value *billing_recurring_price(twin_ctx *ctx, const char *id, const char *param);
/* Items of a subscription, oldest first. */
twin_list billing_subscription_items(twin_ctx *ctx, const char *subscription);
/* A subscription created outside the API handler (checkout, seeding). */
typedef struct billing_sub_spec {
    json_value *customer;           /* the customer object */
    json_value *prices;             /* array of recurring prices, each with "_quantity" */
    const char *default_pm;         /* the subscription's default_payment_method (NULL = none) */
    int64_t trial_days;             /* > 0: trialing */
    json_value *coupon;             /* a coupon to discount with (NULL = none) */
    const json_value *metadata;     /* NULL = {} */
    const char *description;
    bool charge;                    /* charge the first invoice with the default method */
    const char *schedule;           /* the subscription schedule that owns it (NULL = none) */
    int64_t trial_end;              /* > now: trialing until then (instead of trial_days) */
    const char *collection_method;  /* NULL = charge_automatically */
    int64_t days_until_due;         /* send_invoice: days to pay (0 = Stripe's default) */
    const json_value *default_tax_rates;    /* tax rate objects (NULL = none) */
    /* Invoice items {price (one-time price object), quantity, tax_rates} for
     * the first invoice (a schedule phase's add_invoice_items; NULL = none). */
    const json_value *invoice_items;
    int64_t backdate;               /* < now: started then; the first invoice prorates [backdate, now) */
} billing_sub_spec;
/* Creates, invoices and (when asked) charges; returns the stored subscription. */
json_value *billing_subscription_start(twin_ctx *ctx, const billing_sub_spec *s);

/* Invoices the subscription's pending items (prorations) now, finalizes and
 * charges (proration_behavior=always_invoice).  Saves sub with its new
 * latest_invoice. */
void billing_subscription_invoice_pending(twin_ctx *ctx, json_value *sub);
/* A draft invoice for the subscription, created at now, with its currency,
 * collection, tax rates and discount (not stored). */
json_value *billing_subscription_draft(twin_ctx *ctx, json_value *sub, const char *reason, int64_t now);
/* Restarts sub's billing period now (billing_cycle_anchor=now) and invoices
 * the new period with its pending prorations at once, finalized and charged. */
void billing_subscription_reset_cycle(twin_ctx *ctx, json_value *sub);
/* sub enters a trial at at (a schedule phase with a trial): trialing until
 * trial_end, which is its period; its $0 invoice for the trial (with any
 * pending items) is issued at once.  Saves. */
void billing_subscription_begin_trial(twin_ctx *ctx, json_value *sub, int64_t trial_end, int64_t at);
/* incomplete -> incomplete_expired once 23 hours passed by now (its open
 * invoice voided, events sent).  Saves; returns whether it expired. */
bool billing_subscription_expire_if_due(twin_ctx *ctx, json_value *sub, int64_t now);
/* Cancels sub at time at (status canceled, ended_at, cancellation_details.reason);
 * saves and announces; returns the text saved. */
stripe_text billing_subscription_end(twin_ctx *ctx, json_value *sub, int64_t at, const char *reason);
/* Exempts a seeded subscription from real time: it neither expires nor
 * renews by itself (its dates are the seeding origin's, long past). */
void billing_subscription_hold(twin_ctx *ctx, const char *id);

/* ---- subscription schedules (subscription_schedules.c) ---- */
/* The schedules on a test clock.  One listing serves a whole advance:
 * crossing a boundary changes (and stores) the schedule in it, and nothing
 * else an advance does changes or adds a schedule. */
twin_list billing_clock_schedules(twin_ctx *ctx, const char *clock);
/* The earliest phase boundary (a schedule's start or its phase's end) of
 * the schedules at or before t; 0 when none. */
int64_t billing_schedules_next(const twin_list *schedules, int64_t t);
/* Crosses every boundary at time at of the schedules: starts their
 * subscription, moves it to the next phase's items, or ends the schedule. */
void billing_schedules_run(twin_ctx *ctx, const twin_list *schedules, int64_t at);
/* An invoice preview's renewal at at: the schedule crosses its boundary at
 * at first (inside the preview's discarded writes), so the renewal shows the
 * next phase's items, or nothing when the schedule ends the subscription. */
void billing_schedule_cross_for_preview(twin_ctx *ctx, const char *schedule, int64_t at);
/* sub, owned by a schedule, was canceled through the API at at: so is its schedule. */
void billing_schedule_subscription_canceled(twin_ctx *ctx, const json_value *sub, int64_t at);

/* ---- prorations (prorations.c) ---- */
/* proration_behavior and proration_date of one change to a subscription. */
typedef struct billing_proration {
    const char *behavior;   /* create_prorations (default), always_invoice, none */
    int64_t at;             /* the proration date, inside the current period */
    bool applies;           /* the subscription is in a paid period that can be prorated */
    bool reset_cycle;       /* a new billing interval: the period restarts now, billed at once */
    int created;            /* proration items made so far */
} billing_proration;
/* Reads proration_behavior / proration_date for sub; false after answering 400. */
bool billing_proration_params(twin_ctx *ctx, const json_value *sub, billing_proration *p);
/* Records one item's change from old price x quantity to new (old_price NULL:
 * an item added; new_price NULL: removed) as pending proration invoice items. */
void billing_prorate(twin_ctx *ctx, const json_value *sub, billing_proration *p, const char *item_id,
                     const json_value *old_price, int64_t old_qty, const json_value *new_price, int64_t new_qty);
/* With always_invoice, invoices the prorations made at once; after a new
 * billing interval, restarts the period and invoices it.  Returns whether
 * it invoiced (sub is then saved, and may have changed). */
bool billing_proration_finish(twin_ctx *ctx, json_value *sub, const billing_proration *p);
/* Whether two recurring prices bill on different cycles (interval or count). */
bool billing_interval_differs(const json_value *price, const json_value *other);
/* Prices of one subscription share one cycle: 400 on param when price's
 * differs from reference's (either NULL: nothing to compare). */
bool billing_interval_matches(twin_ctx *ctx, const json_value *reference, const json_value *price, const char *param);
/* The change moves sub to another billing interval: Stripe restarts the
 * period now, so every current item is credited its unused time (unless
 * proration_behavior=none) and the new prices are billed in full for the
 * new period instead of prorated.  Call before the items change. */
void billing_prorate_cycle_reset(twin_ctx *ctx, const json_value *sub, billing_proration *p);
/* subscriptions.c: applies the update parameters of the request (items, proration, coupon,
 * cancel_at_period_end, ...) to a live sub: items are written, prorations
 * recorded in p; sub itself is not saved (billing_subscription_save lists
 * its new items).  False after answering 400/404. */
bool billing_subscription_apply_update(twin_ctx *ctx, json_value *sub, billing_proration *p);

/* ---- building blocks for seeding and checkout ---- */
json_value *billing_coupon_skeleton(twin_ctx *ctx, const char *id);        /* coupons.c, not stored */
/* A discount for coupon (its redemption counted), not stored on anything. */
json_value *billing_discount_for_coupon(twin_ctx *ctx, json_value *coupon, const char *customer,
                                        const char *subscription);
json_value *billing_tax_rate_skeleton(twin_ctx *ctx);                       /* tax_rates.c, not stored */
/* Marks an open invoice paid out of band (saves, announces, settles its subscription). */
void billing_invoice_paid_out_of_band(twin_ctx *ctx, json_value *inv);
/* A succeeded SetupIntent for pm, attached to customer when given (stored, announced). */
json_value *billing_setup_intent_succeeded(twin_ctx *ctx, const char *customer, json_value *pm);

#endif
