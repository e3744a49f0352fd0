//! `frame-map`: a fresh frame of memory, mapped into the root server's address space and used.
//!
//! A frame is made from untyped memory (the kernel zeroes it), mapped read-write at a free
//! address (with the page tables the mapping needs made on the way), written and read back,
//! and its physical address asked for. Then it is unmapped.

#![no_std]

use sel4::{cap_type, debug_println, BootInfo, CapRights};
use sel4_runtime::objects::ObjectAllocator;
use sel4_runtime::vspace::AddressSpace;

sel4_runtime::main!(main);

fn main(bootinfo: &'static BootInfo) {
    let mut objects = ObjectAllocator::new(bootinfo);
    let mut vspace = AddressSpace::new();
    let frame = objects.allocate_fixed::<cap_type::Frame>().expect("frame");
    let vaddr = vspace.reserve(1).expect("address");
    vspace
        .map_frame(&mut objects, frame, vaddr, CapRights::READ_WRITE)
        .expect("map");
    let paddr = frame.get_address().expect("physical address");
    debug_println!("frame-map: frame {frame:?} mapped at {vaddr:#x}, physical address {paddr:#x}");

    // SAFETY: the page was just mapped read-write, and nothing else uses it.
    let page = unsafe { core::slice::from_raw_parts_mut(vaddr as *mut u64, 512) };
    let zeroed = page.iter().all(|&word| word == 0);
    for (i, word) in page.iter_mut().enumerate() {
        *word = (i as u64) * 3;
    }
    let sum: u64 = page.iter().sum();
    debug_println!("frame-map: was zeroed: {zeroed}; sum of the words written: {sum}");

    frame.unmap().expect("unmap");
    debug_println!("frame-map: unmapped; done");
}
