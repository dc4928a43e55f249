/* signature.c - se_webhook: verifying signed callbacks. The provider's hook
 * checks the signature (providers/<name>/webhook.c); this file holds the
 * verifier's options, the clock, the timestamp window and the replay check
 * (the nonce hook, else the process-wide cache of nonce_cache.c). */
#include "signature.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "crypto.h"
#include "logging.h"
#include "nonce_cache.h"
#include "provider.h"
#include "sendevent/webhook.h"
#include "util.h"

#define DEFAULT_TOLERANCE 300.0
#define MAX_TOLERANCE 604800.0 /* a week */

struct se_webhook {
    const sei_provider *provider;
    unsigned char *secret; /* NULL until set; wiped when replaced or freed */
    size_t secret_len;
    double tolerance;
    bool fixed_clock; /* "now" set */
    double now;
    bool cache_off; /* "nonce_cache" "off" */
    se_nonce_fn hook;
    void *hook_data;
};

/* the calling thread's last verification: which verifier, and why it failed */
static _Thread_local struct {
    const se_webhook *w;
    const char *reason;
} last;

static se_status invalid(const char *fmt, const char *arg) {
    char msg[256];
    snprintf(msg, sizeof msg, fmt, arg);
    return sei_set_error(NULL, SE_E_INVALID, msg);
}

se_status se_webhook_new(se_webhook **out, const char *provider) {
    if (!out || !provider)
        return out ? (*out = NULL, SE_E_MISUSE) : SE_E_MISUSE;
    *out = NULL;
    const sei_provider *p = sei_provider_find(provider);
    if (!p)
        return invalid("unknown provider '%.60s' (sinch, zapi or connect)", provider);
    if (!p->verify_signature) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s callbacks are not signed: %s", p->name,
                 p->unsigned_note ? p->unsigned_note : "nothing to verify");
        return sei_set_error(NULL, SE_E_INVALID, msg);
    }
    se_webhook *w = calloc(1, sizeof *w);
    if (!w)
        return SE_E_NOMEM;
    w->provider = p;
    w->tolerance = DEFAULT_TOLERANCE;
    *out = w;
    return SE_OK;
}

static void drop_secret(se_webhook *w) {
    sei_wipe(w->secret, w->secret_len);
    free(w->secret);
    w->secret = NULL;
    w->secret_len = 0;
}

void se_webhook_free(se_webhook *w) {
    if (!w)
        return;
    drop_secret(w);
    if (last.w == w)
        last.w = NULL;
    free(w);
}

/* A number of seconds in [lo, hi]; false when value is not one. */
static bool parse_seconds(const char *value, double lo, double hi, double *out) {
    char *end;
    double d = strtod(value, &end);
    if (end == value || *end || !isfinite(d) || d < lo || d > hi)
        return false;
    *out = d;
    return true;
}

static se_status set_secret(se_webhook *w, const char *value) {
    drop_secret(w);
    if (!value || !*value)
        return SE_OK;
    size_t n = strlen(value);
    w->secret = malloc(n);
    if (!w->secret)
        return SE_E_NOMEM;
    memcpy(w->secret, value, n);
    w->secret_len = n;
    return SE_OK;
}

se_status se_webhook_set(se_webhook *w, const char *key, const char *value) {
    if (!w || !key)
        return SE_E_MISUSE;
    bool reset = !value || !*value;
    if (!strcmp(key, "secret"))
        return set_secret(w, value); /* the value is never echoed */
    if (!strcmp(key, "tolerance")) {
        if (reset)
            w->tolerance = DEFAULT_TOLERANCE;
        else if (!parse_seconds(value, 1, MAX_TOLERANCE, &w->tolerance))
            return invalid("tolerance: seconds in 1..604800, got '%.40s'", value);
        return SE_OK;
    }
    if (!strcmp(key, "now")) {
        w->fixed_clock = !reset;
        if (!reset && !parse_seconds(value, 0, 1e12, &w->now)) {
            w->fixed_clock = false;
            return invalid("now: Unix seconds (0..1e12), got '%.40s'", value);
        }
        return SE_OK;
    }
    if (!strcmp(key, "nonce_cache")) {
        if (reset || !strcmp(value, "process") || !strcmp(value, "off")) {
            w->cache_off = !reset && !strcmp(value, "off");
            return SE_OK;
        }
        return invalid("nonce_cache: \"process\" or \"off\", got '%.40s'", value);
    }
    return invalid("unknown webhook option '%.60s' (secret, tolerance, now, nonce_cache)", key);
}

se_status se_webhook_set_nonce_hook(se_webhook *w, se_nonce_fn seen, void *userdata) {
    if (!w)
        return SE_E_MISUSE;
    w->hook = seen;
    w->hook_data = seen ? userdata : NULL;
    return SE_OK;
}

