/* json_text.c - what the request's text says that its cJSON tree does not.
 *
 * Numbers: cJSON parses every number into a double, so an id such as
 * 12345678901234567890 or 2^53+1 would reach the wire rounded. Numbers whose
 * literal has more than 15 digits get that literal attached (in valuestring,
 * unused by number items and freed by cJSON_Delete); after validation they
 * become raw items, printed exactly as the caller wrote them. Validation still
 * sees their (rounded) numeric value.
 *
 * Strictness: cJSON also accepts text that strict JSON does not (leading
 * zeros "01", a bare "1.", raw control characters inside strings or between
 * tokens, a byte-order mark). Text without any of that can be sent exactly as
 * written; anything else is re-printed from the tree, which is strict. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"
#include "scan.h"
#include "util.h"

#define SE_EXACT_DIGITS 15 /* a double holds any 15 significant digits exactly */

static bool is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

/* Reads the number literal at s (a '-' or a digit) up to the first byte that
 * cannot continue it; counts its significant digits (exponent excluded) and
 * clears *strict unless it follows the JSON grammar. */
static const unsigned char *number(const unsigned char *s, const unsigned char *end, size_t *digits,
                                   bool *strict) {
    const unsigned char *p = s + (*s == '-'), *int_start = p;
    while (p < end && is_digit(*p))
        p++;
    size_t n = (size_t)(p - int_start);
    if (n == 0 || (n > 1 && *int_start == '0'))
        *strict = false;
    if (p < end && *p == '.') {
        const unsigned char *frac = ++p;
        while (p < end && is_digit(*p))
            p++;
        if (p == frac)
            *strict = false;
        n += (size_t)(p - frac);
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p += p + 1 < end && (p[1] == '+' || p[1] == '-') ? 2 : 1;
        const unsigned char *exp = p;
        while (p < end && is_digit(*p))
            p++;
        if (p == exp)
            *strict = false;
    }
    *digits = n;
    return p;
}

/* Bytes that end a run of plain string content: the quote, the backslash and
 * the control characters strict JSON does not allow unescaped (NUL among
 * them, which also stops the scan at the end of the text). */
static const bool string_stop[256] = {
    [0] = 1,  [1] = 1,  [2] = 1,  [3] = 1,  [4] = 1,  [5] = 1,   [6] = 1,   [7] = 1,  [8] = 1,
    [9] = 1,  [10] = 1, [11] = 1, [12] = 1, [13] = 1, [14] = 1,  [15] = 1,  [16] = 1, [17] = 1,
    [18] = 1, [19] = 1, [20] = 1, [21] = 1, [22] = 1, [23] = 1,  [24] = 1,  [25] = 1, [26] = 1,
    [27] = 1, [28] = 1, [29] = 1, [30] = 1, [31] = 1, ['"'] = 1, ['\\'] = 1};

/* Past the plain content of a string starting at s: whole words while they
 * are plain (long tokens), then byte by byte (short keys and values). */
static const unsigned char *skip_plain(const unsigned char *s, const unsigned char *end) {
    s += se_scan_words(s, (size_t)(end - s), '"', '\\');
    while (!string_stop[*s])
        s++;
    return s;
}

/* The four hex digits at s as a number, or 0x10000 when they are not. */
static unsigned hex4(const unsigned char *s, const unsigned char *end) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = s + i < end ? s[i] : 0;
        unsigned d = is_digit(c)                              ? c - '0'
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
 * *escaped when the string holds an escape. */
static const unsigned char *string_end(const unsigned char *s, const unsigned char *end,
                                       bool *strict, bool *escaped) {
    for (s++;; s++) {
        s = skip_plain(s, end);
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
        unsigned unit = hex4(s + 1, end);
        if (unit > 0xFFFF) {
            *strict = false;
            continue;
        }
        s += 4; /* its last hex digit */
        if (unit >= 0xDC00 && unit <= 0xDFFF) {
            *strict = false;
        } else if (unit >= 0xD800 && unit <= 0xDBFF) { /* a high surrogate needs its low one */
            unsigned low = end - s > 6 && s[1] == '\\' && s[2] == 'u' ? hex4(s + 3, end) : 0;
            if (low >= 0xDC00 && low <= 0xDFFF)
                s += 6;
            else
                *strict = false;
        }
    }
}

/* Next number literal at or after *p (strings skipped); NULL at the end.
 * The text must end with a NUL at `end`. */
