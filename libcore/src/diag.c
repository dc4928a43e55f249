#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void se_diag_init(se_diag *d) {
    d->msg[0] = '\0';
    d->warnings[0] = '\0';
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

void se_diag_warn(se_diag *d, const char *fmt, ...) {
    size_t used = strlen(d->warnings);
    if (used + 2 >= sizeof d->warnings)
        return;
    if (used > 0)
        d->warnings[used++] = '\n';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->warnings + used, sizeof d->warnings - used, fmt, ap);
    va_end(ap);
}
