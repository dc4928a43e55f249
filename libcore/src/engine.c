/* engine.c - the one loop every send runs on: a curl multi handle drives the
 * attempts in flight; one scheduler starts requests, waits for retries and
 * credentials, and decides what ends how. se_send runs a batch of one on it in
 * the calling thread (as curl_easy_perform runs on a private multi handle);
 * se_batch_run and se_batch_start run batches of many.
 *
 * Delivery is counted where it happens: curl calls on_prereq each time a
 * request is about to be written to a connection, its own re-send on a reused
 * connection that died included. A second write of one attempt is refused
 * unless the operation is idempotent, and the attempt ends as a network
 * failure that may have been delivered (SE_SENT_MAYBE), never as a silent
 * second delivery. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

#include "fork.h"
#include "logging.h"
#include "util.h"

/* ---- attempts ------------------------------------------------------------------------ */

/* Called by curl before every write of the request to a connection. */
static int on_prereq(void *userdata, char *primary_ip, char *local_ip, int primary_port,
                     int local_port) {
    (void)primary_ip;
    (void)local_ip;
    (void)primary_port;
    (void)local_port;
    sei_attempt *a = userdata;
    if (a->writes > 0 && !a->resend_ok) {
        a->resend_refused = true; /* curl would deliver it a second time */
        return CURL_PREREQFUNC_ABORT;
    }
    a->writes++;
    return CURL_PREREQFUNC_OK;
}

/* What the finished transfer tells about its attempt. */
void sei_engine_collect(se_client *c, sei_attempt *a, CURL *easy, CURLcode result) {
    long code = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
    a->curl_code = result;
    a->answered = code > 0;
    a->http_status = result == CURLE_OK ? code : 0;
    if (c->log_fn)
        curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &a->new_connections);
    if (a->resend_refused)
        snprintf(a->curl_error, sizeof a->curl_error,
                 "the connection closed after the request was written; not sent again, as it "
                 "may have been delivered");
}

/* Hands the slot's attempt to curl: the request, the callbacks' targets and
 * the time it may take (cut to the job's deadline). */
static se_status setup_slot(se_batch *b, sei_slot *s, sei_job *job, sei_http_request *req,
                            bool resend_ok) {
    se_client *c = b->client;
    sei_attempt_reset(&s->attempt); /* the buffers of the slot's last answer are reused */
    s->attempt.resend_ok = resend_ok;
    if (!s->easy && !(s->easy = sei_pool_take(c)))
        return SE_E_NOMEM;
    if (sei_transport_setup(c, s->easy, req, &s->attempt) != SE_OK)
        return SE_E_NOMEM;
    curl_easy_setopt(s->easy, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(s->easy, CURLOPT_PREREQDATA, &s->attempt);
    curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
    double timeout = c->num[O_TIMEOUT];
    double left = job && job->deadline > 0 ? job->deadline - sei_now() : timeout;
    if (left < timeout) {
        curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, left > 0.001 ? (long)(left * 1000) : 1L);
        s->short_timeout = true;
    } else if (s->short_timeout) {
        curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, (long)(timeout * 1000));
        s->short_timeout = false;
    }
    if (c->log_fn || c->num[O_MAX_RATE] > 0)
        s->started = sei_now();
    return curl_multi_add_handle(b->multi, s->easy) == CURLM_OK ? SE_OK : SE_E_NOMEM;
}

void sei_engine_slot_release(se_client *c, sei_slot *s) {
    if (!s->easy)
        return;
    curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, NULL); /* the list goes with its job */
    if (s->short_timeout)
        curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, (long)(c->num[O_TIMEOUT] * 1000));
    s->short_timeout = false;
    sei_pool_give(c, s->easy);
    s->easy = NULL;
}

/* ---- the scheduler --------------------------------------------------------------------- */

/* rate_limit_url: the shared budget, behind the local cut after a 429; while
 * Redis cannot answer, the local limit (rate_limit_fallback, else max_rate). */
static double shared_wait(se_client *c, double rate, double burst, double *now) {
    if (sei_limiter_rate(&c->limiter, rate, *now) < rate) {
        double wait = sei_limiter_take(&c->limiter, rate, burst, *now);
        if (wait > 0)
            return wait;
    }
    char err[512] = "";
    int change;
    double wait = sei_shared_take(&c->shared_limit, sei_opt_str(c, O_RATE_LIMIT_URL),
                                  sei_opt_str(c, O_RATE_LIMIT_KEY), c->config_gen, rate, burst,
                                  &change, err, sizeof err);
    *now = sei_now(); /* Redis took its time */
    if (change > 0)
        sei_log(c, 2,
                "rate_limit_url: Redis cannot be reached (%s); the local limit applies "
                "until it can",
                err);
    else if (change < 0)
        sei_log(c, 1, "rate_limit_url: Redis reached again; the shared budget applies");
    if (wait != SEI_SHARED_UNAVAILABLE)
        return wait;
    double fallback = c->num[O_RATE_LIMIT_FALLBACK];
    return sei_limiter_take(&c->limiter, fallback > 0 ? fallback : rate, burst, *now);
}

