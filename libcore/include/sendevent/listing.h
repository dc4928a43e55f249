/*
 * sendevent/listing.h - what the library offers, for faces and tools to build
 * their methods, help and tables from (in the manner of curl's
 * curl_easy_option_next): the providers, each provider's operations, the
 * fields of each operation's request and each option a client of a provider
 * takes.
 *
 * The structs are read-only descriptions handed out by pointer. Fields are
 * only ever appended: never allocate, copy or take the size of one. Every
 * pointer (and every string in a struct) is static: valid for the process.
 * Thread safety: any thread, any time, no se_global_init needed.
 */
#ifndef SENDEVENT_LISTING_H
#define SENDEVENT_LISTING_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A provider. */
typedef struct se_provider_info {
    const char *name;  /**< "sinch": what se_client_new takes */
    const char *title; /**< "Sinch Conversation API" */
} se_provider_info;

/** An operation of a provider. */
typedef struct se_operation_info {
    const char *name;     /**< "send_event": what se_send takes */
    const char *provider; /**< the provider's name */
    const char *route;    /**< the provider's path suffix, "events:send" */
    const char *help;     /**< one line */
    const char *example;  /**< a small valid request (JSON text) */
} se_operation_info;

/** An option a client takes (se_client_set). */
typedef struct se_option_info {
    const char *key; /**< "timeout" */
    /** "string", "secret", "url", "seconds", "integer", "number", "boolean" or "enum" */
    const char *kind;
    int secret;           /**< 1: never shown (se_client_get gives "[REDACTED]") */
    const char *def;      /**< the default as se_client_get shows it, or NULL */
    const char *values;   /**< the allowed values, space separated, or NULL */
    int has_range;        /**< 1: the value is a number in [min, max] */
    double min, max;      /**< seconds, integer and number kinds */
    const char *alias_of; /**< the key this one is another name for, or NULL */
    const char *provider; /**< the provider whose own option it is; NULL: every provider's */
    const char *help;     /**< one line */
} se_option_info;

/** A field of an operation's request, as the library checks it (se_validate). */
typedef struct se_field_info {
    /**
     * Where the field is: member names joined by "." from the request's top
     * level ("recipient.contact_id"); "[]" stands for any item of an array
     * ("recipient.identified_by.channel_identities[].channel") and "*" for
     * any member of an object whose keys are free
     * ("channel_properties.*"). A field comes after the one holding it.
     */
    const char *path;
    const char *provider;  /**< the provider's name */
    const char *operation; /**< the operation's name */
    /** JSON type: "string", "number", "boolean", "object", "array", or "any" (the field's own
     * rule decides, e.g. Sinch's ttl: "<n>s" or an integer) */
    const char *type;
    int required;       /**< 1: the object holding it must have it (a required string: non-empty) */
    const char *values; /**< allowed string values, space separated, or NULL */
    int open;           /**< 1: `values` are the known ones; others are warned about and sent */
    size_t min;         /**< at least this many characters (string) or items (array) */
    size_t max;         /**< at most this many, or 0: no limit */
} se_field_info;

/**
 * The provider after `prev` (NULL: the first one), or NULL after the last.
 * Loop: for (p = se_provider_next(NULL); p; p = se_provider_next(p)).
 */
SE_API const se_provider_info *se_provider_next(const se_provider_info *prev);

/**
 * The operation of `provider` after `prev` (NULL: the first one), or NULL
 * after the last, for an unknown provider or a `prev` not of `provider`.
 */
SE_API const se_operation_info *se_operation_next(const char *provider,
                                                  const se_operation_info *prev);

/**
 * The option of a `provider` client after `prev` (NULL: the first one), or
 * NULL after the last: the common options, then the provider's own, then
 * other names for them (alias_of set). With a NULL provider: the common
 * options only. NULL for an unknown provider or a `prev` not of this list.
 */
SE_API const se_option_info *se_option_next(const char *provider, const se_option_info *prev);

/**
 * The option `key` of a `provider` client (an alias included), or NULL when
 * that client has no such option. With a NULL provider: a common option.
 */
SE_API const se_option_info *se_option_find(const char *provider, const char *key);

/**
 * The field of `provider`'s `operation` after `prev` (NULL: the first one),
 * or NULL after the last, for an unknown provider or operation or a `prev`
 * not of this list. Fields come depth first, in the order the provider
 * documents them; fields the library does not check (an object or array
 * whose contents are free) have no rows below their own.
 */
SE_API const se_field_info *se_field_next(const char *provider, const char *operation,
                                          const se_field_info *prev);

#ifdef __cplusplus
}
#endif

#endif
