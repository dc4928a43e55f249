/*
 * option.h - client options: how one is described (sei_option) and where a
 * client keeps its value (a slot).
 *
 * A client has the common options' slots (O_*, below) followed by its
 * provider's, in the order of the provider's own table: slot O_COMMON_COUNT + i
 * is provider option i, named by the provider's own enum (SINCH_O_PROJECT_ID).
 * Values are read by slot on every send: sei_opt_str(c, slot), c->num[slot].
 */
#ifndef SEI_OPTION_H
#define SEI_OPTION_H

#include <stdbool.h>
#include <stddef.h>

#include "sendevent/sendevent.h"

/* An option's slot in a client. */
typedef unsigned sei_opt;

/* The options every provider has. */
enum sei_common_opt {
    O_BASE_URL,
    O_TIMEOUT,
    O_CONNECT_TIMEOUT,
    O_MAX_ATTEMPTS,
    O_RETRY_SERVER_ERRORS,
    O_RETRY_BASE_DELAY,
    O_RETRY_MAX_DELAY,
    O_CA_FILE,
    O_ALLOW_INSECURE_HTTP,
    O_MAX_RESPONSE_BYTES,
    O_USER_AGENT,
    O_DEADLINE,
    O_CONNECTION_MAX_IDLE,
    O_MAX_RATE,
    O_MAX_BURST,
    O_RATE_LIMIT_URL,
    O_RATE_LIMIT_KEY,
    O_RATE_LIMIT_FALLBACK,
    O_COMMON_COUNT /* the first provider option's slot */
};

#define SEI_MAX_PROVIDER_OPTIONS 16
#define SEI_OPT_SLOTS (O_COMMON_COUNT + SEI_MAX_PROVIDER_OPTIONS)
#define SEI_OPT_NONE ((sei_opt)-1)

typedef enum sei_opt_kind {
    SEI_OPT_STR,     /* a non-empty single-line string */
    SEI_OPT_SECRET,  /* the same, never shown (se_client_get, messages, logs) */
    SEI_OPT_URL,     /* http:// or https://, no query or fragment; credentials in it hidden */
    SEI_OPT_SECONDS, /* a number of seconds in [min, max] */
    SEI_OPT_INT,     /* an integer in [min, max] */
    SEI_OPT_NUMBER,  /* a number in [min, max] */
    SEI_OPT_BOOL,    /* true/false, 1/0, yes/no, on/off */
    SEI_OPT_ENUM     /* one of `values` */
} sei_opt_kind;

typedef struct sei_option {
    const char *key;
    sei_opt_kind kind;
    const char *def;    /* default value, NULL = unset */
    double min, max;    /* SEI_OPT_SECONDS, SEI_OPT_INT, SEI_OPT_NUMBER */
    const char *values; /* SEI_OPT_ENUM: the allowed values, space separated */
    /* Longest value taken (bytes): a longer one is a mistake (a file's content
     * pasted for its name) or an attack, refused when set. */
    size_t max_len;
    bool spaces;      /* may hold spaces (not at either end) */
    bool credential;  /* a change drops the token fetched with the old value */
    const char *help; /* one line */
    /* A rule of the provider's on top of the kind's (Sinch's regions): SE_OK,
     * or SE_E_INVALID with "key: rule" in msg. NULL if none. */
    se_status (*check)(const char *value, char *msg, size_t cap);
} sei_option;

/* Another key for an option of the client (Connect's endpoint_url: base_url). */
typedef struct sei_option_alias {
    const char *key;
    sei_opt slot;
} sei_option_alias;

extern const sei_option sei_common_options[O_COMMON_COUNT];

#endif
