/*
 * provider.h - what a provider is to the core: one sei_provider (a vtable and
 * its data), defined in providers/<name>/ and listed once in sei_providers[]
 * (providers/table.c). The core asks the vtable and never tests which
 * provider it has.
 */
#ifndef SEI_PROVIDER_H
#define SEI_PROVIDER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "option.h"

typedef struct se_client se_client;
typedef struct sei_attempt sei_attempt;
typedef struct sei_http_request sei_http_request;
typedef struct sei_operation sei_operation;
typedef struct sei_headers sei_headers; /* signature.h */
typedef struct sei_signed sei_signed;   /* signature.h */
typedef struct se_callback se_callback; /* callback.h */

#define SEI_MAX_OPERATIONS 8 /* per provider */

struct sei_operation {
    const char *name;                            /* "send_event" */
    const char *route;                           /* provider path suffix */
    se_status (*check)(cJSON *req, sei_diag *d); /* validate.h */
    const char *help;                            /* one line (sendevent/listing.h) */
    const char *example;                         /* a small valid request */
    const struct sei_spec *spec; /* the request's fields, for their listing (validate/rules.h) */
};

typedef struct sei_provider {
    const char *name;
    const char *title; /* "Sinch Conversation API" */
    const sei_operation *ops;
    size_t n_ops;
    /* The provider's own options, in slots O_COMMON_COUNT + i (option.h), and
     * other keys for options (ended by a NULL key; NULL if none). */
    const sei_option *options;
    size_t n_options;
    const sei_option_alias *aliases;

    /* ---- requests ---- */
    /* Checks the client's options for a send (e.g. region or base_url set). */
    se_status (*check_config)(const se_client *c, sei_diag *d);
    /* Sets the operation's URL and request line (sei_set_url). They depend on
     * the client's options only: sei_job_prepare keeps them per configuration. */
    se_status (*url)(const se_client *c, const sei_operation *op, sei_http_request *out);
    /* Turns a checked request into headers and body. Never blocks. */
    se_status (*build)(const se_client *c, const sei_operation *op, cJSON *req,
                       sei_http_request *out, sei_diag *d);

    /* ---- credentials ---- */
    /* Adds credentials that need the network (Sinch OAuth). NULL if none.
     * `stale` names a token the server refused: it is not to be used again.
     * Never blocks: SEI_PENDING_FETCH asks the caller to fetch one (with
     * token_request, then token_answer), SEI_PENDING to wait for the fetch in
     * progress; either way *token_gen is set to the generation waited on. A
     * fetch that ended in failure after that generation fails the request. */
    se_status (*authorize)(se_client *c, sei_http_request *req, const char *stale,
                           unsigned *token_gen, sei_diag *d);
    /* The credential request (Sinch: the OAuth client-credentials grant). */
    se_status (*token_request)(const se_client *c, sei_http_request *out);
    /* Takes the credential answer (attempt), or with a NULL attempt an
     * abandoned fetch; wakes the waiters (token_gen). */
    void (*token_answer)(se_client *c, const sei_attempt *a);
    /* The option holding the URL credentials are fetched from when this
     * configuration fetches them (checked like base_url before a send), or
     * SEI_OPT_NONE. NULL if the provider never fetches. */
    sei_opt (*token_url)(const se_client *c);
    /* Whether attempt `a`, which carried the Authorization value `used`
     * (NULL if none), was refused because that credential is stale: it is
     * then dropped, fetched again and the send retried once. NULL: never. */
    bool (*refused_credential)(const se_client *c, const char *used, const sei_attempt *a);
    /* A secret derived from the options, to scrub from every message besides
     * the secret options themselves (Sinch: the Basic credential): *out is
     * malloc'd, or NULL when there is none. SE_E_NOMEM when out of memory.
     * NULL if the provider derives none. */
    se_status (*derived_secret)(const se_client *c, char **out);

    /* ---- answers ---- */
    /* Whether an answer the status table calls final (not 429, 5xx or a
     * network failure) means "not acted on, try again" (Connect: AWS also
     * throttles with a 400). NULL: never. */
    bool (*retryable_rejection)(const sei_attempt *a);
    /* Fills r->provider_code and r->message from an error answer whose parsed
     * body is `json` (NULL when not JSON); the core fills what it leaves NULL. */
    void (*parse_error)(se_response *r, const cJSON *json, const sei_attempt *a);
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
     * an idempotency key (Connect's ClientToken: sei_job_idempotent). */
    bool idempotent;

    /* ---- callbacks (sendevent/webhook.h) ---- */
    /* Checks a callback's signature with the secret: SE_OK with out's nonce
     * and timestamp filled, or SE_E_SIGNATURE with out's reason and detail
     * (sei_signed_refuse); the core then checks the timestamp window and the
     * nonce. NULL: the provider does not sign its callbacks, and
     * `unsigned_note` says how its receivers authenticate. */
    se_status (*verify_signature)(const sei_headers *h, const char *body, size_t body_len,
                                  const unsigned char *secret, size_t secret_len, sei_signed *out);
    const char *unsigned_note;
    /* Reads a parsed callback (its JSON in `root`) into the callback's kind
     * and normalized fields (callback.h). Unknown kinds and fields are never
     * an error. */
    se_status (*parse_callback)(se_callback *cb, const cJSON *root);
} sei_provider;

/* authorize() is waiting for credentials: positive, never returned by the API */
#define SEI_PENDING ((se_status)1)       /* another send is fetching them */
#define SEI_PENDING_FETCH ((se_status)2) /* the caller must fetch them */

/* Every provider, NULL-ended: the only list of them (providers/table.c). */
extern const sei_provider *const sei_providers[];

/* The provider called `name`, or NULL. */
const sei_provider *sei_provider_find(const char *name);

#endif
