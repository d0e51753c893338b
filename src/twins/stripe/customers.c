/* Stripe twin: /v1/customers (CRUD, list, search). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "twins/stripe/billing.h"
#include "util/util.h"

static const char *const text_fields[] = {"email", "name", "description", "phone", NULL};

static json_value *invoice_settings(arena *a)
{
    json_value *s = json_object(a);
    json_set_null(a, s, "custom_fields");
    json_set_null(a, s, "default_payment_method");
    json_set_null(a, s, "footer");
    json_set_null(a, s, "rendering_options");
    return s;
}

/* The invoice prefix Stripe derives for each customer: 8 upper-case characters. */
static const char *invoice_prefix(twin_ctx *ctx, const char *id)
{
    char *p = arena_strndup(ctx->a, id + strlen(id) - 8, 8);
    for (char *c = p; *c; c++) *c = isalpha((unsigned char)*c) ? (char)toupper((unsigned char)*c) : 'X';
    return p;
}

json_value *stripe_customer_skeleton(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *c = stripe_new_object(ctx, "customer", "cus_");
    json_set_null(a, c, "address");
    json_set_int(a, c, "balance", 0);
    json_set_int(a, c, "created", twin_now(ctx));
    json_set_null(a, c, "currency");
    json_set_null(a, c, "default_source");
    json_set_bool(a, c, "delinquent", false);
    json_set_null(a, c, "description");
    json_set_null(a, c, "discount");
    json_set_null(a, c, "email");
    json_set_str(a, c, "invoice_prefix", invoice_prefix(ctx, json_get_str(c, "id")));
    json_set(a, c, "invoice_settings", invoice_settings(a));
    json_set_bool(a, c, "livemode", false);
    json_set(a, c, "metadata", json_object(a));
    json_set_null(a, c, "name");
    json_set_int(a, c, "next_invoice_sequence", 1);
    json_set_null(a, c, "phone");
    json_set(a, c, "preferred_locales", json_array(a));
    json_set_null(a, c, "shipping");
    json_set_str(a, c, "tax_exempt", "none");
    json_set_null(a, c, "test_clock");
    return c;
}

/* Fields shared by create and update; false after answering an error.
 * attached: the payment method create just attached (payment_method=...),
 * which invoice_settings[default_payment_method] may name by the same token. */
static bool apply_customer_params(twin_ctx *ctx, json_value *c, const json_value *attached)
{
    arena *a = ctx->a;
    int64_t balance = 0;
    bool has_balance = false;
    if (!stripe_int_param(ctx, "balance", false, &balance, &has_balance) || !stripe_apply_metadata(ctx, c))
        return false;
    if (has_balance) json_set_int(a, c, "balance", balance);
    stripe_copy_strings(ctx, c, text_fields);
    json_value *addr = twin_input(ctx, "address");
    if (addr && addr->type == JSON_OBJECT) json_set(a, c, "address", json_clone(a, addr));
    else if (addr && json_str(addr) && !addr->len) json_set_null(a, c, "address");
    json_value *locales = twin_input(ctx, "preferred_locales");
    if (locales && locales->type == JSON_ARRAY) json_set(a, c, "preferred_locales", json_clone(a, locales));
    const char *tax_exempt = twin_arg(ctx, "tax_exempt");
    if (tax_exempt && *tax_exempt) json_set_str(a, c, "tax_exempt", tax_exempt);
    const char *pm = stripe_sub_str(twin_input(ctx, "invoice_settings"), "default_payment_method");
    if (pm && attached && str_eq(pm, twin_arg(ctx, "payment_method"))) pm = json_get_str(attached, "id");
    if (pm) {
        if (*pm && !stripe_get(ctx, "payment_methods", pm)) {
            stripe_missing(ctx, "PaymentMethod", pm, "invoice_settings[default_payment_method]");
            return false;
        }
        json_value *is = json_get(c, "invoice_settings");
        if (*pm) json_set_str(a, is, "default_payment_method", pm);
        else json_set_null(a, is, "default_payment_method");
    }
    /* coupon / promotion_code: the customer's discount, which its invoices
     * and subscriptions without a discount of their own take. */
    json_value *d = billing_discount_from_request(ctx, json_get_str(c, "id"), NULL, NULL);
    if (!d) return false;
    if (d->type == JSON_OBJECT) json_set(a, c, "discount", d);
    return true;
}

/* test_clock=clock_...: the customer's billing runs on that test clock (create only). */
static bool apply_test_clock(twin_ctx *ctx, json_value *c)
{
    const char *clock = twin_arg(ctx, "test_clock");
    if (!clock || !*clock) return true;
    json_value *doc = stripe_load(ctx, "test_clocks", "test_clock", clock, "test_clock");
    if (!doc) return false;
    json_set_str(ctx->a, c, "test_clock", clock);
    int64_t frozen = 0;
    if (json_int64(json_get(doc, "frozen_time"), &frozen)) json_set_int(ctx->a, c, "created", frozen);
    return true;
}

