/* Stripe twin: the dashboard pages (/dashboard/...), read live from the run's
 * store.  Subscriptions and invoices are read from the "subscriptions" and
 * "invoices" collections whoever fills them; an empty state otherwise. */
#include <string.h>

#include "twins/stripe/checkout.h"
#include "util/util.h"

#define MAX_ROWS 100
#define MAX_CURRENCIES 8

static int64_t int_of(const json_value *o, const char *key)
{
    int64_t n = 0;
    json_int64(json_get(o, key), &n);
    return n;
}

static void cell_text(buf *b, const char *s)
{
    buf_puts(b, "<td>");
    page_esc(b, s && *s ? s : "\xe2\x80\x94");
    buf_puts(b, "</td>");
}

static void cell_code(buf *b, const char *s)
{
    buf_puts(b, "<td><code>");
    page_esc(b, s);
    buf_puts(b, "</code></td>");
}

static void cell_money(buf *b, int64_t amount, const char *currency)
{
    buf_puts(b, "<td class=\"num\">");
    page_money(b, amount, currency);
    buf_puts(b, "</td>");
}

static void cell_badge(buf *b, const char *status)
{
    buf_puts(b, "<td>");
    page_badge(b, status);
    buf_puts(b, "</td>");
}

static void cell_date(buf *b, const json_value *o, const char *key)
{
    buf_puts(b, "<td class=\"muted\">");
    if (json_get(o, key) && json_get(o, key)->type == JSON_NUMBER) page_date(b, int_of(o, key));
    else buf_puts(b, "\xe2\x80\x94");
    buf_puts(b, "</td>");
}

/* heads: "|"-separated; a leading '#' right-aligns the column. */
static void table_begin(buf *b, const char *id, const char *heads)
{
    buf_printf(b, "<table id=\"%s\"><thead><tr>", id);
    const char *p = heads;
    while (*p) {
        const char *end = strchr(p, '|');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        bool num = *p == '#';
        buf_printf(b, "<th%s>%.*s</th>", num ? " class=\"num\"" : "", (int)(n - num), p + num);
        p += n + (end ? 1 : 0);
    }
    buf_puts(b, "</tr></thead><tbody>");
}

static void empty_state(buf *b, const char *what)
{
    buf_puts(b, "<div class=\"empty\">No ");
    page_esc(b, what);
    buf_puts(b, " yet.</div>");
}

/* The collection's newest documents, opened as a table (or the empty state
 * when there are none); close with table_end(b, l.n). */
static twin_list table_open(twin_ctx *ctx, buf *b, const char *collection, size_t limit, const char *what,
                            const char *id, const char *heads)
{
    twin_list l = page_docs(ctx, collection, limit);
    if (!l.n) empty_state(b, what);
    else table_begin(b, id, heads);
    return l;
}

static void table_end(buf *b, size_t rows)
{
    if (rows) buf_puts(b, "</tbody></table>");
}

static void dash_send(twin_ctx *ctx, buf *b)
{
    buf_puts(b, "</main>");
    page_end(b);
    page_send(ctx, 200, b);
}

/* ---- payments ---- */

/* The customer's email or name; for a guest (no customer, as Checkout's
 * customer_creation=if_required leaves it), the email on the charge. */
static const char *customer_label(twin_ctx *ctx, const char *id, const json_value *charge)
{
    json_value *c = stripe_get(ctx, "customers", id);
    const char *s = json_get_str(c, "email");
    if (!s) s = json_get_str(c, "name");
    if (!s && !id) s = json_get_str(json_get(charge, "billing_details"), "email");
    return s ? s : id;
}

static const char *card_label(twin_ctx *ctx, const json_value *charge)
{
    const json_value *card = json_get(json_get(charge, "payment_method_details"), "card");
    const char *last4 = json_get_str(card, "last4");
    if (!last4) return NULL;
    return arena_printf(ctx->a, "%s \xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2 %s", json_get_str(card, "brand"),
                        last4);
}

