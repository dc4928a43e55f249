/* providers/sinch/checks.h - the request rules of each sinch operation
 * (providers/sinch/validate.c), as validate.h describes them. */
#ifndef SE_PROVIDERS_SINCH_CHECKS_H
#define SE_PROVIDERS_SINCH_CHECKS_H

#include <cjson/cJSON.h>

#include "diag.h"

se_status se_check_sinch_send_event(cJSON *req, se_diag *d);
se_status se_check_sinch_send_message(cJSON *req, se_diag *d);

#endif
