/* test_hardening.c - hostile input and hostile servers (issue 13): every
 * request string checked whole (NUL, UTF-8, nesting), options checked
 * completely when set, plain http through a proxy, tokens and echoes from
 * servers, credentials in URLs, oversized and endless response headers.
 * A small server on loopback (a thread of this test) plays the provider and
 * counts what reached it, so that "nothing was sent" is checked, not assumed. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "sendevent/sendevent.h"

/* ---- the capture server ------------------------------------------------------------ */

typedef enum {
    ANSWER_RAW,       /* api_answer as written ("%PATH%" replaced by the request path) */
    ANSWER_BIGLINE,   /* a 1 MiB header line */
    ANSWER_BIGSTATUS, /* a 1 MiB status line */
    ANSWER_MANY,      /* 100,000 header lines */
    ANSWER_CONTINUE,  /* 100 Continue, endlessly */
    ANSWER_DEEP,      /* a 200 whose body nests 100,000 deep */
} answer_mode;

static struct server {
    int fd, port;
    pthread_t thread;
    atomic_bool stop;
    atomic_int api_requests, token_requests;
    answer_mode mode;
    char api_answer[4096];
    int token_status;
    char token_body[8192]; /* "%AUTH%" is replaced by the Authorization received */
    char last_auth[1024], last_path[1024];
    pthread_mutex_t lock;
} S;

static char URL[64];

static void put(int fd, const char *data, size_t n) {
    while (n > 0) {
        ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        data += w;
        n -= (size_t)w;
    }
}

static void put_str(int fd, const char *s) {
    put(fd, s, strlen(s));
}

/* Copies `tmpl` into out with `mark` replaced by `value`. */
static void fill(char *out, size_t cap, const char *tmpl, const char *mark, const char *value) {
    const char *hit = strstr(tmpl, mark);
    if (!hit)
        snprintf(out, cap, "%s", tmpl);
    else
        snprintf(out, cap, "%.*s%s%s", (int)(hit - tmpl), tmpl, value, hit + strlen(mark));
}

