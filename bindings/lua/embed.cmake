# Writes a Lua source file as a C header holding it as a byte array, so that the module carries
# its Lua half without a copy kept by hand:
#   cmake -DINPUT=sendevent.lua -DOUTPUT=sendevent_lua_layer.h -DNAME=sei_lua_layer -P embed.cmake
# The array is NUL-terminated; its size minus one is the text's length.
file(READ "${INPUT}" hex HEX)
# "0x41, 0x42, ..." sixteen bytes a line
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REPEAT "0x..," 16 sixteen) # CMake's regular expressions have no {16}
string(REGEX REPLACE "(${sixteen})" "\\1\n    " bytes "${bytes}")
get_filename_component(src_name "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp"
     "/* generated from ${src_name} by embed.cmake: do not edit */\n"
     "static const char ${NAME}[] = {\n    ${bytes}0x00};\n")
# rewritten only when it changed, so that an unchanged file does not rebuild the wrapper
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
