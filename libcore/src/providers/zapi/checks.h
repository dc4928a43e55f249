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

#endif
