/* json_writer.c - compact JSON text on a sei_dynbuf (json.h). One writer for
 * the Python and Lua bindings and the command line tool, so that every face
 * writes a string, an integer or a float the same way. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "json_lex.h"

void sei_json_writer_init(sei_json_writer *w, sei_dynbuf *out, int max_depth) {
    memset(w, 0, sizeof *w);
    w->out = out;
    w->max_depth = max_depth > 0 ? max_depth : SEI_JSON_MAX_DEPTH;
    w->error = out->error;
}

static se_status fail(sei_json_writer *w, se_status st) {
    if (w->error == SE_OK)
        w->error = st;
    return w->error;
}

/* The comma a value needs after the one before it at its level. */
static se_status value_start(sei_json_writer *w) {
    if (w->error != SE_OK)
        return w->error;
    if (w->comma) {
        se_status st = sei_dynbuf_addc(w->out, ',');
        if (st != SE_OK)
            return fail(w, st);
    }
    w->comma = true;
    return SE_OK;
}

static se_status put(sei_json_writer *w, const char *s, size_t n) {
    se_status st = value_start(w);
    if (st == SE_OK && (st = sei_dynbuf_add(w->out, s, n)) != SE_OK)
        return fail(w, st);
    return st;
}

static se_status begin(sei_json_writer *w, char open) {
    if (w->error == SE_OK && w->depth >= w->max_depth)
        return fail(w, SE_E_INVALID);
    se_status st = put(w, &open, 1);
    if (st == SE_OK) {
        w->depth++;
        w->comma = false;
    }
    return st;
}

static se_status end(sei_json_writer *w, char close) {
    if (w->error != SE_OK)
        return w->error;
    if (w->depth == 0)
        return fail(w, SE_E_MISUSE);
    se_status st = sei_dynbuf_addc(w->out, close);
    if (st != SE_OK)
        return fail(w, st);
    w->depth--;
    w->comma = true;
    return SE_OK;
}

se_status sei_json_begin_object(sei_json_writer *w) {
    return begin(w, '{');
}
se_status sei_json_end_object(sei_json_writer *w) {
    return end(w, '}');
}
se_status sei_json_begin_array(sei_json_writer *w) {
    return begin(w, '[');
}
se_status sei_json_end_array(sei_json_writer *w) {
    return end(w, ']');
}

/* Bytes that a string holds as they are, eight at a time: no control
 * character, quote, backslash or byte of a multi-byte sequence. */
static size_t plain_words(const unsigned char *s, size_t n) {
    size_t i = 0;
    for (uint64_t x; i + 8 <= n; i += 8) {
        memcpy(&x, s + i, 8);
        if ((x & SEI_SCAN_HIGHS) | sei_scan_below(x, 0x20) | sei_scan_has(x, '"') |
            sei_scan_has(x, '\\'))
            break;
    }
    return i;
}

/* Writes s[0..n) escaped at o (room for 6 n bytes); the end, or NULL with
 * *bad the offset of a byte that is not UTF-8. */
static char *escape(const unsigned char *s, size_t n, char *o, size_t *bad) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = s, *end = s + n;
    while (p < end) {
        size_t run = plain_words(p, (size_t)(end - p));
        memcpy(o, p, run);
        o += run;
        p += run;
        for (; p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\'; p++)
            *o++ = (char)*p;
        if (p == end)
            break;
        unsigned char c = *p;
        if (c >= 0x80) {
            size_t len = sei_json_utf8_len(p, end);
            if (!len) {
                *bad = (size_t)(p - s);
                return NULL;
            }
            memcpy(o, p, len);
            o += len;
            p += len;
            continue;
        }
        p++;
        *o++ = '\\';
        switch (c) {
        case '"':
            *o++ = '"';
            break;
        case '\\':
            *o++ = '\\';
            break;
        case '\n':
            *o++ = 'n';
            break;
        case '\r':
            *o++ = 'r';
            break;
        case '\t':
            *o++ = 't';
            break;
        case '\b':
            *o++ = 'b';
            break;
        case '\f':
            *o++ = 'f';
            break;
        default:
            memcpy(o, "u00", 3);
            o[3] = hex[c >> 4];
            o[4] = hex[c & 15];
            o += 5;
        }
    }
    return o;
}

