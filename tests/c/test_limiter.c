/* test_limiter.c - max_rate and max_burst: the limiter's arithmetic (spacing,
 * burst, the cut on 429 and its recovery) and the engine honouring it in
 * batches, streaming batches and single sends from many threads. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "emu.h"
#include "internal.h"
#include "sendevent/sendevent.h"

static emu E;

/* ---- the arithmetic ------------------------------------------------------------------ */

static void test_spacing_and_burst(void) {
    sei_limiter l;
    sei_limiter_init(&l);
    CHECK(sei_limiter_take(&l, 10, 1, 100.0) == 0);
    double wait = sei_limiter_take(&l, 10, 1, 100.0);
    CHECK(wait > 0.099 && wait < 0.101); /* the next one 1/10 s later */
    CHECK(sei_limiter_take(&l, 10, 1, 100.05) > 0.049);
    CHECK(sei_limiter_take(&l, 10, 1, 100.1) == 0);
    /* a request started 1 ms late does not push back the next one */
    CHECK(sei_limiter_take(&l, 10, 1, 100.201) == 0);
    wait = sei_limiter_take(&l, 10, 1, 100.201);
    CHECK(wait > 0.098 && wait < 0.1);
    /* after a quiet time, max_burst go at once, then the spacing again */
    int at_once = 0;
    while (sei_limiter_take(&l, 10, 5, 200.0) == 0 && at_once < 100)
        at_once++;
    CHECK_INT(at_once, 5);
    CHECK(sei_limiter_take(&l, 10, 5, 200.1) == 0);
    CHECK(sei_limiter_take(&l, 10, 5, 200.1) > 0);
    /* quiet for long: no credit beyond the burst is kept */
    at_once = 0;
    while (sei_limiter_take(&l, 10, 1, 300.0) == 0 && at_once < 100)
        at_once++;
    CHECK_INT(at_once, 1);
    sei_limiter_destroy(&l);
}

static void test_cut_and_recovery(void) {
    sei_limiter l;
    sei_limiter_init(&l);
    CHECK(sei_limiter_rate(&l, 100, 10) == 100);
    sei_limiter_throttled(&l, 100, 9.9, 10.0);
    CHECK(sei_limiter_rate(&l, 100, 10.0) == 50);
    /* answers to requests sent before the cut do not cut again */
    sei_limiter_throttled(&l, 100, 9.95, 10.01);
    sei_limiter_throttled(&l, 100, 9.99, 10.02);
    CHECK(sei_limiter_rate(&l, 100, 10.02) > 50 && sei_limiter_rate(&l, 100, 10.02) < 51);
    /* one sent after it does */
    sei_limiter_throttled(&l, 100, 10.5, 11.0);
    double r = sei_limiter_rate(&l, 100, 11.0);
    CHECK(r > 29 && r < 31); /* (50 + 10) / 2 */
    /* the spacing follows the cut rate */
    CHECK(sei_limiter_take(&l, 100, 1, 11.0) == 0);
    double wait = sei_limiter_take(&l, 100, 1, 11.0);
    CHECK(wait > 1.0 / 31 && wait < 1.0 / 29);
    /* it grows back by a tenth of max_rate per second, never above it */
    r = sei_limiter_rate(&l, 100, 13.0);
    CHECK(r > 49 && r < 51);
    CHECK(sei_limiter_rate(&l, 100, 30.0) == 100);
    /* never below a sixty-fourth */
    for (int i = 0; i < 20; i++)
        sei_limiter_throttled(&l, 100, 40.0 + i * 1e-4, 40.0 + i * 1e-4);
    r = sei_limiter_rate(&l, 100, 40.002);
    CHECK(r >= 100.0 / 64 && r < 2);
    sei_limiter_destroy(&l);
}

static void test_options(void) {
    se_client *c = emu_zapi_client(&E);
    CHECK_INT(se_client_set(c, "max_rate", "-1"), SE_E_INVALID);
    CHECK(strstr(se_client_errmsg(c), "max_rate"));
    CHECK_INT(se_client_set(c, "max_rate", "fast"), SE_E_INVALID);
    CHECK(strstr(se_client_errmsg(c), "must be a number"));
    CHECK_INT(se_client_set(c, "max_burst", "0"), SE_E_INVALID);
    CHECK_INT(se_client_set(c, "max_burst", "2.5"), SE_E_INVALID);
    CHECK_INT(se_client_set(c, "max_rate", "0.5"), SE_OK);
    CHECK_INT(se_client_set(c, "max_burst", "3"), SE_OK);
    se_client_free(c);
}

/* ---- the engine ---------------------------------------------------------------------- */

