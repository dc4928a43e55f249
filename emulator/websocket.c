/* websocket.c - the Connect participant websocket (websocket.h).
 *
 * The handshake is an ordinary request (checked here, answered 101 by libmicrohttpd's upgrade
 * machinery); after it each websocket gets its own thread, which alone reads and writes the
 * socket. Other threads hand it frames through its outbox and wake it with an eventfd.
 * Client frames must be masked (RFC 6455 §5.1); server frames are not. Text messages are
 * Connect's JSON envelopes: {"topic":"aws/subscribe","content":{"topics":["aws/chat"]}},
 * {"topic":"aws/unsubscribe",...} and {"topic":"aws/heartbeat"} are answered on the same
 * topic; anything else is ignored. */
#include "websocket.h"

#include "crypto.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_MESSAGE (1 << 20) /* larger client messages: close 1009 */
#define SEND_TIMEOUT_MS 5000

struct frame {
    char *data;
    size_t len;
    struct frame *next;
};

struct ws {
    char key[64];
    MHD_socket sock;
    struct MHD_UpgradeResponseHandle *urh;
    int wake; /* eventfd */
    pthread_t thread;
    bool started, subscribed, done;
    int close_code;                /* > 0: send a close frame with it and end */
    struct frame *out, **out_tail; /* guarded by mu */
    char *in;                      /* bytes read, not yet a whole frame (thread only) */
    size_t in_len, in_cap;
    char *msg; /* a fragmented message being assembled (thread only) */
    size_t msg_len;
    struct ws *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct ws *all;
static bool stopping;

/* ------------------------------------------------------------------ frames out */

/* A server frame: FIN, opcode, unmasked payload. */
static struct frame *frame_new(int opcode, const char *payload, size_t n) {
    struct frame *f = xmalloc(sizeof *f);
    f->data = xmalloc(n + 10);
    size_t h = 0;
    f->data[h++] = (char)(0x80 | opcode);
    if (n < 126) {
        f->data[h++] = (char)n;
    } else if (n < 65536) {
        f->data[h++] = 126;
        f->data[h++] = (char)(n >> 8);
        f->data[h++] = (char)n;
    } else {
        f->data[h++] = 127;
        for (int i = 7; i >= 0; i--)
            f->data[h++] = (char)((uint64_t)n >> (8 * i));
    }
    if (n)
        memcpy(f->data + h, payload, n);
    f->len = h + n;
    f->next = NULL;
    return f;
}

static void wake(struct ws *w) {
    uint64_t one = 1;
    if (write(w->wake, &one, sizeof one) < 0) { /* the counter is saturated: awake anyway */
    }
}

static void enqueue_locked(struct ws *w, struct frame *f) {
    *w->out_tail = f;
    w->out_tail = &f->next;
    wake(w);
}

static void send_text_locked(struct ws *w, const char *text) {
    enqueue_locked(w, frame_new(0x1, text, strlen(text)));
}

static bool send_all(struct ws *w, const char *p, size_t n) {
    int64_t deadline = mono_ms() + SEND_TIMEOUT_MS;
    while (n > 0) {
        ssize_t k = send(w->sock, p, n, MSG_NOSIGNAL);
        if (k > 0) {
            p += k;
            n -= (size_t)k;
            continue;
        }
        if (k < 0 && errno != EAGAIN && errno != EINTR)
            return false;
        int64_t left = deadline - mono_ms();
        struct pollfd pfd = {.fd = w->sock, .events = POLLOUT};
        if (left <= 0 || poll(&pfd, 1, (int)left) < 0)
            return false;
    }
    return true;
}

/* Sends what is queued; false when the socket failed. */
static bool flush(struct ws *w) {
    for (;;) {
        pthread_mutex_lock(&mu);
        struct frame *f = w->out;
        if (f) {
            w->out = f->next;
            if (!w->out)
                w->out_tail = &w->out;
        }
        pthread_mutex_unlock(&mu);
        if (!f)
            return true;
        bool ok = send_all(w, f->data, f->len);
        free(f->data);
        free(f);
        if (!ok)
            return false;
    }
}

static void send_close(struct ws *w, int code) {
    char payload[2] = {(char)(code >> 8), (char)code};
    struct frame *f = frame_new(0x8, payload, 2);
    send_all(w, f->data, f->len);
    free(f->data);
    free(f);
}

/* ------------------------------------------------------------------ messages in */

static void on_text(struct ws *w, const char *text, size_t n) {
    cJSON *doc = cJSON_ParseWithLength(text, n);
    const cJSON *topic = cJSON_GetObjectItemCaseSensitive(doc, "topic");
    const char *t = cJSON_IsString(topic) ? topic->valuestring : "";
    bool sub = strcmp(t, "aws/subscribe") == 0, unsub = strcmp(t, "aws/unsubscribe") == 0;
    if (sub || unsub) {
        const cJSON *topics = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(doc, "content"), "topics");
        cJSON *ans = cJSON_CreateObject();
        cJSON_AddStringToObject(ans, "topic", t);
        cJSON *content = cJSON_AddObjectToObject(ans, "content");
        bool chat = false;
        for (const cJSON *it = cJSON_IsArray(topics) ? topics->child : NULL; it; it = it->next)
            chat |= cJSON_IsString(it) && strcmp(it->valuestring, "aws/chat") == 0;
        cJSON_AddStringToObject(content, "status", chat ? "success" : "failure");
        cJSON_AddItemToObject(content, "topics",
                              topics ? cJSON_Duplicate(topics, true) : cJSON_CreateArray());
        char *out = cJSON_PrintUnformatted(ans);
        cJSON_Delete(ans);
        pthread_mutex_lock(&mu);
        if (chat)
            w->subscribed = sub;
        send_text_locked(w, out);
        pthread_mutex_unlock(&mu);
        free(out);
    } else if (strcmp(t, "aws/heartbeat") == 0) {
        pthread_mutex_lock(&mu);
        send_text_locked(w, "{\"topic\":\"aws/heartbeat\"}");
        pthread_mutex_unlock(&mu);
    }
    cJSON_Delete(doc);
}

