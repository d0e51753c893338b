/* Stripe twin: /v1/credit_notes against open (pre-payment: lowers what is
 * due) or paid (post-payment) invoices; void reverses one. */
#include <stdlib.h>
#include <string.h>

#include "twins/stripe/billing.h"
#include "util/util.h"

#define COLL "credit_notes"

static json_value *note_line(twin_ctx *ctx, int64_t amount, int64_t qty, const char *description,
                             const char *invoice_line)
{
    arena *a = ctx->a;
    json_value *l = stripe_new_object(ctx, "credit_note_line_item", "cnli_");
    json_set_int(a, l, "amount", amount);
    json_set_int(a, l, "amount_excluding_tax", amount);
    json_set_str(a, l, "description", description);
    json_set_int(a, l, "discount_amount", 0);
    json_set(a, l, "discount_amounts", json_array(a));
    if (invoice_line) json_set_str(a, l, "invoice_line_item", invoice_line);
    json_set_bool(a, l, "livemode", false);
    json_set_int(a, l, "quantity", qty);
    json_set(a, l, "tax_amounts", json_array(a));
    json_set(a, l, "tax_rates", json_array(a));
    json_set_str(a, l, "type", invoice_line ? "invoice_line_item" : "custom_line_item");
    json_set_int(a, l, "unit_amount", qty ? amount / qty : amount);
    json_set_str(a, l, "unit_amount_decimal", arena_printf(a, "%lld", (long long)(qty ? amount / qty : amount)));
    json_set_str(a, l, "unit_amount_excluding_tax", arena_printf(a, "%lld", (long long)(qty ? amount / qty : amount)));
    return l;
}

static const json_value *invoice_line(const json_value *inv, const char *id)
{
    json_foreach(l, json_get(json_get(inv, "lines"), "data")) if (str_eq(json_get_str(l, "id"), id)) return l;
    return NULL;
}

/* One lines[i] entry; NULL after answering. */
static json_value *read_line(twin_ctx *ctx, const json_value *inv, const json_value *in, size_t i)
{
    arena *a = ctx->a;
    const char *type = stripe_sub_str(in, "type"), *qparam = arena_printf(a, "lines[%zu][quantity]", i);
    int64_t qty = 1, amount = 0, unit = 0;
    bool has_qty = json_get(in, "quantity") != NULL, has_amount = json_get(in, "amount") != NULL;
    if (!billing_count_param(ctx, in, "quantity", qparam, &qty) ||
        !billing_count_param(ctx, in, "amount", arena_printf(a, "lines[%zu][amount]", i), &amount) ||
        !billing_count_param(ctx, in, "unit_amount", arena_printf(a, "lines[%zu][unit_amount]", i), &unit))
        return NULL;
    if (str_eq(type, "custom_line_item")) {
        if (!billing_line_amount(ctx, unit, qty, qparam, &amount)) return NULL;
        return note_line(ctx, amount, qty, stripe_sub_str(in, "description"), NULL);
    }
    const char *line_id = stripe_sub_str(in, "invoice_line_item");
    const json_value *line = invoice_line(inv, line_id ? line_id : "");
    if (!line) {
        stripe_missing(ctx, "invoice line item", line_id ? line_id : "", arena_printf(a, "lines[%zu][invoice_line_item]", i));
        return NULL;
    }
    int64_t line_qty = billing_int(line, "quantity");
    if (!has_amount) amount = billing_int(line, "amount");
    if (!has_amount && has_qty && !billing_line_amount(ctx, amount / (line_qty ? line_qty : 1), qty, qparam, &amount))
        return NULL;
    return note_line(ctx, amount, has_qty ? qty : line_qty, json_get_str(line, "description"), line_id);
}

static json_value *read_lines(twin_ctx *ctx, const json_value *inv, int64_t *total)
{
    json_value *out = json_array(ctx->a);
    json_value *in = twin_input(ctx, "lines");
    size_t i = 0;
    json_foreach(it, in) {
        json_value *l = read_line(ctx, inv, it, i++);
        if (!l) return NULL;
        if (!billing_line_amount(ctx, *total + billing_int(l, "amount"), 1, "lines", total)) return NULL;
        json_push(out, l);
    }
    return out;
}

/* The most that can still be credited on the invoice. */
static int64_t creditable(const json_value *inv)
{
    if (str_eq(json_get_str(inv, "status"), "paid"))
        return billing_int(inv, "amount_paid") - billing_int(inv, "post_payment_credit_notes_amount");
    return billing_int(inv, "amount_remaining");
}

