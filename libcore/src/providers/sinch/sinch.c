/* providers/sinch/sinch.c - Sinch Conversation API: events:send and
 * messages:send, Basic or OAuth2 client-credentials auth with a shared,
 * cached token (refused once: fetched again). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "callbacks.h"
#include "checks.h"
#include "providers/common.h"

static const sei_operation sinch_ops[] = {
    {"send_event", "events:send", sei_check_sinch_send_event,
     "an event: typing indicator, agent joined or left, comment reply, ...",
     "{\"app_id\":\"APP\",\"recipient\":{\"contact_id\":\"CONTACT\"},"
     "\"event\":{\"composing_event\":{}}}",
     &sei_sinch_send_event_spec},
    {"send_message", "messages:send", sei_check_sinch_send_message,
     "a message: text, media, choices, card, template, ...",
     "{\"app_id\":\"APP\",\"recipient\":{\"contact_id\":\"CONTACT\"},"
     "\"message\":{\"text_message\":{\"text\":\"Hello\"}}}",
     &sei_sinch_send_message_spec},
};
_Static_assert(sizeof sinch_ops / sizeof sinch_ops[0] <= SEI_MAX_OPERATIONS,
               "client URL cache size");

enum {
    SINCH_O_PROJECT_ID = O_COMMON_COUNT,
    SINCH_O_KEY_ID,
    SINCH_O_KEY_SECRET,
    SINCH_O_REGION,
    SINCH_O_AUTH,
    SINCH_O_AUTH_URL,
    SINCH_O_ACCESS_TOKEN,
    SINCH_O_END
};

static se_status check_region(const char *v, char *msg, size_t cap) {
    if (!strcmp(v, "us") || !strcmp(v, "eu") || !strcmp(v, "br"))
        return SE_OK;
    snprintf(msg, cap, "region: must be one of us, eu, br for sinch, got \"%s\"", v);
    return SE_E_INVALID;
}

/* one row per slot above, in its order */
static const sei_option sinch_options[] = {
    {.key = "project_id", .kind = SEI_OPT_STR, .max_len = 128, .help = "project id (required)"},
    {.key = "key_id",
     .kind = SEI_OPT_STR,
     .max_len = 128,
     .credential = true,
     .help = "access key id (required unless access_token)"},
    {.key = "key_secret",
     .kind = SEI_OPT_SECRET,
     .max_len = 256,
     .credential = true,
     .help = "access key secret (required unless access_token)"},
    {.key = "region",
     .kind = SEI_OPT_STR,
     .max_len = 64,
     .check = check_region,
     .help = "us, eu or br; required unless base_url"},
    {.key = "auth",
     .kind = SEI_OPT_ENUM,
     .def = "oauth2",
     .values = "oauth2 basic",
     .max_len = 64,
     .help = "oauth2 (a fetched bearer token) or basic"},
    {.key = "auth_url",
     .kind = SEI_OPT_URL,
     .def = "https://auth.sinch.com/oauth2/token",
     .max_len = 2048,
     .credential = true,
     .help = "OAuth2 token endpoint"},
    {.key = "access_token",
     .kind = SEI_OPT_SECRET,
     .max_len = 4096,
     .credential = true,
     .help = "a bearer token to use as is"},
};
_Static_assert(sizeof sinch_options / sizeof sinch_options[0] == SINCH_O_END - O_COMMON_COUNT &&
                   SINCH_O_END - O_COMMON_COUNT <= SEI_MAX_PROVIDER_OPTIONS,
               "one row per option slot");

static bool uses_oauth(const se_client *c) {
    return !sei_opt_str(c, SINCH_O_ACCESS_TOKEN) && !strcmp(sei_opt_str(c, SINCH_O_AUTH), "oauth2");
}

static se_status sinch_check_config(const se_client *c, sei_diag *d) {
    se_status st = sei_require_option(c, SINCH_O_PROJECT_ID, d);
    if (st == SE_OK)
        st = sei_check_path_id(sei_opt_str(c, SINCH_O_PROJECT_ID), "project_id", d);
    if (st == SE_OK && !sei_opt_str(c, O_BASE_URL) && !sei_opt_str(c, SINCH_O_REGION))
        st = sei_diag_fail(d, "region: required client option for sinch (us, eu or br; there is no "
                              "safe default) unless base_url is set");
    if (st == SE_OK && !sei_opt_str(c, SINCH_O_ACCESS_TOKEN)) {
        st = sei_require_option(c, SINCH_O_KEY_ID, d);
        if (st == SE_OK)
            st = sei_require_option(c, SINCH_O_KEY_SECRET, d);
    }
    return st;
}

