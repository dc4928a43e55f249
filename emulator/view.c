/* view.c - the request log as the inbox page is shown it (view.h).
 *
 * Secrets are redacted as libsendevent's dry run redacts them: the credential of an
 * Authorization header (its scheme stays), Z-API's Client-Token and the instance id and token
 * in its path, Connect's X-Amz-Bearer; and in answers, the tokens the emulator issues (Sinch's
 * access_token, Connect's ConnectionToken). The page never receives them. */
#include "view.h"

#include "chat.h"
#include "emulator.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REDACTED "[REDACTED]"

static void replace_string(cJSON *obj, const char *key, const char *value) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsString(v))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, cJSON_CreateString(value));
}

static void redact_headers(cJSON *headers) {
    cJSON *auth = cJSON_GetObjectItemCaseSensitive(headers, "authorization");
    if (cJSON_IsString(auth)) {
        const char *space = strchr(auth->valuestring, ' ');
        char value[64];
        snprintf(value, sizeof value, "%.*s" REDACTED,
                 space && space - auth->valuestring < 40 ? (int)(space - auth->valuestring + 1) : 0,
                 auth->valuestring);
        replace_string(headers, "authorization", value);
    }
    replace_string(headers, "client-token", REDACTED);
    replace_string(headers, "x-amz-bearer", REDACTED);
}

/* /instances/{id}/token/{token}/... -> /instances/[REDACTED]/token/[REDACTED]/... */
static void redact_zapi_path(cJSON *rec) {
    cJSON *path = cJSON_GetObjectItemCaseSensitive(rec, "path");
    const char *p = cJSON_IsString(path) ? path->valuestring : "";
    if (strncmp(p, "/instances/", 11) != 0)
        return;
    const char *id_end = strchr(p + 11, '/');
    if (!id_end || strncmp(id_end, "/token/", 7) != 0) {
        replace_string(rec, "path", "/instances/" REDACTED);
        return;
    }
    const char *rest = strchr(id_end + 7, '/');
    char *out = malloc(strlen(p) + 2 * sizeof REDACTED + 32);
    if (!out)
        abort();
    sprintf(out, "/instances/" REDACTED "/token/" REDACTED "%s", rest ? rest : "");
    replace_string(rec, "path", out);
    free(out);
}

/* The answer's issued tokens; body_raw is printed again from the redacted body. */
static void redact_answer(cJSON *resp) {
    cJSON *body = cJSON_GetObjectItemCaseSensitive(resp, "body");
    if (!cJSON_IsObject(body))
        return;
    cJSON *cc = cJSON_GetObjectItemCaseSensitive(body, "ConnectionCredentials");
    bool had = cJSON_HasObjectItem(body, "access_token") ||
               (cJSON_IsObject(cc) && cJSON_HasObjectItem(cc, "ConnectionToken"));
    if (!had)
        return;
    replace_string(body, "access_token", REDACTED);
    if (cJSON_IsObject(cc))
        replace_string(cc, "ConnectionToken", REDACTED);
    char *raw = cJSON_PrintUnformatted(body);
    replace_string(resp, "body_raw", raw ? raw : "");
    free(raw);
}

/* The Connect connection a record belongs to, by its token (read before redaction): the chat's
 * ContactId when the emulator issued the connection, else the flag's always-valid token. */
static void label_connect(cJSON *rec) {
    const char *token = NULL;
    cJSON *resp = cJSON_GetObjectItemCaseSensitive(rec, "response");
    cJSON *cc = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(resp, "body"),
                                                 "ConnectionCredentials");
    cJSON *issued = cJSON_GetObjectItemCaseSensitive(cc, "ConnectionToken");
    cJSON *bearer = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(rec, "headers"), "x-amz-bearer");
    if (cJSON_IsString(issued)) /* CreateParticipantConnection: the connection it made */
        token = issued->valuestring;
    else if (cJSON_IsString(bearer))
        token = bearer->valuestring;
    char contact[37], label[64];
    if (token && chat_contact_of(token, contact))
        snprintf(label, sizeof label, "contact %s", contact);
    else if (token && strcmp(token, cfg.connect_connection_token) == 0)
        snprintf(label, sizeof label, "default connection");
    else
        snprintf(label, sizeof label, "unknown connection");
    cJSON_AddStringToObject(rec, "conversation", label);
}

void view_redact_requests(cJSON *doc) {
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, "requests");
    for (cJSON *rec = arr ? arr->child : NULL; rec; rec = rec->next) {
        cJSON *provider = cJSON_GetObjectItemCaseSensitive(rec, "provider");
        if (cJSON_IsString(provider) && strcmp(provider->valuestring, "connect") == 0)
            label_connect(rec);
        redact_headers(cJSON_GetObjectItemCaseSensitive(rec, "headers"));
        redact_zapi_path(rec);
        cJSON *resp = cJSON_GetObjectItemCaseSensitive(rec, "response");
        if (cJSON_IsObject(resp)) {
            redact_headers(cJSON_GetObjectItemCaseSensitive(resp, "headers"));
            redact_answer(resp);
        }
    }
}
