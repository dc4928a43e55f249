/* sinch.h - the sinch routes and error formats (sinch.c, sinch_oauth.c). */
#ifndef SE_EMULATOR_SINCH_H
#define SE_EMULATOR_SINCH_H

#include <stdbool.h>

#include "reply.h"

void sinch_events_send(const struct request *rq, struct reply *rp);
void sinch_messages_send(const struct request *rq, struct reply *rp);
void sinch_oauth_token(const struct request *rq, struct reply *rp);
void sinch_error(struct reply *rp, int status, const char *message);
void oauth_error(struct reply *rp, int status, const char *message);
/* Authorization: Basic base64(key_id:key_secret) matches the configured key. */
bool sinch_basic_ok(const char *auth);

#endif