static const unsigned char *next_number(const unsigned char **p, const unsigned char *end,
                                        size_t *len, size_t *digits, bool *strict) {
    const unsigned char *s = *p;
    while (s < end) {
        if (*s == '"') {
            bool escaped = false;
            if (!(s = string_end(s, end, strict, &escaped)))
                s = end;
        } else if (*s == '-' || is_digit(*s)) {
            const unsigned char *start = s;
            s = number(s, end, digits, strict);
            *len = (size_t)(s - start);
            *p = s;
            return start;
        } else {
            if (*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r')
                *strict = false;
            s++;
        }
    }
    *p = end;
    return NULL;
}

se_json_text se_json_scan(const char *text, size_t len) {
    se_json_text t = {.strict = true, .long_numbers = false};
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        t.strict = false; /* a byte-order mark, which cJSON skips */
    size_t n, digits;
    while (next_number(&p, end, &n, &digits, &t.strict))
        if (digits > SE_EXACT_DIGITS)
            t.long_numbers = true;
    return t;
}

typedef struct cursor {
    const unsigned char *p, *end;
} cursor;

/* Walks the tree in document order, pairing each number item with its literal. */
static se_status mark(cJSON *item, cursor *cur) {
    for (; item; item = item->next) {
        if (cJSON_IsNumber(item)) {
            size_t n, digits;
            bool strict = true;
            const unsigned char *lit = next_number(&cur->p, cur->end, &n, &digits, &strict);
            if (lit && digits > SE_EXACT_DIGITS && !item->valuestring) {
                if (!(item->valuestring = se_strndup((const char *)lit, n)))
                    return SE_E_NOMEM;
            }
        } else if (item->child) {
            se_status st = mark(item->child, cur);
            if (st != SE_OK)
                return st;
        }
    }
    return SE_OK;
}

se_status se_json_mark_long_numbers(cJSON *root, const char *text, size_t len) {
    cursor cur = {(const unsigned char *)text, (const unsigned char *)text + len};
    return mark(root, &cur);
}

void se_json_raw_long_numbers(cJSON *item) {
    for (; item; item = item->next) {
        if (cJSON_IsNumber(item) && item->valuestring)
            /* printed verbatim; a key in the caller's buffer (const) stays one */
            item->type = cJSON_Raw | (item->type & cJSON_StringIsConst);
        else if (item->child)
            se_json_raw_long_numbers(item->child);
    }
}

/* ---- reading an answer without a tree ------------------------------------- */

typedef struct reader {
    const unsigned char *p, *end;
    int depth;
} reader;

#define SE_READ_MAX_DEPTH 64 /* deeper answers are left to cJSON */

static void read_ws(reader *r) {
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

/* A strict JSON string at r->p; *escaped tells whether it holds any escape. */
static bool read_string(reader *r, bool *escaped) {
    bool strict = true;
    *escaped = false;
    const unsigned char *after = string_end(r->p, r->end, &strict, escaped);
    if (!after || !strict)
        return false;
    r->p = after;
    return true;
}

static bool read_literal(reader *r, const char *word, size_t n) {
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n))
        return false;
    r->p += n;
    return true;
}

static bool read_value(reader *r);

static bool read_members(reader *r, unsigned char close, se_json_want *want, size_t n_want) {
    r->p++; /* the opening bracket */
    read_ws(r);
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
            read_ws(r);
            if (r->p >= r->end || *r->p != ':')
                return false;
            r->p++;
            read_ws(r);
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
        read_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            read_ws(r);
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return true;
        }
        return false;
    }
}

static bool read_value(reader *r) {
    if (r->p >= r->end)
        return false;
    bool escaped, strict = true, ok;
    size_t digits;
    switch (*r->p) {
    case '"':
        return read_string(r, &escaped);
    case '{':
    case '[':
        if (++r->depth > SE_READ_MAX_DEPTH)
            return false;
        ok = read_members(r, *r->p == '{' ? '}' : ']', NULL, 0);
        r->depth--;
        return ok;
    case 't':
        return read_literal(r, "true", 4);
    case 'f':
        return read_literal(r, "false", 5);
    case 'n':
        return read_literal(r, "null", 4);
    default:
        if (*r->p != '-' && !is_digit(*r->p))
            return false;
        r->p = number(r->p, r->end, &digits, &strict);
        return strict;
    }
}

bool se_json_read_object(const char *text, size_t len, se_json_want *want, size_t n_want) {
    reader r = {(const unsigned char *)text, (const unsigned char *)text + len, 1};
    for (size_t i = 0; i < n_want; i++)
        want[i].found = false;
    read_ws(&r);
    if (r.p >= r.end || *r.p != '{' || !read_members(&r, '}', want, n_want))
        return false;
    read_ws(&r);
    return r.p == r.end;
}