/* Whether the client's max_rate lets a request leave now (it is then counted);
 * when not, the run asks again at rate_due. Off, it costs one comparison. */
static bool rate_allows(se_batch *b) {
    se_client *c = b->client;
    double rate = c->num[O_MAX_RATE];
    if (rate <= 0)
        return true;
    double now = sei_now();
    if (b->rate_held && now < b->rate_due)
        return false;
    double burst = c->num[O_MAX_BURST];
    double wait = c->opt[O_RATE_LIMIT_URL] ? shared_wait(c, rate, burst, &now)
                                           : sei_limiter_take(&c->limiter, rate, burst, now);
    b->rate_held = wait > 0;
    b->rate_due = now + wait;
    return !b->rate_held;
}

static bool push_token_waiter(se_batch *b, size_t i) {
    if (b->n_token_waiters == b->cap_token_waiters) {
        size_t cap = b->cap_token_waiters ? b->cap_token_waiters * 2 : 8;
        size_t *p = realloc(b->token_waiters, cap * sizeof *p);
        if (!p)
            return false;
        b->token_waiters = p;
        b->cap_token_waiters = cap;
    }
    b->token_waiters[b->n_token_waiters++] = i;
    return true;
}

/* Starts this run's credential fetch on its multi handle: the sends that need
 * it wait, the others go on. */
static se_status start_token_fetch(se_batch *b) {
    se_client *c = b->client;
    se_status st = c->provider->token_request(c, &b->token_req);
    if (st == SE_OK)
        st = setup_slot(b, &b->token_slot, NULL, &b->token_req, true);
    if (st != SE_OK) {
        if (b->token_slot.easy)
            curl_multi_remove_handle(b->multi, b->token_slot.easy);
        sei_http_request_clear(&b->token_req);
        c->provider->token_answer(c, NULL); /* the next send fetches again */
        return st;
    }
    b->token_in_flight = true;
    return SE_OK;
}

/* Ends the fetch in flight without an answer (the run is cancelled or over). */
void sei_engine_abandon_token_fetch(se_batch *b) {
    if (!b->token_in_flight)
        return;
    curl_multi_remove_handle(b->multi, b->token_slot.easy);
    b->token_in_flight = false;
    sei_http_request_clear(&b->token_req);
    b->client->provider->token_answer(b->client, NULL);
}

static se_status wait_retry(se_batch *b, sei_batch_item *it, double delay) {
    it->state = ITEM_WAITING;
    b->n_waiting++;
    it->due = sei_now() + delay;
    return SE_OK;
}

static se_status deadline_passed(se_batch *b, size_t i) {
    sei_job *job = b->items[i].job;
    sei_diag_clear_failure(&job->diag);
    sei_diag_fail(&job->diag, "deadline: the send did not complete in time");
    return sei_engine_finish(b, i, SE_E_TIMEOUT, NULL);
}

/* Starts one attempt of item i: URL, credentials, then a slot's handle joins
 * the multi. Without credentials yet, the item waits for them. */
static se_status start(se_batch *b, size_t i) {
    sei_batch_item *it = &b->items[i];
    sei_job *job = it->job;
    if (it->state == ITEM_WAITING)
        b->n_waiting--;
    it->state = ITEM_PENDING;
    if (job->deadline > 0 && sei_now() >= job->deadline)
        return deadline_passed(b, i);
    se_status st = job->http.url.ptr ? SE_OK : sei_job_url(job);
    if (st != SE_OK) /* the client's options changed since se_batch_add */
        return sei_engine_finish(b, i, st, NULL);
    st = sei_job_authorize(job);
    if (st == SEI_PENDING_FETCH)
        st = start_token_fetch(b) == SE_OK ? SEI_PENDING : SE_E_NOMEM;
    if (st == SEI_PENDING) {
        b->token_blocked = true;
        it->state = ITEM_TOKEN;
        return push_token_waiter(b, i) ? SE_OK : SE_E_NOMEM;
    }
    if (st != SE_OK) { /* no credentials: nothing was sent */
        job->tries++;
        double delay = sei_job_retry_delay(job, st, NULL);
        if (delay < 0)
            return sei_engine_finish(b, i, st, NULL);
        sei_job_log_retry(b->client, job, delay, st);
        return wait_retry(b, it, delay);
    }
    sei_slot *s = b->free_slots[--b->n_free];
    s->item = i;
    it->state = ITEM_RUNNING;
    job->tries++;
    se_client *c = b->client;
    bool resend_ok = sei_job_idempotent(job) || sei_opt_bool(c, O_RETRY_SERVER_ERRORS);
    return setup_slot(b, s, job, &job->http, resend_ok);
}

