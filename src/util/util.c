/* derive_token uses the one-shot SHA-256 functions (see there). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "util/util.h"

#include <ctype.h>
#include <pthread.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char BASE62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
static const char HEX_DIGITS[] = "0123456789abcdef";

int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void format_iso8601(int64_t unix_ms, bool with_ms, char *out, size_t n)
{
    time_t secs = (time_t)(unix_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    if (with_ms)
        snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(unix_ms % 1000));
    else
        snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int64_t parse_iso8601_ms(const char *s)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, used = 0;
    if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3) return -1;
    const char *p = s + used;
    if (*p == 'T' || *p == ' ') {
        int u2 = 0;
        if (sscanf(p + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &u2) != 3) return -1;
        p += 1 + u2;
    }
    int ms = 0;
    if (*p == '.') {
        int digits = 0;
        for (p++; isdigit((unsigned char)*p); p++, digits++)
            if (digits < 3) ms = ms * 10 + (*p - '0');
        for (; digits > 0 && digits < 3; digits++) ms *= 10;
    }
    int offset_min = 0;
    if (*p == '+' || *p == '-') {
        int oh, om;
        if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2) return -1;
        offset_min = (oh * 60 + om) * (*p == '-' ? -1 : 1);
    } else if (*p && *p != 'Z') {
        return -1;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    time_t t = timegm(&tm);
    return ((int64_t)t - offset_min * 60) * 1000 + ms;
}

static void rand_or_die(void *out, size_t n)
{
    if (RAND_bytes(out, (int)n) != 1) {
        fputs("twins: RAND_bytes failed\n", stderr);
        abort();
    }
}

/* Small draws (a request id per Stripe request, 14 bytes) come from a pool
 * filled 4 KiB at a time: one RAND_bytes call costs about as much as a
 * whole small request otherwise.  The bytes are the same CSPRNG output.  A
 * forked child empties its copy so it never repeats the parent's bytes. */
#define RANDOM_POOL 4096
static _Thread_local struct {
    unsigned char bytes[RANDOM_POOL];
    size_t left;
} pool;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void pool_forget(void)
{
    explicit_bzero(pool.bytes, sizeof pool.bytes);
    pool.left = 0;
}

static void pool_register_fork(void)
{
    pthread_atfork(NULL, NULL, pool_forget);
}

void random_bytes(void *out, size_t n)
{
    if (n > RANDOM_POOL / 4) {
        rand_or_die(out, n);
        return;
    }
    pthread_once(&pool_once, pool_register_fork);
    if (pool.left < n) {
        rand_or_die(pool.bytes, sizeof pool.bytes);
        pool.left = sizeof pool.bytes;
    }
    unsigned char *from = pool.bytes + sizeof pool.bytes - pool.left;
    memcpy(out, from, n);
    explicit_bzero(from, n); /* handed out once */
    pool.left -= n;
}

