/* test_callbacks.c - se_callback: Sinch callbacks (delivery reports, inbound
 * messages and events, notifications, unknown triggers), Z-API webhooks
 * (received, status, delivery; re-sends share a dedup key), Connect websocket
 * frames and chat items (receipts, events, other topics), and bodies that are
 * not callbacks at all. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sendevent/sendevent.h"

static se_callback *parse(const char *provider, const char *body) {
    se_callback *cb = NULL;
    se_status st = se_callback_parse(&cb, provider, body, strlen(body));
    CHECK_INT(st, SE_OK);
    if (st != SE_OK)
        fprintf(stderr, "  %s\n", se_last_error());
    return cb;
}

static const char *get(const se_callback *cb, const char *field) {
    return se_callback_get(cb, field);
}

/* se_callback_json as a string compared, then freed */
static void check_json(const se_callback *cb, const char *path, const char *want) {
    char *out = NULL;
    CHECK_INT(se_callback_json(cb, path, &out), SE_OK);
    CHECK_STR(out, want);
    se_free(out);
}

static const char SINCH_DELIVERY[] =
    "{\"app_id\":\"01APP\",\"accepted_time\":\"2024-05-01T10:00:00.123Z\","
    "\"event_time\":\"2024-05-01T10:00:01Z\",\"project_id\":\"proj-1\","
    "\"message_metadata\":\"order-7\",\"correlation_id\":\"corr-9\","
    "\"message_delivery_report\":{\"message_id\":\"01MSG\",\"conversation_id\":\"01CONV\","
    "\"status\":\"FAILED\",\"channel_identity\":{\"channel\":\"WHATSAPP\",\"identity\":"
    "\"46732000000\",\"app_id\":\"01APP\"},\"contact_id\":\"01CONTACT\",\"reason\":{\"code\":"
    "\"RECIPIENT_NOT_REACHABLE\",\"description\":\"not reachable\",\"sub_code\":\"UNSPECIFIED\"},"
    "\"processing_mode\":\"CONVERSATION\",\"new_field\":42},\"brand_new_envelope\":[1,2]}";

static void test_sinch_delivery(void) {
    se_callback *cb = parse("sinch", SINCH_DELIVERY);
    CHECK_STR(se_callback_provider(cb), "sinch");
    CHECK_STR(se_callback_kind(cb), "MESSAGE_DELIVERY");
    CHECK_STR(get(cb, "trigger"), "MESSAGE_DELIVERY");
    CHECK_STR(get(cb, "id"), "01MSG");
    CHECK_STR(get(cb, "message_id"), "01MSG");
    CHECK_STR(get(cb, "status"), "FAILED");
    CHECK_STR(get(cb, "reason"), "RECIPIENT_NOT_REACHABLE");
    CHECK_STR(get(cb, "reason_description"), "not reachable");
    CHECK_STR(get(cb, "correlation_id"), "corr-9");
    CHECK_STR(get(cb, "metadata"), "order-7");
    CHECK_STR(get(cb, "channel"), "WHATSAPP");
    CHECK_STR(get(cb, "identity"), "46732000000");
    CHECK_STR(get(cb, "conversation_id"), "01CONV");
    CHECK_STR(get(cb, "contact_id"), "01CONTACT");
    CHECK_STR(get(cb, "app_id"), "01APP");
    CHECK_STR(get(cb, "dedup_key"), "sinch:MESSAGE_DELIVERY:01MSG:FAILED");
    CHECK(get(cb, "event_id") == NULL);
    CHECK(get(cb, "no_such_field") == NULL);
    /* unknown fields are kept in the JSON */
    check_json(cb, "message_delivery_report.new_field", "42");
    check_json(cb, "brand_new_envelope[1]", "2");
    check_json(cb, "message_delivery_report.reason.sub_code", "\"UNSPECIFIED\"");
    char *out = (char *)"x";
    CHECK_INT(se_callback_json(cb, "nope.deeper", &out), SE_OK);
    CHECK(out == NULL);
    CHECK_INT(se_callback_json(cb, "a..b", &out), SE_E_INVALID);
    CHECK_INT(se_callback_json(cb, NULL, &out), SE_OK); /* the whole body */
    CHECK_HAS(out, "\"message_delivery_report\":{");
    se_free(out);
    /* every field enumerated, each once */
    size_t n = se_callback_field_count(cb);
    CHECK(n >= 15);
    int kinds = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name, *value;
        CHECK_INT(se_callback_field_at(cb, i, &name, &value), SE_OK);
        CHECK(name && value && !strcmp(se_callback_get(cb, name), value));
        kinds += !strcmp(name, "kind");
    }
    CHECK_INT(kinds, 1);
    const char *name = "x", *value = "y";
    CHECK_INT(se_callback_field_at(cb, n, &name, &value), SE_E_MISUSE);
    CHECK(name == NULL && value == NULL);
    se_callback_free(cb);

    /* the same status for the same message again: the same key; another status: another */
    se_callback *again = parse("sinch", SINCH_DELIVERY);
    CHECK_STR(get(again, "dedup_key"), "sinch:MESSAGE_DELIVERY:01MSG:FAILED");
    se_callback_free(again);
    se_callback *read = parse("sinch", "{\"message_delivery_report\":{\"message_id\":\"01MSG\","
                                       "\"status\":\"READ\"}}");
    CHECK_STR(get(read, "dedup_key"), "sinch:MESSAGE_DELIVERY:01MSG:READ");
    CHECK(get(read, "correlation_id") == NULL);
    se_callback_free(read);
}

