/* JSON: a parser into an arena DOM, DOM builders/mutators, and a streaming
 * writer.  Numbers keep their exact source text (Stripe amounts, GitHub ids
 * and Slack timestamps must round-trip byte for byte), strings are decoded to
 * UTF-8 and may contain NUL (use len).
 *
 * Every node lives in the arena passed to the call that made it; nothing is
 * freed individually.  Object members and array elements are singly linked
 * siblings with a tail pointer, so appends are O(1) and the DOM can be
 * edited in place by twin handlers. */
#ifndef TWINS_JSON_H
#define TWINS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"

typedef enum {
    JSON_NULL,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
} json_type;

typedef struct json_value json_value;
struct json_value {
    json_type type;
    uint32_t len;           /* string bytes, number text bytes, or child count */
    const char *str;        /* JSON_STRING: decoded bytes; JSON_NUMBER: source text; NUL-terminated */
    json_value *first;      /* JSON_ARRAY / JSON_OBJECT children */
    json_value *last;
    json_value *next;       /* next sibling inside the parent */
    const char *key;        /* set when this value is an object member (NUL-terminated) */
    uint32_t key_len;
};

#define JSON_DEFAULT_MAX_DEPTH 512

typedef struct json_error {
    size_t offset;          /* byte offset of the problem */
    int line, column;       /* 1-based */
    char message[96];       /* "unexpected character 'x'", "unterminated string", ... */
} json_error;

/* Parses exactly one JSON text (RFC 8259; surrounding whitespace allowed,
 * trailing garbage rejected, invalid UTF-8 and lone surrogates rejected).
 * Returns NULL on error and fills *err when err is not NULL. */
json_value *json_parse(arena *a, const char *text, size_t len, json_error *err);
json_value *json_parse_depth(arena *a, const char *text, size_t len, int max_depth, json_error *err);

/* ---- reading ---- */
json_value *json_get(const json_value *obj, const char *key);            /* NULL if absent or obj not an object */
json_value *json_getn(const json_value *obj, const char *key, size_t key_len);
json_value *json_at(const json_value *arr, size_t index);                 /* NULL if out of range */
json_value *json_path(const json_value *v, const char *dotted);           /* "a.b.0.c" */
const char *json_str(const json_value *v);                                /* NULL unless a string */
const char *json_get_str(const json_value *obj, const char *key);         /* json_str(json_get()) */
bool json_is_null(const json_value *v);                                   /* true for NULL pointer too */
bool json_is_bool(const json_value *v);
bool json_truthy(const json_value *v);                                    /* JSON_TRUE only */
bool json_int64(const json_value *v, int64_t *out);                       /* integral number text within range */
bool json_double(const json_value *v, double *out);
bool json_equal(const json_value *a, const json_value *b);                /* deep; object member order ignored; numbers compared by text */
#define json_foreach(child, parent) for (json_value *child = (parent) ? (parent)->first : NULL; child; child = child->next)

/* ---- building (all allocate in a) ---- */
json_value *json_null(arena *a);
json_value *json_bool(arena *a, bool b);
json_value *json_string(arena *a, const char *s);                         /* copies */
json_value *json_stringn(arena *a, const char *s, size_t n);
json_value *json_int(arena *a, int64_t n);
json_value *json_number_text(arena *a, const char *text);                 /* caller guarantees valid JSON number text */
json_value *json_double_value(arena *a, double d);                        /* shortest text that round-trips; non-finite -> null */
json_value *json_object(arena *a);
json_value *json_array(arena *a);
json_value *json_clone(arena *a, const json_value *v);                    /* deep copy */

/* Sets obj[key] = val (val is adopted, not copied; it must not be linked elsewhere).
 * Replaces an existing member in place, keeping its position. */
void json_set(arena *a, json_value *obj, const char *key, json_value *val);
void json_setn(arena *a, json_value *obj, const char *key, size_t key_len, json_value *val);
/* Appends obj[key] = val without looking for an existing member (json_setn
 * scans): only for keys the caller knows are new, e.g. when converting from a
 * structure whose keys are already unique.  The key is copied. */
void json_append_member(arena *a, json_value *obj, const char *key, size_t key_len, json_value *val);
void json_set_str(arena *a, json_value *obj, const char *key, const char *s);   /* s NULL -> null */
void json_set_int(arena *a, json_value *obj, const char *key, int64_t n);
void json_set_bool(arena *a, json_value *obj, const char *key, bool b);
void json_set_null(arena *a, json_value *obj, const char *key);
bool json_remove(json_value *obj, const char *key);                      /* true if it was there */
void json_push(json_value *arr, json_value *val);                         /* adopts val */
/* Shallow merge: every member of src replaces/adds into dst (values cloned). */
void json_merge(arena *a, json_value *dst, const json_value *src);

/* ---- writing ---- */
/* Compact serialisation appended to out.  Strings are escaped per RFC 8259
 * (control chars as \u00XX, '/' left alone, non-ASCII UTF-8 passed through,
 * each byte of ill-formed UTF-8 written as U+FFFD). */
void json_write(buf *out, const json_value *v);
void json_write_pretty(buf *out, const json_value *v, int indent);
char *json_to_string(arena *a, const json_value *v, size_t *len_out);     /* compact, arena copy */
void json_write_string(buf *out, const char *s, size_t n);               /* quoted + escaped */

/* Streaming writer for answers built without a DOM.  Commas and ':' are
 * inserted automatically; nesting is tracked up to JW_MAX_DEPTH. */
#define JW_MAX_DEPTH 64
typedef struct jw {
    buf *out;
    int depth;
    bool need_comma[JW_MAX_DEPTH];
    bool after_key;
} jw;

void jw_init(jw *w, buf *out);
void jw_object_begin(jw *w);
void jw_object_end(jw *w);
void jw_array_begin(jw *w);
void jw_array_end(jw *w);
void jw_key(jw *w, const char *key);
void jw_keyn(jw *w, const char *key, size_t n);
void jw_string(jw *w, const char *s);          /* NULL writes null */
void jw_stringn(jw *w, const char *s, size_t n);
void jw_int(jw *w, int64_t n);
void jw_uint(jw *w, uint64_t n);
void jw_double(jw *w, double d);
void jw_bool(jw *w, bool b);
void jw_null(jw *w);
void jw_raw(jw *w, const char *json, size_t n); /* pre-serialised value (number text, nested document) */
void jw_value(jw *w, const json_value *v);      /* NULL writes null */
/* key + value shorthands */
void jw_kv_string(jw *w, const char *key, const char *s);
void jw_kv_int(jw *w, const char *key, int64_t n);
void jw_kv_bool(jw *w, const char *key, bool b);
void jw_kv_null(jw *w, const char *key);

#endif
