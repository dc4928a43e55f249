# Writes the stubs of the lazy libcurl loader (libcore/src/curl_lazy/): one
# forwarding function per curl_* function the library calls, found by `nm -u`
# on the library itself, with its prototype read from the curl headers. The
# list is never written by hand, so a new curl call in libcore needs no edit.
#
#   cmake -DNM=nm -DLIBRARY=libsendevent.a -DCURL_INCLUDE=/usr/include -DOUT=curl_stubs.c
#         -P curl_stubs.cmake
#
# Variadic functions (the setopt/getinfo families) cannot be forwarded
# generically: each is mapped below to a rule of curl_lazy.h that reads its one
# argument with the type libcurl itself reads. A variadic function with no rule
# stops the build with a message saying where to add one.

foreach(var NM LIBRARY CURL_INCLUDE OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "curl_stubs.cmake: -D${var}=... is required")
  endif()
endforeach()

set(SEI_VARIADIC_curl_easy_setopt SEI_CURL_VA_OPTION)
set(SEI_VARIADIC_curl_multi_setopt SEI_CURL_VA_OPTION)
set(SEI_VARIADIC_curl_easy_getinfo SEI_CURL_VA_POINTER)
set(SEI_VARIADIC_curl_share_setopt SEI_CURL_VA_SHARE)

# What a stub returns when libcurl could not be loaded, by return type.
set(SEI_FAIL_CURLcode CURLE_FAILED_INIT)
set(SEI_FAIL_CURLMcode CURLM_INTERNAL_ERROR)
set(SEI_FAIL_CURLSHcode CURLSHE_NOT_BUILT_IN)
set(SEI_FAIL_CURLUcode CURLUE_OUT_OF_MEMORY)

# --- the curl_* functions the library calls ----------------------------------
execute_process(COMMAND ${NM} -u ${LIBRARY} OUTPUT_VARIABLE undefined RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "curl_stubs.cmake: ${NM} -u ${LIBRARY} failed")
endif()
string(REGEX MATCHALL "U curl_[A-Za-z0-9_]+" names "${undefined}")
string(REPLACE "U " "" names "${names}")
list(REMOVE_DUPLICATES names)
list(SORT names)
if(NOT names)
  message(FATAL_ERROR "curl_stubs.cmake: ${LIBRARY} calls no curl_* function")
endif()

