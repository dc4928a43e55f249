/* libmicrohttpd glue: the route table, request state and fault application.
 *
 * MHD runs an internal epoll loop per worker thread (a small pool). A handler never blocks:
 * a delayed answer is prepared at once and the connection is suspended (http_wait.c) until it
 * is due; a hung connection stays suspended until reset or shutdown closes it; a long poll of
 * the control API waits the same way, its answer made when it ends. */
#include "http.h"

#include "chat.h"
#include "control.h"
#include "emulator.h"
#include "http_faults.h"
#include "http_wait.h"
#include "ratelimit.h"
#include "reply.h"
#include "routes.h"
#include "store.h"
#include "util.h"
#include "watch.h"
#include "websocket.h"

#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ per-request state */

struct req {
    char *path;        /* raw path; the query follows its NUL */
    const char *query; /* into the same allocation */
    const char *method;
    struct MHD_Connection *conn;
    char *body;
    size_t body_len, body_cap;
    bool started, too_large;
    /* the outcome, prepared before any wait */
    struct MHD_Response *resp;
    unsigned status;
    bool close, reset, hang; /* reset: close with RST rather than FIN */
    long delay_ms;
    unsigned connection_requests; /* 1-based index of this request on its connection */
    bool watch;                   /* a GET /_emulator/changes that may wait (a long poll) */
    uint64_t since;               /* the version it waits to move from */
    bool waiting;                 /* parked (http_wait.c) at least once */
    struct waiter w;
};

/* Per-connection state (MHD's socket context): how many requests the connection has carried,
 * so that faults can single out reused keep-alive connections. Only the worker thread that owns
 * the connection touches it. */
struct conn_state {
    unsigned requests;
};

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
    (void)cls, (void)conn;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        struct conn_state *cs = xmalloc(sizeof *cs);
        cs->requests = 0;
        *socket_context = cs;
    } else {
        free(*socket_context);
        *socket_context = NULL;
    }
}

/* The URI log callback sees the request target before MHD percent-decodes it: routes and the
 * log use the raw path and query exactly as the client sent them. It runs once per request, so
 * it also counts the connection's requests. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn) {
    (void)cls;
    struct req *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct conn_state *cs = ci ? ci->socket_context : NULL;
    r->connection_requests = cs ? ++cs->requests : 1;
    size_t n = strlen(uri);
    r->path = xstrndup(uri, n);
    char *q = strchr(r->path, '?');
    if (q)
        *q++ = '\0';
    r->query = q ? q : r->path + n; /* "" when absent */
    r->conn = conn;
    return r;
}

static void req_free(struct req *r) {
    if (r->resp)
        MHD_destroy_response(r->resp);
    free(r->path);
    free(r->body);
    free(r);
}

static void on_complete(void *cls, struct MHD_Connection *conn, void **con_cls,
                        enum MHD_RequestTerminationCode toe) {
    (void)cls, (void)conn, (void)toe;
    if (*con_cls)
        req_free(*con_cls);
    *con_cls = NULL;
}

void http_release_hung(void) {
    wait_release_hung();
}

/* ------------------------------------------------------------------ handling */

