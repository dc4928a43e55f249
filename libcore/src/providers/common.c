#include "providers/common.h"

#include <stdlib.h>
#include <string.h>

se_status se_require_option(const se_client *c, se_opt o, se_diag *d) {
    if (se_opt_str(c, o))
        return SE_OK;
    return se_diag_fail(d, "%s: required client option for %s is not set", se_opt_def(c, o)->key,
                        c->provider->name);
}

char *se_json_dup_string(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? se_strdup(v->valuestring) : NULL;
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

/* RFC 3986 unreserved characters pass; everything else (including '/') is
 * encoded, so a path segment can never climb out of its place. */
static se_status append_encoded(se_buf *b, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    se_status st = SE_OK;
    for (const unsigned char *p = (const unsigned char *)s; *p && st == SE_OK; p++) {
        size_t run = strspn((const char *)p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                             "0123456789-_.~");
        st = se_buf_append(b, (const char *)p, run);
        p += run;
        if (!*p || st != SE_OK)
            break;
        char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
        st = se_buf_append(b, esc, 3);
    }
    return st;
}

/* The base URL as shown (request line, logs, dry runs): credentials in it
 * (https://user:password@host) become [REDACTED]. */
static se_status append_shown_base(se_buf *line, const char *base, size_t n) {
    const char *host = strstr(base, "://");
    size_t start = host ? (size_t)(host + 3 - base) : 0;
    const char *at = NULL;
    for (size_t i = start; host && i < n && !strchr("/?#", base[i]); i++)
        if (base[i] == '@')
            at = base + i; /* the last one ends the credentials */
    if (!at)
        return se_buf_append(line, base, n);
    se_status st = se_buf_append(line, base, start);
    if (st == SE_OK)
        st = se_buf_append(line, SE_REDACTED, strlen(SE_REDACTED));
    if (st == SE_OK)
        st = se_buf_append(line, at, n - (size_t)(at - base));
    return st;
}

se_status se_set_url(se_http_request *out, const se_client *c, const char *fallback,
                     const se_url_part *parts) {
    const char *base = se_opt_str(c, O_BASE_URL);
    if (!base)
        base = fallback;
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    se_buf url = {0}, line = {0};
    se_status st = se_buf_append(&url, base, n);
    if (st == SE_OK)
        st = se_buf_append(&line, "POST ", 5);
    if (st == SE_OK)
        st = append_shown_base(&line, base, n);
    for (const se_url_part *p = parts; p->text && st == SE_OK; p++) {
        if (p->kind == URL_TEXT) {
            st = se_buf_append(&url, p->text, strlen(p->text));
            if (st == SE_OK)
                st = se_buf_append(&line, p->text, strlen(p->text));
        } else {
            st = append_encoded(&url, p->text);
            if (st == SE_OK)
                st = p->kind == URL_SECRET ? se_buf_append(&line, SE_REDACTED, strlen(SE_REDACTED))
                                           : append_encoded(&line, p->text);
        }
    }
    if (st != SE_OK) {
        se_buf_free(&url);
        se_buf_free(&line);
        return st;
    }
    out->url = url.data;
    out->request_line = line.data;
    return SE_OK;
}

se_status se_set_json_body(se_http_request *out, const cJSON *req, bool tree_changed) {
    if (out->source && !tree_changed) { /* a copy is cheaper than printing the tree */
        if (!(out->body = malloc(out->source_len + 1)))
            return SE_E_NOMEM;
        memcpy(out->body, out->source, out->source_len + 1);
        out->body_len = out->source_len;
        return SE_OK;
    }
    out->body = cJSON_PrintUnformatted(req);
    if (!out->body)
        return SE_E_NOMEM;
    out->body_len = strlen(out->body);
    return SE_OK;
}