/* Parses whole frames from w->in. Returns 0 to go on, else the close code to end with
 * (1000 for the peer's close). */
static int on_frames(struct ws *w) {
    size_t pos = 0;
    int code = 0;
    while (!code) {
        const unsigned char *p = (const unsigned char *)w->in + pos;
        size_t avail = w->in_len - pos;
        if (avail < 2)
            break;
        bool fin = p[0] & 0x80, masked = p[1] & 0x80;
        int op = p[0] & 0x0f;
        uint64_t len = p[1] & 0x7f;
        size_t h = 2;
        if (len == 126) {
            if (avail < 4)
                break;
            len = (uint64_t)p[2] << 8 | p[3];
            h = 4;
        } else if (len == 127) {
            if (avail < 10)
                break;
            len = 0;
            for (int i = 0; i < 8; i++)
                len = len << 8 | p[2 + i];
            h = 10;
        }
        if (!masked || (p[0] & 0x70))
            return 1002; /* protocol error: unmasked client frame or reserved bits */
        if (len > MAX_MESSAGE || w->msg_len + len > MAX_MESSAGE)
            return 1009;
        if (avail < h + 4 + len)
            break;
        const unsigned char *mask = p + h;
        char *payload = (char *)p + h + 4;
        for (uint64_t i = 0; i < len; i++)
            payload[i] ^= (char)mask[i % 4];
        pos += h + 4 + len;
        if (op == 0x8) {
            code = 1000;
        } else if (op == 0x9) { /* ping -> pong with the same payload */
            pthread_mutex_lock(&mu);
            enqueue_locked(w, frame_new(0xA, payload, (size_t)len));
            pthread_mutex_unlock(&mu);
        } else if (op == 0x1 || op == 0x2 || op == 0x0) {
            w->msg = xrealloc(w->msg, w->msg_len + len + 1);
            memcpy(w->msg + w->msg_len, payload, (size_t)len);
            w->msg_len += (size_t)len;
            if (fin) {
                if (op != 0x2) /* binary messages mean nothing to Connect */
                    on_text(w, w->msg, w->msg_len);
                free(w->msg);
                w->msg = NULL;
                w->msg_len = 0;
            }
        }
    }
    memmove(w->in, w->in + pos, w->in_len - pos);
    w->in_len -= pos;
    return code;
}

