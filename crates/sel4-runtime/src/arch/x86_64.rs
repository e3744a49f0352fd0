//! x86-64: `_sel4_start`, the TLS layout (ELF TLS variant 2) and a new thread's registers.
//!
//! The thread pointer is the FS segment base. The root thread writes it with `wrfsbase` when
//! the kernel lets user code do so (`KernelFSGSBase=inst`, configuration `FSGSBASE_INST`),
//! otherwise through the kernel (see `set_tls_base_through_kernel`); new threads get it in
//! their register set (`fs_base`).

use core::arch::global_asm;
use core::ops::Range;

use sel4::sys::{seL4_UserContext, seL4_Word};
use sel4::{cap_type, Cap, Error};

use crate::objects::ObjectAllocator;
use crate::tls::TlsVariant;
use crate::{init_tls, rust_entry};

/// Attributes of the runtime's mappings: the default (write-back cacheable).
pub(crate) const DEFAULT_VM_ATTRIBUTES: sel4::sys::seL4_X86_VMAttributes =
    sel4::sys::seL4_X86_Default_VMAttributes;

/// The VM attributes type of the architecture's frame mappings.
pub(crate) type VmAttributes = sel4::sys::seL4_X86_VMAttributes;

/// Attributes of device mappings: uncached.
pub(crate) const DEVICE_VM_ATTRIBUTES: VmAttributes = sel4::sys::seL4_X86_Uncacheable;

/// The registers a new thread starts with: `rip`, `rsp`, the FS base (the thread pointer) and
/// the first four argument registers `rdi`, `rsi`, `rdx`, `rcx`; the frame pointer is zero and
/// the kernel fixes up `rflags`.
///
/// The thread enters its function as through a `call`: `rsp + 8` is 16-byte aligned, as the
/// System V ABI requires at function entry.
#[cfg_attr(not(sel4_cfg_LIB_SEL4_USE_THREAD_LOCALS), allow(dead_code))]
pub(crate) fn initial_registers(
    pc: usize,
    sp: usize,
    tp: usize,
    args: [usize; 4],
) -> seL4_UserContext {
    seL4_UserContext {
        rip: pc as seL4_Word,
        rsp: ((sp & !15) - 8) as seL4_Word,
        fs_base: tp as seL4_Word,
        rdi: args[0] as seL4_Word,
        rsi: args[1] as seL4_Word,
        rdx: args[2] as seL4_Word,
        rcx: args[3] as seL4_Word,
        ..Default::default()
    }
}

/// TLS variant 2: the TLS block ends at the FS base, whose first word points to itself.
pub(crate) const TLS_VARIANT: TlsVariant = TlsVariant::Below;

/// The runtime's mapping window: 64 GiB from 64 GiB up, far below the top of user space
/// (128 TiB).
pub(crate) const VSPACE_WINDOW: Range<usize> = super::WINDOW_64;

/// The message register of a failed mapping's error that holds the lookup level: the number
/// of address bits the missing paging structure would have translated
/// (`seL4_MappingFailedLookupLevel()`, libsel4's `SEL4_MAPPING_LOOKUP_LEVEL`).
const MAPPING_LOOKUP_LEVEL: usize = 2;

/// Lookup levels (bits left to translate) at which each paging structure is missing.
const PAGE_TABLE_LEVEL: seL4_Word = sel4::sys::seL4_PageBits + sel4::sys::seL4_PageTableIndexBits;
const PAGE_DIRECTORY_LEVEL: seL4_Word = PAGE_TABLE_LEVEL + sel4::sys::seL4_PageDirIndexBits;
const PDPT_LEVEL: seL4_Word = PAGE_DIRECTORY_LEVEL + sel4::sys::seL4_PDPTIndexBits;

/// Creates and maps the paging structure whose absence made a mapping at `vaddr` fail: a page
/// table, a page directory or a page-directory pointer table, as the kernel's lookup level
/// (in the IPC buffer since the failed invocation) says.
pub(crate) fn map_paging_structure(
    objects: &mut ObjectAllocator,
    vspace: Cap<cap_type::VSpaceRoot>,
    vaddr: usize,
) -> sel4::Result<()> {
    let vaddr = vaddr as seL4_Word;
    match sel4::get_mr(MAPPING_LOOKUP_LEVEL) {
        PAGE_TABLE_LEVEL => {
            let table = objects.allocate_fixed::<cap_type::PageTable>()?;
            table.map(vspace, vaddr, DEFAULT_VM_ATTRIBUTES)
        }
        PAGE_DIRECTORY_LEVEL => {
            let directory = objects.allocate_fixed::<cap_type::PageDirectory>()?;
            directory.map(vspace, vaddr, DEFAULT_VM_ATTRIBUTES)
        }
        PDPT_LEVEL => {
            let pdpt = objects.allocate_fixed::<cap_type::Pdpt>()?;
            pdpt.map(vspace, vaddr, DEFAULT_VM_ATTRIBUTES)
        }
        _ => Err(Error::FailedLookup),
    }
}

// The kernel starts the root thread here, with the address of the seL4_BootInfo in rdi (the
// root thread's "capRegister" on x86-64), no stack, and FS base 0.
//
// * rsp <- the top of the static stack (see `arch/mod.rs`), 16-byte aligned, so that each
//   `call` below enters its function with rsp + 8 aligned, as the ABI requires;
// * the boot information address waits in rbx (callee-saved) while init_tls runs;
// * rbp = 0 ends the frame-pointer chain for debuggers;
// * init_tls (Rust, touches no thread-local variable) sets up the TLS area and returns the
//   thread pointer in rax, which becomes the FS base here, between two calls, so that no
//   compiled code can access thread-local variables before it is set: with `wrfsbase`
//   (spelled as bytes: the instruction needs the `fsgsbase` target feature, which the target
//   lacks) when the kernel allows it, otherwise through the kernel;
// * rust_entry(bootinfo) does not return; should it, spin.
macro_rules! sel4_start {
    ($($set_thread_pointer:literal),* $(; $name:ident = $function:path)?) => {
        global_asm!(
            ".pushsection .text._sel4_start, \"ax\", @progbits",
            ".global _sel4_start",
            ".type _sel4_start, @function",
            ".balign 16",
            "_sel4_start:",
            "    lea rsp, [rip + __sel4_runtime_stack_top]",
            "    mov rbx, rdi",
            "    xor ebp, ebp",
            "    call {init_tls}",
            $($set_thread_pointer,)*
            "    mov rdi, rbx",
            "    call {rust_entry}",
            "2:  jmp 2b",
            ".size _sel4_start, . - _sel4_start",
            ".popsection",
            init_tls = sym init_tls,
            rust_entry = sym rust_entry,
            $($name = sym $function,)?
        );
    };
}

// wrfsbase rax
#[cfg(sel4_cfg_FSGSBASE_INST)]
sel4_start!("    .byte 0xf3, 0x48, 0x0f, 0xae, 0xd0");
#[cfg(not(sel4_cfg_FSGSBASE_INST))]
sel4_start!(
    "    mov rdi, rax",
    "    call {set_tls_base}";
    set_tls_base = super::set_tls_base_through_kernel
);
