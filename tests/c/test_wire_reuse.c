/* test_wire_reuse.c - what a client keeps from one request to the next, seen
 * on the wire of sendevent-emulator: keep-alive connections (one se_send after
 * another, and from one batch to the next) as the log lines show them, the
 * parts of a request made once per client configuration, and the proxy
 * environment read when options change. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "emu.h"
#include "sendevent/sendevent.h"
#include "wire_support.h"

/* The log callback sees one line per attempt; keep-alive shows as "reused". */
static char log_lines[40][1024];
static int n_log_lines;

static void collect_log(int level, const char *message, void *userdata) {
    (void)level;
    (void)userdata;
    if (n_log_lines < (int)(sizeof log_lines / sizeof log_lines[0]))
        snprintf(log_lines[n_log_lines++], sizeof log_lines[0], "%s", message);
}

static void test_keep_alive_and_log(void) {
    emu_reset(&E);
    se_client *c = client("zapi", ZAPI);
    CHECK_INT(se_client_set_logger(c, collect_log, NULL), SE_OK);
    for (int i = 0; i < 5; i++)
        se_response_free(send_ok(c, "send_event", ZEVENT));
    CHECK_INT(n_log_lines, 5);
    CHECK_HAS(log_lines[0], "/instances/[REDACTED]/token/[REDACTED]/send-event -> 200");
    CHECK_HAS(log_lines[0], "new connection");
    for (int i = 1; i < 5; i++)
        CHECK_HAS(log_lines[i], "reused connection");
    for (int i = 0; i < 5; i++) {
        CHECK_LACKS(log_lines[i], EMU_ZAPI_TOKEN);
        CHECK_LACKS(log_lines[i], EMU_ZAPI_INSTANCE);
    }
    se_client_free(c);
}

/* A batch logs each attempt like se_send, and the client's next batch reuses
 * every connection the last one opened (curl would close some of them while
 * the transfers drain, keeping four per transfer still running). */
static void test_batches_share_connections(void) {
    emu_reset(&E);
    se_client *c = client("zapi", ZAPI);
    n_log_lines = 0;
    CHECK_INT(se_client_set_logger(c, collect_log, NULL), SE_OK);
    enum { N = 16 };
    for (int run = 0; run < 2; run++) {
        se_batch *b = NULL;
        CHECK_INT(se_batch_new(&b, c), SE_OK);
        for (int i = 0; i < N; i++)
            CHECK_INT(se_batch_add(b, "send_event", ZEVENT), SE_OK);
        CHECK_INT(se_batch_run(b, N), SE_OK);
        se_batch_free(b);
    }
    CHECK_INT(n_log_lines, 2 * N);
    int reused_first = 0, new_second = 0;
    for (int i = 0; i < 2 * N; i++) {
        CHECK_HAS(log_lines[i], "/instances/[REDACTED]/token/[REDACTED]/send-event -> 200");
        CHECK_LACKS(log_lines[i], EMU_ZAPI_TOKEN);
        if (i < N)
            reused_first += strstr(log_lines[i], "reused connection") != NULL;
        else
            new_second += strstr(log_lines[i], "new connection") != NULL;
    }
    CHECK_INT(reused_first, 0); /* N in flight at once: N connections */
    CHECK_INT(new_second, 0);
    CHECK_INT(emu_count(&E, false), 2 * N);
    se_client_free(c);
}

/* The recorded request whose body has ClientToken `ct` (all=true: rejected ones too). */
static const cJSON *request_with_client_token(const cJSON *list, const char *ct) {
    const cJSON *req;
    cJSON_ArrayForEach(req, list) {
        const char *got = cJSON_GetStringValue(
            cJSON_GetObjectItem(cJSON_GetObjectItem(req, "body"), "ClientToken"));
        if (got && !strcmp(got, ct))
            return req;
    }
    return NULL;
}

/* Parts of a request made once per client configuration and lent to every
 * request (the parsed URL, the header list) never carry one request's values
 * into another's, and follow the options when they change. */