static void test_sinch_other_triggers(void) {
    se_callback *cb =
        parse("sinch", "{\"app_id\":\"A\",\"event_delivery_report\":{\"event_id\":\"01EV\","
                       "\"status\":\"DELIVERED\",\"channel_identity\":{\"channel\":\"RCS\"}},"
                       "\"correlation_id\":\"c\"}");
    CHECK_STR(se_callback_kind(cb), "EVENT_DELIVERY");
    CHECK_STR(get(cb, "id"), "01EV");
    CHECK_STR(get(cb, "event_id"), "01EV");
    CHECK_STR(get(cb, "dedup_key"), "sinch:EVENT_DELIVERY:01EV:DELIVERED");
    se_callback_free(cb);

    cb = parse(
        "sinch",
        "{\"app_id\":\"A\",\"message\":{\"id\":\"01IN\",\"direction\":\"TO_APP\","
        "\"contact_message\":{\"text_message\":{\"text\":\"hi\"}},\"channel_identity\":"
        "{\"channel\":\"WHATSAPP\",\"identity\":\"4670\"},\"conversation_id\":\"C\","
        "\"contact_id\":\"K\",\"metadata\":\"m-in\",\"accept_time\":\"2024-01-01T00:00:00Z\"}}");
    CHECK_STR(se_callback_kind(cb), "MESSAGE_INBOUND");
    CHECK_STR(get(cb, "id"), "01IN");
    CHECK_STR(get(cb, "direction"), "TO_APP");
    CHECK_STR(get(cb, "metadata"), "m-in");
    CHECK(get(cb, "status") == NULL);
    CHECK_STR(get(cb, "dedup_key"), "sinch:MESSAGE_INBOUND:01IN");
    check_json(cb, "message.contact_message.text_message.text", "\"hi\"");
    se_callback_free(cb);

    cb = parse("sinch", "{\"event\":{\"id\":\"01E\",\"contact_event\":{\"composing_event\":{}}}}");
    CHECK_STR(se_callback_kind(cb), "EVENT_INBOUND");
    CHECK_STR(get(cb, "id"), "01E");
    se_callback_free(cb);

    cb = parse("sinch", "{\"project_id\":\"P\",\"contact_create_notification\":{\"contact\":"
                        "{\"id\":\"01C\"}}}");
    CHECK_STR(se_callback_kind(cb), "CONTACT_CREATE");
    CHECK(get(cb, "id") == NULL);
    CHECK_HAS(get(cb, "dedup_key"), "sinch:CONTACT_CREATE:sha256:"); /* from the body */
    se_callback_free(cb);

    /* a trigger this library does not know: kept, named, never an error */
    cb = parse("sinch", "{\"app_id\":\"A\",\"hologram_notification\":{\"id\":\"H1\","
                        "\"status\":\"BEAMED\"}}");
    CHECK_STR(se_callback_kind(cb), "UNKNOWN");
    CHECK_STR(get(cb, "payload_member"), "hologram_notification");
    CHECK_STR(get(cb, "id"), "H1");
    CHECK_STR(get(cb, "status"), "BEAMED");
    se_callback_free(cb);

    cb = parse("sinch", "{}");
    CHECK_STR(se_callback_kind(cb), "UNKNOWN");
    CHECK_HAS(get(cb, "dedup_key"), "sinch:UNKNOWN:sha256:");
    se_callback_free(cb);
}

static const char ZAPI_RECEIVED[] =
    "{\"isStatusReply\":false,\"chatLid\":\"123@lid\",\"connectedPhone\":\"5511999990000\","
    "\"waitingMessage\":false,\"isEdit\":false,\"isGroup\":false,\"isNewsletter\":false,"
    "\"instanceId\":\"INST1\",\"messageId\":\"3EB0ABC\",\"phone\":\"5511988887777\","
    "\"fromMe\":false,\"momment\":1714557600123,\"status\":\"RECEIVED\",\"chatName\":\"Ana\","
    "\"senderName\":\"Ana\",\"type\":\"ReceivedCallback\",\"text\":{\"message\":\"oi\"}}";

