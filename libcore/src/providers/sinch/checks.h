/* providers/sinch/checks.h - the request rules of each sinch operation
 * (providers/sinch/validate.c), as validate.h describes them. */
#ifndef SEI_PROVIDERS_SINCH_CHECKS_H
#define SEI_PROVIDERS_SINCH_CHECKS_H

#include <cjson/cJSON.h>

#include "diag.h"

se_status sei_check_sinch_send_event(cJSON *req, sei_diag *d);
se_status sei_check_sinch_send_message(cJSON *req, sei_diag *d);

/* Each operation's request rules, for the listing of fields (listing_fields.c). */
typedef struct sei_spec sei_spec;
extern const sei_spec sei_sinch_send_event_spec;
extern const sei_spec sei_sinch_send_message_spec;

#endif
