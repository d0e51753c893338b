/* Deflate-compressed data through zlib: inflating zlib/gzip streams (PDF
 * FlateDecode streams) with a bound on the output, and gzip members (the
 * Unstructured chunks' metadata.orig_elements). */
#ifndef TWINS_FLATE_H
#define TWINS_FLATE_H

#include <stddef.h>

#include "util/arena.h"
#include "util/buf.h"

typedef enum flate_status {
    FLATE_OK,           /* the whole stream, its checksum verified */
    FLATE_TRUNCATED,    /* the input ended inside the stream: out holds what it decoded to */
    FLATE_CORRUPT,      /* bad data: out holds what decoded before it */
    FLATE_TOO_LARGE,    /* the output would pass limit: out holds limit bytes at most */
} flate_status;

/* Appends the inflation of a zlib (RFC 1950) or gzip (RFC 1952) stream to
 * out, never more than limit bytes; input after the stream's end is ignored. */
flate_status flate_inflate(const void *data, size_t len, size_t limit, buf *out);

/* One gzip member holding data (in the arena). */
char *gzip_compress(arena *a, const void *data, size_t len, size_t *out_len);

#endif
