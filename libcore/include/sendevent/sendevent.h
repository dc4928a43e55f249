/*
 * sendevent.h - umbrella header of libsendevent: send conversational events
 * and messages through the Sinch Conversation API, Z-API and the Amazon
 * Connect Participant Service. See each module header for its calls.
 */
#ifndef SENDEVENT_H
#define SENDEVENT_H

#include "batch.h"    /* IWYU pragma: export */
#include "client.h"   /* IWYU pragma: export */
#include "common.h"   /* IWYU pragma: export */
#include "listing.h"  /* IWYU pragma: export */
#include "request.h"  /* IWYU pragma: export */
#include "response.h" /* IWYU pragma: export */
#include "version.h"  /* IWYU pragma: export */
#include "webhook.h"  /* IWYU pragma: export */

#endif
