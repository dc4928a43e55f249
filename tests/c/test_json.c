/* test_json.c - the JSON module's writer and reader (libcore/src/json.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json.h"

int se_test_summary(const char *name);

static void test_writer(void) {
    sei_dynbuf b;
    sei_json_writer w;
    sei_dynbuf_init(&b, 0);
    sei_json_writer_init(&w, &b, 0);
    sei_json_begin_object(&w);
    sei_json_key(&w, "s", 1);
    sei_json_string(&w, "a\"\\\n\r\t\b\f\x01\x1f\x7f é", strlen("a\"\\\n\r\t\b\f\x01\x1f\x7f é"));
    sei_json_key(&w, "i", 1);
    sei_json_int(&w, INT64_MIN);
    sei_json_key(&w, "j", 1);
    sei_json_int(&w, INT64_MAX);
    sei_json_key(&w, "big", 3);
    sei_json_number_text(&w, "123456789012345678901234567890", 30);
    sei_json_key(&w, "d", 1);
    sei_json_double(&w, 0.1);
    sei_json_key(&w, "e", 1);
    sei_json_double(&w, 1.0);
    sei_json_key(&w, "a", 1);
    sei_json_begin_array(&w);
    sei_json_bool(&w, true);
    sei_json_bool(&w, false);
    sei_json_null(&w);
    sei_json_begin_object(&w);
    sei_json_end_object(&w);
    sei_json_begin_array(&w);
    sei_json_end_array(&w);
    sei_json_raw(&w, "{\"r\":1}", 7);
    sei_json_end_array(&w);
    CHECK_INT(sei_json_end_object(&w), SE_OK);
    CHECK_STR(sei_dynbuf_ptr(&b),
              "{\"s\":\"a\\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u001f\x7f é\",\"i\":-9223372036854775808,"
              "\"j\":9223372036854775807,\"big\":123456789012345678901234567890,\"d\":0.1,"
              "\"e\":1,\"a\":[true,false,null,{},[],{\"r\":1}]}");
    CHECK_INT(w.depth, 0);

    /* failures stick and name the bad byte */
    sei_dynbuf_reset(&b);
    sei_json_writer_init(&w, &b, 0);
    CHECK_INT(sei_json_string(&w, "ok\xC3(", 4), SE_E_INVALID);
    CHECK_INT(w.bad_offset, 2);
    CHECK_INT(sei_json_null(&w), SE_E_INVALID);
    const char *bad[] = {"\xED\xA0\x80", "\xC0\x80", "\xF4\x90\x80\x80", "\xE2\x82"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sei_dynbuf_reset(&b);
        sei_json_writer_init(&w, &b, 0);
        CHECK_INT(sei_json_string(&w, bad[i], strlen(bad[i])), SE_E_INVALID);
    }
    sei_dynbuf_reset(&b);
    sei_json_writer_init(&w, &b, 0);
    CHECK_INT(sei_json_string(&w, "\xF0\x9F\x98\x80", 4), SE_OK);
    const char *nums[] = {"01", "1.", "-", "1e", "+1", "1 ", "NaN", ""};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        sei_dynbuf_reset(&b);
        sei_json_writer_init(&w, &b, 0);
        CHECK_INT(sei_json_number_text(&w, nums[i], strlen(nums[i])), SE_E_INVALID);
    }
    sei_dynbuf_reset(&b);
    sei_json_writer_init(&w, &b, 0);
    CHECK_INT(sei_json_double(&w, 0.0 / 0.0), SE_E_INVALID);

    /* the depth limit: SEI_JSON_MAX_DEPTH containers, not one more */
    sei_dynbuf_reset(&b);
    sei_json_writer_init(&w, &b, 0);
    for (int i = 0; i < SEI_JSON_MAX_DEPTH; i++)
        CHECK_INT(sei_json_begin_array(&w), SE_OK);
    CHECK_INT(sei_json_begin_object(&w), SE_E_INVALID);
    sei_dynbuf_free(&b);
}

