/* options.c - client option values: the checks every value goes through,
 * and se_client_set / se_client_get over the client's slots (the common
 * options, then its provider's: option.h, option.c). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "options.h"

#include "client_state.h"
#include "logging.h"
#include "util.h"

static bool parse_bool(const char *v, double *out) {
    static const char *const yes[] = {"true", "1", "yes", "on"}, *const no[] = {"false", "0", "no",
                                                                                "off"};
    for (int i = 0; i < 4; i++) {
        if (!strcasecmp(v, yes[i]))
            return *out = 1, true;
        if (!strcasecmp(v, no[i]))
            return *out = 0, true;
    }
    return false;
}

static bool has_word(const char *list, const char *word) {
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

/* What every value must be, whatever its kind: not over its maximum length,
 * no control characters, and no whitespace where none is meaningful (only
 * options with `spaces` may hold spaces, not at either end). The message
 * names the key and the rule, never the value (it may be a secret). */
static se_status check_option_text(const sei_option *d, const char *v, char *msg, size_t cap) {
    size_t len = strnlen(v, d->max_len + 1);
    if (len > d->max_len) {
        snprintf(msg, cap, "%s: at most %zu bytes long", d->key, d->max_len);
        return SE_E_INVALID;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)v[i];
        if (b < 0x20 || b == 0x7f) {
            snprintf(msg, cap, "%s: must not contain control characters (byte %zu)", d->key, i);
            return SE_E_INVALID;
        }
        if (b == ' ' && (!d->spaces || i == 0 || i + 1 == len)) {
            snprintf(msg, cap, "%s: must not contain %swhitespace (byte %zu)", d->key,
                     d->spaces ? "leading or trailing " : "", i);
            return SE_E_INVALID;
        }
    }
    return SE_OK;
}

/* The kind's rule; *num gets the value's number. */
static se_status parse_kind(const sei_option *d, const char *v, double *num, char *msg,
                            size_t cap) {
    char *end;
    switch (d->kind) {
    case SEI_OPT_SECRET:
    case SEI_OPT_STR:
        if (!*v || strpbrk(v, "\r\n")) {
            snprintf(msg, cap, "%s: must be a non-empty single-line string", d->key);
            return SE_E_INVALID;
        }
        break;
    case SEI_OPT_URL:
        if (strncasecmp(v, "http://", 7) && strncasecmp(v, "https://", 8)) {
            snprintf(msg, cap, "%s: must start with http:// or https://", d->key);
            return SE_E_INVALID;
        }
        if (strpbrk(v, " \t\r\n?#")) {
            snprintf(msg, cap, "%s: must be a URL without spaces, query or fragment", d->key);
            return SE_E_INVALID;
        }
        break;
    case SEI_OPT_SECONDS:
    case SEI_OPT_INT:
    case SEI_OPT_NUMBER:
        errno = 0;
        *num = strtod(v, &end);
        if (errno || end == v || *end || !isfinite(*num) ||
            (d->kind == SEI_OPT_INT && *num != floor(*num))) {
            snprintf(msg, cap, "%s: must be %s, got \"%s\"", d->key,
                     d->kind == SEI_OPT_INT      ? "an integer"
                     : d->kind == SEI_OPT_NUMBER ? "a number"
                                                 : "a number of seconds",
                     v);
            return SE_E_INVALID;
        }
        if (*num < d->min || *num > d->max) {
            snprintf(msg, cap, "%s: must be between %g and %g, got %s", d->key, d->min, d->max, v);
            return SE_E_INVALID;
        }
        break;
    case SEI_OPT_BOOL:
        if (!parse_bool(v, num)) {
            snprintf(msg, cap, "%s: must be true or false, got \"%s\"", d->key, v);
            return SE_E_INVALID;
        }
        break;
    case SEI_OPT_ENUM:
        if (!has_word(d->values, v)) {
            snprintf(msg, cap, "%s: must be one of %s, got \"%s\"", d->key, d->values, v);
            return SE_E_INVALID;
        }
        break;
    }
    return SE_OK;
}

/* Checks one value and computes its number; msg gets "key: rule" on failure. */
static se_status parse_option(const sei_option *d, const char *v, double *num, char *msg,
                              size_t cap) {
    *num = 0;
    if (*v && check_option_text(d, v, msg, cap) != SE_OK)
        return SE_E_INVALID;
    se_status st = parse_kind(d, v, num, msg, cap);
    if (st == SE_OK && d->check)
        st = d->check(v, msg, cap);
    return st;
}

