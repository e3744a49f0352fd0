//! The tests, by object type, and the lists the runner takes them from.
//!
//! Each list entry is `t(name, covers, function)`; `covers` names the methods of the typed API
//! (`Type::method`, or a free function's name) the test calls. A list is a
//! `const NAME: &[Test] = &[...];` inside `test_lists!`, with an optional `#[cfg(...)]` (the
//! kernel options `sel4_cfg_*` and `target_arch`) that decides whether this build runs it; the
//! macro makes [`lists`] return the lists whose condition holds, in the order written.
//! tests/test_guest.py reads these lists and conditions from this file (tests/guestsuite.py
//! parses them and evaluates the conditions for a build's configuration), so a list's name is
//! free but its condition must be a `#[cfg]` of its own, on the line(s) right above it.

use alloc::boxed::Box;

use sel4::{Cap, ReplyTo};
use sel4_runtime::thread::{Thread, ThreadConfig};

use crate::harness::{ok, Ctx, Failure, Test};

mod cnode;
mod fault;
mod ipc;
mod irq;
mod log;
#[cfg(sel4_cfg_KERNEL_MCS)]
mod mcs;
mod misc;
#[cfg(sel4_cfg_ENABLE_SMP_SUPPORT)]
mod smp;
mod sync;
mod tcb;
mod untyped;
#[cfg(all(target_arch = "aarch64", sel4_cfg_ARM_HYPERVISOR_SUPPORT))]
mod vcpu;
mod vspace;
#[cfg(target_arch = "x86_64")]
mod x86;

const fn t(
    name: &'static str,
    covers: &'static [&'static str],
    run: fn(&mut Ctx) -> crate::harness::Outcome,
) -> Test {
    Test { name, covers, run }
}

