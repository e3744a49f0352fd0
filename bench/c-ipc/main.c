/*
 * c-ipc: the C side of bench/ipc_bench.py, an IPC round trip between two threads of one
 * address space, with libsel4, sel4runtime and musllibc only (no seL4_libs allocators).
 *
 * The root thread creates a second thread (the server) from the boot information's untyped
 * memory: an endpoint, a TCB, and a 4 KiB frame for the server's IPC buffer, mapped into the
 * root VSpace. The server waits on the endpoint with seL4_Recv, then loops on seL4_ReplyRecv,
 * answering every 1-word message with that word plus one. The root thread (the client) makes
 * WARMUP seL4_Calls, each sending the previous answer, reads a counter (the Arm generic
 * timer's virtual count, RISC-V's time CSR, x86's TSC: see "The counter" below, the same as
 * apps/ipc-bench/src/counter.rs), makes ITERATIONS more, reads it again, and prints both
 * readings and the counter frequency in the line that bench/ipc_bench.py parses
 * (apps/ipc-bench, in Rust, prints the same):
 *
 *     ipc-bench: lang=C iterations=<N> counter_start=<a> counter_end=<b> counter_freq=<f>
 *     ipc-bench: done
 *
 * Under QEMU's -icount shift=0 each counter follows the virtual clock, which advances 1 ns per
 * instruction (kernel and user), so (b - a) * 1e9 / f / N is the instructions per round trip.
 * On Arm the kernel must grant user access to the counter (KernelArmExportVCNTUser).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <stdint.h>
#include <stdio.h>

#include <sel4/sel4.h>
#include <sel4runtime.h>
#if defined(CONFIG_ARCH_X86_64)
/* seL4_MappingFailedLookupLevel: <sel4/sel4.h> leaves it out on x86-64. */
#include <sel4/sel4_arch/mapping.h>
#endif

#define ITERATIONS 10000
#define WARMUP 100

/* Where the server's IPC buffer is mapped: far from the root server's image (at 4 MiB here),
 * its IPC buffer and boot information (just above the image). */
#define SERVER_IPC_BUFFER_VADDR 0x10000000ul
#define SERVER_STACK_BYTES 16384
#define SERVER_TLS_BYTES 4096

static seL4_CPtr endpoint;
static unsigned char server_stack[SERVER_STACK_BYTES] __attribute__((aligned(16)));
static unsigned char server_tls[SERVER_TLS_BYTES] __attribute__((aligned(64)));

/* The next empty slot of the root CNode, from the boot information's empty region. */
static seL4_CPtr next_slot;
static seL4_CPtr last_slot;

/* ---- The architecture's parts ---------------------------------------------------------- */

#if defined(CONFIG_ARCH_AARCH64)

/* The isb keeps the read from being taken before the instructions before it completed. */
static inline uint64_t read_counter(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
    return v;
}

static uint64_t counter_frequency(const seL4_BootInfo *info)
{
    (void)info;
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

#elif defined(CONFIG_ARCH_AARCH32)

static inline uint64_t read_counter(void)
{
    uint32_t low, high;
    __asm__ volatile("isb\n\tmrrc p15, 1, %0, %1, c14" : "=r"(low), "=r"(high) : : "memory");
    return ((uint64_t)high << 32) | low;
}

static uint64_t counter_frequency(const seL4_BootInfo *info)
{
    (void)info;
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(v));
    return v;
}

#elif defined(CONFIG_ARCH_RISCV64)

/* The kernel leaves scounteren 0, so the read traps to OpenSBI, which emulates it (for time
 * only, without a permission check) with the CLINT's mtime. */
static inline uint64_t read_counter(void)
{
    uint64_t v;
    __asm__ volatile("rdtime %0" : "=r"(v) : : "memory");
    return v;
}

/* mtime's frequency is the platform's timebase, which the kernel configuration records. */
static uint64_t counter_frequency(const seL4_BootInfo *info)
{
    (void)info;
    return CONFIG_TIMER_FREQUENCY;
}

#elif defined(CONFIG_ARCH_X86_64)

/* The lfence keeps rdtsc from running before the instructions before it completed. */
static inline uint64_t read_counter(void)
{
    uint32_t low, high;
    __asm__ volatile("lfence\n\trdtsc" : "=a"(low), "=d"(high) : : "memory");
    return ((uint64_t)high << 32) | low;
}

/* The TSC frequency the kernel measured at boot (extra boot information, in MHz); 0 when it is
 * not there. */
static uint64_t counter_frequency(const seL4_BootInfo *info)
{
    const char *extra = (const char *)info + ((seL4_Word)1 << seL4_BootInfoFrameBits);
    for (seL4_Word at = 0; at + sizeof(seL4_BootInfoHeader) <= info->extraLen;) {
        const seL4_BootInfoHeader *header = (const seL4_BootInfoHeader *)(extra + at);
        if (header->len < sizeof(*header)) {
            break;
        }
        if (header->id == SEL4_BOOTINFO_HEADER_X86_TSC_FREQ) {
            return (uint64_t)*(const uint32_t *)(header + 1) * 1000000;
        }
        at += header->len;
    }
    return 0;
}

