# VM configurations -> registry, DTBs and linked-in blobs.
#
# Every config/vms/SYM.c defines vm_config_SYM; image VMs (below) and the Linux
# VMs (config/linux-vms.cmake) get theirs generated. From those this file
#   1. builds the host tool vmgen from scripts/vmgen.c + every configuration,
#   2. runs vmgen + dtc for each VM's DTBs (generated/vms/SYM.dtb, and SYM.v2.dtb
#      with a GICv2 for a GICv2 host),
#   3. per VM set, writes DIR/vm_registry.c (the table shrike looks VMs up in)
#      and runs vmgen for DIR/vm_blobs.S, which .incbin's images and DTBs:
#      shrike.elf links the set of SHRIKE_VM_SYMS, shrike-linux.elf adds the
#      Linux VMs (shrike_vm_set()).
file(GLOB SHRIKE_VM_CONFIGS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/config/vms/*.c)
set(SHRIKE_VM_SYMS)
foreach(f IN LISTS SHRIKE_VM_CONFIGS)
    get_filename_component(sym ${f} NAME_WE)
    list(APPEND SHRIKE_VM_SYMS ${sym})
    set(SHRIKE_VM_CONFIG_${sym} ${f})
endforeach()

# --- VMs from a kernel image, without writing C (docs/vm-config.md) ------------
# shrike_image_vm(SYM NAME IMAGE FORMAT LOAD_ADDR VCPUS RAM_MB BOOTARGS INITRD [SHARED] [PMU]
#                 [DEPENDS targets])
# runs scripts/imgprep.c at build time: it reads the image (ELF, arm64 Image or
# raw binary), writes the flat image and the VM's configuration, which then
# goes through the same path as config/vms/*.c once SYM is in a VM set.
# Pass every value quoted ("${VAR}"): unquoted, an empty one (BOOTARGS and
# INITRD may be "") vanishes and shifts the rest, and one with ';' splits.
# BOOTARGS reaches the VM's /chosen/bootargs byte for byte, as QEMU's -append.
set(IMGPREP ${CMAKE_BINARY_DIR}/generated/imgprep)
add_custom_command(
    OUTPUT ${IMGPREP}
    COMMAND ${SHRIKE_HOST_CC} -std=c11 -O2 -Wall -Wextra -Werror -I${CMAKE_SOURCE_DIR}
            -o ${IMGPREP} ${CMAKE_SOURCE_DIR}/scripts/imgprep.c
    DEPENDS ${CMAKE_SOURCE_DIR}/scripts/imgprep.c ${CMAKE_SOURCE_DIR}/vcpu/abi.h
    COMMENT "Building imgprep (kernel image -> VM configuration)"
    VERBATIM)
# SHARED: an Image or raw file is linked in as it is (not copied), so VMs that
# boot the same file share one copy in shrike (vmgen aliases the later ones).
function(shrike_image_vm sym name image format load vcpus ram bootargs initrd)
    cmake_parse_arguments(PARSE_ARGV 9 arg "SHARED;PMU" "" "DEPENDS")
    set(out ${CMAKE_BINARY_DIR}/generated/image-vms)
    set(deps ${IMGPREP} ${arg_DEPENDS})
    set(bin ${out}/${sym}.bin)
    set(bin_arg ${bin})
    if(arg_SHARED)
        set(bin ${image})
        set(bin_arg "-")
    endif()
    if(EXISTS ${image})
        list(APPEND deps ${image})
    endif()
    if(initrd AND EXISTS ${initrd})
        list(APPEND deps ${initrd})
    endif()
    set(pmu_arg)
    if(arg_PMU)
        set(pmu_arg pmu)
    endif()
    set(outputs ${out}/${sym}.c)
    if(NOT arg_SHARED)
        list(APPEND outputs ${bin})
    endif()
    add_custom_command(
        OUTPUT ${outputs}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
        COMMAND ${IMGPREP} ${sym} "${name}" "${format}" "${image}" "${load}" "${vcpus}" "${ram}"
                "${bootargs}" "${initrd}" ${out}/${sym}.c ${bin_arg} ${pmu_arg}
        DEPENDS ${deps}
        COMMENT "VM ${name}: configuration from ${image}"
        VERBATIM)
    set(SHRIKE_VM_CONFIG_${sym} ${out}/${sym}.c PARENT_SCOPE)
    set(SHRIKE_IMAGE_VM_BINS_${sym} ${bin} ${initrd} PARENT_SCOPE)
endfunction()

set(SHRIKE_USER_VM_IMAGE "" CACHE FILEPATH
    "Kernel image to boot as an extra VM named SHRIKE_USER_VM_NAME (empty: none)")
set(SHRIKE_USER_VM_NAME "user" CACHE STRING "Name of that VM (its console prefix; vms=NAME)")
set(SHRIKE_USER_VM_FORMAT "auto" CACHE STRING "auto, elf, image (arm64 Linux Image) or raw")
set(SHRIKE_USER_VM_LOAD_ADDR "0x40080000" CACHE STRING "raw images: IPA to load and enter at")
set(SHRIKE_USER_VM_VCPUS "1" CACHE STRING "vCPUs of that VM")
set(SHRIKE_USER_VM_RAM_MB "64" CACHE STRING "RAM of that VM in MiB (a multiple of 2)")
set(SHRIKE_USER_VM_BOOTARGS "console=ttyAMA0" CACHE STRING
    "/chosen/bootargs of that VM, passed unchanged (may be empty, may hold ';')")
set(SHRIKE_USER_VM_INITRD "" CACHE FILEPATH "Initial ramdisk of that VM (empty: none)")
if(SHRIKE_USER_VM_IMAGE)
    shrike_image_vm(user_vm "${SHRIKE_USER_VM_NAME}" "${SHRIKE_USER_VM_IMAGE}"
                    "${SHRIKE_USER_VM_FORMAT}" "${SHRIKE_USER_VM_LOAD_ADDR}" "${SHRIKE_USER_VM_VCPUS}"
                    "${SHRIKE_USER_VM_RAM_MB}" "${SHRIKE_USER_VM_BOOTARGS}" "${SHRIKE_USER_VM_INITRD}")
    list(APPEND SHRIKE_VM_SYMS user_vm)
endif()
# The same path, exercised by the test suite with our own guests.
shrike_image_vm(img_elf img-elf ${CMAKE_BINARY_DIR}/guests/hello.elf auto 0 1 16
                "console=ttyAMA0" "" DEPENDS guest-hello)
shrike_image_vm(img_raw img-raw ${CMAKE_BINARY_DIR}/guests/hello.bin raw 0x40080000 1 16
                "console=ttyAMA0 img-raw" ${CMAKE_BINARY_DIR}/guests/heartbeat.bin
                DEPENDS guest-hello guest-heartbeat)
list(APPEND SHRIKE_VM_SYMS img_elf img_raw)

# The Linux VMs (config/linux-vms.cmake): SHRIKE_LINUX_VM_SYMS.
set(SHRIKE_LINUX_VM_SYMS)
if(SHRIKE_LINUX)
    include(${CMAKE_SOURCE_DIR}/cmake/linux.cmake)
endif()
include(${CMAKE_SOURCE_DIR}/scripts/stress/stress.cmake) # SHRIKE_STRESS_VM_SYMS (docs/stress.md)
set(SHRIKE_ALL_VM_SYMS ${SHRIKE_VM_SYMS} ${SHRIKE_LINUX_VM_SYMS} ${SHRIKE_STRESS_VM_SYMS})
set(SHRIKE_ALL_VM_CONFIGS)
foreach(sym IN LISTS SHRIKE_ALL_VM_SYMS)
    list(APPEND SHRIKE_ALL_VM_CONFIGS ${SHRIKE_VM_CONFIG_${sym}})
endforeach()

# DIR/vm_registry.c: the VMs SYMS..., in that order, by configuration object.
function(shrike_vm_registry file)
    set(reg "/* Generated by cmake/vms.cmake: do not edit. */\n")
    string(APPEND reg "#include \"config/vm_config.h\"\n\n")
    foreach(sym IN LISTS ARGN)
        string(APPEND reg "extern const struct vm_config vm_config_${sym};\n")
    endforeach()
    string(APPEND reg "\nextern const struct vm_config *const vm_registry[];\n")
    string(APPEND reg "extern const char *const vm_registry_syms[];\n\n")
    string(APPEND reg "const struct vm_config *const vm_registry[] = {\n")
    foreach(sym IN LISTS ARGN)
        string(APPEND reg "    &vm_config_${sym},\n")
    endforeach()
    string(APPEND reg "    0,\n};\n\nconst char *const vm_registry_syms[] = {\n")
    foreach(sym IN LISTS ARGN)
        string(APPEND reg "    \"${sym}\",\n")
    endforeach()
    string(APPEND reg "    0,\n};\n")
    file(CONFIGURE OUTPUT ${file} CONTENT "${reg}")
endfunction()

# vmgen knows every VM; its registry is the union of all sets.
shrike_vm_registry(${CMAKE_BINARY_DIR}/generated/vmgen_registry.c ${SHRIKE_ALL_VM_SYMS})
set(VMGEN ${CMAKE_BINARY_DIR}/generated/vmgen)
add_custom_command(
    OUTPUT ${VMGEN}
    COMMAND ${SHRIKE_HOST_CC} -std=c11 -Wall -Wextra -Werror -DSHRIKE_HOST_TOOL
            -I${CMAKE_SOURCE_DIR} -o ${VMGEN} ${CMAKE_SOURCE_DIR}/scripts/vmgen.c
            ${CMAKE_BINARY_DIR}/generated/vmgen_registry.c ${SHRIKE_ALL_VM_CONFIGS}
    DEPENDS ${CMAKE_SOURCE_DIR}/scripts/vmgen.c ${SHRIKE_ALL_VM_CONFIGS}
            ${CMAKE_BINARY_DIR}/generated/vmgen_registry.c ${CMAKE_SOURCE_DIR}/config/vm_config.h
            ${CMAKE_SOURCE_DIR}/vcpu/abi.h
    COMMENT "Building vmgen (VM configurations -> DTS)"
    VERBATIM)

foreach(sym IN LISTS SHRIKE_ALL_VM_SYMS)
    set(dts ${CMAKE_BINARY_DIR}/generated/vms/${sym}.dts)
    set(dtb ${CMAKE_BINARY_DIR}/generated/vms/${sym}.dtb)
    set(dts_v2 ${CMAKE_BINARY_DIR}/generated/vms/${sym}.v2.dts)
    set(dtb_v2 ${CMAKE_BINARY_DIR}/generated/vms/${sym}.v2.dtb)
    add_custom_command(
        OUTPUT ${dtb} ${dtb_v2}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/generated/vms
        COMMAND ${VMGEN} dts ${sym} > ${dts}
        COMMAND dtc -q -I dts -O dtb -o ${dtb} ${dts}
        COMMAND ${VMGEN} dts ${sym} v2 > ${dts_v2}
        COMMAND dtc -q -I dts -O dtb -o ${dtb_v2} ${dts_v2}
        DEPENDS ${VMGEN}
        COMMENT "VM ${sym}: device tree"
        VERBATIM)
endforeach()

get_property(SHRIKE_GUEST_BINS GLOBAL PROPERTY SHRIKE_GUEST_BINS)
get_property(SHRIKE_GUEST_TARGETS GLOBAL PROPERTY SHRIKE_GUESTS)

# shrike_vm_set(DIR SYMS...): DIR/vm_registry.c and DIR/vm_blobs.S for those
# VMs; SHRIKE_VM_SET_SOURCES (in the caller) lists them with the VMs' configs,
# for target_sources() of each hypervisor image that links the set.
function(shrike_vm_set dir)
    shrike_vm_registry(${dir}/vm_registry.c ${ARGN})
    set(dtbs)
    set(configs)
    set(bins)
    foreach(sym IN LISTS ARGN)
        list(APPEND dtbs ${CMAKE_BINARY_DIR}/generated/vms/${sym}.dtb
                         ${CMAKE_BINARY_DIR}/generated/vms/${sym}.v2.dtb)
        list(APPEND configs ${SHRIKE_VM_CONFIG_${sym}})
        list(APPEND bins ${SHRIKE_IMAGE_VM_BINS_${sym}})
    endforeach()
    add_custom_command(
        OUTPUT ${dir}/vm_blobs.S
        COMMAND ${VMGEN} blobs ${CMAKE_BINARY_DIR}/guests ${CMAKE_BINARY_DIR}/generated/vms ${ARGN}
                > ${dir}/vm_blobs.S
        DEPENDS ${VMGEN} ${dtbs} ${bins}
        COMMENT "Linking VM images and DTBs into shrike (${dir})"
        VERBATIM)
    # .incbin does not tell Ninja what it reads: depend on the images explicitly.
    set_source_files_properties(${dir}/vm_blobs.S PROPERTIES OBJECT_DEPENDS
        "${dtbs};${SHRIKE_GUEST_BINS};${bins}")
    set(SHRIKE_VM_SET_SOURCES ${dir}/vm_blobs.S ${dir}/vm_registry.c ${configs} PARENT_SCOPE)
endfunction()

shrike_vm_set(${CMAKE_BINARY_DIR}/generated ${SHRIKE_VM_SYMS})
target_sources(shrike PRIVATE ${SHRIKE_VM_SET_SOURCES})
if(SHRIKE_GUEST_TARGETS)
    add_dependencies(shrike ${SHRIKE_GUEST_TARGETS})
endif()