static int read_some(struct ws *w) {
    if (w->in_cap - w->in_len < 4096) {
        w->in_cap = w->in_cap * 2 + 8192;
        w->in = xrealloc(w->in, w->in_cap);
    }
    ssize_t n = recv(w->sock, w->in + w->in_len, w->in_cap - w->in_len, 0);
    if (n == 0)
        return -1;
    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : -1;
    w->in_len += (size_t)n;
    return on_frames(w);
}

/* ------------------------------------------------------------------ the thread */

static void *ws_main(void *arg) {
    struct ws *w = arg;
    int code = w->in_len ? on_frames(w) : 0; /* bytes MHD had already read */
    while (code == 0) {
        if (!flush(w))
            break;
        pthread_mutex_lock(&mu);
        code = w->close_code;
        pthread_mutex_unlock(&mu);
        if (code)
            break;
        struct pollfd pfd[2] = {{.fd = w->sock, .events = POLLIN},
                                {.fd = w->wake, .events = POLLIN}};
        if (poll(pfd, 2, -1) < 0 && errno != EINTR)
            break;
        if (pfd[1].revents & POLLIN) {
            uint64_t v;
            if (read(w->wake, &v, sizeof v) < 0) { /* nothing to do: woken anyway */
            }
        }
        if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
            code = read_some(w);
        if (code < 0)
            break; /* the peer went away: nothing to close with */
    }
    if (code > 0) {
        flush(w); /* answers queued before the close */
        send_close(w, code);
    }
    shutdown(w->sock, SHUT_RDWR);
    MHD_upgrade_action(w->urh, MHD_UPGRADE_ACTION_CLOSE);
    pthread_mutex_lock(&mu);
    w->subscribed = false;
    w->done = true;
    pthread_mutex_unlock(&mu);
    return NULL;
}

static void ws_free(struct ws *w) {
    while (w->out) {
        struct frame *f = w->out;
        w->out = f->next;
        free(f->data);
        free(f);
    }
    if (w->wake >= 0)
        close(w->wake);
    free(w->in);
    free(w->msg);
    free(w);
}

/* Joins and frees finished websockets (not while websocket_stop joins them itself). */
static void reap_locked(void) {
    for (struct ws **pp = &all; *pp && !stopping;) {
        struct ws *w = *pp;
        if (w->done) {
            *pp = w->next;
            if (w->started)
                pthread_join(w->thread, NULL);
            ws_free(w);
        } else {
            pp = &w->next;
        }
    }
}

static void on_upgrade(void *cls, struct MHD_Connection *conn, void *con_cls, const char *extra,
                       size_t extra_len, MHD_socket sock, struct MHD_UpgradeResponseHandle *urh) {
    (void)conn, (void)con_cls;
    struct ws *w = cls;
    w->sock = sock;
    w->urh = urh;
    int fl = fcntl(sock, F_GETFL);
    if (fl >= 0)
        fcntl(sock, F_SETFL, fl | O_NONBLOCK);
    if (extra_len) {
        w->in_cap = extra_len + 8192;
        w->in = xmalloc(w->in_cap);
        memcpy(w->in, extra, extra_len);
        w->in_len = extra_len;
    }
    pthread_mutex_lock(&mu);
    if (!stopping && pthread_create(&w->thread, NULL, ws_main, w) == 0) {
        w->started = true;
    } else {
        MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
        w->done = true;
    }
    pthread_mutex_unlock(&mu);
}

/* ------------------------------------------------------------------ handshake */

static struct MHD_Response *ws_error(int status, const char *message, unsigned *out) {
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "message", message);
    char *text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    if (status == 426)
        MHD_add_response_header(resp, "Sec-WebSocket-Version", "13");
    *out = (unsigned)status;
    return resp;
}

