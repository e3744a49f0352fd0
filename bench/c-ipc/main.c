/*
 * c-ipc: the C side of bench/ipc_bench.py, an IPC round trip between two threads of one
 * address space, with libsel4, sel4runtime and musllibc only (no seL4_libs allocators).
 *
 * The root thread creates a second thread (the server) from the boot information's untyped
 * memory: an endpoint, a TCB, and a 4 KiB frame for the server's IPC buffer, mapped into the
 * root VSpace. The server waits on the endpoint with seL4_Recv, then loops on seL4_ReplyRecv,
 * answering every 1-word message with that word plus one. The root thread (the client) makes
 * WARMUP seL4_Calls, each sending the previous answer, reads the ARM generic timer's virtual
 * counter, makes ITERATIONS more, reads it again, and prints both readings and the counter
 * frequency in the line that bench/ipc_bench.py parses (apps/ipc-bench, in Rust, prints the
 * same):
 *
 *     ipc-bench: lang=C iterations=<N> counter_start=<a> counter_end=<b> counter_freq=<f>
 *     ipc-bench: done
 *
 * Under QEMU's -icount shift=0 the counter advances exactly with the instructions executed
 * (kernel and user), so (b - a) * 1e9 / f / N is the instructions per round trip. The kernel
 * must grant user access to the counter (KernelArmExportVCNTUser).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <stdint.h>
#include <stdio.h>

#include <sel4/sel4.h>
#include <sel4runtime.h>

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

static inline uint64_t read_cntvct(void)
{
    uint64_t v;
    /* isb: the read must not be taken early, before the instructions before it completed. */
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
    return v;
}

static inline uint64_t read_cntfrq(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

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

/* Map `frame` at `vaddr` in the root VSpace, adding page tables while a level is missing. */
static void map_frame(seL4_CPtr untyped, seL4_CPtr frame, seL4_Word vaddr)
{
    for (int tables = 0;; tables++) {
        seL4_Error err = seL4_ARM_Page_Map(frame, seL4_CapInitThreadVSpace, vaddr, seL4_ReadWrite,
                                           seL4_ARM_Default_VMAttributes);
        if (err == seL4_NoError) {
            return;
        }
        /* aarch64 has at most three levels below the VSpace root. */
        if (err != seL4_FailedLookup || tables == 3) {
            fail("seL4_ARM_Page_Map", err);
        }
        seL4_CPtr pt = retype(untyped, seL4_ARM_PageTableObject, 0);
        err = seL4_ARM_PageTable_Map(pt, seL4_CapInitThreadVSpace, vaddr, seL4_ARM_Default_VMAttributes);
        if (err != seL4_NoError) {
            fail("seL4_ARM_PageTable_Map", err);
        }
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
    seL4_CPtr ipc_frame = retype(untyped, seL4_ARM_SmallPageObject, 0);
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
    regs.pc = (seL4_Word)server;
    regs.sp = (seL4_Word)(server_stack + sizeof(server_stack));
    regs.tpidr_el0 = tls_base;
    err = seL4_TCB_WriteRegisters(tcb, 0, 0, sizeof(regs) / sizeof(seL4_Word), &regs);
    if (err != seL4_NoError) {
        fail("seL4_TCB_WriteRegisters", err);
    }
    /* After WriteRegisters, which also writes the thread ID registers. */
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
    uint64_t start = read_cntvct();
    last = round_trips(ITERATIONS);
    uint64_t end = read_cntvct();
    if (last != ITERATIONS) {
        fail("wrong answer", (long)last);
    }

    printf("ipc-bench: lang=C iterations=%lu counter_start=%lu counter_end=%lu counter_freq=%lu\n",
           (unsigned long)ITERATIONS, (unsigned long)start, (unsigned long)end, (unsigned long)read_cntfrq());
    printf("ipc-bench: done\n");
    fflush(stdout);
    /* A root server's main must not return under sel4runtime: stop this thread. */
    seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    for (;;) {
        seL4_Yield();
    }
    return 0;
}
