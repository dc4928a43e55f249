/* http_request.c - a built request and its headers (http_request.h). */
#include "http_request.h"

#include <stdlib.h>
#include <string.h>

void sei_http_request_clear(sei_http_request *r) {
    /* every part releases itself: owned, borrowed or parked, the same call */
    sei_bufref *refs[] = {&r->url, &r->request_line, &r->body, &r->client_token, &r->header_list};
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++)
        sei_bufref_free(refs[i]);
    for (int i = 0; i < r->n_headers; i++)
        sei_bufref_release(&r->headers[i].value);
    r->n_headers = 0; /* headers past n_headers are never read: no memset of the array */
    r->cache = NULL;
    r->source = NULL;
    r->source_len = 0;
}

se_status sei_http_add_header_owned(sei_http_request *r, const char *name, char *value,
                                    bool secret) {
    if (!value || r->n_headers == SEI_MAX_HEADERS) {
        free(value);
        return SE_E_NOMEM;
    }
    r->headers[r->n_headers++] = (sei_header){name, {free, value, strlen(value)}, secret};
    return SE_OK;
}

void sei_http_replace_header(sei_http_request *r, sei_header *h, char *value) {
    sei_bufref_set(&h->value, value, strlen(value), free);
    sei_bufref_free(&r->header_list); /* rebuilt with the new value */
}

se_status sei_http_set_url(sei_http_request *r, char *url, char *line) {
    if (!url || !line) {
        free(url);
        free(line);
        return SE_E_NOMEM;
    }
    sei_bufref_set(&r->url, url, strlen(url), free);
    sei_bufref_set(&r->request_line, line, strlen(line), free);
    return SE_OK;
}

se_status sei_http_set_body(sei_http_request *r, char *body, size_t len) {
    if (!body)
        return SE_E_NOMEM;
    sei_bufref_set(&r->body, body, len, free);
    return SE_OK;
}
