//! The runtime of seL4 root servers written in Rust: the entry point `_sel4_start`, the
//! thread-local storage of the root thread, the IPC buffer pointer, a panic handler, and what
//! a root server builds its system with:
//!
//! * [`heap::StaticHeap`]: an optional global allocator over a static region of the size the
//!   program chooses (for `alloc`'s `Box`, `Vec`, ...);
//! * [`objects::ObjectAllocator`]: CSpace slots and kernel objects from the initial untyped
//!   memory;
//! * [`vspace::AddressSpace`]: frames mapped into the root server's address space, page
//!   tables made on demand;
//! * [`thread::Thread`]: more threads in the root server's address space, each with a stack
//!   above an unmapped guard page, its own TLS block and IPC buffer.
//!
//! A root server is a `staticlib` crate that names its `main` with [`main!`]:
//!
//! ```ignore
//! #![no_std]
//!
//! sel4_runtime::main!(main);
//!
//! fn main(bootinfo: &sel4::BootInfo) {
//!     sel4::debug_println!("{} untyped objects", bootinfo.untypeds().len());
//! }
//! ```
//!
//! The library is linked into an executable with entry point `_sel4_start`, as seL4's
//! `DeclareRootserver` does (`-Wl,-u_sel4_start -Wl,-e_sel4_start`, with
//! `tls_rootserver.lds`), and without a C runtime (no crt files, no sel4runtime). It must not
//! be linked with C's libsel4 library either, since this crate defines libsel4's
//! `__sel4_ipc_buffer` (sel4-sys's `define-ipc-buffer` feature).
//!
//! # What happens before `main`
//!
//! The kernel starts the root thread at `_sel4_start` with no stack, the address of the
//! `seL4_BootInfo` in the first argument register, and the thread pointer register zero.
//! `_sel4_start` (assembly, per architecture):
//!
//! 1. points the stack pointer at the top of a static stack of [`STACK_SIZE`] bytes;
//! 2. calls into Rust to set up thread-local storage: the `PT_TLS` program header, found
//!    through the ELF header at `__ehdr_start`, gives the TLS image (`.tdata`, copied) and
//!    its size (`.tbss`, zeroed), which go into a static area of [`STATIC_TLS_SIZE`] bytes
//!    laid out as the architecture's ABI requires;
//! 3. sets the thread pointer register, in assembly, so that no compiled code can touch
//!    thread-local variables before it is set (`TPIDR_EL0` on AArch64, `tp` on RISC-V, the FS
//!    base with `wrfsbase` on x86-64, `TPIDRURW` on AArch32; through the kernel,
//!    `seL4_SetTLSBase` or `seL4_TCB_SetTLSBase`, where user code cannot write the register:
//!    `TPIDRURO` on AArch32, x86-64 without `KernelFSGSBase=inst`);
//! 4. calls the Rust entry function, which sets libsel4's IPC buffer pointer to the buffer
//!    the boot information names (`seL4_SetIPCBuffer`), unmaps the guard page below the stack
//!    (so that a stack overflow faults instead of overwriting static data), and calls the
//!    program's `main` with the boot information.
//!
//! When `main` returns, the root thread suspends itself ([`halt`]).
//!
//! # Panics
//!
//! The panic handler prints `panicked at <file>:<line>:<column>:` and the message on the
//! kernel's debug console (when the kernel has `PRINTING`), then suspends the thread that
//! panicked.
//!
//! # Architectures
//!
//! | architecture | thread pointer | TLS layout | paging structures made on demand |
//! | --- | --- | --- | --- |
//! | AArch64 | `TPIDR_EL0` | variant 1, 16-byte gap | page tables |
//! | AArch32 | `TPIDRURW` or `TPIDRURO` (`KernelArmTLSReg`), read through `__aeabi_read_tp` | variant 1, 8-byte gap | page tables |
//! | RISC-V (RV64, RV32) | `tp` | variant 1, no gap | page tables |
//! | x86-64 | FS base | variant 2 (block below the thread pointer, which points to itself) | page tables, page directories, PDPTs |
//!
//! The runtime maps what it creates ([`vspace::AddressSpace::WINDOW`]) from 64 GiB up on the
//! 64-bit architectures, in the upper half of user space on the 32-bit ones. Other
//! architectures fail to compile with a message; each one needs its module in `src/arch/`.

