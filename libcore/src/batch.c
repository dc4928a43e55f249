/* batch.c - many sends over one curl multi handle, with a bound on requests in
 * flight, run by the engine (engine.c) in the caller's thread (se_batch_run)
 * or on a thread of the batch's own that takes requests and hands out
 * responses while it runs (se_batch_start). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "batch_internal.h"
#include "engine.h"

#include "fork.h"
#include "logging.h"
#include "util.h"

se_status se_batch_new(se_batch **out, se_client *client) {
    if (!out || !client)
        return sei_set_error(client, SE_E_MISUSE, "se_batch_new: out and client must not be NULL");
    *out = calloc(1, sizeof **out);
    if (!*out)
        return sei_set_error(client, SE_E_NOMEM, "out of memory");
    (*out)->client = client;
    (*out)->done_fd = -1;
    (*out)->epoll_fd = -1;
    return SE_OK;
}

/* A batch started (or attached) in another process: its run is not here. */
bool sei_batch_inherited(const se_batch *b) {
    return b->started && b->fork_gen != atomic_load(&sei_fork_gen);
}

static void free_items(sei_batch_item *items, size_t n) {
    for (size_t i = 0; i < n; i++) {
        sei_batch_item *it = &items[i];
        if (it->job) {
            sei_job_clear(it->job);
            if (it->job_block)
                sei_block_release(it->job_block);
            else
                free(it->job);
        }
        se_response_free(it->response);
    }
}

void se_batch_free(se_batch *b) {
    if (!b)
        return;
    if (b->started && !sei_batch_inherited(b)) {
        se_batch_cancel(b);
        if (!b->driven)
            pthread_join(b->thread, NULL);
        else if (!b->finished)
            se_batch_step(b, NULL); /* the cancel ends the run in one turn */
    }
    if (sei_batch_inherited(b)) /* the parent's: abandoned, never cleaned up */
        return;
    free_items(b->items, b->n);
    free_items(b->incoming, b->n_incoming);
    for (size_t k = 0; k < b->q_len; k++)
        se_response_free(b->queue[(b->q_head + k) % b->q_cap].response);
    free(b->items);
    free(b->incoming);
    free(b->queue);
    free(b->token_waiters);
    for (sei_cancel_node *k = atomic_load(&b->cancel_items), *next; k; k = next) {
        next = k->next; /* cancels the run never took (it had ended) */
        free(k);
    }
    sei_block_release(b->block);
    sei_block_release(b->job_block);
    if (b->started) {
        pthread_mutex_destroy(&b->lock);
        pthread_cond_destroy(&b->cond);
        close(b->driven ? b->epoll_fd : b->done_fd);
    }
    free(b);
}

/* Moves a prepared job into the batch's block: one piece of populated memory
 * for the struct, its body and its owned header values, instead of three
 * fresh heap allocations for every queued request. NULL when no block can be
 * had; the job is then left as it was. */
/* Moves what ref holds into the block at *w (NUL-terminated), leaving ref
 * pointing at the copy, borrowed: the block holds it. */
static void park_ref(sei_bufref *ref, char **w) {
    memcpy(*w, ref->ptr, ref->len + 1);
    sei_bufref_set(ref, *w, ref->len, NULL);
    *w += ref->len + 1;
}

static sei_job *park(se_batch *b, sei_job *job, sei_block **from) {
    sei_http_request *h = &job->http;
    /* what the job owns moves; borrowed parts (literals, the cache) stay where they are */
    sei_bufref *refs[SEI_MAX_HEADERS + 2] = {&h->body, &h->client_token};
    size_t n_refs = 2, need = sizeof *job;
    for (int i = 0; i < h->n_headers; i++)
        refs[n_refs++] = &h->headers[i].value;
    for (size_t i = 0; i < n_refs; i++)
        if (refs[i]->dtor)
            need += refs[i]->len + 1;
    if (!h->body.ptr || need > 65536)
        return NULL;
    if (sei_block_room(b->job_block) < need + 16) {
        /* 16 KiB first, doubling to 1 MiB: a small batch takes little (block.c) */
        size_t size = b->job_block ? sei_block_size(b->job_block) * 2 : 16384;
        sei_block *fresh = sei_block_new(size < 1 << 20 ? size : 1 << 20);
        if (!fresh)
            return NULL;
        sei_block_release(b->job_block);
        b->job_block = fresh;
    }
    sei_job *parked = sei_block_alloc(b->job_block, need);
    if (!parked)
        return NULL;
    char *w = (char *)(parked + 1);
    for (size_t i = 0; i < n_refs; i++)
        if (refs[i]->dtor)
            park_ref(refs[i], &w);
    *parked = *job; /* the references now point into the block */
    *from = b->job_block;
    return parked;
}

