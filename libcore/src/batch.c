/* batch.c - many sends over one curl multi handle, with a bound on requests in
 * flight. Each request runs the same pipeline as se_send (send.c), retries
 * included; results stay in input order. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef enum { ITEM_PENDING, ITEM_RUNNING, ITEM_WAITING, ITEM_DONE } item_state;

/* One request. A batch may hold very many, so an item is small: its job (the
 * checked and built request with its retry state) is parked in a block (see
 * park) from se_batch_add until it completes, its attempt in a slot while in
 * flight. */
typedef struct se_batch_item {
    se_job *job;
    se_block *job_block;   /* the block holding job (see park), or NULL: malloc'd */
    se_response *response; /* when done */
    double due;            /* ITEM_WAITING: when the retry may start */
    item_state state;
} se_batch_item;

/* A transfer in flight: se_batch_run has max_in_flight of them. A slot keeps
 * its easy handle (and so its connection) from one request to the next, and
 * gives it back to the client's pool when the run ends. */
typedef struct se_slot {
    se_attempt attempt;
    CURL *easy;
    se_batch_item *item;
    double started; /* of the attempt, when the client logs */
} se_slot;

struct se_batch {
    se_client *client;
    se_batch_item *items;
    size_t n, cap;
    size_t failed;
    size_t n_done, n_waiting; /* kept with the item states, so the loop never counts */
    se_slot *slots;
    se_slot **free_slots; /* a stack of the slots not in use */
    int n_free;
    se_block *block;     /* where responses of the run are cut from (block.c) */
    se_block *job_block; /* where queued requests are parked by se_batch_add */
    /* During a run, a job block whose jobs are all done is kept for responses:
     * mapped, populated and recently used, instead of unmapped while new memory
     * is mapped for the responses. */
    se_block *spare[8];
    int n_spare;
    bool running;
    bool ran;
};

se_status se_batch_new(se_batch **out, se_client *client) {
    if (!out || !client)
        return se_set_error(client, SE_E_MISUSE, "se_batch_new: out and client must not be NULL");
    *out = calloc(1, sizeof **out);
    if (!*out)
        return se_set_error(client, SE_E_NOMEM, "out of memory");
    (*out)->client = client;
    return SE_OK;
}

static void free_job(se_batch *b, se_batch_item *it) {
    if (!it->job)
        return;
    se_job_clear(it->job);
    if (!it->job_block)
        free(it->job);
    else if (!b->running)
        se_block_release(it->job_block);
    else if (se_block_drop(it->job_block)) { /* its last job: a spare for responses */
        if (b->n_spare < (int)(sizeof b->spare / sizeof b->spare[0]))
            b->spare[b->n_spare++] = it->job_block;
        else
            se_block_release(it->job_block);
    }
    it->job = NULL;
    it->job_block = NULL;
}

/* Moves a prepared job into the batch's block: one piece of populated memory
 * for the struct, its body and its owned header values, instead of three
 * fresh heap allocations for every queued request. NULL when no block can be
 * had; the job is then left as it was. */
static se_job *park(se_batch *b, se_job *job, se_block **from) {
    se_http_request *h = &job->http;
    size_t need = sizeof *job + h->body_len + 1;
    for (int i = 0; i < h->n_headers; i++)
        if (h->headers[i].owned)
            need += strlen(h->headers[i].owned) + 1;
    if (!h->body || need > 65536)
        return NULL;
    if (se_block_room(b->job_block) < need + 16) {
        /* 16 KiB first, doubling to 1 MiB: a small batch takes little (block.c) */
        size_t size = b->job_block ? se_block_size(b->job_block) * 2 : 16384;
        se_block *fresh = se_block_new(size < 1 << 20 ? size : 1 << 20);
        if (!fresh)
            return NULL;
        se_block_release(b->job_block);
        b->job_block = fresh;
    }
    se_job *parked = se_block_alloc(b->job_block, need);
    if (!parked)
        return NULL;
    *parked = *job;
    char *w = (char *)(parked + 1);
    memcpy(w, h->body, h->body_len + 1);
    free(h->body);
    parked->http.body = w;
    parked->http.body_parked = true;
    w += h->body_len + 1;
    for (int i = 0; i < h->n_headers; i++) {
        se_header *ph = &parked->http.headers[i];
        if (!ph->owned)
            continue;
        size_t n = strlen(ph->owned) + 1;
        memcpy(w, ph->owned, n);
        free(ph->owned);
        ph->value = w; /* now like a literal: the block holds it */
        ph->owned = NULL;
        w += n;
    }
    *from = b->job_block;
    return parked;
}

void se_batch_free(se_batch *b) {
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        free_job(b, &b->items[i]);
        se_response_free(b->items[i].response);
    }
    free(b->items);
    se_block_release(b->block);
    se_block_release(b->job_block);
    free(b);
}

/* Memory for the responses still to come, when the current block runs low: a
 * spare job block, else a new block (64 KiB: job blocks soon come free; 16 KiB
 * when few responses are still to come). */
