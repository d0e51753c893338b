/* Stripe twin: /v1/prices (one-off and recurring). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "twins/stripe/stripe.h"
#include "util/util.h"

static const char *pname(twin_ctx *ctx, const char *prefix, const char *name)
{
    return *prefix ? arena_printf(ctx->a, "%s[%s]", prefix, name) : name;
}

static bool fail_with(stripe_fail *f, int status, const char *code, const char *param, const char *msg)
{
    *f = (stripe_fail){.status = status, .e = {.code = code, .param = param, .message = msg}};
    return false;
}

/* Integer member of a parameter object; absent leaves *out alone. */
static bool obj_int(twin_ctx *ctx, const json_value *in, const char *name, const char *prefix, int64_t *out,
                    bool *present, stripe_fail *f)
{
    const char *s = stripe_sub_str(in, name);
    *present = json_get(in, name) != NULL;
    if (!*present) return true;
    char *end = NULL;
    errno = 0;
    long long n = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || errno)
        return fail_with(f, 400, "parameter_invalid_integer", pname(ctx, prefix, name),
                         arena_printf(ctx->a, "Invalid integer: %s", s ? s : "(object)"));
    *out = n;
    return true;
}

static bool valid_currency(const char *c)
{
    if (!c || strlen(c) != 3) return false;
    for (const char *p = c; *p; p++)
        if (!isalpha((unsigned char)*p)) return false;
    return true;
}

static const char *lower(arena *a, const char *s)
{
    return str_to_lower(arena_strdup(a, s));
}

static bool build_recurring(twin_ctx *ctx, json_value *price, const json_value *rec, const char *prefix,
                            stripe_fail *f)
{
    arena *a = ctx->a;
    const char *rp = pname(ctx, prefix, "recurring");
    const char *interval = stripe_sub_str(rec, "interval");
    if (!interval) return fail_with(f, 400, "parameter_missing", arena_printf(a, "%s[interval]", rp),
                                    arena_printf(a, "Missing required param: %s[interval].", rp));
    if (strcmp(interval, "day") && strcmp(interval, "week") && strcmp(interval, "month") && strcmp(interval, "year"))
        return fail_with(f, 400, NULL, arena_printf(a, "%s[interval]", rp),
                         arena_printf(a, "Invalid %s[interval]: must be one of day, month, week, or year", rp));
    int64_t count = 1, trial = 0;
    bool has_count, has_trial;
    if (!obj_int(ctx, rec, "interval_count", rp, &count, &has_count, f) ||
        !obj_int(ctx, rec, "trial_period_days", rp, &trial, &has_trial, f))
        return false;
    const char *usage = stripe_sub_str(rec, "usage_type");
    json_value *r = json_object(a);
    json_set_null(a, r, "aggregate_usage");
    json_set_str(a, r, "interval", interval);
    json_set_int(a, r, "interval_count", count);
    if (has_trial) json_set_int(a, r, "trial_period_days", trial);
    else json_set_null(a, r, "trial_period_days");
    json_set_str(a, r, "usage_type", usage && *usage ? usage : "licensed");
    json_set(a, price, "recurring", r);
    json_set_str(a, price, "type", "recurring");
    return true;
}

static json_value *price_skeleton(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *p = stripe_new_object(ctx, "price", "price_");
    json_set_bool(a, p, "active", true);
    json_set_str(a, p, "billing_scheme", "per_unit");
    json_set_int(a, p, "created", twin_now(ctx));
    json_set_null(a, p, "currency");
    json_set_null(a, p, "custom_unit_amount");
    json_set_bool(a, p, "livemode", false);
    json_set_null(a, p, "lookup_key");
    json_set(a, p, "metadata", json_object(a));
    json_set_null(a, p, "nickname");
    json_set_null(a, p, "product");
    json_set_null(a, p, "recurring");
    json_set_str(a, p, "tax_behavior", "unspecified");
    json_set_null(a, p, "tiers_mode");
    json_set_null(a, p, "transform_quantity");
    json_set_str(a, p, "type", "one_time");
    json_set_null(a, p, "unit_amount");
    json_set_null(a, p, "unit_amount_decimal");
    return p;
}

static bool build_amount(twin_ctx *ctx, json_value *p, const json_value *in, const char *prefix, stripe_fail *f)
{
    int64_t amount = 0;
    bool has_amount;
    if (!obj_int(ctx, in, "unit_amount", prefix, &amount, &has_amount, f)) return false;
    const char *dec = stripe_sub_str(in, "unit_amount_decimal");
    if (!has_amount && dec) {
        char *end = NULL;
        double d = strtod(dec, &end);
        if (!*dec || *end || d < 0)
            return fail_with(f, 400, "parameter_invalid_decimal", pname(ctx, prefix, "unit_amount_decimal"),
                             arena_printf(ctx->a, "Invalid decimal: %s", dec));
        json_set_str(ctx->a, p, "unit_amount_decimal", dec);
        if (d == (double)(int64_t)d) json_set_int(ctx->a, p, "unit_amount", (int64_t)d);
        return true;
    }
    if (!has_amount)
        return fail_with(f, 400, "parameter_missing", pname(ctx, prefix, "unit_amount"),
                         arena_printf(ctx->a, "Missing required param: %s.", pname(ctx, prefix, "unit_amount")));
    if (amount < 0)
        return fail_with(f, 400, "parameter_invalid_integer", pname(ctx, prefix, "unit_amount"),
                         "This value must be greater than or equal to 0.");
    json_set_int(ctx->a, p, "unit_amount", amount);
    json_set_str(ctx->a, p, "unit_amount_decimal", arena_printf(ctx->a, "%lld", (long long)amount));
    return true;
}

