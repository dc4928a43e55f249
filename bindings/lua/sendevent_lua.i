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

#define SE_LUA_ERROR_MT "sendevent.Error"
#define SE_LUA_ARRAY_MT "sendevent.array"
#define SE_LUA_OBJECT_MT "sendevent.object"
#define SE_LUA_BUFFER_MT "sendevent.buffer"
#define SE_LUA_MAX_DEPTH 128

/* sendevent.null: a light userdata with a unique address */
static const char se_lua_null_addr = 0;
#define SE_LUA_NULL ((void *)&se_lua_null_addr)

static void se_lua_push_error(lua_State *L, se_status status, const char *message,
                              se_response *resp);
static void se_lua_push_result(lua_State *L, se_response *resp);
static const char *se_lua_request_arg(lua_State *L, int idx);
static const char *se_lua_name_arg(lua_State *L, int idx, const char *what, int nil_ok);

#define SE_BIND_RAISE(status, message, response) se_lua_push_error(L, (status), (message), (response))
#define SE_BIND_VOID() ((void)0)
#define SE_BIND_OUT_OWNED(ptr, descriptor) (SWIG_NewPointerObj(L, (ptr), (descriptor), 1), SWIG_arg++)
#define SE_BIND_OUT_RESPONSE(response) (se_lua_push_result(L, (response)), SWIG_arg++)
#define SE_BIND_OUT_STRING(str, len)                                                               \
    do {                                                                                           \
        if (str)                                                                                   \
            lua_pushlstring(L, (str), (len));                                                      \
        else                                                                                       \
            lua_pushnil(L);                                                                        \
        SWIG_arg++;                                                                                \
    } while (0)
#define SE_BIND_OUT_BYTES(str, len) SE_BIND_OUT_STRING((str), (len))
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
%typemap(in) const char *request_json "$1 = (char *)se_lua_request_arg(L, $input);";

/* names are whole or refused (a NUL would cut them in C): se_lua_name_arg */
%typemap(in, checkfn = "SWIG_lua_isnilstring") const char *operation
    "$1 = (char *)se_lua_name_arg(L, $input, \"operation\", 0);";
%typemap(in, checkfn = "SWIG_lua_isnilstring") const char *provider
    "$1 = (char *)se_lua_name_arg(L, $input, \"provider\", 0);";
%typemap(in, checkfn = "SWIG_lua_isnilstring") const char *key
    "$1 = (char *)se_lua_name_arg(L, $input, \"option name\", 0);";
/* only se_client_set has a `value`: its key (arg2, converted first) names it */
%typemap(in, checkfn = "SWIG_lua_isnilstring") const char *value
    "$1 = (char *)se_lua_name_arg(L, $input, arg2 ? arg2 : \"value\", 1);";

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

%include "../sendevent.i"

