/*
 * transport.h - one HTTP attempt over libcurl (transport.c): the handle
 * pools, the options every handle gets, capture of the answer with caps, and
 * the mapping of an attempt to a status.
 */
#ifndef SEI_TRANSPORT_H
#define SEI_TRANSPORT_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

#include "dynbuf.h"
#include "sendevent/client.h"

typedef struct sei_http_request sei_http_request;
typedef struct sei_attempt sei_attempt;

#define SEI_MAX_HEADER_BYTES 65536  /* response header block kept per answer */
#define SEI_MAX_HEADER_COUNT 1000   /* header lines per answer */
#define SEI_MAX_HEADER_TOTAL 262144 /* header bytes per attempt, interim answers included */
#define SEI_MAX_INTERIM_ANSWERS 8   /* 1xx answers before the final one */

/* What one HTTP attempt produced. */
struct sei_attempt {
    CURLcode curl_code;
    char curl_error[CURL_ERROR_SIZE];
    long http_status;
    /* Times the request was written to a connection (CURLOPT_PREREQFUNCTION:
     * curl re-sends by itself on a reused connection that died). */
    int writes;
    bool resend_ok;       /* a second write is allowed: the operation is idempotent */
    bool resend_refused;  /* a second write was refused: the first may have been delivered */
    bool answered;        /* a status line came back */
    long new_connections; /* connections opened for this attempt: 0 = reused */
    sei_dynbuf body;      /* capped at max_body */
    /* the final answer's headers: n_headers "name\0value\0" pairs, capped at
     * SEI_MAX_HEADER_BYTES */
    sei_dynbuf headers;
    size_t n_headers;
    size_t max_body;
    bool oversized;
    /* the answer's headers went past a cap (SE_MAX_HEADER_*): SE_E_PROTOCOL */
    bool header_overflow;
    size_t header_bytes; /* header bytes received in this attempt */
    unsigned answers;    /* status lines received (interim answers, then the final one) */
};

/* The DNS and TLS session caches the client's handles share (NULL when out of memory). */
CURLSH *sei_share_new(se_client *c);
/* A handle configured with the client's options (timeouts, TLS, share, ...). */
CURL *sei_pool_take(se_client *c);
void sei_pool_give(se_client *c, CURL *easy);
/* A multi handle for one run of the engine, with the live connections of an
 * earlier run when the client has one idle; NULL when out of memory. */
CURLM *sei_multi_take(se_client *c);
/* Back to the client once no easy handle is in it (kept, or cleaned up when
 * enough are idle). */
void sei_multi_give(se_client *c, CURLM *multi);

/* Sets the per-attempt options of `easy` for `req`, writing into `a`. */
se_status sei_transport_setup(se_client *c, CURL *easy, sei_http_request *req, sei_attempt *a);
/* Empties `a` for the next attempt, keeping its buffers' memory. */
void sei_attempt_reset(sei_attempt *a);
void sei_attempt_free(sei_attempt *a);
/* Value of the first of n "name\0value\0" pairs called `name`
 * (case-insensitive), or NULL. */
const char *sei_headers_find(const char *pairs, size_t n, const char *name);
/* Value of the answer's first header called `name`, or NULL; owned by the attempt. */
const char *sei_attempt_header(const sei_attempt *a, const char *name);

/* Whether libcurl gave up on a header line over its own limit (100 KiB):
 * it reports that as out of memory, but it is the server's doing. */
bool sei_attempt_header_too_long(const sei_attempt *a);
/* Status of an attempt: the design's mapping table. */
se_status sei_attempt_status(const sei_attempt *a);

#endif
