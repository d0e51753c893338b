/* Segment trie router.
 *
 * Each node stands for a position in the path.  Its children are literal
 * segments (sorted, binary-searched), parameter segments (optionally with a
 * literal prefix/suffix, tried most specific first) and at most one
 * catch-all.  Matching tries literal, then parameters, then the catch-all,
 * backtracking when a branch fails deeper.  Parameter names belong to the
 * route, not the node, so "/a/{x}" and "/a/{y}/b" can share a node. */
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "http/router.h"

typedef struct rnode rnode;

typedef struct route {
    char *method;
    char *template_path;
    void *data;
    size_t n_names;
    char *names[ROUTER_MAX_PARAMS];
} route;

typedef struct lit_child {
    char *seg;
    size_t len;
    rnode *node;
} lit_child;

typedef struct param_child {
    char *prefix, *suffix;
    size_t prefix_len, suffix_len;
    rnode *node;
} param_child;

struct rnode {
    lit_child *lits;
    size_t n_lits, cap_lits;
    param_child *params;
    size_t n_params;
    rnode *catch_all;
    route *routes;
    size_t n_routes;
};

struct router {
    rnode root;
    size_t count;
};

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) abort();
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *p = xrealloc(NULL, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static rnode *node_new(void)
{
    rnode *n = calloc(1, sizeof *n);
    if (!n) abort();
    return n;
}

static void node_free(rnode *n)
{
    for (size_t i = 0; i < n->n_lits; i++) {
        node_free(n->lits[i].node);
        free(n->lits[i].node);
        free(n->lits[i].seg);
    }
    for (size_t i = 0; i < n->n_params; i++) {
        node_free(n->params[i].node);
        free(n->params[i].node);
        free(n->params[i].prefix);
        free(n->params[i].suffix);
    }
    if (n->catch_all) {
        node_free(n->catch_all);
        free(n->catch_all);
    }
    for (size_t i = 0; i < n->n_routes; i++) {
        free(n->routes[i].method);
        free(n->routes[i].template_path);
        for (size_t k = 0; k < n->routes[i].n_names; k++) free(n->routes[i].names[k]);
    }
    free(n->lits);
    free(n->params);
    free(n->routes);
}

router *router_new(void)
{
    router *r = calloc(1, sizeof *r);
    if (!r) abort();
    return r;
}

void router_free(router *r)
{
    if (!r) return;
    node_free(&r->root);
    free(r);
}

size_t router_count(const router *r)
{
    return r->count;
}

/* ---- literal children ---- */

static int seg_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

/* Index of the child equal to seg, or where it would be inserted. */
static size_t lit_search(const rnode *n, const char *seg, size_t len, bool *found)
{
    size_t lo = 0, hi = n->n_lits;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = seg_cmp(n->lits[mid].seg, n->lits[mid].len, seg, len);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    *found = false;
    return lo;
}

static rnode *lit_child_get(rnode *n, const char *seg, size_t len)
{
    bool found;
    size_t at = lit_search(n, seg, len, &found);
    if (found) return n->lits[at].node;
    if (n->n_lits == n->cap_lits) {
        n->cap_lits = n->cap_lits ? n->cap_lits * 2 : 4;
        n->lits = xrealloc(n->lits, n->cap_lits * sizeof *n->lits);
    }
    memmove(n->lits + at + 1, n->lits + at, (n->n_lits - at) * sizeof *n->lits);
    n->lits[at] = (lit_child){xstrndup(seg, len), len, node_new()};
    n->n_lits++;
    return n->lits[at].node;
}

/* ---- parameter children ---- */

/* More literal text first, so "{id}.json" is tried before "{id}". */
static bool param_before(const param_child *a, size_t prefix_len, size_t suffix_len)
{
    return a->prefix_len + a->suffix_len >= prefix_len + suffix_len;
}

static rnode *param_child_get(rnode *n, const char *prefix, size_t prefix_len, const char *suffix,
                              size_t suffix_len)
{
    size_t at = 0;
    for (size_t i = 0; i < n->n_params; i++) {
        param_child *p = &n->params[i];
        if (p->prefix_len == prefix_len && p->suffix_len == suffix_len &&
            memcmp(p->prefix, prefix, prefix_len) == 0 && memcmp(p->suffix, suffix, suffix_len) == 0)
            return p->node;
        if (param_before(p, prefix_len, suffix_len)) at = i + 1;
    }
    n->params = xrealloc(n->params, (n->n_params + 1) * sizeof *n->params);
    memmove(n->params + at + 1, n->params + at, (n->n_params - at) * sizeof *n->params);
    n->params[at] = (param_child){xstrndup(prefix, prefix_len), xstrndup(suffix, suffix_len),
                                  prefix_len, suffix_len, node_new()};
    n->n_params++;
    return n->params[at].node;
}

/* ---- template parsing ---- */

typedef struct tmpl_seg {
    const char *text;       /* the whole segment */
    size_t len;
    const char *name;       /* parameter name, NULL for a literal segment */
    size_t name_len;
    size_t prefix_len, suffix_len;
    bool catch_all;
} tmpl_seg;

static bool valid_name(const char *s, size_t n)
{
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '{' || s[i] == '}' || s[i] == '/' || s[i] == '+') return false;
    return true;
}

