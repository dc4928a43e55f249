/* shared_limit.h - max_rate drawn from a budget in Redis (rate_limit_url,
 * rate_limit_key) that every client naming the same key shares, in any
 * process on any machine: one atomic script per request (a cell rate
 * algorithm on the server's clock). When Redis cannot be reached the caller
 * falls back to the client's local limit. Nothing here is part of the ABI. */
#ifndef SEI_SHARED_LIMIT_H
#define SEI_SHARED_LIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "sendevent/common.h"

struct redisContext;

typedef struct sei_shared_limit {
    pthread_mutex_t lock; /* one request to Redis at a time */
    struct redisContext *redis;
    unsigned config_gen; /* the client's options the connection was made with */
    char sha[41];        /* the loaded script's */
    double retry_at;     /* unreachable: not tried again before this (sei_now) */
    bool down;           /* the last try failed (logged once per outage) */
} sei_shared_limit;

/* What sei_shared_take returns when Redis cannot answer now. */
#define SEI_SHARED_UNAVAILABLE (-1.0)

void sei_shared_limit_init(sei_shared_limit *s);
/* Closes the connection (not in a child that inherited it: see fork.c). */
void sei_shared_limit_close(sei_shared_limit *s);

/* Like sei_limiter_take, from the budget `key` in the Redis at `url` (its
 * connection is made again when config_gen changes): 0 when a request may
 * leave now (it is counted), else the seconds to wait before asking again,
 * or SEI_SHARED_UNAVAILABLE. *change is 1 when Redis has just become
 * unreachable (why in err), -1 when it is back, else 0. */
double sei_shared_take(sei_shared_limit *s, const char *url, const char *key, unsigned config_gen,
                       double rate, double burst, int *change, char *err, size_t cap);

/* The rule of rate_limit_url's value: redis://[[user]:password@]host[:port][/db]. */
se_status sei_redis_url_check(const char *value, char *msg, size_t cap);

#endif
