//! The root thread's thread-local storage, from the program's own ELF headers.
//!
//! The TLS image is described by the `PT_TLS` program header: `p_filesz` bytes of initial
//! data (`.tdata`) at `p_vaddr`, followed by `p_memsz - p_filesz` bytes to zero (`.tbss`),
//! aligned to `p_align`. The program headers are found through the ELF header, which the
//! linker makes addressable as `__ehdr_start` when it is part of a loaded segment (as it is
//! in seL4 root servers, linked with the default linker script plus `tls_rootserver.lds`).
//!
//! Layout (ELF TLS variant 1, AArch64 and the other architectures with TLS above the thread
//! pointer): the thread pointer `tp` is aligned to `max(p_align, 16)`, and the TLS block
//! starts at `tp + align_up(TLS_GAP_ABOVE_TP, p_align)`, the offset the linker used for the
//! thread-pointer-relative addresses in the code.

use core::cell::UnsafeCell;
use core::mem::size_of;
use core::ptr;

use crate::arch::TLS_GAP_ABOVE_TP;
use crate::STATIC_TLS_SIZE;

/// The static area the root thread's TLS block goes in (`.bss`).
#[repr(C, align(16))]
struct TlsArea(UnsafeCell<[u8; STATIC_TLS_SIZE]>);

// SAFETY: only `init` accesses the area through this static, once, on the root thread before
// any other thread exists; afterwards it is reached only through the thread pointer.
unsafe impl Sync for TlsArea {}

static TLS_AREA: TlsArea = TlsArea(UnsafeCell::new([0; STATIC_TLS_SIZE]));

extern "C" {
    /// The program's ELF header, defined by the linker.
    static __ehdr_start: ElfHeader;
}

const ELF_MAGIC: [u8; 4] = *b"\x7fELF";
const PT_LOAD: u32 = 1;
const PT_TLS: u32 = 7;

/// The ELF header of this program's word size (addresses and offsets are words).
// All fields are declared for the layout; only some are read.
#[allow(dead_code)]
#[repr(C)]
struct ElfHeader {
    e_ident: [u8; 16],
    e_type: u16,
    e_machine: u16,
    e_version: u32,
    e_entry: usize,
    e_phoff: usize,
    e_shoff: usize,
    e_flags: u32,
    e_ehsize: u16,
    e_phentsize: u16,
    e_phnum: u16,
    e_shentsize: u16,
    e_shnum: u16,
    e_shstrndx: u16,
}

/// A program header, ELF64 layout.
#[allow(dead_code)]
#[cfg(target_pointer_width = "64")]
#[repr(C)]
#[derive(Clone, Copy)]
struct ProgramHeader {
    p_type: u32,
    p_flags: u32,
    p_offset: usize,
    p_vaddr: usize,
    p_paddr: usize,
    p_filesz: usize,
    p_memsz: usize,
    p_align: usize,
}

/// A program header, ELF32 layout.
#[allow(dead_code)]
#[cfg(target_pointer_width = "32")]
#[repr(C)]
#[derive(Clone, Copy)]
struct ProgramHeader {
    p_type: u32,
    p_offset: usize,
    p_vaddr: usize,
    p_paddr: usize,
    p_filesz: usize,
    p_memsz: usize,
    p_flags: u32,
    p_align: usize,
}

/// Where the TLS block goes in an area, for a TLS segment's size and alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    /// Offset of the thread pointer from the start of the area.
    tp: usize,
    /// Offset of the TLS block from the start of the area.
    block: usize,
}

fn align_up(value: usize, align: usize) -> Option<usize> {
    // `align` is a power of two.
    Some(value.checked_add(align - 1)? & !(align - 1))
}

/// The layout of a TLS block of `memsz` bytes aligned to `align` in an area of `area_size`
/// bytes at address `area_start`.
fn layout(
    area_start: usize,
    area_size: usize,
    memsz: usize,
    align: usize,
) -> Result<Layout, &'static str> {
    let align = align.max(1);
    if !align.is_power_of_two() {
        return Err("the PT_TLS alignment is not a power of two");
    }
    let tp_address = align_up(area_start, align.max(16)).ok_or("the TLS alignment is too large")?;
    let tp = tp_address - area_start;
    let block = align_up(TLS_GAP_ABOVE_TP, align)
        .and_then(|gap| tp.checked_add(gap))
        .ok_or("the TLS alignment is too large")?;
    match block.checked_add(memsz) {
        Some(end) if end <= area_size => Ok(Layout { tp, block }),
        _ => Err("the TLS block does not fit in its area (sel4_runtime::STATIC_TLS_SIZE bytes for the root thread)"),
    }
}

