//! What the tests share: the context (allocators), the test record, and checks that turn
//! unexpected results into failure messages.

use alloc::format;
use alloc::string::String;
use core::fmt::Debug;

use sel4::{BootInfo, Error};
use sel4_runtime::objects::ObjectAllocator;
use sel4_runtime::vspace::AddressSpace;

/// Why a test failed.
pub type Failure = String;

/// What a test returns.
pub type Outcome = core::result::Result<(), Failure>;

/// One test: its name, the methods of the typed API it covers (`Type::method`), its body.
pub struct Test {
    pub name: &'static str,
    // Read by the host test from the source, not at run time.
    #[allow(dead_code)]
    pub covers: &'static [&'static str],
    pub run: fn(&mut Ctx) -> Outcome,
}

/// The root server's allocators, shared by all tests.
pub struct Ctx {
    pub bootinfo: &'static BootInfo,
    pub objects: ObjectAllocator,
    pub vspace: AddressSpace,
}

impl Ctx {
    pub fn new(bootinfo: &'static BootInfo) -> Self {
        Self {
            bootinfo,
            objects: ObjectAllocator::new(bootinfo),
            vspace: AddressSpace::new(),
        }
    }
}

/// `Ok(value)` or a failure naming what was attempted.
pub fn ok<T, E: core::fmt::Display>(
    result: core::result::Result<T, E>,
    what: &str,
) -> core::result::Result<T, Failure> {
    result.map_err(|err| format!("{what}: unexpected {err}"))
}

/// Fails unless `result` is the error `expected`.
pub fn fails_with<T: Debug>(result: sel4::Result<T>, expected: Error, what: &str) -> Outcome {
    match result {
        Err(err) if err == expected => Ok(()),
        Err(err) => Err(format!("{what}: expected {expected}, got {err}")),
        Ok(value) => Err(format!("{what}: expected {expected}, got Ok({value:?})")),
    }
}

/// Fails with `why` unless `condition` holds.
pub fn check(condition: bool, why: impl FnOnce() -> String) -> Outcome {
    if condition {
        Ok(())
    } else {
        Err(why())
    }
}

/// Fails unless `left == right`.
pub fn equal<T: PartialEq + Debug>(left: T, right: T, what: &str) -> Outcome {
    check(left == right, || format!("{what}: {left:?} != {right:?}"))
}
