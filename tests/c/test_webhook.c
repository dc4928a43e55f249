/* test_webhook.c - se_webhook: Sinch's published test vector, callbacks
 * signed here with OpenSSL's own HMAC() (not the library's code path) and
 * then tampered with, the timestamp window, the pinned algorithm, header names
 * in any case, the constant-time comparison, replays through the hook and the
 * process-wide cache (its bound and expiry), options, and threads sharing a
 * verifier. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "crypto.h"
#include "nonce_cache.h"
#include "sendevent/sendevent.h"

/* Sinch's published vector (its SDKs' tests): 405 bytes */
static const char VECTOR_BODY[] =
    "{\"app_id\":\"\",\"accepted_time\":\"2021-10-18T17:49:13.813615Z\",\"project_id\":"
    "\"e2df3a34-a71b-4448-9db5-a8d2baad28e4\",\"contact_create_notification\":{\"contact\":"
    "{\"id\":\"01FJA8B466Y0R2GNXD78MD9SM1\",\"channel_identities\":[{\"channel\":\"SMS\","
    "\"identity\":\"48123456789\",\"app_id\":\"\"}],\"display_name\":\"New Test Contact\","
    "\"email\":\"new.contact@email.com\",\"external_id\":\"\",\"metadata\":\"\","
    "\"language\":\"EN_US\"}},\"message_metadata\":\"\"}";
#define VECTOR_SECRET "foo_secret1234"
#define VECTOR_NONCE "01FJA8B4A7BM43YGWSG9GBV067"
#define VECTOR_TS "1634579353"
#define VECTOR_SIG "6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE="

#define SECRET "s3cr3t-for-tests"
#define TS 1700000000LL

/* one request: headers in the order signature, nonce, timestamp, algorithm */
typedef struct req {
    const char *names[4];
    const char *values[4];
    size_t n;
    char sig[64], ts[24], nonce[64];
} req;

/* base64(HMAC-SHA256(secret, body "." nonce "." ts)) with OpenSSL's one-shot HMAC() */
static void sign(char out[64], const char *secret, const char *body, size_t len, const char *nonce,
                 const char *ts) {
    size_t n = len + strlen(nonce) + strlen(ts) + 2;
    char *msg = malloc(n + 1);
    memcpy(msg, body, len);
    snprintf(msg + len, n + 1 - len, ".%s.%s", nonce, ts);
    unsigned char mac[32];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (unsigned char *)msg, n, mac, &mac_len);
    EVP_EncodeBlock((unsigned char *)out, mac, (int)mac_len);
    free(msg);
}

static void make(req *r, const char *body, const char *nonce, long long ts) {
    memset(r, 0, sizeof *r);
    snprintf(r->nonce, sizeof r->nonce, "%s", nonce);
    snprintf(r->ts, sizeof r->ts, "%lld", ts);
    sign(r->sig, SECRET, body, strlen(body), r->nonce, r->ts);
    const char *names[] = {"x-sinch-webhook-signature", "x-sinch-webhook-signature-nonce",
                           "x-sinch-webhook-signature-timestamp",
                           "x-sinch-webhook-signature-algorithm"};
    const char *values[] = {r->sig, r->nonce, r->ts, "HmacSHA256"};
    for (int i = 0; i < 4; i++)
        r->names[i] = names[i], r->values[i] = values[i];
    r->n = 4;
}

static se_webhook *verifier(const char *secret, const char *now) {
    se_webhook *w = NULL;
    CHECK_INT(se_webhook_new(&w, "sinch"), SE_OK);
    CHECK_INT(se_webhook_set(w, "secret", secret), SE_OK);
    if (now)
        CHECK_INT(se_webhook_set(w, "now", now), SE_OK);
    return w;
}

static se_status verify(se_webhook *w, const char *body, const req *r) {
    return se_webhook_verify(w, body, strlen(body), r->names, r->values, r->n);
}

static int unique;
static const char *fresh_nonce(void) {
    static char buf[64];
    snprintf(buf, sizeof buf, "01TESTNONCE%08d-%d", ++unique, (int)getpid());
    return buf;
}

/* ---- the published vector --------------------------------------------------------------- */

