/* engine_cancel.c - the engine's cancellations: every request of a run at once
 * (se_batch_cancel, se_client_cancel) or single ones (sei_batch_cancel_item). A
 * request in flight is aborted and counted (it may have been delivered); one
 * not started ends cancelled with nothing sent. Runs on the run's thread. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* Aborts the transfer in slot s: the attempt is counted (written: it may
 * have been delivered), the item left pending and the slot free. */
static void abort_slot(se_batch *b, sei_slot *s) {
    curl_multi_remove_handle(b->multi, s->easy);
    sei_engine_collect(b->client, &s->attempt, s->easy, CURLE_ABORTED_BY_CALLBACK);
    sei_job_count(b->items[s->item].job, &s->attempt);
    b->items[s->item].state = ITEM_PENDING;
    s->item = SIZE_MAX;
    b->free_slots[b->n_free++] = s;
}

/* Item i, not in flight (nor waiting for credentials), ends as cancelled. */
static se_status finish_cancelled(se_batch *b, size_t i) {
    if (b->items[i].state == ITEM_WAITING)
        b->n_waiting--;
    sei_diag_clear_failure(&b->items[i].job->diag);
    sei_diag_fail(&b->items[i].job->diag, "cancelled before it completed");
    return sei_engine_finish(b, i, SE_E_CANCELLED, NULL);
}

/* Everything not done ends as cancelled: in flight it may have been delivered. */
void sei_engine_cancel_all(se_batch *b) {
    b->cancelled = true;
    sei_engine_abandon_token_fetch(b);
    for (int k = 0; k < b->max_in_flight; k++) {
        sei_slot *s = &b->slots[k];
        if (s->item != SIZE_MAX && b->items[s->item].state == ITEM_RUNNING)
            abort_slot(b, s);
    }
    b->n_token_waiters = 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->items[i].state != ITEM_DONE)
            finish_cancelled(b, i);
}

se_status sei_engine_stop_waiting(se_batch *b) {
    se_status st = SE_OK;
    if (b->n_token_waiters > 0) {
        for (size_t k = 0; k < b->n_token_waiters; k++)
            b->items[b->token_waiters[k]].state = ITEM_PENDING;
        b->n_token_waiters = 0;
        b->token_blocked = false;
    }
    size_t from = b->n_waiting > 0 ? 0 : b->stopped_upto;
    for (size_t i = from; i < b->n && st == SE_OK; i++) {
        sei_item_state s = b->items[i].state;
        if (s == ITEM_PENDING || s == ITEM_WAITING)
            st = finish_cancelled(b, i);
    }
    b->stopped_upto = b->next = b->n;
    return st;
}

/* One request ends as cancelled (sei_batch_cancel_item); the others go on. */
static se_status cancel_one(se_batch *b, size_t i) {
    sei_batch_item *it = &b->items[i];
    if (it->state == ITEM_RUNNING) {
        for (int k = 0; k < b->max_in_flight; k++)
            if (b->slots[k].item == i)
                abort_slot(b, &b->slots[k]);
    } else if (it->state == ITEM_TOKEN) {
        size_t k = 0;
        while (k < b->n_token_waiters && b->token_waiters[k] != i)
            k++;
        if (k < b->n_token_waiters) {
            memmove(&b->token_waiters[k], &b->token_waiters[k + 1],
                    (b->n_token_waiters - k - 1) * sizeof *b->token_waiters);
            b->n_token_waiters--;
        }
        if (b->n_token_waiters == 0 && !b->token_in_flight)
            b->token_blocked = false; /* nobody is left to wait for another run's fetch */
        it->state = ITEM_PENDING;
    }
    return it->state == ITEM_DONE ? SE_OK : finish_cancelled(b, i);
}

/* The single cancels taken from the batch's stack (the nodes are freed);
 * indices not yet seen by this run (never added) are ignored. */
se_status sei_engine_cancel_listed(se_batch *b, sei_cancel_node *list) {
    se_status st = SE_OK;
    while (list) {
        sei_cancel_node *next = list->next;
        if (st == SE_OK && list->index < b->n)
            st = cancel_one(b, list->index);
        free(list);
        list = next;
    }
    return st;
}
