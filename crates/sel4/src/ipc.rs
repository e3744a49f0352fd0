//! IPC: message info, message registers, and the system calls on endpoints, notifications and
//! (on MCS kernels) reply objects.
//!
//! Like the object invocations, these are safe under the crate's contract that the calling
//! thread's IPC buffer pointer is set (see the [crate documentation](crate#the-ipc-buffer)).
//! Message registers beyond those the kernel passes in CPU registers travel in the IPC buffer;
//! [`set_mr`] and [`get_mr`] access them.

use core::fmt;

use sel4_sys::{seL4_MessageInfo, seL4_Word};

use crate::cap::{cap_type, Cap, CapType};

/// A badge: the word a minted capability carries and a receiver learns (0 for none).
pub type Badge = seL4_Word;

/// Describes a message (`seL4_MessageInfo_t`): its label, how many message registers and
/// extra capabilities it has, and which capabilities were unwrapped on receipt.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
#[repr(transparent)]
pub struct MessageInfo(seL4_MessageInfo);

impl MessageInfo {
    /// A message with `label`, `extra_caps` capabilities and `length` message registers.
    #[inline]
    pub const fn new(
        label: seL4_Word,
        caps_unwrapped: seL4_Word,
        extra_caps: seL4_Word,
        length: seL4_Word,
    ) -> Self {
        Self(seL4_MessageInfo::new(
            label as _,
            caps_unwrapped as _,
            extra_caps as _,
            length as _,
        ))
    }

    /// The kernel's bitfield.
    #[inline]
    pub const fn into_sys(self) -> seL4_MessageInfo {
        self.0
    }

    /// The message info a kernel bitfield holds.
    #[inline]
    pub const fn from_sys(info: seL4_MessageInfo) -> Self {
        Self(info)
    }

    /// The label: chosen by the sender; for fault messages the fault type, for replies to
    /// invocations the error.
    #[inline]
    pub const fn label(self) -> seL4_Word {
        self.0.get_label() as seL4_Word
    }

    /// How many message registers the message has.
    #[inline]
    pub const fn length(self) -> seL4_Word {
        self.0.get_length() as seL4_Word
    }

    /// How many extra capabilities the message has.
    #[inline]
    pub const fn extra_caps(self) -> seL4_Word {
        self.0.get_extraCaps() as seL4_Word
    }

    /// Bit `i` set: extra capability `i` was unwrapped (its badge is in the IPC buffer's
    /// `caps_or_badges[i]`) instead of transferred.
    #[inline]
    pub const fn caps_unwrapped(self) -> seL4_Word {
        self.0.get_capsUnwrapped() as seL4_Word
    }
}

impl fmt::Debug for MessageInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageInfo")
            .field("label", &self.label())
            .field("caps_unwrapped", &self.caps_unwrapped())
            .field("extra_caps", &self.extra_caps())
            .field("length", &self.length())
            .finish()
    }
}

#[inline]
fn check_mr(i: usize) {
    assert!(
        i < sel4_sys::seL4_MsgMaxLength as usize,
        "message register index out of range"
    );
}

/// Sets message register `i` for the next message this thread sends.
///
/// # Panics
///
/// If `i` is not below `seL4_MsgMaxLength`.
#[inline]
pub fn set_mr(i: usize, value: seL4_Word) {
    check_mr(i);
    // SAFETY: the index is in range and the IPC buffer pointer is set (the crate's contract).
    unsafe { sel4_sys::seL4_SetMR(i, value) }
}

/// Message register `i` of the last message this thread received.
///
/// # Panics
///
/// If `i` is not below `seL4_MsgMaxLength`.
#[inline]
pub fn get_mr(i: usize) -> seL4_Word {
    check_mr(i);
    // SAFETY: as in `set_mr`.
    unsafe { sel4_sys::seL4_GetMR(i) }
}

#[inline]
fn check_extra_cap(i: usize) {
    assert!(
        i < sel4_sys::seL4_MsgMaxExtraCaps as usize,
        "extra capability index out of range"
    );
}

