/* test_wire.c - every operation of every provider against sendevent-emulator:
 * what went out on the wire (method, path, headers, body, as the emulator
 * recorded it) and what the response reports. What a client keeps from one
 * request to the next (connections, shared request parts, the proxy
 * environment) is in test_wire_reuse.c. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "emu.h"
#include "internal.h"
#include "sendevent/sendevent.h"
#include "wire_support.h"

static void check_body(const cJSON *req, const char *want_json) {
    cJSON *want = cJSON_Parse(want_json);
    const cJSON *got = cJSON_GetObjectItem(req, "body");
    CHECK(want != NULL);
    if (!cJSON_Compare(got, want, 1)) {
        char *g = cJSON_PrintUnformatted(got);
        fprintf(stderr, "body %s, want %s\n", g, want_json);
        free(g);
        CHECK(!"body differs");
    }
    cJSON_Delete(want);
}

static const char *const SINCH_OAUTH[] = {
    "project_id", "proj-1", "key_id", EMU_SINCH_KEY_ID, "key_secret", EMU_SINCH_KEY_SECRET, NULL};

static void test_sinch_basic(void) {
    se_client *c = client("sinch", SINCH_BASIC);
    se_response *r = send_ok(c, "send_event", EVENT);
    cJSON *list;
    const cJSON *req = last_request(&list, "send_event", "/v1/projects/proj-1/events:send");
    char *pair = sei_base64((const unsigned char *)EMU_SINCH_KEY_ID ":" EMU_SINCH_KEY_SECRET,
                            strlen(EMU_SINCH_KEY_ID ":" EMU_SINCH_KEY_SECRET));
    char want[256];
    snprintf(want, sizeof want, "Basic %s", pair);
    CHECK_STR(emu_req_header(req, "authorization"), want);
    free(pair);
    check_body(req, EVENT);
    CHECK(se_response_id(r) && strlen(se_response_id(r)) > 0);
    CHECK_STR(se_response_get_string(r, "event_id"), se_response_id(r));
    CHECK(se_response_accepted_time(r) != NULL);
    CHECK_STR(se_response_accepted_time(r), se_response_get_string(r, "accepted_time"));
    CHECK_INT(se_response_attempts(r), 1);
    CHECK(se_response_elapsed(r) > 0);
    CHECK(se_response_error_message(r) == NULL && se_response_provider_code(r) == NULL);
    char *field = NULL;
    CHECK_INT(se_response_get(r, "event_id", &field), SE_OK);
    CHECK(field && field[0] == '"');
    se_free(field);
    CHECK_INT(se_response_get(r, "nope", &field), SE_OK); /* missing is not an error */
    CHECK(field == NULL);
    CHECK_INT(se_response_get(r, "a..b", &field), SE_E_INVALID);
    CHECK(!strncmp(se_response_request_line(r), "POST http://127.0.0.1:", 22));
    CHECK_HAS(se_response_request_line(r), "/v1/projects/proj-1/events:send");
    /* headers: enumerated in order, looked up case-insensitively */
    size_t nh = se_response_header_count(r);
    CHECK(nh >= 2);
    const char *hn = NULL, *hv = NULL;
    bool saw_type = false;
    for (size_t i = 0; i < nh; i++) {
        CHECK_INT(se_response_header_at(r, i, &hn, &hv), SE_OK);
        if (!strcasecmp(hn, "content-type")) {
            saw_type = true;
            CHECK_STR(se_response_header(r, "CONTENT-TYPE"), hv);
        }
    }
    CHECK(saw_type);
    CHECK_INT(se_response_header_at(r, nh, &hn, &hv), SE_E_MISUSE);
    CHECK(hn == NULL && hv == NULL);
    cJSON_Delete(list);
    se_response_free(r);

    r = send_ok(c, "send_message", MESSAGE);
    req = last_request(&list, "send_message", "/v1/projects/proj-1/messages:send");
    const char *ttl =
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(req, "body"), "ttl"));
    CHECK_STR(ttl, "10s");
    CHECK_STR(se_response_get_string(r, "message_id"), se_response_id(r));
    cJSON_Delete(list);
    se_response_free(r);
    se_client_free(c);
}

