/* crypto.c - HMAC-SHA256 and SHA-1 through libcrypto, and base64 encoding (crypto.h). */
#include "crypto.h"

#include "util.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

char *base64_encode(const void *data, size_t n) {
    char *out = xmalloc(4 * ((n + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, data, (int)n); /* NUL-terminates, no newlines */
    return out;
}

char *sinch_signature(const char *secret, const char *body, size_t body_len, const char *nonce,
                      const char *timestamp) {
    size_t ln = strlen(nonce), lt = strlen(timestamp);
    char *msg = xmalloc(body_len + ln + lt + 3);
    memcpy(msg, body, body_len);
    msg[body_len] = '.';
    memcpy(msg + body_len + 1, nonce, ln);
    msg[body_len + 1 + ln] = '.';
    memcpy(msg + body_len + 2 + ln, timestamp, lt);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)msg,
         body_len + ln + lt + 2, mac, &mac_len);
    free(msg);
    return base64_encode(mac, mac_len);
}

void websocket_accept(const char *key, char out[32]) {
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    size_t lk = strlen(key);
    char *msg = xmalloc(lk + sizeof guid);
    memcpy(msg, key, lk);
    memcpy(msg + lk, guid, sizeof guid);
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1((const unsigned char *)msg, lk + sizeof guid - 1, digest);
    free(msg);
    char *b64 = base64_encode(digest, sizeof digest); /* 28 characters */
    memcpy(out, b64, strlen(b64) + 1);
    free(b64);
}
