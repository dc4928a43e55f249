/* summary.c - the failure summary and option number texts shared by the faces (summary.h). */
#include "summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynbuf.h"

/* Opens the parenthesis on the first detail, separates the next ones. */
static void detail(sei_dynbuf *b, int *n) {
    sei_dynbuf_adds(b, (*n)++ ? ", " : " (");
}

char *sei_error_summary(const char *status, const char *message, long http_status,
                        const char *provider_code, const char *request_id) {
    sei_dynbuf b;
    char http_text[24];
    int n = 0;
    sei_dynbuf_init(&b, SEI_DYNBUF_MAX);
    sei_dynbuf_printf(&b, "%s: %s", status ? status : "error", message ? message : "");
    snprintf(http_text, sizeof http_text, "%ld", http_status);
    if (http_status) {
        detail(&b, &n);
        sei_dynbuf_printf(&b, "HTTP %ld", http_status);
    }
    /* a code that only repeats the HTTP status says nothing more */
    if (provider_code && *provider_code && strcmp(provider_code, http_text)) {
        detail(&b, &n);
        sei_dynbuf_adds(&b, provider_code);
    }
    if (request_id && *request_id) {
        detail(&b, &n);
        sei_dynbuf_printf(&b, "request id %s", request_id);
    }
    if (n)
        sei_dynbuf_addc(&b, ')');
    return sei_dynbuf_take(&b, NULL); /* NULL when an append failed */
}

const char *sei_number_text(double v, char out[SEI_NUMBER_TEXT_MAX]) {
    if (v == 0)
        v = 0; /* -0 reads "0" */
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(out, SEI_NUMBER_TEXT_MAX, "%.0f", v);
        return out;
    }
    for (int digits = 15; digits <= 17; digits++) { /* 17 always reads back exactly */
        snprintf(out, SEI_NUMBER_TEXT_MAX, "%.*g", digits, v);
        if (strtod(out, NULL) == v || isnan(v))
            break;
    }
    return out;
}
