/*
 * Host unit test for vgic/vgic_vmcr.c: what shrike writes to ICH_VMCR_EL2 and
 * the list registers. Every value is a literal built by hand from the GICv3
 * spec's bit layouts (IHI 0069): ICH_VTR_EL2 PRIbits [31:29], PREbits
 * [28:26]; ICH_VMCR_EL2 VPMR [31:24], VBPR0 [23:21], VBPR1 [20:18], VEOIM [9],
 * VCBPR [4], VFIQEn [3], VAckCtl [2], VENG1 [1], VENG0 [0]; ICH_LR<n>_EL2
 * State [63:62], HW [61], Group [60], NMI [59], Priority [55:48], pINTID
 * [44:32], EOI [41], vINTID [31:0]; ICC_CTLR_EL1 (ICV_CTLR_EL1) A3V [15],
 * SEIS [14], IDbits [13:11], PRIbits [10:8], EOImode [1], CBPR [0].
 */
#include <stdint.h>

#include "unit.h"
#include "vgic/vgic_vmcr.h"

UNIT_STATE;

/* QEMU 7.2's cortex-a57 and max: 4 LRs, TDS, A3V, IDbits 1, PREbits 5, PRIbits 5. */
#define VTR_QEMU UINT64_C(0x90A80003)
/* PRIbits 8 (7 << 29 = 0xE0000000), PREbits 7 (6 << 26 = 0x18000000). */
#define VTR_8_7  UINT64_C(0xF8000000)
/* PRIbits 6 (5 << 29 = 0xA0000000), PREbits 6 (5 << 26 = 0x14000000). */
#define VTR_6_6  UINT64_C(0xB4000000)

static void test_shape(void)
{
    struct vgic_vif_shape s = vgic_vif_shape(VTR_QEMU);
    EXPECT_EQ(s.pribits, 5);
    EXPECT_EQ(s.prebits, 5);
    EXPECT_EQ(vgic_vif_nr_aprs(s), 1);
    EXPECT_EQ(vgic_vif_min_vbpr0(s), 2);
    EXPECT_EQ(vgic_vif_min_vbpr1(s), 3);

    s = vgic_vif_shape(VTR_8_7);
    EXPECT_EQ(s.pribits, 8);
    EXPECT_EQ(s.prebits, 7);
    EXPECT_EQ(vgic_vif_nr_aprs(s), 4);
    EXPECT_EQ(vgic_vif_min_vbpr0(s), 0);
    EXPECT_EQ(vgic_vif_min_vbpr1(s), 1);

    s = vgic_vif_shape(VTR_6_6);
    EXPECT_EQ(vgic_vif_nr_aprs(s), 2);
    EXPECT_EQ(vgic_vif_min_vbpr0(s), 1);
    EXPECT_EQ(vgic_vif_min_vbpr1(s), 2);

    /* Out of the architecture's ranges: PREbits 8 (7 << 26) becomes 7. */
    s = vgic_vif_shape(UINT64_C(0xFC000000));
    EXPECT_EQ(s.pribits, 8);
    EXPECT_EQ(s.prebits, 7);
    /* PREbits 7 (6 << 26) above PRIbits 5 (4 << 29): PREbits 5. */
    s = vgic_vif_shape(UINT64_C(0x98000000));
    EXPECT_EQ(s.pribits, 5);
    EXPECT_EQ(s.prebits, 5);
    /* PRIbits 3 (2 << 29), PREbits 4 (3 << 26): both 5. */
    s = vgic_vif_shape(UINT64_C(0x4C000000));
    EXPECT_EQ(s.pribits, 5);
    EXPECT_EQ(s.prebits, 5);
}