struct hook_log {
    int calls;
    char nonce[64];
    long long ts;
    int answer;
};

static int record_hook(const char *nonce, int64_t ts, void *userdata) {
    struct hook_log *log = userdata;
    log->calls++;
    snprintf(log->nonce, sizeof log->nonce, "%s", nonce);
    log->ts = ts;
    return log->answer;
}

static void test_vector(void) {
    CHECK_INT(strlen(VECTOR_BODY), 405);
    const char *names[] = {"x-sinch-webhook-signature", "x-sinch-webhook-signature-nonce",
                           "x-sinch-webhook-signature-timestamp",
                           "x-sinch-webhook-signature-algorithm"};
    const char *values[] = {VECTOR_SIG, VECTOR_NONCE, VECTOR_TS, "HmacSHA256"};
    se_webhook *w = verifier(VECTOR_SECRET, VECTOR_TS);
    struct hook_log log = {0};
    CHECK_INT(se_webhook_set_nonce_hook(w, record_hook, &log), SE_OK);
    CHECK_INT(se_webhook_verify(w, VECTOR_BODY, 405, names, values, 4), SE_OK);
    CHECK_STR(se_webhook_reason(w), "");
    CHECK_INT(log.calls, 1);
    CHECK_STR(log.nonce, VECTOR_NONCE);
    CHECK_INT(log.ts, 1634579353LL);
    /* one byte more or less of the body is another message */
    CHECK_INT(se_webhook_verify(w, VECTOR_BODY, 404, names, values, 4), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "bad_signature");
    CHECK_INT(log.calls, 1); /* the hook is asked only about authentic callbacks */
    /* the wrong secret */
    CHECK_INT(se_webhook_set(w, "secret", "foo_secret1235"), SE_OK);
    CHECK_INT(se_webhook_verify(w, VECTOR_BODY, 405, names, values, 4), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "bad_signature");
    CHECK_LACKS(se_last_error(), "foo_secret");
    /* the same callback later: the window is 5 minutes by default */
    CHECK_INT(se_webhook_set(w, "secret", VECTOR_SECRET), SE_OK);
    CHECK_INT(se_webhook_set(w, "now", "1634579654"), SE_OK);
    CHECK_INT(se_webhook_verify(w, VECTOR_BODY, 405, names, values, 4), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "stale_timestamp");
    CHECK_HAS(se_last_error(), "x-sinch-webhook-signature-timestamp");
    CHECK_HAS(se_last_error(), "301 s old");
    se_webhook_free(w);
}

/* The built-in cache: the vector once, then again (a replay). */
static void test_vector_replayed_through_the_cache(void) {
    const char *names[] = {"X-Sinch-Webhook-Signature", "X-SINCH-WEBHOOK-SIGNATURE-NONCE",
                           "x-sinch-webhook-signature-TIMESTAMP"};
    const char *values[] = {VECTOR_SIG, VECTOR_NONCE, VECTOR_TS}; /* no algorithm header */
    se_webhook *w = verifier(VECTOR_SECRET, VECTOR_TS);
    size_t before = sei_nonce_cache_size();
    CHECK_INT(se_webhook_verify(w, VECTOR_BODY, 405, names, values, 3), SE_OK);
    CHECK_INT(sei_nonce_cache_size(), before + 1);
    CHECK_INT(se_webhook_verify(w, VECTOR_BODY, 405, names, values, 3), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "replayed_nonce");
    CHECK_HAS(se_last_error(), VECTOR_NONCE);
    /* another verifier of the process sees the same cache */
    se_webhook *w2 = verifier(VECTOR_SECRET, VECTOR_TS);
    CHECK_INT(se_webhook_verify(w2, VECTOR_BODY, 405, names, values, 3), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w2), "replayed_nonce");
    /* unless it turns the cache off */
    CHECK_INT(se_webhook_set(w2, "nonce_cache", "off"), SE_OK);
    CHECK_INT(se_webhook_verify(w2, VECTOR_BODY, 405, names, values, 3), SE_OK);
    se_webhook_free(w2);
    se_webhook_free(w);
}

