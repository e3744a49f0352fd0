/*
 * The C half of bench/stub_counts.py: three of libsel4's invocation stubs (static inline
 * functions in <sel4/sel4.h>) compiled into non-inline functions, so that the disassembly has
 * one symbol per stub. Each returns the seL4_Error as a word, as the Rust half
 * (rust/src/lib.rs) does with the typed API. The frame map is the architecture's.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <sel4/sel4.h>

seL4_Word stub_untyped_retype(seL4_CPtr untyped, seL4_Word slot)
{
    return seL4_Untyped_Retype(untyped, seL4_EndpointObject, 0, seL4_CapInitThreadCNode, 0, 0, slot, 1);
}

seL4_Word stub_tcb_suspend(seL4_CPtr tcb)
{
    return seL4_TCB_Suspend(tcb);
}

seL4_Word stub_page_map(seL4_CPtr page, seL4_Word vaddr)
{
#if defined(CONFIG_ARCH_ARM)
    return seL4_ARM_Page_Map(page, seL4_CapInitThreadVSpace, vaddr, seL4_ReadWrite, seL4_ARM_Default_VMAttributes);
#elif defined(CONFIG_ARCH_RISCV)
    return seL4_RISCV_Page_Map(page, seL4_CapInitThreadVSpace, vaddr, seL4_ReadWrite, seL4_RISCV_Default_VMAttributes);
#elif defined(CONFIG_ARCH_X86)
    return seL4_X86_Page_Map(page, seL4_CapInitThreadVSpace, vaddr, seL4_ReadWrite, seL4_X86_Default_VMAttributes);
#else
#error "no frame map stub for this architecture"
#endif
}
