#include "providers/common.h"

#include <stdlib.h>
#include <string.h>

se_status se_require_option(const se_client *c, se_opt o, const char *key, se_diag *d) {
    if (se_opt_str(c, o))
        return SE_OK;
    return se_diag_fail(d, "%s: required client option for %s is not set", key, c->provider->name);
}

se_status se_check_path_id(const char *value, const char *key, se_diag *d) {
    if (!strcmp(value, ".") || !strcmp(value, ".."))
        return se_diag_fail(d, "%s: must not be \".\" or \"..\"", key);
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '/' || *p == '?' || *p == '#')
            return se_diag_fail(
                d, "%s: must not contain whitespace, control characters, '/', '?' or '#'", key);
    return SE_OK;
}

char *se_base_url(const se_client *c, const char *fallback) {
    const char *base = se_opt_str(c, O_BASE_URL);
    if (!base)
        base = fallback;
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    return se_strndup(base, n);
}

se_status se_set_json_body(se_http_request *out, const cJSON *req) {
    out->body = cJSON_PrintUnformatted(req);
    if (!out->body)
        return SE_E_NOMEM;
    out->body_len = strlen(out->body);
    return SE_OK;
}
