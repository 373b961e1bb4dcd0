/*
 * VM lifecycle: creation from a struct vm_config (RAM, stage 2, VMID,
 * devices, images), placement of vCPUs on physical CPUs (one vCPU per CPU
 * until the scheduler lands), power-off and reset from pristine images, and
 * the stage-2 helpers the trap handlers use.
 */
#include "vcpu/vm.h"

#include "kernel/check.h"
#include "kernel/cpu.h"
#include "kernel/entropy.h"
#include "kernel/errno.h"
#include "kernel/fdt.h"
#include "kernel/gic.h"
#include "kernel/lib.h"
#include "kernel/log.h"
#include "mm/cache.h"
#include "mm/el2_mmu.h"
#include "mm/page_alloc.h"
#include "mm/tlb.h"
#include "mm/vmid.h"
#include "kernel/bootargs.h"
#include "sched/sched.h"
#include "smp/ipi.h"
#include "smp/ipi_kick.h"
#include "smp/psci.h"
#include "vcpu/abi.h"
#include "vcpu/pvtime.h"
#include "vcpu/vpmu.h"
#include "vcpu/trap.h"
#include "vcpu/vconsole.h"
#include "vgic/vgic_mmio.h"

#define BLOCK_2M (2ULL << 20)

extern const struct vm_config *const vm_registry[];

static unsigned vmid_width;
static struct vm vms[CONFIG_MAX_VMS];
static unsigned nvms;
static spinlock_t vms_lock = SPINLOCK_INIT;

static const struct vm_config *find_config(const char *name, size_t len)
{
    for (unsigned i = 0; vm_registry[i] != 0; i++) {
        const char *n = vm_registry[i]->name;
        if (strlen(n) == len && strncmp(n, name, len) == 0) {
            return vm_registry[i];
        }
    }
    return 0;
}

static uint64_t vm_entry(const struct vm_config *c)
{
    return GUEST_RAM_BASE + (c->entry_offset ? c->entry_offset : c->load_offset);
}

/* The bytes the image occupies once running: BSS included where the build or its header says. */
static uint64_t image_footprint(const struct vm_config *c)
{
    uint64_t size = (uint64_t)(c->image_end - c->image);
    uint64_t fp = c->image_footprint > size ? c->image_footprint : size;
    /* An arm64 Image (Linux, and the test guests: guests/lib/start.S): image_size at 16. */
    if (size >= 64 && c->image[56] == 'A' && c->image[57] == 'R' && c->image[58] == 'M' &&
        c->image[59] == 0x64) {
        uint64_t image_size = 0;
        for (unsigned i = 0; i < 8; i++) {
            image_size |= (uint64_t)c->image[16 + i] << (8 * i);
        }
        fp = image_size > fp ? image_size : fp;
    }
    return fp;
}

/* Where the DTB goes (vcpu/abi.h: above the image and initrd, as QEMU places it). */
static uint64_t dtb_offset(const struct vm_config *c)
{
    uint64_t initrd_end = c->initrd_end > c->initrd ? c->initrd_offset + c->initrd_size : 0;
    return guest_dtb_offset(c->ram_size, c->load_offset + image_footprint(c), initrd_end);
}

/*
 * The pristine DTB this host loads: vmgen makes two per VM, one describing a
 * GICv3 and one a GICv2 (a VM gets the GIC version of its host).
 */
static const uint8_t *vm_dtb(const struct vm_config *c)
{
    return gic_host_v2 ? c->dtb_v2 : c->dtb;
}

static size_t vm_dtb_size(const struct vm_config *c)
{
    return gic_host_v2 ? (size_t)(c->dtb_v2_end - c->dtb_v2) : (size_t)(c->dtb_end - c->dtb);
}

/* The pristine DTB has /chosen property name of len bytes (vmgen writes them). */
static bool chosen_has(const struct vm_config *c, const char *name, int len)
{
    int have = 0;
    const uint8_t *dtb = vm_dtb(c);
    return fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen"), name, &have) && have == len;
}

