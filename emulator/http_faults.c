/* http_faults.c - what an injected fault answers (http_faults.h). */
#include "http_faults.h"

#include "reply.h"
#include "store.h"
#include "util.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>

/* 200 with `size` bytes of valid-looking JSON ({"pad":"xxx...x"}), produced on the fly
 * rather than allocated. */
static ssize_t oversized_read(void *cls, uint64_t pos, char *buf, size_t max) {
    static const char head[] = "{\"pad\":\"";
    size_t size = *(size_t *)cls;
    if (pos >= size)
        return MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = size - pos < max ? (size_t)(size - pos) : max;
    for (size_t i = 0; i < n; i++) {
        uint64_t at = pos + i;
        char c = 'x';
        if (size >= sizeof head + 2) {
            if (at < sizeof head - 1)
                c = head[at];
            else if (at == size - 2)
                c = '"';
            else if (at == size - 1)
                c = '}';
        }
        buf[i] = c;
    }
    return (ssize_t)n;
}

/* Faults whose request is still handled normally: they delay the answer, expire tokens first,
 * or drop the answer afterwards. */
bool fault_processes(const struct fault_hit *h) {
    if (h->status || h->body)
        return false;
    switch (h->action) {
    case ACT_NONE:
    case ACT_EXPIRE_TOKEN:
    case ACT_CLOSE_AFTER:
    case ACT_RESET_AFTER:
        return true;
    default:
        return false;
    }
}

const char *fault_answer(error_fn error, const struct fault_hit *h, struct fault_outcome *out,
                         struct reply *rp) {
    switch (h->action) {
    case ACT_CLOSE:
    case ACT_RESET:
        out->close = true;
        out->reset = h->action == ACT_RESET;
        return fault_action_name(h->action);
    case ACT_HANG:
        out->hang = true;
        return "hang";
    case ACT_OVERSIZED: {
        size_t *size = xmalloc(sizeof *size);
        *size = h->bytes;
        out->resp =
            MHD_create_response_from_callback(h->bytes, 64 * 1024, oversized_read, size, free);
        rp->status = 200;
        return "oversized";
    }
    case ACT_VALUE_FALSE:
        reply_text(rp, 200, "{\"value\":false}");
        return "value_false";
    default:
        break;
    }
    int status = h->status ? h->status : 200;
    if (h->body) {
        reply_text(rp, status, h->body);
    } else {
        char msg[80];
        snprintf(msg, sizeof msg, "injected fault: HTTP %d", status);
        error(rp, status, msg);
    }
    return "status";
}

void add_fault_headers(struct reply *rp, const struct fault_hit *h) {
    if (h->retry_after)
        reply_header(rp, "Retry-After", h->retry_after);
    for (const cJSON *it = h->headers ? h->headers->child : NULL; it; it = it->next)
        reply_header(rp, it->string, it->valuestring);
}
