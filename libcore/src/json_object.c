/* json_object.c - reading an answer's top-level members without a tree, and
 * splicing a member out of (and into) a request object's text. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "json_lex.h"

#define SEI_READ_MAX_DEPTH 64 /* deeper answers are left to cJSON */

/* A strict JSON string at r->p; *escaped tells whether it holds any escape. */
static bool read_string(sei_json_cursor *r, bool *escaped) {
    bool strict = true;
    *escaped = false;
    const unsigned char *after = sei_json_string_end(r->p, r->end, &strict, escaped);
    if (!after || !strict)
        return false;
    r->p = after;
    return true;
}

static bool read_value(sei_json_cursor *r);

static bool read_members(sei_json_cursor *r, unsigned char close, sei_json_want *want,
                         size_t n_want) {
    r->p++; /* the opening bracket */
    sei_json_ws(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return true;
    }
    for (;;) {
        const unsigned char *key = NULL, *key_end = NULL;
        bool escaped = false;
        if (close == '}') {
            key = r->p + 1;
            if (r->p >= r->end || *r->p != '"' || !read_string(r, &escaped) || escaped)
                return false;   /* (a key with escapes is left to cJSON) */
            key_end = r->p - 1; /* its closing quote */
            sei_json_ws(r);
            if (r->p >= r->end || *r->p != ':')
                return false;
            r->p++;
            sei_json_ws(r);
        }
        const unsigned char *value = r->p;
        if (!read_value(r))
            return false;
        for (size_t i = 0; key && i < n_want; i++) {
            size_t key_len = (size_t)(key_end - key);
            if (!want[i].found && !strncmp((const char *)key, want[i].key, key_len) &&
                !want[i].key[key_len]) {
                want[i].found = true;
                want[i].value = (const char *)value;
                want[i].len = (size_t)(r->p - value);
            }
        }
        sei_json_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            sei_json_ws(r);
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return true;
        }
        return false;
    }
}

static bool read_value(sei_json_cursor *r) {
    if (r->p >= r->end)
        return false;
    bool escaped, strict = true, integer, ok;
    size_t digits;
    switch (*r->p) {
    case '"':
        return read_string(r, &escaped);
    case '{':
    case '[':
        if (++r->depth > SEI_READ_MAX_DEPTH)
            return false;
        ok = read_members(r, *r->p == '{' ? '}' : ']', NULL, 0);
        r->depth--;
        return ok;
    case 't':
        return sei_json_literal(r, "true", 4);
    case 'f':
        return sei_json_literal(r, "false", 5);
    case 'n':
        return sei_json_literal(r, "null", 4);
    default:
        if (*r->p != '-' && !sei_json_is_digit(*r->p))
            return false;
        r->p = sei_json_number(r->p, r->end, &digits, &strict, &integer);
        return strict;
    }
}

bool sei_json_read_object(const char *text, size_t len, sei_json_want *want, size_t n_want) {
    sei_json_cursor r = {(const unsigned char *)text, (const unsigned char *)text + len, 1};
    for (size_t i = 0; i < n_want; i++)
        want[i].found = false;
    sei_json_ws(&r);
    if (r.p >= r.end || *r.p != '{' || !read_members(&r, '}', want, n_want))
        return false;
    sei_json_ws(&r);
    return r.p == r.end;
}

/* ---- splicing an object's text ------------------------------------------- */

char *sei_json_splice(const char *text, size_t len, const char *drop, const char *add,
                      size_t *out_len) {
    sei_json_cursor r = {(const unsigned char *)text, (const unsigned char *)text + len, 1};
    size_t drop_len = strlen(drop), add_len = add ? strlen(add) : 0;
    sei_json_ws(&r);
    if (r.p >= r.end || *r.p != '{')
        return NULL;
    char *out = malloc(len + add_len + 3), *w = out;
    if (!out)
        return NULL;
    *w++ = '{';
    bool first = true;
    r.p++;
    sei_json_ws(&r);
    while (r.p < r.end && *r.p == '"') {
        const unsigned char *member = r.p;
        bool escaped;
        if (!read_string(&r, &escaped) || escaped)
            break; /* a key written with escapes could spell `drop`: print the tree */
        bool dropped =
            (size_t)(r.p - member) == drop_len + 2 && !memcmp(member + 1, drop, drop_len);
        sei_json_ws(&r);
        if (r.p >= r.end || *r.p != ':')
            break;
        r.p++;
        sei_json_ws(&r);
        if (!read_value(&r))
            break;
        if (!dropped) {
            if (!first)
                *w++ = ',';
            memcpy(w, member, (size_t)(r.p - member));
            w += r.p - member;
            first = false;
        }
        sei_json_ws(&r);
        if (r.p < r.end && *r.p == ',') {
            r.p++;
            sei_json_ws(&r);
        }
    }
    if (r.p >= r.end || *r.p != '}') {
        free(out); /* not the plain object expected: the caller prints the tree */
        return NULL;
    }
    if (add) {
        if (!first)
            *w++ = ',';
        memcpy(w, add, add_len);
        w += add_len;
    }
    *w++ = '}';
    *w = '\0';
    *out_len = (size_t)(w - out);
    return out;
}
