/* providers/connect/validate.c - Amazon Connect Participant Service. Messages name the
 * tokens but never quote them: they are credentials. */
#include <string.h>

#include "checks.h"
#include "validate/rules.h"

#define EVENT_PREFIX "application/vnd.amazonaws.connect.event."
static const char TYPING[] = EVENT_PREFIX "typing";
static const char DELIVERED[] = EVENT_PREFIX "message.delivered";
static const char READ[] = EVENT_PREFIX "message.read";
static const char ACKNOWLEDGED[] = EVENT_PREFIX "connection.acknowledged";

static const char *const EVENT_TYPES[] = {TYPING, DELIVERED, READ, ACKNOWLEDGED, NULL};
static const sei_enum event_type_enum = {EVENT_TYPES, "content type"};
static const char *const MESSAGE_TYPES[] = {
    "text/plain", "text/markdown", "application/json",
    "application/vnd.amazonaws.connect.message.interactive.response", NULL};
static const sei_enum message_type_enum = {MESSAGE_TYPES, "content type"};
SEI_CLOSED_ENUM(connection_type_enum, "WEBSOCKET", "CONNECTION_CREDENTIALS", "WEBRTC_CONNECTION");

/* Tokens travel as the X-Amz-Bearer header: a CR or LF would split it. */
static const sei_chars header_chars = {0, NULL};
#define TOKEN(n)                                                                                   \
    {                                                                                              \
        .name = (n), .type = SEI_V_STRING, .required = 1, .min = 1, .max = 1000,                   \
        .check = sei_v_chars, .arg = &header_chars                                                 \
    }
#define CLIENT_TOKEN SEI_STRLEN("ClientToken", 0, 1, 500)
#define CONTENT(req) SEI_STRLEN("Content", req, 1, 16384)

/* Receipts carry {"messageId": "..."} as a JSON string; the acknowledged
 * event moved to CreateParticipantConnection. */
static se_status check_event_content(cJSON *req, const char *path, const void *arg, sei_diag *d) {
    const char *type = cJSON_GetObjectItemCaseSensitive(req, "ContentType")->valuestring;
    cJSON *content = cJSON_GetObjectItemCaseSensitive(req, "Content");
    se_status rc = SE_OK;
    (void)path;
    (void)arg;
    if (strcmp(type, ACKNOWLEDGED) == 0)
        sei_diag_warn(d,
                      "ContentType: %s is deprecated since 2024-12-31: use create_connection "
                      "with ConnectParticipant: true",
                      ACKNOWLEDGED);
    if (strcmp(type, DELIVERED) != 0 && strcmp(type, READ) != 0)
        return SE_OK;
    if (!content)
        return sei_diag_fail(d, "Content: required when ContentType is %s", type);
    cJSON *body = cJSON_ParseWithOpts(content->valuestring, NULL, 1);
    cJSON *id = cJSON_GetObjectItemCaseSensitive(body, "messageId");
    if (!cJSON_IsObject(body))
        rc = sei_diag_fail(d, "Content: must be a JSON object encoded as a string, like "
                              "{\"messageId\":\"...\"}");
    else if (!id)
        rc = sei_diag_fail(d, "Content: messageId (in the encoded object) required");
    else if (!cJSON_IsString(id))
        rc = sei_diag_fail(d, "Content: messageId (in the encoded object) must be a string, got %s",
                           sei_json_type_name(id));
    else if (id->valuestring[0] == '\0')
        rc = sei_diag_fail(d, "Content: messageId (in the encoded object) must not be empty");
    cJSON_Delete(body);
    return rc;
}

static const sei_rule send_event_fields[] = {TOKEN("ConnectionToken"),
                                             {.name = "ContentType",
                                              .type = SEI_V_STRING,
                                              .required = 1,
                                              .min = 1,
                                              .max = 100,
                                              .en = &event_type_enum},
                                             CONTENT(0),
                                             CLIENT_TOKEN,
                                             SEI_END};
const sei_spec sei_connect_send_event_spec = {send_event_fields, 1, NULL, check_event_content};

static const sei_rule send_message_fields[] = {TOKEN("ConnectionToken"),
                                               {.name = "ContentType",
                                                .type = SEI_V_STRING,
                                                .required = 1,
                                                .min = 1,
                                                .max = 100,
                                                .en = &message_type_enum},
                                               CONTENT(1),
                                               CLIENT_TOKEN,
                                               SEI_END};
const sei_spec sei_connect_send_message_spec = {send_message_fields, 1, NULL, NULL};

static const sei_rule type_item = {.type = SEI_V_STRING, .en = &connection_type_enum};
static const sei_rule type_items = {.type = SEI_V_ARRAY, .check = sei_v_each, .arg = &type_item};

static se_status check_types(cJSON *v, const char *path, const void *arg, sei_diag *d) {
    se_status rc = sei_v_each(v, path, &type_item, d);
    int i = 0;
    (void)arg;
    for (cJSON *e = v->child; rc == SE_OK && e; e = e->next, i++)
        for (cJSON *p = v->child; p != e; p = p->next)
            if (strcmp(p->valuestring, e->valuestring) == 0)
                return sei_diag_fail(d, "%s[%d]: duplicate value %s", path, i, e->valuestring);
    return rc;
}

static se_status check_connection(cJSON *req, const char *path, const void *arg, sei_diag *d) {
    (void)path;
    (void)arg;
    if (!cJSON_GetObjectItemCaseSensitive(req, "Type") &&
        !cJSON_GetObjectItemCaseSensitive(req, "ConnectParticipant"))
        return sei_diag_fail(d, "request: at least one of Type, ConnectParticipant is required");
    return SE_OK;
}

static const sei_rule connection_fields[] = {
    TOKEN("ParticipantToken"),
    {.name = "Type", .type = SEI_V_ARRAY, .min = 1, .check = check_types, .list_as = &type_items},
    SEI_BOOL("ConnectParticipant"),
    SEI_END};
const sei_spec sei_connect_create_connection_spec = {connection_fields, 1, NULL, check_connection};

static const sei_rule disconnect_fields[] = {TOKEN("ConnectionToken"), CLIENT_TOKEN, SEI_END};
const sei_spec sei_connect_disconnect_spec = {disconnect_fields, 1, NULL, NULL};

se_status sei_check_connect_send_event(cJSON *req, sei_diag *d) {
    return sei_v_request(req, &sei_connect_send_event_spec, d);
}

se_status sei_check_connect_send_message(cJSON *req, sei_diag *d) {
    return sei_v_request(req, &sei_connect_send_message_spec, d);
}

se_status sei_check_connect_create_connection(cJSON *req, sei_diag *d) {
    return sei_v_request(req, &sei_connect_create_connection_spec, d);
}

se_status sei_check_connect_disconnect(cJSON *req, sei_diag *d) {
    return sei_v_request(req, &sei_connect_disconnect_spec, d);
}
