/* jansson for differential tests, included beside src/json.
 *
 * jansson's API shares names with ours (json_object, json_string, JSON_NULL,
 * ...).  Its header is included with those names renamed and the renames
 * dropped again, so only its non-clashing functions are called here, and its
 * type tests are spelled json_typeof(j) == JANSSON_* (its json_is_* macros
 * would expand to our enumerators).  libjansson binds its internal calls to
 * its own definitions, so both libraries coexist in one binary. */
#ifndef TWINS_JANSSON_COMPAT_H
#define TWINS_JANSSON_COMPAT_H

#define json_type jansson_type
#define JSON_OBJECT JANSSON_OBJECT
#define JSON_ARRAY JANSSON_ARRAY
#define JSON_STRING JANSSON_STRING
#define JSON_INTEGER JANSSON_INTEGER
#define JSON_REAL JANSSON_REAL
#define JSON_TRUE JANSSON_TRUE
#define JSON_FALSE JANSSON_FALSE
#define JSON_NULL JANSSON_NULL
#define json_null jansson_null
#define json_string jansson_string
#define json_stringn jansson_stringn
#define json_object jansson_object
#define json_array jansson_array
#define json_equal jansson_equal
#include <jansson.h>
#undef json_type
#undef JSON_OBJECT
#undef JSON_ARRAY
#undef JSON_STRING
#undef JSON_INTEGER
#undef JSON_REAL
#undef JSON_TRUE
#undef JSON_FALSE
#undef JSON_NULL
#undef json_null
#undef json_string
#undef json_stringn
#undef json_object
#undef json_array
#undef json_equal
#undef json_is_null

#endif
