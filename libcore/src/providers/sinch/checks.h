/* providers/sinch/checks.h - the request rules of each sinch operation
 * (providers/sinch/validate.c), as validate.h describes them. */
#ifndef SEI_PROVIDERS_SINCH_CHECKS_H
#define SEI_PROVIDERS_SINCH_CHECKS_H

#include <cjson/cJSON.h>

#include "diag.h"

se_status sei_check_sinch_send_event(cJSON *req, sei_diag *d);
se_status sei_check_sinch_send_message(cJSON *req, sei_diag *d);

#endif
