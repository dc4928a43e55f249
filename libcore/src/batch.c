/* batch.c - many sends over one curl multi handle, with a bound on requests in
 * flight. Each request runs the same pipeline as se_send (send.c), retries
 * included; results stay in input order. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef enum { ITEM_PENDING, ITEM_RUNNING, ITEM_WAITING, ITEM_DONE } item_state;

typedef struct se_batch_item {
    se_job job;
    item_state state;
    se_attempt attempt;
    CURL *easy;
    double due; /* ITEM_WAITING: when the retry may start */
    se_response *response;
} se_batch_item;

struct se_batch {
    se_client *client;
    se_batch_item *items;
    size_t n, cap;
    size_t failed;
    size_t n_done, n_waiting; /* kept with the item states, so the loop never counts */
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

void se_batch_free(se_batch *b) {
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        se_job_clear(&b->items[i].job);
        se_attempt_free(&b->items[i].attempt);
        se_response_free(b->items[i].response);
    }
    free(b->items);
    free(b);
}

static se_status finish(se_batch *b, se_batch_item *it, se_status st, bool sent) {
    it->response = se_job_response(&it->job, st, sent ? &it->attempt : NULL);
    se_attempt_free(&it->attempt);
    se_job_clear(&it->job); /* the built request is no longer needed */
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
    se_status st = se_job_prepare(&it->job, b->client, operation, request_json);
    if (st == SE_E_NOMEM) {
        se_job_clear(&it->job);
        return se_set_error(b->client, st, "out of memory");
    }
    b->n++;
    if (st != SE_OK) {
        se_set_error(b->client, st, it->job.diag.msg);
        if (finish(b, it, st, false) != SE_OK) {
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

/* Starts one attempt: credentials, then the handle joins the multi. */
static se_status start(se_batch *b, CURLM *multi, se_batch_item *it) {
    if (it->state == ITEM_WAITING)
        b->n_waiting--;
    se_status st = se_job_authorize(&it->job);
    if (st != SE_OK) {
        it->job.attempts++;
        double delay = se_job_retry_delay(&it->job, st, NULL);
        if (delay < 0)
            return finish(b, it, st, false);
        it->state = ITEM_WAITING;
        b->n_waiting++;
        it->due = se_now() + delay;
        return SE_OK;
    }
    memset(&it->attempt, 0, sizeof it->attempt);
    it->easy = se_pool_take(b->client);
    if (!it->easy || se_transport_setup(b->client, it->easy, &it->job.http, &it->attempt) != SE_OK)
        return SE_E_NOMEM;
    curl_easy_setopt(it->easy, CURLOPT_PRIVATE, it);
    if (curl_multi_add_handle(multi, it->easy) != CURLM_OK)
        return SE_E_NOMEM;
    it->state = ITEM_RUNNING;
    return SE_OK;
}

static se_status complete(se_batch *b, CURLM *multi, CURL *easy, CURLcode result) {
    se_batch_item *it = NULL;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&it);
    it->attempt.curl_code = result;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &it->attempt.http_status);
    if (result != CURLE_OK)
        it->attempt.http_status = 0;
    curl_multi_remove_handle(multi, easy);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, NULL);
    se_pool_give(b->client, easy);
    it->easy = NULL;
    it->job.attempts++;
    se_status st = se_attempt_status(&it->attempt);
    double delay = se_job_retry_delay(&it->job, st, &it->attempt);
    if (st == SE_OK || delay < 0)
        return finish(b, it, st, true);
    se_attempt_free(&it->attempt);
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
    CURLM *multi = curl_multi_init();
    if (!multi)
        return se_set_error(b->client, SE_E_NOMEM, "out of memory");
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)max_in_flight);
    se_status st = SE_OK;
    size_t next = 0;
    int running = 0;
    while (st == SE_OK && b->n_done < b->n) {
        /* fill free slots: retries that are due first, then new requests */
        double now = se_now(), next_due = -1;
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
    for (size_t i = 0; i < b->n; i++) { /* only after an out-of-memory stop */
        se_batch_item *it = &b->items[i];
        if (it->easy) {
            curl_multi_remove_handle(multi, it->easy);
            se_pool_give(b->client, it->easy);
            it->easy = NULL;
        }
        if (it->state != ITEM_DONE)
            finish(b, it, SE_E_NOMEM, false);
    }
    curl_multi_cleanup(multi);
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
