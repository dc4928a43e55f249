/* sendevent-emulator: a local emulator of the Sinch Conversation API, Z-API and the Amazon
 * Connect Participant Service, for tests, demos and benchmarks. See docs/emulator.md. */
#include "emulator.h"

#include "callbacks.h"
#include "http.h"
#include "post.h"
#include "ratelimit.h"
#include "store.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef EMULATOR_VERSION
#define EMULATOR_VERSION "0"
#endif

static void usage(FILE *out) {
    fprintf(
        out,
        "usage: sendevent-emulator [options]\n"
        "\n"
        "Emulates the Sinch Conversation API, Z-API and the Amazon Connect Participant\n"
        "Service on one port. Prints its URL as the first line of stdout, runs until\n"
        "SIGINT or SIGTERM, then exits 0. Control API under /_emulator/.\n"
        "\n"
        "  --host ADDR                    listen address (default 127.0.0.1)\n"
        "  --port N                       port; 0 picks a free one (default 0)\n"
        "  --threads N                    worker threads (default 2)\n"
        "  --max-records N                request log size, oldest dropped (default 100000)\n"
        "  --max-body-bytes N             larger request bodies get 413 (default 1048576)\n"
        "  --idle-timeout SECS            close connections idle this long; 0 = never\n"
        "                                 (default 0)\n"
        "  --tls-cert FILE --tls-key FILE serve HTTPS with this PEM certificate and key\n"
        "  --sinch-key-id ID              (default emulator-key)\n"
        "  --sinch-key-secret SECRET      (default emulator-secret)\n"
        "  --sinch-token-lifetime SECS    OAuth token lifetime (default 3600)\n"
        "  --zapi-instance-id ID          (default emulator-instance)\n"
        "  --zapi-token TOKEN             (default emulator-token)\n"
        "  --zapi-client-token TOKEN      Client-Token header; \"\" = not required\n"
        "                                 (default emulator-client-token)\n"
        "  --connect-participant-token T  for /participant/connection\n"
        "                                 (default emulator-participant-token)\n"
        "  --connect-connection-token T   always-valid ConnectionToken\n"
        "                                 (default emulator-connection-token)\n"
        "  --sinch-webhook-url URL        Sinch app webhook for delivery reports (loopback\n"
        "                                 http:// only; default none)\n"
        "  --sinch-webhook-secret S       sign Sinch callbacks with this secret (default none)\n"
        "  --zapi-webhook-url URL         Z-API message-status webhook (loopback http://)\n"
        "  --zapi-callback-timeout-ms N   re-send a Z-API callback not answered 200 within\n"
        "                                 N ms (default 3000)\n"
        "  --callback-retry-ms N          first retry delay of a failed callback, doubled\n"
        "                                 each time (default 1000)\n"
        "  --callback-attempts N          attempts per callback, 1..10 (default 3)\n"
        "  --sinch-rate N                 requests per second per Sinch project; 0 = no\n"
        "                                 limit (default 800)\n"
        "  --sinch-burst N                requests a Sinch project may send at once; 0 = a\n"
        "                                 tenth of the rate, at least 1 (default 0)\n"
        "  --sinch-max-projects N         Sinch projects whose budget is remembered; the\n"
        "                                 least recently used is forgotten (default 10000)\n"
        "  --sinch-token-rate N           /oauth2/token requests per second; 0 = no limit\n"
        "                                 (default 10)\n"
        "  --sinch-token-burst N          /oauth2/token bucket size (default 30)\n"
        "  --connect-rate N               requests per second per Connect API; 0 = no\n"
        "                                 limit (default 0)\n"
        "  --connect-burst N              requests a Connect API takes at once; 0 = a tenth\n"
        "                                 of the rate, at least 1 (default 0)\n"
        "  --verbose                      log every request to stderr\n"
        "  --version                      print the version and exit\n"
        "  --help                         this text\n");
}

static bool parse_ulong(const char *flag, const char *s, unsigned long lo, unsigned long hi,
                        unsigned long *out) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || !*s || s[0] == '-' || v < lo || v > hi) {
        fprintf(stderr, "sendevent-emulator: --%s: expected an integer in %lu..%lu, got '%s'\n",
                flag, lo, hi, s);
        return false;
    }
    *out = v;
    return true;
}

/* Callback URLs: loopback http:// only (the emulator never calls off the machine). */
static bool parse_hook_url(const char *flag, const char *s) {
    struct post_url u;
    char err[200];
    if (!*s || post_url_parse(s, &u, err, sizeof err))
        return true;
    fprintf(stderr, "sendevent-emulator: --%s: %s\n", flag, err);
    return false;
}

