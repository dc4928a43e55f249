/* callbacks.c - the callback sender (callbacks.h).
 *
 * Request handlers never send: they enqueue (callbacks_enqueue) and return. One sender thread
 * takes jobs in order of due time (FIFO among equal times), POSTs each over a fresh loopback
 * connection (post.c), records the attempt, and schedules a retry when the receiver did not
 * answer in time or answered an error: Sinch retries any non-2xx, Z-API anything but 200.
 * Retries wait retry_ms * 2^(attempt-1), at most cfg.callback_attempts attempts in all.
 * A reset bumps the generation: the job being sent then is neither recorded nor retried. */
#include "callbacks.h"

#include "crypto.h"
#include "post.h"
#include "util.h"
#include "watch.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SINCH_TIMEOUT_MS 10000

struct job {
    enum provider provider;
    char *url, *secret, *trigger, *id, *delivery_status, *body;
    struct post_url target;
    int attempt; /* of the next send, 1-based */
    int64_t due; /* mono_ms */
    struct job *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv;
static pthread_t sender;
static bool running, stopping;
static struct job *queue; /* sorted by due */
static size_t queued;     /* jobs in queue: at most cfg.max_records */
static uint64_t generation, next_seq = 1;
static cJSON *records; /* array, at most cfg.max_records (oldest dropped) */
static char *sinch_url, *sinch_secret, *zapi_url;
static int cancel_pipe[2] = {-1, -1}; /* a byte in it abandons the exchange in flight */

static void cancel_drain_locked(void) {
    char buf[64];
    while (read(cancel_pipe[0], buf, sizeof buf) > 0)
        ;
}

static void cancel_signal_locked(void) {
    if (write(cancel_pipe[1], "x", 1) < 0) { /* full: it is readable anyway */
    }
}

static char *dup_or_null(const char *s) {
    return s && *s ? xstrdup(s) : NULL;
}

static void job_free(struct job *j) {
    free(j->url);
    free(j->secret);
    free(j->trigger);
    free(j->id);
    free(j->delivery_status);
    free(j->body);
    free(j);
}

/* ------------------------------------------------------------------ settings */

static void settings_from_flags_locked(void) {
    free(sinch_url);
    free(sinch_secret);
    free(zapi_url);
    sinch_url = dup_or_null(cfg.sinch_webhook_url);
    sinch_secret = dup_or_null(cfg.sinch_webhook_secret);
    zapi_url = dup_or_null(cfg.zapi_webhook_url);
}

void callbacks_settings(enum provider p, char **url, char **secret) {
    pthread_mutex_lock(&mu);
    *url = dup_or_null(p == PROV_SINCH ? sinch_url : p == PROV_ZAPI ? zapi_url : NULL);
    if (secret)
        *secret = dup_or_null(p == PROV_SINCH ? sinch_secret : NULL);
    pthread_mutex_unlock(&mu);
}

static void add_str_or_null(cJSON *o, const char *key, const char *s) {
    cJSON_AddItemToObject(o, key, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

/* The secret itself is never shown, only whether one is set. */
cJSON *callbacks_settings_json(void) {
    cJSON *o = cJSON_CreateObject();
    pthread_mutex_lock(&mu);
    add_str_or_null(o, "sinch_url", sinch_url);
    cJSON_AddBoolToObject(o, "sinch_secret_set", sinch_secret != NULL);
    add_str_or_null(o, "zapi_url", zapi_url);
    pthread_mutex_unlock(&mu);
    cJSON_AddNumberToObject(o, "zapi_timeout_ms", cfg.zapi_callback_timeout_ms);
    cJSON_AddNumberToObject(o, "sinch_timeout_ms", SINCH_TIMEOUT_MS);
    cJSON_AddNumberToObject(o, "retry_ms", cfg.callback_retry_ms);
    cJSON_AddNumberToObject(o, "attempts", cfg.callback_attempts);
    return o;
}

/* Checks one field: absent (keep), null or "" (clear), or a string (a loopback URL when url). */
static bool setting_field(const cJSON *spec, const char *key, bool url, bool *present,
                          const char **value, char *err, size_t errlen) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key);
    *present = v != NULL;
    *value = NULL;
    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsString(v)) {
        snprintf(err, errlen, "%s: must be a string or null", key);
        return false;
    }
    *value = v->valuestring;
    struct post_url u;
    char why[160];
    if (url && *v->valuestring && !post_url_parse(v->valuestring, &u, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", key, why);
        return false;
    }
    return true;
}

bool callbacks_settings_update(const cJSON *spec, char *err, size_t errlen) {
    static const char *const keys[] = {"sinch_url", "sinch_secret", "zapi_url"};
    if (!cJSON_IsObject(spec)) {
        snprintf(err, errlen, "body must be a JSON object");
        return false;
    }
    for (const cJSON *it = spec->child; it; it = it->next)
        if (strcmp(it->string, keys[0]) && strcmp(it->string, keys[1]) &&
            strcmp(it->string, keys[2])) {
            snprintf(err, errlen, "%s: unknown field (sinch_url, sinch_secret, zapi_url)",
                     it->string);
            return false;
        }
    bool present[3];
    const char *value[3];
    for (int i = 0; i < 3; i++)
        if (!setting_field(spec, keys[i], i != 1, &present[i], &value[i], err, errlen))
            return false;
    char **slots[3] = {&sinch_url, &sinch_secret, &zapi_url};
    pthread_mutex_lock(&mu);
    for (int i = 0; i < 3; i++)
        if (present[i]) {
            free(*slots[i]);
            *slots[i] = dup_or_null(value[i]);
        }
    pthread_mutex_unlock(&mu);
    return true;
}

bool callbacks_set_zapi_url(const char *url, char *err, size_t errlen) {
    struct post_url u;
    if (*url && !post_url_parse(url, &u, err, errlen))
        return false;
    pthread_mutex_lock(&mu);
    free(zapi_url);
    zapi_url = dup_or_null(url);
    pthread_mutex_unlock(&mu);
    return true;
}

/* ------------------------------------------------------------------ records */

static cJSON *record_new(const struct job *j, int attempt) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "seq", 0); /* set when recorded */
    cJSON_AddStringToObject(o, "provider", provider_name(j->provider));
    cJSON_AddStringToObject(o, "trigger", j->trigger);
    cJSON_AddStringToObject(o, "id", j->id);
    cJSON_AddStringToObject(o, "delivery_status", j->delivery_status);
    cJSON_AddStringToObject(o, "url", j->url);
    cJSON_AddNumberToObject(o, "attempt", attempt);
    cJSON *body = cJSON_Parse(j->body);
    cJSON_AddItemToObject(o, "body", body ? body : cJSON_CreateNull());
    cJSON_AddStringToObject(o, "body_raw", j->body);
    return o;
}

