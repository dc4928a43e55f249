/*
 * http_request.h - a built request (http_request.c): URL, request line,
 * headers, body and the curl header list, each held by a sei_bufref that
 * knows how to release it (owned, borrowed from the client's per-operation
 * cache, or living in a batch's memory block). Nothing here is part of the ABI.
 */
#ifndef SEI_HTTP_REQUEST_H
#define SEI_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "bufref.h"
#include "sendevent/common.h"

#define SEI_MAX_HEADERS 4 /* headers a provider may add to a request (sei_http_add_header) */

typedef struct sei_header {
    const char *name; /* a string literal */
    sei_bufref value; /* a string literal (borrowed), owned, or in a batch's block */
    bool secret;      /* value shown as [REDACTED] in dry runs and scrubbed from messages */
} sei_header;

typedef struct sei_op_cache sei_op_cache;
typedef struct sei_http_request sei_http_request;

struct sei_http_request {
    sei_bufref url;          /* the real URL, secrets included */
    sei_bufref request_line; /* "POST <url as logs and dry runs show it>" */
    /* The client's entry for the operation when the URL came from it (its
     * parsed URL and header list may then be used), else NULL. Says nothing
     * about ownership: the references do. */
    sei_op_cache *cache;
    sei_header headers[SEI_MAX_HEADERS];
    int n_headers;
    sei_bufref body;
    /* The caller's JSON text while building, when it may be sent as written:
     * strict JSON that the checks did not rewrite. NULL otherwise. */
    const char *source;
    size_t source_len;
    /* Connect's ClientToken, as the body carries it, or empty */
    sei_bufref client_token;
    /* a struct curl_slist built on the first attempt, kept for retries: one
     * block (free(), not curl_slist_free_all), or the cache's, borrowed */
    sei_bufref header_list;
};

static inline const char *sei_header_value(const sei_header *h) {
    return (const char *)h->value.ptr;
}

/* The URL with secrets redacted: the request line without its method. */
#define SEI_REDACTED_URL(r) (sei_bufref_str(&(r)->request_line) + sizeof "POST " - 1)

void sei_http_request_clear(sei_http_request *r);
/* Adds a header whose value is a string literal (inline: its length is then
 * known when compiled). */
static inline se_status sei_http_add_header(sei_http_request *r, const char *name,
                                            const char *value, bool secret) {
    if (r->n_headers == SEI_MAX_HEADERS)
        return SE_E_NOMEM;
    r->headers[r->n_headers++] = (sei_header){name, {NULL, (void *)value, strlen(value)}, secret};
    return SE_OK;
}
/* Adds a header owning `value` (freed with the request; NULL means out of memory). */
se_status sei_http_add_header_owned(sei_http_request *r, const char *name, char *value,
                                    bool secret);
/* Replaces the value of an existing header (taking ownership of value). */
void sei_http_replace_header(sei_http_request *r, sei_header *h, char *value);
/* Takes malloc'd url and line (both freed with the request); SE_E_NOMEM,
 * freeing the other, when either is NULL. */
se_status sei_http_set_url(sei_http_request *r, char *url, char *line);
/* Takes a malloc'd body of len bytes (NUL-terminated); SE_E_NOMEM when NULL. */
se_status sei_http_set_body(sei_http_request *r, char *body, size_t len);

#endif