/* GICv2 VMs: the GIC node's reg (GICD, then GICC), whose GICC size vmgen left a placeholder. */
#define GIC_NODE "/interrupt-controller@8000000"

static bool gic_node_ok(const struct vm_config *c)
{
    int have = 0;
    const uint8_t *dtb = vm_dtb(c);
    return !gic_host_v2 ||
           (fdt_getprop(dtb, fdt_path_offset(dtb, GIC_NODE), "reg", &have) && have == 32);
}

/* The pristine DTB is well formed and has what shrike fills in at every load. */
static bool dtb_ok(const struct vm_config *c)
{
    return vm_dtb(c) != 0 && fdt_check(vm_dtb(c), vm_dtb_size(c)) == FDT_OK && gic_node_ok(c) &&
           chosen_has(c, "shrike,reset-count", 4) &&
           chosen_has(c, "rng-seed", GUEST_RNG_SEED_BYTES) && chosen_has(c, "kaslr-seed", 8);
}

/*
 * /chosen/rng-seed and kaslr-seed get fresh bytes from the host's seed
 * (kernel/entropy.h), different at every load; without entropy they are
 * removed, never left as zeros a guest would trust.
 */
static void fill_seeds(void *dtb)
{
    uint8_t seed[GUEST_RNG_SEED_BYTES + 8];
    if (entropy_fill(seed, sizeof(seed))) {
        (void)fdt_setprop_inplace(dtb, "/chosen", "rng-seed", seed, GUEST_RNG_SEED_BYTES);
        (void)fdt_setprop_inplace(dtb, "/chosen", "kaslr-seed", seed + GUEST_RNG_SEED_BYTES, 8);
        memset(seed, 0, sizeof(seed));
    } else {
        (void)fdt_nop_property(dtb, "/chosen", "rng-seed");
        (void)fdt_nop_property(dtb, "/chosen", "kaslr-seed");
    }
}

static bool config_ok(const struct vm_config *c)
{
    uint64_t initrd = (uint64_t)(c->initrd_end - c->initrd);
    uint64_t dtb = vm_dtb_size(c);
    const char *why = 0;
    if (c->vcpus == 0 || c->vcpus > VM_MAX_VCPUS) {
        why = "vCPU count out of range";
    } else if (c->ram_size == 0 || c->ram_size % BLOCK_2M != 0) {
        why = "RAM size must be a non-zero multiple of 2 MiB";
    } else if (c->stage2.ipa_bits > el2_pa_bits()) {
        why = "IPA size larger than the CPU's physical address size";
    } else if (c->load_offset + image_footprint(c) > c->ram_size ||
               dtb_offset(c) + dtb > c->ram_size) {
        why = "image or DTB does not fit in RAM (the DTB goes above the image and initrd)";
    } else if (vm_entry(c) - GUEST_RAM_BASE >= c->ram_size) {
        why = "entry point outside RAM";
    } else if (c->magic_page && GUEST_MAGIC_PAGE_IPA - GUEST_RAM_BASE < c->ram_size) {
        why = "RAM overlaps the magic page at 0x70000000 (at most 768 MiB with magic_page)";
    } else if (c->initrd_offset + initrd > c->ram_size) {
        why = "initrd does not fit in RAM";
    } else if (initrd != 0 && c->initrd_offset < c->load_offset + image_footprint(c) &&
               c->initrd_offset + initrd > c->load_offset) {
        why = "initrd overlaps the image";
    } else if (!dtb_ok(c)) {
        why = "DTB malformed or without /chosen/shrike,reset-count, rng-seed or kaslr-seed, "
              "or (GICv2) the GIC node's reg (not made by vmgen?)";
    }
    if (why) {
        log_err("VM %s: bad configuration: %s", c->name, why);
    }
    return why == 0;
}

static void put_be64(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (56 - 8 * i));
    }
}

