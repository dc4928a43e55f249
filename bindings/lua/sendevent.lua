-- bindings/lua/sendevent.lua - the Lua half of the module `sendevent`.
--
-- Embedded into sendevent.so at build time (bindings/lua/embed.cmake) and run once by
-- luaopen_sendevent with: M (the module table), C (the SWIG wrappers and the C helpers of
-- sendevent_lua.i, kept private), and the metatables of errors, arrays and objects.
-- Validation and HTTP happen in C; this file only shapes calls and results the Lua way.

local M, C, ERROR_MT, ARRAY_MT, OBJECT_MT = ...
local type, pairs, setmetatable, getmetatable, error, pcall, tostring, format =
  type, pairs, setmetatable, getmetatable, error, pcall, tostring, string.format
local mtype = math.type
local send, send_within, validate, prepare =
  C.se_send, C.se_send_within, C.se_validate, C.se_prepare
local encode = C.encode

-- The error kinds: every failing status of the C se_status enum (its SWIG constants SE_E_*),
-- by the name se_status_name gives it, so a status added in C is here with no edit.
-- sendevent.statuses: { invalid = { code = -1, description = '...' }, ... }
local STATUSES = {}
for key, code in pairs(C) do
  if type(key) == 'string' and key:match('^SE_E_') then
    STATUSES[C.se_status_name(code)] = { code = code, description = C.se_strerror(code) }
  end
end
M.statuses = STATUSES
local function new_error(status, msg) return C.error(STATUSES[status].code, msg) end

ERROR_MT.__name = 'sendevent.Error'
ERROR_MT.__tostring = C.error_text -- "sendevent: " and the summary every face writes
ARRAY_MT.__jsontype = 'array'
OBJECT_MT.__jsontype = 'object'

-- sendevent.null is JSON null; sendevent.array(t) / object(t) force a table's JSON kind
M.null = C.null
function M.array(t) return setmetatable(t or {}, ARRAY_MT) end
function M.object(t) return setmetatable(t or {}, OBJECT_MT) end
function M.is_error(v) return type(v) == 'table' and getmetatable(v) == ERROR_MT end
M.encode, M.decode = C.encode, C.decode
M.Error = ERROR_MT
M.version = C.se_version()
M._VERSION = M.version
M.status_name = C.se_status_name
-- the providers, their operations and option keys, as the library lists them
-- sendevent.OPERATIONS: { sinch = { 'send_event', ... }, ... };  sendevent.OPTIONS alike
local PROVIDERS = C.listing()
M.OPERATIONS, M.OPTIONS = {}, {}
local provider_names = {}
for i, p in ipairs(PROVIDERS) do
  M.OPERATIONS[p.name], M.OPTIONS[p.name] = p.operations, p.options
  provider_names[i] = p.name
end
provider_names = table.concat(provider_names, ', ')

local function invalid(msg) error(new_error('invalid', msg), 3) end

local function option_text(key, v)
  local t = type(v)
  if t == 'string' then return v end
  if t == 'boolean' then return v and 'true' or 'false' end
  if t == 'number' then
    if mtype(v) == 'integer' then return format('%d', v) end
    return C.number_text(v) -- as every face writes it
  end
  invalid(format('option %s: expected a string, boolean or number, got %s', key, t))
end

local Client = {}
Client.__index = Client
Client.__name = 'sendevent.Client'

-- sendevent.client(provider, options) -> client
function M.client(provider, options)
  if type(provider) ~= 'string' then
    invalid('provider: must be one of ' .. provider_names .. ', got a ' .. type(provider)) end
  if options ~= nil and type(options) ~= 'table' then
    invalid('options: must be a table, got a ' .. type(options)) end
  local c = C.se_client_new(provider)
  for k, v in pairs(options or {}) do
    if type(k) ~= 'string' then invalid('options: keys must be strings') end
    C.se_client_set(c, k, option_text(k, v))
  end
  local region = provider ~= 'zapi' and C.se_client_get(c, 'region') or nil
  return setmetatable({ _c = c, provider = provider, region = region }, Client)
end

