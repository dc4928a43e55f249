/* connect.c - Amazon Connect Participant Service. No SigV4: the connection (or
 * participant) token travels as X-Amz-Bearer. ClientToken makes every send
 * idempotent, so all retryable errors are retried with the same token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "providers/common.h"
#include "validate.h"

static const se_operation connect_ops[] = {
    {"send_event", "participant/event", se_check_connect_send_event},
    {"send_message", "participant/message", se_check_connect_send_message},
    {"create_connection", "participant/connection", se_check_connect_create_connection},
    {"disconnect", "participant/disconnect", se_check_connect_disconnect},
};
_Static_assert(sizeof connect_ops / sizeof connect_ops[0] <= SE_MAX_OPERATIONS,
               "client URL cache size");

static bool is_create_connection(const se_operation *op) {
    return op == &connect_ops[2];
}

static se_status connect_check_config(const se_client *c, se_diag *d) {
    if (se_opt_str(c, O_BASE_URL))
        return SE_OK;
    const char *region = se_opt_str(c, O_REGION);
    if (!region)
        return se_diag_fail(d, "region: required client option for connect (e.g. us-east-1) unless "
                               "base_url is set");
    if (se_opt_bool(c, O_FIPS) && strcmp(region, "us-east-1") && strcmp(region, "us-west-2") &&
        strcmp(region, "us-gov-west-1"))
        return se_diag_fail(d,
                            "fips: no FIPS endpoint in region %s (us-east-1, us-west-2, "
                            "us-gov-west-1 have one)",
                            region);
    return SE_OK;
}

static se_status connect_url(const se_client *c, const se_operation *op, se_http_request *out) {
    const char *region = se_opt_str(c, O_REGION);
    char fallback[128];
    /* us-gov-west-1's plain endpoint is already the FIPS one */
    bool fips = se_opt_bool(c, O_FIPS) && region && strcmp(region, "us-gov-west-1");
    snprintf(fallback, sizeof fallback, "https://participant.connect%s.%s.amazonaws.com",
             fips ? "-fips" : "", region ? region : "us-east-1");
    const se_url_part path[] = {{"/", URL_TEXT}, {op->route, URL_TEXT}, {NULL, URL_TEXT}};
    return se_set_url(out, c, fallback, path);
}

static se_status connect_build(const se_client *c, const se_operation *op, cJSON *req,
                               se_http_request *out, se_diag *d) {
    (void)c;
    (void)d;
    const char *token_key = is_create_connection(op) ? "ParticipantToken" : "ConnectionToken";
    const cJSON *token = cJSON_GetObjectItemCaseSensitive(req, token_key);
    se_status st = cJSON_IsString(token) ? SE_OK : SE_E_INVALID;
    if (st == SE_OK) /* a secret header: scrubbed from every message, redacted in dry runs */
        st = se_http_add_header_owned(out, "X-Amz-Bearer", se_strdup(token->valuestring), true);
    if (st == SE_OK)
        st = se_http_add_header(out, "Content-Type", "application/json", false);

    /* generated once here, so every retry of this send carries the same token */
    static const char key[] = "\"ClientToken\":\"";
    char member[sizeof key + 37] = "", *uuid = member + sizeof key - 1; /* key, then "<uuid>" */
    if (st == SE_OK && !is_create_connection(op) &&
        !cJSON_GetObjectItemCaseSensitive(req, "ClientToken") && (st = se_uuid4(uuid)) == SE_OK) {
        memcpy(member, key, sizeof key - 1);
        memcpy(uuid + 36, "\"", 2);
    }
    if (st != SE_OK)
        return st;
    if (!is_create_connection(op)) { /* on the response, to send the same event again later */
        const cJSON *given = cJSON_GetObjectItemCaseSensitive(req, "ClientToken");
        out->client_token = member[0] ? se_strndup(uuid, 36)
                            : cJSON_IsString(given) ? se_strdup(given->valuestring)
                                                    : NULL;
        if (!out->client_token && (member[0] || cJSON_IsString(given)))
            return SE_E_NOMEM;
    }

    /* The token is a header parameter, not part of the body: cut out of the
     * caller's text when it can be sent as written, else the tree without it. */
    if (out->source && (out->body = se_json_splice(out->source, out->source_len, token_key,
                                                   member[0] ? member : NULL, &out->body_len)))
        return SE_OK;
    cJSON_Delete(cJSON_DetachItemFromObjectCaseSensitive(req, token_key));
    if (member[0]) {
        uuid[36] = '\0';
        if (!cJSON_AddStringToObject(req, "ClientToken", uuid))
            return SE_E_NOMEM;
    }
    return se_set_json_body(out, req, true);
}

static const char *const connect_id_fields[] = {"Id", NULL};

const se_provider se_provider_connect = {
    .name = "connect",
    .ops = connect_ops,
    .n_ops = sizeof connect_ops / sizeof connect_ops[0],
    .check_config = connect_check_config,
    .url = connect_url,
    .build = connect_build,
    .authorize = NULL,
    .id_fields = connect_id_fields,
    .time_field = "AbsoluteTime",
    .idempotent = true,
};