void stripe_create_customer(twin_ctx *ctx)
{
    json_value *c = stripe_customer_skeleton(ctx);
    if (!apply_test_clock(ctx, c)) return;
    /* payment_method=pm_x (or a test token): attached to the new customer. */
    const char *pm_id = twin_arg(ctx, "payment_method");
    json_value *pm = NULL;
    if (pm_id && *pm_id) {
        pm = stripe_payment_method_from_token(ctx, pm_id, "payment_method");
        if (!pm) return;
        const char *owner = json_get_str(pm, "customer");
        if (owner) {
            stripe_invalid(ctx, "payment_method", NULL,
                           "The payment method you provided has already been attached to a customer.");
            return;
        }
    }
    if (!apply_customer_params(ctx, c, pm)) return;
    stripe_text saved = stripe_save_emit(ctx, "customers", c, "customer.created", NULL);
    if (pm) {
        json_set_str(ctx->a, pm, "customer", json_get_str(c, "id"));
        stripe_save_emit(ctx, "payment_methods", pm, "payment_method.attached", NULL);
    }
    stripe_send_saved(ctx, 200, c, saved);
}

static json_value *deleted_stub(twin_ctx *ctx, const char *id)
{
    json_value *d = json_object(ctx->a);
    json_set_str(ctx->a, d, "id", id);
    json_set_str(ctx->a, d, "object", "customer");
    json_set_bool(ctx->a, d, "deleted", true);
    return d;
}

void stripe_retrieve_customer(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "id");
    if (stripe_send_stored(ctx, "customers", id)) return;
    json_value *c = stripe_get(ctx, "customers", id);
    /* A deleted customer still answers, as Stripe's deleted stub. */
    if (!c && stripe_get(ctx, "deleted_customers", id)) {
        stripe_reply(ctx, 200, deleted_stub(ctx, id));
        return;
    }
    if (!c) {
        stripe_missing(ctx, "customer", id, "id");
        return;
    }
    stripe_send_object(ctx, 200, c);
}

void stripe_update_customer(twin_ctx *ctx)
{
    json_value *c = stripe_load(ctx, "customers", "customer", twin_param(ctx, "id"), "id");
    if (!c) return;
    json_value *before = json_clone(ctx->a, c);
    if (!apply_customer_params(ctx, c, NULL)) return;
    stripe_save(ctx, "customers", c);
    json_value *prev = stripe_diff(ctx, before, c);
    if (prev->len) stripe_emit(ctx, "customer.updated", c, prev);
    stripe_send_object(ctx, 200, c);
}

void stripe_delete_customer(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "id");
    json_value *c = stripe_load(ctx, "customers", "customer", id, "id");
    if (!c) return;
    twin_doc_delete(ctx, "customers", id);
    twin_doc_put(ctx, "deleted_customers", id, deleted_stub(ctx, id), NULL, 0);
    stripe_emit(ctx, "customer.deleted", c, NULL);
    stripe_reply(ctx, 200, deleted_stub(ctx, id));
}

void stripe_list_customers(twin_ctx *ctx)
{
    const char *email = twin_arg(ctx, "email");
    listing_query q = {.collection = "customers", .newest_first = true};
    if (email && *email) {
        q.index_name = "email";
        q.index_value = email;
    }
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/customers", &page);
}

/* ---- search: field:'v', field~'v', metadata['k']:'v', -negation, AND / OR ---- */

typedef struct clause {
    const char *field;      /* "email", "name", "phone", "description", or a metadata key */
    bool metadata;
    bool contains;          /* '~' */
    bool negate;
    const char *value;
} clause;

#define MAX_CLAUSES 10

typedef struct search_query {
    clause c[MAX_CLAUSES];
    size_t n;
    bool any;               /* OR */
} search_query;

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t') p++;
    return p;
}

/* Reads 'text' or "text"; NULL when not a quoted string. */
static const char *read_quoted(arena *a, const char **pp)
{
    const char *p = *pp;
    char q = *p;
    if (q != '\'' && q != '"') return NULL;
    const char *end = strchr(p + 1, q);
    if (!end) return NULL;
    *pp = end + 1;
    return arena_strndup(a, p + 1, (size_t)(end - p - 1));
}

