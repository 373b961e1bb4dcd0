/*
 * imgprep: turns a kernel image named on the CMake command line into a VM
 * configuration, the way QEMU's -kernel/-append/-initrd work, so that a user
 * boots any AArch64 image under shrike without writing C:
 *
 *   imgprep SYM NAME FORMAT IMAGE LOAD_ADDR VCPUS RAM_MB BOOTARGS INITRD OUT.c OUT.bin
 *
 * FORMAT is elf, image (arm64 Linux Image), raw or auto (detected from the
 * file). OUT.bin is the flat image shrike loads; OUT.c its config/vms-style
 * configuration (VM_CONFIG(SYM)). OUT.bin "-" makes an Image or raw file its
 * own flat image, so that VMs booting the same kernel link it into shrike once.
 * BOOTARGS goes to /chosen/bootargs as given: "" is an empty command line
 * (QEMU's -kernel without -append). INITRD may be "" (none). Errors name the
 * problem and exit non-zero, so a bad image fails the build, not the boot.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vcpu/abi.h"

#define MIB               (1ULL << 20)
#define ARM64_IMAGE_MAGIC 0x644D5241U /* "ARM\x64" at offset 56 */
#define ARM64_LOAD_BASE   (2 * MIB)   /* Image goes at a 2 MiB-aligned base + text_offset */

struct image {
    uint8_t *data;
    size_t size;
};

struct layout {
    uint8_t *flat;
    size_t flat_size;
    uint64_t load_offset;  /* from the start of guest RAM */
    uint64_t entry_offset; /* from the start of guest RAM */
    uint64_t footprint;    /* bytes the image occupies once running (Image: image_size) */
};

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "imgprep: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    exit(1);
}

static struct image read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        die("cannot open %s", path);
    }
    struct image img = {0};
    fseek(f, 0, SEEK_END);
    img.size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    img.data = malloc(img.size ? img.size : 1);
    if (!img.data || fread(img.data, 1, img.size, f) != img.size) {
        die("cannot read %s", path);
    }
    fclose(f);
    return img;
}

static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static const char *detect(const struct image *img)
{
    if (img->size >= 64 && memcmp(img->data, "\177ELF", 4) == 0) {
        return "elf";
    }
    if (img->size >= 64 && le(img->data + 56, 4) == ARM64_IMAGE_MAGIC) {
        return "image";
    }
    return "raw";
}

/* ELF64 little-endian AArch64: PT_LOAD segments laid out flat from the lowest physical address. */
static const uint8_t *elf_phdr(const struct image *img, unsigned i)
{
    const uint8_t *h = img->data;
    uint64_t phoff = le(h + 32, 8), phentsize = le(h + 54, 2);
    if (phoff + (i + 1) * phentsize > img->size) {
        die("%s", "program headers run past the end of the file");
    }
    return h + phoff + i * phentsize;
}

static struct layout from_elf(const struct image *img)
{
    const uint8_t *h = img->data;
    if (h[4] != 2 || h[5] != 1 || le(h + 18, 2) != 183) {
        die("%s", "not a little-endian ELF64 for AArch64");
    }
    unsigned phnum = (unsigned)le(h + 56, 2);
    uint64_t lo = UINT64_MAX, hi = 0, entry = le(h + 24, 8);
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = elf_phdr(img, i);
        uint64_t paddr = le(ph + 24, 8), memsz = le(ph + 40, 8);
        if (le(ph, 4) != 1) { /* PT_LOAD only */
            continue;
        }
        if (le(ph + 8, 8) + le(ph + 32, 8) > img->size) {
            die("%s", "a segment runs past the end of the file");
        }
        lo = paddr < lo ? paddr : lo;
        hi = paddr + memsz > hi ? paddr + memsz : hi;
    }
    if (lo == UINT64_MAX || lo < GUEST_RAM_BASE) {
        die("%s", "no loadable segment in guest RAM (it starts at 0x40000000)");
    }
    if (entry < lo || entry >= hi) {
        die("%s", "the entry point is outside the loaded segments");
    }
    struct layout l = {.flat_size = (size_t)(hi - lo),
                       .load_offset = lo - GUEST_RAM_BASE,
                       .entry_offset = entry - GUEST_RAM_BASE,
                       .footprint = hi - lo};
    l.flat = calloc(1, l.flat_size);
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = elf_phdr(img, i);
        if (le(ph, 4) == 1) {
            memcpy(l.flat + (le(ph + 24, 8) - lo), h + le(ph + 8, 8), le(ph + 32, 8));
        }
    }
    return l;
}

/* arm64 Linux Image (Documentation/arch/arm64/booting.rst): text_offset at 8, image_size at 16. */
static struct layout from_arm64_image(const struct image *img)
{
    uint64_t text_offset = le(img->data + 8, 8);
    uint64_t image_size = le(img->data + 16, 8);
    if (image_size == 0) {
        text_offset = 0x80000; /* kernels before 3.17 */
    }
    struct layout l = {
        .flat = img->data, .flat_size = img->size, .load_offset = ARM64_LOAD_BASE + text_offset};
    l.entry_offset = l.load_offset;
    l.footprint = image_size > img->size ? image_size : img->size;
    return l;
}

