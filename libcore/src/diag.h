/* diag.h - the first error and any warnings gathered while checking a request. */
#ifndef SE_DIAG_H
#define SE_DIAG_H

#include <stdbool.h>

#include "sendevent/common.h"

#define SE_DIAG_MSG_MAX 512
#define SE_DIAG_WARN_MAX 1024 /* warnings past this are dropped */

/* Small while nothing failed (a batch keeps one per queued request): the
 * texts are allocated when there is something to say. */
typedef struct se_diag {
    char *msg;       /* "field.path: rule" of the first failure; NULL until then */
    char *warnings;  /* one warning per line; NULL until the first */
    bool rewritten;  /* a check normalized the request in place (Sinch app_event, ttl) */
    int http_status; /* an HTTP answer behind the failure (token endpoint) */
    char *code;      /* its error code; NULL when none */
} se_diag;

/* Empties the diag. */
void se_diag_init(se_diag *d);

/* Releases the texts; the diag is empty again. */
void se_diag_free(se_diag *d);

/* The failure message, "" when none. Owned by the diag. */
const char *se_diag_msg(const se_diag *d);

/* Forgets the failure (message, HTTP status, code), keeping the warnings. */
void se_diag_clear_failure(se_diag *d);

/* The warnings, "" when there are none. Owned by the diag. */
const char *se_diag_warnings(const se_diag *d);

/* Records the first failure (later ones are ignored; at most SE_DIAG_MSG_MAX
 * bytes) and returns SE_E_INVALID, so checks can
 * `return se_diag_fail(d, "%s: ...", path)`. Out of memory, the message is
 * lost and the status stays. */
se_status se_diag_fail(se_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends one warning line (dropped when SE_DIAG_WARN_MAX is reached or memory is short). */
void se_diag_warn(se_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
