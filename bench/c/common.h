/* common.h - what every C benchmark program shares: the three providers' bench
 * requests (the same for the baselines and for libsendevent), the fixed bench
 * credentials, measurement (wall clock, getrusage) and the one-line JSON result.
 *
 * Every program takes: PROVIDER BASE_URL N [WARMUP]
 *   PROVIDER  sinch | zapi | connect
 *   BASE_URL  the responder's base URL, e.g. http://127.0.0.1:8080
 *   N         events measured
 *   WARMUP    events sent before measuring (connection set-up, caches); default 0
 * and prints one JSON object on stdout:
 *   {"n":N,"ok":OK,"wall_s":..,"user_s":..,"sys_s":..,"maxrss_kb":..,"minflt":..,"nvcsw":..}
 * (minflt: page faults, nvcsw: voluntary context switches, both in the measured part)
 * It exits 0 only when every event (warm-up included) succeeded with an id. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
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

typedef struct {
    int provider;
    const char *base_url;
    long n, warmup;
} bench_args;

static inline void bench_parse_args(int argc, char **argv, bench_args *a) {
    if (argc < 4 || argc > 5 || bench_provider(argv[1]) < 0 || atol(argv[3]) < 1) {
        fprintf(stderr, "usage: %s sinch|zapi|connect BASE_URL N [WARMUP]\n", argv[0]);
        exit(2);
    }
    a->provider = bench_provider(argv[1]);
    a->base_url = argv[2];
    a->n = atol(argv[3]);
    a->warmup = argc == 5 ? atol(argv[4]) : 0;
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

static inline void bench_report(const bench_mark *a, const bench_mark *b, long n, long ok) {
    double wall = (double)(b->t.tv_sec - a->t.tv_sec) + (double)(b->t.tv_nsec - a->t.tv_nsec) / 1e9;
    printf("{\"n\":%ld,\"ok\":%ld,\"wall_s\":%.6f,\"user_s\":%.6f,\"sys_s\":%.6f,\"maxrss_kb\":%ld,"
           "\"minflt\":%ld,\"nvcsw\":%ld}\n",
           n, ok, wall, tv_s(b->ru.ru_utime) - tv_s(a->ru.ru_utime),
           tv_s(b->ru.ru_stime) - tv_s(a->ru.ru_stime), b->ru.ru_maxrss,
           b->ru.ru_minflt - a->ru.ru_minflt, b->ru.ru_nvcsw - a->ru.ru_nvcsw);
    fflush(stdout);
}

#endif
