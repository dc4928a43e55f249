/* test_batch_driven.c - a batch driven by the caller's loop (se_batch_attach,
 * se_batch_step): poll() on se_batch_fd and the step's timeout, nothing else,
 * against the emulator. Many requests in completion order, adds from another
 * thread, cancellation (whole, single, the client's), a deadline, a retry
 * woken only by the timeout, Sinch credentials fetched on the batch's multi,
 * max_rate spacing, stop, the rules (misuse, free mid-run, a forked child). */
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch_internal.h"
#include "check.h"
#include "emu.h"
#include "sendevent/sendevent.h"

static emu E;

enum { MAXN = 256 };

/* What the loop took, in the order se_batch_next handed it out. */
typedef struct got {
    size_t index[MAXN];
    se_status status[MAXN];
    se_sent sent[MAXN];
    int attempts[MAXN];
    double at[MAXN]; /* seconds since the drive began */
    int n, steps;
    double max_timeout;   /* the longest next_timeout a step gave */
    double retry_timeout; /* the last timeout between 0.3 and 1.5 s a step gave: a retry's */
} got;

static void take(se_batch *b, got *g, double t0) {
    for (;;) {
        size_t index;
        se_response *r = NULL;
        CHECK_INT(se_batch_next(b, 1, &index, &r), SE_OK); /* never waits: driven */
        if (!r)
            return;
        if (g->n < MAXN) {
            g->index[g->n] = index;
            g->status[g->n] = se_response_status(r);
            g->sent[g->n] = se_response_sent(r);
            g->attempts[g->n] = se_response_attempts(r);
            g->at[g->n] = emu_now() - t0;
            g->n++;
        }
        se_response_free(r);
    }
}

/* The loop: step, take, poll the descriptor for as long as the step said
 * (never longer than what is left of `limit` seconds), until `want` responses
 * were taken. */
static void drive(se_batch *b, got *g, int want, double limit) {
    double t0 = emu_now(), timeout = -1;
    struct pollfd p = {se_batch_fd(b), POLLIN, 0};
    CHECK(p.fd >= 0);
    for (;;) {
        CHECK_INT(se_batch_step(b, &timeout), SE_OK);
        g->steps++;
        if (timeout > g->max_timeout)
            g->max_timeout = timeout;
        if (timeout >= 0.3 && timeout <= 1.5)
            g->retry_timeout = timeout;
        take(b, g, t0);
        double left = limit - (emu_now() - t0);
        if (g->n >= want || left <= 0)
            return;
        double wait = timeout < 0 || timeout > left ? left : timeout;
        poll(&p, 1, (int)(wait * 1000) + 1);
    }
}

static se_batch *attached(se_client *c, int n, int in_flight, const char *tag) {
    se_batch *b = NULL;
    se_batch_new(&b, c);
    char req[200];
    for (int i = 0; i < n; i++) {
        emu_zapi_event(req, sizeof req, tag, i);
        CHECK_INT(se_batch_add(b, "send_event", req), SE_OK);
    }
    CHECK_INT(se_batch_attach(b, in_flight), SE_OK);
    return b;
}

static int count_status(const got *g, se_status st, se_sent sent) {
    int k = 0;
    for (int i = 0; i < g->n; i++)
        k += g->status[i] == st && g->sent[i] == sent;
    return k;
}

/* The index of the request the emulator answered late (the latency fault hits
 * whichever arrives first: with 8 in flight, not always the first added), or -1. */
static int late_index(const char *tag) {
    cJSON *list = emu_requests(&E, true);
    int late = -1;
    const cJSON *q;
    cJSON_ArrayForEach(q, list) {
        const char *fault = cJSON_GetStringValue(cJSON_GetObjectItem(q, "fault"));
        const cJSON *event = cJSON_GetObjectItem(cJSON_GetObjectItem(q, "body"), "event");
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(event, "name"));
        size_t n = strlen(tag);
        if (fault && !strcmp(fault, "latency") && name && !strncmp(name, tag, n) && name[n] == '-')
            late = atoi(name + n + 1);
    }
    cJSON_Delete(list);
    return late;
}

/* 100 requests, 8 in flight; one answered 300 ms late, so it is handed out
 * last: completion order, not input order. The loop sleeps in poll while
 * it waits (a step per wake, not a spin). */