/* The job of a new item, checked and built now (so a bad request fails
 * here; the URL is set when it starts): parked when the batch has not
 * started, else malloc'd (the run's thread frees it). */
static se_status new_item(se_batch *b, const char *operation, const char *request_json,
                          double deadline, sei_batch_item *it) {
    memset(it, 0, sizeof *it);
    sei_job job;
    se_status st = sei_job_prepare(&job, b->client, operation, request_json, false);
    if (deadline <= 0)
        deadline = b->client->num[O_DEADLINE];
    if (deadline > 0)
        job.deadline = job.started + deadline;
    if (st == SE_OK && !b->started)
        it->job = park(b, &job, &it->job_block);
    if (!it->job && st != SE_E_NOMEM && (it->job = malloc(sizeof job)))
        *it->job = job;
    if (!it->job) {
        sei_job_clear(&job);
        return SE_E_NOMEM;
    }
    return st;
}

/* Adds to a started batch: the run's thread takes it from `incoming`. */
static se_status add_running(se_batch *b, const char *operation, const char *request_json,
                             double deadline) {
    sei_batch_item it;
    se_status st = new_item(b, operation, request_json, deadline, &it);
    if (st == SE_E_NOMEM)
        return sei_set_error(b->client, st, "out of memory");
    se_response *refused = NULL;
    if (st != SE_OK) { /* never sent: its response is ready now */
        sei_set_error(b->client, st, sei_diag_msg(&it.job->diag));
        refused = sei_job_response(it.job, st, NULL, NULL);
        sei_job_clear(it.job);
        free(it.job);
        it.job = NULL;
        it.state = ITEM_DONE;
        if (!refused)
            return sei_set_error(b->client, SE_E_NOMEM, "out of memory");
    }
    pthread_mutex_lock(&b->lock);
    se_status fail = b->closed ? SE_E_MISUSE : SE_OK;
    if (fail == SE_OK && b->n_incoming == b->cap_incoming) {
        size_t cap = b->cap_incoming ? b->cap_incoming * 2 : 16;
        sei_batch_item *p = realloc(b->incoming, cap * sizeof *p);
        if (p) {
            b->incoming = p;
            b->cap_incoming = cap;
        } else {
            fail = SE_E_NOMEM;
        }
    }
    if (fail == SE_OK) {
        b->incoming[b->n_incoming++] = it;
        size_t index = b->n_added++;
        pthread_mutex_unlock(&b->lock);
        if (refused && sei_engine_queue(b, index, refused) != SE_OK)
            return sei_set_error(b->client, SE_E_NOMEM, "out of memory");
        /* a busy run takes it at its next turn; a driven batch's own thread steps after adding */
        if (atomic_load(&b->sleeping) && !(b->driven && pthread_equal(pthread_self(), b->attacher)))
            sei_waker_ring(atomic_load(&b->waker));
        return st;
    }
    pthread_mutex_unlock(&b->lock);
    se_response_free(refused);
    if (it.job) {
        sei_job_clear(it.job);
        free(it.job);
    }
    return sei_set_error(b->client, fail,
                         fail == SE_E_NOMEM ? "out of memory"
                                            : "se_batch_add: the batch was closed or cancelled");
}

