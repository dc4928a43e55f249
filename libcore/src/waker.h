/*
 * waker.h - an eventfd for each run of the engine in progress (waker.c), so
 * se_client_cancel and a started batch's se_batch_add can wake its poll.
 */
#ifndef SE_WAKER_H
#define SE_WAKER_H

#include <stdatomic.h>
#include <stdbool.h>

#include "sendevent/client.h"

typedef struct se_waker {
    int fd;
    atomic_bool busy;
    struct se_waker *next; /* the client's list only grows until the client is freed */
} se_waker;

se_waker *se_waker_take(se_client *c); /* NULL when no eventfd can be had */
void se_waker_give(se_waker *w);
void se_waker_ring(se_waker *w); /* async-signal-safe */
/* Empties the counter of a waker whose fd polled readable. */
void se_waker_drain(se_waker *w);
void se_wakers_free(se_client *c);

#endif