/* ---- tampering ---------------------------------------------------------------------------- */

static void test_tampered(void) {
    const char *body = "{\"app_id\":\"A\",\"message_delivery_report\":{\"status\":\"DELIVERED\"}}";
    char now[24];
    snprintf(now, sizeof now, "%lld", TS);
    se_webhook *w = verifier(SECRET, now);
    CHECK_INT(se_webhook_set(w, "nonce_cache", "off"), SE_OK);
    req r;
    make(&r, body, fresh_nonce(), TS);
    CHECK_INT(verify(w, body, &r), SE_OK);

    char changed[200];
    snprintf(changed, sizeof changed, "%s", body);
    changed[strlen(changed) - 3] = 'X'; /* DELIVERED -> DELIVEREX */
    CHECK_INT(verify(w, changed, &r), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "bad_signature");
    /* the body re-serialized (a blank added) is not what was signed */
    snprintf(changed, sizeof changed, "{ %s", body + 1);
    CHECK_INT(verify(w, changed, &r), SE_E_SIGNATURE);

    req t = r;
    t.values[1] = "01OTHERNONCE";
    CHECK_INT(verify(w, body, &t), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "bad_signature");
    t = r;
    snprintf(t.ts, sizeof t.ts, "%lld", TS + 1); /* within the window, but not what was signed */
    t.values[2] = t.ts;
    CHECK_INT(verify(w, body, &t), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "bad_signature");
    CHECK_HAS(se_last_error(), "x-sinch-webhook-signature:");

    t = r; /* not base64, or not 32 bytes */
    t.values[0] = "not base64!";
    CHECK_INT(verify(w, body, &t), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "bad_signature");
    t.values[0] = "AAAA";
    CHECK_INT(verify(w, body, &t), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "bad_signature");
    CHECK_HAS(se_last_error(), "32-byte");
    t.values[0] = "";
    CHECK_INT(verify(w, body, &t), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "missing_header");

    /* blanks around values, as some servers keep them */
    char padded[80];
    snprintf(padded, sizeof padded, "  %s\t", r.sig);
    t = r;
    t.values[0] = padded;
    CHECK_INT(verify(w, body, &t), SE_OK);
    se_webhook_free(w);
}

/* ---- timestamps and the algorithm ---------------------------------------------------------- */

static se_status at(se_webhook *w, const char *body, const req *r, long long now) {
    char s[24];
    snprintf(s, sizeof s, "%lld", now);
    CHECK_INT(se_webhook_set(w, "now", s), SE_OK);
    return verify(w, body, r);
}

static void test_window(void) {
    const char *body = "{}";
    se_webhook *w = verifier(SECRET, NULL);
    CHECK_INT(se_webhook_set(w, "nonce_cache", "off"), SE_OK);
    req r;
    make(&r, body, fresh_nonce(), TS);
    CHECK_INT(at(w, body, &r, TS + 300), SE_OK);
    CHECK_INT(at(w, body, &r, TS + 301), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "stale_timestamp");
    CHECK_INT(at(w, body, &r, TS - 300), SE_OK);
    CHECK_INT(at(w, body, &r, TS - 301), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "future_timestamp");
    CHECK_HAS(se_last_error(), "ahead of the clock");
    CHECK_INT(se_webhook_set(w, "tolerance", "10"), SE_OK);
    CHECK_INT(at(w, body, &r, TS + 11), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "stale_timestamp");
    CHECK_INT(at(w, body, &r, TS + 10), SE_OK);
    /* the real clock: a timestamp of 2023 is stale today */
    CHECK_INT(se_webhook_set(w, "now", NULL), SE_OK);
    CHECK_INT(verify(w, body, &r), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "stale_timestamp");

    const char *bad[] = {"12a", "-5", "1e9", "0x10", "1234567890123", " "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        req t = r;
        t.values[2] = bad[i];
        CHECK_INT(at(w, body, &t, TS), SE_E_SIGNATURE);
        CHECK_STR(se_webhook_reason(w), i == 5 ? "missing_header" : "bad_timestamp");
    }
    se_webhook_free(w);
}

