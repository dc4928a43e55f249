/* providers/zapi/callbacks.h - reading Z-API webhooks (callbacks.c). */
#ifndef SEI_ZAPI_CALLBACKS_H
#define SEI_ZAPI_CALLBACKS_H

#include <cjson/cJSON.h>

#include "sendevent/common.h"

typedef struct se_callback se_callback;

se_status sei_zapi_parse_callback(se_callback *cb, const cJSON *root);

#endif
