//! The half of the typed API generated for this kernel configuration: the capability marker
//! types and one method per object invocation (the `typed.rs` that `sel4gen` writes beside
//! `sel4-sys`'s bindings).

use sel4_sys as sys;

use crate::{cap_type, Cap, CapRights, Error, Result};

include!(concat!(env!("SEL4_GENERATED_DIR"), "/typed.rs"));
