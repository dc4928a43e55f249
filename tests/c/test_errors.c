/* test_errors.c - how failures surface: every status of the mapping table
 * (provider answers injected through the emulator's faults), the retry rules,
 * timeouts, dropped connections, oversized bodies, TLS, and secrets that must
 * never reach a message. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "emu.h"
#include "sendevent/sendevent.h"

static emu E;

static const char *SINCH_EVENT =
    "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},\"event\":{\"composing_event\":{}}}";
static const char *ZAPI_EVENT = "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":"
                                "\"n\",\"dateTime\":\"2024-04-29T09:30:53.309Z\"}}";
static const char *CONNECT_EVENT = "{\"ConnectionToken\":\"" EMU_CONNECT_TOKEN "\",\"ContentType\":"
                                   "\"application/vnd.amazonaws.connect.event.typing\"}";

static se_client *client(const char *provider, const char *base_url) {
    se_client *c = NULL;
    CHECK_INT(se_client_new(&c, provider), SE_OK);
    se_client_set(c, "base_url", base_url);
    se_client_set(c, "retry_base_delay", "0.01");
    if (!strcmp(provider, "sinch")) {
        se_client_set(c, "project_id", "P");
        se_client_set(c, "key_id", EMU_SINCH_KEY_ID);
        se_client_set(c, "key_secret", EMU_SINCH_KEY_SECRET);
        se_client_set(c, "auth", "basic");
    } else if (!strcmp(provider, "zapi")) {
        se_client_set(c, "instance_id", EMU_ZAPI_INSTANCE);
        se_client_set(c, "token", EMU_ZAPI_TOKEN);
        se_client_set(c, "client_token", EMU_ZAPI_CLIENT_TOKEN);
    }
    return c;
}

static const char *event_of(const char *provider) {
    return !strcmp(provider, "sinch")  ? SINCH_EVENT
           : !strcmp(provider, "zapi") ? ZAPI_EVENT
                                       : CONNECT_EVENT;
}

/* Injects `fault` and sends once; returns the response (caller frees). */
static se_response *faulted(se_client *c, const char *fault) {
    emu_reset(&E);
    if (fault)
        emu_fault(&E, fault);
    se_response *r = NULL;
    se_send(c, "send_event", event_of(se_client_provider(c)), &r);
    CHECK(r != NULL);
    return r;
}

static void test_status_mapping(void) {
    static const struct {
        int http;
        se_status want;
    } map[] = {{400, SE_E_REJECTED},  {401, SE_E_AUTH},     {403, SE_E_FORBIDDEN},
               {404, SE_E_NOT_FOUND}, {409, SE_E_CONFLICT}, {422, SE_E_REJECTED},
               {429, SE_E_THROTTLED}, {500, SE_E_SERVER},   {503, SE_E_SERVER}};
    const char *providers[] = {"sinch", "zapi", "connect"};
    for (int p = 0; p < 3; p++) {
        se_client *c = client(providers[p], E.url);
        se_client_set(c, "max_attempts", "1"); /* one answer each: no retries */
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
            char fault[200];
            snprintf(fault, sizeof fault, "{\"provider\":\"%s\",\"status\":%d}", providers[p],
                     map[i].http);
            se_response *r = faulted(c, fault);
            if (se_response_status(r) != map[i].want)
                fprintf(stderr, "%s HTTP %d -> %s\n", providers[p], map[i].http,
                        se_status_name(se_response_status(r)));
            CHECK_INT(se_response_status(r), map[i].want);
            CHECK_INT(se_response_http_status(r), map[i].http);
            CHECK(se_response_provider_code(r) != NULL);
            CHECK(se_response_error_message(r) != NULL && se_response_error_message(r)[0]);
            CHECK(se_response_id(r) == NULL);
            CHECK_INT(se_response_attempts(r), 1);
            se_response_free(r);
        }
        se_client_free(c);
    }
}