local function handle(self)
  if getmetatable(self) ~= Client then -- client.send_event{...}: the request came as self
    error(new_error('misuse', "call the client's methods with a colon: " ..
      'client:send_event{...}, not client.send_event{...}'), 3)
  end
  local c = self._c
  if c == nil then error(new_error('misuse', 'the sendevent client is closed'), 3) end
  return c
end

local function check_op(op)
  if type(op) ~= 'string' then invalid('operation: must be a string, got a ' .. type(op)) end
end

-- per-call options: { deadline = seconds } (and concurrency for send_many)
local function call_options(opts, allowed)
  if opts == nil then return {} end
  if type(opts) ~= 'table' then invalid('options: must be a table, got a ' .. type(opts)) end
  for k in pairs(opts) do
    if not allowed[k] then invalid('options: unknown key ' .. tostring(k)) end
  end
  local d = opts.deadline
  if d ~= nil and (type(d) ~= 'number' or not (d > 0)) then
    invalid('deadline: must be a number of seconds > 0, got ' .. tostring(d)) end
  return opts
end
-- Logging: the library's lines for a call (one per attempt, retries, a request refused
-- before sending, warnings) are gathered in C while it runs and handed to the client's logger
-- here, after it returned, on the caller's thread.
-- client:set_logger(function(level, message) end) -- level 'debug', 'info' or 'warning'
-- client:set_logger(nil) stops it.
function Client:set_logger(fn)
  local c = handle(self)
  if fn ~= nil and type(fn) ~= 'function' then
    invalid('logger: must be a function or nil, got a ' .. type(fn)) end
  if fn == nil then
    if self._log then C.log_detach(self._log) end
    self._log, self._logger = nil, nil
  else
    self._log = self._log or C.log_attach(c)
    self._logger = fn
  end
end

-- f(...) with the lines it logged handed to the client's logger, raised or not
local function logged(self, f, ...)
  if not self._log then return f(...) end
  local ok, result = pcall(f, ...)
  local lines, fn = C.log_take(self._log), self._logger
  for i = 1, #lines, 2 do fn(lines[i], lines[i + 1]) end
  if not ok then error(result, 0) end
  return result
end

local SEND_OPTIONS = { deadline = true }
local function send_one(self, op, request, opts)
  local c = handle(self)
  local d = call_options(opts, SEND_OPTIONS).deadline
  if d then return logged(self, send_within, c, op, request, d) end
  return logged(self, send, c, op, request)
end

-- client:send(operation, request [, {deadline = s}]) -> response table; raises an error
-- table on failure
function Client:send(op, request, opts)
  handle(self)
  check_op(op)
  return send_one(self, op, request, opts)
end
-- client:<operation>(request [, {deadline = s}]) for every operation of every provider
for _, p in ipairs(PROVIDERS) do
  for _, op in ipairs(p.operations) do
    Client[op] = Client[op] or function(self, request, opts) return send_one(self, op, request, opts) end
  end
end

-- client:validate(operation, request) -> true; raises an 'invalid' error table
function Client:validate(op, request)
  local c = handle(self)
  check_op(op)
  validate(c, op, request)
  return true
end

-- client:prepare(operation, request) -> the HTTP request as text, secrets redacted
function Client:prepare(op, request)
  local c = handle(self)
  check_op(op)
  return prepare(c, op, request)
end

-- client:option(key) -> the value in use (secrets read '[REDACTED]')
function Client:option(key)
  return C.se_client_get(handle(self), key)
end

