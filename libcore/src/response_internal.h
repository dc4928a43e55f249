/*
 * response_internal.h - the response's layout and how one is made
 * (response.c), for the engine and the providers' parse_error.
 */
#ifndef SEI_RESPONSE_INTERNAL_H
#define SEI_RESPONSE_INTERNAL_H

#include <cjson/cJSON.h>
#include <stdatomic.h>

#include "block.h"
#include "sendevent/response.h"

typedef struct sei_attempt sei_attempt;
typedef struct sei_job sei_job;
typedef struct sei_provider sei_provider;

/* One allocation holds the response and its texts (a batch keeps many): body,
 * header block, request line, request id, id and accepted time follow the
 * struct. Failures' texts (code, message) and warnings are allocated apart. */
struct se_response {
    se_status status;
    const char *provider;
    const char *operation;
    int http_status;
    const char *id, *accepted_time, *request_id; /* in the block, or NULL */
    char *provider_code, *message, *warnings;    /* allocated apart, or NULL */
    int attempts;
    se_sent sent;
    double elapsed;
    const char *client_token; /* in the block, or NULL */
    const char *body;         /* in the block */
    size_t body_len;
    const char *headers; /* in the block: "name\0value\0" pairs, n_headers of them */
    size_t n_headers;
    const char *request_line; /* in the block */
    _Atomic(cJSON *) json;    /* the parsed body, made on first se_response_get */
    sei_block *block;         /* the batch memory holding it, or NULL: malloc'd */
};

/* Fills provider code/message from an error answer (the provider's format,
 * then the common fallbacks), whose parsed body is `json` (NULL when not JSON). */
void sei_parse_error(se_response *r, const cJSON *json, const sei_provider *p,
                     const sei_attempt *a);
/* The response of a finished job (attempt may be NULL when nothing was sent),
 * in memory from `block` when it has room (else malloc'd). */
se_response *sei_job_response(sei_job *job, se_status st, sei_attempt *a, sei_block *block);

#endif
