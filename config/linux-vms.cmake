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

# Linux's soft-lockup detector (2 x watchdog_thresh s, 20 by default) measures
# the host's time here (no -icount), and a loaded host can leave a vCPU without
# host time for that long: the system tests' VMs get it raised to 120 s, not
# off, so a CPU stuck for longer than a test's timeout still shows. (Raising
# the RCU stall timeout instead makes Linux print lines the tests' dmesg
# checks take for a stall.)
set(SHRIKE_LINUX_TEST_BOOTARGS "watchdog_thresh=60")

# ninja run-linux: two Linux guests with a shell each (also system.linux-shell).
shrike_linux_vm(linux_a linux-a 2 128 "${SHRIKE_LINUX_BOOTARGS} ${SHRIKE_LINUX_TEST_BOOTARGS}")
shrike_linux_vm(linux_b linux-b 2 128 "${SHRIKE_LINUX_BOOTARGS} ${SHRIKE_LINUX_TEST_BOOTARGS}")
# system.linux-pair: the workload on every CPU, a dmesg check, power-off.
shrike_linux_vm(linux_pair_a pair-a 2 128 "${SHRIKE_LINUX_BOOTARGS} ${SHRIKE_LINUX_TEST_BOOTARGS} shrike.test=pair")
shrike_linux_vm(linux_pair_b pair-b 2 128 "${SHRIKE_LINUX_BOOTARGS} ${SHRIKE_LINUX_TEST_BOOTARGS} shrike.test=pair")
# system.linux-reboot: reboot -f twice, then power off.
shrike_linux_vm(linux_reboot reboot 2 128 "${SHRIKE_LINUX_BOOTARGS} ${SHRIKE_LINUX_TEST_BOOTARGS} shrike.test=reboot")
# system.linux-steal: busy vCPUs on fewer CPUs, their steal time in /proc/stat.
shrike_linux_vm(linux_steal steal 2 128 "${SHRIKE_LINUX_BOOTARGS} ${SHRIKE_LINUX_TEST_BOOTARGS} shrike.test=steal")
# system.linux-pmu: the virtual PMU through perf_event_open (guests/linux/pmutest.c).
shrike_linux_vm(linux_pmu pmu-linux 1 128 "${SHRIKE_LINUX_BOOTARGS} ${SHRIKE_LINUX_TEST_BOOTARGS} shrike.test=pmu" PMU)
# ninja bench: boot to the userland marker and power off.
shrike_linux_vm(linux_boot_a boot-a 2 128 "${SHRIKE_LINUX_BOOTARGS} shrike.test=boot")
shrike_linux_vm(linux_boot_b boot-b 2 128 "${SHRIKE_LINUX_BOOTARGS} shrike.test=boot")
# system.sched-rt-linux: hashing on every vCPU beside the rt guest (shrike-linux-fair.elf).
shrike_linux_vm(linux_hash_a hash-a 2 64 "${SHRIKE_LINUX_BOOTARGS} ${SHRIKE_LINUX_TEST_BOOTARGS} shrike.test=stress shrike.stress_s=32")
shrike_linux_vm(linux_hash_b hash-b 2 64 "${SHRIKE_LINUX_BOOTARGS} ${SHRIKE_LINUX_TEST_BOOTARGS} shrike.test=stress shrike.stress_s=32")
