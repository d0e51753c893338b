/* Idempotency keys (see idempotency.h). */
#include "engine/idempotency.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define COLLECTION "_idempotency"

/* The decoded parameters with object members in key order, so the same
 * parameters sent in another order (or encoded differently) match. */
static int member_cmp(const void *a, const void *b)
{
    const json_value *x = *(const json_value *const *)a, *y = *(const json_value *const *)b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

static void write_canonical(arena *a, buf *out, const json_value *v)
{
    if (!v || v->type != JSON_OBJECT) {
        if (v && v->type == JSON_ARRAY) {
            buf_puts(out, "[");
            json_foreach(e, v) {
                if (e != v->first) buf_puts(out, ",");
                write_canonical(a, out, e);
            }
            buf_puts(out, "]");
        } else if (v) {
            json_write(out, v);
        } else {
            buf_puts(out, "null");
        }
        return;
    }
    const json_value **members = arena_alloc(a, (v->len ? v->len : 1) * sizeof *members);
    size_t n = 0;
    json_foreach(m, v) members[n++] = m;
    qsort(members, n, sizeof *members, member_cmp);
    buf_puts(out, "{");
    for (size_t i = 0; i < n; i++) {
        if (i) buf_puts(out, ",");
        json_write_string(out, members[i]->key, members[i]->key_len);
        buf_puts(out, ":");
        write_canonical(a, out, members[i]);
    }
    buf_puts(out, "}");
}

/* method + path + digest of the canonical decoded parameters (body, then
 * query): "same parameters" by value, whatever their order on the wire. */
static const char *fingerprint(twin_ctx *ctx)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    const http_request *req = ctx->req;
    buf canon = BUF_INIT;
    write_canonical(ctx->a, &canon, ctx->body);
    buf_puts(&canon, "\n");
    write_canonical(ctx->a, &canon, ctx->query);
    if (!EVP_Digest(canon.data ? canon.data : "", canon.len, md, &md_len, EVP_sha256(), NULL)) md_len = 0;
    buf_free(&canon);
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    hex_encode(md, md_len, hex);
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
    /* Lasting: a saved error answer (a 404, a decline) outlives the rollback
     * of the handler's writes that the error answer causes. */
    twin_doc_put_lasting(ctx, COLLECTION, slot->key, doc);
}

void idempotency_replay(twin_ctx *ctx, const idem_hit *hit)
{
    http_set_header(ctx->req, "Idempotent-Replayed", "true");
    twin_reply_text(ctx, hit->status, hit->content_type ? hit->content_type : "application/json", hit->body,
                    hit->len);
}
