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

/* Each a command that runs as printed against `sendevent-emulator` started with its default
 * flags (docs/emulator.md), PORT replaced by the port of the URL it prints. */
static const struct emulator_example examples[] = {
    {"sinch",
     "sinch send_event '{\"app_id\":\"APP\",\"recipient\":{\"contact_id\":\"CONTACT\"},"
     "\"event\":{\"composing_event\":{}}}' \\\n"
     "      --set base_url=http://127.0.0.1:PORT \\\n"
     "      --set auth_url=http://127.0.0.1:PORT/oauth2/token --set project_id=PROJECT \\\n"
     "      --set key_id=emulator-key --set key_secret=emulator-secret"},
    {"zapi", "zapi send_message '{\"phone\":\"5511999999999\",\"message\":\"Hello\"}' \\\n"
             "      --set base_url=http://127.0.0.1:PORT --set instance_id=emulator-instance \\\n"
             "      --set token=emulator-token --set client_token=emulator-client-token"},
    {"connect", "connect send_event "
                "'{\"ContentType\":\"application/vnd.amazonaws.connect.event.typing\"}' \\\n"
                "      --set base_url=http://127.0.0.1:PORT \\\n"
                "      --set connection_token=emulator-connection-token"},
    {NULL, NULL}};

const char *emulator_example(const char *provider) {
    for (const struct emulator_example *e = examples; e->provider; e++)
        if (strcmp(e->provider, provider) == 0)
            return e->command;
    return NULL;
}
