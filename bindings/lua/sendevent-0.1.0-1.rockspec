-- LuaRocks spec of the Lua module. From the repository root:
--   luarocks --lua-version 5.4 make bindings/lua/sendevent-0.1.0-1.rockspec
-- (add --local or --tree DIR to install without root). Builds only the Lua module with CMake
-- (libcore linked statically into sendevent.so); needs cmake, swig, libcurl and libcjson
-- development files (Debian: scripts/install-deps.sh).
rockspec_format = "3.0"
package = "sendevent"
version = "0.1.0-1"
source = {
   url = "git+file://.",
}
description = {
   summary = "Send conversational events through Sinch, Z-API and Amazon Connect",
   detailed = [[
      Lua binding of libsendevent: one client type for the Sinch Conversation API, Z-API
      (WhatsApp) and the Amazon Connect Participant Service. Requests are Lua tables with the
      provider's own field names; validation, HTTP and retries happen in C.
   ]],
   license = "See the repository",
}
dependencies = {
   "lua >= 5.4, < 5.5",
}
build = {
   type = "command",
   build_command = [[
      cmake -S . -B build-luarocks -DCMAKE_BUILD_TYPE=Release -DSE_BUILD_TESTS=OFF \
            -DSE_BUILD_EMULATOR=OFF -DSE_BUILD_CLI=OFF -DSE_BUILD_LUA=ON \
            "-DLUA_INCLUDE_DIR=$(LUA_INCDIR)" &&
      cmake --build build-luarocks --target sendevent_lua -j2
   ]],
   install_command = "true",
   install = {
      lib = {
         sendevent = "build-luarocks/bindings/lua/sendevent.so",
      },
   },
}