#else
#error "c-ipc reads a counter of aarch64, aarch32, riscv64 or x86_64 only"
#endif

static void fail(const char *what, long err)
{
    printf("ipc-bench: error: %s (%ld)\n", what, err);
    fflush(stdout);
    seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    for (;;) {
        seL4_Yield();
    }
}

/* One object of `type` from `untyped` into the next empty slot; its slot. */
static seL4_CPtr retype(seL4_CPtr untyped, seL4_Word type, seL4_Word size_bits)
{
    if (next_slot >= last_slot) {
        fail("no empty slots left", (long)next_slot);
    }
    seL4_CPtr slot = next_slot++;
    seL4_Error err = seL4_Untyped_Retype(untyped, type, size_bits, seL4_CapInitThreadCNode, 0, 0, slot, 1);
    if (err != seL4_NoError) {
        fail("seL4_Untyped_Retype", err);
    }
    return slot;
}

#if defined(CONFIG_ARCH_ARM)
#define SMALL_PAGE_OBJECT seL4_ARM_SmallPageObject
#define PAGE_MAP seL4_ARM_Page_Map
#define DEFAULT_ATTRIBUTES seL4_ARM_Default_VMAttributes
#elif defined(CONFIG_ARCH_RISCV)
#define SMALL_PAGE_OBJECT seL4_RISCV_4K_Page
#define PAGE_MAP seL4_RISCV_Page_Map
#define DEFAULT_ATTRIBUTES seL4_RISCV_Default_VMAttributes
#elif defined(CONFIG_ARCH_X86)
#define SMALL_PAGE_OBJECT seL4_X86_4K
#define PAGE_MAP seL4_X86_Page_Map
#define DEFAULT_ATTRIBUTES seL4_X86_Default_VMAttributes
#endif

/* Create and map the paging structure whose absence made a mapping at `vaddr` fail. */
static void map_paging_structure(seL4_CPtr untyped, seL4_Word vaddr)
{
    seL4_Error err;
#if defined(CONFIG_ARCH_ARM)
    err = seL4_ARM_PageTable_Map(retype(untyped, seL4_ARM_PageTableObject, 0), seL4_CapInitThreadVSpace, vaddr,
                                 DEFAULT_ATTRIBUTES);
#elif defined(CONFIG_ARCH_RISCV)
    err = seL4_RISCV_PageTable_Map(retype(untyped, seL4_RISCV_PageTableObject, 0), seL4_CapInitThreadVSpace, vaddr,
                                   DEFAULT_ATTRIBUTES);
#elif defined(CONFIG_ARCH_X86_64)
    /* x86-64 has three kinds below the PML4: the failed lookup's level (the address bits left
     * to translate) says which one is missing. */
    seL4_Word level = seL4_MappingFailedLookupLevel();
    if (level == SEL4_MAPPING_LOOKUP_NO_PT) {
        err = seL4_X86_PageTable_Map(retype(untyped, seL4_X86_PageTableObject, 0), seL4_CapInitThreadVSpace, vaddr,
                                     DEFAULT_ATTRIBUTES);
    } else if (level == SEL4_MAPPING_LOOKUP_NO_PD) {
        err = seL4_X86_PageDirectory_Map(retype(untyped, seL4_X86_PageDirectoryObject, 0), seL4_CapInitThreadVSpace,
                                         vaddr, DEFAULT_ATTRIBUTES);
    } else if (level == SEL4_MAPPING_LOOKUP_NO_PDPT) {
        err = seL4_X86_PDPT_Map(retype(untyped, seL4_X86_PDPTObject, 0), seL4_CapInitThreadVSpace, vaddr,
                                DEFAULT_ATTRIBUTES);
    } else {
        fail("unexpected lookup level of a failed mapping", (long)level);
        return;
    }
#endif
    if (err != seL4_NoError) {
        fail("mapping a paging structure", err);
    }
}

/* Map `frame` at `vaddr` in the root VSpace, adding paging structures while a level is missing. */
static void map_frame(seL4_CPtr untyped, seL4_CPtr frame, seL4_Word vaddr)
{
    for (int tables = 0;; tables++) {
        seL4_Error err = PAGE_MAP(frame, seL4_CapInitThreadVSpace, vaddr, seL4_ReadWrite, DEFAULT_ATTRIBUTES);
        if (err == seL4_NoError) {
            return;
        }
        /* At most three levels below the VSpace root on every architecture here. */
        if (err != seL4_FailedLookup || tables == 3) {
            fail("mapping the server's IPC buffer", err);
        }
        map_paging_structure(untyped, vaddr);
    }
}

/* The server thread: its stack, TLS (for libsel4's thread-local __sel4_ipc_buffer) and IPC
 * buffer were set up by the root thread; it only has to point libsel4 at the IPC buffer. */