-- client:send_many(operation, list, concurrency | {concurrency = n, deadline = s}) -> list
-- in input order of response tables (status 'ok') and error tables; nothing is raised for a
-- failed request
local MANY_OPTIONS = { deadline = true, concurrency = true }
function Client:send_many(op, list, concurrency)
  local c = handle(self)
  check_op(op)
  if type(list) ~= 'table' then invalid('requests: must be a list, got a ' .. type(list)) end
  local deadline
  if type(concurrency) == 'table' then
    local opts = call_options(concurrency, MANY_OPTIONS)
    concurrency, deadline = opts.concurrency, opts.deadline
  end
  concurrency = concurrency or 64
  if mtype(concurrency) ~= 'integer' or concurrency < 1 or concurrency > 1024 then
    invalid('concurrency: must be an integer in 1..1024, got ' .. tostring(concurrency)) end
  local n = #list
  local bodies = {}
  for i = 1, n do
    local r = list[i]
    if type(r) == 'string' then bodies[i] = r
    elseif type(r) == 'table' then bodies[i] = encode(r, format('requests[%d]', i))
    else invalid(format('requests[%d]: must be a table or a JSON string, got a %s', i, type(r))) end
  end
  if n == 0 then return {} end
  local batch = C.se_batch_new(c)
  local ok, results = pcall(logged, self, function()
    if deadline then
      for i = 1, n do C.se_batch_add_within(batch, op, bodies[i], deadline) end
    else
      for i = 1, n do C.se_batch_add(batch, op, bodies[i]) end
    end
    C.se_batch_run(batch, concurrency)
    local out = {}
    for i = 1, n do out[i] = C.se_batch_take(batch, i - 1) end
    return out
  end)
  C.se_batch_free(batch)
  if not ok then error(results, 2) end
  return results
end

-- client:close(): frees the client now (it is also freed when collected)
function Client:close()
  local c = self._c
  self._c = nil
  if self._log then C.log_detach(self._log) end -- before the client it logs from goes
  self._log, self._logger = nil, nil
  if c ~= nil then C.se_client_free(c) end
end
Client.__close = Client.close

function Client:__tostring()
  local s = 'sendevent.client(' .. self.provider
  if self.region then s = s .. ', region=' .. self.region end
  if self._c == nil then s = s .. ', closed' end
  return s .. ')'
end

-- module-level forms of the same calls
function M.validate(client, op, request) return client:validate(op, request) end
function M.prepare(client, op, request) return client:prepare(op, request) end
function M.send(client, op, request) return client:send(op, request) end
M.Client = Client

-- sendevent.webhooks: verifying and reading provider callbacks (docs/webhooks.md)
local webhooks = {}
-- why a callback is refused (err.reason of a 'signature' error)
webhooks.REASONS = { 'missing_header', 'unsupported_algorithm', 'bad_timestamp', 'bad_signature',
                     'stale_timestamp', 'future_timestamp', 'replayed_nonce', 'nonce_check_failed' }

-- webhooks.verify_sinch(body, headers, secret [, opts]) -> true, or raises an error table with
-- status 'signature' and reason. body: the raw body string as received; headers: { name = value }
-- or { {name, value}, ... } (names in any case); opts: tolerance (seconds, default 300), now
-- (Unix seconds, for tests), nonce_seen (function(nonce, timestamp) -> true when seen before,
-- recording it otherwise; default: the process-wide built-in cache).
function webhooks.verify_sinch(body, headers, secret, opts)
  if type(body) ~= 'string' then invalid('body: the raw body as a string, got a ' .. type(body)) end
  if type(headers) ~= 'table' then invalid('headers: a table, got a ' .. type(headers)) end
  if type(secret) ~= 'string' then invalid('secret: a string, got a ' .. type(secret)) end
  if opts ~= nil and type(opts) ~= 'table' then invalid('opts: a table, got a ' .. type(opts)) end
  opts = opts or {}
  local reason, message = C.webhook_verify('sinch', body, headers, secret, opts.tolerance,
                                           opts.now, opts.nonce_seen)
  if reason then
    local err = new_error('signature', message)
    err.reason = reason
    error(err, 2)
  end
  return true
end

-- webhooks.parse(provider, body) -> { provider, kind, fields = { id, status, dedup_key, ... },
-- data = <the callback's JSON as tables> }; raises an 'invalid' error when body is not a JSON
-- object. Unknown kinds and fields are kept.
function webhooks.parse(provider, body)
  if type(provider) ~= 'string' then invalid('provider: a string, got a ' .. type(provider)) end
  if type(body) ~= 'string' then invalid('body: a string, got a ' .. type(body)) end
  return C.callback_parse(provider, body)
end
function webhooks.parse_sinch(body) return webhooks.parse('sinch', body) end
function webhooks.parse_zapi(body) return webhooks.parse('zapi', body) end
function webhooks.parse_connect(body) return webhooks.parse('connect', body) end
M.webhooks = webhooks