/// Sets extra capability `i` of the next message this thread sends.
///
/// # Panics
///
/// If `i` is not below `seL4_MsgMaxExtraCaps`.
#[inline]
pub fn set_cap<T: CapType>(i: usize, cap: Cap<T>) {
    check_extra_cap(i);
    // SAFETY: as in `set_mr`.
    unsafe { sel4_sys::seL4_SetCap(i, cap.bits()) }
}

/// The badge of unwrapped extra capability `i` of the last message received.
///
/// # Panics
///
/// If `i` is not below `seL4_MsgMaxExtraCaps`.
#[inline]
pub fn get_badge(i: usize) -> Badge {
    check_extra_cap(i);
    // SAFETY: as in `set_mr`.
    unsafe { sel4_sys::seL4_GetBadge(i) }
}

/// Where a capability sent to this thread is placed: slot `index`, resolved to `depth` bits in
/// `root` (`seL4_SetCapReceivePath`).
#[inline]
pub fn set_cap_receive_path(root: Cap<cap_type::CNode>, index: seL4_Word, depth: seL4_Word) {
    // SAFETY: as in `set_mr`.
    unsafe { sel4_sys::seL4_SetCapReceivePath(root.bits(), index, depth) }
}

/// Gives up the rest of this thread's time slice (`seL4_Yield`).
#[inline]
pub fn yield_now() {
    sel4_sys::seL4_Yield();
}

#[inline]
fn badge_of(sender: seL4_Word) -> Badge {
    sender
}

impl Cap<cap_type::Endpoint> {
    /// Sends a message, blocking until a receiver takes it (`seL4_Send`).
    #[inline]
    pub fn send(self, info: MessageInfo) {
        // SAFETY: the IPC buffer pointer is set (the crate's contract).
        unsafe { sel4_sys::seL4_Send(self.bits(), info.into_sys()) }
    }

    /// Sends a message if a receiver is waiting, and drops it otherwise (`seL4_NBSend`).
    #[inline]
    pub fn nb_send(self, info: MessageInfo) {
        // SAFETY: as in `send`.
        unsafe { sel4_sys::seL4_NBSend(self.bits(), info.into_sys()) }
    }

    /// Sends a message and waits for the reply (`seL4_Call`); returns the reply's info.
    #[inline]
    pub fn call(self, info: MessageInfo) -> MessageInfo {
        // SAFETY: as in `send`.
        MessageInfo(unsafe { sel4_sys::seL4_Call(self.bits(), info.into_sys()) })
    }

    /// Waits for a message (`seL4_Recv`); returns its info and the sender's badge. The reply
    /// capability of a call goes to this thread's reply slot, for [`reply`].
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    #[inline]
    pub fn recv(self) -> (MessageInfo, Badge) {
        let mut sender = 0;
        // SAFETY: as in `send`.
        let info = unsafe { sel4_sys::seL4_Recv(self.bits(), Some(&mut sender)) };
        (MessageInfo(info), badge_of(sender))
    }

    /// Waits for a message (`seL4_Recv`); returns its info and the sender's badge. The reply
    /// capability of a call goes into `reply`.
    #[cfg(sel4_cfg_KERNEL_MCS)]
    #[inline]
    pub fn recv(self, reply: Cap<cap_type::Reply>) -> (MessageInfo, Badge) {
        let mut sender = 0;
        // SAFETY: as in `send`.
        let info = unsafe { sel4_sys::seL4_Recv(self.bits(), Some(&mut sender), reply.bits()) };
        (MessageInfo(info), badge_of(sender))
    }

    /// Takes a message if one is waiting (`seL4_NBRecv`); a label and length of 0 and badge 0
    /// when none was.
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    #[inline]
    pub fn nb_recv(self) -> (MessageInfo, Badge) {
        let mut sender = 0;
        // SAFETY: as in `send`.
        let info = unsafe { sel4_sys::seL4_NBRecv(self.bits(), Some(&mut sender)) };
        (MessageInfo(info), badge_of(sender))
    }

