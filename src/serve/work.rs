//! The work of requests (layout, drawing, rendering, importing, filing), each
//! on a thread of its own, so that one heavy request never holds back the
//! others for long.
//!
//! At most `workers` jobs run at full priority at once (the machine's
//! cores); others wait for a place. A job still running after
//! [`Limits::demote_after`] gives up its place and, on Linux, drops to the
//! lowest scheduling priority (nice 19 for its thread): the next requests
//! run beside it at once and get almost all of the processor. At most
//! `workers` jobs can be set aside like this; while they are, a further slow
//! job keeps its place. After [`Limits::work_deadline`] the client is told
//! that its request took too long (503) and the result, when it comes, is
//! thrown away. A thread cannot be stopped from outside, so the time a job
//! can take at all is bounded by the limits on its input (a bulletin of
//! 4 MB, 1,000 pages; a draft's size, depth and attributes).

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};

use super::Limits;

/// Why a job gave no result.
#[derive(Debug)]
pub enum Failed {
    /// It took longer than the deadline.
    Deadline,
    /// It panicked (a bug), with what it said.
    Panicked(String),
    /// No thread could be started for it (the system's limits).
    NoThread,
}

/// The places of running jobs.
#[derive(Debug)]
pub struct Pool {
    places: Arc<Semaphore>,
    aside: Arc<Semaphore>,
    limits: Limits,
}

impl Pool {
    /// A pool running `workers` jobs at once at full priority.
    pub fn new(workers: usize, limits: Limits) -> Pool {
        let workers = workers.max(1);
        Pool {
            places: Arc::new(Semaphore::new(workers)),
            aside: Arc::new(Semaphore::new(workers)),
            limits,
        }
    }

    /// Run `work` on a thread of its own once a place is free.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Failed> {
        let place = self
            .places
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Failed::NoThread)?;
        // The thread holds its permits until it ends, even when the client
        // has gone: a job that runs on counts against the limits.
        let held: Arc<Mutex<Vec<OwnedSemaphorePermit>>> = Arc::new(Mutex::new(vec![place]));
        let tid = Arc::new(AtomicI32::new(0));
        let (tx, rx) = oneshot::channel();
        let (h, t) = (held.clone(), tid.clone());
        std::thread::Builder::new()
            .name("jianbao-work".into())
            .spawn(move || {
                t.store(thread_id(), Ordering::SeqCst);
                let result = std::panic::catch_unwind(AssertUnwindSafe(work));
                h.lock().unwrap_or_else(|e| e.into_inner()).clear();
                let _ = tx.send(result);
            })
            .map_err(|_| Failed::NoThread)?;
        let mut rx = rx;
        let outcome = |r: Result<std::thread::Result<T>, oneshot::error::RecvError>| match r {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(panic)) => Err(Failed::Panicked(
                panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default(),
            )),
            Err(_) => Err(Failed::Panicked(String::new())),
        };
        match tokio::time::timeout(self.limits.demote_after, &mut rx).await {
            Ok(r) => return outcome(r),
            Err(_) => self.set_aside(&held, &tid),
        }
        let rest = self
            .limits
            .work_deadline
            .saturating_sub(self.limits.demote_after);
        match tokio::time::timeout(rest, rx).await {
            Ok(r) => outcome(r),
            Err(_) => Err(Failed::Deadline),
        }
    }

    /// A job past [`Limits::demote_after`]: lowest priority, and its place
    /// given to the next (when fewer than `workers` are set aside already).
    fn set_aside(&self, held: &Mutex<Vec<OwnedSemaphorePermit>>, tid: &AtomicI32) {
        let Ok(aside) = self.aside.clone().try_acquire_owned() else {
            return;
        };
        let mut held = held.lock().unwrap_or_else(|e| e.into_inner());
        if held.is_empty() {
            // It has just ended.
            return;
        }
        lower_priority(tid.load(Ordering::SeqCst));
        held.clear();
        held.push(aside);
    }
}

#[cfg(target_os = "linux")]
fn thread_id() -> i32 {
    rustix::thread::gettid().as_raw_nonzero().get()
}

#[cfg(not(target_os = "linux"))]
fn thread_id() -> i32 {
    0
}

/// Give the thread `tid` the lowest priority (Linux: the nice value of one
/// thread); elsewhere nothing.
#[cfg(target_os = "linux")]
fn lower_priority(tid: i32) {
    if let Some(pid) = rustix::process::Pid::from_raw(tid) {
        let _ = rustix::process::setpriority_process(Some(pid), 19);
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority(_tid: i32) {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn limits(demote_ms: u64, deadline_ms: u64) -> Limits {
        Limits {
            demote_after: Duration::from_millis(demote_ms),
            work_deadline: Duration::from_millis(deadline_ms),
            ..Limits::default()
        }
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
    }

    #[test]
    fn results_panics_and_deadlines() {
        runtime().block_on(async {
            let pool = Pool::new(1, limits(20, 200));
            assert_eq!(pool.run(|| 6 * 7).await.unwrap(), 42);
            let e = pool.run(|| -> u8 { panic!("boom") }).await.unwrap_err();
            assert!(matches!(e, Failed::Panicked(ref m) if m == "boom"), "{e:?}");
            // A job that waits for longer than the deadline: the caller is
            // told; the job's result is thrown away.
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            let e = pool.run(move || rx.recv()).await.unwrap_err();
            assert!(matches!(e, Failed::Deadline), "{e:?}");
            drop(tx);
        });
    }

    #[test]
    fn a_slow_job_gives_up_its_place() {
        runtime().block_on(async {
            let pool = Arc::new(Pool::new(1, limits(50, 60_000)));
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            let slow = {
                let pool = pool.clone();
                tokio::spawn(async move { pool.run(move || rx.recv().is_ok()).await })
            };
            // One place only: the second job runs once the first is set aside.
            let started = Instant::now();
            assert_eq!(pool.run(|| 1).await.unwrap(), 1);
            assert!(started.elapsed() < Duration::from_secs(30));
            tx.send(()).unwrap();
            assert!(slow.await.unwrap().unwrap());
        });
    }
}
