/* test_engine_faults.c - the delivery engine against faulty servers: no
 * hidden re-sends (answers dropped on reused connections, Connect's
 * ClientToken, CreateParticipantConnection), thousands of sends under a mix of
 * every fault, keep-alive connections the server closes when idle, and a slow
 * token endpoint inside a batch. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "emu.h"
#include "engine_support.h"
#include "sendevent/sendevent.h"

/* ---- no hidden re-sends ----------------------------------------------------------------- */

/* Requests the server read (all) and accepted whose body names `marker`. */
static void count_marker(const cJSON *records, const char *marker, int *all, int *accepted) {
    *all = *accepted = 0;
    const cJSON *rec;
    cJSON_ArrayForEach(rec, records) {
        const char *raw = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "body_raw"));
        char quoted[80];
        snprintf(quoted, sizeof quoted, "\"%s\"", marker);
        if (!raw || !strstr(raw, quoted))
            continue;
        (*all)++;
        *accepted += cJSON_IsTrue(cJSON_GetObjectItem(rec, "accepted"));
    }
}

/* The server reads a request on a reused keep-alive connection, acts on it,
 * and closes (or resets) without answering. curl would send it again on a new
 * connection: refused where that could deliver twice, counted where the
 * operation is idempotent. */
static void test_no_hidden_resend(void) {
    static const char *const actions[] = {"close_after", "reset_after"};
    for (int k = 0; k < 2; k++) {
        char fault[200], req[300];
        snprintf(fault, sizeof fault,
                 "{\"provider\":\"zapi\",\"action\":\"%s\",\"connection\":\"reused\"}", actions[k]);
        /* Z-API, default settings: once, and it says it may have been delivered */
        se_client *c = emu_zapi_client(&E);
        emu_reset(&E);
        emu_zapi_event(req, sizeof req, "warm", k);
        se_response *r = NULL;
        CHECK_INT(se_send(c, "send_event", req, &r), SE_OK);
        se_response_free(r);
        emu_fault(&E, fault);
        emu_zapi_event(req, sizeof req, "dropped", k);
        r = NULL;
        CHECK_INT(se_send(c, "send_event", req, &r), SE_E_NETWORK);
        CHECK_INT(se_response_sent(r), SE_SENT_MAYBE);
        CHECK_INT(se_response_attempts(r), 1);
        CHECK_HAS(se_response_error_message(r), "may have been delivered");
        se_response_free(r);
        cJSON *recs = emu_requests(&E, true);
        int all, accepted;
        char marker[32];
        snprintf(marker, sizeof marker, "dropped-%d", k);
        count_marker(recs, marker, &all, &accepted);
        CHECK_INT(all, 1);
        CHECK_INT(accepted, 1);
        cJSON_Delete(recs);
        /* opted in (retry_server_errors): sent again, and counted */
        emu_reset(&E);
        se_client_set(c, "retry_server_errors", "true");
        emu_zapi_event(req, sizeof req, "warm2", k);
        r = NULL;
        CHECK_INT(se_send(c, "send_event", req, &r), SE_OK);
        se_response_free(r);
        emu_fault(&E, fault);
        emu_zapi_event(req, sizeof req, "again", k);
        r = NULL;
        CHECK_INT(se_send(c, "send_event", req, &r), SE_OK);
        CHECK_INT(se_response_attempts(r), 2);
        se_response_free(r);
        CHECK_INT(emu_count(&E, false), 3);
        se_client_free(c);

        /* Connect: the re-send carries the same ClientToken, the server answers
         * the first result again; delivered once, both writes counted */
        c = connect_client();
        emu_reset(&E);
        connect_event(req, sizeof req, "warm-token");
        r = NULL;
        CHECK_INT(se_send(c, "send_event", req, &r), SE_OK);
        se_response_free(r);
        snprintf(fault, sizeof fault,
                 "{\"provider\":\"connect\",\"action\":\"%s\",\"connection\":\"reused\"}",
                 actions[k]);
        emu_fault(&E, fault);
        connect_event(req, sizeof req, "resent-token");
        r = NULL;
        CHECK_INT(se_send(c, "send_event", req, &r), SE_OK);
        CHECK_INT(se_response_attempts(r), 2);
        CHECK_INT(se_response_sent(r), SE_SENT_YES);
        CHECK_STR(se_response_client_token(r), "resent-token");
        se_response_free(r);
        recs = emu_requests(&E, true);
        count_marker(recs, "resent-token", &all, &accepted);
        CHECK_INT(all, 2);
        CHECK_INT(accepted, 1);
        cJSON_Delete(recs);
        se_client_free(c);
    }
}

/* the same on a fresh connection: curl does not re-send, nothing is hidden */
static void test_no_hidden_resend_fresh(void) {
    se_client *c = emu_zapi_client(&E);
    emu_reset(&E);
    emu_fault(&E, "{\"provider\":\"zapi\",\"action\":\"close_after\",\"connection\":\"fresh\"}");
    char req[300];
    emu_zapi_event(req, sizeof req, "fresh", 0);
    se_response *r = NULL;
    CHECK_INT(se_send(c, "send_event", req, &r), SE_E_NETWORK);
    CHECK_INT(se_response_sent(r), SE_SENT_MAYBE);
    CHECK_INT(se_response_attempts(r), 1);
    CHECK_INT(emu_count(&E, false), 1);
    se_response_free(r);
    se_client_free(c);
}

