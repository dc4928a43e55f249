/*
 * sendevent/webhook.h - the receive side: verifying a provider's signed
 * callbacks (se_webhook) and reading callbacks (se_callback).
 *
 * Verifying (Sinch; Z-API and Connect do not sign their callbacks):
 *
 *   se_webhook *w;
 *   se_webhook_new(&w, "sinch");
 *   se_webhook_set(w, "secret", secret);
 *   ... for each request, with the raw body bytes as received:
 *   se_status st = se_webhook_verify(w, body, body_len, names, values, n_headers);
 *   if (st == SE_E_SIGNATURE) refuse it: se_webhook_reason(w) says why
 *
 * The signature is base64(HMAC-SHA256(secret, body "." nonce "." timestamp))
 * over the raw bytes, compared in constant time; the algorithm is pinned to
 * HmacSHA256 whatever the sender's header says; the timestamp must be within
 * the tolerance of the clock; a nonce seen before is a replay.
 *
 * Replay protection: by default every verifier of the process shares one
 * bounded cache of the nonces it accepted (10,000 entries; an entry is kept
 * until its timestamp leaves the tolerance window; when full, the entries
 * closest to expiring are dropped first). Across processes or machines, set a
 * nonce hook (se_webhook_set_nonce_hook) that checks and records nonces in a
 * shared store: it then replaces the built-in cache.
 *
 * Threads: a verifier is configured (se_webhook_set, se_webhook_set_nonce_hook)
 * before it is shared; then any number of threads may call se_webhook_verify on
 * it at once. Callbacks (se_callback) are immutable once parsed.
 */
#ifndef SENDEVENT_WEBHOOK_H
#define SENDEVENT_WEBHOOK_H

#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A verifier of one provider's callback signatures. Opaque. */
typedef struct se_webhook se_webhook;

/**
 * Makes a verifier for `provider`: "sinch". Z-API and Connect do not sign
 * their callbacks: they give SE_E_INVALID with a message saying how their
 * receivers authenticate. *out is freed with se_webhook_free().
 * Returns SE_OK, SE_E_INVALID (unknown or unsigned provider; the detail is in
 * se_last_error()), SE_E_NOMEM, SE_E_MISUSE.
 */
SE_API se_status se_webhook_new(se_webhook **out, const char *provider);

/** Frees a verifier (its copy of the secret is wiped first). NULL is a no-op. */
SE_API void se_webhook_free(se_webhook *w);

/**
 * Sets an option (the value is copied; NULL or "" resets it to its default):
 *   "secret"      the webhook's secret (required; never printed or logged)
 *   "tolerance"   seconds a timestamp may be off the clock, either way
 *                 (default 300; 1..604800)
 *   "now"         the clock, as Unix seconds ("1634579353", fractions allowed),
 *                 for tests and replays of recorded traffic; default: the
 *                 system's real-time clock
 *   "nonce_cache" "process" (default: the process-wide cache) or "off" (no
 *                 replay check unless a nonce hook is set)
 * Returns SE_OK, SE_E_INVALID (unknown key or bad value, named in
 * se_last_error(); a secret is never echoed), SE_E_NOMEM, SE_E_MISUSE.
 * Not concurrent with se_webhook_verify on the same verifier.
 */
SE_API se_status se_webhook_set(se_webhook *w, const char *key, const char *value);

/**
 * Checks and records a nonce: returns 0 when `nonce` is new (and remembers it
 * until at least `timestamp` + tolerance), 1 when it was seen before (the
 * callback is a replay), a negative value when it cannot tell (the callback is
 * then refused: fail closed). `nonce` is owned by the caller of the hook for
 * the duration of the call. Called only for callbacks whose signature and
 * timestamp passed, from the thread calling se_webhook_verify.
 */
typedef int (*se_nonce_fn)(const char *nonce, int64_t timestamp, void *userdata);

/**
 * Sets the nonce hook, which then replaces the built-in cache; NULL removes it.
 * `userdata` is passed to every call and stays the caller's. Returns SE_OK or
 * SE_E_MISUSE. Not concurrent with se_webhook_verify on the same verifier.
 */
SE_API se_status se_webhook_set_nonce_hook(se_webhook *w, se_nonce_fn seen, void *userdata);

/**
 * Verifies one callback: `body` is the raw request body (body_len bytes, not
 * re-serialized; may hold NULs), the headers are n_headers name/value pairs
 * (names matched case-insensitively, blanks around values ignored; the first
 * of repeated names counts). Nothing is copied or kept except the nonce of an
 * accepted callback.
 * Returns SE_OK when the callback is authentic, fresh and not a replay;
 * SE_E_SIGNATURE when it is not (se_webhook_reason() and se_last_error() say
 * why); SE_E_INVALID when no secret was set; SE_E_NOMEM; SE_E_MISUSE (NULL
 * verifier, or NULL arrays with n_headers > 0, or a NULL body with body_len > 0).
 * Thread safety: any number of threads on one verifier.
 */
