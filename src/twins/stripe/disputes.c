/* Stripe twin: disputes.  The createDispute test card (4000000000000259)
 * has its charge succeed and then disputed as fraudulent: the dispute starts
 * in needs_response with the disputed amount and Stripe's 15.00 fee
 * withdrawn (one balance transaction).  Evidence can be staged
 * (submit=false) or submitted (under_review); in test mode the evidence text
 * "winning_evidence" / "losing_evidence" closes the dispute as won / lost at
 * once, as Stripe documents.  Closing a dispute accepts it as lost. */
#include <string.h>

#include "twins/stripe/extra_routes.h"
#include "util/util.h"

#define COLL "disputes"
#define DISPUTE_FEE 1500
#define RESPONSE_DAYS 7

static const char *const text_evidence[] = {
    "access_activity_log",      "billing_address",        "cancellation_policy_disclosure",
    "cancellation_rebuttal",    "customer_email_address", "customer_name",
    "customer_purchase_ip",     "duplicate_charge_explanation", "duplicate_charge_id",
    "product_description",      "refund_policy_disclosure", "refund_refusal_explanation",
    "service_date",             "shipping_address",       "shipping_carrier",
    "shipping_date",            "shipping_tracking_number", "uncategorized_text",
    NULL};
/* Evidence members that name an uploaded file (file_...). */
static const char *const file_evidence[] = {
    "cancellation_policy",    "customer_communication", "customer_signature",
    "duplicate_charge_documentation", "receipt",        "refund_policy",
    "service_documentation",  "shipping_documentation", "uncategorized_file",
    NULL};

static bool listed(const char *name, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (strcmp(names[i], name) == 0) return true;
    return false;
}

static json_value *empty_evidence(arena *a)
{
    json_value *e = json_object(a);
    for (size_t i = 0; text_evidence[i]; i++) json_set_null(a, e, text_evidence[i]);
    for (size_t i = 0; file_evidence[i]; i++) json_set_null(a, e, file_evidence[i]);
    return e;
}

/* A dispute balance transaction: -amount withdrawn plus the fee, or the
 * amount and fee given back when a dispute is won. */
static json_value *dispute_txn(twin_ctx *ctx, const json_value *dp, bool reinstate)
{
    arena *a = ctx->a;
    int64_t amount = 0;
    json_int64(json_get(dp, "amount"), &amount);
    const char *currency = json_get_str(dp, "currency");
    const char *id = stripe_balance_txn(ctx, reinstate ? amount : -amount, currency, "adjustment",
                                        json_get_str(dp, "id"));
    json_value *t = stripe_get(ctx, "balance_transactions", id);
    if (!t) return json_null(a);
    int64_t fee = reinstate ? -DISPUTE_FEE : DISPUTE_FEE;
    json_set_str(a, t, "description",
                 arena_printf(a, "Chargeback %s for %s", reinstate ? "reversal" : "withdrawal",
                              json_get_str(dp, "charge")));
    json_set_int(a, t, "fee", fee);
    json_value *details = json_array(a), *d = json_object(a);
    json_set_int(a, d, "amount", fee);
    json_set_null(a, d, "application");
    json_set_str(a, d, "currency", currency);
    json_set_str(a, d, "description", reinstate ? "Dispute fee refund" : "Dispute fee");
    json_set_str(a, d, "type", "stripe_fee");
    json_push(details, d);
    json_set(a, t, "fee_details", details);
    json_set_int(a, t, "net", (reinstate ? amount : -amount) - fee);
    json_set_str(a, t, "reporting_category", reinstate ? "dispute_reversal" : "dispute");
    stripe_save(ctx, "balance_transactions", t);
    return t;
}

void stripe_dispute_open(twin_ctx *ctx, json_value *charge)
{
    arena *a = ctx->a;
    int64_t amount = 0, now = twin_now(ctx);
    json_int64(json_get(charge, "amount"), &amount);
    json_value *dp = stripe_new_object(ctx, "dispute", "dp_");
    json_set_int(a, dp, "amount", amount);
    json_set_str(a, dp, "charge", json_get_str(charge, "id"));
    json_set_int(a, dp, "created", now);
    json_set_str(a, dp, "currency", json_get_str(charge, "currency"));
    json_set(a, dp, "evidence", empty_evidence(a));
    json_value *details = json_object(a);
    /* Due at the end of the day, a week from now. */
    json_set_int(a, details, "due_by", (now / 86400 + RESPONSE_DAYS + 1) * 86400 - 1);
    json_set_bool(a, details, "has_evidence", false);
    json_set_bool(a, details, "past_due", false);
    json_set_int(a, details, "submission_count", 0);
    json_set(a, dp, "evidence_details", details);
    json_set_bool(a, dp, "is_charge_refundable", false);
    json_set_bool(a, dp, "livemode", false);
    json_set(a, dp, "metadata", json_object(a));
    json_set_str(a, dp, "payment_intent", json_get_str(charge, "payment_intent"));
    json_value *card = json_object(a), *pmd = json_object(a);
    json_set_str(a, card, "brand", json_get_str(json_get(json_get(charge, "payment_method_details"), "card"), "brand"));
    json_set_str(a, card, "network_reason_code", "10.4");
    json_set(a, pmd, "card", card);
    json_set_str(a, pmd, "type", "card");
    json_set(a, dp, "payment_method_details", pmd);
    json_set_str(a, dp, "reason", "fraudulent");
    json_set_str(a, dp, "status", "needs_response");
    json_value *txns = json_array(a);
    json_push(txns, dispute_txn(ctx, dp, false));
    json_set(a, dp, "balance_transactions", txns);
    stripe_save(ctx, COLL, dp);
    json_set_bool(a, charge, "disputed", true);
    stripe_save(ctx, "charges", charge);
    stripe_emit(ctx, "charge.dispute.created", dp, NULL);
    stripe_emit(ctx, "charge.dispute.funds_withdrawn", dp, NULL);
}