/* The credential fetch ended (or another run's may have): the sends that
 * waited ask again, in the order they came, while slots are free; those that
 * must wait again, and those without a slot, keep waiting. */
static se_status start_token_waiters(se_batch *b) {
    size_t n = b->n_token_waiters, *waiting = b->token_waiters, k = 0;
    b->token_waiters = NULL;
    b->n_token_waiters = b->cap_token_waiters = 0;
    b->token_blocked = false;
    se_status st = SE_OK;
    for (; k < n && b->n_free > 0 && !b->token_blocked && st == SE_OK && rate_allows(b); k++)
        st = start(b, waiting[k]);
    for (; k < n && st == SE_OK; k++)
        if (!push_token_waiter(b, waiting[k]))
            st = SE_E_NOMEM;
    free(waiting);
    return st;
}

/* An attempt's transfer is over: count it, then retry, wait or finish. */
static se_status complete(se_batch *b, CURL *easy, CURLcode result) {
    se_client *c = b->client;
    sei_slot *s = NULL;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&s);
    curl_multi_remove_handle(b->multi, easy);
    sei_attempt *a = &s->attempt;
    sei_engine_collect(c, a, easy, result);
    if (s == &b->token_slot) {
        b->token_in_flight = false;
        c->provider->token_answer(c, a);
        sei_http_request_clear(&b->token_req);
        return start_token_waiters(b);
    }
    size_t i = s->item;
    sei_batch_item *it = &b->items[i];
    s->item = SIZE_MAX;
    b->free_slots[b->n_free++] = s; /* reused by a later start(), after finish() below */
    sei_job_count(it->job, a);
    se_status st = sei_attempt_status(a);
    if (st == SE_E_THROTTLED && c->num[O_MAX_RATE] > 0) /* the adaptive cut */
        sei_limiter_throttled(&c->limiter, c->num[O_MAX_RATE], s->started, sei_now());
    sei_job_log_attempt(c, it->job, st, a, s->started);
    double delay = sei_job_retry_delay(it->job, st, a);
    if (st == SE_OK || delay < 0)
        return sei_engine_finish(b, i, st, a);
    sei_job_log_retry(c, it->job, delay, st);
    return wait_retry(b, it, delay);
}

/* Requests added to a started batch since the last look; whether it is closed. */
static bool take_incoming(se_batch *b, se_status *st) {
    pthread_mutex_lock(&b->lock);
    bool closed = b->closed;
    size_t need = b->n + b->n_incoming;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 16;
        while (cap < need)
            cap *= 2;
        sei_batch_item *p = realloc(b->items, cap * sizeof *p);
        if (!p) {
            pthread_mutex_unlock(&b->lock);
            *st = SE_E_NOMEM;
            return closed;
        }
        b->items = p;
        b->cap = cap;
    }
    for (size_t k = 0; k < b->n_incoming; k++) {
        sei_batch_item *it = &b->items[b->n++];
        *it = b->incoming[k];
        if (it->state == ITEM_DONE) /* refused by validation: its response is queued already */
            b->n_done++;
        else if (it->job->deadline > 0)
            b->has_deadlines = true;
    }
    b->n_incoming = 0;
    pthread_mutex_unlock(&b->lock);
    return closed;
}

/* What came since the last turn: single cancels, then requests added to a
 * started batch (taken in that order: a cancel pushed after its add finds its
 * request). Whether the batch is closed. */
static bool take_inputs(se_batch *b, bool closed, se_status *st) {
    sei_cancel_node *cancels =
        atomic_load(&b->cancel_items) ? atomic_exchange(&b->cancel_items, NULL) : NULL;
    if (b->started)
        closed = take_incoming(b, st);
    if (cancels) {
        se_status cs = sei_engine_cancel_listed(b, cancels);
        *st = *st == SE_OK ? cs : *st;
    }
    return closed;
}

/* Milliseconds until the engine must turn again though no transfer and no
 * waker woke it: retries, max_rate, credentials fetched by another run, the
 * deadlines of sends waiting for them. -1: nothing but those can. */
