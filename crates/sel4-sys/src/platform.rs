//! The platform the kernel was built for, as its build describes it (`platform_gen.json`,
//! through `sel4gen.platform`): the physical memory it manages and the device regions it
//! leaves to user level. [`KNOWN`] is false, and the tables empty, when the generated
//! directory has no `platform.rs` (a generator run without a kernel build).

/// A range of physical addresses, `start..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhysRegion {
    /// The first address.
    pub start: u64,
    /// The address after the last.
    pub end: u64,
}

impl PhysRegion {
    /// Whether `start..start + size` lies inside this region.
    #[inline]
    pub const fn holds(&self, start: u64, size: u64) -> bool {
        self.start <= start && start <= self.end && size <= self.end - start
    }
}

include!(env!("SEL4_SYS_PLATFORM_RS"));
