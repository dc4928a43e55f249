#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void se_diag_init(se_diag *d) {
    d->msg[0] = '\0';
    d->warnings = NULL;
    d->http_status = 0;
    d->code[0] = '\0';
}

se_status se_diag_fail(se_diag *d, const char *fmt, ...) {
    if (d->msg[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->msg, sizeof d->msg, fmt, ap);
        va_end(ap);
    }
    return SE_E_INVALID;
}

void se_diag_free(se_diag *d) {
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
