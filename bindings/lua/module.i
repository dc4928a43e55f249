/*
 * bindings/lua/module.i - part of sendevent_lua.i (%included there): the module's C functions
 * (encode, decode, errors, the shared texts, the listing, the log lines) and the Lua layer.
 */
%{
/* ======================================================================================
 * module functions and the Lua layer
 * ====================================================================================== */

/* sendevent.encode(value [, where]) -> JSON text */
static int sei_lua_encode_fn(lua_State *L) {
    const char *where = luaL_optstring(L, 2, NULL);
    luaL_checkany(L, 1);
    sei_lua_encode(L, 1, where, NULL);
    return 1;
}

/* sendevent.decode(text) -> value, or nil, message */
static int sei_lua_decode_fn(lua_State *L) {
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    sei_lua_decode(L, text, len);
    if (lua_isnil(L, -1)) {
        lua_pushliteral(L, "not valid JSON");
        return 2;
    }
    return 1;
}

/* C.error(code, message) -> an error table (not raised); sendevent.lua maps status names to
 * codes from the se_status enum */
static int sei_lua_error_fn(lua_State *L) {
    sei_lua_push_error(L, (se_status)luaL_checkinteger(L, 1), luaL_checkstring(L, 2), NULL);
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
        sei_lua_setstr(L, "name", p->name);
        sei_lua_setstr(L, "title", p->title);
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

/* sei_lua_layer[]: bindings/lua/sendevent.lua, embedded at build time (embed.cmake) */
#include "sendevent_lua_layer.h"

static void sei_lua_init(lua_State *L) {
    int M = lua_gettop(L), C;
    static const luaL_Reg buffer_meta[] = {{"__gc", sei_lua_buf_gc}, {NULL, NULL}};
    luaL_newmetatable(L, SEI_LUA_BUFFER_MT);
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

    lua_pushcfunction(L, sei_lua_encode_fn);
    lua_setfield(L, C, "encode");
    lua_pushcfunction(L, sei_lua_decode_fn);
    lua_setfield(L, C, "decode");
    static const luaL_Reg log_meta[] = {{"__gc", sei_lua_log_gc}, {NULL, NULL}};
    luaL_newmetatable(L, SEI_LUA_LOG_MT);
    luaL_setfuncs(L, log_meta, 0);
    lua_pop(L, 1);
    static const luaL_Reg helpers[] = {
        {"error", sei_lua_error_fn},         {"error_text", sei_lua_error_text},
        {"number_text", sei_lua_number_text}, {"listing", sei_lua_listing},
        {"log_attach", sei_lua_log_attach}, {"log_detach", sei_lua_log_gc},
        {"log_take", sei_lua_log_take},     {"webhook_verify", sei_lua_webhook_verify},
        {"callback_parse", sei_lua_callback_parse}, {NULL, NULL}};
    lua_pushvalue(L, C);
    luaL_setfuncs(L, helpers, 0);
    lua_pop(L, 1);
    lua_pushlightuserdata(L, SEI_LUA_NULL);
    lua_setfield(L, C, "null");

    if (luaL_loadbuffer(L, sei_lua_layer, sizeof sei_lua_layer - 1, "=sendevent") != LUA_OK)
        lua_error(L);
    lua_pushvalue(L, M);
    lua_pushvalue(L, C);
    luaL_newmetatable(L, SEI_LUA_ERROR_MT);
    luaL_newmetatable(L, SEI_LUA_ARRAY_MT);
    luaL_newmetatable(L, SEI_LUA_OBJECT_MT);
    lua_call(L, 5, 0);
    lua_settop(L, M); /* the module table stays on top: require returns it */
}
%}
