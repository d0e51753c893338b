/* Stripe twin: /v1/setup_intents — requires_payment_method ->
 * requires_confirmation -> (requires_action for 3-D Secure cards) ->
 * succeeded, which attaches the payment method to the customer. */
#include <string.h>

#include "twins/stripe/billing.h"
#include "util/util.h"

#define COLL "setup_intents"

static const char *status_of(const json_value *si)
{
    const char *s = json_get_str(si, "status");
    return s ? s : "";
}

static bool open_status(const json_value *si)
{
    const char *s = status_of(si);
    return str_eq(s, "requires_payment_method") || str_eq(s, "requires_confirmation") || str_eq(s, "requires_action");
}

static json_value *pm_options(arena *a)
{
    json_value *card = json_object(a);
    json_set_null(a, card, "mandate_options");
    json_set_null(a, card, "network");
    json_set_str(a, card, "request_three_d_secure", "automatic");
    json_value *o = json_object(a);
    json_set(a, o, "card", card);
    return o;
}

static json_value *seti_skeleton(twin_ctx *ctx)
{
    static const char *const nulls[] = {"application", "automatic_payment_methods", "cancellation_reason", "customer",
                                        "description", "flow_directions", "last_setup_error", "latest_attempt",
                                        "mandate", "next_action", "on_behalf_of", "payment_method",
                                        "single_use_mandate", NULL};
    arena *a = ctx->a;
    json_value *si = stripe_new_object(ctx, "setup_intent", "seti_");
    const char *id = json_get_str(si, "id");
    for (size_t i = 0; nulls[i]; i++) json_set_null(a, si, nulls[i]);
    char secret[25];
    derive_token(secret, 24, ctx->twin, id, "client_secret", 0);
    json_set_bool(a, si, "attach_to_self", false);
    json_set_str(a, si, "client_secret", arena_printf(a, "%s_secret_%s", id, secret));
    json_set_int(a, si, "created", twin_now(ctx));
    json_set_bool(a, si, "livemode", false);
    json_set(a, si, "metadata", json_object(a));
    json_set(a, si, "payment_method_options", pm_options(a));
    json_value *types = json_array(a);
    json_push(types, json_string(a, "card"));
    json_set(a, si, "payment_method_types", types);
    json_set_str(a, si, "status", "requires_payment_method");
    json_set_str(a, si, "usage", "off_session");
    return si;
}

/* customer, payment_method, description, metadata (create and update). */
static bool apply_common(twin_ctx *ctx, json_value *si)
{
    static const char *const texts[] = {"description", NULL};
    const char *customer = twin_arg(ctx, "customer"), *pm_id = twin_arg(ctx, "payment_method");
    if (customer && *customer) {
        if (!stripe_load(ctx, "customers", "customer", customer, "customer")) return false;
        json_set_str(ctx->a, si, "customer", customer);
    }
    if (pm_id && *pm_id) {
        json_value *pm = stripe_payment_method_from_token(ctx, pm_id, "payment_method");
        if (!pm) return false;
        json_set_str(ctx->a, si, "payment_method", json_get_str(pm, "id"));
        if (str_eq(status_of(si), "requires_payment_method") || str_eq(status_of(si), "requires_action"))
            json_set_str(ctx->a, si, "status", "requires_confirmation");
    }
    stripe_copy_strings(ctx, si, texts);
    return stripe_apply_metadata(ctx, si);
}

static void attach(twin_ctx *ctx, json_value *pm, const char *customer)
{
    if (!customer || json_get_str(pm, "customer")) return;
    json_set_str(ctx->a, pm, "customer", customer);
    stripe_save_emit(ctx, "payment_methods", pm, "payment_method.attached", NULL);
}

static json_value *setup_error(twin_ctx *ctx, const stripe_card_outcome *o, const json_value *pm)
{
    arena *a = ctx->a;
    json_value *e = json_object(a);
    json_set_str(a, e, "code", o->code);
    json_set_str(a, e, "decline_code", o->decline_code);
    json_set_str(a, e, "message", o->message);
    json_set(a, e, "payment_method", json_clone(a, pm));
    json_set_str(a, e, "type", "card_error");
    return e;
}

static void three_ds(twin_ctx *ctx, json_value *si)
{
    arena *a = ctx->a;
    json_value *redirect = json_object(a);
    const char *ret = twin_arg(ctx, "return_url");
    json_set_str(a, redirect, "return_url", ret && *ret ? ret : NULL);
    json_set_str(a, redirect, "url",
                 arena_printf(a, "%s/3ds/%s", ctx->inst ? ctx->inst->base_url : "", json_get_str(si, "id")));
    json_value *na = json_object(a);
    json_set(a, na, "redirect_to_url", redirect);
    json_set_str(a, na, "type", "redirect_to_url");
    json_set(a, si, "next_action", na);
    json_set_str(a, si, "status", "requires_action");
    stripe_send_saved(ctx, 200, si, billing_save_emit(ctx, COLL, si, "setup_intent.requires_action", NULL));
}

/* Setting a card up only fails for cards declined outright; 4000…0341
 * attaches fine and fails later when charged. */
static bool setup_declines(const json_value *pm, const stripe_card_outcome *o)
{
    return o->decline_code && !str_eq(json_get_str(json_get(pm, "card"), "last4"), "0341");
}

