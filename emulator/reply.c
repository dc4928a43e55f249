/* reply.c - requests and replies as the provider handlers see them (reply.h). */
#include "reply.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* A header set twice keeps the last value: injected fault headers (added last)
 * replace the emulator's own, as a real server sends one of each. */
void reply_header(struct reply *rp, const char *name, const char *value) {
    for (int i = 0; i < rp->nheaders; i++)
        if (!strcasecmp(rp->headers[i].name, name)) {
            free(rp->headers[i].value);
            rp->headers[i].value = xstrdup(value);
            return;
        }
    if (rp->nheaders == REPLY_MAX_HEADERS)
        return;
    rp->headers[rp->nheaders].name = xstrdup(name);
    rp->headers[rp->nheaders].value = xstrdup(value);
    rp->nheaders++;
}

bool reply_has_header(const struct reply *rp, const char *name) {
    for (int i = 0; i < rp->nheaders; i++)
        if (!strcasecmp(rp->headers[i].name, name))
            return true;
    return false;
}

void reply_set_body(struct reply *rp, int status, char *body) {
    free(rp->body);
    rp->status = status;
    rp->body = body;
    rp->body_len = body ? strlen(body) : 0;
}

void reply_text(struct reply *rp, int status, const char *text) {
    reply_set_body(rp, status, xstrdup(text));
}

void reply_json(struct reply *rp, int status, cJSON *doc) {
    reply_set_body(rp, status, cJSON_PrintUnformatted(doc));
    cJSON_Delete(doc);
}

void reply_clear(struct reply *rp) {
    free(rp->body);
    for (int i = 0; i < rp->nheaders; i++) {
        free(rp->headers[i].name);
        free(rp->headers[i].value);
    }
    memset(rp, 0, sizeof *rp);
}

const char *request_header(const struct request *rq, const char *name) {
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

bool content_type_is_json(const struct request *rq) {
    const char *ct = request_header(rq, "Content-Type");
    if (!ct || !str_prefix_ieq(ct, "application/json"))
        return false;
    char next = ct[16];
    return next == '\0' || next == ';' || next == ' ';
}

bool require_post(const struct request *rq, struct reply *rp, error_fn err) {
    if (strcmp(rq->method, "POST") == 0)
        return true;
    err(rp, 405, "method not allowed: use POST");
    reply_header(rp, "Allow", "POST");
    return false;
}

cJSON *parse_json_body(const struct request *rq, struct reply *rp, error_fn err) {
    if (!content_type_is_json(rq)) {
        err(rp, 415, "Content-Type must be application/json");
        return NULL;
    }
    /* Length includes the terminating NUL so that trailing garbage is rejected. */
    const char *end;
    cJSON *doc = cJSON_ParseWithLengthOpts(rq->body, rq->body_len + 1, &end, true);
    if (!doc) {
        err(rp, 400, "request body is not valid JSON");
        return NULL;
    }
    if (!cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        err(rp, 400, "request body must be a JSON object");
        return NULL;
    }
    return doc;
}