%{
/* ======================================================================================
 * errors
 * ====================================================================================== */

static void se_lua_setstr(lua_State *L, const char *key, const char *value) {
    if (value) {
        lua_pushstring(L, value);
        lua_setfield(L, -2, key);
    }
}

static void se_lua_setint(lua_State *L, const char *key, lua_Integer value) {
    lua_pushinteger(L, value);
    lua_setfield(L, -2, key);
}

/* Pushes a JSON value decoded from text, or nil when it is not valid JSON. */
static void se_lua_decode(lua_State *L, const char *text, size_t len);

/* Pushes the table of a response (success or failure); frees resp. */
static void se_lua_push_response_table(lua_State *L, se_response *resp) {
    se_status st = se_response_status(resp);
    const char *w;
    lua_createtable(L, 0, 20);
    se_lua_setstr(L, "status", se_status_name(st));
    se_lua_setint(L, "code", st);
    se_lua_setstr(L, "provider", se_response_provider(resp));
    se_lua_setstr(L, "operation", se_response_operation(resp));
    se_lua_setint(L, "http_status", se_response_http_status(resp));
    se_lua_setstr(L, "id", se_response_id(resp));
    se_lua_setstr(L, "accepted_time", se_response_accepted_time(resp));
    se_lua_setstr(L, "provider_code", se_response_provider_code(resp));
    se_lua_setstr(L, "error_message", se_response_error_message(resp));
    se_lua_setstr(L, "request_id", se_response_request_id(resp));
    se_lua_setstr(L, "request_line", se_response_request_line(resp));
    se_lua_setint(L, "attempts", se_response_attempts(resp));
    se_lua_setstr(L, "sent", se_sent_name(se_response_sent(resp)));
    se_lua_setstr(L, "client_token", se_response_client_token(resp));
    size_t n_headers = se_response_header_count(resp);
    lua_createtable(L, (int)n_headers, 0); /* headers: { {name, value}, ... } in order */
    for (size_t i = 0; i < n_headers; i++) {
        const char *name, *value;
        se_response_header_at(resp, i, &name, &value);
        lua_createtable(L, 2, 0);
        lua_pushstring(L, name);
        lua_rawseti(L, -2, 1);
        lua_pushstring(L, value);
        lua_rawseti(L, -2, 2);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "headers");
    lua_pushnumber(L, se_response_elapsed(resp));
    lua_setfield(L, -2, "elapsed");
    lua_newtable(L); /* warnings: one string per line */
    w = se_response_warnings(resp);
    for (lua_Integer n = 1; w && *w; n++) {
        size_t len = strcspn(w, "\n");
        lua_pushlstring(L, w, len);
        lua_rawseti(L, -2, n);
        w += len + (w[len] == '\n');
    }
    lua_setfield(L, -2, "warnings");
    lua_pushlstring(L, se_response_body(resp), se_response_body_len(resp));
    lua_setfield(L, -2, "text");
    if (se_response_body_len(resp) > 0) {
        se_lua_decode(L, se_response_body(resp), se_response_body_len(resp));
        lua_setfield(L, -2, "body");
    }
    se_response_free(resp);
}

/* Pushes an error table for `status`; takes ownership of resp (may be NULL). */
static void se_lua_push_error(lua_State *L, se_status status, const char *message,
                              se_response *resp) {
    int has_resp = resp != NULL;
    /* the message may live in resp: copy it before resp is freed */
    lua_pushstring(L, message ? message : se_strerror(status));
    if (resp)
        se_lua_push_response_table(L, resp); /* frees resp */
    lua_createtable(L, 0, 10);
    se_lua_setstr(L, "status", se_status_name(status));
    se_lua_setint(L, "code", status);
    lua_pushvalue(L, has_resp ? -3 : -2);
    lua_setfield(L, -2, "message");
    if (has_resp) {
        static const char *const copied[] = {"http_status", "provider_code", "request_id",
                                             "attempts", "elapsed", "provider", "operation",
                                             "sent", "client_token"};
        for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++) {
            lua_getfield(L, -2, copied[i]);
            lua_setfield(L, -2, copied[i]);
        }
        lua_pushvalue(L, -2);
        lua_setfield(L, -2, "response");
        lua_remove(L, -2);
    } else {
        se_lua_setint(L, "http_status", 0);
        se_lua_setint(L, "attempts", 0);
        se_lua_setstr(L, "sent", "no");
    }
    lua_remove(L, -2); /* the message */
    luaL_setmetatable(L, SE_LUA_ERROR_MT);
}

/* A response of a batch: its table on success, else an error table. Frees resp. */
static void se_lua_push_result(lua_State *L, se_response *resp) {
    se_status st = se_response_status(resp);
    if (st == SE_OK) {
        se_lua_push_response_table(L, resp);
        return;
    }
    se_lua_push_error(L, st, se_response_error_message(resp), resp);
}

/* Raises an "invalid" error (a request that cannot become JSON: nothing is sent). */
static int se_lua_invalid(lua_State *L, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    se_lua_push_error(L, SE_E_INVALID, msg, NULL);
    return lua_error(L);
}

/* ======================================================================================
 * Lua value -> JSON text (libcore's JSON writer; the Lua rules are here)
 * ====================================================================================== */

/* The C memory of one conversion, in a userdata whose __gc frees it if a Lua error
 * unwinds: the text written, or the reader's. */
typedef struct se_lua_json {
    sei_dynbuf buf;
    sei_json_reader reader;
} se_lua_json;

