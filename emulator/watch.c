/* watch.c - the control API's version number (watch.h). With nobody waiting, a bump is one
 * atomic increment and one atomic load: the page costs the request path nothing else. */
#include "watch.h"

#include <stdatomic.h>

static atomic_uint_fast64_t version = 1;
static atomic_int waiters;

void (*watch_on_change)(void);

uint64_t watch_version(void) {
    return atomic_load(&version);
}

void watch_bump(void) {
    atomic_fetch_add(&version, 1);
    if (atomic_load(&waiters) > 0 && watch_on_change)
        watch_on_change();
}

void watch_waiters_add(int delta) {
    atomic_fetch_add(&waiters, delta);
}
