/*
 * bindings/lua/results.i - part of sendevent_lua.i (%included there): responses and errors as Lua
 * tables.
 */
%{
/* ======================================================================================
 * errors
 * ====================================================================================== */

static void sei_lua_setstr(lua_State *L, const char *key, const char *value) {
    if (value) {
        lua_pushstring(L, value);
        lua_setfield(L, -2, key);
    }
}

static void sei_lua_setint(lua_State *L, const char *key, lua_Integer value) {
    lua_pushinteger(L, value);
    lua_setfield(L, -2, key);
}

/* Pushes a JSON value decoded from text, or nil when it is not valid JSON. */
static void sei_lua_decode(lua_State *L, const char *text, size_t len);

/* Pushes the table of a response (success or failure); frees resp. */
static void sei_lua_push_response_table(lua_State *L, se_response *resp) {
    se_status st = se_response_status(resp);
    const char *w;
    lua_createtable(L, 0, 20);
    sei_lua_setstr(L, "status", se_status_name(st));
    sei_lua_setint(L, "code", st);
    sei_lua_setstr(L, "provider", se_response_provider(resp));
    sei_lua_setstr(L, "operation", se_response_operation(resp));
    sei_lua_setint(L, "http_status", se_response_http_status(resp));
    sei_lua_setstr(L, "id", se_response_id(resp));
    sei_lua_setstr(L, "accepted_time", se_response_accepted_time(resp));
    sei_lua_setstr(L, "provider_code", se_response_provider_code(resp));
    sei_lua_setstr(L, "error_message", se_response_error_message(resp));
    sei_lua_setstr(L, "request_id", se_response_request_id(resp));
    sei_lua_setstr(L, "request_line", se_response_request_line(resp));
    sei_lua_setint(L, "attempts", se_response_attempts(resp));
    sei_lua_setstr(L, "sent", se_sent_name(se_response_sent(resp)));
    sei_lua_setstr(L, "client_token", se_response_client_token(resp));
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
        sei_lua_decode(L, se_response_body(resp), se_response_body_len(resp));
        lua_setfield(L, -2, "body");
    }
    se_response_free(resp);
}

/* Pushes an error table for `status`; takes ownership of resp (may be NULL). */
static void sei_lua_push_error(lua_State *L, se_status status, const char *message,
                              se_response *resp) {
    int has_resp = resp != NULL;
    /* the message may live in resp: copy it before resp is freed */
    lua_pushstring(L, message ? message : se_strerror(status));
    if (resp)
        sei_lua_push_response_table(L, resp); /* frees resp */
    lua_createtable(L, 0, 10);
    sei_lua_setstr(L, "status", se_status_name(status));
    sei_lua_setint(L, "code", status);
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
        sei_lua_setint(L, "http_status", 0);
        sei_lua_setint(L, "attempts", 0);
        sei_lua_setstr(L, "sent", "no");
    }
    lua_remove(L, -2); /* the message */
    luaL_setmetatable(L, SEI_LUA_ERROR_MT);
}

/* A response of a batch: its table on success, else an error table. Frees resp. */
static void sei_lua_push_result(lua_State *L, se_response *resp) {
    se_status st = se_response_status(resp);
    if (st == SE_OK) {
        sei_lua_push_response_table(L, resp);
        return;
    }
    sei_lua_push_error(L, st, se_response_error_message(resp), resp);
}

/* Raises an "invalid" error (a request that cannot become JSON: nothing is sent). */
static int sei_lua_invalid(lua_State *L, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sei_lua_push_error(L, SE_E_INVALID, msg, NULL);
    return lua_error(L);
}
%}
