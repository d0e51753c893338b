/* Helpers every twin handler uses: parameters, clock, ids, store access, answers. */
#include "engine/twin.h"

#include <stdio.h>
#include <string.h>

#include "engine/answer.h"

#include "util/util.h"

void twin_stop_all(void)
{
    for (size_t i = 0; i < twin_count(); i++) {
        const twin_def *def = twin_at(i);
        if (def->on_stop) def->on_stop();
    }
}

const char *twin_param(const twin_ctx *ctx, const char *name)
{
    return route_param_get(&ctx->match, name);
}

json_value *twin_input(const twin_ctx *ctx, const char *name)
{
    json_value *v = ctx->body ? json_get(ctx->body, name) : NULL;
    if (!v && ctx->query) v = json_get(ctx->query, name);
    return v;
}

/* s (len bytes) with each NUL byte written "%00". */
static const char *nul_escaped(arena *a, const char *s, size_t len)
{
    char *out = arena_alloc(a, len * 3 + 1), *o = out;
    for (size_t i = 0; i < len; i++) {
        if (s[i]) *o++ = s[i];
        else memcpy(o, "%00", 3), o += 3;
    }
    *o = '\0';
    return out;
}

const char *twin_arg(const twin_ctx *ctx, const char *name)
{
    const json_value *v = twin_input(ctx, name);
    const char *s = json_str(v);
    /* Read as a C string, "abc\0xyz" (a form body's abc%00xyz, JSON's
     * \u0000) would be "abc", another object's id: hand it over with its
     * NUL bytes written %00, the way the query hands such a value over. */
    if (s && strlen(s) != v->len) return nul_escaped(ctx->a, s, v->len);
    return s;
}

/* Seeded state must be byte-identical across runs, so while seeding the
 * clock is a fixed origin that ticks once per read. */
#define SEED_CLOCK_ORIGIN 1767225600 /* 2026-01-01T00:00:00Z */

int64_t twin_now(twin_ctx *ctx)
{
    if (ctx->seeding) {
        if (!ctx->seed_clock) ctx->seed_clock = SEED_CLOCK_ORIGIN;
        return ctx->seed_clock++;
    }
    return twin_now_ms(ctx) / 1000;
}

int64_t twin_now_ms(twin_ctx *ctx)
{
    if (ctx->seeding) return twin_now(ctx) * 1000;
    return ctx->inst ? twin_instance_now_ms(ctx->inst) : now_ms();
}

int64_t twin_instance_now_ms(const twin_instance *ti)
{
    return now_ms() + ti->clock_offset_s * 1000;
}

/* Remembers that the request cannot be trusted any more; the first cause is
 * logged (the client only sees a generic 500). */
static void mark_store_failed(twin_ctx *ctx, const char *why)
{
    if (!ctx->store_failed) fprintf(stderr, "twins: %s: %s\n", ctx->twin ? ctx->twin : "?", why);
    ctx->store_failed = true;
}

static void note_store_failure(twin_ctx *ctx, const char *what)
{
    if (!ctx->store_failed)
        mark_store_failed(ctx, arena_printf(ctx->a, "store %s failed: %s", what, store_errmsg(ctx->store)));
}

int64_t twin_counter(twin_ctx *ctx, const char *name)
{
    int64_t n = store_counter_next(ctx->store, ctx->run_id, ctx->twin, name);
    if (n < 1) note_store_failure(ctx, "counter");
    return n;
}

int64_t twin_epoch(const twin_ctx *ctx)
{
    return ctx->inst ? ctx->inst->epoch : 0;
}

char *twin_new_id(twin_ctx *ctx, const char *prefix, size_t n_random)
{
    int64_t k = twin_counter(ctx, prefix);
    size_t plen = strlen(prefix);
    char *id = arena_alloc(ctx->a, plen + n_random + 1);
    memcpy(id, prefix, plen);
    derive_id(id + plen, n_random, ctx->twin, prefix, k);
    return id;
}

