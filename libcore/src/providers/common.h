/* providers/common.h - request-building steps the three providers share. */
#ifndef SE_PROVIDERS_COMMON_H
#define SE_PROVIDERS_COMMON_H

#include "internal.h"

/* Fails naming `key` when the option is unset. */
se_status se_require_option(const se_client *c, se_opt o, const char *key, se_diag *d);

/* An id that becomes a URL path segment: non-empty, not "." or "..", no
 * whitespace, control characters, '/', '?' or '#'. The message names the
 * option, never its value (Z-API ids are secrets). */
se_status se_check_path_id(const char *value, const char *key, se_diag *d);

/* base_url when set, else `fallback`; trailing slashes trimmed. Free with free(). */
char *se_base_url(const se_client *c, const char *fallback);

/* Serializes req compactly into out->body. */
se_status se_set_json_body(se_http_request *out, const cJSON *req);

#endif