/* Times at which the responses of a streaming batch of n came back. */
static void stream_times(se_client *c, int n, double *times) {
    se_batch *b = NULL;
    se_batch_new(&b, c);
    char req[200];
    for (int i = 0; i < n; i++) {
        emu_zapi_event(req, sizeof req, "rate", i);
        se_batch_add(b, "send_event", req);
    }
    se_batch_close(b);
    double t0 = emu_now();
    CHECK_INT(se_batch_start(b, 8), SE_OK);
    for (int k = 0; k < n; k++) {
        size_t index = 0;
        se_response *r = NULL;
        CHECK_INT(se_batch_next(b, 10, &index, &r), SE_OK);
        if (!r)
            break;
        CHECK_INT(se_response_status(r), SE_OK);
        times[k] = emu_now() - t0;
        se_response_free(r);
    }
    se_batch_free(b);
}

static void test_batch_is_spaced(void) {
    emu_reset(&E);
    se_client *c = emu_zapi_client(&E);
    se_client_set(c, "max_rate", "40");
    enum { N = 21 };
    double t[N];
    memset(t, 0, sizeof t);
    stream_times(c, N, t);
    CHECK_INT(emu_count_op(&E, "send_event", false), N);
    /* 20 intervals of 25 ms, 8 slots free all the time: spaced, not bursting */
    CHECK(t[N - 1] >= 0.45);
    int close_pairs = 0;
    for (int k = 1; k < N; k++)
        close_pairs += t[k] - t[k - 1] < 0.010;
    CHECK(close_pairs <= 2); /* an answer may come late, then the next one close to it */

    /* max_burst: after a quiet time five go at once, then the spacing */
    emu_sleep(0.3);
    se_client_set(c, "max_rate", "5");
    se_client_set(c, "max_burst", "5");
    double u[7];
    stream_times(c, 7, u);
    CHECK(u[4] < 0.15);
    CHECK(u[5] >= 0.15); /* the sixth waits its 1/5 s */
    CHECK(u[6] >= 0.35);
    se_client_free(c);
}

static void test_threads_share_the_rate(void) {
    emu_reset(&E);
    se_client *c = emu_zapi_client(&E);
    se_client_set(c, "max_rate", "50");
    emu_sender s[4];
    pthread_t t[4];
    double t0 = emu_now();
    for (int i = 0; i < 4; i++) {
        s[i] = (emu_sender){c, 6, 0};
        pthread_create(&t[i], NULL, emu_sender_run, &s[i]);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    double took = emu_now() - t0;
    CHECK_INT(s[0].ok + s[1].ok + s[2].ok + s[3].ok, 24);
    CHECK(took >= 23 * 0.02 * 0.95); /* 24 sends at 50/s in all, not 50/s per thread */
    se_client_free(c);
}

static void test_429_cuts_the_rate(void) {
    emu_reset(&E);
    se_client *c = emu_zapi_client(&E);
    se_client_set(c, "max_rate", "200");
    se_client_set(c, "retry_base_delay", "0.01");
    emu_fault(&E, "{\"provider\":\"zapi\",\"status\":429,\"count\":1}");
    se_batch *b = NULL;
    se_batch_new(&b, c);
    char req[200];
    for (int i = 0; i < 10; i++) {
        emu_zapi_event(req, sizeof req, "rate", i);
        se_batch_add(b, "send_event", req);
    }
    CHECK_INT(se_batch_run(b, 4), SE_OK);
    for (size_t i = 0; i < 10; i++)
        CHECK_INT(se_response_status(se_batch_response(b, i)), SE_OK);
    double now = sei_now(), r = sei_limiter_rate(&c->limiter, 200, now);
    CHECK(r < 200 && r >= 100); /* cut once to 100, growing back since */
    se_batch_free(b);

    /* with the limiter off a 429 leaves no trace */
    se_client_set(c, "max_rate", "0");
    sei_limiter_destroy(&c->limiter);
    sei_limiter_init(&c->limiter);
    emu_fault(&E, "{\"provider\":\"zapi\",\"status\":429,\"count\":1}");
    se_response *resp = NULL;
    emu_zapi_event(req, sizeof req, "rate", 99);
    se_send(c, "send_event", req, &resp);
    CHECK_INT(se_response_status(resp), SE_OK);
    CHECK(c->limiter.cut_rate == 0);
    se_response_free(resp);
    se_client_free(c);
}

int main(void) {
    test_spacing_and_burst();
    test_cut_and_recovery();
    if (!emu_start(&E, NULL))
        return EMU_SKIP;
    test_options();
    test_batch_is_spaced();
    test_threads_share_the_rate();
    test_429_cuts_the_rate();
    emu_stop(&E);
    return se_test_summary("limiter");
}