void uuid_v4(char out[37])
{
    unsigned char b[16];
    random_bytes(b, sizeof b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
             b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static int hex_digit_value(char h)
{
    return h <= '9' ? h - '0' : h - 'a' + 10;
}

void uuid_derived(char out[37], const char *a, const char *b, const char *c, int64_t k)
{
    char h[33];
    derive_hex(h, 32, a, b, c, k);
    h[12] = '4';                                        /* version */
    h[16] = "89ab"[hex_digit_value(h[16]) % 4];         /* RFC 4122 variant */
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

bool uuid_valid(const char *s)
{
    if (!s || strlen(s) != 36) return false;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return false;
        } else if (!isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

void random_token(char *out, size_t n)
{
    unsigned char r[64];
    for (size_t i = 0; i < n; i += sizeof r) {
        random_bytes(r, sizeof r);
        for (size_t j = 0; j < sizeof r && i + j < n; j++) out[i + j] = BASE62[r[j] % 62];
    }
    out[n] = '\0';
}

/* SHA256_Init and friends: OpenSSL 3 deprecates them in favour of EVP, but
 * EVP allocates a context on every digest (two per minted id), and ids are
 * minted on every create.  Same digest, so the same ids. */
void derive_token(char *out, size_t n, const char *a, const char *b, const char *c, int64_t k)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    size_t filled = 0;
    for (uint32_t round = 0; filled < n; round++) {
        SHA256_CTX md;
        SHA256_Init(&md);
        const char *parts[] = {a ? a : "", b ? b : "", c ? c : ""};
        for (int i = 0; i < 3; i++) SHA256_Update(&md, parts[i], strlen(parts[i]) + 1);
        SHA256_Update(&md, &k, sizeof k);
        SHA256_Update(&md, &round, sizeof round);
        SHA256_Final(digest, &md);
        for (size_t j = 0; j < sizeof digest && filled < n; j++) out[filled++] = BASE62[digest[j] % 62];
    }
    out[n] = '\0';
}

static uint64_t fnv1a64(uint64_t h, const char *s)
{
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (h ^ 0xff) * 1099511628211ull;   /* the terminator keeps ("ab","c") apart from ("a","bc") */
}

void derive_id(char *out, size_t n, const char *a, const char *b, int64_t k)
{
    uint64_t state = fnv1a64(fnv1a64(14695981039346656037ull, a ? a : ""), b ? b : "");
    state ^= (uint64_t)k * 0xd1342543de82ef95ull;
    uint64_t word = 0;
    for (size_t i = 0; i < n; i++) {
        /* 62^10 < 2^64: ten digits per draw (the tenth is ~5 % uneven) */
        if (i % 10 == 0) word = splitmix64(&state);
        out[i] = BASE62[word % 62];
        word /= 62;
    }
    out[n] = '\0';
}

void derive_hex(char *out, size_t n, const char *a, const char *b, const char *c, int64_t k)
{
    derive_token(out, n, a, b, c, k);
    for (size_t i = 0; i < n; i++) out[i] = HEX_DIGITS[(unsigned char)out[i] % 16];
}

void hex_encode(const void *in, size_t n, char *out)
{
    const unsigned char *bytes = in;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = HEX_DIGITS[bytes[i] >> 4];
        out[2 * i + 1] = HEX_DIGITS[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

void hmac_sha256(const char *key, const byte_span *parts, size_t n, unsigned char out[32])
{
    const char *k = key ? key : "";
    HMAC_CTX *h = HMAC_CTX_new();
    bool ok = h && HMAC_Init_ex(h, k, (int)strlen(k), EVP_sha256(), NULL);
    for (size_t i = 0; ok && i < n; i++) ok = HMAC_Update(h, parts[i].p, parts[i].n);
    unsigned int len = 0;
    if (!ok || !HMAC_Final(h, out, &len) || len != 32) abort();   /* OpenSSL out of memory */
    HMAC_CTX_free(h);
}

char *hmac_sha256_hex(arena *a, const char *key, const byte_span *parts, size_t n)
{
    unsigned char md[32];
    hmac_sha256(key, parts, n, md);
    char *hex = arena_alloc(a, 2 * sizeof md + 1);
    hex_encode(md, sizeof md, hex);
    return hex;
}

uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

bool str_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

bool str_eq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

bool str_case_eq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcasecmp(a, b) == 0;
}

char *str_to_lower(char *s)
{
    for (char *p = s; p && *p; p++) *p = (char)tolower((unsigned char)*p);
    return s;
}

bool glob_match(const char *pattern, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*pattern == '*') {
            star = pattern++;
            resume = s;
        } else if (*pattern == *s) {
            pattern++;
            s++;
        } else if (star) {
            pattern = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*pattern == '*') pattern++;
    return *pattern == '\0';
}

bool secret_eq(const char *a, const char *b)
{
    if (!a || !b) return false;
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb) return false;
    return CRYPTO_memcmp(a, b, la) == 0;
}

int utf8_sequence_length(const unsigned char *s, const unsigned char *end)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    int n;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (end - s < n || s[1] < lo || s[1] > hi) return 0;
    for (int i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    return n;
}
