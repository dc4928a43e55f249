/* providers/connect/checks.h - the request rules of each connect operation
 * (providers/connect/validate.c), as validate.h describes them. */
#ifndef SEI_PROVIDERS_CONNECT_CHECKS_H
#define SEI_PROVIDERS_CONNECT_CHECKS_H

#include <cjson/cJSON.h>

#include "diag.h"

se_status sei_check_connect_send_event(cJSON *req, sei_diag *d);
se_status sei_check_connect_send_message(cJSON *req, sei_diag *d);
se_status sei_check_connect_create_connection(cJSON *req, sei_diag *d);
se_status sei_check_connect_disconnect(cJSON *req, sei_diag *d);

/* Each operation's request rules, for the listing of fields (listing_fields.c). */
typedef struct sei_spec sei_spec;
extern const sei_spec sei_connect_send_event_spec;
extern const sei_spec sei_connect_send_message_spec;
extern const sei_spec sei_connect_create_connection_spec;
extern const sei_spec sei_connect_disconnect_spec;

#endif
