/* Stripe twin: /v1/checkout/sessions and the line items sessions and payment
 * links share.  A session's url points at the twin's own hosted page
 * (<base>/c/pay/<id>, page_checkout.c), built from the request's Host. */
#include <stdlib.h>
#include <string.h>

#include "twins/stripe/billing.h"
#include "twins/stripe/checkout.h"
#include "util/util.h"

/* Sessions stay open for a day, as Stripe's default. */
#define SESSION_LIFETIME (24 * 60 * 60)

const char *checkout_base_url(twin_ctx *ctx)
{
    const char *host = ctx->req ? http_header_get(ctx->req, "Host") : NULL;
    if (host && *host && !strpbrk(host, " \"<>/\\")) return arena_printf(ctx->a, "http://%s", host);
    return ctx->inst && ctx->inst->base_url ? ctx->inst->base_url : "";
}

/* ---- line items ---- */

static void fail_with(twin_ctx *ctx, stripe_fail *f, int status, const char *code, const char *param, const char *msg)
{
    (void)ctx;
    *f = (stripe_fail){status, {.code = code, .param = param, .message = msg}};
}

/* The price of one line item: an existing price, or one built from price_data. */
static json_value *item_price(twin_ctx *ctx, const json_value *in, const char *pfx, stripe_fail *f)
{
    const char *price_id = stripe_sub_str(in, "price");
    const json_value *pd = json_get(in, "price_data");
    if (price_id && *price_id) {
        json_value *p = stripe_get(ctx, "prices", price_id);
        if (!p) {
            fail_with(ctx, f, 400, "resource_missing", arena_printf(ctx->a, "%s[price]", pfx),
                      arena_printf(ctx->a, "No such price: '%s'", price_id));
            return NULL;
        }
        if (!json_truthy(json_get(p, "active"))) {
            fail_with(ctx, f, 400, NULL, arena_printf(ctx->a, "%s[price]", pfx),
                      arena_printf(ctx->a, "The price specified (%s) is inactive.", price_id));
            return NULL;
        }
        return p;
    }
    if (!pd || pd->type != JSON_OBJECT) {
        const char *param = arena_printf(ctx->a, "%s[price]", pfx);
        fail_with(ctx, f, 400, "parameter_missing", param,
                  arena_printf(ctx->a, "Missing required param: %s.", param));
        return NULL;
    }
    const char *prefix = arena_printf(ctx->a, "%s[price_data]", pfx);
    const char *product = stripe_sub_str(pd, "product");
    const json_value *prod_data = json_get(pd, "product_data");
    if ((!product || !*product) && prod_data && prod_data->type == JSON_OBJECT) {
        json_value *prod = stripe_product_build(ctx, prod_data, f);
        if (!prod) return NULL;
        product = json_get_str(prod, "id");
    } else if (!product || !stripe_get(ctx, "products", product)) {
        fail_with(ctx, f, 400, product ? "resource_missing" : "parameter_missing",
                  arena_printf(ctx->a, "%s[product]", prefix),
                  product ? arena_printf(ctx->a, "No such product: '%s'", product)
                          : arena_printf(ctx->a, "Missing required param: %s[product_data].", prefix));
        return NULL;
    }
    return stripe_price_build(ctx, pd, product, prefix, f);
}

static const char *product_name(twin_ctx *ctx, const json_value *price)
{
    json_value *prod = stripe_get(ctx, "products", json_get_str(price, "product"));
    const char *name = json_get_str(prod, "name");
    return name ? name : json_get_str(price, "nickname");
}

static json_value *item_object(twin_ctx *ctx, json_value *price, int64_t quantity)
{
    arena *a = ctx->a;
    int64_t unit = 0;
    json_int64(json_get(price, "unit_amount"), &unit);
    json_value *it = stripe_new_object(ctx, "item", "li_");
    json_set_int(a, it, "amount_discount", 0);
    json_set_int(a, it, "amount_subtotal", unit * quantity);
    json_set_int(a, it, "amount_tax", 0);
    json_set_int(a, it, "amount_total", unit * quantity);
    json_set_str(a, it, "currency", json_get_str(price, "currency"));
    json_set_str(a, it, "description", product_name(ctx, price));
    json_set(a, it, "price", price);
    json_set_int(a, it, "quantity", quantity);
    return it;
}

