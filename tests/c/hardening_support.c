/* hardening_support.c - the capture server and the clients of the hardening
 * tests (hardening_support.h). */
#include "hardening_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

/* ---- the capture server ------------------------------------------------------------ */

struct server S;

char URL[64];

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

void server_start(void) {
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

void server_stop(void) {
    S.stop = true;
    pthread_join(S.thread, NULL);
    close(S.fd);
}

void server_reset(answer_mode mode, const char *api_answer) {
    S.mode = mode;
    snprintf(S.api_answer, sizeof S.api_answer, "%s", api_answer ? api_answer : "");
    S.api_requests = 0;
    S.token_requests = 0;
    S.token_status = 200;
    snprintf(S.token_body, sizeof S.token_body,
             "{\"access_token\":\"good-token\",\"expires_in\":3600,\"token_type\":\"bearer\"}");
}

/* ---- clients --------------------------------------------------------------------------- */

const char *GROUP = "120363019502650977-group";

se_client *zapi_client(const char *base_url, const char *token) {
    se_client *c = NULL;
    CHECK_INT(se_client_new(&c, "zapi"), SE_OK);
    CHECK_INT(se_client_set(c, "base_url", base_url), SE_OK);
    CHECK_INT(se_client_set(c, "instance_id", "inst-1"), SE_OK);
    CHECK_INT(se_client_set(c, "token", token ? token : "zapi-token-1"), SE_OK);
    CHECK_INT(se_client_set(c, "client_token", "client-token-secret"), SE_OK);
    CHECK_INT(se_client_set(c, "max_attempts", "1"), SE_OK);
    return c;
}

se_client *sinch_client(void) {
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

const char *SINCH_EVENT =
    "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},\"event\":{\"composing_event\":{}}}";

/* A Z-API send_event whose event name is `name` (JSON string contents). */
char *zapi_event(const char *name) {
    static char buf[4096];
    snprintf(
        buf, sizeof buf,
        "{\"phone\":\"%s\",\"event\":{\"name\":\"%s\",\"dateTime\":\"2024-04-29T09:30:53.309Z\"}}",
        GROUP, name);
    return buf;
}

void clear_proxies(void) {
    const char *names[] = {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy",
                           "ALL_PROXY",  "no_proxy",    "NO_PROXY"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unsetenv(names[i]);
}
