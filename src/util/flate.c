/* zlib wrappers: see flate.h. */
#include "util/flate.h"

#include <limits.h>
#include <string.h>
#include <zlib.h>

/* zlib counts in uInt; feed larger inputs in slices. */
#define FLATE_SLICE ((size_t)UINT_MAX / 2)
#define FLATE_CHUNK ((size_t)64 * 1024)

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

flate_status flate_inflate(const void *data, size_t len, size_t limit, buf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* 15 + 32: a zlib or a gzip header, detected from the first bytes */
    if (inflateInit2(&z, 15 + 32) != Z_OK) return FLATE_CORRUPT;
    const unsigned char *in = data;
    size_t in_left = len, produced = 0;
    flate_status status = FLATE_TRUNCATED;
    for (;;) {
        if (z.avail_in == 0 && in_left) {
            z.next_in = (unsigned char *)in;
            z.avail_in = (uInt)min_size(in_left, FLATE_SLICE);
            in += z.avail_in;
            in_left -= z.avail_in;
        }
        if (produced == limit) {
            /* a full budget: one more byte of output means the stream is too large */
            unsigned char probe;
            z.next_out = &probe;
            z.avail_out = 1;
            int rc = inflate(&z, Z_NO_FLUSH);
            status = z.avail_out == 0 ? FLATE_TOO_LARGE : rc == Z_STREAM_END ? FLATE_OK
                     : rc == Z_DATA_ERROR || rc == Z_NEED_DICT ? FLATE_CORRUPT : FLATE_TRUNCATED;
            if (status == FLATE_TRUNCATED && (z.avail_in || in_left)) continue;
            break;
        }
        size_t room = min_size(FLATE_CHUNK, limit - produced);
        buf_reserve(out, room);
        z.next_out = (unsigned char *)out->data + out->len;
        z.avail_out = (uInt)room;
        int rc = inflate(&z, Z_NO_FLUSH);
        size_t got = room - z.avail_out;
        out->len += got;
        produced += got;
        if (rc == Z_STREAM_END) {
            status = FLATE_OK;
            break;
        }
        if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_MEM_ERROR || rc == Z_STREAM_ERROR) {
            status = FLATE_CORRUPT;
            break;
        }
        /* no progress and no input left: the stream was cut short */
        if (rc == Z_BUF_ERROR && z.avail_in == 0 && in_left == 0) break;
    }
    if (out->data) out->data[out->len] = '\0';
    inflateEnd(&z);
    return status;
}

char *gzip_compress(arena *a, const void *data, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* 15 + 16: a gzip wrapper around the deflate data */
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        *out_len = 0;
        return arena_strdup(a, "");
    }
    buf out = BUF_INIT;
    const unsigned char *in = data;
    size_t in_left = len;
    int rc;
    do {
        if (z.avail_in == 0 && in_left) {
            z.next_in = (unsigned char *)in;
            z.avail_in = (uInt)min_size(in_left, FLATE_SLICE);
            in += z.avail_in;
            in_left -= z.avail_in;
        }
        buf_reserve(&out, FLATE_CHUNK);
        z.next_out = (unsigned char *)out.data + out.len;
        z.avail_out = (uInt)FLATE_CHUNK;
        rc = deflate(&z, in_left || z.avail_in ? Z_NO_FLUSH : Z_FINISH);
        out.len += FLATE_CHUNK - z.avail_out;
    } while (rc == Z_OK || rc == Z_BUF_ERROR);
    deflateEnd(&z);
    *out_len = out.len;
    char *r = arena_memdup(a, out.data ? out.data : "", out.len + 1);
    buf_free(&out);
    return r;
}
