/* sendevent-emulator: the names and the configuration every file shares
 * (names.c, config.c); each other file has its own header.
 *
 * The emulator is an independent test oracle for libsendevent: nothing here may come from
 * libcore/. Layout:
 *   main.c      flags, daemon start, signal wait, clean shutdown
 *   http.c      libmicrohttpd glue: request and connection state, routing table, faults
 *               (http_faults.c: what an injected fault answers; http_wait.c: suspended
 *               connections: delays, hangs, long polls)
 *   control.c   the /_emulator/ control API
 *   store.c     shared state behind one mutex: request log, faults
 *   store_tokens.c  issued tokens, Connect idempotency memory
 *   sinch.c sinch_oauth.c zapi.c connect.c   per provider: auth, validation, error format,
 *               answers
 *   deliveries.c   what an accepted send reports back (Sinch delivery reports, Z-API statuses)
 *   callbacks.c the callback queue, its sender thread, retries and record
 *   post.c      a minimal loopback-only HTTP POST client for callbacks
 *   chat.c      Connect chats: items for the participant websocket, the agent side
 *   websocket.c the participant websocket (RFC 6455 over libmicrohttpd's upgrade)
 *   crypto.c    HMAC-SHA256, SHA-1, base64 encoding (libcrypto)
 *   check.c     JSON validation helpers with "path: rule" messages
 *   util.c      ids, clocks, timestamps, base64 decoding, UTF-8, files
 *   reply.c     requests and replies as the handlers see them
 *   names.c     provider and operation names
 *   ratelimit.c the providers' rate limits (Sinch per project and token endpoint, Connect
 *               per API)
 *   routes.c    the route table
 *   config.c    the configuration and its defaults
 *   watch.c     the version of what the control API shows, for the page's long poll
 *   view.c      the request log as the inbox page is shown it: secrets redacted
 *   ui.c        the inbox page (ui/, embedded at build time by embed.cmake)
 */
#ifndef SE_EMULATOR_H
#define SE_EMULATOR_H

#include <stdbool.h>
#include <stddef.h>

enum provider { PROV_NONE = -1, PROV_SINCH, PROV_ZAPI, PROV_CONNECT, PROV_COUNT };

enum operation {
    OP_NONE = -1,
    OP_SEND_EVENT,
    OP_SEND_MESSAGE,
    OP_EDIT_EVENT,
    OP_RESPOND_EVENT,
    OP_CREATE_CONNECTION,
    OP_DISCONNECT,
    OP_OAUTH_TOKEN,
    OP_UPDATE_WEBHOOK,
    OP_COUNT
};

const char *provider_name(enum provider p);    /* NULL for PROV_NONE */
const char *operation_name(enum operation op); /* NULL for OP_NONE */
enum provider provider_from_name(const char *s);
enum operation operation_from_name(const char *s);

/* ---- configuration (config.c; set once by main.c before the daemon starts, then read-only) ----
 */
struct config {
    const char *host;
    unsigned port;
    unsigned threads;
    size_t max_records;
    size_t max_body_bytes;
    unsigned idle_timeout; /* seconds; 0 = keep-alive connections are never closed for idling */
    bool verbose;
    const char *tls_cert, *tls_key;
    char url[300]; /* what we printed, e.g. http://127.0.0.1:43123 */

    const char *sinch_key_id, *sinch_key_secret;
    long sinch_token_lifetime;
    const char *zapi_instance_id, *zapi_token, *zapi_client_token;
    const char *connect_participant_token, *connect_connection_token;
    /* callbacks (callbacks.c); the URLs and the secret can be changed through the control API */
    const char *sinch_webhook_url, *sinch_webhook_secret, *zapi_webhook_url;
    unsigned zapi_callback_timeout_ms, callback_retry_ms, callback_attempts;
    /* rate limits (ratelimit.c): requests per second (0 = off) and burst (0 = a tenth of the
     * rate, at least 1); the control API changes them at runtime, reset restores these */
    unsigned sinch_rate, sinch_burst, sinch_max_projects;
    unsigned sinch_token_rate, sinch_token_burst;
    unsigned connect_rate, connect_burst;
};
extern struct config cfg;

#endif
