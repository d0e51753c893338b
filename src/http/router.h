/* Path-template router: a segment trie.
 *
 * Templates look like "/v1/customers/{customer}" or "/api/chat.postMessage".
 * A literal segment beats a parameter at the same depth; a parameter written
 * "{name+}" (or "{+name}") at the end swallows the rest of the path including
 * '/' (GitHub contents paths, Google media paths).  A parameter may share a
 * segment with literal text: "/files/{fileId}:copy" or "{name}.json".
 * Method "*" matches any method.  Matching is on the raw (not decoded) path;
 * parameter values come back percent-decoded. */
#ifndef TWINS_ROUTER_H
#define TWINS_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

#define ROUTER_MAX_PARAMS 16

typedef struct router router;

typedef struct route_param {
    const char *name;
    const char *value;
} route_param;

typedef struct route_match {
    void *data;                 /* what router_add() was given */
    const char *method;         /* the registered method */
    const char *template_path;  /* the registered template */
    size_t n_params;
    route_param params[ROUTER_MAX_PARAMS];
} route_match;

typedef enum {
    ROUTE_FOUND,
    ROUTE_NOT_FOUND,
    ROUTE_METHOD_NOT_ALLOWED,   /* the path exists with other methods */
} route_result;

router *router_new(void);
void router_free(router *r);
/* Adds a route.  Returns false (and keeps the first) if method+template is
 * already present, or if the template is malformed. Strings are copied. */
bool router_add(router *r, const char *method, const char *template_path, void *data);
route_result router_match(const router *r, arena *a, const char *method, const char *path,
                          route_match *out);
size_t router_count(const router *r);
/* Looks a parameter up in a match; NULL if absent. */
const char *route_param_get(const route_match *m, const char *name);

#endif