# --- their prototypes, from the headers on one line ----------------------------
file(GLOB headers ${CURL_INCLUDE}/curl/*.h)
set(text "")
foreach(h ${headers})
  file(READ ${h} content)
  string(APPEND text " ${content}")
endforeach()
string(REGEX REPLACE "[\r\n\t ]+" " " text "${text}")

# One parameter declaration without its name ("CURL *curl" -> "CURL *",
# "struct curl_waitfd fds[]" -> "struct curl_waitfd *", "CURLcode" unchanged).
function(sei_param_type decl out)
  string(STRIP "${decl}" decl)
  if(decl MATCHES "^(.*[ *])[A-Za-z_][A-Za-z0-9_]* *\\[[A-Za-z0-9_ ]*\\]$")
    string(STRIP "${CMAKE_MATCH_1}" base)
    set(${out} "${base} *" PARENT_SCOPE)
    return()
  endif()
  set(type "${decl}")
  if(decl MATCHES "^(.*[ *])([A-Za-z_][A-Za-z0-9_]*)$")
    set(head "${CMAKE_MATCH_1}")
    set(last "${CMAKE_MATCH_2}")
    string(STRIP "${head}" head_word)
    set(keywords int long short char signed unsigned double float void)
    set(qualifiers struct enum union const unsigned signed volatile)
    list(FIND keywords "${last}" is_keyword)
    list(FIND qualifiers "${head_word}" is_qualifier)
    if(is_keyword EQUAL -1 AND is_qualifier EQUAL -1)
      string(STRIP "${head}" type)
    endif()
  endif()
  set(${out} "${type}" PARENT_SCOPE)
endfunction()

# "CURL *" and "a0" -> "CURL *a0"; "long" and "a0" -> "long a0"
function(sei_declare type name out)
  if(type MATCHES "\\*$")
    set(${out} "${type}${name}" PARENT_SCOPE)
  else()
    set(${out} "${type} ${name}" PARENT_SCOPE)
  endif()
endfunction()

set(pointers "")
set(resolve "")
set(stubs "")
foreach(name ${names})
  if(NOT text MATCHES "CURL_EXTERN ([^;(]*[ *])${name} *\\(([^;]*)\\) *;")
    message(FATAL_ERROR "curl_stubs.cmake: no prototype of ${name} in ${CURL_INCLUDE}/curl")
  endif()
  string(STRIP "${CMAKE_MATCH_1}" ret)
  set(args "${CMAKE_MATCH_2}")
  if(args MATCHES "[()]")
    message(FATAL_ERROR "curl_stubs.cmake: ${name} takes a function pointer; write its stub by hand")
  endif()
  string(REPLACE "," ";" decls "${args}")
  set(params "")
  set(call "")
  set(last_param "")
  set(variadic OFF)
  set(i 0)
  foreach(decl ${decls})
    string(STRIP "${decl}" decl)
    if(decl STREQUAL "...")
      set(variadic ON)
    elseif(NOT decl STREQUAL "void")
      sei_param_type("${decl}" type)
      sei_declare("${type}" "a${i}" param)
      list(APPEND params "${param}")
      list(APPEND call "a${i}")
      set(last_param "a${i}")
      math(EXPR i "${i} + 1")
    endif()
  endforeach()
  if(params)
    string(JOIN ", " params_text ${params})
  else()
    set(params_text "void")
  endif()
  string(JOIN ", " call_text ${call})
  sei_declare("${ret}" "${name}" head)

  # what to return when libcurl is not there
  if(ret STREQUAL "void")
    set(fail "return")
  elseif(ret MATCHES "^const char *\\*$")
    set(fail "return sei_curl_load_error()")
  elseif(ret MATCHES "\\*$")
    set(fail "return NULL")
  elseif(DEFINED SEI_FAIL_${ret})
    set(fail "return ${SEI_FAIL_${ret}}")
  else()
    message(FATAL_ERROR "curl_stubs.cmake: no failure value for ${ret} (${name}): add one")
  endif()

  string(APPEND pointers "static __typeof__(${name}) *real_${name};\n")
  string(APPEND resolve "    if (!(*(void **)&real_${name} = dlsym(lib, \"${name}\")))\n"
                        "        return \"${name}\";\n")
  if(variadic)
    if(NOT DEFINED SEI_VARIADIC_${name})
      message(FATAL_ERROR "curl_stubs.cmake: ${name} is variadic: map it to a rule of "
                          "libcore/src/curl_lazy/curl_lazy.h at the top of this script")
    endif()
    list(GET call 0 handle)
    string(APPEND stubs "\n${head}(${params_text}, ...) {\n"
                        "    if (!sei_curl_ready())\n        ${fail};\n"
                        "    va_list ap;\n    va_start(ap, ${last_param});\n"
                        "    ${ret} rc = ${SEI_VARIADIC_${name}}(real_${name}, ${handle}, ${last_param}, ap);\n"
                        "    va_end(ap);\n    return rc;\n}\n")
  elseif(ret STREQUAL "void")
    string(APPEND stubs "\nvoid ${name}(${params_text}) {\n"
                        "    if (sei_curl_ready())\n        real_${name}(${call_text});\n}\n")
  else()
    string(APPEND stubs "\n${head}(${params_text}) {\n"
                        "    if (!sei_curl_ready())\n        ${fail};\n"
                        "    return real_${name}(${call_text});\n}\n")
  endif()
endforeach()

list(LENGTH names count)
set(content "/* Generated by cmake/curl_stubs.cmake: the ${count} curl_* functions libcore calls.
 * Do not edit; rebuild. */
#define CURL_DISABLE_TYPECHECK /* the setopt functions are defined here, not macros */
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>

#include \"curl_lazy/curl_lazy.h\"

${pointers}
const char *sei_curl_resolve(void *lib) {
${resolve}    return NULL;
}
${stubs}")

file(WRITE ${OUT} "${content}")
