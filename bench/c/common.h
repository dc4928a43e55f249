/* common.h - what every C benchmark program shares: the three providers' bench
 * requests (the same for the baselines and for libsendevent), the fixed bench
 * credentials, measurement (wall clock, getrusage) and the one-line JSON result.
 *
 * Every program takes: [--cold fresh|reuse --batch B] PROVIDER BASE_URL N [WARMUP [CA_FILE]]
 *   PROVIDER  sinch | zapi | connect
 *   BASE_URL  the responder's base URL, e.g. http://127.0.0.1:8080 or https://127.0.0.1:8443
 *   N         events measured
 *   WARMUP    events sent before measuring (connection set-up, caches); default 0
 *   CA_FILE   PEM file of the CA the https responder's certificate is signed by; "-" or
 *             absent: the system's
 *   --cold    (the multi programs only) cold batches: the events go in batches of B, each on
 *             new connections (bench_cold below); fresh: a new client (multi handle) per
 *             batch, so no TLS session to resume; reuse: one client whose connections are
 *             closed between batches, so each new connection may resume a TLS session
 * and prints one JSON object on stdout:
 *   {"n":N,"ok":OK,"wall_s":..,"user_s":..,"sys_s":..,"maxrss_kb":..,"minflt":..,"nvcsw":..}
 * (minflt: page faults, nvcsw: voluntary context switches, both in the measured part)
 * It exits 0 only when every event (warm-up included) succeeded with an id. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

/* The bench credentials. The static responder does not check them, but every
 * client sends them exactly as it would to the real provider. */
#define BENCH_SINCH_PROJECT "bench-project"
#define BENCH_SINCH_TOKEN "bench-access-token-0123456789abcdef"
#define BENCH_ZAPI_INSTANCE "3C5A0B1D2E3F4A5B6C7D8E9F0A1B2C3D"
#define BENCH_ZAPI_TOKEN "F0E1D2C3B4A5968778695A4B3C2D1E0F"
#define BENCH_ZAPI_CLIENT_TOKEN "Fa1b2c3d4e5f60718293a4b5c6d7e8f9S"
#define BENCH_CONNECT_TOKEN "QVFJREFIaGJlbmNoLWNvbm5lY3Rpb24tdG9rZW4tMDEyMzQ1Njc4OWFiY2RlZg"

/* The request each provider's send_event gets, as libsendevent's users write it
 * (the provider's own JSON; Connect's ConnectionToken travels in the object and
 * becomes the X-Amz-Bearer header; the library adds a UUID v4 ClientToken). */
#define BENCH_SINCH_REQUEST                                                                        \
    "{\"app_id\":\"01HBENCHAPP0000000000000000\",\"recipient\":{\"contact_id\":"                   \
    "\"01HBENCHCONTACT00000000000\"},\"event\":{\"composing_event\":{}}}"
#define BENCH_ZAPI_REQUEST                                                                         \
    "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":\"Standup\","                     \
    "\"dateTime\":\"2024-04-29T09:30:53.309Z\"}}"
#define BENCH_CONNECT_REQUEST                                                                      \
    "{\"ContentType\":\"application/"                                                              \
    "vnd.amazonaws.connect.event.typing\",\"ConnectionToken\":\"" BENCH_CONNECT_TOKEN "\"}"

enum bench_provider { P_SINCH, P_ZAPI, P_CONNECT };

static inline int bench_provider(const char *name) {
    if (!strcmp(name, "sinch"))
        return P_SINCH;
    if (!strcmp(name, "zapi"))
        return P_ZAPI;
    if (!strcmp(name, "connect"))
        return P_CONNECT;
    return -1;
}

static inline const char *bench_request(int p) {
    return p == P_SINCH  ? BENCH_SINCH_REQUEST
           : p == P_ZAPI ? BENCH_ZAPI_REQUEST
                         : BENCH_CONNECT_REQUEST;
}

enum bench_cold { COLD_NONE, COLD_FRESH, COLD_REUSE };

typedef struct {
    int provider;
    const char *base_url;
    const char *ca_file; /* NULL: the system's CAs */
    long n, warmup;
    int cold;   /* enum bench_cold */
    long batch; /* events per cold batch */
} bench_args;

static inline void bench_usage(const char *prog) {
    fprintf(stderr,
            "usage: %s [--cold fresh|reuse --batch B] sinch|zapi|connect BASE_URL N "
            "[WARMUP [CA_FILE]]\n",
            prog);
    exit(2);
}

/* allow_cold: the program runs cold batches (the multi programs). */
static inline void bench_parse_args(int argc, char **argv, bench_args *a, int allow_cold) {
    *a = (bench_args){0};
    int i = 1;
    for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
        if (allow_cold && !strcmp(argv[i], "--cold") && !strcmp(argv[i + 1], "fresh"))
            a->cold = COLD_FRESH;
        else if (allow_cold && !strcmp(argv[i], "--cold") && !strcmp(argv[i + 1], "reuse"))
            a->cold = COLD_REUSE;
        else if (allow_cold && !strcmp(argv[i], "--batch"))
            a->batch = atol(argv[i + 1]);
        else
            bench_usage(argv[0]);
    }
    int left = argc - i;
    if (left < 3 || left > 5 || bench_provider(argv[i]) < 0 || atol(argv[i + 2]) < 1 ||
        (a->cold != COLD_NONE && a->batch < 1))
        bench_usage(argv[0]);
    a->provider = bench_provider(argv[i]);
    a->base_url = argv[i + 1];
    a->n = atol(argv[i + 2]);
    a->warmup = left >= 4 ? atol(argv[i + 3]) : 0;
    a->ca_file = left == 5 && strcmp(argv[i + 4], "-") ? argv[i + 4] : NULL;
    if (a->cold != COLD_NONE)
        signal(SIGPIPE, SIG_IGN); /* closing a connection shut underneath may write to it */
}

