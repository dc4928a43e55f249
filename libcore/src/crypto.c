/* crypto.c - HMAC-SHA256, SHA-256, base64 decoding, constant-time comparison
 * and wiping, over libcrypto (OpenSSL 3), for the receive side (crypto.h). */
#include "crypto.h"

#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

int (*sei_ct_memcmp)(const void *a, const void *b, size_t n) = CRYPTO_memcmp;

/* The HMAC implementation, fetched once per process (a fetch per call costs a
 * lookup in libcrypto's provider tables under its lock). */
static pthread_once_t mac_once = PTHREAD_ONCE_INIT;
static EVP_MAC *hmac;

static void fetch_hmac(void) {
    hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

se_status sei_hmac_sha256(const void *key, size_t key_len, const sei_span *parts, size_t n_parts,
                          unsigned char out[SEI_SHA256_LEN]) {
    pthread_once(&mac_once, fetch_hmac);
    EVP_MAC_CTX *ctx = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
    if (!ctx)
        return SE_E_NOMEM;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    size_t len = 0;
    /* libcrypto refuses a NULL key even of length 0: point at something */
    int ok = EVP_MAC_init(ctx, key_len ? key : (const void *)"", key_len, params);
    for (size_t i = 0; ok && i < n_parts; i++)
        ok = EVP_MAC_update(ctx, parts[i].data, parts[i].len);
    ok = ok && EVP_MAC_final(ctx, out, &len, SEI_SHA256_LEN) && len == SEI_SHA256_LEN;
    EVP_MAC_CTX_free(ctx);
    return ok ? SE_OK : SE_E_NOMEM;
}

se_status sei_sha256(const void *data, size_t len, unsigned char out[SEI_SHA256_LEN]) {
    unsigned int n = 0;
    return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) && n == SEI_SHA256_LEN ? SE_OK
                                                                                     : SE_E_NOMEM;
}

static int b64_value(unsigned char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

bool sei_base64_decode(const char *s, size_t n, unsigned char *out, size_t cap, size_t *out_len) {
    *out_len = 0;
    if (n % 4 != 0)
        return false;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int v[4], pad = 0;
        for (int k = 0; k < 4; k++) {
            unsigned char c = (unsigned char)s[i + (size_t)k];
            /* '=' only at the end: "xx==" or "xxx=" */
            if (c == '=' && i + 4 == n && k >= 2 && (k == 3 || s[i + 3] == '=')) {
                v[k] = 0;
                pad++;
            } else if ((v[k] = b64_value(c)) < 0 || pad) {
                return false;
            }
        }
        uint32_t w =
            (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        unsigned char bytes[3] = {(unsigned char)(w >> 16), (unsigned char)(w >> 8),
                                  (unsigned char)w};
        if (o + (size_t)(3 - pad) > cap)
            return false;
        memcpy(out + o, bytes, (size_t)(3 - pad));
        o += (size_t)(3 - pad);
    }
    *out_len = o;
    return true;
}

void sei_wipe(void *p, size_t n) {
    if (p)
        OPENSSL_cleanse(p, n);
}
