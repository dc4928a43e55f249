/*
 * util.h - small utilities (util.c): time, randomness, UUIDs, strings,
 * base64, URL and environment tests, Retry-After.
 */
#ifndef SE_UTIL_H
#define SE_UTIL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "sendevent/common.h"

double se_now(void); /* monotonic seconds */
void se_sleep(double seconds);
double se_random_unit(void); /* [0, 1) */
se_status se_uuid4(char out[37]);
char *se_strdup(const char *s);
char *se_strndup(const char *s, size_t n);
char *se_base64(const unsigned char *data, size_t len);
char *se_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Concatenates strings up to a NULL: the cheap form of se_printf("%s%s..."). */
char *se_join(const char *first, ...) __attribute__((sentinel));
bool se_is_loopback_url(const char *url, bool *is_http);
/* Whether the environment names a proxy for http or https, as libcurl reads it. */
bool se_env_has_proxy(void);
const char *se_json_type_name(const cJSON *item);
/* Retry-After as seconds from now: delay seconds or an HTTP-date; -1 if unparseable. */
double se_parse_retry_after(const char *value);

#endif