static char *basic_credentials(const se_client *c) {
    char *pair =
        sei_join(sei_opt_str(c, SINCH_O_KEY_ID), ":", sei_opt_str(c, SINCH_O_KEY_SECRET), NULL);
    char *b64 = pair ? sei_base64((const unsigned char *)pair, strlen(pair)) : NULL;
    char *header = b64 ? sei_join("Basic ", b64, NULL) : NULL;
    free(pair);
    free(b64);
    return header;
}

static se_status sinch_url(const se_client *c, const sei_operation *op, sei_http_request *out) {
    char fallback[64];
    snprintf(fallback, sizeof fallback, "https://%s.conversation.api.sinch.com",
             sei_opt_str(c, SINCH_O_REGION) ? sei_opt_str(c, SINCH_O_REGION) : "us");
    const sei_url_part path[] = {{"/v1/projects/", URL_TEXT},
                                 {sei_opt_str(c, SINCH_O_PROJECT_ID), URL_ID},
                                 {"/", URL_TEXT},
                                 {op->route, URL_TEXT},
                                 {NULL, URL_TEXT}};
    return sei_set_url(out, c, fallback, path);
}

/* the headers build() adds: Authorization, Content-Type, Accept */
_Static_assert(3 <= SEI_MAX_HEADERS, "a request holds SEI_MAX_HEADERS headers");

static se_status sinch_build(const se_client *c, const sei_operation *op, cJSON *req,
                             sei_http_request *out, sei_diag *d) {
    (void)op;
    (void)d;
    char *auth;
    if (sei_opt_str(c, SINCH_O_ACCESS_TOKEN))
        auth = sei_join("Bearer ", sei_opt_str(c, SINCH_O_ACCESS_TOKEN), NULL);
    else if (uses_oauth(c))
        auth =
            sei_strdup("Bearer "); /* the token is added by sinch_authorize before each attempt */
    else
        auth = basic_credentials(c);
    se_status st = sei_http_add_header_owned(out, "Authorization", auth, true);
    if (st == SE_OK)
        st = sei_http_add_header(out, "Content-Type", "application/json", false);
    if (st == SE_OK)
        st = sei_http_add_header(out, "Accept", "application/json", false);
    if (st == SE_OK)
        st = sei_set_json_body(out, req, false);
    return st;
}

#define SEI_MAX_ACCESS_TOKEN 4096 /* bytes; Sinch's JWTs are about a thousand */

/* An access token from the token endpoint goes into a header of every API
 * request: only what RFC 6750 allows in a bearer token (b64token: letters,
 * digits, "-._~+/", then "=" padding), at most SEI_MAX_ACCESS_TOKEN bytes.
 * Anything else (a CR/LF would inject a header) is SE_E_PROTOCOL. The
 * message never shows the token. */
static se_status check_access_token(const char *token, sei_diag *d) {
    size_t len = strnlen(token, SEI_MAX_ACCESS_TOKEN + 1);
    if (len > SEI_MAX_ACCESS_TOKEN) {
        sei_diag_fail(d,
                      "auth_url: the token endpoint answered an access_token longer than %d bytes",
                      SEI_MAX_ACCESS_TOKEN);
        return SE_E_PROTOCOL;
    }
    size_t n =
        strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");
    n += n > 0 ? strspn(token + n, "=") : 0;
    if (n == 0 || n < len) {
        sei_diag_fail(d,
                      "auth_url: the token endpoint answered an access_token that is not a bearer "
                      "token (RFC 6750 b64token; byte %zu)",
                      n);
        return SE_E_PROTOCOL;
    }
    return SE_OK;
}