/* A comma-separated header value contains token (case-insensitively). */
static bool has_token(const char *value, const char *token) {
    size_t n = strlen(token);
    for (const char *p = value; p && *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ",");
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == n && str_prefix_ieq(p, token))
            return true;
        p += strcspn(p, ",");
    }
    return false;
}

struct MHD_Response *websocket_response(const struct request *rq, const char *key, bool allowed,
                                        const char *why, unsigned *status) {
    if (strcmp(rq->method, "GET") != 0) {
        struct MHD_Response *r = ws_error(405, "method not allowed: use GET", status);
        MHD_add_response_header(r, "Allow", "GET");
        return r;
    }
    const char *upgrade = request_header(rq, "Upgrade");
    const char *connection = request_header(rq, "Connection");
    const char *version = request_header(rq, "Sec-WebSocket-Version");
    const char *wskey = request_header(rq, "Sec-WebSocket-Key");
    if (!upgrade || !has_token(upgrade, "websocket") || !connection ||
        !has_token(connection, "upgrade"))
        return ws_error(426, "a websocket handshake is required (Upgrade: websocket)", status);
    if (!version || strcmp(version, "13") != 0)
        return ws_error(426, "Sec-WebSocket-Version must be 13", status);
    size_t raw_len = 0;
    char *raw = wskey ? base64_decode(wskey, &raw_len) : NULL;
    free(raw);
    if (!raw || raw_len != 16)
        return ws_error(400, "Sec-WebSocket-Key must be the base64 of 16 bytes", status);
    if (!allowed || strlen(key) >= sizeof((struct ws *)0)->key)
        return ws_error(403, why ? why : "unknown websocket", status);
    pthread_mutex_lock(&mu);
    bool down = stopping;
    pthread_mutex_unlock(&mu);
    if (down)
        return ws_error(503, "the emulator is stopping", status);

    struct ws *w = calloc(1, sizeof *w);
    if (!w)
        abort();
    strcpy(w->key, key);
    w->out_tail = &w->out;
    w->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (w->wake < 0) {
        free(w);
        return ws_error(500, "cannot create an eventfd", status);
    }
    char accept[32];
    websocket_accept(wskey, accept);
    struct MHD_Response *resp = MHD_create_response_for_upgrade(on_upgrade, w);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_UPGRADE, "websocket");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "Upgrade");
    MHD_add_response_header(resp, "Sec-WebSocket-Accept", accept);
    pthread_mutex_lock(&mu);
    reap_locked();
    w->next = all;
    all = w;
    pthread_mutex_unlock(&mu);
    *status = MHD_HTTP_SWITCHING_PROTOCOLS;
    return resp;
}

/* ------------------------------------------------------------------ pushing and closing */

int websocket_broadcast(const char *key, const char *text) {
    int n = 0;
    pthread_mutex_lock(&mu);
    for (struct ws *w = all; w; w = w->next)
        if (w->subscribed && !w->done && !w->close_code && strcmp(w->key, key) == 0) {
            send_text_locked(w, text);
            n++;
        }
    pthread_mutex_unlock(&mu);
    return n;
}

static void close_locked(const char *key, int code) {
    for (struct ws *w = all; w; w = w->next)
        if (!w->done && !w->close_code && (!key || strcmp(w->key, key) == 0)) {
            w->close_code = code;
            wake(w);
        }
}

void websocket_close(const char *key) {
    pthread_mutex_lock(&mu);
    close_locked(key, 1000);
    pthread_mutex_unlock(&mu);
}

void websocket_stop(void) {
    pthread_mutex_lock(&mu);
    stopping = true;
    close_locked(NULL, 1001); /* going away */
    for (struct ws *w = all; w; w = w->next) {
        if (!w->started)
            continue;
        pthread_mutex_unlock(&mu); /* the thread takes mu on its way out */
        pthread_join(w->thread, NULL);
        pthread_mutex_lock(&mu);
        w->started = false;
    }
    pthread_mutex_unlock(&mu);
}

void websocket_free(void) {
    pthread_mutex_lock(&mu);
    while (all) {
        struct ws *w = all;
        all = w->next;
        ws_free(w);
    }
    pthread_mutex_unlock(&mu);
}
