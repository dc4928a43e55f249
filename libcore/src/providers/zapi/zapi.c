/* providers/zapi/zapi.c - Z-API (WhatsApp) event and text routes. The instance id and
 * token are secrets that travel in the URL path: only the redacted URL is ever
 * shown. Some failures come as 200 {"value": false}. */
#include <stdlib.h>
#include <string.h>

#include "callbacks.h"
#include "checks.h"
#include "providers/common.h"

static const sei_operation zapi_ops[] = {
    {"send_event", "send-event", sei_check_zapi_send_event, "a WhatsApp group event",
     "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":\"Standup\","
     "\"dateTime\":\"2024-04-29T09:30:00Z\"}}",
     &sei_zapi_send_event_spec},
    {"edit_event", "send-edit-event", sei_check_zapi_edit_event,
     "edit an event (re-send every field)",
     "{\"phone\":\"120363019502650977-group\",\"eventMessageId\":\"MESSAGE_ID\","
     "\"event\":{\"name\":\"Standup\",\"dateTime\":\"2024-04-29T10:00:00Z\"}}",
     &sei_zapi_edit_event_spec},
    {"respond_event", "send-event-response", sei_check_zapi_respond_event,
     "answer an event: GOING or NOT_GOING",
     "{\"phone\":\"120363019502650977-group\",\"eventMessageId\":\"MESSAGE_ID\","
     "\"eventResponse\":\"GOING\"}",
     &sei_zapi_respond_event_spec},
    {"send_message", "send-text", sei_check_zapi_send_message,
     "a text message; also a reply (messageId) or an edit (editMessageId)",
     "{\"phone\":\"5511999999999\",\"message\":\"Hello\"}", &sei_zapi_send_message_spec},
};
_Static_assert(sizeof zapi_ops / sizeof zapi_ops[0] <= SEI_MAX_OPERATIONS, "client URL cache size");

enum { ZAPI_O_INSTANCE_ID = O_COMMON_COUNT, ZAPI_O_TOKEN, ZAPI_O_CLIENT_TOKEN, ZAPI_O_END };

/* one row per slot above, in its order */
static const sei_option zapi_options[] = {
    {.key = "instance_id",
     .kind = SEI_OPT_SECRET,
     .max_len = 256,
     .help = "instance id (required; a secret in the URL path)"},
    {.key = "token",
     .kind = SEI_OPT_SECRET,
     .max_len = 256,
     .help = "instance token (required; a secret in the URL path)"},
    {.key = "client_token",
     .kind = SEI_OPT_SECRET,
     .max_len = 256,
     .help = "account security token, sent as Client-Token when set"},
};
_Static_assert(sizeof zapi_options / sizeof zapi_options[0] == ZAPI_O_END - O_COMMON_COUNT &&
                   ZAPI_O_END - O_COMMON_COUNT <= SEI_MAX_PROVIDER_OPTIONS,
               "one row per option slot");

static se_status zapi_check_config(const se_client *c, sei_diag *d) {
    se_status st = sei_require_option(c, ZAPI_O_INSTANCE_ID, d);
    if (st == SE_OK)
        st = sei_check_path_id(sei_opt_str(c, ZAPI_O_INSTANCE_ID), "instance_id", d);
    if (st == SE_OK)
        st = sei_require_option(c, ZAPI_O_TOKEN, d);
    if (st == SE_OK)
        st = sei_check_path_id(sei_opt_str(c, ZAPI_O_TOKEN), "token", d);
    return st;
}

static se_status zapi_url(const se_client *c, const sei_operation *op, sei_http_request *out) {
    const sei_url_part path[] = {
        {"/instances/", URL_TEXT}, {sei_opt_str(c, ZAPI_O_INSTANCE_ID), URL_SECRET},
        {"/token/", URL_TEXT},     {sei_opt_str(c, ZAPI_O_TOKEN), URL_SECRET},
        {"/", URL_TEXT},           {op->route, URL_TEXT},
        {NULL, URL_TEXT}};
    return sei_set_url(out, c, "https://api.z-api.io", path);
}

/* the headers build() adds: Content-Type, Client-Token */
_Static_assert(2 <= SEI_MAX_HEADERS, "a request holds SEI_MAX_HEADERS headers");

static se_status zapi_build(const se_client *c, const sei_operation *op, cJSON *req,
                            sei_http_request *out, sei_diag *d) {
    (void)op;
    (void)d;
    se_status st = sei_http_add_header(out, "Content-Type", "application/json", false);
    if (st == SE_OK && sei_opt_str(c, ZAPI_O_CLIENT_TOKEN))
        st = sei_http_add_header_owned(out, "Client-Token",
                                       sei_strdup(sei_opt_str(c, ZAPI_O_CLIENT_TOKEN)), true);
    if (st == SE_OK)
        st = sei_set_json_body(out, req, false);
    return st;
}

/* {"error": "..."} or {"message": "..."}; 200 {"value": false} */
static void zapi_parse_error(se_response *r, const cJSON *json, const sei_attempt *a) {
    (void)a;
    r->message = sei_json_dup_string(json, "error");
    if (!r->message)
        r->message = sei_json_dup_string(json, "message");
    if (!r->message && cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(json, "value")))
        r->message = sei_strdup("the provider answered {\"value\": false}");
}

static const char *const zapi_id_fields[] = {"messageId", "id", NULL};

const sei_provider sei_provider_zapi = {
    .name = "zapi",
    .title = "Z-API (WhatsApp)",
    .ops = zapi_ops,
    .n_ops = sizeof zapi_ops / sizeof zapi_ops[0],
    .options = zapi_options,
    .n_options = sizeof zapi_options / sizeof zapi_options[0],
    .check_config = zapi_check_config,
    .url = zapi_url,
    .build = zapi_build,
    .parse_error = zapi_parse_error,
    .rejected_if_false = "value",
    .id_fields = zapi_id_fields,
    .time_field = NULL,
    .idempotent = false,
    .unsigned_note = "Z-API does not sign its webhooks; authenticate them by a secret path "
                     "segment or an IP allow-list",
    .parse_callback = sei_zapi_parse_callback,
};
