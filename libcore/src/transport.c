/* transport.c - one HTTP attempt over libcurl: the easy-handle pool, the options
 * every request gets, response capture with a size cap, and status mapping. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "transport.h"

#include "client_state.h"
#include "http_request.h"

/* ---- the share ------------------------------------------------------------ */

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *userdata) {
    (void)h;
    (void)access;
    pthread_mutex_lock(&((se_client *)userdata)->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *userdata) {
    (void)h;
    pthread_mutex_unlock(&((se_client *)userdata)->share_locks[data]);
}

CURLSH *sei_share_new(se_client *c) {
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

/* ---- the pool: an idle handle keeps its connections alive for the next send */

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata);
static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata);

/* The options every request of this client shares. Applied to a new handle, or
 * to a pooled one after se_client_set changed the client since it last ran. */
static void configure_handle(se_client *c, CURL *easy) {
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    if (sei_opt_str(c, O_CA_FILE))
        curl_easy_setopt(easy, CURLOPT_CAINFO, sei_opt_str(c, O_CA_FILE));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)(c->num[O_TIMEOUT] * 1000));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, (long)(c->num[O_CONNECT_TIMEOUT] * 1000));
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->num[O_MAX_RESPONSE_BYTES]);
    curl_easy_setopt(easy, CURLOPT_SHARE, c->share);
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    /* a server may close an idle connection just as a request is written to
     * it: such a request may have been delivered, so old ones are not reused */
    curl_easy_setopt(easy, CURLOPT_MAXAGE_CONN, (long)c->num[O_CONNECTION_MAX_IDLE]);
    if (!c->env_proxy) { /* "" is "no proxy": curl then looks at no variable */
        curl_easy_setopt(easy, CURLOPT_PROXY, "");
        curl_easy_setopt(easy, CURLOPT_NOPROXY, "");
    }
}

CURL *sei_pool_take(se_client *c) {
    struct sei_pooled p = {NULL, 0};
    pthread_mutex_lock(&c->pool_lock);
    if (c->pool_len > 0)
        p = c->pool[--c->pool_len];
    pthread_mutex_unlock(&c->pool_lock);
    if (p.easy && p.config_gen == c->config_gen)
        return p.easy; /* configured already: only per-attempt options to set */
    if (p.easy)
        curl_easy_reset(p.easy); /* keeps its live connections */
    else if (!(p.easy = curl_easy_init()))
        return NULL;
    configure_handle(c, p.easy);
    return p.easy;
}

void sei_pool_give(se_client *c, CURL *easy) {
    if (!easy)
        return;
    pthread_mutex_lock(&c->pool_lock);
    if (c->pool_len == c->pool_cap) {
        size_t cap = c->pool_cap ? c->pool_cap * 2 : 8;
        struct sei_pooled *p = realloc(c->pool, cap * sizeof *p);
        if (!p) {
            pthread_mutex_unlock(&c->pool_lock);
            curl_easy_cleanup(easy);
            return;
        }
        c->pool = p;
        c->pool_cap = cap;
    }
    /* options cannot change while a handle is out (se_client_set is not
     * concurrent with sends), so it was configured with the current ones */
    c->pool[c->pool_len++] = (struct sei_pooled){easy, c->config_gen};
    pthread_mutex_unlock(&c->pool_lock);
}

CURLM *sei_multi_take(se_client *c) {
    CURLM *m = NULL;
    pthread_mutex_lock(&c->pool_lock);
    if (c->n_multis > 0)
        m = c->multis[--c->n_multis];
    pthread_mutex_unlock(&c->pool_lock);
    return m ? m : curl_multi_init();
}

void sei_multi_give(se_client *c, CURLM *multi) {
    pthread_mutex_lock(&c->pool_lock);
    if (c->n_multis == c->cap_multis) { /* as many as runs were ever in progress at once */
        size_t cap = c->cap_multis ? c->cap_multis * 2 : 4;
        CURLM **p = realloc(c->multis, cap * sizeof *p);
        if (p) {
            c->multis = p;
            c->cap_multis = cap;
        }
    }
    if (c->n_multis < c->cap_multis) {
        c->multis[c->n_multis++] = multi;
        multi = NULL;
    }
    pthread_mutex_unlock(&c->pool_lock);
    if (multi)
        curl_multi_cleanup(multi);
}

/* ---- capture ---------------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata) {
    sei_attempt *a = userdata;
    size_t n = size * nmemb;
    if (n > a->body.max - a->body.len) { /* checked first: what came so far is kept */
        a->oversized = true;
        return 0; /* aborts the transfer: a hostile server cannot exhaust memory */
    }
    return sei_dynbuf_add(&a->body, data, n) == SE_OK ? n : 0;
}

/* A hostile server may send endless headers or interim answers (100
 * Continue): counted over the whole attempt, past the caps it is a protocol
 * error (header_overflow) rather than memory or time spent on it. */
