/* application/x-www-form-urlencoded with Stripe/Rack nesting, and body_decode.
 *
 * Pairs are inserted into a small tree of objects ("a[b]"), push-arrays
 * ("a[]") and strings first; objects whose keys are all indices become arrays
 * ordered by index only at the end, when every index is known (sparse and
 * out-of-order indices therefore come out in index order).  Objects index
 * their members in a hash once they grow, so a body with 100k distinct keys
 * stays linear. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/form.h"
#include "http/http.h"

#define MAX_KEY_PARTS 64
#define HASH_FROM 16            /* members before an object builds its hash */
#define MAX_INDEX_DIGITS 9

typedef enum { F_STR, F_OBJ, F_ARR } fkind;

typedef struct fnode fnode;
struct fnode {
    fkind kind;
    const char *key;            /* member name inside an object */
    size_t key_len;
    const char *val;            /* F_STR */
    size_t val_len;
    fnode *first, *last, *next;
    size_t n_children;
    fnode **hash;               /* F_OBJ with many members: open addressing */
    size_t hash_cap;
};

static fnode *fnode_new(arena *a, fkind kind)
{
    fnode *n = arena_zalloc(a, sizeof *n);
    n->kind = kind;
    return n;
}

static size_t key_hash(const char *s, size_t n)
{
    size_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static bool key_is(const fnode *n, const char *key, size_t len)
{
    return n->key_len == len && memcmp(n->key, key, len) == 0;
}

static void hash_put(fnode *obj, fnode *child)
{
    size_t mask = obj->hash_cap - 1;
    size_t i = key_hash(child->key, child->key_len) & mask;
    while (obj->hash[i]) i = (i + 1) & mask;
    obj->hash[i] = child;
}

static void hash_rebuild(arena *a, fnode *obj)
{
    obj->hash_cap = obj->hash_cap ? obj->hash_cap * 2 : HASH_FROM * 4;
    obj->hash = arena_zalloc(a, obj->hash_cap * sizeof *obj->hash);
    for (fnode *c = obj->first; c; c = c->next) hash_put(obj, c);
}

static fnode **member_slot(fnode *obj, const char *key, size_t len)
{
    if (obj->hash) {
        size_t mask = obj->hash_cap - 1;
        for (size_t i = key_hash(key, len) & mask; obj->hash[i]; i = (i + 1) & mask)
            if (key_is(obj->hash[i], key, len)) return &obj->hash[i];
        return NULL;
    }
    for (fnode **p = &obj->first; *p; p = &(*p)->next)
        if (key_is(*p, key, len)) return p;
    return NULL;
}

static void append_child(arena *a, fnode *parent, fnode *child)
{
    if (parent->last) parent->last->next = child;
    else parent->first = child;
    parent->last = child;
    parent->n_children++;
    if (parent->kind != F_OBJ) return;
    if (parent->hash && parent->n_children * 2 <= parent->hash_cap) hash_put(parent, child);
    else if (parent->hash || parent->n_children >= HASH_FROM) hash_rebuild(a, parent);
}

/* Turns node into an empty container of the wanted kind, in place, keeping
 * its position among its siblings: a later assignment of another type wins. */
static void reshape(fnode *n, fkind kind)
{
    if (n->kind == kind) return;
    n->kind = kind;
    n->first = n->last = NULL;
    n->n_children = 0;
    n->hash = NULL;
    n->hash_cap = 0;
}

static fnode *member(arena *a, fnode *obj, const char *key, size_t len, fkind kind)
{
    fnode **slot = member_slot(obj, key, len);
    if (slot) {
        reshape(*slot, kind);
        return *slot;
    }
    fnode *n = fnode_new(a, kind);
    n->key = key;
    n->key_len = len;
    append_child(a, obj, n);
    return n;
}

typedef struct key_part {
    const char *s;
    size_t len;
} key_part;

/* Splits "a[b][]" into a, b, "".  Anything malformed is one literal part. */
static size_t split_key(const char *key, size_t len, key_part *parts)
{
    const char *open = memchr(key, '[', len);
    parts[0] = (key_part){key, len};
    if (!open || open == key) return 1;
    size_t n = 1;
    parts[0].len = (size_t)(open - key);
    const char *p = open, *end = key + len;
    while (p < end) {
        if (*p != '[' || n == MAX_KEY_PARTS) break;
        const char *close = memchr(p, ']', (size_t)(end - p));
        if (!close || memchr(p + 1, '[', (size_t)(close - p - 1))) break;
        parts[n++] = (key_part){p + 1, (size_t)(close - p - 1)};
        p = close + 1;
    }
    if (p != end) {
        parts[0] = (key_part){key, len};
        return 1;
    }
    return n;
}

static fkind kind_for(const key_part *next)
{
    return next->len == 0 ? F_ARR : F_OBJ;
}

/* "a[][k]=v": Rack fills the last element until it already has k. */
static fnode *array_slot(arena *a, fnode *arr, const key_part *next)
{
    fkind kind = next ? kind_for(next) : F_STR;
    if (kind == F_OBJ && arr->last && arr->last->kind == F_OBJ &&
        !member_slot(arr->last, next->s, next->len))
        return arr->last;
    fnode *n = fnode_new(a, kind);
    append_child(a, arr, n);
    return n;
}

static void form_insert(arena *a, fnode *root, const char *key, size_t key_len, const char *val,
                        size_t val_len)
{
    key_part parts[MAX_KEY_PARTS];
    size_t n = split_key(key, key_len, parts);
    fnode *cur = root;
    for (size_t i = 0; i < n; i++) {
        const key_part *next = i + 1 < n ? &parts[i + 1] : NULL;
        fkind kind = next ? kind_for(next) : F_STR;
        if (cur->kind == F_ARR) cur = array_slot(a, cur, next);
        else cur = member(a, cur, parts[i].s, parts[i].len, kind);
    }
    reshape(cur, F_STR);
    cur->val = val;
    cur->val_len = val_len;
}

/* Decodes n bytes; with nul_raw, text that would decode to hold a NUL byte
 * is kept as sent (see form_decode_query). */
static const char *decode_part(arena *a, const char *s, size_t n, bool nul_raw, size_t *len)
{
    const char *d = http_percent_decode(a, s, n, true, len);
    if (nul_raw && memchr(d, '\0', *len)) {
        *len = n;
        return arena_strndup(a, s, n);
    }
    return d;
}

static void insert_pair(arena *a, fnode *root, const char *pair, size_t len, bool nul_raw)
{
    const char *eq = memchr(pair, '=', len);
    size_t raw_key_len = eq ? (size_t)(eq - pair) : len;
    if (raw_key_len == 0) return;
    size_t key_len, val_len = 0;
    const char *key = decode_part(a, pair, raw_key_len, nul_raw, &key_len);
    const char *val = eq ? decode_part(a, eq + 1, len - raw_key_len - 1, nul_raw, &val_len) : "";
    form_insert(a, root, key, key_len, val, val_len);
}

/* ---- conversion to JSON ---- */

static bool index_value(const fnode *n, unsigned long *out)
{
    if (n->key_len == 0 || n->key_len > MAX_INDEX_DIGITS) return false;
    unsigned long v = 0;
    for (size_t i = 0; i < n->key_len; i++) {
        if (!isdigit((unsigned char)n->key[i])) return false;
        v = v * 10 + (unsigned long)(n->key[i] - '0');
    }
    *out = v;
    return true;
}

static bool all_indices(const fnode *obj)
{
    unsigned long ignored;
    if (!obj->first) return false;
    for (const fnode *c = obj->first; c; c = c->next)
        if (!index_value(c, &ignored)) return false;
    return true;
}

typedef struct indexed {
    unsigned long index;
    size_t order;
    const fnode *node;
} indexed;

static int indexed_cmp(const void *x, const void *y)
{
    const indexed *a = x, *b = y;
    if (a->index != b->index) return a->index < b->index ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static json_value *to_json(arena *a, const fnode *n);

static json_value *indexed_to_array(arena *a, const fnode *obj)
{
    indexed *items = arena_alloc(a, obj->n_children * sizeof *items);
    size_t k = 0;
    for (const fnode *c = obj->first; c; c = c->next, k++) {
        index_value(c, &items[k].index);
        items[k].order = k;
        items[k].node = c;
    }
    qsort(items, k, sizeof *items, indexed_cmp);
    json_value *arr = json_array(a);
    for (size_t i = 0; i < k; i++) json_push(arr, to_json(a, items[i].node));
    return arr;
}

static json_value *to_json(arena *a, const fnode *n)
{
    if (n->kind == F_STR) return json_stringn(a, n->val, n->val_len);
    if (n->kind == F_OBJ && all_indices(n)) return indexed_to_array(a, n);
    json_value *out = n->kind == F_ARR ? json_array(a) : json_object(a);
    /* Members are unique already (member() found repeats), so they are
     * appended without json_setn's scan, which would make a form with many
     * keys quadratic again. */
    for (const fnode *c = n->first; c; c = c->next) {
        if (n->kind == F_ARR) json_push(out, to_json(a, c));
        else json_append_member(a, out, c->key, c->key_len, to_json(a, c));
    }
    return out;
}

/* The root stays an object even when every key is an index. */
static json_value *root_to_json(arena *a, const fnode *root)
{
    json_value *out = json_object(a);
    for (const fnode *c = root->first; c; c = c->next)
        json_append_member(a, out, c->key, c->key_len, to_json(a, c));
    return out;
}

static json_value *decode_pairs(arena *a, const char *s, size_t n, bool nul_raw)
{
    fnode *root = fnode_new(a, F_OBJ);
    const char *end = s + n;
    while (s && s < end) {
        const char *amp = memchr(s, '&', (size_t)(end - s));
        const char *pair_end = amp ? amp : end;
        if (pair_end > s) insert_pair(a, root, s, (size_t)(pair_end - s), nul_raw);
        s = pair_end + 1;
    }
    return root_to_json(a, root);
}

json_value *form_decode(arena *a, const char *s, size_t n)
{
    return decode_pairs(a, s, n, false);
}

json_value *form_decode_query(arena *a, const char *s, size_t n)
{
    return decode_pairs(a, s, n, true);
}

/* ---- body_decode ---- */

/* The media type of a Content-Type value: leading blanks skipped, up to the
 * parameters (";") or a blank; *len gets its length. */
static const char *media_type(const char *content_type, size_t *len)
{
    const char *ct = content_type ? content_type : "";
    while (*ct == ' ' || *ct == '\t') ct++;
    *len = strcspn(ct, "; \t");
    return ct;
}

bool media_type_is(const char *content_type, const char *want)
{
    size_t len;
    const char *ct = media_type(content_type, &len);
    return strlen(want) == len && strncasecmp(ct, want, len) == 0;
}

/* "application/vnd.api+json" and friends are JSON too. */
static bool media_is_json(const char *content_type)
{
    size_t len;
    const char *ct = media_type(content_type, &len);
    return media_type_is(content_type, "application/json") || (len > 5 && strncasecmp(ct + len - 5, "+json", 5) == 0);
}

static json_value *decode_json(arena *a, const char *body, size_t len, const char **error)
{
    json_error err;
    json_value *v = json_parse(a, body, len, &err);
    if (!v && error) *error = arena_printf(a, "invalid JSON body: %s at offset %zu", err.message, err.offset);
    return v;
}

static json_value *decode_multipart_fields(arena *a, const char *ct, const char *body, size_t len,
                                           const char **error)
{
    multipart_part *parts;
    size_t n;
    if (!multipart_parse(a, ct, body, len, &parts, &n)) {
        if (error) *error = "invalid multipart body";
        return NULL;
    }
    fnode *root = fnode_new(a, F_OBJ);
    for (size_t i = 0; i < n; i++)
        if (!parts[i].filename && parts[i].name[0])
            form_insert(a, root, parts[i].name, strlen(parts[i].name), parts[i].data, parts[i].len);
    return root_to_json(a, root);
}

static bool looks_like_json(const char *body, size_t len)
{
    size_t i = 0;
    while (i < len && isspace((unsigned char)body[i])) i++;
    return i < len && (body[i] == '{' || body[i] == '[');
}

json_value *body_decode(arena *a, const char *content_type_header, const char *body, size_t len,
                        const char **error)
{
    if (error) *error = NULL;
    if (len == 0) return json_object(a);
    const char *ct = content_type_header;
    if (media_is_json(ct)) return decode_json(a, body, len, error);
    if (media_type_is(ct, "application/x-www-form-urlencoded")) return form_decode(a, body, len);
    if (media_type_is(ct, "multipart/form-data")) return decode_multipart_fields(a, ct, body, len, error);
    /* No or unknown media type: clients that forget the header send JSON or
     * a form; the first byte tells which. */
    if (looks_like_json(body, len)) return decode_json(a, body, len, error);
    return form_decode(a, body, len);
}
