/* crypto.h - the hashes the emulator needs, from libcrypto (crypto.c): Sinch's webhook
 * signature and the websocket handshake. */
#ifndef SE_EMULATOR_CRYPTO_H
#define SE_EMULATOR_CRYPTO_H

#include <stddef.h>

/* Standard base64 (with padding) of n bytes; returns a malloc'd NUL-terminated string. */
char *base64_encode(const void *data, size_t n);

/* Sinch: base64(HMAC-SHA256(secret, body + "." + nonce + "." + timestamp)), malloc'd. */
char *sinch_signature(const char *secret, const char *body, size_t body_len, const char *nonce,
                      const char *timestamp);

/* RFC 6455 §4.2.2: base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")) into out. */
void websocket_accept(const char *key, char out[32]);

#endif
