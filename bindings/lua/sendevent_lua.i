/*
 * bindings/lua/sendevent_lua.i - the Lua 5.4 module `sendevent` (sendevent.so).
 *
 *   local sendevent = require "sendevent"
 *   local zapi = sendevent.client("zapi", { instance_id = "I", token = "T", client_token = "CT" })
 *   local r = zapi:send_event{ phone = "120363019502650977-group",
 *                              event = { name = "Standup", dateTime = "2024-04-29T09:30:53.309Z" } }
 *
 * Requests are Lua tables converted to JSON here, in C, before the library is called; responses
 * come back as Lua tables built after the call returned. No Lua error can therefore unwind
 * through libcurl (nothing calls back into Lua while a request is in flight), and no C memory
 * is held by a Lua value across a call except the client and batch handles, which have __gc.
 *
 * Table -> JSON:
 *   - a table whose keys are exactly 1..n (n >= 1) is an array; a table with string keys is an
 *     object; an empty table is an object ({}). sendevent.array(t) / sendevent.object(t) force
 *     the kind (sendevent.array{} is []). Integer keys of an object are written as strings.
 *   - holes in an array (sparse tables), keys mixing strings and integers, keys of other types,
 *     functions, userdata, threads, cycles, NaN/inf, and strings that are not valid UTF-8 raise
 *     an error naming the path; nothing is sent.
 *   - integers stay integers (math.type "integer", 64-bit); floats use the shortest text that
 *     reads back as the same double; sendevent.null is JSON null.
 * JSON -> table: objects and arrays become tables (arrays carry the sendevent.array metatable so
 * they re-encode as arrays), null is sendevent.null, integer literals that fit 64 bits are Lua
 * integers, other numbers floats, strings are byte-exact.
 *
 * Errors are raised as tables (metatable sendevent.Error, readable with tostring()):
 *   { status = "invalid", code = -1, message = "...", http_status = 0, provider_code = nil,
 *     request_id = nil, attempts = 0, sent = "no", client_token = nil,
 *     response = <response table or nil> }
 * Every response and error says whether the request reached the provider: sent = "no",
 * "maybe" or "yes" (se_response_sent).
 */
%module sendevent

%{
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h" /* libcore's JSON writer and reader */
#include "sendevent/sendevent.h"
#include "summary.h" /* the failure summary and option numbers, as every face writes them */

#define SEI_LUA_ERROR_MT "sendevent.Error"
#define SEI_LUA_ARRAY_MT "sendevent.array"
#define SEI_LUA_OBJECT_MT "sendevent.object"
#define SEI_LUA_BUFFER_MT "sendevent.buffer"
#define SEI_LUA_MAX_DEPTH 128

/* sendevent.null: a light userdata with a unique address */
static const char sei_lua_null_addr = 0;
#define SEI_LUA_NULL ((void *)&sei_lua_null_addr)

static void sei_lua_push_error(lua_State *L, se_status status, const char *message,
                              se_response *resp);
static void sei_lua_push_result(lua_State *L, se_response *resp);
static const char *sei_lua_request_arg(lua_State *L, int idx);
static const char *sei_lua_name_arg(lua_State *L, int idx, const char *what, int nil_ok);

#define SEI_BIND_RAISE(status, message, response) sei_lua_push_error(L, (status), (message), (response))
#define SEI_BIND_VOID() ((void)0)
#define SEI_BIND_OUT_OWNED(ptr, descriptor) (SWIG_NewPointerObj(L, (ptr), (descriptor), 1), SWIG_arg++)
#define SEI_BIND_OUT_RESPONSE(response) (sei_lua_push_result(L, (response)), SWIG_arg++)
#define SEI_BIND_OUT_STRING(str, len)                                                               \
    do {                                                                                           \
        if (str)                                                                                   \
            lua_pushlstring(L, (str), (len));                                                      \
        else                                                                                       \
            lua_pushnil(L);                                                                        \
        SWIG_arg++;                                                                                \
    } while (0)
#define SEI_BIND_OUT_BYTES(str, len) SEI_BIND_OUT_STRING((str), (len))
%}

/* integers stay integers (SWIG's defaults push every number as a float) */
%typemap(out) int, size_t, long long "lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++;";
%typemap(in, checkfn = "lua_isnumber") int, size_t {
    int is_int = 0;
    lua_Integer v = lua_tointegerx(L, $input, &is_int);
    if (!is_int)
        luaL_error(L, "argument %d of %s: an integer is required", $argnum, "$symname");
    if (v < 0 && ($1_type)-1 > ($1_type)0) /* an unsigned parameter */
        luaL_error(L, "argument %d of %s: must not be negative", $argnum, "$symname");
    $1 = ($1_type)v;
}

/* a request is a table (encoded here) or a JSON string (sent as is) */
%typemap(in) const char *request_json "$1 = (char *)sei_lua_request_arg(L, $input);";

/* names are whole or refused (a NUL would cut them in C): sei_lua_name_arg */
%typemap(in, checkfn = "SWIG_lua_isnilstring") const char *operation
    "$1 = (char *)sei_lua_name_arg(L, $input, \"operation\", 0);";
%typemap(in, checkfn = "SWIG_lua_isnilstring") const char *provider
    "$1 = (char *)sei_lua_name_arg(L, $input, \"provider\", 0);";
%typemap(in, checkfn = "SWIG_lua_isnilstring") const char *key
    "$1 = (char *)sei_lua_name_arg(L, $input, \"option name\", 0);";
/* only se_client_set has a `value`: its key (arg2, converted first) names it */
%typemap(in, checkfn = "SWIG_lua_isnilstring") const char *value
    "$1 = (char *)sei_lua_name_arg(L, $input, arg2 ? arg2 : \"value\", 1);";

/* Lua users get responses as tables: the per-field accessors are not exported */
%ignore se_response_free;
%ignore se_response_status;
%ignore se_response_provider;
%ignore se_response_operation;
%ignore se_response_http_status;
%ignore se_response_id;
%ignore se_response_accepted_time;
%ignore se_response_provider_code;
%ignore se_response_error_message;
%ignore se_response_request_id;
%ignore se_response_warnings;
%ignore se_response_attempts;
%ignore se_response_elapsed;
%ignore se_response_body;
%ignore se_response_body_len;
%ignore se_response_header;
%ignore se_response_header_count;
%ignore se_response_header_at;
%ignore se_response_request_line;
%ignore se_response_get_string;
%ignore se_response_sent;
%ignore se_response_client_token;
%ignore se_sent_name;
%ignore se_free;
/* callbacks come back as tables (C.callback_parse, webhook.i), verifiers live for one call */
%ignore se_webhook_new;
%ignore se_webhook_free;
%ignore se_webhook_set;
%ignore se_webhook_reason;
%ignore se_callback_parse;
%ignore se_callback_free;
%ignore se_callback_provider;
%ignore se_callback_kind;
%ignore se_callback_get;
%ignore se_callback_field_count;
%ignore se_callback_field_at;
%ignore se_callback_json;

%include "../sendevent.i"

/* the rest, by concern: each file holds one %{ %} block */
%include "results.i"
%include "json.i"
%include "webhook.i"
%include "module.i"

%init %{
    sei_lua_init(L);
%}
