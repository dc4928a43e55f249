/*
 * sendevent/request.h - build a request body without writing JSON.
 *
 * Paths are dotted, with [n] for array elements, in the seeds' own notation:
 *   se_request_set_string(r, "message.agent.display_name", "Ann");
 *   se_request_set_string(r, "recipient.identified_by.channel_identities[0].channel", "WHATSAPP");
 * Missing objects and arrays on the way are created; an index equal to the
 * array's length appends. A builder belongs to one thread at a time.
 */
#ifndef SENDEVENT_REQUEST_H
#define SENDEVENT_REQUEST_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A JSON object under construction. Opaque. */
typedef struct se_request se_request;

/** Creates an empty request ({}). Release with se_request_free().
 *  Returns SE_OK, SE_E_NOMEM, SE_E_MISUSE. */
SE_API se_status se_request_new(se_request **out);

/** Frees a request. NULL is a no-op. */
SE_API void se_request_free(se_request *request);

/**
 * Setters: replace whatever is at `path`. set_json parses `json` (any JSON
 * value: object, array, string, ...). Each returns SE_OK, SE_E_INVALID
 * (malformed path, an index past the end, a path through a non-container,
 * or unparseable json; the message names the path), SE_E_NOMEM, SE_E_MISUSE.
 */
SE_API se_status se_request_set_string(se_request *request, const char *path, const char *value);
SE_API se_status se_request_set_int(se_request *request, const char *path, long long value);
SE_API se_status se_request_set_number(se_request *request, const char *path, double value);
SE_API se_status se_request_set_bool(se_request *request, const char *path, int value);
SE_API se_status se_request_set_json(se_request *request, const char *path, const char *json);

/** Removes the value at `path`. Returns SE_OK (also when absent),
 *  SE_E_INVALID (malformed path), SE_E_MISUSE. */
SE_API se_status se_request_remove(se_request *request, const char *path);

/**
 * The request as compact JSON, ready for se_send(). Returns NULL only on
 * SE_E_NOMEM. Ownership: owned by the request until its next change or
 * se_request_free().
 */
SE_API const char *se_request_json(se_request *request);

#ifdef __cplusplus
}
#endif
#endif
