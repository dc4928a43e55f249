/*
 * dynbuf.h - the one growable buffer: bytes appended at the end, always
 * NUL-terminated, never larger than the cap it was made with (as curl's
 * docs/internals/DYNBUF.md). A failed append (no memory, or past the cap)
 * frees the buffer, so a writer checks once at the end. Not thread-safe.
 */
#ifndef SEI_DYNBUF_H
#define SEI_DYNBUF_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sendevent/common.h"

typedef struct sei_dynbuf {
    char *data;      /* NULL until the first append */
    size_t len;      /* bytes held, the NUL not counted */
    size_t cap;      /* bytes allocated */
    size_t max;      /* most bytes it may hold, the NUL not counted; 0: SEI_DYNBUF_MAX */
    se_status error; /* SE_OK, or how an append failed: the buffer was then freed and stays empty */
} sei_dynbuf;

#define SEI_DYNBUF_MAX ((size_t)1 << 30) /* the cap of buffers without a smaller one */

void sei_dynbuf_init(sei_dynbuf *b, size_t max);
/* The slow path of sei_dynbuf_reserve: grows the buffer, or fails it. */
se_status sei_dynbuf_grow(sei_dynbuf *b, size_t more);

/* Room for `more` bytes past len without another allocation; data[len..] may
 * then be written and committed with sei_dynbuf_commit. Inline, as are add
 * and commit: a transfer appends to its capture buffers once per block. */
static inline se_status sei_dynbuf_reserve(sei_dynbuf *b, size_t more) {
    if (b->error == SE_OK && more < b->cap - b->len && (!b->max || more <= b->max - b->len))
        return SE_OK; /* room already, within the cap */
    return sei_dynbuf_grow(b, more);
}
static inline void sei_dynbuf_commit(sei_dynbuf *b, size_t n) {
    b->len += n;
    b->data[b->len] = '\0';
}
/* SE_OK, SE_E_NOMEM when memory ran out, SE_E_PROTOCOL past the cap (the
 * buffer is then freed and every later append fails too). */
static inline se_status sei_dynbuf_add(sei_dynbuf *b, const void *data, size_t len) {
    se_status st = sei_dynbuf_reserve(b, len);
    if (st != SE_OK)
        return st;
    if (len)
        memcpy(b->data + b->len, data, len);
    sei_dynbuf_commit(b, len);
    return SE_OK;
}
se_status sei_dynbuf_addc(sei_dynbuf *b, char c);
se_status sei_dynbuf_adds(sei_dynbuf *b, const char *s);
se_status sei_dynbuf_printf(sei_dynbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Forgets the bytes after the first `len` ones (for undoing a partial write). */
void sei_dynbuf_truncate(sei_dynbuf *b, size_t len);
/* Empty again, its memory kept for the next use; a failed buffer is usable again. */
static inline void sei_dynbuf_reset(sei_dynbuf *b) {
    b->len = 0;
    b->error = SE_OK;
    if (b->data)
        b->data[0] = '\0';
}
/* Hands the bytes (NUL-terminated, malloc'd; "" for an empty buffer) to the
 * caller, who frees them; *len gets their length when len is not NULL. The
 * buffer is left empty. NULL when it failed or memory ran out. */
char *sei_dynbuf_take(sei_dynbuf *b, size_t *len);
static inline void sei_dynbuf_free(sei_dynbuf *b) {
    free(b->data); /* the cap stays, for the buffer's next use */
    b->data = NULL;
    b->len = b->cap = 0;
    b->error = SE_OK;
}

static inline const char *sei_dynbuf_ptr(const sei_dynbuf *b) {
    return b->data ? b->data : "";
}
static inline size_t sei_dynbuf_len(const sei_dynbuf *b) {
    return b->len;
}

#endif
