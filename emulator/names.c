/* names.c - the provider and operation names of the control API and the request log. */
#include <string.h>

#include "emulator.h"

static const char *const PROVIDERS[] = {"sinch", "zapi", "connect"};
static const char *const OPERATIONS[] = {"send_event",    "send_message",      "edit_event",
                                         "respond_event", "create_connection", "disconnect",
                                         "oauth_token",   "update_webhook"};

const char *provider_name(enum provider p) {
    return p >= 0 && p < PROV_COUNT ? PROVIDERS[p] : NULL;
}

const char *operation_name(enum operation op) {
    return op >= 0 && op < OP_COUNT ? OPERATIONS[op] : NULL;
}

enum provider provider_from_name(const char *s) {
    for (int i = 0; i < PROV_COUNT; i++)
        if (strcmp(s, PROVIDERS[i]) == 0)
            return (enum provider)i;
    return PROV_NONE;
}

enum operation operation_from_name(const char *s) {
    for (int i = 0; i < OP_COUNT; i++)
        if (strcmp(s, OPERATIONS[i]) == 0)
            return (enum operation)i;
    return OP_NONE;
}
