/* test_hardening_servers.c - hostile servers (issue 13): tokens the token
 * endpoint answers, secrets servers echo back, credentials in URLs, oversized
 * and endless response headers, a body nested past the limit. The capture
 * server (hardening_support.h) plays the provider and counts what reached it. */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hardening_support.h"
#include "sendevent/sendevent.h"

/* ---- what servers send back ---------------------------------------------------------------- */

static char LOG[65536];
static void logger(int level, const char *line, void *userdata) {
    (void)level;
    (void)userdata;
    size_t n = strlen(LOG);
    snprintf(LOG + n, sizeof LOG - n, "%s\n", line);
}

static void test_token_endpoint(void) {
    se_client *s = NULL;
    static const char *const bad[] = {
        "good\\r\\nX-Injected: 1", "tok en", "tok\\u0000", "=abc", "ab=c", "t\xc3\xa9",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        se_client_free(s); /* a new client each time: no token cached */
        s = sinch_client();
        server_reset(ANSWER_RAW, OK_SINCH);
        snprintf(S.token_body, sizeof S.token_body, "{\"access_token\":\"%s\",\"expires_in\":3600}",
                 bad[i]);
        se_response *r = NULL;
        se_status st = se_send(s, "send_event", SINCH_EVENT, &r);
        if (i == 2) { /* cut at the NUL by the JSON parser: "tok", a fine token */
            CHECK_INT(st, SE_OK);
            se_response_free(r);
            continue;
        }
        CHECK_INT(st, SE_E_PROTOCOL);
        CHECK_HAS(se_response_error_message(r), "auth_url: the token endpoint answered an "
                                                "access_token that is not a bearer token");
        CHECK_LACKS(se_response_error_message(r), "good");
        CHECK_INT(atomic_load(&S.token_requests), 1); /* not retried */
        CHECK_INT(atomic_load(&S.api_requests), 0);
        se_response_free(r);
    }
    se_client_free(s);
    s = sinch_client();
    server_reset(ANSWER_RAW, OK_SINCH);
    char *body = malloc(8192);
    strcpy(body, "{\"access_token\":\"");
    memset(body + strlen(body), 'A', 4097);
    strcpy(body + 17 + 4097, "\"}");
    snprintf(S.token_body, sizeof S.token_body, "%s", body);
    free(body);
    se_response *r = NULL;
    CHECK_INT(se_send(s, "send_event", SINCH_EVENT, &r), SE_E_PROTOCOL);
    CHECK_HAS(se_response_error_message(r), "access_token longer than 4096 bytes");
    CHECK_INT(atomic_load(&S.api_requests), 0);
    se_response_free(r);
    /* every character RFC 6750 allows, and padding */
    se_client_free(s);
    s = sinch_client();
    server_reset(ANSWER_RAW, OK_SINCH);
    snprintf(S.token_body, sizeof S.token_body,
             "{\"access_token\":\"aZ09-._~+\\/x==\",\"expires_in\":3600}");
    CHECK_INT(se_send(s, "send_event", SINCH_EVENT, &r), SE_OK);
    CHECK_INT(atomic_load(&S.api_requests), 1);
    CHECK_STR(S.last_auth, "Bearer aZ09-._~+/x==");
    se_response_free(r);
    se_client_free(s);
}

static void test_echoed_secrets_scrubbed(void) {
    se_client *c;
    /* the token endpoint echoes the Basic credential it received */
    se_client *s = sinch_client();
    LOG[0] = '\0';
    se_client_set_logger(s, logger, NULL);
    server_reset(ANSWER_RAW, OK_SINCH);
    S.token_status = 401;
    snprintf(S.token_body, sizeof S.token_body,
             "{\"error\":\"invalid_client\",\"error_description\":\"bad credential %s\"}",
             "%AUTH%");
    se_response *r = NULL;
    CHECK_INT(se_send(s, "send_event", SINCH_EVENT, &r), SE_E_AUTH);
    const char *b64 = "dGhlLWtleS1pZDp0aGUta2V5LXNlY3JldA"; /* the-key-id:the-key-secret */
    CHECK_HAS(S.last_auth, b64);                            /* it was echoed... */
    CHECK_HAS(se_response_error_message(r), "bad credential Basic [REDACTED]");
    CHECK_LACKS(se_response_error_message(r), b64); /* ...and never passed on */
    CHECK_LACKS(se_client_errmsg(s), b64);
    CHECK_LACKS(LOG, b64);
    se_response_free(r);
    se_client_free(s);

    /* a path secret echoed percent-encoded (upper- or lower-case hex) */
    se_client *z = zapi_client(URL, "tok:en@1");
    LOG[0] = '\0';
    se_client_set_logger(z, logger, NULL);
    /* no Content-Length: the body ends with the connection */
    server_reset(ANSWER_RAW, "HTTP/1.1 400 Bad\r\nContent-Type: application/json\r\n"
                             "Connection: close\r\n\r\n"
                             "{\"error\":\"no route %PATH% (tok%3aen%401)\"}");
    CHECK_INT(se_send(z, "send_event", zapi_event("n"), &r), SE_E_REJECTED);
    CHECK_HAS(S.last_path, "tok%3Aen%401");
    CHECK_HAS(se_response_error_message(r), "no route");
    CHECK_LACKS(se_response_error_message(r), "tok%3Aen%401");
    CHECK_LACKS(se_response_error_message(r), "tok%3aen%401");
    CHECK_LACKS(se_client_errmsg(z), "tok%3Aen");
    CHECK_LACKS(LOG, "tok%3Aen");
    se_response_free(r);
    se_client_free(z);

    /* the request id and the error code come from the answer too */
    c = NULL;
    CHECK_INT(se_client_new(&c, "connect"), SE_OK);
    se_client_set(c, "base_url", URL);
    se_client_set(c, "max_attempts", "1");
    server_reset(ANSWER_RAW, "HTTP/1.1 400 Bad\r\nx-amzn-RequestId: id-sekrit-connection-tok\r\n"
                             "x-amzn-ErrorType: sekrit-connection-tok\r\nConnection: close\r\n"
                             "Content-Length: 2\r\n\r\n{}");
    CHECK_INT(se_send(c, "send_event",
                      "{\"ConnectionToken\":\"sekrit-connection-tok\",\"ContentType\":"
                      "\"application/vnd.amazonaws.connect.event.typing\"}",
                      &r),
              SE_E_REJECTED);
    CHECK_STR(se_response_request_id(r), "id-[REDACTED]");
    CHECK_STR(se_response_provider_code(r), "[REDACTED]");
    se_response_free(r);
    se_client_free(c);
}