static bool is_open(const json_value *dp)
{
    const char *s = json_get_str(dp, "status");
    return str_eq(s, "needs_response") || str_eq(s, "warning_needs_response") || str_eq(s, "under_review") ||
           str_eq(s, "warning_under_review");
}

static void close_as(twin_ctx *ctx, json_value *dp, const char *status)
{
    json_value *before = json_clone(ctx->a, dp);
    json_set_str(ctx->a, dp, "status", status);
    if (str_eq(status, "won")) json_push(json_get(dp, "balance_transactions"), dispute_txn(ctx, dp, true));
    stripe_save_emit(ctx, COLL, dp, "charge.dispute.closed", stripe_diff(ctx, before, dp));
    if (str_eq(status, "won")) stripe_emit(ctx, "charge.dispute.funds_reinstated", dp, NULL);
}

/* evidence[...]: text members, and file members that must name an uploaded file. */
static bool apply_evidence(twin_ctx *ctx, json_value *dp, bool *any)
{
    arena *a = ctx->a;
    json_value *in = twin_input(ctx, "evidence");
    if (!in) return true;
    if (in->type != JSON_OBJECT) {
        stripe_invalid(ctx, "evidence", NULL, "Invalid object");
        return false;
    }
    json_value *ev = json_get(dp, "evidence");
    json_foreach(m, in) {
        const char *param = arena_printf(a, "evidence[%s]", m->key);
        bool is_file = listed(m->key, file_evidence);
        if (!is_file && !listed(m->key, text_evidence)) {
            stripe_invalid(ctx, param, "parameter_unknown", "Received unknown parameter: %s", param);
            return false;
        }
        const char *v = stripe_sub_str(in, m->key);
        if (!v) {
            stripe_invalid(ctx, param, NULL, "Invalid string: (object)");
            return false;
        }
        if (!*v) {
            json_set_null(a, ev, m->key);
            continue;
        }
        if (is_file && !stripe_get(ctx, STRIPE_FILES, v)) {
            stripe_missing(ctx, "file upload", v, param);
            return false;
        }
        json_set_str(a, ev, m->key, v);
        *any = true;
    }
    return true;
}

/* ---- routes ---- */

void stripe_retrieve_dispute(twin_ctx *ctx)
{
    stripe_retrieve(ctx, COLL, "dispute", "dispute");
}

void stripe_update_dispute(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *dp = stripe_load(ctx, COLL, "dispute", twin_param(ctx, "id"), "dispute");
    if (!dp) return;
    bool submit = true;
    if (!stripe_bool_param(ctx, "submit", &submit, NULL)) return;
    bool needs_response = str_eq(json_get_str(dp, "status"), "needs_response") ||
                          str_eq(json_get_str(dp, "status"), "warning_needs_response");
    if (!needs_response && (twin_input(ctx, "evidence") || submit)) {
        stripe_invalid(ctx, NULL, NULL,
                       "This dispute is already %s. You can no longer update its evidence.",
                       is_open(dp) ? "under review" : "closed");
        return;
    }
    json_value *before = json_clone(a, dp);
    bool any = false;
    if (!apply_evidence(ctx, dp, &any) || !stripe_apply_metadata(ctx, dp)) return;
    json_value *details = json_get(dp, "evidence_details");
    if (any) json_set_bool(a, details, "has_evidence", true);
    if (needs_response && submit) {
        int64_t count = 0;
        json_int64(json_get(details, "submission_count"), &count);
        json_set_int(a, details, "submission_count", count + 1);
        json_set_str(a, dp, "status",
                     str_eq(json_get_str(dp, "status"), "warning_needs_response") ? "warning_under_review"
                                                                                 : "under_review");
    }
    stripe_save(ctx, COLL, dp);
    json_value *prev = stripe_diff(ctx, before, dp);
    if (prev->len) stripe_emit(ctx, "charge.dispute.updated", dp, prev);
    /* Test mode: the evidence text decides a submitted dispute at once. */
    const char *text = json_get_str(json_get(dp, "evidence"), "uncategorized_text");
    if (needs_response && submit && text) {
        if (strstr(text, "winning_evidence")) close_as(ctx, dp, "won");
        else if (strstr(text, "losing_evidence")) close_as(ctx, dp, "lost");
    }
    stripe_send_object(ctx, 200, dp);
}

void stripe_close_dispute(twin_ctx *ctx)
{
    json_value *dp = stripe_load(ctx, COLL, "dispute", twin_param(ctx, "id"), "dispute");
    if (!dp) return;
    if (!is_open(dp)) {
        stripe_invalid(ctx, NULL, NULL, "This dispute is already closed.");
        return;
    }
    close_as(ctx, dp, str_starts_with(json_get_str(dp, "status"), "warning_") ? "warning_closed" : "lost");
    stripe_send_object(ctx, 200, dp);
}

static bool filter_pi(const json_value *dp, void *data)
{
    return str_eq(json_get_str(dp, "payment_intent"), data);
}

void stripe_list_disputes(twin_ctx *ctx)
{
    const char *charge = twin_arg(ctx, "charge"), *pi = twin_arg(ctx, "payment_intent");
    listing_query q = {.collection = COLL, .newest_first = true};
    if (charge && *charge) {
        q.index_name = "charge";
        q.index_value = charge;
    }
    if (pi && *pi && !q.index_name) {
        q.index_name = "payment_intent";
        q.index_value = pi;
    } else if (pi && *pi) {
        q.filter = filter_pi;
        q.filter_data = (void *)pi;
    }
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/disputes", &page);
}
