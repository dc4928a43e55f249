/* providers/table.c - the providers, listed once (libgit2's transports[]).
 * Adding a provider: its folder providers/<name>/ and one row here. */
#include <string.h>

#include "provider.h"

extern const se_provider se_provider_sinch;   /* providers/sinch/ */
extern const se_provider se_provider_zapi;    /* providers/zapi/ */
extern const se_provider se_provider_connect; /* providers/connect/ */

const se_provider *const se_providers[] = {
    &se_provider_sinch,
    &se_provider_zapi,
    &se_provider_connect,
    NULL,
};

const se_provider *se_provider_find(const char *name) {
    for (const se_provider *const *p = se_providers; *p; p++)
        if (!strcmp((*p)->name, name))
            return *p;
    return NULL;
}
