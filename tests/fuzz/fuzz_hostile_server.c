/* fuzz_hostile_server.c - the fuzzer plays a hostile server: whatever bytes it
 * makes up (status line, headers, body, interim answers, garbage) are the
 * answer a real se_send reads from a loopback socket, through libcurl, the
 * header and body callbacks, status mapping, token handling (Sinch OAuth:
 * the token endpoint answers the same bytes), retries and response building.
 *
 * Byte 0 picks the client (Sinch basic, Sinch OAuth, Z-API, Connect); the
 * rest is the answer, written to every connection of that send and then
 * closed, so a send never waits on the fuzzer for long.
 *
 * Each input gets new clients (no pooled easy handle from an earlier input):
 * Debian's libcurl 7.88.1 reads freed memory when a reused easy handle gets
 * an answer whose first header line is an obsolete folded line (" x: y" right
 * after the status line), even after curl_easy_reset; that is libcurl's bug,
 * reported with a reproducer, not this library's. Build with
 * -DSE_FUZZ_REUSE_CLIENTS to keep clients across inputs (and find it). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sendevent/sendevent.h"

static struct {
    int fd, port;
    pthread_mutex_t lock;
    const uint8_t *answer; /* the current input, while a send runs */
    size_t answer_len;
} server = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Reads the request head and its Content-Length body (all clients send one). */
static void read_request(int fd) {
    char buf[8192];
    size_t n = 0, want = 0;
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 1000) <= 0)
            return;
        ssize_t r = recv(fd, buf + n, sizeof buf - 1 - n, 0);
        if (r <= 0)
            return;
        n += (size_t)r;
        buf[n] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end && !want) {
            const char *cl = strcasestr(buf, "\r\nContent-Length:");
            want = (size_t)(end + 4 - buf) + (cl ? strtoul(cl + 17, NULL, 10) : 0);
        }
        if ((want && n >= want) || n == sizeof buf - 1)
            return;
    }
}

static void *serve(void *arg) {
    (void)arg;
    for (;;) {
        int c = accept(server.fd, NULL, NULL);
        if (c < 0)
            continue;
        read_request(c);
        pthread_mutex_lock(&server.lock);
        const uint8_t *p = server.answer;
        size_t left = server.answer_len;
        while (p && left > 0) {
            ssize_t w = send(c, p, left, MSG_NOSIGNAL);
            if (w <= 0)
                break;
            p += w;
            left -= (size_t)w;
        }
        pthread_mutex_unlock(&server.lock);
        shutdown(c, SHUT_RDWR);
        close(c);
    }
    return NULL;
}

static void start(void) {
    signal(SIGPIPE, SIG_IGN);
    server.fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (bind(server.fd, (struct sockaddr *)&a, sizeof a) || listen(server.fd, 64) ||
        getsockname(server.fd, (struct sockaddr *)&a, &len))
        abort();
    server.port = ntohs(a.sin_port);
    pthread_t t;
    pthread_create(&t, NULL, serve, NULL);
    pthread_detach(t);
}

static se_client *make_client(int kind) {
    static const char *const providers[] = {"sinch", "sinch", "zapi", "connect"};
    char url[64], auth_url[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", server.port);
    snprintf(auth_url, sizeof auth_url, "%s/oauth2/token", url);
    se_client *c = NULL;
    if (se_client_new(&c, providers[kind]) != SE_OK)
        abort();
    se_client_set(c, "base_url", url);
    se_client_set(c, "max_attempts", "2");
    se_client_set(c, "retry_base_delay", "0");
    se_client_set(c, "retry_max_delay", "0"); /* a Retry-After past it: no retry */
    se_client_set(c, "timeout", "5");
    se_client_set(c, "max_response_bytes", "65536");
    if (kind <= 1) {
        se_client_set(c, "project_id", "P");
        se_client_set(c, "key_id", "fuzz-key");
        se_client_set(c, "key_secret", "fuzz-secret");
        se_client_set(c, "auth", kind == 0 ? "basic" : "oauth2");
        se_client_set(c, "auth_url", auth_url);
    } else if (kind == 2) {
        se_client_set(c, "instance_id", "fuzz-instance");
        se_client_set(c, "token", "fuzz:token");
        se_client_set(c, "client_token", "fuzz-client-token");
    }
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static se_client *clients[4];
    static const char *const requests[] = {
        "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},\"event\":{\"composing_event\":{}}"
        "}",
        "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},\"event\":{\"composing_event\":{}}"
        "}",
        "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":\"n\",\"dateTime\":"
        "\"2024-04-29T09:30:53.309Z\"}}",
        "{\"ConnectionToken\":\"fuzz-connection-token\",\"ContentType\":"
        "\"application/vnd.amazonaws.connect.event.typing\"}"};
    if (!clients[0]) {
        start();
        for (int i = 0; i < 4; i++)
            clients[i] = make_client(i);
    }
    if (size < 1 || size > 1 << 20)
        return 0;
    int kind = data[0] & 3;
#ifdef SE_FUZZ_REUSE_CLIENTS
    if (data[0] & 4) { /* at times a new client: no cached token, no pooled connection */
#else
    {
#endif
        se_client_free(clients[kind]);
        clients[kind] = make_client(kind);
    }
    pthread_mutex_lock(&server.lock);
    server.answer = data + 1;
    server.answer_len = size - 1;
    pthread_mutex_unlock(&server.lock);

    se_response *r = NULL;
    se_status st = se_send(clients[kind], "send_event", requests[kind], &r);
    if (r) {
        /* what a hostile answer must never do: pass on a secret of the client (echoed as
         * it is, percent-encoded or as the Basic credential) */
        static const char *const secrets[4][4] = {
            {"fuzz-secret", "ZnV6ei1rZXk6ZnV6ei1zZWNyZXQ", NULL},
            {"fuzz-secret", "ZnV6ei1rZXk6ZnV6ei1zZWNyZXQ", NULL},
            {"fuzz:token", "fuzz%3Atoken", "fuzz-client-token", "fuzz-instance"},
            {"fuzz-connection-token", NULL}};
        const char *msg = se_response_error_message(r);
        for (int i = 0; msg && i < 4 && secrets[kind][i]; i++)
            if (strstr(msg, secrets[kind][i]))
                abort();
        if (st == SE_OK && se_response_status(r) != SE_OK)
            abort();
        se_response_id(r);
        se_response_header(r, "x-amzn-RequestId");
        for (size_t i = 0; i < se_response_header_count(r); i++) {
            const char *name, *value;
            se_response_header_at(r, i, &name, &value);
        }
        char *v = NULL;
        se_response_get(r, "error.details[0].message", &v);
        se_free(v);
        se_response_get_string(r, "message");
    }
    se_response_free(r);
    pthread_mutex_lock(&server.lock);
    server.answer = NULL;
    server.answer_len = 0;
    pthread_mutex_unlock(&server.lock);
    return 0;
}
