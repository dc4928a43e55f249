/* config.c - the emulator's configuration with its defaults; main.c sets it
 * from the flags before the daemon starts, then it is read-only. */
#include "emulator.h"

struct config cfg = {
    .host = "127.0.0.1",
    .port = 0,
    .threads = 2,
    .max_records = 100000,
    .max_body_bytes = 1 << 20,
    .sinch_key_id = "emulator-key",
    .sinch_key_secret = "emulator-secret",
    .sinch_token_lifetime = 3600,
    .zapi_instance_id = "emulator-instance",
    .zapi_token = "emulator-token",
    .zapi_client_token = "emulator-client-token",
    .connect_participant_token = "emulator-participant-token",
    .connect_connection_token = "emulator-connection-token",
    .zapi_callback_timeout_ms = 3000,
    .callback_retry_ms = 1000,
    .callback_attempts = 3,
    .sinch_rate = 800, /* docs/providers.md: about 800 requests/s per project */
    .sinch_max_projects = 10000,
    .sinch_token_rate = 10, /* the token endpoint: a bucket of about 30, 10/s refill */
    .sinch_token_burst = 30,
};
