/* providers/zapi/callbacks.c - Z-API webhooks (providers.md §2, "Webhooks"):
 * ReceivedCallback, MessageStatusCallback, DeliveryCallback, presence and
 * connection events. They are not signed. Z-API re-sends a callback that is
 * not answered 200 within about 3 s: the dedup key (type, message ids, status)
 * is the same for the same callback sent again. */
#include "callbacks.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "callback.h"
#include "dynbuf.h"

/* normalized name, Z-API's member */
static const char *const copied[][2] = {
    {"instance_id", "instanceId"},
    {"phone", "phone"},
    {"message_id", "messageId"},
    {"zaap_id", "zaapId"},
    {"status", "status"},
    {"moment", "momment"}, /* [sic]: milliseconds */
    {"from_me", "fromMe"},
    {"is_group", "isGroup"},
    {"chat_name", "chatName"},
    {"sender_name", "senderName"},
    {"participant_phone", "participantPhone"},
    {"reference_message_id", "referenceMessageId"},
    {"connected_phone", "connectedPhone"},
    {"error", "error"},
};

/* MessageStatusCallback's ids[], joined with ',' (the strings only). */
static se_status join_ids(se_callback *cb, const cJSON *ids) {
    if (!cJSON_IsArray(ids))
        return SE_OK;
    sei_dynbuf b;
    sei_dynbuf_init(&b, 0);
    const cJSON *id;
    bool any = false;
    cJSON_ArrayForEach(id, ids) {
        if (!cJSON_IsString(id))
            continue;
        if (any)
            sei_dynbuf_adds(&b, ",");
        sei_dynbuf_adds(&b, id->valuestring);
        any = true;
    }
    char *text = sei_dynbuf_take(&b, NULL);
    if (!text)
        return SE_E_NOMEM;
    se_status st = any ? sei_callback_set(cb, "ids", text) : SE_OK;
    free(text);
    return st;
}

se_status sei_zapi_parse_callback(se_callback *cb, const cJSON *root) {
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
    se_status st = cJSON_IsString(type) && *type->valuestring
                       ? sei_callback_set(cb, "kind", type->valuestring)
                       : SE_OK;
    if (st == SE_OK)
        st = sei_callback_set_json(cb, "type", type);
    for (size_t i = 0; st == SE_OK && i < sizeof copied / sizeof copied[0]; i++)
        st = sei_callback_copy(cb, copied[i][0], root, copied[i][1]);
    if (st == SE_OK)
        st = join_ids(cb, cJSON_GetObjectItemCaseSensitive(root, "ids"));
    /* the id: the message's, else the first of a status report's ids */
    const char *mid = sei_callback_field(cb, "message_id");
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "ids"), 0);
    if (st == SE_OK)
        st = mid ? sei_callback_set(cb, "id", mid) : sei_callback_set_json(cb, "id", first);
    const char *ids = sei_callback_field(cb, "ids");
    const char *which = ids ? ids : mid;
    if (st == SE_OK && which && cJSON_IsString(type)) {
        const char *parts[] = {"zapi", type->valuestring, which, sei_callback_field(cb, "status")};
        st = sei_callback_set_key(cb, "dedup_key", parts, 4);
    }
    return st;
}
