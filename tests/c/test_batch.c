/* test_batch.c - se_batch: results in input order, invalid requests never sent,
 * one failure does not stop the others, retries inside a batch, ownership. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "emu.h"
#include "internal.h"
#include "sendevent/sendevent.h"

static emu E;

typedef struct taken_set {
    se_response **r;
    int n, with_id;
} taken_set;

/* Reads and frees responses taken from a batch that is gone (another thread). */
static void *read_and_free(void *arg) {
    taken_set *t = arg;
    for (int i = 0; i < t->n; i++) {
        char *id = NULL;
        if (se_response_get(t->r[i], "messageId", &id) == SE_OK && id && se_response_id(t->r[i]) &&
            strstr(id, se_response_id(t->r[i])))
            t->with_id++;
        se_free(id);
        se_response_free(t->r[i]);
    }
    return NULL;
}

/* A batch large enough for several memory blocks: every response right, and
 * the taken ones outlive the batch, read and freed on another thread. */
static void test_large_batch(se_client *c) {
    emu_reset(&E);
    se_batch *b = NULL;
    CHECK_INT(se_batch_new(&b, c), SE_OK);
    enum { N = 2500 };
    for (int i = 0; i < N; i++) {
        char req[200];
        snprintf(req, sizeof req,
                 "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":\"big%d\","
                 "\"dateTime\":\"2024-04-29T09:30:53.309Z\"}}",
                 i);
        CHECK_INT(se_batch_add(b, "send_event", req), SE_OK);
    }
    CHECK_INT(se_batch_run(b, 32), SE_OK);
    CHECK_INT(emu_count(&E, false), N);
    static se_response *taken[N / 2];
    int ids = 0;
    for (int i = 0; i < N; i++) {
        const se_response *r = se_batch_response(b, (size_t)i);
        CHECK(r && se_response_status(r) == SE_OK && se_response_id(r));
        ids += r && se_response_id(r) && se_response_get_string(r, "messageId") &&
               !strcmp(se_response_get_string(r, "messageId"), se_response_id(r));
        if (i % 2)
            CHECK_INT(se_batch_take(b, (size_t)i, &taken[i / 2]), SE_OK);
    }
    CHECK_INT(ids, N);
    se_batch_free(b);
    taken_set t = {taken, N / 2, 0};
    pthread_t th;
    CHECK_INT(pthread_create(&th, NULL, read_and_free, &t), 0);
    pthread_join(th, NULL);
    CHECK_INT(t.with_id, N / 2);
}

