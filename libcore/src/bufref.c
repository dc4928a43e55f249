/* bufref.c - references that carry their destructor (bufref.h). */
#include "bufref.h"

#include <stdlib.h>
#include <string.h>

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
