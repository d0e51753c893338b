/* Stripe twin: /v1/invoiceitems — pending until an invoice picks them up
 * (or added straight onto a draft with invoice=in_...). */
#include <string.h>

#include "twins/stripe/billing.h"
#include "util/util.h"

#define COLL "invoiceitems"

json_value *billing_invoice_item_new(twin_ctx *ctx, const char *customer, int64_t now)
{
    arena *a = ctx->a;
    json_value *ii = stripe_new_object(ctx, "invoiceitem", "ii_");
    json_set_int(a, ii, "amount", 0);
    json_set_str(a, ii, "currency", "usd");
    json_set_str(a, ii, "customer", customer);
    json_set_int(a, ii, "date", now);
    json_set_null(a, ii, "description");
    json_set_bool(a, ii, "discountable", true);
    json_set(a, ii, "discounts", json_array(a));
    json_set_null(a, ii, "invoice");
    json_set_bool(a, ii, "livemode", false);
    json_set(a, ii, "metadata", json_object(a));
    json_value *period = json_object(a);
    json_set_int(a, period, "end", now);
    json_set_int(a, period, "start", now);
    json_set(a, ii, "period", period);
    json_set_null(a, ii, "price");
    json_set_bool(a, ii, "proration", false);
    json_set_int(a, ii, "quantity", 1);
    json_set_null(a, ii, "subscription");
    json_set_null(a, ii, "tax_rates");
    json_set_str(a, ii, "test_clock", billing_customer_clock(ctx, customer));
    json_set_null(a, ii, "unit_amount");
    json_set_null(a, ii, "unit_amount_decimal");
    return ii;
}

json_value *billing_invoice_item_for_price(twin_ctx *ctx, const json_value *sub, const json_value *price,
                                           int64_t quantity, const json_value *tax_rates, int64_t now)
{
    arena *a = ctx->a;
    json_value *ii = billing_invoice_item_new(ctx, json_get_str(sub, "customer"), now);
    int64_t unit = billing_int(price, "unit_amount");
    const json_value *product = stripe_get(ctx, "products", json_get_str(price, "product"));
    json_set_int(a, ii, "amount", unit * quantity);
    json_set_str(a, ii, "currency", json_get_str(price, "currency"));
    json_set_str(a, ii, "description", json_get_str(product, "name"));
    json_set(a, ii, "price", json_clone(a, price));
    json_set_int(a, ii, "quantity", quantity);
    json_set_str(a, ii, "subscription", json_get_str(sub, "id"));
    if (tax_rates && tax_rates->type == JSON_ARRAY && tax_rates->len) json_set(a, ii, "tax_rates", json_clone(a, tax_rates));
    json_set_int(a, ii, "unit_amount", unit);
    json_set_str(a, ii, "unit_amount_decimal", arena_printf(a, "%lld", (long long)unit));
    return ii;
}

void billing_invoice_items_for_prices(twin_ctx *ctx, const json_value *sub, const json_value *items, int64_t now)
{
    json_foreach(it, items) {
        json_value *ii = billing_invoice_item_for_price(ctx, sub, json_get(it, "price"), billing_int(it, "quantity"),
                                                        json_get(it, "tax_rates"), now);
        billing_save_emit(ctx, COLL, ii, "invoiceitem.created", NULL);
    }
}

static bool set_price(twin_ctx *ctx, json_value *ii, const char *price_id)
{
    json_value *price = stripe_load(ctx, "prices", "price", price_id, "price");
    if (!price) return false;
    if (!str_eq(json_get_str(price, "type"), "one_time")) {
        stripe_invalid(ctx, "price",
                       NULL, "The price specified is set to `type=recurring` but this field only accepts prices with "
                             "`type=one_time`.");
        return false;
    }
    json_set_str(ctx->a, ii, "currency", json_get_str(price, "currency"));
    json_set_int(ctx->a, ii, "unit_amount", billing_int(price, "unit_amount"));
    json_set(ctx->a, ii, "price", price);
    return true;
}

