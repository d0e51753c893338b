/* Stripe twin: /v1/balance and /v1/balance_transactions. The balance is the
 * sum of the run's balance transactions (charges in, refunds out), net of fees. */
#include <string.h>

#include "twins/stripe/stripe.h"
#include "util/util.h"

#define MAX_CURRENCIES 16

typedef struct money {
    const char *currency;
    int64_t amount;
} money;

static void add_money(money *m, size_t *n, const char *currency, int64_t amount)
{
    for (size_t i = 0; i < *n; i++)
        if (str_eq(m[i].currency, currency)) {
            m[i].amount += amount;
            return;
        }
    if (*n < MAX_CURRENCIES) m[(*n)++] = (money){currency, amount};
}

static json_value *funds(arena *a, const money *m, size_t n, bool zero)
{
    json_value *arr = json_array(a);
    for (size_t i = 0; i < n; i++) {
        json_value *f = json_object(a);
        json_set_int(a, f, "amount", zero ? 0 : m[i].amount);
        json_set_str(a, f, "currency", m[i].currency);
        json_value *st = json_object(a);
        json_set_int(a, st, "card", zero ? 0 : m[i].amount);
        json_set(a, f, "source_types", st);
        json_push(arr, f);
    }
    return arr;
}

void stripe_retrieve_balance(twin_ctx *ctx)
{
    arena *a = ctx->a;
    twin_list all;
    store_list_opts o = {0};
    money m[MAX_CURRENCIES];
    size_t n = 0;
    if (twin_doc_list(ctx, "balance_transactions", &o, &all) == 0)
        for (size_t i = 0; i < all.n; i++) {
            int64_t net = 0;
            json_int64(json_get(all.items[i], "net"), &net);
            add_money(m, &n, json_get_str(all.items[i], "currency"), net);
        }
    if (!n) add_money(m, &n, "usd", 0);
    json_value *b = json_object(a);
    json_set_str(a, b, "object", "balance");
    json_set(a, b, "available", funds(a, m, n, false));
    json_set_bool(a, b, "livemode", false);
    json_set(a, b, "pending", funds(a, m, n, true));
    stripe_reply(ctx, 200, b);
}

void stripe_retrieve_txn(twin_ctx *ctx)
{
    stripe_retrieve(ctx, "balance_transactions", "balance transaction", "id");
}

static bool filter_type(const json_value *t, void *data)
{
    return str_eq(json_get_str(t, "type"), data);
}

void stripe_list_txns(twin_ctx *ctx)
{
    const char *type = twin_arg(ctx, "type");
    listing_query q = {.collection = "balance_transactions", .newest_first = true};
    if (type && *type) {
        q.filter = filter_type;
        q.filter_data = (void *)type;
    }
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/balance_transactions", &page);
}
