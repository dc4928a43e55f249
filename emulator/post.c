/* post.c - a minimal HTTP/1.1 POST client for callbacks (post.h). It talks to loopback URLs
 * only: the emulator is a test tool and must never send anything off the machine. Each POST
 * opens its own connection (Connection: close) and is bounded by one deadline. */
#include "post.h"

#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static bool loopback_host(const char *h) {
    struct in_addr a4;
    if (inet_pton(AF_INET, h, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    return strcmp(h, "::1") == 0 || str_ieq(h, "localhost");
}

bool post_url_parse(const char *url, struct post_url *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    if (str_prefix_ieq(url, "https://")) {
        snprintf(err, errlen,
                 "https URLs are not supported: the emulator calls back over "
                 "http:// on loopback only");
        return false;
    }
    if (!str_prefix_ieq(url, "http://")) {
        snprintf(err, errlen, "must be an http:// URL");
        return false;
    }
    const char *p = url + 7, *host_end;
    if (*p == '[') {
        host_end = strchr(p, ']');
        if (!host_end) {
            snprintf(err, errlen, "unterminated [IPv6] host");
            return false;
        }
        p++;
    } else {
        host_end = p + strcspn(p, ":/?#");
    }
    size_t hl = (size_t)(host_end - p);
    if (hl == 0 || hl >= sizeof out->host) {
        snprintf(err, errlen, "host must be 1..%zu characters", sizeof out->host - 1);
        return false;
    }
    memcpy(out->host, p, hl);
    if (!loopback_host(out->host)) {
        snprintf(err, errlen,
                 "host %s is not loopback: only 127.0.0.0/8, ::1 and localhost "
                 "are allowed",
                 out->host);
        return false;
    }
    p = host_end + (*host_end == ']');
    strcpy(out->port, "80");
    if (*p == ':') {
        size_t n = strspn(p + 1, "0123456789");
        long port = n && n < 6 ? strtol(p + 1, NULL, 10) : 0;
        if (port < 1 || port > 65535) {
            snprintf(err, errlen, "port must be 1..65535");
            return false;
        }
        snprintf(out->port, sizeof out->port, "%ld", port);
        p += 1 + n;
    }
    if (*p && *p != '/' && *p != '?') {
        snprintf(err, errlen, "unexpected character after the host");
        return false;
    }
    size_t pl = strcspn(p, "#");
    if (pl + 2 > sizeof out->path || strpbrk(p, " \r\n\t")) {
        snprintf(err, errlen, "path must be at most %zu characters without whitespace",
                 sizeof out->path - 2);
        return false;
    }
    snprintf(out->path, sizeof out->path, "%s%.*s", *p == '/' ? "" : "/", (int)pl, p);
    return true;
}

/* The sender's cancel pipe: readable once a reset or shutdown wants the exchange over. */
static __thread int cancel_fd = -1;

/* Waits for events on fd until the deadline; false on timeout or cancellation. */
static bool wait_fd(int fd, short events, int64_t deadline) {
    for (;;) {
        int64_t left = deadline - mono_ms();
        if (left <= 0)
            return false;
        struct pollfd pfd[2] = {{.fd = fd, .events = events}, {.fd = cancel_fd, .events = POLLIN}};
        int n = poll(pfd, cancel_fd >= 0 ? 2 : 1, (int)left);
        if (n > 0)
            return !(pfd[1].revents & POLLIN) && pfd[0].revents;
        if (n < 0 && errno != EINTR)
            return false;
    }
}

static const char *why_waited(int64_t deadline) {
    return mono_ms() >= deadline ? "timeout" : "cancelled";
}

static int connect_to(const struct post_url *u, int64_t deadline, char *err, size_t errlen) {
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    if (getaddrinfo(u->host, u->port, &hints, &ai) != 0) {
        snprintf(err, errlen, "cannot resolve %s", u->host);
        return -1;
    }
    int fd = -1;
    snprintf(err, errlen, "connection refused");
    for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
            break;
        int so = errno;
        if (so == EINPROGRESS) {
            socklen_t sl = sizeof so;
            if (!wait_fd(fd, POLLOUT, deadline)) {
                snprintf(err, errlen, "%s", why_waited(deadline));
                so = ETIMEDOUT;
            } else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl) != 0) {
                so = errno;
            }
        }
        if (so == 0)
            break;
        if (so != ETIMEDOUT)
            snprintf(err, errlen, "%s", so == ECONNREFUSED ? "connection refused" : strerror(so));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

static bool send_all(int fd, const char *p, size_t n, int64_t deadline) {
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
            return false;
        } else if (!wait_fd(fd, POLLOUT, deadline)) {
            return false;
        }
    }
    return true;
}

/* Reads the answer until the peer closes, the body is complete or 64 KiB arrived; returns the
 * status from the status line, 0 when none arrived before the deadline. */
static int read_status(int fd, int64_t deadline, char *err, size_t errlen) {
    char buf[65536];
    size_t len = 0;
    int status = 0;
    for (;;) {
        ssize_t r = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (r > 0) {
            len += (size_t)r;
            buf[len] = '\0';
            if (!status && strstr(buf, "\r\n") && sscanf(buf, "HTTP/1.%*1[01] %3d", &status) != 1) {
                snprintf(err, errlen, "not an HTTP answer");
                return 0;
            }
            char *end = strstr(buf, "\r\n\r\n");
            const char *cl = end ? strcasestr(buf, "\r\ncontent-length:") : NULL;
            if (len == sizeof buf - 1 ||
                (cl && cl < end && (size_t)(end + 4 - buf) + strtoul(cl + 17, NULL, 10) <= len))
                return status;
        } else if (r == 0) {
            if (!status)
                snprintf(err, errlen, "connection closed without an answer");
            return status;
        } else if (errno != EAGAIN && errno != EINTR) {
            snprintf(err, errlen, "%s", strerror(errno));
            return status;
        } else if (!wait_fd(fd, POLLIN, deadline)) {
            if (!status)
                snprintf(err, errlen, "%s", why_waited(deadline));
            return status;
        }
    }
}

int post_json(const struct post_url *u, const char *const *headers, const char *body,
              size_t body_len, int timeout_ms, int cancel, char *err, size_t errlen) {
    cancel_fd = cancel;
    int64_t deadline = mono_ms() + timeout_ms;
    int fd = connect_to(u, deadline, err, errlen);
    if (fd < 0)
        return 0;
    bool v6 = strchr(u->host, ':') != NULL;
    size_t cap = 512 + strlen(u->path) + body_len;
    for (const char *const *h = headers; h && *h; h++)
        cap += strlen(*h) + 2;
    char *req = xmalloc(cap);
    int n = snprintf(req, cap,
                     "POST %s HTTP/1.1\r\nHost: %s%s%s:%s\r\nUser-Agent: sendevent-emulator\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n",
                     u->path, v6 ? "[" : "", u->host, v6 ? "]" : "", u->port, body_len);
    size_t len = (size_t)n;
    for (const char *const *h = headers; h && *h; h++)
        len += (size_t)snprintf(req + len, cap - len, "%s\r\n", *h);
    memcpy(req + len, "\r\n", 2);
    memcpy(req + len + 2, body, body_len);
    len += 2 + body_len;
    int status = 0;
    if (!send_all(fd, req, len, deadline))
        snprintf(err, errlen, "%s", mono_ms() >= deadline ? "timeout" : "cannot send");
    else
        status = read_status(fd, deadline, err, errlen);
    free(req);
    close(fd);
    return status;
}
