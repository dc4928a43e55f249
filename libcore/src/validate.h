/*
 * validate.h - the request rules of every provider operation, checked before
 * anything is sent. One function per operation; each takes the whole request
 * object as the caller gave it (the provider's JSON body plus path/header
 * parameters such as Connect's ConnectionToken), checks every documented rule
 * and normalizes in place where providers.md says so (Sinch: the
 * event.app_event wrapper is unwrapped, an integer ttl becomes "<n>s"), and
 * then sets d->rewritten.
 *
 * Returns SE_OK, or SE_E_INVALID with d->msg naming the field by its dotted
 * path and the rule ("message.choice_message.choices: at most 10 items, got
 * 11"); SE_E_NOMEM when normalizing cannot allocate. Warnings (unknown
 * channel, deprecated ContentType) go to d->warnings and do not fail.
 * Error messages never quote a secret's value (ConnectionToken,
 * ParticipantToken).
 */
#ifndef SEI_VALIDATE_H
#define SEI_VALIDATE_H

#include <cjson/cJSON.h>

#include "diag.h"

/* Every provider's checks, for the validation tests, which call them directly
 * (the library reaches them through each provider's operation table). */
#include "providers/connect/checks.h"
#include "providers/sinch/checks.h"
#include "providers/zapi/checks.h"

#endif