static void ensure_block(se_batch *b) {
    if (se_block_room(b->block) >= 4096)
        return;
    size_t size = b->n - b->n_done > 16 ? 65536 : 16384;
    se_block *next = b->n_spare > 0 ? b->spare[--b->n_spare] : se_block_new(size);
    if (!next)
        return; /* responses are malloc'd instead */
    se_block_release(b->block);
    b->block = next;
}

/* The item's response (from attempt `a`, or NULL when nothing was sent); its job ends. */
static se_status finish(se_batch *b, se_batch_item *it, se_status st, se_attempt *a) {
    if (b->ran)
        ensure_block(b);
    it->response = se_job_response(it->job, st, a, b->block);
    free_job(b, it);
    it->state = ITEM_DONE;
    b->n_done++;
    return it->response ? SE_OK : SE_E_NOMEM;
}

se_status se_batch_add(se_batch *b, const char *operation, const char *request_json) {
    if (!b || b->ran)
        return se_set_error(b ? b->client : NULL, SE_E_MISUSE,
                            "se_batch_add: batch is NULL or has already run");
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        se_batch_item *p = realloc(b->items, cap * sizeof *p);
        if (!p)
            return se_set_error(b->client, SE_E_NOMEM, "out of memory");
        b->items = p;
        b->cap = cap;
    }
    se_batch_item *it = &b->items[b->n];
    memset(it, 0, sizeof *it);
    /* checked and built now, so a bad request fails here; the URL is set when it starts */
    se_job job;
    se_status st = se_job_prepare(&job, b->client, operation, request_json, false);
    if (st == SE_OK)
        it->job = park(b, &job, &it->job_block);
    if (!it->job && st != SE_E_NOMEM && (it->job = malloc(sizeof job)))
        *it->job = job;
    if (!it->job) {
        se_job_clear(&job);
        return se_set_error(b->client, SE_E_NOMEM, "out of memory");
    }
    b->n++;
    if (st != SE_OK) {
        se_set_error(b->client, st, se_diag_msg(&it->job->diag));
        if (finish(b, it, st, NULL) != SE_OK) {
            b->n--;
            b->n_done--;
            return se_set_error(b->client, SE_E_NOMEM, "out of memory");
        }
    }
    return st;
}

size_t se_batch_size(const se_batch *b) {
    return b ? b->n : 0;
}

/* Starts one attempt: URL, credentials, then a slot's handle joins the multi. */
static se_status start(se_batch *b, CURLM *multi, se_batch_item *it) {
    if (it->state == ITEM_WAITING)
        b->n_waiting--;
    se_job *job = it->job;
    se_status st = job->http.url ? SE_OK : se_job_url(job);
    if (st != SE_OK) /* the client's options changed since se_batch_add */
        return finish(b, it, st, NULL);
    st = se_job_authorize(job);
    if (st != SE_OK) {
        job->attempts++;
        double delay = se_job_retry_delay(job, st, NULL);
        if (delay < 0)
            return finish(b, it, st, NULL);
        it->state = ITEM_WAITING;
        b->n_waiting++;
        it->due = se_now() + delay;
        return SE_OK;
    }
    se_slot *s = b->free_slots[--b->n_free];
    se_attempt_reset(&s->attempt); /* the buffers of the slot's last answer are reused */
    s->item = it;
    it->state = ITEM_RUNNING;
    if (!s->easy)
        s->easy = se_pool_take(b->client);
    if (!s->easy || se_transport_setup(b->client, s->easy, &job->http, &s->attempt) != SE_OK)
        return SE_E_NOMEM;
    curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
    if (b->client->log_fn)
        s->started = se_now();
    if (curl_multi_add_handle(multi, s->easy) != CURLM_OK)
        return SE_E_NOMEM;
    return SE_OK;
}

static se_status complete(se_batch *b, CURLM *multi, CURL *easy, CURLcode result) {
    se_slot *s = NULL;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&s);
    se_batch_item *it = s->item;
    se_attempt *a = &s->attempt;
    a->curl_code = result;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &a->http_status);
    if (result != CURLE_OK)
        a->http_status = 0;
    if (b->client->log_fn)
        curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &a->new_connections);
    curl_multi_remove_handle(multi, easy);
    s->item = NULL;
    b->free_slots[b->n_free++] = s; /* reused by a later start(), after finish() below */
    it->job->attempts++;
    se_status st = se_attempt_status(a);
    se_job_log_attempt(b->client, it->job, st, a, s->started);
    double delay = se_job_retry_delay(it->job, st, a);
    if (st == SE_OK || delay < 0)
        return finish(b, it, st, a);
    se_job_log_retry(b->client, it->job, delay, st);
    it->state = ITEM_WAITING;
    b->n_waiting++;
    it->due = se_now() + delay;
    return SE_OK;
}

