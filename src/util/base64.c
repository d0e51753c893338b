#include "util/base64.h"

#include <string.h>

#include <openssl/evp.h>

char *base64_encode(arena *a, const void *data, size_t len)
{
    char *out = arena_alloc(a, 4 * ((len + 2) / 3) + 1);
    int n = EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    out[n] = '\0';
    return out;
}

char *base64url_encode(arena *a, const void *data, size_t len)
{
    char *out = base64_encode(a, data, len);
    size_t n = strlen(out);
    while (n > 0 && out[n - 1] == '=') out[--n] = '\0';
    for (char *p = out; *p; p++) {
        if (*p == '+') *p = '-';
        else if (*p == '/') *p = '_';
    }
    return out;
}

/* Copies text into the standard alphabet, without whitespace, padded to a
 * multiple of four; *pad_out = how many '=' end it.  -1 when malformed. */
static long normalise(const char *text, char *clean, size_t *pad_out)
{
    size_t k = 0, pad = 0;
    for (const char *p = text; *p; p++) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        if (c == '=') { pad++; continue; }
        if (pad) return -1; /* data after padding */
        if (c == '-') c = '+';
        else if (c == '_') c = '/';
        clean[k++] = c;
    }
    if (k % 4 == 1 || pad > 2) return -1;
    pad = (4 - k % 4) % 4;
    for (size_t i = 0; i < pad; i++) clean[k++] = '=';
    clean[k] = '\0';
    *pad_out = pad;
    return (long)k;
}

char *base64_decode(arena *a, const char *text, size_t *len_out)
{
    size_t n = strlen(text), pad = 0;
    char *clean = arena_alloc(a, n + 4);
    long k = normalise(text, clean, &pad);
    if (k < 0) return NULL;
    unsigned char *out = arena_alloc(a, 3 * ((size_t)k / 4) + 1);
    int got = k ? EVP_DecodeBlock(out, (const unsigned char *)clean, (int)k) : 0;
    if (got < 0) return NULL;
    /* EVP_DecodeBlock counts the '=' padding as zero bytes. */
    got -= (int)pad;
    out[got] = '\0';
    if (len_out) *len_out = (size_t)got;
    return (char *)out;
}