static void answer(int fd, const char *path) {
    char buf[16384];
    switch (S.mode) {
    case ANSWER_RAW:
        fill(buf, sizeof buf, S.api_answer, "%PATH%", path);
        put_str(fd, buf);
        break;
    case ANSWER_BIGLINE:
    case ANSWER_BIGSTATUS: /* a 1 MiB line: a header's value, or the status line's reason */
        put_str(fd, S.mode == ANSWER_BIGLINE ? "HTTP/1.1 200 OK\r\nX-Big: " : "HTTP/1.1 200 ");
        memset(buf, 'a', sizeof buf);
        for (int i = 0; i < 64; i++)
            put(fd, buf, sizeof buf);
        put_str(fd, "\r\nContent-Length: 2\r\n\r\n{}");
        break;
    case ANSWER_MANY:
        put_str(fd, "HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < 100000; i++)
            put_str(fd, "X-A: b\r\n");
        put_str(fd, "Content-Length: 2\r\n\r\n{}");
        break;
    case ANSWER_CONTINUE:
        for (int i = 0; i < 100000 && !S.stop; i++)
            put_str(fd, "HTTP/1.1 100 Continue\r\n\r\n");
        break;
    case ANSWER_DEEP: {
        enum { DEPTH = 100000 };
        char *body = malloc(2 * DEPTH + 16);
        int n = sprintf(body, "{\"Id\":");
        for (int i = 0; i < DEPTH; i++)
            body[n++] = '[';
        for (int i = 0; i < DEPTH; i++)
            body[n++] = ']';
        body[n++] = '}';
        snprintf(buf, sizeof buf,
                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                 "Connection: close\r\n\r\n",
                 n);
        put_str(fd, buf);
        put(fd, body, (size_t)n);
        free(body);
        break;
    }
    }
}

/* Reads one request (head and Content-Length body), records it, answers. */
static void serve(int fd) {
    char req[65536];
    size_t n = 0;
    char *head_end = NULL;
    while (n < sizeof req - 1 && !head_end) {
        ssize_t r = recv(fd, req + n, sizeof req - 1 - n, 0);
        if (r <= 0)
            return;
        n += (size_t)r;
        req[n] = '\0';
        head_end = strstr(req, "\r\n\r\n");
    }
    if (!head_end)
        return;
    const char *cl = strcasestr(req, "\r\nContent-Length:");
    size_t want = (size_t)(head_end + 4 - req) + (cl ? strtoul(cl + 17, NULL, 10) : 0);
    while (n < want && n < sizeof req - 1) {
        ssize_t r = recv(fd, req + n, sizeof req - 1 - n, 0);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    req[n] = '\0';
    char path[1024] = "", auth[1024] = "";
    sscanf(req, "%*s %1023s", path);
    const char *h = strcasestr(req, "\r\nAuthorization: ");
    if (h)
        snprintf(auth, sizeof auth, "%.*s", (int)strcspn(h + 17, "\r\n"), h + 17);
    pthread_mutex_lock(&S.lock);
    snprintf(S.last_path, sizeof S.last_path, "%s", path);
    snprintf(S.last_auth, sizeof S.last_auth, "%s", auth);
    pthread_mutex_unlock(&S.lock);
    if (strstr(path, "/oauth2/token")) {
        atomic_fetch_add(&S.token_requests, 1);
        char body[8192 + 1024], head[256];
        fill(body, sizeof body, S.token_body, "%AUTH%", auth);
        snprintf(head, sizeof head,
                 "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                 "Connection: close\r\n\r\n",
                 S.token_status, strlen(body));
        put_str(fd, head);
        put_str(fd, body);
        return;
    }
    atomic_fetch_add(&S.api_requests, 1);
    answer(fd, path);
}

static void *server_main(void *arg) {
    (void)arg;
    while (!S.stop) {
        struct pollfd p = {S.fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        int c = accept(S.fd, NULL, NULL);
        if (c < 0)
            continue;
        serve(c);
        shutdown(c, SHUT_RDWR);
        close(c);
    }
    return NULL;
}

static void server_start(void) {
    pthread_mutex_init(&S.lock, NULL);
    S.fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (bind(S.fd, (struct sockaddr *)&a, sizeof a) || listen(S.fd, 16) ||
        getsockname(S.fd, (struct sockaddr *)&a, &len)) {
        perror("capture server");
        exit(1);
    }
    S.port = ntohs(a.sin_port);
    snprintf(URL, sizeof URL, "http://127.0.0.1:%d", S.port);
    pthread_create(&S.thread, NULL, server_main, NULL);
}

static void server_stop(void) {
    S.stop = true;
    pthread_join(S.thread, NULL);
    close(S.fd);
}

static void server_reset(answer_mode mode, const char *api_answer) {
    S.mode = mode;
    snprintf(S.api_answer, sizeof S.api_answer, "%s", api_answer ? api_answer : "");
    S.api_requests = 0;
    S.token_requests = 0;
    S.token_status = 200;
    snprintf(S.token_body, sizeof S.token_body,
             "{\"access_token\":\"good-token\",\"expires_in\":3600,\"token_type\":\"bearer\"}");
}

#define OK_ZAPI                                                                                    \
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 18\r\nConnection: "      \
    "close\r\n\r\n{\"messageId\":\"M1\"}"
#define OK_SINCH                                                                                   \
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\nConnection: "      \
    "close\r\n\r\n{\"event_id\":\"E1\"}"

/* ---- clients --------------------------------------------------------------------------- */

static const char *GROUP = "120363019502650977-group";

static se_client *zapi_client(const char *base_url, const char *token) {
    se_client *c = NULL;
    CHECK_INT(se_client_new(&c, "zapi"), SE_OK);
    CHECK_INT(se_client_set(c, "base_url", base_url), SE_OK);
    CHECK_INT(se_client_set(c, "instance_id", "inst-1"), SE_OK);
    CHECK_INT(se_client_set(c, "token", token ? token : "zapi-token-1"), SE_OK);
    CHECK_INT(se_client_set(c, "client_token", "client-token-secret"), SE_OK);
    CHECK_INT(se_client_set(c, "max_attempts", "1"), SE_OK);
    return c;
}

static se_client *sinch_client(void) {
    se_client *c = NULL;
    char auth_url[128];
    snprintf(auth_url, sizeof auth_url, "%s/oauth2/token", URL);
    CHECK_INT(se_client_new(&c, "sinch"), SE_OK);
    CHECK_INT(se_client_set(c, "base_url", URL), SE_OK);
    CHECK_INT(se_client_set(c, "auth_url", auth_url), SE_OK);
    CHECK_INT(se_client_set(c, "project_id", "P"), SE_OK);
    CHECK_INT(se_client_set(c, "key_id", "the-key-id"), SE_OK);
    CHECK_INT(se_client_set(c, "key_secret", "the-key-secret"), SE_OK);
    CHECK_INT(se_client_set(c, "max_attempts", "1"), SE_OK);
    return c;
}

static const char *SINCH_EVENT =
    "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},\"event\":{\"composing_event\":{}}}";

/* A Z-API send_event whose event name is `name` (JSON string contents). */
static char *zapi_event(const char *name) {
    static char buf[4096];
    snprintf(
        buf, sizeof buf,
        "{\"phone\":\"%s\",\"event\":{\"name\":\"%s\",\"dateTime\":\"2024-04-29T09:30:53.309Z\"}}",
        GROUP, name);
    return buf;
}

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

static void clear_proxies(void) {
    const char *names[] = {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy",
                           "ALL_PROXY",  "no_proxy",    "NO_PROXY"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unsetenv(names[i]);
}

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
    test_nul_in_strings();
    test_invalid_utf8();
    test_nesting();
    test_options_checked_when_set();
    test_proxies();
    test_token_endpoint();
    test_echoed_secrets_scrubbed();
    test_url_credentials();
    test_hostile_headers();
    server_stop();
    return se_test_summary("test_hardening");
}
