/*
 * signature.h - verifying signed callbacks (signature.c: se_webhook_*): what
 * a provider's verify_signature hook (provider.h) gets and gives back.
 */
#ifndef SEI_SIGNATURE_H
#define SEI_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>

#include "sendevent/common.h"

/* The headers of one request, as se_webhook_verify got them. */
typedef struct sei_headers {
    const char *const *names;
    const char *const *values;
    size_t n;
} sei_headers;

/* What a signature check found. */
typedef struct sei_signed {
    /* SE_OK: the nonce (in the headers, not NUL-terminated) and the timestamp */
    const char *nonce;
    size_t nonce_len;
    int64_t timestamp;
    const char *timestamp_header; /* named in the window's messages */
    /* SE_E_SIGNATURE: the reason word (sendevent/webhook.h) and the detail */
    const char *reason;
    char detail[200];
} sei_signed;

/* The value of header `name` (case-insensitive; the first of repeated ones)
 * without the blanks around it, its length in *len; NULL when absent or empty. */
const char *sei_header_get(const sei_headers *h, const char *name, size_t *len);
/* Sets out's reason and detail (printf) and returns SE_E_SIGNATURE. */
se_status sei_signed_refuse(sei_signed *out, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Copies text[0..n) for a message: printable ASCII only (others become '?'),
 * at most cap - 1 bytes ("..." marks a cut); a sender's bytes never reach a
 * log line raw. Returns out. */
char *sei_printable(char *out, size_t cap, const char *text, size_t n);

#endif
