/* test_cancel_item.c - cancelling one request of a batch (sei_batch_cancel_item):
 * not started it ends cancelled with sent "no" and no attempt, in flight it is
 * aborted and ends cancelled with sent "maybe", complete it is untouched, and
 * the other requests of the batch complete normally. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch_internal.h"
#include "check.h"
#include "emu.h"
#include "internal.h"
#include "sendevent/sendevent.h"

static emu E;

static void add_event(se_batch *b, int i) {
    char req[200];
    snprintf(req, sizeof req,
             "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":\"one-%d\","
             "\"dateTime\":\"2024-04-29T09:30:53.309Z\"}}",
             i);
    CHECK_INT(se_batch_add(b, "send_event", req), SE_OK);
}

enum { N = 20 };

/* A started batch, 8 in flight, every answer 300 ms late: request 0 is
 * cancelled in flight, request 15 before it starts, request 1 after it
 * completed; the rest are answered. */
static void test_started(void) {
    se_client *c = emu_zapi_client(&E);
    emu_reset(&E);
    emu_fault(&E, "{\"provider\":\"zapi\",\"latency_ms\":300,\"fraction\":1}");
    se_batch *b = NULL;
    se_batch_new(&b, c);
    CHECK_INT(se_batch_start(b, 8), SE_OK);
    for (int i = 0; i < N; i++)
        add_event(b, i);
    CHECK_INT(sei_batch_cancel_item(b, N), SE_E_MISUSE); /* never added */
    CHECK_INT(sei_batch_cancel_item(NULL, 0), SE_E_MISUSE);
    emu_sleep(0.1);
    double cancelled_at = emu_now();
    CHECK_INT(sei_batch_cancel_item(b, 0), SE_OK);
    CHECK_INT(sei_batch_cancel_item(b, 15), SE_OK);
    se_batch_close(b);
    se_status status[N];
    se_sent sent[N];
    int attempts[N], seen = 0;
    double first_at = 0;
    while (seen < N) {
        size_t index;
        se_response *r = NULL;
        CHECK_INT(se_batch_next(b, 5, &index, &r), SE_OK);
        if (!r)
            break;
        if (seen == 0)
            first_at = emu_now();
        if (index == 1) /* complete: a cancel now changes nothing */
            CHECK_INT(sei_batch_cancel_item(b, 1), SE_OK);
        status[index] = se_response_status(r);
        sent[index] = se_response_sent(r);
        attempts[index] = se_response_attempts(r);
        se_response_free(r);
        seen++;
    }
    CHECK_INT(seen, N);
    CHECK(first_at - cancelled_at < 0.15); /* the cancels came at once, not with the answers */
    CHECK_INT(status[0], SE_E_CANCELLED);
    CHECK_INT(sent[0], SE_SENT_MAYBE);
    CHECK_INT(status[15], SE_E_CANCELLED);
    CHECK_INT(sent[15], SE_SENT_NO);
    CHECK_INT(attempts[15], 0);
    for (int i = 1; i < N; i++)
        if (i != 15) {
            CHECK_INT(status[i], SE_OK);
            CHECK_INT(sent[i], SE_SENT_YES);
        }
    emu_sleep(0.1);
    CHECK_INT(emu_count(&E, true), N - 1); /* 15 never went out */
    se_batch_free(b);
    se_client_free(c);
}

typedef struct later {
    se_batch *b;
    size_t index;
} later;

static void *cancel_later(void *arg) {
    later *k = arg;
    emu_sleep(0.1);
    sei_batch_cancel_item(k->b, k->index);
    return NULL;
}

/* se_batch_run: a cancel before the run, one from another thread during it. */
static void test_run(void) {
    se_client *c = emu_zapi_client(&E);
    emu_reset(&E);
    emu_fault(&E, "{\"provider\":\"zapi\",\"latency_ms\":300,\"fraction\":1}");
    se_batch *b = NULL;
    se_batch_new(&b, c);
    for (int i = 0; i < 6; i++)
        add_event(b, i);
    CHECK_INT(sei_batch_cancel_item(b, 2), SE_OK);
    later k = {b, 4};
    pthread_t t;
    pthread_create(&t, NULL, cancel_later, &k);
    double t0 = emu_now();
    CHECK_INT(se_batch_run(b, 8), SE_E_CANCELLED);
    pthread_join(t, NULL);
    CHECK(emu_now() - t0 < 1.0);
    CHECK_INT(se_batch_failed(b), 2);
    CHECK_INT(se_response_status(se_batch_response(b, 2)), SE_E_CANCELLED);
    CHECK_INT(se_response_sent(se_batch_response(b, 2)), SE_SENT_NO);
    CHECK_INT(se_response_status(se_batch_response(b, 4)), SE_E_CANCELLED);
    CHECK_INT(se_response_sent(se_batch_response(b, 4)), SE_SENT_MAYBE);
    for (size_t i = 0; i < 6; i++)
        if (i != 2 && i != 4)
            CHECK_INT(se_response_status(se_batch_response(b, i)), SE_OK);
    CHECK_INT(sei_batch_cancel_item(b, 0), SE_OK); /* after the run: nothing changes */
    CHECK_INT(se_response_status(se_batch_response(b, 0)), SE_OK);
    se_batch_free(b);
    se_client_free(c);
}

int main(void) {
    if (!emu_start(&E, NULL))
        return EMU_SKIP;
    test_started();
    test_run();
    emu_stop(&E);
    return se_test_summary("cancel_item");
}