se_status se_batch_add_within(se_batch *b, const char *operation, const char *request_json,
                              double deadline) {
    if (b && b->started && !sei_batch_inherited(b))
        return add_running(b, operation, request_json, deadline);
    if (!b || b->ran)
        return sei_set_error(b ? b->client : NULL, SE_E_MISUSE,
                             "se_batch_add: batch is NULL or has already run");
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        sei_batch_item *p = realloc(b->items, cap * sizeof *p);
        if (!p)
            return sei_set_error(b->client, SE_E_NOMEM, "out of memory");
        b->items = p;
        b->cap = cap;
    }
    sei_batch_item *it = &b->items[b->n];
    se_status st = new_item(b, operation, request_json, deadline, it);
    if (st == SE_E_NOMEM)
        return sei_set_error(b->client, SE_E_NOMEM, "out of memory");
    b->n++;
    if (it->job->deadline > 0)
        b->has_deadlines = true;
    if (st != SE_OK) {
        sei_set_error(b->client, st, sei_diag_msg(&it->job->diag));
        if (sei_engine_finish(b, b->n - 1, st, NULL) != SE_OK) {
            b->n--;
            b->n_done--;
            return sei_set_error(b->client, SE_E_NOMEM, "out of memory");
        }
    }
    return st;
}

se_status se_batch_add(se_batch *b, const char *operation, const char *request_json) {
    return se_batch_add_within(b, operation, request_json, 0);
}

size_t se_batch_size(const se_batch *b) {
    if (!b)
        return 0;
    if (!b->started)
        return b->n;
    pthread_mutex_lock((pthread_mutex_t *)&b->lock);
    size_t n = b->n_added;
    pthread_mutex_unlock((pthread_mutex_t *)&b->lock);
    return n;
}

/* The run's slots and multi handle (with the client's live connections). */
se_status sei_batch_begin_run(se_batch *b, int max_in_flight) {
    sei_client_after_fork(b->client);
    b->ran = true;
    sei_block_release(b->job_block); /* no more parking: each block goes with its last job */
    b->job_block = NULL;
    b->running = true;
    b->max_in_flight = max_in_flight;
    b->slots = calloc((size_t)max_in_flight, sizeof *b->slots);
    b->free_slots = malloc((size_t)max_in_flight * sizeof *b->free_slots);
    b->multi = b->slots && b->free_slots ? sei_multi_take(b->client) : NULL;
    if (!b->multi) {
        free(b->slots);
        free(b->free_slots);
        b->slots = NULL;
        b->free_slots = NULL;
        b->running = false;
        return SE_E_NOMEM;
    }
    for (int i = 0; i < max_in_flight; i++) {
        b->slots[i].item = SIZE_MAX;
        b->free_slots[i] = &b->slots[max_in_flight - 1 - i];
    }
    b->n_free = max_in_flight;
    curl_multi_setopt(b->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)max_in_flight);
    /* keep every connection when the transfers drain (curl's default cache is four
     * per transfer still added): the client's next run reuses them */
    curl_multi_setopt(b->multi, CURLMOPT_MAXCONNECTS, (long)max_in_flight);
    return SE_OK;
}

/* After the engine: slots and handles back to the client; anything left
 * unfinished (only after an out-of-memory stop) ends as out of memory. */
se_status sei_batch_end_run(se_batch *b, se_status st) {
    for (int i = 0; i < b->max_in_flight; i++) {
        sei_slot *s = &b->slots[i];
        if (s->item != SIZE_MAX) { /* still in flight */
            curl_multi_remove_handle(b->multi, s->easy);
            b->items[s->item].state = ITEM_PENDING;
            s->item = SIZE_MAX;
        }
        sei_engine_slot_release(b->client, s);
    }
    for (size_t i = 0; i < b->n; i++)
        if (b->items[i].state != ITEM_DONE)
            sei_engine_finish(b, i, SE_E_NOMEM, NULL);
    for (int i = 0; i < b->max_in_flight; i++)
        sei_attempt_free(&b->slots[i].attempt);
    sei_attempt_free(&b->token_slot.attempt);
    sei_engine_slot_release(b->client, &b->token_slot);
    free(b->slots);
    free(b->free_slots);
    b->slots = NULL;
    b->free_slots = NULL;
    b->running = false;
    while (b->n_spare > 0)
        sei_block_release(b->spare[--b->n_spare]);
    if (b->driven) { /* curl announced the removal of every socket as its transfer ended */
        curl_multi_setopt(b->multi, CURLMOPT_SOCKETFUNCTION, NULL);
        curl_multi_setopt(b->multi, CURLMOPT_TIMERFUNCTION, NULL);
    }
    sei_multi_give(b->client, b->multi); /* with its connections, for the next run */
    b->multi = NULL;
    if (st != SE_OK)
        return sei_set_error(b->client, st, "out of memory");
    se_status first = SE_OK;
    b->failed = 0;
    for (size_t i = 0; !b->started && i < b->n; i++) {
        se_status s = b->items[i].response ? b->items[i].response->status : SE_E_NOMEM;
        if (s != SE_OK) {
            b->failed++;
            if (first == SE_OK) {
                first = s;
                sei_set_error(b->client, s,
                              b->items[i].response ? b->items[i].response->message : NULL);
            }
        }
    }
    return first;
}

