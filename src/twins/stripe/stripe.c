/* Stripe twin: answers, errors, parameter coercion, storage, expansion. */
#include "twins/stripe/stripe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* ---- answers ---- */

static stripe_req *req_state(twin_ctx *ctx)
{
    return ctx->principal;
}

int64_t stripe_now(twin_ctx *ctx)
{
    stripe_req *st = req_state(ctx);
    return st && st->now_override ? st->now_override : twin_now(ctx);
}

int64_t stripe_override_now(twin_ctx *ctx, int64_t t)
{
    stripe_req *st = req_state(ctx);
    if (!st) return 0;
    int64_t previous = st->now_override;
    st->now_override = t;
    return previous;
}

void stripe_stamp(twin_ctx *ctx)
{
    if (!ctx->req) return;
    stripe_req *st = req_state(ctx);
    const char *rid = st ? st->request_id : NULL;
    if (!rid) {
        char tok[15];
        random_token(tok, 14);
        rid = arena_printf(ctx->a, "req_%s", tok);
    }
    http_set_header(ctx->req, "Request-Id", rid);
    const char *version = http_header_get(ctx->req, "Stripe-Version");
    http_set_header(ctx->req, "Stripe-Version", version && *version ? version : STRIPE_API_VERSION);
}

/* Stripe saves an idempotent result once an endpoint has started executing:
 * successes and card declines, not validation failures or server errors. */
static bool replayable(int status)
{
    return status < 400 || status == 402 || status == 404;
}

/* Answers are written straight into the response buffer, which the
 * connection keeps between requests: no allocation for most answers. */
static buf *reply_begin(twin_ctx *ctx)
{
    if (twin_answer_store_failure(ctx)) return NULL;
    stripe_stamp(ctx);
    buf *out = &ctx->req->resp_body;
    buf_reset(out);
    return out;
}

static void reply_finish(twin_ctx *ctx, int status)
{
    http_request *req = ctx->req;
    buf *out = &req->resp_body;
    stripe_req *st = req_state(ctx);
    if (st && st->idem.armed && replayable(status))
        idempotency_record(ctx, &st->idem, status, "application/json", out->data ? out->data : "", out->len);
    if (twin_answer_store_failure(ctx)) return;
    http_set_status(req, status);
    http_set_header(req, "Content-Type", "application/json");
    http_send(req);
}

void stripe_reply(twin_ctx *ctx, int status, const json_value *body)
{
    buf *out = reply_begin(ctx);
    if (!out) return;
    json_write(out, body);
    reply_finish(ctx, status);
}

static void reply_text(twin_ctx *ctx, int status, stripe_text body)
{
    buf *out = reply_begin(ctx);
    if (!out) return;
    buf_append(out, body.s, body.len);
    reply_finish(ctx, status);
}

/* param as the caller named it: "items[0][price]" sent inside
 * subscription_details is "subscription_details[items][0][price]". */
static const char *caller_param(twin_ctx *ctx, const stripe_req *st, const char *param)
{
    if (!param || !st || !st->nested_in) return param;
    size_t head = strcspn(param, "[");
    const char *name = arena_strndup(ctx->a, param, head);
    if (!json_get(st->nested, name)) return param;
    return arena_printf(ctx->a, "%s[%s]%s", st->nested_in, name, param + head);
}

void stripe_error_send(twin_ctx *ctx, int status, const stripe_error *e)
{
    arena *a = ctx->a;
    stripe_req *st = req_state(ctx);
    json_value *err = json_object(a);
    if (e->charge) json_set_str(a, err, "charge", e->charge);
    if (e->code) json_set_str(a, err, "code", e->code);
    if (e->decline_code) json_set_str(a, err, "decline_code", e->decline_code);
    if (e->code) json_set_str(a, err, "doc_url", arena_printf(a, "https://stripe.com/docs/error-codes/%s", e->code));
    json_set_str(a, err, "message", e->message);
    if (e->param) json_set_str(a, err, "param", caller_param(ctx, st, e->param));
    if (e->payment_intent) json_set(a, err, "payment_intent", json_clone(a, e->payment_intent));
    if (st && st->request_id)
        json_set_str(a, err, "request_log_url",
                     arena_printf(a, "https://dashboard.stripe.com/test/logs/%s", st->request_id));
    json_set_str(a, err, "type", e->type ? e->type : "invalid_request_error");
    json_value *body = json_object(a);
    json_set(a, body, "error", err);
    stripe_reply(ctx, status, body);
}

