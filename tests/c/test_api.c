/* test_api.c - the public API without a network: versions, statuses, options,
 * dry runs (se_prepare) for every operation with secrets redacted, the request
 * builder, and the small parsers behind them. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"
#include "sendevent/sendevent.h"

static se_client *client(const char *provider, const char *const *kv) {
    se_client *c = NULL;
    CHECK_INT(se_client_new(&c, provider), SE_OK);
    for (int i = 0; kv && kv[i]; i += 2) {
        se_status st = se_client_set(c, kv[i], kv[i + 1]);
        if (st != SE_OK)
            fprintf(stderr, "set %s: %s\n", kv[i], se_client_errmsg(c));
        CHECK_INT(st, SE_OK);
    }
    return c;
}

static char *prepare(se_client *c, const char *op, const char *json) {
    char *out = NULL;
    se_status st = se_prepare(c, op, json, &out);
    if (st != SE_OK)
        fprintf(stderr, "prepare %s: %s\n", op, se_client_errmsg(c));
    CHECK_INT(st, SE_OK);
    return out;
}

/* The body of a dry run (after the blank line), parsed. */
static cJSON *dry_body(const char *http) {
    const char *b = http ? strstr(http, "\r\n\r\n") : NULL;
    return b ? cJSON_Parse(b + 4) : NULL;
}

static void test_version_and_status(void) {
    CHECK_STR(se_version(), SE_VERSION);
    CHECK_INT(se_version_num(), SE_VERSION_NUM);
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", SE_VERSION_NUM / 10000, SE_VERSION_NUM / 100 % 100,
             SE_VERSION_NUM % 100);
    CHECK_STR(se_version(), v);
    CHECK_STR(se_status_name(SE_E_INVALID), "invalid");
    CHECK_STR(se_status_name(SE_E_THROTTLED), "throttled");
    CHECK_STR(se_status_name((se_status)-999), "unknown");
    for (int s = 0; s >= SE_E_MISUSE; s--) {
        CHECK(strcmp(se_strerror((se_status)s), "unknown status") != 0);
        CHECK(strcmp(se_status_name((se_status)s), "unknown") != 0);
    }
    se_free(NULL);
    se_client_free(NULL);
    se_response_free(NULL);
    se_batch_free(NULL);
    se_request_free(NULL);
    CHECK_INT(se_global_init(), SE_OK);
    CHECK_INT(se_global_init(), SE_OK);
}