static void test_sinch_oauth(void) {
    emu_reset(&E);
    char auth_url[300];
    snprintf(auth_url, sizeof auth_url, "%s/oauth2/token", E.url);
    se_client *c = client("sinch", SINCH_OAUTH);
    CHECK_INT(se_client_set(c, "auth_url", auth_url), SE_OK);
    for (int i = 0; i < 3; i++)
        se_response_free(
            send_ok(c, i % 2 ? "send_message" : "send_event", i % 2 ? MESSAGE : EVENT));
    CHECK_INT(emu_count_op(&E, "oauth_token", false), 1); /* cached between sends */
    cJSON *list = emu_requests(&E, false);
    const cJSON *tok = cJSON_GetArrayItem(list, 0), *send = cJSON_GetArrayItem(list, 1);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(tok, "path")), "/oauth2/token");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(tok, "body_raw")),
              "grant_type=client_credentials");
    CHECK_HAS(emu_req_header(tok, "content-type"), "application/x-www-form-urlencoded");
    CHECK_HAS(emu_req_header(tok, "authorization"), "Basic ");
    CHECK_HAS(emu_req_header(send, "authorization"), "Bearer ");
    cJSON_Delete(list);

    /* the expired-token 401: refreshed once and retried once */
    emu_fault(&E, "{\"provider\":\"sinch\",\"action\":\"expire_token\"}");
    se_response *r = send_ok(c, "send_event", EVENT);
    CHECK_INT(se_response_attempts(r), 2);
    CHECK_INT(emu_count_op(&E, "oauth_token", false), 2);
    se_response_free(r);

    /* a 401 without "expired" (a token the server forgot): dropped, fetched
     * again once, the send retried once (no reset here: it would forget the
     * token the client holds) */
    int tokens_before = emu_count_op(&E, "oauth_token", true);
    emu_fault(&E, "{\"provider\":\"sinch\",\"operation\":\"send_event\",\"status\":401}");
    r = send_ok(c, "send_event", EVENT);
    CHECK_INT(se_response_attempts(r), 2);
    CHECK_INT(emu_count_op(&E, "oauth_token", true), tokens_before + 1);
    se_response_free(r);
    /* a server that refuses the fresh token too: AUTH after one fetch */
    tokens_before = emu_count_op(&E, "oauth_token", true);
    emu_fault(&E, "{\"provider\":\"sinch\",\"operation\":\"send_event\",\"status\":401,"
                  "\"count\":2}");
    r = NULL;
    CHECK_INT(se_send(c, "send_event", EVENT, &r), SE_E_AUTH);
    CHECK_INT(se_response_attempts(r), 2);
    CHECK_INT(se_response_sent(r), SE_SENT_YES);
    CHECK_INT(emu_count_op(&E, "oauth_token", true), tokens_before + 1);
    se_response_free(r);
    /* the token the server forgot: after the emulator's reset, fetched again once */
    emu_reset(&E);
    r = send_ok(c, "send_event", EVENT);
    CHECK_INT(se_response_attempts(r), 2);
    CHECK_INT(emu_count_op(&E, "oauth_token", false), 1);
    CHECK_INT(emu_count_op(&E, "send_event", false), 1);
    se_response_free(r);
    se_client_free(c);
}

/* Sinch's token endpoint answering something other than a token: a 429, a 401. */
static void test_sinch_token_endpoint(void) {
    char auth_url[300];
    snprintf(auth_url, sizeof auth_url, "%s/oauth2/token", E.url);
    /* the token endpoint throttles without Retry-After: backoff, then a token */
    emu_reset(&E);
    se_client *c = client("sinch", SINCH_OAUTH);
    CHECK_INT(se_client_set(c, "auth_url", auth_url), SE_OK);
    emu_fault(&E, "{\"provider\":\"sinch\",\"operation\":\"oauth_token\",\"status\":429}");
    se_response *r = send_ok(c, "send_event", EVENT);
    CHECK_INT(se_response_attempts(r), 1); /* the send itself went out once */
    CHECK_INT(emu_count_op(&E, "oauth_token", true), 2);
    CHECK_INT(emu_count_op(&E, "send_event", true), 1);
    se_response_free(r);
    se_client_free(c);

    /* a token endpoint that refuses the credentials: AUTH, and no send goes out */
    emu_reset(&E);
    c = client("sinch", SINCH_OAUTH);
    CHECK_INT(se_client_set(c, "auth_url", auth_url), SE_OK);
    CHECK_INT(se_client_set(c, "key_secret", "wrong-secret-value"), SE_OK);
    r = NULL;
    CHECK_INT(se_send(c, "send_event", EVENT, &r), SE_E_AUTH);
    CHECK_HAS(se_response_error_message(r), "auth_url: token request failed with HTTP 401");
    CHECK_INT(se_response_http_status(r), 401); /* the token endpoint's answer */
    CHECK(se_response_provider_code(r) != NULL);
    CHECK_LACKS(se_response_error_message(r), "wrong-secret-value");
    CHECK_INT(emu_count_op(&E, "send_event", true), 0);
    se_response_free(r);
    se_client_free(c);
}

