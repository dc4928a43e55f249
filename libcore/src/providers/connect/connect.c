/* providers/connect/connect.c - Amazon Connect Participant Service. No SigV4:
 * the connection (or participant) token travels as X-Amz-Bearer. ClientToken
 * makes every send idempotent, so all retryable errors are retried with the
 * same token; AWS also throttles with a 400. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callbacks.h"
#include "checks.h"
#include "providers/common.h"

static const sei_operation connect_ops[] = {
    {"send_event", "participant/event", sei_check_connect_send_event,
     "SendEvent: typing, delivered and read receipts",
     "{\"ConnectionToken\":\"TOKEN\","
     "\"ContentType\":\"application/vnd.amazonaws.connect.event.typing\"}",
     &sei_connect_send_event_spec},
    {"send_message", "participant/message", sei_check_connect_send_message,
     "SendMessage: a chat message",
     "{\"ConnectionToken\":\"TOKEN\",\"ContentType\":\"text/plain\",\"Content\":\"Hello\"}",
     &sei_connect_send_message_spec},
    {"create_connection", "participant/connection", sei_check_connect_create_connection,
     "CreateParticipantConnection: connection credentials for a ParticipantToken",
     "{\"ParticipantToken\":\"TOKEN\",\"Type\":[\"CONNECTION_CREDENTIALS\"],"
     "\"ConnectParticipant\":true}",
     &sei_connect_create_connection_spec},
    {"disconnect", "participant/disconnect", sei_check_connect_disconnect,
     "DisconnectParticipant: leave the chat", "{\"ConnectionToken\":\"TOKEN\"}",
     &sei_connect_disconnect_spec},
};
_Static_assert(sizeof connect_ops / sizeof connect_ops[0] <= SEI_MAX_OPERATIONS,
               "client URL cache size");

enum { CONNECT_O_REGION = O_COMMON_COUNT, CONNECT_O_FIPS, CONNECT_O_END };

/* AWS region names: letters, digits and dashes, e.g. us-gov-west-1 */
static se_status check_region(const char *v, char *msg, size_t cap) {
    size_t n = strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-");
    if (v[n] || !strchr(v, '-') || !isdigit((unsigned char)v[strlen(v) - 1])) {
        snprintf(msg, cap, "region: not an AWS region name (like us-east-1), got \"%s\"", v);
        return SE_E_INVALID;
    }
    return SE_OK;
}

/* one row per slot above, in its order */
static const sei_option connect_options[] = {
    {.key = "region",
     .kind = SEI_OPT_STR,
     .max_len = 64,
     .check = check_region,
     .help = "AWS region, e.g. us-east-1; required unless base_url"},
    {.key = "fips",
     .kind = SEI_OPT_BOOL,
     .def = "false",
     .min = 0,
     .max = 1,
     .max_len = 64,
     .help = "FIPS endpoint (us-east-1, us-west-2; us-gov-west-1's is FIPS already)"},
};
_Static_assert(sizeof connect_options / sizeof connect_options[0] ==
                       CONNECT_O_END - O_COMMON_COUNT &&
                   CONNECT_O_END - O_COMMON_COUNT <= SEI_MAX_PROVIDER_OPTIONS,
               "one row per option slot");

static const sei_option_alias connect_aliases[] = {{"endpoint_url", O_BASE_URL}, {NULL, 0}};

static bool is_create_connection(const sei_operation *op) {
    return op == &connect_ops[2];
}

static se_status connect_check_config(const se_client *c, sei_diag *d) {
    if (sei_opt_str(c, O_BASE_URL))
        return SE_OK;
    const char *region = sei_opt_str(c, CONNECT_O_REGION);
    if (!region)
        return sei_diag_fail(d,
                             "region: required client option for connect (e.g. us-east-1) unless "
                             "base_url is set");
    if (sei_opt_bool(c, CONNECT_O_FIPS) && strcmp(region, "us-east-1") &&
        strcmp(region, "us-west-2") && strcmp(region, "us-gov-west-1"))
        return sei_diag_fail(d,
                             "fips: no FIPS endpoint in region %s (us-east-1, us-west-2, "
                             "us-gov-west-1 have one)",
                             region);
    return SE_OK;
}

static se_status connect_url(const se_client *c, const sei_operation *op, sei_http_request *out) {
    const char *region = sei_opt_str(c, CONNECT_O_REGION);
    char fallback[128];
    /* us-gov-west-1's plain endpoint is already the FIPS one */
    bool fips = sei_opt_bool(c, CONNECT_O_FIPS) && region && strcmp(region, "us-gov-west-1");
    snprintf(fallback, sizeof fallback, "https://participant.connect%s.%s.amazonaws.com",
             fips ? "-fips" : "", region ? region : "us-east-1");
    const sei_url_part path[] = {{"/", URL_TEXT}, {op->route, URL_TEXT}, {NULL, URL_TEXT}};
    return sei_set_url(out, c, fallback, path);
}

/* the headers build() adds: X-Amz-Bearer, Content-Type */
_Static_assert(2 <= SEI_MAX_HEADERS, "a request holds SEI_MAX_HEADERS headers");

