/* routes.c - the route table (routes.h): every provider operation at its real path. */
#include "routes.h"

#include "connect.h"
#include "sinch.h"
#include "zapi.h"

#include <string.h>

static const struct route ROUTES[] = {
    {"/v1/projects/*/events:send", PROV_SINCH, OP_SEND_EVENT, sinch_events_send, sinch_error},
    {"/v1/projects/*/messages:send", PROV_SINCH, OP_SEND_MESSAGE, sinch_messages_send, sinch_error},
    {"/oauth2/token", PROV_SINCH, OP_OAUTH_TOKEN, sinch_oauth_token, oauth_error},
    {"/instances/*/token/*/send-event", PROV_ZAPI, OP_SEND_EVENT, zapi_send_event, zapi_error},
    {"/instances/*/token/*/send-edit-event", PROV_ZAPI, OP_EDIT_EVENT, zapi_send_edit_event,
     zapi_error},
    {"/instances/*/token/*/send-event-response", PROV_ZAPI, OP_RESPOND_EVENT,
     zapi_send_event_response, zapi_error},
    {"/instances/*/token/*/send-text", PROV_ZAPI, OP_SEND_MESSAGE, zapi_send_text, zapi_error},
    {"/instances/*/token/*/update-webhook-message-status", PROV_ZAPI, OP_UPDATE_WEBHOOK,
     zapi_update_webhook_status, zapi_error},
    {"/participant/event", PROV_CONNECT, OP_SEND_EVENT, connect_send_event, connect_error},
    {"/participant/message", PROV_CONNECT, OP_SEND_MESSAGE, connect_send_message, connect_error},
    {"/participant/connection", PROV_CONNECT, OP_CREATE_CONNECTION, connect_create_connection,
     connect_error},
    {"/participant/disconnect", PROV_CONNECT, OP_DISCONNECT, connect_disconnect, connect_error},
};

static bool route_match(const char *pat, const char *path, struct request *rq) {
    int np = 0;
    while (*pat) {
        if (*pat == '*') {
            size_t n = strcspn(path, "/");
            if (n == 0 || n >= ROUTE_PARAM_MAX || np == ROUTE_MAX_PARAMS)
                return false;
            memcpy(rq->param[np], path, n);
            rq->param[np++][n] = '\0';
            path += n;
            pat++;
        } else if (*pat++ != *path++) {
            return false;
        }
    }
    return *path == '\0';
}

const struct route *route_find(struct request *rq) {
    for (size_t i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++)
        if (route_match(ROUTES[i].pattern, rq->path, rq))
            return &ROUTES[i];
    return NULL;
}

/* An unknown path still answers in the format of the provider its prefix belongs to. */
enum provider provider_by_prefix(const char *path) {
    if (strncmp(path, "/v1/", 4) == 0 || strncmp(path, "/oauth2/", 8) == 0)
        return PROV_SINCH;
    if (strncmp(path, "/instances/", 11) == 0)
        return PROV_ZAPI;
    if (strncmp(path, "/participant/", 13) == 0)
        return PROV_CONNECT;
    return PROV_NONE;
}

static void plain_error(struct reply *rp, int status, const char *message) {
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "error", message);
    reply_json(rp, status, doc);
}

error_fn error_for(enum provider p) {
    static const error_fn fns[] = {sinch_error, zapi_error, connect_error};
    return p == PROV_NONE ? plain_error : fns[p];
}