static void test_provider_error_details(void) {
    /* Sinch: {"error":{code,message,status}} */
    se_client *c = client("sinch", E.url);
    se_response *r =
        faulted(c, "{\"provider\":\"sinch\",\"status\":400,\"body\":{\"error\":{\"code\":400,"
                   "\"message\":\"bad app\",\"status\":\"INVALID_ARGUMENT\",\"details\":[]}}}");
    CHECK_INT(se_response_status(r), SE_E_REJECTED);
    CHECK_STR(se_response_provider_code(r), "INVALID_ARGUMENT");
    CHECK_STR(se_response_error_message(r), "bad app");
    CHECK_STR(se_client_errmsg(c), "bad app");
    se_response_free(r);
    /* the bare inner object also occurs */
    r = faulted(c,
                "{\"provider\":\"sinch\",\"status\":403,\"body\":{\"code\":403,\"message\":\"no\","
                "\"status\":\"PERMISSION_DENIED\"}}");
    CHECK_STR(se_response_provider_code(r), "PERMISSION_DENIED");
    CHECK_STR(se_response_error_message(r), "no");
    se_response_free(r);
    /* not JSON at all: the text is the message, the status the code */
    r = faulted(c, "{\"provider\":\"sinch\",\"status\":502,\"body\":\"Bad Gateway\"}");
    CHECK_INT(se_response_status(r), SE_E_SERVER);
    CHECK_STR(se_response_provider_code(r), "502");
    CHECK_STR(se_response_error_message(r), "Bad Gateway");
    se_response_free(r);
    se_client_free(c);

    /* Connect: x-amzn-ErrorType normalized, message, request id */
    c = client("connect", E.url);
    r = faulted(c,
                "{\"provider\":\"connect\",\"status\":409,\"headers\":{\"x-amzn-ErrorType\":"
                "\"ConflictException:http://internal.amazon.com/coral/x/\"},\"body\":{\"message\":"
                "\"supervisor barged in\"}}");
    CHECK_INT(se_response_status(r), SE_E_CONFLICT);
    CHECK_STR(se_response_provider_code(r), "ConflictException");
    CHECK_STR(se_response_error_message(r), "supervisor barged in");
    CHECK(se_response_request_id(r) != NULL);
    se_response_free(r);
    r = faulted(c, "{\"provider\":\"connect\",\"status\":400,\"body\":{\"__type\":"
                   "\"com.amazonaws.connect#ValidationException\",\"Message\":\"bad\"}}");
    /* the emulator's own header wins when present; the body form is the fallback */
    CHECK(se_response_provider_code(r) &&
          strstr(se_response_provider_code(r), "ValidationException"));
    se_response_free(r);
    se_client_free(c);

    /* Z-API: {"error": "..."} and 200 {"value": false} */
    c = client("zapi", E.url);
    r = faulted(c, "{\"provider\":\"zapi\",\"status\":400,\"body\":{\"error\":\"smartphone is not "
                   "responding\"}}");
    CHECK_INT(se_response_status(r), SE_E_REJECTED);
    CHECK_STR(se_response_error_message(r), "smartphone is not responding");
    se_response_free(r);
    r = faulted(c, "{\"provider\":\"zapi\",\"action\":\"value_false\"}");
    CHECK_INT(se_response_status(r), SE_E_REJECTED);
    CHECK_INT(se_response_http_status(r), 200);
    CHECK_HAS(se_response_error_message(r), "value");
    CHECK(se_response_id(r) == NULL);
    se_response_free(r);
    /* {"value": false} with a message: the message is the provider's */
    r = faulted(c, "{\"provider\":\"zapi\",\"body\":{\"value\":false,\"message\":\"phone is not "
                   "in the group\"}}");
    CHECK_INT(se_response_status(r), SE_E_REJECTED);
    CHECK_STR(se_response_error_message(r), "phone is not in the group");
    se_response_free(r);
    se_client_free(c);
}