static void test_zapi(void) {
    emu_reset(&E);
    se_client *c = client("zapi", ZAPI);
    se_response *r = send_ok(c, "send_event", ZEVENT);
    cJSON *list;
    const cJSON *req =
        last_request(&list, "send_event",
                     "/instances/" EMU_ZAPI_INSTANCE "/token/" EMU_ZAPI_TOKEN "/send-event");
    CHECK_STR(emu_req_header(req, "client-token"), EMU_ZAPI_CLIENT_TOKEN);
    check_body(req, ZEVENT);
    CHECK_STR(se_response_id(r), se_response_get_string(r, "messageId"));
    CHECK(se_response_get_string(r, "zaapId") != NULL);
    CHECK(se_response_accepted_time(r) == NULL);
    char edit[600], respond[300];
    snprintf(
        edit, sizeof edit,
        "{\"phone\":\"120363019502650977-group\",\"eventMessageId\":\"%s\",\"event\":{\"name\":"
        "\"Moved\",\"dateTime\":\"2024-05-01T10:00:00Z\",\"canceled\":false}}",
        se_response_id(r));
    snprintf(respond, sizeof respond,
             "{\"phone\":\"120363019502650977-group\",\"eventMessageId\":\"%s\",\"eventResponse\":"
             "\"NOT_GOING\"}",
             se_response_id(r));
    cJSON_Delete(list);
    se_response_free(r);

    se_response_free(send_ok(c, "edit_event", edit));
    req = last_request(&list, "edit_event",
                       "/instances/" EMU_ZAPI_INSTANCE "/token/" EMU_ZAPI_TOKEN "/send-edit-event");
    check_body(req, edit);
    cJSON_Delete(list);
    se_response_free(send_ok(c, "respond_event", respond));
    req = last_request(&list, "respond_event",
                       "/instances/" EMU_ZAPI_INSTANCE "/token/" EMU_ZAPI_TOKEN
                       "/send-event-response");
    check_body(req, respond);
    cJSON_Delete(list);
    /* send-text: a reply shown as typed for 2 s, in the body as written */
    static const char text[] =
        "{\"phone\":\"5511999999999\",\"message\":\"*Hello* \\u00e9\","
        "\"delayMessage\":3,\"delayTyping\":2,\"messageId\":\"3EB0C767D71D5C6E7E4E\"}";
    r = send_ok(c, "send_message", text);
    req = last_request(&list, "send_message",
                       "/instances/" EMU_ZAPI_INSTANCE "/token/" EMU_ZAPI_TOKEN "/send-text");
    CHECK_STR(emu_req_header(req, "client-token"), EMU_ZAPI_CLIENT_TOKEN);
    check_body(req, text);
    CHECK_STR(se_response_id(r), se_response_get_string(r, "messageId"));
    cJSON_Delete(list);
    se_response_free(r);
    se_client_free(c);
}

