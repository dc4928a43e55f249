/* batch_driven.c - se_batch_attach and se_batch_step: a batch that an event
 * loop drives from its own thread, one non-blocking step at a time, instead of
 * a thread of the batch's own (se_batch_start, batch.c). The engine's side is
 * engine_step.c. */
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "batch_internal.h"
#include "engine.h"

#include "fork.h"
#include "logging.h"

se_status se_batch_attach(se_batch *b, int max_in_flight) {
    if (!b || b->ran || max_in_flight < 1 || max_in_flight > 1024)
        return sei_set_error(b ? b->client : NULL, SE_E_MISUSE,
                             "se_batch_attach: batch already ran, or max_in_flight not in 1..1024");
    if ((b->epoll_fd = epoll_create1(EPOLL_CLOEXEC)) < 0)
        return sei_set_error(b->client, SE_E_NOMEM, "se_batch_attach: no epoll instance to be had");
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->cond, NULL);
    b->started = b->driven = true;
    b->fork_gen = atomic_load(&sei_fork_gen);
    b->attacher = pthread_self();
    b->n_added = b->n;
    /* what was added before is handed out like what comes after */
    for (size_t i = 0; i < b->n; i++)
        if (b->items[i].response && sei_engine_queue(b, i, b->items[i].response) == SE_OK)
            b->items[i].response = NULL;
    se_status st = sei_batch_begin_run(b, max_in_flight);
    if (st == SE_OK && (st = sei_engine_drive_begin(b)) != SE_OK)
        sei_batch_end_run(b, SE_OK);
    if (st != SE_OK) {
        b->started = b->driven = false;
        pthread_mutex_destroy(&b->lock);
        pthread_cond_destroy(&b->cond);
        close(b->epoll_fd);
        b->epoll_fd = -1;
        return sei_set_error(b->client, st, "se_batch_attach: no memory or eventfd to be had");
    }
    atomic_store(&b->sleeping, true); /* between steps: adds from other threads ring */
    return SE_OK;
}

se_status se_batch_step(se_batch *b, double *next_timeout) {
    double timeout = -1;
    if (next_timeout)
        *next_timeout = -1;
    if (!b || !b->driven || sei_batch_inherited(b))
        return sei_set_error(b ? b->client : NULL, SE_E_MISUSE,
                             "se_batch_step: not a batch attached in this process");
    if (b->finished)
        return SE_OK;
    se_status st = SE_OK;
    if (sei_engine_step(b, &st, &timeout)) {
        if (next_timeout)
            *next_timeout = timeout;
        return SE_OK;
    }
    /* the run is over: slots and the multi back to the client, the batch finished */
    sei_engine_drive_end(b);
    st = sei_batch_end_run(b, st);
    sei_batch_run_over(b, st);
    return st;
}