struct hdr_buf {
    char *data;
    size_t len, cap;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value) {
    (void)kind;
    struct hdr_buf *b = cls;
    size_t kl = strlen(key), vl = value ? strlen(value) : 0;
    if (b->len + kl + vl + 2 > b->cap) {
        b->cap = (b->len + kl + vl + 2) * 2;
        b->data = xrealloc(b->data, b->cap);
    }
    for (size_t i = 0; i < kl; i++) {
        char c = key[i];
        b->data[b->len++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    b->data[b->len++] = '\0';
    if (vl)
        memcpy(b->data + b->len, value, vl);
    b->len += vl;
    b->data[b->len++] = '\0';
    return MHD_YES;
}

/* Headers every answer gets, added to the reply so that the log records them: a JSON
 * Content-Type unless one was given, and for Connect a fresh x-amzn-RequestId. */
static void reply_defaults(struct reply *rp, enum provider p) {
    if (!reply_has_header(rp, MHD_HTTP_HEADER_CONTENT_TYPE))
        reply_header(rp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    if (p == PROV_CONNECT && !reply_has_header(rp, "x-amzn-RequestId")) {
        char id[37];
        new_uuid(id);
        reply_header(rp, "x-amzn-RequestId", id);
    }
}

static void decorate(struct MHD_Response *resp, struct reply *rp, enum provider p) {
    reply_defaults(rp, p);
    for (int i = 0; i < rp->nheaders; i++)
        MHD_add_response_header(resp, rp->headers[i].name, rp->headers[i].value);
}

static struct MHD_Response *make_response(struct reply *rp, enum provider p) {
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(rp->body_len, rp->body, MHD_RESPMEM_MUST_FREE);
    rp->body = NULL; /* now owned by the response */
    decorate(resp, rp, p);
    return resp;
}

/* The control API and the participant websocket: never logged, never faulted, never
 * authenticated. Returns false for any other path. */
static bool process_control(struct req *r, const struct request *rq) {
    if (strncmp(r->path, WEBSOCKET_PATH, strlen(WEBSOCKET_PATH)) == 0) {
        const char *key = r->path + strlen(WEBSOCKET_PATH), *why;
        bool ok = chat_websocket_allowed(key, &why);
        r->resp = websocket_response(rq, key, ok, why, &r->status);
        return true;
    }
    if (strcmp(r->path, "/_emulator") != 0 && strncmp(r->path, "/_emulator/", 11) != 0)
        return false;
    long wait_ms;
    if (control_changes_wait(rq, &r->since, &wait_ms)) { /* answered when it ends (deliver) */
        r->watch = true;
        r->delay_ms = wait_ms;
        return true;
    }
    struct reply rp = {0};
    control_handle(rq, &rp);
    r->status = (unsigned)rp.status;
    r->resp = make_response(&rp, PROV_NONE);
    reply_clear(&rp);
    return true;
}

/* What process() decided about a request, for the log. */
struct outcome {
    const char *fault; /* the fault applied, or NULL */
    double received;   /* when a limit looked at it (monotonic seconds); 0 = when logged */
    bool accepted, throttled;
};

/* Logs one request with its outcome (rp: what was or would have been answered). */
static void log_request(const struct req *r, const struct route *rt, enum provider prov,
                        const struct reply *rp, const struct request *rq, const struct outcome *o) {
    struct hdr_buf hb = {0}, answer = {0};
    MHD_get_connection_values(r->conn, MHD_HEADER_KIND, collect_header, &hb);
    for (int i = 0; i < rp->nheaders; i++)
        collect_header(&answer, MHD_HEADER_KIND, rp->headers[i].name, rp->headers[i].value);
    struct record_in rec = {.provider = prov,
                            .op = rt ? rt->op : OP_NONE,
                            .method = r->method,
                            .path = r->path,
                            .query = r->query,
                            .headers = hb.data ? hb.data : "",
                            .headers_len = hb.len,
                            .body = rq->body,
                            .body_len = r->body_len,
                            /* 0 when not processed (close, reset, hang); after close_after
                             * and reset_after, the status that would have been answered */
                            .status = rp->status,
                            .connection_requests = r->connection_requests,
                            .received = o->received,
                            .accepted = o->accepted,
                            .replayed = rp->replayed,
                            .throttled = o->throttled,
                            .fault = o->fault,
                            .resp_headers = answer.data ? answer.data : "",
                            .resp_headers_len = answer.len,
                            .resp_body = rp->body ? rp->body : "",
                            .resp_body_len = rp->body ? rp->body_len : 0,
                            .resp_dropped = r->close};
    store_record(&rec);
    free(hb.data);
    free(answer.data);
    if (cfg.verbose)
        fprintf(stderr, "%s %s -> %d%s%s%s\n", r->method, r->path, rec.status,
                o->fault ? " fault=" : "", o->fault ? o->fault : "",
                o->throttled ? " throttled" : "");
}

/* A request no fault answers in place of: its route's limit, then 404, 413 or the handler. */
static void handle(struct req *r, const struct route *rt, enum provider prov, struct request *rq,
                   struct reply *rp, struct outcome *o) {
    if (!rt) {
        char msg[120];
        snprintf(msg, sizeof msg, "no such route: %s %.80s", r->method, r->path);
        error_for(prov)(rp, 404, msg);
    } else if (ratelimit_throttle(rt->provider, rt->op, rq->param[0], rt->error, rp,
                                  &o->received)) {
        o->throttled = true;
    } else if (r->too_large) {
        char msg[80];
        snprintf(msg, sizeof msg, "request body larger than %zu bytes", cfg.max_body_bytes);
        rt->error(rp, 413, msg);
    } else {
        rt->handle(rq, rp);
    }
    o->accepted = rt && !o->throttled && rp->status >= 200 && rp->status < 300 && !rp->replayed;
}

/* Decides the whole outcome of a request (answer, close or hang, and any delay) and logs it. */
static void process(struct req *r) {
    struct request rq = {.method = r->method,
                         .path = r->path,
                         .query = r->query,
                         .body = r->body ? r->body : "",
                         .body_len = r->body_len,
                         .conn = r->conn};
    struct reply rp = {0};

    if (process_control(r, &rq))
        return;

    const struct route *rt = route_find(&rq);
    enum provider prov = rt ? rt->provider : provider_by_prefix(r->path);
    struct fault_hit hit = {0};
    bool faulted = rt && store_fault_take(rt->provider, rt->op, r->connection_requests, &hit);
    struct outcome o = {0};

    if (faulted && !fault_processes(&hit)) {
        struct fault_outcome out = {0};
        o.fault = fault_answer(rt->error, &hit, &out, &rp);
        r->close = out.close;
        r->reset = out.reset;
        r->hang = out.hang;
        r->resp = out.resp;
    } else {
        if (faulted)
            o.fault = hit.action == ACT_NONE ? "latency" : fault_action_name(hit.action);
        handle(r, rt, prov, &rq, &rp, &o);
        /* processed and logged by its real outcome, but the answer is never sent */
        if (faulted && (hit.action == ACT_CLOSE_AFTER || hit.action == ACT_RESET_AFTER)) {
            r->close = true;
            r->reset = hit.action == ACT_RESET_AFTER;
        }
    }
    if (faulted) {
        add_fault_headers(&rp, &hit);
        r->delay_ms = hit.latency_ms;
    }
    if (rp.status)
        reply_defaults(&rp, prov);
    log_request(r, rt, prov, &rp, &rq, &o);

    if (!r->close && !r->hang) {
        r->status = (unsigned)rp.status;
        if (r->resp) /* oversized: the body comes from a callback */
            decorate(r->resp, &rp, prov);
        else
            r->resp = make_response(&rp, prov);
    }
    reply_clear(&rp);
    fault_hit_clear(&hit);
}

/* Aborts the connection with RST. SO_LINGER 0 alone is not enough: MHD shuts the socket down
 * for writing before it closes it, so a FIN goes out first and clients see an orderly close.
 * Disconnecting the TCP socket (connect to AF_UNSPEC, Linux) sends the RST at once; MHD's later
 * shutdown and close then send nothing. The linger stays as the fallback should that fail. */
static void reset_connection(struct MHD_Connection *conn) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci)
        return;
    struct linger abortive = {.l_onoff = 1, .l_linger = 0};
    setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
    struct sockaddr unspec = {.sa_family = AF_UNSPEC};
    if (connect(ci->connect_fd, &unspec, sizeof unspec) != 0 && cfg.verbose)
        perror("sendevent-emulator: reset: connect(AF_UNSPEC)");
}

/* The long poll's answer, made when it ends so that it carries the version of that moment. */
static void answer_watch(struct req *r) {
    char body[48];
    snprintf(body, sizeof body, "{\"version\":%llu}", (unsigned long long)watch_version());
    r->status = 200;
    r->resp = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r->resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    MHD_add_response_header(r->resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

static enum MHD_Result deliver(struct req *r) {
    if (r->w.released) /* by a reset (hangs) or at shutdown */
        return MHD_NO;
    if (r->watch) {
        r->watch = false;
        answer_watch(r);
    }
    if (r->reset)
        reset_connection(r->conn);
    if (r->close || !r->resp)
        return MHD_NO; /* MHD closes the connection without an answer */
    enum MHD_Result ret = MHD_queue_response(r->conn, r->status, r->resp);
    MHD_destroy_response(r->resp);
    r->resp = NULL;
    return ret;
}

/* Parks a request that waits (latency, hang, a long poll with nothing new) or answers it. */
static enum MHD_Result wait_or_deliver(struct req *r) {
    r->w.conn = r->conn;
    r->w.hang = r->hang;
    int parked = r->watch                     ? wait_park_watch(&r->w, r->delay_ms, r->since)
                 : r->hang || r->delay_ms > 0 ? (wait_park(&r->w, r->delay_ms) ? 1 : -1)
                                              : 0;
    r->waiting |= parked == 1;
    return parked == 1 ? MHD_YES : parked < 0 ? MHD_NO : deliver(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls) {
    (void)cls, (void)url, (void)version;
    struct req *r = *con_cls;
    if (!r)
        return MHD_NO;
    if (r->waiting) /* resumed after a delay, a reset or at shutdown */
        return deliver(r);
    if (!r->started) { /* headers are in; the body (if any) follows */
        r->started = true;
        r->method = method;
        r->conn = conn;
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->too_large || r->body_len + n > cfg.max_body_bytes) {
            r->too_large = true; /* keep reading, answer 413 at the end */
            return MHD_YES;
        }
        if (r->body_len + n + 1 > r->body_cap) {
            r->body_cap = (r->body_len + n + 1) * 2;
            r->body = xrealloc(r->body, r->body_cap);
        }
        memcpy(r->body + r->body_len, upload_data, n);
        r->body_len += n;
        r->body[r->body_len] = '\0';
        return MHD_YES;
    }
    process(r);
    return wait_or_deliver(r);
}

/* ------------------------------------------------------------------ start and stop */

static struct MHD_Daemon *daemon_;
static char *tls_key_pem, *tls_cert_pem;

/* Binds and listens here rather than in MHD, so the URL (with the port picked) is in cfg before
 * any worker thread can read it. Returns the socket, or -1 with a message on stderr. */
static int listen_socket(void) {
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *ai;
    char port[16];
    snprintf(port, sizeof port, "%u", cfg.port);
    int rc = getaddrinfo(cfg.host, port, &hints, &ai);
    if (rc != 0) {
        fprintf(stderr, "sendevent-emulator: --host %s: %s\n", cfg.host, gai_strerror(rc));
        return -1;
    }
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, ai->ai_protocol), one = 1;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
                    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024) != 0 ||
                    getsockname(fd, (struct sockaddr *)&ss, &len) != 0)) {
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        fprintf(stderr, "sendevent-emulator: cannot listen on %s port %u\n", cfg.host, cfg.port);
    } else {
        bool v6 = ss.ss_family == AF_INET6;
        unsigned bound = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                  : ((struct sockaddr_in *)&ss)->sin_port);
        snprintf(cfg.url, sizeof cfg.url, "%s://%s%s%s:%u", cfg.tls_cert ? "https" : "http",
                 v6 ? "[" : "", cfg.host, v6 ? "]" : "", bound);
    }
    freeaddrinfo(ai);
    return fd;
}