static void test_url_credentials(void) {
    char url[128];
    snprintf(url, sizeof url, "http://someuser:pa55word@127.0.0.1:%d", S.port);
    se_client *z = zapi_client(url, NULL);
    LOG[0] = '\0';
    se_client_set_logger(z, logger, NULL);
    CHECK_HAS(se_client_get(z, "base_url"), "http://[REDACTED]@127.0.0.1:");
    CHECK_LACKS(se_client_get(z, "base_url"), "pa55word");
    char *http = NULL;
    CHECK_INT(se_prepare(z, "send_event", zapi_event("n"), &http), SE_OK);
    char host[64];
    snprintf(host, sizeof host, "\r\nHost: 127.0.0.1:%d\r\n", S.port);
    CHECK_HAS(http, host);
    CHECK_LACKS(http, "pa55word");
    CHECK_LACKS(http, "someuser");
    se_free(http);
    server_reset(ANSWER_RAW, "HTTP/1.1 500 X\r\nContent-Length: 28\r\nConnection: close\r\n\r\n"
                             "failed for someuser:pa55word");
    se_response *r = NULL;
    CHECK_INT(se_send(z, "send_event", zapi_event("n"), &r), SE_E_SERVER);
    CHECK_HAS(se_response_request_line(r), "POST http://[REDACTED]@127.0.0.1:");
    CHECK_LACKS(se_response_request_line(r), "pa55word");
    CHECK_LACKS(se_response_error_message(r), "pa55word");
    CHECK_LACKS(se_client_errmsg(z), "pa55word");
    CHECK_HAS(LOG, "[REDACTED]@127.0.0.1");
    CHECK_LACKS(LOG, "pa55word");
    CHECK_LACKS(LOG, "someuser");
    se_response_free(r);
    se_client_free(z);
}

static void test_hostile_headers(void) {
    static const struct {
        answer_mode mode;
        const char *name;
    } modes[] = {{ANSWER_BIGLINE, "1 MiB header line"},
                 {ANSWER_BIGSTATUS, "1 MiB status line"},
                 {ANSWER_MANY, "100,000 headers"},
                 {ANSWER_CONTINUE, "endless 100 Continue"}};
    se_client *c = NULL;
    CHECK_INT(se_client_new(&c, "connect"), SE_OK); /* Connect retries network failures */
    se_client_set(c, "base_url", URL);
    se_client_set(c, "retry_base_delay", "0.01");
    se_client_set(c, "timeout", "20");
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        server_reset(modes[i].mode, NULL);
        se_response *r = NULL;
        se_status st = se_send(c, "send_event",
                               "{\"ConnectionToken\":\"tok\",\"ContentType\":"
                               "\"application/vnd.amazonaws.connect.event.typing\"}",
                               &r);
        if (st != SE_E_PROTOCOL)
            fprintf(stderr, "%s: %s (%s)\n", modes[i].name, se_status_name(st),
                    se_response_error_message(r));
        CHECK_INT(st, SE_E_PROTOCOL);
        CHECK_INT(se_response_attempts(r), 1); /* not retried */
        CHECK_INT(atomic_load(&S.api_requests), 1);
        CHECK_HAS(se_response_error_message(r), "response headers over the limits");
        se_response_free(r);
    }
    /* a success body nested past the limit: a protocol error when it arrives */
    server_reset(ANSWER_DEEP, NULL);
    se_response *r = NULL;
    CHECK_INT(se_send(c, "send_event",
                      "{\"ConnectionToken\":\"tok\",\"ContentType\":"
                      "\"application/vnd.amazonaws.connect.event.typing\"}",
                      &r),
              SE_E_PROTOCOL);
    CHECK_HAS(se_response_error_message(r), "nested deeper than 128 levels");
    CHECK_INT(se_response_attempts(r), 1);
    se_response_free(r);
    se_client_free(c);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    clear_proxies();
    server_start();
    test_token_endpoint();
    test_echoed_secrets_scrubbed();
    test_url_credentials();
    test_hostile_headers();
    server_stop();
    return se_test_summary("test_hardening_servers");
}
