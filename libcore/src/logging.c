/* logging.c - the diagnostics layer every other one uses: secrets scrubbed
 * from any text, the client's logger, and the calling thread's error and
 * warning slots (logging.h). */
#include "logging.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client_state.h"
#include "dynbuf.h"
#include "http_request.h"
#include "util.h"

/* ---- per-thread error detail ------------------------------------------------ */

static void scrub_into(const se_client *c, const char *msg, char *out, size_t cap);

static _Thread_local struct {
    const se_client *client;
    char msg[1024];
} last_error;

static _Thread_local struct {
    const se_client *client;
    char text[SEI_DIAG_WARN_MAX];
} last_warnings;

void sei_set_warnings(const se_client *c, const sei_diag *d) {
    last_warnings.client = c;
    const char *w = sei_diag_warnings(d);
    memcpy(last_warnings.text, w, strlen(w) + 1);
}

const char *se_client_warnings(const se_client *c) {
    return last_warnings.client == c ? last_warnings.text : "";
}

se_status sei_set_error(const se_client *c, se_status status, const char *msg) {
    last_error.client = c;
    if (!msg)
        msg = se_strerror(status);
    if (c)
        scrub_into(c, msg, last_error.msg, sizeof last_error.msg);
    else
        snprintf(last_error.msg, sizeof last_error.msg, "%s", msg);
    return status;
}

const char *se_client_errmsg(const se_client *c) {
    return last_error.client == c ? last_error.msg : "";
}

const char *se_last_error(void) {
    return last_error.msg;
}

/* ---- secrets never leave ---------------------------------------------------------- */

/* Replaces every occurrence of secret in *text (a malloc'd string). */
static se_status replace_all(char **text, const char *secret) {
    size_t slen = secret ? strlen(secret) : 0;
    if (slen < 3 || !strstr(*text, secret)) /* too short to tell apart from ordinary text */
        return SE_OK;
    sei_dynbuf out;
    sei_dynbuf_init(&out, 0);
    const char *p = *text, *hit;
    while ((hit = strstr(p, secret))) {
        sei_dynbuf_add(&out, p, (size_t)(hit - p));
        sei_dynbuf_adds(&out, SEI_REDACTED);
        p = hit + slen;
    }
    sei_dynbuf_adds(&out, p); /* a failed append failed every later one: checked once */
    char *clean = sei_dynbuf_take(&out, NULL);
    if (!clean)
        return SE_E_NOMEM;
    free(*text);
    *text = clean;
    return SE_OK;
}

/* The secret percent-encoded as a URL path carries it (RFC 3986 unreserved
 * bytes kept), with upper- or lower-case hex digits; NULL when nothing in it
 * needs encoding (or out of memory: *st says which). */
static char *percent_encoded(const char *secret, bool lower, se_status *st) {
    const char *hex = lower ? "0123456789abcdef" : "0123456789ABCDEF";
    static const char keep[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
    size_t n = strlen(secret);
    if (strspn(secret, keep) == n)
        return NULL;
    char *out = malloc(3 * n + 1), *w = out;
    if (!out) {
        *st = SE_E_NOMEM;
        return NULL;
    }
    for (const unsigned char *p = (const unsigned char *)secret; *p; p++) {
        if (strchr(keep, *p)) {
            *w++ = (char)*p;
        } else {
            *w++ = '%';
            *w++ = hex[*p >> 4];
            *w++ = hex[*p & 15];
        }
    }
    *w = '\0';
    return out;
}

/* Replaces the secret and the forms it takes in a URL or a Basic credential. */
static se_status replace_forms(char **text, const char *secret) {
    se_status st = secret ? replace_all(text, secret) : SE_OK;
    for (int lower = 0; st == SE_OK && secret && lower < 2; lower++) {
        char *enc = percent_encoded(secret, lower, &st);
        if (enc)
            st = replace_all(text, enc);
        free(enc);
    }
    return st;
}

/* The credentials of a URL option (https://user:password@host): the whole
 * user:password and the password alone. */
static se_status replace_url_credentials(char **text, const char *url) {
    const char *host = url ? strstr(url, "://") : NULL;
    if (!host)
        return SE_OK;
    host += 3;
    size_t span = strcspn(host, "/?#"), cred_len = 0;
    for (size_t i = 0; i < span; i++)
        if (host[i] == '@')
            cred_len = i;
    if (!cred_len)
        return SE_OK;
    char *cred = sei_strndup(host, cred_len);
    if (!cred)
        return SE_E_NOMEM;
    const char *colon = strchr(cred, ':');
    se_status st = replace_all(text, cred);
    if (st == SE_OK && colon)
        st = replace_all(text, colon + 1);
    free(cred);
    return st;
}

char *sei_scrubbed(const se_client *c, const sei_http_request *req, const char *msg) {
    char *text = sei_strdup(msg);
    se_status st = text ? SE_OK : SE_E_NOMEM;
    for (sei_opt o = 0; st == SE_OK && o < c->n_opts; o++)
        if (sei_opt_def(c, o)->kind == SEI_OPT_SECRET)
            st = replace_forms(&text, c->opt[o]);
    if (st == SE_OK && c->provider->derived_secret) {
        char *derived = NULL; /* e.g. a Basic credential, echoed by an endpoint that received it */
        st = c->provider->derived_secret(c, &derived);
        if (st == SE_OK && derived)
            st = replace_all(&text, derived);
        free(derived);
    }
    for (sei_opt o = 0; st == SE_OK && o < c->n_opts; o++)
        if (sei_opt_def(c, o)->kind == SEI_OPT_URL)
            st = replace_url_credentials(&text, c->opt[o]);
    for (int i = 0; st == SE_OK && req && i < req->n_headers; i++) {
        const sei_header *h = &req->headers[i];
        const char *v = sei_header_value(h), *space = strchr(v, ' ');
        if (!h->secret)
            continue;
        /* Authorization is "<scheme> <credential>": the credential is the secret */
        st = replace_all(&text, !strcasecmp(h->name, "Authorization") && space ? space + 1 : v);
    }
    if (st != SE_OK) {
        free(text);
        return NULL;
    }
    return text;
}

/* Copies the scrubbed msg into a fixed buffer (truncated; on allocation
 * failure a placeholder, never the unscrubbed text). */
static void scrub_into(const se_client *c, const char *msg, char *out, size_t cap) {
    char *clean = sei_scrubbed(c, NULL, msg);
    snprintf(out, cap, "%s", clean ? clean : "(message withheld: out of memory)");
    free(clean);
}

void sei_client_set_log_threshold(se_client *c, const atomic_int *min_level) {
    c->log_min = min_level;
}

void sei_log(const se_client *c, int level, const char *fmt, ...) {
    if (!c->log_fn ||
        (c->log_min && level < atomic_load_explicit(c->log_min, memory_order_relaxed)))
        return; /* a binding whose logger would drop the line: not formatted for nothing */
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    char clean[1024];
    scrub_into(c, line, clean, sizeof clean);
    c->log_fn(level, clean, c->log_userdata);
}
