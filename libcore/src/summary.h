/*
 * summary.h - what every face shares, written once here: the one-line
 * summary of a failure (Python's str(Error), Lua's tostring(err)), an
 * option's number as the text se_client_set takes.
 */
#ifndef SEI_SUMMARY_H
#define SEI_SUMMARY_H

#include <stddef.h>

#include "sendevent/client.h"

/* "status: message (HTTP 404, CODE, request id R)": the parenthesis lists the
 * HTTP status when not 0, the provider's code when set and not the HTTP status
 * itself, the request id when set; it is left out when empty. NULL arguments
 * read as "" (status: "error"). Returns a malloc'd text (free()), or NULL
 * when memory ran out. */
char *sei_error_summary(const char *status, const char *message, long http_status,
                        const char *provider_code, const char *request_id);

#define SEI_NUMBER_TEXT_MAX 32

/* An option's number as text: an integral value below 1e15 in plain digits
 * ("2", never "2.0"), any other the shortest text that reads back as the same
 * double ("0.1", "1e+15"). Writes into out and returns it. */
const char *sei_number_text(double v, char out[SEI_NUMBER_TEXT_MAX]);

#endif
