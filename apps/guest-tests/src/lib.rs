//! `guest-tests`: the in-guest test suite, a root server that exercises every method of the
//! typed API (`sel4`) and the runtime (`sel4-runtime`) on the running kernel, success paths and
//! error paths (invalid capability, wrong object type, missing rights, range errors, no memory).
//!
//! It prints `guest-tests: plan <n>`, then per test `[ok] <name>` or `[FAIL] <name>: <why>`,
//! then `guest-tests: summary: <p> passed, <f> failed` and `guest-tests: done`. The host test
//! (tests/test_guest.py) boots it and fails on any failed or missing test. Each entry of the
//! test lists (`tests::ALL`, `tests::MCS`, `tests::X86_64`, ...: lists for every configuration,
//! for MCS kernels or not, for one architecture, for SMP kernels) names the methods it covers;
//! the host test checks that together they cover every method of the typed API. The plan line
//! also says which configuration this is (`mcs`, `arch`, `smp`), so that the host can tell
//! which lists should have run.

#![no_std]

extern crate alloc;

// The tests check results with the kernel's debug calls (capability identification, thread
// names) and report on its debug console.
#[cfg(not(all(sel4_cfg_DEBUG_BUILD, sel4_cfg_PRINTING)))]
compile_error!(
    "guest-tests needs a debug kernel that prints (KernelDebugBuild and KernelPrinting, the \
     defaults unless RELEASE=ON)"
);

mod arch;
mod harness;
mod tests;

use sel4::{debug_println, BootInfo};

use harness::Ctx;

#[global_allocator]
static HEAP: sel4_runtime::heap::StaticHeap<{ 256 * 1024 }> = sel4_runtime::heap::StaticHeap::new();

sel4_runtime::main!(main);

fn main(bootinfo: &'static BootInfo) {
    let mut ctx = Ctx::new(bootinfo);
    let lists = tests::lists();
    let total: usize = lists.iter().map(|list| list.len()).sum();
    debug_println!(
        "guest-tests: plan {total} (mcs={}, arch={}, smp={})",
        cfg!(sel4_cfg_KERNEL_MCS),
        sel4::sys::config::SEL4_ARCH,
        cfg!(sel4_cfg_ENABLE_SMP_SUPPORT)
    );
    let (mut passed, mut failed) = (0, 0);
    for test in lists.iter().flat_map(|list| list.iter()) {
        match (test.run)(&mut ctx) {
            Ok(()) => {
                passed += 1;
                debug_println!("[ok] {}", test.name);
            }
            Err(why) => {
                failed += 1;
                debug_println!("[FAIL] {}: {}", test.name, why);
            }
        }
    }
    debug_println!("guest-tests: summary: {passed} passed, {failed} failed");
    debug_println!("guest-tests: done");
}
