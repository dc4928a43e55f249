/* zapi.c - Z-API (WhatsApp) event routes. The instance id and token are secrets
 * that travel in the URL path: only the redacted URL is ever shown. */
#include <stdlib.h>
#include <string.h>

#include "providers/common.h"
#include "validate.h"

static const se_operation zapi_ops[] = {
    {"send_event", "send-event", se_check_zapi_send_event},
    {"edit_event", "send-edit-event", se_check_zapi_edit_event},
    {"respond_event", "send-event-response", se_check_zapi_respond_event},
};
_Static_assert(sizeof zapi_ops / sizeof zapi_ops[0] <= SE_MAX_OPERATIONS, "client URL cache size");

static se_status zapi_check_config(const se_client *c, se_diag *d) {
    se_status st = se_require_option(c, O_INSTANCE_ID, "instance_id", d);
    if (st == SE_OK)
        st = se_check_path_id(se_opt_str(c, O_INSTANCE_ID), "instance_id", d);
    if (st == SE_OK)
        st = se_require_option(c, O_TOKEN, "token", d);
    if (st == SE_OK)
        st = se_check_path_id(se_opt_str(c, O_TOKEN), "token", d);
    return st;
}

static se_status zapi_url(const se_client *c, const se_operation *op, se_http_request *out) {
    const se_url_part path[] = {
        {"/instances/", URL_TEXT}, {se_opt_str(c, O_INSTANCE_ID), URL_SECRET},
        {"/token/", URL_TEXT},     {se_opt_str(c, O_TOKEN), URL_SECRET},
        {"/", URL_TEXT},           {op->route, URL_TEXT},
        {NULL, URL_TEXT}};
    return se_set_url(out, c, "https://api.z-api.io", path);
}

static se_status zapi_build(const se_client *c, const se_operation *op, cJSON *req,
                            se_http_request *out, se_diag *d) {
    (void)op;
    (void)d;
    se_status st = se_http_add_header(out, "Content-Type", "application/json", false);
    if (st == SE_OK && se_opt_str(c, O_CLIENT_TOKEN))
        st = se_http_add_header_owned(out, "Client-Token", se_strdup(se_opt_str(c, O_CLIENT_TOKEN)),
                                      true);
    if (st == SE_OK)
        st = se_set_json_body(out, req, false);
    return st;
}

static const char *const zapi_id_fields[] = {"messageId", "id", NULL};

const se_provider se_provider_zapi = {
    .name = "zapi",
    .ops = zapi_ops,
    .n_ops = sizeof zapi_ops / sizeof zapi_ops[0],
    .check_config = zapi_check_config,
    .url = zapi_url,
    .build = zapi_build,
    .authorize = NULL,
    .id_fields = zapi_id_fields,
    .time_field = NULL,
    .idempotent = false,
};