/* CreateParticipantConnection has no ClientToken: unlike Connect's other
 * operations, nothing that may have been delivered is sent again. */
static void test_create_connection_not_repeated(void) {
    static const char req[] = "{\"ParticipantToken\":\"" EMU_PARTICIPANT_TOKEN "\","
                              "\"Type\":[\"CONNECTION_CREDENTIALS\"]}";
    se_client *c = connect_client();
    emu_reset(&E);
    emu_fault(&E, "{\"provider\":\"connect\",\"operation\":\"create_connection\",\"status\":500}");
    se_response *r = NULL;
    CHECK_INT(se_send(c, "create_connection", req, &r), SE_E_SERVER);
    CHECK_INT(se_response_attempts(r), 1);
    CHECK(se_response_client_token(r) == NULL);
    se_response_free(r);
    /* a dropped answer on a reused connection: curl's own re-send is refused */
    emu_reset(&E);
    r = NULL;
    CHECK_INT(se_send(c, "create_connection", req, &r), SE_OK);
    se_response_free(r);
    emu_fault(&E, "{\"provider\":\"connect\",\"operation\":\"create_connection\","
                  "\"action\":\"close_after\",\"connection\":\"reused\"}");
    r = NULL;
    CHECK_INT(se_send(c, "create_connection", req, &r), SE_E_NETWORK);
    CHECK_INT(se_response_attempts(r), 1);
    CHECK_INT(se_response_sent(r), SE_SENT_MAYBE);
    se_response_free(r);
    CHECK_INT(emu_count(&E, false), 2);
    /* the other operations carry a ClientToken: retried */
    emu_fault(&E, "{\"provider\":\"connect\",\"operation\":\"send_event\",\"status\":500}");
    char ev[300];
    connect_event(ev, sizeof ev, "retried-token");
    r = NULL;
    CHECK_INT(se_send(c, "send_event", ev, &r), SE_OK);
    CHECK_INT(se_response_attempts(r), 2);
    se_response_free(r);
    se_client_free(c);
}

/* Thousands of sends, a fifth of them faulted in every way: no Sinch or Z-API
 * request is acted on twice, every request's attempts are the requests the
 * server read, Connect delivers each ClientToken once, and every outcome says
 * rightly whether it was delivered. */
static void fault_mix(const char *provider, const char *operation) {
    static const char *const faults[] = {
        "\"status\":500,\"fraction\":0.03",
        "\"status\":503,\"fraction\":0.03",
        "\"status\":429,\"retry_after\":\"0\",\"fraction\":0.04",
        "\"action\":\"close_after\",\"connection\":\"reused\",\"fraction\":0.04",
        "\"action\":\"reset_after\",\"connection\":\"reused\",\"fraction\":0.03",
        "\"action\":\"close\",\"fraction\":0.02",
        "\"action\":\"reset\",\"fraction\":0.01",
        "\"action\":\"close_after\",\"connection\":\"fresh\",\"fraction\":0.02",
        "\"action\":\"hang\",\"fraction\":0.003",
    };
    emu_reset(&E);
    for (size_t k = 0; k < sizeof faults / sizeof faults[0]; k++) {
        char spec[300];
        snprintf(spec, sizeof spec, "{\"provider\":\"%s\",\"operation\":\"%s\",%s}", provider,
                 operation, faults[k]);
        emu_fault(&E, spec);
    }
    se_client *c = !strcmp(provider, "zapi")    ? emu_zapi_client(&E)
                   : !strcmp(provider, "sinch") ? sinch_client(&E)
                                                : connect_client();
    se_client_set(c, "timeout", "0.5");
    se_client_set(c, "retry_base_delay", "0.01");
    enum { N = 1000 };
    se_batch *b = NULL;
    se_batch_new(&b, c);
    for (int i = 0; i < N; i++) {
        char req[300], marker[32];
        snprintf(marker, sizeof marker, "mix-%d", i);
        if (!strcmp(provider, "zapi"))
            emu_zapi_event(req, sizeof req, "mix", i);
        else if (!strcmp(provider, "sinch"))
            snprintf(req, sizeof req,
                     "{\"app_id\":\"a\",\"recipient\":{\"contact_id\":\"%s\"},"
                     "\"event\":{\"composing_event\":{}}}",
                     marker);
        else
            connect_event(req, sizeof req, marker);
        CHECK_INT(se_batch_add(b, operation, req), SE_OK);
    }
    se_batch_run(b, 32);
    cJSON *recs = emu_requests(&E, true);
    int twice = 0, wrong_attempts = 0, wrong_sent = 0, lost = 0, failed = 0;
    for (int i = 0; i < N; i++) {
        char marker[32];
        snprintf(marker, sizeof marker, "mix-%d", i);
        int all, accepted;
        count_marker(recs, marker, &all, &accepted);
        const se_response *r = se_batch_response(b, (size_t)i);
        se_status st = se_response_status(r);
        twice += accepted > 1;
        wrong_attempts += all != se_response_attempts(r);
        lost += st == SE_OK && accepted != 1;
        failed += st != SE_OK;
        se_sent want = st == SE_OK || se_response_http_status(r) > 0 ? SE_SENT_YES
                       : se_response_attempts(r) > 0                 ? SE_SENT_MAYBE
                                                                     : SE_SENT_NO;
        if (se_response_sent(r) != want) {
            wrong_sent++;
            fprintf(stderr, "%s %d: %s sent=%s attempts=%d http=%d all=%d accepted=%d: %s\n",
                    provider, i, se_status_name(st), se_sent_name(se_response_sent(r)),
                    se_response_attempts(r), se_response_http_status(r), all, accepted,
                    se_response_error_message(r));
        }
    }
    if (wrong_attempts)
        fprintf(stderr, "%s: %d requests whose attempts differ from what the server read\n",
                provider, wrong_attempts);
    CHECK_INT(twice, 0);
    CHECK_INT(wrong_attempts, 0);
    CHECK_INT(wrong_sent, 0);
    CHECK_INT(lost, 0);
    CHECK(failed > 0 || !strcmp(provider, "connect")); /* the faults did bite */
    cJSON_Delete(recs);
    se_batch_free(b);
    se_client_free(c);
}

