/* providers.c - the providers, operations and options the command's help
 * lists and its option sources know (providers.h). */
#include "providers.h"

#include <stddef.h>
#include <string.h>

/* ---- what the help lists ------------------------------------------------------------------ */

static const struct op_info sinch_ops[] = {
    {"send_event", "events:send - typing indicators, agent joined/left, comment replies, ...",
     "{\"app_id\":\"APP\",\"recipient\":{\"contact_id\":\"CONTACT\"},"
     "\"event\":{\"composing_event\":{}}}"},
    {"send_message", "messages:send - text, media, choices, cards, templates, ...",
     "{\"app_id\":\"APP\",\"recipient\":{\"contact_id\":\"CONTACT\"},"
     "\"message\":{\"text_message\":{\"text\":\"Hello\"}}}"},
    {NULL, NULL, NULL}};
static const struct opt_info sinch_opts[] = {
    {"project_id", "Sinch project id (required)", false},
    {"key_id", "access key id (required unless access_token)", false},
    {"key_secret", "access key secret", true},
    {"region", "us, eu or br (required unless base_url)", false},
    {"auth", "oauth2 (default) or basic", false},
    {"auth_url", "OAuth2 token endpoint (default https://auth.sinch.com/oauth2/token)", false},
    {"access_token", "a bearer token to use instead of fetching one", true},
    {NULL, NULL, false}};

static const struct op_info zapi_ops[] = {
    {"send_event", "send-event - a WhatsApp group event",
     "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":\"Standup\","
     "\"dateTime\":\"2024-04-29T09:30:00Z\"}}"},
    {"edit_event", "send-edit-event - edit an event (re-send every field)",
     "{\"phone\":\"120363019502650977-group\",\"eventMessageId\":\"MESSAGE_ID\","
     "\"event\":{\"name\":\"Standup\",\"dateTime\":\"2024-04-29T10:00:00Z\"}}"},
    {"respond_event", "send-event-response - GOING or NOT_GOING",
     "{\"phone\":\"120363019502650977-group\",\"eventMessageId\":\"MESSAGE_ID\","
     "\"eventResponse\":\"GOING\"}"},
    {NULL, NULL, NULL}};
static const struct opt_info zapi_opts[] = {
    {"instance_id", "Z-API instance id (required)", true},
    {"token", "instance token (required)", true},
    {"client_token", "account security token (Client-Token header)", true},
    {NULL, NULL, false}};

static const struct op_info connect_ops[] = {
    {"send_event", "SendEvent - typing, delivered and read receipts",
     "{\"ConnectionToken\":\"TOKEN\","
     "\"ContentType\":\"application/vnd.amazonaws.connect.event.typing\"}"},
    {"send_message", "SendMessage - a chat message",
     "{\"ConnectionToken\":\"TOKEN\",\"ContentType\":\"text/plain\",\"Content\":\"Hello\"}"},
    {"create_connection", "CreateParticipantConnection (ParticipantToken)",
     "{\"ParticipantToken\":\"TOKEN\",\"Type\":[\"CONNECTION_CREDENTIALS\"],"
     "\"ConnectParticipant\":true}"},
    {"disconnect", "DisconnectParticipant", "{\"ConnectionToken\":\"TOKEN\"}"},
    {NULL, NULL, NULL}};
static const struct opt_info connect_opts[] = {
    {"region", "AWS region, e.g. us-east-1 (also from AWS_REGION)", false},
    {"fips", "true: use the FIPS endpoint", false},
    {"endpoint_url", "alias of base_url", false},
    {"connection_token", "ConnectionToken for requests that give none (sendevent only)", true},
    {"participant_token", "ParticipantToken for create_connection (sendevent only)", true},
    {NULL, NULL, false}};

const struct provider_info providers[] = {
    {"sinch", "Sinch Conversation API", sinch_ops, sinch_opts},
    {"zapi", "Z-API (WhatsApp)", zapi_ops, zapi_opts},
    {"connect", "Amazon Connect Participant Service", connect_ops, connect_opts},
    {NULL, NULL, NULL, NULL}};

const struct opt_info common_options[] = {
    {"base_url", "API base URL (overrides region), e.g. a sendevent-emulator URL", false},
    {"timeout", "seconds per attempt (default 30)", false},
    {"connect_timeout", "seconds (default 10)", false},
    {"max_attempts", "attempts per send including retries, 1..10 (default 3)", false},
    {"retry_server_errors", "true: also retry 5xx/timeouts (Sinch, Z-API; may deliver twice)",
     false},
    {"retry_base_delay", "backoff base, seconds (default 0.5)", false},
    {"retry_max_delay", "backoff cap and longest Retry-After honoured (default 20)", false},
    {"deadline", "seconds a send may take over all its attempts (default 0: none)", false},
    {"connection_max_idle", "seconds an idle connection may be reused after (default 4)", false},
    {"ca_file", "PEM bundle to verify servers with", false},
    {"allow_insecure_http", "true: allow http:// to non-loopback hosts", false},
    {"max_response_bytes", "response body cap (default 1048576)", false},
    {"user_agent", "User-Agent header", false},
    {NULL, NULL, false}};

const struct provider_info *find_provider(const char *name) {
    for (const struct provider_info *p = providers; name && p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

bool provider_has_op(const struct provider_info *p, const char *op) {
    for (const struct op_info *o = p->ops; op && o->name; o++)
        if (strcmp(o->name, op) == 0)
            return true;
    return false;
}