int main(void) {
    if (!emu_start(&E, NULL))
        return EMU_SKIP;
    se_client *c = NULL;
    CHECK_INT(se_client_new(&c, "zapi"), SE_OK);
    se_client_set(c, "base_url", E.url);
    se_client_set(c, "instance_id", EMU_ZAPI_INSTANCE);
    se_client_set(c, "token", EMU_ZAPI_TOKEN);
    se_client_set(c, "client_token", EMU_ZAPI_CLIENT_TOKEN);

    /* 40 requests: every 7th invalid; the emulator rejects the next 3 it gets */
    emu_fault(&E,
              "{\"provider\":\"zapi\",\"status\":400,\"count\":3,\"body\":{\"error\":\"nope\"}}");
    se_batch *b = NULL;
    CHECK_INT(se_batch_new(&b, c), SE_OK);
    int invalid = 0;
    for (int i = 0; i < 40; i++) {
        char req[300];
        if (i % 7 == 3) {
            snprintf(req, sizeof req, "{\"phone\":\"not a phone\",\"event\":{\"name\":\"n%d\"}}",
                     i);
            CHECK_INT(se_batch_add(b, "send_event", req), SE_E_INVALID);
            CHECK_HAS(se_client_errmsg(c), "phone");
            invalid++;
        } else {
            snprintf(req, sizeof req,
                     "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":\"n%d\","
                     "\"dateTime\":\"2024-04-29T09:30:53.309Z\"}}",
                     i);
            CHECK_INT(se_batch_add(b, "send_event", req), SE_OK);
        }
    }
    CHECK_INT(se_batch_size(b), 40);
    CHECK(se_batch_response(b, 0) == NULL); /* not run yet */
    CHECK(se_batch_response(b, 3) != NULL); /* invalid: answered at once */
    se_status st = se_batch_run(b, 8);
    CHECK(st != SE_OK);
    CHECK_INT(se_batch_failed(b), invalid + 3);
    CHECK_INT(se_batch_run(b, 8), SE_E_MISUSE); /* a batch runs once */
    CHECK_INT(se_batch_add(b, "send_event", "{}"), SE_E_MISUSE);

    /* order: each response belongs to its request (the emulator kept the names) */
    cJSON *list = emu_requests(&E, false);
    CHECK_INT(cJSON_GetArraySize(list), 40 - invalid - 3);
    int ok = 0, rejected = 0;
    for (int i = 0; i < 40; i++) {
        const se_response *r = se_batch_response(b, (size_t)i);
        CHECK(r != NULL);
        if (i % 7 == 3) {
            CHECK_INT(se_response_status(r), SE_E_INVALID);
            CHECK_INT(se_response_attempts(r), 0);
            continue;
        }
        if (se_response_status(r) == SE_E_REJECTED) {
            CHECK_STR(se_response_error_message(r), "nope");
            rejected++;
            continue;
        }
        CHECK_INT(se_response_status(r), SE_OK);
        ok++;
        /* find the recorded request with this response's id... the emulator records
         * the body, the response the id: match through the event name */
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        const cJSON *it;
        int found = 0;
        cJSON_ArrayForEach(it, list) {
            const cJSON *ev = cJSON_GetObjectItem(cJSON_GetObjectItem(it, "body"), "event");
            if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(ev, "name")), name))
                found++;
        }
        CHECK_INT(found, 1);
    }
    CHECK_INT(ok, 40 - invalid - 3);
    CHECK_INT(rejected, 3);
    cJSON_Delete(list);

    se_response *taken = NULL;
    CHECK_INT(se_batch_take(b, 0, &taken), SE_OK);
    CHECK(taken != NULL && se_batch_response(b, 0) == NULL);
    se_response *again = taken;
    CHECK_INT(se_batch_take(b, 0, &again), SE_E_MISUSE);
    CHECK(again == NULL);
    CHECK_INT(se_batch_take(b, 99, &again), SE_E_MISUSE);
    se_batch_free(b);
    CHECK(se_response_http_status(taken) != 0); /* outlives its batch */
    se_response_free(taken);
    test_large_batch(c);
    se_client_free(c);

    /* Connect in a batch: a 503 is retried with backoff, the rest unaffected */
    emu_reset(&E);
    CHECK_INT(se_client_new(&c, "connect"), SE_OK);
    se_client_set(c, "base_url", E.url);
    se_client_set(c, "retry_base_delay", "0.01");
    emu_fault(&E, "{\"provider\":\"connect\",\"status\":503,\"count\":2}");
    CHECK_INT(se_batch_new(&b, c), SE_OK);
    for (int i = 0; i < 10; i++)
        CHECK_INT(se_batch_add(b, "send_event",
                               "{\"ConnectionToken\":\"" EMU_CONNECT_TOKEN "\",\"ContentType\":"
                               "\"application/vnd.amazonaws.connect.event.typing\"}"),
                  SE_OK);
    CHECK_INT(se_batch_run(b, 4), SE_OK);
    CHECK_INT(se_batch_failed(b), 0);
    int attempts = 0;
    for (int i = 0; i < 10; i++)
        attempts += se_response_attempts(se_batch_response(b, (size_t)i));
    CHECK_INT(attempts, 12);
    CHECK_INT(emu_count(&E, false), 10);
    se_batch_free(b);
    se_client_free(c);

    /* one in flight, 30 requests: each starts as soon as the previous one is done
     * (a batch that idled between them would take 100 ms per request) */
    emu_reset(&E);
    CHECK_INT(se_client_new(&c, "connect"), SE_OK);
    se_client_set(c, "base_url", E.url);
    CHECK_INT(se_batch_new(&b, c), SE_OK);
    for (int i = 0; i < 30; i++)
        se_batch_add(b, "send_event",
                     "{\"ConnectionToken\":\"" EMU_CONNECT_TOKEN "\",\"ContentType\":"
                     "\"application/vnd.amazonaws.connect.event.typing\"}");
    double t0 = sei_now();
    CHECK_INT(se_batch_run(b, 1), SE_OK);
    double took = sei_now() - t0;
    CHECK(took < 1.5); /* 30 sends on loopback; the stall alone would be 3 s */
    se_batch_free(b);
    se_client_free(c);

    emu_stop(&E);
    return se_test_summary("batch");
}