static void test_retries(void) {
    se_client *c = client("sinch", E.url);
    /* 429 + Retry-After: waited for, then retried */
    se_response *r = faulted(c, "{\"provider\":\"sinch\",\"status\":429,\"retry_after\":\"1\"}");
    CHECK_INT(se_response_status(r), SE_OK);
    CHECK_INT(se_response_attempts(r), 2);
    CHECK(se_response_elapsed(r) >= 0.9);
    se_response_free(r);
    /* a Retry-After longer than retry_max_delay: give up at once */
    se_client_set(c, "retry_max_delay", "0.5");
    r = faulted(c, "{\"provider\":\"sinch\",\"status\":429,\"retry_after\":\"30\"}");
    CHECK_INT(se_response_status(r), SE_E_THROTTLED);
    CHECK_INT(se_response_attempts(r), 1);
    se_response_free(r);
    /* 429 without Retry-After, every time: max_attempts in all */
    r = faulted(c, "{\"provider\":\"sinch\",\"status\":429,\"count\":10}");
    CHECK_INT(se_response_status(r), SE_E_THROTTLED);
    CHECK_INT(se_response_attempts(r), 3);
    se_response_free(r);
    /* 5xx: Sinch has no idempotency key, so not retried unless opted in */
    r = faulted(c, "{\"provider\":\"sinch\",\"status\":503}");
    CHECK_INT(se_response_status(r), SE_E_SERVER);
    CHECK_INT(se_response_attempts(r), 1);
    CHECK_INT(emu_count(&E, true), 1);
    se_response_free(r);
    se_client_set(c, "retry_server_errors", "true");
    r = faulted(c, "{\"provider\":\"sinch\",\"status\":503}");
    CHECK_INT(se_response_status(r), SE_OK);
    CHECK_INT(se_response_attempts(r), 2);
    se_response_free(r);
    se_client_free(c);

    /* Z-API: a 500 is not retried by default */
    c = client("zapi", E.url);
    r = faulted(c, "{\"provider\":\"zapi\",\"status\":500}");
    CHECK_INT(se_response_attempts(r), 1);
    se_response_free(r);
    se_client_free(c);

    /* Connect: 500/503 retried (same ClientToken), 400/403 not */
    c = client("connect", E.url);
    r = faulted(c, "{\"provider\":\"connect\",\"status\":503,\"count\":2}");
    CHECK_INT(se_response_status(r), SE_OK);
    CHECK_INT(se_response_attempts(r), 3);
    se_response_free(r);
    r = faulted(c, "{\"provider\":\"connect\",\"status\":403}");
    CHECK_INT(se_response_attempts(r), 1);
    se_response_free(r);
    r = faulted(c, "{\"provider\":\"connect\",\"status\":400,\"headers\":{\"x-amzn-ErrorType\":"
                   "\"ThrottlingException\"}}");
    CHECK_INT(se_response_status(r), SE_OK); /* AWS throttles with 400 too */
    CHECK_INT(se_response_attempts(r), 2);
    se_response_free(r);
    se_client_free(c);
}

static void test_transport_failures(void) {
    se_client *c = client("zapi", E.url);
    se_client_set(c, "timeout", "0.5");
    /* the connection closed without an answer: may have been acted on, not retried */
    se_response *r = faulted(c, "{\"provider\":\"zapi\",\"action\":\"close\"}");
    CHECK_INT(se_response_status(r), SE_E_NETWORK);
    CHECK_INT(se_response_http_status(r), 0);
    CHECK_INT(se_response_attempts(r), 1);
    CHECK_HAS(se_response_error_message(r), "network error");
    se_response_free(r);
    /* an answer that never comes */
    r = faulted(c, "{\"provider\":\"zapi\",\"action\":\"hang\"}");
    CHECK_INT(se_response_status(r), SE_E_TIMEOUT);
    CHECK_INT(se_response_attempts(r), 1);
    se_response_free(r);
    /* a body over the cap */
    se_client_set(c, "max_response_bytes", "65536");
    r = faulted(c, "{\"provider\":\"zapi\",\"action\":\"oversized\",\"bytes\":1000000}");
    CHECK_INT(se_response_status(r), SE_E_PROTOCOL);
    CHECK_HAS(se_response_error_message(r), "max_response_bytes");
    se_response_free(r);
    /* latency within the timeout is fine */
    r = faulted(c, "{\"provider\":\"zapi\",\"latency_ms\":100}");
    CHECK_INT(se_response_status(r), SE_OK);
    CHECK(se_response_elapsed(r) >= 0.09);
    se_response_free(r);
    se_client_free(c);

    /* nothing listens: refused before sending, so retried up to max_attempts;
     * nothing was ever written, so no attempt reached a server */
    c = client("zapi", "http://127.0.0.1:1");
    r = NULL;
    CHECK_INT(se_send(c, "send_event", ZAPI_EVENT, &r), SE_E_NETWORK);
    CHECK_INT(se_response_attempts(r), 0);
    CHECK_INT(se_response_sent(r), SE_SENT_NO);
    CHECK_LACKS(se_response_error_message(r), EMU_ZAPI_TOKEN);
    CHECK_LACKS(se_response_error_message(r), EMU_ZAPI_INSTANCE);
    se_response_free(r);
    se_client_free(c);
}

