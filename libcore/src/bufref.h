/*
 * bufref.h - a reference to bytes together with what frees them (as curl's
 * docs/internals/BUFREF.md): the holder never needs to know whether it owns
 * the bytes, borrows them from a cache or finds them in a batch's memory
 * block; releasing the reference does the right thing. Not thread-safe.
 */
#ifndef SEI_BUFREF_H
#define SEI_BUFREF_H

#include <stddef.h>

#include "sendevent/common.h"

typedef struct sei_bufref {
    void (*dtor)(void *); /* called with ptr on release; NULL: borrowed */
    void *ptr;            /* NULL when empty */
    size_t len;
} sei_bufref;

#define SEI_BUFREF_EMPTY ((sei_bufref){NULL, NULL, 0})

/* Inline: the send path sets and releases several references per request. */

/* Releases what it held (dtor), leaving the reference as it was: for a holder
 * that clears itself next. */
static inline void sei_bufref_release(const sei_bufref *r) {
    if (r->ptr && r->dtor)
        r->dtor(r->ptr);
}
/* Releases what it held (dtor) and leaves it empty. */
static inline void sei_bufref_free(sei_bufref *r) {
    sei_bufref_release(r);
    *r = SEI_BUFREF_EMPTY;
}
/* Releases what the reference held, then points it at ptr[0..len), to be
 * released with dtor (NULL: borrowed, never freed). */
static inline void sei_bufref_set(sei_bufref *r, const void *ptr, size_t len,
                                  void (*dtor)(void *)) {
    sei_bufref_free(r);
    r->ptr = (void *)ptr;
    r->len = len;
    r->dtor = dtor;
}
/* Points it at a malloc'd, NUL-terminated copy of ptr[0..len), owned (free). */
se_status sei_bufref_memdup(sei_bufref *r, const void *ptr, size_t len);
/* Gives up ownership: the reference stays pointing at the bytes, which whoever
 * now owns them frees (dtor cleared). Returns the bytes. */
static inline void *sei_bufref_disown(sei_bufref *r) {
    r->dtor = NULL;
    return r->ptr;
}

static inline const char *sei_bufref_str(const sei_bufref *r) {
    return (const char *)r->ptr;
}

#endif