static int se_lua_buf_gc(lua_State *L) {
    se_lua_json *j = (se_lua_json *)luaL_checkudata(L, 1, SE_LUA_BUFFER_MT);
    sei_dynbuf_free(&j->buf);
    sei_json_reader_free(&j->reader);
    return 0;
}

static se_lua_json *se_lua_json_new(lua_State *L) {
    se_lua_json *j = (se_lua_json *)lua_newuserdatauv(L, sizeof *j, 0);
    memset(j, 0, sizeof *j);
    luaL_setmetatable(L, SE_LUA_BUFFER_MT);
    return j;
}

typedef struct se_enc {
    lua_State *L;
    sei_json_writer w;
    int seen; /* stack index of a table: tables on the current path */
    int depth;
    char path[256];
    size_t path_len;
} se_enc;

/* What the writer says after a call that can only run out of memory. */
static void se_enc_check(se_enc *e, se_status st) {
    if (st != SE_OK)
        luaL_error(e->L, "sendevent: out of memory");
}

static const char *se_enc_where(se_enc *e) {
    return e->path_len ? e->path : "request";
}

/* Appends ".key" or "[index]" to the path; returns the previous length to restore. */
static size_t se_enc_push_path(se_enc *e, const char *key, lua_Integer index) {
    size_t old = e->path_len;
    int n;
    if (key)
        n = snprintf(e->path + old, sizeof e->path - old, "%s%s", old ? "." : "", key);
    else
        n = snprintf(e->path + old, sizeof e->path - old, "[%lld]", (long long)index);
    if (n < 0 || (size_t)n >= sizeof e->path - old)
        e->path_len = sizeof e->path - 1; /* truncated: still names the start of the path */
    else
        e->path_len = old + (size_t)n;
    return old;
}

static void se_enc_pop_path(se_enc *e, size_t old) {
    e->path_len = old;
    e->path[old] = '\0';
}

static void se_enc_string(se_enc *e, const char *s, size_t n, int is_key) {
    se_status st = is_key ? sei_json_key(&e->w, s, n) : sei_json_string(&e->w, s, n);
    if (st == SE_E_INVALID)
        se_lua_invalid(e->L, "%s: %s is not valid UTF-8 (byte %u at offset %lu)",
                       se_enc_where(e), is_key ? "a key" : "string",
                       (unsigned)(unsigned char)s[e->w.bad_offset],
                       (unsigned long)e->w.bad_offset);
    se_enc_check(e, st);
}

static void se_enc_number(se_enc *e, int idx) {
    lua_State *L = e->L;
    if (lua_isinteger(L, idx)) {
        se_enc_check(e, sei_json_int(&e->w, (int64_t)lua_tointeger(L, idx)));
        return;
    }
    double d = lua_tonumber(L, idx);
    if (!isfinite(d))
        se_lua_invalid(L, "%s: %s is not a JSON number", se_enc_where(e),
                       isnan(d) ? "NaN" : "an infinity");
    se_enc_check(e, sei_json_double(&e->w, d)); /* the shortest text that reads back */
}

static void se_enc_value(se_enc *e, int idx);

/* The forced kind of a table from its metatable: 'a' array, 'o' object, 0 none. */
static int se_enc_forced_kind(lua_State *L, int idx) {
    int kind = 0;
    if (!lua_getmetatable(L, idx))
        return 0;
    if (lua_getfield(L, -1, "__jsontype") == LUA_TSTRING) {
        const char *k = lua_tostring(L, -1);
        kind = !strcmp(k, "array") ? 'a' : !strcmp(k, "object") ? 'o' : 0;
    }
    lua_pop(L, 2);
    return kind;
}

