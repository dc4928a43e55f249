#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sei_diag_init(sei_diag *d) {
    memset(d, 0, sizeof *d);
}

se_status sei_diag_fail(sei_diag *d, const char *fmt, ...) {
    if (!d->msg) {
        char buf[SEI_DIAG_MSG_MAX];
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

const char *sei_diag_msg(const sei_diag *d) {
    return d->msg ? d->msg : "";
}

void sei_diag_clear_failure(sei_diag *d) {
    free(d->msg);
    free(d->code);
    d->msg = d->code = NULL;
    d->http_status = 0;
}

void sei_diag_free(sei_diag *d) {
    sei_diag_clear_failure(d);
    free(d->warnings);
    d->warnings = NULL;
}

const char *sei_diag_warnings(const sei_diag *d) {
    return d->warnings ? d->warnings : "";
}

void sei_diag_warn(sei_diag *d, const char *fmt, ...) {
    size_t used = d->warnings ? strlen(d->warnings) : 0;
    if (used + 2 >= SEI_DIAG_WARN_MAX)
        return;
    if (!d->warnings && !(d->warnings = calloc(1, SEI_DIAG_WARN_MAX)))
        return;
    if (used > 0)
        d->warnings[used++] = '\n';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->warnings + used, SEI_DIAG_WARN_MAX - used, fmt, ap);
    va_end(ap);
}