void stripe_invalid(twin_ctx *ctx, const char *param, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *msg = arena_vprintf(ctx->a, fmt, ap);
    va_end(ap);
    stripe_error_send(ctx, 400, &(stripe_error){.code = code, .param = param, .message = msg});
}

void stripe_fail_send(twin_ctx *ctx, const stripe_fail *f)
{
    stripe_error_send(ctx, f->status ? f->status : 400, &f->e);
}

void stripe_missing(twin_ctx *ctx, const char *noun, const char *id, const char *param)
{
    stripe_error_send(ctx, 404,
                      &(stripe_error){.code = "resource_missing",
                                      .param = param,
                                      .message = arena_printf(ctx->a, "No such %s: '%s'", noun, id)});
}

void stripe_send_error(twin_ctx *ctx, int status, const char *code, const char *message)
{
    stripe_error e = {.type = "invalid_request_error", .message = message};
    if (status >= 500) e.type = "api_error";
    else if (status == 429) e.code = "rate_limit";
    else if (code && strcmp(code, "not_found") != 0 && strcmp(code, "method_not_allowed") != 0 &&
             strcmp(code, "injected_fault") != 0)
        e.code = code;
    stripe_error_send(ctx, status, &e);
}

/* ---- parameters ---- */

/* Leaf text of a parameter: form bodies give strings, JSON bodies may give
 * numbers or booleans. */
static const char *leaf_text(const json_value *v)
{
    if (!v) return NULL;
    switch (v->type) {
    case JSON_STRING:
    case JSON_NUMBER: return v->str;
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    default: return NULL;
    }
}

/* A form value as a JSON string, every byte kept (a %00 inside is data,
 * not the end); booleans as their text.  NULL unless a leaf. */
static json_value *leaf_string(arena *a, const json_value *v)
{
    if (v && (v->type == JSON_STRING || v->type == JSON_NUMBER)) return json_stringn(a, v->str, v->len);
    const char *s = leaf_text(v);
    return s ? json_string(a, s) : NULL;
}

static bool missing(twin_ctx *ctx, const char *name)
{
    stripe_invalid(ctx, name, "parameter_missing", "Missing required param: %s.", name);
    return false;
}

bool stripe_int_text(twin_ctx *ctx, const char *s, const char *param, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long n = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || errno) {
        stripe_invalid(ctx, param, "parameter_invalid_integer", "Invalid integer: %s", s ? s : "(object)");
        return false;
    }
    *out = n;
    return true;
}

bool stripe_int_param(twin_ctx *ctx, const char *name, bool required, int64_t *out, bool *present)
{
    json_value *v = twin_input(ctx, name);
    if (present) *present = v != NULL;
    if (!v) return required ? missing(ctx, name) : true;
    return stripe_int_text(ctx, leaf_text(v), name, out);
}

bool stripe_bool_param(twin_ctx *ctx, const char *name, bool *out, bool *present)
{
    json_value *v = twin_input(ctx, name);
    if (present) *present = v != NULL;
    if (!v) return true;
    const char *s = leaf_text(v);
    if (str_eq(s, "true")) *out = true;
    else if (str_eq(s, "false")) *out = false;
    else {
        stripe_invalid(ctx, name, NULL, "Invalid boolean: %s", s ? s : "(object)");
        return false;
    }
    return true;
}

bool stripe_str_param(twin_ctx *ctx, const char *name, bool required, const char **out)
{
    json_value *v = twin_input(ctx, name);
    const char *s = leaf_text(v);
    if (v && !s) {
        stripe_invalid(ctx, name, NULL, "Invalid string: %s", "(object)");
        return false;
    }
    if (required && (!s || !*s)) return missing(ctx, name);
    *out = s;
    return true;
}

