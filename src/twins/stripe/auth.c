/* Stripe twin: API-key authentication, per-request headers and idempotency. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine/env.h"
#include "twins/stripe/stripe.h"
#include "util/base64.h"
#include "util/util.h"

static const char *const key_prefixes[] = {"sk_test_", "sk_live_", "rk_test_", "rk_live_", NULL};

static const char missing_key_message[] =
    "You did not provide an API key. You need to provide your API key in the Authorization header, using "
    "Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication "
    "for details, or we can help at https://support.stripe.com/.";

/* Basic auth carries the key as the user name ("sk_test_x:"). */
static const char *basic_user(arena *a, const char *b64)
{
    char *out = base64_decode(a, b64, NULL);
    if (!out) return "";
    char *colon = strchr(out, ':');
    if (colon) *colon = '\0';
    return out;
}

/* The presented key; "" when the header is present but empty, NULL when absent. */
static const char *presented_key(twin_ctx *ctx)
{
    const char *h = http_header_get(ctx->req, "Authorization");
    if (!h) return NULL;
    if (strncasecmp(h, "Bearer", 6) == 0 && (h[6] == ' ' || !h[6])) {
        const char *k = h + 6;
        while (*k == ' ') k++;
        return k;
    }
    if (strncasecmp(h, "Basic ", 6) == 0) return basic_user(ctx->a, h + 6);
    return h;
}

static bool key_well_formed(const char *key)
{
    for (size_t i = 0; key_prefixes[i]; i++)
        if (str_starts_with(key, key_prefixes[i]) && strlen(key) > strlen(key_prefixes[i])) {
            for (const char *p = key; *p; p++)
                if (*p == ' ' || (unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e) return false;
            return true;
        }
    return false;
}

/* "sk_test_****abcd": the key type stays readable, the secret does not. */
static const char *masked_key(arena *a, const char *key)
{
    size_t n = strlen(key), keep = 0;
    for (size_t i = 0; i < n && i < 8; i++)
        if (key[i] == '_') keep = i + 1;
    if (n <= keep + 4) return arena_printf(a, "%.*s****", (int)keep, key);
    return arena_printf(a, "%.*s****%s", (int)keep, key, key + n - 4);
}

static bool auth_fail(twin_ctx *ctx, const char *message)
{
    stripe_error_send(ctx, 401, &(stripe_error){.message = message});
    return false;
}

/* Same key and same request: the first answer again; different request: 400. */
static bool check_idempotency(twin_ctx *ctx, stripe_req *st)
{
    const char *key = http_header_get(ctx->req, "Idempotency-Key");
    if (!key || !*key || strcmp(ctx->req->method, "POST") != 0) return true;
    if (strlen(key) > 255) {
        stripe_invalid(ctx, NULL, NULL, "Idempotency-Key must be no longer than 255 characters.");
        return false;
    }
    idem_hit hit;
    switch (idempotency_lookup(ctx, key, &st->idem, &hit)) {
    case IDEM_NEW: return true;
    case IDEM_REPLAY:
        http_set_header(ctx->req, "Idempotency-Key", key);
        idempotency_replay(ctx, &hit);
        return false;
    case IDEM_CONFLICT:
    default:
        stripe_error_send(ctx, 400,
                          &(stripe_error){.type = "idempotency_error",
                                          .message = arena_printf(
                                              ctx->a,
                                              "Keys for idempotent requests can only be used with the same "
                                              "parameters they were first used with. Try using a key other "
                                              "than '%s' if you meant to execute a different request.",
                                              key)});
        return false;
    }
}

bool stripe_authenticate(twin_ctx *ctx, const twin_route *route)
{
    stripe_req *st = arena_zalloc(ctx->a, sizeof *st);
    char tok[15];
    random_token(tok, 14);
    st->request_id = arena_printf(ctx->a, "req_%s", tok);
    ctx->principal = st;
    stripe_stamp(ctx);
    const char *key = presented_key(ctx);
    if (!key || !*key) return auth_fail(ctx, missing_key_message);
    if (!key_well_formed(key))
        return auth_fail(ctx, arena_printf(ctx->a, "Invalid API Key provided: %s", masked_key(ctx->a, key)));
    st->api_key = key;
    /* Stubs answer without state, so only stateful routes record results. */
    return route ? check_idempotency(ctx, st) : true;
}

const char *stripe_default_webhook_secret(arena *a, const char *run_id, const json_value *config)
{
    twin_env e = {.run_id = run_id, .config = config};
    return env_config_str(&e, "webhook_secret", env_token(&e, a, "stripe-webhook", "whsec_", 32));
}

/* Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>. */
const char **stripe_webhook_sign(arena *a, const char *secret, const char *payload, size_t len, int64_t t)
{
    char ts[24];
    int tn = snprintf(ts, sizeof ts, "%lld.", (long long)t);
    const char *hex = hmac_sha256_hex(a, secret, (byte_span[]){{ts, (size_t)tn}, {payload, len}}, 2);
    const char **lines = arena_alloc(a, 2 * sizeof *lines);
    lines[0] = arena_printf(a, "Stripe-Signature: t=%lld,v1=%s", (long long)t, hex);
    lines[1] = NULL;
    return lines;
}