static void test_algorithm(void) {
    const char *body = "{\"a\":1}";
    char now[24];
    snprintf(now, sizeof now, "%lld", TS);
    se_webhook *w = verifier(SECRET, now);
    CHECK_INT(se_webhook_set(w, "nonce_cache", "off"), SE_OK);
    req r;
    make(&r, body, fresh_nonce(), TS);
    const char *refused[] = {"HmacSHA1", "HmacSHA512", "none", "HmacSHA256x", "\x01\x02\nforged"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        r.values[3] = refused[i];
        CHECK_INT(verify(w, body, &r), SE_E_SIGNATURE);
        CHECK_STR(se_webhook_reason(w), "unsupported_algorithm");
        CHECK_LACKS(se_last_error(), "\n"); /* a sender's bytes never reach a log raw */
    }
    r.values[3] = "hmacsha256"; /* the same algorithm, whatever the case */
    CHECK_INT(verify(w, body, &r), SE_OK);
    r.n = 3; /* absent: HmacSHA256 all the same */
    CHECK_INT(verify(w, body, &r), SE_OK);
    se_webhook_free(w);
}

static void test_missing_headers(void) {
    const char *body = "{}";
    se_webhook *w = verifier(SECRET, "1700000000");
    req r;
    make(&r, body, fresh_nonce(), TS);
    const char *which[] = {"x-sinch-webhook-signature:", "x-sinch-webhook-signature-nonce:",
                           "x-sinch-webhook-signature-timestamp:"};
    for (int drop = 0; drop < 3; drop++) {
        req t = r;
        t.names[drop] = "x-other";
        CHECK_INT(verify(w, body, &t), SE_E_SIGNATURE);
        CHECK_STR(se_webhook_reason(w), "missing_header");
        CHECK_HAS(se_last_error(), which[drop]);
    }
    CHECK_INT(se_webhook_verify(w, body, 2, NULL, NULL, 0), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "missing_header");
    se_webhook_free(w);
}

/* ---- the comparison ----------------------------------------------------------------------- */

static int compares;
static size_t compared_len;
static int (*real_memcmp)(const void *, const void *, size_t);
static int watch_memcmp(const void *a, const void *b, size_t n) {
    compares++;
    compared_len = n;
    return real_memcmp(a, b, n);
}

/* A signature wrong in its first byte and one wrong in its last both go
 * through one comparison of the whole 32 bytes (CRYPTO_memcmp: no early exit). */
static void test_constant_time_path(void) {
    const char *body = "{\"x\":true}";
    se_webhook *w = verifier(SECRET, "1700000000");
    CHECK_INT(se_webhook_set(w, "nonce_cache", "off"), SE_OK);
    req r;
    make(&r, body, fresh_nonce(), TS);
    unsigned char mac[40];
    size_t n;
    CHECK(sei_base64_decode(r.sig, strlen(r.sig), mac, sizeof mac, &n) && n == 32);
    real_memcmp = sei_ct_memcmp;
    sei_ct_memcmp = watch_memcmp;
    for (int pos = 0; pos < 3; pos++) { /* first byte, last byte, none */
        unsigned char m[32];
        memcpy(m, mac, 32);
        if (pos < 2)
            m[pos == 0 ? 0 : 31] ^= 0x01;
        char sig[64];
        EVP_EncodeBlock((unsigned char *)sig, m, 32);
        req t = r;
        t.values[0] = sig;
        compares = 0;
        compared_len = 0;
        CHECK_INT(verify(w, body, &t), pos < 2 ? SE_E_SIGNATURE : SE_OK);
        CHECK_INT(compares, 1);
        CHECK_INT(compared_len, 32);
    }
    sei_ct_memcmp = real_memcmp;
    se_webhook_free(w);
}

/* ---- replays ------------------------------------------------------------------------------- */