static bool item_quantity(twin_ctx *ctx, const json_value *in, const char *pfx, int64_t *q, stripe_fail *f)
{
    const char *s = stripe_sub_str(in, "quantity");
    *q = 1;
    if (!s) return true;
    char *end = NULL;
    long long n = strtoll(s, &end, 10);
    if (!*s || *end || n < 1 || n > 999999) {
        fail_with(ctx, f, 400, "parameter_invalid_integer", arena_printf(ctx->a, "%s[quantity]", pfx),
                  arena_printf(ctx->a, "Invalid integer: %s", s));
        return false;
    }
    *q = n;
    return true;
}

static bool add_item(twin_ctx *ctx, const json_value *in, const char *pfx, checkout_items *out, stripe_fail *f)
{
    if (!in || in->type != JSON_OBJECT) {
        fail_with(ctx, f, 400, NULL, pfx, "Invalid object");
        return false;
    }
    int64_t quantity = 1;
    if (!item_quantity(ctx, in, pfx, &quantity, f)) return false;
    json_value *price = item_price(ctx, in, pfx, f);
    if (!price) return false;
    const char *cur = json_get_str(price, "currency");
    if (out->currency && !str_eq(out->currency, cur)) {
        fail_with(ctx, f, 400, NULL, arena_printf(ctx->a, "%s[price]", pfx),
                  "All line items must use the same currency.");
        return false;
    }
    out->currency = cur;
    if (json_get(price, "recurring") && json_get(price, "recurring")->type == JSON_OBJECT) out->recurring = true;
    json_value *it = item_object(ctx, price, quantity);
    int64_t amount = 0;
    json_int64(json_get(it, "amount_total"), &amount);
    out->subtotal += amount;
    json_push(out->items, it);
    return true;
}

bool checkout_items_build(twin_ctx *ctx, const json_value *in, checkout_items *out, stripe_fail *f)
{
    *out = (checkout_items){.items = json_array(ctx->a)};
    if (!in || (in->type != JSON_ARRAY && in->type != JSON_OBJECT) || !in->len) {
        fail_with(ctx, f, 400, "parameter_missing", "line_items", "Missing required param: line_items.");
        return false;
    }
    size_t i = 0;
    json_foreach(m, in) {
        if (!add_item(ctx, m, arena_printf(ctx->a, "line_items[%zu]", i++), out, f)) return false;
    }
    return true;
}

void checkout_items_save(twin_ctx *ctx, const char *owner_id, const json_value *items)
{
    json_value *doc = json_object(ctx->a);
    json_set_str(ctx->a, doc, "id", owner_id);
    json_set(ctx->a, doc, "data", json_clone(ctx->a, items));
    twin_doc_put(ctx, CHECKOUT_LINE_ITEMS, owner_id, doc, NULL, 0);
}

json_value *checkout_items_load(twin_ctx *ctx, const char *owner_id)
{
    json_value *doc = stripe_get(ctx, CHECKOUT_LINE_ITEMS, owner_id);
    json_value *data = json_get(doc, "data");
    return data && data->type == JSON_ARRAY ? data : json_array(ctx->a);
}

static json_value *items_list(twin_ctx *ctx, const char *owner_id, const char *url, size_t limit)
{
    arena *a = ctx->a;
    json_value *all = checkout_items_load(ctx, owner_id), *data = json_array(a);
    const char *after = twin_arg(ctx, "starting_after");
    bool taking = !after || !*after;
    size_t n = 0;
    bool more = false;
    json_foreach(it, all) {
        if (!taking) {
            taking = str_eq(json_get_str(it, "id"), after);
            continue;
        }
        if (n == limit) {
            more = true;
            break;
        }
        json_push(data, json_clone(a, it));
        n++;
    }
    json_value *list = json_object(a);
    json_set_str(a, list, "object", "list");
    json_set(a, list, "data", data);
    json_set_bool(a, list, "has_more", more);
    json_set_str(a, list, "url", url);
    return list;
}

