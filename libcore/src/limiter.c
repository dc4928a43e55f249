/* limiter.c - a client's local rate limit (limiter.h). */
#include "limiter.h"

/* After a cut the rate grows back by this share of the configured rate per
 * second: from half to full in five seconds without another 429. */
#define RECOVERY_PER_SECOND 0.1
/* A request the loop starts late (its timer ticks in milliseconds) does not
 * push back the ones after it: up to this long late, the next one keeps its
 * time. Longer, the limiter was idle and starts again from now. */
#define LATE_SLACK 0.002

void sei_limiter_init(sei_limiter *l) {
    pthread_mutex_init(&l->lock, 0);
    l->tat = l->cut_rate = l->cut_time = 0;
}

void sei_limiter_destroy(sei_limiter *l) {
    pthread_mutex_destroy(&l->lock);
}

double sei_limiter_rate(const sei_limiter *l, double rate, double now) {
    if (l->cut_rate <= 0)
        return rate;
    double grown = l->cut_rate + rate * RECOVERY_PER_SECOND * (now - l->cut_time);
    return grown < rate ? grown : rate;
}

double sei_limiter_take(sei_limiter *l, double rate, double burst, double now) {
    pthread_mutex_lock(&l->lock);
    double interval = 1 / sei_limiter_rate(l, rate, now);
    double tolerance = (burst - 1) * interval;
    double tat = l->tat >= now - LATE_SLACK ? l->tat : now; /* else idle: no credit kept */
    double wait = tat - tolerance - now;
    if (wait <= 0) {
        l->tat = tat + interval;
        wait = 0;
    }
    pthread_mutex_unlock(&l->lock);
    return wait;
}

void sei_limiter_throttled(sei_limiter *l, double rate, double sent_at, double now) {
    pthread_mutex_lock(&l->lock);
    if (sent_at >= l->cut_time) {
        double cut = sei_limiter_rate(l, rate, now) / 2, floor = rate / 64;
        l->cut_rate = cut > floor ? cut : floor;
        l->cut_time = now;
    }
    pthread_mutex_unlock(&l->lock);
}
