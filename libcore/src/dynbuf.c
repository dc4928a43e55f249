/* dynbuf.c - the one growable buffer (dynbuf.h). */
#include "dynbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sei_dynbuf_init(sei_dynbuf *b, size_t max) {
    memset(b, 0, sizeof *b);
    b->max = max ? max : SEI_DYNBUF_MAX;
}

static se_status fail(sei_dynbuf *b, se_status st) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->error = st;
    return st;
}

se_status sei_dynbuf_grow(sei_dynbuf *b, size_t more) {
    if (b->error != SE_OK)
        return b->error;
    size_t max = b->max ? b->max : SEI_DYNBUF_MAX; /* a zeroed buffer: the default cap */
    if (more > max - b->len)
        return fail(b, SE_E_PROTOCOL);
    size_t need = b->len + more + 1;
    if (need <= b->cap)
        return SE_OK;
    size_t cap = b->cap ? b->cap : 256; /* a response's headers or body: rarely grown again */
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > max + 1)
        cap = max + 1; /* need <= max + 1 here */
    char *p = realloc(b->data, cap);
    if (!p)
        return fail(b, SE_E_NOMEM);
    p[b->len] = '\0'; /* NUL-terminated even before the first commit (take of an empty one) */
    b->data = p;
    b->cap = cap;
    return SE_OK;
}

se_status sei_dynbuf_addc(sei_dynbuf *b, char c) {
    return sei_dynbuf_add(b, &c, 1);
}

se_status sei_dynbuf_adds(sei_dynbuf *b, const char *s) {
    return sei_dynbuf_add(b, s, strlen(s));
}

se_status sei_dynbuf_printf(sei_dynbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return fail(b, SE_E_NOMEM);
    se_status st = sei_dynbuf_reserve(b, (size_t)n);
    if (st != SE_OK)
        return st;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return SE_OK;
}

void sei_dynbuf_truncate(sei_dynbuf *b, size_t len) {
    if (b->data && len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

char *sei_dynbuf_take(sei_dynbuf *b, size_t *len) {
    if (b->error != SE_OK)
        return NULL;
    if (!b->data && sei_dynbuf_reserve(b, 0) != SE_OK)
        return NULL;
    char *p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
