//! `sel4::log`: one global logger, set once; the levels the run-time maximum lets through
//! reach it, with their targets; `sel4::sync::OnceCell` underneath.

use core::sync::atomic::{AtomicUsize, Ordering};

use sel4::log::{Level, LevelFilter, Logger, Record};
use sel4::sync::OnceCell;

use crate::harness::{check, equal, Ctx, Outcome};

/// Counts the messages of each level, and those whose target was named `"net"`.
struct Counting {
    by_level: [AtomicUsize; 6],
    net: AtomicUsize,
}

impl Logger for Counting {
    fn enabled(&self, _: Level, target: &str) -> bool {
        target != "ignored"
    }

    fn log(&self, record: &Record<'_>) {
        self.by_level[record.level as usize].fetch_add(1, Ordering::SeqCst);
        if record.target == "net" {
            self.net.fetch_add(1, Ordering::SeqCst);
        }
    }
}

static COUNTING: Counting = Counting {
    by_level: [const { AtomicUsize::new(0) }; 6],
    net: AtomicUsize::new(0),
};

fn counts() -> [usize; 6] {
    core::array::from_fn(|i| COUNTING.by_level[i].load(Ordering::SeqCst))
}

pub fn logger(_: &mut Ctx) -> Outcome {
    sel4::info!("dropped: no logger yet");
    check(sel4::log::logger().is_none(), || {
        "a logger before set_logger".into()
    })?;
    check(sel4::log::set_logger(&COUNTING).is_ok(), || {
        "set_logger failed".into()
    })?;
    check(sel4::log::set_logger(&COUNTING).is_err(), || {
        "set_logger twice".into()
    })?;
    equal(counts(), [0; 6], "messages before the logger was set")?;

    sel4::error!("e");
    sel4::warn!("w");
    sel4::info!(target: "net", "i {}", 1);
    sel4::debug!("d");
    sel4::trace!("t");
    sel4::log!(Level::Info, "l");
    sel4::info!(target: "ignored", "the logger does not want it");
    equal(counts(), [0, 1, 1, 2, 1, 1], "one message per level")?;
    equal(
        COUNTING.net.load(Ordering::SeqCst),
        1,
        "messages of target net",
    )?;

    sel4::log::set_max_level(LevelFilter::Warn);
    equal(sel4::log::max_level(), LevelFilter::Warn, "max_level")?;
    sel4::info!("filtered");
    sel4::debug!("filtered");
    sel4::warn!("passes");
    sel4::log::set_max_level(LevelFilter::Trace);
    equal(
        counts(),
        [0, 1, 2, 2, 1, 1],
        "after lowering the maximum to Warn",
    )
}

pub fn once_cell(_: &mut Ctx) -> Outcome {
    let cell = OnceCell::new();
    equal(cell.get(), None, "an empty cell")?;
    equal(cell.set(1), Ok(()), "the first set")?;
    equal(cell.set(2), Err(2), "a second set")?;
    equal(*cell.get_or_init(|| 3), 1, "get_or_init of a set cell")?;
    let lazy = OnceCell::new();
    equal(*lazy.get_or_init(|| 4), 4, "get_or_init of an empty cell")
}
