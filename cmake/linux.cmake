# Linux guests (docs/linux-guests.md): Debian's arm64 kernel and busybox,
# fetched from Debian's package registry at build time into build/linux/
# (never committed), an initramfs built from them without root, and the Linux
# VMs of config/linux-vms.cmake, all sharing that one kernel and initramfs.
set(SHRIKE_LINUX_DIR ${CMAKE_BINARY_DIR}/linux)
set(SHRIKE_LINUX_IMAGE ${SHRIKE_LINUX_DIR}/Image)
set(SHRIKE_LINUX_BUSYBOX ${SHRIKE_LINUX_DIR}/busybox)
set(SHRIKE_LINUX_INITRD ${SHRIKE_LINUX_DIR}/initramfs.cpio.gz)

# Runs only when the files are missing: delete build/linux/ to fetch again.
add_custom_command(
    OUTPUT ${SHRIKE_LINUX_IMAGE} ${SHRIKE_LINUX_BUSYBOX}
    COMMAND ${CMAKE_SOURCE_DIR}/guests/linux/fetch.sh ${SHRIKE_LINUX_DIR}
    COMMENT "Fetching Debian's arm64 kernel and busybox-static (guests/linux/fetch.sh)"
    USES_TERMINAL
    VERBATIM)
# shrike_linux_program(VAR NAME): guests/linux/NAME.c built freestanding and static
# as ${CMAKE_BINARY_DIR}/generated/NAME (its path in VAR), for the initramfs's /bin.
function(shrike_linux_program var name)
    set(out ${CMAKE_BINARY_DIR}/generated/${name})
    add_custom_command(
        OUTPUT ${out}
        COMMAND ${CMAKE_C_COMPILER} -std=c11 -O2 -Wall -Wextra -Werror -static -nostdlib
                -ffreestanding -fno-stack-protector -fno-pie -no-pie -mgeneral-regs-only
                -o ${out} ${CMAKE_SOURCE_DIR}/guests/linux/${name}.c
        DEPENDS ${CMAKE_SOURCE_DIR}/guests/linux/${name}.c
        COMMENT "Linux guest program ${name}"
        VERBATIM)
    set(${var} ${out} PARENT_SCOPE)
endfunction()
# /bin/pmutest: perf_event_open(2) from the guest (guests/linux/pmutest.c).
shrike_linux_program(SHRIKE_LINUX_PMUTEST pmutest)
# /bin/mark: HINT #0x7f after the userland marker, for the icount plugin (guests/linux/mark.c).
shrike_linux_program(SHRIKE_LINUX_MARK mark)
add_custom_command(
    OUTPUT ${SHRIKE_LINUX_INITRD}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/guests/linux/mkinitramfs.py
            ${SHRIKE_LINUX_BUSYBOX} ${CMAKE_SOURCE_DIR}/guests/linux/init ${SHRIKE_LINUX_INITRD}
            ${SHRIKE_LINUX_PMUTEST} ${SHRIKE_LINUX_MARK}
    DEPENDS ${SHRIKE_LINUX_BUSYBOX} ${CMAKE_SOURCE_DIR}/guests/linux/init
            ${CMAKE_SOURCE_DIR}/guests/linux/mkinitramfs.py ${SHRIKE_LINUX_PMUTEST}
            ${SHRIKE_LINUX_MARK}
    COMMENT "Linux guest initramfs (busybox + guests/linux/init)"
    VERBATIM)
add_custom_target(linux-guest DEPENDS ${SHRIKE_LINUX_IMAGE} ${SHRIKE_LINUX_INITRD})

# The icount plugin (scripts/icount/icount.c), a host shared library that
# QEMU loads with -plugin: scripts/bench.py counts each Linux guest's executed
# instructions with it (docs/performance.md, "Linux boot").
set(SHRIKE_ICOUNT_PLUGIN ${CMAKE_BINARY_DIR}/icount-plugin.so)
add_custom_command(
    OUTPUT ${SHRIKE_ICOUNT_PLUGIN}
    COMMAND ${SHRIKE_HOST_CC} -std=c11 -O2 -Wall -Wextra -Werror -shared -fPIC
            -fvisibility=hidden -o ${SHRIKE_ICOUNT_PLUGIN} ${CMAKE_SOURCE_DIR}/scripts/icount/icount.c
            -ldl
    DEPENDS ${CMAKE_SOURCE_DIR}/scripts/icount/icount.c
            ${CMAKE_SOURCE_DIR}/scripts/icount/qemu-plugin-7.2.h
    COMMENT "Building the icount plugin for QEMU (scripts/icount/icount.c)"
    VERBATIM)
add_custom_target(icount-plugin ALL DEPENDS ${SHRIKE_ICOUNT_PLUGIN})

# shrike_linux_vm(SYM NAME VCPUS RAM_MB BOOTARGS [PMU]): a VM booting the shared
# kernel and initramfs (PMU: with the virtual PMU); config/linux-vms.cmake lists them.
macro(shrike_linux_vm sym name vcpus ram bootargs)
    shrike_image_vm(${sym} ${name} ${SHRIKE_LINUX_IMAGE} image 0 ${vcpus} ${ram} "${bootargs}"
                    ${SHRIKE_LINUX_INITRD} SHARED ${ARGN}
                    DEPENDS ${SHRIKE_LINUX_IMAGE} ${SHRIKE_LINUX_INITRD})
    list(APPEND SHRIKE_LINUX_VM_SYMS ${sym})
endmacro()

include(${CMAKE_SOURCE_DIR}/config/linux-vms.cmake)
