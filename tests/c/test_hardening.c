/* test_hardening.c - hostile input (issue 13): every request string checked
 * whole (NUL, UTF-8, nesting), options checked completely when set, plain http
 * through a proxy. The capture server (hardening_support.h) counts what
 * reached it, so that "nothing was sent" is checked, not assumed. Hostile
 * servers are in test_hardening_servers.c. */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hardening_support.h"
#include "sendevent/sendevent.h"

/* Sends and checks the status, that the message has `want`, and that the
 * server received nothing. */
static void refused(se_client *c, const char *op, const char *json, se_status status,
                    const char *want) {
    server_reset(ANSWER_RAW, OK_ZAPI);
    se_response *r = NULL;
    CHECK_INT(se_send(c, op, json, &r), status);
    CHECK_HAS(se_response_error_message(r), want);
    CHECK_HAS(se_client_errmsg(c), want);
    CHECK_INT(se_response_attempts(r), 0);
    CHECK_INT(atomic_load(&S.api_requests) + atomic_load(&S.token_requests), 0);
    se_response_free(r);
    CHECK_INT(se_validate(c, op, json), status);
    char *http = NULL;
    CHECK_INT(se_prepare(c, op, json, &http), status);
    CHECK(http == NULL);
}

/* ---- request strings ------------------------------------------------------------------ */

static void test_nul_in_strings(void) {
    se_client *z = zapi_client(URL, NULL);
    refused(z, "send_event", zapi_event("GOING\\u0000NOT"), SE_E_INVALID,
            "event.name: value contains a NUL character");
    refused(z, "respond_event",
            "{\"phone\":\"120363019502650977-group\",\"eventId\":\"E\",\"eventResponse\":"
            "\"GOING\\u0000NOT\"}",
            SE_E_INVALID, "eventResponse: value contains a NUL");
    /* the phone, a path-like value */
    refused(z, "send_event",
            "{\"phone\":\"120363019502650977-group\\u0000/../x\",\"event\":{\"name\":\"n\","
            "\"dateTime\":\"2024-04-29T09:30:53.309Z\"}}",
            SE_E_INVALID, "phone: value contains a NUL");
    /* a key, inside an array */
    refused(z, "send_event",
            "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":\"n\",\"x\":[1,{\"a\":"
            "\"b\"},{\"k\\u0000\":1}]}}",
            SE_E_INVALID, "event.x[2].k\\u0000: key contains a NUL");
    /* \\u0000 is an escaped backslash and the text u0000: fine as far as NULs go */
    server_reset(ANSWER_RAW, OK_ZAPI);
    CHECK_INT(se_validate(z, "send_event", zapi_event("a\\\\u0000b")), SE_OK);
    se_client_free(z);

    se_client *c = NULL;
    CHECK_INT(se_client_new(&c, "connect"), SE_OK);
    se_client_set(c, "base_url", URL);
    refused(c, "send_event",
            "{\"ConnectionToken\":\"tok\\u0000\\r\\nX-Injected: 1\",\"ContentType\":"
            "\"application/vnd.amazonaws.connect.event.typing\"}",
            SE_E_INVALID, "ConnectionToken: value contains a NUL");
    /* over-long values hidden behind a NUL: refused for the NUL, before any length rule */
    char *big = malloc(30000);
    strcpy(big, "{\"ConnectionToken\":\"t\",\"ContentType\":\"text/plain\",\"Content\":\"x\\u0000");
    size_t n = strlen(big);
    memset(big + n, 'y', 20002);
    strcpy(big + n + 20002, "\"}");
    refused(c, "send_message", big, SE_E_INVALID, "Content: value contains a NUL");
    free(big);
    se_client_free(c);
}