/* The client-credentials grant, sent by the run that fetches the token. */
static se_status sinch_token_request(const se_client *c, sei_http_request *out) {
    memset(out, 0, sizeof *out);
    const char *url = sei_opt_str(c, SINCH_O_AUTH_URL);
    se_status st = sei_http_set_url(out, sei_strdup(url), sei_join("POST ", url, NULL));
    if (st == SE_OK)
        st = sei_http_set_body(out, sei_strdup("grant_type=client_credentials"),
                               strlen("grant_type=client_credentials"));
    if (st == SE_OK)
        st = sei_http_add_header_owned(out, "Authorization", basic_credentials(c), true);
    if (st == SE_OK)
        st = sei_http_add_header(out, "Content-Type", "application/x-www-form-urlencoded", false);
    if (st != SE_OK)
        sei_http_request_clear(out);
    return st;
}

/* Reads the token endpoint's answer into the client (token, or how it failed).
 * Called with token_lock held. */
static void take_token_answer(se_client *c, const sei_attempt *a) {
    sei_diag *d = &c->token_diag;
    sei_diag_free(d);
    c->token_status = sei_attempt_status(a);
    cJSON *json = a->body.len ? cJSON_ParseWithLength(a->body.data, a->body.len) : NULL;
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(json, "access_token");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(json, "expires_in");
    if (c->token_status == SE_OK && (!cJSON_IsString(tok) || !tok->valuestring[0])) {
        c->token_status = SE_E_PROTOCOL;
        sei_diag_fail(d, "auth_url: the token endpoint answered without an access_token");
    }
    if (c->token_status == SE_OK)
        c->token_status = check_access_token(tok->valuestring, d);
    if (c->token_status == SE_OK) {
        double lifetime = cJSON_IsNumber(exp) && exp->valuedouble > 0 ? exp->valuedouble : 3600;
        double margin = lifetime / 2 < 60 ? lifetime / 2 : 60; /* refresh before it expires */
        free(c->token);
        c->token = sei_strdup(tok->valuestring);
        c->token_expiry = sei_now() + lifetime - margin;
        if (!c->token)
            c->token_status = SE_E_NOMEM;
    } else if (a->curl_code != CURLE_OK) {
        sei_diag_fail(d, "auth_url: token request failed: %s",
                      a->curl_error[0] ? a->curl_error : curl_easy_strerror(a->curl_code));
    } else if (!d->msg) {
        const cJSON *err = cJSON_GetObjectItemCaseSensitive(json, "error");
        const cJSON *desc = cJSON_GetObjectItemCaseSensitive(json, "error_description");
        d->http_status = (int)a->http_status;
        if (cJSON_IsString(err) && err->valuestring[0])
            d->code = sei_strndup(err->valuestring, strnlen(err->valuestring, 63));
        sei_diag_fail(d, "auth_url: token request failed with HTTP %ld%s%s", a->http_status,
                      cJSON_IsString(desc) || cJSON_IsString(err) ? ": " : "",
                      cJSON_IsString(desc)  ? desc->valuestring
                      : cJSON_IsString(err) ? err->valuestring
                                            : "");
    }
    cJSON_Delete(json);
}

static void sinch_token_answer(se_client *c, const sei_attempt *a) {
    pthread_mutex_lock(&c->token_lock);
    if (a) {
        take_token_answer(c, a);
    } else { /* abandoned (cancelled): no failure to report, the next send fetches */
        c->token_status = SE_OK;
        sei_diag_free(&c->token_diag);
    }
    c->token_fetching = false;
    c->token_gen++;
    pthread_mutex_unlock(&c->token_lock);
}

/* The failure of the fetch a send waited on, copied into its diag. */
static se_status token_failure(const se_client *c, sei_diag *d) {
    sei_diag_fail(d, "%s", c->token_diag.msg ? c->token_diag.msg : se_strerror(c->token_status));
    d->http_status = c->token_diag.http_status;
    if (c->token_diag.code) {
        free(d->code);
        d->code = sei_strdup(c->token_diag.code);
    }
    return c->token_status;
}

