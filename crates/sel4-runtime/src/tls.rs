//! The root thread's thread-local storage, from the program's own ELF headers.
//!
//! The TLS image is described by the `PT_TLS` program header: `p_filesz` bytes of initial
//! data (`.tdata`) at `p_vaddr`, followed by `p_memsz - p_filesz` bytes to zero (`.tbss`),
//! aligned to `p_align`. The program headers are found through the ELF header, which the
//! linker makes addressable as `__ehdr_start` when it is part of a loaded segment (as it is
//! in seL4 root servers, linked with the default linker script plus `tls_rootserver.lds`).
//!
//! Layout: the thread pointer `tp` is aligned to `max(p_align, 16)`, and the TLS block is where
//! the linker expects it when it computes the thread-pointer-relative addresses in the code,
//! as the architecture's [`TlsVariant`] says (`crate::arch::TLS_VARIANT`):
//!
//! * ELF TLS variant 1 (AArch64, AArch32, RISC-V): the block lies above the thread pointer,
//!   at `tp + align_up(gap, p_align)`, `gap` being the size of the ABI's thread control block
//!   (16 bytes on AArch64, 8 on AArch32, none on RISC-V);
//! * ELF TLS variant 2 (x86-64): the block lies below the thread pointer, ending at it:
//!   it starts at `tp - align_up(p_memsz, p_align)`, and the word at `tp` holds `tp` itself
//!   (code reads `%fs:0` to get the thread pointer as an address).

use core::cell::UnsafeCell;
use core::mem::size_of;
use core::ptr;

use crate::arch::TLS_VARIANT;
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

/// Where thread-local storage lies relative to the thread pointer: the two layouts of the ELF
/// TLS ABI ("ELF Handling For Thread-Local Storage", Drepper).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// Each architecture uses one of them.
#[allow(dead_code)]
pub(crate) enum TlsVariant {
    /// Variant 1: the TLS block starts `align_up(gap, p_align)` bytes above the thread pointer,
    /// `gap` bytes being reserved for the ABI's thread control block.
    Above {
        /// The bytes reserved between the thread pointer and the TLS block, before alignment.
        gap: usize,
    },
    /// Variant 2: the TLS block ends at the thread pointer, and the word at the thread pointer
    /// points to itself.
    Below,
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

const TOO_LARGE: &str = "the TLS segment is too large or too strictly aligned";

/// The layout of a TLS block of `memsz` bytes aligned to `align` in an area of `area_size`
/// bytes at address `area_start`, as `variant` lays it out.
fn layout(
    variant: TlsVariant,
    area_start: usize,
    area_size: usize,
    memsz: usize,
    align: usize,
) -> Result<Layout, &'static str> {
    let align = align.max(1);
    if !align.is_power_of_two() {
        return Err("the PT_TLS alignment is not a power of two");
    }
    let tp_align = align.max(16);
    let (tp, block, end) = match variant {
        TlsVariant::Above { gap } => {
            let tp = align_up(area_start, tp_align).ok_or(TOO_LARGE)? - area_start;
            let block = align_up(gap, align)
                .and_then(|gap| tp.checked_add(gap))
                .ok_or(TOO_LARGE)?;
            (tp, block, block.checked_add(memsz).ok_or(TOO_LARGE)?)
        }
        TlsVariant::Below => {
            let below = align_up(memsz, align).ok_or(TOO_LARGE)?;
            let tp = area_start
                .checked_add(below)
                .and_then(|low| align_up(low, tp_align))
                .ok_or(TOO_LARGE)?
                - area_start;
            let end = tp.checked_add(size_of::<usize>()).ok_or(TOO_LARGE)?;
            (tp, tp - below, end)
        }
    };
    if end <= area_size {
        Ok(Layout { tp, block })
    } else {
        Err("the TLS block does not fit in its area (sel4_runtime::STATIC_TLS_SIZE bytes for the root thread)")
    }
}

/// The bytes an area needs for a TLS block of `memsz` bytes aligned to `align`, wherever the
/// area starts (see `layout`).
fn area_size_for(variant: TlsVariant, memsz: usize, align: usize) -> Option<usize> {
    let tp_align = align.max(16);
    // At most `tp_align - 1` bytes of padding below the thread pointer, then:
    let reserved = match variant {
        // the gap, its alignment padding and the block;
        TlsVariant::Above { gap } => align_up(gap, align)?.checked_add(memsz)?,
        // the block rounded up to its alignment, and the word at the thread pointer.
        TlsVariant::Below => align_up(memsz, align)?.checked_add(size_of::<usize>())?,
    };
    tp_align.checked_add(reserved)
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
    let (memsz, align) = image()?
        .tls
        .map_or((0, 1), |tls| (tls.p_memsz, tls.p_align.max(1)));
    if !align.is_power_of_two() {
        return Err("the PT_TLS alignment is not a power of two");
    }
    area_size_for(TLS_VARIANT, memsz, align).ok_or(TOO_LARGE)
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
    // Without thread-local variables the thread pointer still gets a valid place (and, in
    // variant 2, its self-pointer): an empty TLS block.
    let (image, filesz, memsz, align) = tls.map_or((ptr::null(), 0, 0, 1), |tls| {
        (
            tls.p_vaddr.wrapping_add(bias) as *const u8,
            tls.p_filesz,
            tls.p_memsz,
            tls.p_align,
        )
    });
    let Layout { tp, block } = layout(TLS_VARIANT, area as usize, size, memsz, align)?;
    // SAFETY: `layout` checked that the block (`block + memsz` bytes) and, in variant 2, the
    // word at the thread pointer fit in the area, which the caller gives us alone; the image
    // is `filesz` bytes of a loaded segment, outside the area (`image()` checked `filesz <=
    // memsz`). The thread pointer is aligned to 16 bytes, enough for a word.
    unsafe {
        let block = area.add(block);
        if filesz != 0 {
            ptr::copy_nonoverlapping(image, block, filesz);
        }
        ptr::write_bytes(block.add(filesz), 0, memsz - filesz);
        if TLS_VARIANT == TlsVariant::Below {
            area.add(tp).cast::<usize>().write(area as usize + tp);
        }
    }
    Ok(area as usize + tp)
}