static void intents_table(twin_ctx *ctx, buf *b, size_t limit)
{
    twin_list l = table_open(ctx, b, "payment_intents", limit, "payments", "payments",
                             "#Amount|Status|Customer|Card|Payment intent|Created");
    for (size_t i = 0; i < l.n; i++) {
        const json_value *pi = l.items[i];
        json_value *ch = stripe_get(ctx, "charges", json_get_str(pi, "latest_charge"));
        buf_puts(b, "<tr>");
        cell_money(b, int_of(pi, "amount"), json_get_str(pi, "currency"));
        cell_badge(b, json_get_str(pi, "status"));
        cell_text(b, customer_label(ctx, json_get_str(pi, "customer"), ch));
        cell_text(b, card_label(ctx, ch));
        cell_code(b, json_get_str(pi, "id"));
        cell_date(b, pi, "created");
        buf_puts(b, "</tr>");
    }
    table_end(b, l.n);
}

static void charges_table(twin_ctx *ctx, buf *b)
{
    twin_list l = table_open(ctx, b, "charges", MAX_ROWS, "charges", "charges",
                             "#Amount|Status|Refunded|Card|Charge|Payment intent|Created");
    for (size_t i = 0; i < l.n; i++) {
        const json_value *c = l.items[i];
        buf_puts(b, "<tr>");
        cell_money(b, int_of(c, "amount"), json_get_str(c, "currency"));
        cell_badge(b, json_get_str(c, "status"));
        cell_money(b, int_of(c, "amount_refunded"), json_get_str(c, "currency"));
        cell_text(b, card_label(ctx, c));
        cell_code(b, json_get_str(c, "id"));
        cell_code(b, json_get_str(c, "payment_intent"));
        cell_date(b, c, "created");
        buf_puts(b, "</tr>");
    }
    table_end(b, l.n);
}

void stripe_page_dash_payments(twin_ctx *ctx)
{
    buf b = BUF_INIT;
    page_dash_begin(&b, "Payments", "payments");
    buf_puts(&b, "<h2>Payment intents</h2>");
    intents_table(ctx, &b, MAX_ROWS);
    buf_puts(&b, "<h2>Charges</h2>");
    charges_table(ctx, &b);
    dash_send(ctx, &b);
}

/* ---- balances ---- */

typedef struct money {
    const char *currency;
    int64_t amount;
} money;

static size_t balance_by_currency(twin_ctx *ctx, money *m)
{
    twin_list l = page_docs(ctx, "balance_transactions", 0);
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++) {
        const char *cur = json_get_str(l.items[i], "currency");
        size_t j = 0;
        while (j < n && !str_eq(m[j].currency, cur)) j++;
        if (j == n) {
            if (n == MAX_CURRENCIES) continue;
            m[n++] = (money){cur, 0};
        }
        m[j].amount += int_of(l.items[i], "net");
    }
    return n;
}

static void balance_cards(twin_ctx *ctx, buf *b)
{
    money m[MAX_CURRENCIES];
    size_t n = balance_by_currency(ctx, m);
    buf_puts(b, "<div class=\"cards\">");
    if (!n) buf_puts(b, "<div class=\"card\"><div class=\"k\">Balance</div><div class=\"v\">$0.00</div></div>");
    for (size_t i = 0; i < n; i++) {
        buf_puts(b, "<div class=\"card\" data-testid=\"balance\"><div class=\"k\">Balance</div><div class=\"v\">");
        page_money(b, m[i].amount, m[i].currency);
        buf_puts(b, "</div></div>");
    }
    buf_puts(b, "</div>");
}

void stripe_page_dash_balances(twin_ctx *ctx)
{
    buf b = BUF_INIT;
    page_dash_begin(&b, "Balances", "balances");
    balance_cards(ctx, &b);
    buf_puts(&b, "<h2>Balance transactions</h2>");
    twin_list l = table_open(ctx, &b, "balance_transactions", MAX_ROWS, "balance transactions", "balance-transactions",
                             "Type|#Amount|#Fee|#Net|Source|Transaction|Created");
    for (size_t i = 0; i < l.n; i++) {
        const json_value *t = l.items[i];
        const char *cur = json_get_str(t, "currency");
        buf_puts(&b, "<tr>");
        cell_text(&b, json_get_str(t, "type"));
        cell_money(&b, int_of(t, "amount"), cur);
        cell_money(&b, int_of(t, "fee"), cur);
        cell_money(&b, int_of(t, "net"), cur);
        cell_code(&b, json_get_str(t, "source"));
        cell_code(&b, json_get_str(t, "id"));
        cell_date(&b, t, "created");
        buf_puts(&b, "</tr>");
    }
    table_end(&b, l.n);
    dash_send(ctx, &b);
}

