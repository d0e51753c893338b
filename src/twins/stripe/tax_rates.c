/* Stripe twin: /v1/tax_rates (no delete in Stripe: archive with active=false). */
#include <stdlib.h>
#include <string.h>

#include "twins/stripe/billing.h"
#include "util/util.h"

#define COLL "tax_rates"

static const char *const texts[] = {"country", "description", "display_name", "jurisdiction", "state", "tax_type",
                                    NULL};

static bool percentage_param(twin_ctx *ctx, json_value *t)
{
    const char *s = twin_arg(ctx, "percentage");
    if (!s) {
        stripe_invalid(ctx, "percentage", "parameter_missing", "Missing required param: percentage.");
        return false;
    }
    char *end = NULL;
    double d = strtod(s, &end);
    if (!*s || *end || d < 0 || d > 100) {
        stripe_invalid(ctx, "percentage", "parameter_invalid_decimal", "Invalid decimal: %s", s);
        return false;
    }
    json_set(ctx->a, t, "percentage", json_double_value(ctx->a, d));
    json_set(ctx->a, t, "effective_percentage", json_double_value(ctx->a, d));
    return true;
}

json_value *billing_tax_rate_skeleton(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *t = stripe_new_object(ctx, "tax_rate", "txr_");
    json_set_bool(a, t, "active", true);
    json_set_null(a, t, "country");
    json_set_int(a, t, "created", twin_now(ctx));
    json_set_null(a, t, "description");
    json_set_bool(a, t, "inclusive", false);
    json_set_null(a, t, "jurisdiction");
    json_set_bool(a, t, "livemode", false);
    json_set(a, t, "metadata", json_object(a));
    json_set_null(a, t, "state");
    json_set_null(a, t, "tax_type");
    return t;
}

void stripe_create_tax_rate(twin_ctx *ctx)
{
    const char *name = NULL;
    bool inclusive = false, has_inclusive = false, active = true;
    if (!stripe_str_param(ctx, "display_name", true, &name) ||
        !stripe_bool_param(ctx, "inclusive", &inclusive, &has_inclusive) ||
        !stripe_bool_param(ctx, "active", &active, NULL))
        return;
    if (!has_inclusive) {
        stripe_invalid(ctx, "inclusive", "parameter_missing", "Missing required param: inclusive.");
        return;
    }
    json_value *t = billing_tax_rate_skeleton(ctx);
    json_set_bool(ctx->a, t, "active", active);
    json_set_bool(ctx->a, t, "inclusive", inclusive);
    if (!percentage_param(ctx, t) || !stripe_apply_metadata(ctx, t)) return;
    stripe_copy_strings(ctx, t, texts);
    stripe_send_saved(ctx, 200, t, billing_save_emit(ctx, COLL, t, "tax_rate.created", NULL));
}

void stripe_retrieve_tax_rate(twin_ctx *ctx)
{
    stripe_retrieve(ctx, COLL, "tax rate", "tax_rate");
}

void stripe_update_tax_rate(twin_ctx *ctx)
{
    json_value *t = stripe_load(ctx, COLL, "tax rate", twin_param(ctx, "id"), "tax_rate");
    if (!t) return;
    json_value *before = json_clone(ctx->a, t);
    bool active = true, has_active = false;
    if (!stripe_bool_param(ctx, "active", &active, &has_active) || !stripe_apply_metadata(ctx, t)) return;
    if (has_active) json_set_bool(ctx->a, t, "active", active);
    const char *name = twin_arg(ctx, "display_name");
    if (name && !*name) {
        stripe_invalid(ctx, "display_name", NULL, "display_name cannot be blank.");
        return;
    }
    stripe_copy_strings(ctx, t, texts);
    stripe_send_saved(ctx, 200, t, billing_save_changed(ctx, COLL, t, before, "tax_rate.updated"));
}

typedef struct rate_filter {
    const char *active, *inclusive;
} rate_filter;

static bool filter_rate(const json_value *t, void *data)
{
    const rate_filter *f = data;
    if (f->active && json_truthy(json_get(t, "active")) != str_eq(f->active, "true")) return false;
    if (f->inclusive && json_truthy(json_get(t, "inclusive")) != str_eq(f->inclusive, "true")) return false;
    return true;
}

void stripe_list_tax_rates(twin_ctx *ctx)
{
    rate_filter f = {twin_arg(ctx, "active"), twin_arg(ctx, "inclusive")};
    billing_send_list(ctx, COLL, "/v1/tax_rates", filter_rate, &f);
}

json_value *billing_tax_rates_param(twin_ctx *ctx, const char *name)
{
    return billing_tax_rates_from(ctx, twin_input(ctx, name), name);
}

json_value *billing_tax_rates_from(twin_ctx *ctx, const json_value *in, const char *name)
{
    if (!in) return json_null(ctx->a);
    json_value *out = json_array(ctx->a);
    if (in->type == JSON_STRING && !in->len) return out; /* name="" clears */
    if (in->type != JSON_ARRAY) {
        stripe_invalid(ctx, name, NULL, "Invalid array");
        return NULL;
    }
    size_t i = 0;
    json_foreach(v, in) {
        const char *id = json_str(v);
        json_value *t = stripe_load(ctx, COLL, "tax rate", id ? id : "", arena_printf(ctx->a, "%s[%zu]", name, i++));
        if (!t) return NULL;
        json_push(out, t);
    }
    return out;
}