int sei_engine_wait_ms(const se_batch *b, double next_due) {
    int ms = -1;
    if (b->n_waiting > 0 && b->n_free > 0) {
        double until = next_due < 0 ? 0 : (next_due - sei_now()) * 1000;
        ms = until <= 0 ? 0 : until < 86400000.0 ? (int)until + 1 : 86400000;
    }
    if (b->n_token_waiters > 0 && !b->token_in_flight && (ms < 0 || ms > 10))
        ms = 10; /* another run fetches: look again soon */
    if (b->has_deadlines && b->n_token_waiters > 0 && (ms < 0 || ms > 50))
        ms = 50; /* deadlines of sends waiting for credentials are checked this often */
    if (b->rate_held) {
        double until = ceil((b->rate_due - sei_now()) * 1000);
        if (ms < 0 || until < ms)
            ms = until <= 0 ? 0 : until < 86400000.0 ? (int)until : 86400000;
    }
    return ms;
}

/* Finishes the sends waiting for credentials whose deadline has passed (a
 * retry is never scheduled past its deadline; a request in flight has its
 * timeout cut to it; one not yet started is checked when it starts). */
static se_status expire_token_waiters(se_batch *b, double now) {
    se_status st = SE_OK;
    for (size_t k = 0; k < b->n_token_waiters && st == SE_OK;) {
        size_t i = b->token_waiters[k];
        sei_job *job = b->items[i].job;
        if (job->deadline <= 0 || now < job->deadline) {
            k++;
            continue;
        }
        memmove(&b->token_waiters[k], &b->token_waiters[k + 1],
                (b->n_token_waiters - k - 1) * sizeof *b->token_waiters);
        b->n_token_waiters--;
        b->items[i].state = ITEM_PENDING;
        st = deadline_passed(b, i);
    }
    return st;
}

/* A started batch's run says it is going to sleep, then looks for requests
 * added meanwhile: an add that comes after the look sees the flag and rings
 * (add_running), so none waits for a poll to time out, and adds to a busy run
 * cost no system call. false when requests came. */
static bool about_to_sleep(se_batch *b) {
    atomic_store(&b->sleeping, true);
    pthread_mutex_lock(&b->lock);
    bool quiet = b->n_incoming == 0;
    pthread_mutex_unlock(&b->lock);
    if (!quiet)
        atomic_store(&b->sleeping, false);
    return quiet;
}

/* Cancellation and stop, as the turn begins; false when the run ends
 * (cancelled: what came meanwhile is cancelled too). */
static bool cancel_or_stop(se_batch *b, se_status *st) {
    se_client *c = b->client;
    if (!b->cancelled && (atomic_load(&b->cancel) || atomic_load(&c->cancel_gen) != b->cancel_gen))
        sei_engine_cancel_all(b);
    if (!b->cancelled && *st == SE_OK && atomic_load(&b->stop) &&
        (b->stopped_upto < b->n || b->n_waiting > 0 || b->n_token_waiters > 0))
        *st = sei_engine_stop_waiting(b);
    if (!b->cancelled)
        return true;
    if (b->started) { /* nothing more is taken: what came is cancelled */
        pthread_mutex_lock(&b->lock);
        b->closed = true;
        pthread_mutex_unlock(&b->lock);
        take_incoming(b, st);
    }
    if (b->n_done < b->n)
        sei_engine_cancel_all(b);
    return false;
}

/* Starts what may start: retries that are due, then sends waiting on
 * another run's fetch, then new ones. *next_due: the first retry not due. */
static se_status start_due(se_batch *b, double *next_due) {
    se_status st = SE_OK;
    bool token_deadlines = b->has_deadlines && b->n_token_waiters > 0;
    double now = b->n_waiting > 0 || token_deadlines ? sei_now() : 0;
    if (token_deadlines)
        st = expire_token_waiters(b, now);
    for (size_t i = 0; b->n_waiting > 0 && i < b->n && st == SE_OK; i++) {
        sei_batch_item *it = &b->items[i];
        if (it->state != ITEM_WAITING)
            continue;
        if (it->due <= now && b->n_free > 0 && !b->token_blocked && rate_allows(b))
            st = start(b, i);
        else if (*next_due < 0 || it->due < *next_due)
            *next_due = it->due > now || !b->rate_held ? it->due : b->rate_due;
    }
    if (st == SE_OK && b->n_token_waiters > 0 && !b->token_in_flight && b->n_free > 0)
        st = start_token_waiters(b);
    while (st == SE_OK && !b->token_blocked && b->n_free > 0 && b->next < b->n) {
        if (b->items[b->next].state != ITEM_PENDING)
            b->next++; /* done already: refused by validation, or cancelled */
        else if (rate_allows(b))
            st = start(b, b->next++);
        else
            break;
    }
    return st;
}