static se_status connect_build(const se_client *c, const sei_operation *op, cJSON *req,
                               sei_http_request *out, sei_diag *d) {
    (void)c;
    (void)d;
    const char *token_key = is_create_connection(op) ? "ParticipantToken" : "ConnectionToken";
    const cJSON *token = cJSON_GetObjectItemCaseSensitive(req, token_key);
    se_status st = cJSON_IsString(token) ? SE_OK : SE_E_INVALID;
    if (st == SE_OK) /* a secret header: scrubbed from every message, redacted in dry runs */
        st = sei_http_add_header_owned(out, "X-Amz-Bearer", sei_strdup(token->valuestring), true);
    if (st == SE_OK)
        st = sei_http_add_header(out, "Content-Type", "application/json", false);

    /* generated once here, so every retry of this send carries the same token */
    static const char key[] = "\"ClientToken\":\"";
    char member[sizeof key + 37] = "", *uuid = member + sizeof key - 1; /* key, then "<uuid>" */
    if (st == SE_OK && !is_create_connection(op) &&
        !cJSON_GetObjectItemCaseSensitive(req, "ClientToken") && (st = sei_uuid4(uuid)) == SE_OK) {
        memcpy(member, key, sizeof key - 1);
        memcpy(uuid + 36, "\"", 2);
    }
    if (st != SE_OK)
        return st;
    if (!is_create_connection(op)) { /* on the response, to send the same event again later */
        const cJSON *given = cJSON_GetObjectItemCaseSensitive(req, "ClientToken");
        char *token = member[0]               ? sei_strndup(uuid, 36)
                      : cJSON_IsString(given) ? sei_strdup(given->valuestring)
                                              : NULL;
        if (!token && (member[0] || cJSON_IsString(given)))
            return SE_E_NOMEM;
        if (token)
            sei_bufref_set(&out->client_token, token, strlen(token), free);
    }

    /* The token is a header parameter, not part of the body: cut out of the
     * caller's text when it can be sent as written, else the tree without it. */
    size_t spliced_len;
    char *spliced = out->source ? sei_json_splice(out->source, out->source_len, token_key,
                                                  member[0] ? member : NULL, &spliced_len)
                                : NULL;
    if (spliced)
        return sei_http_set_body(out, spliced, spliced_len);
    cJSON_Delete(cJSON_DetachItemFromObjectCaseSensitive(req, token_key));
    if (member[0]) {
        uuid[36] = '\0';
        if (!cJSON_AddStringToObject(req, "ClientToken", uuid))
            return SE_E_NOMEM;
    }
    return sei_set_json_body(out, req, true);
}

/* AWS codes: cut at the first ':' and keep what follows the last '#'. */
static char *normalize_aws_code(const char *code) {
    size_t n = strcspn(code, ":");
    const char *start = code;
    for (const char *p = code; p < code + n; p++)
        if (*p == '#')
            start = p + 1;
    return sei_strndup(start, n - (size_t)(start - code));
}

/* The code from x-amzn-ErrorType, else the body's code, Code or __type; the
 * body's message or Message. */
static void connect_parse_error(se_response *r, const cJSON *json, const sei_attempt *a) {
    const char *header = sei_attempt_header(a, "x-amzn-ErrorType");
    if (header) {
        r->provider_code = normalize_aws_code(header);
    } else {
        const char *keys[] = {"code", "Code", "__type"};
        for (int i = 0; i < 3 && !r->provider_code; i++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(json, keys[i]);
            if (cJSON_IsString(v))
                r->provider_code = normalize_aws_code(v->valuestring);
        }
    }
    r->message = sei_json_dup_string(json, "message");
    if (!r->message)
        r->message = sei_json_dup_string(json, "Message");
}

static bool connect_retryable_rejection(const sei_attempt *a) {
    if (a->http_status != 400)
        return false;
    const char *type = sei_attempt_header(a, "x-amzn-ErrorType");
    return type && strstr(type, "Throttling");
}

static const char *const connect_request_id_headers[] = {"x-amzn-RequestId", NULL};
static const char *const connect_id_fields[] = {"Id", NULL};

const sei_provider sei_provider_connect = {
    .name = "connect",
    .title = "Amazon Connect Participant Service",
    .ops = connect_ops,
    .n_ops = sizeof connect_ops / sizeof connect_ops[0],
    .options = connect_options,
    .n_options = sizeof connect_options / sizeof connect_options[0],
    .aliases = connect_aliases,
    .check_config = connect_check_config,
    .url = connect_url,
    .build = connect_build,
    .retryable_rejection = connect_retryable_rejection,
    .parse_error = connect_parse_error,
    .request_id_headers = connect_request_id_headers,
    .id_fields = connect_id_fields,
    .time_field = "AbsoluteTime",
    .idempotent = true,
    .unsigned_note = "chat items arrive on the participant websocket the client opened "
                     "with its own ConnectionToken",
    .parse_callback = sei_connect_parse_callback,
};