const char *stripe_sub_str(const json_value *obj, const char *key)
{
    return leaf_text(json_get(obj, key));
}

bool stripe_apply_metadata(twin_ctx *ctx, json_value *obj)
{
    arena *a = ctx->a;
    json_value *in = twin_input(ctx, "metadata");
    json_value *md = json_get(obj, "metadata");
    if (!md || md->type != JSON_OBJECT) {
        md = json_object(a);
        json_set(a, obj, "metadata", md);
    }
    if (!in) return true;
    if (in->type == JSON_STRING && in->len == 0) { /* metadata="" clears every key */
        json_set(a, obj, "metadata", json_object(a));
        return true;
    }
    if (in->type != JSON_OBJECT) {
        stripe_invalid(ctx, "metadata", NULL, "Invalid object");
        return false;
    }
    json_foreach(m, in) {
        json_value *val = leaf_string(a, m);
        if (!val) {
            stripe_invalid(ctx, arena_printf(a, "metadata[%s]", m->key), NULL, "Invalid string: (object)");
            return false;
        }
        if (!val->len) json_remove(md, m->key);
        else json_setn(a, md, m->key, m->key_len, val);
    }
    return true;
}

void stripe_copy_strings(twin_ctx *ctx, json_value *obj, const char *const *names)
{
    for (size_t i = 0; names[i]; i++) {
        json_value *s = leaf_string(ctx->a, twin_input(ctx, names[i]));
        if (!s) continue;
        json_set(ctx->a, obj, names[i], s->len ? s : json_null(ctx->a));
    }
}

/* ---- objects and storage ---- */

json_value *stripe_new_object(twin_ctx *ctx, const char *object, const char *id_prefix)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    /* Customer ids are short in Stripe (cus_ + 14); intents, charges and the rest are long. */
    size_t n = strcmp(id_prefix, "cus_") == 0 ? 14 : 24;
    json_set_str(a, o, "id", twin_new_id(ctx, id_prefix, n));
    json_set_str(a, o, "object", object);
    return o;
}

json_value *stripe_get(twin_ctx *ctx, const char *collection, const char *id)
{
    return id && *id ? twin_doc_get(ctx, collection, id) : NULL;
}

bool stripe_status_is(const json_value *obj, const char *status)
{
    return str_eq(json_get_str(obj, "status"), status);
}

json_value *stripe_load(twin_ctx *ctx, const char *collection, const char *noun, const char *id,
                        const char *param)
{
    json_value *doc = stripe_get(ctx, collection, id);
    if (!doc) stripe_missing(ctx, noun, id ? id : "", param);
    return doc;
}

/* Secondary indexes every list filter uses; a member absent or null is not indexed. */
static const char *const indexed_members[] = {"customer", "email", "type", "product", "payment_intent", "charge",
                                              NULL};

stripe_text stripe_save(twin_ctx *ctx, const char *collection, const json_value *obj)
{
    return stripe_save_indexed(ctx, collection, obj, indexed_members);
}

stripe_text stripe_save_indexed(twin_ctx *ctx, const char *collection, const json_value *obj,
                                const char *const *members)
{
    enum { MAX_INDEXED = 8 };
    store_index idx[MAX_INDEXED];
    size_t n = 0;
    for (size_t i = 0; members[i]; i++) {
        /* A longer member list is a programming error, not data to drop. */
        if (i == MAX_INDEXED) abort();
        const char *v = json_get_str(obj, members[i]);
        if (v) idx[n++] = (store_index){members[i], v};
    }
    stripe_text t;
    t.s = json_to_string(ctx->a, obj, &t.len);
    twin_doc_put_text(ctx, collection, json_get_str(obj, "id"), t.s, t.len, idx, n);
    return t;
}

json_value *stripe_diff(twin_ctx *ctx, const json_value *before, const json_value *after)
{
    json_value *prev = json_object(ctx->a);
    json_foreach(m, before) {
        const json_value *now = json_get(after, m->key);
        if (!now || !json_equal(m, now)) json_set(ctx->a, prev, m->key, json_clone(ctx->a, m));
    }
    json_foreach(m, after) {
        if (!json_get(before, m->key)) json_set_null(ctx->a, prev, m->key);
    }
    return prev;
}