static void test_vmcr(void)
{
    struct vgic_vif_shape q = vgic_vif_shape(VTR_QEMU);
    struct vgic_vif_shape w = vgic_vif_shape(VTR_8_7);

    /* vgic.c's reset value 0: VFIQEn 0x8, VCBPR 0x10, VBPR0 2 (0x400000), VBPR1 3 (0xC0000). */
    EXPECT_EQ(vgic_vmcr_sanitise(0, q), 0x4C0018);
    /* 8 priority, 7 preemption bits: VFIQEn, VCBPR, VBPR0 0, VBPR1 1 (0x40000). */
    EXPECT_EQ(vgic_vmcr_sanitise(0, w), 0x40018);
    /* Every bit set: VENG0/1, VCBPR, VEOIM, VFIQEn (0x21B), VBPR0 at its minimum 2
     * (0x400000) or 0, VBPR1 7 (0x1C0000), VPMR 0xF8 (5 bits) or 0xFF; VAckCtl and every
     * RES0 bit dropped. */
    EXPECT_EQ(vgic_vmcr_sanitise(UINT64_MAX, q), 0xF85C021B);
    EXPECT_EQ(vgic_vmcr_sanitise(UINT64_MAX, w), 0xFF1C021B);
    /* VCBPR clear in the guest view: set in hardware all the same. */
    EXPECT_EQ(vgic_vmcr_sanitise(0x10, q), 0x4C0018);
    /* VPMR 0xFF, VBPR0 5 (0xA00000) -> 2 (0x400000), VBPR1 4 (0x100000) kept, VENG1:
     * VPMR cut to 0xF8 on QEMU's shape. */
    EXPECT_EQ(vgic_vmcr_sanitise(0xFFB00002, q), 0xF850001A);
    EXPECT_EQ(vgic_vmcr_sanitise(0xFFB00002, w), 0xFF10001A);
    /* VBPR1 1 and VBPR0 1 (0x240000) on QEMU's shape: 3 and 2. */
    EXPECT_EQ(vgic_vmcr_sanitise(0x240000, q), 0x4C0018);
    /* A value QEMU holds after a guest's ICC_BPR1_EL1 = 8 with VCBPR 0 (VBPR1 0), VPMR
     * 0xF0, VBPR0 2, VENG1, VFIQEn: 0xF040000A -> VBPR1 3, VCBPR 1. */
    EXPECT_EQ(vgic_vmcr_sanitise(0xF040000A, q), 0xF04C001A);
}

/* Over many values: the result is a fixed point, with every field in range. */
static void test_vmcr_properties(void)
{
    static const uint64_t vtrs[] = {VTR_QEMU, VTR_8_7, VTR_6_6};
    uint64_t x = 0x243F6A8885A308D3ULL;
    unsigned bad = 0;

    for (unsigned t = 0; t < 3; t++) {
        struct vgic_vif_shape s = vgic_vif_shape(vtrs[t]);
        for (unsigned i = 0; i < 100000; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            uint64_t v = vgic_vmcr_sanitise(x, s);
            unsigned bpr0 = (unsigned)(v >> 21) & 7;
            unsigned bpr1 = (unsigned)(v >> 18) & 7;
            unsigned pmr = (unsigned)(v >> 24) & 0xFF;
            bad += vgic_vmcr_sanitise(v, s) != v;
            bad += bpr0 != vgic_vif_min_vbpr0(s) || bpr1 < vgic_vif_min_vbpr1(s);
            bad += (pmr & (0xFFU >> s.pribits)) != 0;
            bad += (v & ~UINT64_C(0xFFFC021B)) != 0 || (v & 0x18) != 0x18;
            /* VENG0/1 and VEOIM come through; VCBPR (0x10) is always 1. */
            bad += (v & 0x203) != (x & 0x203);
        }
    }
    EXPECT_EQ(bad, 0);
}

/* The guest view: the hardware's value, but VCBPR is the guest's CBPR. */
static void test_view(void)
{
    /* Hardware 0xF04C001A (VCBPR 1); the guest's CBPR 0 or 1. */
    EXPECT_EQ(vgic_vmcr_view(0xF04C001A, 0), 0xF04C000A);
    EXPECT_EQ(vgic_vmcr_view(0xF04C001A, 0x10), 0xF04C001A);
    /* Only VCBPR comes from the old view. */
    EXPECT_EQ(vgic_vmcr_view(0xF04C000A, UINT64_MAX & ~UINT64_C(0x10)), 0xF04C000A);
    EXPECT_EQ(vgic_vmcr_view(0, UINT64_MAX), 0x10);
}