static sei_opt find_option(const se_client *c, const char *key) {
    for (const sei_option_alias *a = c->provider->aliases; a && a->key; a++)
        if (!strcmp(a->key, key))
            return a->slot;
    for (sei_opt o = 0; o < c->n_opts; o++)
        if (!strcmp(sei_opt_def(c, o)->key, key))
            return o;
    return SEI_OPT_NONE;
}

void sei_opts_init(se_client *c) {
    c->n_opts = O_COMMON_COUNT + (unsigned)c->provider->n_options;
    for (sei_opt o = 0; o < c->n_opts; o++) {
        char msg[256];
        const sei_option *d = sei_opt_def(c, o);
        if (d->def)
            parse_option(d, d->def, &c->num[o], msg, sizeof msg);
    }
}

void sei_opts_free(se_client *c) {
    for (sei_opt o = 0; o < c->n_opts; o++) {
        free(c->opt[o]);
        free(c->shown[o]);
    }
}

/* The URL with credentials (https://user:password@host) shown as [REDACTED]; NULL when it
 * has none, `url` itself when out of memory. */
static char *redacted_url(char *url) {
    char *host = strstr(url, "://");
    if (!host)
        return NULL;
    host += 3;
    size_t span = strcspn(host, "/?#");
    char *at = NULL;
    for (size_t i = 0; i < span; i++)
        if (host[i] == '@')
            at = host + i;
    if (!at)
        return NULL;
    char *shown = sei_printf("%.*s" SEI_REDACTED "%s", (int)(host - url), url, at);
    return shown ? shown : url;
}

/* "key: unknown option for the <provider> provider (known: ...)" */
static se_status unknown_option(se_client *c, const char *key) {
    char msg[512];
    int n = snprintf(msg, sizeof msg, "%s: unknown option for the %s provider (known:", key,
                     c->provider->name);
    for (sei_opt o = 0; o < c->n_opts && n > 0 && (size_t)n < sizeof msg; o++)
        n += snprintf(msg + n, sizeof msg - (size_t)n, " %s", sei_opt_def(c, o)->key);
    if (n > 0 && (size_t)n < sizeof msg)
        snprintf(msg + n, sizeof msg - (size_t)n, ")");
    return sei_set_error(c, SE_E_INVALID, msg);
}

se_status se_client_set(se_client *c, const char *key, const char *value) {
    if (!c || !key)
        return sei_set_error(c, SE_E_MISUSE, "se_client_set: client and key must not be NULL");
    sei_opt o = find_option(c, key);
    if (o == SEI_OPT_NONE)
        return unknown_option(c, key);
    const sei_option *d = sei_opt_def(c, o);
    const char *effective = value ? value : d->def;
    double num = 0;
    if (effective) {
        char msg[512];
        se_status st = parse_option(d, effective, &num, msg, sizeof msg);
        if (st != SE_OK)
            return sei_set_error(c, st, msg);
    }
    char *copy = NULL, *shown = NULL;
    if (value && !(copy = sei_strdup(value)))
        return sei_set_error(c, SE_E_NOMEM, "out of memory");
    if (copy && d->kind == SEI_OPT_URL && (shown = redacted_url(copy)) == copy) {
        free(copy);
        return sei_set_error(c, SE_E_NOMEM, "out of memory");
    }
    free(c->opt[o]);
    free(c->shown[o]);
    c->opt[o] = copy;
    c->shown[o] = shown;
    c->num[o] = num;
    c->config_gen++; /* pooled curl handles pick up the change */
    c->env_proxy = sei_env_has_proxy();
    if (d->credential) {
        free(c->token); /* credentials changed: a cached token is no longer theirs */
        c->token = NULL;
    }
    return SE_OK;
}

const char *se_client_get(const se_client *c, const char *key) {
    if (!c || !key)
        return NULL;
    sei_opt o = find_option(c, key);
    if (o == SEI_OPT_NONE)
        return NULL;
    const char *v = sei_opt_str(c, o);
    if (v && sei_opt_def(c, o)->kind == SEI_OPT_SECRET)
        return SEI_REDACTED;
    return c->shown[o] ? c->shown[o] : v;
}
