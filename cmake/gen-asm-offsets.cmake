# Turns the "->NAME value" markers of the compiled kernel/asm-offsets.c into a
# header of #defines. Usage: cmake -DIN=asm-offsets.s -DOUT=asm-offsets.h -P gen-asm-offsets.cmake
file(STRINGS ${IN} lines REGEX "->")
set(body "/* Generated from kernel/asm-offsets.c by cmake/gen-asm-offsets.cmake: do not edit. */\n")
string(APPEND body "#ifndef SHRIKE_ASM_OFFSETS_H\n#define SHRIKE_ASM_OFFSETS_H\n")
foreach(line IN LISTS lines)
    if(line MATCHES "->([A-Za-z0-9_]+) #?(-?[0-9]+)")
        string(APPEND body "#define ${CMAKE_MATCH_1} ${CMAKE_MATCH_2}\n")
    endif()
endforeach()
string(APPEND body "#endif\n")
# Rewrite only on change, so that dependents are not rebuilt needlessly.
if(EXISTS ${OUT})
    file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${body}")
    file(WRITE ${OUT} "${body}")
endif()