void checkout_items_send(twin_ctx *ctx, const char *owner_id, const char *url)
{
    int64_t limit = 10;
    if (!stripe_int_param(ctx, "limit", false, &limit, NULL)) return;
    if (limit < 1 || limit > 100) {
        stripe_invalid(ctx, "limit", "parameter_invalid_integer",
                       "Invalid integer: %lld. This value must be between 1 and 100.", (long long)limit);
        return;
    }
    stripe_reply(ctx, 200, items_list(ctx, owner_id, url, (size_t)limit));
}

/* ---- the session object ---- */

static json_value *custom_text(arena *a)
{
    json_value *ct = json_object(a);
    json_set_null(a, ct, "shipping_address");
    json_set_null(a, ct, "submit");
    return ct;
}

static json_value *enabled_false(arena *a, bool with_status)
{
    json_value *o = json_object(a);
    json_set_bool(a, o, "enabled", false);
    if (with_status) json_set_null(a, o, "status");
    return o;
}

static json_value *total_details(arena *a)
{
    json_value *t = json_object(a);
    json_set_int(a, t, "amount_discount", 0);
    json_set_int(a, t, "amount_shipping", 0);
    json_set_int(a, t, "amount_tax", 0);
    return t;
}

static json_value *card_types(arena *a)
{
    json_value *types = json_array(a);
    json_push(types, json_string(a, "card"));
    return types;
}

static void session_nulls(twin_ctx *ctx, json_value *cs)
{
    arena *a = ctx->a;
    static const char *const nulls[] = {"allow_promotion_codes", "billing_address_collection", "cancel_url",
                                        "client_reference_id", "consent", "consent_collection", "currency",
                                        "customer", "customer_details", "customer_email", "invoice", "locale",
                                        "payment_intent", "payment_link", "recovered_from", "setup_intent",
                                        "shipping_address_collection", "shipping_cost", "shipping_details",
                                        "submit_type", "subscription", "success_url", "after_expiration",
                                        "currency_conversion", "payment_method_collection", NULL};
    for (size_t i = 0; nulls[i]; i++) json_set_null(a, cs, nulls[i]);
}

static json_value *session_skeleton(twin_ctx *ctx, const char *mode)
{
    arena *a = ctx->a;
    json_value *cs = json_object(a);
    const char *id = twin_new_id(ctx, "cs_test_", 58);
    json_set_str(a, cs, "id", id);
    json_set_str(a, cs, "object", "checkout.session");
    session_nulls(ctx, cs);
    int64_t now = twin_now(ctx);
    json_set_int(a, cs, "amount_subtotal", 0);
    json_set_int(a, cs, "amount_total", 0);
    json_set(a, cs, "automatic_tax", enabled_false(a, true));
    json_set_int(a, cs, "created", now);
    json_set(a, cs, "custom_fields", json_array(a));
    json_set(a, cs, "custom_text", custom_text(a));
    json_set_str(a, cs, "customer_creation", str_eq(mode, "payment") ? "if_required" : NULL);
    json_set_int(a, cs, "expires_at", now + SESSION_LIFETIME);
    json_set_bool(a, cs, "livemode", false);
    json_set(a, cs, "metadata", json_object(a));
    json_set_str(a, cs, "mode", mode);
    json_set(a, cs, "payment_method_options", json_object(a));
    json_set(a, cs, "payment_method_types", card_types(a));
    json_set_str(a, cs, "payment_status", str_eq(mode, "setup") ? "no_payment_required" : "unpaid");
    json_set(a, cs, "phone_number_collection", enabled_false(a, false));
    json_set(a, cs, "shipping_options", json_array(a));
    json_set_str(a, cs, "status", "open");
    json_set(a, cs, "total_details", total_details(a));
    json_set_str(a, cs, "url", arena_printf(a, "%s/c/pay/%s", checkout_base_url(ctx), id));
    return cs;
}