se_status se_batch_run(se_batch *b, int max_in_flight) {
    if (!b || b->ran || max_in_flight < 1 || max_in_flight > 1024)
        return sei_set_error(b ? b->client : NULL, SE_E_MISUSE,
                             "se_batch_run: batch already ran, or max_in_flight not in 1..1024");
    if (sei_batch_begin_run(b, max_in_flight) != SE_OK)
        return sei_set_error(b->client, SE_E_NOMEM, "out of memory");
    return sei_batch_end_run(b, sei_engine_run(b));
}

se_status se_batch_cancel(se_batch *b) {
    if (!b)
        return SE_E_MISUSE;
    atomic_store(&b->cancel, true);
    sei_waker_ring(atomic_load(&b->waker)); /* a run in progress wakes and cancels */
    return SE_OK;
}

se_status se_batch_stop(se_batch *b) {
    if (!b)
        return SE_E_MISUSE;
    atomic_store(&b->stop, true);
    sei_waker_ring(atomic_load(&b->waker));
    return SE_OK;
}

/* ---- se_batch_start: the run on a thread of its own ----------------------------------- */

void sei_batch_run_over(se_batch *b, se_status st) {
    pthread_mutex_lock(&b->lock);
    b->result = st;
    b->finished = true;
    b->closed = true;
    uint64_t one = 1;
    if (b->q_len == 0 && b->done_fd >= 0 && write(b->done_fd, &one, sizeof one) < 0) {
        /* full counter: readable anyway */
    }
    pthread_cond_broadcast(&b->cond);
    pthread_mutex_unlock(&b->lock);
}

static void *run_thread(void *arg) {
    se_batch *b = arg;
    sei_batch_run_over(b, sei_batch_end_run(b, sei_engine_run(b)));
    return NULL;
}

