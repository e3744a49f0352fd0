//! Each `typed_*` function makes one kernel call through the typed API and returns the
//! kernel's error code; the `raw_*` function of the same name does it through the raw stub.
//! tests/test_zero_cost.py checks that each pair compiles to the same instructions.

#![no_std]
#![allow(missing_docs, clippy::missing_safety_doc)]

use sel4::sys::{self, seL4_Word};
use sel4::{cap_type, init_thread, Cap, CapRights, MessageInfo, ObjectBlueprint};

fn code(result: sel4::Result<()>) -> seL4_Word {
    match result {
        Ok(()) => 0,
        Err(err) => err.to_sys() as seL4_Word,
    }
}

#[no_mangle]
pub extern "C" fn typed_tcb_suspend(tcb: seL4_Word) -> seL4_Word {
    code(Cap::<cap_type::Tcb>::from_bits(tcb).suspend())
}

#[no_mangle]
pub unsafe extern "C" fn raw_tcb_suspend(tcb: seL4_Word) -> seL4_Word {
    unsafe { sys::seL4_TCB_Suspend(tcb) as seL4_Word }
}

#[no_mangle]
pub extern "C" fn typed_tcb_set_priority(tcb: seL4_Word, priority: seL4_Word) -> seL4_Word {
    code(Cap::<cap_type::Tcb>::from_bits(tcb).set_priority(init_thread::TCB, priority))
}

#[no_mangle]
pub unsafe extern "C" fn raw_tcb_set_priority(tcb: seL4_Word, priority: seL4_Word) -> seL4_Word {
    unsafe { sys::seL4_TCB_SetPriority(tcb, sys::seL4_CapInitThreadTCB, priority) as seL4_Word }
}

#[no_mangle]
pub extern "C" fn typed_untyped_retype(untyped: seL4_Word, slot: seL4_Word) -> seL4_Word {
    let dest = init_thread::CNODE.slots(slot, 1);
    code(Cap::<cap_type::Untyped>::from_bits(untyped).retype(ObjectBlueprint::Endpoint, dest))
}

#[no_mangle]
pub unsafe extern "C" fn raw_untyped_retype(untyped: seL4_Word, slot: seL4_Word) -> seL4_Word {
    unsafe {
        sys::seL4_Untyped_Retype(
            untyped,
            sys::seL4_EndpointObject as seL4_Word,
            0,
            sys::seL4_CapInitThreadCNode,
            0,
            0,
            slot,
            1,
        ) as seL4_Word
    }
}

#[no_mangle]
pub extern "C" fn typed_frame_map(frame: seL4_Word, vaddr: seL4_Word) -> seL4_Word {
    let frame = Cap::<cap_type::Frame>::from_bits(frame);
    code(frame.map(
        init_thread::VSPACE,
        vaddr,
        CapRights::READ_WRITE,
        sys::seL4_ARM_Default_VMAttributes,
    ))
}

#[no_mangle]
pub unsafe extern "C" fn raw_frame_map(frame: seL4_Word, vaddr: seL4_Word) -> seL4_Word {
    let rights = sys::seL4_CapRights::new(0, 0, 1, 1);
    unsafe {
        sys::seL4_ARM_Page_Map(
            frame,
            sys::seL4_CapInitThreadVSpace,
            vaddr,
            rights,
            sys::seL4_ARM_Default_VMAttributes,
        ) as seL4_Word
    }
}

#[no_mangle]
pub extern "C" fn typed_frame_get_address(frame: seL4_Word) -> seL4_Word {
    match Cap::<cap_type::Frame>::from_bits(frame).get_address() {
        Ok(paddr) => paddr,
        Err(_) => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn raw_frame_get_address(frame: seL4_Word) -> seL4_Word {
    let result = unsafe { sys::seL4_ARM_Page_GetAddress(frame) };
    if result.error == sys::seL4_NoError {
        result.paddr
    } else {
        0
    }
}

#[no_mangle]
pub extern "C" fn typed_endpoint_call(ep: seL4_Word, word: seL4_Word) -> seL4_Word {
    sel4::set_mr(0, word);
    let info = Cap::<cap_type::Endpoint>::from_bits(ep).call(MessageInfo::new(1, 0, 0, 1));
    info.label()
}

#[no_mangle]
pub unsafe extern "C" fn raw_endpoint_call(ep: seL4_Word, word: seL4_Word) -> seL4_Word {
    unsafe {
        sys::seL4_SetMR(0, word);
        sys::seL4_Call(ep, sys::seL4_MessageInfo::new(1, 0, 0, 1)).get_label()
    }
}

/// `reply` as a `ReplyTo`: the reply object on MCS kernels, unused on the others.
#[inline(always)]
fn reply_to(reply: seL4_Word) -> sel4::ReplyTo {
    #[cfg(sel4_cfg_KERNEL_MCS)]
    return sel4::ReplyTo::object(Cap::from_bits(reply));
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    {
        let _ = reply;
        sel4::ReplyTo::IMPLICIT
    }
}

/// The mode-neutral server receive: `reply` is the reply object on MCS kernels and unused on
/// the others, as in the raw form.
#[no_mangle]
pub extern "C" fn typed_server_recv(ep: seL4_Word, reply: seL4_Word) -> seL4_Word {
    let reply_to = reply_to(reply);
    let (info, badge) = Cap::<cap_type::Endpoint>::from_bits(ep).recv_into(reply_to);
    info.label() ^ badge
}

#[no_mangle]
pub unsafe extern "C" fn raw_server_recv(ep: seL4_Word, reply: seL4_Word) -> seL4_Word {
    let mut badge = 0;
    #[cfg(sel4_cfg_KERNEL_MCS)]
    let info = unsafe { sys::seL4_Recv(ep, Some(&mut badge), reply) };
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    let info = {
        let _ = reply;
        unsafe { sys::seL4_Recv(ep, Some(&mut badge)) }
    };
    info.get_label() ^ badge
}

/// The mode-neutral server loop's system call.
#[no_mangle]
pub extern "C" fn typed_server_reply_recv(
    ep: seL4_Word,
    reply: seL4_Word,
    word: seL4_Word,
) -> seL4_Word {
    let reply_to = reply_to(reply);
    sel4::set_mr(0, word);
    let ep = Cap::<cap_type::Endpoint>::from_bits(ep);
    let (info, badge) = ep.reply_recv_into(MessageInfo::new(0, 0, 0, 1), reply_to);
    info.label() ^ badge
}

#[no_mangle]
pub unsafe extern "C" fn raw_server_reply_recv(
    ep: seL4_Word,
    reply: seL4_Word,
    word: seL4_Word,
) -> seL4_Word {
    let mut badge = 0;
    let answer = sys::seL4_MessageInfo::new(0, 0, 0, 1);
    unsafe { sys::seL4_SetMR(0, word) };
    #[cfg(sel4_cfg_KERNEL_MCS)]
    let info = unsafe { sys::seL4_ReplyRecv(ep, answer, Some(&mut badge), reply) };
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    let info = {
        let _ = reply;
        unsafe { sys::seL4_ReplyRecv(ep, answer, Some(&mut badge)) }
    };
    info.get_label() ^ badge
}
