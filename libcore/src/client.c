/* client.c - the client handle's lifecycle and configuration: create (the
 * unknown-provider text from sei_providers[]), free, provider name, logger.
 * Options: options.c; diagnostics: logging.c; the public send calls:
 * client_send.c. */
#include <stdio.h>
#include <stdlib.h>

#include "client_state.h"
#include "curl_lazy/curl_lazy.h"
#include "fork.h"
#include "logging.h"
#include "options.h"
#include "transport.h"
#include "util.h"
#include "waker.h"

const char *se_client_provider(const se_client *c) {
    return c ? c->provider->name : NULL;
}

se_status se_client_set_logger(se_client *c, se_log_fn fn, void *userdata) {
    if (!c)
        return SE_E_MISUSE;
    c->log_fn = fn;
    c->log_userdata = userdata;
    return SE_OK;
}

/* "provider: must be one of sinch, zapi, connect, got ..." (sei_providers[]) */
static se_status unknown_provider(const char *name) {
    char msg[256];
    int n = snprintf(msg, sizeof msg, "provider: must be one of");
    for (size_t i = 0; sei_providers[i] && n > 0 && (size_t)n < sizeof msg; i++)
        n += snprintf(msg + n, sizeof msg - (size_t)n, "%s %s", i ? "," : "",
                      sei_providers[i]->name);
    if (n > 0 && (size_t)n < sizeof msg)
        snprintf(msg + n, sizeof msg - (size_t)n, ", got \"%.100s\"", name ? name : "(null)");
    return sei_set_error(NULL, SE_E_INVALID, msg);
}

se_status se_client_new(se_client **out, const char *provider) {
    if (!out)
        return sei_set_error(NULL, SE_E_MISUSE, "se_client_new: out must not be NULL");
    *out = NULL;
    se_status st = se_global_init();
    if (st != SE_OK) /* built with SE_LAZY_CURL, the loader says why libcurl is not there */
        return sei_set_error(NULL, st,
                             sei_curl_load_error && sei_curl_load_error()
                                 ? sei_curl_load_error()
                                 : "libcurl global initialisation failed");
    const sei_provider *p = provider ? sei_provider_find(provider) : NULL;
    if (!p)
        return unknown_provider(provider);
    se_client *c = calloc(1, sizeof *c);
    if (!c)
        return sei_set_error(NULL, SE_E_NOMEM, "out of memory");
    c->provider = p;
    c->env_proxy = sei_env_has_proxy();
    sei_opts_init(c);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&c->share_locks[i], NULL);
    pthread_mutex_init(&c->pool_lock, NULL);
    pthread_mutex_init(&c->cache_lock, NULL);
    pthread_mutex_init(&c->token_lock, NULL);
    sei_limiter_init(&c->limiter);
    sei_shared_limit_init(&c->shared_limit);
    c->token_gen = 1; /* 0 in a job: it waits on no fetch */
    atomic_init(&c->fork_gen, atomic_load(&sei_fork_gen));
    c->share = sei_share_new(c);
    if (!c->share) {
        se_client_free(c);
        return sei_set_error(NULL, SE_E_NOMEM, "out of memory");
    }
    *out = c;
    return SE_OK;
}

void se_client_free(se_client *c) {
    if (!c)
        return;
    sei_client_after_fork(c); /* a child frees only what it made itself */
    while (c->n_multis > 0)
        curl_multi_cleanup(c->multis[--c->n_multis]);
    free(c->multis);
    sei_wakers_free(c);
    sei_diag_free(&c->token_diag);

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
    sei_limiter_destroy(&c->limiter);
    sei_shared_limit_close(&c->shared_limit);
    for (int i = 0; i < SEI_MAX_OPERATIONS; i++) {
        free(c->op_cache[i].url);
        free(c->op_cache[i].request_line);
        free(c->op_cache[i].header_list);
        curl_url_cleanup(c->op_cache[i].curlu);
    }
    sei_opts_free(c);
    free(c->token);
    free(c);
}