static bool header_over_limit(sei_attempt *a, const char *data, size_t n) {
    a->header_bytes += n;
    if (n >= 5 && !memcmp(data, "HTTP/", 5) && ++a->answers > SEI_MAX_INTERIM_ANSWERS + 1)
        a->header_overflow = true;
    if (a->header_bytes > SEI_MAX_HEADER_TOTAL)
        a->header_overflow = true;
    return a->header_overflow;
}

/* Each header line of the final answer is stored as "name\0value\0" (the
 * value without surrounding blanks), the form responses hand out, so that
 * nothing is re-parsed or copied after the transfer. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata) {
    sei_attempt *a = userdata;
    size_t n = size * nmemb;
    if (header_over_limit(a, data, n))
        return 0; /* aborts the transfer: SE_E_PROTOCOL (sei_attempt_status) */
    if (n >= 5 && !memcmp(data, "HTTP/", 5)) {
        sei_dynbuf_reset(
            &a->headers); /* a new answer (after 100 Continue): keep only the final one */
        a->n_headers = 0;
        return n;
    }
    const char *colon = memchr(data, ':', n);
    if (!colon)
        return n; /* the blank line that ends the block, or an obsolete folded line */
    size_t name_len = (size_t)(colon - data);
    const char *v = colon + 1, *end = data + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    size_t value_len = (size_t)(end - v), pair = name_len + value_len + 2;
    /* the cap (SEI_MAX_HEADER_BYTES) is checked first: what came so far is kept */
    if (pair > a->headers.max - a->headers.len || a->n_headers >= SEI_MAX_HEADER_COUNT) {
        a->header_overflow = true; /* a hostile or broken server: not kept, not retried */
        return 0;
    }
    if (sei_dynbuf_reserve(&a->headers, pair) != SE_OK)
        return 0;
    char *w = a->headers.data + a->headers.len;
    memcpy(w, data, name_len);
    w[name_len] = '\0';
    memcpy(w + name_len + 1, v, value_len);
    w[pair - 1] = '\0';
    sei_dynbuf_commit(&a->headers, pair);
    a->n_headers++;
    return n;
}

const char *sei_headers_find(const char *pairs, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++) {
        const char *value = pairs + strlen(pairs) + 1;
        if (!strcasecmp(pairs, name))
            return value;
        pairs = value + strlen(value) + 1;
    }
    return NULL;
}

const char *sei_attempt_header(const sei_attempt *a, const char *name) {
    return sei_headers_find(a->headers.data, a->n_headers, name);
}

/* The request's header lines as one allocation: curl reads the list and never
 * frees it, so the nodes and their text can share a block (freed with free()).
 * The User-Agent (an option that is never empty) is a line of it too: set with
 * CURLOPT_USERAGENT, curl formats it again with its own printf for every
 * request. */
static struct curl_slist *header_list(const sei_http_request *req, const char *user_agent) {
    /* curl may add "Expect: 100-continue" to a POST over 1 KiB (older versions; 1 MiB
     * since 7.88) and wait for the server's go-ahead: none of the providers needs it */
    bool no_expect = req->body.len > 1024;
    size_t agent_len = strlen(user_agent);
    size_t n = (size_t)req->n_headers + 1 + no_expect;
    size_t text = sizeof "User-Agent: " + agent_len + sizeof "Expect:";
    size_t name_len[SEI_MAX_HEADERS], value_len[SEI_MAX_HEADERS];
    for (int i = 0; i < req->n_headers; i++) {
        name_len[i] = strlen(req->headers[i].name);
        value_len[i] = req->headers[i].value.len;
        text += name_len[i] + value_len[i] + 3;
    }
    struct curl_slist *nodes = malloc(n * sizeof *nodes + text);
    if (!nodes)
        return NULL;
    char *w = (char *)(nodes + n);
    for (int i = 0; i < req->n_headers; i++) {
        nodes[i].data = w;
        memcpy(w, req->headers[i].name, name_len[i]);
        w += name_len[i];
        *w++ = ':';
        *w++ = ' ';
        memcpy(w, req->headers[i].value.ptr, value_len[i]);
        w += value_len[i];
        *w++ = '\0';
    }
    nodes[req->n_headers].data = w;
    memcpy(w, "User-Agent: ", sizeof "User-Agent: " - 1);
    w += sizeof "User-Agent: " - 1;
    memcpy(w, user_agent, agent_len + 1);
    w += agent_len + 1;
    if (no_expect) {
        nodes[n - 1].data = w;
        memcpy(w, "Expect:", sizeof "Expect:");
    }
    for (size_t i = 0; i < n; i++)
        nodes[i].next = i + 1 < n ? &nodes[i + 1] : NULL;
    return nodes;
}