#![no_std]
// The thread's own TCB is a thread-local variable.
#![feature(thread_local)]
#![deny(
    missing_docs,
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks
)]

mod arch;
pub mod heap;
pub mod objects;
#[cfg(sel4_cfg_LIB_SEL4_USE_THREAD_LOCALS)]
pub mod thread;
mod tls;
pub mod vspace;

use core::sync::atomic::{AtomicUsize, Ordering};

use sel4::BootInfo;
use sel4_sys::seL4_BootInfo;

pub use sel4;

/// The size in bytes of the root thread's stack, a static array (`.bss`), with an unmapped
/// guard page below it.
pub const STACK_SIZE: usize = 64 * 1024;

/// The size in bytes of the static area that holds the root thread's thread-local storage:
/// the TLS block (`.tdata` and `.tbss`) plus the ABI's reserved space and alignment padding
/// must fit, or the runtime stops before `main` with a message.
pub const STATIC_TLS_SIZE: usize = 16 * 1024;

/// Declares the root server's `main`: `sel4_runtime::main!(path::to::main)`, where `main` is
/// a `fn(&sel4::BootInfo)` (or a `fn(&'static sel4::BootInfo)`: the boot information stays
/// for good, as [`objects::ObjectAllocator`] needs).
///
/// It defines the function `__sel4_runtime_main` that the runtime calls once the root thread
/// is set up (see the [crate documentation](crate#what-happens-before-main)). Use it exactly
/// once in a program; without it, linking fails with `__sel4_runtime_main` undefined.
#[macro_export]
macro_rules! main {
    ($main:path) => {
        /// The root server's `main`, as declared with `sel4_runtime::main!`.
        #[doc(hidden)]
        #[no_mangle]
        pub fn __sel4_runtime_main(bootinfo: &'static $crate::sel4::BootInfo) {
            let main: fn(&'static $crate::sel4::BootInfo) = $main;
            main(bootinfo)
        }
    };
}

extern "Rust" {
    /// The program's `main`, defined by [`main!`].
    fn __sel4_runtime_main(bootinfo: &'static BootInfo);
}

/// The Rust entry point, called by `_sel4_start` once the stack and the thread pointer are
/// set.
///
/// # Safety
///
/// Only for `_sel4_start`: `bootinfo` is the address the kernel passed to the root thread.
unsafe extern "C" fn rust_entry(bootinfo: *const seL4_BootInfo) -> ! {
    // SAFETY: the kernel maps the boot information frame for the root task and never
    // changes it afterwards.
    let bootinfo: &'static BootInfo = unsafe { BootInfo::from_ptr(bootinfo) };
    // SAFETY: this is the root thread's IPC buffer, mapped and registered with the kernel;
    // the thread-local pointer variable is this thread's own.
    unsafe { sel4_sys::seL4_SetIPCBuffer(bootinfo.ipc_buffer()) };
    set_current_tcb(sel4_sys::seL4_CapInitThreadTCB);
    unmap_root_stack_guard(bootinfo);
    // SAFETY: `main!` defines the function with this signature.
    unsafe { __sel4_runtime_main(bootinfo) };
    halt()
}

/// Unmaps the page below the root thread's stack: one of the image's frames, the kernel's
/// `userImageFrames` counted from the image's first page.
fn unmap_root_stack_guard(bootinfo: &BootInfo) {
    let guard = arch::root_stack_guard();
    let frame = tls::image_start().ok().and_then(|start| {
        let index = (guard.checked_sub(start)? / arch::PAGE_SIZE) as sel4_sys::seL4_Word;
        bootinfo
            .user_image_frames()
            .cap::<sel4::cap_type::Frame>(index)
    });
    let result = frame.map_or(Err(sel4::Error::FailedLookup), |frame| frame.unmap());
    if let Err(error) = result {
        sel4::debug_println!("sel4-runtime: no guard page below the stack ({error})");
    }
}

/// The address of the unmapped guard page below the root thread's stack.
///
/// The runtime unmaps it before `main` (and says so on the debug console if it cannot): a
/// stack overflow of the root thread is a VM fault there, not a write over static data.
pub fn root_stack_guard_page() -> usize {
    arch::root_stack_guard()
}

/// The TCB of the running thread, for [`halt`]: 0 until the runtime sets it.
#[thread_local]
static mut CURRENT_TCB: sel4_sys::seL4_CPtr = 0;

/// `read_current_tcb`, once the running thread has set its `CURRENT_TCB` (0 before).
///
/// [`halt`] reads the thread-local `CURRENT_TCB` only through this pointer: a panic in the
/// code that sets up TLS, which runs before there is a thread pointer, must not reach a
/// thread-local read, and with no direct call from `halt` it cannot.
static TCB_READER: AtomicUsize = AtomicUsize::new(0);

fn read_current_tcb() -> sel4_sys::seL4_CPtr {
    // SAFETY: a thread-local variable of this thread, which has a thread pointer: threads
    // only get here after `set_current_tcb` (see `TCB_READER`).
    unsafe { CURRENT_TCB }
}

fn set_current_tcb(tcb: sel4_sys::seL4_CPtr) {
    // SAFETY: a thread-local variable, written only by its own thread.
    unsafe { CURRENT_TCB = tcb };
    let reader: fn() -> sel4_sys::seL4_CPtr = read_current_tcb;
    TCB_READER.store(reader as usize, Ordering::Release);
}

/// Suspends the calling thread (`seL4_TCB_Suspend`), and spins should that fail.
///
/// What the runtime does when `main` or a thread's function returns, and after a panic. It
/// stops the calling thread only: other threads run on.
///
/// It does not use the IPC buffer (the invocation passes its message in registers); before
/// the root thread's thread pointer is set it suspends the root thread.
pub fn halt() -> ! {
    let reader = TCB_READER.load(Ordering::Acquire);
    let tcb = if reader == 0 {
        0
    } else {
        // SAFETY: only `set_current_tcb` stores here, and it stores a `fn() -> seL4_CPtr`.
        let read = unsafe { core::mem::transmute::<usize, fn() -> sel4_sys::seL4_CPtr>(reader) };
        read()
    };
    halt_thread(if tcb == 0 {
        sel4_sys::seL4_CapInitThreadTCB
    } else {
        tcb
    })
}

fn halt_thread(tcb: sel4_sys::seL4_CPtr) -> ! {
    let tag = sel4_sys::seL4_MessageInfo::new(sel4_sys::invocation_label::TCBSuspend, 0, 0, 0);
    let [mut mr0, mut mr1, mut mr2, mut mr3] = [0; 4];
    let reply = sel4_sys::seL4_CallWithMRs(tcb, tag, &mut mr0, &mut mr1, &mut mr2, &mut mr3);
    // Only reached if the kernel refused: the label of the reply is the error.
    let error = sel4::Error::from_sys(reply.get_label() as sel4_sys::seL4_Error);
    sel4::debug::put_bytes(b"sel4-runtime: cannot suspend the thread: ");
    sel4::debug::put_bytes(error.map_or("no error", sel4::Error::name).as_bytes());
    sel4::debug::put_bytes(b"\n");
    loop {
        core::hint::spin_loop();
    }
}

/// Sets up the root thread's thread-local storage and returns the value for the thread
/// pointer register, for `_sel4_start`; stops the thread with a message if it cannot.
///
/// Must not touch thread-local variables (the thread pointer is not set yet): it prints with
/// `seL4_DebugPutChar`, which passes only registers.
extern "C" fn init_tls() -> usize {
    match tls::init() {
        Ok(thread_pointer) => thread_pointer,
        Err(why) => {
            sel4::debug::put_bytes(b"sel4-runtime: cannot set up thread-local storage: ");
            sel4::debug::put_bytes(why.as_bytes());
            sel4::debug::put_bytes(b"\n");
            halt_thread(sel4_sys::seL4_CapInitThreadTCB)
        }
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    sel4::debug::print_panic(info);
    halt()
}
