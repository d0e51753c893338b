/* Stripe twin: seeding from seed_config.stripe
 *   {"customers": [{"email","name","description","phone","metadata"}],
 *    "products":  [{"name","description","metadata","prices": [{"currency","unit_amount","recurring":{"interval"}}]}]}
 * Ids come from twin_new_id and the clock is the seeding origin, so the same
 * seed gives byte-identical state in every run. */
#include <string.h>

#include "twins/stripe/stripe.h"
#include "util/util.h"

/* Seed values may be JSON numbers or booleans; Stripe keeps metadata as strings. */
static json_value *string_metadata(arena *a, const json_value *in)
{
    json_value *md = json_object(a);
    json_foreach(m, in) {
        if (m->type == JSON_STRING || m->type == JSON_NUMBER) json_set_str(a, md, m->key, m->str);
        else if (json_is_bool(m)) json_set_str(a, md, m->key, json_truthy(m) ? "true" : "false");
    }
    return md;
}

static int seed_customers(twin_ctx *ctx, const json_value *list, int64_t *n, const char **error)
{
    static const char *const fields[] = {"email", "name", "description", "phone", NULL};
    json_foreach(in, list) {
        if (in->type != JSON_OBJECT) {
            *error = "stripe.customers entries must be objects";
            return -1;
        }
        json_value *c = stripe_customer_skeleton(ctx);
        for (size_t i = 0; fields[i]; i++) {
            const char *v = json_get_str(in, fields[i]);
            if (v) json_set_str(ctx->a, c, fields[i], v);
        }
        json_value *md = json_get(in, "metadata");
        if (md && md->type == JSON_OBJECT) json_set(ctx->a, c, "metadata", string_metadata(ctx->a, md));
        stripe_save(ctx, "customers", c);
        (*n)++;
    }
    return 0;
}

static int seed_products(twin_ctx *ctx, const json_value *list, int64_t *n_products, int64_t *n_prices,
                         const char **error)
{
    json_foreach(in, list) {
        stripe_fail f = {0};
        if (in->type != JSON_OBJECT) {
            *error = "stripe.products entries must be objects";
            return -1;
        }
        json_value *p = stripe_product_build(ctx, in, &f);
        if (!p) {
            *error = arena_printf(ctx->a, "stripe.products: %s", f.e.message);
            return -1;
        }
        (*n_products)++;
        json_foreach(pin, json_get(in, "prices")) {
            if (!stripe_price_build(ctx, pin, json_get_str(p, "id"), "", &f)) {
                *error = arena_printf(ctx->a, "stripe.products[].prices: %s", f.e.message);
                return -1;
            }
            (*n_prices)++;
        }
    }
    return 0;
}

int stripe_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error)
{
    if (!seed || seed->type != JSON_OBJECT) {
        *error = "seed_config.stripe must be an object";
        return -1;
    }
    int64_t customers = 0, products = 0, prices = 0;
    if (seed_customers(ctx, json_get(seed, "customers"), &customers, error) != 0 ||
        seed_products(ctx, json_get(seed, "products"), &products, &prices, error) != 0)
        return -1;
    json_set_int(ctx->a, result, "customers", customers);
    json_set_int(ctx->a, result, "products", products);
    json_set_int(ctx->a, result, "prices", prices);
    return 0;
}