static void test_secrets_never_in_messages(void) {
    /* the server echoes credentials back in its error message */
    se_client *c = client("zapi", E.url);
    se_response *r = faulted(
        c, "{\"provider\":\"zapi\",\"status\":400,\"body\":{\"error\":\"instance " EMU_ZAPI_INSTANCE
           " token " EMU_ZAPI_TOKEN " client " EMU_ZAPI_CLIENT_TOKEN "\"}}");
    CHECK_LACKS(se_response_error_message(r), EMU_ZAPI_INSTANCE);
    CHECK_LACKS(se_response_error_message(r), EMU_ZAPI_TOKEN);
    CHECK_LACKS(se_response_error_message(r), EMU_ZAPI_CLIENT_TOKEN);
    CHECK_HAS(se_response_error_message(r), "[REDACTED]");
    CHECK_LACKS(se_client_errmsg(c), EMU_ZAPI_TOKEN);
    se_response_free(r);
    se_client_free(c);

    c = client("connect", E.url);
    r = faulted(
        c,
        "{\"provider\":\"connect\",\"status\":403,\"body\":{\"message\":\"token " EMU_CONNECT_TOKEN
        " is not valid\"}}");
    CHECK_LACKS(se_response_error_message(r), EMU_CONNECT_TOKEN);
    se_response_free(r);
    se_client_free(c);

    c = client("sinch", E.url);
    r = faulted(
        c, "{\"provider\":\"sinch\",\"status\":401,\"body\":{\"error\":{\"code\":401,\"message\":"
           "\"bad secret " EMU_SINCH_KEY_SECRET "\",\"status\":\"UNAUTHENTICATED\"}}}");
    CHECK_LACKS(se_response_error_message(r), EMU_SINCH_KEY_SECRET);
    se_response_free(r);
    se_client_free(c);
}

static void test_tls(void) {
    char dir[] = "/tmp/se-tls-XXXXXX";
    if (!mkdtemp(dir))
        return;
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
             "-addext subjectAltName=IP:127.0.0.1 -keyout %s/key.pem -out %s/cert.pem "
             ">/dev/null 2>&1",
             dir, dir);
    CHECK_INT(system(cmd), 0);
    char cert[300], key[300];
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    const char *args[] = {"--tls-cert", cert, "--tls-key", key, NULL};
    emu tls;
    if (emu_start(&tls, args)) {
        CHECK(!strncmp(tls.url, "https://", 8));
        se_client *c = client("zapi", tls.url);
        se_response *r = NULL;
        /* verification is always on: an unknown CA is refused */
        CHECK_INT(se_send(c, "send_event", ZAPI_EVENT, &r), SE_E_TLS);
        CHECK_INT(se_response_attempts(r), 0); /* the handshake failed: nothing was written */
        CHECK_INT(se_response_sent(r), SE_SENT_NO);
        se_response_free(r);
        se_client_set(c, "ca_file", cert);
        CHECK_INT(se_send(c, "send_event", ZAPI_EVENT, &r), SE_OK);
        se_response_free(r);
        se_client_free(c);
        emu_stop(&tls);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
}

int main(void) {
    if (!emu_start(&E, NULL))
        return EMU_SKIP;
    test_status_mapping();
    test_provider_error_details();
    test_retries();
    test_transport_failures();
    test_secrets_never_in_messages();
    test_tls();
    emu_stop(&E);
    return se_test_summary("errors");
}