static json_value *note_skeleton(twin_ctx *ctx, const json_value *inv, int64_t amount, json_value *lines)
{
    arena *a = ctx->a;
    bool post = str_eq(json_get_str(inv, "status"), "paid");
    json_value *cn = stripe_new_object(ctx, "credit_note", "cn_");
    const char *id = json_get_str(cn, "id");
    int64_t seq = twin_counter(ctx, arena_printf(a, "credit_notes:%s", json_get_str(inv, "id")));
    json_set_int(a, cn, "amount", amount);
    json_set_int(a, cn, "amount_shipping", 0);
    /* A customer on a test clock lives at the clock's time. */
    int64_t now = billing_now(ctx, json_get_str(inv, "test_clock"));
    json_set_int(a, cn, "created", now);
    json_set_str(a, cn, "currency", json_get_str(inv, "currency"));
    json_set_str(a, cn, "customer", json_get_str(inv, "customer"));
    json_set_null(a, cn, "customer_balance_transaction");
    json_set_int(a, cn, "discount_amount", 0);
    json_set(a, cn, "discount_amounts", json_array(a));
    json_set_int(a, cn, "effective_at", now);
    json_set_str(a, cn, "invoice", json_get_str(inv, "id"));
    json_set(a, cn, "lines", billing_list_object(ctx, arena_printf(a, "/v1/credit_notes/%s/lines", id), lines));
    json_set_bool(a, cn, "livemode", false);
    json_set_null(a, cn, "memo");
    json_set(a, cn, "metadata", json_object(a));
    json_set_str(a, cn, "number", arena_printf(a, "%s-CN-%02lld", json_get_str(inv, "number"), (long long)seq));
    json_set_null(a, cn, "out_of_band_amount");
    json_set_str(a, cn, "pdf", arena_printf(a, "%s/credit_notes/%s/pdf", ctx->inst ? ctx->inst->base_url : "", id));
    json_set_null(a, cn, "reason");
    json_set_null(a, cn, "refund");
    json_set_null(a, cn, "shipping_cost");
    json_set_str(a, cn, "status", "issued");
    json_set_int(a, cn, "subtotal", amount);
    json_set_int(a, cn, "subtotal_excluding_tax", amount);
    json_set(a, cn, "tax_amounts", json_array(a));
    json_set_int(a, cn, "total", amount);
    json_set_int(a, cn, "total_excluding_tax", amount);
    json_set_str(a, cn, "type", post ? "post_payment" : "pre_payment");
    json_set_null(a, cn, "voided_at");
    return cn;
}

/* The open invoice's payment intent asks for what is still due, so paying
 * after a pre-payment credit note charges the lowered amount. */
static void resize_intent(twin_ctx *ctx, const json_value *inv)
{
    json_value *pi = stripe_get(ctx, "payment_intents", json_get_str(inv, "payment_intent"));
    int64_t due = billing_int(inv, "amount_remaining");
    const char *status = json_get_str(pi, "status");
    if (!pi || due < 1 || str_eq(status, "succeeded") || str_eq(status, "canceled")) return;
    json_set_int(ctx->a, pi, "amount", due);
    stripe_save(ctx, "payment_intents", pi);
}

/* Applies (sign 1) or reverses (sign -1) a credit note on its invoice. */
static void apply_to_invoice(twin_ctx *ctx, const json_value *cn, int sign)
{
    json_value *inv = stripe_get(ctx, "invoices", json_get_str(cn, "invoice"));
    if (!inv) return;
    json_value *before = json_clone(ctx->a, inv);
    int64_t amount = billing_int(cn, "amount") * sign;
    if (str_eq(json_get_str(cn, "type"), "post_payment")) {
        json_set_int(ctx->a, inv, "post_payment_credit_notes_amount",
                     billing_int(inv, "post_payment_credit_notes_amount") + amount);
    } else {
        json_set_int(ctx->a, inv, "pre_payment_credit_notes_amount",
                     billing_int(inv, "pre_payment_credit_notes_amount") + amount);
        json_set_int(ctx->a, inv, "amount_due", billing_int(inv, "amount_due") - amount);
        json_set_int(ctx->a, inv, "amount_remaining", billing_int(inv, "amount_remaining") - amount);
        resize_intent(ctx, inv);
    }
    billing_save_emit(ctx, "invoices", inv, "invoice.updated", stripe_diff(ctx, before, inv));
    /* Credit covering all that was owed settles the invoice: paid, nothing charged. */
    if (sign > 0 && str_eq(json_get_str(inv, "status"), "open") && billing_int(inv, "amount_remaining") == 0)
        billing_invoice_settled_by_credit(ctx, inv);
}

