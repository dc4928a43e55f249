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
 * written; anything else is re-printed from the tree, which is strict.
 *
 * Both run on every send: they read with the inline pieces of json_lex.h. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "json_lex.h"
#include "util.h"

#define SEI_EXACT_DIGITS 15   /* a double holds any 15 significant digits exactly */
#define SEI_READ_MAX_DEPTH 64 /* deeper text is left to cJSON */

/* Next number literal at or after *p (strings skipped); NULL at the end.
 * The text must end with a NUL at `end`. */
static const unsigned char *next_number(const unsigned char **p, const unsigned char *end,
                                        size_t *len, size_t *digits, bool *strict) {
    const unsigned char *s = *p;
    while (s < end) {
        if (*s == '"') {
            bool escaped = false;
            if (!(s = sei_json_string_end(s, end, strict, &escaped)))
                s = end;
        } else if (*s == '-' || sei_json_is_digit(*s)) {
            const unsigned char *start = s;
            bool integer;
            s = sei_json_number(s, end, digits, strict, &integer);
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

bool sei_json_is_ascii(const char *text, size_t len) {
    const unsigned char *p = (const unsigned char *)text;
    uint64_t any = 0, x;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        memcpy(&x, p + i, 8);
        any |= x;
    }
    for (; i < len; i++)
        any |= p[i];
    return !(any & SEI_SCAN_HIGHS);
}

sei_json_text sei_json_scan(const char *text, size_t len) {
    sei_json_text t = {.strict = true, .long_numbers = false, .nul_escape = false};
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        t.strict = false; /* a byte-order mark, which cJSON skips */
    size_t n, digits;
    while (next_number(&p, end, &n, &digits, &t.strict))
        if (digits > SEI_EXACT_DIGITS)
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
            if (lit && digits > SEI_EXACT_DIGITS && !item->valuestring) {
                if (!(item->valuestring = sei_strndup((const char *)lit, n)))
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

se_status sei_json_mark_long_numbers(cJSON *root, const char *text, size_t len) {
    cursor cur = {(const unsigned char *)text, (const unsigned char *)text + len};
    return mark(root, &cur);
}

void sei_json_raw_long_numbers(cJSON *item) {
    for (; item; item = item->next) {
        if (cJSON_IsNumber(item) && item->valuestring)
            /* printed verbatim; a key in the caller's buffer (const) stays one */
            item->type = cJSON_Raw | (item->type & cJSON_StringIsConst);
        else if (item->child)
            sei_json_raw_long_numbers(item->child);
    }
}

/* ---- a tree from strict text ---------------------------------------------- */

typedef struct builder {
    sei_json_cursor in; /* the text (its depth counts the nesting) */
    char *strings;      /* where keys and string values are written, unescaped */
    char decimal_point; /* strtod's, as cJSON finds it */
    bool long_numbers;
    bool nul_escape; /* an unescaped string holds a NUL */
} builder;

/* The strict string at b->in.p, unescaped into b->strings (NUL-terminated), or
 * NULL. Unescaped it is never longer than its quoted text, so the strings of
 * a text fit in as many bytes as the text has. */
static const char *build_string(builder *b) {
    bool strict = true, escaped = false;
    const unsigned char *s = b->in.p + 1,
                        *after = sei_json_string_end(b->in.p, b->in.end, &strict, &escaped);
    if (!after || !strict)
        return NULL;
    char *out = b->strings, *w = out;
    if (!escaped) {
        memcpy(w, s, (size_t)(after - 1 - s));
        w += after - 1 - s;
    } else {
        w = sei_json_unescape(s, (size_t)(after - 1 - s), w);
        if (memchr(out, '\0', (size_t)(w - out)))
            b->nul_escape = true;
    }
    *w++ = '\0';
    b->strings = w;
    b->in.p = after;
    return out;
}

/* A number item as cJSON makes it: strtod of the literal with '.' as the
 * locale writes it; a literal with more digits than a double holds keeps its
 * text (see sei_json_mark_long_numbers). */
static cJSON *build_number(builder *b) {
    bool strict = true, integer;
    size_t digits;
    const unsigned char *start = b->in.p,
                        *after = sei_json_number(start, b->in.end, &digits, &strict, &integer);
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
    if (digits > SEI_EXACT_DIGITS) {
        b->long_numbers = true;
        if (!(item->valuestring = sei_strndup((const char *)start, n))) {
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
    if (!c || ++b->in.depth > SEI_READ_MAX_DEPTH)
        goto fail;
    b->in.p++;
    sei_json_ws(&b->in);
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
            sei_json_ws(&b->in);
            if (b->in.p >= b->in.end || *b->in.p != ':')
                goto fail;
            b->in.p++;
            sei_json_ws(&b->in);
        }
        cJSON *v = build_value(b);
        /* keys and strings live in the caller's buffer: cJSON_Delete leaves "const"
         * keys and "reference" strings alone */
        if (!v || !(object ? cJSON_AddItemToObjectCS(c, key, v) : cJSON_AddItemToArray(c, v))) {
            cJSON_Delete(v);
            goto fail;
        }
        sei_json_ws(&b->in);
        if (b->in.p < b->in.end && *b->in.p == ',') {
            b->in.p++;
            sei_json_ws(&b->in);
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
        return sei_json_literal(&b->in, "true", 4) ? cJSON_CreateTrue() : NULL;
    case 'f':
        return sei_json_literal(&b->in, "false", 5) ? cJSON_CreateFalse() : NULL;
    case 'n':
        return sei_json_literal(&b->in, "null", 4) ? cJSON_CreateNull() : NULL;
    default:
        return *b->in.p == '-' || sei_json_is_digit(*b->in.p) ? build_number(b) : NULL;
    }
}

cJSON *sei_json_parse_strict(const char *text, size_t len, char *strings, sei_json_text *info) {
    builder b = {.in = {(const unsigned char *)text, (const unsigned char *)text + len, 0},
                 .strings = strings,
                 .decimal_point = localeconv()->decimal_point[0]};
    sei_json_ws(&b.in);
    cJSON *root = build_value(&b);
    sei_json_ws(&b.in);
    if (root && b.in.p != b.in.end) {
        cJSON_Delete(root);
        root = NULL;
    }
    info->strict = root != NULL;
    info->long_numbers = b.long_numbers;
    info->nul_escape = b.nul_escape;
    return root;
}
