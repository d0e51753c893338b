/* Discord twin: Ed25519 signatures on event deliveries, as Discord signs its
 * webhook events and interactions (X-Signature-Ed25519 over timestamp +
 * body, X-Signature-Timestamp), so apps verify them with the application's
 * public key.  Each run has its own key pair derived from the run id; the
 * public key is the DISCORD_PUBLIC_KEY env var. */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "twins/discord/discord.h"
#include "util/util.h"

static bool unhex(const char *in, unsigned char *out, size_t n)
{
    if (!in || strlen(in) != 2 * n) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(in + 2 * i, "%2x", &v) != 1) return false;
        out[i] = (unsigned char)v;
    }
    return true;
}

static void seed_of(const char *run_id, unsigned char seed[32])
{
    char label[160];
    snprintf(label, sizeof label, "twins-discord-ed25519:%s", run_id ? run_id : "");
    unsigned int len = 32;
    EVP_Digest(label, strlen(label), seed, &len, EVP_sha256(), NULL);
}

const char *dc_signing_secret(arena *a, const char *run_id)
{
    unsigned char seed[32];
    char out[65];
    seed_of(run_id, seed);
    hex_encode(seed, 32, out);
    return arena_strdup(a, out);
}

const char *dc_public_key(arena *a, const char *run_id)
{
    unsigned char seed[32], pub[32];
    size_t n = sizeof pub;
    seed_of(run_id, seed);
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    if (!k || EVP_PKEY_get_raw_public_key(k, pub, &n) != 1) {
        EVP_PKEY_free(k);
        return NULL;
    }
    EVP_PKEY_free(k);
    char out[65];
    hex_encode(pub, 32, out);
    return arena_strdup(a, out);
}

const char **dc_sign(arena *a, const char *secret, const char *payload, size_t len, int64_t t)
{
    unsigned char seed[32], sig[64];
    size_t sig_len = sizeof sig;
    const char **h = arena_zalloc(a, 3 * sizeof *h);
    if (!unhex(secret, seed, 32)) return h;
    char *ts = arena_printf(a, "%lld", (long long)t);
    size_t tl = strlen(ts);
    unsigned char *msg = arena_alloc(a, tl + len + 1);
    memcpy(msg, ts, tl);
    memcpy(msg + tl, payload, len);
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = k && md && EVP_DigestSignInit(md, NULL, NULL, NULL, k) == 1 &&
              EVP_DigestSign(md, sig, &sig_len, msg, tl + len) == 1;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(k);
    if (!ok) return h;
    char sh[129];
    hex_encode(sig, sig_len, sh);
    h[0] = arena_printf(a, "X-Signature-Ed25519: %s", sh);
    h[1] = arena_printf(a, "X-Signature-Timestamp: %s", ts);
    return h;
}