/* The GICC region the guest sees is the whole GICV frame the host DTB gives (map_gicc()). */
static void set_gic_reg(uint8_t *dtb)
{
    uint8_t reg[32];
    put_be64(reg, GUEST_GICD_BASE);
    put_be64(reg + 8, GUEST_GICD_SIZE);
    put_be64(reg + 16, GUEST_GICC_BASE);
    put_be64(reg + 24, gicv2_frames()->gicv_size);
    (void)fdt_setprop_inplace(dtb, GIC_NODE, "reg", reg, sizeof(reg));
}

/*
 * Copies the pristine image and DTB into zeroed RAM and makes the code visible
 * to fetches. The DTB's /chosen/shrike,reset-count tells the guest how often
 * this VM was reset (a Linux guest reads it in /proc/device-tree). A reset
 * scrubs the RAM first; at creation it comes zeroed from page_alloc().
 */
static void load_images(struct vm *vm, bool scrub)
{
    const struct vm_config *c = vm->cfg;
    uint8_t *ram = pa_to_ptr(vm->ram);
    if (scrub) {
        zero_memory(ram, c->ram_size);
    }
    memcpy(ram + c->load_offset, c->image, (size_t)(c->image_end - c->image));
    uint8_t *dtb = ram + dtb_offset(c);
    memcpy(dtb, vm_dtb(c), vm_dtb_size(c));
    memcpy(ram + c->initrd_offset, c->initrd, (size_t)(c->initrd_end - c->initrd));
    /* config_ok() checked the pristine DTB has these properties; this cannot fail. */
    (void)fdt_setprop_u32_inplace(dtb, "/chosen", "shrike,reset-count", vm->resets);
    if (gic_host_v2) {
        set_gic_reg(dtb);
    }
    fill_seeds(dtb);
    cache_guest_written(ram, c->ram_size); /* the guest starts with MMU and caches off */
}

static int map_magic_page(struct vm *vm)
{
    if (!page_alloc(1, 1, &vm->magic_page)) {
        return -ENOMEM;
    }
    uint32_t *w = pa_to_ptr(vm->magic_page);
    for (unsigned i = 0; i < PAGE_SIZE / 4; i++) {
        w[i] = GUEST_MAGIC_WORD;
    }
    dcache_clean_inval_poc(w, PAGE_SIZE);
    return pt_map(&vm->s2, GUEST_MAGIC_PAGE_IPA, pa_addr(vm->magic_page), PAGE_SIZE, PT_READ);
}

/*
 * GICv2 (IHI 0048B 5.1, the seed's lab 10): the guest's CPU interface is the
 * host's GICV frame, mapped by stage 2 at the guest's GICC, so that its IAR,
 * EOIR, DIR, PMR... reach the virtual CPU interface without a trap. Device
 * memory (stage 2 Device-nGnRE, never executable) and only that frame: the
 * GICD stays an emulated hole, GICC and GICH are never mapped.
 */
static int map_gicc(struct vm *vm)
{
    const struct gicv2_frames *f = gicv2_frames();
    /* Whole pages, and at most two 64 KiB frames (a GIC-400 aliased for 64 KiB pages). */
    if (f->gicv_size % PAGE_SIZE != 0 || f->gicv_size > GUEST_GICC_MAX_SIZE) {
        return -EINVAL;
    }
    return pt_map(&vm->s2, GUEST_GICC_BASE, f->gicv, f->gicv_size, PT_READ | PT_WRITE | PT_DEVICE);
}

/* pt_unmap/pt_destroy free a stage-2 table page only after this (mm/pgtable.h). */
static void s2_flush_tlb(const struct pgtable *pt)
{
    tlb_flush_vmid(((const struct vm *)pt->owner)->vmid);
}

static int build_stage2(struct vm *vm)
{
    const struct vm_config *c = vm->cfg;
    int err = pt_init(&vm->s2, PT_STAGE2, c->stage2.ipa_bits, c->stage2.start_level);
    if (err) {
        return err;
    }
    vm->s2.owner = vm;
    vm->s2.flush_tlb = s2_flush_tlb;
    if (!c->stage2.demand) {
        err = pt_map(&vm->s2, GUEST_RAM_BASE, pa_addr(vm->ram), c->ram_size,
                     PT_READ | PT_WRITE | PT_EXEC);
    }
    if (!err && c->magic_page) {
        err = map_magic_page(vm);
    }
    if (!err) {
        err = pvtime_map(vm);
    }
    if (!err && gic_host_v2) {
        err = map_gicc(vm);
    }
    vm->vtcr = pt_vtcr(&vm->s2, el2_pa_bits(), vmid_width == 16);
    vm->vttbr = ((uint64_t)vm->vmid << 48) | pa_addr(vm->s2.root);
    return err;
}

