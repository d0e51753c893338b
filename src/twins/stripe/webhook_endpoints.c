/* Stripe twin: /v1/webhook_endpoints. The signing secret is shown on create only. */
#include <string.h>

#include "twins/stripe/stripe.h"
#include "util/util.h"

static bool read_enabled_events(twin_ctx *ctx, json_value *we, bool required)
{
    json_value *in = twin_input(ctx, "enabled_events");
    if (!in) {
        if (!required) return true;
        stripe_invalid(ctx, "enabled_events", "parameter_missing", "Missing required param: enabled_events.");
        return false;
    }
    json_value *events = json_array(ctx->a);
    if (in->type == JSON_STRING) json_push(events, json_clone(ctx->a, in));
    else
        json_foreach(e, in) {
            if (!json_str(e)) continue;
            json_push(events, json_string(ctx->a, e->str));
        }
    if (!events->len) {
        stripe_invalid(ctx, "enabled_events", "parameter_missing", "Missing required param: enabled_events.");
        return false;
    }
    json_set(ctx->a, we, "enabled_events", events);
    return true;
}

static bool read_url(twin_ctx *ctx, json_value *we, bool required)
{
    const char *url = NULL;
    if (!stripe_str_param(ctx, "url", required, &url)) return false;
    if (!url) return true;
    if (!str_starts_with(url, "http://") && !str_starts_with(url, "https://")) {
        stripe_invalid(ctx, "url", "url_invalid", "Invalid URL: %s", url);
        return false;
    }
    json_set_str(ctx->a, we, "url", url);
    return true;
}

static const char *const text_fields[] = {"description", NULL};

void stripe_create_endpoint(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *we = stripe_new_object(ctx, "webhook_endpoint", "we_");
    json_set_str(a, we, "api_version", twin_arg(ctx, "api_version"));
    json_set_null(a, we, "application");
    json_set_int(a, we, "created", twin_now(ctx));
    json_set_null(a, we, "description");
    json_set_bool(a, we, "livemode", false);
    json_set_str(a, we, "status", "enabled");
    if (!read_url(ctx, we, true) || !read_enabled_events(ctx, we, true) || !stripe_apply_metadata(ctx, we)) return;
    stripe_copy_strings(ctx, we, text_fields);
    json_set_str(a, we, "secret", twin_new_id(ctx, "whsec_", 32));
    stripe_save(ctx, "webhook_endpoints", we);
    stripe_endpoints_changed(ctx);
    stripe_reply(ctx, 200, we); /* the only answer that carries the secret */
}

void stripe_retrieve_endpoint(twin_ctx *ctx)
{
    json_value *we = stripe_load(ctx, "webhook_endpoints", "webhook_endpoint", twin_param(ctx, "id"), "id");
    if (!we) return;
    json_remove(we, "secret");
    stripe_send_object(ctx, 200, we);
}

void stripe_update_endpoint(twin_ctx *ctx)
{
    json_value *we = stripe_load(ctx, "webhook_endpoints", "webhook_endpoint", twin_param(ctx, "id"), "id");
    if (!we) return;
    bool disabled = false, has_disabled = false;
    if (!read_url(ctx, we, false) || !read_enabled_events(ctx, we, false) || !stripe_apply_metadata(ctx, we) ||
        !stripe_bool_param(ctx, "disabled", &disabled, &has_disabled))
        return;
    stripe_copy_strings(ctx, we, text_fields);
    if (has_disabled) json_set_str(ctx->a, we, "status", disabled ? "disabled" : "enabled");
    stripe_save(ctx, "webhook_endpoints", we);
    stripe_endpoints_changed(ctx);
    json_remove(we, "secret");
    stripe_send_object(ctx, 200, we);
}

void stripe_delete_endpoint(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "id");
    if (!stripe_load(ctx, "webhook_endpoints", "webhook_endpoint", id, "id")) return;
    twin_doc_delete(ctx, "webhook_endpoints", id);
    stripe_endpoints_changed(ctx);
    json_value *d = json_object(ctx->a);
    json_set_str(ctx->a, d, "id", id);
    json_set_str(ctx->a, d, "object", "webhook_endpoint");
    json_set_bool(ctx->a, d, "deleted", true);
    stripe_reply(ctx, 200, d);
}

void stripe_list_endpoints(twin_ctx *ctx)
{
    listing_query q = {.collection = "webhook_endpoints", .newest_first = true};
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/webhook_endpoints", &page);
}
