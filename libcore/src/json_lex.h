/* json_lex.h - the lexical pieces of JSON every part of the JSON module reads
 * with: numbers, strings, escapes, UTF-8, blanks. Static inline so that the
 * send path's strict parse and scan (json_text.c) keep them inlined. Private
 * to the json_*.c files. */
#ifndef SEI_JSON_LEX_H
#define SEI_JSON_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "scan.h"

static inline bool sei_json_is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

static inline bool sei_json_is_ws(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Reads the number literal at s (a '-' or a digit) up to the first byte that
 * cannot continue it; counts its significant digits (exponent excluded) and
 * clears *strict unless it follows the JSON grammar; *integer tells whether
 * it has neither fraction nor exponent. */
static inline const unsigned char *sei_json_number(const unsigned char *s, const unsigned char *end,
                                                   size_t *digits, bool *strict, bool *integer) {
    const unsigned char *p = s + (*s == '-'), *int_start = p;
    while (p < end && sei_json_is_digit(*p))
        p++;
    size_t n = (size_t)(p - int_start);
    if (n == 0 || (n > 1 && *int_start == '0'))
        *strict = false;
    *integer = true;
    if (p < end && *p == '.') {
        const unsigned char *frac = ++p;
        while (p < end && sei_json_is_digit(*p))
            p++;
        if (p == frac)
            *strict = false;
        n += (size_t)(p - frac);
        *integer = false;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p += p + 1 < end && (p[1] == '+' || p[1] == '-') ? 2 : 1;
        const unsigned char *exp = p;
        while (p < end && sei_json_is_digit(*p))
            p++;
        if (p == exp)
            *strict = false;
        *integer = false;
    }
    *digits = n;
    return p;
}

/* Bytes that end a run of plain string content: the quote, the backslash and
 * the control characters strict JSON does not allow unescaped (NUL among
 * them, which also stops the scan at the end of the text). */
static const bool sei_json_string_stop[256] = {
    [0] = 1,  [1] = 1,  [2] = 1,  [3] = 1,  [4] = 1,  [5] = 1,   [6] = 1,   [7] = 1,  [8] = 1,
    [9] = 1,  [10] = 1, [11] = 1, [12] = 1, [13] = 1, [14] = 1,  [15] = 1,  [16] = 1, [17] = 1,
    [18] = 1, [19] = 1, [20] = 1, [21] = 1, [22] = 1, [23] = 1,  [24] = 1,  [25] = 1, [26] = 1,
    [27] = 1, [28] = 1, [29] = 1, [30] = 1, [31] = 1, ['"'] = 1, ['\\'] = 1};

/* Past the plain content of a string starting at s: whole words while they
 * are plain (long tokens), then byte by byte (short keys and values). The
 * text must end with a NUL at `end`. */
static inline const unsigned char *sei_json_skip_plain(const unsigned char *s,
                                                       const unsigned char *end) {
    s += sei_scan_words(s, (size_t)(end - s), '"', '\\');
    while (!sei_json_string_stop[*s])
        s++;
    return s;
}

/* The four hex digits at s as a number, or 0x10000 when they are not. */
static inline unsigned sei_json_hex4(const unsigned char *s, const unsigned char *end) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = s + i < end ? s[i] : 0;
        unsigned d = sei_json_is_digit(c)                     ? c - '0'
                     : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                              : 16;
        if (d == 16)
            return 0x10000;
        v = v * 16 + d;
    }
    return v;
}

/* Past the string whose opening quote is at s, or NULL when the text ends
 * inside it. Clears *strict on what strict JSON refuses in a string though
 * cJSON may read it (a raw control character, an unknown escape, \u without
 * four hex digits, which cJSON reads as U+0000, a lone surrogate); sets
 * *escaped when the string holds an escape. The text must end with a NUL at
 * `end`. */
static inline const unsigned char *
sei_json_string_end(const unsigned char *s, const unsigned char *end, bool *strict, bool *escaped) {
    for (s++;; s++) {
        s = sei_json_skip_plain(s, end);
        if (s >= end)
            return NULL;
        if (*s == '"')
            return s + 1;
        if (*s != '\\') {
            *strict = false; /* a raw control character */
            continue;
        }
        *escaped = true;
        if (++s >= end)
            return NULL;
        if (*s != 'u') {
            if (!*s || !strchr("\"\\/bfnrt", *s))
                *strict = false;
            continue;
        }
        unsigned unit = sei_json_hex4(s + 1, end);
        if (unit > 0xFFFF) {
            *strict = false;
            continue;
        }
        s += 4; /* its last hex digit */
        if (unit >= 0xDC00 && unit <= 0xDFFF) {
            *strict = false;
        } else if (unit >= 0xD800 && unit <= 0xDBFF) { /* a high surrogate needs its low one */
            unsigned low =
                end - s > 6 && s[1] == '\\' && s[2] == 'u' ? sei_json_hex4(s + 3, end) : 0;
            if (low >= 0xDC00 && low <= 0xDFFF)
                s += 6;
            else
                *strict = false;
        }
    }
}

/* Writes code point cp as UTF-8 at *w and moves *w past it. */
static inline void sei_json_put_utf8(char **w, unsigned cp) {
    unsigned char *o = (unsigned char *)*w;
    if (cp < 0x80) {
        *o++ = (unsigned char)cp;
    } else if (cp < 0x800) {
        *o++ = (unsigned char)(0xC0 | cp >> 6);
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (unsigned char)(0xE0 | cp >> 12);
        *o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (unsigned char)(0xF0 | cp >> 18);
        *o++ = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
        *o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    }
    *w = (char *)o;
}

/* Unescapes the body of a strict string (between its quotes, s[0..n), as
 * sei_json_string_end accepted it) into out, which has room for n bytes;
 * returns the end of what was written. Unescaped it is never longer. */
static inline char *sei_json_unescape(const unsigned char *s, size_t n, char *out) {
    const unsigned char *end = s + n;
    char *w = out;
    while (s < end) {
        if (*s != '\\') {
            *w++ = (char)*s++;
            continue;
        }
        unsigned char c = s[1];
        s += 2;
        if (c != 'u') {
            *w++ = c == 'b'   ? '\b'
                   : c == 'f' ? '\f'
                   : c == 'n' ? '\n'
                   : c == 'r' ? '\r'
                   : c == 't' ? '\t'
                              : (char)c; /* " \ / */
            continue;
        }
        unsigned cp = sei_json_hex4(s, end); /* checked by string_end, pairs included */
        s += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (sei_json_hex4(s + 2, end) - 0xDC00);
            s += 6;
        }
        sei_json_put_utf8(&w, cp);
    }
    return w;
}

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when the bytes there
 * are not one (overlong forms, surrogates and code points past U+10FFFF are not). */
static inline size_t sei_json_utf8_len(const unsigned char *s, const unsigned char *end) {
    unsigned char c = *s;
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else
        return 0;
    if ((size_t)(end - s) < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

/* A position in a text being read, and how many containers are open. */
typedef struct sei_json_cursor {
    const unsigned char *p, *end;
    int depth;
} sei_json_cursor;

static inline void sei_json_ws(sei_json_cursor *r) {
    while (r->p < r->end && sei_json_is_ws(*r->p))
        r->p++;
}

/* Past `word` (n bytes) when the text has it at r->p. */
static inline bool sei_json_literal(sei_json_cursor *r, const char *word, size_t n) {
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n))
        return false;
    r->p += n;
    return true;
}

#endif