static void test_many(void) {
    emu_reset(&E);
    emu_fault(&E, "{\"provider\":\"zapi\",\"latency_ms\":300,\"count\":1}");
    se_client *c = emu_zapi_client(&E);
    enum { N = 100 };
    se_batch *b = attached(c, N, 8, "many");
    CHECK_INT(se_batch_size(b), N);
    se_batch_close(b);
    got g = {0};
    drive(b, &g, N, 5);
    CHECK_INT(g.n, N);
    CHECK_INT(count_status(&g, SE_OK, SE_SENT_YES), N);
    CHECK_INT(g.index[N - 1], late_index("many"));
    CHECK(g.at[N - 1] >= 0.25);
    int seen[N] = {0};
    for (int i = 0; i < g.n; i++)
        seen[g.index[i] < N ? g.index[i] : 0]++;
    for (int i = 0; i < N; i++)
        CHECK_INT(seen[i], 1);
    CHECK(g.steps < 2 * N + 20); /* a spin during the 300 ms would take thousands */
    CHECK_INT(se_batch_pending(b), 0);
    double timeout = 0;
    CHECK_INT(se_batch_step(b, &timeout), SE_OK); /* over: nothing to do, no timeout */
    CHECK(timeout < 0);
    CHECK_INT(emu_count_op(&E, "send_event", false), N);
    se_batch_free(b);
    se_client_free(c);
}

typedef struct adder {
    se_batch *b;
    int n, ok; /* counted here: the checks' counters belong to the main thread */
} adder;

static void *add_slowly(void *arg) {
    adder *a = arg;
    char req[200];
    for (int i = 0; i < a->n; i++) {
        emu_zapi_event(req, sizeof req, "thread", i);
        a->ok += se_batch_add(a->b, "send_event", req) == SE_OK;
        if (i % 5 == 4)
            emu_sleep(0.02);
    }
    return NULL;
}

/* Adds from another thread wake the loop through the descriptor; adds from
 * the attaching thread are taken by the step that follows them. */
static void test_adds(void) {
    emu_reset(&E);
    se_client *c = emu_zapi_client(&E);
    se_batch *b = attached(c, 0, 4, "adds");
    double timeout = 0;
    CHECK_INT(se_batch_step(b, &timeout), SE_OK);
    CHECK(timeout < 0); /* nothing to do, nothing due */
    adder a = {b, 30, 0};
    pthread_t t;
    pthread_create(&t, NULL, add_slowly, &a);
    got g = {0};
    drive(b, &g, 30, 5);
    pthread_join(t, NULL);
    CHECK_INT(a.ok, 30);
    CHECK_INT(g.n, 30);
    CHECK_INT(count_status(&g, SE_OK, SE_SENT_YES), 30);
    char req[200];
    emu_zapi_event(req, sizeof req, "own", 0);
    CHECK_INT(se_batch_add(b, "send_event", req), SE_OK); /* this thread: no ring */
    CHECK_INT(se_batch_add(b, "send_event", "{\"phone\":1}"), SE_E_INVALID);
    se_batch_close(b);
    drive(b, &g, 32, 5);
    CHECK_INT(g.n, 32);
    CHECK_INT(count_status(&g, SE_E_INVALID, SE_SENT_NO), 1);
    CHECK_INT(se_batch_pending(b), 0);
    CHECK_INT(emu_count_op(&E, "send_event", false), 31);
    CHECK_INT(se_batch_add(b, "send_event", req), SE_E_MISUSE); /* closed */
    se_batch_free(b);
    se_client_free(c);
}

/* Single cancels while the others go on, then the whole batch; then a
 * client's cancel ending another driven batch. */
