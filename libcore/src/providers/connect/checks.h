/* providers/connect/checks.h - the request rules of each connect operation
 * (providers/connect/validate.c), as validate.h describes them. */
#ifndef SE_PROVIDERS_CONNECT_CHECKS_H
#define SE_PROVIDERS_CONNECT_CHECKS_H

#include <cjson/cJSON.h>

#include "diag.h"

se_status se_check_connect_send_event(cJSON *req, se_diag *d);
se_status se_check_connect_send_message(cJSON *req, se_diag *d);
se_status se_check_connect_create_connection(cJSON *req, se_diag *d);
se_status se_check_connect_disconnect(cJSON *req, se_diag *d);

#endif
