/* Shared state behind one mutex: the request log (a ring of max_records) and pending faults
 * (issued tokens and Connect's idempotency memory are in store_tokens.c). Critical sections are
 * short copies, so a single lock is not a bottleneck at the request rates the emulator is built
 * for. */
#include "store.h"

#include "emulator.h"
#include "store_tokens.h"
#include "util.h"
#include "watch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/* ------------------------------------------------------------------ request log */

struct record {
    uint64_t seq;
    double received; /* monotonic seconds: when it had been read (or a limit looked at it) */
    enum provider provider;
    enum operation op;
    int status;
    unsigned connection_requests;
    bool accepted, replayed, throttled, resp_dropped;
    const char *fault;
    /* all inside this one allocation */
    char *method, *path, *query, *headers, *body, *resp_headers, *resp_body;
    size_t headers_len, body_len, resp_headers_len, resp_body_len;
};

static struct record **ring;
static size_t ring_cap, ring_head, ring_count; /* head = oldest */
static uint64_t next_seq = 1;

static char *pack(char **cursor, const char *s, size_t n) {
    char *dst = *cursor;
    if (n)
        memcpy(dst, s, n);
    dst[n] = '\0';
    *cursor += n + 1;
    return dst;
}

void store_record(const struct record_in *in) {
    size_t lm = strlen(in->method), lp = strlen(in->path), lq = strlen(in->query);
    size_t resp = in->resp_headers_len + in->resp_body_len;
    struct record *r =
        xmalloc(sizeof *r + lm + lp + lq + in->headers_len + in->body_len + resp + 7);
    char *cur = (char *)(r + 1);
    r->received = in->received > 0 ? in->received : mono_seconds();
    r->provider = in->provider;
    r->op = in->op;
    r->status = in->status;
    r->connection_requests = in->connection_requests;
    r->accepted = in->accepted;
    r->replayed = in->replayed;
    r->throttled = in->throttled;
    r->fault = in->fault;
    r->method = pack(&cur, in->method, lm);
    r->path = pack(&cur, in->path, lp);
    r->query = pack(&cur, in->query, lq);
    r->headers = pack(&cur, in->headers, in->headers_len);
    r->headers_len = in->headers_len;
    r->body = pack(&cur, in->body, in->body_len);
    r->body_len = in->body_len;
    r->resp_headers = pack(&cur, in->resp_headers, in->resp_headers_len);
    r->resp_headers_len = in->resp_headers_len;
    r->resp_body = pack(&cur, in->resp_body, in->resp_body_len);
    r->resp_body_len = in->resp_body_len;
    r->resp_dropped = in->resp_dropped;

    pthread_mutex_lock(&mu);
    r->seq = next_seq++;
    struct record *old = NULL;
    if (ring_count == ring_cap) { /* full: drop the oldest */
        old = ring[ring_head];
        ring[ring_head] = r;
        ring_head = (ring_head + 1) % ring_cap;
    } else {
        ring[(ring_head + ring_count) % ring_cap] = r;
        ring_count++;
    }
    pthread_mutex_unlock(&mu);
    free(old);
    watch_bump();
}

/* "name\0value\0..." as an object; names as packed (lower case for requests). */
static cJSON *headers_json(const char *packed, size_t len) {
    cJSON *h = cJSON_CreateObject();
    const char *p = packed, *end = packed + len;
    while (p < end) {
        const char *name = p;
        const char *value = name + strlen(name) + 1;
        p = value + strlen(value) + 1;
        char *v = utf8_sanitize(value, strlen(value));
        cJSON *prev = cJSON_GetObjectItemCaseSensitive(h, name);
        if (prev) { /* a repeated header: join the values as HTTP allows */
            size_t n = strlen(prev->valuestring) + strlen(v) + 3;
            char *joined = xmalloc(n);
            snprintf(joined, n, "%s, %s", prev->valuestring, v);
            cJSON_ReplaceItemInObjectCaseSensitive(h, name, cJSON_CreateString(joined));
            free(joined);
        } else {
            cJSON_AddStringToObject(h, name, v);
        }
        free(v);
    }
    return h;
}

/* body (parsed, or null) and body_raw. Both come from the sanitized bytes: cJSON does not check
 * UTF-8, and the log must stay valid JSON whatever a client sent. */
