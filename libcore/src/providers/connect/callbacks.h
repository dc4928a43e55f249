/* providers/connect/callbacks.h - reading the Amazon Connect participant
 * websocket's items (callbacks.c). */
#ifndef SEI_CONNECT_CALLBACKS_H
#define SEI_CONNECT_CALLBACKS_H

#include <cjson/cJSON.h>

#include "sendevent/common.h"

typedef struct se_callback se_callback;

se_status sei_connect_parse_callback(se_callback *cb, const cJSON *root);

#endif