/* The emulated PL011's interrupt line drives virtual SPI 33. */
static void uart_irq(void *ctx, bool level)
{
    struct vm *vm = ctx;
    vgic_set_level(&vm->vgic, 0, VGIC_INTID_UART, level);
}

/*
 * Something became pending for a vCPU: wake it, or make its CPU flush it
 * (IPI). One loaded on a CPU (running, waiting in its own WFI or halted in
 * place there) needs only that CPU's IPI, or nothing if it is this one:
 * sched_kick()'s first two cases (its comment says why no lock is needed),
 * taken here without its calls, as this is the path of every IPI a guest
 * sends. Anything else is sched_kick()'s.
 */
static void vgic_kick(struct vgic_cpu *c)
{
    struct vcpu *v = c->owner;
    if (this_cpu()->loaded == v) {
        return;
    }
    if (__atomic_load_n(&c->loaded, __ATOMIC_ACQUIRE)) {
        ipi_kick(sched_vcpu_cpu(&v->sched));
        return;
    }
    sched_kick(&v->sched);
}

static void add_vgic(struct vm *vm)
{
    vgic_dist_init(&vm->vgic, VGIC_VM_SPIS, vgic_kick);
    vm->vgic.resample = vtimer_hw_resample;
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        vgic_cpu_init(&vm->vgic, &v->vgic, i, v->arch.vmpidr & MPIDR_AFF_MASK, v);
        vgic_map_hw(&v->vgic.private_irqs[VGIC_INTID_VTIMER], VGIC_INTID_VTIMER);
        vtimer_vcpu_reset(v);
        vpmu_reset(v);
    }
    if (gic_host_v2) {
        /* GICv2: the v2 distributor, no redistributors; the CPU interface is GICV (map_gicc). */
        vgic_dist_v2_setup(&vm->vgic);
        CHECK(mmio_bus_add(&vm->mmio, GUEST_GICD_BASE, GUEST_GICD_SIZE, &vgic_dist_v2_mmio_ops,
                           &vm->vgic) == 0);
        return;
    }
    CHECK(mmio_bus_add(&vm->mmio, GUEST_GICD_BASE, GUEST_GICD_SIZE, &vgic_dist_mmio_ops,
                       &vm->vgic) == 0);
    CHECK(mmio_bus_add(&vm->mmio, GUEST_GICR_BASE, GUEST_GICR_STRIDE * vm->nvcpus,
                       &vgic_redist_mmio_ops, &vm->vgic) == 0);
}

static void add_devices(struct vm *vm)
{
    add_vgic(vm);
    vuart_init(&vm->uart, vm->cfg->name);
    vuart_set_irq_hook(&vm->uart, uart_irq, vm);
    CHECK(mmio_bus_add(&vm->mmio, GUEST_UART_BASE, GUEST_UART_SIZE, &vuart_mmio_ops, &vm->uart) ==
          0);
    if (vm->cfg->testdev) {
        CHECK(mmio_bus_add(&vm->mmio, GUEST_TESTDEV_BASE, GUEST_TESTDEV_SIZE, &testdev_mmio_ops,
                           &vm->testdev) == 0);
    }
    vconsole_register(&vm->uart);
}

static void init_vcpus(struct vm *vm)
{
    vm->nvcpus = vm->cfg->vcpus;
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        v->vm = vm;
        v->id = i;
        v->arch.vmpidr = (1ULL << 31) | i; /* bit 31 is RES1 */
        v->power = VCPU_OFF;
        v->requests = 0;
    }
    vcpu_reset_context(&vm->vcpus[0], vm_entry(vm->cfg), GUEST_RAM_BASE + dtb_offset(vm->cfg));
    vm->vcpus[0].power = VCPU_ON;
}