static void add_body(cJSON *o, const char *bytes, size_t len) {
    char *raw = utf8_sanitize(bytes, len);
    cJSON *body = len ? cJSON_ParseWithOpts(raw, NULL, true) : NULL;
    cJSON_AddItemToObject(o, "body", body ? body : cJSON_CreateNull());
    cJSON_AddStringToObject(o, "body_raw", raw);
    free(raw);
}

static cJSON *record_json(const struct record *r) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "seq", (double)r->seq);
    cJSON_AddNumberToObject(o, "received", r->received);
    const char *p = provider_name(r->provider), *op = operation_name(r->op);
    cJSON_AddItemToObject(o, "provider", p ? cJSON_CreateString(p) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "operation", op ? cJSON_CreateString(op) : cJSON_CreateNull());
    cJSON_AddStringToObject(o, "method", r->method);
    cJSON_AddStringToObject(o, "path", r->path);
    cJSON_AddStringToObject(o, "query", r->query);
    cJSON_AddItemToObject(o, "headers", headers_json(r->headers, r->headers_len));
    add_body(o, r->body, r->body_len);
    cJSON_AddItemToObject(o, "status",
                          r->status ? cJSON_CreateNumber(r->status) : cJSON_CreateNull());
    cJSON_AddBoolToObject(o, "accepted", r->accepted);
    cJSON_AddNumberToObject(o, "connection_requests", (double)r->connection_requests);
    if (r->replayed)
        cJSON_AddBoolToObject(o, "replayed", true);
    if (r->throttled)
        cJSON_AddBoolToObject(o, "throttled", true);
    if (r->fault)
        cJSON_AddStringToObject(o, "fault", r->fault);
    if (!r->status) { /* not processed: no answer was produced */
        cJSON_AddNullToObject(o, "response");
        return o;
    }
    cJSON *resp = cJSON_AddObjectToObject(o, "response");
    cJSON_AddBoolToObject(resp, "sent", !r->resp_dropped);
    cJSON_AddNumberToObject(resp, "status", r->status);
    cJSON_AddItemToObject(resp, "headers", headers_json(r->resp_headers, r->resp_headers_len));
    add_body(resp, r->resp_body, r->resp_body_len);
    return o;
}

cJSON *store_requests_json(bool all, uint64_t after, size_t last) {
    cJSON *doc = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(doc, "requests");
    pthread_mutex_lock(&mu);
    size_t first = ring_count, taken = 0; /* the oldest of the newest `last` that match */
    while (first > 0 && (!last || taken < last)) {
        const struct record *r = ring[(ring_head + first - 1) % ring_cap];
        if (r->seq <= after)
            break;
        first--;
        taken += all || r->accepted;
    }
    for (size_t i = first; i < ring_count; i++) {
        const struct record *r = ring[(ring_head + i) % ring_cap];
        if (all || r->accepted)
            cJSON_AddItemToArray(arr, record_json(r));
    }
    pthread_mutex_unlock(&mu);
    return doc;
}

static void log_clear_locked(void) {
    for (size_t i = 0; i < ring_count; i++)
        free(ring[(ring_head + i) % ring_cap]);
    ring_head = ring_count = 0;
}

/* ------------------------------------------------------------------ faults */

/* Which requests of a connection a fault may hit. */
enum connection_match { CONN_ANY, CONN_FRESH, CONN_REUSED };

struct fault {
    int id;
    enum provider provider;
    enum operation op; /* OP_NONE = any */
    enum connection_match connection;
    long remaining;    /* -1 = unlimited (fraction without count) */
    bool has_fraction; /* else every matching request is hit */
    double fraction, acc;
    cJSON *spec;          /* as given, for listing */
    struct fault_hit hit; /* what to do to a request it applies to */
    cJSON *callback;      /* a callback fault: shapes the callbacks of the requests it hits */
    struct fault *next;
};
static struct fault *faults, **faults_tail = &faults;
static int next_fault_id = 1;

const char *fault_action_name(enum fault_action a) {
    static const char *const names[ACT_COUNT] = {NULL,        "close",       "hang",
                                                 "oversized", "value_false", "expire_token",
                                                 "reset",     "close_after", "reset_after"};
    return a > ACT_NONE && a < ACT_COUNT ? names[a] : NULL;
}

void fault_hit_clear(struct fault_hit *h) {
    free(h->retry_after);
    free(h->body);
    cJSON_Delete(h->headers);
    memset(h, 0, sizeof *h);
}

