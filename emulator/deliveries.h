/* deliveries.h - what the emulator reports back after accepting a send: Sinch delivery
 * reports and Z-API message-status callbacks, shaped by callback faults (deliveries.c). */
#ifndef SE_EMULATOR_DELIVERIES_H
#define SE_EMULATOR_DELIVERIES_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "emulator.h"

/* A Sinch send that was accepted: body is the request body, id the event or message id. */
struct sinch_accepted {
    enum operation op; /* OP_SEND_EVENT or OP_SEND_MESSAGE */
    const char *project_id, *id, *accepted_time;
    const cJSON *body;
};
void deliveries_sinch(const struct sinch_accepted *a);

/* A Z-API send that was accepted (any send route): message_id as answered. */
void deliveries_zapi(enum operation op, const char *message_id, const cJSON *body);

/* Checks the "callback" part of a fault spec (when present): false with err. */
bool deliveries_fault_check(const cJSON *spec, char *err, size_t errlen);

#endif
