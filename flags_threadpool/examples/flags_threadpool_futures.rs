//! # flags_threadpool_futures: Example 20-6 in Rust, a pool's futures
//!
//! flags_threadpool_futures.py shows what `executor.map` hides: `submit`
//! hands back a Future for each code at once, and `as_completed` yields each
//! as it finishes. Rust's standard library has no pool with futures, so this
//! builds the two halves from a thread pool and two channels:
//! - `submit` sends a code to the pool and returns a [`Task`]: a state that
//!   the pool's thread moves from pending to running to finished, which is
//!   all that Python's Future knows before its result;
//! - completion order reaches the caller through the `done` channel: each
//!   thread sends its result the moment it has it, so receiving them is
//!   `as_completed`.
//!
//! ```text
//! $ cargo run -p flags_threadpool --example flags_threadpool_futures
//! SIMULATED site: http://127.0.0.1:36517/flags (built in, 0.36 s a request)
//! Scheduled for BD: Task { cc: "BD", state: Pending }
//! Scheduled for BR: Task { cc: "BR", state: Pending }
//! Scheduled for CD: Task { cc: "CD", state: Pending }
//! Scheduled for CN: Task { cc: "CN", state: Pending }
//! Scheduled for DE: Task { cc: "DE", state: Pending }
//! BR Task { cc: "BR", state: Finished } result: Ok
//! BD CD Task { cc: "BD", state: Finished } result: Ok
//! Task { cc: "CD", state: Finished } result: Ok
//! DE Task { cc: "DE", state: Finished } result: Ok
//! CN Task { cc: "CN", state: Finished } result: Ok
//!
//! 5 downloads in 0.73s
//! ```
//!
//! Each state is read as it is printed: a thread may not have taken the task
//! yet (`Pending`), or may be downloading it (`Running`). Codes come back in
//! the order their downloads end; `BD CD` shows two threads finishing at once,
//! the book's output shows the same (`BR ID <Future ...>`).

use std::fmt;
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::{iter, thread};

use flags_common::console::say;
use flags_common::with_ureq::Client;
use flags_common::{DownloadStatus, Plan, Progress, Result, save_flag, until_interrupted};

/// The book's `ThreadPoolExecutor(max_workers=3)`, and its `cc_list[:5]`.
const DEFAULT_CONCUR_REQ: usize = 3;
const MAX_CONCUR_REQ: usize = 3;
const CODES: usize = 5;

/// Where a task is: what a Python Future's `repr` shows.
#[derive(Clone, Copy, Debug)]
enum State {
    Pending,
    Running,
    Finished,
}

/// What `submit` returns: the code, and its state, shared with the pool.
#[derive(Clone)]
struct Task {
    cc: String,
    state: Arc<Mutex<State>>,
}

impl Task {
    fn state(&self) -> State {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set(&self, state: State) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = state;
    }
}

/// `Task { cc: "BR", state: Running }`: the state as it is at that moment.
impl fmt::Debug for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task").field("cc", &self.cc).field("state", &self.state()).finish()
    }
}

/// flags.py's `get_flag`: GET the flag, fail unless the answer is a GIF.
fn get_flag(client: &Client, base_url: &str, cc: &str) -> Result<Vec<u8>> {
    let cc = cc.to_lowercase();
    client.get(&format!("{base_url}/{cc}/{cc}.gif"))?.gif()
}

/// Downloads and saves one flag, and shows how it went.
fn download_one(client: &Client, cc: &str, plan: &Plan, progress: &Progress) -> DownloadStatus {
    let image = get_flag(client, &plan.base_url, cc);
    let saved = image.and_then(|image| save_flag(&image, &format!("{cc}.gif")));
    progress.show(cc, DownloadStatus::from(saved))
}

fn download_many(plan: &Plan, progress: &Progress) -> Result<Vec<DownloadStatus>> {
    let client = Client::new(&plan.client);
    let (submit, queue) = mpsc::channel::<Task>();
    let (done, as_completed) = mpsc::channel::<(Task, DownloadStatus)>();
    let queue = Mutex::new(queue);
    thread::scope(|scope| {
        let spawn = || {
            let done = done.clone();
            thread::Builder::new()
                .spawn_scoped(scope, || pool_thread(&queue, done, &client, plan, progress))
        };
        flags_common::start_threads(plan.concur_req, spawn)?;
        drop(done); // the threads hold the only senders: `as_completed` ends with them
        for cc in until_interrupted(&plan.cc_list).take(CODES) {
            let task = Task { cc: cc.to_string(), state: Arc::new(Mutex::new(State::Pending)) };
            let _ = submit.send(task.clone()); // the pool's threads live until `submit` is dropped
            say(format_args!("Scheduled for {cc}: {task:?}\n"));
        }
        drop(submit); // no more tasks: each thread ends when the queue is empty
        let report = |(task, status)| {
            say(format_args!("{task:?} result: {status:?}\n"));
            status
        };
        Ok(as_completed.iter().map(report).collect())
    })
}

/// One thread of the pool: runs the tasks it takes from the queue, and sends
/// each result to `done` as soon as it has it.
fn pool_thread(
    queue: &Mutex<Receiver<Task>>, done: Sender<(Task, DownloadStatus)>, client: &Client,
    plan: &Plan, progress: &Progress,
) {
    let next = || queue.lock().unwrap_or_else(PoisonError::into_inner).recv().ok();
    for task in iter::from_fn(next) {
        task.set(State::Running);
        let status = download_one(client, &task.cc, plan, progress);
        task.set(State::Finished);
        let _ = done.send((task, status)); // the caller receives until every sender is gone
    }
}

fn main() -> ExitCode {
    flags_common::main::<Client>(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
