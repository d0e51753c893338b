/* Path-template router: a segment trie.
 *
 * Templates look like "/v1/customers/{customer}" or "/api/chat.postMessage".
 * A literal segment beats a parameter at the same depth; a parameter written
 * "{name+}" (or "{+name}") at the end swallows the rest of the path including
 * '/' (GitHub contents paths, Google media paths).  A parameter may share a
 * segment with literal text: "/files/{fileId}:copy" or "{name}.json".
 * Method "*" matches any method.
 *
 * Matching is on percent-decoded segments: the path is split at its '/'
 * first, then each segment is decoded, so "/users/%40me" matches the
 * template "/users/@me" and "/files/a%2Fb" has the one segment "a/b".
 * Templates are therefore written decoded (a literal "%40" never matches).
 * Parameter values come back decoded ('+' stays '+'); a catch-all's value is
 * the rest of the path decoded, "%2F" included.  Invalid escapes ("%zz", a
 * trailing "%4") are kept literally.  A path with a segment that decodes to a
 * NUL byte matches nothing (ROUTE_NOT_FOUND): a C-string parameter would
 * otherwise cut "abc%00xyz" to "abc", another object's id. */
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
