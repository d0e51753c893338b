/* Answering a request with an operation's stub and recording the hit. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/stub_internal.h"

/* Generated bodies, direct-mapped by (operation, seed).  A body is a pure
 * function of those two (the echoed parameters come from the path, which is
 * in the seed), so a hit returns exactly what generating again would: the
 * cache only saves the schema walk on repeated calls.  Bounded: SLOTS bodies
 * of at most MAX_BYTES each.  Locked because run loops may live on several
 * threads. */
#define BODY_CACHE_SLOTS 256
#define BODY_CACHE_MAX_BYTES (64 * 1024)

typedef struct cached_body {
    const stub_op *op;
    uint64_t seed;
    char *body;
    size_t len;
} cached_body;

static cached_body body_cache[BODY_CACHE_SLOTS];
static pthread_mutex_t body_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static cached_body *cache_slot(const stub_op *op, uint64_t seed)
{
    uint64_t h = seed ^ ((uint64_t)(uintptr_t)op * 0x9e3779b97f4a7c15ULL);
    return &body_cache[(h >> 32) % BODY_CACHE_SLOTS];
}

static bool cache_get(const stub_op *op, uint64_t seed, buf *out)
{
    pthread_mutex_lock(&body_cache_lock);
    cached_body *c = cache_slot(op, seed);
    bool hit = c->body && c->op == op && c->seed == seed;
    if (hit) buf_append(out, c->body, c->len);
    pthread_mutex_unlock(&body_cache_lock);
    return hit;
}

static void cache_put(const stub_op *op, uint64_t seed, const buf *body)
{
    if (body->len > BODY_CACHE_MAX_BYTES) return;
    char *copy = malloc(body->len + 1);
    if (!copy) return;
    memcpy(copy, buf_cstr(body), body->len + 1);
    pthread_mutex_lock(&body_cache_lock);
    cached_body *c = cache_slot(op, seed);
    free(c->body);
    *c = (cached_body){op, seed, copy, body->len};
    pthread_mutex_unlock(&body_cache_lock);
}

void stub_cache_clear(void)
{
    pthread_mutex_lock(&body_cache_lock);
    for (size_t i = 0; i < BODY_CACHE_SLOTS; i++) {
        free(body_cache[i].body);
        body_cache[i] = (cached_body){0};
    }
    pthread_mutex_unlock(&body_cache_lock);
}

/* Path parameters echoed into the body: each under its own name, the one
 * naming the resource itself (stub_id_param) also as "id"
 * (GET /v1/customers/cus_X -> "id": "cus_X"; never a webhook's token), and
 * GitHub's {owner}/{repo}/{username} where its objects carry them.  The
 * generator writes an echo only where the value is valid for the property
 * (stub_value_fits), else it generates. */
static size_t collect_echo(twin_ctx *ctx, const stub_op_info *info, stub_echo *echo)
{
    const route_match *m = &ctx->match;
    size_t n = 0;
    const char *owner = NULL, *repo = NULL;
    for (size_t i = 0; i < m->n_params && n + 4 < STUB_MAX_ECHO; i++) {
        const route_param *p = &m->params[i];
        echo[n++] = (stub_echo){p->name, p->value};
        if (info->id_param && strcmp(p->name, info->id_param) == 0) echo[n++] = (stub_echo){"id", p->value};
        if (!strcmp(p->name, "owner")) owner = p->value;
        if (!strcmp(p->name, "repo")) repo = p->value;
        if (!strcmp(p->name, "username") && info->flavor == STUB_FLAVOR_GITHUB) echo[n++] = (stub_echo){"login", p->value};
    }
    if (info->flavor == STUB_FLAVOR_GITHUB && owner && n + 3 <= STUB_MAX_ECHO) {
        echo[n++] = (stub_echo){"owner.login", owner};
        if (repo) {
            echo[n++] = (stub_echo){"name", repo};
            echo[n++] = (stub_echo){"full_name", arena_printf(ctx->a, "%s/%s", owner, repo)};
        }
    }
    return n;
}

static void send_stub(twin_ctx *ctx, const stub_op *op, buf *body)
{
    if (ctx->def->stub_send && ctx->def->stub_send(ctx, op->path, op->status, body)) return;
    twin_reply_buf(ctx, op->status, "application/json", body);
}

void stub_respond(twin_ctx *ctx, const stub_op *op)
{
    const stub_op_info *info = op->schema;
    const char *path = ctx->req->path;
    if (ctx->inst && ctx->inst->stub_hits) stub_hits_record(ctx->inst->stub_hits, op->method, op->path, path);
    http_add_header(ctx->req, "X-Twin-Stub", "true");
    buf body = BUF_INIT;
    if (op->status == 204) {
        twin_reply_buf(ctx, 204, NULL, &body);
        return;
    }
    const char *seed_parts[] = {ctx->run_id, op->method, path};
    uint64_t seed = stub_hash(seed_parts, 3);
    if (cache_get(op, seed, &body)) {
        send_stub(ctx, op, &body);
        return;
    }
    stub_echo echo[STUB_MAX_ECHO];
    stub_gen_opts o = {
        .seed = seed,
        .flavor = info->flavor,
        .warning = info->warning,
        .echo = echo,
        .n_echo = collect_echo(ctx, info, echo),
        .bare_arrays = ctx->def->stub_bare_arrays,
    };
    stub_generate(info->schema, &o, &body);
    cache_put(op, seed, &body);
    send_stub(ctx, op, &body);
}
