/* json_reader.c - strict JSON read one event at a time (json.h): what a face
 * builds its own values from (Lua tables, the command line tool's output). */
#include <string.h>

#include "json.h"
#include "json_lex.h"

enum {
    ST_VALUE,         /* a value: the top one, after a colon, after a comma in an array */
    ST_FIRST_MEMBER,  /* after '{': a key or '}' */
    ST_FIRST_ELEMENT, /* after '[': a value or ']' */
    ST_AFTER_VALUE,   /* a comma, the container's close, or the end of the text */
    ST_KEY,           /* after a comma in an object */
    ST_DONE,
    ST_ERROR,
};

void sei_json_reader_init(sei_json_reader *r, const char *text, size_t len, int max_depth) {
    memset(r, 0, sizeof *r);
    r->start = r->p = (const unsigned char *)text;
    r->end = r->p + len;
    r->max_depth = max_depth <= 0                          ? SEI_JSON_MAX_DEPTH
                   : max_depth > SEI_JSON_READER_MAX_DEPTH ? SEI_JSON_READER_MAX_DEPTH
                                                           : max_depth;
    r->state = ST_VALUE;
    sei_dynbuf_init(&r->scratch, 0);
}

void sei_json_reader_free(sei_json_reader *r) {
    sei_dynbuf_free(&r->scratch);
}

static sei_json_event fail(sei_json_reader *r, const unsigned char *at, const char *why) {
    r->state = ST_ERROR;
    r->error = why;
    r->offset = (size_t)(at - r->start);
    return SEI_JSON_ERROR;
}

static void skip_ws(sei_json_reader *r) {
    while (r->p < r->end && sei_json_is_ws(*r->p))
        r->p++;
}

static bool in_array(const sei_json_reader *r) {
    int level = r->depth - 1;
    return r->arrays[level / 64] >> (level % 64) & 1;
}

/* The string at r->p, unescaped into the scratch buffer. */
static sei_json_event string(sei_json_reader *r, sei_json_event event) {
    bool strict = true, escaped = false;
    const unsigned char *s = r->p;
    const unsigned char *after = sei_json_string_end(s, r->end, &strict, &escaped);
    if (!after)
        return fail(r, s, "unterminated string");
    if (!strict)
        return fail(r, s, "invalid string");
    size_t n = (size_t)(after - s - 2);
    sei_dynbuf_reset(&r->scratch);
    if (sei_dynbuf_reserve(&r->scratch, n) != SE_OK)
        return fail(r, s, "out of memory");
    char *w = r->scratch.data;
    if (escaped)
        w = sei_json_unescape(s + 1, n, w);
    else {
        memcpy(w, s + 1, n);
        w += n;
    }
    sei_dynbuf_commit(&r->scratch, (size_t)(w - r->scratch.data));
    r->str = r->scratch.data;
    r->len = r->scratch.len;
    r->p = after;
    return event;
}

static sei_json_event number(sei_json_reader *r) {
    const unsigned char *s = r->p;
    size_t digits;
    bool strict = true;
    const unsigned char *after = sei_json_number(s, r->end, &digits, &strict, &r->integer);
    if (!strict)
        return fail(r, s, "invalid number");
    sei_dynbuf_reset(&r->scratch);
    if (sei_dynbuf_add(&r->scratch, s, (size_t)(after - s)) != SE_OK)
        return fail(r, s, "out of memory");
    r->str = r->scratch.data;
    r->len = r->scratch.len;
    r->p = after;
    return SEI_JSON_NUMBER;
}

static sei_json_event literal(sei_json_reader *r, const char *word, size_t n,
                              sei_json_event event) {
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n))
        return fail(r, r->p, "unexpected character");
    r->p += n;
    return event;
}

static sei_json_event begin(sei_json_reader *r, bool array) {
    if (r->depth >= r->max_depth)
        return fail(r, r->p, "nested too deeply");
    uint64_t bit = (uint64_t)1 << (r->depth % 64);
    if (array)
        r->arrays[r->depth / 64] |= bit;
    else
        r->arrays[r->depth / 64] &= ~bit;
    r->depth++;
    r->p++;
    r->state = array ? ST_FIRST_ELEMENT : ST_FIRST_MEMBER;
    return array ? SEI_JSON_BEGIN_ARRAY : SEI_JSON_BEGIN_OBJECT;
}

static sei_json_event value(sei_json_reader *r) {
    if (r->p >= r->end)
        return fail(r, r->p, "unexpected end of text");
    r->state = ST_AFTER_VALUE; /* unless a container begins */
    switch (*r->p) {
    case '{':
        return begin(r, false);
    case '[':
        return begin(r, true);
    case '"':
        return string(r, SEI_JSON_STRING);
    case 't':
        return literal(r, "true", 4, SEI_JSON_TRUE);
    case 'f':
        return literal(r, "false", 5, SEI_JSON_FALSE);
    case 'n':
        return literal(r, "null", 4, SEI_JSON_NULL);
    default:
        if (*r->p == '-' || sei_json_is_digit(*r->p))
            return number(r);
        return fail(r, r->p, "unexpected character");
    }
}

static sei_json_event end_container(sei_json_reader *r) {
    bool array = in_array(r);
    r->p++;
    r->depth--;
    r->state = ST_AFTER_VALUE;
    return array ? SEI_JSON_END_ARRAY : SEI_JSON_END_OBJECT;
}

static sei_json_event key(sei_json_reader *r) {
    if (r->p >= r->end || *r->p != '"')
        return fail(r, r->p, r->p >= r->end ? "unexpected end of text" : "expected a key");
    if (string(r, SEI_JSON_KEY) == SEI_JSON_ERROR)
        return SEI_JSON_ERROR;
    skip_ws(r);
    if (r->p >= r->end || *r->p != ':')
        return fail(r, r->p, "expected ':'");
    r->p++;
    r->state = ST_VALUE;
    return SEI_JSON_KEY;
}

/* A comma, a close or the end, after a value. */
static sei_json_event after_value(sei_json_reader *r) {
    if (r->depth == 0) {
        if (r->p != r->end)
            return fail(r, r->p, "text after the value");
        r->state = ST_DONE;
        return SEI_JSON_EOF;
    }
    bool array = in_array(r);
    if (r->p < r->end && *r->p == ',') {
        r->p++;
        skip_ws(r);
        r->state = array ? ST_VALUE : ST_KEY;
        return array ? value(r) : key(r);
    }
    if (r->p < r->end && *r->p == (array ? ']' : '}'))
        return end_container(r);
    return fail(r, r->p, r->p >= r->end ? "unexpected end of text" : "expected ',' or a close");
}

sei_json_event sei_json_next(sei_json_reader *r) {
    if (r->state == ST_ERROR)
        return SEI_JSON_ERROR;
    if (r->state == ST_DONE)
        return SEI_JSON_EOF;
    skip_ws(r);
    switch (r->state) {
    case ST_AFTER_VALUE:
        return after_value(r);
    case ST_FIRST_MEMBER:
        if (r->p < r->end && *r->p == '}')
            return end_container(r);
        return key(r);
    case ST_KEY:
        return key(r);
    case ST_FIRST_ELEMENT:
        if (r->p < r->end && *r->p == ']')
            return end_container(r);
        return value(r);
    default:
        return value(r);
    }
}
