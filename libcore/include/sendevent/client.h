/*
 * sendevent/client.h - one client type for all providers, and the calls
 * that validate, prepare and send a request.
 *
 * A request is the provider's own JSON body, field names exactly as the
 * provider's documentation spells them. Path and header parameters travel in
 * the same object (Connect's "ConnectionToken" / "ParticipantToken"). The
 * body is sent as written when it is strict JSON that validation did not
 * normalize (Connect: with the token member cut out and a ClientToken added),
 * else serialized compactly (docs/c-api.md, "Sending").
 *
 * Operations ("operation" arguments): each provider's are listed, with their
 * routes, help lines and examples, by se_operation_next() (sendevent/listing.h),
 * e.g. sinch "send_event" (events:send), zapi "send_message" (send-text),
 * connect "create_connection" (CreateParticipantConnection).
 *
 * Thread safety: configure a client with se_client_set() before sharing it;
 * after that any number of threads may call se_send(), se_validate(),
 * se_prepare() and the batch calls on the same client at once.
 */
#ifndef SENDEVENT_CLIENT_H
#define SENDEVENT_CLIENT_H

#include "common.h"
#include "response.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A configured connection to one provider. Opaque. */
typedef struct se_client se_client;

/**
 * Creates a client for `provider`: "sinch", "zapi" or "connect".
 * Proxies: the environment's (http_proxy, https_proxy/HTTPS_PROXY,
 * all_proxy/ALL_PROXY, no_proxy/NO_PROXY, read as libcurl reads them) are
 * used when one of them is set at the time the client is created or an option
 * is last set; a variable set later takes effect at the next se_client_set().
 * On success *out owns a new client; release it with se_client_free().
 * Returns SE_OK, SE_E_INVALID (unknown provider; *out is NULL and the
 * message is in se_last_error()), SE_E_NOMEM, or SE_E_MISUSE (out is NULL).
 */
SE_API se_status se_client_new(se_client **out, const char *provider);

/**
 * Destroys a client and closes its connections. NULL is a no-op. No other
 * thread may be using the client. Responses it returned stay valid.
 */
SE_API void se_client_free(se_client *client);

/**
 * Sets one option; `value` is copied. A NULL value resets the option to
 * its default. Options are checked here (type, range, known key) and again
 * against each other when a request is built.
 *
 * Common keys:
 *   base_url             API base URL (overrides region); "endpoint_url" is
 *                        an alias for Connect
 *   timeout              total time per attempt, seconds (default 30)
 *   connect_timeout      seconds (default 10)
 *   max_attempts         1..10, attempts per send including retries (default 3)
 *   retry_server_errors  "true"/"false": also retry 5xx, timeouts and
 *                        connection failures after the request may have been
 *                        sent (Sinch, Z-API; may deliver twice; default false)
 *   retry_base_delay     backoff base, seconds (default 0.5)
 *   retry_max_delay      backoff cap and the longest Retry-After honoured,
 *                        seconds (default 20)
 *   ca_file              PEM bundle used to verify servers (TLS verification
 *                        is always on)
 *   allow_insecure_http  "true" allows http:// to non-loopback hosts
 *   max_response_bytes   response body cap (default 1048576)
 *   deadline             seconds a send may take over all its attempts, waits
 *                        for retries and credentials included (default 0:
 *                        none; `timeout` still bounds each attempt)
 *   connection_max_idle  a connection idle longer than this many seconds is
 *                        not reused (default 4): a server may close an idle
 *                        connection just as a request is written to it, and
 *                        such a request may or may not have been delivered
 *   user_agent           replaces the default "sendevent/<version>"
 * Sinch: project_id, key_id, key_secret (secret), region ("us","eu","br"),
 *   auth ("oauth2" default, or "basic"), auth_url (token endpoint),
 *   access_token (secret; a bearer token to use instead of fetching one).
 * Z-API: instance_id (secret), token (secret), client_token (secret).
 * Connect: region (e.g. "us-east-1"), fips ("true"/"false").
 *
 * Every value is checked when set: control characters, whitespace (except
 * inside user_agent and ca_file) and values over the option's maximum length
 * (docs/c-api.md, Options) are SE_E_INVALID.
 *
 * Returns SE_OK, SE_E_INVALID (unknown key or bad value; the message names
 * the key and never contains a secret value), SE_E_NOMEM, SE_E_MISUSE.
 * Thread safety: not concurrently with any other call on this client.
 */