static void set_amounts(twin_ctx *ctx, json_value *cs, const checkout_items *items)
{
    json_set_int(ctx->a, cs, "amount_subtotal", items->subtotal);
    json_set_int(ctx->a, cs, "amount_total", items->subtotal);
    json_set_str(ctx->a, cs, "currency", items->currency);
}

static void session_save(twin_ctx *ctx, const json_value *cs)
{
    stripe_save(ctx, CHECKOUT_SESSIONS, cs);
}

json_value *checkout_session_from_link(twin_ctx *ctx, const json_value *link)
{
    json_value *items = checkout_items_load(ctx, json_get_str(link, "id"));
    checkout_items ci = {.items = items};
    bool recurring = false;
    json_foreach(it, items) {
        int64_t n = 0;
        json_int64(json_get(it, "amount_total"), &n);
        ci.subtotal += n;
        ci.currency = json_get_str(it, "currency");
        const json_value *rec = json_get(json_get(it, "price"), "recurring");
        if (rec && rec->type == JSON_OBJECT) recurring = true;
    }
    json_value *cs = session_skeleton(ctx, recurring ? "subscription" : "payment");
    set_amounts(ctx, cs, &ci);
    json_set_str(ctx->a, cs, "payment_link", json_get_str(link, "id"));
    json_set(ctx->a, cs, "metadata", json_clone(ctx->a, json_get(link, "metadata")));
    const json_value *ac = json_get(link, "after_completion");
    if (str_eq(json_get_str(ac, "type"), "redirect"))
        json_set_str(ctx->a, cs, "success_url", json_get_str(json_get(ac, "redirect"), "url"));
    checkout_items_save(ctx, json_get_str(cs, "id"), items);
    session_save(ctx, cs);
    return cs;
}

/* ---- expand[]=line_items is answered here; the rest by stripe_send_object ---- */

static bool drop_line_items_expand(twin_ctx *ctx)
{
    bool wanted = false;
    json_value *sources[2] = {ctx->body, ctx->query};
    for (size_t s = 0; s < 2; s++) {
        json_value *e = json_get(sources[s], "expand");
        if (!e) continue;
        if (e->type == JSON_STRING && str_eq(e->str, "line_items")) {
            json_remove(sources[s], "expand");
            wanted = true;
            continue;
        }
        json_value *keep = json_array(ctx->a);
        json_foreach(p, e) {
            if (str_eq(json_str(p), "line_items")) wanted = true;
            else json_push(keep, json_clone(ctx->a, p));
        }
        json_set(ctx->a, sources[s], "expand", keep);
    }
    return wanted;
}

static void send_session(twin_ctx *ctx, json_value *cs)
{
    if (drop_line_items_expand(ctx)) {
        const char *id = json_get_str(cs, "id");
        json_set(ctx->a, cs, "line_items",
                 items_list(ctx, id, arena_printf(ctx->a, "/v1/checkout/sessions/%s/line_items", id), 100));
    }
    stripe_send_object(ctx, 200, cs);
}

/* ---- create ---- */

static bool session_mode(twin_ctx *ctx, const char **mode)
{
    static const char *const modes[] = {"payment", "subscription", "setup", NULL};
    const char *m = twin_arg(ctx, "mode");
    if (!m || !*m) {
        stripe_invalid(ctx, "mode", "parameter_missing", "Missing required param: mode.");
        return false;
    }
    for (size_t i = 0; modes[i]; i++)
        if (str_eq(m, modes[i])) {
            *mode = modes[i];
            return true;
        }
    stripe_invalid(ctx, "mode", NULL, "Invalid mode: must be one of payment, setup, or subscription");
    return false;
}

