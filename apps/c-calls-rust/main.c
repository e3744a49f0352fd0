/*
 * c-calls-rust: a C root server that calls Rust.
 *
 * It runs on seL4's C runtime (sel4runtime, which defines _sel4_start and sets up the stack,
 * TLS and libsel4's IPC buffer pointer) and musllibc, finds untyped RAM and a free slot in
 * the boot information, and asks the Rust library (rust/, crate c_calls_rust) to retype the
 * untyped into an endpoint in that slot and to identify the new capability. The Rust code
 * invokes the kernel through the same IPC buffer as this C code.
 *
 * Output goes straight to the kernel's debug console (seL4_DebugPutChar, kernel option
 * PRINTING), formatted with musllibc's vsnprintf: printf itself would need musllibc's
 * system calls implemented (seL4_libs' sel4muslcsys) to reach the console, and Rust prints
 * the same way, so the two outputs interleave in order.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <stdarg.h>
#include <stdio.h>

#include <sel4/sel4.h>
#include <sel4runtime.h>

#include <c_calls_rust.h>

/* printf to the kernel's debug console; nothing if the kernel has no PRINTING. */
static void debug_printf(const char *format, ...) __attribute__((format(printf, 1, 2)));

static void debug_printf(const char *format, ...)
{
    char buffer[256];
    va_list args;

    va_start(args, format);
    int length = vsnprintf(buffer, sizeof(buffer), format, args);
    va_end(args);
    if (length < 0) {
        return;
    }
    if ((size_t)length >= sizeof(buffer)) {
        length = sizeof(buffer) - 1;
    }
#ifdef CONFIG_PRINTING
    for (int i = 0; i < length; i++) {
        seL4_DebugPutChar(buffer[i]);
    }
#endif
}

/*
 * The capability to the smallest untyped RAM (not device memory) object of at least
 * 2^size_bits bytes, or seL4_CapNull if there is none.
 */
static seL4_CPtr find_untyped(const seL4_BootInfo *info, seL4_Word size_bits)
{
    seL4_CPtr best = seL4_CapNull;
    seL4_Word best_size_bits = 0;
    seL4_Word count = info->untyped.end - info->untyped.start;

    for (seL4_Word i = 0; i < count; i++) {
        const seL4_UntypedDesc *desc = &info->untypedList[i];
        if (desc->isDevice || desc->sizeBits < size_bits) {
            continue;
        }
        if (best == seL4_CapNull || desc->sizeBits < best_size_bits) {
            best = info->untyped.start + i;
            best_size_bits = desc->sizeBits;
        }
    }
    return best;
}

int main(void)
{
    debug_printf("Hello from C on seL4! Calling into Rust.\n");

    seL4_BootInfo *info = sel4runtime_bootinfo();
    if (info == NULL) {
        debug_printf("c-calls-rust: no boot information\n");
    } else {
        seL4_CPtr untyped = find_untyped(info, seL4_EndpointBits);
        seL4_Word slot = info->empty.start;
        if (untyped == seL4_CapNull || slot >= info->empty.end) {
            debug_printf("c-calls-rust: no untyped RAM or no free slot\n");
        } else {
            int err = rust_retype_endpoint(untyped, slot);
            debug_printf("c-calls-rust: rust_retype_endpoint(untyped %lu, slot %lu) = %d (%s)\n",
                   (unsigned long)untyped, (unsigned long)slot, err,
                   err == seL4_NoError ? "seL4_NoError" : "error");
            if (err == seL4_NoError) {
                long type = rust_cap_object_type(slot);
                debug_printf("c-calls-rust: rust_cap_object_type(slot %lu) = %ld (seL4_EndpointObject is %d)\n",
                       (unsigned long)slot, type, (int)seL4_EndpointObject);
            }
        }
    }

    debug_printf("c-calls-rust: done, suspending\n");
    /* A root server's main must not return under sel4runtime: stop this thread. */
    seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    for (;;) {
        seL4_Yield();
    }
}
