/*
 * send_events.c - one event through each provider with libsendevent.
 *
 *   cc send_events.c $(pkg-config --cflags --libs sendevent) -o send_events
 *   ./send_events http://127.0.0.1:PORT      # a running sendevent-emulator
 *
 * Credentials come from the environment, with the emulator's defaults:
 * SINCH_KEY_ID, SINCH_KEY_SECRET, ZAPI_INSTANCE_ID, ZAPI_TOKEN, ZAPI_CLIENT_TOKEN,
 * CONNECT_CONNECTION_TOKEN.
 */
#include <sendevent/sendevent.h>
#include <stdio.h>
#include <stdlib.h>

static const char *env(const char *name, const char *fallback) {
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

/* Sends one request and prints the outcome; returns 0 on success. */
static int send_one(se_client *c, const char *operation, const char *json) {
    se_response *r = NULL;
    se_status st = se_send(c, operation, json, &r);
    if (st == SE_OK)
        printf("%-8s %-11s accepted: id=%s accepted_time=%s attempts=%d\n", se_client_provider(c),
               operation, se_response_id(r),
               se_response_accepted_time(r) ? se_response_accepted_time(r) : "-",
               se_response_attempts(r));
    else
        fprintf(stderr, "%-8s %-11s failed: %s (%s, HTTP %d, code %s)\n", se_client_provider(c),
                operation, se_client_errmsg(c), se_status_name(st), se_response_http_status(r),
                se_response_provider_code(r) ? se_response_provider_code(r) : "-");
    se_response_free(r);
    return st == SE_OK ? 0 : 1;
}

/* Creates a client and applies key/value options; NULL (with a message) on error. */
static se_client *make_client(const char *provider, const char *const *options) {
    se_client *c = NULL;
    if (se_client_new(&c, provider) != SE_OK) {
        fprintf(stderr, "%s: %s\n", provider, se_last_error());
        return NULL;
    }
    for (int i = 0; options[i]; i += 2)
        if (se_client_set(c, options[i], options[i + 1]) != SE_OK) {
            fprintf(stderr, "%s: %s\n", provider, se_client_errmsg(c));
            se_client_free(c);
            return NULL;
        }
    return c;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s BASE_URL   (e.g. the URL sendevent-emulator printed)\n",
                argv[0]);
        return 2;
    }
    const char *base = argv[1];
    char auth_url[512];
    snprintf(auth_url, sizeof auth_url, "%s/oauth2/token", base);
    printf("libsendevent %s\n", se_version());

    const char *const sinch_opts[] = {"base_url",   base,
                                      "auth_url",   auth_url,
                                      "project_id", "demo-project",
                                      "key_id",     env("SINCH_KEY_ID", "emulator-key"),
                                      "key_secret", env("SINCH_KEY_SECRET", "emulator-secret"),
                                      NULL};
    const char *const zapi_opts[] = {"base_url",
                                     base,
                                     "instance_id",
                                     env("ZAPI_INSTANCE_ID", "emulator-instance"),
                                     "token",
                                     env("ZAPI_TOKEN", "emulator-token"),
                                     "client_token",
                                     env("ZAPI_CLIENT_TOKEN", "emulator-client-token"),
                                     NULL};
    const char *const connect_opts[] = {"base_url", base, NULL};

    int failed = 0;
    se_client *sinch = make_client("sinch", sinch_opts);
    se_client *zapi = make_client("zapi", zapi_opts);
    se_client *connect = make_client("connect", connect_opts);
    if (!sinch || !zapi || !connect)
        failed = 1;

    /* Sinch: a typing indicator to a contact */
    if (sinch)
        failed |=
            send_one(sinch, "send_event",
                     "{\"app_id\":\"demo-app\",\"recipient\":{\"contact_id\":\"demo-contact\"},"
                     "\"event\":{\"composing_event\":{}}}");

    /* Z-API: a WhatsApp group event */
    if (zapi)
        failed |=
            send_one(zapi, "send_event",
                     "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":\"Standup\","
                     "\"dateTime\":\"2024-04-29T09:30:53.309Z\",\"callLinkType\":\"video\","
                     "\"canceled\":false}}");

    /* Amazon Connect: a typing event, built with the request builder */
    if (connect) {
        se_request *req = NULL;
        se_request_new(&req);
        se_request_set_string(req, "ConnectionToken",
                              env("CONNECT_CONNECTION_TOKEN", "emulator-connection-token"));
        se_request_set_string(req, "ContentType", "application/vnd.amazonaws.connect.event.typing");
        failed |= send_one(connect, "send_event", se_request_json(req));
        se_request_free(req);
    }

    se_client_free(sinch);
    se_client_free(zapi);
    se_client_free(connect);
    return failed;
}