static void test_connect(void) {
    emu_reset(&E);
    se_client *c = client("connect", NULL);
    se_response *r = create_connection(c);
    cJSON *list;
    const cJSON *req = last_request(&list, "create_connection", "/participant/connection");
    CHECK_STR(emu_req_header(req, "x-amz-bearer"), EMU_PARTICIPANT_TOKEN);
    check_body(req, "{\"Type\":[\"CONNECTION_CREDENTIALS\"],\"ConnectParticipant\":true}");
    CHECK(se_response_request_id(r) != NULL);
    const char *issued = se_response_get_string(r, "ConnectionCredentials.ConnectionToken");
    CHECK(issued != NULL);
    char ev[600];
    snprintf(
        ev, sizeof ev,
        "{\"ConnectionToken\":\"%s\",\"ContentType\":\"application/vnd.amazonaws.connect.event."
        "message.read\",\"Content\":\"{\\\"messageId\\\":\\\"11111111-aaaa-bbbb-cccc-"
        "EXAMPLE01234\\\"}\"}",
        issued ? issued : "");
    cJSON_Delete(list);
    char token[256];
    snprintf(token, sizeof token, "%s", issued ? issued : "");
    se_response_free(r);

    r = send_ok(c, "send_event", ev);
    req = last_request(&list, "send_event", "/participant/event");
    CHECK_STR(emu_req_header(req, "x-amz-bearer"), token);
    const cJSON *body = cJSON_GetObjectItem(req, "body");
    CHECK(!cJSON_GetObjectItem(body, "ConnectionToken"));
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(body, "Content")),
              "{\"messageId\":\"11111111-aaaa-bbbb-cccc-EXAMPLE01234\"}");
    CHECK(cJSON_GetStringValue(cJSON_GetObjectItem(body, "ClientToken")) != NULL);
    CHECK_STR(se_response_id(r), se_response_get_string(r, "Id"));
    CHECK_STR(se_response_accepted_time(r), se_response_get_string(r, "AbsoluteTime"));
    CHECK_STR(se_response_request_id(r), se_response_header(r, "x-amzn-requestid"));
    cJSON_Delete(list);
    se_response_free(r);

    se_response_free(send_ok(c, "send_message",
                             "{\"ConnectionToken\":\"" EMU_CONNECT_TOKEN "\",\"ContentType\":"
                             "\"text/plain\",\"Content\":\"Hello\",\"ClientToken\":\"ct-1\"}"));
    req = last_request(&list, "send_message", "/participant/message");
    check_body(req,
               "{\"ContentType\":\"text/plain\",\"Content\":\"Hello\",\"ClientToken\":\"ct-1\"}");
    cJSON_Delete(list);

    r = send_ok(c, "disconnect", "{\"ConnectionToken\":\"" EMU_CONNECT_TOKEN "\"}");
    req = last_request(&list, "disconnect", "/participant/disconnect");
    CHECK(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(req, "body"), "ClientToken")));
    CHECK(se_response_id(r) == NULL); /* DisconnectParticipant answers {} */
    cJSON_Delete(list);
    se_response_free(r);

    /* a 500 is retried with the same ClientToken */
    emu_reset(&E);
    emu_fault(&E, "{\"provider\":\"connect\",\"operation\":\"send_event\",\"status\":500}");
    r = send_ok(c, "send_event",
                "{\"ConnectionToken\":\"" EMU_CONNECT_TOKEN "\",\"ContentType\":"
                "\"application/vnd.amazonaws.connect.event.typing\"}");
    CHECK_INT(se_response_attempts(r), 2);
    list = emu_requests(&E, true);
    CHECK_INT(cJSON_GetArraySize(list), 2);
    const char *t1 = cJSON_GetStringValue(cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "body"), "ClientToken"));
    const char *t2 = cJSON_GetStringValue(cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(list, 1), "body"), "ClientToken"));
    CHECK(t1 && t2 && !strcmp(t1, t2));
    cJSON_Delete(list);
    se_response_free(r);
    se_client_free(c);
}

/* The body of the last accepted request exactly as it arrived. */
static char *last_body_raw(void) {
    cJSON *list = emu_requests(&E, false);
    const char *raw = cJSON_GetStringValue(
        cJSON_GetObjectItem(cJSON_GetArrayItem(list, cJSON_GetArraySize(list) - 1), "body_raw"));
    char *copy = sei_strdup(raw ? raw : "");
    cJSON_Delete(list);
    return copy;
}

/* Strict JSON that validation did not rewrite goes out as the caller wrote it;
 * forms cJSON tolerates but strict JSON does not are re-printed. */