SE_API se_status se_client_set(se_client *client, const char *key, const char *value);

/**
 * Current value of an option as it would be used. Secret options give
 * "[REDACTED]" when set; a URL with credentials shows them as [REDACTED]
 * (https://[REDACTED]@host). Returns NULL for an unset option or an unknown key.
 * Ownership: owned by the client until the option is set again or the
 * client is freed.
 */
SE_API const char *se_client_get(const se_client *client, const char *key);

/** Provider name of the client ("sinch", "zapi", "connect"). Static. */
SE_API const char *se_client_provider(const se_client *client);

/**
 * Detail message of the most recent failing call this thread made on this
 * client (or, for se_client_new, with a NULL client), e.g.
 * "message.choice_message.choices: at most 10 items, got 11".
 * Never contains a secret. Returns "" when there is none.
 * Ownership: owned by the calling thread until its next call into the library.
 */
SE_API const char *se_client_errmsg(const se_client *client);

/** Detail message of this thread's most recent failing call, any client. */
SE_API const char *se_last_error(void);

/**
 * Warnings of this thread's most recent se_validate(), se_prepare() or
 * se_send() on this client (unknown channel, deprecated ContentType), one per
 * line; "" when there were none. Warnings never fail a request.
 * Ownership: owned by the calling thread until its next such call.
 */
SE_API const char *se_client_warnings(const se_client *client);

/**
 * Validates `request_json` for `operation` without any network traffic.
 * Returns SE_OK or SE_E_INVALID (message via se_client_errmsg(), naming the
 * field and the rule), SE_E_NOMEM, SE_E_MISUSE.
 */
SE_API se_status se_validate(se_client *client, const char *operation, const char *request_json);

/**
 * Validates and builds the exact HTTP request se_send() would send, without
 * sending it, as text: request line, headers, blank line, body. Secrets
 * (credentials, tokens, Z-API path ids) are replaced by "[REDACTED]". No
 * OAuth token is fetched.
 * On success *http_out must be released with se_free().
 * Returns SE_OK, SE_E_INVALID, SE_E_NOMEM, SE_E_MISUSE.
 */
SE_API se_status se_prepare(se_client *client, const char *operation, const char *request_json,
                            char **http_out);

/**
 * Validates, sends and retries (only where safe, see docs) one request.
 *
 * Unless `out` is NULL, *out receives a response for every outcome except
 * SE_E_MISUSE and SE_E_NOMEM: on success the provider's id and body, on
 * failure the HTTP status, provider error code and message, request id and
 * attempts. Release it with se_response_free(). The same detail message is
 * available from se_client_errmsg().
 *
 * Returns SE_OK or any failure status of common.h; SE_E_INVALID means
 * nothing was sent.
 */
SE_API se_status se_send(se_client *client, const char *operation, const char *request_json,
                         se_response **out);

/**
 * se_send() with a deadline for this call: `deadline` seconds over all
 * attempts (> 0; 0 or less means the client's `deadline` option). A send
 * that runs out of time ends with SE_E_TIMEOUT.
 */
SE_API se_status se_send_within(se_client *client, const char *operation, const char *request_json,
                                double deadline, se_response **out);

/**
 * Cancels every se_send() and batch run of this client that is in progress
 * when it is called (later calls are not affected). Requests not yet started
 * end with SE_E_CANCELLED and se_response_sent() SE_SENT_NO; requests in
 * flight are aborted and end with SE_E_CANCELLED and SE_SENT_MAYBE (or YES
 * when an earlier attempt was answered); finished results are kept.
 * Async-signal-safe: it may be called from a signal handler and from any
 * thread. Returns SE_OK, or SE_E_MISUSE for NULL.
 */
SE_API se_status se_client_cancel(se_client *client);

/**
 * Receives one log line: level 0 debug, 1 info, 2 warning. The message never
 * contains a secret. Called from the thread that made the call; it must not
 * call back into the library with the same client.
 */
typedef void (*se_log_fn)(int level, const char *message, void *userdata);

/**
 * Installs (or with NULL removes) the log callback. Lines: one per attempt
 * ("POST https://host/path -> 200 in 3.1 ms"), retries, warnings.
 * Returns SE_OK or SE_E_MISUSE. Thread safety: as se_client_set().
 */
SE_API se_status se_client_set_logger(se_client *client, se_log_fn fn, void *userdata);

#ifdef __cplusplus
}
#endif
#endif
