/* fuzz_response.c - arbitrary answers (status, headers, body) through response
 * building and each provider's error parsing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static se_client *clients[3];
    static const char *const names[3] = {"sinch", "zapi", "connect"};
    if (!clients[0])
        for (int i = 0; i < 3; i++)
            se_client_new(&clients[i], names[i]);
    if (size < 3)
        return 0;
    /* byte 0: provider; byte 1: status (and its top bit: batch memory); then "headers\0body" */
    se_client *c = clients[data[0] % 3];
    static const long statuses[] = {200, 201, 204, 301, 400, 401, 403, 404, 409, 429, 500, 503};
    sei_attempt a;
    memset(&a, 0, sizeof a);
    a.http_status = statuses[data[1] % (sizeof statuses / sizeof statuses[0])];
    const char *rest = (const char *)data + 2;
    size_t len = size - 2;
    const char *nul = memchr(rest, '\0', len);
    size_t hlen = nul ? (size_t)(nul - rest) : 0;
    /* header lines "name: value", one per line, stored as the header callback stores them */
    for (const char *line = rest; line < rest + hlen;) {
        const char *eol = memchr(line, '\n', (size_t)(rest + hlen - line));
        const char *stop = eol ? eol : rest + hlen;
        const char *colon = memchr(line, ':', (size_t)(stop - line));
        if (colon) {
            const char *v = colon + 1;
            while (v < stop && *v == ' ')
                v++;
            sei_dynbuf_add(&a.headers, line, (size_t)(colon - line));
            sei_dynbuf_add(&a.headers, "", 1);
            sei_dynbuf_add(&a.headers, v, (size_t)(stop - v));
            sei_dynbuf_add(&a.headers, "", 1);
            a.n_headers++;
        }
        line = stop + 1;
    }
    sei_dynbuf_add(&a.body, rest + (nul ? hlen + 1 : 0), nul ? len - hlen - 1 : len);
    sei_job job;
    memset(&job, 0, sizeof job);
    job.client = c;
    job.op = &c->provider->ops[0];
    se_status st = sei_attempt_status(&a);
    sei_job_retry_delay(&job, st, &a);
    sei_block *block = data[1] & 0x80 ? sei_block_new(65536) : NULL; /* batch memory, at times */
    se_response *r = sei_job_response(&job, st, &a, block);
    sei_block_release(block); /* the response keeps it while it lives */
    if (r) {
        se_response_header(r, "x-amzn-RequestId");
        char *v = NULL;
        se_response_get(r, "error.code", &v);
        se_free(v);
    }
    se_response_free(r);
    sei_attempt_free(&a);
    return 0;
}