static void test_cancel(void) {
    emu_reset(&E);
    emu_fault(&E, "{\"provider\":\"zapi\",\"latency_ms\":400,\"fraction\":1}");
    se_client *c = emu_zapi_client(&E);
    se_batch *b = attached(c, 10, 4, "cancel");
    got g = {0};
    drive(b, &g, 1, 0.15); /* four in flight, waiting for their answers */
    CHECK_INT(g.n, 0);
    CHECK_INT(sei_batch_cancel_item(b, 1), SE_OK); /* in flight */
    CHECK_INT(sei_batch_cancel_item(b, 8), SE_OK); /* not started */
    drive(b, &g, 2, 0.15);
    CHECK_INT(g.n, 2); /* at once, not with the answers */
    CHECK_INT(count_status(&g, SE_E_CANCELLED, SE_SENT_MAYBE), 1);
    CHECK_INT(count_status(&g, SE_E_CANCELLED, SE_SENT_NO), 1);
    drive(b, &g, 6, 2); /* 0, 2, 3 answered, then 4: the one that took 1's slot started */
    CHECK(count_status(&g, SE_OK, SE_SENT_YES) >= 4);
    int ok_before = count_status(&g, SE_OK, SE_SENT_YES);
    double t0 = emu_now();
    CHECK_INT(se_batch_cancel(b), SE_OK);
    drive(b, &g, 10, 2);
    CHECK(emu_now() - t0 < 0.2);
    CHECK_INT(g.n, 10);
    CHECK_INT(count_status(&g, SE_OK, SE_SENT_YES), ok_before);
    CHECK_INT(se_batch_pending(b), 0);
    se_batch_free(b);

    b = attached(c, 3, 4, "client-cancel");
    got h = {0};
    drive(b, &h, 1, 0.1);
    CHECK_INT(se_client_cancel(c), SE_OK);
    drive(b, &h, 3, 0.3);
    CHECK_INT(h.n, 3);
    CHECK_INT(count_status(&h, SE_E_CANCELLED, SE_SENT_MAYBE), 3);
    se_batch_free(b);
    se_client_free(c);
}

/* A deadline, and a retry whose only wake is the step's timeout. */
static void test_deadline_and_retry(void) {
    emu_reset(&E);
    emu_fault(&E, "{\"provider\":\"zapi\",\"action\":\"hang\",\"count\":1}");
    se_client *c = emu_zapi_client(&E);
    se_batch *b = NULL;
    se_batch_new(&b, c);
    char req[200];
    emu_zapi_event(req, sizeof req, "deadline", 0);
    CHECK_INT(se_batch_add_within(b, "send_event", req, 0.3), SE_OK);
    CHECK_INT(se_batch_attach(b, 2), SE_OK);
    se_batch_close(b);
    got g = {0};
    drive(b, &g, 1, 3);
    CHECK_INT(g.n, 1);
    CHECK_INT(g.status[0], SE_E_TIMEOUT);
    CHECK(g.at[0] >= 0.25 && g.at[0] < 1.0);
    se_batch_free(b);

    emu_reset(&E);
    emu_fault(&E, "{\"provider\":\"zapi\",\"status\":429,\"retry_after\":\"1\",\"count\":1}");
    b = attached(c, 1, 2, "retry");
    se_batch_close(b);
    got h = {0};
    drive(b, &h, 1, 4);
    CHECK_INT(h.n, 1);
    CHECK_INT(h.status[0], SE_OK);
    CHECK_INT(h.attempts[0], 2);
    CHECK(h.at[0] >= 0.9 && h.at[0] < 2.0);
    CHECK(h.retry_timeout >= 0.8 && h.retry_timeout <= 1.1); /* the retry's due time */
    CHECK(h.steps < 20);
    se_batch_free(b);
    se_client_free(c);
}

/* Sinch: the OAuth token is fetched once, on the batch's own multi, while
 * the sends wait for it. */
static void test_sinch(void) {
    emu_reset(&E);
    se_client *c = NULL;
    se_client_new(&c, "sinch");
    se_client_set(c, "base_url", E.url);
    char auth_url[300];
    snprintf(auth_url, sizeof auth_url, "%s/oauth2/token", E.url);
    se_client_set(c, "auth_url", auth_url);
    se_client_set(c, "project_id", "p1");
    se_client_set(c, "key_id", EMU_SINCH_KEY_ID);
    se_client_set(c, "key_secret", EMU_SINCH_KEY_SECRET);
    se_batch *b = NULL;
    se_batch_new(&b, c);
    const char *req = "{\"app_id\":\"A1\",\"recipient\":{\"contact_id\":\"C1\"},"
                      "\"event\":{\"composing_event\":{}}}";
    for (int i = 0; i < 6; i++)
        CHECK_INT(se_batch_add(b, "send_event", req), SE_OK);
    CHECK_INT(se_batch_attach(b, 4), SE_OK);
    se_batch_close(b);
    got g = {0};
    drive(b, &g, 6, 5);
    CHECK_INT(g.n, 6);
    CHECK_INT(count_status(&g, SE_OK, SE_SENT_YES), 6);
    CHECK_INT(emu_count_op(&E, "oauth_token", false), 1);
    CHECK_INT(emu_count_op(&E, "send_event", false), 6);
    se_batch_free(b);
    se_client_free(c);
}

