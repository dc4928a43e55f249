/* send.c - the pipeline every send goes through, shared by se_send and se_batch:
 * parse -> check (validate.h) -> build (provider) -> authorize -> attempt ->
 * retry decision -> response. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "send.h"

#include "client_state.h"
#include "fork.h"
#include "json.h"
#include "logging.h"
#include "transport.h"
#include "util.h"

const sei_operation *sei_find_operation(const sei_provider *p, const char *name) {
    for (size_t i = 0; name && i < p->n_ops; i++)
        if (!strcmp(p->ops[i].name, name))
            return &p->ops[i];
    return NULL;
}

/* The first of the environment variables `names` (NULL-ended) that is set
 * and not empty; its name in *which. */
static const char *first_env(const char *const *names, const char **which) {
    for (; *names; names++) {
        const char *v = getenv(*names);
        if (v && *v) {
            *which = *names;
            return v;
        }
    }
    return NULL;
}

/* Whether `host` (hlen bytes) is listed in no_proxy / NO_PROXY as libcurl
 * reads it: "*", or comma-separated names matching the host or a domain of it. */
static bool no_proxy_for(const char *host, size_t hlen) {
    static const char *const names[] = {"no_proxy", "NO_PROXY", NULL};
    const char *which, *list = first_env(names, &which);
    for (const char *p = list; p && *p;) {
        p += strspn(p, ", \t");
        size_t n = strcspn(p, ", \t");
        const char *entry = p;
        p += n;
        if (n == 1 && *entry == '*')
            return true;
        if (n > 0 && *entry == '.')
            entry++, n--;
        if (n == 0 || n > hlen)
            continue;
        /* an address matches itself only (libcurl's CIDR ranges are not read
         * here: the proxy is then assumed, which errs on the safe side) */
        bool address = host[0] == '[' || strspn(host, "0123456789.") >= hlen;
        if (!strncasecmp(host + hlen - n, entry, n) &&
            (n == hlen || (!address && host[hlen - n - 1] == '.')))
            return true;
    }
    return false;
}

/* A plain-http request must not travel in clear through a proxy on another
 * host either: the proxy (and the network to it) would read the request,
 * secrets included. https goes through a tunnel (CONNECT) and stays allowed.
 * The variables are the ones libcurl reads (sei_env_has_proxy); the message
 * names the variable, never its value (it may hold a password). */
static se_status check_proxy(const se_client *c, const char *url, const char *key, sei_diag *d) {
    static const char *const for_http[] = {"http_proxy", "all_proxy", "ALL_PROXY", NULL};
    const char *which = NULL, *proxy = c->env_proxy ? first_env(for_http, &which) : NULL;
    const char *host = strstr(url, "://");
    if (!proxy || !host || sei_opt_bool(c, O_ALLOW_INSECURE_HTTP))
        return SE_OK;
    host += 3;
    size_t span = strcspn(host, "/?#");
    const char *at = memchr(host, '@', span);
    if (at)
        host = at + 1;
    size_t hlen = strcspn(host, host[0] == '[' ? "]/?#" : ":/?#"); /* [::1]: with its ']' */
    if (host[0] == '[' && host[hlen] == ']')
        hlen++;
    if (no_proxy_for(host, hlen))
        return SE_OK;
    char *with_scheme = strstr(proxy, "://") ? sei_strdup(proxy) : sei_join("http://", proxy, NULL);
    bool proxy_http, loopback = with_scheme && sei_is_loopback_url(with_scheme, &proxy_http);
    free(with_scheme);
    if (loopback)
        return SE_OK;
    return sei_diag_fail(d,
                         "%s: plain http:// would travel in clear through the proxy in %s (not a "
                         "loopback host); use https:// or set allow_insecure_http=true",
                         key, which);
}

/* The base URL must not carry secrets in clear text across a network. */
static se_status check_base_url(const se_client *c, const char *url, const char *key, sei_diag *d) {
    bool is_http;
    bool loopback = sei_is_loopback_url(url, &is_http);
    if (is_http && !loopback && !sei_opt_bool(c, O_ALLOW_INSECURE_HTTP))
        return sei_diag_fail(d,
                             "%s: plain http:// is only allowed to loopback hosts; use https:// or "
                             "set allow_insecure_http=true",
                             key);
    return is_http ? check_proxy(c, url, key, d) : SE_OK;
}

/* The rules between common options, then the provider's. */
static se_status check_config(const se_client *c, sei_diag *d) {
    if (c->opt[O_RATE_LIMIT_URL] && !sei_opt_str(c, O_RATE_LIMIT_KEY))
        return sei_diag_fail(d, "rate_limit_key: required with rate_limit_url (it names the "
                                "shared budget)");
    if (c->opt[O_RATE_LIMIT_URL] && c->num[O_MAX_RATE] <= 0)
        return sei_diag_fail(d, "max_rate: required with rate_limit_url (the shared budget's "
                                "requests per second)");
    return c->provider->check_config(c, d);
}

