#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void se_diag_init(se_diag *d) {
    memset(d, 0, sizeof *d);
}

se_status se_diag_fail(se_diag *d, const char *fmt, ...) {
    if (!d->msg) {
        char buf[SE_DIAG_MSG_MAX];
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        size_t len = n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
        if ((d->msg = malloc(len + 1))) {
            memcpy(d->msg, buf, len);
            d->msg[len] = '\0';
        }
    }
    return SE_E_INVALID;
}

const char *se_diag_msg(const se_diag *d) {
    return d->msg ? d->msg : "";
}

void se_diag_clear_failure(se_diag *d) {
    free(d->msg);
    free(d->code);
    d->msg = d->code = NULL;
    d->http_status = 0;
}

void se_diag_free(se_diag *d) {
    se_diag_clear_failure(d);
    free(d->warnings);
    d->warnings = NULL;
}

const char *se_diag_warnings(const se_diag *d) {
    return d->warnings ? d->warnings : "";
}

void se_diag_warn(se_diag *d, const char *fmt, ...) {
    size_t used = d->warnings ? strlen(d->warnings) : 0;
    if (used + 2 >= SE_DIAG_WARN_MAX)
        return;
    if (!d->warnings && !(d->warnings = calloc(1, SE_DIAG_WARN_MAX)))
        return;
    if (used > 0)
        d->warnings[used++] = '\n';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->warnings + used, SE_DIAG_WARN_MAX - used, fmt, ap);
    va_end(ap);
}