static void se_enc_table(se_enc *e, int idx) {
    lua_State *L = e->L;
    int kind = se_enc_forced_kind(L, idx);
    lua_Integer count = 0, max = 0, min = LUA_MAXINTEGER;
    int has_str = 0, has_int = 0;
    if (e->depth >= SE_LUA_MAX_DEPTH) /* said before the writer's own limit would */
        se_lua_invalid(L, "%s: nested more than %d levels deep", se_enc_where(e),
                       SE_LUA_MAX_DEPTH);
    luaL_checkstack(L, 6, "sendevent: request nested too deeply");
    lua_pushvalue(L, idx);
    if (lua_rawget(L, e->seen) != LUA_TNIL)
        se_lua_invalid(L, "%s: a table that contains itself (cycle) cannot become JSON",
                       se_enc_where(e));
    lua_pop(L, 1);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, e->seen);
    e->depth++;

    /* what keys are there? */
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int kt = lua_type(L, -2);
        lua_pop(L, 1);
        count++;
        if (kt == LUA_TSTRING) {
            has_str = 1;
        } else if (kt == LUA_TNUMBER && lua_isinteger(L, -1)) {
            lua_Integer k = lua_tointeger(L, -1);
            has_int = 1;
            if (k > max)
                max = k;
            if (k < min)
                min = k;
        } else {
            const char *tn = luaL_typename(L, -1);
            char shown[64] = "";
            if (kt == LUA_TNUMBER || kt == LUA_TBOOLEAN) {
                if (kt == LUA_TNUMBER)
                    snprintf(shown, sizeof shown, " %.14g", lua_tonumber(L, -1));
                else
                    snprintf(shown, sizeof shown, " %s", lua_toboolean(L, -1) ? "true" : "false");
            }
            se_lua_invalid(L, "%s: table keys must be strings (object) or 1..n (array), got %s%s",
                           se_enc_where(e), tn, shown);
        }
    }
    if (kind == 0) {
        if (has_str && has_int)
            se_lua_invalid(L, "%s: a table mixes string keys and integer keys; use one kind",
                           se_enc_where(e));
        kind = has_int ? 'a' : 'o';
    }
    if (kind == 'a') {
        if (has_str)
            se_lua_invalid(L, "%s: an array (sendevent.array) has string keys", se_enc_where(e));
        if (has_int && min < 1)
            se_lua_invalid(L, "%s: array keys must be 1..n, got %lld", se_enc_where(e),
                           (long long)min);
        if (max != count)
            se_lua_invalid(L, "%s: sparse array: %lld elements with keys up to %lld (fill the "
                           "holes with sendevent.null)", se_enc_where(e), (long long)count,
                           (long long)max);
        se_enc_check(e, sei_json_begin_array(&e->w));
        for (lua_Integer i = 1; i <= count; i++) {
            size_t old = se_enc_push_path(e, NULL, i - 1);
            lua_rawgeti(L, idx, i);
            se_enc_value(e, lua_gettop(L));
            lua_pop(L, 1);
            se_enc_pop_path(e, old);
        }
        se_enc_check(e, sei_json_end_array(&e->w));
    } else {
        se_enc_check(e, sei_json_begin_object(&e->w));
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            char keybuf[32];
            const char *key;
            size_t klen, old;
            if (lua_type(L, -2) == LUA_TSTRING) {
                key = lua_tolstring(L, -2, &klen); /* a string key: no conversion happens */
            } else {
                klen = (size_t)snprintf(keybuf, sizeof keybuf, "%lld",
                                        (long long)lua_tointeger(L, -2));
                key = keybuf;
            }
            se_enc_string(e, key, klen, 1); /* checked before it becomes part of the path */
            old = se_enc_push_path(e, key, 0);
            se_enc_value(e, lua_gettop(L));
            lua_pop(L, 1);
            se_enc_pop_path(e, old);
        }
        se_enc_check(e, sei_json_end_object(&e->w));
    }
    e->depth--;
    lua_pushvalue(L, idx);
    lua_pushnil(L);
    lua_rawset(L, e->seen);
}

static void se_enc_value(se_enc *e, int idx) {
    lua_State *L = e->L;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        se_enc_check(e, sei_json_null(&e->w));
        break;
    case LUA_TBOOLEAN:
        se_enc_check(e, sei_json_bool(&e->w, lua_toboolean(L, idx)));
        break;
    case LUA_TNUMBER:
        se_enc_number(e, idx);
        break;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        se_enc_string(e, s, n, 0);
        break;
    }
    case LUA_TTABLE:
        se_enc_table(e, idx);
        break;
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, idx) == SE_LUA_NULL) {
            se_enc_check(e, sei_json_null(&e->w));
            break;
        }
        /* fall through */
    default:
        se_lua_invalid(L, "%s: a %s cannot become JSON", se_enc_where(e), luaL_typename(L, idx));
    }
}

