/* store_tokens.c - issued tokens (Sinch OAuth, Connect ConnectionTokens) and Connect's
 * ClientToken memory (store_tokens.h), behind their own mutex. */
#include "store_tokens.h"

#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* A hash map of string keys with FIFO eviction once it holds `cap` entries: issued tokens and
 * idempotency keys must not grow without bound during long benchmarks. */
struct entry {
    char *key, *value;
    int64_t num;
    struct entry *chain, *newer;
};
struct map {
    struct entry **buckets;
    size_t nbuckets, count, cap;
    struct entry *oldest, *newest;
};

static uint64_t hash(const char *s) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void map_init(struct map *m, size_t cap) {
    m->nbuckets = 1024;
    while (m->nbuckets < cap && m->nbuckets < (1u << 20))
        m->nbuckets <<= 1;
    m->buckets = calloc(m->nbuckets, sizeof *m->buckets);
    if (!m->buckets)
        abort();
    m->count = 0;
    m->cap = cap;
    m->oldest = m->newest = NULL;
}

static struct entry *map_find(struct map *m, const char *key) {
    for (struct entry *e = m->buckets[hash(key) & (m->nbuckets - 1)]; e; e = e->chain)
        if (strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

static void map_evict_oldest(struct map *m) {
    struct entry *e = m->oldest;
    struct entry **pp = &m->buckets[hash(e->key) & (m->nbuckets - 1)];
    while (*pp != e)
        pp = &(*pp)->chain;
    *pp = e->chain;
    m->oldest = e->newer;
    if (!m->oldest)
        m->newest = NULL;
    m->count--;
    free(e->key);
    free(e->value);
    free(e);
}

static void map_put(struct map *m, const char *key, const char *value, int64_t num) {
    if (m->count >= m->cap)
        map_evict_oldest(m);
    struct entry *e = xmalloc(sizeof *e);
    e->key = xstrdup(key);
    e->value = value ? xstrdup(value) : NULL;
    e->num = num;
    size_t b = hash(key) & (m->nbuckets - 1);
    e->chain = m->buckets[b];
    m->buckets[b] = e;
    e->newer = NULL;
    if (m->newest)
        m->newest->newer = e;
    else
        m->oldest = e;
    m->newest = e;
    m->count++;
}

static void map_clear(struct map *m) {
    while (m->oldest)
        map_evict_oldest(m);
}

static struct map tokens[TOK_KINDS];
static struct map idempotency;

void store_token_add(enum token_kind k, const char *token, int64_t expires_mono_ms) {
    pthread_mutex_lock(&mu);
    map_put(&tokens[k], token, NULL, expires_mono_ms);
    pthread_mutex_unlock(&mu);
}

enum token_state store_token_check(enum token_kind k, const char *token) {
    int64_t now = mono_ms();
    pthread_mutex_lock(&mu);
    struct entry *e = map_find(&tokens[k], token);
    enum token_state st = !e ? TOKEN_UNKNOWN : e->num > now ? TOKEN_VALID : TOKEN_EXPIRED;
    pthread_mutex_unlock(&mu);
    return st;
}

void store_token_revoke(enum token_kind k, const char *token) {
    pthread_mutex_lock(&mu);
    struct entry *e = map_find(&tokens[k], token);
    if (e)
        e->num = 0; /* known but no longer valid: TOKEN_EXPIRED */
    pthread_mutex_unlock(&mu);
}

static void tokens_expire_locked(enum token_kind k) {
    for (struct entry *e = tokens[k].oldest; e; e = e->newer)
        e->num = 0;
}

void store_tokens_expire(enum token_kind k) {
    pthread_mutex_lock(&mu);
    tokens_expire_locked(k);
    pthread_mutex_unlock(&mu);
}

char *store_idempotent(const char *key, const char *body) {
    char *first = NULL;
    pthread_mutex_lock(&mu);
    struct entry *e = map_find(&idempotency, key);
    if (e)
        first = xstrdup(e->value);
    else
        map_put(&idempotency, key, body, 0);
    pthread_mutex_unlock(&mu);
    return first;
}

void store_tokens_init(size_t cap) {
    for (int k = 0; k < TOK_KINDS; k++)
        map_init(&tokens[k], cap);
    map_init(&idempotency, cap);
}

void store_tokens_reset(void) {
    pthread_mutex_lock(&mu);
    for (int k = 0; k < TOK_KINDS; k++)
        map_clear(&tokens[k]);
    map_clear(&idempotency);
    pthread_mutex_unlock(&mu);
}

void store_tokens_free(void) {
    store_tokens_reset();
    for (int k = 0; k < TOK_KINDS; k++)
        free(tokens[k].buckets);
    free(idempotency.buckets);
}