se_status se_batch_run(se_batch *b, int max_in_flight) {
    if (!b || b->ran || max_in_flight < 1 || max_in_flight > 1024)
        return se_set_error(b ? b->client : NULL, SE_E_MISUSE,
                            "se_batch_run: batch already ran, or max_in_flight not in 1..1024");
    b->ran = true;
    se_block_release(b->job_block); /* no more adds: each block goes with its last job */
    b->job_block = NULL;
    b->running = true;
    b->slots = calloc((size_t)max_in_flight, sizeof *b->slots);
    b->free_slots = malloc((size_t)max_in_flight * sizeof *b->free_slots);
    CURLM *multi = b->slots && b->free_slots ? se_multi_take(b->client) : NULL;
    if (!multi) {
        free(b->slots);
        free(b->free_slots);
        b->slots = NULL;
        b->free_slots = NULL;
        return se_set_error(b->client, SE_E_NOMEM, "out of memory");
    }
    for (int i = 0; i < max_in_flight; i++)
        b->free_slots[i] = &b->slots[max_in_flight - 1 - i];
    b->n_free = max_in_flight;
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)max_in_flight);
    /* keep every connection when the transfers drain (curl's default cache is four
     * per transfer still added): the client's next batch reuses them */
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)max_in_flight);
    se_status st = SE_OK;
    size_t next = 0;
    int running = 0;
    while (st == SE_OK && b->n_done < b->n) {
        /* fill free slots: retries that are due first, then new requests */
        double now = b->n_waiting > 0 ? se_now() : 0, next_due = -1; /* only retries wait */
        for (size_t i = 0; b->n_waiting > 0 && i < b->n && st == SE_OK; i++) {
            se_batch_item *it = &b->items[i];
            if (it->state != ITEM_WAITING)
                continue;
            if (it->due <= now && running < max_in_flight) {
                st = start(b, multi, it);
                running += it->state == ITEM_RUNNING;
            } else if (next_due < 0 || it->due < next_due) {
                next_due = it->due;
            }
        }
        while (st == SE_OK && running < max_in_flight && next < b->n) {
            se_batch_item *it = &b->items[next++];
            if (it->state != ITEM_PENDING)
                continue;
            st = start(b, multi, it);
            running += it->state == ITEM_RUNNING;
            if (it->state == ITEM_WAITING && (next_due < 0 || it->due < next_due))
                next_due = it->due;
        }
        int still = 0;
        curl_multi_perform(multi, &still);
        CURLMsg *msg;
        int left;
        while (st == SE_OK && (msg = curl_multi_info_read(multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            st = complete(b, multi, msg->easy_handle, msg->data.result);
            running--;
        }
        if (b->n_done == b->n || st != SE_OK)
            break;
        if (running < max_in_flight && next < b->n)
            continue; /* free slots and requests not yet started: start them now */
        int wait_ms = 100;
        if (b->n_waiting > 0 && running < max_in_flight) { /* when full, curl's poll wakes us */
            double until = next_due < 0 ? 0 : (next_due - se_now()) * 1000;
            wait_ms = until <= 0 ? 0 : until < 100 ? (int)until + 1 : 100;
        }
        if (running > 0)
            curl_multi_poll(multi, NULL, 0, wait_ms, NULL);
        else
            se_sleep(wait_ms / 1000.0);
    }
    for (int i = 0; i < max_in_flight; i++) {
        se_slot *s = &b->slots[i];
        if (s->easy) {
            if (s->item) /* still in flight: only after an out-of-memory stop */
                curl_multi_remove_handle(multi, s->easy);
            curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, NULL); /* the list goes with its job */
            se_pool_give(b->client, s->easy);
            s->easy = NULL;
        }
        if (s->item) {
            s->item->state = ITEM_PENDING; /* finished below */
            s->item = NULL;
        }
    }
    for (size_t i = 0; i < b->n; i++)
        if (b->items[i].state != ITEM_DONE)
            finish(b, &b->items[i], SE_E_NOMEM, NULL);
    for (int i = 0; i < max_in_flight; i++)
        se_attempt_free(&b->slots[i].attempt);
    free(b->slots);
    free(b->free_slots);
    b->slots = NULL;
    b->free_slots = NULL;
    b->running = false;
    while (b->n_spare > 0)
        se_block_release(b->spare[--b->n_spare]);
    se_multi_give(b->client, multi); /* with its connections, for the next batch */
    if (st != SE_OK)
        return se_set_error(b->client, st, "out of memory");
    se_status first = SE_OK;
    b->failed = 0;
    for (size_t i = 0; i < b->n; i++) {
        se_status s = b->items[i].response ? b->items[i].response->status : SE_E_NOMEM;
        if (s != SE_OK) {
            b->failed++;
            if (first == SE_OK) {
                first = s;
                se_set_error(b->client, s,
                             b->items[i].response ? b->items[i].response->message : NULL);
            }
        }
    }
    return first;
}

size_t se_batch_failed(const se_batch *b) {
    return b ? b->failed : 0;
}

const se_response *se_batch_response(const se_batch *b, size_t index) {
    if (!b || index >= b->n)
        return NULL;
    return b->items[index].response;
}

se_status se_batch_take(se_batch *b, size_t index, se_response **out) {
    if (!out)
        return SE_E_MISUSE;
    *out = NULL;
    if (!b || index >= b->n || !b->items[index].response)
        return SE_E_MISUSE;
    *out = b->items[index].response;
    b->items[index].response = NULL;
    return SE_OK;
}