/* Reads one segment: literal, or literal text around a single {param}. */
static bool parse_segment(const char *s, size_t len, tmpl_seg *out)
{
    *out = (tmpl_seg){.text = s, .len = len};
    const char *open = memchr(s, '{', len);
    const char *close = memchr(s, '}', len);
    if (!open && !close) return true;
    if (!open || !close || close < open) return false;
    const char *rest = close + 1;
    size_t rest_len = len - (size_t)(rest - s);
    if (memchr(rest, '{', rest_len) || memchr(rest, '}', rest_len)) return false;
    const char *name = open + 1;
    size_t name_len = (size_t)(close - name);
    if (name_len && name[name_len - 1] == '+') out->catch_all = true, name_len--;
    else if (name_len && name[0] == '+') out->catch_all = true, name++, name_len--;
    if (!valid_name(name, name_len)) return false;
    out->name = name;
    out->name_len = name_len;
    out->prefix_len = (size_t)(open - s);
    out->suffix_len = rest_len;
    return !out->catch_all || (out->prefix_len == 0 && out->suffix_len == 0);
}

static rnode *insert_path(router *r, const char *t, route *rt)
{
    rnode *n = &r->root;
    const char *seg = t + 1;
    for (;;) {
        const char *slash = strchr(seg, '/');
        size_t len = slash ? (size_t)(slash - seg) : strlen(seg);
        tmpl_seg ts;
        if (!parse_segment(seg, len, &ts)) return NULL;
        if (ts.name) {
            if (rt->n_names == ROUTER_MAX_PARAMS) return NULL;
            rt->names[rt->n_names++] = xstrndup(ts.name, ts.name_len);
        }
        if (ts.catch_all) {
            if (slash) return NULL;     /* a catch-all ends the template */
            if (!n->catch_all) n->catch_all = node_new();
            return n->catch_all;
        }
        if (ts.name)
            n = param_child_get(n, seg, ts.prefix_len, seg + len - ts.suffix_len, ts.suffix_len);
        else
            n = lit_child_get(n, seg, len);
        if (!slash) return n;
        seg = slash + 1;
    }
}

static void route_free_names(route *rt)
{
    for (size_t i = 0; i < rt->n_names; i++) free(rt->names[i]);
}

bool router_add(router *r, const char *method, const char *template_path, void *data)
{
    if (!method || !template_path || template_path[0] != '/') return false;
    route rt = {.data = data};
    rnode *n = insert_path(r, template_path, &rt);
    if (!n) {
        route_free_names(&rt);
        return false;
    }
    for (size_t i = 0; i < n->n_routes; i++) {
        if (strcmp(n->routes[i].method, method) == 0) {
            route_free_names(&rt);
            return false;
        }
    }
    rt.method = xstrndup(method, strlen(method));
    rt.template_path = xstrndup(template_path, strlen(template_path));
    n->routes = xrealloc(n->routes, (n->n_routes + 1) * sizeof *n->routes);
    n->routes[n->n_routes++] = rt;
    r->count++;
    return true;
}

/* ---- matching ---- */

/* One segment of the request path: its raw text, and its percent-decoded
 * bytes (the raw text itself when it holds no '%').  Splitting happens before
 * decoding, so an encoded '/' stays inside its segment. */
typedef struct path_seg {
    const char *raw;
    const char *p;
    size_t len;
} path_seg;

typedef struct span {
    const char *p;
    size_t len;
} span;

typedef struct match_state {
    const char *method;
    const path_seg *segs;
    size_t n_segs;
    const char *end;        /* end of the raw path (catch-alls take the rest) */
    span values[ROUTER_MAX_PARAMS];
    bool raw_rest[ROUTER_MAX_PARAMS];   /* value is raw path text still to decode */
    size_t n_values;
    bool path_exists;       /* some node matched the path, maybe not the method */
} match_state;

static const route *route_for_method(const rnode *n, const char *method)
{
    const route *any = NULL;
    for (size_t i = 0; i < n->n_routes; i++) {
        if (strcmp(n->routes[i].method, method) == 0) return &n->routes[i];
        if (strcmp(n->routes[i].method, "*") == 0) any = &n->routes[i];
    }
    return any;
}

static const route *at_end(const rnode *n, match_state *st)
{
    if (!n->n_routes) return NULL;
    st->path_exists = true;
    return route_for_method(n, st->method);
}