static struct layout from_raw(const struct image *img, uint64_t load_addr)
{
    if (load_addr < GUEST_RAM_BASE) {
        die("%s", "a raw image's load address must be in guest RAM (from 0x40000000)");
    }
    return (struct layout){.flat = img->data,
                           .flat_size = img->size,
                           .load_offset = load_addr - GUEST_RAM_BASE,
                           .entry_offset = load_addr - GUEST_RAM_BASE,
                           .footprint = img->size};
}

static void write_bin(const char *path, const struct layout *l)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(l->flat, 1, l->flat_size, f) != l->flat_size || fclose(f) != 0) {
        die("cannot write %s", path);
    }
}

static void c_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            fputc('\\', f);
        }
        fputc(*s, f);
    }
    fputc('"', f);
}

int main(int argc, char **argv)
{
    bool pmu = argc == 13 && strcmp(argv[12], "pmu") == 0;
    if (argc != 12 && !pmu) {
        fprintf(stderr, "usage: imgprep SYM NAME FORMAT IMAGE LOAD_ADDR VCPUS RAM_MB BOOTARGS "
                        "INITRD OUT.c OUT.bin [pmu]\n");
        return 2;
    }
    const char *sym = argv[1], *name = argv[2], *format = argv[3], *initrd = argv[9];
    struct image img = read_file(argv[4]);
    uint64_t load_addr = strtoull(argv[5], 0, 0), ram = strtoull(argv[7], 0, 0) * MIB;
    unsigned vcpus = (unsigned)strtoul(argv[6], 0, 0);
    if (strcmp(format, "auto") == 0) {
        format = detect(&img);
    }
    if (strcmp(argv[11], "-") == 0 && strcmp(format, "elf") == 0) {
        die("%s", "an ELF image needs an OUT.bin to flatten into");
    }
    struct layout l = strcmp(format, "elf") == 0     ? from_elf(&img)
                      : strcmp(format, "image") == 0 ? from_arm64_image(&img)
                      : strcmp(format, "raw") == 0   ? from_raw(&img, load_addr)
                                                     : (die("unknown format %s", format), l);
    uint64_t initrd_size = 0, initrd_offset = 0;
    if (*initrd) {
        initrd_size = read_file(initrd).size;
        initrd_offset = guest_initrd_offset(ram, l.load_offset + l.footprint); /* as QEMU does */
    }
    /* The DTB follows, 2 MiB aligned (vcpu/abi.h); shrike checks that its bytes fit too. */
    uint64_t dtb_offset =
        guest_dtb_offset(ram, l.load_offset + l.footprint, initrd_offset + initrd_size);
    if (l.load_offset + l.footprint > ram || dtb_offset >= ram || vcpus == 0) {
        die("%s",
            "the image, initrd and DTB do not fit in the VM's RAM: raise SHRIKE_USER_VM_RAM_MB");
    }
    const char *flat = argv[11];
    if (strcmp(flat, "-") == 0) {
        flat = argv[4];
    } else {
        write_bin(flat, &l);
    }
    FILE *f = fopen(argv[10], "w");
    if (!f) {
        die("cannot write %s", argv[10]);
    }
    fprintf(f, "/* Generated by scripts/imgprep.c from %s (%s): do not edit. */\n", argv[4],
            format);
    fprintf(f, "#include \"config/vm_config.h\"\n\nVM_CONFIG(%s) = {\n    .name = ", sym);
    c_string(f, name);
    fprintf(f, ",\n    .vcpus = %u,\n    .affinity = VM_FLOATING,\n", vcpus);
    fprintf(f, "    .ram_size = %" PRIu64 "ULL,\n", ram);
    fprintf(f, "    .stage2 = {.ipa_bits = 40, .start_level = 1},\n");
    fprintf(f, "    .load_offset = %#" PRIx64 ",\n    .entry_offset = %#" PRIx64 ",\n",
            l.load_offset, l.entry_offset);
    fprintf(f, "    .image_footprint = %#" PRIx64 ",\n", l.footprint);
    fprintf(f, "    .bootargs = ");
    c_string(f, argv[8]);
    if (pmu) {
        fprintf(f, ",\n    .pmu = true");
    }
    fprintf(f, ",\n    .image_file = ");
    c_string(f, flat);
    if (*initrd) {
        fprintf(f, ",\n    .initrd_file = ");
        c_string(f, initrd);
        fprintf(f, ",\n    .initrd_offset = %#" PRIx64 ",\n    .initrd_size = %" PRIu64,
                initrd_offset, initrd_size);
    }
    fprintf(f, ",\n    VM_BLOBS(%s),\n};\n", sym);
    return fclose(f) == 0 ? 0 : 1;
}
