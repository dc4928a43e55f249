/* zapi.h - the zapi routes and error format (zapi.c). */
#ifndef SE_EMULATOR_ZAPI_H
#define SE_EMULATOR_ZAPI_H

#include "reply.h"

void zapi_send_event(const struct request *rq, struct reply *rp);
void zapi_send_edit_event(const struct request *rq, struct reply *rp);
void zapi_send_event_response(const struct request *rq, struct reply *rp);
void zapi_send_text(const struct request *rq, struct reply *rp);
void zapi_update_webhook_status(const struct request *rq, struct reply *rp);
void zapi_error(struct reply *rp, int status, const char *message);

#endif
