/* TLB maintenance by VMID (see tlb.h). */
#include "mm/tlb.h"

#include "kernel/sysreg.h"

void tlb_flush_vmid(uint16_t vmid)
{
    /* TLBI VMALLS12E1IS acts on the VMID in VTTBR_EL2: borrow it for the flush. */
    uint64_t flags = local_irq_save();
    uint64_t saved = read_sysreg(vttbr_el2);
    dsb(ishst);
    write_sysreg((uint64_t)vmid << 48, vttbr_el2);
    isb();
    __asm__ __volatile__("tlbi vmalls12e1is\n\tdsb ish" : : : "memory");
    write_sysreg(saved, vttbr_el2);
    isb();
    local_irq_restore(flags);
}