static void test_zapi(void) {
    se_callback *cb = parse("zapi", ZAPI_RECEIVED);
    CHECK_STR(se_callback_kind(cb), "ReceivedCallback");
    CHECK_STR(get(cb, "id"), "3EB0ABC");
    CHECK_STR(get(cb, "message_id"), "3EB0ABC");
    CHECK_STR(get(cb, "instance_id"), "INST1");
    CHECK_STR(get(cb, "phone"), "5511988887777");
    CHECK_STR(get(cb, "status"), "RECEIVED");
    CHECK_STR(get(cb, "moment"), "1714557600123");
    CHECK_STR(get(cb, "from_me"), "false");
    CHECK_STR(get(cb, "is_group"), "false");
    CHECK_STR(get(cb, "dedup_key"), "zapi:ReceivedCallback:3EB0ABC:RECEIVED");
    check_json(cb, "text.message", "\"oi\"");
    se_callback_free(cb);

    const char *status = "{\"instanceId\":\"INST1\",\"status\":\"READ\",\"ids\":[\"3EB0A\","
                         "\"3EB0B\"],\"momment\":1714557601000,\"phoneDevice\":0,\"phone\":"
                         "\"5511988887777\",\"isGroup\":false,\"type\":\"MessageStatusCallback\"}";
    cb = parse("zapi", status);
    CHECK_STR(se_callback_kind(cb), "MessageStatusCallback");
    CHECK_STR(get(cb, "ids"), "3EB0A,3EB0B");
    CHECK_STR(get(cb, "id"), "3EB0A");
    CHECK_STR(get(cb, "status"), "READ");
    CHECK_STR(get(cb, "dedup_key"), "zapi:MessageStatusCallback:3EB0A,3EB0B:READ");
    /* Z-API re-sends it (not answered within 3 s): the same key */
    se_callback *resent = parse("zapi", status);
    CHECK_STR(get(resent, "dedup_key"), get(cb, "dedup_key"));
    se_callback_free(resent);
    se_callback_free(cb);
    /* the next status of the same message is another callback */
    cb = parse("zapi", "{\"status\":\"PLAYED\",\"ids\":[\"3EB0A\",\"3EB0B\"],"
                       "\"type\":\"MessageStatusCallback\"}");
    CHECK_STR(get(cb, "dedup_key"), "zapi:MessageStatusCallback:3EB0A,3EB0B:PLAYED");
    se_callback_free(cb);

    cb = parse("zapi", "{\"phone\":\"5511988887777\",\"zaapId\":\"Z1\",\"messageId\":\"M1\","
                       "\"type\":\"DeliveryCallback\",\"instanceId\":\"INST1\"}");
    CHECK_STR(se_callback_kind(cb), "DeliveryCallback");
    CHECK_STR(get(cb, "zaap_id"), "Z1");
    CHECK_STR(get(cb, "dedup_key"), "zapi:DeliveryCallback:M1");
    se_callback_free(cb);

    cb = parse("zapi", "{\"type\":\"PresenceChatCallback\",\"phone\":\"55119\",\"status\":"
                       "\"COMPOSING\",\"lastSeen\":null,\"instanceId\":\"I\"}");
    CHECK_STR(se_callback_kind(cb), "PresenceChatCallback");
    CHECK(get(cb, "id") == NULL);
    CHECK_HAS(get(cb, "dedup_key"), "zapi:PresenceChatCallback:sha256:");
    se_callback_free(cb);

    cb = parse("zapi", "{\"momment\":1}");
    CHECK_STR(se_callback_kind(cb), "UNKNOWN");
    se_callback_free(cb);
}

