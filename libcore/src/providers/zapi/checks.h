/* providers/zapi/checks.h - the request rules of each zapi operation
 * (providers/zapi/validate.c), as validate.h describes them. */
#ifndef SEI_PROVIDERS_ZAPI_CHECKS_H
#define SEI_PROVIDERS_ZAPI_CHECKS_H

#include <cjson/cJSON.h>

#include "diag.h"

se_status sei_check_zapi_send_event(cJSON *req, sei_diag *d);
se_status sei_check_zapi_edit_event(cJSON *req, sei_diag *d);
se_status sei_check_zapi_respond_event(cJSON *req, sei_diag *d);
se_status sei_check_zapi_send_message(cJSON *req, sei_diag *d);

/* Each operation's request rules, for the listing of fields (listing_fields.c). */
typedef struct sei_spec sei_spec;
extern const sei_spec sei_zapi_send_event_spec;
extern const sei_spec sei_zapi_edit_event_spec;
extern const sei_spec sei_zapi_respond_event_spec;
extern const sei_spec sei_zapi_send_message_spec;

#endif
