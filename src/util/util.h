/* Small helpers: time, randomness, ids, strings. */
#ifndef TWINS_UTIL_H
#define TWINS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

int64_t now_ms(void);                       /* wall clock, unix milliseconds */
/* "2026-03-21T12:00:00Z" (seconds) or with ".123Z" when with_ms. out >= 32 bytes. */
void format_iso8601(int64_t unix_ms, bool with_ms, char *out, size_t n);
/* Parses the format above (also without Z, with offsets +hh:mm); -1 on error. */
int64_t parse_iso8601_ms(const char *s);

void random_bytes(void *out, size_t n);     /* OpenSSL CSPRNG; aborts on failure */
void uuid_v4(char out[37]);
bool uuid_valid(const char *s);             /* canonical 8-4-4-4-12 hex form */
/* A v4-shaped UUID derived (like derive_token) from the inputs: stable ids
 * that real SDKs accept as UUIDs. */
void uuid_derived(char out[37], const char *a, const char *b, const char *c, int64_t k);
/* n random chars from [A-Za-z0-9] into out (NUL-terminated, out >= n+1). */
void random_token(char *out, size_t n);

/* base62 of a SHA-256 digest of the inputs: deterministic ids. out >= n+1. */
void derive_token(char *out, size_t n, const char *a, const char *b, const char *c, int64_t k);
/* base62 from splitmix64 seeded by (a, b, k): deterministic object ids made
 * on every create, where derive_token's SHA-256 was a tenth of the work.
 * Not for secrets: ids only need to be stable and apart. out >= n+1. */
void derive_id(char *out, size_t n, const char *a, const char *b, int64_t k);
/* n lower-case hex digits derived like derive_token (each its base62 char mod
 * 16): deterministic hex ids. out >= n+1. */
void derive_hex(char *out, size_t n, const char *a, const char *b, const char *c, int64_t k);
/* Lower-case hex of n bytes (digests, keys): 2n chars + NUL, out >= 2n+1. */
void hex_encode(const void *in, size_t n, char *out);

/* HMAC-SHA256 over the concatenation of n parts, the way webhook schemes
 * sign "<t>.<body>" (Stripe), "v0:<t>:<body>" (Slack), "<body><t>" (Box)
 * or the bare body.  The raw 32 bytes into out; _hex returns 64 lower-case
 * hex digits in a. */
typedef struct byte_span {
    const void *p;
    size_t n;
} byte_span;
void hmac_sha256(const char *key, const byte_span *parts, size_t n, unsigned char out[32]);
char *hmac_sha256_hex(arena *a, const char *key, const byte_span *parts, size_t n);

/* splitmix64: small deterministic PRNG for reproducible fault sequences. */
uint64_t splitmix64(uint64_t *state);

bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);
bool str_eq(const char *a, const char *b);  /* NULL-safe */
bool str_case_eq(const char *a, const char *b);
/* ASCII lower-casing in place (header names, emails, keys); returns s. */
char *str_to_lower(char *s);
/* Glob with '*' (any run of characters); used for fault route patterns. */
bool glob_match(const char *pattern, const char *s);
/* Length of the well-formed UTF-8 sequence starting at s (a byte >= 0x80)
 * and ending before end, or 0 when ill-formed (overlong forms, surrogates and
 * code points above U+10FFFF are; Unicode table 3-7). */
int utf8_sequence_length(const unsigned char *s, const unsigned char *end);
/* Constant-time comparison for secrets. */
bool secret_eq(const char *a, const char *b);

#endif
