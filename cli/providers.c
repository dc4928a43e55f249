/* providers.c - the providers and operations the library lists (sendevent/listing.h), looked
 * up by name for the help and the option sources. */
#include "providers.h"

#include <string.h>

const se_provider_info *find_provider(const char *name) {
    for (const se_provider_info *p = se_provider_next(NULL); name && p; p = se_provider_next(p))
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

bool provider_has_op(const se_provider_info *p, const char *op) {
    for (const se_operation_info *o = se_operation_next(p->name, NULL); op && o;
         o = se_operation_next(p->name, o))
        if (strcmp(o->name, op) == 0)
            return true;
    return false;
}