enum option_id {
    O_HOST = 256,
    O_PORT,
    O_THREADS,
    O_MAX_RECORDS,
    O_MAX_BODY,
    O_IDLE_TIMEOUT,
    O_TLS_CERT,
    O_TLS_KEY,
    O_SINCH_ID,
    O_SINCH_SECRET,
    O_SINCH_LIFETIME,
    O_ZAPI_INSTANCE,
    O_ZAPI_TOKEN,
    O_ZAPI_CLIENT,
    O_CONNECT_PARTICIPANT,
    O_CONNECT_CONNECTION,
    O_SINCH_HOOK,
    O_SINCH_HOOK_SECRET,
    O_ZAPI_HOOK,
    O_ZAPI_HOOK_TIMEOUT,
    O_CALLBACK_RETRY,
    O_CALLBACK_ATTEMPTS,
    O_SINCH_RATE,
    O_SINCH_BURST,
    O_SINCH_MAX_PROJECTS,
    O_TOKEN_RATE,
    O_TOKEN_BURST,
    O_CONNECT_RATE,
    O_CONNECT_BURST,
    O_VERBOSE,
    O_VERSION,
    O_HELP,
};

/* The callback flags (docs/emulator.md, Callbacks). */
static bool parse_callback_flag(int c, const char *arg) {
    unsigned long v;
    switch (c) {
    case O_SINCH_HOOK:
        if (!parse_hook_url("sinch-webhook-url", arg))
            return false;
        cfg.sinch_webhook_url = arg;
        break;
    case O_SINCH_HOOK_SECRET:
        cfg.sinch_webhook_secret = arg;
        break;
    case O_ZAPI_HOOK:
        if (!parse_hook_url("zapi-webhook-url", arg))
            return false;
        cfg.zapi_webhook_url = arg;
        break;
    case O_ZAPI_HOOK_TIMEOUT:
        if (!parse_ulong("zapi-callback-timeout-ms", arg, 1, 600000, &v))
            return false;
        cfg.zapi_callback_timeout_ms = (unsigned)v;
        break;
    case O_CALLBACK_RETRY:
        if (!parse_ulong("callback-retry-ms", arg, 0, 3600000, &v))
            return false;
        cfg.callback_retry_ms = (unsigned)v;
        break;
    case O_CALLBACK_ATTEMPTS:
        if (!parse_ulong("callback-attempts", arg, 1, 10, &v))
            return false;
        cfg.callback_attempts = (unsigned)v;
        break;
    }
    return true;
}

/* The rate limit flags (docs/emulator.md, Rate limits). */
static bool parse_limit_flag(int c, const char *arg) {
    static const struct {
        int id;
        const char *name;
        unsigned long lo;
        unsigned *dst;
    } flags[] = {
        {O_SINCH_RATE, "sinch-rate", 0, &cfg.sinch_rate},
        {O_SINCH_BURST, "sinch-burst", 0, &cfg.sinch_burst},
        {O_SINCH_MAX_PROJECTS, "sinch-max-projects", 1, &cfg.sinch_max_projects},
        {O_TOKEN_RATE, "sinch-token-rate", 0, &cfg.sinch_token_rate},
        {O_TOKEN_BURST, "sinch-token-burst", 0, &cfg.sinch_token_burst},
        {O_CONNECT_RATE, "connect-rate", 0, &cfg.connect_rate},
        {O_CONNECT_BURST, "connect-burst", 0, &cfg.connect_burst},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        unsigned long v;
        if (flags[i].id != c)
            continue;
        if (!parse_ulong(flags[i].name, arg, flags[i].lo, RATELIMIT_MAX, &v))
            return false;
        *flags[i].dst = (unsigned)v;
    }
    return true;
}

static const struct option LONGOPTS[] = {
    {"host", required_argument, NULL, O_HOST},
    {"port", required_argument, NULL, O_PORT},
    {"threads", required_argument, NULL, O_THREADS},
    {"max-records", required_argument, NULL, O_MAX_RECORDS},
    {"max-body-bytes", required_argument, NULL, O_MAX_BODY},
    {"idle-timeout", required_argument, NULL, O_IDLE_TIMEOUT},
    {"tls-cert", required_argument, NULL, O_TLS_CERT},
    {"tls-key", required_argument, NULL, O_TLS_KEY},
    {"sinch-key-id", required_argument, NULL, O_SINCH_ID},
    {"sinch-key-secret", required_argument, NULL, O_SINCH_SECRET},
    {"sinch-token-lifetime", required_argument, NULL, O_SINCH_LIFETIME},
    {"zapi-instance-id", required_argument, NULL, O_ZAPI_INSTANCE},
    {"zapi-token", required_argument, NULL, O_ZAPI_TOKEN},
    {"zapi-client-token", required_argument, NULL, O_ZAPI_CLIENT},
    {"connect-participant-token", required_argument, NULL, O_CONNECT_PARTICIPANT},
    {"connect-connection-token", required_argument, NULL, O_CONNECT_CONNECTION},
    {"sinch-webhook-url", required_argument, NULL, O_SINCH_HOOK},
    {"sinch-webhook-secret", required_argument, NULL, O_SINCH_HOOK_SECRET},
    {"zapi-webhook-url", required_argument, NULL, O_ZAPI_HOOK},
    {"zapi-callback-timeout-ms", required_argument, NULL, O_ZAPI_HOOK_TIMEOUT},
    {"callback-retry-ms", required_argument, NULL, O_CALLBACK_RETRY},
    {"callback-attempts", required_argument, NULL, O_CALLBACK_ATTEMPTS},
    {"sinch-rate", required_argument, NULL, O_SINCH_RATE},
    {"sinch-burst", required_argument, NULL, O_SINCH_BURST},
    {"sinch-max-projects", required_argument, NULL, O_SINCH_MAX_PROJECTS},
    {"sinch-token-rate", required_argument, NULL, O_TOKEN_RATE},
    {"sinch-token-burst", required_argument, NULL, O_TOKEN_BURST},
    {"connect-rate", required_argument, NULL, O_CONNECT_RATE},
    {"connect-burst", required_argument, NULL, O_CONNECT_BURST},
    {"verbose", no_argument, NULL, O_VERBOSE},
    {"version", no_argument, NULL, O_VERSION},
    {"help", no_argument, NULL, O_HELP},
    {NULL, 0, NULL, 0},
};

