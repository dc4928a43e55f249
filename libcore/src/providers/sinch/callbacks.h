/* providers/sinch/callbacks.h - Sinch's signed callbacks (callbacks.c): the
 * signature check and the callback reader of the provider's vtable. */
#ifndef SEI_SINCH_CALLBACKS_H
#define SEI_SINCH_CALLBACKS_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "sendevent/common.h"

typedef struct sei_headers sei_headers;
typedef struct sei_signed sei_signed;
typedef struct se_callback se_callback;

se_status sei_sinch_verify_signature(const sei_headers *h, const char *body, size_t body_len,
                                     const unsigned char *secret, size_t secret_len,
                                     sei_signed *out);
se_status sei_sinch_parse_callback(se_callback *cb, const cJSON *root);

#endif
