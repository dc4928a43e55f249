/*
 * client_state.h - the client struct every layer reads (its option slots,
 * handle pools, per-operation cache, credential and wakers) and the inline
 * readers of its option slots. Lifecycle: client.c; option setting:
 * options.c. Nothing here is part of the ABI.
 */
#ifndef SEI_CLIENT_STATE_H
#define SEI_CLIENT_STATE_H

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "diag.h"
#include "limiter.h"
#include "option.h"
#include "provider.h"
#include "sendevent/client.h"
#include "shared_limit.h"

struct sei_waker; /* waker.h */

struct se_client {
    const sei_provider *provider;
    /* option slots (option.h): the common options, then the provider's */
    unsigned n_opts;
    char *opt[SEI_OPT_SLOTS];   /* raw values as set; NULL = default */
    char *shown[SEI_OPT_SLOTS]; /* a URL option as se_client_get shows it (credentials redacted) */
    double num[SEI_OPT_SLOTS];  /* parsed numeric/boolean values (defaults applied) */
    se_log_fn log_fn;
    void *log_userdata;
    const atomic_int *log_min; /* lines below this level are not even formatted; NULL: all */

    CURLSH *share; /* DNS and TLS session caches */
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];

    pthread_mutex_t pool_lock; /* idle easy handles, each keeping its connections */
    struct sei_pooled {
        CURL *easy;
        unsigned config_gen; /* the client options it was configured with */
    } * pool;
    size_t pool_len, pool_cap;
    /* idle multi handles (also under pool_lock), each keeping the connections of
     * the run that last ran on it for the next one */
    CURLM **multis;
    size_t n_multis, cap_multis;
    unsigned config_gen; /* bumped by se_client_set: pooled handles reconfigure */
    /* A proxy variable curl reads was in the environment at the last option
     * change. Without one, handles are told "no proxy", which spares curl its
     * five environment lookups on every request. */
    bool env_proxy;

    /* Per operation, what depends on the configuration (config_gen) only: built
     * once and lent to every request. Replaced only when no send runs, as
     * se_client_set is never concurrent with sends. */
    pthread_mutex_t cache_lock;
    struct sei_op_cache {
        char *url, *request_line; /* checked URL and request line; NULL until built */
        size_t url_len, request_line_len;
        /* the URL as curl parsed it (CURLOPT_CURLU), or NULL: then curl parses
         * `url` again for every request */
        CURLU *curlu;
        /* the header list of the first request sent with this configuration,
         * lent to each later one whose headers are the same (sei_transport_setup) */
        struct curl_slist *header_list;
        unsigned config_gen;
    } op_cache[SEI_MAX_OPERATIONS];

    pthread_mutex_t token_lock; /* a fetched credential (provider authorize): one fetch at a time */
    char *token;
    double token_expiry; /* sei_now() seconds */
    bool token_fetching; /* a run has the fetch in flight */
    unsigned token_gen;  /* bumped when a fetch ends */
    /* how the last fetch failed (SE_OK: it did not), for the sends that waited on it */
    se_status token_status;
    sei_diag token_diag;

    /* max_rate: every run and thread of the client draws from it (limiter.h) */
    sei_limiter limiter;
    sei_shared_limit shared_limit; /* rate_limit_url: the budget in Redis */

    /* Runs in progress and the eventfds that wake them (se_client_cancel). */
    _Atomic(struct sei_waker *) wakers;
    atomic_uint cancel_gen;
    /* sei_fork_gen when the handles were made: another value means this is a
     * child process that has not yet abandoned what it inherited */
    atomic_uint fork_gen;
};

/* The description of the client's option in `slot`. */
static inline const sei_option *sei_opt_def(const se_client *c, sei_opt slot) {
    return slot < O_COMMON_COUNT ? &sei_common_options[slot]
                                 : &c->provider->options[slot - O_COMMON_COUNT];
}
/* Value or default, may be NULL. */
static inline const char *sei_opt_str(const se_client *c, sei_opt o) {
    return c->opt[o] ? c->opt[o] : sei_opt_def(c, o)->def;
}
static inline bool sei_opt_bool(const se_client *c, sei_opt o) {
    return c->num[o] != 0;
}

#endif
