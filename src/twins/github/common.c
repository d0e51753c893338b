/* GitHub twin: answers, errors, pagination, ids and storage helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twins/github/github.h"
#include "util/buf.h"
#include "util/util.h"

void gh_reply(twin_ctx *ctx, int status, const json_value *body)
{
    twin_reply_json(ctx, status, body);
}

void gh_message(twin_ctx *ctx, int status, const char *message)
{
    json_value *b = json_object(ctx->a);
    json_set_str(ctx->a, b, "message", message);
    json_set_str(ctx->a, b, "documentation_url", GH_DOCS);
    json_set_str(ctx->a, b, "status", arena_printf(ctx->a, "%d", status));
    gh_reply(ctx, status, b);
}

void gh_not_found(twin_ctx *ctx)
{
    gh_message(ctx, 404, "Not Found");
}

void gh_invalid(twin_ctx *ctx, const char *resource, const char *field, const char *code, const char *message)
{
    arena *a = ctx->a;
    json_value *b = json_object(a), *errs = json_array(a), *e = json_object(a);
    json_set_str(a, b, "message", "Validation Failed");
    json_set_str(a, e, "resource", resource);
    json_set_str(a, e, "field", field);
    json_set_str(a, e, "code", code);
    if (message) json_set_str(a, e, "message", message);
    json_push(errs, e);
    json_set(a, b, "errors", errs);
    json_set_str(a, b, "documentation_url", GH_DOCS);
    json_set_str(a, b, "status", "422");
    gh_reply(ctx, 422, b);
}

const char *gh_base(twin_ctx *ctx)
{
    return ctx->inst && ctx->inst->base_url ? ctx->inst->base_url : "https://api.github.com";
}

const char *gh_repo_url(twin_ctx *ctx, const json_value *repo)
{
    return arena_printf(ctx->a, "%s/repos/%s/%s", gh_base(ctx), json_get_str(repo, "owner"), json_get_str(repo, "name"));
}

const char *gh_repo_html(twin_ctx *ctx, const json_value *repo)
{
    return arena_printf(ctx->a, "%s/%s/%s", gh_base(ctx), json_get_str(repo, "owner"), json_get_str(repo, "name"));
}

const char *gh_iso(twin_ctx *ctx, int64_t t)
{
    char out[40];
    format_iso8601(t * 1000, false, out, sizeof out);
    return arena_strdup(ctx->a, out);
}

const char *gh_now_iso(twin_ctx *ctx)
{
    return gh_iso(ctx, twin_now(ctx));
}

int64_t gh_next_id(twin_ctx *ctx)
{
    return 100000000 + twin_counter(ctx, "id") * 7;
}

const char *gh_node_id(twin_ctx *ctx, const char *kind, int64_t id)
{
    char tok[24];
    derive_token(tok, 16, ctx->twin, kind, "node", id);
    return arena_printf(ctx->a, "%s_kw%s", kind, tok);
}

char *gh_lower(arena *a, const char *s)
{
    return str_to_lower(arena_strdup(a, s ? s : ""));
}

const char *gh_str_arg(twin_ctx *ctx, const char *name)
{
    json_value *v = twin_input(ctx, name);
    return v && v->type == JSON_STRING ? v->str : NULL;
}

bool gh_bool_arg(twin_ctx *ctx, const char *name, bool dflt)
{
    json_value *v = twin_input(ctx, name);
    if (!v) return dflt;
    if (json_is_bool(v)) return json_truthy(v);
    if (v->type == JSON_STRING) return str_eq(v->str, "true") || str_eq(v->str, "1");
    return dflt;
}

void gh_save(twin_ctx *ctx, const char *collection, const char *id, const json_value *doc, const char *repo_key)
{
    store_index idx = {"repo", repo_key};
    twin_doc_put(ctx, collection, id, doc, repo_key ? &idx : NULL, repo_key ? 1 : 0);
}

twin_list gh_list_repo(twin_ctx *ctx, const char *collection, const char *repo_key)
{
    twin_list l = {0};
    store_list_opts o = {.index_name = "repo", .index_value = repo_key};
    if (twin_doc_list(ctx, collection, &o, &l) != 0) l.n = 0;
    return l;
}

twin_list gh_list_repo_where(twin_ctx *ctx, const char *collection, const char *repo_key, const char *field,
                            const json_value *value)
{
    twin_list l = gh_list_repo(ctx, collection, repo_key);
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++)
        if (json_equal(json_get(l.items[i], field), value)) l.items[n++] = l.items[i];
    l.n = n;
    return l;
}

/* ---- pagination ---- */

static const char *page_url(twin_ctx *ctx, int64_t page, int64_t per_page)
{
    buf b = {0};
    buf_printf(&b, "%s%s?", gh_base(ctx), ctx->req->path);
    json_foreach(q, ctx->query) {
        if (str_eq(q->key, "page") || str_eq(q->key, "per_page") || q->type != JSON_STRING) continue;
        buf_printf(&b, "%s=%s&", http_percent_encode(ctx->a, q->key, strlen(q->key)),
                   http_percent_encode(ctx->a, q->str, q->len));
    }
    buf_printf(&b, "per_page=%lld&page=%lld", (long long)per_page, (long long)page);
    char *s = arena_strndup(ctx->a, b.data, b.len);
    buf_free(&b);
    return s;
}

static int64_t int_query(twin_ctx *ctx, const char *name, int64_t dflt)
{
    const char *v = json_get_str(ctx->query, name);
    if (!v || !*v) return dflt;
    char *end;
    long long n = strtoll(v, &end, 10);
    return *end ? dflt : (int64_t)n;
}

void gh_send_page(twin_ctx *ctx, json_value *items)
{
    int64_t per_page = int_query(ctx, "per_page", 30), page = int_query(ctx, "page", 1);
    if (per_page < 1) per_page = 30;
    if (per_page > 100) per_page = 100;
    if (page < 1) page = 1;
    int64_t total = items->len, last = total ? (total + per_page - 1) / per_page : 1;
    json_value *out = json_array(ctx->a);
    int64_t i = 0, from = (page - 1) * per_page;
    for (json_value *it = items->first, *next; it; it = next, i++) {
        next = it->next;
        if (i >= from && i < from + per_page) {
            it->next = NULL;
            it->key = NULL;
            json_push(out, it);
        }
    }
    buf link = {0};
    if (page < last) {
        buf_printf(&link, "<%s>; rel=\"next\", ", page_url(ctx, page + 1, per_page));
        buf_printf(&link, "<%s>; rel=\"last\"", page_url(ctx, last, per_page));
    }
    if (page > 1) {
        if (link.len) buf_printf(&link, ", ");
        buf_printf(&link, "<%s>; rel=\"prev\", ", page_url(ctx, page - 1 > last ? last : page - 1, per_page));
        buf_printf(&link, "<%s>; rel=\"first\"", page_url(ctx, 1, per_page));
    }
    if (link.len) {
        char *l = arena_strndup(ctx->a, link.data, link.len);
        http_set_header(ctx->req, "Link", l);
    }
    buf_free(&link);
    gh_reply(ctx, 200, out);
}

void gh_send_list(twin_ctx *ctx, const json_value *repo, twin_list l, gh_doc_json_fn to_json)
{
    json_value *out = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++) json_push(out, to_json(ctx, repo, l.items[i]));
    gh_send_page(ctx, out);
}
