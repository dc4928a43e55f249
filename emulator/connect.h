/* connect.h - the connect routes and error format (connect.c). */
#ifndef SE_EMULATOR_CONNECT_H
#define SE_EMULATOR_CONNECT_H

#include "reply.h"

void connect_send_event(const struct request *rq, struct reply *rp);
void connect_send_message(const struct request *rq, struct reply *rp);
void connect_create_connection(const struct request *rq, struct reply *rp);
void connect_disconnect(const struct request *rq, struct reply *rp);
void connect_error(struct reply *rp, int status, const char *message);
void connect_error_typed(struct reply *rp, int status, const char *type, const char *message);

#endif
