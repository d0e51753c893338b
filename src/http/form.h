/* Body and query decoders shared by every twin. */
#ifndef TWINS_FORM_H
#define TWINS_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "json/json.h"

/* Decodes application/x-www-form-urlencoded (and query strings) into a JSON
 * object, with Stripe/Rack-style nesting:
 *   a=1                 -> {"a":"1"}
 *   metadata[k]=v       -> {"metadata":{"k":"v"}}
 *   expand[]=x&expand[]=y -> {"expand":["x","y"]}
 *   items[0][price]=p&items[1][price]=q -> {"items":[{"price":"p"},{"price":"q"}]}
 *   items[0][tax_rates][]=t -> nested arrays inside indexed items
 * All leaf values are JSON strings (Stripe coerces types per parameter).  An
 * empty value stays "" (Stripe uses it to unset).  Indexed arrays keep index
 * order; a key repeated without [] keeps the last value.  Malformed keys
 * ("a[b", "a]") are taken literally.  Never fails; returns an object. */
json_value *form_decode(arena *a, const char *s, size_t n);
/* form_decode for a request's query string (twin_ctx.query), which handlers
 * read as C strings: a key or value that would decode to hold a NUL byte is
 * kept as sent ("id=abc%00xyz" -> "abc%00xyz"), so it can never be read as
 * another ("abc").  http_query_span has the exact bytes. */
json_value *form_decode_query(arena *a, const char *s, size_t n);

/* One part of a multipart/form-data body. */
typedef struct multipart_part {
    const char *name;           /* form field name, "" if none */
    const char *filename;       /* NULL when not a file */
    const char *content_type;   /* part Content-Type, NULL if absent */
    const char *data;           /* points into the arena copy; NUL-terminated */
    size_t len;
} multipart_part;

/* Parses a multipart/form-data body given the full Content-Type header value
 * (boundary taken from it).  Returns false on malformed input (missing
 * boundary, no closing delimiter, too many parts (>1024)). */
bool multipart_parse(arena *a, const char *content_type, const char *body, size_t len,
                     multipart_part **parts, size_t *n_parts);

/* Whether a Content-Type header value (NULL = none) names the media type
 * want, case-insensitively, whatever parameters follow ("; charset=..."). */
bool media_type_is(const char *content_type, const char *want);

/* Decodes a request body by its media type into a JSON value:
 * application/json -> parsed (NULL + *error set on invalid JSON),
 * application/x-www-form-urlencoded -> form_decode, multipart -> object of
 * text fields (files are left to multipart_parse), empty body -> empty object. */
json_value *body_decode(arena *a, const char *content_type_header, const char *body, size_t len,
                        const char **error);

#endif
