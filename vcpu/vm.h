/*
 * A virtual machine: its configuration, stage-2 address space tagged with a
 * VMID, RAM, emulated devices on its MMIO bus and its vCPUs.
 *
 * Lock order: vm->lock, then a device's own lock (vuart), then the console.
 * vm->lock guards the VM's power state, the vCPUs' power states and
 * stage-2 changes (demand mapping).
 */
#ifndef SHRIKE_VCPU_VM_H
#define SHRIKE_VCPU_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "config/kernel.h"
#include "config/vm_config.h"
#include "kernel/spinlock.h"
#include "mm/addr.h"
#include "mm/pgtable.h"
#include "vcpu/mmio.h"
#include "vcpu/testdev.h"
#include "vcpu/vcpu.h"
#include "vcpu/vuart.h"

enum vm_state {
    VM_RUNNING,
    VM_STOPPING, /* SYSTEM_OFF or SYSTEM_RESET in progress: vCPUs are leaving */
    VM_OFF,
};

enum vm_stop_reason {
    VM_STOP_OFF,
    VM_STOP_RESET,
};

struct vm {
    unsigned id;
    const struct vm_config *cfg;
    spinlock_t lock;
    enum vm_state state;
    enum vm_stop_reason stop_reason;
    unsigned vcpus_running; /* vCPUs still to leave during VM_STOPPING */
    unsigned resets;

    uint16_t vmid;
    struct pgtable s2;
    uint64_t vtcr;
    uint64_t vttbr;
    paddr_t ram;
    uint64_t cntvoff;
    paddr_t magic_page;
    paddr_t pvtime_page; /* stolen-time records (vcpu/pvtime.h) */

    struct mmio_bus mmio;
    struct vgic_dist vgic;
    struct vuart uart;
    struct testdev testdev;

    uint64_t mmio_faults; /* accesses refused (ISV=0, unmapped, refused by a device) */
    uint64_t demand_maps; /* pages mapped on stage-2 faults */
    unsigned log_budget;  /* rate limit for guest-caused warnings */
    bool seed_hvc_logged;

    unsigned nvcpus;
    struct vcpu vcpus[VM_MAX_VCPUS];
    struct vcpu *last_vcpu_ran[CONFIG_MAX_CPUS]; /* for local TLB flushes on vCPU moves */
};

/* Boot, once: VMID width and allocator, trap tables. */
void vm_init(void);

/* Creates the VMs named in a comma-separated list (or all defaults) and places their vCPUs. */
unsigned vm_boot(const char *names);

/* Guest-initiated whole-VM power transitions (PSCI SYSTEM_OFF / SYSTEM_RESET). */
void vm_stop(struct vm *vm, enum vm_stop_reason reason);

/* Called by a vCPU's CPU once that vCPU has left the guest because of a VM stop. */
void vm_vcpu_stopped(struct vcpu *v);

/* Stage-2 fault on RAM in demand mode: maps the page. True if ipa is demand-mappable RAM. */
bool vm_demand_map(struct vm *vm, uint64_t ipa);

/* True if [ipa, ipa+len) lies in the VM's RAM; *pa receives the PA of ipa. */
bool vm_ipa_to_pa(const struct vm *vm, uint64_t ipa, uint64_t len, paddr_t *pa);

/* Rate-limited warning about something a guest did: at most a few lines per VM. */
bool vm_log_allowed(struct vm *vm);

/* The VM with this id, or NULL (for statistics and traces). */
const struct vm *vm_by_id(unsigned id);

/* The vCPU of vm whose MPIDR is mpidr, or NULL. */
struct vcpu *vm_vcpu_by_mpidr(struct vm *vm, uint64_t mpidr);

#endif