static void test_nonce_hook(void) {
    const char *body = "{}";
    se_webhook *w = verifier(SECRET, "1700000000");
    req r;
    make(&r, body, fresh_nonce(), TS);
    struct hook_log log = {.answer = 1};
    CHECK_INT(se_webhook_set_nonce_hook(w, record_hook, &log), SE_OK);
    CHECK_INT(verify(w, body, &r), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "replayed_nonce");
    CHECK_STR(log.nonce, r.nonce);
    CHECK_INT(log.ts, TS);
    log.answer = -1; /* cannot tell: refused */
    CHECK_INT(verify(w, body, &r), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "nonce_check_failed");
    log.answer = 0;
    size_t before = sei_nonce_cache_size();
    CHECK_INT(verify(w, body, &r), SE_OK);
    CHECK_INT(sei_nonce_cache_size(), before); /* the hook replaces the cache */
    CHECK_INT(log.calls, 3);
    CHECK_INT(se_webhook_set_nonce_hook(w, NULL, NULL), SE_OK); /* back to the cache */
    CHECK_INT(verify(w, body, &r), SE_OK);
    CHECK_INT(verify(w, body, &r), SE_E_SIGNATURE);
    CHECK_STR(se_webhook_reason(w), "replayed_nonce");
    se_webhook_free(w);
}

static void test_cache_bound_and_expiry(void) {
    sei_nonce_cache_clear();
    char nonce[32];
    int new_ones = 0, over = 0;
    /* entries expire: seen before expiry, new after */
    CHECK_INT(sei_nonce_cache_check("n-a", 3, 1000, 900), 0);
    CHECK_INT(sei_nonce_cache_check("n-a", 3, 1000, 1000), 1);
    CHECK_INT(sei_nonce_cache_check("n-a", 3, 2000, 1001), 0);
    CHECK_INT(sei_nonce_cache_check("n-a", 3, 2000, 1500), 1);
    /* bounded: 25,000 live nonces, never more than SEI_NONCE_CACHE_MAX kept */
    for (int i = 0; i < 25000; i++) {
        int len = snprintf(nonce, sizeof nonce, "bound-%d", i);
        new_ones += sei_nonce_cache_check(nonce, (size_t)len, 100000 + i, 50) == 0;
        over += sei_nonce_cache_size() > SEI_NONCE_CACHE_MAX;
    }
    CHECK_INT(new_ones, 25000);
    CHECK_INT(over, 0);
    CHECK(sei_nonce_cache_size() <= SEI_NONCE_CACHE_MAX);
    /* the newest are kept, the ones closest to expiring went first */
    CHECK_INT(sei_nonce_cache_check("bound-24999", 11, 200000, 50), 1);
    CHECK_INT(sei_nonce_cache_check("bound-0", 7, 200000, 50), 0);
    /* when everything has expired, one insert empties the cache */
    for (int i = 0; sei_nonce_cache_size() < SEI_NONCE_CACHE_MAX; i++) {
        int len = snprintf(nonce, sizeof nonce, "fill-%d", i);
        sei_nonce_cache_check(nonce, (size_t)len, 150000, 50);
    }
    CHECK_INT(sei_nonce_cache_check("late", 4, 900000, 800000), 0);
    CHECK_INT(sei_nonce_cache_size(), 1);
    sei_nonce_cache_clear();
}

/* ---- options ------------------------------------------------------------------------------- */