static void test_ctlr(void)
{
    struct vgic_vif_shape q = vgic_vif_shape(VTR_QEMU);
    struct vgic_vif_shape w = vgic_vif_shape(VTR_8_7);

    /* QEMU: PRIbits 4 (0x400), IDbits 1 (0x800), A3V (0x8000), as QEMU's own icv_ctlr_read. */
    EXPECT_EQ(vgic_icc_ctlr_read(0, q), 0x8C00);
    /* EOImode (VEOIM 0x200) and CBPR (VCBPR 0x10) from the view. */
    EXPECT_EQ(vgic_icc_ctlr_read(0x200, q), 0x8C02);
    EXPECT_EQ(vgic_icc_ctlr_read(0x10, q), 0x8C01);
    EXPECT_EQ(vgic_icc_ctlr_read(UINT64_MAX, q), 0x8C03);
    /* PRIbits 7 (0x700), IDbits 0, no A3V, no SEIS. */
    EXPECT_EQ(vgic_icc_ctlr_read(0, w), 0x700);
    /* SEIS (VTR bit 22) -> CTLR bit 14; IDbits 1 (VTR bit 23) -> CTLR bit 11. */
    EXPECT_EQ(vgic_icc_ctlr_read(0, vgic_vif_shape(VTR_8_7 | 0xC00000)), 0x4F00);

    /* Writes: EOImode (bit 1) -> VEOIM, CBPR (bit 0) -> VCBPR; nothing else. */
    EXPECT_EQ(vgic_icc_ctlr_write(0xF04C001A, 0x2), 0xF04C020A);
    EXPECT_EQ(vgic_icc_ctlr_write(0xF04C000A, 0x1), 0xF04C001A);
    EXPECT_EQ(vgic_icc_ctlr_write(0xF04C021A, 0), 0xF04C000A);
    EXPECT_EQ(vgic_icc_ctlr_write(0, UINT64_MAX), 0x210);
    EXPECT_EQ(vgic_icc_ctlr_write(0, UINT64_MAX & ~UINT64_C(3)), 0);
}

static void test_pmr(void)
{
    struct vgic_vif_shape q = vgic_vif_shape(VTR_QEMU);
    struct vgic_vif_shape w = vgic_vif_shape(VTR_8_7);

    /* PMR 0xA7 with RES0 bits [63:8] set: VPMR 0xA0 (5 bits) or 0xA7 (8 bits). */
    EXPECT_EQ(vgic_icc_pmr_write(0, UINT64_C(0xFFFFFFFF000000A7), q), 0xA0000000);
    EXPECT_EQ(vgic_icc_pmr_write(0, UINT64_C(0xFFFFFFFF000000A7), w), 0xA7000000);
    /* Only VPMR changes. */
    EXPECT_EQ(vgic_icc_pmr_write(0xF04C021A, 0x5A, q), 0x584C021A);
    EXPECT_EQ(vgic_icc_pmr_read(0x584C021A), 0x58);
    EXPECT_EQ(vgic_icc_pmr_read(UINT64_MAX), 0xFF);
}