/* Encodes the value at idx; pushes the JSON text (a Lua string) and returns it. `where` names
 * the value in error messages (NULL: "request"). Errors are raised as "invalid" tables. */
static const char *se_lua_encode(lua_State *L, int idx, const char *where, size_t *len) {
    se_enc e;
    se_lua_json *j;
    const char *out;
    idx = lua_absindex(L, idx);
    memset(&e, 0, sizeof e);
    e.L = L;
    if (where && *where) {
        snprintf(e.path, sizeof e.path, "%s", where);
        e.path_len = strlen(e.path);
    }
    j = se_lua_json_new(L); /* frees the C buffer if an error unwinds */
    sei_dynbuf_init(&j->buf, 0);
    sei_json_writer_init(&e.w, &j->buf, SE_LUA_MAX_DEPTH);
    lua_newtable(L);
    e.seen = lua_gettop(L);
    se_enc_value(&e, idx);
    out = lua_pushlstring(L, sei_dynbuf_ptr(&j->buf), sei_dynbuf_len(&j->buf));
    if (len)
        *len = sei_dynbuf_len(&j->buf);
    sei_dynbuf_free(&j->buf);
    lua_replace(L, -3); /* keep the string where the buffer was, drop the seen table */
    lua_pop(L, 1);
    return out;
}

/* The request argument at idx: a JSON string as is, or a table encoded (the text is left on
 * the stack, which keeps it alive during the call). */
static const char *se_lua_request_arg(lua_State *L, int idx) {
    int t = lua_type(L, idx);
    if (t == LUA_TSTRING) {
        size_t len = 0;
        const char *s = lua_tolstring(L, idx, &len);
        if (strlen(s) != len) /* C would see the text cut there */
            se_lua_invalid(L, "request: request JSON contains a NUL character (byte %lu)",
                           (unsigned long)strlen(s));
        return s;
    }
    if (t != LUA_TTABLE)
        se_lua_invalid(L, "request: must be a table (or a JSON string), got %s",
                       luaL_typename(L, idx));
    return se_lua_encode(L, idx, NULL, NULL);
}

/* A string argument that names something (operation, provider, option key or value); nil
 * gives NULL when nil_ok. A NUL inside is refused naming the argument, never cut off. */
static const char *se_lua_name_arg(lua_State *L, int idx, const char *what, int nil_ok) {
    size_t len = 0;
    const char *s;
    if (lua_isnil(L, idx) && nil_ok)
        return NULL;
    if (lua_type(L, idx) != LUA_TSTRING)
        se_lua_invalid(L, "%s: must be a string, got %s", what, luaL_typename(L, idx));
    s = lua_tolstring(L, idx, &len);
    if (strlen(s) != len)
        se_lua_invalid(L, "%s: contains a NUL character (byte %lu)", what,
                       (unsigned long)strlen(s));
    return s;
}

/* ======================================================================================
 * JSON text -> Lua value (libcore's JSON reader; the Lua rules are here)
 * ====================================================================================== */

/* Sets the value on top into the container under it (the key, for an object, between). */
static void se_dec_attach(lua_State *L, const char *kinds, lua_Integer *counts, int depth) {
    if (depth == 0)
        return; /* the top value */
    if (kinds[depth - 1] == 'a')
        lua_rawseti(L, -2, ++counts[depth - 1]);
    else
        lua_rawset(L, -3);
}

/* Pushes the value of one event (a container opens empty); 0 when it cannot be one. */
static int se_dec_push(lua_State *L, sei_json_reader *r, sei_json_event ev) {
    switch (ev) {
    case SEI_JSON_BEGIN_OBJECT:
        lua_newtable(L);
        return 1;
    case SEI_JSON_BEGIN_ARRAY:
        lua_newtable(L);
        luaL_setmetatable(L, SE_LUA_ARRAY_MT);
        return 1;
    case SEI_JSON_STRING:
        lua_pushlstring(L, r->str, r->len);
        return 1;
    case SEI_JSON_NUMBER:
        /* Lua's own conversion: integers that fit 64 bits stay integers, others become floats */
        return r->len < 512 && lua_stringtonumber(L, r->str) != 0;
    case SEI_JSON_TRUE:
    case SEI_JSON_FALSE:
        lua_pushboolean(L, ev == SEI_JSON_TRUE);
        return 1;
    case SEI_JSON_NULL:
        lua_pushlightuserdata(L, SE_LUA_NULL);
        return 1;
    default:
        return 0;
    }
}

