/* sinch.h - the sinch routes and error format (sinch.c). */
#ifndef SE_EMULATOR_SINCH_H
#define SE_EMULATOR_SINCH_H

#include "reply.h"

void sinch_events_send(const struct request *rq, struct reply *rp);
void sinch_messages_send(const struct request *rq, struct reply *rp);
void sinch_oauth_token(const struct request *rq, struct reply *rp);
void sinch_error(struct reply *rp, int status, const char *message);
void oauth_error(struct reply *rp, int status, const char *message);

#endif
