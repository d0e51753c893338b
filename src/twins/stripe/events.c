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
static void deliver(twin_ctx *ctx, webhook_send *w, const twin_list *endpoints, const char *url)
{
    for (size_t i = 0; i < endpoints->n; i++) {
        const json_value *we = endpoints->items[i];
        w->url = json_get_str(we, "url");
        w->secret = json_get_str(we, "secret");
        w->endpoint_id = json_get_str(we, "id");
        webhooks_send(ctx, w);
    }
    if (url && *url) {
        w->url = url;
        w->secret = stripe_default_webhook_secret(ctx->a, ctx->run_id, ctx->config);
        w->endpoint_id = "default";
        webhooks_send(ctx, w);
    }
}

/* The event around the object's JSON text, written once: it is both what
 * /v1/events stores and the webhook payload. */
static void write_event(twin_ctx *ctx, buf *out, const char *id, const char *type, stripe_text object,
                        const json_value *prev, size_t pending)
{
    stripe_req *st = ctx->principal;
    jw w;
    jw_init(&w, out);
    jw_object_begin(&w);
    jw_kv_string(&w, "id", id);
    jw_kv_string(&w, "object", "event");
    jw_kv_string(&w, "api_version", STRIPE_API_VERSION);
    jw_kv_int(&w, "created", stripe_now(ctx));
    jw_key(&w, "data");
    jw_object_begin(&w);
    jw_key(&w, "object");
    jw_raw(&w, object.s, object.len);
    if (prev && prev->len) {
        jw_key(&w, "previous_attributes");
        jw_value(&w, prev);
    }
    jw_object_end(&w);
    jw_kv_bool(&w, "livemode", false);
    jw_kv_int(&w, "pending_webhooks", (int64_t)pending);
    jw_key(&w, "request");
    jw_object_begin(&w);
    jw_kv_string(&w, "id", st ? st->request_id : NULL);
    jw_kv_string(&w, "idempotency_key", ctx->req ? http_header_get(ctx->req, "Idempotency-Key") : NULL);
    jw_object_end(&w);
    jw_kv_string(&w, "type", type);
    jw_object_end(&w);
}

static void emit_text(twin_ctx *ctx, const char *type, stripe_text object, const json_value *prev)
{
    twin_list endpoints = subscribed_endpoints(ctx, type);
    const char *url = json_get_str(ctx->config, "webhook_url");
    size_t pending = endpoints.n + (url && *url ? 1 : 0);
    const char *id = twin_new_id(ctx, "evt_", 24);
    /* One buffer for every event: a fresh one per event, freed after the
     * store copied it, left the heap fragmented (~20 % more memory per
     * create).  Nothing here emits again while it is in use. */
    static buf text;
    buf_reset(&text);
    write_event(ctx, &text, id, type, object, prev, pending);
    store_index by_type = {"type", type};
    twin_doc_put_text(ctx, "events", id, text.data, text.len, &by_type, 1);
    if (pending) {
        webhook_send w = {.event_id = id, .event_type = type, .payload = text.data, .len = text.len};
        deliver(ctx, &w, &endpoints, url);
    }
    if (text.cap > 1 << 20) buf_free(&text);   /* an odd huge event keeps no megabytes */
}

void stripe_emit(twin_ctx *ctx, const char *type, const json_value *obj, const json_value *prev)
{
    /* Seeded state is the run's baseline, not activity: no events, no deliveries. */
    if (ctx->seeding) return;
    /* Signing secrets (webhook endpoints) never travel in events. */
    if (json_get(obj, "secret")) {
        json_value *copy = json_clone(ctx->a, obj);
        json_remove(copy, "secret");
        obj = copy;
    }
    stripe_text t;
    t.s = json_to_string(ctx->a, obj, &t.len);
    emit_text(ctx, type, t, prev);
}

void stripe_emit_saved(twin_ctx *ctx, const char *type, const json_value *obj, stripe_text saved,
                       const json_value *prev)
{
    if (ctx->seeding) return;
    if (json_get(obj, "secret")) stripe_emit(ctx, type, obj, prev);
    else emit_text(ctx, type, saved, prev);
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
    stripe_retrieve(ctx, "events", "event", "id");
}

stripe_text stripe_save_emit(twin_ctx *ctx, const char *collection, const json_value *obj, const char *type,
                             const json_value *prev)
{
    stripe_text saved = stripe_save(ctx, collection, obj);
    stripe_emit_saved(ctx, type, obj, saved, prev);
    return saved;
}