/* Builds the value from the reader's events; 1 with it pushed, or 0. No value sits inside
 * more than SE_LUA_MAX_DEPTH containers. */
static int se_dec_walk(lua_State *L, sei_json_reader *r) {
    char kinds[SE_LUA_MAX_DEPTH + 1];
    lua_Integer counts[SE_LUA_MAX_DEPTH + 1];
    int depth = 0;
    for (;;) {
        sei_json_event ev = sei_json_next(r);
        switch (ev) {
        case SEI_JSON_EOF:
            return 1;
        case SEI_JSON_ERROR:
            return 0;
        case SEI_JSON_KEY:
            lua_pushlstring(L, r->str, r->len);
            continue;
        case SEI_JSON_END_OBJECT:
        case SEI_JSON_END_ARRAY:
            se_dec_attach(L, kinds, counts, --depth);
            continue;
        default:
            break;
        }
        if (depth > SE_LUA_MAX_DEPTH)
            return 0;
        luaL_checkstack(L, 4, "sendevent: response nested too deeply");
        if (!se_dec_push(L, r, ev))
            return 0;
        if (ev == SEI_JSON_BEGIN_OBJECT || ev == SEI_JSON_BEGIN_ARRAY) {
            kinds[depth] = ev == SEI_JSON_BEGIN_ARRAY ? 'a' : 'o';
            counts[depth++] = 0;
        } else {
            se_dec_attach(L, kinds, counts, depth);
        }
    }
}

/* Pushes the value of the JSON text (NUL-terminated at text[len]), or nil when it is not
 * strict JSON. */
static void se_lua_decode(lua_State *L, const char *text, size_t len) {
    int top = lua_gettop(L);
    se_lua_json *j = se_lua_json_new(L); /* frees the reader's memory if an error unwinds */
    sei_json_reader_init(&j->reader, text, len, SE_LUA_MAX_DEPTH + 1);
    int ok = se_dec_walk(L, &j->reader);
    sei_json_reader_free(&j->reader);
    if (ok) {
        lua_replace(L, top + 1); /* the value where the userdata was */
        lua_settop(L, top + 1);
        return;
    }
    lua_settop(L, top);
    lua_pushnil(L);
}

/* ======================================================================================
 * module functions and the Lua layer
 * ====================================================================================== */

/* sendevent.encode(value [, where]) -> JSON text */
static int se_lua_encode_fn(lua_State *L) {
    const char *where = luaL_optstring(L, 2, NULL);
    luaL_checkany(L, 1);
    se_lua_encode(L, 1, where, NULL);
    return 1;
}

/* sendevent.decode(text) -> value, or nil, message */
static int se_lua_decode_fn(lua_State *L) {
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    se_lua_decode(L, text, len);
    if (lua_isnil(L, -1)) {
        lua_pushliteral(L, "not valid JSON");
        return 2;
    }
    return 1;
}

/* C.error(code, message) -> an error table (not raised); sendevent.lua maps status names to
 * codes from the se_status enum */
static int se_lua_error_fn(lua_State *L) {
    se_lua_push_error(L, (se_status)luaL_checkinteger(L, 1), luaL_checkstring(L, 2), NULL);
    return 1;
}

/* C.error_text(err) -> the summary every face writes, for sendevent.Error's __tostring */
static int sei_lua_error_text(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "status");
    const char *status = luaL_tolstring(L, -1, NULL); /* tostring(e.status) */
    lua_getfield(L, 1, "message");
    const char *message = luaL_tolstring(L, -1, NULL);
    lua_getfield(L, 1, "http_status");
    long http_status = (long)lua_tointeger(L, -1); /* nil or not a number: 0 */
    lua_getfield(L, 1, "provider_code");
    const char *code = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    lua_getfield(L, 1, "request_id");
    const char *request_id = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    char *text = sei_error_summary(status, message, http_status, code, request_id);
    if (!text)
        return luaL_error(L, "sendevent: out of memory");
    lua_pushfstring(L, "sendevent: %s", text);
    free(text);
    return 1;
}