    /// Takes a message if one is waiting (`seL4_NBRecv`), with the reply capability of a call
    /// in `reply`.
    #[cfg(sel4_cfg_KERNEL_MCS)]
    #[inline]
    pub fn nb_recv(self, reply: Cap<cap_type::Reply>) -> (MessageInfo, Badge) {
        let mut sender = 0;
        // SAFETY: as in `send`.
        let info = unsafe { sel4_sys::seL4_NBRecv(self.bits(), Some(&mut sender), reply.bits()) };
        (MessageInfo(info), badge_of(sender))
    }

    /// Replies to the last call received and waits for the next message (`seL4_ReplyRecv`):
    /// the server loop's one system call.
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    #[inline]
    pub fn reply_recv(self, info: MessageInfo) -> (MessageInfo, Badge) {
        let mut sender = 0;
        // SAFETY: as in `send`.
        let info =
            unsafe { sel4_sys::seL4_ReplyRecv(self.bits(), info.into_sys(), Some(&mut sender)) };
        (MessageInfo(info), badge_of(sender))
    }

    /// Replies through `reply` and waits for the next message, whose reply capability goes
    /// into `reply` (`seL4_ReplyRecv`).
    #[cfg(sel4_cfg_KERNEL_MCS)]
    #[inline]
    pub fn reply_recv(
        self,
        info: MessageInfo,
        reply: Cap<cap_type::Reply>,
    ) -> (MessageInfo, Badge) {
        let mut sender = 0;
        // SAFETY: as in `send`.
        let info = unsafe {
            sel4_sys::seL4_ReplyRecv(
                self.bits(),
                info.into_sys(),
                Some(&mut sender),
                reply.bits(),
            )
        };
        (MessageInfo(info), badge_of(sender))
    }

    /// Sends to `dest` without blocking, then waits on this endpoint with `reply` receiving a
    /// call's reply capability (`seL4_NBSendRecv`, MCS).
    #[cfg(sel4_cfg_KERNEL_MCS)]
    #[inline]
    pub fn nb_send_recv(
        self,
        dest: Cap<cap_type::Endpoint>,
        info: MessageInfo,
        reply: Cap<cap_type::Reply>,
    ) -> (MessageInfo, Badge) {
        let mut sender = 0;
        // SAFETY: as in `send`.
        let info = unsafe {
            sel4_sys::seL4_NBSendRecv(
                dest.bits(),
                info.into_sys(),
                self.bits(),
                Some(&mut sender),
                reply.bits(),
            )
        };
        (MessageInfo(info), badge_of(sender))
    }

    /// Sends to `dest` without blocking, then waits on this endpoint without a reply object
    /// (`seL4_NBSendWait`, MCS).
    #[cfg(sel4_cfg_KERNEL_MCS)]
    #[inline]
    pub fn nb_send_wait(
        self,
        dest: Cap<cap_type::Endpoint>,
        info: MessageInfo,
    ) -> (MessageInfo, Badge) {
        let mut sender = 0;
        // SAFETY: as in `send`.
        let info = unsafe {
            sel4_sys::seL4_NBSendWait(dest.bits(), info.into_sys(), self.bits(), Some(&mut sender))
        };
        (MessageInfo(info), badge_of(sender))
    }
}

/// Where a server's thread keeps the reply to the call it received, so that one server loop
/// compiles for both kernel modes: on MCS kernels a reply object, which receiving fills; on the
/// others the thread's own reply slot, which needs no capability (this type is then empty, and
/// code using it compiles to the same instructions as the mode's own system calls).
///
/// Make one with `ReplyTo::object` (MCS) or `ReplyTo::IMPLICIT` (the others), or let
/// sel4-runtime's object allocator do it in either mode. Receive with
/// [`Cap::<Endpoint>::recv_into`](Cap::recv_into), answer with
/// [`reply_recv_into`](Cap::reply_recv_into) or [`ReplyTo::reply`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplyTo {
    #[cfg(sel4_cfg_KERNEL_MCS)]
    object: Cap<cap_type::Reply>,
}

impl ReplyTo {
    /// The calling thread's own reply slot (kernels without MCS).
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    pub const IMPLICIT: Self = Self {};