static void test_fault_mix(void) {
    fault_mix("zapi", "send_event");
    fault_mix("sinch", "send_event");
    fault_mix("connect", "send_event");
}

/* A server that closes idle keep-alive connections after 2 s, and requests
 * after idle periods around that: a connection idle longer than
 * connection_max_idle is not reused, so none of them is lost or doubtful. */
static void test_idle_close(void) {
    const char *args[] = {"--idle-timeout", "2", NULL};
    emu idle;
    if (!emu_start(&idle, args))
        return;
    se_client *c = NULL;
    se_client_new(&c, "zapi");
    se_client_set(c, "base_url", idle.url);
    se_client_set(c, "instance_id", EMU_ZAPI_INSTANCE);
    se_client_set(c, "token", EMU_ZAPI_TOKEN);
    se_client_set(c, "client_token", EMU_ZAPI_CLIENT_TOKEN);
    CHECK_INT(se_client_set(c, "connection_max_idle", "1"), SE_OK);
    static const double pauses[] = {0.2, 1.5, 2.05, 0.4, 1.95, 2.3, 1.0};
    int ok = 0;
    for (size_t i = 0; i < sizeof pauses / sizeof pauses[0]; i++) {
        char req[300];
        emu_zapi_event(req, sizeof req, "idle", (int)i);
        se_response *r = NULL;
        ok += se_send(c, "send_event", req, &r) == SE_OK && se_response_attempts(r) == 1 &&
              se_response_sent(r) == SE_SENT_YES;
        se_response_free(r);
        emu_sleep(pauses[i]);
    }
    CHECK_INT(ok, (int)(sizeof pauses / sizeof pauses[0]));
    se_client_free(c);
    emu_stop(&idle);
}

/* A slow token endpoint inside a batch: the requests in flight when the token
 * is refreshed are answered, not timed out while the fetch waits. */
static void test_slow_token_in_batch(void) {
    const char *args[] = {"--sinch-token-lifetime", "2", NULL};
    emu slow;
    if (!emu_start(&slow, args))
        return;
    se_client *c = sinch_client(&slow);
    se_client_set(c, "timeout", "1");
    /* the first token comes at once; the refresh (after 1 s) takes 1.5 s */
    emu_fault(&slow, "{\"provider\":\"sinch\",\"operation\":\"send_event\","
                     "\"latency_ms\":300,\"fraction\":1}");
    se_batch *b = NULL;
    se_batch_new(&b, c);
    enum { N = 120 };
    for (int i = 0; i < N; i++)
        se_batch_add(b, "send_event",
                     "{\"app_id\":\"a\",\"recipient\":{\"contact_id\":\"c\"},"
                     "\"event\":{\"composing_event\":{}}}");
    emu_fault(&slow, "{\"provider\":\"sinch\",\"operation\":\"oauth_token\","
                     "\"latency_ms\":1500,\"count\":1,\"fraction\":0.5}");
    CHECK_INT(se_batch_run(b, 8), SE_OK);
    int timeouts = 0;
    for (int i = 0; i < N; i++)
        timeouts += se_response_status(se_batch_response(b, (size_t)i)) == SE_E_TIMEOUT;
    CHECK_INT(timeouts, 0);
    CHECK(emu_count_op(&slow, "oauth_token", false) >= 2); /* refreshed during the batch */
    se_batch_free(b);
    se_client_free(c);
    emu_stop(&slow);
}

int main(void) {
    if (!emu_start(&E, NULL))
        return EMU_SKIP;
    test_no_hidden_resend();
    test_no_hidden_resend_fresh();
    test_create_connection_not_repeated();
    test_fault_mix();
    test_idle_close();
    test_slow_token_in_batch();
    emu_stop(&E);
    return se_test_summary("engine_faults");
}
