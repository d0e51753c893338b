/* Idempotency keys (see idempotency.h). */
#include "engine/idempotency.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"

#define COLLECTION "_idempotency"

/* method + path + body digest: the SDKs resend byte-identical bodies on
 * retry, so a body hash is an exact "same parameters" test. */
static const char *fingerprint(twin_ctx *ctx)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    const http_request *req = ctx->req;
    if (!EVP_Digest(req->body ? req->body : "", req->body_len, md, &md_len, EVP_sha256(), NULL)) md_len = 0;
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    for (unsigned int i = 0; i < md_len; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
    hex[2 * md_len] = '\0';
    return arena_printf(ctx->a, "%s %s %s", req->method, req->path, hex);
}

static bool expired(twin_ctx *ctx, const json_value *doc)
{
    int64_t created = 0;
    json_int64(json_get(doc, "created"), &created);
    return twin_now(ctx) - created >= IDEMPOTENCY_TTL_SECONDS;
}

idem_status idempotency_lookup(twin_ctx *ctx, const char *key, idem_slot *slot, idem_hit *hit)
{
    slot->key = key;
    slot->fingerprint = fingerprint(ctx);
    slot->armed = false;
    json_value *doc = twin_doc_get(ctx, COLLECTION, key);
    if (doc && !expired(ctx, doc)) {
        if (!str_eq(json_get_str(doc, "fingerprint"), slot->fingerprint)) return IDEM_CONFLICT;
        int64_t status = 200;
        json_int64(json_get(doc, "status"), &status);
        json_value *body = json_get(doc, "body");
        hit->status = (int)status;
        hit->content_type = json_get_str(doc, "content_type");
        hit->body = body && body->str ? body->str : "";
        hit->len = body ? body->len : 0;
        return IDEM_REPLAY;
    }
    slot->armed = true;
    return IDEM_NEW;
}

void idempotency_record(twin_ctx *ctx, idem_slot *slot, int status, const char *content_type,
                        const char *body, size_t len)
{
    if (!slot || !slot->armed) return;
    slot->armed = false;
    arena *a = ctx->a;
    json_value *doc = json_object(a);
    json_set_str(a, doc, "key", slot->key);
    json_set_str(a, doc, "fingerprint", slot->fingerprint);
    json_set_int(a, doc, "created", twin_now(ctx));
    json_set_int(a, doc, "status", status);
    json_set_str(a, doc, "content_type", content_type);
    json_set(a, doc, "body", json_stringn(a, body, len));
    twin_doc_put(ctx, COLLECTION, slot->key, doc, NULL, 0);
}

void idempotency_replay(twin_ctx *ctx, const idem_hit *hit)
{
    http_set_header(ctx->req, "Idempotent-Replayed", "true");
    twin_reply_text(ctx, hit->status, hit->content_type ? hit->content_type : "application/json", hit->body,
                    hit->len);
}
