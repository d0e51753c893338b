/* Cursor pagination helpers (see listing.h). */
#include "engine/listing.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

listing_status listing_parse(const twin_ctx *ctx, size_t default_limit, size_t max_limit, listing_req *out)
{
    memset(out, 0, sizeof *out);
    out->limit = default_limit;
    const char *limit = twin_arg(ctx, "limit");
    if (!limit) {
        /* JSON bodies may carry a real number. */
        json_value *v = twin_input(ctx, "limit");
        if (v && v->type == JSON_NUMBER) limit = v->str;
    }
    if (limit) {
        char *end = NULL;
        errno = 0;
        long long n = strtoll(limit, &end, 10);
        if (!*limit || *end || errno || n < 1 || (unsigned long long)n > max_limit) {
            out->bad_value = limit;
            return LISTING_BAD_LIMIT;
        }
        out->limit = (size_t)n;
    }
    out->starting_after = nonempty(twin_arg(ctx, "starting_after"));
    out->ending_before = nonempty(twin_arg(ctx, "ending_before"));
    if (out->starting_after && out->ending_before) return LISTING_BOTH_CURSORS;
    return LISTING_OK;
}

static store_key collection_key(const twin_ctx *ctx, const char *collection)
{
    return (store_key){.run = ctx->run_id, .twin = ctx->twin, .collection = collection};
}

/* The store answers an unknown cursor with an empty page; the services we
 * imitate answer 404, so the cursor is checked first. */
static bool cursor_known(twin_ctx *ctx, const char *collection, const char *cursor)
{
    store_key k = collection_key(ctx, collection);
    return !cursor || store_exists(ctx->store, &k, cursor);
}

static listing_status fetch_direct(twin_ctx *ctx, const listing_query *q, const listing_req *r, twin_list *out)
{
    const char *cursor = r->starting_after ? r->starting_after : r->ending_before;
    if (!cursor_known(ctx, q->collection, cursor)) return LISTING_UNKNOWN_CURSOR;
    store_list_opts o = {
        .limit = r->limit,
        .newest_first = q->newest_first,
        .starting_after = r->starting_after,
        .ending_before = r->ending_before,
        .index_name = q->index_name,
        .index_value = q->index_value,
    };
    return twin_doc_list(ctx, q->collection, &o, out) == 0 ? LISTING_OK : LISTING_STORE_ERROR;
}

static ssize_t find_id(json_value **items, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (id && strcmp(json_get_str(items[i], "id") ? json_get_str(items[i], "id") : "", id) == 0)
            return (ssize_t)i;
    return -1;
}

/* Pages an already filtered, list-ordered array in place. */
static listing_status page_in_memory(twin_list *all, const listing_req *r, twin_list *out)
{
    size_t from = 0, to = all->n;
    bool more = false;
    if (r->starting_after) {
        ssize_t at = find_id(all->items, all->n, r->starting_after);
        if (at < 0) return LISTING_UNKNOWN_CURSOR;
        from = (size_t)at + 1;
        if (to - from > r->limit) {
            to = from + r->limit;
            more = true;
        }
    } else if (r->ending_before) {
        ssize_t at = find_id(all->items, all->n, r->ending_before);
        if (at < 0) return LISTING_UNKNOWN_CURSOR;
        to = (size_t)at;
        if (to > r->limit) {
            from = to - r->limit;
            more = true;
        }
    } else if (to > r->limit) {
        to = r->limit;
        more = true;
    }
    out->items = all->items + from;
    out->n = to - from;
    out->has_more = more;
    return LISTING_OK;
}

listing_status listing_fetch(twin_ctx *ctx, const listing_query *q, const listing_req *r, twin_list *out)
{
    if (!q->filter) return fetch_direct(ctx, q, r, out);
    store_list_opts o = {
        .newest_first = q->newest_first,
        .index_name = q->index_name,
        .index_value = q->index_value,
    };
    twin_list all;
    if (twin_doc_list(ctx, q->collection, &o, &all) != 0) return LISTING_STORE_ERROR;
    size_t kept = 0;
    for (size_t i = 0; i < all.n; i++)
        if (q->filter(all.items[i], q->filter_data)) all.items[kept++] = all.items[i];
    all.n = kept;
    return page_in_memory(&all, r, out);
}