/* ---- expansion ---- */

static const struct {
    const char *prefix, *collection;
} kinds[] = {
    {"cus_", "customers"},      {"pi_", "payment_intents"},       {"ch_", "charges"},
    {"py_", "charges"},         {"pm_", "payment_methods"},       {"prod_", "products"},
    {"price_", "prices"},       {"txn_", "balance_transactions"}, {"re_", "refunds"},
    {"evt_", "events"},         {"we_", "webhook_endpoints"},
    /* billing (billing.h) */
    /* sub_sched_ before sub_: the longer prefix decides. */
    {"sub_sched_", "subscription_schedules"},
    {"in_", "invoices"},        {"sub_", "subscriptions"},        {"seti_", "setup_intents"},
    {"ii_", "invoiceitems"},    {"clock_", "test_clocks"},        {"txr_", "tax_rates"},
    {"si_", "subscription_items"}, {"cn_", "credit_notes"},       {"promo_", "promotion_codes"},
    /* disputes and files (extra_routes.h) */
    {"dp_", "disputes"},        {"file_", "files"},               {"link_", "file_links"},
};

static const char *collection_for_id(const char *id)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (str_starts_with(id, kinds[i].prefix)) return kinds[i].collection;
    return NULL;
}

/* Members Stripe lets clients expand; anything else is refused even when null. */
static const char *const expandable[] = {
    "customer",   "payment_intent", "latest_charge", "charge",       "payment_method", "balance_transaction",
    "product",    "default_price",  "invoice",       "default_source", "source",       "test_clock",
    "review",     "application",    "on_behalf_of",  "default_payment_method", "failure_balance_transaction",
    "price",      "invoice_settings", "latest_invoice", "subscription", "pending_setup_intent", "promotion_code",
    "invoice_item", "subscription_item", "file", "setup_intent", "schedule", NULL};

static bool is_expandable(const char *name)
{
    for (size_t i = 0; expandable[i]; i++)
        if (strcmp(expandable[i], name) == 0) return true;
    return false;
}

static bool cannot_expand(twin_ctx *ctx, const char *path)
{
    stripe_invalid(ctx, "expand", NULL, "This property cannot be expanded (%s).", path);
    return false;
}

static bool expand_in(twin_ctx *ctx, json_value *obj, const char *path, const char *full)
{
    const char *dot = strchr(path, '.');
    char *head = dot ? arena_strndup(ctx->a, path, (size_t)(dot - path)) : (char *)path;
    json_value *v = obj && obj->type == JSON_OBJECT ? json_get(obj, head) : NULL;
    if (!v || !is_expandable(head)) return cannot_expand(ctx, full);
    if (v->type == JSON_NULL) return true;
    if (v->type == JSON_STRING) {
        const char *collection = collection_for_id(v->str);
        if (!collection) return cannot_expand(ctx, full);
        json_value *target = twin_doc_get(ctx, collection, v->str);
        if (!target) return true; /* dangling reference stays an id */
        json_remove(target, "secret");
        json_set(ctx->a, obj, head, target);
        v = target;
    } else if (v->type != JSON_OBJECT || !dot) {
        return dot ? cannot_expand(ctx, full) : true;
    }
    return dot ? expand_in(ctx, v, dot + 1, full) : true;
}

bool stripe_expand_path(twin_ctx *ctx, json_value *obj, const char *path)
{
    return expand_in(ctx, obj, path, path);
}

static json_value *expand_list(const twin_ctx *ctx)
{
    json_value *e = twin_input(ctx, "expand");
    if (e && e->type == JSON_STRING) { /* a single expand=x */
        json_value *arr = json_array(ctx->a);
        json_push(arr, json_clone(ctx->a, e));
        return arr;
    }
    if (e && e->type == JSON_OBJECT) { /* expand[0]=..&expand[1]=.. decoded as an object */
        json_value *arr = json_array(ctx->a);
        json_foreach(m, e) json_push(arr, json_clone(ctx->a, m));
        return arr;
    }
    return e && e->type == JSON_ARRAY ? e : NULL;
}

