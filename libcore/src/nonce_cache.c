/* nonce_cache.c - the process-wide, bounded cache of accepted nonces
 * (nonce_cache.h): an open-addressing table with linear probing, rebuilt when
 * it fills. */
#include "nonce_cache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"

#define SLOTS 16384 /* a power of two above SEI_NONCE_CACHE_MAX: probes stay short */
_Static_assert(SLOTS > SEI_NONCE_CACHE_MAX + SEI_NONCE_CACHE_MAX / 4, "load factor");

typedef struct slot {
    uint64_t key; /* 0: empty */
    int64_t expiry;
} slot;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static slot table[SLOTS];
static size_t used;

/* fork() while another thread holds the lock would leave it held forever in the child: the
 * lock is taken around fork, and released on both sides (the cache itself is inherited) */
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static void before_fork(void) {
    pthread_mutex_lock(&lock);
}
static void after_fork(void) {
    pthread_mutex_unlock(&lock);
}
static void register_atfork(void) {
    pthread_atfork(before_fork, after_fork, after_fork);
}

static uint64_t key_of(const char *nonce, size_t len, bool *ok) {
    unsigned char d[SEI_SHA256_LEN];
    uint64_t k = 0;
    *ok = sei_sha256(nonce, len, d) == SE_OK;
    memcpy(&k, d, sizeof k);
    return k | 1; /* never 0, the empty slot */
}

/* The slot holding key, or the empty one where it would go. */
static size_t find(uint64_t key) {
    size_t i = (size_t)(key >> 32) & (SLOTS - 1);
    while (table[i].key && table[i].key != key)
        i = (i + 1) & (SLOTS - 1);
    return i;
}

/* Keeps the entries expiring after `keep_after`; false when out of memory. */
static bool rebuild(int64_t keep_after) {
    slot *live = malloc(used * sizeof *live + 1);
    if (!live)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < SLOTS; i++)
        if (table[i].key && table[i].expiry > keep_after)
            live[n++] = table[i];
    memset(table, 0, sizeof table);
    for (size_t i = 0; i < n; i++)
        table[find(live[i].key)] = live[i];
    used = n;
    free(live);
    return true;
}

/* Room for one more entry: the expired go, then, while full, the quarter of
 * the span of expiries closest to its end. */
static bool make_room(int64_t now) {
    if (used < SEI_NONCE_CACHE_MAX)
        return true;
    if (!rebuild(now - 1))
        return false;
    while (used >= SEI_NONCE_CACHE_MAX) {
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        for (size_t i = 0; i < SLOTS; i++)
            if (table[i].key) {
                lo = table[i].expiry < lo ? table[i].expiry : lo;
                hi = table[i].expiry > hi ? table[i].expiry : hi;
            }
        if (!rebuild(lo + (hi - lo) / 4))
            return false;
    }
    return true;
}

int sei_nonce_cache_check(const char *nonce, size_t len, int64_t expiry, int64_t now) {
    bool ok;
    uint64_t key = key_of(nonce, len, &ok);
    if (!ok)
        return SE_E_NOMEM;
    pthread_once(&atfork_once, register_atfork);
    pthread_mutex_lock(&lock);
    int seen = 0;
    size_t i = find(key);
    if (table[i].key) {
        seen = table[i].expiry >= now; /* an expired entry is a new callback's nonce */
        if (!seen)
            table[i].expiry = expiry;
    } else if (!make_room(now)) {
        seen = SE_E_NOMEM;
    } else {
        i = find(key);
        table[i].key = key;
        table[i].expiry = expiry;
        used++;
    }
    pthread_mutex_unlock(&lock);
    return seen;
}

size_t sei_nonce_cache_size(void) {
    pthread_mutex_lock(&lock);
    size_t n = used;
    pthread_mutex_unlock(&lock);
    return n;
}

void sei_nonce_cache_clear(void) {
    pthread_mutex_lock(&lock);
    memset(table, 0, sizeof table);
    used = 0;
    pthread_mutex_unlock(&lock);
}