/* Every vCPU needs at least one online CPU in its affinity mask. */
static bool affinity_ok(const struct vm *vm)
{
    uint64_t online = 0;
    for (unsigned p = 0; p < cpu_count; p++) {
        online |= cpus[p].online ? 1ULL << p : 0;
    }
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        if ((vm->cfg->affinity[i] & online) == 0) {
            log_err("VM %s: vCPU %u may run on no online CPU (affinity %#lx)", vm->cfg->name, i,
                    vm->cfg->affinity[i]);
            return false;
        }
    }
    return true;
}

static void release(struct vm *vm)
{
    if (vm->s2.root.pa != 0) {
        pt_destroy(&vm->s2);
    }
    if (vm->magic_page.pa != 0) {
        page_free(vm->magic_page, 1);
    }
    pvtime_release(vm);
    if (vm->ram.pa != 0) {
        page_free(vm->ram, vm->cfg->ram_size >> PAGE_SHIFT);
    }
    if (vm->vmid != 0) {
        vmid_free(vm->vmid); /* flushes the VMID's TLB entries before it can be reused */
    }
    vm->s2.root.pa = vm->magic_page.pa = vm->ram.pa = 0;
    vm->vmid = 0;
}

static bool vm_create(struct vm *vm, const struct vm_config *c)
{
    vm->cfg = c;
    if (!config_ok(c) || !sched_admit_vm(c)) {
        return false;
    }
    if (vmid_alloc(&vm->vmid) != 0) {
        log_err("VM %s: no free VMID", c->name);
        return false;
    }
    int err = page_alloc(c->ram_size >> PAGE_SHIFT, BLOCK_2M >> PAGE_SHIFT, &vm->ram)
                  ? build_stage2(vm)
                  : -ENOMEM;
    if (err) {
        log_err("VM %s: cannot set up memory (%d): stage 2 %u-bit IPA from level %u, %lu MiB",
                c->name, err, c->stage2.ipa_bits, c->stage2.start_level, c->ram_size >> 20);
        release(vm);
        return false;
    }
    init_vcpus(vm);
    if (!affinity_ok(vm)) {
        release(vm);
        return false;
    }
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        sched_vcpu_init(&vm->vcpus[i].sched, vm->cfg, vm->id, i, vm->cfg->affinity[i]);
    }
    add_devices(vm);
    load_images(vm, false); /* page_alloc() zeroed the RAM */
    vm->cntvoff = 0; /* CNTVCT = CNTPCT: no offset for QEMU 7.2 to wrap (docs/interrupts.md) */
    vm->state = VM_RUNNING;
    return true;
}

static void log_vm(const struct vm *vm)
{
    bool pinned = true;
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        uint64_t a = vm->cfg->affinity[i];
        pinned = pinned && a != 0 && (a & (a - 1)) == 0;
    }
    log_info("VM %s: %u vCPU(s) %s, %lu MiB RAM at PA %#lx, VMID %u, stage 2 %u-bit IPA "
             "from level %u (%u root table(s))%s",
             vm->cfg->name, vm->nvcpus, pinned ? "pinned" : "floating", vm->cfg->ram_size >> 20,
             pa_addr(vm->ram), vm->vmid, vm->s2.ia_bits, vm->s2.start_level, vm->s2.root_pages,
             vm->cfg->stage2.demand ? ", mapped on demand" : "");
}

static void start_vm(struct vm *vm)
{
    log_vm(vm);
    sched_wake(&vm->vcpus[0].sched);
}

void vm_init(void)
{
    vmid_width = vmid_bits_from_mmfr1(read_sysreg(id_aa64mmfr1_el1));
    vmid_init(vmid_width, tlb_flush_vmid);
    trap_init();
    log_info("VMIDs: %u bits", vmid_width);
}