static bool read_amount(twin_ctx *ctx, const json_value *inv, int64_t *amount, json_value **lines)
{
    bool has_amount = false;
    int64_t from_lines = 0;
    if (!stripe_int_param(ctx, "amount", false, amount, &has_amount)) return false;
    if (!(*lines = read_lines(ctx, inv, &from_lines))) return false;
    if (!has_amount && !(*lines)->len) {
        stripe_invalid(ctx, "amount", "parameter_missing", "Missing required param: amount or lines.");
        return false;
    }
    if (!has_amount) *amount = from_lines;
    if (*amount < 1 || *amount > creditable(inv)) {
        stripe_invalid(ctx, "amount", NULL,
                       "The credit note amount (%lld) must be between 1 and the invoice's creditable amount (%lld).",
                       (long long)*amount, (long long)creditable(inv));
        return false;
    }
    return true;
}

void stripe_create_credit_note(twin_ctx *ctx)
{
    static const char *const reasons[] = {"duplicate", "fraudulent", "order_change", "product_unsatisfactory", NULL};
    const char *inv_id = NULL, *reason = NULL;
    if (!stripe_str_param(ctx, "invoice", true, &inv_id) || !billing_enum_param(ctx, "reason", reasons, &reason))
        return;
    json_value *inv = stripe_load(ctx, "invoices", "invoice", inv_id, "invoice");
    if (!inv) return;
    const char *status = json_get_str(inv, "status");
    if (!str_eq(status, "open") && !str_eq(status, "paid")) {
        stripe_invalid(ctx, "invoice", NULL, "Credit notes can only be issued for open or paid invoices; this one is %s.",
                       status);
        return;
    }
    int64_t amount = 0, oob = 0;
    bool has_oob = false;
    json_value *lines = NULL;
    if (!read_amount(ctx, inv, &amount, &lines) || !stripe_int_param(ctx, "out_of_band_amount", false, &oob, &has_oob))
        return;
    json_value *cn = note_skeleton(ctx, inv, amount, lines);
    json_set_str(ctx->a, cn, "reason", reason);
    json_set_str(ctx->a, cn, "memo", twin_arg(ctx, "memo"));
    if (has_oob) json_set_int(ctx->a, cn, "out_of_band_amount", oob);
    if (!stripe_apply_metadata(ctx, cn)) return;
    stripe_text saved = billing_save(ctx, COLL, cn);
    apply_to_invoice(ctx, cn, 1);
    stripe_emit_saved(ctx, "credit_note.created", cn, saved, NULL);
    stripe_send_saved(ctx, 200, cn, saved);
}

void stripe_retrieve_credit_note(twin_ctx *ctx)
{
    stripe_retrieve(ctx, COLL, "credit note", "id");
}

void stripe_void_credit_note(twin_ctx *ctx)
{
    json_value *cn = stripe_load(ctx, COLL, "credit note", twin_param(ctx, "id"), "id");
    if (!cn) return;
    if (!str_eq(json_get_str(cn, "status"), "issued")) {
        stripe_invalid(ctx, NULL, NULL, "This credit note has already been voided.");
        return;
    }
    json_value *inv = stripe_get(ctx, "invoices", json_get_str(cn, "invoice"));
    /* A pre-payment note lowered what was due; once the invoice is settled there is nothing to restore it on. */
    if (str_eq(json_get_str(cn, "type"), "pre_payment") && inv && !str_eq(json_get_str(inv, "status"), "open")) {
        stripe_invalid(ctx, NULL, NULL, "This credit note can't be voided because invoice %s is %s.",
                       json_get_str(inv, "id"), json_get_str(inv, "status"));
        return;
    }
    json_set_str(ctx->a, cn, "status", "void");
    json_set_int(ctx->a, cn, "voided_at", billing_now(ctx, json_get_str(inv, "test_clock")));
    stripe_text saved = billing_save(ctx, COLL, cn);
    apply_to_invoice(ctx, cn, -1);
    stripe_emit_saved(ctx, "credit_note.voided", cn, saved, NULL);
    stripe_send_saved(ctx, 200, cn, saved);
}

void stripe_list_credit_note_lines(twin_ctx *ctx)
{
    json_value *cn = stripe_load(ctx, COLL, "credit note", twin_param(ctx, "id"), "credit_note");
    twin_list page;
    if (!cn || !billing_page_lines(ctx, json_get(json_get(cn, "lines"), "data"), "credit note line item", &page))
        return;
    stripe_send_list(ctx, json_get_str(json_get(cn, "lines"), "url"), &page);
}

static bool filter_invoice(const json_value *cn, void *data)
{
    return !data || str_eq(json_get_str(cn, "invoice"), data);
}

void stripe_list_credit_notes(twin_ctx *ctx)
{
    const char *inv = twin_arg(ctx, "invoice"), *customer = twin_arg(ctx, "customer");
    listing_query q = {.collection = COLL, .newest_first = true, .filter = filter_invoice,
                       .filter_data = (void *)(inv && *inv ? inv : NULL)};
    if (customer && *customer) {
        q.index_name = "customer";
        q.index_value = customer;
    }
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/credit_notes", &page);
}