/* ---- splicing an object's text ------------------------------------------- */

char *se_json_splice(const char *text, size_t len, const char *drop, const char *add,
                     size_t *out_len) {
    reader r = {(const unsigned char *)text, (const unsigned char *)text + len, 1};
    size_t drop_len = strlen(drop), add_len = add ? strlen(add) : 0;
    read_ws(&r);
    if (r.p >= r.end || *r.p != '{')
        return NULL;
    char *out = malloc(len + add_len + 3), *w = out;
    if (!out)
        return NULL;
    *w++ = '{';
    bool first = true;
    r.p++;
    read_ws(&r);
    while (r.p < r.end && *r.p == '"') {
        const unsigned char *member = r.p;
        bool escaped;
        if (!read_string(&r, &escaped) || escaped)
            break; /* a key written with escapes could spell `drop`: print the tree */
        bool dropped =
            (size_t)(r.p - member) == drop_len + 2 && !memcmp(member + 1, drop, drop_len);
        read_ws(&r);
        if (r.p >= r.end || *r.p != ':')
            break;
        r.p++;
        read_ws(&r);
        if (!read_value(&r))
            break;
        if (!dropped) {
            if (!first)
                *w++ = ',';
            memcpy(w, member, (size_t)(r.p - member));
            w += r.p - member;
            first = false;
        }
        read_ws(&r);
        if (r.p < r.end && *r.p == ',') {
            r.p++;
            read_ws(&r);
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

/* ---- a tree from strict text ---------------------------------------------- */

typedef struct builder {
    reader in;          /* the text (its depth counts the nesting) */
    char *strings;      /* where keys and string values are written, unescaped */
    char decimal_point; /* strtod's, as cJSON finds it */
    bool long_numbers;
} builder;

static void put_utf8(char **w, unsigned cp) {
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

/* The strict string at b->in.p, unescaped into b->strings (NUL-terminated), or
 * NULL. Unescaped it is never longer than its quoted text, so the strings of
 * a text fit in as many bytes as the text has. */
static const char *build_string(builder *b) {
    bool strict = true, escaped = false;
    const unsigned char *s = b->in.p + 1,
                        *after = string_end(b->in.p, b->in.end, &strict, &escaped);
    if (!after || !strict)
        return NULL;
    char *out = b->strings, *w = out;
    if (!escaped) {
        memcpy(w, s, (size_t)(after - 1 - s));
        w += after - 1 - s;
    } else {
        while (s < after - 1) {
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
            unsigned cp = hex4(s, b->in.end); /* checked by string_end, pairs included */
            s += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(s + 2, b->in.end) - 0xDC00);
                s += 6;
            }
            put_utf8(&w, cp);
        }
    }
    *w++ = '\0';
    b->strings = w;
    b->in.p = after;
    return out;
}

/* A number item as cJSON makes it: strtod of the literal with '.' as the
 * locale writes it; a literal with more digits than a double holds keeps its
 * text (see se_json_mark_long_numbers). */
static cJSON *build_number(builder *b) {
    bool strict = true;
    size_t digits;
    const unsigned char *start = b->in.p, *after = number(start, b->in.end, &digits, &strict);
    size_t n = (size_t)(after - start);
    char buf[64];
    if (!strict || n >= sizeof buf) /* cJSON reads at most 63 bytes of a number: leave it that */
        return NULL;
    for (size_t i = 0; i < n; i++)
        buf[i] = start[i] == '.' ? b->decimal_point : (char)start[i];
    buf[n] = '\0';
    char *end;
    cJSON *item = cJSON_CreateNumber(strtod(buf, &end));
    if (!item || end != buf + n) {
        cJSON_Delete(item);
        return NULL;
    }
    if (digits > SE_EXACT_DIGITS) {
        b->long_numbers = true;
        if (!(item->valuestring = se_strndup((const char *)start, n))) {
            cJSON_Delete(item);
            return NULL;
        }
    }
    b->in.p = after;
    return item;
}

static cJSON *build_value(builder *b);

/* The members of an object or the elements of an array at b->in.p. */
static cJSON *build_container(builder *b) {
    bool object = *b->in.p == '{';
    unsigned char close = object ? '}' : ']';
    cJSON *c = object ? cJSON_CreateObject() : cJSON_CreateArray();
    if (!c || ++b->in.depth > SE_READ_MAX_DEPTH)
        goto fail;
    b->in.p++;
    read_ws(&b->in);
    if (b->in.p < b->in.end && *b->in.p == close) {
        b->in.p++;
        b->in.depth--;
        return c;
    }
    for (;;) {
        const char *key = NULL;
        if (object) {
            if (b->in.p >= b->in.end || *b->in.p != '"' || !(key = build_string(b)))
                goto fail;
            read_ws(&b->in);
            if (b->in.p >= b->in.end || *b->in.p != ':')
                goto fail;
            b->in.p++;
            read_ws(&b->in);
        }
        cJSON *v = build_value(b);
        /* keys and strings live in the caller's buffer: cJSON_Delete leaves "const"
         * keys and "reference" strings alone */
        if (!v || !(object ? cJSON_AddItemToObjectCS(c, key, v) : cJSON_AddItemToArray(c, v))) {
            cJSON_Delete(v);
            goto fail;
        }
        read_ws(&b->in);
        if (b->in.p < b->in.end && *b->in.p == ',') {
            b->in.p++;
            read_ws(&b->in);
            continue;
        }
        if (b->in.p < b->in.end && *b->in.p == close) {
            b->in.p++;
            b->in.depth--;
            return c;
        }
        goto fail;
    }
fail:
    cJSON_Delete(c);
    return NULL;
}

static cJSON *build_value(builder *b) {
    if (b->in.p >= b->in.end)
        return NULL;
    const char *s;
    switch (*b->in.p) {
    case '"':
        return (s = build_string(b)) ? cJSON_CreateStringReference(s) : NULL;
    case '{':
    case '[':
        return build_container(b);
    case 't':
        return read_literal(&b->in, "true", 4) ? cJSON_CreateTrue() : NULL;
    case 'f':
        return read_literal(&b->in, "false", 5) ? cJSON_CreateFalse() : NULL;
    case 'n':
        return read_literal(&b->in, "null", 4) ? cJSON_CreateNull() : NULL;
    default:
        return *b->in.p == '-' || is_digit(*b->in.p) ? build_number(b) : NULL;
    }
}

cJSON *se_json_parse_strict(const char *text, size_t len, char *strings, se_json_text *info) {
    builder b = {.in = {(const unsigned char *)text, (const unsigned char *)text + len, 0},
                 .strings = strings,
                 .decimal_point = localeconv()->decimal_point[0]};
    read_ws(&b.in);
    cJSON *root = build_value(&b);
    read_ws(&b.in);
    if (root && b.in.p != b.in.end) {
        cJSON_Delete(root);
        root = NULL;
    }
    info->strict = root != NULL;
    info->long_numbers = b.long_numbers;
    return root;
}

/* ---- whole-string checks (NUL, UTF-8, nesting) ---------------------------------- */

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when the bytes there
 * are not one (overlong forms, surrogates and code points past U+10FFFF are not). */
static size_t utf8_len(const unsigned char *s, const unsigned char *end) {
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

/* One open container on the way to the current value. */
typedef struct frame {
    bool array;
    size_t index;             /* array: the current element */
    const unsigned char *key; /* object: the current member's key text (after its quote) */
    size_t key_len;
} frame;

/* Writes the path of the value inside frames[0..depth) ("event.name",
 * "choices[2]", "request" for the top) into out; keys are shown as written,
 * bytes that are not printable ASCII as '?'. */
static void path_text(const frame *frames, size_t depth, char *out, size_t cap) {
    size_t w = 0;
    out[0] = '\0';
    for (size_t i = 0; i < depth && w + 1 < cap; i++) {
        if (frames[i].array) {
            w += (size_t)snprintf(out + w, cap - w, "[%zu]", frames[i].index);
        } else if (frames[i].key) {
            if (w && w + 1 < cap)
                out[w++] = '.';
            for (size_t k = 0; k < frames[i].key_len && w + 1 < cap; k++) {
                unsigned char c = frames[i].key[k];
                out[w++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
            }
            out[w] = '\0';
        }
        if (w >= cap)
            w = cap - 1;
    }
    if (!out[0])
        snprintf(out, cap, "request");
    else if (w + 1 >= cap && cap > 4)
        memcpy(out + cap - 4, "...", 4);
}

/* Checks the string whose opening quote is at *p; moves *p past it. Fails
 * (naming the path) on a \u0000 escape or bytes that are not UTF-8. */
static se_status check_string(const unsigned char **p, const unsigned char *start,
                              const unsigned char *end, const frame *frames, size_t depth,
                              bool is_key, se_diag *d) {
    const unsigned char *s = *p + 1;
    const char *what = is_key ? "key" : "value";
    while (s < end && *s != '"') {
        size_t n = 1;
        if (*s == '\\') {
            if (end - s >= 6 && s[1] == 'u' && !memcmp(s + 2, "0000", 4)) {
                char path[160];
                path_text(frames, depth, path, sizeof path);
                return se_diag_fail(d,
                                    "%s: %s contains a NUL character (\\u0000), which no "
                                    "provider accepts",
                                    path, what);
            }
            n = s + 1 < end ? 2 : 1;
        } else if (*s >= 0x80 && !(n = utf8_len(s, end))) {
            char path[160];
            path_text(frames, depth, path, sizeof path);
            return se_diag_fail(d, "%s: %s is not valid UTF-8 (byte %zu of the request)", path,
                                what, (size_t)(s - start));
        }
        s += n;
    }
    *p = s < end ? s + 1 : end;
    return SE_OK;
}

/* The walk behind se_json_check_text, for text the quick look flagged. */
static se_status check_walk(const unsigned char *start, const unsigned char *end, se_diag *d) {
    frame frames[SE_JSON_MAX_DEPTH + 1];
    size_t depth = 0;
    bool want_key = false; /* the next string in an object is a key */
    for (const unsigned char *p = start; p < end;) {
        unsigned char c = *p;
        if (c == '"') {
            bool is_key = want_key && depth && !frames[depth - 1].array;
            const unsigned char *q = p;
            /* a key names the member it opens: checked as part of its own path */
            if (is_key) {
                frames[depth - 1].key = p + 1;
                const unsigned char *k = p + 1;
                while (k < end && *k != '"')
                    k += *k == '\\' && k + 1 < end ? 2 : 1;
                frames[depth - 1].key_len = (size_t)(k - (p + 1));
            }
            se_status st = check_string(&q, start, end, frames, depth, is_key, d);
            if (st != SE_OK)
                return st;
            p = q;
            want_key = false;
            continue;
        }
        if (c == '{' || c == '[') {
            if (depth == SE_JSON_MAX_DEPTH) {
                char path[160];
                path_text(frames, depth, path, sizeof path);
                return se_diag_fail(d, "%s: nested deeper than %d levels", path, SE_JSON_MAX_DEPTH);
            }
            frames[depth++] = (frame){c == '[', 0, NULL, 0};
            want_key = c == '{';
        } else if ((c == '}' || c == ']') && depth) {
            depth--;
        } else if (c == ',' && depth) {
            if (frames[depth - 1].array)
                frames[depth - 1].index++;
            else
                want_key = true;
        } else if (c >= 0x80) { /* outside strings: a byte-order mark, or what cJSON refuses */
            size_t n = utf8_len(p, end);
            if (!n) {
                char path[160];
                path_text(frames, depth, path, sizeof path);
                return se_diag_fail(d, "%s: not valid UTF-8 (byte %zu of the request)", path,
                                    (size_t)(p - start));
            }
            p += n;
            continue;
        }
        p++;
    }
    return SE_OK;
}

se_status se_json_check_text(const char *text, size_t len, se_diag *d) {
    /* the usual request: ASCII, no \u0000, few containers; one quick look,
     * eight bytes at a time where a word holds none of the bytes that matter */
    const unsigned char *s = (const unsigned char *)text, *end = s + len;
    size_t opens = 0;
    for (const unsigned char *p = s; p < end;) {
        uint64_t x;
        if (end - p >= 8 && (memcpy(&x, p, 8), !((x & SE_SCAN_HIGHS) | se_scan_has(x, '\\') |
                                                 se_scan_has(x, '{') | se_scan_has(x, '[')))) {
            p += 8;
            continue;
        }
        for (const unsigned char *stop = end - p >= 8 ? p + 8 : end; p < stop; p++) {
            unsigned char c = *p;
            if (c >= 0x80 ||
                (c == '\\' && end - p >= 6 && p[1] == 'u' && !memcmp(p + 2, "0000", 4)))
                return check_walk(s, end, d);
            if ((c == '{' || c == '[') && ++opens > SE_JSON_MAX_DEPTH)
                return check_walk(s, end, d);
        }
    }
    return SE_OK;
}

bool se_json_deeper_than(const char *text, size_t len, int limit) {
    int depth = 0;
    for (const unsigned char *p = (const unsigned char *)text, *end = p + len; p < end; p++) {
        if (*p == '"') {
            for (p++; p < end && *p != '"'; p++)
                if (*p == '\\')
                    p++;
        } else if (*p == '{' || *p == '[') {
            if (++depth > limit)
                return true;
        } else if (*p == '}' || *p == ']') {
            depth--;
        }
    }
    return false;
}