sei_turn sei_engine_turn(se_batch *b, se_status *st, double *next_due) {
    *next_due = -1;
    b->run_closed = take_inputs(b, b->run_closed, st);
    if (!cancel_or_stop(b, st))
        return SEI_TURN_END;
    if (*st == SE_OK)
        *st = start_due(b, next_due);
    if (b->driven) {
        sei_engine_socket_perform(b);
    } else {
        int still = 0;
        curl_multi_perform(b->multi, &still);
    }
    CURLMsg *msg;
    int left;
    while (*st == SE_OK && (msg = curl_multi_info_read(b->multi, &left)))
        if (msg->msg == CURLMSG_DONE)
            *st = complete(b, msg->easy_handle, msg->data.result);
    if (*st != SE_OK || (b->n_done == b->n && b->run_closed))
        return SEI_TURN_END;
    if (b->n_free > 0 && b->next < b->n && !b->token_blocked && !b->rate_held)
        return SEI_TURN_AGAIN; /* free slots and requests not yet started: start them now */
    if (b->started && !about_to_sleep(b))
        return SEI_TURN_AGAIN; /* a request came in meanwhile */
    return SEI_TURN_SLEEP;
}

sei_waker *sei_engine_begin(se_batch *b) {
    se_client *c = b->client;
    sei_waker *w = sei_waker_take(c);
    atomic_store(&b->waker, w);
    if (!b->cancel_gen_set) /* se_send reads it when it is called: a cancel while it validates
                               counts */
        b->cancel_gen = atomic_load(&c->cancel_gen);
    b->run_closed = !b->started;
    return w;
}

void sei_engine_end(se_batch *b) {
    sei_engine_abandon_token_fetch(b);
    sei_waker_give(atomic_exchange(&b->waker, NULL));
}

se_status sei_engine_run(se_batch *b) {
    sei_waker *w = sei_engine_begin(b);
    struct curl_waitfd wfd = {w ? w->fd : -1, CURL_WAIT_POLLIN, 0};
    se_status st = SE_OK;
    for (;;) {
        double next_due;
        sei_turn turn = sei_engine_turn(b, &st, &next_due);
        if (turn == SEI_TURN_END)
            break;
        if (turn == SEI_TURN_AGAIN)
            continue;
        int ms = sei_engine_wait_ms(b, next_due), numfds = 0;
        curl_multi_poll(b->multi, w ? &wfd : NULL, w ? 1 : 0, ms < 0 || ms > 1000 ? 1000 : ms,
                        &numfds);
        if (b->started)
            atomic_store(&b->sleeping, false);
        if (w && wfd.revents) {
            sei_waker_drain(w);
            wfd.revents = 0;
        }
    }
    sei_engine_end(b);
    return st;
}

/* ---- se_send ----------------------------------------------------------------------------- */

se_response *sei_engine_send(se_client *c, sei_job *job, unsigned cancel_gen) {
    se_batch b;
    memset(&b, 0, sizeof b);
    b.cancel_gen = cancel_gen;
    b.cancel_gen_set = true;
    sei_batch_item item = {job, NULL, NULL, 0, ITEM_PENDING};
    sei_slot slot;
    memset(&slot, 0, sizeof slot);
    slot.item = SIZE_MAX;
    sei_slot *free_slot = &slot;
    b.client = c;
    b.items = &item;
    b.n = b.cap = 1;
    b.borrowed_jobs = true;
    b.has_deadlines = job->deadline > 0;
    b.slots = &slot;
    b.free_slots = &free_slot;
    b.n_free = b.max_in_flight = 1;
    b.ran = true;
    b.multi = sei_multi_take(c);
    se_status st = b.multi ? sei_engine_run(&b) : SE_E_NOMEM;
    if (b.multi && slot.easy && slot.item != SIZE_MAX)
        curl_multi_remove_handle(b.multi, slot.easy); /* only after an out-of-memory stop */
    sei_engine_slot_release(c, &slot);
    sei_engine_slot_release(c, &b.token_slot);
    if (b.multi)
        sei_multi_give(c, b.multi);
    if (st != SE_OK && item.state != ITEM_DONE) {
        item.state = ITEM_PENDING;
        sei_engine_finish(&b, 0, SE_E_NOMEM, NULL);
    }
    sei_attempt_free(&slot.attempt);
    sei_attempt_free(&b.token_slot.attempt);
    free(b.token_waiters);
    return item.response;
}
