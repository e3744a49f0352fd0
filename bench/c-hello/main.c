/*
 * c-hello: apps/hello written in C, the reference for bench/build_bench.py's size comparison.
 *
 * Greets, lists the initial untyped memory from the boot information with the same lines as
 * the Rust hello, and suspends itself. printf goes through musllibc and sel4muslcsys to the
 * kernel's debug console.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <stdio.h>

#include <sel4/sel4.h>
#include <sel4runtime.h>

int main(void)
{
    printf("Hello from C on seL4!\n");

    const seL4_BootInfo *info = sel4runtime_bootinfo();
    if (info == NULL) {
        printf("c-hello: no boot information\n");
    } else {
        printf("c-hello: node %lu of %lu, CNode of 2^%lu slots, empty slots %lu..%lu (%lu free)\n",
               (unsigned long)info->nodeID, (unsigned long)info->numNodes,
               (unsigned long)info->initThreadCNodeSizeBits, (unsigned long)info->empty.start,
               (unsigned long)info->empty.end, (unsigned long)(info->empty.end - info->empty.start));

        seL4_Word count = info->untyped.end - info->untyped.start;
        printf("c-hello: %lu untyped objects in slots %lu..%lu:\n", (unsigned long)count,
               (unsigned long)info->untyped.start, (unsigned long)info->untyped.end);
        seL4_Word ram_bytes = 0;
        for (seL4_Word i = 0; i < count; i++) {
            const seL4_UntypedDesc *ut = &info->untypedList[i];
            printf("  untyped %3lu: slot %4lu paddr 0x%012lx size_bits %2u %s\n", (unsigned long)i,
                   (unsigned long)(info->untyped.start + i), (unsigned long)ut->paddr,
                   (unsigned)ut->sizeBits, ut->isDevice ? "device" : "ram");
            if (!ut->isDevice) {
                seL4_Word size = (seL4_Word)1 << ut->sizeBits;
                ram_bytes = (ram_bytes > (seL4_Word)-1 - size) ? (seL4_Word)-1 : ram_bytes + size;
            }
        }
        printf("c-hello: %lu bytes of untyped RAM\n", (unsigned long)ram_bytes);
    }

    printf("c-hello: done, suspending\n");
    fflush(stdout);
    /* A root server's main must not return under sel4runtime: stop this thread. */
    seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    for (;;) {
        seL4_Yield();
    }
    return 0;
}
