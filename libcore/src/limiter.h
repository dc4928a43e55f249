/* limiter.h - a client's local rate limit (max_rate, max_burst): a generic
 * cell rate algorithm shared by every thread and run of the client, with an
 * adaptive cut on 429 answers that grows back gradually. Off (max_rate 0) it
 * is never called. Nothing here is part of the ABI. */
#ifndef SEI_LIMITER_H
#define SEI_LIMITER_H

#include <pthread.h>

typedef struct sei_limiter {
    pthread_mutex_t lock;
    double tat;      /* theoretical arrival time of the next request (sei_now seconds) */
    double cut_rate; /* the rate the last 429 cut it to; 0: never cut */
    double cut_time; /* when; the rate grows back from there */
} sei_limiter;

void sei_limiter_init(sei_limiter *l);
void sei_limiter_destroy(sei_limiter *l);

/* The rate in force at `now` for a configured `rate`: the configured one, or
 * less while it grows back after a 429. */
double sei_limiter_rate(const sei_limiter *l, double rate, double now);

/* Whether a request may leave at `now` under `rate` requests/s and `burst`:
 * 0 when it may (and it is counted), else the seconds to wait before asking
 * again. */
double sei_limiter_take(sei_limiter *l, double rate, double burst, double now);

/* A request sent at `sent_at` was answered 429: the rate is cut by half (not
 * below a sixty-fourth of `rate`), once for the requests sent at one rate, so
 * a storm of answers to requests already in flight cuts it once. */
void sei_limiter_throttled(sei_limiter *l, double rate, double sent_at, double now);

#endif
