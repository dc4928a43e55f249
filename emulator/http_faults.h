/* http_faults.h - the answers of injected faults, for http.c (http_faults.c). */
#ifndef SE_EMULATOR_HTTP_FAULTS_H
#define SE_EMULATOR_HTTP_FAULTS_H

#include <stdbool.h>

#include "reply.h"
#include "store.h"

struct MHD_Response;

/* What a fault does to the connection: close (reset: with RST), hang, or answer resp (a body
 * produced on the fly) rather than the reply. */
struct fault_outcome {
    bool close, reset, hang;
    struct MHD_Response *resp;
};

/* Faults whose request is still handled normally: they delay the answer, expire tokens first,
 * or drop the answer afterwards. */
bool fault_processes(const struct fault_hit *h);
/* Fills rp (in the route's error format) or out for a fault that answers in place of the
 * request; returns the fault's name for the log. */
const char *fault_answer(error_fn error, const struct fault_hit *h, struct fault_outcome *out,
                         struct reply *rp);
/* Retry-After and the fault's own headers. */
void add_fault_headers(struct reply *rp, const struct fault_hit *h);

#endif