static bool expands_anything(const twin_ctx *ctx)
{
    json_foreach(p, expand_list(ctx)) if (p->type == JSON_STRING) return true;
    return false;
}

void stripe_send_object(twin_ctx *ctx, int status, json_value *obj)
{
    json_foreach(p, expand_list(ctx)) {
        if (p->type != JSON_STRING) continue;
        if (!stripe_expand_path(ctx, obj, p->str)) return;
    }
    stripe_reply(ctx, status, obj);
}

void stripe_send_saved(twin_ctx *ctx, int status, json_value *obj, stripe_text saved)
{
    if (expands_anything(ctx)) stripe_send_object(ctx, status, obj);
    else reply_text(ctx, status, saved);
}

bool stripe_send_stored(twin_ctx *ctx, const char *collection, const char *id)
{
    if (!id || !*id || expands_anything(ctx)) return false;
    stripe_text t;
    t.s = twin_doc_get_text(ctx, collection, id, &t.len);
    if (!t.s) return false;
    reply_text(ctx, 200, t);
    return true;
}

void stripe_retrieve(twin_ctx *ctx, const char *collection, const char *noun, const char *param)
{
    const char *id = twin_param(ctx, "id");
    if (expands_anything(ctx)) {
        json_value *obj = stripe_load(ctx, collection, noun, id, param);
        if (obj) stripe_send_object(ctx, 200, obj);
        return;
    }
    /* One read: absent (or a store failure, which stripe_missing turns into
     * the 500) needs no second look. */
    if (!stripe_send_stored(ctx, collection, id)) stripe_missing(ctx, noun, id ? id : "", param);
}

/* ---- lists ---- */

bool stripe_list_fetch(twin_ctx *ctx, const listing_query *q, twin_list *out)
{
    listing_req r;
    listing_status s = listing_parse(ctx, 10, 100, &r);
    if (s == LISTING_OK) s = listing_fetch(ctx, q, &r, out);
    switch (s) {
    case LISTING_OK: return true;
    case LISTING_BAD_LIMIT:
        stripe_invalid(ctx, "limit", "parameter_invalid_integer",
                       "Invalid integer: %s. This value must be between 1 and 100.", r.bad_value);
        return false;
    case LISTING_BOTH_CURSORS:
        stripe_invalid(ctx, "starting_after", NULL,
                       "You may only specify one of these parameters: ending_before, starting_after.");
        return false;
    case LISTING_UNKNOWN_CURSOR: {
        bool after = r.starting_after != NULL;
        const char *id = after ? r.starting_after : r.ending_before;
        /* "customers" -> "customer", as Stripe names the missing object. */
        size_t nl = strlen(q->collection);
        const char *noun = arena_strndup(ctx->a, q->collection, nl && q->collection[nl - 1] == 's' ? nl - 1 : nl);
        stripe_error_send(ctx, 404,
                          &(stripe_error){.code = "resource_missing",
                                          .param = after ? "starting_after" : "ending_before",
                                          .message = arena_printf(ctx->a, "No such %s: '%s'", noun, id)});
        return false;
    }
    default:
        stripe_send_error(ctx, 500, "internal_error", "An unknown error occurred.");
        return false;
    }
}

void stripe_send_list(twin_ctx *ctx, const char *url, const twin_list *page)
{
    arena *a = ctx->a;
    json_value *data = json_array(a);
    for (size_t i = 0; i < page->n; i++) {
        json_remove(page->items[i], "secret");
        json_push(data, page->items[i]);
    }
    json_foreach(p, expand_list(ctx)) {
        if (p->type != JSON_STRING) continue;
        if (!str_starts_with(p->str, "data.")) {
            cannot_expand(ctx, p->str);
            return;
        }
        json_foreach(item, data) if (!stripe_expand_path(ctx, item, p->str + 5)) return;
    }
    json_value *list = json_object(a);
    json_set_str(a, list, "object", "list");
    json_set(a, list, "data", data);
    json_set_bool(a, list, "has_more", page->has_more);
    json_set_str(a, list, "url", url);
    stripe_reply(ctx, 200, list);
}