/* The flags that take a string as it is. */
static bool parse_string_flag(int c, const char *arg) {
    static const struct {
        int id;
        const char **dst;
    } flags[] = {
        {O_HOST, &cfg.host},
        {O_TLS_CERT, &cfg.tls_cert},
        {O_TLS_KEY, &cfg.tls_key},
        {O_SINCH_ID, &cfg.sinch_key_id},
        {O_SINCH_SECRET, &cfg.sinch_key_secret},
        {O_ZAPI_INSTANCE, &cfg.zapi_instance_id},
        {O_ZAPI_TOKEN, &cfg.zapi_token},
        {O_ZAPI_CLIENT, &cfg.zapi_client_token},
        {O_CONNECT_PARTICIPANT, &cfg.connect_participant_token},
        {O_CONNECT_CONNECTION, &cfg.connect_connection_token},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (flags[i].id == c) {
            *flags[i].dst = arg;
            return true;
        }
    return false;
}

static bool parse_args(int argc, char **argv) {
    unsigned long v;
    int c;
    while ((c = getopt_long(argc, argv, "h", LONGOPTS, NULL)) != -1) {
        if (parse_string_flag(c, optarg))
            continue;
        switch (c) {
        case O_PORT:
            if (!parse_ulong("port", optarg, 0, 65535, &v))
                return false;
            cfg.port = (unsigned)v;
            break;
        case O_THREADS:
            if (!parse_ulong("threads", optarg, 1, 64, &v))
                return false;
            cfg.threads = (unsigned)v;
            break;
        case O_MAX_RECORDS:
            if (!parse_ulong("max-records", optarg, 1, 100000000, &v))
                return false;
            cfg.max_records = v;
            break;
        case O_MAX_BODY:
            if (!parse_ulong("max-body-bytes", optarg, 1, 1UL << 30, &v))
                return false;
            cfg.max_body_bytes = v;
            break;
        case O_IDLE_TIMEOUT:
            if (!parse_ulong("idle-timeout", optarg, 0, 86400, &v))
                return false;
            cfg.idle_timeout = (unsigned)v;
            break;
        case O_SINCH_LIFETIME:
            if (!parse_ulong("sinch-token-lifetime", optarg, 0, 10L * 365 * 86400, &v))
                return false;
            cfg.sinch_token_lifetime = (long)v;
            break;
        case O_SINCH_HOOK:
        case O_SINCH_HOOK_SECRET:
        case O_ZAPI_HOOK:
        case O_ZAPI_HOOK_TIMEOUT:
        case O_CALLBACK_RETRY:
        case O_CALLBACK_ATTEMPTS:
            if (!parse_callback_flag(c, optarg))
                return false;
            break;
        case O_SINCH_RATE:
        case O_SINCH_BURST:
        case O_SINCH_MAX_PROJECTS:
        case O_TOKEN_RATE:
        case O_TOKEN_BURST:
        case O_CONNECT_RATE:
        case O_CONNECT_BURST:
            if (!parse_limit_flag(c, optarg))
                return false;
            break;
        case O_VERBOSE:
            cfg.verbose = true;
            break;
        case O_VERSION:
            printf("sendevent-emulator %s\n", EMULATOR_VERSION);
            exit(0);
        case 'h':
        case O_HELP:
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return false;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "sendevent-emulator: unexpected argument '%s'\n", argv[optind]);
        return false;
    }
    return true;
}

int main(int argc, char **argv) {
    if (!parse_args(argc, argv))
        return 2;

    /* Block the stop signals in every thread (MHD's workers inherit this mask) and take them
     * synchronously below: no async-signal-safety concerns, and a clean shutdown path. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    store_init(cfg.max_records);
    ratelimit_init();
    if (!callbacks_start()) {
        ratelimit_free();
        store_free();
        return 1;
    }
    if (!http_start()) {
        callbacks_stop();
        ratelimit_free();
        store_free();
        return 1;
    }
    printf("%s\n", cfg.url); /* the first line of stdout: fixtures read the URL from it */
    fflush(stdout);

    int sig = 0;
    sigwait(&stop, &sig);
    if (cfg.verbose)
        fprintf(stderr, "sendevent-emulator: %s, stopping\n", strsignal(sig));
    http_stop();      /* no request handler runs after this: nothing enqueues callbacks */
    callbacks_stop(); /* joins the sender */
    ratelimit_free();
    store_free();
    return 0;
}
