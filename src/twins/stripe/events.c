/* Stripe twin: the event log (/v1/events) and webhook fan-out. */
#include <string.h>

#include "engine/webhooks.h"
#include "twins/stripe/stripe.h"
#include "util/util.h"

static bool endpoint_wants(const json_value *we, const char *type)
{
    if (!str_eq(json_get_str(we, "status"), "enabled")) return false;
    json_foreach(e, json_get(we, "enabled_events")) {
        const char *s = json_str(e);
        if (str_eq(s, "*") || str_eq(s, type)) return true;
    }
    return false;
}

/* The enabled endpoints registered through the API.  A request that emits
 * several events (an invoice paid, a clock advanced) reads them once; outside
 * a request (no request state) each event reads them. */
static const twin_list *enabled_endpoints(twin_ctx *ctx)
{
    stripe_req *st = ctx->principal;
    if (st && st->endpoints) return st->endpoints;
    twin_list *l = arena_zalloc(ctx->a, sizeof *l);
    store_list_opts o = {0};
    if (twin_doc_list(ctx, "webhook_endpoints", &o, l) != 0) l->n = 0;
    size_t kept = 0;
    for (size_t i = 0; i < l->n; i++)
        if (str_eq(json_get_str(l->items[i], "status"), "enabled")) l->items[kept++] = l->items[i];
    l->n = kept;
    if (st) st->endpoints = l;
    return l;
}

void stripe_endpoints_changed(twin_ctx *ctx)
{
    stripe_req *st = ctx->principal;
    if (st) st->endpoints = NULL;
}

/* The enabled endpoints that take this event type. */
static twin_list subscribed_endpoints(twin_ctx *ctx, const char *type)
{
    const twin_list *all = enabled_endpoints(ctx);
    twin_list out = {.items = arena_alloc(ctx->a, sizeof *out.items * (all->n + 1))};
    for (size_t i = 0; i < all->n; i++)
        if (endpoint_wants(all->items[i], type)) out.items[out.n++] = all->items[i];
    return out;
}

/* Each subscribed endpoint, then the run's default one (url, configured with
 * POST /admin/config {"webhook_url": ...}) when set. */
static void deliver(twin_ctx *ctx, const json_value *event, const twin_list *endpoints, const char *url)
{
    webhook_send w = {.event_id = json_get_str(event, "id"), .event_type = json_get_str(event, "type")};
    w.payload = json_to_string(ctx->a, event, &w.len);
    for (size_t i = 0; i < endpoints->n; i++) {
        const json_value *we = endpoints->items[i];
        w.url = json_get_str(we, "url");
        w.secret = json_get_str(we, "secret");
        w.endpoint_id = json_get_str(we, "id");
        webhooks_send(ctx, &w);
    }
    if (url && *url) {
        w.url = url;
        w.secret = stripe_default_webhook_secret(ctx->a, ctx->run_id, ctx->config);
        w.endpoint_id = "default";
        webhooks_send(ctx, &w);
    }
}

static json_value *event_request(twin_ctx *ctx)
{
    json_value *r = json_object(ctx->a);
    stripe_req *st = ctx->principal;
    json_set_str(ctx->a, r, "id", st ? st->request_id : NULL);
    json_set_str(ctx->a, r, "idempotency_key", ctx->req ? http_header_get(ctx->req, "Idempotency-Key") : NULL);
    return r;
}

void stripe_emit(twin_ctx *ctx, const char *type, const json_value *obj, const json_value *prev)
{
    /* Seeded state is the run's baseline, not activity: no events, no deliveries. */
    if (ctx->seeding) return;
    arena *a = ctx->a;
    twin_list endpoints = subscribed_endpoints(ctx, type);
    const char *url = json_get_str(ctx->config, "webhook_url");
    size_t pending = endpoints.n + (url && *url ? 1 : 0);
    json_value *ev = stripe_new_object(ctx, "event", "evt_");
    json_set_str(a, ev, "api_version", STRIPE_API_VERSION);
    json_set_int(a, ev, "created", twin_now(ctx));
    json_value *data = json_object(a);
    json_value *copy = json_clone(a, obj);
    json_remove(copy, "secret");
    json_set(a, data, "object", copy);
    if (prev && prev->len) json_set(a, data, "previous_attributes", json_clone(a, prev));
    json_set(a, ev, "data", data);
    json_set_bool(a, ev, "livemode", false);
    json_set_int(a, ev, "pending_webhooks", (int64_t)pending);
    json_set(a, ev, "request", event_request(ctx));
    json_set_str(a, ev, "type", type);
    stripe_save(ctx, "events", ev);
    if (pending) deliver(ctx, ev, &endpoints, url);
}

/* ---- routes ---- */

/* type=customer.* matches every customer event; types[] is a list of exact ones. */
typedef struct type_filter {
    const char *type;
    const json_value *types;
} type_filter;

static bool type_matches(const char *pattern, const char *type)
{
    return glob_match(pattern, type ? type : "");
}

static bool event_filter(const json_value *ev, void *data)
{
    const type_filter *f = data;
    const char *type = json_get_str(ev, "type");
    if (f->type && !type_matches(f->type, type)) return false;
    if (f->types) {
        json_foreach(t, f->types) if (json_str(t) && type_matches(json_str(t), type)) return true;
        return false;
    }
    return true;
}

void stripe_list_events(twin_ctx *ctx)
{
    type_filter f = {.type = twin_arg(ctx, "type"), .types = twin_input(ctx, "types")};
    listing_query q = {.collection = "events", .newest_first = true};
    if (f.type || f.types) {
        q.filter = event_filter;
        q.filter_data = &f;
    }
    twin_list page;
    if (!stripe_list_fetch(ctx, &q, &page)) return;
    stripe_send_list(ctx, "/v1/events", &page);
}

void stripe_retrieve_event(twin_ctx *ctx)
{
    json_value *ev = stripe_load(ctx, "events", "event", twin_param(ctx, "id"), "id");
    if (ev) stripe_send_object(ctx, 200, ev);
}
