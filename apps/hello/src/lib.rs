//! `hello`: an seL4 root server in Rust.
//!
//! It greets on the kernel's debug console, lists the initial untyped memory from the boot
//! information, and returns, after which `sel4-runtime` suspends the root thread. With the
//! cargo feature `panic` it panics on purpose right after the greeting, to show the panic
//! handler's report.

#![no_std]
#![deny(unsafe_code)]

use sel4::{debug_println, BootInfo};

sel4_runtime::main!(main);

fn main(bootinfo: &BootInfo) {
    debug_println!("Hello from Rust on seL4!");

    if cfg!(feature = "panic") {
        panic!("hello: deliberate panic (feature `panic`)");
    }

    let empty = bootinfo.empty();
    debug_println!(
        "hello: node {} of {}, CNode of 2^{} slots, empty slots {}..{} ({} free)",
        bootinfo.node_id(),
        bootinfo.num_nodes(),
        bootinfo.init_thread_cnode_size_bits(),
        empty.start,
        empty.end,
        empty.len(),
    );

    let untyped = bootinfo.untyped();
    debug_println!(
        "hello: {} untyped objects in slots {}..{}:",
        untyped.len(),
        untyped.start,
        untyped.end,
    );
    let mut ram_bytes: sel4::sys::seL4_Word = 0;
    for (index, ut) in bootinfo.untypeds().enumerate() {
        debug_println!(
            "  untyped {:3}: slot {:4} paddr {:#014x} size_bits {:2} {}",
            index,
            ut.cap.bits(),
            ut.paddr,
            ut.size_bits,
            if ut.is_device { "device" } else { "ram" },
        );
        if !ut.is_device {
            ram_bytes = ram_bytes.saturating_add(ut.size());
        }
    }
    debug_println!("hello: {ram_bytes} bytes of untyped RAM");
    debug_println!("hello: done, suspending");
}
