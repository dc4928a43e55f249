/* waker.c - an eventfd for each run of the engine in progress, so that
 * se_client_cancel (from any thread or a signal handler) and se_batch_add
 * can wake a run blocked in its poll. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "waker.h"

#include "client_state.h"

/* A run polls its waker's eventfd beside its sockets. Wakers are never freed
 * before the client, so that se_client_cancel (a signal handler, maybe) can
 * walk the list without a lock; a ring that reaches an idle waker is drained
 * by the next run that takes it. */
sei_waker *sei_waker_take(se_client *c) {
    for (sei_waker *w = atomic_load(&c->wakers); w; w = w->next) {
        bool idle = false;
        if (atomic_compare_exchange_strong(&w->busy, &idle, true))
            return w;
    }
    sei_waker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    if ((w->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
        free(w);
        return NULL;
    }
    atomic_init(&w->busy, true);
    sei_waker *head = atomic_load(&c->wakers);
    do
        w->next = head;
    while (!atomic_compare_exchange_weak(&c->wakers, &head, w));
    return w;
}

void sei_waker_give(sei_waker *w) {
    if (w)
        atomic_store(&w->busy, false);
}

void sei_waker_ring(sei_waker *w) {
    uint64_t one = 1;
    int saved = errno; /* a signal handler must leave errno as it found it */
    if (w && write(w->fd, &one, sizeof one) < 0) {
        /* the counter is full: it is readable anyway */
    }
    errno = saved;
}

void sei_waker_drain(sei_waker *w) {
    uint64_t n;
    if (read(w->fd, &n, sizeof n) < 0) {
        /* EAGAIN: rung by nobody, or drained already */
    }
}

void sei_wakers_free(se_client *c) {
    sei_waker *w = atomic_exchange(&c->wakers, NULL);
    while (w) {
        sei_waker *next = w->next;
        close(w->fd);
        free(w);
        w = next;
    }
}

se_status se_client_cancel(se_client *c) {
    if (!c)
        return SE_E_MISUSE;
    atomic_fetch_add(&c->cancel_gen, 1);
    for (sei_waker *w = atomic_load(&c->wakers); w; w = w->next)
        if (atomic_load(&w->busy))
            sei_waker_ring(w);
    return SE_OK;
}
