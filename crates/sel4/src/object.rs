//! What to create from untyped memory: [`ObjectBlueprint`].

use sel4_sys::seL4_Word;

/// An object type together with its size where the size varies: what
/// [`Cap::<Untyped>::retype`](crate::Cap::retype) creates.
///
/// Only the types of this kernel configuration exist: `Reply` and `SchedContext` only on MCS
/// kernels, and [`Arch`](Self::Arch) holds the
/// architecture's paging objects. The kernel still checks each size against its limits
/// (`seL4_MinUntypedBits`, ...) and fails with [`Error::RangeError`](crate::Error::RangeError).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectBlueprint {
    /// Untyped memory of `2^size_bits` bytes.
    Untyped {
        /// The size, as a power of two in bytes.
        size_bits: usize,
    },
    /// A thread control block.
    Tcb,
    /// An IPC endpoint.
    Endpoint,
    /// A notification object.
    Notification,
    /// A CNode of `2^size_bits` slots.
    CNode {
        /// The number of slots, as a power of two.
        size_bits: usize,
    },
    /// A scheduling context of `2^size_bits` bytes (MCS).
    #[cfg(sel4_cfg_KERNEL_MCS)]
    SchedContext {
        /// The size, as a power of two in bytes (at least `seL4_MinSchedContextBits`).
        size_bits: usize,
    },
    /// A reply object (MCS).
    #[cfg(sel4_cfg_KERNEL_MCS)]
    Reply,
    /// One of the architecture's objects.
    Arch(ArchObjectBlueprint),
}

impl ObjectBlueprint {
    /// The object type number `seL4_Untyped_Retype` takes.
    #[inline]
    pub const fn ty(self) -> seL4_Word {
        use sel4_sys::*;
        (match self {
            Self::Untyped { .. } => seL4_UntypedObject,
            Self::Tcb => seL4_TCBObject,
            Self::Endpoint => seL4_EndpointObject,
            Self::Notification => seL4_NotificationObject,
            Self::CNode { .. } => seL4_CapTableObject,
            #[cfg(sel4_cfg_KERNEL_MCS)]
            Self::SchedContext { .. } => seL4_SchedContextObject,
            #[cfg(sel4_cfg_KERNEL_MCS)]
            Self::Reply => seL4_ReplyObject,
            Self::Arch(arch) => return arch.ty(),
        }) as seL4_Word
    }

    /// The `size_bits` argument of `seL4_Untyped_Retype`: the size for the variable-size
    /// types, 0 for the others.
    #[inline]
    pub const fn api_size_bits(self) -> seL4_Word {
        match self {
            Self::Untyped { size_bits } | Self::CNode { size_bits } => size_bits as seL4_Word,
            #[cfg(sel4_cfg_KERNEL_MCS)]
            Self::SchedContext { size_bits } => size_bits as seL4_Word,
            _ => 0,
        }
    }

    /// How much untyped memory one object takes, as a power of two in bytes.
    #[inline]
    pub const fn physical_size_bits(self) -> seL4_Word {
        use sel4_sys::*;
        (match self {
            Self::Untyped { size_bits } => size_bits as seL4_Word,
            Self::Tcb => seL4_TCBBits as seL4_Word,
            Self::Endpoint => seL4_EndpointBits as seL4_Word,
            Self::Notification => seL4_NotificationBits as seL4_Word,
            Self::CNode { size_bits } => size_bits as seL4_Word + seL4_SlotBits as seL4_Word,
            #[cfg(sel4_cfg_KERNEL_MCS)]
            Self::SchedContext { size_bits } => size_bits as seL4_Word,
            #[cfg(sel4_cfg_KERNEL_MCS)]
            Self::Reply => seL4_ReplyBits as seL4_Word,
            Self::Arch(arch) => arch.physical_size_bits(),
        }) as seL4_Word
    }
}