static void record_add_locked(cJSON *rec) {
    cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(rec, "seq"), (double)next_seq++);
    cJSON_AddItemToArray(records, rec);
    if ((size_t)cJSON_GetArraySize(records) > cfg.max_records)
        cJSON_DeleteItemFromArray(records, 0);
    watch_bump(); /* no lock of ours is taken by it */
}

cJSON *callbacks_json(uint64_t after, size_t last) {
    cJSON *doc = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(doc, "callbacks");
    pthread_mutex_lock(&mu);
    size_t n = (size_t)cJSON_GetArraySize(records), skip = last && n > last ? n - last : 0;
    for (const cJSON *r = records->child; r; r = r->next, skip -= skip > 0)
        if (!skip && cJSON_GetObjectItemCaseSensitive(r, "seq")->valuedouble > (double)after)
            cJSON_AddItemToArray(arr, cJSON_Duplicate(r, true));
    pthread_mutex_unlock(&mu);
    return doc;
}

/* ------------------------------------------------------------------ queue */

static void insert_locked(struct job *j) {
    queued++;
    struct job **pp = &queue;
    while (*pp && (*pp)->due <= j->due)
        pp = &(*pp)->next;
    j->next = *pp;
    *pp = j;
    pthread_cond_signal(&cv);
}

static struct job *job_new(const struct callback_in *in) {
    struct job *j = calloc(1, sizeof *j);
    if (!j)
        abort();
    j->provider = in->provider;
    j->url = xstrdup(in->url);
    j->secret = dup_or_null(in->secret);
    j->trigger = xstrdup(in->trigger);
    j->id = xstrdup(in->id);
    j->delivery_status = xstrdup(in->delivery_status);
    j->body = in->body;
    j->attempt = 1;
    return j;
}

static void skip_locked(struct job *j, const char *reason) {
    cJSON *rec = record_new(j, 0);
    cJSON_AddStringToObject(rec, "skipped", reason);
    record_add_locked(rec);
    job_free(j);
}

/* A full queue (a receiver far slower than the senders) drops the new callback, recorded. */
void callbacks_enqueue(const struct callback_in *in) {
    struct job *j = job_new(in);
    char err[160];
    if (!post_url_parse(j->url, &j->target, err, sizeof err))
        abort(); /* callers check first */
    j->due = mono_ms() + in->delay_ms;
    pthread_mutex_lock(&mu);
    if (queued >= cfg.max_records)
        skip_locked(j, "the callback queue is full (--max-records callbacks pending)");
    else
        insert_locked(j);
    pthread_mutex_unlock(&mu);
}

void callbacks_skip(const struct callback_in *in, const char *reason) {
    struct job *j = job_new(in);
    pthread_mutex_lock(&mu);
    skip_locked(j, reason);
    pthread_mutex_unlock(&mu);
}

/* ------------------------------------------------------------------ sending */

/* Signs (Sinch, when a secret is set), POSTs and fills the record's headers and answer.
 * Returns whether the receiver accepted it. */