/* Builds the operation's URL and checks the client's options for a send. */
static se_status build_url(sei_job *job) {
    se_client *c = job->client;
    const sei_provider *p = c->provider;
    se_status st = check_config(c, &job->diag);
    if (st == SE_OK)
        st = p->url(c, job->op, &job->http);
    if (st == SE_OK)
        st = check_base_url(c, sei_bufref_str(&job->http.url), "base_url", &job->diag);
    sei_opt token_url = st == SE_OK && p->token_url ? p->token_url(c) : SEI_OPT_NONE;
    if (token_url != SEI_OPT_NONE) /* where credentials are fetched from: the same rules */
        st = check_base_url(c, sei_opt_str(c, token_url), sei_opt_def(c, token_url)->key,
                            &job->diag);
    return st;
}

se_status sei_client_check(se_client *c) {
    if (!c)
        return sei_set_error(NULL, SE_E_MISUSE, "sei_client_check: client is NULL");
    sei_diag d;
    sei_diag_init(&d);
    se_status st = check_config(c, &d); /* the URL rules depend on the environment
                                              (proxies) at the send: checked there */
    if (st != SE_OK)
        sei_set_error(c, st, sei_diag_msg(&d));
    sei_diag_free(&d);
    return st;
}

/* The URL parsed by curl, or NULL when curl does not take it (curl then
 * reports it when the request is made, as without this). */
static CURLU *parsed_url(const char *url) {
    CURLU *u = curl_url();
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
        curl_url_cleanup(u);
        u = NULL;
    }
    return u;
}

/* The URL and request line of the job: the client's, built and checked once
 * per configuration and kept in the client (the job borrows them: options do
 * not change while requests are being sent). With lend false, only makes
 * sure the client's are there and valid. */
static se_status job_url(sei_job *job, bool lend) {
    se_client *c = job->client;
    sei_op_cache *e = &c->op_cache[job->op - c->provider->ops];
    sei_http_request *h = &job->http;
    se_status st = SE_OK;
    pthread_mutex_lock(&c->cache_lock);
    if (!e->url || e->config_gen != c->config_gen) {
        if ((st = build_url(job)) == SE_OK) {
            free(e->url);
            free(e->request_line);
            free(e->header_list); /* made with the old options */
            curl_url_cleanup(e->curlu);
            e->url_len = h->url.len;
            e->request_line_len = h->request_line.len;
            e->url = sei_bufref_disown(&h->url); /* the client keeps them */
            e->request_line = sei_bufref_disown(&h->request_line);
            e->header_list = NULL;
            e->curlu = parsed_url(e->url);
            e->config_gen = c->config_gen;
        }
        sei_bufref_free(&h->url);
        sei_bufref_free(&h->request_line);
    }
    if (st == SE_OK && lend) { /* lent: released with the request, never freed by it */
        sei_bufref_set(&h->url, e->url, e->url_len, NULL);
        sei_bufref_set(&h->request_line, e->request_line, e->request_line_len, NULL);
        h->cache = e;
    }
    pthread_mutex_unlock(&c->cache_lock);
    return st;
}

se_status sei_job_url(sei_job *job) {
    se_status st = job_url(job, true);
    if (st == SE_E_NOMEM && !job->diag.msg)
        sei_diag_fail(&job->diag, "out of memory");
    return st;
}

