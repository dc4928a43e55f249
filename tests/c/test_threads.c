/* test_threads.c - one client shared by many threads: every send succeeds, the
 * OAuth token is fetched once (one shared refresh), and after an expiry the
 * threads share one refresh again. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "emu.h"
#include "sendevent/sendevent.h"

#define THREADS 8
#define SENDS 40

static emu E;
static int failures[THREADS];

static void *worker(void *arg) {
    se_client *c = ((void **)arg)[0];
    int idx = (int)(long)((void **)arg)[1];
    for (int i = 0; i < SENDS; i++) {
        se_response *r = NULL;
        se_status st = se_send(c, "send_event",
                               "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},"
                               "\"event\":{\"composing_event\":{}}}",
                               &r);
        if (st != SE_OK || !se_response_id(r)) {
            fprintf(stderr, "thread %d send %d: %s\n", idx, i, se_client_errmsg(c));
            failures[idx]++;
        }
        se_response_free(r);
    }
    return NULL;
}

static void run_threads(se_client *c) {
    pthread_t t[THREADS];
    void *args[THREADS][2];
    for (long i = 0; i < THREADS; i++) {
        args[i][0] = c;
        args[i][1] = (void *)i;
        failures[i] = 0;
        CHECK_INT(pthread_create(&t[i], NULL, worker, args[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK_INT(failures[i], 0);
    }
}

int main(void) {
    /* The counts below are exact (one attempt per send): without Sinch's 800/s per project,
     * which eight threads exceed (a throttled send is retried and logged twice). */
    static const char *const unlimited[] = {"--sinch-rate", "0", NULL};
    if (!emu_start(&E, unlimited))
        return EMU_SKIP;
    char auth_url[300];
    snprintf(auth_url, sizeof auth_url, "%s/oauth2/token", E.url);
    se_client *c = NULL;
    CHECK_INT(se_client_new(&c, "sinch"), SE_OK);
    se_client_set(c, "base_url", E.url);
    se_client_set(c, "auth_url", auth_url);
    se_client_set(c, "project_id", "P");
    se_client_set(c, "key_id", EMU_SINCH_KEY_ID);
    se_client_set(c, "key_secret", EMU_SINCH_KEY_SECRET);

    run_threads(c);
    CHECK_INT(emu_count_op(&E, "send_event", true), THREADS * SENDS);
    CHECK_INT(emu_count_op(&E, "oauth_token", true), 1);

    /* every issued token expires: the threads that hit the 401 share one refresh */
    emu_fault(&E, "{\"provider\":\"sinch\",\"action\":\"expire_token\"}");
    run_threads(c);
    CHECK_INT(emu_count_op(&E, "oauth_token", true), 2);

    se_client_free(c);
    emu_stop(&E);
    return se_test_summary("threads");
}