static store_key key_for(const twin_ctx *ctx, const char *collection)
{
    return (store_key){.run = ctx->run_id, .twin = ctx->twin, .collection = collection};
}

const char *twin_doc_get_text(twin_ctx *ctx, const char *collection, const char *id, size_t *len)
{
    if (!id) return NULL;   /* callers pass optional arguments straight through */
    store_key k = key_for(ctx, collection);
    char *text = NULL;
    int found = store_fetch(ctx->store, ctx->a, &k, id, &text, len);
    if (found < 0) {
        note_store_failure(ctx, "get");   /* not "absent": the answer would lie */
        return NULL;
    }
    return found ? text : NULL;
}

json_value *twin_doc_get(twin_ctx *ctx, const char *collection, const char *id)
{
    size_t len = 0;
    const char *text = twin_doc_get_text(ctx, collection, id, &len);
    if (!text) return NULL;
    json_value *doc = json_parse(ctx->a, text, len, NULL);
    if (!doc && !ctx->store_failed)
        mark_store_failed(ctx, arena_printf(ctx->a, "stored document %s/%s is not JSON", collection, id));
    return doc;
}

int twin_doc_put_text(twin_ctx *ctx, const char *collection, const char *id, const char *text, size_t len,
                      const store_index *idx, size_t n_idx)
{
    store_key k = key_for(ctx, collection);
    int rc = store_put(ctx->store, &k, id, text, len, idx, n_idx);
    if (rc != 0) note_store_failure(ctx, "put");
    return rc;
}

int twin_doc_put(twin_ctx *ctx, const char *collection, const char *id, const json_value *doc,
                 const store_index *idx, size_t n_idx)
{
    size_t len = 0;
    char *text = json_to_string(ctx->a, doc, &len);
    return twin_doc_put_text(ctx, collection, id, text, len, idx, n_idx);
}

int twin_doc_delete(twin_ctx *ctx, const char *collection, const char *id)
{
    store_key k = key_for(ctx, collection);
    int rc = store_delete(ctx->store, &k, id);
    if (rc < 0) note_store_failure(ctx, "delete");
    return rc;
}

json_value *twin_doc_all(twin_ctx *ctx, const char *collection)
{
    json_value *arr = json_array(ctx->a);
    twin_list l = {0};
    store_list_opts o = {0};
    if (twin_doc_list(ctx, collection, &o, &l) == 0)
        for (size_t i = 0; i < l.n; i++) json_push(arr, l.items[i]);
    return arr;
}

int twin_doc_list(twin_ctx *ctx, const char *collection, const store_list_opts *o, twin_list *out)
{
    store_key k = key_for(ctx, collection);
    store_list_result res;
    if (store_list(ctx->store, ctx->a, &k, o, &res) != 0) {
        note_store_failure(ctx, "list");   /* not an empty list: the answer would lie */
        *out = (twin_list){.items = NULL};
        return -1;
    }
    out->items = arena_alloc(ctx->a, (res.n ? res.n : 1) * sizeof *out->items);
    out->n = 0;
    for (size_t i = 0; i < res.n; i++) {
        json_value *v = json_parse(ctx->a, res.docs[i].json, res.docs[i].len, NULL);
        if (v) out->items[out->n++] = v;
    }
    out->has_more = res.has_more;
    return 0;
}

int64_t twin_doc_count(twin_ctx *ctx, const char *collection, const char *index_name, const char *index_value)
{
    store_key k = key_for(ctx, collection);
    int64_t n = store_count(ctx->store, &k, index_name, index_value);
    if (n < 0) note_store_failure(ctx, "count");
    return n;
}

/* ---- the request's transaction ---- */

struct twin_lasting_put {
    struct twin_lasting_put *next;
    const char *collection, *id;
    const json_value *doc;
};

void twin_tx_begin(twin_ctx *ctx)
{
    if (store_begin(ctx->store) != 0) {
        note_store_failure(ctx, "begin");
        return;
    }
    ctx->tx_open = true;
}