static void test_body_as_written(void) {
    emu_reset(&E);
    static const char *const ZAPI[] = {
        "instance_id",  EMU_ZAPI_INSTANCE,     "token", EMU_ZAPI_TOKEN,
        "client_token", EMU_ZAPI_CLIENT_TOKEN, NULL};
    se_client *z = client("zapi", ZAPI);
    const char *spaced = "{ \"event\" : {\"name\": \"Stand\\u0075p \\\"A\\\"\",\n"
                         "  \"dateTime\":\"2024-04-29T09:30:53.309Z\"} ,\"phone\":\"1203-group\" }";
    se_response_free(send_ok(z, "send_event", spaced));
    char *raw = last_body_raw();
    CHECK_STR(raw, spaced);
    free(raw);
    se_client_free(z);

    /* leading zeros, a bare "1.", a raw tab in a string, a byte-order mark */
    se_client *s = client("sinch", SINCH_BASIC);
    se_response_free(send_ok(s, "send_event",
                             "\xEF\xBB\xBF{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},"
                             "\"event\":{\"generic_event\":{\"payload\":{\"n\":01,\"f\":1.,"
                             "\"t\":\"a\tb\",\"big\":012345678901234567890}}}}"));
    raw = last_body_raw();
    CHECK_STR(raw, "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},\"event\":{"
                   "\"generic_event\":{\"payload\":{\"n\":1,\"f\":1,\"t\":\"a\\tb\","
                   "\"big\":012345678901234567890}}}}");
    free(raw);
    /* the app_event wrapper is rewritten, so the tree is printed */
    se_response_free(send_ok(s, "send_event",
                             "{\"app_id\": \"A\", \"recipient\": {\"contact_id\": \"C\"}, "
                             "\"event\": {\"app_event\": {\"composing_event\": {}}}}"));
    raw = last_body_raw();
    CHECK_STR(raw, "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},\"event\":{"
                   "\"composing_event\":{}}}");
    free(raw);
    se_client_free(s);

    /* Connect: the token member is cut out of the text, ClientToken appended */
    se_client *c = client("connect", NULL);
    se_response_free(send_ok(c, "send_message",
                             "{ \"Content\" : \"{\\\"a\\\":[1,{\\\"b\\\":\\\"}]\\\"}]}\" ,"
                             "\"ConnectionToken\":\"" EMU_CONNECT_TOKEN "\",\n"
                             "\"ContentType\":\"application/json\"}"));
    raw = last_body_raw();
    const char *want = "{\"Content\" : \"{\\\"a\\\":[1,{\\\"b\\\":\\\"}]\\\"}]}\","
                       "\"ContentType\":\"application/json\",\"ClientToken\":\"";
    CHECK(!strncmp(raw, want, strlen(want)));
    CHECK_INT((int)strlen(raw), (int)strlen(want) + 36 + 2);
    free(raw);
    se_response_free(send_ok(c, "send_event",
                             "{\"ContentType\":\"application/vnd.amazonaws.connect.event.typing\","
                             "\"ClientToken\":\"ct-9\",\"ConnectionToken\":\"" EMU_CONNECT_TOKEN
                             "\"}"));
    raw = last_body_raw();
    CHECK_STR(raw, "{\"ContentType\":\"application/vnd.amazonaws.connect.event.typing\","
                   "\"ClientToken\":\"ct-9\"}");
    free(raw);
    se_response_free(send_ok(c, "create_connection",
                             "{\"ParticipantToken\":\"" EMU_PARTICIPANT_TOKEN "\",\"Type\":["
                             "\"WEBSOCKET\"],\"ConnectParticipant\":true}"));
    raw = last_body_raw();
    CHECK_STR(raw, "{\"Type\":[\"WEBSOCKET\"],\"ConnectParticipant\":true}");
    free(raw);
    /* a key spelled with an escape is still the token: it must not reach the body */
    se_response_free(send_ok(c, "send_event",
                             "{\"Connection\\u0054oken\":\"" EMU_CONNECT_TOKEN "\",\"ContentType\":"
                             "\"application/vnd.amazonaws.connect.event.typing\"}"));
    raw = last_body_raw();
    CHECK_LACKS(raw, EMU_CONNECT_TOKEN);
    CHECK_LACKS(raw, "Connection");
    CHECK_HAS(raw, "\"ClientToken\":\"");
    free(raw);
    se_client_free(c);
}

