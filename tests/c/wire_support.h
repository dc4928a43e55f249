/* wire_support.h - what the two wire test programs (test_wire.c,
 * test_wire_reuse.c) share: the emulator each of them starts, a client of it,
 * a send that must succeed, the last request it recorded, and valid requests.
 * Included by those two files only. */
#ifndef SE_TEST_WIRE_SUPPORT_H
#define SE_TEST_WIRE_SUPPORT_H

#include <stdio.h>

#include "check.h"
#include "emu.h"
#include "sendevent/sendevent.h"

static emu E;

static inline se_client *client(const char *provider, const char *const *kv) {
    se_client *c = NULL;
    CHECK_INT(se_client_new(&c, provider), SE_OK);
    CHECK_INT(se_client_set(c, "base_url", E.url), SE_OK);
    CHECK_INT(se_client_set(c, "retry_base_delay", "0.01"), SE_OK);
    for (int i = 0; kv && kv[i]; i += 2)
        CHECK_INT(se_client_set(c, kv[i], kv[i + 1]), SE_OK);
    return c;
}

static inline se_response *send_ok(se_client *c, const char *op, const char *json) {
    se_response *r = NULL;
    se_status st = se_send(c, op, json, &r);
    if (st != SE_OK)
        fprintf(stderr, "%s %s: %s (%s)\n", se_client_provider(c), op, se_client_errmsg(c),
                se_status_name(st));
    CHECK_INT(st, SE_OK);
    CHECK(r != NULL);
    CHECK_INT(se_response_http_status(r), 200);
    return r;
}

/* The last accepted request, checked for method/path/operation; caller frees list. */
static inline const cJSON *last_request(cJSON **list, const char *operation, const char *path) {
    *list = emu_requests(&E, false);
    const cJSON *req = cJSON_GetArrayItem(*list, cJSON_GetArraySize(*list) - 1);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(req, "method")), "POST");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(req, "path")), path);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(req, "operation")), operation);
    CHECK_HAS(emu_req_header(req, "content-type"), "application/json");
    CHECK_HAS(emu_req_header(req, "user-agent"), "sendevent/" SE_VERSION);
    return req;
}

static const char *const SINCH_BASIC[] = {"project_id",     "proj-1",     "key_id",
                                          EMU_SINCH_KEY_ID, "key_secret", EMU_SINCH_KEY_SECRET,
                                          "auth",           "basic",      NULL};

static const char *EVENT = "{\"app_id\":\"APP\",\"recipient\":{\"contact_id\":\"C1\"},"
                           "\"event\":{\"agent_joined_event\":{\"agent\":{\"display_name\":\"Ann\","
                           "\"type\":\"HUMAN\",\"picture_url\":\"https://x.example/a.png\"}}},"
                           "\"queue\":\"HIGH_PRIORITY\",\"event_metadata\":\"m\"}";
static const char *MESSAGE = "{\"app_id\":\"APP\",\"recipient\":{\"identified_by\":{"
                             "\"channel_identities\":[{\"channel\":\"WHATSAPP\",\"identity\":"
                             "\"46700000001\"}]}},\"message\":{\"text_message\":{\"text\":\"hi\"}},"
                             "\"ttl\":10,\"correlation_id\":\"corr-1\"}";

static const char *const ZAPI[] = {"instance_id",  EMU_ZAPI_INSTANCE,     "token", EMU_ZAPI_TOKEN,
                                   "client_token", EMU_ZAPI_CLIENT_TOKEN, NULL};
static const char *ZEVENT =
    "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":\"Event "
    "Name\",\"description\":\"Event Description\",\"dateTime\":"
    "\"2024-04-29T09:30:53.309Z\",\"location\":{\"name\":\"Location Name\"},"
    "\"callLinkType\":\"voice\",\"canceled\":false}}";

/* A participant's connection: its response carries a connection token. */
static inline se_response *create_connection(se_client *c) {
    return send_ok(c, "create_connection",
                   "{\"ParticipantToken\":\"" EMU_PARTICIPANT_TOKEN "\",\"Type\":["
                   "\"CONNECTION_CREDENTIALS\"],\"ConnectParticipant\":true}");
}

#endif
