/* client.c - the client handle: lifecycle, errors, scrubbing, logging, and the
 * public validate / prepare / send calls (options: options.c). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine.h"
#include "summary.h"

/* What a child inherited from its parent's sends: kept reachable (a leak
 * checker sees it), never cleaned up, as that would close or shut down the
 * parent's connections and TLS sessions. */
struct se_abandoned {
    struct se_abandoned *next;
    struct se_pooled *pool;
    size_t pool_len;
    CURLM **multis;
    size_t n_multis;
    CURLSH *share;
    se_waker *wakers;
};

/* ---- per-thread error detail ------------------------------------------------ */

static void scrub_into(const se_client *c, const char *msg, char *out, size_t cap);

static _Thread_local struct {
    const se_client *client;
    char msg[1024];
} last_error;

static _Thread_local struct {
    const se_client *client;
    char text[SE_DIAG_WARN_MAX];
} last_warnings;

static void set_warnings(const se_client *c, const se_diag *d) {
    last_warnings.client = c;
    const char *w = se_diag_warnings(d);
    memcpy(last_warnings.text, w, strlen(w) + 1);
}

const char *se_client_warnings(const se_client *c) {
    return last_warnings.client == c ? last_warnings.text : "";
}

se_status se_set_error(const se_client *c, se_status status, const char *msg) {
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

const char *se_client_provider(const se_client *c) {
    return c ? c->provider->name : NULL;
}

void sei_client_set_log_threshold(se_client *c, const atomic_int *min_level) {
    c->log_min = min_level;
}

se_status se_client_set_logger(se_client *c, se_log_fn fn, void *userdata) {
    if (!c)
        return SE_E_MISUSE;
    c->log_fn = fn;
    c->log_userdata = userdata;
    return SE_OK;
}

/* ---- secrets never leave ---------------------------------------------------------- */

/* Replaces every occurrence of secret in *text (a malloc'd string). */
static se_status replace_all(char **text, const char *secret) {
    size_t slen = secret ? strlen(secret) : 0;
    if (slen < 3 || !strstr(*text, secret)) /* too short to tell apart from ordinary text */
        return SE_OK;
    se_buf out = {0};
    const char *p = *text, *hit;
    se_status st = SE_OK;
    while (st == SE_OK && (hit = strstr(p, secret))) {
        st = se_buf_append(&out, p, (size_t)(hit - p));
        if (st == SE_OK)
            st = se_buf_append(&out, SE_REDACTED, strlen(SE_REDACTED));
        p = hit + slen;
    }
    if (st == SE_OK)
        st = se_buf_append(&out, p, strlen(p));
    if (st != SE_OK) {
        se_buf_free(&out);
        return st;
    }
    free(*text);
    *text = out.data;
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
    char *cred = se_strndup(host, cred_len);
    if (!cred)
        return SE_E_NOMEM;
    const char *colon = strchr(cred, ':');
    se_status st = replace_all(text, cred);
    if (st == SE_OK && colon)
        st = replace_all(text, colon + 1);
    free(cred);
    return st;
}

char *se_scrubbed(const se_client *c, const se_http_request *req, const char *msg) {
    char *text = se_strdup(msg);
    se_status st = text ? SE_OK : SE_E_NOMEM;
    for (se_opt o = 0; st == SE_OK && o < c->n_opts; o++)
        if (se_opt_def(c, o)->kind == SE_OPT_SECRET)
            st = replace_forms(&text, c->opt[o]);
    if (st == SE_OK && c->provider->derived_secret) {
        char *derived = NULL; /* e.g. a Basic credential, echoed by an endpoint that received it */
        st = c->provider->derived_secret(c, &derived);
        if (st == SE_OK && derived)
            st = replace_all(&text, derived);
        free(derived);
    }
    for (se_opt o = 0; st == SE_OK && o < c->n_opts; o++)
        if (se_opt_def(c, o)->kind == SE_OPT_URL)
            st = replace_url_credentials(&text, c->opt[o]);
    for (int i = 0; st == SE_OK && req && i < req->n_headers; i++) {
        const se_header *h = &req->headers[i];
        const char *v = h->value, *space = strchr(v, ' ');
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
    char *clean = se_scrubbed(c, NULL, msg);
    snprintf(out, cap, "%s", clean ? clean : "(message withheld: out of memory)");
    free(clean);
}

void se_log(const se_client *c, int level, const char *fmt, ...) {
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

/* ---- lifecycle -------------------------------------------------------------------------- */

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *userdata) {
    (void)h;
    (void)access;
    pthread_mutex_lock(&((se_client *)userdata)->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *userdata) {
    (void)h;
    pthread_mutex_unlock(&((se_client *)userdata)->share_locks[data]);
}

/* The DNS and TLS session caches the client's handles share. */
static CURLSH *new_share(se_client *c) {
    CURLSH *share = curl_share_init();
    if (!share)
        return NULL;
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(share, CURLSHOPT_USERDATA, c);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    return share;
}

/* "provider: must be one of sinch, zapi, connect, got ..." (se_providers[]) */
static se_status unknown_provider(const char *name) {
    char msg[256];
    int n = snprintf(msg, sizeof msg, "provider: must be one of");
    for (size_t i = 0; se_providers[i] && n > 0 && (size_t)n < sizeof msg; i++)
        n +=
            snprintf(msg + n, sizeof msg - (size_t)n, "%s %s", i ? "," : "", se_providers[i]->name);
    if (n > 0 && (size_t)n < sizeof msg)
        snprintf(msg + n, sizeof msg - (size_t)n, ", got \"%.100s\"", name ? name : "(null)");
    return se_set_error(NULL, SE_E_INVALID, msg);
}

se_status se_client_new(se_client **out, const char *provider) {
    if (!out)
        return se_set_error(NULL, SE_E_MISUSE, "se_client_new: out must not be NULL");
    *out = NULL;
    se_status st = se_global_init();
    if (st != SE_OK)
        return se_set_error(NULL, st, "libcurl global initialisation failed");
    const se_provider *p = provider ? se_provider_find(provider) : NULL;
    if (!p)
        return unknown_provider(provider);
    se_client *c = calloc(1, sizeof *c);
    if (!c)
        return se_set_error(NULL, SE_E_NOMEM, "out of memory");
    c->provider = p;
    c->env_proxy = se_env_has_proxy();
    se_opts_init(c);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&c->share_locks[i], NULL);
    pthread_mutex_init(&c->pool_lock, NULL);
    pthread_mutex_init(&c->cache_lock, NULL);
    pthread_mutex_init(&c->token_lock, NULL);
    c->token_gen = 1; /* 0 in a job: it waits on no fetch */
    atomic_init(&c->fork_gen, atomic_load(&se_fork_gen));
    c->share = new_share(c);
    if (!c->share) {
        se_client_free(c);
        return se_set_error(NULL, SE_E_NOMEM, "out of memory");
    }
    *out = c;
    return SE_OK;
}

void se_client_free(se_client *c) {
    if (!c)
        return;
    se_client_after_fork(c); /* a child frees only what it made itself */
    while (c->n_multis > 0)
        curl_multi_cleanup(c->multis[--c->n_multis]);
    free(c->multis);
    se_wakers_free(c);
    se_diag_free(&c->token_diag);

    for (size_t i = 0; i < c->pool_len; i++)
        curl_easy_cleanup(c->pool[i].easy);
    free(c->pool);
    if (c->share)
        curl_share_cleanup(c->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&c->share_locks[i]);
    pthread_mutex_destroy(&c->pool_lock);
    pthread_mutex_destroy(&c->cache_lock);
    pthread_mutex_destroy(&c->token_lock);
    for (int i = 0; i < SE_MAX_OPERATIONS; i++) {
        free(c->op_cache[i].url);
        free(c->op_cache[i].request_line);
        free(c->op_cache[i].header_list);
        curl_url_cleanup(c->op_cache[i].curlu);
    }
    se_opts_free(c);
    free(c->token);
    free(c);
}

/* ---- processes -------------------------------------------------------------------------- */

static pthread_mutex_t fork_lock = PTHREAD_MUTEX_INITIALIZER;
static struct se_abandoned *abandoned; /* every client's, for the life of the process */

void se_client_after_fork(se_client *c) {
    unsigned now = atomic_load_explicit(&se_fork_gen, memory_order_acquire);
    if (atomic_load_explicit(&c->fork_gen, memory_order_acquire) == now)
        return;
    pthread_mutex_lock(&fork_lock); /* one thread of the child rebuilds */
    if (atomic_load(&c->fork_gen) != now) {
        struct se_abandoned *left = calloc(1, sizeof *left);
        if (left) {
            *left = (struct se_abandoned){abandoned,
                                          c->pool,
                                          c->pool_len,
                                          c->multis,
                                          c->n_multis,
                                          c->share,
                                          atomic_load(&c->wakers)};
            abandoned = left;
        }
        c->pool = NULL;
        c->pool_len = c->pool_cap = 0;
        c->multis = NULL;
        c->n_multis = c->cap_multis = 0;
        atomic_store(&c->wakers, NULL);
        /* the parent's threads may have held any lock: they are not here to release it */
        for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
            pthread_mutex_init(&c->share_locks[i], NULL);
        pthread_mutex_init(&c->pool_lock, NULL);
        pthread_mutex_init(&c->cache_lock, NULL);
        pthread_mutex_init(&c->token_lock, NULL);
        c->share = new_share(c);   /* NULL: handles go without DNS and TLS session sharing */
        c->token_fetching = false; /* a fetch in flight was the parent's */
        c->token_status = SE_OK;
        c->token_gen++;
        atomic_store(&c->fork_gen, now);
    }
    pthread_mutex_unlock(&fork_lock);
}

void se_fork_child_reset(void) {
    pthread_mutex_init(&fork_lock, NULL);
}

/* ---- validate / prepare / send ------------------------------------------------------------ */

se_status se_validate(se_client *c, const char *operation, const char *request_json) {
    if (!c)
        return se_set_error(NULL, SE_E_MISUSE, "se_validate: client must not be NULL");
    se_job job;
    se_status st = se_job_prepare(&job, c, operation, request_json, true);
    set_warnings(c, &job.diag);
    if (st != SE_OK)
        se_set_error(c, st, se_diag_msg(&job.diag));
    se_job_clear(&job);
    return st;
}

static se_status append_header_line(se_buf *b, const char *name, const char *value) {
    se_status st = se_buf_append(b, name, strlen(name));
    if (st == SE_OK)
        st = se_buf_append(b, ": ", 2);
    if (st == SE_OK)
        st = se_buf_append(b, value, strlen(value));
    if (st == SE_OK)
        st = se_buf_append(b, "\r\n", 2);
    return st;
}

se_status se_prepare(se_client *c, const char *operation, const char *request_json,
                     char **http_out) {
    if (!c || !http_out)
        return se_set_error(c, SE_E_MISUSE, "se_prepare: client and http_out must not be NULL");
    *http_out = NULL;
    se_job job;
    se_status st = se_job_prepare(&job, c, operation, request_json, true);
    set_warnings(c, &job.diag);
    if (st != SE_OK) {
        se_set_error(c, st, se_diag_msg(&job.diag));
        se_job_clear(&job);
        return st;
    }
    /* request line in origin form, then Host, as a server would see them */
    const char *url = SE_REDACTED_URL(&job.http);
    const char *host = strstr(url, "://") + 3;
    size_t host_len = strcspn(host, "/");
    const char *path = host[host_len] ? host + host_len : "/";
    const char *at = memchr(host, '@', host_len); /* credentials: not part of Host */
    if (at) {
        host_len -= (size_t)(at + 1 - host);
        host = at + 1;
    }
    se_buf b = {0};
    char *line = se_printf("POST %s HTTP/1.1\r\nHost: %.*s\r\n", path, (int)host_len, host);
    st = line ? se_buf_append(&b, line, strlen(line)) : SE_E_NOMEM;
    free(line);
    for (int i = 0; st == SE_OK && i < job.http.n_headers; i++) {
        const se_header *h = &job.http.headers[i];
        if (!h->secret) {
            st = append_header_line(&b, h->name, h->value);
        } else if (!strcasecmp(h->name, "Authorization")) {
            /* keep the scheme, hide the credential */
            char scheme[32];
            snprintf(scheme, sizeof scheme, "%.*s " SE_REDACTED, (int)strcspn(h->value, " "),
                     h->value);
            st = append_header_line(&b, h->name, scheme);
        } else {
            st = append_header_line(&b, h->name, SE_REDACTED);
        }
    }
    char clen[64];
    snprintf(clen, sizeof clen, "%zu", job.http.body_len);
    if (st == SE_OK)
        st = append_header_line(&b, "Content-Length", clen);
    if (st == SE_OK)
        st = se_buf_append(&b, "\r\n", 2);
    if (st == SE_OK)
        st = se_buf_append(&b, job.http.body, job.http.body_len);
    char *clean = st == SE_OK ? se_scrubbed(c, &job.http, b.data) : NULL;
    se_job_clear(&job);
    se_buf_free(&b);
    if (!clean)
        return se_set_error(c, SE_E_NOMEM, "out of memory");
    *http_out = clean;
    return SE_OK;
}

se_status se_send_within(se_client *c, const char *operation, const char *request_json,
                         double deadline, se_response **out) {
    if (out)
        *out = NULL;
    if (!c)
        return se_set_error(NULL, SE_E_MISUSE, "se_send: client must not be NULL");
    unsigned cancel_gen = atomic_load(&c->cancel_gen); /* a cancel from here on applies */
    se_job job;
    se_status st = se_job_prepare(&job, c, operation, request_json, true);
    set_warnings(c, &job.diag);
    if (deadline <= 0)
        deadline = c->num[O_DEADLINE];
    if (deadline > 0)
        job.deadline = job.started + deadline;
    se_response *r =
        st == SE_OK ? se_engine_send(c, &job, cancel_gen) : se_job_response(&job, st, NULL, NULL);
    se_job_clear(&job);
    if (!r)
        return se_set_error(c, SE_E_NOMEM, "out of memory");
    st = r->status;
    if (st != SE_OK)
        se_set_error(c, st, r->message);
    if (out)
        *out = r;
    else
        se_response_free(r);
    return st;
}

se_status se_send(se_client *c, const char *operation, const char *request_json,
                  se_response **out) {
    return se_send_within(c, operation, request_json, 0, out);
}