/* C.number_text(x) -> a float option's text, as every face writes it */
static int sei_lua_number_text(lua_State *L) {
    char text[SEI_NUMBER_TEXT_MAX];
    lua_pushstring(L, sei_number_text(luaL_checknumber(L, 1), text));
    return 1;
}

/* Pushes a list of the strings `field` of each item of a listing walk. */
#define SEI_LUA_LIST(L, type, first, next, field)                                                 \
    do {                                                                                           \
        lua_Integer n_ = 0;                                                                        \
        lua_newtable(L);                                                                           \
        for (const type *it_ = (first); it_; it_ = (next)) {                                       \
            lua_pushstring(L, it_->field);                                                         \
            lua_rawseti(L, -2, ++n_);                                                              \
        }                                                                                          \
    } while (0)

/* C.listing() -> { {name=, title=, operations={...}, options={...}}, ... }: the providers as
 * the library lists them (sendevent/listing.h), each with its operations and option keys */
static int sei_lua_listing(lua_State *L) {
    lua_Integer n = 0;
    lua_newtable(L);
    for (const se_provider_info *p = se_provider_next(NULL); p; p = se_provider_next(p)) {
        lua_createtable(L, 0, 4);
        se_lua_setstr(L, "name", p->name);
        se_lua_setstr(L, "title", p->title);
        SEI_LUA_LIST(L, se_operation_info, se_operation_next(p->name, NULL),
                     se_operation_next(p->name, it_), name);
        lua_setfield(L, -2, "operations");
        SEI_LUA_LIST(L, se_option_info, se_option_next(p->name, NULL),
                     se_option_next(p->name, it_), key);
        lua_setfield(L, -2, "options");
        lua_rawseti(L, -2, ++n);
    }
    return 1;
}

/* ---- logging ------------------------------------------------------------------------------
 * A client's log lines (se_client_set_logger) are gathered here while a call runs in C, and
 * handed to the client's Lua logger by sendevent.lua once the call returned: no Lua code runs
 * inside the library, and the function runs on the thread and coroutine that made the call. */
#define SEI_LUA_LOG_MT "sendevent.log"
#define SEI_LUA_LOG_MAX (1 << 20) /* lines of one call past this are dropped */

typedef struct sei_lua_log {
    se_client *client; /* logging here; NULL once detached */
    sei_dynbuf lines;  /* each line: its level as a digit, the text, a NUL */
} sei_lua_log;

static void sei_lua_log_line(int level, const char *message, void *userdata) {
    sei_lua_log *log = (sei_lua_log *)userdata;
    sei_dynbuf_addc(&log->lines, (char)('0' + (level < 1 ? 0 : level > 2 ? 2 : level)));
    sei_dynbuf_add(&log->lines, message, strlen(message) + 1);
}

static void sei_lua_log_detach(sei_lua_log *log) {
    if (log->client)
        se_client_set_logger(log->client, NULL, NULL);
    log->client = NULL;
    sei_dynbuf_free(&log->lines);
}

/* __gc, and C.log_detach(log): the client stops logging here. A log is made after its client
 * and so finalized before it: the client is still there to detach from. */
static int sei_lua_log_gc(lua_State *L) {
    sei_lua_log_detach((sei_lua_log *)luaL_checkudata(L, 1, SEI_LUA_LOG_MT));
    return 0;
}

/* C.log_attach(client) -> a log the client's lines go to */
static int sei_lua_log_attach(lua_State *L) {
    se_client *client = NULL;
    if (!SWIG_IsOK(SWIG_ConvertPtr(L, 1, (void **)&client, SWIGTYPE_p_se_client, 0)) || !client)
        return luaL_error(L, "sendevent: log_attach: not a client");
    sei_lua_log *log = (sei_lua_log *)lua_newuserdatauv(L, sizeof *log, 0);
    log->client = NULL;
    sei_dynbuf_init(&log->lines, SEI_LUA_LOG_MAX);
    luaL_setmetatable(L, SEI_LUA_LOG_MT);
    se_client_set_logger(client, sei_lua_log_line, log);
    log->client = client;
    return 1;
}

