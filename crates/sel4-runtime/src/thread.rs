//! Threads in the root server's address space: [`Thread::spawn`].
//!
//! A thread gets a TCB, a stack, a TLS block and an IPC buffer, all made from untyped memory
//! and mapped in the runtime's window ([`AddressSpace`]):
//!
//! ```text
//!   guard page (never mapped) | stack (grows down) | TLS block | IPC buffer
//! ```
//!
//! The guard page below the stack stays unmapped, so a stack overflow is a VM fault, delivered
//! to the thread's fault endpoint when it has one, instead of overwriting memory.
//!
//! The thread shares the root server's CSpace and VSpace, starts in `entry(arg)` with its IPC
//! buffer pointer set, and suspends itself when `entry` returns or panics. The first thread
//! started also gives the debug console its lock ([`sel4::debug::set_console_lock`]), so that
//! `debug_println!` lines of different threads never interleave. [`Thread::spawn`]
//! passes a word; [`Thread::spawn_with`] moves any value onto the new thread's stack.

use core::ops::Range;

use sel4::sys::seL4_Word;
use sel4::{cap_type, init_thread, Cap, Result};

use crate::arch::{self, PAGE_SIZE};
use crate::objects::ObjectAllocator;
use crate::vspace::AddressSpace;

/// How to make a thread: [`Thread::spawn`]'s options, with [`Default`] values.
#[derive(Debug, Clone, Copy)]
pub struct ThreadConfig {
    /// Pages of stack (4 KiB each). Default: 4.
    pub stack_pages: usize,
    /// Scheduling priority; at most the root thread's maximum controlled priority (255).
    /// Default: 254, just below the root thread.
    pub priority: u8,
    /// Where the kernel sends the thread's faults; `None`: a faulting thread just stops.
    pub fault_endpoint: Option<Cap<cap_type::Endpoint>>,
    /// The core the thread runs on: 0 (the boot core) unless the kernel is an SMP one
    /// (`ENABLE_SMP_SUPPORT`) with more nodes. On MCS kernels the thread's scheduling context
    /// is configured for that core. Default: 0.
    pub core: usize,
    /// The budget of the thread's scheduling context in microseconds, per
    /// [`period_us`](Self::period_us) (MCS). Default: 1000.
    #[cfg(sel4_cfg_KERNEL_MCS)]
    pub budget_us: u64,
    /// The period of the thread's scheduling context in microseconds (MCS). Default: 1000.
    #[cfg(sel4_cfg_KERNEL_MCS)]
    pub period_us: u64,
}

impl Default for ThreadConfig {
    fn default() -> Self {
        Self {
            stack_pages: 4,
            priority: 254,
            fault_endpoint: None,
            core: 0,
            #[cfg(sel4_cfg_KERNEL_MCS)]
            budget_us: 1000,
            #[cfg(sel4_cfg_KERNEL_MCS)]
            period_us: 1000,
        }
    }
}

/// A thread started by [`Thread::spawn`].
#[derive(Debug, Clone)]
pub struct Thread {
    tcb: Cap<cap_type::Tcb>,
    guard: usize,
    stack: Range<usize>,
    ipc_buffer: usize,
    #[cfg(sel4_cfg_KERNEL_MCS)]
    sched_context: Cap<cap_type::SchedContext>,
}

impl Thread {
    /// Creates a thread that runs `entry(arg)` and starts it.
    ///
    /// # Errors
    ///
    /// [`Error::NotEnoughMemory`](sel4::Error::NotEnoughMemory) when slots, untyped memory or
    /// the address-space window run out;
    /// [`Error::InvalidArgument`](sel4::Error::InvalidArgument) for a core the kernel does not
    /// have; the kernel's error when it refuses a step (a priority above the root thread's,
    /// ...).
    pub fn spawn(
        objects: &mut ObjectAllocator,
        vspace: &mut AddressSpace,
        entry: fn(usize),
        arg: usize,
        config: &ThreadConfig,
    ) -> Result<Self> {
        Self::create(objects, vspace, config, |stack| {
            Ok((entry as usize, arg, stack.end))
        })
    }