// Each architecture's objects, once: the blueprint variants, and for the fixed-size ones with a
// capability marker (`=> Page`), that marker's `ObjectType` and `FixedSizeObject`.
macro_rules! arch_blueprints {
    ($($(#[$doc:meta])* $name:ident = $object:ident, $bits:ident $(=> $marker:ident)?;)*) => {
        $($(
            impl crate::ObjectType for crate::cap_type::$marker {
                const OBJECT_TYPE: seL4_Word = sel4_sys::$object as seL4_Word;
            }

            impl crate::FixedSizeObject for crate::cap_type::$marker {
                const SIZE_BITS: seL4_Word = sel4_sys::$bits as seL4_Word;
            }
        )?)*

        /// The architecture's objects for [`ObjectBlueprint::Arch`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ArchObjectBlueprint {
            $($(#[$doc])* $name,)*
        }

        impl ArchObjectBlueprint {
            /// The object type number `seL4_Untyped_Retype` takes.
            #[inline]
            pub const fn ty(self) -> seL4_Word {
                match self {
                    $(Self::$name => sel4_sys::$object as seL4_Word,)*
                }
            }

            /// How much untyped memory one object takes, as a power of two in bytes.
            #[inline]
            pub const fn physical_size_bits(self) -> seL4_Word {
                match self {
                    $(Self::$name => sel4_sys::$bits as seL4_Word,)*
                }
            }
        }
    };
}

#[cfg(sel4_cfg_SEL4_ARCH = "aarch64")]
arch_blueprints! {
    /// A 4 KiB frame (`seL4_ARM_SmallPageObject`).
    SmallPage = seL4_ARM_SmallPageObject, seL4_PageBits => Page;
    /// A 2 MiB frame (`seL4_ARM_LargePageObject`).
    LargePage = seL4_ARM_LargePageObject, seL4_LargePageBits;
    /// A 1 GiB frame (`seL4_ARM_HugePageObject`).
    HugePage = seL4_ARM_HugePageObject, seL4_HugePageBits;
    /// A page table of any level below the root (`seL4_ARM_PageTableObject`).
    PageTable = seL4_ARM_PageTableObject, seL4_PageTableBits => PageTable;
    /// An address-space root (`seL4_ARM_VSpaceObject`).
    VSpace = seL4_ARM_VSpaceObject, seL4_VSpaceBits => VSpace;
}

#[cfg(sel4_cfg_SEL4_ARCH = "aarch32")]
arch_blueprints! {
    /// A 4 KiB frame (`seL4_ARM_SmallPageObject`).
    SmallPage = seL4_ARM_SmallPageObject, seL4_PageBits => Page;
    /// A 64 KiB frame (`seL4_ARM_LargePageObject`).
    LargePage = seL4_ARM_LargePageObject, seL4_LargePageBits;
    /// A 1 MiB frame (`seL4_ARM_SectionObject`).
    Section = seL4_ARM_SectionObject, seL4_SectionBits;
    /// A 16 MiB frame (`seL4_ARM_SuperSectionObject`).
    SuperSection = seL4_ARM_SuperSectionObject, seL4_SuperSectionBits;
    /// A second-level page table (`seL4_ARM_PageTableObject`).
    PageTable = seL4_ARM_PageTableObject, seL4_PageTableBits => PageTable;
    /// An address-space root (`seL4_ARM_PageDirectoryObject`).
    PageDirectory = seL4_ARM_PageDirectoryObject, seL4_PageDirBits => PageDirectory;
}

#[cfg(sel4_cfg_ARCH_RISCV)]
arch_blueprints! {
    /// A 4 KiB frame (`seL4_RISCV_4K_Page`).
    Page4K = seL4_RISCV_4K_Page, seL4_PageBits => Page;
    /// A megapage frame (`seL4_RISCV_Mega_Page`).
    MegaPage = seL4_RISCV_Mega_Page, seL4_LargePageBits;
    /// A page table of any level, the root included (`seL4_RISCV_PageTableObject`).
    PageTable = seL4_RISCV_PageTableObject, seL4_PageTableBits => PageTable;
}

#[cfg(sel4_cfg_SEL4_ARCH = "x86_64")]
arch_blueprints! {
    /// A 4 KiB frame (`seL4_X86_4K`).
    Page4K = seL4_X86_4K, seL4_PageBits => Page;
    /// A 2 MiB frame (`seL4_X86_LargePageObject`).
    LargePage = seL4_X86_LargePageObject, seL4_LargePageBits;
    /// A page table (`seL4_X86_PageTableObject`).
    PageTable = seL4_X86_PageTableObject, seL4_PageTableBits => PageTable;
    /// A page directory (`seL4_X86_PageDirectoryObject`).
    PageDirectory = seL4_X86_PageDirectoryObject, seL4_PageDirBits => PageDirectory;
    /// A page-directory pointer table (`seL4_X86_PDPTObject`).
    Pdpt = seL4_X86_PDPTObject, seL4_PDPTBits => Pdpt;
    /// An address-space root (`seL4_X64_PML4Object`).
    Pml4 = seL4_X64_PML4Object, seL4_PML4Bits => Pml4;
}

// A virtual CPU exists on Arm kernels that are hypervisors; its size is fixed.
#[cfg(all(
    any(target_arch = "aarch64", target_arch = "arm"),
    sel4_cfg_ARM_HYPERVISOR_SUPPORT
))]
impl crate::ObjectType for crate::cap_type::Vcpu {
    const OBJECT_TYPE: seL4_Word = sel4_sys::seL4_ARM_VCPUObject as seL4_Word;
}

#[cfg(all(
    any(target_arch = "aarch64", target_arch = "arm"),
    sel4_cfg_ARM_HYPERVISOR_SUPPORT
))]
impl crate::FixedSizeObject for crate::cap_type::Vcpu {
    const SIZE_BITS: seL4_Word = sel4_sys::seL4_ARM_VCPUBits as seL4_Word;
}