static void test_connect(void) {
    const char *frame =
        "{\"topic\":\"aws/chat\",\"contentType\":\"application/json\",\"content\":"
        "\"{\\\"AbsoluteTime\\\":\\\"2024-05-01T10:00:00.000Z\\\",\\\"Content\\\":\\\"hello\\\","
        "\\\"ContentType\\\":\\\"text/plain\\\",\\\"Id\\\":\\\"item-1\\\",\\\"Type\\\":"
        "\\\"MESSAGE\\\",\\\"ParticipantId\\\":\\\"p-agent\\\",\\\"DisplayName\\\":\\\"Ana\\\","
        "\\\"ParticipantRole\\\":\\\"AGENT\\\",\\\"InitialContactId\\\":\\\"c-0\\\","
        "\\\"ContactId\\\":\\\"c-1\\\",\\\"Future\\\":{\\\"x\\\":1}}\"}";
    se_callback *cb = parse("connect", frame);
    CHECK_STR(se_callback_kind(cb), "MESSAGE");
    CHECK_STR(get(cb, "topic"), "aws/chat");
    CHECK_STR(get(cb, "id"), "item-1");
    CHECK_STR(get(cb, "content_type"), "text/plain");
    CHECK_STR(get(cb, "participant_role"), "AGENT");
    CHECK_STR(get(cb, "content"), "hello");
    CHECK_STR(get(cb, "contact_id"), "c-1");
    CHECK_STR(get(cb, "dedup_key"), "connect:item-1");
    check_json(cb, "Future.x", "1"); /* the chat item, parsed from the frame's content */
    se_callback_free(cb);

    const char *receipt =
        "{\"Type\":\"MESSAGEMETADATA\",\"Id\":\"meta-1\",\"ContentType\":"
        "\"application/vnd.amazonaws.connect.message.metadata\",\"MessageMetadata\":{"
        "\"MessageId\":\"item-1\",\"Receipts\":[{\"ReadTimestamp\":\"2024-05-01T10:00:05.000Z\","
        "\"RecipientParticipantId\":\"p-customer\"}]}}";
    cb = parse("connect", receipt); /* a chat item on its own */
    CHECK_STR(se_callback_kind(cb), "MESSAGEMETADATA");
    CHECK_STR(get(cb, "message_id"), "item-1");
    CHECK_STR(get(cb, "status"), "READ");
    CHECK_STR(get(cb, "recipient_participant_id"), "p-customer");
    CHECK_STR(get(cb, "read_timestamp"), "2024-05-01T10:00:05.000Z");
    CHECK(get(cb, "topic") == NULL);
    se_callback_free(cb);

    cb = parse("connect", "{\"Type\":\"EVENT\",\"Id\":\"ev-2\",\"ContentType\":"
                          "\"application/vnd.amazonaws.connect.event.message.delivered\","
                          "\"Content\":\"{\\\"messageId\\\":\\\"item-9\\\"}\","
                          "\"ParticipantRole\":\"CUSTOMER\"}");
    CHECK_STR(se_callback_kind(cb), "EVENT");
    CHECK_STR(get(cb, "status"), "DELIVERED");
    CHECK_STR(get(cb, "message_id"), "item-9");
    se_callback_free(cb);

    cb = parse("connect", "{\"Type\":\"EVENT\",\"Id\":\"ev-3\",\"ContentType\":"
                          "\"application/vnd.amazonaws.connect.event.typing\"}");
    CHECK(get(cb, "status") == NULL);
    se_callback_free(cb);

    cb = parse("connect", "{\"topic\":\"aws/heartbeat\"}");
    CHECK_STR(se_callback_kind(cb), "aws/heartbeat");
    se_callback_free(cb);
    cb = parse("connect", "{\"topic\":\"aws/subscribe\",\"content\":{\"status\":\"success\","
                          "\"topics\":[\"aws/chat\"]}}");
    CHECK_STR(se_callback_kind(cb), "aws/subscribe");
    se_callback_free(cb);
    cb = parse("connect", "{\"topic\":\"aws/chat\",\"content\":\"not json\"}");
    CHECK_STR(se_callback_kind(cb), "aws/chat");
    CHECK_STR(get(cb, "content"), "not json");
    se_callback_free(cb);
}

static void test_not_callbacks(void) {
    se_callback *cb = (se_callback *)&cb;
    const char *bad[] = {"", "not json", "[1,2]", "\"text\"", "{\"a\":1} trailing", "{\"a\":"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(se_callback_parse(&cb, "sinch", bad[i], strlen(bad[i])), SE_E_INVALID);
        CHECK(cb == NULL);
        CHECK_HAS(se_last_error(), "callback body:");
    }
    /* a NUL inside: the body ends where its length says, not at the NUL */
    CHECK_INT(se_callback_parse(&cb, "zapi", "{\"a\":1}\0{}", 10), SE_E_INVALID);
    char deep[400];
    memset(deep, '[', 200);
    memset(deep + 200, ']', 200);
    CHECK_INT(se_callback_parse(&cb, "connect", deep, 400), SE_E_INVALID);
    CHECK_HAS(se_last_error(), "deeper");
    CHECK_INT(se_callback_parse(&cb, "whatsapp", "{}", 2), SE_E_INVALID);
    CHECK_HAS(se_last_error(), "unknown provider 'whatsapp'");
    CHECK_INT(se_callback_parse(NULL, "sinch", "{}", 2), SE_E_MISUSE);
    CHECK_INT(se_callback_parse(&cb, "sinch", NULL, 2), SE_E_MISUSE);
    CHECK(se_callback_kind(NULL) != NULL);
    CHECK(se_callback_get(NULL, "id") == NULL);
    CHECK_INT(se_callback_field_count(NULL), 0);
    se_callback_free(NULL);
}

int main(void) {
    test_sinch_delivery();
    test_sinch_other_triggers();
    test_zapi();
    test_connect();
    test_not_callbacks();
    return se_test_summary("callbacks");
}