se_status sei_job_prepare(sei_job *job, se_client *c, const char *operation, const char *json,
                          bool with_url) {
    sei_client_after_fork(c); /* in a child, before any lock the parent may have held */
    memset(job, 0, sizeof *job);
    sei_diag_init(&job->diag);
    job->client = c;
    job->started = sei_now();
    const sei_provider *p = c->provider;
    job->op = sei_find_operation(p, operation);
    if (!job->op) {
        char list[128] = "";
        for (size_t i = 0; i < p->n_ops; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     p->ops[i].name);
        return sei_diag_fail(&job->diag, "operation: must be one of %s for %s, got \"%.64s\"", list,
                             p->name, operation ? operation : "(null)");
    }
    if (!json)
        return sei_diag_fail(&job->diag, "request: must be a JSON object, got NULL");
    size_t json_len = strlen(json);
    /* Every string whole (the tree's are cut at a NUL), valid UTF-8, nesting
     * bounded: checked first, unless the text is ASCII and its strict parse
     * shows no \u0000, which leaves nothing for the check to find. */
    bool checked = !sei_json_is_ascii(json, json_len);
    if (checked && sei_json_check_text(json, json_len, &job->diag) != SE_OK)
        return SE_E_INVALID;
    /* strict text (the usual) is read into a tree whose strings live here */
    char small[1024], *strings = json_len < sizeof small ? small : malloc(json_len + 1);
    sei_json_text text = {false, false, false};
    cJSON *req = strings ? sei_json_parse_strict(json, json_len, strings, &text) : NULL;
    se_status st = SE_OK;
    if (!checked && (!req || text.nul_escape) &&
        sei_json_check_text(json, json_len, &job->diag) != SE_OK) {
        cJSON_Delete(req);
        if (strings != small)
            free(strings);
        return SE_E_INVALID;
    }
    if (!req) { /* anything else is cJSON's to read, or to refuse */
        const char *end = NULL;
        req = cJSON_ParseWithLengthOpts(json, json_len, &end, false);
        if (!req) { /* `end`: the error position (cJSON's global one is not thread-safe) */
            size_t off = end && end >= json && end <= json + json_len ? (size_t)(end - json) : 0;
            st = sei_diag_fail(&job->diag, "request: not valid JSON (near byte %zu)", off);
        } else if ((end += strspn(end, " \t\r\n")) < json + json_len) {
            st = sei_diag_fail(&job->diag,
                               "request: not valid JSON (unexpected text after the value at byte "
                               "%zu)",
                               (size_t)(end - json));
        } else {
            text = sei_json_scan(json, json_len);
            if (text.long_numbers)
                st = sei_json_mark_long_numbers(req, json, json_len);
        }
    }
    if (st == SE_OK && !cJSON_IsObject(req))
        st = sei_diag_fail(&job->diag, "request: must be a JSON object, got %s",
                           sei_json_type_name(req));
    if (st == SE_OK)
        st = job->op->check(req, &job->diag);
    if (st == SE_OK && text.long_numbers)
        sei_json_raw_long_numbers(req);
    if (st == SE_OK)
        st = job_url(job, with_url);
    if (st == SE_OK && text.strict && !job->diag.rewritten) {
        job->http.source = json;
        job->http.source_len = json_len;
    }
    if (st == SE_OK)
        st = p->build(c, job->op, req, &job->http, &job->diag);
    job->http.source = NULL; /* the caller's text: not ours to keep */
    cJSON_Delete(req);
    if (strings != small)
        free(strings);
    if (st == SE_E_NOMEM && !job->diag.msg)
        sei_diag_fail(&job->diag, "out of memory");
    return st;
}

void sei_job_clear(sei_job *job) {
    sei_http_request_clear(&job->http);
    sei_diag_free(&job->diag);
    free(job->auth_token_used);
    job->auth_token_used = NULL;
}

se_status sei_job_authorize(sei_job *job) {
    const sei_provider *p = job->client->provider;
    if (!p->authorize)
        return SE_OK;
    sei_diag_clear_failure(&job->diag); /* a failed earlier attempt's reason is stale */
    const char *stale = job->force_refresh ? job->auth_token_used : NULL;
    se_status st = p->authorize(job->client, &job->http, stale, &job->token_gen, &job->diag);
    if (st == SEI_PENDING || st == SEI_PENDING_FETCH)
        return st; /* the stale token is dropped: asked again once the new one is there */
    job->force_refresh = false;
    job->token_gen = 0; /* a failed fetch is reported once: a retry fetches again */
    if (st == SE_OK) {
        /* remember which token this attempt carries, to drop it if it is refused */
        free(job->auth_token_used);
        job->auth_token_used = NULL;
        for (int i = 0; i < job->http.n_headers; i++)
            if (!strcasecmp(job->http.headers[i].name, "Authorization"))
                job->auth_token_used = sei_strdup(sei_header_value(&job->http.headers[i]));
    }
    return st;
}

void sei_job_log_attempt(se_client *c, const sei_job *job, se_status st, const sei_attempt *a,
                         double t0) {
    if (!c->log_fn)
        return;
    double ms = (sei_now() - t0) * 1000;
    if (a->http_status)
        sei_log(c, st == SE_OK ? 0 : 1, "%s -> %ld %s in %.1f ms (attempts %d, %s connection)",
                sei_bufref_str(&job->http.request_line), a->http_status, se_status_name(st), ms,
                job->attempts, a->new_connections ? "new" : "reused");
    else
        sei_log(c, 1, "%s -> %s: %s in %.1f ms (attempts %d)",
                sei_bufref_str(&job->http.request_line), se_status_name(st),
                a->curl_error[0] ? a->curl_error : curl_easy_strerror(a->curl_code), ms,
                job->attempts);
}

