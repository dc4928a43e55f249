/* fuzz_parsers.c - the small parsers: Retry-After, loopback URLs, percent
 * encoding, JSON paths and the request builder's path setter. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    sei_parse_retry_after(s);
    bool http;
    sei_is_loopback_url(s, &http);
    cJSON *j = cJSON_Parse("{\"a\":{\"b\":[1,{\"c\":\"x\"}]}}");
    bool bad;
    sei_json_path(j, s, &bad);
    cJSON_Delete(j);
    se_request *r = NULL;
    se_request_new(&r);
    se_request_set_string(r, s, "v");
    se_request_set_int(r, s, 1);
    se_request_remove(r, s);
    se_request_json(r);
    se_request_free(r);
    free(s);
    return 0;
}
