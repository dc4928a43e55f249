/* engine_finish.c - how the engine ends an item: its response built (cut
 * from the run's memory blocks), its parked job released, and for a started
 * or driven batch the completion queued for se_batch_next. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine.h"

/* ---- responses ------------------------------------------------------------------------ */

/* Memory for the responses still to come, when the current block runs low: a
 * spare job block, else a new block (64 KiB: job blocks soon come free; 16 KiB
 * when few responses are still to come). */
static void ensure_block(se_batch *b) {
    if (sei_block_room(b->block) >= 4096)
        return;
    size_t size = b->n - b->n_done > 16 ? 65536 : 16384;
    sei_block *next = b->n_spare > 0 ? b->spare[--b->n_spare] : sei_block_new(size);
    if (!next)
        return; /* responses are malloc'd instead */
    sei_block_release(b->block);
    b->block = next;
}

static void free_job(se_batch *b, sei_batch_item *it) {
    if (!it->job)
        return;
    sei_job_clear(it->job);
    if (b->borrowed_jobs)
        ;
    else if (!it->job_block)
        free(it->job);
    else if (!b->running)
        sei_block_release(it->job_block);
    else if (sei_block_drop(it->job_block)) { /* its last job: a spare for responses */
        if (b->n_spare < (int)(sizeof b->spare / sizeof b->spare[0]))
            b->spare[b->n_spare++] = it->job_block;
        else
            sei_block_release(it->job_block);
    }
    it->job = NULL;
    it->job_block = NULL;
}

se_status sei_engine_queue(se_batch *b, size_t index, se_response *r) {
    pthread_mutex_lock(&b->lock);
    if (b->q_len == b->q_cap) {
        size_t cap = b->q_cap ? b->q_cap * 2 : 64;
        sei_completion *q = malloc(cap * sizeof *q);
        if (!q) {
            pthread_mutex_unlock(&b->lock);
            return SE_E_NOMEM;
        }
        for (size_t k = 0; k < b->q_len; k++)
            q[k] = b->queue[(b->q_head + k) % b->q_cap];
        free(b->queue);
        b->queue = q;
        b->q_cap = cap;
        b->q_head = 0;
    }
    b->queue[(b->q_head + b->q_len++) % b->q_cap] = (sei_completion){index, r};
    if (b->q_len == 1 && atomic_load(&b->fd_wanted)) { /* else nobody polls it: no system call */
        uint64_t one = 1;
        if (write(b->done_fd, &one, sizeof one) < 0) {
            /* full counter: readable anyway */
        }
    }
    pthread_cond_broadcast(&b->cond);
    pthread_mutex_unlock(&b->lock);
    return SE_OK;
}

se_status sei_engine_finish(se_batch *b, size_t i, se_status st, sei_attempt *a) {
    sei_batch_item *it = &b->items[i];
    if (b->running && !b->borrowed_jobs)
        ensure_block(b);
    it->response = sei_job_response(it->job, st, a, b->block);
    free_job(b, it);
    it->state = ITEM_DONE;
    b->n_done++;
    if (!it->response)
        return SE_E_NOMEM;
    if (b->started) {
        se_status q = sei_engine_queue(b, i, it->response);
        if (q == SE_OK)
            it->response = NULL; /* the queue's, until taken */
        return q;
    }
    return SE_OK;
}
