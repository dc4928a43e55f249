/*
 * sendevent/response.h - the outcome of one send.
 *
 * A response is immutable once returned: any number of threads may read it
 * (the parsed body behind se_response_get() is made once, on first use).
 * Strings returned by accessors are owned by the response until
 * se_response_free().
 */
#ifndef SENDEVENT_RESPONSE_H
#define SENDEVENT_RESPONSE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Outcome of one send. Opaque. */
typedef struct se_response se_response;

/** Frees a response. NULL is a no-op. */
SE_API void se_response_free(se_response *response);

/** SE_OK on success, else the failure status of this send. */
SE_API se_status se_response_status(const se_response *response);

/** Provider ("sinch", ...) and operation ("send_event", ...). Static. */
SE_API const char *se_response_provider(const se_response *response);
SE_API const char *se_response_operation(const se_response *response);

/**
 * HTTP status of the last answer; 0 when none was received. When obtaining
 * credentials failed (Sinch's token endpoint), the token endpoint's status.
 */
SE_API int se_response_http_status(const se_response *response);

/**
 * The provider's id for what was sent: Sinch event_id / message_id, Z-API
 * messageId, Connect Id. NULL when absent (failures).
 */
SE_API const char *se_response_id(const se_response *response);

/** Sinch accepted_time or Connect AbsoluteTime; NULL otherwise. */
SE_API const char *se_response_accepted_time(const se_response *response);

/**
 * Provider error code ("INVALID_ARGUMENT", "ValidationException", or the
 * HTTP status as text when the provider gives none); NULL on success.
 */
SE_API const char *se_response_provider_code(const se_response *response);

/**
 * Human-readable failure detail (the provider's message, or the local
 * validation or transport error); NULL on success. Never contains a secret.
 */
SE_API const char *se_response_error_message(const se_response *response);

/** Provider request id (Connect x-amzn-RequestId, ...); NULL when absent. */
SE_API const char *se_response_request_id(const se_response *response);

/** Warnings collected while validating (unknown channel, deprecated
 *  ContentType), one per line; NULL when there are none. */
SE_API const char *se_response_warnings(const se_response *response);

/**
 * Number of times the request was written to a connection, every attempt and
 * every re-send included: what the server may have read (0 when nothing was
 * sent: validation failed, no connection could be made, cancelled before it
 * started, or the credentials could not be obtained).
 */
SE_API int se_response_attempts(const se_response *response);

/** Wall time of the whole send including retries, in seconds. */
SE_API double se_response_elapsed(const se_response *response);

/** Raw body of the last answer, NUL-terminated ("" when none). */
SE_API const char *se_response_body(const se_response *response);

/** Length in bytes of se_response_body(). */
SE_API size_t se_response_body_len(const se_response *response);

/**
 * Value of a response header of the last answer (name case-insensitive),
 * NULL when absent.
 */
SE_API const char *se_response_header(const se_response *response, const char *name);

/** Number of headers of the last answer (0 when none was received). */
SE_API size_t se_response_header_count(const se_response *response);

/**
 * Header `index` (0-based, in the order received) of the last answer:
 * *name and *value point into the response (owned by it until
 * se_response_free). Returns SE_OK, or SE_E_MISUSE when index is out of range
 * or an argument is NULL (*name and *value are then NULL where given).
 */
SE_API se_status se_response_header_at(const se_response *response, size_t index, const char **name,
                                       const char **value);

/**
 * The request line that was (or would have been) sent, with secrets
 * redacted: "POST https://api.z-api.io/instances/[REDACTED]/token/[REDACTED]/send-event".
 * NULL when the request failed validation before a URL was built.
 */
SE_API const char *se_response_request_line(const se_response *response);

/**
 * Any field of the JSON body by dotted path ("error.code", "items[0].id").
 * *out is the value as JSON text (strings quoted), to be released with
 * se_free(), or NULL when there is no such field (or the body is not JSON):
 * a missing field is not an error. Returns SE_OK, SE_E_INVALID (malformed
 * path; *out NULL), SE_E_NOMEM, SE_E_MISUSE.
 */
SE_API se_status se_response_get(const se_response *response, const char *path, char **out);

/**
 * Like se_response_get() for a string field, without copying: the string
 * itself, owned by the response. NULL when absent or not a string.
 */
SE_API const char *se_response_get_string(const se_response *response, const char *path);

/** Whether a request reached the provider (se_response_sent()). */
typedef enum se_sent {
    SE_SENT_NO = 0,    /**< never left: validation, no connection, cancelled before it started */
    SE_SENT_MAYBE = 1, /**< written, but no answer came: it may have been delivered */
    SE_SENT_YES = 2    /**< the provider answered (whatever the answer was) */
} se_sent;

/**
 * Whether the request reached the provider, as the last attempt that was
 * written to a connection left it: SE_SENT_YES when it was answered,
 * SE_SENT_MAYBE when no answer came (timeout, connection lost, cancelled in
 * flight); SE_SENT_NO when no attempt was ever written. A failure with
 * SE_SENT_NO can be sent again without any risk of a duplicate; one with
 * SE_SENT_MAYBE only where the operation is idempotent (Connect, with the same
 * ClientToken: se_response_client_token()).
 */
SE_API se_sent se_response_sent(const se_response *response);

/** "no", "maybe" or "yes" (the words every face uses); "unknown" otherwise. Static. */
SE_API const char *se_sent_name(se_sent sent);

/**
 * The Connect ClientToken the request carried (the caller's, or the one the
 * library generated), so that the same logical event can be sent again later
 * without a duplicate. NULL for other providers and operations without one.
 */
SE_API const char *se_response_client_token(const se_response *response);

#ifdef __cplusplus
}
#endif
#endif