void sei_job_log_retry(se_client *c, const sei_job *job, double delay, se_status st) {
    sei_log(c, 1, "retrying %s after %.3f s (%s)", job->op->name, delay, se_status_name(st));
}

void sei_job_log_end(se_client *c, const sei_job *job, se_status st, const se_response *r,
                     bool told) {
    if (!c->log_fn)
        return;
    const char *op = job->op ? job->op->name : "(unknown operation)";
    if (!told && st != SE_OK) {
        const char *msg = se_response_error_message(r);
        sei_log(c, 1, "%s %s -> %s: %s", c->provider->name, op, se_status_name(st),
                msg && *msg ? msg : se_strerror(st));
    }
    for (const char *w = se_response_warnings(r); w && *w;) {
        int len = (int)strcspn(w, "\n");
        sei_log(c, 1, "%s %s: warning: %.*s", c->provider->name, op, len, w);
        w += len + (w[len] == '\n');
    }
}

void sei_job_count(sei_job *job, const sei_attempt *a) {
    if (a->writes > 0) /* the last attempt that reached a connection decides */
        job->sent = a->answered ? SE_SENT_YES : SE_SENT_MAYBE;
    job->attempts += a->writes;
}

/* The server refused the credential this client fetched for the attempt
 * (the provider says which answers mean that): it is dropped and fetched
 * again once. */
static bool refused_credential(const sei_job *job, const sei_attempt *a) {
    const sei_provider *p = job->client->provider;
    return a && p->refused_credential &&
           p->refused_credential(job->client, job->auth_token_used, a);
}

bool sei_job_idempotent(const sei_job *job) {
    /* an idempotency key makes a repeat safe: Connect's ClientToken, which
     * CreateParticipantConnection does not have */
    return job->client->provider->idempotent && job->http.client_token.ptr;
}

static double retry_delay(sei_job *job, se_status st, const sei_attempt *a);

double sei_job_retry_delay(sei_job *job, se_status st, const sei_attempt *a) {
    if (st == SE_OK || st == SE_E_INVALID || st == SE_E_NOMEM || st == SE_E_MISUSE)
        return -1;
    double delay = retry_delay(job, st, a);
    /* never past the deadline: the send ends now with what the last attempt got */
    if (delay >= 0 && job->deadline > 0 && sei_now() + delay >= job->deadline)
        return -1;
    return delay;
}

static double retry_delay(sei_job *job, se_status st, const sei_attempt *a) {
    se_client *c = job->client;
    /* A refused token is fetched again and the send retried once, whatever
     * max_attempts says; a second 401 (with a fresh token) is final. */
    if (refused_credential(job, a)) {
        if (job->refreshed_token)
            return -1;
        job->refreshed_token = true;
        job->force_refresh = true;
        return 0;
    }
    if (st == SE_E_CANCELLED || job->tries >= (int)c->num[O_MAX_ATTEMPTS])
        return -1;
    bool retry = false;
    if (st == SE_E_THROTTLED)
        retry = true; /* 429: the server did not act on the request */
    else if ((st == SE_E_NETWORK || st == SE_E_TIMEOUT) && (!a || a->writes == 0))
        retry = true; /* never written (no connection, or no credentials): nothing to repeat */
    else if (st == SE_E_SERVER || st == SE_E_NETWORK || st == SE_E_TIMEOUT) {
        /* may have been acted on: safe only with an idempotency key, or when the caller opted in */
        bool server_retryable = st != SE_E_SERVER || !a ||
                                (a->http_status == 500 || a->http_status == 502 ||
                                 a->http_status == 503 || a->http_status == 504);
        retry =
            server_retryable && (sei_job_idempotent(job) || sei_opt_bool(c, O_RETRY_SERVER_ERRORS));
    } else if (a && c->provider->retryable_rejection) {
        retry = c->provider->retryable_rejection(a); /* e.g. throttled with a 400: not acted on */
    }
    if (!retry)
        return -1;
    double max_delay = c->num[O_RETRY_MAX_DELAY];
    const char *ra = a ? sei_attempt_header(a, "Retry-After") : NULL;
    if (ra) {
        double wait = sei_parse_retry_after(ra);
        if (wait >= 0)
            return wait <= max_delay ? wait : -1; /* longer than we may wait: give up now */
    }
    /* full jitter: random(0,1) * min(base * 2^(attempt-1), cap) */
    int n = job->tries > 0 ? job->tries : 1;
    double backoff = c->num[O_RETRY_BASE_DELAY] * pow(2, n - 1);
    return sei_random_unit() * (backoff < max_delay ? backoff : max_delay);
}
