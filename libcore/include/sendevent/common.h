/*
 * sendevent/common.h - export macro, status codes and memory release.
 *
 * Conventions used by every sendevent header:
 *  - Every fallible call returns se_status: SE_OK (0) or a negative failure.
 *    New codes are only ever appended; existing values never change.
 *  - Outputs are named `out` and come first in constructors (se_client_new),
 *    last in the calls that send or look up (se_send); on failure an output pointer is
 *    set to NULL unless the call documents otherwise.
 *  - Input strings are copied; the caller keeps ownership of what it passes.
 *  - Memory handed out is either "static", "owned by X until Y", or must be
 *    released with se_free() (never with plain free()).
 */
#ifndef SENDEVENT_COMMON_H
#define SENDEVENT_COMMON_H

#include <stddef.h>

#if defined(_WIN32)
#define SE_API __declspec(dllimport)
#elif defined(SE_BUILDING_LIBRARY) && defined(__GNUC__)
#define SE_API __attribute__((visibility("default")))
#else
#define SE_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Result of every fallible call. */
typedef enum se_status {
    SE_OK = 0,            /**< success */
    SE_E_INVALID = -1,    /**< bad input, rejected locally: nothing was sent */
    SE_E_AUTH = -2,       /**< HTTP 401: credentials refused */
    SE_E_FORBIDDEN = -3,  /**< HTTP 403 */
    SE_E_NOT_FOUND = -4,  /**< HTTP 404 (for Sinch also a wrong region) */
    SE_E_CONFLICT = -5,   /**< HTTP 409 */
    SE_E_THROTTLED = -6,  /**< HTTP 429 after the allowed retries */
    SE_E_REJECTED = -7,   /**< other 4xx, or Z-API's 200 {"value":false} */
    SE_E_SERVER = -8,     /**< HTTP 5xx */
    SE_E_NETWORK = -9,    /**< could not connect, connection reset or closed */
    SE_E_TIMEOUT = -10,   /**< connect or total timeout expired */
    SE_E_TLS = -11,       /**< certificate or TLS handshake failure */
    SE_E_PROTOCOL = -12,  /**< unparseable, unexpected or oversized response */
    SE_E_NOMEM = -13,     /**< out of memory */
    SE_E_MISUSE = -14,    /**< API misuse: NULL handle or output pointer */
    SE_E_CANCELLED = -15, /**< cancelled (se_batch_cancel, se_client_cancel) before it completed */
    SE_E_SIGNATURE =
        -16 /**< a callback failed verification (se_webhook_verify; se_webhook_reason) */
} se_status;

/**
 * Short English description of a status ("request rejected by local
 * validation", ...). Never NULL; unknown codes give "unknown status".
 * Ownership: static. Thread safety: any thread.
 */
SE_API const char *se_strerror(se_status code);

/**
 * Stable lower-case name of a status, for bindings and logs: "ok",
 * "invalid", "auth", "forbidden", "not_found", "conflict", "throttled",
 * "rejected", "server", "network", "timeout", "tls", "protocol", "nomem",
 * "misuse", "cancelled", "signature"; "unknown" otherwise. Ownership: static. Thread safety: any
 * thread.
 */
SE_API const char *se_status_name(se_status code);

/**
 * Releases memory the library documented as "free with se_free".
 * se_free(NULL) is a no-op. Thread safety: any thread.
 */
SE_API void se_free(void *ptr);

/**
 * Initialises process-wide state (libcurl's global init). Called
 * automatically by se_client_new(); idempotent and thread-safe, so calling it
 * early from main() is optional.
 * Returns SE_OK, or SE_E_NOMEM / SE_E_NETWORK if libcurl cannot initialise.
 */
SE_API se_status se_global_init(void);

#ifdef __cplusplus
}
#endif
#endif
