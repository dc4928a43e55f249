/* providers/common.h - what providers share: request-building steps and
 * small readers of answers. Included by providers/<name>/ only. */
#ifndef SEI_PROVIDERS_COMMON_H
#define SEI_PROVIDERS_COMMON_H

#include "client_state.h"
#include "http_request.h"
#include "json.h"
#include "logging.h"
#include "response_internal.h"
#include "transport.h"
#include "util.h"

/* Fails naming the option when it is unset. */
se_status sei_require_option(const se_client *c, sei_opt o, sei_diag *d);

/* An id that becomes a URL path segment: non-empty, not "." or "..", no
 * whitespace, control characters, '/', '?' or '#'. The message names the
 * option, never its value (Z-API ids are secrets). */
se_status sei_check_path_id(const char *value, const char *key, sei_diag *d);

/* One piece of a URL path: literal text, an id (percent-encoded), or a secret
 * id (percent-encoded in the URL, [REDACTED] in the request line). */
typedef enum { URL_TEXT, URL_ID, URL_SECRET } sei_url_kind;
typedef struct sei_url_part {
    const char *text;
    sei_url_kind kind;
} sei_url_part;

/* Sets out->url and out->request_line: base_url (else `fallback`, trailing
 * slashes trimmed) followed by `parts` (ended by a NULL text). */
se_status sei_set_url(sei_http_request *out, const se_client *c, const char *fallback,
                      const sei_url_part *parts);

/* Sets out->body: the caller's text as written (out->source) unless the build
 * changed the tree (tree_changed) or there is none, else req printed compactly. */
se_status sei_set_json_body(sei_http_request *out, const cJSON *req, bool tree_changed);

/* A copy of obj's string member `key`, or NULL (absent, not a string, out of memory). */
char *sei_json_dup_string(const cJSON *obj, const char *key);

#endif
