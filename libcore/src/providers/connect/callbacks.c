/* providers/connect/callbacks.c - what arrives on the Amazon Connect
 * participant websocket (providers.md §3, "The participant websocket"):
 * frames {"topic":"aws/chat","content":"<JSON text>"} whose content is a chat
 * item (Type, ContentType, Id, ParticipantRole, receipts), and the other
 * topics (aws/subscribe, aws/heartbeat). A chat item may also be given alone. */
#include "callbacks.h"

#include <string.h>

#include "callback.h"

#define EVENT_PREFIX "application/vnd.amazonaws.connect.event."

/* normalized name, the item's member */
static const char *const copied[][2] = {
    {"type", "Type"},
    {"content_type", "ContentType"},
    {"id", "Id"},
    {"absolute_time", "AbsoluteTime"},
    {"participant_id", "ParticipantId"},
    {"participant_role", "ParticipantRole"},
    {"display_name", "DisplayName"},
    {"contact_id", "ContactId"},
    {"initial_contact_id", "InitialContactId"},
    {"content", "Content"},
};

/* The chat item of a frame: its content parsed (a tree of the callback's own),
 * or NULL when the frame carries none. */
static const cJSON *frame_item(se_callback *cb, const cJSON *root, se_status *st) {
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(root, "content");
    if (cJSON_IsObject(content))
        return content;
    if (!cJSON_IsString(content))
        return NULL;
    cJSON *item = cJSON_Parse(content->valuestring);
    if (!cJSON_IsObject(item)) { /* not a chat item: the content stays a field */
        cJSON_Delete(item);
        *st = sei_callback_set(cb, "content", content->valuestring);
        return NULL;
    }
    sei_callback_set_item(cb, item);
    return item;
}

/* Receipts (MESSAGEMETADATA): the message they are for and the first receipt;
 * read and delivered events: the message id inside their Content. */
static se_status read_receipts(se_callback *cb, const cJSON *item) {
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(item, "MessageMetadata");
    const cJSON *r = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(meta, "Receipts"), 0);
    se_status st = sei_callback_copy(cb, "message_id", meta, "MessageId");
    if (st == SE_OK)
        st = sei_callback_copy(cb, "recipient_participant_id", r, "RecipientParticipantId");
    if (st == SE_OK)
        st = sei_callback_copy(cb, "read_timestamp", r, "ReadTimestamp");
    if (st == SE_OK)
        st = sei_callback_copy(cb, "delivered_timestamp", r, "DeliveredTimestamp");
    const char *ct = sei_callback_field(cb, "content_type");
    const char *status = sei_callback_field(cb, "read_timestamp")        ? "READ"
                         : sei_callback_field(cb, "delivered_timestamp") ? "DELIVERED"
                         : !ct                                           ? NULL
                         : !strcmp(ct, EVENT_PREFIX "message.read")      ? "READ"
                         : !strcmp(ct, EVENT_PREFIX "message.delivered") ? "DELIVERED"
                                                                         : NULL;
    if (st == SE_OK)
        st = sei_callback_set(cb, "status", status);
    if (st == SE_OK && status && !sei_callback_field(cb, "message_id")) {
        const char *content = sei_callback_field(cb, "content");
        cJSON *c = content ? cJSON_Parse(content) : NULL;
        st = sei_callback_copy(cb, "message_id", c, "messageId");
        cJSON_Delete(c);
    }
    return st;
}

se_status sei_connect_parse_callback(se_callback *cb, const cJSON *root) {
    se_status st = SE_OK;
    const cJSON *topic = cJSON_GetObjectItemCaseSensitive(root, "topic");
    const cJSON *item = cJSON_IsString(topic) ? frame_item(cb, root, &st) : root;
    if (st == SE_OK)
        st = sei_callback_set_json(cb, "topic", topic);
    for (size_t i = 0; st == SE_OK && item && i < sizeof copied / sizeof copied[0]; i++)
        st = sei_callback_copy(cb, copied[i][0], item, copied[i][1]);
    if (st == SE_OK && item)
        st = read_receipts(cb, item);
    const char *type = sei_callback_field(cb, "type");
    const char *kind = type ? type : cJSON_IsString(topic) ? topic->valuestring : NULL;
    if (st == SE_OK)
        st = sei_callback_set(cb, "kind", kind);
    const char *id = sei_callback_field(cb, "id");
    if (st == SE_OK && id) { /* chat item ids are unique: the same item again has the same */
        const char *parts[] = {"connect", id};
        st = sei_callback_set_key(cb, "dedup_key", parts, 2);
    }
    return st;
}