/* The events of text as one line: "{ k:a s:b n:1 i:2 [ t f z ] }". */
static char *events(const char *text, int max_depth, size_t *err_offset) {
    static char out[4096];
    sei_json_reader r;
    size_t w = 0;
    sei_json_reader_init(&r, text, strlen(text), max_depth);
    for (sei_json_event e; (e = sei_json_next(&r)) != SEI_JSON_EOF && w < sizeof out - 64;) {
        if (e == SEI_JSON_ERROR) {
            *err_offset = r.offset;
            sei_json_reader_free(&r);
            return NULL;
        }
        static const char *const names[] = {"", "{", "}", "[", "]", "k:", "s:", "", "t", "f", "z"};
        if (e == SEI_JSON_NUMBER)
            w += (size_t)snprintf(out + w, sizeof out - w, "%s%.*s ",
                                  r.integer ? "i:" : "n:", (int)r.len, r.str);
        else if (e == SEI_JSON_KEY || e == SEI_JSON_STRING)
            w += (size_t)snprintf(out + w, sizeof out - w, "%s%.*s ", names[e], (int)r.len, r.str);
        else
            w += (size_t)snprintf(out + w, sizeof out - w, "%s ", names[e]);
    }
    sei_json_reader_free(&r);
    out[w ? w - 1 : 0] = '\0';
    return out;
}

static void test_reader(void) {
    size_t off = 0;
    CHECK_STR(
        events(
            " {\"k\" : \"a\\u00e9\\ud83d\\ude00\\n\", \"n\":[1, -2.5e3, true,false,null,{},[]]} ",
            0, &off),
        "{ k:k s:aé😀\n k:n [ i:1 n:-2.5e3 t f z { } [ ] ] }");
    CHECK_STR(events("12345678901234567890123", 0, &off), "i:12345678901234567890123");
    CHECK_STR(events("\"\xff\"", 0, &off), "s:\xff"); /* bytes as they are */
    static const struct {
        const char *text;
        size_t offset;
    } bad[] = {{"", 0},           {"01", 0},          {"[1,]", 3},      {"{\"a\" 1}", 5},
               {"{\"a\":1,}", 7}, {"\"\\ud800\"", 0}, {"\"a\x01\"", 0}, {"[1 2]", 3},
               {"{1:2}", 1},      {"tru", 0},         {"1 1", 2},       {"\xEF\xBB\xBF{}", 0},
               {"[", 1},          {"\"abc", 0},       {"{\"a\":1]", 6}, {"-", 0}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        off = 999;
        CHECK(events(bad[i].text, 0, &off) == NULL);
        CHECK_INT(off, bad[i].offset);
    }
    /* the depth limit: max_depth containers open, not one more */
    char deep[600];
    memset(deep, '[', 128);
    memset(deep + 128, ']', 128);
    deep[256] = '\0';
    CHECK(events(deep, 0, &off) != NULL);
    CHECK(events(deep, 127, &off) == NULL && off == 127);
    memset(deep, '[', 257);
    memset(deep + 257, ']', 257);
    deep[514] = '\0';
    CHECK(events(deep, 1000, &off) == NULL && off == SEI_JSON_READER_MAX_DEPTH);
}

/* Reading and writing again gives the text back, for compact text. */
static void test_round_trip(void) {
    const char *texts[] = {"{\"a\":[1,2.50,-0,1e400,{\"b\":null}],\"c\":\"\\u0001\\\"x\"}", "[]",
                           "\"\"", "[[[{}]]]", "123456789012345678901234567890"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        sei_json_reader r;
        sei_dynbuf b;
        sei_json_writer w;
        sei_dynbuf_init(&b, 0);
        sei_json_writer_init(&w, &b, 0);
        sei_json_reader_init(&r, texts[i], strlen(texts[i]), 0);
        for (sei_json_event e; (e = sei_json_next(&r)) > SEI_JSON_EOF;)
            sei_json_write_event(&w, &r, e);
        CHECK_INT(w.error, SE_OK);
        CHECK_STR(sei_dynbuf_ptr(&b), texts[i]);
        sei_json_reader_free(&r);
        sei_dynbuf_free(&b);
    }
}

int main(void) {
    test_writer();
    test_reader();
    test_round_trip();
    return se_test_summary("json");
}