/* amount, or unit_amount / price with quantity; currency. */
static bool apply_amount(twin_ctx *ctx, json_value *ii, bool creating)
{
    arena *a = ctx->a;
    int64_t amount = 0, unit = 0, qty = billing_int(ii, "quantity");
    bool has_amount = false, has_unit = false, has_qty = false;
    const char *price = twin_arg(ctx, "price"), *currency = twin_arg(ctx, "currency");
    if (!stripe_int_param(ctx, "amount", false, &amount, &has_amount) ||
        !stripe_int_param(ctx, "unit_amount", false, &unit, &has_unit) ||
        !stripe_int_param(ctx, "quantity", false, &qty, &has_qty))
        return false;
    if (creating && !has_amount && !has_unit && !(price && *price)) {
        stripe_invalid(ctx, "amount", "parameter_missing", "Missing required param: amount.");
        return false;
    }
    if (creating && !(price && *price) && !(currency && *currency)) {
        stripe_invalid(ctx, "currency", "parameter_missing", "Missing required param: currency.");
        return false;
    }
    if (has_qty && qty < 0) {
        stripe_invalid(ctx, "quantity", "parameter_invalid_integer", "This value must be greater than or equal to 0.");
        return false;
    }
    if (price && *price && !set_price(ctx, ii, price)) return false;
    if (currency && *currency) json_set_str(a, ii, "currency", currency);
    if (has_unit) json_set_int(a, ii, "unit_amount", unit);
    if (has_qty) json_set_int(a, ii, "quantity", qty);
    if (has_amount) {
        json_set_int(a, ii, "unit_amount", amount);
        json_set_int(a, ii, "quantity", 1);
    }
    /* amount may be negative (a credit); its size is what is capped. */
    int64_t total = 0;
    if (!billing_line_amount(ctx, billing_int(ii, "unit_amount"), billing_int(ii, "quantity"),
                             has_amount ? "amount" : has_qty ? "quantity" : "unit_amount", &total))
        return false;
    json_set_int(a, ii, "amount", total);
    json_set_str(a, ii, "unit_amount_decimal", arena_printf(a, "%lld", (long long)billing_int(ii, "unit_amount")));
    return true;
}

static bool apply_common(twin_ctx *ctx, json_value *ii)
{
    static const char *const texts[] = {"description", NULL};
    bool discountable = true, has_disc = false;
    if (!stripe_bool_param(ctx, "discountable", &discountable, &has_disc) || !stripe_apply_metadata(ctx, ii))
        return false;
    json_value *rates = billing_tax_rates_param(ctx, "tax_rates");
    if (!rates) return false;
    if (rates->type == JSON_ARRAY) json_set(ctx->a, ii, "tax_rates", rates);
    if (has_disc) json_set_bool(ctx->a, ii, "discountable", discountable);
    stripe_copy_strings(ctx, ii, texts);
    json_value *period = twin_input(ctx, "period");
    const char *start = stripe_sub_str(period, "start"), *end = stripe_sub_str(period, "end");
    if (start && end) {
        json_value *p = json_get(ii, "period");
        json_set(ctx->a, p, "start", json_number_text(ctx->a, start));
        json_set(ctx->a, p, "end", json_number_text(ctx->a, end));
    }
    return true;
}

/* invoice=in_... must be a draft of the same customer. */
static bool attach_invoice(twin_ctx *ctx, json_value *ii)
{
    const char *inv_id = twin_arg(ctx, "invoice"), *sub_id = twin_arg(ctx, "subscription");
    if (sub_id && *sub_id) {
        if (!stripe_load(ctx, "subscriptions", "subscription", sub_id, "subscription")) return false;
        json_set_str(ctx->a, ii, "subscription", sub_id);
    }
    if (!inv_id || !*inv_id) return true;
    json_value *inv = stripe_load(ctx, "invoices", "invoice", inv_id, "invoice");
    if (!inv) return false;
    if (!str_eq(json_get_str(inv, "status"), "draft") ||
        !str_eq(json_get_str(inv, "customer"), json_get_str(ii, "customer"))) {
        stripe_invalid(ctx, "invoice", "invoice_not_editable",
                       "Invoice items can only be added to draft invoices of the same customer.");
        return false;
    }
    json_set_str(ctx->a, ii, "invoice", inv_id);
    return true;
}

