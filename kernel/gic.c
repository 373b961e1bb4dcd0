/* Which physical GIC driver runs (see gic.h): chosen once from the host DTB. */
#include "kernel/gic.h"

bool gic_host_v2;
static unsigned version;

bool gic_init(const struct fdt_platform *plat)
{
    bool ok = false;
    if (plat->gic_version == 3) {
        ok = gicv3_init(plat);
    } else if (plat->gic_version == 2) {
        gic_host_v2 = true;
        ok = gicv2_init(plat);
    }
    version = ok ? plat->gic_version : 0;
    return ok;
}

unsigned gic_version(void)
{
    return version;
}

bool gic_ready(void)
{
    return version != 0;
}

bool gic_cpu_init(void)
{
    return gic_host_v2 ? gicv2_cpu_init() : gicv3_cpu_init();
}

void gic_enable_irq(unsigned intid, uint8_t prio)
{
    if (gic_host_v2) {
        gicv2_enable_irq(intid, prio);
    } else {
        gicv3_enable_irq(intid, prio);
    }
}

void gic_disable_irq(unsigned intid)
{
    if (gic_host_v2) {
        gicv2_disable_irq(intid);
    } else {
        gicv3_disable_irq(intid);
    }
}

bool gic_ppi_active(unsigned intid)
{
    return gic_host_v2 ? gicv2_ppi_active(intid) : gicv3_ppi_active(intid);
}

void gic_ppi_set_active(unsigned intid, bool active)
{
    if (gic_host_v2) {
        gicv2_ppi_set_active(intid, active);
    } else {
        gicv3_ppi_set_active(intid, active);
    }
}
