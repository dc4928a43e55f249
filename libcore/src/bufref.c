/* bufref.c - references that carry their destructor (bufref.h). */
#include "bufref.h"

#include <stdlib.h>
#include <string.h>

void sei_bufref_free(sei_bufref *r) {
    if (r->ptr && r->dtor)
        r->dtor(r->ptr);
    *r = SEI_BUFREF_EMPTY;
}

void sei_bufref_set(sei_bufref *r, const void *ptr, size_t len, void (*dtor)(void *)) {
    sei_bufref_free(r);
    r->ptr = (void *)ptr;
    r->len = len;
    r->dtor = dtor;
}

se_status sei_bufref_memdup(sei_bufref *r, const void *ptr, size_t len) {
    char *copy = malloc(len + 1);
    if (!copy)
        return SE_E_NOMEM;
    if (len)
        memcpy(copy, ptr, len);
    copy[len] = '\0';
    sei_bufref_set(r, copy, len, free);
    return SE_OK;
}

void *sei_bufref_disown(sei_bufref *r) {
    r->dtor = NULL;
    return r->ptr;
}
