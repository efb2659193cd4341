//! Fibers: the step bodies of a `parallel` group each run on a stack of their own, all on
//! this one thread, and take turns wherever one waits (an AWS call, a wait's pause, `sleep`).
//! Script values are `Rc`-based and the runtime single-threaded, so the bodies cannot move to
//! threads; on fibers the script engine stays as it is, and each wait becomes "let the others
//! go on until what I wait for is ready".

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::ptr;
use std::task::{Context, Poll, Waker};

use corosensei::stack::DefaultStack;
use corosensei::{CoroutineResult, ScopedCoroutine, ScopedCoroutineRef, Yielder};

/// Script evaluation is recursive: as much room as the main thread's stack has. Only the
/// pages a body touches are ever mapped.
const STACK_SIZE: usize = 8 << 20;

type Fiber<'a, R> = ScopedCoroutine<'a, (), (), R, DefaultStack>;
type FiberRef<'s, R> = ScopedCoroutineRef<'s, (), (), R, DefaultStack>;

thread_local! {
    /// The fiber running now, to pause it; null outside fibers.
    static CURRENT: Cell<*const Yielder<(), ()>> = const { Cell::new(ptr::null()) };
    /// The waker of the scheduler's poll in progress: what a fiber's future wakes.
    static WAKER: RefCell<Option<Waker>> = const { RefCell::new(None) };
}

/// Whether the code running now is a fiber's.
pub fn active() -> bool {
    !CURRENT.with(Cell::get).is_null()
}

/// Drives `future` from inside a fiber: polls it, and while it is pending lets the other
/// fibers run.
///
/// # Panics
/// Outside a fiber (see `active`).
pub fn wait<F: Future>(future: F) -> F::Output {
    let yielder = CURRENT.with(Cell::get);
    assert!(!yielder.is_null(), "fiber::wait outside a fiber");
    let mut future = pin!(future);
    loop {
        let waker = WAKER
            .with(|w| w.borrow().clone())
            .expect("a fiber runs only inside the scheduler's poll");
        if let Poll::Ready(value) = future.as_mut().poll(&mut Context::from_waker(&waker)) {
            return value;
        }
        // SAFETY: `yielder` is this fiber's own, set by its entry in `run_all`, whose frame
        // is below this one on the stack we are running on, so it is alive.
        unsafe { &*yielder }.suspend(());
        CURRENT.with(|c| c.set(yielder));
    }
}

/// Whose turn begins or ends, for `run_all`'s caller to switch what is per job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    Begins,
    Ends,
}

/// Runs `jobs` as fibers inside `runtime` until every one has returned; their results in
/// the jobs' order. Whenever something a job waits for may have moved, each unfinished job
/// gets a turn, with `turn(i, Begins)` before and `turn(i, Ends)` after job i's.
pub fn run_all<'a, R>(
    runtime: &tokio::runtime::Runtime,
    jobs: Vec<Box<dyn FnOnce() -> R + 'a>>,
    mut turn: impl FnMut(usize, Turn),
) -> std::io::Result<Vec<R>> {
    let mut fibers = Vec::with_capacity(jobs.len());
    for job in jobs {
        let stack = DefaultStack::new(STACK_SIZE)?;
        fibers.push(Fiber::with_stack(
            stack,
            move |yielder: &Yielder<(), ()>, ()| {
                CURRENT.with(|c| c.set(yielder));
                job()
            },
        ));
    }
    let mut results: Vec<Option<R>> = fibers.iter().map(|_| None).collect();
    within(fibers, Vec::new(), &mut |fibers: &mut [FiberRef<
        '_,
        R,
    >]| {
        runtime.block_on(std::future::poll_fn(|cx| {
            WAKER.with(|w| *w.borrow_mut() = Some(cx.waker().clone()));
            for (i, fiber) in fibers.iter_mut().enumerate() {
                if results[i].is_some() {
                    continue;
                }
                turn(i, Turn::Begins);
                let outcome = fiber.resume(());
                CURRENT.with(|c| c.set(ptr::null()));
                turn(i, Turn::Ends);
                if let CoroutineResult::Return(result) = outcome {
                    results[i] = Some(result);
                }
            }
            WAKER.with(|w| *w.borrow_mut() = None);
            if results.iter().all(Option::is_some) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }))
    });
    Ok(results.into_iter().flatten().collect())
}

/// Opens the scope of every fiber, one inside the other, so that `f` holds them all.
fn within<R>(
    mut closed: Vec<Fiber<'_, R>>,
    open: Vec<FiberRef<'_, R>>,
    f: &mut dyn FnMut(&mut [FiberRef<'_, R>]),
) {
    match closed.pop() {
        None => {
            let mut open = open;
            // Popped from the back: the first fiber was opened last.
            open.reverse();
            f(&mut open)
        }
        Some(fiber) => fiber.scope(|fiber| {
            let mut open: Vec<FiberRef<'_, R>> = open;
            open.push(fiber);
            within(closed, open, f)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    fn job<'a>(
        log: &'a RefCell<Vec<String>>,
        name: &'static str,
        millis: u64,
    ) -> Box<dyn FnOnce() -> &'static str + 'a> {
        Box::new(move || {
            log.borrow_mut().push(format!("{name} starts"));
            wait(tokio::time::sleep(Duration::from_millis(millis)));
            log.borrow_mut().push(format!("{name} ends"));
            name
        })
    }

    #[test]
    fn waits_overlap_and_results_keep_the_jobs_order() {
        let log = RefCell::new(Vec::new());
        let results = run_all(
            &runtime(),
            vec![job(&log, "a", 300), job(&log, "b", 100)],
            |_, _| {},
        )
        .unwrap();
        assert_eq!(results, ["a", "b"]);
        assert_eq!(
            *log.borrow(),
            ["a starts", "b starts", "b ends", "a ends"],
            "b's shorter wait ends first, while a still waits"
        );
    }

    #[test]
    fn turns_frame_every_resume_and_active_is_true_only_inside() {
        let turns = RefCell::new(Vec::new());
        assert!(!active());
        let jobs: Vec<Box<dyn FnOnce() -> bool>> = vec![
            Box::new(|| {
                wait(tokio::task::yield_now());
                active()
            }),
            Box::new(active),
        ];
        let results = run_all(&runtime(), jobs, |i, t| turns.borrow_mut().push((i, t))).unwrap();
        assert_eq!(results, [true, true]);
        assert!(!active());
        let turns = turns.into_inner();
        assert_eq!(
            &turns[..4],
            [
                (0, Turn::Begins),
                (0, Turn::Ends),
                (1, Turn::Begins),
                (1, Turn::Ends)
            ]
        );
        assert_eq!(turns.last(), Some(&(0, Turn::Ends)));
        assert!(turns.len() >= 6, "job 0 took a second turn: {turns:?}");
    }

    #[test]
    fn a_job_that_never_waits_runs_to_the_end_in_its_first_turn() {
        let results = run_all(&runtime(), vec![Box::new(|| 1), Box::new(|| 2)], |_, _| {}).unwrap();
        assert_eq!(results, [1, 2]);
    }
}