/* The certificate and key options; false with a message on stderr. */
static bool tls_options(struct MHD_OptionItem *opts, int *n, unsigned *flags) {
    if (!cfg.tls_cert || !cfg.tls_key) {
        fprintf(stderr, "sendevent-emulator: --tls-cert and --tls-key go together\n");
        return false;
    }
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        fprintf(stderr, "sendevent-emulator: this libmicrohttpd has no TLS support\n");
        return false;
    }
    tls_cert_pem = read_file(cfg.tls_cert);
    tls_key_pem = read_file(cfg.tls_key);
    if (!tls_cert_pem || !tls_key_pem) {
        fprintf(stderr, "sendevent-emulator: cannot read %s\n",
                tls_cert_pem ? cfg.tls_key : cfg.tls_cert);
        return false;
    }
    *flags |= MHD_USE_TLS;
    opts[(*n)++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, tls_cert_pem};
    opts[(*n)++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, tls_key_pem};
    return true;
}

/* Starts the daemon and fills cfg.url. Returns false with a message on stderr. */
bool http_start(void) {
    control_on_reset = http_release_hung; /* control.c sits below this file */
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_ALLOW_UPGRADE;
    if (cfg.verbose)
        flags |= MHD_USE_ERROR_LOG;
    struct MHD_OptionItem opts[12];
    int n = 0;
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_complete, NULL};
    opts[n++] =
        (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, NULL};
    if (cfg.idle_timeout) /* MHD closes a connection that has had no traffic this long */
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, cfg.idle_timeout, NULL};
    if (cfg.threads > 1)
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, cfg.threads, NULL};
    if ((cfg.tls_cert || cfg.tls_key) && !tls_options(opts, &n, &flags))
        return false;
    int fd = listen_socket();
    if (fd < 0)
        return false;
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, fd, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

    daemon_ = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_ARRAY, opts,
                               MHD_OPTION_END);
    if (!daemon_) {
        fprintf(stderr, "sendevent-emulator: cannot serve on %s port %u%s\n", cfg.host, cfg.port,
                cfg.tls_cert ? " (or the TLS certificate/key is unusable)" : "");
        close(fd);
        return false;
    }
    if (!wait_start()) {
        fprintf(stderr, "sendevent-emulator: cannot start the timer thread\n");
        MHD_stop_daemon(daemon_);
        return false;
    }
    return true;
}

/* Closes every waiting connection (MHD must not be stopped with suspended ones), then stops. */
void http_stop(void) {
    wait_stop();
    websocket_stop(); /* MHD must not be stopped with upgraded connections open */
    MHD_stop_daemon(daemon_);
    websocket_free();
    free(tls_cert_pem);
    free(tls_key_pem);
}
