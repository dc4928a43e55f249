/*
 * waker.h - an eventfd for each run of the engine in progress (waker.c), so
 * se_client_cancel and a started batch's se_batch_add can wake its poll.
 */
#ifndef SEI_WAKER_H
#define SEI_WAKER_H

#include <stdatomic.h>
#include <stdbool.h>

#include "sendevent/client.h"

typedef struct sei_waker {
    int fd;
    atomic_bool busy;
    struct sei_waker *next; /* the client's list only grows until the client is freed */
} sei_waker;

sei_waker *sei_waker_take(se_client *c); /* NULL when no eventfd can be had */
void sei_waker_give(sei_waker *w);
void sei_waker_ring(sei_waker *w); /* async-signal-safe */
/* Empties the counter of a waker whose fd polled readable. */
void sei_waker_drain(sei_waker *w);
void sei_wakers_free(se_client *c);

#endif