unsigned vm_boot(const char *names)
{
    const char *p = names;
    while (*p != '\0') {
        size_t len = 0;
        while (p[len] != '\0' && p[len] != ',') {
            len++;
        }
        const struct vm_config *c = find_config(p, len);
        if (c == 0) {
            log_err("no VM configuration named \"%.*s\"", (int)len, p);
        } else if (nvms == CONFIG_MAX_VMS) {
            log_err("VM %s: more than CONFIG_MAX_VMS (%u) VMs", c->name, CONFIG_MAX_VMS);
        } else {
            vms[nvms].id = nvms;
            nvms += vm_create(&vms[nvms], c) ? 1 : 0;
        }
        p += len + (p[len] == ',' ? 1 : 0);
    }
    /* Start them only once all exist: an early power-off must not look like "all VMs off". */
    for (unsigned i = 0; i < nvms; i++) {
        start_vm(&vms[i]);
    }
    return nvms;
}

bool vm_log_allowed(struct vm *vm)
{
    unsigned n = __atomic_fetch_add(&vm->log_budget, 1, __ATOMIC_RELAXED);
    if (n == CONFIG_GUEST_LOG_BUDGET) {
        log_warn("VM %s: further warnings about this VM are suppressed", vm->cfg->name);
    }
    return n < CONFIG_GUEST_LOG_BUDGET;
}

void vm_stop(struct vm *vm, enum vm_stop_reason reason)
{
    spin_lock(&vm->lock);
    if (vm->state != VM_RUNNING) {
        spin_unlock(&vm->lock);
        return;
    }
    vm->state = VM_STOPPING;
    vm->stop_reason = reason;
    vm->vcpus_running = 0;
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        vm->vcpus_running += vm->vcpus[i].power == VCPU_ON ? 1 : 0;
    }
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        if (vm->vcpus[i].power == VCPU_ON) {
            vcpu_request(&vm->vcpus[i], VCPU_REQ_STOP);
        }
    }
    spin_unlock(&vm->lock);
}

static bool all_vms_off(void)
{
    for (unsigned i = 0; i < nvms; i++) {
        if (__atomic_load_n(&vms[i].state, __ATOMIC_ACQUIRE) != VM_OFF) {
            return false;
        }
    }
    return true;
}

/* Marks vm off; true if it was the last VM running. */
static bool mark_off(struct vm *vm)
{
    spin_lock(&vms_lock);
    __atomic_store_n(&vm->state, VM_OFF, __ATOMIC_RELEASE);
    bool last = all_vms_off();
    spin_unlock(&vms_lock);
    return last;
}

static void finish_off(struct vm *vm)
{
    vuart_flush(&vm->uart);
    vconsole_unregister(&vm->uart);
    /* No push can reach it now (the unregister waited for one in flight): the count is final. */
    if (vm->uart.rx_dropped != 0) {
        log_warn("VM %s: %lu typed bytes dropped (its UART's receive FIFO and backlog were full)",
                 vm->cfg->name, (unsigned long)vm->uart.rx_dropped);
    }
    log_info("VM %s powered off (%lu pages demand-mapped, %lu refused accesses)", vm->cfg->name,
             vm->demand_maps, vm->mmio_faults);
    release(vm);
    if (mark_off(vm)) {
        log_info("all VMs are off: powering off");
        sched_print_stats();
        if (bootargs_has("trace=dump")) {
            sched_dump_trace();
        }
        psci_system_off();
    }
}

/*
 * Every vCPU has stopped. The reset first quiesces what can inject interrupts
 * from other CPUs (the vCPUs' timers, the UART under its own lock), then takes
 * every interrupt off its list and back to reset, then re-syncs the devices'
 * levels (lock order and the reason: docs/interrupts.md).
 */