/* Whether `list` (made by header_list) has exactly the request's headers. */
static bool header_list_fits(const struct curl_slist *list, const sei_http_request *req) {
    for (int i = 0; i < req->n_headers; i++, list = list->next) {
        size_t n = strlen(req->headers[i].name);
        if (strncmp(list->data, req->headers[i].name, n) || list->data[n] != ':' ||
            strcmp(list->data + n + 2, sei_header_value(&req->headers[i])))
            return false;
    }
    list = list->next; /* the User-Agent, from the options */
    return (list != NULL) == (req->body.len > 1024);
}

/* The request's header list, made once and kept for retries. Requests whose
 * URL is the client's share the list of the first such request of their
 * operation when their headers are the same (they come from the options, or,
 * for Connect, from a connection's token): the list is made once per
 * configuration instead of once per request. */
static se_status request_header_list(se_client *c, sei_http_request *req) {
    const char *agent = sei_opt_str(c, O_USER_AGENT);
    sei_op_cache *e = req->cache;
    if (e) {
        pthread_mutex_lock(&c->cache_lock);
        if (!e->header_list)
            e->header_list = header_list(req, agent);
        if (e->header_list && header_list_fits(e->header_list, req))
            sei_bufref_set(&req->header_list, e->header_list, 0, NULL); /* lent by the cache */
        pthread_mutex_unlock(&c->cache_lock);
        if (req->header_list.ptr)
            return SE_OK;
    }
    struct curl_slist *own = header_list(req, agent);
    if (!own)
        return SE_E_NOMEM;
    sei_bufref_set(&req->header_list, own, 0, free);
    return SE_OK;
}

se_status sei_transport_setup(se_client *c, CURL *easy, sei_http_request *req, sei_attempt *a) {
    a->max_body = (size_t)c->num[O_MAX_RESPONSE_BYTES];
    a->body.max = a->max_body;
    a->headers.max = SEI_MAX_HEADER_BYTES;
    if (!req->header_list.ptr && request_header_list(c, req) != SE_OK)
        return SE_E_NOMEM;
    if (req->cache && req->cache->curlu) {
        /* parsed once per configuration: curl would parse the URL text of every
         * request and print it back (its URL parts are what it uses) */
        curl_easy_setopt(easy, CURLOPT_CURLU, req->cache->curlu);
    } else {
        curl_easy_setopt(easy, CURLOPT_CURLU, NULL); /* it would override the URL */
        curl_easy_setopt(easy, CURLOPT_URL, sei_bufref_str(&req->url));
    }
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req->body.ptr);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body.len);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, req->header_list.ptr);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, a);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, a->curl_error);
    return SE_OK;
}

void sei_attempt_reset(sei_attempt *a) {
    sei_dynbuf body = a->body, headers = a->headers;
    memset(a, 0, sizeof *a);
    sei_dynbuf_reset(&body);
    sei_dynbuf_reset(&headers);
    a->body = body;
    a->headers = headers;
}

void sei_attempt_free(sei_attempt *a) {
    sei_dynbuf_free(&a->body);
    sei_dynbuf_free(&a->headers);
    a->n_headers = 0;
}

/* ---- status mapping (docs/c-api.md, Statuses) ----------------------------- */

static se_status curl_status(const sei_attempt *a) {
    if (a->oversized || a->header_overflow || sei_attempt_header_too_long(a))
        return SE_E_PROTOCOL;
    switch (a->curl_code) {
    case CURLE_OUT_OF_MEMORY:
        return SE_E_NOMEM;
    case CURLE_OPERATION_TIMEDOUT:
        return SE_E_TIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
        return SE_E_TLS;
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_CONTENT_ENCODING:
        return SE_E_PROTOCOL;
    default:
        return SE_E_NETWORK;
    }
}

se_status sei_attempt_status(const sei_attempt *a) {
    if (a->curl_code != CURLE_OK)
        return curl_status(a);
    long s = a->http_status;
    if (s >= 200 && s < 300)
        return SE_OK; /* the body is checked once, when the response is built */
    switch (s) {
    case 401:
        return SE_E_AUTH;
    case 403:
        return SE_E_FORBIDDEN;
    case 404:
        return SE_E_NOT_FOUND;
    case 409:
        return SE_E_CONFLICT;
    case 429:
        return SE_E_THROTTLED;
    }
    if (s >= 400 && s < 500)
        return SE_E_REJECTED;
    if (s >= 500 && s < 600)
        return SE_E_SERVER;
    return SE_E_PROTOCOL; /* 1xx/3xx final answers: redirects are never followed */
}

bool sei_attempt_header_too_long(const sei_attempt *a) {
    /* libcurl reports a line over its 100 KiB limit as out of memory: once the
     * request is written, that is what failed (the status line or a header) */
    return a->curl_code == CURLE_OUT_OF_MEMORY && (a->answers > 0 || a->writes > 0);
}
