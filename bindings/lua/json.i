/*
 * bindings/lua/json.i - part of sendevent_lua.i (%included there): Lua values to JSON text and
 * back, through libcore's JSON writer and reader; the Lua rules (arrays, null, forced kinds,
 * error paths) are here.
 */
%{
/* ======================================================================================
 * Lua value -> JSON text (libcore's JSON writer; the Lua rules are here)
 * ====================================================================================== */

/* The C memory of one conversion, in a userdata whose __gc frees it if a Lua error
 * unwinds: the text written, or the reader's. */
typedef struct sei_lua_json {
    sei_dynbuf buf;
    sei_json_reader reader;
} sei_lua_json;

static int sei_lua_buf_gc(lua_State *L) {
    sei_lua_json *j = (sei_lua_json *)luaL_checkudata(L, 1, SEI_LUA_BUFFER_MT);
    sei_dynbuf_free(&j->buf);
    sei_json_reader_free(&j->reader);
    return 0;
}

static sei_lua_json *sei_lua_json_new(lua_State *L) {
    sei_lua_json *j = (sei_lua_json *)lua_newuserdatauv(L, sizeof *j, 0);
    memset(j, 0, sizeof *j);
    luaL_setmetatable(L, SEI_LUA_BUFFER_MT);
    return j;
}

typedef struct sei_enc {
    lua_State *L;
    sei_json_writer w;
    int seen; /* stack index of a table: tables on the current path */
    int depth;
    char path[256];
    size_t path_len;
} sei_enc;

/* What the writer says after a call that can only run out of memory. */
static void sei_enc_check(sei_enc *e, se_status st) {
    if (st != SE_OK)
        luaL_error(e->L, "sendevent: out of memory");
}

static const char *sei_enc_where(sei_enc *e) {
    return e->path_len ? e->path : "request";
}

/* Appends ".key" or "[index]" to the path; returns the previous length to restore. */
static size_t sei_enc_push_path(sei_enc *e, const char *key, lua_Integer index) {
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

static void sei_enc_pop_path(sei_enc *e, size_t old) {
    e->path_len = old;
    e->path[old] = '\0';
}

static void sei_enc_string(sei_enc *e, const char *s, size_t n, int is_key) {
    se_status st = is_key ? sei_json_key(&e->w, s, n) : sei_json_string(&e->w, s, n);
    if (st == SE_E_INVALID)
        sei_lua_invalid(e->L, "%s: %s is not valid UTF-8 (byte %u at offset %lu)",
                       sei_enc_where(e), is_key ? "a key" : "string",
                       (unsigned)(unsigned char)s[e->w.bad_offset],
                       (unsigned long)e->w.bad_offset);
    sei_enc_check(e, st);
}

static void sei_enc_number(sei_enc *e, int idx) {
    lua_State *L = e->L;
    if (lua_isinteger(L, idx)) {
        sei_enc_check(e, sei_json_int(&e->w, (int64_t)lua_tointeger(L, idx)));
        return;
    }
    double d = lua_tonumber(L, idx);
    if (!isfinite(d))
        sei_lua_invalid(L, "%s: %s is not a JSON number", sei_enc_where(e),
                       isnan(d) ? "NaN" : "an infinity");
    sei_enc_check(e, sei_json_double(&e->w, d)); /* the shortest text that reads back */
}

static void sei_enc_value(sei_enc *e, int idx);

/* The forced kind of a table from its metatable: 'a' array, 'o' object, 0 none. */
static int sei_enc_forced_kind(lua_State *L, int idx) {
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

/* What keys a table has: how many, the integer ones' range, and of which kinds. Raises on a
 * key that is neither a string nor an integer. */
typedef struct sei_enc_keys {
    lua_Integer count, max, min;
    int has_str, has_int;
} sei_enc_keys;

static sei_enc_keys sei_enc_survey(sei_enc *e, int idx) {
    lua_State *L = e->L;
    sei_enc_keys k = {0, 0, LUA_MAXINTEGER, 0, 0};
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int kt = lua_type(L, -2);
        lua_pop(L, 1);
        k.count++;
        if (kt == LUA_TSTRING) {
            k.has_str = 1;
        } else if (kt == LUA_TNUMBER && lua_isinteger(L, -1)) {
            lua_Integer key = lua_tointeger(L, -1);
            k.has_int = 1;
            if (key > k.max)
                k.max = key;
            if (key < k.min)
                k.min = key;
        } else {
            const char *tn = luaL_typename(L, -1);
            char shown[64] = "";
            if (kt == LUA_TNUMBER)
                snprintf(shown, sizeof shown, " %.14g", lua_tonumber(L, -1));
            else if (kt == LUA_TBOOLEAN)
                snprintf(shown, sizeof shown, " %s", lua_toboolean(L, -1) ? "true" : "false");
            sei_lua_invalid(L, "%s: table keys must be strings (object) or 1..n (array), got %s%s",
                            sei_enc_where(e), tn, shown);
        }
    }
    return k;
}

/* 'a' or 'o': the kind forced, else what the keys say; raises when they cannot be one. */
static int sei_enc_kind(sei_enc *e, int kind, const sei_enc_keys *k) {
    lua_State *L = e->L;
    if (kind == 0) {
        if (k->has_str && k->has_int)
            sei_lua_invalid(L, "%s: a table mixes string keys and integer keys; use one kind",
                            sei_enc_where(e));
        kind = k->has_int ? 'a' : 'o';
    }
    if (kind == 'a') {
        if (k->has_str)
            sei_lua_invalid(L, "%s: an array (sendevent.array) has string keys", sei_enc_where(e));
        if (k->has_int && k->min < 1)
            sei_lua_invalid(L, "%s: array keys must be 1..n, got %lld", sei_enc_where(e),
                            (long long)k->min);
        if (k->max != k->count)
            sei_lua_invalid(L,
                            "%s: sparse array: %lld elements with keys up to %lld (fill the "
                            "holes with sendevent.null)",
                            sei_enc_where(e), (long long)k->count, (long long)k->max);
    }
    return kind;
}

static void sei_enc_array(sei_enc *e, int idx, lua_Integer count) {
    lua_State *L = e->L;
    sei_enc_check(e, sei_json_begin_array(&e->w));
    for (lua_Integer i = 1; i <= count; i++) {
        size_t old = sei_enc_push_path(e, NULL, i - 1);
        lua_rawgeti(L, idx, i);
        sei_enc_value(e, lua_gettop(L));
        lua_pop(L, 1);
        sei_enc_pop_path(e, old);
    }
    sei_enc_check(e, sei_json_end_array(&e->w));
}

static void sei_enc_object(sei_enc *e, int idx) {
    lua_State *L = e->L;
    sei_enc_check(e, sei_json_begin_object(&e->w));
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        char keybuf[32];
        const char *key;
        size_t klen, old;
        if (lua_type(L, -2) == LUA_TSTRING) {
            key = lua_tolstring(L, -2, &klen); /* a string key: no conversion happens */
        } else {
            klen = (size_t)snprintf(keybuf, sizeof keybuf, "%lld", (long long)lua_tointeger(L, -2));
            key = keybuf;
        }
        sei_enc_string(e, key, klen, 1); /* checked before it becomes part of the path */
        old = sei_enc_push_path(e, key, 0);
        sei_enc_value(e, lua_gettop(L));
        lua_pop(L, 1);
        sei_enc_pop_path(e, old);
    }
    sei_enc_check(e, sei_json_end_object(&e->w));
}

static void sei_enc_table(sei_enc *e, int idx) {
    lua_State *L = e->L;
    int kind = sei_enc_forced_kind(L, idx);
    if (e->depth >= SEI_LUA_MAX_DEPTH) /* said before the writer's own limit would */
        sei_lua_invalid(L, "%s: nested more than %d levels deep", sei_enc_where(e),
                        SEI_LUA_MAX_DEPTH);
    luaL_checkstack(L, 6, "sendevent: request nested too deeply");
    lua_pushvalue(L, idx);
    if (lua_rawget(L, e->seen) != LUA_TNIL)
        sei_lua_invalid(L, "%s: a table that contains itself (cycle) cannot become JSON",
                        sei_enc_where(e));
    lua_pop(L, 1);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, e->seen);
    e->depth++;
    sei_enc_keys keys = sei_enc_survey(e, idx);
    if (sei_enc_kind(e, kind, &keys) == 'a')
        sei_enc_array(e, idx, keys.count);
    else
        sei_enc_object(e, idx);
    e->depth--;
    lua_pushvalue(L, idx);
    lua_pushnil(L);
    lua_rawset(L, e->seen);
}