static bool session_customer(twin_ctx *ctx, json_value *cs)
{
    const char *customer = twin_arg(ctx, "customer"), *email = twin_arg(ctx, "customer_email");
    if (customer && *customer && email && *email) {
        stripe_invalid(ctx, "customer_email", NULL,
                       "You may only specify one of these parameters: customer, customer_email.");
        return false;
    }
    if (customer && *customer) {
        if (!stripe_get(ctx, "customers", customer)) {
            stripe_missing(ctx, "customer", customer, "customer");
            return false;
        }
        json_set_str(ctx->a, cs, "customer", customer);
    }
    if (email && *email) json_set_str(ctx->a, cs, "customer_email", email);
    return true;
}

static bool session_items(twin_ctx *ctx, json_value *cs, const char *mode)
{
    json_value *in = twin_input(ctx, "line_items");
    if (str_eq(mode, "setup") && !in) {
        const char *cur = twin_arg(ctx, "currency");
        if (cur && *cur) json_set_str(ctx->a, cs, "currency", cur);
        return true;
    }
    checkout_items items;
    stripe_fail f;
    if (!checkout_items_build(ctx, in, &items, &f)) {
        stripe_fail_send(ctx, &f);
        return false;
    }
    if (str_eq(mode, "subscription") && !items.recurring) {
        stripe_invalid(ctx, "line_items", NULL,
                       "You must provide at least one recurring price in `subscription` mode when using prices.");
        return false;
    }
    if (str_eq(mode, "payment") && items.recurring) {
        stripe_invalid(ctx, "line_items", NULL,
                       "You must provide at least one recurring price in `subscription` mode when using prices. "
                       "You specified `payment` mode but passed a recurring price.");
        return false;
    }
    set_amounts(ctx, cs, &items);
    checkout_items_save(ctx, json_get_str(cs, "id"), items.items);
    return true;
}

static bool session_types(twin_ctx *ctx, json_value *cs)
{
    json_value *types = twin_input(ctx, "payment_method_types");
    if (!types) return true;
    json_value *out = json_array(ctx->a);
    json_foreach(t, types) {
        if (!str_eq(json_str(t), "card")) {
            stripe_invalid(ctx, "payment_method_types", NULL,
                           "The payment method type provided: %s is invalid. This twin supports: card.",
                           json_str(t) ? json_str(t) : "(object)");
            return false;
        }
        json_push(out, json_string(ctx->a, "card"));
    }
    if (out->len) json_set(ctx->a, cs, "payment_method_types", out);
    return true;
}

/* customer_creation: payment and setup mode only (subscription mode always creates one). */
static bool session_creation(twin_ctx *ctx, json_value *cs, const char *mode)
{
    static const char *const values[] = {"always", "if_required", NULL};
    const char *creation = NULL;
    if (!billing_enum_param(ctx, "customer_creation", values, &creation)) return false;
    if (!creation) return true;
    if (str_eq(mode, "subscription")) {
        stripe_invalid(ctx, "customer_creation", NULL,
                       "`customer_creation` can only be used in `payment` and `setup` mode.");
        return false;
    }
    json_set_str(ctx->a, cs, "customer_creation", creation);
    return true;
}

/* subscription_data[trial_period_days|metadata|description], kept beside the
 * session for the subscription completing it creates. */
