/* se_common.h - the libsendevent side of the C benchmarks: a client configured
 * for the bench responder as a user would configure it, and reading a response
 * the way bare_loop.c reads an answer (id, and accepted time where given). */
#ifndef BENCH_SE_COMMON_H
#define BENCH_SE_COMMON_H

#include <sendevent/sendevent.h>

#include "common.h"

/* A client for the bench responder, configured as a user would (over https:
 * trusting the run's CA with the ca_file option). */
static inline se_client *bench_client(const bench_args *a) {
    static const char *const names[] = {"sinch", "zapi", "connect"};
    int provider = a->provider;
    se_client *c = NULL;
    if (se_client_new(&c, names[provider]) != SE_OK)
        return NULL;
    se_status st = se_client_set(c, "base_url", a->base_url);
    if (a->ca_file)
        st = st ? st : se_client_set(c, "ca_file", a->ca_file);
    if (provider == P_SINCH) {
        st = st ? st : se_client_set(c, "project_id", BENCH_SINCH_PROJECT);
        st = st ? st : se_client_set(c, "access_token", BENCH_SINCH_TOKEN);
    } else if (provider == P_ZAPI) {
        st = st ? st : se_client_set(c, "instance_id", BENCH_ZAPI_INSTANCE);
        st = st ? st : se_client_set(c, "token", BENCH_ZAPI_TOKEN);
        st = st ? st : se_client_set(c, "client_token", BENCH_ZAPI_CLIENT_TOKEN);
    }
    if (st != SE_OK) {
        fprintf(stderr, "se_client_set: %s\n", se_client_errmsg(c));
        se_client_free(c);
        return NULL;
    }
    return c;
}

static inline int read_response(int provider, const se_response *r) {
    return se_response_id(r) != NULL &&
           (provider == P_ZAPI || se_response_accepted_time(r) != NULL);
}

#endif