static bool send_one(const struct job *j, cJSON *rec) {
    char nonce[27], ts[24], hsig[200], hnonce[64], hts[64];
    const char *hdrs[6] = {NULL};
    cJSON *h = cJSON_AddObjectToObject(rec, "headers");
    cJSON_AddStringToObject(h, "content-type", "application/json");
    if (j->secret) {
        new_ulid(nonce);
        snprintf(ts, sizeof ts, "%lld", (long long)(now_ms() / 1000));
        char *sig = sinch_signature(j->secret, j->body, strlen(j->body), nonce, ts);
        snprintf(hsig, sizeof hsig, "x-sinch-webhook-signature: %s", sig);
        snprintf(hnonce, sizeof hnonce, "x-sinch-webhook-signature-nonce: %s", nonce);
        snprintf(hts, sizeof hts, "x-sinch-webhook-signature-timestamp: %s", ts);
        hdrs[0] = hsig;
        hdrs[1] = hnonce;
        hdrs[2] = hts;
        hdrs[3] = "x-sinch-webhook-signature-algorithm: HmacSHA256";
        cJSON_AddStringToObject(h, "x-sinch-webhook-signature", sig);
        cJSON_AddStringToObject(h, "x-sinch-webhook-signature-nonce", nonce);
        cJSON_AddStringToObject(h, "x-sinch-webhook-signature-timestamp", ts);
        cJSON_AddStringToObject(h, "x-sinch-webhook-signature-algorithm", "HmacSHA256");
        free(sig);
    }
    char when[32], err[160] = "";
    iso_time(when, now_ms());
    cJSON_AddStringToObject(rec, "time", when);
    int timeout = j->provider == PROV_ZAPI ? (int)cfg.zapi_callback_timeout_ms : SINCH_TIMEOUT_MS;
    int status = post_json(&j->target, hdrs, j->body, strlen(j->body), timeout, cancel_pipe[0], err,
                           sizeof err);
    cJSON_AddItemToObject(rec, "answer", status ? cJSON_CreateNumber(status) : cJSON_CreateNull());
    add_str_or_null(rec, "error", status ? NULL : err);
    return j->provider == PROV_ZAPI ? status == 200 : status >= 200 && status < 300;
}

static void *sender_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!stopping) {
        int64_t now = mono_ms();
        if (!queue || queue->due > now) {
            if (!queue) {
                pthread_cond_wait(&cv, &mu);
                continue;
            }
            cond_wait_ms(&cv, &mu, queue->due - now);
            continue;
        }
        struct job *j = queue;
        queue = j->next;
        queued--;
        uint64_t gen = generation;
        cancel_drain_locked(); /* a reset from now on abandons this exchange */
        cJSON *rec = record_new(j, j->attempt);
        pthread_mutex_unlock(&mu);
        bool ok = send_one(j, rec);
        pthread_mutex_lock(&mu);
        if (gen != generation || stopping) { /* reset meanwhile: forget it */
            cJSON_Delete(rec);
            job_free(j);
            continue;
        }
        record_add_locked(rec);
        if (!ok && j->attempt < (int)cfg.callback_attempts) {
            j->due = mono_ms() + (int64_t)cfg.callback_retry_ms * (1LL << (j->attempt - 1));
            j->attempt++;
            insert_locked(j);
        } else {
            job_free(j);
        }
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

static void queue_clear_locked(void) {
    queued = 0;
    while (queue) {
        struct job *j = queue;
        queue = j->next;
        job_free(j);
    }
}

bool callbacks_start(void) {
    cond_init_monotonic(&cv);
    records = cJSON_CreateArray();
    settings_from_flags_locked(); /* no other thread yet */
    if (pipe2(cancel_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
        perror("sendevent-emulator: pipe");
        return false;
    }
    if (pthread_create(&sender, NULL, sender_main, NULL) != 0) {
        fprintf(stderr, "sendevent-emulator: cannot start the callback sender thread\n");
        return false;
    }
    running = true;
    return true;
}

void callbacks_reset(void) {
    pthread_mutex_lock(&mu);
    generation++;
    cancel_signal_locked();
    queue_clear_locked();
    cJSON_Delete(records);
    records = cJSON_CreateArray();
    settings_from_flags_locked();
    pthread_mutex_unlock(&mu);
}

void callbacks_stop(void) {
    pthread_mutex_lock(&mu);
    stopping = true;
    if (cancel_pipe[1] >= 0)
        cancel_signal_locked();
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    if (running)
        pthread_join(sender, NULL);
    running = false;
    queue_clear_locked();
    cJSON_Delete(records);
    records = NULL;
    free(sinch_url);
    free(sinch_secret);
    free(zapi_url);
    sinch_url = sinch_secret = zapi_url = NULL;
    for (int i = 0; i < 2; i++)
        if (cancel_pipe[i] >= 0)
            close(cancel_pipe[i]);
    pthread_cond_destroy(&cv);
}