/// Defines the test lists (consts of type `&[Test]`, each with an optional `#[cfg]`) and
/// [`lists`], which returns those of this configuration.
macro_rules! test_lists {
    ($(
        $(#[doc = $doc:literal])*
        $(#[cfg($cond:meta)])?
        const $name:ident: &[Test] = &[$($test:expr),* $(,)?];
    )*) => {
        $(
            $(#[doc = $doc])*
            $(#[cfg($cond)])?
            const $name: &[Test] = &[$($test),*];
        )*

        /// The lists for this configuration, in the order they run.
        pub fn lists() -> &'static [&'static [Test]] {
            &[$($(#[cfg($cond)])? $name,)*]
        }
    };
}

test_lists! {
    /// Tests for every kernel configuration.
    const ALL: &[Test] = &[
        t(
            "cap_basics",
            &[
                "Cap::from_bits",
                "Cap::bits",
                "Cap::cast",
                "Cap::upcast",
                "Cap::is_null",
                "Cap::debug_identify",
            ],
            misc::cap_basics,
        ),
        t(
            "error_codes",
            &[
                "Error::from_sys",
                "Error::check",
                "Error::to_sys",
                "Error::name",
                "Error::is_known",
            ],
            misc::error_codes,
        ),
        t(
            "message_info_and_rights",
            &[
                "MessageInfo::new",
                "CapRights::into_sys",
                "CapRights::from_sys",
            ],
            misc::message_info_and_rights,
        ),
        t(
            "bootinfo",
            &[
                "BootInfo::untypeds",
                "BootInfo::extra",
                "BootInfo::device_tree",
            ],
            misc::bootinfo,
        ),
        t("heap", &[], misc::heap),
        t("platform_regions", &[], misc::platform_regions),
        t("mutex_between_threads", &[], sync::mutex_between_threads),
        t("log_levels_and_logger", &[], log::logger),
        t("once_cell", &[], log::once_cell),
        t("debug_calls", &["Tcb::debug_name"], misc::debug_calls),
        t(
            "untyped_retype",
            &["Untyped::retype", "Untyped::retype_one"],
            untyped::retype,
        ),
        t(
            "untyped_retype_errors",
            &["Untyped::retype"],
            untyped::retype_errors,
        ),
        t("object_allocator_errors", &[], untyped::allocator_errors),
        t("object_allocator_device_frames", &[], untyped::device_frames),
        t(
            "cnode_copy_mint_delete",
            &["CNode::copy", "CNode::mint", "CNode::delete"],
            cnode::copy_mint_delete,
        ),
        t(
            "cnode_move_mutate_rotate",
            &["CNode::move_", "CNode::mutate", "CNode::rotate"],
            cnode::move_mutate_rotate,
        ),
        t("cnode_revoke", &["CNode::revoke"], cnode::revoke),
        t(
            "cnode_slot_addressing",
            &[
                "CNode::slot",
                "Slot::copy_from",
                "Slot::mint_from",
                "Slot::move_from",
                "Slot::mutate_from",
                "Slot::delete",
                "Slot::revoke",
                "Slot::cancel_badged_sends",
            ],
            cnode::slot_addressing,
        ),
        t(
            "cnode_cancel_badged_sends",
            &["CNode::cancel_badged_sends"],
            cnode::cancel_badged_sends,
        ),
        t(
            "endpoint_without_write_right",
            &["Endpoint::call"],
            cnode::endpoint_without_write_right,
        ),
        t(
            "tcb_configure",
            &[
                "Tcb::configure",
                "Tcb::set_space",
                "Tcb::set_ipc_buffer",
                "Tcb::set_tls_base",
            ],
            tcb::configure,
        ),
        t(
            "tcb_registers",
            &[
                "Tcb::write_registers",
                "Tcb::read_registers",
                "Tcb::copy_registers",
            ],
            tcb::registers,
        ),
        t(
            "tcb_priorities",
            &[
                "Tcb::set_priority",
                "Tcb::set_mc_priority",
                "Tcb::set_sched_params",
            ],
            tcb::priorities,
        ),
        t("tcb_flags", &["Tcb::set_flags"], tcb::flags),
        t(
            "tcb_bind_notification",
            &[
                "Tcb::bind_notification",
                "Tcb::unbind_notification",
                "Notification::signal",
            ],
            tcb::bind_notification,
        ),
        t(
            "tcb_suspend_resume",
            &["Tcb::suspend", "Tcb::resume", "yield_now"],
            tcb::suspend_resume,
        ),
        t(
            "thread_tls_and_ipc_buffer",
            &[],
            tcb::thread_tls_and_ipc_buffer,
        ),
        t(
            "endpoint_call_reply_recv",
            &[
                "Endpoint::call",
                "Endpoint::recv",
                "Endpoint::reply_recv",
                "Endpoint::recv_into",
                "Endpoint::reply_recv_into",
                "set_mr",
                "get_mr",
            ],
            ipc::call_reply_recv,
        ),
        t(
            "endpoint_send_recv_badge",
            &["Endpoint::send", "Endpoint::recv_into", "Notification::wait"],
            ipc::send_recv_badge,
        ),
        t(
            "endpoint_nb_send_nb_recv",
            &["Endpoint::nb_send", "Endpoint::nb_recv"],
            ipc::nb_send_nb_recv,
        ),
        t(
            "endpoint_cap_transfer",
            &["set_cap", "set_cap_receive_path", "get_badge"],
            ipc::cap_transfer,
        ),
        t(
            "notification_signal_wait_poll",
            &[
                "Notification::signal",
                "Notification::wait",
                "Notification::poll",
            ],
            ipc::notification,
        ),
        t(
            "domain_set",
            &[
                "DomainSet::set",
                "DomainSet::schedule_configure",
                "DomainSet::schedule_set_start",
            ],
            irq::domain_set,
        ),
        t(
            "page_map_use_unmap",
            &["Page::map", "Page::unmap", "Page::get_address"],
            vspace::page_map_use_unmap,
        ),
        t(
            "page_table_map_unmap",
            &["PageTable::map", "PageTable::unmap"],
            vspace::page_table,
        ),
        t(
            "asid_pool",
            &["AsidControl::make_pool", "AsidPool::assign"],
            vspace::asid_pool,
        ),
        t("fault_vm_fault", &["Fault::new"], fault::vm_fault),
        t(
            "fault_stack_overflow_hits_guard_page",
            &["Fault::new"],
            fault::stack_overflow,
        ),
        t(
            "root_stack_guard_page_is_unmapped",
            &["Fault::new"],
            fault::root_stack_guard,
        ),
        t(
            "fault_user_exception",
            &["Fault::new"],
            fault::user_exception,
        ),
        t(
            "fault_unknown_syscall",
            &["Fault::new"],
            fault::unknown_syscall,
        ),
        t("fault_cap_fault", &["Fault::new"], fault::cap_fault),
    ];

    /// Tests for kernels without MCS.
    #[cfg(not(sel4_cfg_KERNEL_MCS))]
    const NON_MCS: &[Test] = &[
        t(
            "cnode_save_caller",
            &["CNode::save_caller", "Reply::send"],
            cnode::save_caller,
        ),
        t("reply", &["reply"], ipc::reply),
    ];

    /// Tests for MCS kernels.
    #[cfg(sel4_cfg_KERNEL_MCS)]
    const MCS: &[Test] = &[
        t(
            "sched_control_configure",
            &["SchedControl::configure_flags"],
            mcs::sched_control,
        ),
        t(
            "sched_context_bind_unbind",
            &[
                "SchedContext::bind",
                "SchedContext::unbind",
                "SchedContext::unbind_object",
                "SchedContext::consumed",
            ],
            mcs::bind_unbind,
        ),
        t(
            "sched_context_yield_to",
            &["SchedContext::yield_to"],
            mcs::yield_to,
        ),
        t(
            "reply_object",
            &["Reply::send", "Endpoint::recv_into"],
            mcs::reply_object,
        ),
        t(
            "nb_send_recv_and_nb_send_wait",
            &["Endpoint::nb_send_recv", "Endpoint::nb_send_wait"],
            mcs::nb_send_recv,
        ),
        t(
            "fault_timeout",
            &["Tcb::set_timeout_endpoint", "Fault::new"],
            mcs::timeout_fault,
        ),
    ];

    /// Tests for Arm (AArch64 and AArch32).
    #[cfg(any(target_arch = "aarch64", target_arch = "arm"))]
    const ARM: &[Test] = &[
        t(
            "irq_control_and_handler",
            &[
                "IrqControl::get",
                "IrqHandler::set_notification",
                "IrqHandler::ack",
                "IrqHandler::clear",
            ],
            irq::control_and_handler,
        ),
        t(
            "page_cache_maintenance",
            &[
                "Page::clean_data",
                "Page::invalidate_data",
                "Page::clean_invalidate_data",
                "Page::unify_instruction",
            ],
            vspace::page_cache,
        ),
    ];

    /// Tests for Arm kernels without SMP (SGI signal capabilities exist only there).
    #[cfg(all(
        any(target_arch = "aarch64", target_arch = "arm"),
        not(sel4_cfg_ENABLE_SMP_SUPPORT)
    ))]
    const ARM_NOT_SMP: &[Test] = &[
        t(
            "irq_trigger_and_sgi",
            &["IrqControl::get_trigger", "IrqControl::issue_sgi_signal"],
            irq::trigger_and_sgi,
        ),
    ];

    /// Tests for Arm kernels with SMP: interrupts routed to a core.
    #[cfg(all(
        any(target_arch = "aarch64", target_arch = "arm"),
        sel4_cfg_ENABLE_SMP_SUPPORT
    ))]
    const ARM_SMP: &[Test] = &[
        t("irq_trigger", &["IrqControl::get_trigger"], irq::trigger),
        t(
            "irq_trigger_core",
            &["IrqControl::get_trigger_core"],
            irq::trigger_core,
        ),
    ];

    /// Tests for kernels that write their error messages into the IPC buffer
    /// (KernelInvocationReportErrorIPC).
    #[cfg(sel4_cfg_KERNEL_INVOCATION_REPORT_ERROR_IPC)]
    const REPORT_ERROR_IPC: &[Test] = &[t("invocation_error_report", &[], cnode::error_report)];

    /// Tests for SMP kernels: a thread on another core (the kernel has at least two).
    #[cfg(sel4_cfg_ENABLE_SMP_SUPPORT)]
    const SMP: &[Test] = &[
        t("root_server_node", &[], smp::root_server_node),
        t("cross_core_ipc", &[], smp::cross_core_ipc),
    ];

    /// Tests for SMP kernels without MCS (with MCS a thread's core is its scheduling context's).
    #[cfg(all(sel4_cfg_ENABLE_SMP_SUPPORT, not(sel4_cfg_KERNEL_MCS)))]
    const SMP_NON_MCS: &[Test] = &[t("tcb_set_affinity", &["Tcb::set_affinity"], tcb::affinity)];

    /// Tests for AArch64.
    #[cfg(target_arch = "aarch64")]
    const AARCH64: &[Test] = &[
        t(
            "vspace_cache_maintenance",
            &[
                "VSpace::clean_data",
                "VSpace::invalidate_data",
                "VSpace::clean_invalidate_data",
                "VSpace::unify_instruction",
            ],
            vspace::vspace_cache,
        ),
        t("smc_needs_an_smc_cap", &["Smc::call"], irq::smc),
        t(
            "page_table_levels",
            &["PageTable::map", "PageTable::unmap", "Page::map"],
            vspace::page_table_levels,
        ),
    ];

    /// Tests for AArch32: the page directory is the address-space root, with the cache operations
    /// AArch64 has on its VSpace.
    #[cfg(target_arch = "arm")]
    const AARCH32: &[Test] = &[t(
        "page_directory_cache_maintenance",
        &[
            "PageDirectory::clean_data",
            "PageDirectory::invalidate_data",
            "PageDirectory::clean_invalidate_data",
            "PageDirectory::unify_instruction",
        ],
        vspace::vspace_cache,
    )];

    /// Tests for RISC-V (64 and 32 bits).
    #[cfg(any(target_arch = "riscv64", target_arch = "riscv32"))]
    const RISCV: &[Test] = &[
        t(
            "irq_control_and_handler",
            &[
                "IrqControl::get",
                "IrqHandler::set_notification",
                "IrqHandler::ack",
                "IrqHandler::clear",
            ],
            irq::control_and_handler,
        ),
        t("irq_trigger", &["IrqControl::get_trigger"], irq::trigger),
        t(
            "page_table_levels",
            &["PageTable::map", "PageTable::unmap", "Page::map"],
            vspace::page_table_levels,
        ),
    ];

    /// Tests for AArch64 hypervisor kernels (`ARM_HYP`).
    #[cfg(all(target_arch = "aarch64", sel4_cfg_ARM_HYPERVISOR_SUPPORT))]
    const AARCH64_HYP: &[Test] = &[t(
        "vcpu_registers_and_interrupts",
        &[
            "Vcpu::set_tcb",
            "Vcpu::read_regs",
            "Vcpu::write_regs",
            "Vcpu::inject_irq",
            "Vcpu::ack_vppi",
        ],
        vcpu::registers_and_interrupts,
    )];

    /// Tests for x86-64: interrupts through the I/O APIC and MSIs, I/O ports, the paging
    /// structures above the page tables, the IOMMU's invocations.
    #[cfg(target_arch = "x86_64")]
    const X86_64: &[Test] = &[
        t(
            "x86_irq_ioapic_and_handler",
            &[
                "IrqControl::get_ioapic",
                "IrqControl::get",
                "IrqHandler::set_notification",
                "IrqHandler::ack",
                "IrqHandler::clear",
            ],
            x86::irq_ioapic_and_handler,
        ),
        t("x86_irq_msi", &["IrqControl::get_msi"], x86::irq_msi),
        t(
            "x86_io_ports",
            &[
                "IoPortControl::issue",
                "IoPort::in8",
                "IoPort::in16",
                "IoPort::in32",
                "IoPort::out8",
                "IoPort::out16",
                "IoPort::out32",
            ],
            x86::io_ports,
        ),
        t(
            "x86_paging_structures",
            &[
                "Pdpt::map",
                "Pdpt::unmap",
                "PageDirectory::map",
                "PageDirectory::unmap",
                "PageTable::map",
                "Page::map",
            ],
            x86::paging_structures,
        ),
    ];

    /// Tests for x86-64 kernels with IOMMU support (`KernelIOMMU`): its invocations.
    #[cfg(all(target_arch = "x86_64", sel4_cfg_IOMMU))]
    const X86_64_IOMMU: &[Test] = &[t(
        "x86_iommu_without_an_iospace",
        &["Page::map_io", "IoPageTable::map", "IoPageTable::unmap"],
        x86::iommu_without_an_iospace,
    )];
}