/* ---- customers ---- */

void stripe_page_dash_customers(twin_ctx *ctx)
{
    buf b = BUF_INIT;
    page_dash_begin(&b, "Customers", "customers");
    twin_list l = table_open(ctx, &b, "customers", MAX_ROWS, "customers", "customers",
                             "Name|Email|Payments|Customer|Created");
    for (size_t i = 0; i < l.n; i++) {
        const json_value *c = l.items[i];
        buf_puts(&b, "<tr>");
        cell_text(&b, json_get_str(c, "name"));
        cell_text(&b, json_get_str(c, "email"));
        buf_printf(&b, "<td class=\"num\">%lld</td>",
                   (long long)twin_doc_count(ctx, "payment_intents", "customer", json_get_str(c, "id")));
        cell_code(&b, json_get_str(c, "id"));
        cell_date(&b, c, "created");
        buf_puts(&b, "</tr>");
    }
    table_end(&b, l.n);
    dash_send(ctx, &b);
}

/* ---- products ---- */

static void price_text(buf *b, const json_value *p)
{
    page_money(b, int_of(p, "unit_amount"), json_get_str(p, "currency"));
    const json_value *rec = json_get(p, "recurring");
    if (rec && rec->type == JSON_OBJECT) {
        buf_puts(b, " / ");
        page_esc(b, json_get_str(rec, "interval"));
    }
}

static void product_prices(twin_ctx *ctx, buf *b, const char *product)
{
    twin_list l = {0};
    store_list_opts o = {.limit = 20, .index_name = "product", .index_value = product};
    if (twin_doc_list(ctx, "prices", &o, &l) != 0) l.n = 0;
    buf_puts(b, "<td>");
    for (size_t i = 0; i < l.n; i++) {
        if (i) buf_puts(b, ", ");
        price_text(b, l.items[i]);
    }
    if (!l.n) buf_puts(b, "<span class=\"muted\">No prices</span>");
    buf_puts(b, "</td>");
}

void stripe_page_dash_products(twin_ctx *ctx)
{
    buf b = BUF_INIT;
    page_dash_begin(&b, "Product catalog", "products");
    twin_list l = table_open(ctx, &b, "products", MAX_ROWS, "products", "products",
                             "Name|Prices|Status|Product|Created");
    for (size_t i = 0; i < l.n; i++) {
        const json_value *p = l.items[i];
        buf_puts(&b, "<tr>");
        cell_text(&b, json_get_str(p, "name"));
        product_prices(ctx, &b, json_get_str(p, "id"));
        cell_badge(&b, json_truthy(json_get(p, "active")) ? "active" : "archived");
        cell_code(&b, json_get_str(p, "id"));
        cell_date(&b, p, "created");
        buf_puts(&b, "</tr>");
    }
    table_end(&b, l.n);
    dash_send(ctx, &b);
}

/* ---- subscriptions and invoices (documents in Stripe's shapes) ---- */

/* Sum of the items' unit_amount x quantity. */
static int64_t subscription_amount(const json_value *sub, const char **currency)
{
    int64_t total = 0;
    json_foreach(it, json_get(json_get(sub, "items"), "data")) {
        const json_value *price = json_get(it, "price");
        int64_t q = int_of(it, "quantity");
        total += int_of(price, "unit_amount") * (q ? q : 1);
        *currency = json_get_str(price, "currency");
    }
    return total;
}