se_status se_batch_start(se_batch *b, int max_in_flight) {
    if (!b || b->ran || max_in_flight < 1 || max_in_flight > 1024)
        return sei_set_error(b ? b->client : NULL, SE_E_MISUSE,
                             "se_batch_start: batch already ran, or max_in_flight not in 1..1024");
    if ((b->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
        return sei_set_error(b->client, SE_E_NOMEM, "se_batch_start: no eventfd to be had");
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->cond, NULL);
    b->started = true;
    b->fork_gen = atomic_load(&sei_fork_gen);
    b->n_added = b->n;
    /* what was added before the start is handed out like what comes after */
    for (size_t i = 0; i < b->n; i++)
        if (b->items[i].response && sei_engine_queue(b, i, b->items[i].response) == SE_OK)
            b->items[i].response = NULL;
    se_status st = sei_batch_begin_run(b, max_in_flight);
    if (st == SE_OK && pthread_create(&b->thread, NULL, run_thread, b) != 0) {
        sei_batch_end_run(b, SE_OK);
        st = SE_E_NOMEM;
    }
    if (st != SE_OK) {
        b->started = false;
        pthread_mutex_destroy(&b->lock);
        pthread_cond_destroy(&b->cond);
        close(b->done_fd);
        b->done_fd = -1;
        return sei_set_error(b->client, st, "se_batch_start: no thread or memory to be had");
    }
    return SE_OK;
}

int se_batch_fd(const se_batch *b) {
    if (!b || !b->started)
        return -1;
    if (b->driven)
        return b->epoll_fd;
    se_batch *m = (se_batch *)b; /* the fd's state is a cache, not the batch's value */
    if (!atomic_exchange(&m->fd_wanted, true)) {
        /* from now on kept up to date by the run: bring it level with the queue */
        pthread_mutex_lock(&m->lock);
        uint64_t one = 1;
        if ((m->q_len > 0 || m->finished) && write(m->done_fd, &one, sizeof one) < 0) {
            /* full counter: readable anyway */
        }
        pthread_mutex_unlock(&m->lock);
    }
    return b->done_fd;
}

se_status se_batch_next(se_batch *b, double wait_seconds, size_t *index, se_response **out) {
    if (out)
        *out = NULL;
    if (!b || !b->started || !out || !index || sei_batch_inherited(b))
        return sei_set_error(b ? b->client : NULL, SE_E_MISUSE,
                             "se_batch_next: not a batch started in this process, or NULL "
                             "arguments");
    if (b->driven)
        wait_seconds = 0; /* its completions come from se_batch_step, in this thread */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    if (wait_seconds > 0) {
        double whole = (double)(long)wait_seconds;
        until.tv_sec += (time_t)whole;
        until.tv_nsec += (long)((wait_seconds - whole) * 1e9);
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
    }
    pthread_mutex_lock(&b->lock);
    while (b->q_len == 0 && !b->finished && wait_seconds != 0) {
        if (wait_seconds < 0)
            pthread_cond_wait(&b->cond, &b->lock);
        else if (pthread_cond_timedwait(&b->cond, &b->lock, &until) != 0)
            break;
    }
    if (b->q_len > 0) {
        sei_completion cpl = b->queue[b->q_head];
        b->q_head = (b->q_head + 1) % b->q_cap;
        b->q_len--;
        b->n_taken++;
        *index = cpl.index;
        *out = cpl.response;
        uint64_t n;
        if (b->q_len == 0 && !b->finished && atomic_load(&b->fd_wanted) &&
            read(b->done_fd, &n, sizeof n) < 0) {
            /* not readable: nothing to drain */
        }
    }
    pthread_mutex_unlock(&b->lock);
    return SE_OK;
}

size_t se_batch_pending(const se_batch *b) {
    if (!b || !b->started)
        return 0;
    pthread_mutex_lock((pthread_mutex_t *)&b->lock);
    size_t n = b->n_added - b->n_taken;
    pthread_mutex_unlock((pthread_mutex_t *)&b->lock);
    return n;
}

se_status se_batch_close(se_batch *b) {
    if (!b || !b->started)
        return sei_set_error(b ? b->client : NULL, SE_E_MISUSE,
                             "se_batch_close: the batch was not started");
    pthread_mutex_lock(&b->lock);
    b->closed = true;
    pthread_mutex_unlock(&b->lock);
    sei_waker_ring(atomic_load(&b->waker));
    return SE_OK;
}

size_t se_batch_failed(const se_batch *b) {
    return b ? b->failed : 0;
}

const se_response *se_batch_response(const se_batch *b, size_t index) {
    if (!b || b->started || index >= b->n)
        return NULL;
    return b->items[index].response;
}

se_status se_batch_take(se_batch *b, size_t index, se_response **out) {
    if (!out)
        return SE_E_MISUSE;
    *out = NULL;
    if (!b || b->started || index >= b->n || !b->items[index].response)
        return SE_E_MISUSE;
    *out = b->items[index].response;
    b->items[index].response = NULL;
    return SE_OK;
}

se_status sei_batch_cancel_item(se_batch *b, size_t index) {
    if (!b || sei_batch_inherited(b) || index >= se_batch_size(b))
        return sei_set_error(b ? b->client : NULL, SE_E_MISUSE,
                             "sei_batch_cancel_item: no such request in a batch of this process");
    sei_cancel_node *node = malloc(sizeof *node);
    if (!node)
        return sei_set_error(b->client, SE_E_NOMEM, "out of memory");
    node->index = index;
    node->next = atomic_load(&b->cancel_items);
    while (!atomic_compare_exchange_weak(&b->cancel_items, &node->next, node))
        ;
    sei_waker_ring(atomic_load(&b->waker)); /* a run in progress wakes and takes it */
    return SE_OK;
}