void twin_keep_writes(twin_ctx *ctx)
{
    ctx->keep_writes = true;
}

void twin_answer_failed(twin_ctx *ctx)
{
    ctx->answer_failed = true;
}

void twin_discard_writes(twin_ctx *ctx)
{
    ctx->discard_writes = true;
}

int twin_doc_put_lasting(twin_ctx *ctx, const char *collection, const char *id, const json_value *doc)
{
    if (!ctx->tx_open) return twin_doc_put(ctx, collection, id, doc, NULL, 0);
    struct twin_lasting_put *p = arena_zalloc(ctx->a, sizeof *p);
    *p = (struct twin_lasting_put){.next = ctx->lasting, .collection = collection, .id = id, .doc = doc};
    ctx->lasting = p;
    return 0;
}

/* In the order they were asked for (the list is newest first). */
static void put_lasting(twin_ctx *ctx, struct twin_lasting_put *p)
{
    if (!p) return;
    put_lasting(ctx, p->next);
    twin_doc_put(ctx, p->collection, p->id, p->doc, NULL, 0);
}

static bool answer_keeps_writes(const twin_ctx *ctx)
{
    const http_request *req = ctx->req;
    if (ctx->store_failed || ctx->discard_writes) return false;
    if (!req || !req->sent) return true;    /* answers later: unknown, keep */
    return (req->status < 400 && !ctx->answer_failed) || ctx->keep_writes;
}

bool twin_tx_end(twin_ctx *ctx)
{
    if (!ctx->tx_open) return false;
    ctx->tx_open = false;
    bool keep = answer_keeps_writes(ctx);
    /* A store failure spoils the request's lasting writes too: they describe
     * an answer that was replaced by the 500. */
    bool lasting_ok = !ctx->store_failed;
    if (keep) {
        if (lasting_ok) put_lasting(ctx, ctx->lasting);   /* same transaction: one commit */
        if (store_commit(ctx->store) != 0) {
            note_store_failure(ctx, "commit");
            return false;
        }
        return true;
    }
    store_rollback(ctx->store);
    if (lasting_ok && ctx->lasting) {
        store_begin(ctx->store);
        put_lasting(ctx, ctx->lasting);
        store_commit(ctx->store);
    }
    return false;
}

bool twin_answer_store_failure(twin_ctx *ctx)
{
    if (!ctx->store_failed || ctx->store_failure_answered) return false;
    ctx->store_failure_answered = true;
    twin_error(ctx, 500, "internal_error", "An internal error occurred while saving the request.");
    return true;
}

void twin_reply_json(twin_ctx *ctx, int status, const json_value *body)
{
    if (twin_answer_store_failure(ctx)) return;
    http_request *req = ctx->req;
    buf_reset(&req->resp_body);
    json_write(&req->resp_body, body);
    http_set_status(req, status);
    http_set_header(req, "Content-Type", "application/json");
    http_send(req);
}

void twin_reply_text(twin_ctx *ctx, int status, const char *content_type, const char *body, size_t len)
{
    if (twin_answer_store_failure(ctx)) return;
    http_send_body(ctx->req, status, content_type, body, len);
}

void twin_reply_buf(twin_ctx *ctx, int status, const char *content_type, buf *body)
{
    if (twin_answer_store_failure(ctx)) {
        buf_free(body);     /* the buffer is ours either way */
        return;
    }
    answer_buf(ctx->req, status, content_type, body);
}

void twin_error(twin_ctx *ctx, int status, const char *code, const char *message)
{
    if (ctx->def->send_error) {
        ctx->def->send_error(ctx, status, code, message);
        return;
    }
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_object_begin(&w);
    jw_key(&w, "error");
    jw_object_begin(&w);
    jw_kv_string(&w, "code", code);
    jw_kv_string(&w, "message", message);
    jw_object_end(&w);
    jw_object_end(&w);
    twin_reply_buf(ctx, status, "application/json", &out);
}