    /// A reply object (MCS kernels); one per thread that receives calls.
    #[cfg(sel4_cfg_KERNEL_MCS)]
    #[inline]
    pub const fn object(object: Cap<cap_type::Reply>) -> Self {
        Self { object }
    }

    /// The reply object (MCS kernels).
    #[cfg(sel4_cfg_KERNEL_MCS)]
    #[inline]
    pub const fn reply_object(self) -> Cap<cap_type::Reply> {
        self.object
    }

    /// Replies to the call last received into this (`seL4_Send` on the reply object on MCS,
    /// `seL4_Reply` otherwise). Without a pending call the message is dropped.
    #[inline]
    pub fn reply(self, info: MessageInfo) {
        #[cfg(sel4_cfg_KERNEL_MCS)]
        self.object.send(info);
        #[cfg(not(sel4_cfg_KERNEL_MCS))]
        reply(info);
    }
}

impl Cap<cap_type::Endpoint> {
    /// Waits for a message (`seL4_Recv`), the reply to a call going to `reply_to`; returns
    /// the message's info and the sender's badge. The same in both kernel modes.
    #[inline]
    pub fn recv_into(self, reply_to: ReplyTo) -> (MessageInfo, Badge) {
        #[cfg(sel4_cfg_KERNEL_MCS)]
        return self.recv(reply_to.object);
        #[cfg(not(sel4_cfg_KERNEL_MCS))]
        {
            let ReplyTo {} = reply_to;
            self.recv()
        }
    }

    /// Replies with `info` to the call received into `reply_to` and waits for the next
    /// message, whose reply goes there too (`seL4_ReplyRecv`): the server loop's one system
    /// call, the same in both kernel modes.
    #[inline]
    pub fn reply_recv_into(self, info: MessageInfo, reply_to: ReplyTo) -> (MessageInfo, Badge) {
        #[cfg(sel4_cfg_KERNEL_MCS)]
        return self.reply_recv(info, reply_to.object);
        #[cfg(not(sel4_cfg_KERNEL_MCS))]
        {
            let ReplyTo {} = reply_to;
            self.reply_recv(info)
        }
    }
}

/// Replies to the last call this thread received (`seL4_Reply`). Without a pending call the
/// message is dropped.
#[cfg(not(sel4_cfg_KERNEL_MCS))]
#[inline]
pub fn reply(info: MessageInfo) {
    // SAFETY: the IPC buffer pointer is set (the crate's contract).
    unsafe { sel4_sys::seL4_Reply(info.into_sys()) }
}

impl Cap<cap_type::Reply> {
    /// Replies to the call this reply object (MCS) or saved reply capability stands for
    /// (`seL4_Send` on it). Without a pending call the message is dropped.
    #[inline]
    pub fn send(self, info: MessageInfo) {
        // SAFETY: the IPC buffer pointer is set (the crate's contract).
        unsafe { sel4_sys::seL4_Send(self.bits(), info.into_sys()) }
    }
}

impl Cap<cap_type::Notification> {
    /// Signals the notification (`seL4_Signal`): ORs the capability's badge into its word and
    /// wakes a waiter.
    #[inline]
    pub fn signal(self) {
        sel4_sys::seL4_Signal(self.bits());
    }

    /// Waits until the notification is signalled (`seL4_Wait`); returns the accumulated
    /// badges and clears them.
    #[inline]
    pub fn wait(self) -> Badge {
        let mut sender = 0;
        // SAFETY: the IPC buffer pointer is set (the crate's contract).
        #[cfg_attr(not(sel4_cfg_KERNEL_MCS), allow(clippy::let_unit_value))]
        let _ = unsafe { sel4_sys::seL4_Wait(self.bits(), Some(&mut sender)) };
        badge_of(sender)
    }

    /// The accumulated badges if the notification was signalled, cleared; 0 without waiting
    /// otherwise (`seL4_Poll`).
    #[inline]
    pub fn poll(self) -> Badge {
        let mut sender = 0;
        // SAFETY: as in `wait`.
        let _ = unsafe { sel4_sys::seL4_Poll(self.bits(), Some(&mut sender)) };
        badge_of(sender)
    }
}
