/* test_stop.c - se_batch_stop: nothing starts after it; what waited (its
 * turn, max_rate, a retry) ends cancelled with nothing sent, what was in
 * flight finishes as it would have. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "emu.h"
#include "sendevent/sendevent.h"

static emu E;

typedef struct tally {
    int ok, cancelled_no, other;
} tally;

/* Takes every response of a started, closed batch of n. */
static tally drain(se_batch *b, int n) {
    tally t = {0, 0, 0};
    for (int k = 0; k < n; k++) {
        size_t index;
        se_response *r = NULL;
        CHECK_INT(se_batch_next(b, 10, &index, &r), SE_OK);
        if (!r)
            break;
        se_status st = se_response_status(r);
        if (st == SE_OK)
            t.ok++;
        else if (st == SE_E_CANCELLED && se_response_sent(r) == SE_SENT_NO)
            t.cancelled_no++;
        else
            t.other++;
        se_response_free(r);
    }
    return t;
}

static se_batch *started(se_client *c, int n, int in_flight) {
    se_batch *b = NULL;
    se_batch_new(&b, c);
    char req[200];
    for (int i = 0; i < n; i++) {
        emu_zapi_event(req, sizeof req, "stop", i);
        se_batch_add(b, "send_event", req);
    }
    se_batch_close(b);
    CHECK_INT(se_batch_start(b, in_flight), SE_OK);
    return b;
}

static void test_in_flight_finish(void) {
    emu_reset(&E);
    emu_fault(&E, "{\"provider\":\"zapi\",\"latency_ms\":400,\"fraction\":1}");
    se_client *c = emu_zapi_client(&E);
    se_batch *b = started(c, 10, 2);
    emu_sleep(0.15); /* two in flight, answered at 0.4 s */
    CHECK_INT(se_batch_stop(b), SE_OK);
    tally t = drain(b, 10);
    CHECK_INT(t.ok, 2); /* finished as they would have, not cancelled */
    CHECK_INT(t.cancelled_no, 8);
    CHECK_INT(t.other, 0);
    CHECK_INT(emu_count_op(&E, "send_event", false), 2);
    CHECK_INT(se_batch_pending(b), 0);
    se_batch_free(b);
    se_client_free(c);
}

static void test_rate_waiters_and_later_adds(void) {
    emu_reset(&E);
    se_client *c = emu_zapi_client(&E);
    se_client_set(c, "max_rate", "10");
    se_batch *b = NULL;
    se_batch_new(&b, c);
    char req[200];
    for (int i = 0; i < 20; i++) {
        emu_zapi_event(req, sizeof req, "stop", i);
        se_batch_add(b, "send_event", req);
    }
    CHECK_INT(se_batch_start(b, 8), SE_OK);
    emu_sleep(0.25); /* three sent at 10/s, the rest waiting for the rate */
    CHECK_INT(se_batch_stop(b), SE_OK);
    emu_zapi_event(req, sizeof req, "stop", 99);
    CHECK_INT(se_batch_add(b, "send_event", req), SE_OK); /* after the stop: cancelled */
    se_batch_close(b);
    tally t = drain(b, 21);
    CHECK(t.ok >= 2 && t.ok <= 4);
    CHECK_INT(t.ok + t.cancelled_no, 21);
    CHECK_INT(emu_count_op(&E, "send_event", false), t.ok);
    se_batch_free(b);
    se_client_free(c);
}

static void test_retry_not_sent_again(void) {
    emu_reset(&E);
    se_client *c = NULL;
    se_client_new(&c, "connect");
    se_client_set(c, "base_url", E.url);
    /* the retry waits long: the server said so */
    emu_fault(&E, "{\"provider\":\"connect\",\"status\":503,\"retry_after\":\"3\",\"count\":1}");
    se_batch *b = NULL;
    se_batch_new(&b, c);
    se_batch_add(b, "send_event",
                 "{\"ConnectionToken\":\"" EMU_CONNECT_TOKEN "\",\"ContentType\":"
                 "\"application/vnd.amazonaws.connect.event.typing\",\"ClientToken\":\"stop-1\"}");
    se_batch_close(b);
    CHECK_INT(se_batch_start(b, 1), SE_OK);
    emu_sleep(0.3); /* answered 503, waiting for its retry */
    double t0 = emu_now();
    CHECK_INT(se_batch_stop(b), SE_OK);
    size_t index;
    se_response *r = NULL;
    CHECK_INT(se_batch_next(b, 10, &index, &r), SE_OK);
    CHECK(r != NULL);
    CHECK(emu_now() - t0 < 1.5); /* at once, not after the retry's wait */
    CHECK_INT(se_response_status(r), SE_E_CANCELLED);
    CHECK_INT(se_response_attempts(r), 1);
    CHECK_INT(emu_count(&E, true), 1); /* the retry never left */
    se_response_free(r);
    se_batch_free(b);
    se_client_free(c);
}

static void test_stop_before_run(void) {
    emu_reset(&E);
    se_client *c = emu_zapi_client(&E);
    se_batch *b = NULL;
    se_batch_new(&b, c);
    char req[200];
    emu_zapi_event(req, sizeof req, "stop", 0);
    se_batch_add(b, "send_event", req);
    CHECK_INT(se_batch_stop(b), SE_OK);
    CHECK_INT(se_batch_run(b, 4), SE_E_CANCELLED); /* the first failure */
    CHECK_INT(se_response_status(se_batch_response(b, 0)), SE_E_CANCELLED);
    CHECK_INT(se_response_sent(se_batch_response(b, 0)), SE_SENT_NO);
    CHECK_INT(emu_count(&E, true), 0);
    CHECK_INT(se_batch_stop(NULL), SE_E_MISUSE);
    se_batch_free(b);
    se_client_free(c);
}

int main(void) {
    if (!emu_start(&E, NULL))
        return EMU_SKIP;
    test_in_flight_finish();
    test_rate_waiters_and_later_adds();
    test_retry_not_sent_again();
    test_stop_before_run();
    emu_stop(&E);
    return se_test_summary("stop");
}
