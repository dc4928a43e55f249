/*
 * util.h - small utilities (util.c): time, randomness, UUIDs, strings,
 * base64, URL and environment tests, Retry-After.
 */
#ifndef SEI_UTIL_H
#define SEI_UTIL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "sendevent/common.h"

double sei_now(void); /* monotonic seconds */
void sei_sleep(double seconds);
double sei_random_unit(void); /* [0, 1) */
se_status sei_uuid4(char out[37]);
char *sei_strdup(const char *s);
char *sei_strndup(const char *s, size_t n);
char *sei_base64(const unsigned char *data, size_t len);
char *sei_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Concatenates strings up to a NULL: the cheap form of sei_printf("%s%s..."). */
char *sei_join(const char *first, ...) __attribute__((sentinel));
bool sei_is_loopback_url(const char *url, bool *is_http);
/* Whether the environment names a proxy for http or https, as libcurl reads it. */
bool sei_env_has_proxy(void);
const char *sei_json_type_name(const cJSON *item);
/* Retry-After as seconds from now: delay seconds or an HTTP-date; -1 if unparseable. */
double sei_parse_retry_after(const char *value);

#endif
