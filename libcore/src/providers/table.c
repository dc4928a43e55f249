/* providers/table.c - the providers, listed once (libgit2's transports[]).
 * Adding a provider: its folder providers/<name>/ and one row here. */
#include <string.h>

#include "provider.h"

extern const sei_provider sei_provider_sinch;   /* providers/sinch/ */
extern const sei_provider sei_provider_zapi;    /* providers/zapi/ */
extern const sei_provider sei_provider_connect; /* providers/connect/ */

const sei_provider *const sei_providers[] = {
    &sei_provider_sinch,
    &sei_provider_zapi,
    &sei_provider_connect,
    NULL,
};

const sei_provider *sei_provider_find(const char *name) {
    for (const sei_provider *const *p = sei_providers; *p; p++)
        if (!strcmp((*p)->name, name))
            return *p;
    return NULL;
}