static const route *match_segment(const rnode *n, size_t i, match_state *st);

/* Continues after segment i. */
static const route *descend(const rnode *child, size_t i, match_state *st)
{
    if (i + 1 == st->n_segs) return at_end(child, st);
    return match_segment(child, i + 1, st);
}

static bool push_value(match_state *st, const char *p, size_t len, bool raw_rest)
{
    if (st->n_values == ROUTER_MAX_PARAMS) return false;
    st->raw_rest[st->n_values] = raw_rest;
    st->values[st->n_values++] = (span){p, len};
    return true;
}

static const route *try_params(const rnode *n, size_t i, match_state *st)
{
    const char *seg = st->segs[i].p;
    size_t len = st->segs[i].len;
    for (size_t k = 0; k < n->n_params; k++) {
        const param_child *pc = &n->params[k];
        size_t fixed = pc->prefix_len + pc->suffix_len;
        if (len <= fixed) continue;     /* the value must not be empty */
        if (memcmp(seg, pc->prefix, pc->prefix_len) != 0) continue;
        if (memcmp(seg + len - pc->suffix_len, pc->suffix, pc->suffix_len) != 0) continue;
        size_t mark = st->n_values;
        if (!push_value(st, seg + pc->prefix_len, len - fixed, false)) continue;
        const route *rt = descend(pc->node, i, st);
        if (rt) return rt;
        st->n_values = mark;
    }
    return NULL;
}

static const route *match_segment(const rnode *n, size_t i, match_state *st)
{
    bool found;
    size_t at = lit_search(n, st->segs[i].p, st->segs[i].len, &found);
    if (found) {
        const route *rt = descend(n->lits[at].node, i, st);
        if (rt) return rt;
    }
    const route *rt = try_params(n, i, st);
    if (rt) return rt;
    if (n->catch_all) {
        size_t mark = st->n_values;
        const char *rest = st->segs[i].raw;
        if (push_value(st, rest, (size_t)(st->end - rest), true)) {
            rt = at_end(n->catch_all, st);
            if (rt) return rt;
        }
        st->n_values = mark;
    }
    return NULL;
}

/* Splits the path after its leading '/' into decoded segments.  False when a
 * segment decodes to a NUL byte: no template can hold one and a C-string
 * parameter would cut it short ("a%00b" read as "a", another object), so such
 * a path matches nothing.  Invalid escapes ("%zz", a trailing "%4") are kept
 * as they are, the way the decoder keeps them. */
static bool split_path(arena *a, const char *path, const char *end, path_seg **out, size_t *n_out)
{
    size_t n = 1;
    for (const char *c = path; c < end; c++) n += *c == '/';
    path_seg *segs = arena_alloc(a, n * sizeof *segs);
    const char *seg = path;
    for (size_t i = 0; i < n; i++) {
        const char *seg_end = memchr(seg, '/', (size_t)(end - seg));
        if (!seg_end) seg_end = end;
        size_t len = (size_t)(seg_end - seg);
        segs[i] = (path_seg){seg, seg, len};
        if (memchr(seg, '%', len)) {
            segs[i].p = http_percent_decode(a, seg, len, false, &segs[i].len);
            if (memchr(segs[i].p, '\0', segs[i].len)) return false;
        }
        seg = seg_end + 1;
    }
    *out = segs;
    *n_out = n;
    return true;
}

static const char *value_text(arena *a, const match_state *st, size_t i)
{
    span v = st->values[i];
    if (st->raw_rest[i]) return http_percent_decode(a, v.p, v.len, false, NULL);
    return arena_strndup(a, v.p, v.len);
}

route_result router_match(const router *r, arena *a, const char *method, const char *path,
                          route_match *out)
{
    memset(out, 0, sizeof *out);
    if (!path || path[0] != '/') return ROUTE_NOT_FOUND;
    match_state st = {.method = method, .end = path + strlen(path)};
    path_seg *segs;
    if (!split_path(a, path + 1, st.end, &segs, &st.n_segs)) return ROUTE_NOT_FOUND;
    st.segs = segs;
    const route *rt = match_segment(&r->root, 0, &st);
    if (!rt) return st.path_exists ? ROUTE_METHOD_NOT_ALLOWED : ROUTE_NOT_FOUND;
    out->data = rt->data;
    out->method = rt->method;
    out->template_path = rt->template_path;
    out->n_params = rt->n_names;
    for (size_t i = 0; i < rt->n_names; i++) {
        out->params[i].name = rt->names[i];
        out->params[i].value = value_text(a, &st, i);
    }
    return ROUTE_FOUND;
}

const char *route_param_get(const route_match *m, const char *name)
{
    for (size_t i = 0; i < m->n_params; i++)
        if (strcmp(m->params[i].name, name) == 0) return m->params[i].value;
    return NULL;
}