/* max_rate 20/s: eight slots free, yet the sends are spaced by the limiter,
 * whose due time is the step's timeout. */
static void test_max_rate(void) {
    emu_reset(&E);
    se_client *c = emu_zapi_client(&E);
    se_client_set(c, "max_rate", "20");
    se_batch *b = attached(c, 9, 8, "rate");
    se_batch_close(b);
    got g = {0};
    drive(b, &g, 9, 5);
    CHECK_INT(g.n, 9);
    CHECK_INT(count_status(&g, SE_OK, SE_SENT_YES), 9);
    CHECK(g.at[8] - g.at[0] >= 0.35); /* 8 intervals of 50 ms */
    int close_pairs = 0;
    for (int k = 1; k < g.n; k++)
        close_pairs += g.at[k] - g.at[k - 1] < 0.02;
    CHECK(close_pairs <= 2);
    CHECK(g.steps < 100);
    se_batch_free(b);
    se_client_free(c);
}

/* se_batch_stop: in flight finishes, the rest ends cancelled, not sent. */
static void test_stop(void) {
    emu_reset(&E);
    emu_fault(&E, "{\"provider\":\"zapi\",\"latency_ms\":300,\"fraction\":1}");
    se_client *c = emu_zapi_client(&E);
    se_batch *b = attached(c, 10, 2, "stop");
    got g = {0};
    drive(b, &g, 1, 0.1);
    CHECK_INT(se_batch_stop(b), SE_OK);
    se_batch_close(b);
    drive(b, &g, 10, 3);
    CHECK_INT(g.n, 10);
    CHECK_INT(count_status(&g, SE_OK, SE_SENT_YES), 2);
    CHECK_INT(count_status(&g, SE_E_CANCELLED, SE_SENT_NO), 8);
    CHECK_INT(emu_count_op(&E, "send_event", false), 2);
    se_batch_free(b);
    se_client_free(c);
}

/* Misuse, a batch freed with requests in flight, a forked child. */
static void test_rules(void) {
    emu_reset(&E);
    emu_fault(&E, "{\"provider\":\"zapi\",\"latency_ms\":300,\"fraction\":1}");
    se_client *c = emu_zapi_client(&E);
    double timeout = 5;
    CHECK_INT(se_batch_step(NULL, &timeout), SE_E_MISUSE);
    CHECK(timeout < 0);
    CHECK_INT(se_batch_attach(NULL, 4), SE_E_MISUSE);
    se_batch *b = NULL;
    se_batch_new(&b, c);
    CHECK_INT(se_batch_step(b, NULL), SE_E_MISUSE); /* not attached */
    CHECK_INT(se_batch_attach(b, 0), SE_E_MISUSE);
    CHECK_INT(se_batch_attach(b, 3), SE_OK);
    CHECK_INT(se_batch_attach(b, 3), SE_E_MISUSE);
    CHECK_INT(se_batch_start(b, 3), SE_E_MISUSE);
    CHECK_INT(se_batch_run(b, 3), SE_E_MISUSE);
    char req[200];
    for (int i = 0; i < 3; i++) {
        emu_zapi_event(req, sizeof req, "rules", i);
        CHECK_INT(se_batch_add(b, "send_event", req), SE_OK);
    }
    got g = {0};
    drive(b, &g, 1, 0.1); /* three in flight */
    pid_t pid = fork();
    if (pid == 0) { /* the parent's batch: not usable here, left alone by free */
        int bad = se_batch_step(b, NULL) != SE_E_MISUSE ||
                  se_batch_add(b, "send_event", req) != SE_E_MISUSE;
        size_t index;
        se_response *r = NULL;
        bad |= se_batch_next(b, 0, &index, &r) != SE_E_MISUSE;
        se_batch_free(b);
        _exit(bad);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    drive(b, &g, 1, 0.05); /* the parent's batch goes on */
    double t0 = emu_now();
    se_batch_free(b); /* in flight: cancelled and ended at once */
    CHECK(emu_now() - t0 < 0.2);
    se_client_free(c);
}

int main(void) {
    if (!emu_start(&E, NULL))
        return EMU_SKIP;
    test_many();
    test_adds();
    test_cancel();
    test_deadline_and_retry();
    test_sinch();
    test_max_rate();
    test_stop();
    test_rules();
    emu_stop(&E);
    return se_test_summary("batch_driven");
}