static bool read_clause(arena *a, const char **pp, clause *c)
{
    const char *p = skip_ws(*pp);
    memset(c, 0, sizeof *c);
    if (*p == '-') {
        c->negate = true;
        p++;
    }
    if (strncmp(p, "metadata[", 9) == 0) {
        p += 9;
        c->metadata = true;
        c->field = read_quoted(a, &p);
        if (!c->field || *p++ != ']') return false;
    } else {
        const char *start = p;
        while (isalnum((unsigned char)*p) || *p == '_') p++;
        if (p == start) return false;
        c->field = arena_strndup(a, start, (size_t)(p - start));
    }
    if (*p == '~') c->contains = true;
    else if (*p != ':') return false;
    p++;
    c->value = read_quoted(a, &p);
    if (!c->value) return false;
    *pp = p;
    return true;
}

static bool parse_search(arena *a, const char *q, search_query *out)
{
    memset(out, 0, sizeof *out);
    const char *p = q;
    const char *joiner = NULL;
    for (;;) {
        if (out->n == MAX_CLAUSES || !read_clause(a, &p, &out->c[out->n])) return false;
        out->n++;
        p = skip_ws(p);
        if (!*p) return true;
        const char *word = strncmp(p, "AND ", 4) == 0 ? "AND" : strncmp(p, "OR ", 3) == 0 ? "OR" : NULL;
        if (!word || (joiner && strcmp(joiner, word) != 0)) return false; /* Stripe forbids mixing */
        joiner = word;
        out->any = strcmp(word, "OR") == 0;
        p += strlen(word);
    }
}

static bool clause_matches(const clause *c, const json_value *doc)
{
    const char *have = c->metadata ? json_get_str(json_get(doc, "metadata"), c->field) : json_get_str(doc, c->field);
    bool hit = have && (c->contains ? strcasestr(have, c->value) != NULL : strcasecmp(have, c->value) == 0);
    return hit != c->negate;
}

static bool search_filter(const json_value *doc, void *data)
{
    const search_query *q = data;
    for (size_t i = 0; i < q->n; i++) {
        bool m = clause_matches(&q->c[i], doc);
        if (q->any && m) return true;
        if (!q->any && !m) return false;
    }
    return !q->any;
}

static bool searchable(const clause *c)
{
    static const char *const fields[] = {"email", "name", "phone", "description", NULL};
    if (c->metadata) return true;
    for (size_t i = 0; fields[i]; i++)
        if (strcmp(c->field, fields[i]) == 0) return true;
    return false;
}

void stripe_search_customers(twin_ctx *ctx)
{
    const char *query = NULL;
    if (!stripe_str_param(ctx, "query", true, &query)) return;
    search_query sq;
    if (!parse_search(ctx->a, query, &sq)) {
        stripe_invalid(ctx, "query", NULL,
                       "We were unable to parse your search query. Try using the format `metadata['key']:'value'` "
                       "to query for metadata or `key:'value'` to query for other fields.");
        return;
    }
    for (size_t i = 0; i < sq.n; i++)
        if (!searchable(&sq.c[i])) {
            stripe_invalid(ctx, "query", NULL, "Field `%s` is an unsupported search field for resource `customers`.",
                           sq.c[i].field);
            return;
        }
    int64_t limit = 10, offset = 0;
    bool has_limit = false;
    if (!stripe_int_param(ctx, "limit", false, &limit, &has_limit)) return;
    if (limit < 1 || limit > 100) {
        stripe_invalid(ctx, "limit", "parameter_invalid_integer",
                       "Invalid integer: %lld. This value must be between 1 and 100.", (long long)limit);
        return;
    }
    /* The page token is opaque to clients; here it is the offset of the next page. */
    const char *page = twin_arg(ctx, "page");
    if (page && *page) offset = strtoll(page + (str_starts_with(page, "page_") ? 5 : 0), NULL, 10);
    if (offset < 0) offset = 0;
    listing_query q = {.collection = "customers", .newest_first = true, .filter = search_filter, .filter_data = &sq};
    listing_req all = {.limit = (size_t)-1};
    twin_list hits;
    if (listing_fetch(ctx, &q, &all, &hits) != LISTING_OK) {
        stripe_send_error(ctx, 500, "internal_error", "An unknown error occurred.");
        return;
    }
    arena *a = ctx->a;
    json_value *data = json_array(a);
    size_t from = (size_t)offset < hits.n ? (size_t)offset : hits.n;
    size_t to = from + (size_t)limit < hits.n ? from + (size_t)limit : hits.n;
    for (size_t i = from; i < to; i++) json_push(data, hits.items[i]);
    json_value *res = json_object(a);
    json_set_str(a, res, "object", "search_result");
    json_set(a, res, "data", data);
    json_set_bool(a, res, "has_more", to < hits.n);
    json_set_str(a, res, "next_page", to < hits.n ? arena_printf(a, "page_%zu", to) : NULL);
    json_set_str(a, res, "url", "/v1/customers/search");
    json_set_int(a, res, "total_count", (int64_t)hits.n);
    stripe_reply(ctx, 200, res);
}
