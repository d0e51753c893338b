/* Base64 (RFC 4648 §4) and its URL-safe alphabet (§5), on top of OpenSSL's
 * block codec.  Results live in the given arena and are NUL-terminated, so
 * decoded text can be used as a C string when it holds no NUL bytes. */
#ifndef TWINS_BASE64_H
#define TWINS_BASE64_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

/* Standard alphabet with '=' padding. */
char *base64_encode(arena *a, const void *data, size_t len);
/* URL-safe alphabet ('-', '_'), padding dropped (JWTs, opaque page tokens). */
char *base64url_encode(arena *a, const void *data, size_t len);
/* Accepts either alphabet, with or without padding; whitespace is ignored
 * (MIME-wrapped content).  NULL when malformed.  *len_out may be NULL. */
char *base64_decode(arena *a, const char *text, size_t *len_out);

#endif
