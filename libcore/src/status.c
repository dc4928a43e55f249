/* status.c - status texts, version, memory release, process-wide init. */
#include <pthread.h>
#include <stdlib.h>

#include <curl/curl.h>

#include "fork.h"
#include "sendevent/sendevent.h"

static const struct {
    se_status code;
    const char *name;
    const char *text;
} status_table[] = {
    {SE_OK, "ok", "success"},
    {SE_E_INVALID, "invalid", "request rejected by local validation; nothing was sent"},
    {SE_E_AUTH, "auth", "authentication failed (HTTP 401)"},
    {SE_E_FORBIDDEN, "forbidden", "forbidden (HTTP 403)"},
    {SE_E_NOT_FOUND, "not_found", "not found (HTTP 404)"},
    {SE_E_CONFLICT, "conflict", "conflict (HTTP 409)"},
    {SE_E_THROTTLED, "throttled", "throttled (HTTP 429)"},
    {SE_E_REJECTED, "rejected", "request rejected by the provider"},
    {SE_E_SERVER, "server", "provider server error (HTTP 5xx)"},
    {SE_E_NETWORK, "network", "network error: could not connect or connection lost"},
    {SE_E_TIMEOUT, "timeout", "timed out"},
    {SE_E_TLS, "tls", "TLS or certificate error"},
    {SE_E_PROTOCOL, "protocol", "unexpected, unparseable or oversized response"},
    {SE_E_NOMEM, "nomem", "out of memory"},
    {SE_E_MISUSE, "misuse", "library misuse (NULL handle or argument)"},
    {SE_E_CANCELLED, "cancelled", "cancelled before it completed"},
    {SE_E_SIGNATURE, "signature", "callback refused: signature, timestamp or nonce check failed"},
};

const char *se_strerror(se_status code) {
    for (size_t i = 0; i < sizeof status_table / sizeof status_table[0]; i++)
        if (status_table[i].code == code)
            return status_table[i].text;
    return "unknown status";
}

const char *se_status_name(se_status code) {
    for (size_t i = 0; i < sizeof status_table / sizeof status_table[0]; i++)
        if (status_table[i].code == code)
            return status_table[i].name;
    return "unknown";
}

const char *se_version(void) {
    return SE_VERSION;
}

int se_version_num(void) {
    return SE_VERSION_NUM;
}

void se_free(void *ptr) {
    free(ptr);
}

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_result = CURLE_OK;

/* In the child, with only the forking thread alive: clients notice the new
 * generation at their next call (sei_client_after_fork). */
static void after_fork_in_child(void) {
    sei_fork_child_reset();
    atomic_fetch_add(&sei_fork_gen, 1);
}

static void global_init_once(void) {
    global_result = curl_global_init(CURL_GLOBAL_DEFAULT);
    pthread_atfork(NULL, NULL, after_fork_in_child);
}

se_status se_global_init(void) {
    pthread_once(&global_once, global_init_once);
    return global_result == CURLE_OK              ? SE_OK
           : global_result == CURLE_OUT_OF_MEMORY ? SE_E_NOMEM
                                                  : SE_E_NETWORK;
}