/* A random UUID v4, as the AWS SDKs generate Connect's ClientToken. */
static inline int bench_uuid4(char out[37]) {
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
        return -1;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    static const char hex[] = "0123456789abcdef";
    char *o = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *o++ = '-';
        *o++ = hex[b[i] >> 4];
        *o++ = hex[b[i] & 15];
    }
    *o = '\0';
    return 0;
}

typedef struct {
    struct timespec t;
    struct rusage ru;
} bench_mark;

static inline void bench_now(bench_mark *m) {
    clock_gettime(CLOCK_MONOTONIC, &m->t);
    getrusage(RUSAGE_SELF, &m->ru); /* the whole process: every thread of the client */
}

static inline double tv_s(struct timeval tv) {
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* What the measured parts cost, summed over one or more intervals. */
typedef struct {
    double wall_s, user_s, sys_s;
    long minflt, nvcsw;
} bench_total;

static inline void bench_add(bench_total *t, const bench_mark *a, const bench_mark *b) {
    t->wall_s += (double)(b->t.tv_sec - a->t.tv_sec) + (double)(b->t.tv_nsec - a->t.tv_nsec) / 1e9;
    t->user_s += tv_s(b->ru.ru_utime) - tv_s(a->ru.ru_utime);
    t->sys_s += tv_s(b->ru.ru_stime) - tv_s(a->ru.ru_stime);
    t->minflt += b->ru.ru_minflt - a->ru.ru_minflt;
    t->nvcsw += b->ru.ru_nvcsw - a->ru.ru_nvcsw;
}

static inline void bench_report_total(const bench_total *t, long n, long ok) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"n\":%ld,\"ok\":%ld,\"wall_s\":%.6f,\"user_s\":%.6f,\"sys_s\":%.6f,"
           "\"maxrss_kb\":%ld,\"minflt\":%ld,\"nvcsw\":%ld}\n",
           n, ok, t->wall_s, t->user_s, t->sys_s, ru.ru_maxrss, t->minflt, t->nvcsw);
    fflush(stdout);
}

static inline void bench_report(const bench_mark *a, const bench_mark *b, long n, long ok) {
    bench_total t = {0};
    bench_add(&t, a, b);
    bench_report_total(&t, n, ok);
}

/* Shuts down every TCP connection of this process to BASE_URL's port on 127.0.0.1, as a
 * server closing idle connections would: the client's connection cache keeps them, finds
 * them closed when the next batch looks for one, and connects again. Only shutdown(): the
 * descriptors stay the client's to close. */
static inline void bench_shut_connections(const char *base_url) {
    const char *colon = strrchr(base_url, ':');
    int port = colon ? atoi(colon + 1) : 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d || port <= 0) {
        if (d)
            closedir(d);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        int fd = atoi(e->d_name);
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd == dirfd(d) ||
            getpeername(fd, (struct sockaddr *)&peer, &len) != 0 || peer.sin_family != AF_INET)
            continue;
        if (ntohs(peer.sin_port) == port && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK))
            shutdown(fd, SHUT_RDWR);
    }
    closedir(d);
}

/* How a multi program runs its events: open a client (what holds connections), run n
 * events on it returning how many succeeded (-1: could not start), close it. */
typedef struct {
    void *(*open)(const bench_args *a);
    long (*run)(void *client, const bench_args *a, long n);
    void (*close)(void *client);
} bench_multi_ops;

/* Runs the events of a multi program and prints the result; returns the exit status.
 * Warm (no --cold): one client; WARMUP events as a run of their own, whose connections
 * the measured run of N reuses. Cold: the events go in batches of a->batch (WARMUP
 * first, not measured), each on new connections:
 *   fresh  each batch opens a client and closes it (measured: open, batch, close);
 *   reuse  one client; after each batch its connections are shut (bench_shut_connections,
 *          not measured), so the next batch connects again with the client's TLS sessions.
 * The measured figures are the sums over the measured batches. */
static inline int bench_multi_main(const bench_args *a, const bench_multi_ops *ops) {
    void *client = a->cold == COLD_FRESH ? NULL : ops->open(a);
    if (a->cold != COLD_FRESH && !client)
        return 1;
    bench_total total = {0};
    long ok = 0, ok_warm = 0, sent = 0, all = a->warmup + a->n;
    while (sent < all) {
        int measured = sent >= a->warmup;
        long left = measured ? all - sent : a->warmup - sent;
        long n = a->cold == COLD_NONE ? left : left < a->batch ? left : a->batch;
        bench_mark t0, t1;
        if (measured)
            bench_now(&t0);
        long done = -1;
        if (a->cold == COLD_FRESH) {
            void *fresh = ops->open(a);
            done = fresh ? ops->run(fresh, a, n) : -1;
            if (fresh)
                ops->close(fresh);
        } else {
            done = ops->run(client, a, n);
        }
        if (measured) {
            bench_now(&t1);
            bench_add(&total, &t0, &t1);
        }
        if (done < 0)
            break;
        *(measured ? &ok : &ok_warm) += done;
        sent += n;
        if (a->cold == COLD_REUSE)
            bench_shut_connections(a->base_url);
    }
    bench_report_total(&total, a->n, ok);
    if (client)
        ops->close(client);
    return ok == a->n && ok_warm == a->warmup ? 0 : 1;
}

#endif
