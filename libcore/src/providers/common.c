#include "providers/common.h"

#include "dynbuf.h"

#include <stdlib.h>
#include <string.h>

se_status sei_require_option(const se_client *c, sei_opt o, sei_diag *d) {
    if (sei_opt_str(c, o))
        return SE_OK;
    return sei_diag_fail(d, "%s: required client option for %s is not set", sei_opt_def(c, o)->key,
                         c->provider->name);
}

char *sei_json_dup_string(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? sei_strdup(v->valuestring) : NULL;
}

se_status sei_check_path_id(const char *value, const char *key, sei_diag *d) {
    if (!strcmp(value, ".") || !strcmp(value, ".."))
        return sei_diag_fail(d, "%s: must not be \".\" or \"..\"", key);
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '/' || *p == '?' || *p == '#')
            return sei_diag_fail(
                d, "%s: must not contain whitespace, control characters, '/', '?' or '#'", key);
    return SE_OK;
}

/* RFC 3986 unreserved characters pass; everything else (including '/') is
 * encoded, so a path segment can never climb out of its place. */
static void append_encoded(sei_dynbuf *b, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        size_t run = strspn((const char *)p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                             "0123456789-_.~");
        sei_dynbuf_add(b, p, run);
        p += run;
        if (!*p)
            break;
        char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
        sei_dynbuf_add(b, esc, 3);
    }
}

/* The base URL as shown (request line, logs, dry runs): credentials in it
 * (https://user:password@host) become [REDACTED]. */
static void append_shown_base(sei_dynbuf *line, const char *base, size_t n) {
    const char *host = strstr(base, "://");
    size_t start = host ? (size_t)(host + 3 - base) : 0;
    const char *at = NULL;
    for (size_t i = start; host && i < n && !strchr("/?#", base[i]); i++)
        if (base[i] == '@')
            at = base + i; /* the last one ends the credentials */
    if (!at) {
        sei_dynbuf_add(line, base, n);
        return;
    }
    sei_dynbuf_add(line, base, start);
    sei_dynbuf_adds(line, SEI_REDACTED);
    sei_dynbuf_add(line, at, n - (size_t)(at - base));
}

se_status sei_set_url(sei_http_request *out, const se_client *c, const char *fallback,
                      const sei_url_part *parts) {
    const char *base = sei_opt_str(c, O_BASE_URL);
    if (!base)
        base = fallback;
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    sei_dynbuf url, line; /* a failed append fails the later ones: checked at the end */
    sei_dynbuf_init(&url, 0);
    sei_dynbuf_init(&line, 0);
    sei_dynbuf_add(&url, base, n);
    sei_dynbuf_add(&line, "POST ", 5);
    append_shown_base(&line, base, n);
    for (const sei_url_part *p = parts; p->text; p++) {
        if (p->kind == URL_TEXT) {
            sei_dynbuf_adds(&url, p->text);
            sei_dynbuf_adds(&line, p->text);
        } else {
            append_encoded(&url, p->text);
            if (p->kind == URL_SECRET)
                sei_dynbuf_adds(&line, SEI_REDACTED);
            else
                append_encoded(&line, p->text);
        }
    }
    return sei_http_set_url(out, sei_dynbuf_take(&url, NULL), sei_dynbuf_take(&line, NULL));
}

se_status sei_set_json_body(sei_http_request *out, const cJSON *req, bool tree_changed) {
    if (out->source && !tree_changed) { /* a copy is cheaper than printing the tree */
        char *copy = malloc(out->source_len + 1);
        if (copy)
            memcpy(copy, out->source, out->source_len + 1);
        return sei_http_set_body(out, copy, out->source_len);
    }
    char *printed = cJSON_PrintUnformatted(req);
    return sei_http_set_body(out, printed, printed ? strlen(printed) : 0);
}