static void server(void)
{
    seL4_SetIPCBuffer((seL4_IPCBuffer *)SERVER_IPC_BUFFER_VADDR);
    seL4_Word badge;
    seL4_Recv(endpoint, &badge);
    for (;;) {
        seL4_SetMR(0, seL4_GetMR(0) + 1);
        seL4_ReplyRecv(endpoint, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    }
}

static seL4_CPtr find_untyped(const seL4_BootInfo *info, seL4_Word min_bits)
{
    for (seL4_Word i = 0; i < info->untyped.end - info->untyped.start; i++) {
        const seL4_UntypedDesc *ut = &info->untypedList[i];
        if (!ut->isDevice && ut->sizeBits >= min_bits) {
            return info->untyped.start + i;
        }
    }
    fail("no untyped RAM of the size needed", (long)min_bits);
    return seL4_CapNull;
}

static void start_server(seL4_CPtr untyped)
{
    seL4_CPtr tcb = retype(untyped, seL4_TCBObject, 0);
    seL4_CPtr ipc_frame = retype(untyped, SMALL_PAGE_OBJECT, 0);
    map_frame(untyped, ipc_frame, SERVER_IPC_BUFFER_VADDR);

    seL4_Error err = seL4_TCB_Configure(tcb, seL4_CapNull, seL4_CapInitThreadCNode, 0, seL4_CapInitThreadVSpace, 0,
                                        SERVER_IPC_BUFFER_VADDR, ipc_frame);
    if (err != seL4_NoError) {
        fail("seL4_TCB_Configure", err);
    }
    /* The root thread runs at seL4_MaxPrio; the same priority for the server, as in Rust. */
    err = seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, seL4_MaxPrio);
    if (err != seL4_NoError) {
        fail("seL4_TCB_SetPriority", err);
    }

    /* A TLS block of its own: libsel4's IPC buffer pointer is thread-local here. */
    if (sel4runtime_get_tls_size() > sizeof(server_tls)) {
        fail("TLS image larger than the server's TLS area", (long)sel4runtime_get_tls_size());
    }
    seL4_Word tls_base = sel4runtime_write_tls_image(server_tls);
    if (tls_base == 0) {
        fail("sel4runtime_write_tls_image", 0);
    }

    seL4_UserContext regs = {0};
    seL4_Word stack_top = (seL4_Word)(server_stack + sizeof(server_stack));
#if defined(CONFIG_ARCH_X86_64)
    /* Entered as through a call: rsp + 8 16-byte aligned, as the System V ABI wants. */
    regs.rip = (seL4_Word)server;
    regs.rsp = stack_top - 8;
#else
    regs.pc = (seL4_Word)server;
    regs.sp = stack_top;
#endif
    err = seL4_TCB_WriteRegisters(tcb, 0, 0, sizeof(regs) / sizeof(seL4_Word), &regs);
    if (err != seL4_NoError) {
        fail("seL4_TCB_WriteRegisters", err);
    }
    /* After WriteRegisters, which also writes the thread pointer registers (zero here): the
     * kernel writes the one the configuration names. */
    err = seL4_TCB_SetTLSBase(tcb, tls_base);
    if (err != seL4_NoError) {
        fail("seL4_TCB_SetTLSBase", err);
    }
    err = seL4_TCB_Resume(tcb);
    if (err != seL4_NoError) {
        fail("seL4_TCB_Resume", err);
    }
}

/* n round trips, each sending the previous answer (0 first); the last answer, n if all were
 * right. The same loop as apps/ipc-bench's. */
static seL4_Word round_trips(seL4_Word n)
{
    seL4_Word value = 0;
    for (seL4_Word i = 0; i < n; i++) {
        seL4_SetMR(0, value);
        seL4_Call(endpoint, seL4_MessageInfo_new(0, 0, 0, 1));
        value = seL4_GetMR(0);
    }
    return value;
}

int main(void)
{
    const seL4_BootInfo *info = sel4runtime_bootinfo();
    if (info == NULL) {
        fail("no boot information", 0);
    }
    next_slot = info->empty.start;
    last_slot = info->empty.end;

    /* Room for the endpoint, the TCB, the frame and up to three page tables. */
    seL4_CPtr untyped = find_untyped(info, 16);
    endpoint = retype(untyped, seL4_EndpointObject, 0);
    start_server(untyped);

    seL4_Word last = round_trips(WARMUP);
    if (last != WARMUP) {
        fail("wrong answer after the warm-up", (long)last);
    }
    uint64_t start = read_counter();
    last = round_trips(ITERATIONS);
    uint64_t end = read_counter();
    if (last != ITERATIONS) {
        fail("wrong answer", (long)last);
    }

    /* long long: the counters have 64 bits on the 32-bit architectures too. */
    printf("ipc-bench: lang=C iterations=%d counter_start=%llu counter_end=%llu counter_freq=%llu\n", ITERATIONS,
           (unsigned long long)start, (unsigned long long)end, (unsigned long long)counter_frequency(info));
    printf("ipc-bench: done\n");
    fflush(stdout);
    /* A root server's main must not return under sel4runtime: stop this thread. */
    seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    for (;;) {
        seL4_Yield();
    }
    return 0;
}
