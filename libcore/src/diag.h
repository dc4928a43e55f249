/* diag.h - the first error and any warnings gathered while checking a request. */
#ifndef SEI_DIAG_H
#define SEI_DIAG_H

#include <stdbool.h>

#include "sendevent/common.h"

#define SEI_DIAG_MSG_MAX 512
#define SEI_DIAG_WARN_MAX 1024 /* warnings past this are dropped */

/* Small while nothing failed (a batch keeps one per queued request): the
 * texts are allocated when there is something to say. */
typedef struct sei_diag {
    char *msg;       /* "field.path: rule" of the first failure; NULL until then */
    char *warnings;  /* one warning per line; NULL until the first */
    bool rewritten;  /* a check normalized the request in place (Sinch app_event, ttl) */
    int http_status; /* an HTTP answer behind the failure (token endpoint) */
    char *code;      /* its error code; NULL when none */
} sei_diag;

/* Empties the diag. */
void sei_diag_init(sei_diag *d);

/* Releases the texts; the diag is empty again. */
void sei_diag_free(sei_diag *d);

/* The failure message, "" when none. Owned by the diag. */
const char *sei_diag_msg(const sei_diag *d);

/* Forgets the failure (message, HTTP status, code), keeping the warnings. */
void sei_diag_clear_failure(sei_diag *d);

/* The warnings, "" when there are none. Owned by the diag. */
const char *sei_diag_warnings(const sei_diag *d);

/* Records the first failure (later ones are ignored; at most SEI_DIAG_MSG_MAX
 * bytes) and returns SE_E_INVALID, so checks can
 * `return sei_diag_fail(d, "%s: ...", path)`. Out of memory, the message is
 * lost and the status stays. */
se_status sei_diag_fail(sei_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends one warning line (dropped when SEI_DIAG_WARN_MAX is reached or memory is short). */
void sei_diag_warn(sei_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
