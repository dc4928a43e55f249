/*
 * nonce_cache.h - the process-wide cache of the nonces verifiers accepted
 * (nonce_cache.c), behind se_webhook's replay check when no nonce hook is set.
 *
 * Bounded: at most SEI_NONCE_CACHE_MAX entries. An entry is kept until its
 * expiry (the nonce's timestamp plus the verifier's tolerance: after that its
 * callback is refused as stale anyway); when the cache is full, expired entries
 * go first, then those closest to expiring. Thread-safe (one mutex, held for a
 * lookup and an insert, and across fork()). Nonces are kept as 64 bits of
 * their SHA-256.
 */
#ifndef SEI_NONCE_CACHE_H
#define SEI_NONCE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define SEI_NONCE_CACHE_MAX 10000

/* 1 when the nonce is in the cache and not expired at `now` (a replay); 0 when
 * it was not, and is now, with `expiry`; SE_E_NOMEM (negative) when it cannot
 * tell. */
int sei_nonce_cache_check(const char *nonce, size_t len, int64_t expiry, int64_t now);
/* Entries held (tests). */
size_t sei_nonce_cache_size(void);
/* Forgets everything (tests). */
void sei_nonce_cache_clear(void);

#endif
