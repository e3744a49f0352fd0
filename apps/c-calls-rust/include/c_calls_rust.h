/*
 * The Rust functions of apps/c-calls-rust/rust (crate c_calls_rust), for C.
 *
 * Written by hand; tests/test_crates.py checks that it declares exactly the crate's
 * `#[no_mangle] pub extern "C"` functions, with the same names and types.
 *
 * They invoke the kernel through libsel4's IPC buffer pointer of the calling thread, which
 * sel4runtime sets up before main(), as for libsel4's own C functions.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#include <sel4/sel4.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Retypes the untyped object `untyped` into one endpoint whose capability goes in slot
 * `dest_slot` of the root CNode (seL4_CapInitThreadCNode).
 *
 * Returns seL4_NoError or the kernel's seL4_Error (as an int).
 */
int rust_retype_endpoint(seL4_CPtr untyped, seL4_Word dest_slot);

/*
 * The object type (seL4_ObjectType: seL4_EndpointObject, ...) of the object the capability
 * `cap` names, as the kernel reports it (seL4_DebugCapIdentify).
 *
 * Returns -1 if the kernel is not a debug build (CONFIG_DEBUG_BUILD), or the capability is
 * not to an untyped object, TCB, endpoint, notification or CNode (an empty slot included).
 */
long rust_cap_object_type(seL4_CPtr cap);

#ifdef __cplusplus
}
#endif