static void fault_free(struct fault *f) {
    fault_hit_clear(&f->hit);
    cJSON_Delete(f->spec);
    cJSON_Delete(f->callback);
    free(f);
}

static bool spec_int(const cJSON *spec, const char *key, long lo, long hi, long *out, char *err,
                     size_t errlen) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key);
    if (!v)
        return true;
    double d = v->valuedouble; /* range first: casting an out-of-range double is undefined */
    if (!cJSON_IsNumber(v) || d < (double)lo || d > (double)hi || d != (double)(long)d) {
        snprintf(err, errlen, "%s: must be an integer in %ld..%ld", key, lo, hi);
        return false;
    }
    *out = (long)d;
    return true;
}

/* A callback fault shapes callbacks only: none of the request-fault fields go with it. Its own
 * fields are checked by the control API (callbacks.c) before the spec gets here. */
static bool callback_fault_ok(const cJSON *spec, const cJSON *cb, char *err, size_t errlen) {
    static const char *const request_only[] = {"status",  "retry_after", "body",
                                               "headers", "latency_ms",  "action",
                                               "bytes",   "connection",  NULL};
    if (!cJSON_IsObject(cb)) {
        snprintf(err, errlen, "callback: must be an object");
        return false;
    }
    for (int i = 0; request_only[i]; i++)
        if (cJSON_GetObjectItemCaseSensitive(spec, request_only[i])) {
            snprintf(err, errlen, "%s: cannot be combined with callback", request_only[i]);
            return false;
        }
    return true;
}

/* Parses a fault spec (see docs/emulator.md). */
/* provider, operation, connection: which requests the fault applies to. */
static bool parse_target(const cJSON *spec, struct fault *f, char *err, size_t errlen) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, "provider");
    f->provider = cJSON_IsString(v) ? provider_from_name(v->valuestring) : PROV_NONE;
    if (f->provider == PROV_NONE) {
        snprintf(err, errlen, "provider: required, one of sinch, zapi, connect");
        return false;
    }
    f->op = OP_NONE;
    if ((v = cJSON_GetObjectItemCaseSensitive(spec, "operation")) && !cJSON_IsNull(v)) {
        f->op = cJSON_IsString(v) ? operation_from_name(v->valuestring) : OP_NONE;
        if (f->op == OP_NONE) {
            snprintf(err, errlen,
                     "operation: one of send_event, send_message, edit_event, respond_event, "
                     "create_connection, disconnect, oauth_token, update_webhook");
            return false;
        }
    }
    f->connection = CONN_ANY;
    if ((v = cJSON_GetObjectItemCaseSensitive(spec, "connection")) && !cJSON_IsNull(v)) {
        bool fresh = cJSON_IsString(v) && strcmp(v->valuestring, "fresh") == 0;
        bool reused = cJSON_IsString(v) && strcmp(v->valuestring, "reused") == 0;
        if (!fresh && !reused) {
            snprintf(err, errlen, "connection: one of fresh, reused");
            return false;
        }
        f->connection = fresh ? CONN_FRESH : CONN_REUSED;
    }
    return true;
}

/* retry_after, body, headers: what the answer carries. */
static bool parse_answer(const cJSON *spec, struct fault *f, char *err, size_t errlen) {
    const cJSON *v;
    if ((v = cJSON_GetObjectItemCaseSensitive(spec, "retry_after"))) {
        char num[32];
        long secs = -1;
        if (cJSON_IsNumber(v)) {
            if (!spec_int(spec, "retry_after", 0, 1000000000L, &secs, err, errlen))
                return false;
            snprintf(num, sizeof num, "%ld", secs);
            f->hit.retry_after = xstrdup(num);
        } else if (cJSON_IsString(v)) {
            f->hit.retry_after = xstrdup(v->valuestring);
        } else {
            snprintf(err, errlen, "retry_after: must be a string (seconds or HTTP-date)");
            return false;
        }
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(spec, "body")))
        f->hit.body = cJSON_IsString(v) ? xstrdup(v->valuestring) : cJSON_PrintUnformatted(v);
    if ((v = cJSON_GetObjectItemCaseSensitive(spec, "headers"))) {
        bool ok = cJSON_IsObject(v);
        for (const cJSON *h = ok ? v->child : NULL; h; h = h->next)
            ok &= cJSON_IsString(h) && !strpbrk(h->valuestring, "\r\n") &&
                  !strpbrk(h->string, "\r\n: ");
        if (!ok) {
            snprintf(err, errlen, "headers: must be an object of header name -> string value");
            return false;
        }
        f->hit.headers = cJSON_Duplicate(v, true);
    }
    return true;
}