static void finish_reset(struct vm *vm)
{
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        vtimer_vcpu_quiesce(&vm->vcpus[i]);
    }
    vuart_flush(&vm->uart);
    vuart_reset(&vm->uart);
    if (vm->cfg->stage2.demand) {
        CHECK(pt_unmap(&vm->s2, GUEST_RAM_BASE, vm->cfg->ram_size) == 0);
    }
    tlb_flush_vmid(vm->vmid); /* no stage-1 or stage-2 entry of the old run survives */
    vm->resets++;
    load_images(vm, true);
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        vcpu_reset(&vm->vcpus[i], 0, 0);
        __atomic_store_n(&vm->vcpus[i].requests, 0, __ATOMIC_RELEASE); /* no stale STOP */
    }
    pvtime_reset(vm); /* stolen time restarts with the guest, as a fresh boot expects */
    vgic_reset(&vm->vgic);
    vuart_set_irq_hook(&vm->uart, uart_irq, vm); /* re-reports its line's level */
    vm->testdev = (struct testdev){0};
    vm->mmio_faults = 0;
    log_info("VM %s reset (%u) from its pristine image", vm->cfg->name, vm->resets);
    spin_lock(&vm->lock);
    vm->state = VM_RUNNING;
    vcpu_reset_context(&vm->vcpus[0], vm_entry(vm->cfg), GUEST_RAM_BASE + dtb_offset(vm->cfg));
    __atomic_store_n(&vm->vcpus[0].power, VCPU_ON, __ATOMIC_RELEASE);
    spin_unlock(&vm->lock);
    sched_wake(&vm->vcpus[0].sched);
}

void vm_vcpu_stopped(struct vcpu *v)
{
    struct vm *vm = v->vm;
    spin_lock(&vm->lock);
    __atomic_store_n(&v->power, VCPU_OFF, __ATOMIC_RELEASE);
    bool last = vm->state == VM_STOPPING && --vm->vcpus_running == 0;
    spin_unlock(&vm->lock);
    if (!last) {
        return;
    }
    if (vm->stop_reason == VM_STOP_RESET) {
        finish_reset(vm);
    } else {
        finish_off(vm);
    }
}

bool vm_ipa_to_pa(const struct vm *vm, uint64_t ipa, uint64_t len, paddr_t *pa)
{
    uint64_t size = vm->cfg->ram_size;
    if (ipa < GUEST_RAM_BASE || ipa - GUEST_RAM_BASE > size ||
        len > size - (ipa - GUEST_RAM_BASE)) {
        return false;
    }
    *pa = pa_add(vm->ram, ipa - GUEST_RAM_BASE);
    return true;
}

bool vm_demand_map(struct vm *vm, uint64_t ipa)
{
    paddr_t pa;
    if (!vm->cfg->stage2.demand || !vm_ipa_to_pa(vm, ipa, 1, &pa)) {
        return false;
    }
    uint64_t page = ipa & ~(PAGE_SIZE - 1);
    struct pt_mapping m;
    dcache_clean_inval_poc(pa_to_ptr(pa_init(pa_addr(pa) & ~(PAGE_SIZE - 1))), PAGE_SIZE);
    spin_lock(&vm->lock);
    /* Already mapped: another vCPU won the race (fine), or not a translation fault. */
    bool mapped = pt_walk(&vm->s2, page, &m);
    int err = mapped ? -EEXIST
                     : pt_map(&vm->s2, page, pa_addr(pa) & ~(PAGE_SIZE - 1), PAGE_SIZE,
                              PT_READ | PT_WRITE | PT_EXEC);
    spin_unlock(&vm->lock);
    dsb(ishst);
    if (err == 0) {
        __atomic_fetch_add(&vm->demand_maps, 1, __ATOMIC_RELAXED);
    }
    /* A RAM page is mapped read-write-execute: a fault on a mapped one is a race, retry. */
    return err == 0 || (mapped && (m.attrs & PT_WRITE));
}

struct vcpu *vm_vcpu_by_mpidr(struct vm *vm, uint64_t mpidr)
{
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        if ((vm->vcpus[i].arch.vmpidr & MPIDR_AFF_MASK) == (mpidr & MPIDR_AFF_MASK)) {
            return &vm->vcpus[i];
        }
    }
    return 0;
}

const struct vm *vm_by_id(unsigned id)
{
    return id < nvms ? &vms[id] : 0;
}