static void test_invalid_utf8(void) {
    se_client *z = zapi_client(URL, NULL);
    static const struct {
        const char *name;
        int bad; /* offset of the bad byte in name */
    } cases[] = {
        {"a\xff", 1},
        {"ab\xc0\xaf", 2},       /* overlong '/' */
        {"\xed\xa0\x80", 0},     /* an encoded surrogate */
        {"\xf4\x90\x80\x80", 0}, /* past U+10FFFF */
        {"caf\xc3", 3},          /* cut short */
        {"\xe2\x82", 0},
        {"x\x80", 1},
    };
    const char *prefix = "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":\"";
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char want[128];
        snprintf(want, sizeof want,
                 "event.name: value is not valid UTF-8 (byte %zu of the request)",
                 strlen(prefix) + (size_t)cases[i].bad);
        refused(z, "send_event", zapi_event(cases[i].name), SE_E_INVALID, want);
    }
    /* outside any string: a key */
    refused(z, "send_event", "{\"phone\":\"120363019502650977-group\",\"ev\xfe\":{}}", SE_E_INVALID,
            "ev?: key is not valid UTF-8 (byte 39 of the request)");
    /* valid UTF-8 of every length passes this check (and is sent) */
    server_reset(ANSWER_RAW, OK_ZAPI);
    se_response *r = NULL;
    CHECK_INT(se_send(z, "send_event", zapi_event("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), &r),
              SE_OK);
    CHECK_INT(atomic_load(&S.api_requests), 1);
    se_response_free(r);
    se_client_free(z);
}

/* A Z-API send_event with `arrays` nested arrays as event.x: nesting arrays + 2. */
static char *nested(int arrays) {
    char *json = malloc((size_t)arrays * 2 + 256);
    int n = sprintf(json, "{\"phone\":\"%s\",\"event\":{\"name\":\"n\",\"x\":", GROUP);
    for (int i = 0; i < arrays; i++)
        json[n++] = '[';
    for (int i = 0; i < arrays; i++)
        json[n++] = ']';
    strcpy(json + n, "}}");
    return json;
}

static void test_nesting(void) {
    se_client *z = zapi_client(URL, NULL);
    char *json = nested(126); /* 128 levels: not refused for its depth (x is unknown) */
    CHECK_INT(se_validate(z, "send_event", json), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(z), "event.x");
    CHECK_LACKS(se_client_errmsg(z), "nested deeper");
    free(json);
    int too_deep[] = {127, 1000, 100000};
    for (size_t i = 0; i < sizeof too_deep / sizeof too_deep[0]; i++) {
        json = nested(too_deep[i]);
        refused(z, "send_event", json, SE_E_INVALID, "event.x[0][0][0]");
        CHECK_HAS(se_client_errmsg(z), ": nested deeper than 128 levels");
        free(json);
    }
    se_client_free(z);
}

/* ---- options ---------------------------------------------------------------------------- */

static void test_options_checked_when_set(void) {
    se_client *z = NULL;
    CHECK_INT(se_client_new(&z, "zapi"), SE_OK);
    static const struct {
        const char *key, *value, *want;
    } bad[] = {
        {"base_url", "http://127.0.0.1:1/\x01x",
         "base_url: must not contain control characters (byte 19)"},
        {"base_url", "https://example.com/a\x7f", "base_url: must not contain control characters"},
        {"instance_id", "in st", "instance_id: must not contain whitespace (byte 2)"},
        {"token", "tok\ten", "token: must not contain control characters (byte 3)"},
        {"client_token", " ct", "client_token: must not contain whitespace"},
        {"user_agent", "agent ", "user_agent: must not contain leading or trailing whitespace"},
        {"user_agent", "agent\x1b[31m", "user_agent: must not contain control characters"},
        {"timeout", " 5", "timeout: must not contain whitespace"},
        {"max_attempts", "3\n", "max_attempts: must not contain control characters"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(se_client_set(z, bad[i].key, bad[i].value), SE_E_INVALID);
        CHECK_HAS(se_client_errmsg(z), bad[i].want);
    }
    /* a 9 MB token: refused at once, and the message does not carry it */
    size_t big = 9u << 20;
    char *token = malloc(big + 1);
    memset(token, 'k', big);
    token[big] = '\0';
    CHECK_INT(se_client_set(z, "token", token), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(z), "token: at most 256 bytes long");
    CHECK_LACKS(se_client_errmsg(z), "kkkk");
    /* each option's maximum: exactly it passes, one more byte does not */
    static const struct {
        const char *key;
        size_t max;
    } max[] = {{"instance_id", 256},
               {"token", 256},
               {"client_token", 256},
               {"user_agent", 256},
               {"ca_file", 4096}};
    for (size_t i = 0; i < sizeof max / sizeof max[0]; i++) {
        token[max[i].max] = '\0';
        CHECK_INT(se_client_set(z, max[i].key, token), SE_OK);
        token[max[i].max] = 'k';
        token[max[i].max + 1] = '\0';
        CHECK_INT(se_client_set(z, max[i].key, token), SE_E_INVALID);
        CHECK_HAS(se_client_errmsg(z), max[i].key);
        CHECK_HAS(se_client_errmsg(z), "bytes long");
        token[max[i].max + 1] = 'k';
    }
    char url[2100] = "https://example.com/";
    memset(url + strlen(url), 'p', 2048 - strlen(url));
    url[2048] = '\0';
    CHECK_INT(se_client_set(z, "base_url", url), SE_OK);
    strcat(url, "p");
    CHECK_INT(se_client_set(z, "base_url", url), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(z), "base_url: at most 2048 bytes long");
    free(token);
    /* spaces where they mean something */
    CHECK_INT(se_client_set(z, "user_agent", "my agent/1.0 (linux)"), SE_OK);
    CHECK_INT(se_client_set(z, "ca_file", "/etc/my certs/ca.pem"), SE_OK);
    se_client_free(z);

    se_client *s = NULL;
    CHECK_INT(se_client_new(&s, "sinch"), SE_OK);
    CHECK_INT(se_client_set(s, "key_secret", "zqzq\x01zqzq"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(s), "key_secret: must not contain control characters");
    CHECK_LACKS(se_client_errmsg(s), "zq");
    CHECK_INT(se_client_set(s, "project_id", "a b"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(s), "project_id: must not contain whitespace");
    CHECK_INT(se_client_set(s, "auth_url", "https://auth.example.com/\x0btoken"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(s), "auth_url: must not contain control characters");
    se_client_free(s);
}

/* ---- proxies ----------------------------------------------------------------------------- */

static void test_proxies(void) {
    clear_proxies();
    setenv("http_proxy", "http://192.0.2.1:3128", 1);
    se_client *z = zapi_client(URL, NULL); /* reads the environment when options are set */
    refused(z, "send_event", zapi_event("n"), SE_E_INVALID,
            "base_url: plain http:// would travel in clear through the proxy in http_proxy");
    CHECK_LACKS(se_client_errmsg(z), "192.0.2.1");
    /* the user may opt in (not sent here: the proxy does not exist) */
    CHECK_INT(se_client_set(z, "allow_insecure_http", "true"), SE_OK);
    CHECK_INT(se_validate(z, "send_event", zapi_event("n")), SE_OK);
    CHECK_INT(se_client_set(z, "allow_insecure_http", "false"), SE_OK);
    /* a proxy on loopback, a host the proxy is not used for */
    char proxy[96];
    snprintf(proxy, sizeof proxy, "127.0.0.1:%d", S.port); /* no scheme: http */
    setenv("http_proxy", proxy, 1);
    CHECK_INT(se_client_set(z, "max_attempts", "1"), SE_OK);
    CHECK_INT(se_validate(z, "send_event", zapi_event("n")), SE_OK);
    setenv("http_proxy", "http://user:pw@192.0.2.1:3128", 1);
    setenv("no_proxy", "example.com, 127.0.0.1", 1);
    CHECK_INT(se_client_set(z, "max_attempts", "1"), SE_OK);
    CHECK_INT(se_validate(z, "send_event", zapi_event("n")), SE_OK);
    setenv("no_proxy", "0.0.1", 1); /* an address matches only itself */
    CHECK_INT(se_client_set(z, "max_attempts", "1"), SE_OK);
    refused(z, "send_event", zapi_event("n"), SE_E_INVALID, "http_proxy");
    CHECK_LACKS(se_client_errmsg(z), "pw@");
    unsetenv("no_proxy");
    /* all_proxy (any scheme) carries plain http too */
    unsetenv("http_proxy");
    setenv("ALL_PROXY", "socks5h://192.0.2.1:1080", 1);
    CHECK_INT(se_client_set(z, "max_attempts", "1"), SE_OK);
    refused(z, "send_event", zapi_event("n"), SE_E_INVALID, "proxy in ALL_PROXY");
    se_client_free(z);
    /* https through an http proxy is a tunnel (CONNECT): allowed */
    clear_proxies();
    setenv("https_proxy", "http://192.0.2.1:3128", 1);
    setenv("http_proxy", "http://192.0.2.1:3128", 1);
    z = zapi_client("https://api.z-api.io", NULL);
    CHECK_INT(se_validate(z, "send_event", zapi_event("n")), SE_OK);
    se_client_free(z);
    /* Sinch: the token endpoint too */
    se_client *s = sinch_client();
    CHECK_INT(se_client_set(s, "base_url", "https://us.conversation.api.sinch.com"), SE_OK);
    refused(s, "send_event", SINCH_EVENT, SE_E_INVALID,
            "auth_url: plain http:// would travel in clear through the proxy in http_proxy");
    se_client_free(s);
    clear_proxies();
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    clear_proxies();
    server_start();
    test_nul_in_strings();
    test_invalid_utf8();
    test_nesting();
    test_options_checked_when_set();
    test_proxies();
    server_stop();
    return se_test_summary("test_hardening");
}
