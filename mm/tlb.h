/* TLB maintenance for stage-2 address spaces (see tlb.c). */
#ifndef SHRIKE_MM_TLB_H
#define SHRIKE_MM_TLB_H

#include <stdint.h>

/* Invalidates every TLB entry tagged with vmid on every CPU (inner shareable). */
void tlb_flush_vmid(uint16_t vmid);

#endif