static void test_options(void) {
    se_webhook *w = NULL;
    CHECK_INT(se_webhook_new(&w, "zapi"), SE_E_INVALID);
    CHECK(w == NULL);
    CHECK_HAS(se_last_error(), "not sign");
    CHECK_INT(se_webhook_new(&w, "connect"), SE_E_INVALID);
    CHECK_INT(se_webhook_new(&w, "nope"), SE_E_INVALID);
    CHECK_HAS(se_last_error(), "unknown provider 'nope'");
    CHECK_INT(se_webhook_new(NULL, "sinch"), SE_E_MISUSE);
    CHECK_INT(se_webhook_new(&w, "sinch"), SE_OK);
    CHECK_INT(se_webhook_verify(w, "{}", 2, NULL, NULL, 0), SE_E_INVALID); /* no secret yet */
    CHECK_HAS(se_last_error(), "secret: required");
    CHECK_STR(se_webhook_reason(w), "");
    CHECK_INT(se_webhook_set(w, "secret", "hunter2-secret"), SE_OK);
    CHECK_INT(se_webhook_set(w, "colour", "hunter2-secret"), SE_E_INVALID);
    CHECK_HAS(se_last_error(), "unknown webhook option 'colour'");
    CHECK_LACKS(se_last_error(), "hunter2");
    const char *bad_tolerance[] = {"0", "-1", "abc", "604801", "nan", "1e400"};
    for (size_t i = 0; i < sizeof bad_tolerance / sizeof bad_tolerance[0]; i++) {
        CHECK_INT(se_webhook_set(w, "tolerance", bad_tolerance[i]), SE_E_INVALID);
        CHECK_HAS(se_last_error(), "tolerance:");
    }
    CHECK_INT(se_webhook_set(w, "tolerance", "0.5"), SE_E_INVALID);
    CHECK_INT(se_webhook_set(w, "tolerance", "600"), SE_OK);
    CHECK_INT(se_webhook_set(w, "now", "yesterday"), SE_E_INVALID);
    CHECK_INT(se_webhook_set(w, "nonce_cache", "redis"), SE_E_INVALID);
    CHECK_INT(se_webhook_set(w, "nonce_cache", "process"), SE_OK);
    CHECK_INT(se_webhook_set(NULL, "secret", "x"), SE_E_MISUSE);
    CHECK_INT(se_webhook_verify(NULL, "{}", 2, NULL, NULL, 0), SE_E_MISUSE);
    CHECK_INT(se_webhook_verify(w, "{}", 2, NULL, NULL, 1), SE_E_MISUSE);
    CHECK_INT(se_webhook_verify(w, NULL, 2, NULL, NULL, 0), SE_E_MISUSE);
    CHECK_INT(se_webhook_set_nonce_hook(NULL, NULL, NULL), SE_E_MISUSE);
    CHECK_STR(se_status_name(SE_E_SIGNATURE), "signature");
    CHECK_HAS(se_strerror(SE_E_SIGNATURE), "signature");
    CHECK_STR(se_webhook_reason(NULL), "");
    se_webhook_free(w);
    se_webhook_free(NULL);
}

/* ---- threads ------------------------------------------------------------------------------- */

#define THREADS 8
#define PER_THREAD 200
struct thread_arg {
    se_webhook *w;
    const req *shared; /* the same callback for every thread: one may accept it */
    int id, ok, replayed, shared_ok;
};

static void *verify_many(void *p) {
    struct thread_arg *a = p;
    const char *body = "{\"t\":1}";
    a->shared_ok = verify(a->w, body, a->shared) == SE_OK;
    for (int i = 0; i < PER_THREAD; i++) {
        req r;
        char nonce[48];
        snprintf(nonce, sizeof nonce, "thread-%d-%d-%d", a->id, i, (int)getpid());
        make(&r, body, nonce, TS);
        a->ok += verify(a->w, body, &r) == SE_OK;
        a->replayed += verify(a->w, body, &r) == SE_E_SIGNATURE &&
                       !strcmp(se_webhook_reason(a->w), "replayed_nonce");
    }
    return NULL;
}

static void test_threads_share_a_verifier(void) {
    se_webhook *w = verifier(SECRET, "1700000000");
    req shared;
    make(&shared, "{\"t\":1}", fresh_nonce(), TS);
    pthread_t t[THREADS];
    struct thread_arg a[THREADS];
    for (int i = 0; i < THREADS; i++) {
        a[i] = (struct thread_arg){.w = w, .shared = &shared, .id = i};
        pthread_create(&t[i], NULL, verify_many, &a[i]);
    }
    int shared_ok = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK_INT(a[i].ok, PER_THREAD);
        CHECK_INT(a[i].replayed, PER_THREAD);
        shared_ok += a[i].shared_ok;
    }
    CHECK_INT(shared_ok, 1); /* the same callback from eight threads: accepted once */
    se_webhook_free(w);
}

int main(void) {
    test_vector();
    test_vector_replayed_through_the_cache();
    test_tampered();
    test_window();
    test_algorithm();
    test_missing_headers();
    test_constant_time_path();
    test_nonce_hook();
    test_options();
    test_threads_share_a_verifier();
    test_cache_bound_and_expiry();
    return se_test_summary("webhook");
}
