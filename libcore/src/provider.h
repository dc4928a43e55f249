/*
 * provider.h - what a provider is to the core: one se_provider (a vtable and
 * its data), defined in providers/<name>/ and listed once in se_providers[]
 * (providers/table.c). The core asks the vtable and never tests which
 * provider it has.
 */
#ifndef SE_PROVIDER_H
#define SE_PROVIDER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "option.h"

typedef struct se_client se_client;
typedef struct se_attempt se_attempt;
typedef struct se_http_request se_http_request;
typedef struct se_operation se_operation;

#define SE_MAX_OPERATIONS 8 /* per provider */

struct se_operation {
    const char *name;                           /* "send_event" */
    const char *route;                          /* provider path suffix */
    se_status (*check)(cJSON *req, se_diag *d); /* validate.h */
    const char *help;                           /* one line (sendevent/listing.h) */
    const char *example;                        /* a small valid request */
};

typedef struct se_provider {
    const char *name;
    const char *title; /* "Sinch Conversation API" */
    const se_operation *ops;
    size_t n_ops;
    /* The provider's own options, in slots O_COMMON_COUNT + i (option.h), and
     * other keys for options (ended by a NULL key; NULL if none). */
    const se_option *options;
    size_t n_options;
    const se_option_alias *aliases;

    /* ---- requests ---- */
    /* Checks the client's options for a send (e.g. region or base_url set). */
    se_status (*check_config)(const se_client *c, se_diag *d);
    /* Sets the operation's URL and request line (se_set_url). They depend on
     * the client's options only: se_job_prepare keeps them per configuration. */
    se_status (*url)(const se_client *c, const se_operation *op, se_http_request *out);
    /* Turns a checked request into headers and body. Never blocks. */
    se_status (*build)(const se_client *c, const se_operation *op, cJSON *req, se_http_request *out,
                       se_diag *d);

    /* ---- credentials ---- */
    /* Adds credentials that need the network (Sinch OAuth). NULL if none.
     * `stale` names a token the server refused: it is not to be used again.
     * Never blocks: SE_PENDING_FETCH asks the caller to fetch one (with
     * token_request, then token_answer), SE_PENDING to wait for the fetch in
     * progress; either way *token_gen is set to the generation waited on. A
     * fetch that ended in failure after that generation fails the request. */
    se_status (*authorize)(se_client *c, se_http_request *req, const char *stale,
                           unsigned *token_gen, se_diag *d);
    /* The credential request (Sinch: the OAuth client-credentials grant). */
    se_status (*token_request)(const se_client *c, se_http_request *out);
    /* Takes the credential answer (attempt), or with a NULL attempt an
     * abandoned fetch; wakes the waiters (token_gen). */
    void (*token_answer)(se_client *c, const se_attempt *a);
    /* The option holding the URL credentials are fetched from when this
     * configuration fetches them (checked like base_url before a send), or
     * SE_OPT_NONE. NULL if the provider never fetches. */
    se_opt (*token_url)(const se_client *c);
    /* Whether attempt `a`, which carried the Authorization value `used`
     * (NULL if none), was refused because that credential is stale: it is
     * then dropped, fetched again and the send retried once. NULL: never. */
    bool (*refused_credential)(const se_client *c, const char *used, const se_attempt *a);
    /* A secret derived from the options, to scrub from every message besides
     * the secret options themselves (Sinch: the Basic credential): *out is
     * malloc'd, or NULL when there is none. SE_E_NOMEM when out of memory.
     * NULL if the provider derives none. */
    se_status (*derived_secret)(const se_client *c, char **out);

    /* ---- answers ---- */
    /* Whether an answer the status table calls final (not 429, 5xx or a
     * network failure) means "not acted on, try again" (Connect: AWS also
     * throttles with a 400). NULL: never. */
    bool (*retryable_rejection)(const se_attempt *a);
    /* Fills r->provider_code and r->message from an error answer whose parsed
     * body is `json` (NULL when not JSON); the core fills what it leaves NULL. */
    void (*parse_error)(se_response *r, const cJSON *json, const se_attempt *a);
    /* Response headers that carry the request id, best first (NULL-ended);
     * the core then looks for x-request-id and x-correlation-id. */
    const char *const *request_id_headers;
    /* A top-level member that, false in a 2xx answer, makes it SE_E_REJECTED
     * (Z-API's {"value": false}), or NULL. */
    const char *rejected_if_false;
    /* Which response fields hold the unified id and the accepted time. */
    const char *const *id_fields;
    const char *time_field;
    /* Retry policy: every retryable error is safe for a request that carries
     * an idempotency key (Connect's ClientToken: se_job_idempotent). */
    bool idempotent;
} se_provider;

/* authorize() is waiting for credentials: positive, never returned by the API */
#define SE_PENDING ((se_status)1)       /* another send is fetching them */
#define SE_PENDING_FETCH ((se_status)2) /* the caller must fetch them */

/* Every provider, NULL-ended: the only list of them (providers/table.c). */
extern const se_provider *const se_providers[];

/* The provider called `name`, or NULL. */
const se_provider *se_provider_find(const char *name);

#endif