/* action: what is done to the connection instead of answering (or after). */
static bool parse_action(const cJSON *spec, struct fault *f, long status, char *err,
                         size_t errlen) {
    const cJSON *v;
    if ((v = cJSON_GetObjectItemCaseSensitive(spec, "action"))) {
        for (int a = ACT_NONE + 1; a < ACT_COUNT && cJSON_IsString(v); a++)
            if (strcmp(v->valuestring, fault_action_name((enum fault_action)a)) == 0)
                f->hit.action = (enum fault_action)a;
        if (f->hit.action == ACT_NONE) {
            snprintf(err, errlen,
                     "action: one of close, reset, close_after, reset_after, hang, oversized, "
                     "value_false, expire_token");
            return false;
        }
        if (status || f->hit.body) {
            snprintf(err, errlen, "action %s cannot be combined with status or body",
                     v->valuestring);
            return false;
        }
        if (f->hit.action == ACT_EXPIRE_TOKEN && f->provider != PROV_SINCH) {
            snprintf(err, errlen, "action expire_token applies to provider sinch only");
            return false;
        }
    }
    return true;
}

cJSON *store_fault_add(const cJSON *spec, char *err, size_t errlen) {
    static const char *const known[] = {
        "provider", "operation",  "count",  "fraction", "status",     "retry_after", "body",
        "headers",  "latency_ms", "action", "bytes",    "connection", "callback",    NULL};
    if (!cJSON_IsObject(spec)) {
        snprintf(err, errlen, "fault spec must be a JSON object");
        return NULL;
    }
    for (const cJSON *it = spec->child; it; it = it->next) {
        bool ok = false;
        for (int i = 0; known[i]; i++)
            ok |= strcmp(it->string, known[i]) == 0;
        if (!ok) {
            snprintf(err, errlen, "%s: unknown field", it->string);
            return NULL;
        }
    }
    struct fault *f = calloc(1, sizeof *f);
    if (!f)
        abort();
    if (!parse_target(spec, f, err, errlen))
        goto fail;
    const cJSON *v;
    long count = -1, status = 0, latency = 0, bytes = 8L << 20;
    if (!spec_int(spec, "count", 1, 1000000000L, &count, err, errlen) ||
        !spec_int(spec, "status", 100, 599, &status, err, errlen) ||
        !spec_int(spec, "latency_ms", 0, 3600000L, &latency, err, errlen) ||
        !spec_int(spec, "bytes", 1, 1L << 30, &bytes, err, errlen))
        goto fail;
    if ((v = cJSON_GetObjectItemCaseSensitive(spec, "fraction"))) {
        if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1) {
            snprintf(err, errlen, "fraction: must be a number in 0..1");
            goto fail;
        }
        f->has_fraction = true;
        f->fraction = v->valuedouble;
        f->remaining = count; /* unlimited unless a count was given too */
    } else {
        f->remaining = count < 0 ? 1 : count;
    }
    f->hit.status = (int)status;
    f->hit.latency_ms = latency;
    f->hit.bytes = (size_t)bytes;
    if (!parse_answer(spec, f, err, errlen) || !parse_action(spec, f, status, err, errlen))
        goto fail;
    if ((v = cJSON_GetObjectItemCaseSensitive(spec, "callback"))) {
        if (!callback_fault_ok(spec, v, err, errlen))
            goto fail;
        f->callback = cJSON_Duplicate(v, true);
    } else if (!status && !f->hit.body && f->hit.action == ACT_NONE && latency == 0) {
        snprintf(err, errlen, "a fault needs at least one of status, body, action, latency_ms");
        goto fail;
    }
    f->spec = cJSON_Duplicate(spec, true);

    pthread_mutex_lock(&mu);
    f->id = next_fault_id++;
    *faults_tail = f;
    faults_tail = &f->next;
    cJSON *desc = cJSON_Duplicate(f->spec, true);
    cJSON_AddNumberToObject(desc, "id", f->id);
    pthread_mutex_unlock(&mu);
    watch_bump();
    return desc;
fail:
    fault_free(f);
    return NULL;
}

