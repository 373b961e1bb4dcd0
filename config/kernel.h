/*
 * Hypervisor-wide build-time knobs. Each is documented beside its default;
 * docs/configuration.md lists them all.
 */
#ifndef SHRIKE_CONFIG_KERNEL_H
#define SHRIKE_CONFIG_KERNEL_H

/* Most physical CPUs shrike will bring up; extra CPUs in the host DTB stay off. */
#define CONFIG_MAX_CPUS 8

/* Hypervisor stack per CPU, in 4 KiB pages (a guard page sits under each stack). */
#define CONFIG_STACK_PAGES 4

/* Stack for the fatal-exception path, per CPU, in 4 KiB pages (also guarded). */
#define CONFIG_PANIC_STACK_PAGES 2

/* Console log level: 0 error, 1 warn, 2 info, 3 debug. Messages above it are dropped. */
#define CONFIG_LOG_LEVEL 2

/* Physical UART used until the host DTB has been read (QEMU virt's PL011). */
#define CONFIG_EARLY_UART_BASE 0x09000000UL

/*
 * Where to look for the host DTB when x0 does not point at one. QEMU passes
 * x0 = DTB only to Linux-style images; for an ELF it places the DTB at the
 * base of RAM (0x4000_0000 on virt) and leaves x0 = 0.
 */
#define CONFIG_HOST_DTB_FALLBACK 0x40000000UL

/* Most VMs that can exist at once. */
#define CONFIG_MAX_VMS 8

/* SPIs each VM's virtual GIC implements (INTIDs 32 and up), a multiple of 32. */
#define VGIC_VM_SPIS 64

/* Warnings a guest's misbehaviour may cause before shrike stays quiet about that VM. */
#define CONFIG_GUEST_LOG_BUDGET 16

/* VMs started when the command line names none (vms=a,b,c overrides). */
#define CONFIG_DEFAULT_VMS "echo,spin,spin-b,spin-pinned,hello"

/*
 * How long the boot CPU waits for a secondary to come online, in milliseconds:
 * only a give-up bound (the wait ends when the CPU is up), generous because
 * under QEMU without -icount it is the host's time, and on a loaded host a
 * secondary's thread was seen to take more than 2 s to run.
 */
#define CONFIG_CPU_ON_TIMEOUT_MS 10000

#endif