/// The program's loaded segments and TLS segment, found through its ELF header.
struct Image {
    /// The load bias: zero for the static, non-relocatable executables root servers are.
    bias: usize,
    /// The lowest address of a loaded segment, rounded down to a page: where the kernel's
    /// `userImageFrames` begin.
    start: usize,
    tls: Option<ProgramHeader>,
}

fn image() -> Result<Image, &'static str> {
    let header_address = ptr::addr_of!(__ehdr_start);
    // SAFETY: the linker defines `__ehdr_start` at the ELF header, which is mapped (it is in
    // the first loaded segment).
    let header = unsafe { &*header_address };
    if header.e_ident[..4] != ELF_MAGIC {
        return Err("no ELF header at __ehdr_start");
    }
    if usize::from(header.e_phentsize) != size_of::<ProgramHeader>() {
        return Err("unexpected ELF program header size");
    }
    let header_address = header_address as usize;
    let first = header_address
        .checked_add(header.e_phoff)
        .ok_or("bad ELF e_phoff")? as *const ProgramHeader;
    // SAFETY: the program headers follow the ELF header in the same loaded segment
    // (`e_phoff` bytes from its start), `e_phnum` of them, each `e_phentsize` bytes (checked).
    let program_headers =
        unsafe { core::slice::from_raw_parts(first, usize::from(header.e_phnum)) };

    // Computed anyway from the loaded segment that holds the ELF header.
    let bias = program_headers
        .iter()
        .find(|ph| ph.p_type == PT_LOAD && ph.p_offset == 0)
        .map_or(0, |ph| header_address.wrapping_sub(ph.p_vaddr));
    let start = program_headers
        .iter()
        .filter(|ph| ph.p_type == PT_LOAD)
        .map(|ph| ph.p_vaddr.wrapping_add(bias))
        .min()
        .unwrap_or(header_address)
        & !(crate::arch::PAGE_SIZE - 1);
    let tls = program_headers
        .iter()
        .find(|ph| ph.p_type == PT_TLS)
        .copied();
    if tls.is_some_and(|tls| tls.p_filesz > tls.p_memsz) {
        return Err("PT_TLS p_filesz is larger than p_memsz");
    }
    Ok(Image { bias, start, tls })
}

/// Copies the TLS image into the static area and returns the thread pointer for it.
///
/// Touches no thread-local variable. Called once, by `_sel4_start` through `init_tls`.
pub(crate) fn init() -> Result<usize, &'static str> {
    let area = TLS_AREA.0.get().cast::<u8>();
    // SAFETY: the static area is `STATIC_TLS_SIZE` bytes that nothing else uses (see
    // `TlsArea`).
    unsafe { init_in(area, STATIC_TLS_SIZE) }
}

/// The bytes an area needs for a thread's TLS block: enough for any placement of the
/// thread pointer (see `layout`).
#[cfg_attr(not(sel4_cfg_LIB_SEL4_USE_THREAD_LOCALS), allow(dead_code))]
pub(crate) fn area_size() -> Result<usize, &'static str> {
    let Some(tls) = image()?.tls else {
        return Ok(16);
    };
    let align = tls.p_align.max(16);
    align
        .checked_add(TLS_GAP_ABOVE_TP + align)
        .and_then(|n| n.checked_add(tls.p_memsz))
        .ok_or("the TLS segment is too large")
}

/// Where the root server's image begins: the address of the first of the kernel's
/// `userImageFrames`.
pub(crate) fn image_start() -> Result<usize, &'static str> {
    Ok(image()?.start)
}

/// Writes a fresh TLS block (the image's `.tdata`, zeroed `.tbss`) into the `size` bytes at
/// `area`, and returns the thread pointer for it.
///
/// # Safety
///
/// `area` must be valid for writes of `size` bytes that nothing else uses.
pub(crate) unsafe fn init_in(area: *mut u8, size: usize) -> Result<usize, &'static str> {
    let Image { bias, tls, .. } = image()?;
    let Some(tls) = tls else {
        // No thread-local variables at all: any thread pointer will do.
        return Ok(area as usize);
    };
    let Layout { tp, block } = layout(area as usize, size, tls.p_memsz, tls.p_align)?;
    let image = tls.p_vaddr.wrapping_add(bias) as *const u8;
    // SAFETY: `layout` checked that `block + p_memsz` bytes fit in the area, which the caller
    // gives us alone; the image is `p_filesz` bytes of a loaded segment, outside the area.
    unsafe {
        let block = area.add(block);
        ptr::copy_nonoverlapping(image, block, tls.p_filesz);
        ptr::write_bytes(block.add(tls.p_filesz), 0, tls.p_memsz - tls.p_filesz);
    }
    Ok(area as usize + tp)
}