static void faults_clear_locked(void) {
    while (faults) {
        struct fault *f = faults;
        faults = f->next;
        fault_free(f);
    }
    faults_tail = &faults;
}

static void copy_hit(struct fault_hit *dst, const struct fault_hit *src) {
    *dst = *src;
    dst->retry_after = src->retry_after ? xstrdup(src->retry_after) : NULL;
    dst->body = src->body ? xstrdup(src->body) : NULL;
    dst->headers = src->headers ? cJSON_Duplicate(src->headers, true) : NULL;
}

/* The first pending fault that matches takes effect. A fraction is applied deterministically
 * (an accumulator): exactly floor(n * fraction) of n matching requests are hit, evenly spread,
 * so tests can count on it. */
bool store_fault_take(enum provider p, enum operation op, unsigned connection_requests,
                      struct fault_hit *out) {
    bool hit = false;
    enum connection_match conn = connection_requests > 1 ? CONN_REUSED : CONN_FRESH;
    pthread_mutex_lock(&mu);
    for (struct fault **pp = &faults; *pp; pp = &(*pp)->next) {
        struct fault *f = *pp;
        if (f->callback || f->provider != p || (f->op != OP_NONE && f->op != op))
            continue;
        if (f->connection != CONN_ANY && f->connection != conn)
            continue; /* before the fraction: a request it cannot hit leaves the count alone */
        if (f->has_fraction) {
            f->acc += f->fraction;
            if (f->acc + 1e-9 < 1.0) /* tolerance: ten times 0.1 must make 1 */
                continue;            /* this request escapes this fault */
            f->acc -= 1.0;
        }
        hit = true;
        copy_hit(out, &f->hit);
        if (f->remaining > 0 && --f->remaining == 0) {
            *pp = f->next;
            if (faults_tail == &f->next)
                faults_tail = pp;
            fault_free(f);
        }
        break;
    }
    pthread_mutex_unlock(&mu);
    if (hit && out->action == ACT_EXPIRE_TOKEN) /* before the request is handled */
        store_tokens_expire(TOK_SINCH);
    return hit;
}

cJSON *store_callback_fault_take(enum provider p, enum operation op) {
    cJSON *out = NULL;
    pthread_mutex_lock(&mu);
    for (struct fault **pp = &faults; *pp && !out; pp = &(*pp)->next) {
        struct fault *f = *pp;
        if (!f->callback || f->provider != p || (f->op != OP_NONE && f->op != op))
            continue;
        if (f->has_fraction) {
            f->acc += f->fraction;
            if (f->acc + 1e-9 < 1.0)
                continue;
            f->acc -= 1.0;
        }
        out = cJSON_Duplicate(f->callback, true);
        if (f->remaining > 0 && --f->remaining == 0) {
            *pp = f->next;
            if (faults_tail == &f->next)
                faults_tail = pp;
            fault_free(f);
            break; /* *pp has moved on: stop here (out is set) */
        }
    }
    pthread_mutex_unlock(&mu);
    return out;
}

cJSON *store_faults_json(void) {
    cJSON *doc = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(doc, "faults");
    pthread_mutex_lock(&mu);
    for (struct fault *f = faults; f; f = f->next) {
        cJSON *o = cJSON_Duplicate(f->spec, true);
        cJSON_AddNumberToObject(o, "id", f->id);
        cJSON_AddItemToObject(o, "remaining",
                              f->remaining < 0 ? cJSON_CreateNull()
                                               : cJSON_CreateNumber((double)f->remaining));
        cJSON_AddItemToArray(arr, o);
    }
    pthread_mutex_unlock(&mu);
    return doc;
}

void store_faults_clear(void) {
    pthread_mutex_lock(&mu);
    faults_clear_locked();
    pthread_mutex_unlock(&mu);
    watch_bump();
}

/* ------------------------------------------------------------------ lifecycle */

void store_init(size_t max_records) {
    ring_cap = max_records;
    ring = calloc(ring_cap, sizeof *ring);
    if (!ring)
        abort();
    store_tokens_init(max_records);
}

void store_reset(void) {
    pthread_mutex_lock(&mu);
    log_clear_locked();
    faults_clear_locked();
    pthread_mutex_unlock(&mu);
    store_tokens_reset();
    watch_bump();
}

void store_free(void) {
    store_reset();
    free(ring);
    store_tokens_free();
}
