/* Stripe twin: /v1/test_helpers/test_clocks.  A clock gives its customers'
 * billing objects a frozen "now"; advancing it runs what would have happened
 * in between (trial ends, renewals with their invoices and payments).
 * Advancing is asynchronous in Stripe: the answer says "advancing" and the
 * clock is "ready" (with test_helpers.test_clock.ready) once the work is
 * done, which here is before the answer leaves. */
#include <string.h>

#include "twins/stripe/billing.h"
#include "util/util.h"

#define COLL "test_clocks"
#define DELETES_AFTER (30 * 24 * 60 * 60)

int64_t billing_now(twin_ctx *ctx, const char *test_clock)
{
    json_value *clock = test_clock ? stripe_get(ctx, COLL, test_clock) : NULL;
    return clock ? billing_int(clock, "frozen_time") : stripe_now(ctx);
}

const char *billing_customer_clock(twin_ctx *ctx, const char *customer)
{
    json_value *c = customer ? stripe_get(ctx, "customers", customer) : NULL;
    return c ? json_get_str(c, "test_clock") : NULL;
}

void stripe_create_test_clock(twin_ctx *ctx)
{
    int64_t frozen = 0;
    if (!stripe_int_param(ctx, "frozen_time", true, &frozen, NULL)) return;
    arena *a = ctx->a;
    json_value *c = stripe_new_object(ctx, "test_helpers.test_clock", "clock_");
    int64_t now = twin_now(ctx);
    json_set_int(a, c, "created", now);
    json_set_int(a, c, "deletes_after", now + DELETES_AFTER);
    json_set_int(a, c, "frozen_time", frozen);
    json_set_bool(a, c, "livemode", false);
    json_set_str(a, c, "name", twin_arg(ctx, "name"));
    json_set_str(a, c, "status", "ready");
    stripe_send_saved(ctx, 200, c, billing_save_emit(ctx, COLL, c, "test_helpers.test_clock.created", NULL));
}

void stripe_retrieve_test_clock(twin_ctx *ctx)
{
    stripe_retrieve(ctx, COLL, "test_clock", "test_clock");
}

void stripe_list_test_clocks(twin_ctx *ctx)
{
    billing_send_list(ctx, COLL, "/v1/test_helpers/test_clocks", NULL, NULL);
}

void stripe_delete_test_clock(twin_ctx *ctx)
{
    json_value *c = stripe_load(ctx, COLL, "test_clock", twin_param(ctx, "id"), "test_clock");
    if (!c) return;
    const char *id = json_get_str(c, "id");
    twin_doc_delete(ctx, COLL, id);
    stripe_emit(ctx, "test_helpers.test_clock.deleted", c, NULL);
    stripe_reply(ctx, 200, billing_deleted(ctx, id, "test_helpers.test_clock"));
}

void stripe_advance_test_clock(twin_ctx *ctx)
{
    json_value *c = stripe_load(ctx, COLL, "test_clock", twin_param(ctx, "id"), "test_clock");
    int64_t to = 0;
    if (!c || !stripe_int_param(ctx, "frozen_time", true, &to, NULL)) return;
    if (to <= billing_int(c, "frozen_time")) {
        stripe_invalid(ctx, "frozen_time", NULL,
                       "The test clock can only be advanced to a time later than its current frozen_time (%lld).",
                       (long long)billing_int(c, "frozen_time"));
        return;
    }
    arena *a = ctx->a;
    int64_t from = billing_int(c, "frozen_time");
    json_set_int(a, c, "frozen_time", to);
    json_set_str(a, c, "status", "advancing");
    json_value *answer = json_clone(a, c);
    stripe_emit(ctx, "test_helpers.test_clock.advancing", c, NULL);
    billing_save(ctx, COLL, c);
    billing_subscriptions_advance(ctx, c, from, to);
    json_set_str(a, c, "status", "ready");
    billing_save_emit(ctx, COLL, c, "test_helpers.test_clock.ready", NULL);
    stripe_send_object(ctx, 200, answer);
}