static void test_client_options(void) {
    se_client *c = NULL;
    CHECK_INT(se_client_new(&c, "twilio"), SE_E_INVALID);
    CHECK(c == NULL);
    CHECK_HAS(se_last_error(), "provider: must be one of sinch, zapi, connect");
    CHECK_INT(se_client_new(NULL, "sinch"), SE_E_MISUSE);

    c = client("sinch", NULL);
    CHECK_STR(se_client_provider(c), "sinch");
    CHECK_INT(se_client_set(c, "colour", "blue"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "colour: unknown option for the sinch provider");
    CHECK_HAS(se_client_errmsg(c), "project_id");
    CHECK_INT(se_client_set(c, "instance_id", "x"), SE_E_INVALID); /* a Z-API option */
    CHECK_HAS(se_client_errmsg(c), "instance_id: unknown option");
    CHECK_INT(se_client_set(c, "timeout", "soon"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "timeout: must be a number of seconds");
    CHECK_INT(se_client_set(c, "max_attempts", "0"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "max_attempts: must be between 1 and 10");
    CHECK_INT(se_client_set(c, "max_attempts", "2.5"), SE_E_INVALID);
    CHECK_INT(se_client_set(c, "region", "ap"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "region: must be one of us, eu, br");
    CHECK_INT(se_client_set(c, "auth", "digest"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "auth: must be one of oauth2 basic");
    CHECK_INT(se_client_set(c, "retry_server_errors", "maybe"), SE_E_INVALID);
    CHECK_INT(se_client_set(c, "base_url", "ftp://x"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "base_url: must start with http:// or https://");
    CHECK_INT(se_client_set(c, "key_secret", "s3cr3t-value"), SE_OK);
    CHECK_STR(se_client_get(c, "key_secret"), "[REDACTED]");
    CHECK_STR(se_client_get(c, "auth"), "oauth2");
    CHECK_STR(se_client_get(c, "timeout"), "30");
    CHECK(se_client_get(c, "region") == NULL);
    CHECK_INT(se_client_set(c, "region", "eu"), SE_OK);
    CHECK_STR(se_client_get(c, "region"), "eu");
    CHECK_INT(se_client_set(c, "region", NULL), SE_OK); /* back to the default: unset */
    CHECK(se_client_get(c, "region") == NULL);
    se_client_free(c);

    c = client("connect", NULL);
    CHECK_INT(se_client_set(c, "region", "Mars"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "region: not an AWS region name");
    CHECK_INT(se_client_set(c, "endpoint_url", "http://127.0.0.1:9"), SE_OK);
    CHECK_STR(se_client_get(c, "base_url"), "http://127.0.0.1:9");
    se_client_free(c);
}

static const char *const SINCH_BASIC[] = {"project_id", "proj-1",          "key_id", "KEYID",
                                          "key_secret", "TOPSECRET-sinch", "region", "eu",
                                          "auth",       "basic",           NULL};

static void test_prepare_sinch(void) {
    se_client *c = client("sinch", SINCH_BASIC);
    char *http = prepare(c, "send_event",
                         "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},"
                         "\"event\":{\"app_event\":{\"composing_event\":{}}}}");
    CHECK_HAS(http, "POST /v1/projects/proj-1/events:send HTTP/1.1\r\n");
    CHECK_HAS(http, "Host: eu.conversation.api.sinch.com\r\n");
    CHECK_HAS(http, "Authorization: Basic [REDACTED]\r\n");
    CHECK_HAS(http, "Content-Type: application/json\r\n");
    CHECK_LACKS(http, "TOPSECRET");
    CHECK_LACKS(http, "S0VZSUQ6"); /* base64 of "KEYID:" */
    cJSON *body = dry_body(http);
    /* the app_event wrapper is unwrapped: the API expects the kind directly */
    CHECK(
        cJSON_IsObject(cJSON_GetObjectItem(cJSON_GetObjectItem(body, "event"), "composing_event")));
    CHECK(!cJSON_GetObjectItem(cJSON_GetObjectItem(body, "event"), "app_event"));
    cJSON_Delete(body);
    se_free(http);

    http = prepare(c, "send_message",
                   "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},"
                   "\"message\":{\"text_message\":{\"text\":\"hi\"}},\"ttl\":10}");
    CHECK_HAS(http, "POST /v1/projects/proj-1/messages:send HTTP/1.1\r\n");
    CHECK_HAS(http, "\"ttl\":\"10s\"");
    se_free(http);

    CHECK_INT(se_client_set(c, "auth", "oauth2"), SE_OK);
    http = prepare(c, "send_event",
                   "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},\"event\":{\"composing_"
                   "event\":{}}}");
    CHECK_HAS(http, "Authorization: Bearer [REDACTED]\r\n");
    se_free(http);

    /* ids are percent-encoded in the path */
    CHECK_INT(se_client_set(c, "project_id", "p%q:r~s"), SE_OK);
    http = prepare(c, "send_event",
                   "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},\"event\":{\"composing_"
                   "event\":{}}}");
    CHECK_HAS(http, "POST /v1/projects/p%25q%3Ar~s/events:send HTTP/1.1\r\n");
    se_free(http);

    /* a project id can never climb out of its path segment */
    CHECK_INT(se_client_set(c, "project_id", ".."), SE_OK);
    char *out = NULL;
    CHECK_INT(se_prepare(c, "send_event",
                         "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},\"event\":{"
                         "\"composing_event\":{}}}",
                         &out),
              SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "project_id: must not be");
    /* whitespace is refused when the option is set (the old value stays) */
    CHECK_INT(se_client_set(c, "project_id", "a b"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "project_id: must not contain whitespace");
    CHECK_INT(se_validate(c, "send_event",
                          "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},\"event\":{"
                          "\"composing_event\":{}}}"),
              SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "project_id: must not be");
    se_client_free(c);

    /* required client options are named */
    c = client("sinch", NULL);
    const char *ev = "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},\"event\":{"
                     "\"composing_event\":{}}}";
    CHECK_INT(se_validate(c, "send_event", ev), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "project_id: required client option");
    se_client_set(c, "project_id", "P");
    CHECK_INT(se_validate(c, "send_event", ev), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "region: required client option for sinch");
    se_client_set(c, "region", "us");
    CHECK_INT(se_validate(c, "send_event", ev), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "key_id: required client option");
    se_client_set(c, "key_id", "K");
    se_client_set(c, "key_secret", "S3cretS3cret");
    CHECK_INT(se_validate(c, "send_event", ev), SE_OK);
    /* plain http only to loopback, unless explicitly allowed */
    se_client_set(c, "base_url", "http://sinch.example.com");
    se_client_set(c, "auth", "basic");
    CHECK_INT(se_validate(c, "send_event", ev), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "base_url: plain http:// is only allowed to loopback hosts");
    se_client_set(c, "allow_insecure_http", "true");
    CHECK_INT(se_validate(c, "send_event", ev), SE_OK);
    se_client_set(c, "base_url", "http://127.0.0.1:1");
    se_client_set(c, "allow_insecure_http", "false");
    se_client_set(c, "auth", "oauth2");
    se_client_set(c, "auth_url", "http://auth.example.com/oauth2/token");
    CHECK_INT(se_validate(c, "send_event", ev), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "auth_url: plain http://");
    se_client_free(c);
}

static const char *const ZAPI[] = {"instance_id",  "INST-SECRET-1", "token", "TOK-SECRET-2",
                                   "client_token", "CT-SECRET-3",   NULL};

static void test_prepare_zapi(void) {
    se_client *c = client("zapi", ZAPI);
    static const struct {
        const char *op, *route, *json;
    } cases[] = {
        {"send_event", "send-event",
         "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":\"Standup\",\"dateTime\":"
         "\"2024-04-29T09:30:53.309Z\",\"description\":\"d\",\"location\":{\"name\":\"Room\"},"
         "\"callLinkType\":\"voice\",\"canceled\":false}}"},
        {"edit_event", "send-edit-event",
         "{\"phone\":\"120363019502650977-group\",\"eventMessageId\":\"D241XXXX732339502B68\","
         "\"event\":{\"name\":\"Standup\",\"dateTime\":\"2024-04-29T09:30:53.309Z\"}}"},
        {"respond_event", "send-event-response",
         "{\"phone\":\"120363019502650977-group\",\"eventMessageId\":\"D241XXXX732339502B68\","
         "\"eventResponse\":\"GOING\"}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *http = prepare(c, cases[i].op, cases[i].json);
        char line[128];
        snprintf(line, sizeof line, "POST /instances/[REDACTED]/token/[REDACTED]/%s HTTP/1.1\r\n",
                 cases[i].route);
        CHECK_HAS(http, line);
        CHECK_HAS(http, "Host: api.z-api.io\r\n");
        CHECK_HAS(http, "Client-Token: [REDACTED]\r\n");
        CHECK_LACKS(http, "SECRET");
        cJSON *body = dry_body(http), *want = cJSON_Parse(cases[i].json);
        CHECK(cJSON_Compare(body, want, 1));
        cJSON_Delete(body);
        cJSON_Delete(want);
        se_free(http);
    }
    /* a secret shorter than [REDACTED], many times over: the dry run grows, never overflows */
    se_client *shortc = client("zapi", NULL);
    se_client_set(shortc, "instance_id", "I1");
    se_client_set(shortc, "token", "T0K");
    char *dry = prepare(shortc, "send_event",
                        "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":"
                        "\"T0KT0KT0KT0KT0KT0KT0KT0K\",\"dateTime\":\"2024-04-29T09:30:53Z\"}}");
    CHECK_HAS(dry,
              "[REDACTED][REDACTED][REDACTED][REDACTED][REDACTED][REDACTED][REDACTED][REDACTED]");
    CHECK_LACKS(dry, "T0K");
    se_free(dry);
    se_client_free(shortc);

    /* a path id that would escape its segment is refused without quoting it */
    CHECK_INT(se_client_set(c, "token", "a/b"), SE_OK);
    CHECK_INT(se_validate(c, "respond_event", cases[2].json), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "token: must not contain");
    CHECK_LACKS(se_client_errmsg(c), "a/b");
    se_client_free(c);
}

static void test_prepare_connect(void) {
    const char *const opts[] = {"region", "us-east-1", NULL};
    se_client *c = client("connect", opts);
    char *http = prepare(c, "send_event",
                         "{\"ConnectionToken\":\"CONN-SECRET-TOKEN\",\"ContentType\":"
                         "\"application/vnd.amazonaws.connect.event.typing\"}");
    CHECK_HAS(http, "POST /participant/event HTTP/1.1\r\n");
    CHECK_HAS(http, "Host: participant.connect.us-east-1.amazonaws.com\r\n");
    CHECK_HAS(http, "X-Amz-Bearer: [REDACTED]\r\n");
    CHECK_LACKS(http, "CONN-SECRET-TOKEN");
    cJSON *body = dry_body(http);
    CHECK(!cJSON_GetObjectItem(body, "ConnectionToken"));
    const char *tok = cJSON_GetStringValue(cJSON_GetObjectItem(body, "ClientToken"));
    CHECK(tok && strlen(tok) == 36 && tok[14] == '4' && strchr("89ab", tok[19]));
    cJSON_Delete(body);
    se_free(http);

    http = prepare(c, "send_message",
                   "{\"ConnectionToken\":\"CONN-SECRET-TOKEN\",\"ContentType\":\"text/plain\","
                   "\"Content\":\"hello\",\"ClientToken\":\"mine-1\"}");
    CHECK_HAS(http, "POST /participant/message HTTP/1.1\r\n");
    CHECK_HAS(http, "\"ClientToken\":\"mine-1\"");
    se_free(http);

    http = prepare(c, "create_connection",
                   "{\"ParticipantToken\":\"PART-SECRET\",\"Type\":[\"CONNECTION_CREDENTIALS\"],"
                   "\"ConnectParticipant\":true}");
    CHECK_HAS(http, "POST /participant/connection HTTP/1.1\r\n");
    CHECK_LACKS(http, "PART-SECRET");
    CHECK_LACKS(http, "ClientToken"); /* CreateParticipantConnection has none */
    se_free(http);

    http = prepare(c, "disconnect", "{\"ConnectionToken\":\"CONN-SECRET-TOKEN\"}");
    CHECK_HAS(http, "POST /participant/disconnect HTTP/1.1\r\n");
    CHECK_HAS(http, "\"ClientToken\":\"");
    se_free(http);

    /* FIPS endpoints */
    se_client_set(c, "fips", "true");
    http = prepare(c, "disconnect", "{\"ConnectionToken\":\"t\"}");
    CHECK_HAS(http, "Host: participant.connect-fips.us-east-1.amazonaws.com\r\n");
    se_free(http);
    se_client_set(c, "region", "us-gov-west-1");
    http = prepare(c, "disconnect", "{\"ConnectionToken\":\"t\"}");
    CHECK_HAS(http, "Host: participant.connect.us-gov-west-1.amazonaws.com\r\n");
    se_free(http);
    se_client_set(c, "region", "eu-west-2");
    CHECK_INT(se_validate(c, "disconnect", "{\"ConnectionToken\":\"t\"}"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "fips: no FIPS endpoint in region eu-west-2");
    se_client_set(c, "fips", "false");
    http = prepare(c, "disconnect", "{\"ConnectionToken\":\"t\"}");
    CHECK_HAS(http, "Host: participant.connect.eu-west-2.amazonaws.com\r\n");
    se_free(http);
    se_client_free(c);

    c = client("connect", NULL);
    CHECK_INT(se_validate(c, "disconnect", "{\"ConnectionToken\":\"t\"}"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "region: required client option for connect");
    se_client_free(c);
}

static void test_bad_requests(void) {
    se_client *c = client("sinch", SINCH_BASIC);
    CHECK_INT(se_validate(c, "send_event", "{\"app_id\":"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "request: not valid JSON");
    CHECK_INT(se_validate(c, "send_event", "[1,2]"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "request: must be a JSON object, got array");
    CHECK_INT(se_validate(c, "send_events", "{}"), SE_E_INVALID);
    CHECK_HAS(se_client_errmsg(c), "operation: must be one of send_event, send_message for sinch");
    CHECK_INT(se_validate(c, "send_event", NULL), SE_E_INVALID);
    CHECK_INT(se_validate(NULL, "send_event", "{}"), SE_E_MISUSE);
    /* se_send on an invalid request answers with a response and sends nothing */
    se_response *r = NULL;
    CHECK_INT(se_send(c, "send_event", "{\"app_id\":\"A\"}", &r), SE_E_INVALID);
    CHECK(r != NULL);
    CHECK_INT(se_response_status(r), SE_E_INVALID);
    CHECK_INT(se_response_attempts(r), 0);
    CHECK_INT(se_response_http_status(r), 0);
    CHECK_HAS(se_response_error_message(r), "recipient");
    CHECK_STR(se_response_body(r), "");
    CHECK(se_response_id(r) == NULL);
    CHECK_STR(se_response_operation(r), "send_event");
    CHECK_STR(se_response_provider(r), "sinch");
    se_response_free(r);
    /* warnings: on the response of a send, per thread for validate and prepare */
    const char *unknown_channel =
        "{\"app_id\":\"A\",\"recipient\":{\"identified_by\":{\"channel_identities\":"
        "[{\"channel\":\"NEWCHANNEL\",\"identity\":\"1\"}]}},\"event\":{\"composing_event\":{}}}";
    CHECK_INT(se_validate(c, "send_event", unknown_channel), SE_OK);
    CHECK_HAS(se_client_warnings(c), "unknown channel \"NEWCHANNEL\"");
    char *http = NULL;
    CHECK_INT(se_prepare(c, "send_event", unknown_channel, &http), SE_OK);
    CHECK_HAS(se_client_warnings(c), "NEWCHANNEL");
    se_free(http);
    CHECK_INT(se_validate(c, "send_event",
                          "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C\"},"
                          "\"event\":{\"composing_event\":{}}}"),
              SE_OK);
    CHECK_STR(se_client_warnings(c), "");
    se_client_free(c);
}

static void test_builder(void) {
    se_request *r = NULL;
    CHECK_INT(se_request_new(&r), SE_OK);
    CHECK_STR(se_request_json(r), "{}");
    CHECK_INT(se_request_set_string(r, "app_id", "A"), SE_OK);
    CHECK_INT(se_request_set_string(r, "recipient.identified_by.channel_identities[0].channel",
                                    "WHATSAPP"),
              SE_OK);
    CHECK_INT(se_request_set_string(r, "recipient.identified_by.channel_identities[0].identity",
                                    "46700000001"),
              SE_OK);
    CHECK_INT(se_request_set_string(r, "message.agent.display_name", "Ann"), SE_OK);
    CHECK_INT(se_request_set_int(r, "ttl", 86400), SE_OK);
    CHECK_INT(se_request_set_bool(r, "flag", 1), SE_OK);
    CHECK_INT(se_request_set_number(r, "coords.lat", 1.5), SE_OK);
    CHECK_INT(se_request_set_json(r, "message.text_message", "{\"text\":\"hi\"}"), SE_OK);
    CHECK_STR(
        se_request_json(r),
        "{\"app_id\":\"A\",\"recipient\":{\"identified_by\":{\"channel_identities\":[{"
        "\"channel\":\"WHATSAPP\",\"identity\":\"46700000001\"}]}},\"message\":{\"agent\":{"
        "\"display_name\":\"Ann\"},\"text_message\":{\"text\":\"hi\"}},\"ttl\":86400,\"flag\":"
        "true,\"coords\":{\"lat\":1.5}}");
    CHECK_INT(se_request_set_string(r, "app_id", "B"), SE_OK); /* replaces in place */
    CHECK_HAS(se_request_json(r), "{\"app_id\":\"B\",");
    CHECK_INT(se_request_set_string(r, "list[1]", "x"), SE_E_INVALID); /* past the end */
    CHECK_HAS(se_last_error(), "list[1]: index 1 is past the end");
    CHECK_INT(se_request_set_string(r, "app_id.x", "y"), SE_E_INVALID);
    CHECK_HAS(se_last_error(), "goes through a string");
    CHECK_INT(se_request_set_string(r, "a..b", "y"), SE_E_INVALID);
    CHECK_INT(se_request_set_json(r, "x", "{nope"), SE_E_INVALID);
    CHECK_INT(se_request_remove(r, "flag"), SE_OK);
    CHECK_INT(se_request_remove(r, "coords.lat"), SE_OK);
    CHECK_INT(se_request_remove(r, "recipient.identified_by.channel_identities[0].identity"),
              SE_OK);
    CHECK_INT(se_request_remove(r, "not.there"), SE_OK);
    CHECK_STR(se_request_json(r),
              "{\"app_id\":\"B\",\"recipient\":{\"identified_by\":{\"channel_identities\":[{"
              "\"channel\":\"WHATSAPP\"}]}},\"message\":{\"agent\":{\"display_name\":\"Ann\"},"
              "\"text_message\":{\"text\":\"hi\"}},\"ttl\":86400,\"coords\":{}}");
    se_request_free(r);
}

static void test_utilities(void) {
    CHECK(sei_parse_retry_after("5") == 5);
    CHECK(sei_parse_retry_after(" 0 ") == 0);
    CHECK(sei_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT") == 0); /* in the past */
    CHECK(sei_parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT") > 1e8);
    CHECK(sei_parse_retry_after("soon") < 0);
    CHECK(sei_parse_retry_after("5 seconds") < 0);
    bool http;
    CHECK(sei_is_loopback_url("http://127.0.0.1:8080/x", &http) && http);
    CHECK(sei_is_loopback_url("http://localhost/x", &http));
    CHECK(sei_is_loopback_url("http://[::1]:80", &http));
    CHECK(sei_is_loopback_url("http://127.1.2.3", &http));
    CHECK(!sei_is_loopback_url("http://127.0.0.1.evil.com/", &http));
    CHECK(!sei_is_loopback_url("http://localhost.evil.com/", &http));
    CHECK(!sei_is_loopback_url("http://user@10.0.0.1/", &http));
    CHECK(!sei_is_loopback_url("https://example.com", &http) && !http);
    char *b = sei_base64((const unsigned char *)"foobar", 6);
    CHECK_STR(b, "Zm9vYmFy");
    free(b);
    b = sei_base64((const unsigned char *)"fooba", 5);
    CHECK_STR(b, "Zm9vYmE=");
    free(b);
    char u1[37], u2[37];
    CHECK_INT(sei_uuid4(u1), SE_OK);
    CHECK_INT(sei_uuid4(u2), SE_OK);
    CHECK(strcmp(u1, u2) != 0);
    CHECK(u1[8] == '-' && u1[13] == '-' && u1[14] == '4' && u1[18] == '-' && u1[23] == '-');
    cJSON *j = cJSON_Parse("{\"a\":{\"b\":[1,{\"c\":\"x\"}]}}");
    bool bad;
    CHECK_STR(cJSON_GetStringValue(sei_json_path(j, "a.b[1].c", &bad)), "x");
    CHECK(sei_json_path(j, "a.b[2]", &bad) == NULL && !bad);
    CHECK(sei_json_path(j, "a..b", &bad) == NULL && bad);
    CHECK(sei_json_path(j, "a.b[x]", &bad) == NULL && bad);
    cJSON_Delete(j);
}

int main(void) {
    test_version_and_status();
    test_client_options();
    test_prepare_sinch();
    test_prepare_zapi();
    test_prepare_connect();
    test_bad_requests();
    test_builder();
    test_utilities();
    return se_test_summary("api");
}
