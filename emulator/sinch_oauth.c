/* Sinch's OAuth2 token endpoint (auth.sinch.com): client credentials in Basic auth,
 * grant_type=client_credentials; RFC 6749 errors. */
#include "sinch.h"

#include "emulator.h"
#include "reply.h"
#include "store.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The token endpoint (auth.sinch.com) is a plain OAuth2 server: RFC 6749 §5.2 errors. */
static void oauth_error_code(struct reply *rp, int status, const char *code, const char *msg) {
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "error", code);
    cJSON_AddStringToObject(doc, "error_description", msg);
    reply_json(rp, status, doc);
}

void oauth_error(struct reply *rp, int status, const char *message) {
    const char *code = status == 401   ? "invalid_client"
                       : status == 403 ? "access_denied"
                       : status == 429 ? "too_many_requests"
                       : status >= 500 ? "server_error"
                                       : "invalid_request";
    oauth_error_code(rp, status, code, message);
}

/* Finds key in an x-www-form-urlencoded body; returns a malloc'd decoded value or NULL. */
static char *form_value(const char *body, const char *key) {
    size_t klen = strlen(key);
    for (const char *p = body; p && *p; p = strchr(p, '&'), p = p ? p + 1 : NULL) {
        if (strncmp(p, key, klen) != 0 || p[klen] != '=')
            continue;
        const char *v = p + klen + 1;
        size_t n = strcspn(v, "&");
        char *out = xmalloc(n + 1), *o = out;
        for (size_t i = 0; i < n; i++) {
            if (v[i] == '+') {
                *o++ = ' ';
            } else if (v[i] == '%' && i + 2 < n && isxdigit((unsigned char)v[i + 1]) &&
                       isxdigit((unsigned char)v[i + 2])) {
                char hex[3] = {v[i + 1], v[i + 2], 0};
                *o++ = (char)strtol(hex, NULL, 16);
                i += 2;
            } else {
                *o++ = v[i];
            }
        }
        *o = '\0';
        return out;
    }
    return NULL;
}

/* POST /oauth2/token: Basic key_id:key_secret, grant_type=client_credentials. */
void sinch_oauth_token(const struct request *rq, struct reply *rp) {
    if (!require_post(rq, rp, oauth_error))
        return;
    const char *auth = request_header(rq, "Authorization");
    if (!auth || !str_prefix_ieq(auth, "Basic ") || !sinch_basic_ok(auth)) {
        oauth_error(rp, 401,
                    auth ? "invalid client credentials"
                         : "client authentication "
                           "required (HTTP Basic)");
        reply_header(rp, "WWW-Authenticate", "Basic realm=\"sinch\"");
        return;
    }
    const char *ct = request_header(rq, "Content-Type");
    if (!ct || !str_prefix_ieq(ct, "application/x-www-form-urlencoded")) {
        oauth_error(rp, 400, "Content-Type must be application/x-www-form-urlencoded");
        return;
    }
    char *grant = form_value(rq->body, "grant_type");
    if (!grant || strcmp(grant, "client_credentials") != 0) {
        if (grant)
            oauth_error_code(rp, 400, "unsupported_grant_type",
                             "grant_type must be client_credentials");
        else
            oauth_error(rp, 400, "grant_type is required");
        free(grant);
        return;
    }
    free(grant);
    char token[64], out[256];
    new_token(token, 43);
    store_token_add(TOK_SINCH, token, mono_ms() + cfg.sinch_token_lifetime * 1000);
    snprintf(out, sizeof out,
             "{\"access_token\":\"%s\",\"expires_in\":%ld,\"scope\":\"\",\"token_type\":"
             "\"bearer\"}",
             token, cfg.sinch_token_lifetime);
    reply_text(rp, 200, out);
}