static void test_rpr(void)
{
    struct vgic_vif_shape q = vgic_vif_shape(VTR_QEMU);
    struct vgic_vif_shape w = vgic_vif_shape(VTR_8_7);
    struct vgic_vif_shape m = vgic_vif_shape(VTR_6_6);
    uint32_t ap0[4] = {0};
    uint32_t ap1[4] = {0};

    EXPECT_EQ(vgic_icc_rpr(ap0, ap1, q), 0xFF);
    /* 5 preemption bits: AP1R0 bit 10 is priority 10 << 3 = 0x50. */
    ap1[0] = 1U << 10;
    EXPECT_EQ(vgic_icc_rpr(ap0, ap1, q), 0x50);
    /* The lowest set bit of either group wins: AP0R0 bit 31, AP1R0 bits 10 and 12. */
    ap0[0] = 1U << 31;
    ap1[0] |= 1U << 12;
    EXPECT_EQ(vgic_icc_rpr(ap0, ap1, q), 0x50);
    ap1[0] = 1U << 12;
    EXPECT_EQ(vgic_icc_rpr(ap0, ap1, q), 0x60);
    /* Bit 31 alone: 0xF8. */
    ap1[0] = 0;
    EXPECT_EQ(vgic_icc_rpr(ap0, ap1, q), 0xF8);
    /* 7 preemption bits, 4 registers: AP1R2 bit 0 is level 64, 64 << 1 = 0x80. */
    ap0[0] = 0;
    ap1[2] = 1;
    EXPECT_EQ(vgic_icc_rpr(ap0, ap1, w), 0x80);
    /* QEMU's shape implements AP1R0 only: AP1R2 is not looked at. */
    EXPECT_EQ(vgic_icc_rpr(ap0, ap1, q), 0xFF);
    /* 6 preemption bits: AP1R1 bit 0 is level 32, 32 << 2 = 0x80; AP1R3 bit 31 (level 127)
     * with 7 bits: 0xFE. */
    ap1[2] = 0;
    ap1[1] = 1;
    EXPECT_EQ(vgic_icc_rpr(ap0, ap1, m), 0x80);
    ap1[1] = 0;
    ap1[3] = 1U << 31;
    EXPECT_EQ(vgic_icc_rpr(ap0, ap1, w), 0xFE);
}

static void test_lr(void)
{
    struct vgic_vif_shape q = vgic_vif_shape(VTR_QEMU);
    struct vgic_vif_shape w = vgic_vif_shape(VTR_8_7);

    /* vINTID 33, EOI, priority 0xA0, Group 1, pending: already reachable. */
    EXPECT_EQ(vgic_lr_sanitise(UINT64_C(0x50A0020000000021), q), UINT64_C(0x50A0020000000021));
    /* The same with RES0 junk: NMI and [58:56] 0x0F00000000000000, [47:42]
     * 0xFC0000000000, [40:32] 0x1FF00000000. */
    EXPECT_EQ(vgic_lr_sanitise(UINT64_C(0x5FA0FFFF00000021), q), UINT64_C(0x50A0020000000021));
    /* Priority 0xFF: 0xF8 with 5 bits, 0xFF with 8. */
    EXPECT_EQ(vgic_lr_sanitise(UINT64_C(0x50FF000000000021), q), UINT64_C(0x50F8000000000021));
    EXPECT_EQ(vgic_lr_sanitise(UINT64_C(0x50FF000000000021), w), UINT64_C(0x50FF000000000021));
    /* HW: vINTID 27, pINTID 27 (0x1B << 32), priority 0xFF, Group 1, pending and active:
     * active only, priority 0xF8. */
    EXPECT_EQ(vgic_lr_sanitise(UINT64_C(0xF0FF001B0000001B), q), UINT64_C(0xB0F8001B0000001B));
    /* HW pINTID 0x1FFF (all 13 bits) kept, including bit 41. */
    EXPECT_EQ(vgic_lr_sanitise(UINT64_C(0x60A01FFF0000001B), q), UINT64_C(0x60A01FFF0000001B));
    /* Not HW: pending and active is reachable and stays. */
    EXPECT_EQ(vgic_lr_sanitise(UINT64_C(0xD0A0000000000005), q), UINT64_C(0xD0A0000000000005));
    EXPECT_EQ(vgic_lr_sanitise(0, q), 0);
}

int main(void)
{
    test_shape();
    test_vmcr();
    test_vmcr_properties();
    test_view();
    test_ctlr();
    test_pmr();
    test_rpr();
    test_lr();
    return unit_report("vgic_vmcr");
}