static void confirm(twin_ctx *ctx, json_value *si)
{
    json_value *pm = stripe_get(ctx, "payment_methods", json_get_str(si, "payment_method"));
    if (!pm) {
        stripe_invalid(ctx, "payment_method", "setup_intent_unexpected_state",
                       "You cannot confirm this SetupIntent because it's missing a payment method.");
        return;
    }
    stripe_card_outcome o = stripe_card_outcome_for(pm);
    if (o.requires_3ds && !str_eq(status_of(si), "requires_action")) {
        three_ds(ctx, si);
        return;
    }
    json_set_null(ctx->a, si, "next_action");
    if (setup_declines(pm, &o)) {
        twin_keep_writes(ctx);   /* the intent keeps last_setup_error; setup_intent.setup_failed goes out */
        json_set(ctx->a, si, "last_setup_error", setup_error(ctx, &o, pm));
        json_set_null(ctx->a, si, "payment_method");
        json_set_str(ctx->a, si, "status", "requires_payment_method");
        billing_save_emit(ctx, COLL, si, "setup_intent.setup_failed", NULL);
        stripe_error_send(ctx, 402, &(stripe_error){.type = "card_error", .code = o.code,
                                                   .decline_code = o.decline_code, .message = o.message});
        return;
    }
    json_set_null(ctx->a, si, "last_setup_error");
    json_set_str(ctx->a, si, "status", "succeeded");
    attach(ctx, pm, json_get_str(si, "customer"));
    stripe_send_saved(ctx, 200, si, billing_save_emit(ctx, COLL, si, "setup_intent.succeeded", NULL));
}

void stripe_create_setup_intent(twin_ctx *ctx)
{
    static const char *const usages[] = {"off_session", "on_session", NULL};
    const char *usage = "off_session";
    bool do_confirm = false;
    if (!billing_enum_param(ctx, "usage", usages, &usage) || !stripe_bool_param(ctx, "confirm", &do_confirm, NULL))
        return;
    json_value *si = seti_skeleton(ctx);
    json_set_str(ctx->a, si, "usage", usage);
    if (!apply_common(ctx, si)) return;
    json_value *types = twin_input(ctx, "payment_method_types");
    if (types && types->type == JSON_ARRAY && types->len)
        json_set(ctx->a, si, "payment_method_types", json_clone(ctx->a, types));
    stripe_text saved = billing_save_emit(ctx, COLL, si, "setup_intent.created", NULL);
    if (do_confirm) confirm(ctx, si);
    else stripe_send_saved(ctx, 200, si, saved);
}

static json_value *load_seti(twin_ctx *ctx)
{
    return stripe_load(ctx, COLL, "setupintent", twin_param(ctx, "id"), "intent");
}

void stripe_retrieve_setup_intent(twin_ctx *ctx)
{
    json_value *si = load_seti(ctx);
    if (si) stripe_send_object(ctx, 200, si);
}

static bool still_open(twin_ctx *ctx, const json_value *si, const char *verb)
{
    if (open_status(si)) return true;
    stripe_invalid(ctx, NULL, "setup_intent_unexpected_state",
                   "You cannot %s this SetupIntent because it has a status of %s.", verb, status_of(si));
    return false;
}

void stripe_update_setup_intent(twin_ctx *ctx)
{
    json_value *si = load_seti(ctx);
    if (!si || !still_open(ctx, si, "update") || !apply_common(ctx, si)) return;
    stripe_send_saved(ctx, 200, si, billing_save(ctx, COLL, si));
}

void stripe_confirm_setup_intent(twin_ctx *ctx)
{
    json_value *si = load_seti(ctx);
    if (!si || !still_open(ctx, si, "confirm") || !apply_common(ctx, si)) return;
    confirm(ctx, si);
}

void stripe_cancel_setup_intent(twin_ctx *ctx)
{
    static const char *const reasons[] = {"abandoned", "duplicate", "requested_by_customer", NULL};
    json_value *si = load_seti(ctx);
    const char *reason = NULL;
    if (!si || !still_open(ctx, si, "cancel") || !billing_enum_param(ctx, "cancellation_reason", reasons, &reason))
        return;
    json_set_str(ctx->a, si, "cancellation_reason", reason);
    json_set_null(ctx->a, si, "next_action");
    json_set_str(ctx->a, si, "status", "canceled");
    stripe_send_saved(ctx, 200, si, billing_save_emit(ctx, COLL, si, "setup_intent.canceled", NULL));
}

static bool filter_pm(const json_value *si, void *data)
{
    return !data || str_eq(json_get_str(si, "payment_method"), data);
}

void stripe_list_setup_intents(twin_ctx *ctx)
{
    const char *customer = twin_arg(ctx, "customer"), *pm = twin_arg(ctx, "payment_method");
    listing_query q = {.collection = COLL, .newest_first = true, .filter = filter_pm,
                       .filter_data = (void *)(pm && *pm ? pm : NULL)};
    if (customer && *customer) {
        q.index_name = "customer";
        q.index_value = customer;
    }
    twin_list page;
    if (stripe_list_fetch(ctx, &q, &page)) stripe_send_list(ctx, "/v1/setup_intents", &page);
}

json_value *billing_setup_intent_succeeded(twin_ctx *ctx, const char *customer, json_value *pm)
{
    json_value *si = seti_skeleton(ctx);
    json_set_str(ctx->a, si, "customer", customer);
    json_set_str(ctx->a, si, "payment_method", json_get_str(pm, "id"));
    json_set_str(ctx->a, si, "status", "requires_confirmation");
    billing_save_emit(ctx, COLL, si, "setup_intent.created", NULL);
    attach(ctx, pm, customer);
    json_set_str(ctx->a, si, "status", "succeeded");
    billing_save_emit(ctx, COLL, si, "setup_intent.succeeded", NULL);
    return si;
}