void stripe_page_dash_subscriptions(twin_ctx *ctx)
{
    buf b = BUF_INIT;
    page_dash_begin(&b, "Subscriptions", "subscriptions");
    twin_list l = table_open(ctx, &b, "subscriptions", MAX_ROWS, "subscriptions", "subscriptions",
                             "Customer|Status|#Amount|Current period end|Subscription|Created");
    for (size_t i = 0; i < l.n; i++) {
        const json_value *s = l.items[i];
        const char *cur = json_get_str(s, "currency");
        int64_t amount = subscription_amount(s, &cur);
        buf_puts(&b, "<tr>");
        cell_text(&b, customer_label(ctx, json_get_str(s, "customer"), NULL));
        cell_badge(&b, json_get_str(s, "status"));
        cell_money(&b, amount, cur);
        cell_date(&b, s, "current_period_end");
        cell_code(&b, json_get_str(s, "id"));
        cell_date(&b, s, "created");
        buf_puts(&b, "</tr>");
    }
    table_end(&b, l.n);
    dash_send(ctx, &b);
}

void stripe_page_dash_invoices(twin_ctx *ctx)
{
    buf b = BUF_INIT;
    page_dash_begin(&b, "Invoices", "invoices");
    twin_list l = table_open(ctx, &b, "invoices", MAX_ROWS, "invoices", "invoices",
                             "Number|Customer|Status|#Amount due|#Amount paid|Invoice|Created");
    for (size_t i = 0; i < l.n; i++) {
        const json_value *inv = l.items[i];
        const char *cur = json_get_str(inv, "currency");
        buf_puts(&b, "<tr>");
        cell_text(&b, json_get_str(inv, "number"));
        cell_text(&b, customer_label(ctx, json_get_str(inv, "customer"), NULL));
        cell_badge(&b, json_get_str(inv, "status"));
        cell_money(&b, int_of(inv, "amount_due"), cur);
        cell_money(&b, int_of(inv, "amount_paid"), cur);
        cell_code(&b, json_get_str(inv, "id"));
        cell_date(&b, inv, "created");
        buf_puts(&b, "</tr>");
    }
    table_end(&b, l.n);
    dash_send(ctx, &b);
}

/* ---- home ---- */

static void count_card(twin_ctx *ctx, buf *b, const char *label, const char *collection, const char *href)
{
    buf_printf(b, "<a class=\"card\" href=\"%s\"><div class=\"k\">%s</div><div class=\"v\">%lld</div></a>", href,
               label, (long long)twin_doc_count(ctx, collection, NULL, NULL));
}

static void volume_card(twin_ctx *ctx, buf *b)
{
    twin_list l = page_docs(ctx, "payment_intents", 0);
    int64_t total = 0;
    const char *cur = "usd";
    for (size_t i = 0; i < l.n; i++) {
        if (!str_eq(json_get_str(l.items[i], "status"), "succeeded")) continue;
        total += int_of(l.items[i], "amount_received");
        cur = json_get_str(l.items[i], "currency");
    }
    buf_puts(b, "<div class=\"card\"><div class=\"k\">Gross volume</div><div class=\"v\">");
    page_money(b, total, cur);
    buf_puts(b, "</div></div>");
}

void stripe_page_dashboard(twin_ctx *ctx)
{
    buf b = BUF_INIT;
    page_dash_begin(&b, "Home", "home");
    balance_cards(ctx, &b);
    buf_puts(&b, "<h2>Overview</h2><div class=\"cards\">");
    volume_card(ctx, &b);
    count_card(ctx, &b, "Payments", "payment_intents", "/dashboard/payments");
    count_card(ctx, &b, "Customers", "customers", "/dashboard/customers");
    count_card(ctx, &b, "Products", "products", "/dashboard/products");
    count_card(ctx, &b, "Subscriptions", "subscriptions", "/dashboard/subscriptions");
    count_card(ctx, &b, "Invoices", "invoices", "/dashboard/invoices");
    count_card(ctx, &b, "Checkout sessions", CHECKOUT_SESSIONS, "/dashboard/payments");
    buf_puts(&b, "</div><h2>Recent payments</h2>");
    intents_table(ctx, &b, 10);
    dash_send(ctx, &b);
}