static void sei_enc_value(sei_enc *e, int idx) {
    lua_State *L = e->L;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        sei_enc_check(e, sei_json_null(&e->w));
        break;
    case LUA_TBOOLEAN:
        sei_enc_check(e, sei_json_bool(&e->w, lua_toboolean(L, idx)));
        break;
    case LUA_TNUMBER:
        sei_enc_number(e, idx);
        break;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        sei_enc_string(e, s, n, 0);
        break;
    }
    case LUA_TTABLE:
        sei_enc_table(e, idx);
        break;
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, idx) == SEI_LUA_NULL) {
            sei_enc_check(e, sei_json_null(&e->w));
            break;
        }
        /* fall through */
    default:
        sei_lua_invalid(L, "%s: a %s cannot become JSON", sei_enc_where(e), luaL_typename(L, idx));
    }
}

/* Encodes the value at idx; pushes the JSON text (a Lua string) and returns it. `where` names
 * the value in error messages (NULL: "request"). Errors are raised as "invalid" tables. */
static const char *sei_lua_encode(lua_State *L, int idx, const char *where, size_t *len) {
    sei_enc e;
    sei_lua_json *j;
    const char *out;
    idx = lua_absindex(L, idx);
    memset(&e, 0, sizeof e);
    e.L = L;
    if (where && *where) {
        snprintf(e.path, sizeof e.path, "%s", where);
        e.path_len = strlen(e.path);
    }
    j = sei_lua_json_new(L); /* frees the C buffer if an error unwinds */
    sei_dynbuf_init(&j->buf, 0);
    sei_json_writer_init(&e.w, &j->buf, SEI_LUA_MAX_DEPTH);
    lua_newtable(L);
    e.seen = lua_gettop(L);
    sei_enc_value(&e, idx);
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
static const char *sei_lua_request_arg(lua_State *L, int idx) {
    int t = lua_type(L, idx);
    if (t == LUA_TSTRING) {
        size_t len = 0;
        const char *s = lua_tolstring(L, idx, &len);
        if (strlen(s) != len) /* C would see the text cut there */
            sei_lua_invalid(L, "request: request JSON contains a NUL character (byte %lu)",
                           (unsigned long)strlen(s));
        return s;
    }
    if (t != LUA_TTABLE)
        sei_lua_invalid(L, "request: must be a table (or a JSON string), got %s",
                       luaL_typename(L, idx));
    return sei_lua_encode(L, idx, NULL, NULL);
}

/* A string argument that names something (operation, provider, option key or value); nil
 * gives NULL when nil_ok. A NUL inside is refused naming the argument, never cut off. */
static const char *sei_lua_name_arg(lua_State *L, int idx, const char *what, int nil_ok) {
    size_t len = 0;
    const char *s;
    if (lua_isnil(L, idx) && nil_ok)
        return NULL;
    if (lua_type(L, idx) != LUA_TSTRING)
        sei_lua_invalid(L, "%s: must be a string, got %s", what, luaL_typename(L, idx));
    s = lua_tolstring(L, idx, &len);
    if (strlen(s) != len)
        sei_lua_invalid(L, "%s: contains a NUL character (byte %lu)", what,
                       (unsigned long)strlen(s));
    return s;
}

/* ======================================================================================
 * JSON text -> Lua value (libcore's JSON reader; the Lua rules are here)
 * ====================================================================================== */

/* Sets the value on top into the container under it (the key, for an object, between). */
static void sei_dec_attach(lua_State *L, const char *kinds, lua_Integer *counts, int depth) {
    if (depth == 0)
        return; /* the top value */
    if (kinds[depth - 1] == 'a')
        lua_rawseti(L, -2, ++counts[depth - 1]);
    else
        lua_rawset(L, -3);
}

/* Pushes the value of one event (a container opens empty); 0 when it cannot be one. */
static int sei_dec_push(lua_State *L, sei_json_reader *r, sei_json_event ev) {
    switch (ev) {
    case SEI_JSON_BEGIN_OBJECT:
        lua_newtable(L);
        return 1;
    case SEI_JSON_BEGIN_ARRAY:
        lua_newtable(L);
        luaL_setmetatable(L, SEI_LUA_ARRAY_MT);
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
        lua_pushlightuserdata(L, SEI_LUA_NULL);
        return 1;
    default:
        return 0;
    }
}

/* Builds the value from the reader's events; 1 with it pushed, or 0. No value sits inside
 * more than SEI_LUA_MAX_DEPTH containers. */
static int sei_dec_walk(lua_State *L, sei_json_reader *r) {
    char kinds[SEI_LUA_MAX_DEPTH + 1];
    lua_Integer counts[SEI_LUA_MAX_DEPTH + 1];
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
            sei_dec_attach(L, kinds, counts, --depth);
            continue;
        default:
            break;
        }
        if (depth > SEI_LUA_MAX_DEPTH)
            return 0;
        luaL_checkstack(L, 4, "sendevent: response nested too deeply");
        if (!sei_dec_push(L, r, ev))
            return 0;
        if (ev == SEI_JSON_BEGIN_OBJECT || ev == SEI_JSON_BEGIN_ARRAY) {
            kinds[depth] = ev == SEI_JSON_BEGIN_ARRAY ? 'a' : 'o';
            counts[depth++] = 0;
        } else {
            sei_dec_attach(L, kinds, counts, depth);
        }
    }
}

/* Pushes the value of the JSON text (NUL-terminated at text[len]), or nil when it is not
 * strict JSON. */
static void sei_lua_decode(lua_State *L, const char *text, size_t len) {
    int top = lua_gettop(L);
    sei_lua_json *j = sei_lua_json_new(L); /* frees the reader's memory if an error unwinds */
    sei_json_reader_init(&j->reader, text, len, SEI_LUA_MAX_DEPTH + 1);
    int ok = sei_dec_walk(L, &j->reader);
    sei_json_reader_free(&j->reader);
    if (ok) {
        lua_replace(L, top + 1); /* the value where the userdata was */
        lua_settop(L, top + 1);
        return;
    }
    lua_settop(L, top);
    lua_pushnil(L);
}
%}