static void test_shared_request_parts(void) {
    emu_reset(&E);
    se_client *c = client("connect", NULL);
    se_response *r = create_connection(c);
    char issued[256];
    snprintf(issued, sizeof issued, "%s",
             se_response_get_string(r, "ConnectionCredentials.ConnectionToken")
                 ? se_response_get_string(r, "ConnectionCredentials.ConnectionToken")
                 : "");
    se_response_free(r);
    CHECK(issued[0] != '\0');
    /* two connections' tokens, alternating, sequentially and in one batch */
    const char *tokens[2] = {EMU_CONNECT_TOKEN, issued};
    se_batch *b = NULL;
    CHECK_INT(se_batch_new(&b, c), SE_OK);
    for (int i = 0; i < 8; i++) {
        char ev[512];
        snprintf(ev, sizeof ev,
                 "{\"ConnectionToken\":\"%s\",\"ContentType\":\"application/"
                 "vnd.amazonaws.connect.event.typing\",\"ClientToken\":\"ct-%d\"}",
                 tokens[i % 2], i);
        if (i < 4)
            se_response_free(send_ok(c, "send_event", ev));
        else
            CHECK_INT(se_batch_add(b, "send_event", ev), SE_OK);
    }
    CHECK_INT(se_batch_run(b, 4), SE_OK);
    se_batch_free(b);
    cJSON *list = emu_requests(&E, false);
    for (int i = 0; i < 8; i++) {
        char ct[16];
        snprintf(ct, sizeof ct, "ct-%d", i);
        const cJSON *req = request_with_client_token(list, ct);
        CHECK(req != NULL);
        if (req)
            CHECK_STR(emu_req_header(req, "x-amz-bearer"), tokens[i % 2]);
    }
    cJSON_Delete(list);
    se_client_free(c);

    /* a header from the options follows them: Z-API's Client-Token */
    emu_reset(&E);
    c = client("zapi", ZAPI);
    se_response_free(send_ok(c, "send_event", ZEVENT));
    CHECK_INT(se_client_set(c, "client_token", "another-client-token"), SE_OK);
    CHECK_INT(se_send(c, "send_event", ZEVENT, NULL),
              SE_E_FORBIDDEN); /* the emulator's is the first */
    list = emu_requests(&E, true);
    CHECK_INT(cJSON_GetArraySize(list), 2);
    CHECK_STR(emu_req_header(cJSON_GetArrayItem(list, 0), "client-token"), EMU_ZAPI_CLIENT_TOKEN);
    CHECK_STR(emu_req_header(cJSON_GetArrayItem(list, 1), "client-token"), "another-client-token");
    cJSON_Delete(list);
    se_client_free(c);

    /* the URL follows base_url; operations sharing a handle keep their own paths */
    emu_reset(&E);
    c = client("sinch", SINCH_BASIC);
    CHECK_INT(se_client_set(c, "base_url", "http://127.0.0.1:9"), SE_OK); /* nothing listens */
    CHECK_INT(se_client_set(c, "max_attempts", "1"), SE_OK);
    CHECK_INT(se_send(c, "send_event", EVENT, NULL), SE_E_NETWORK);
    CHECK_INT(emu_count(&E, true), 0);
    CHECK_INT(se_client_set(c, "base_url", E.url), SE_OK);
    for (int i = 0; i < 2; i++) {
        se_response_free(send_ok(c, "send_event", EVENT));
        last_request(&list, "send_event", "/v1/projects/proj-1/events:send");
        cJSON_Delete(list);
        se_response_free(send_ok(c, "send_message", MESSAGE));
        last_request(&list, "send_message", "/v1/projects/proj-1/messages:send");
        cJSON_Delete(list);
    }
    se_client_free(c);
}

/* Proxy variables are read when the client is made or its options change:
 * without one, curl is told "no proxy" instead of looking for them on every
 * request; with one, curl uses it as always. */
static void test_proxy_environment(void) {
    emu_reset(&E);
    unsetenv("http_proxy");
    unsetenv("all_proxy");
    unsetenv("ALL_PROXY");
    se_client *before = client("zapi", ZAPI);
    setenv("http_proxy", "http://127.0.0.1:9", 1); /* a proxy nothing listens on */
    se_client *after = client("zapi", ZAPI);
    CHECK_INT(se_client_set(after, "max_attempts", "1"), SE_OK);
    se_response_free(send_ok(before, "send_event", ZEVENT));
    se_response *r = NULL;
    CHECK_INT(se_send(after, "send_event", ZEVENT, &r), SE_E_NETWORK);
    se_response_free(r);
    CHECK_INT(emu_count(&E, true), 1); /* only `before`'s request arrived */
    unsetenv("http_proxy");
    CHECK_INT(se_client_set(after, "max_attempts", "2"), SE_OK); /* options changed: read again */
    se_response_free(send_ok(after, "send_event", ZEVENT));
    CHECK_INT(emu_count(&E, true), 2);
    se_client_free(before);
    se_client_free(after);
}

int main(void) {
    if (!emu_start(&E, NULL))
        return EMU_SKIP;
    test_keep_alive_and_log();
    test_shared_request_parts();
    test_batches_share_connections();
    test_proxy_environment();
    emu_stop(&E);
    return se_test_summary("wire_reuse");
}
