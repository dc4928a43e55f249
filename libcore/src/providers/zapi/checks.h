/* providers/zapi/checks.h - the request rules of each zapi operation
 * (providers/zapi/validate.c), as validate.h describes them. */
#ifndef SE_PROVIDERS_ZAPI_CHECKS_H
#define SE_PROVIDERS_ZAPI_CHECKS_H

#include <cjson/cJSON.h>

#include "diag.h"

se_status se_check_zapi_send_event(cJSON *req, se_diag *d);
se_status se_check_zapi_edit_event(cJSON *req, se_diag *d);
se_status se_check_zapi_respond_event(cJSON *req, se_diag *d);
se_status se_check_zapi_send_message(cJSON *req, se_diag *d);

#endif
