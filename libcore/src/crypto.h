/*
 * crypto.h - what the receive side needs of libcrypto (crypto.c): HMAC-SHA256
 * over parts, SHA-256, base64 decoding, the constant-time comparison and
 * wiping secrets. libcrypto stays private: nothing of it is in a public
 * header.
 */
#ifndef SEI_CRYPTO_H
#define SEI_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sendevent/common.h"

#define SEI_SHA256_LEN 32

/* A piece of the message an HMAC is computed over. */
typedef struct sei_span {
    const void *data;
    size_t len;
} sei_span;

/* HMAC-SHA256(key, parts[0] || parts[1] || ...) into out. SE_OK, or SE_E_NOMEM
 * when libcrypto fails (out of memory, or no SHA-256 in its provider). */
se_status sei_hmac_sha256(const void *key, size_t key_len, const sei_span *parts, size_t n_parts,
                          unsigned char out[SEI_SHA256_LEN]);
/* SHA-256 of data[0..len). SE_OK or SE_E_NOMEM. */
se_status sei_sha256(const void *data, size_t len, unsigned char out[SEI_SHA256_LEN]);

/* Decodes standard base64 (RFC 4648, '=' padding required) s[0..n) into out
 * (room for cap bytes): false when s is not base64 or decodes to more than cap
 * bytes. Not constant-time: for what a sender sent, never for a secret. */
bool sei_base64_decode(const char *s, size_t n, unsigned char *out, size_t cap, size_t *out_len);

/* Compares n bytes in time that depends on n only (CRYPTO_memcmp): 0 when
 * equal. A pointer so that a test can watch every comparison made. */
extern int (*sei_ct_memcmp)(const void *a, const void *b, size_t n);

/* Overwrites n bytes at p with zeros in a way the compiler keeps. */
void sei_wipe(void *p, size_t n);

#endif
