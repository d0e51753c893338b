/* Reading, building and editing the arena DOM. */
#include "json/json.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading ---- */

json_value *json_getn(const json_value *obj, const char *key, size_t key_len)
{
    if (!obj || obj->type != JSON_OBJECT) return NULL;
    for (json_value *m = obj->first; m; m = m->next)
        if (m->key_len == key_len && memcmp(m->key, key, key_len) == 0) return m;
    return NULL;
}

json_value *json_get(const json_value *obj, const char *key)
{
    return json_getn(obj, key, strlen(key));
}

json_value *json_at(const json_value *arr, size_t index)
{
    if (!arr || arr->type != JSON_ARRAY || index >= arr->len) return NULL;
    json_value *v = arr->first;
    while (index--) v = v->next;
    return v;
}

/* A path segment addresses an array element only when it is all digits. */
static bool parse_index(const char *s, size_t n, size_t *out)
{
    if (n == 0 || n > 9) return false;
    size_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (size_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

static json_value *path_step(const json_value *v, const char *seg, size_t n)
{
    size_t index;
    if (v->type == JSON_OBJECT) return json_getn(v, seg, n);
    if (v->type == JSON_ARRAY && parse_index(seg, n, &index)) return json_at(v, index);
    return NULL;
}

json_value *json_path(const json_value *v, const char *dotted)
{
    json_value *cur = (json_value *)v;
    const char *seg = dotted;
    while (cur && seg && *seg) {
        const char *dot = strchr(seg, '.');
        size_t n = dot ? (size_t)(dot - seg) : strlen(seg);
        cur = path_step(cur, seg, n);
        seg = dot ? dot + 1 : NULL;
    }
    return cur;
}

const char *json_str(const json_value *v)
{
    return v && v->type == JSON_STRING ? v->str : NULL;
}

const char *json_get_str(const json_value *obj, const char *key)
{
    return json_str(json_get(obj, key));
}

bool json_is_null(const json_value *v)
{
    return !v || v->type == JSON_NULL;
}

bool json_is_bool(const json_value *v)
{
    return v && (v->type == JSON_TRUE || v->type == JSON_FALSE);
}

bool json_truthy(const json_value *v)
{
    return v && v->type == JSON_TRUE;
}

bool json_int64(const json_value *v, int64_t *out)
{
    if (!v || v->type != JSON_NUMBER) return false;
    const char *p = v->str;
    bool negative = *p == '-';
    if (negative) p++;
    /* Magnitude limit: INT64_MIN has one more than INT64_MAX. */
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t magnitude = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9') return false;   /* fraction or exponent */
        unsigned digit = (unsigned)(*p - '0');
        if (magnitude > (limit - digit) / 10) return false;
        magnitude = magnitude * 10 + digit;
    }
    *out = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
    return true;
}

/* Assumes the C locale for LC_NUMERIC, as JSON's '.' requires. */
bool json_double(const json_value *v, double *out)
{
    if (!v || v->type != JSON_NUMBER) return false;
    double d = strtod(v->str, NULL);
    if (!isfinite(d)) return false;
    *out = d;
    return true;
}

static bool same_key(const json_value *a, const json_value *b)
{
    return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

static bool objects_equal(const json_value *a, const json_value *b)
{
    /* Members usually come in the same order, so try b's member at the same
     * position before scanning. */
    const json_value *hint = b->first;
    for (const json_value *m = a->first; m; m = m->next) {
        const json_value *other = hint && same_key(hint, m) ? hint : json_getn(b, m->key, m->key_len);
        if (!other || !json_equal(m, other)) return false;
        hint = other->next;
    }
    return true;
}

static bool arrays_equal(const json_value *a, const json_value *b)
{
    const json_value *x = a->first, *y = b->first;
    for (; x && y; x = x->next, y = y->next)
        if (!json_equal(x, y)) return false;
    return !x && !y;
}

bool json_equal(const json_value *a, const json_value *b)
{
    if (a == b) return true;
    if (!a || !b || a->type != b->type || a->len != b->len) return false;
    switch (a->type) {
    case JSON_NUMBER:
    case JSON_STRING: return memcmp(a->str, b->str, a->len) == 0;
    case JSON_ARRAY: return arrays_equal(a, b);
    case JSON_OBJECT: return objects_equal(a, b);
    default: return true;
    }
}

/* ---- building ---- */

static json_value *new_node(arena *a, json_type type)
{
    json_value *v = arena_zalloc(a, sizeof *v);
    v->type = type;
    return v;
}

/* A node followed by a NUL-terminated copy of its text, in one allocation. */
static json_value *new_text_node(arena *a, json_type type, const char *s, size_t n)
{
    char *mem = arena_alloc(a, sizeof(json_value) + n + 1);
    json_value *v = memset(mem, 0, sizeof(json_value));
    char *text = mem + sizeof(json_value);
    if (n) memcpy(text, s, n);
    text[n] = '\0';
    v->type = type;
    v->str = text;
    v->len = (uint32_t)n;
    return v;
}

json_value *json_null(arena *a)
{
    return new_node(a, JSON_NULL);
}

json_value *json_bool(arena *a, bool b)
{
    return new_node(a, b ? JSON_TRUE : JSON_FALSE);
}

json_value *json_stringn(arena *a, const char *s, size_t n)
{
    return new_text_node(a, JSON_STRING, s, n);
}

json_value *json_string(arena *a, const char *s)
{
    return s ? json_stringn(a, s, strlen(s)) : json_null(a);
}

json_value *json_int(arena *a, int64_t n)
{
    char text[24];
    int len = snprintf(text, sizeof text, "%" PRId64, n);
    return new_text_node(a, JSON_NUMBER, text, (size_t)len);
}

json_value *json_number_text(arena *a, const char *text)
{
    return new_text_node(a, JSON_NUMBER, text, strlen(text));
}

json_value *json_object(arena *a)
{
    return new_node(a, JSON_OBJECT);
}

json_value *json_array(arena *a)
{
    return new_node(a, JSON_ARRAY);
}

static void append_child(json_value *parent, json_value *v)
{
    v->next = NULL;
    if (parent->last)
        parent->last->next = v;
    else
        parent->first = v;
    parent->last = v;
    parent->len++;
}

static json_value *clone_node(arena *a, const json_value *v)
{
    if (v->type == JSON_STRING || v->type == JSON_NUMBER) return new_text_node(a, v->type, v->str, v->len);
    json_value *copy = new_node(a, v->type);
    for (const json_value *c = v->first; c; c = c->next) {
        json_value *child = clone_node(a, c);
        if (c->key) {
            child->key = arena_strndup(a, c->key, c->key_len);
            child->key_len = c->key_len;
        }
        append_child(copy, child);
    }
    return copy;
}

json_value *json_clone(arena *a, const json_value *v)
{
    return v ? clone_node(a, v) : json_null(a);
}

/* ---- editing ---- */

void json_setn(arena *a, json_value *obj, const char *key, size_t key_len, json_value *val)
{
    if (!obj || obj->type != JSON_OBJECT) return;
    if (!val) val = json_null(a);
    json_value *prev = NULL;
    for (json_value *m = obj->first; m; prev = m, m = m->next) {
        if (m->key_len != key_len || memcmp(m->key, key, key_len) != 0) continue;
        if (m == val) return;
        /* Replace in place: the member keeps its position and its key. */
        val->key = m->key;
        val->key_len = m->key_len;
        val->next = m->next;
        if (prev)
            prev->next = val;
        else
            obj->first = val;
        if (obj->last == m) obj->last = val;
        m->next = NULL;
        return;
    }
    json_append_member(a, obj, key, key_len, val);
}

void json_append_member(arena *a, json_value *obj, const char *key, size_t key_len, json_value *val)
{
    if (!obj || obj->type != JSON_OBJECT) return;
    if (!val) val = json_null(a);
    val->key = arena_strndup(a, key, key_len);
    val->key_len = (uint32_t)key_len;
    append_child(obj, val);
}

void json_set(arena *a, json_value *obj, const char *key, json_value *val)
{
    json_setn(a, obj, key, strlen(key), val);
}

void json_set_str(arena *a, json_value *obj, const char *key, const char *s)
{
    json_set(a, obj, key, json_string(a, s));
}

void json_set_int(arena *a, json_value *obj, const char *key, int64_t n)
{
    json_set(a, obj, key, json_int(a, n));
}

void json_set_bool(arena *a, json_value *obj, const char *key, bool b)
{
    json_set(a, obj, key, json_bool(a, b));
}

void json_set_null(arena *a, json_value *obj, const char *key)
{
    json_set(a, obj, key, json_null(a));
}

bool json_remove(json_value *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT) return false;
    size_t key_len = strlen(key);
    json_value *prev = NULL;
    for (json_value *m = obj->first; m; prev = m, m = m->next) {
        if (m->key_len != key_len || memcmp(m->key, key, key_len) != 0) continue;
        if (prev)
            prev->next = m->next;
        else
            obj->first = m->next;
        if (obj->last == m) obj->last = prev;
        obj->len--;
        m->next = NULL;
        return true;
    }
    return false;
}

void json_push(json_value *arr, json_value *val)
{
    if (!arr || arr->type != JSON_ARRAY || !val) return;
    append_child(arr, val);
}

void json_merge(arena *a, json_value *dst, const json_value *src)
{
    if (!src || src->type != JSON_OBJECT) return;
    /* next is read first because merging an object into itself unlinks the
     * member being replaced. */
    for (const json_value *m = src->first, *next; m; m = next) {
        next = m->next;
        json_setn(a, dst, m->key, m->key_len, json_clone(a, m));
    }
}
