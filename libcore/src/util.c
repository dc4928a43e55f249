/* util.c - small helpers: time, randomness, strings, encodings, JSON paths. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "util.h"

double sei_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sei_sleep(double seconds) {
    if (seconds <= 0)
        return;
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

static bool fill_random(void *buf, size_t len) {
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

double sei_random_unit(void) {
    uint64_t r = 0;
    if (!fill_random(&r, sizeof r))
        return 0.5;
    return (double)(r >> 11) / (double)(UINT64_C(1) << 53);
}

se_status sei_uuid4(char out[37]) {
    unsigned char b[16];
    if (!fill_random(b, sizeof b))
        return SE_E_NOMEM;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    static const char hex[] = "0123456789abcdef";
    char *o = out;
    for (int i = 0; i < 16; i++) { /* 8-4-4-4-12 */
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *o++ = '-';
        *o++ = hex[b[i] >> 4];
        *o++ = hex[b[i] & 15];
    }
    *o = '\0';
    return SE_OK;
}

char *sei_strndup(const char *s, size_t n) {
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *sei_strdup(const char *s) {
    return s ? sei_strndup(s, strlen(s)) : NULL;
}

char *sei_printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

char *sei_join(const char *first, ...) {
    va_list ap;
    size_t total = 0;
    va_start(ap, first);
    for (const char *p = first; p; p = va_arg(ap, const char *))
        total += strlen(p);
    va_end(ap);
    char *out = malloc(total + 1), *o = out;
    if (!out)
        return NULL;
    va_start(ap, first);
    for (const char *p = first; p; p = va_arg(ap, const char *)) {
        size_t n = strlen(p);
        memcpy(o, p, n);
        o += n;
    }
    va_end(ap);
    *o = '\0';
    return out;
}

char *sei_base64(const unsigned char *data, size_t len) {
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc(4 * ((len + 2) / 3) + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        *o++ = tbl[(v >> 18) & 63];
        *o++ = tbl[(v >> 12) & 63];
        *o++ = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
        *o++ = i + 2 < len ? tbl[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

/* Loopback: 127.0.0.0/8, ::1 and localhost. Userinfo and port are skipped. */
bool sei_is_loopback_url(const char *url, bool *is_http) {
    *is_http = strncasecmp(url, "http://", 7) == 0;
    const char *host = strstr(url, "://");
    if (!host)
        return false;
    host += 3;
    size_t span = strcspn(host, "/?#");
    const char *at = memchr(host, '@', span);
    if (at) {
        span -= (size_t)(at + 1 - host);
        host = at + 1;
    }
    if (span > 0 && host[0] == '[')
        return strncmp(host, "[::1]", 5) == 0;
    size_t hlen = strcspn(host, ":/?#");
    if (hlen == 9 && strncasecmp(host, "localhost", 9) == 0)
        return true;
    /* dotted quad 127.x.y.z, each part 0..255 (checked per send: no sscanf) */
    unsigned part = 0, parts = 0, first = 0;
    size_t digits = 0;
    for (size_t i = 0; i <= hlen; i++) {
        char ch = i < hlen ? host[i] : '.';
        if (ch >= '0' && ch <= '9' && digits < 3) {
            part = part * 10 + (unsigned)(ch - '0');
            digits++;
        } else if (ch == '.' && digits > 0 && part < 256 && parts < 4) {
            if (parts++ == 0)
                first = part;
            part = 0;
            digits = 0;
        } else {
            return false;
        }
    }
    return parts == 4 && first == 127;
}

const char *sei_json_type_name(const cJSON *item) {
    if (!item)
        return "nothing";
    switch (item->type & 0xff) {
    case cJSON_False:
    case cJSON_True:
        return "boolean";
    case cJSON_NULL:
        return "null";
    case cJSON_Number:
        return "number";
    case cJSON_String:
        return "string";
    case cJSON_Array:
        return "array";
    case cJSON_Object:
        return "object";
    default:
        return "invalid";
    }
}

bool sei_env_has_proxy(void) {
    /* what curl reads for http and https (not HTTP_PROXY: httpoxy) */
    static const char *const names[] = {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy",
                                        "ALL_PROXY"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = getenv(names[i]);
        if (v && *v)
            return true;
    }
    return false;
}

double sei_parse_retry_after(const char *value) {
    while (*value == ' ' || *value == '\t')
        value++;
    if (isdigit((unsigned char)*value)) {
        char *end;
        errno = 0;
        double secs = strtod(value, &end);
        while (*end == ' ' || *end == '\t')
            end++;
        if (errno || *end)
            return -1;
        return secs;
    }
    /* HTTP-date, IMF-fixdate form: "Sun, 06 Nov 1994 08:49:37 GMT" */
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end)
        return -1;
    double delay = difftime(timegm(&tm), time(NULL));
    return delay < 0 ? 0 : delay;
}