static se_status sinch_authorize(se_client *c, sei_http_request *req, const char *stale,
                                 unsigned *token_gen, sei_diag *d) {
    if (!uses_oauth(c))
        return SE_OK;
    sei_header *h = NULL;
    for (int i = 0; i < req->n_headers; i++)
        if (!strcasecmp(req->headers[i].name, "Authorization"))
            h = &req->headers[i];
    if (!h)
        return SE_E_NOMEM;
    /* One fetch at a time, on the network without this lock: the sends that
     * need a token wait for it (SEI_PENDING), the others go on. */
    pthread_mutex_lock(&c->token_lock);
    se_status st = SE_OK;
    if (stale && c->token && !strcmp(stale + strlen("Bearer "), c->token)) {
        free(c->token); /* refused by the server: never used again */
        c->token = NULL;
    }
    bool usable = c->token && sei_now() < c->token_expiry;
    if (!usable && c->token_fetching) {
        st = SEI_PENDING;
    } else if (!usable && *token_gen && *token_gen != c->token_gen && c->token_status != SE_OK) {
        st = token_failure(c, d); /* the fetch this send waited on failed */
    } else if (!usable) {
        c->token_fetching = true;
        st = SEI_PENDING_FETCH;
    }
    if (st == SEI_PENDING || st == SEI_PENDING_FETCH)
        *token_gen = c->token_gen;
    char *value = st == SE_OK ? sei_join("Bearer ", c->token, NULL) : NULL;
    pthread_mutex_unlock(&c->token_lock);
    if (st != SE_OK)
        return st;
    if (!value)
        return SE_E_NOMEM;
    if (!strcmp(value, sei_header_value(h)))
        free(value); /* same token as the last attempt: the header list stays */
    else
        sei_http_replace_header(req, h, value);
    return SE_OK;
}

/* The token endpoint, when this configuration fetches tokens. */
static sei_opt sinch_token_url(const se_client *c) {
    return uses_oauth(c) ? SINCH_O_AUTH_URL : SEI_OPT_NONE;
}

/* A 401 to a token this client fetched (not a configured access_token):
 * expired or forgotten by the server. */
static bool sinch_refused_credential(const se_client *c, const char *used, const sei_attempt *a) {
    return a->http_status == 401 && used && !strncasecmp(used, "Bearer ", 7) && used[7] != '\0' &&
           !sei_opt_str(c, SINCH_O_ACCESS_TOKEN);
}

/* The Basic credential, echoed by whichever endpoint received it; without its
 * padding, which an echo may drop. */
static se_status sinch_derived_secret(const se_client *c, char **out) {
    *out = NULL;
    if (!c->opt[SINCH_O_KEY_ID] || !c->opt[SINCH_O_KEY_SECRET])
        return SE_OK;
    char *pair = sei_join(c->opt[SINCH_O_KEY_ID], ":", c->opt[SINCH_O_KEY_SECRET], NULL);
    char *b64 = pair ? sei_base64((const unsigned char *)pair, strlen(pair)) : NULL;
    free(pair);
    if (!b64)
        return SE_E_NOMEM;
    b64[strcspn(b64, "=")] = '\0';
    *out = b64;
    return SE_OK;
}

/* {"error": {code, message, status, details}}; the bare inner object also occurs */
static void sinch_parse_error(se_response *r, const cJSON *json, const sei_attempt *a) {
    (void)a;
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(json, "error");
    if (!cJSON_IsObject(err))
        err = json;
    r->provider_code = sei_json_dup_string(err, "status");
    r->message = sei_json_dup_string(err, "message");
}

static const char *const sinch_id_fields[] = {"event_id", "message_id", NULL};

const sei_provider sei_provider_sinch = {
    .name = "sinch",
    .title = "Sinch Conversation API",
    .ops = sinch_ops,
    .n_ops = sizeof sinch_ops / sizeof sinch_ops[0],
    .options = sinch_options,
    .n_options = sizeof sinch_options / sizeof sinch_options[0],
    .check_config = sinch_check_config,
    .url = sinch_url,
    .build = sinch_build,
    .authorize = sinch_authorize,
    .token_request = sinch_token_request,
    .token_answer = sinch_token_answer,
    .token_url = sinch_token_url,
    .refused_credential = sinch_refused_credential,
    .derived_secret = sinch_derived_secret,
    .parse_error = sinch_parse_error,
    .id_fields = sinch_id_fields,
    .time_field = "accepted_time",
    .idempotent = false,
    .verify_signature = sei_sinch_verify_signature,
    .parse_callback = sei_sinch_parse_callback,
};