    /// Creates a thread that runs `entry(arg)` and starts it, `arg` being any value the thread
    /// may own: it is moved to the top of the new thread's stack, so no heap is needed.
    ///
    /// # Errors
    ///
    /// As [`spawn`](Self::spawn); [`Error::NotEnoughMemory`](sel4::Error::NotEnoughMemory) as
    /// well when `arg` takes more than half of the stack.
    pub fn spawn_with<A: Send + 'static>(
        objects: &mut ObjectAllocator,
        vspace: &mut AddressSpace,
        entry: fn(A),
        arg: A,
        config: &ThreadConfig,
    ) -> Result<Self> {
        struct Start<A> {
            entry: fn(A),
            arg: A,
        }
        fn trampoline<A>(start: usize) {
            // SAFETY: `spawn_with` wrote a `Start<A>` there for this thread, which takes it
            // once.
            let Start { entry, arg } = unsafe { core::ptr::read(start as *const Start<A>) };
            entry(arg)
        }
        Self::create(objects, vspace, config, |stack| {
            let size = core::mem::size_of::<Start<A>>();
            let align = core::mem::align_of::<Start<A>>().max(16);
            if size > (stack.end - stack.start) / 2 {
                return Err(sel4::Error::NotEnoughMemory);
            }
            // Also the thread's first stack pointer: 16-byte aligned, the value above it.
            let at = (stack.end - size) & !(align - 1);
            // SAFETY: the stack pages are mapped read-write here (the same address space) and
            // not in use: the thread has not started. `at` is aligned for `Start<A>`.
            unsafe { core::ptr::write(at as *mut Start<A>, Start { entry, arg }) };
            Ok((trampoline::<A> as fn(usize) as usize, at, at))
        })
    }

    /// Makes the thread's objects and mappings, lets `place` decide its entry function,
    /// argument and first stack pointer from the stack's addresses, and starts it.
    fn create(
        objects: &mut ObjectAllocator,
        vspace: &mut AddressSpace,
        config: &ThreadConfig,
        place: impl FnOnce(Range<usize>) -> Result<(usize, usize, usize)>,
    ) -> Result<Self> {
        // From now on several threads may print: each line must come out whole.
        if !sel4::debug::has_console_lock() {
            let lock = objects.allocate_fixed::<cap_type::Notification>()?;
            sel4::debug::set_console_lock(lock);
        }
        let tls_pages = crate::tls::area_size()
            .map_err(|_| sel4::Error::NotEnoughMemory)?
            .div_ceil(PAGE_SIZE);
        // Guard page, stack, TLS, IPC buffer: one reservation, the guard left unmapped.
        let guard = vspace.reserve(1 + config.stack_pages + tls_pages + 1)?;
        let stack = guard + PAGE_SIZE..guard + PAGE_SIZE * (1 + config.stack_pages);
        let tls = stack.end;
        let ipc_buffer = tls + tls_pages * PAGE_SIZE;
        for page in (stack.start..ipc_buffer).step_by(PAGE_SIZE) {
            vspace.map_new_frame(objects, page)?;
        }
        let ipc_frame = vspace.map_new_frame(objects, ipc_buffer)?;
        // SAFETY: the TLS pages were just mapped, zeroed, and are this thread's alone.
        let thread_pointer = unsafe { crate::tls::init_in(tls as *mut u8, tls_pages * PAGE_SIZE) }
            .map_err(|_| sel4::Error::NotEnoughMemory)?;

        let tcb = objects.allocate_fixed::<cap_type::Tcb>()?;
        #[cfg(not(sel4_cfg_KERNEL_MCS))]
        {
            let fault_ep = config.fault_endpoint.map_or(0, |ep| ep.bits());
            tcb.configure(
                fault_ep,
                init_thread::CNODE,
                0,
                vspace.vspace(),
                0,
                ipc_buffer as seL4_Word,
                ipc_frame,
            )?;
            tcb.set_priority(init_thread::TCB, config.priority.into())?;
            #[cfg(sel4_cfg_ENABLE_SMP_SUPPORT)]
            tcb.set_affinity(config.core as seL4_Word)?;
            #[cfg(not(sel4_cfg_ENABLE_SMP_SUPPORT))]
            if config.core != 0 {
                return Err(sel4::Error::InvalidArgument);
            }
        }
        #[cfg(sel4_cfg_KERNEL_MCS)]
        let sched_context = {
            tcb.configure(
                init_thread::CNODE,
                0,
                vspace.vspace(),
                0,
                ipc_buffer as seL4_Word,
                ipc_frame,
            )?;
            let sched_context = objects.allocate_as::<cap_type::SchedContext>(
                sel4::ObjectBlueprint::SchedContext {
                    size_bits: sel4::sys::seL4_MinSchedContextBits as usize,
                },
            )?;
            // Each core has its scheduling control capability: it places the thread.
            let control = init_thread::sched_control(objects.bootinfo(), config.core as seL4_Word)
                .ok_or(sel4::Error::InvalidArgument)?;
            control.configure_flags(sched_context, config.budget_us, config.period_us, 0, 0, 0)?;
            let fault_ep = config.fault_endpoint.unwrap_or(Cap::from_bits(0));
            tcb.set_sched_params(
                init_thread::TCB,
                config.priority.into(),
                config.priority.into(),
                sched_context,
                fault_ep,
            )?;
            sched_context
        };
        let (entry, arg, sp) = place(stack.clone())?;
        // The register set includes the thread pointer: writing all of it sets the TLS base.
        let regs = arch::initial_registers(
            thread_start as extern "C" fn(usize, usize, usize, usize) -> ! as usize,
            sp,
            thread_pointer,
            [entry, arg, ipc_buffer, tcb.bits() as usize],
        );
        tcb.write_registers(false, 0, arch::REGISTER_COUNT, &regs)?;
        tcb.resume()?;
        Ok(Self {
            tcb,
            guard,
            stack,
            ipc_buffer,
            #[cfg(sel4_cfg_KERNEL_MCS)]
            sched_context,
        })
    }

    /// The thread's TCB.
    pub const fn tcb(&self) -> Cap<cap_type::Tcb> {
        self.tcb
    }

    /// The address of the unmapped guard page below the stack.
    pub const fn guard_page(&self) -> usize {
        self.guard
    }

    /// The stack's addresses; the stack pointer starts at the end.
    pub fn stack(&self) -> Range<usize> {
        self.stack.clone()
    }

    /// The address of the thread's IPC buffer.
    pub const fn ipc_buffer(&self) -> usize {
        self.ipc_buffer
    }

    /// The thread's scheduling context (MCS).
    #[cfg(sel4_cfg_KERNEL_MCS)]
    pub const fn sched_context(&self) -> Cap<cap_type::SchedContext> {
        self.sched_context
    }
}

/// Where a spawned thread starts, with its stack and thread pointer set by [`Thread::spawn`].
extern "C" fn thread_start(entry: usize, arg: usize, ipc_buffer: usize, tcb: usize) -> ! {
    crate::set_current_tcb(tcb as seL4_Word);
    // SAFETY: this thread's IPC buffer, mapped and registered with the kernel by `spawn`; the
    // pointer variable is this thread's own (thread-local).
    unsafe { sel4::sys::seL4_SetIPCBuffer(ipc_buffer as *mut _) };
    // SAFETY: `spawn` passes a `fn(usize)` as `entry`.
    let entry: fn(usize) = unsafe { core::mem::transmute::<usize, fn(usize)>(entry) };
    entry(arg);
    crate::halt()
}
