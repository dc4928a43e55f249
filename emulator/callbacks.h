/* callbacks.h - the callbacks the emulator POSTs to receivers: settings, a queue served by one
 * sender thread, retries, and the record of every attempt (callbacks.c). What goes into the
 * callbacks is decided in deliveries.c. Everything here is thread-safe. */
#ifndef SE_EMULATOR_CALLBACKS_H
#define SE_EMULATOR_CALLBACKS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "emulator.h"

bool callbacks_start(void); /* starts the sender thread; false with a message on stderr */
void callbacks_stop(void);  /* stops and joins it; pending callbacks are dropped */
/* Drops pending callbacks (one being sent is finished but not recorded or retried), clears the
 * record and returns the settings to the flags' values. */
void callbacks_reset(void);

/* Where a provider's callbacks go now: malloc'd copies (NULL when not set). */
void callbacks_settings(enum provider p, char **url, char **secret);
cJSON *callbacks_settings_json(void);
/* {"sinch_url","sinch_secret","zapi_url"}: absent = unchanged, null or "" = cleared. URLs must
 * be loopback http:// URLs. Nothing is changed when one field is invalid. */
bool callbacks_settings_update(const cJSON *spec, char *err, size_t errlen);
bool callbacks_set_zapi_url(const char *url, char *err, size_t errlen);

/* One callback to send. body is taken (malloc'd). secret: sign as Sinch does (NULL = unsigned).
 * url must already have passed post_url_parse. */
struct callback_in {
    enum provider provider;
    const char *url, *secret;
    const char *trigger;         /* MESSAGE_DELIVERY, EVENT_DELIVERY, MessageStatusCallback */
    const char *id;              /* message or event id the callback is about */
    const char *delivery_status; /* QUEUED_ON_CHANNEL, DELIVERED, ..., SENT, RECEIVED, ... */
    char *body;
    int64_t delay_ms; /* from now */
};
void callbacks_enqueue(const struct callback_in *in);
/* Records a callback that is not sent (reason says why), e.g. a non-loopback callback_url. */
void callbacks_skip(const struct callback_in *in, const char *reason);

/* {"callbacks": [attempt, ...]}: those with seq > after among the newest `last` (0: all),
 * oldest first */
cJSON *callbacks_json(uint64_t after, size_t last);

#endif