SE_API se_status se_webhook_verify(se_webhook *w, const char *body, size_t body_len,
                                   const char *const *header_names,
                                   const char *const *header_values, size_t n_headers);

/**
 * Why the calling thread's last se_webhook_verify on `w` failed, as a stable
 * word: "missing_header" (a required header is absent or empty),
 * "unsupported_algorithm" (the algorithm header is not HmacSHA256),
 * "bad_timestamp" (not Unix seconds), "bad_signature" (not the expected HMAC,
 * or not base64 of one), "stale_timestamp" (older than the tolerance),
 * "future_timestamp" (ahead by more than the tolerance), "replayed_nonce"
 * (seen before), "nonce_check_failed" (the nonce hook could not tell).
 * "" when that call succeeded or failed otherwise, or the thread made none.
 * The detail, naming the header, is in se_last_error().
 * Ownership: static. Thread safety: per thread.
 */
SE_API const char *se_webhook_reason(const se_webhook *w);

/* ---- reading callbacks ------------------------------------------------------------------- */

/** One callback, parsed and normalized. Opaque; immutable. */
typedef struct se_callback se_callback;

/**
 * Parses a callback body of `provider`:
 *   "sinch"   a Conversation API callback (delivery reports, inbound messages
 *             and events, notifications)
 *   "zapi"    a Z-API webhook (ReceivedCallback, MessageStatusCallback,
 *             DeliveryCallback, presence and connection events)
 *   "connect" an item of the Amazon Connect participant websocket: the frame
 *             {"topic":"aws/chat","content":"<JSON text>"} or the chat item
 *             itself
 * Unknown kinds and fields are kept, never an error. *out is freed with
 * se_callback_free(). Returns SE_OK, SE_E_INVALID (unknown provider, a body
 * that is not a JSON object, nesting deeper than 128; se_last_error() says
 * where), SE_E_NOMEM, SE_E_MISUSE.
 */
SE_API se_status se_callback_parse(se_callback **out, const char *provider, const char *body,
                                   size_t body_len);

/** Frees a callback. NULL is a no-op. */
SE_API void se_callback_free(se_callback *cb);

/** The provider ("sinch", "zapi", "connect"). Ownership: static. */
SE_API const char *se_callback_provider(const se_callback *cb);

/**
 * What the callback is: Sinch's trigger ("MESSAGE_DELIVERY", "EVENT_DELIVERY",
 * "MESSAGE_INBOUND", "EVENT_INBOUND", "CONTACT_CREATE", ..., "UNKNOWN"),
 * Z-API's type ("ReceivedCallback", "MessageStatusCallback", ..., as sent;
 * "UNKNOWN" without one), Connect's Type ("MESSAGE", "EVENT", "ATTACHMENT",
 * "MESSAGEMETADATA", "CONNECTION_ACK", ...; for a frame that is not a chat
 * item, its topic, e.g. "aws/heartbeat"). Ownership: the callback's until
 * se_callback_free. Never NULL.
 */
SE_API const char *se_callback_kind(const se_callback *cb);

/**
 * A normalized field as text (numbers and booleans as their JSON text), or
 * NULL when the callback has none. Every provider: "kind", "id" (the message,
 * event or item id), "status" (when there is one), "dedup_key" (the same for
 * the same callback sent again: a receiver stores it to process each once).
 * The others per provider are listed in docs/webhooks.md. Ownership: the
 * callback's until se_callback_free.
 */
SE_API const char *se_callback_get(const se_callback *cb, const char *field);

/** Number of normalized fields (those se_callback_field_at enumerates). */
SE_API size_t se_callback_field_count(const se_callback *cb);

/**
 * Normalized field `index` (0-based): *name and *value are owned by the
 * callback until se_callback_free. Returns SE_OK, or SE_E_MISUSE when index is
 * out of range or an argument is NULL (*name and *value are then NULL where
 * given).
 */
SE_API se_status se_callback_field_at(const se_callback *cb, size_t index, const char **name,
                                      const char **value);

/**
 * Any field of the callback's JSON by dotted path ("message.contact_message",
 * "ids[0]"), for Connect in the chat item (the frame's content); path NULL
 * gives the whole of it. *out is the value as JSON text (strings quoted), to be
 * released with se_free(), or NULL when there is no such field. Returns SE_OK,
 * SE_E_INVALID (malformed path; *out NULL), SE_E_NOMEM, SE_E_MISUSE.
 */
SE_API se_status se_callback_json(const se_callback *cb, const char *path, char **out);

#ifdef __cplusplus
}
#endif
#endif
