/* The GIC API moved to kernel/gic.h (GICv3 and GICv2); kept so that callers in flight compile. */
#ifndef SHRIKE_KERNEL_GICV3_H
#define SHRIKE_KERNEL_GICV3_H

#include "kernel/gic.h"

#endif