/* Numbers a double cannot hold reach the wire with the caller's digits. */
static void test_exact_numbers(void) {
    emu_reset(&E);
    se_client *c = client("sinch", SINCH_BASIC);
    const char *msg = "{\"app_id\":\"APP\",\"recipient\":{\"contact_id\":\"C1\"},\"message\":{"
                      "\"text_message\":{\"text\":\"hi\"}},\"conversation_metadata\":{\"big\":"
                      "12345678901234567890,\"edge\":9007199254740993,\"small\":1.5,\"neg\":"
                      "-98765432109876543210e-5}}";
    se_response_free(send_ok(c, "send_message", msg));
    cJSON *list = emu_requests(&E, false);
    const char *raw =
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "body_raw"));
    CHECK_HAS(raw, "\"big\":12345678901234567890");
    CHECK_HAS(raw, "\"edge\":9007199254740993");
    CHECK_HAS(raw, "\"small\":1.5");
    CHECK_HAS(raw, "\"neg\":-98765432109876543210e-5");
    cJSON_Delete(list);
    /* warnings travel on the response of a send */
    se_response *w =
        send_ok(c, "send_event",
                "{\"app_id\":\"A\",\"recipient\":{\"identified_by\":{\"channel_identities\":"
                "[{\"channel\":\"NEWCHAT\",\"identity\":\"1\"}]}},\"event\":{"
                "\"composing_event\":{}}}");
    CHECK_HAS(se_response_warnings(w), "unknown channel \"NEWCHAT\"");
    CHECK_HAS(se_client_warnings(c), "NEWCHAT");
    se_response_free(w);
    /* trailing text after the object is not JSON */
    CHECK_INT(se_validate(c, "send_message", "{\"app_id\":\"A\"} x"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "unexpected text after the value");
    se_client_free(c);
}

/* Bad input of every provider: an error naming the field, and nothing on the wire. */
static void test_invalid_sends_nothing(void) {
    emu_reset(&E);
    static const struct {
        const char *provider, *op, *json, *field;
    } cases[] = {
        {"sinch", "send_event",
         "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},\"event\":{}}", "event"},
        {"sinch", "send_message",
         "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},\"message\":{\"text_message\":{"
         "\"text\":\"x\"}},\"ttl\":1}",
         "ttl"},
        {"zapi", "send_event",
         "{\"phone\":\"bad/"
         "phone\",\"event\":{\"name\":\"n\",\"dateTime\":\"2024-04-29T09:30:53Z\"}}",
         "phone"},
        {"zapi", "respond_event",
         "{\"phone\":\"1203-group\",\"eventMessageId\":\"X\",\"eventResponse\":\"MAYBE\"}",
         "eventResponse"},
        {"connect", "send_event", "{\"ConnectionToken\":\"t\"}", "ContentType"},
        {"connect", "create_connection", "{\"ParticipantToken\":\"\",\"ConnectParticipant\":true}",
         "ParticipantToken"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *const *opts = !strcmp(cases[i].provider, "sinch")  ? SINCH_BASIC
                                  : !strcmp(cases[i].provider, "zapi") ? ZAPI
                                                                       : NULL;
        se_client *c = client(cases[i].provider, opts);
        se_response *r = NULL;
        CHECK_INT(se_send(c, cases[i].op, cases[i].json, &r), SE_E_INVALID);
        CHECK_HAS(se_client_errmsg(c), cases[i].field);
        CHECK_HAS(se_response_error_message(r), cases[i].field);
        CHECK_INT(se_response_attempts(r), 0);
        se_response_free(r);
        se_client_free(c);
    }
    CHECK_INT(emu_count(&E, true), 0);
}

int main(void) {
    if (!emu_start(&E, NULL))
        return EMU_SKIP;
    test_sinch_basic();
    test_sinch_oauth();
    test_sinch_token_endpoint();
    test_zapi();
    test_connect();
    test_invalid_sends_nothing();
    test_exact_numbers();
    test_body_as_written();
    emu_stop(&E);
    return se_test_summary("wire");
}