/* The quoted, escaped string, after whatever punctuation `lead` is (a comma). */
static se_status quoted(sei_json_writer *w, const char *s, size_t n) {
    sei_dynbuf *b = w->out;
    if (n > (SIZE_MAX - 2) / 6)
        return fail(w, SE_E_NOMEM);
    se_status st = sei_dynbuf_reserve(b, n * 6 + 2); /* every byte escaped, at worst */
    if (st != SE_OK)
        return fail(w, st);
    char *start = b->data + b->len, *o = start;
    *o++ = '"';
    if (!(o = escape((const unsigned char *)s, n, o, &w->bad_offset)))
        return fail(w, SE_E_INVALID);
    *o++ = '"';
    sei_dynbuf_commit(b, (size_t)(o - start));
    return SE_OK;
}

se_status sei_json_key(sei_json_writer *w, const char *s, size_t n) {
    se_status st = value_start(w);
    if (st != SE_OK || (st = quoted(w, s, n)) != SE_OK ||
        (st = sei_dynbuf_addc(w->out, ':')) != SE_OK)
        return fail(w, st);
    w->comma = false; /* the member's value follows the colon */
    return SE_OK;
}

se_status sei_json_string(sei_json_writer *w, const char *s, size_t n) {
    se_status st = value_start(w);
    return st != SE_OK ? st : quoted(w, s, n);
}

se_status sei_json_int(sei_json_writer *w, int64_t v) {
    char digits[24], *d = digits + sizeof digits;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        *--d = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--d = '-';
    return put(w, d, (size_t)(digits + sizeof digits - d));
}

se_status sei_json_number_text(sei_json_writer *w, const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    size_t digits;
    bool strict = true, integer;
    if (w->error != SE_OK)
        return w->error;
    if (!n || (*p != '-' && !sei_json_is_digit(*p)) ||
        sei_json_number(p, p + n, &digits, &strict, &integer) != p + n || !strict)
        return fail(w, SE_E_INVALID);
    return put(w, s, n);
}

se_status sei_json_double(sei_json_writer *w, double v) {
    char num[64];
    int n = 0;
    if (!isfinite(v))
        return w->error != SE_OK ? w->error : fail(w, SE_E_INVALID);
    for (int prec = 15; prec <= 17; prec++) { /* the shortest text that reads back exactly */
        n = snprintf(num, sizeof num, "%.*g", prec, v);
        for (char *c = num; *c; c++)
            if (*c == ',')
                *c = '.'; /* a locale's decimal comma */
        if (strtod(num, NULL) == v || prec == 17)
            break;
    }
    return put(w, num, (size_t)n);
}

se_status sei_json_bool(sei_json_writer *w, bool v) {
    return v ? put(w, "true", 4) : put(w, "false", 5);
}

se_status sei_json_null(sei_json_writer *w) {
    return put(w, "null", 4);
}

se_status sei_json_raw(sei_json_writer *w, const char *s, size_t n) {
    return put(w, s, n);
}

se_status sei_json_write_event(sei_json_writer *w, const sei_json_reader *r, sei_json_event e) {
    switch (e) {
    case SEI_JSON_BEGIN_OBJECT:
        return sei_json_begin_object(w);
    case SEI_JSON_END_OBJECT:
        return sei_json_end_object(w);
    case SEI_JSON_BEGIN_ARRAY:
        return sei_json_begin_array(w);
    case SEI_JSON_END_ARRAY:
        return sei_json_end_array(w);
    case SEI_JSON_KEY:
        return sei_json_key(w, r->str, r->len);
    case SEI_JSON_STRING:
        return sei_json_string(w, r->str, r->len);
    case SEI_JSON_NUMBER:
        return sei_json_number_text(w, r->str, r->len);
    case SEI_JSON_TRUE:
    case SEI_JSON_FALSE:
        return sei_json_bool(w, e == SEI_JSON_TRUE);
    case SEI_JSON_NULL:
        return sei_json_null(w);
    default:
        return SE_E_MISUSE; /* the end, or an error: nothing to write */
    }
}