static bool session_subscription_data(twin_ctx *ctx, const json_value *cs, const char *mode)
{
    json_value *sd = twin_input(ctx, "subscription_data");
    if (!sd) return true;
    if (!str_eq(mode, "subscription")) {
        stripe_invalid(ctx, "subscription_data", NULL,
                       "You can only specify `subscription_data` in `subscription` mode.");
        return false;
    }
    if (sd->type != JSON_OBJECT) {
        stripe_invalid(ctx, "subscription_data", NULL, "Invalid object");
        return false;
    }
    const char *trial = stripe_sub_str(sd, "trial_period_days");
    if (trial) {
        char *end = NULL;
        long long days = strtoll(trial, &end, 10);
        if (!*trial || *end || days < 1 || days > 730) {
            stripe_invalid(ctx, "subscription_data[trial_period_days]", NULL,
                           "Invalid subscription_data[trial_period_days]: must be an integer between 1 and 730");
            return false;
        }
    }
    json_value *doc = json_object(ctx->a);
    json_set_str(ctx->a, doc, "id", json_get_str(cs, "id"));
    json_set(ctx->a, doc, "subscription_data", json_clone(ctx->a, sd));
    twin_doc_put(ctx, CHECKOUT_EXTRAS, json_get_str(cs, "id"), doc, NULL, 0);
    return true;
}

void stripe_create_checkout_session(twin_ctx *ctx)
{
    const char *mode = NULL;
    if (!session_mode(ctx, &mode)) return;
    json_value *cs = session_skeleton(ctx, mode);
    static const char *const texts[] = {"success_url", "cancel_url", "client_reference_id", "locale",
                                        "submit_type", NULL};
    stripe_copy_strings(ctx, cs, texts);
    if (!session_customer(ctx, cs) || !session_types(ctx, cs) || !stripe_apply_metadata(ctx, cs) ||
        !session_items(ctx, cs, mode))
        return;
    if (!session_creation(ctx, cs, mode) || !session_subscription_data(ctx, cs, mode)) return;
    session_save(ctx, cs);
    send_session(ctx, cs);
}

/* ---- retrieve, list, expire, line items ---- */

void stripe_retrieve_checkout_session(twin_ctx *ctx)
{
    json_value *cs = stripe_load(ctx, CHECKOUT_SESSIONS, "checkout.session", twin_param(ctx, "id"), "session");
    if (cs) send_session(ctx, cs);
}

typedef struct session_filter {
    const char *status, *payment_link;
} session_filter;

static bool filter_session(const json_value *cs, void *data)
{
    const session_filter *f = data;
    if (f->status && !str_eq(json_get_str(cs, "status"), f->status)) return false;
    if (f->payment_link && !str_eq(json_get_str(cs, "payment_link"), f->payment_link)) return false;
    return true;
}

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

void stripe_list_checkout_sessions(twin_ctx *ctx)
{
    session_filter f = {nonempty(twin_arg(ctx, "status")), nonempty(twin_arg(ctx, "payment_link"))};
    listing_query q = {.collection = CHECKOUT_SESSIONS, .newest_first = true};
    const char *customer = nonempty(twin_arg(ctx, "customer")), *pi = nonempty(twin_arg(ctx, "payment_intent"));
    if (customer || pi) {
        q.index_name = customer ? "customer" : "payment_intent";
        q.index_value = customer ? customer : pi;
    }
    if (f.status || f.payment_link) {
        q.filter = filter_session;
        q.filter_data = &f;
    }
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/checkout/sessions", &page);
}

void stripe_expire_checkout_session(twin_ctx *ctx)
{
    json_value *cs = stripe_load(ctx, CHECKOUT_SESSIONS, "checkout.session", twin_param(ctx, "id"), "session");
    if (!cs) return;
    if (!str_eq(json_get_str(cs, "status"), "open")) {
        stripe_invalid(ctx, NULL, NULL, "Only Checkout Sessions with a status in [\"open\"] can be expired.");
        return;
    }
    json_set_str(ctx->a, cs, "status", "expired");
    json_set_null(ctx->a, cs, "url");
    session_save(ctx, cs);
    stripe_emit(ctx, "checkout.session.expired", cs, NULL);
    send_session(ctx, cs);
}

void stripe_list_checkout_line_items(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "id");
    if (!stripe_load(ctx, CHECKOUT_SESSIONS, "checkout.session", id, "session")) return;
    checkout_items_send(ctx, id, arena_printf(ctx->a, "/v1/checkout/sessions/%s/line_items", id));
}
