/* Cursor pagination over a twin's collection, shared by every twin whose
 * service pages with a limit and id cursors (Stripe's starting_after /
 * ending_before, and look-alikes).
 *
 * Parsing and fetching report a status instead of answering, so each twin
 * renders the problem in its own error shape. */
#ifndef TWINS_LISTING_H
#define TWINS_LISTING_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/twin.h"

typedef enum {
    LISTING_OK,
    LISTING_BAD_LIMIT,          /* not an integer, or outside [1, max] */
    LISTING_BOTH_CURSORS,       /* starting_after and ending_before together */
    LISTING_UNKNOWN_CURSOR,     /* the cursor names no document of the collection */
    LISTING_STORE_ERROR,
} listing_status;

typedef struct listing_req {
    size_t limit;
    const char *starting_after;
    const char *ending_before;
    const char *bad_value;      /* the offending limit or cursor text, for messages */
} listing_req;

/* Reads limit / starting_after / ending_before through twin_arg (body, then
 * query).  Empty cursors count as absent. */
listing_status listing_parse(const twin_ctx *ctx, size_t default_limit, size_t max_limit, listing_req *out);

/* A predicate for in-memory filtering; data is the caller's. */
typedef bool (*listing_filter)(const json_value *doc, void *data);

typedef struct listing_query {
    const char *collection;
    bool newest_first;
    const char *index_name;     /* optional store-index filter */
    const char *index_value;
    listing_filter filter;      /* optional extra filter (NULL = none) */
    void *filter_data;
} listing_query;

/* Fetches one page.  Without a filter the store pages directly; with one,
 * the (index-narrowed) collection is filtered in memory and then paged, so
 * has_more and cursors stay exact.  A cursor that is not in the filtered
 * collection gives LISTING_UNKNOWN_CURSOR. */
listing_status listing_fetch(twin_ctx *ctx, const listing_query *q, const listing_req *r, twin_list *out);

#endif