void stripe_create_invoice_item(twin_ctx *ctx)
{
    const char *customer = NULL;
    if (!stripe_str_param(ctx, "customer", true, &customer)) return;
    if (!stripe_load(ctx, "customers", "customer", customer, "customer")) return;
    json_value *ii = billing_invoice_item_new(ctx, customer, billing_now(ctx, billing_customer_clock(ctx, customer)));
    if (!apply_amount(ctx, ii, true) || !apply_common(ctx, ii) || !attach_invoice(ctx, ii)) return;
    stripe_text saved = billing_save_emit(ctx, COLL, ii, "invoiceitem.created", NULL);
    billing_invoice_sync_item(ctx, ii, false);
    stripe_send_saved(ctx, 200, ii, saved);
}

void stripe_retrieve_invoice_item(twin_ctx *ctx)
{
    stripe_retrieve(ctx, COLL, "invoiceitem", "invoiceitem");
}

/* Pending items and items on a draft may change; the rest are frozen. */
static json_value *load_editable(twin_ctx *ctx)
{
    json_value *ii = stripe_load(ctx, COLL, "invoiceitem", twin_param(ctx, "id"), "invoiceitem");
    if (!ii) return NULL;
    json_value *inv = stripe_get(ctx, "invoices", json_get_str(ii, "invoice"));
    if (inv && !str_eq(json_get_str(inv, "status"), "draft")) {
        stripe_invalid(ctx, NULL, "invoice_not_editable",
                       "You can only modify invoice items that are pending or on a draft invoice. This item is on "
                       "invoice %s, which is %s.",
                       json_get_str(inv, "id"), json_get_str(inv, "status"));
        return NULL;
    }
    return ii;
}

void stripe_update_invoice_item(twin_ctx *ctx)
{
    json_value *ii = load_editable(ctx);
    if (!ii) return;
    json_value *before = json_clone(ctx->a, ii);
    if (!apply_amount(ctx, ii, false) || !apply_common(ctx, ii)) return;
    stripe_text saved = billing_save_changed(ctx, COLL, ii, before, "invoiceitem.updated");
    billing_invoice_sync_item(ctx, ii, false);
    stripe_send_saved(ctx, 200, ii, saved);
}

void stripe_delete_invoice_item(twin_ctx *ctx)
{
    json_value *ii = load_editable(ctx);
    if (!ii) return;
    const char *id = json_get_str(ii, "id");
    twin_doc_delete(ctx, COLL, id);
    stripe_emit(ctx, "invoiceitem.deleted", ii, NULL);
    billing_invoice_sync_item(ctx, ii, true);
    stripe_reply(ctx, 200, billing_deleted(ctx, id, "invoiceitem"));
}

typedef struct item_filter {
    const char *invoice, *pending;
} item_filter;

static bool filter_item(const json_value *ii, void *data)
{
    const item_filter *f = data;
    if (f->invoice && !str_eq(json_get_str(ii, "invoice"), f->invoice)) return false;
    return !f->pending || json_is_null(json_get(ii, "invoice")) == str_eq(f->pending, "true");
}

void stripe_list_invoice_items(twin_ctx *ctx)
{
    item_filter f = {twin_arg(ctx, "invoice"), twin_arg(ctx, "pending")};
    const char *customer = twin_arg(ctx, "customer");
    listing_query q = {.collection = COLL, .newest_first = true, .filter = filter_item, .filter_data = &f};
    if (customer && *customer) {
        q.index_name = "customer";
        q.index_value = customer;
    }
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/invoiceitems", &page);
}