const char *se_webhook_reason(const se_webhook *w) {
    return w && last.w == w && last.reason ? last.reason : "";
}

/* ---- verification ------------------------------------------------------------------------- */

const char *sei_header_get(const sei_headers *h, const char *name, size_t *len) {
    for (size_t i = 0; i < h->n; i++) {
        if (!h->names[i] || strcasecmp(h->names[i], name) != 0)
            continue;
        const char *v = h->values[i] ? h->values[i] : "";
        size_t n = strlen(v);
        while (n && (*v == ' ' || *v == '\t'))
            v++, n--;
        while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
            n--;
        *len = n;
        return n ? v : NULL;
    }
    *len = 0;
    return NULL;
}

se_status sei_signed_refuse(sei_signed *out, const char *reason, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->detail, sizeof out->detail, fmt, ap);
    va_end(ap);
    out->reason = reason;
    return SE_E_SIGNATURE;
}

char *sei_printable(char *out, size_t cap, const char *text, size_t n) {
    size_t room = cap - 1, k = n <= room ? n : room > 3 ? room - 3 : 0;
    for (size_t i = 0; i < k; i++)
        out[i] = text[i] >= 0x20 && text[i] < 0x7f ? text[i] : '?';
    if (k < n && room >= 3)
        memcpy(out + k, "...", 3), k += 3;
    out[k] = '\0';
    return out;
}

static double clock_now(const se_webhook *w) {
    if (w->fixed_clock)
        return w->now;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The timestamp within the tolerance of the clock, either way. */
static se_status check_window(const se_webhook *w, sei_signed *s) {
    double age = clock_now(w) - (double)s->timestamp;
    if (age > w->tolerance)
        return sei_signed_refuse(s, "stale_timestamp", "%s: %lld is %.0f s old (tolerance %.0f s)",
                                 s->timestamp_header, (long long)s->timestamp, age, w->tolerance);
    if (-age > w->tolerance)
        return sei_signed_refuse(s, "future_timestamp",
                                 "%s: %lld is %.0f s ahead of the clock (tolerance %.0f s)",
                                 s->timestamp_header, (long long)s->timestamp, -age, w->tolerance);
    return SE_OK;
}

/* The replay check: the hook, else the process-wide cache unless turned off. */
static se_status check_nonce(const se_webhook *w, sei_signed *s) {
    int seen = 0;
    if (w->hook) {
        char *nonce = sei_strndup(s->nonce, s->nonce_len);
        if (!nonce)
            return SE_E_NOMEM;
        seen = w->hook(nonce, s->timestamp, w->hook_data);
        free(nonce);
    } else if (!w->cache_off) {
        int64_t now = (int64_t)floor(clock_now(w));
        int64_t expiry = s->timestamp + (int64_t)ceil(w->tolerance);
        seen = sei_nonce_cache_check(s->nonce, s->nonce_len, expiry, now);
    }
    char nonce[64];
    if (seen > 0)
        return sei_signed_refuse(s, "replayed_nonce", "nonce %s: seen before (a replay)",
                                 sei_printable(nonce, sizeof nonce, s->nonce, s->nonce_len));
    if (seen < 0)
        return sei_signed_refuse(s, "nonce_check_failed",
                                 "nonce %s: %s could not tell whether it was seen before",
                                 sei_printable(nonce, sizeof nonce, s->nonce, s->nonce_len),
                                 w->hook ? "the nonce hook" : "the nonce cache (out of memory)");
    return SE_OK;
}

se_status se_webhook_verify(se_webhook *w, const char *body, size_t body_len,
                            const char *const *header_names, const char *const *header_values,
                            size_t n_headers) {
    if (!w || (n_headers && (!header_names || !header_values)) || (body_len && !body))
        return sei_set_error(NULL, SE_E_MISUSE, "se_webhook_verify: NULL argument");
    last.w = w;
    last.reason = NULL;
    if (!w->secret)
        return sei_set_error(NULL, SE_E_INVALID,
                             "secret: required (se_webhook_set(w, \"secret\", ...))");
    sei_headers h = {header_names, header_values, n_headers};
    sei_signed s = {0};
    se_status st =
        w->provider->verify_signature(&h, body ? body : "", body_len, w->secret, w->secret_len, &s);
    if (st == SE_OK)
        st = check_window(w, &s);
    if (st == SE_OK)
        st = check_nonce(w, &s);
    if (st == SE_E_SIGNATURE) {
        last.reason = s.reason;
        char msg[256];
        snprintf(msg, sizeof msg, "%s: %s", s.reason, s.detail);
        return sei_set_error(NULL, st, msg);
    }
    return st == SE_OK ? SE_OK : sei_set_error(NULL, st, NULL);
}
