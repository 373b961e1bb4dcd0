# The Linux VMs linked into shrike-linux.elf (docs/linux-guests.md). Each boots
# Debian's arm64 kernel with the busybox initramfs of guests/linux/, which
# build/linux/ caches:
#
#   shrike_linux_vm(SYM NAME VCPUS RAM_MB BOOTARGS)
#
# NAME is the console prefix and what vms= selects; RAM_MB is a multiple of 2
# (64 is enough; the kernel needs 32 MiB for itself). BOOTARGS is the kernel
# command line: shrike.test=... selects what guests/linux/init does (nothing:
# a shell). cryptomgr.notests skips the crypto self-tests (0.5 s of boot).
# Edit, add or remove lines here; nothing else names these VMs but the
# system tests (tests/system/linux-*.json) and `ninja run-linux` (vms=).
set(SHRIKE_LINUX_BOOTARGS "console=ttyAMA0 cryptomgr.notests" CACHE STRING
    "Kernel command line common to the Linux VMs of config/linux-vms.cmake")

# ninja run-linux: two Linux guests with a shell each.
shrike_linux_vm(linux_a linux-a 2 128 "${SHRIKE_LINUX_BOOTARGS}")
shrike_linux_vm(linux_b linux-b 2 128 "${SHRIKE_LINUX_BOOTARGS}")
# system.linux-pair: the workload on every CPU, a dmesg check, power-off.
shrike_linux_vm(linux_pair_a pair-a 2 128 "${SHRIKE_LINUX_BOOTARGS} shrike.test=pair")
shrike_linux_vm(linux_pair_b pair-b 2 128 "${SHRIKE_LINUX_BOOTARGS} shrike.test=pair")
# system.linux-reboot: reboot -f twice, then power off.
shrike_linux_vm(linux_reboot reboot 2 128 "${SHRIKE_LINUX_BOOTARGS} shrike.test=reboot")
# ninja bench: boot to the userland marker and power off.
shrike_linux_vm(linux_boot_a boot-a 2 128 "${SHRIKE_LINUX_BOOTARGS} shrike.test=boot")
shrike_linux_vm(linux_boot_b boot-b 2 128 "${SHRIKE_LINUX_BOOTARGS} shrike.test=boot")
