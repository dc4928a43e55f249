/* client_send.c - the public calls that check, print and send a request:
 * se_validate, se_prepare, se_send_within, se_send. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client_state.h"
#include "dynbuf.h"
#include "engine.h"
#include "logging.h"
#include "response_internal.h"
#include "send.h"
#include "util.h"

se_status se_validate(se_client *c, const char *operation, const char *request_json) {
    if (!c)
        return sei_set_error(NULL, SE_E_MISUSE, "se_validate: client must not be NULL");
    sei_job job;
    se_status st = sei_job_prepare(&job, c, operation, request_json, true);
    sei_set_warnings(c, &job.diag);
    if (st != SE_OK)
        sei_set_error(c, st, sei_diag_msg(&job.diag));
    sei_job_clear(&job);
    return st;
}

/* The request as a server would read it, secrets redacted: the request line
 * in origin form, Host, the headers, Content-Length and the body. */
static void print_request(sei_dynbuf *b, const sei_http_request *req) {
    const char *url = SEI_REDACTED_URL(req);
    const char *host = strstr(url, "://") + 3;
    size_t host_len = strcspn(host, "/");
    const char *path = host[host_len] ? host + host_len : "/";
    const char *at = memchr(host, '@', host_len); /* credentials: not part of Host */
    if (at) {
        host_len -= (size_t)(at + 1 - host);
        host = at + 1;
    }
    sei_dynbuf_printf(b, "POST %s HTTP/1.1\r\nHost: %.*s\r\n", path, (int)host_len, host);
    for (int i = 0; i < req->n_headers; i++) {
        const sei_header *h = &req->headers[i];
        const char *v = sei_header_value(h);
        if (!h->secret) /* the Authorization scheme is kept, the credential hidden */
            sei_dynbuf_printf(b, "%s: %s\r\n", h->name, v);
        else if (!strcasecmp(h->name, "Authorization")) {
            char scheme[32];
            snprintf(scheme, sizeof scheme, "%.*s " SEI_REDACTED, (int)strcspn(v, " "), v);
            sei_dynbuf_printf(b, "%s: %s\r\n", h->name, scheme);
        } else
            sei_dynbuf_printf(b, "%s: " SEI_REDACTED "\r\n", h->name);
    }
    sei_dynbuf_printf(b, "Content-Length: %zu\r\n\r\n", req->body.len);
    sei_dynbuf_add(b, req->body.ptr, req->body.len);
}

se_status se_prepare(se_client *c, const char *operation, const char *request_json,
                     char **http_out) {
    if (!c || !http_out)
        return sei_set_error(c, SE_E_MISUSE, "se_prepare: client and http_out must not be NULL");
    *http_out = NULL;
    sei_job job;
    se_status st = sei_job_prepare(&job, c, operation, request_json, true);
    sei_set_warnings(c, &job.diag);
    if (st != SE_OK) {
        sei_set_error(c, st, sei_diag_msg(&job.diag));
        sei_job_clear(&job);
        return st;
    }
    sei_dynbuf b;
    sei_dynbuf_init(&b, 0);
    print_request(&b, &job.http); /* a failed append shows in b.error: checked once */
    char *clean = b.error == SE_OK ? sei_scrubbed(c, &job.http, sei_dynbuf_ptr(&b)) : NULL;
    sei_job_clear(&job);
    sei_dynbuf_free(&b);
    if (!clean)
        return sei_set_error(c, SE_E_NOMEM, "out of memory");
    *http_out = clean;
    return SE_OK;
}

se_status se_send_within(se_client *c, const char *operation, const char *request_json,
                         double deadline, se_response **out) {
    if (out)
        *out = NULL;
    if (!c)
        return sei_set_error(NULL, SE_E_MISUSE, "se_send: client must not be NULL");
    unsigned cancel_gen = atomic_load(&c->cancel_gen); /* a cancel from here on applies */
    sei_job job;
    se_status st = sei_job_prepare(&job, c, operation, request_json, true);
    sei_set_warnings(c, &job.diag);
    if (deadline <= 0)
        deadline = c->num[O_DEADLINE];
    if (deadline > 0)
        job.deadline = job.started + deadline;
    se_response *r =
        st == SE_OK ? sei_engine_send(c, &job, cancel_gen) : sei_job_response(&job, st, NULL, NULL);
    sei_job_clear(&job);
    if (!r)
        return sei_set_error(c, SE_E_NOMEM, "out of memory");
    st = r->status;
    if (st != SE_OK)
        sei_set_error(c, st, r->message);
    if (out)
        *out = r;
    else
        se_response_free(r);
    return st;
}

se_status se_send(se_client *c, const char *operation, const char *request_json,
                  se_response **out) {
    return se_send_within(c, operation, request_json, 0, out);
}