// ------------------------------------------------------------------------------------------
// Helpers for tests with more than one thread.

/// A [`ReplyTo`] for a thread that receives calls: the tests' server loops are written once
/// for both kernel modes with it.
pub fn reply_to(ctx: &mut Ctx) -> Result<ReplyTo, Failure> {
    ok(ctx.objects.allocate_reply_to(), "allocate a reply object")
}

/// Starts `entry(arg)` in a new thread of the root server's address space; `arg` is moved to
/// the heap and the thread gets a `&'static A` (tests share statics with their threads).
pub fn spawn<A: Send + Sync + 'static>(
    ctx: &mut Ctx,
    entry: fn(&'static A),
    arg: A,
    config: &ThreadConfig,
) -> Result<Thread, Failure> {
    fn run<A: 'static>((entry, arg): (fn(&'static A), &'static A)) {
        entry(arg)
    }
    let arg: &'static A = Box::leak(Box::new(arg));
    ok(
        Thread::spawn_with(
            &mut ctx.objects,
            &mut ctx.vspace,
            run::<A>,
            (entry, arg),
            config,
        ),
        "spawn a thread",
    )
}

/// A copy of `cap` with all rights and `badge`, in a fresh slot of the root CNode.
pub fn badged<T: sel4::CapType>(
    ctx: &mut Ctx,
    cap: Cap<T>,
    badge: sel4::sys::seL4_Word,
) -> Result<Cap<T>, Failure> {
    let slot = ok(ctx.objects.alloc_slot(), "slot")?;
    let root = sel4::init_thread::CNODE;
    ok(
        root.slot(slot)
            .mint_from(root.slot(cap.bits()), sel4::CapRights::ALL, badge),
        "mint",
    )?;
    Ok(Cap::from_bits(slot))
}

/// A new capability of type `T` from the allocator, for tests.
pub fn new_object<T: sel4::FixedSizeObject>(ctx: &mut Ctx, what: &str) -> Result<Cap<T>, Failure> {
    ok(ctx.objects.allocate_fixed::<T>(), what)
}
