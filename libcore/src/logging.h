/*
 * logging.h - the diagnostics every layer uses (logging.c): secrets scrubbed
 * from any text, the client's logger, and the calling thread's error and
 * warning slots behind se_client_errmsg and se_client_warnings.
 */
#ifndef SEI_LOGGING_H
#define SEI_LOGGING_H

#include <stdatomic.h>

#include "diag.h"
#include "sendevent/client.h"

#define SEI_REDACTED "[REDACTED]" /* what a secret becomes in any text shown */

typedef struct sei_http_request sei_http_request;

/* A malloc'd copy of msg with every secret (secret options, the request's
 * secrets and secret header credentials) replaced by [REDACTED]; NULL on
 * allocation failure. */
char *sei_scrubbed(const se_client *c, const sei_http_request *req, const char *msg);

/* Lines of c's logger below *min_level (a binding keeps it as its own logger's levels
 * change) are dropped before they are formatted, so that logging turned off costs nothing.
 * Set before the client is shared, as the logger; NULL: every line. */
void sei_client_set_log_threshold(se_client *c, const atomic_int *min_level);

void sei_log(const se_client *c, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the calling thread's last error (scrubbed) and returns status. */
se_status sei_set_error(const se_client *c, se_status status, const char *msg);
/* Records the warnings of a request as the thread's last ones for c. */
void sei_set_warnings(const se_client *c, const sei_diag *d);

#endif