/* C.log_take(log) -> { level, text, level, text, ... } gathered since the last take */
static int sei_lua_log_take(lua_State *L) {
    sei_lua_log *log = (sei_lua_log *)luaL_checkudata(L, 1, SEI_LUA_LOG_MT);
    static const char *const levels[] = {"debug", "info", "warning"};
    const char *p = log->lines.data, *end = p ? p + log->lines.len : NULL;
    lua_Integer n = 0;
    lua_newtable(L);
    while (p && p < end) {
        size_t len = strlen(p + 1);
        lua_pushstring(L, levels[p[0] - '0']);
        lua_rawseti(L, -2, ++n);
        lua_pushlstring(L, p + 1, len);
        lua_rawseti(L, -2, ++n);
        p += len + 2;
    }
    sei_dynbuf_reset(&log->lines);
    return 1;
}

/* se_lua_layer[]: bindings/lua/sendevent.lua, embedded at build time (embed.cmake) */
#include "sendevent_lua_layer.h"

static void se_lua_init(lua_State *L) {
    int M = lua_gettop(L), C;
    static const luaL_Reg buffer_meta[] = {{"__gc", se_lua_buf_gc}, {NULL, NULL}};
    luaL_newmetatable(L, SE_LUA_BUFFER_MT);
    luaL_setfuncs(L, buffer_meta, 0);
    lua_pop(L, 1);

    /* move SWIG's se_* / SE_* entries out of the module into a private table */
    lua_newtable(L);
    C = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, M)) {
        if (lua_type(L, -2) == LUA_TSTRING &&
            (!strncmp(lua_tostring(L, -2), "se_", 3) || !strncmp(lua_tostring(L, -2), "SE_", 3))) {
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, C); /* C[key] = value; the key stays for lua_next */
            lua_pushvalue(L, -1);
            lua_pushnil(L);
            lua_rawset(L, M); /* clearing an existing field while traversing is allowed */
        } else {
            lua_pop(L, 1);
        }
    }
    /* SWIG defines two global helpers; a module should not touch the globals */
    lua_pushglobaltable(L);
    lua_pushnil(L);
    lua_setfield(L, -2, "swig_type");
    lua_pushnil(L);
    lua_setfield(L, -2, "swig_equals");
    lua_pop(L, 1);

    lua_pushcfunction(L, se_lua_encode_fn);
    lua_setfield(L, C, "encode");
    lua_pushcfunction(L, se_lua_decode_fn);
    lua_setfield(L, C, "decode");
    static const luaL_Reg log_meta[] = {{"__gc", sei_lua_log_gc}, {NULL, NULL}};
    luaL_newmetatable(L, SEI_LUA_LOG_MT);
    luaL_setfuncs(L, log_meta, 0);
    lua_pop(L, 1);
    static const luaL_Reg helpers[] = {
        {"error", se_lua_error_fn},         {"error_text", sei_lua_error_text},
        {"number_text", sei_lua_number_text}, {"listing", sei_lua_listing},
        {"log_attach", sei_lua_log_attach}, {"log_detach", sei_lua_log_gc},
        {"log_take", sei_lua_log_take},     {NULL, NULL}};
    lua_pushvalue(L, C);
    luaL_setfuncs(L, helpers, 0);
    lua_pop(L, 1);
    lua_pushlightuserdata(L, SE_LUA_NULL);
    lua_setfield(L, C, "null");

    if (luaL_loadbuffer(L, se_lua_layer, sizeof se_lua_layer - 1, "=sendevent") != LUA_OK)
        lua_error(L);
    lua_pushvalue(L, M);
    lua_pushvalue(L, C);
    luaL_newmetatable(L, SE_LUA_ERROR_MT);
    luaL_newmetatable(L, SE_LUA_ARRAY_MT);
    luaL_newmetatable(L, SE_LUA_OBJECT_MT);
    lua_call(L, 5, 0);
    lua_settop(L, M); /* the module table stays on top: require returns it */
}
%}

%init %{
    se_lua_init(L);
%}