json_value *stripe_price_build(twin_ctx *ctx, const json_value *in, const char *product_id,
                               const char *param_prefix, stripe_fail *f)
{
    arena *a = ctx->a;
    const char *currency = stripe_sub_str(in, "currency");
    if (!currency || !*currency) {
        const char *pn = pname(ctx, param_prefix, "currency");
        fail_with(f, 400, "parameter_missing", pn, arena_printf(a, "Missing required param: %s.", pn));
        return NULL;
    }
    if (!valid_currency(currency)) {
        fail_with(f, 400, NULL, pname(ctx, param_prefix, "currency"),
                  arena_printf(a, "Invalid currency: %s. Stripe currently supports these currencies: usd, eur, gbp, ...",
                               currency));
        return NULL;
    }
    json_value *p = price_skeleton(ctx);
    json_set_str(a, p, "currency", lower(a, currency));
    json_set_str(a, p, "product", product_id);
    if (!build_amount(ctx, p, in, param_prefix, f)) return NULL;
    const json_value *rec = json_get(in, "recurring");
    if (rec && rec->type == JSON_OBJECT && !build_recurring(ctx, p, rec, param_prefix, f)) return NULL;
    static const char *const texts[] = {"nickname", "lookup_key", "tax_behavior", NULL};
    for (size_t i = 0; texts[i]; i++) {
        const char *v = stripe_sub_str(in, texts[i]);
        if (v && *v) json_set_str(a, p, texts[i], v);
    }
    const char *active = stripe_sub_str(in, "active");
    if (active) json_set_bool(a, p, "active", !str_eq(active, "false"));
    json_value *md = json_get(in, "metadata");
    if (md && md->type == JSON_OBJECT) json_set(a, p, "metadata", json_clone(a, md));
    stripe_save_emit(ctx, "prices", p, "price.created", NULL);
    return p;
}

/* product=prod_x, or product_data[name]=... which creates the product inline. */
static const char *price_product(twin_ctx *ctx, stripe_fail *f)
{
    const char *product = twin_arg(ctx, "product");
    json_value *pdata = twin_input(ctx, "product_data");
    if (product && *product) {
        if (stripe_get(ctx, "products", product)) return product;
        *f = (stripe_fail){.status = 404,
                           .e = {.code = "resource_missing",
                                 .param = "product",
                                 .message = arena_printf(ctx->a, "No such product: '%s'", product)}};
        return NULL;
    }
    if (pdata && pdata->type == JSON_OBJECT) {
        json_value *prod = stripe_product_build(ctx, pdata, f);
        return prod ? json_get_str(prod, "id") : NULL;
    }
    fail_with(f, 400, "parameter_missing", "product", "Missing required param: product.");
    return NULL;
}

void stripe_create_price(twin_ctx *ctx)
{
    stripe_fail f;
    const char *product = price_product(ctx, &f);
    json_value *p = product ? stripe_price_build(ctx, ctx->body, product, "", &f) : NULL;
    if (!p) {
        stripe_fail_send(ctx, &f);
        return;
    }
    stripe_send_object(ctx, 200, p);
}

void stripe_retrieve_price(twin_ctx *ctx)
{
    stripe_retrieve(ctx, "prices", "price", "id");
}

void stripe_update_price(twin_ctx *ctx)
{
    json_value *p = stripe_load(ctx, "prices", "price", twin_param(ctx, "id"), "id");
    if (!p) return;
    json_value *before = json_clone(ctx->a, p);
    bool active, has_active;
    if (!stripe_bool_param(ctx, "active", &active, &has_active) || !stripe_apply_metadata(ctx, p)) return;
    if (has_active) json_set_bool(ctx->a, p, "active", active);
    static const char *const texts[] = {"nickname", "lookup_key", "tax_behavior", NULL};
    stripe_copy_strings(ctx, p, texts);
    stripe_save(ctx, "prices", p);
    json_value *prev = stripe_diff(ctx, before, p);
    if (prev->len) stripe_emit(ctx, "price.updated", p, prev);
    stripe_send_object(ctx, 200, p);
}

typedef struct price_filter {
    const char *active, *type, *currency;
} price_filter;

static bool filter_price(const json_value *p, void *data)
{
    const price_filter *f = data;
    if (f->active && json_truthy(json_get(p, "active")) != str_eq(f->active, "true")) return false;
    if (f->type && !str_eq(json_get_str(p, "type"), f->type)) return false;
    if (f->currency && !str_eq(json_get_str(p, "currency"), f->currency)) return false;
    return true;
}

void stripe_list_prices(twin_ctx *ctx)
{
    price_filter f = {twin_arg(ctx, "active"), twin_arg(ctx, "type"), twin_arg(ctx, "currency")};
    listing_query q = {.collection = "prices", .newest_first = true};
    const char *product = twin_arg(ctx, "product");
    if (product && *product) {
        q.index_name = "product";
        q.index_value = product;
    }
    if (f.active || f.type || f.currency) {
        q.filter = filter_price;
        q.filter_data = &f;
    }
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/prices", &page);
}
