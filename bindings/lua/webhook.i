/*
 * bindings/lua/webhook.i - part of sendevent_lua.i (%included there): the receive side,
 * C.webhook_verify and C.callback_parse, shaped by sendevent.lua as sendevent.webhooks.
 */
%{
/* ======================================================================================
 * webhooks
 * ====================================================================================== */

/* The nonce hook: the Lua function at stack index `fn`, called in protected mode. */
typedef struct sei_lua_nonce_hook {
    lua_State *L;
    int fn;
    int error_ref; /* LUA_NOREF, or a reference to what the function raised */
} sei_lua_nonce_hook;

static int sei_lua_nonce_seen(const char *nonce, int64_t timestamp, void *userdata) {
    sei_lua_nonce_hook *h = userdata;
    lua_State *L = h->L;
    lua_pushvalue(L, h->fn);
    lua_pushstring(L, nonce);
    lua_pushinteger(L, (lua_Integer)timestamp);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
        h->error_ref = luaL_ref(L, LUA_REGISTRYINDEX); /* raised after the verifier is freed */
        return -1;
    }
    int seen = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return seen;
}

/* The headers at `idx`, { name = value } or { {name, value}, ... }, into arrays (a userdata
 * on the stack holds them; the strings stay in the table). Returns the count. */
static size_t sei_lua_headers(lua_State *L, int idx, const char ***names, const char ***values) {
    size_t n = 0, cap = 0;
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        cap++;
        lua_pop(L, 1);
    }
    const char **arr = lua_newuserdatauv(L, (2 * cap + 1) * sizeof *arr, 0);
    *names = arr;
    *values = arr + cap;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const char *name = NULL, *value = NULL;
        size_t name_len = 0, value_len = 0;
        if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING) {
            name = lua_tolstring(L, -2, &name_len);
            value = lua_tolstring(L, -1, &value_len);
        } else if (lua_type(L, -1) == LUA_TTABLE) {
            lua_rawgeti(L, -1, 1);
            lua_rawgeti(L, -2, 2);
            if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING) {
                name = lua_tolstring(L, -2, &name_len); /* anchored in the pair's table */
                value = lua_tolstring(L, -1, &value_len);
            }
            lua_pop(L, 2);
        }
        if (!name)
            luaL_error(L, "headers: { name = value } or { {name, value}, ... } of strings");
        if (strlen(name) != name_len || strlen(value) != value_len) /* C would see it cut */
            luaL_error(L, "headers: %s contains a NUL character", name);
        (*names)[n] = name;
        (*values)[n++] = value;
        lua_pop(L, 1);
    }
    return n;
}

/* Sets one option; on failure frees w and raises an "invalid" error. */
static void sei_lua_webhook_set(lua_State *L, se_webhook *w, const char *key, const char *value) {
    if (se_webhook_set(w, key, value) != SE_OK) {
        se_webhook_free(w);
        sei_lua_push_error(L, SE_E_INVALID, se_last_error(), NULL);
        lua_error(L);
    }
}

/* A number option (nil: its default) as text. */
static const char *sei_lua_seconds(lua_State *L, int idx, const char *what, char *buf, size_t cap) {
    if (lua_isnoneornil(L, idx))
        return NULL;
    if (!lua_isnumber(L, idx))
        luaL_error(L, "%s: a number of seconds is required", what);
    snprintf(buf, cap, "%.17g", (double)lua_tonumber(L, idx));
    return buf;
}

/* C.webhook_verify(provider, body, headers, secret, tolerance, now, nonce_seen)
 *   -> nothing when the callback is authentic, fresh and not a replay; reason, message when
 *   it is refused. Bad arguments and options raise. */
static int sei_lua_webhook_verify(lua_State *L) {
    size_t body_len;
    const char *provider = luaL_checkstring(L, 1);
    const char *body = luaL_checklstring(L, 2, &body_len);
    const char *secret = luaL_checkstring(L, 4);
    char tol[40], now[40];
    const char *tolerance = sei_lua_seconds(L, 5, "tolerance", tol, sizeof tol);
    const char *clock = sei_lua_seconds(L, 6, "now", now, sizeof now);
    if (!lua_isnoneornil(L, 7))
        luaL_checktype(L, 7, LUA_TFUNCTION);
    const char **names, **values;
    size_t n = sei_lua_headers(L, 3, &names, &values);
    se_webhook *w = NULL;
    if (se_webhook_new(&w, provider) != SE_OK) {
        sei_lua_push_error(L, SE_E_INVALID, se_last_error(), NULL);
        return lua_error(L);
    }
    sei_lua_webhook_set(L, w, "secret", secret);
    sei_lua_webhook_set(L, w, "tolerance", tolerance);
    sei_lua_webhook_set(L, w, "now", clock);
    sei_lua_nonce_hook hook = {L, 7, LUA_NOREF};
    if (!lua_isnoneornil(L, 7))
        se_webhook_set_nonce_hook(w, sei_lua_nonce_seen, &hook);
    se_status st = se_webhook_verify(w, body, body_len, names, values, n);
    const char *reason = se_webhook_reason(w); /* static text */
    se_webhook_free(w);
    if (hook.error_ref != LUA_NOREF) { /* what nonce_seen raised */
        lua_rawgeti(L, LUA_REGISTRYINDEX, hook.error_ref);
        luaL_unref(L, LUA_REGISTRYINDEX, hook.error_ref);
        return lua_error(L);
    }
    if (st == SE_OK)
        return 0;
    if (st != SE_E_SIGNATURE) {
        sei_lua_push_error(L, st, se_last_error(), NULL);
        return lua_error(L);
    }
    lua_pushstring(L, reason);
    lua_pushstring(L, se_last_error());
    return 2;
}

/* C.callback_parse(provider, body) -> { provider, kind, fields = {...}, data = <JSON> } */
static int sei_lua_callback_parse(lua_State *L) {
    size_t len;
    const char *provider = luaL_checkstring(L, 1);
    const char *body = luaL_checklstring(L, 2, &len);
    se_callback *cb = NULL;
    se_status st = se_callback_parse(&cb, provider, body, len);
    if (st != SE_OK) {
        sei_lua_push_error(L, st, se_last_error(), NULL);
        return lua_error(L);
    }
    lua_createtable(L, 0, 4);
    sei_lua_setstr(L, "provider", se_callback_provider(cb));
    sei_lua_setstr(L, "kind", se_callback_kind(cb));
    lua_createtable(L, 0, (int)se_callback_field_count(cb));
    for (size_t i = 0; i < se_callback_field_count(cb); i++) {
        const char *name, *value;
        se_callback_field_at(cb, i, &name, &value);
        sei_lua_setstr(L, name, value);
    }
    lua_setfield(L, -2, "fields");
    char *data = NULL;
    st = se_callback_json(cb, NULL, &data);
    se_callback_free(cb);
    if (st != SE_OK || !data) {
        se_free(data);
        sei_lua_push_error(L, st != SE_OK ? st : SE_E_NOMEM, se_last_error(), NULL);
        return lua_error(L);
    }
    sei_lua_decode(L, data, strlen(data));
    se_free(data);
    lua_setfield(L, -2, "data");
    return 1;
}
%}
