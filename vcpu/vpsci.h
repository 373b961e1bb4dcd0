/* PSCI 1.1 for guests (see vpsci.c). */
#ifndef SHRIKE_VCPU_VPSCI_H
#define SHRIKE_VCPU_VPSCI_H

#include <stdint.h>

#include "vcpu/vcpu.h"

/* Handles the PSCI call in the vCPU's x0-x3; the result goes to x0. */
void vpsci_call(struct vcpu *v, uint32_t fid);

#endif
