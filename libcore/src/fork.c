/* fork.c - what a client does in a child process (fork.h). */
#include "fork.h"

#include <pthread.h>
#include <stdlib.h>

#include "client_state.h"
#include "transport.h"
#include "waker.h"

atomic_uint sei_fork_gen;

/* What a child inherited from its parent's sends: kept reachable (a leak
 * checker sees it), never cleaned up, as that would close or shut down the
 * parent's connections and TLS sessions. */
struct sei_abandoned {
    struct sei_abandoned *next;
    struct sei_pooled *pool;
    size_t pool_len;
    CURLM **multis;
    size_t n_multis;
    CURLSH *share;
    sei_waker *wakers;
    struct redisContext *redis; /* rate_limit_url's connection */
};

static pthread_mutex_t fork_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sei_abandoned *abandoned; /* every client's, for the life of the process */

void sei_client_after_fork(se_client *c) {
    unsigned now = atomic_load_explicit(&sei_fork_gen, memory_order_acquire);
    if (atomic_load_explicit(&c->fork_gen, memory_order_acquire) == now)
        return;
    pthread_mutex_lock(&fork_lock); /* one thread of the child rebuilds */
    if (atomic_load(&c->fork_gen) != now) {
        struct sei_abandoned *left = calloc(1, sizeof *left);
        if (left) {
            *left = (struct sei_abandoned){abandoned,
                                           c->pool,
                                           c->pool_len,
                                           c->multis,
                                           c->n_multis,
                                           c->share,
                                           atomic_load(&c->wakers),
                                           c->shared_limit.redis};
            abandoned = left;
        }
        c->pool = NULL;
        c->pool_len = c->pool_cap = 0;
        c->multis = NULL;
        c->n_multis = c->cap_multis = 0;
        atomic_store(&c->wakers, NULL);
        /* the parent's threads may have held any lock: they are not here to release it */
        for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
            pthread_mutex_init(&c->share_locks[i], NULL);
        pthread_mutex_init(&c->pool_lock, NULL);
        pthread_mutex_init(&c->cache_lock, NULL);
        pthread_mutex_init(&c->token_lock, NULL);
        pthread_mutex_init(&c->limiter.lock, NULL); /* the rate is the process's own from here */
        pthread_mutex_init(&c->shared_limit.lock, NULL);
        c->shared_limit.redis = NULL; /* the child connects to Redis on its own */
        c->share = sei_share_new(c);  /* NULL: handles go without DNS and TLS session sharing */
        c->token_fetching = false;    /* a fetch in flight was the parent's */
        c->token_status = SE_OK;
        c->token_gen++;
        atomic_store(&c->fork_gen, now);
    }
    pthread_mutex_unlock(&fork_lock);
}

void sei_fork_child_reset(void) {
    pthread_mutex_init(&fork_lock, NULL);
}
