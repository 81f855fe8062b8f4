//! What the benchmark programs share, so that they differ only in the client they call:
//! command-line arguments, the warm-up, the timed loop (sequential calls, or many calls in
//! flight for a fixed time) and the line of results `compare.sh` reads.

use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

/// Default number of timed calls.
const CALLS: u32 = 2000;
/// Calls made before timing starts: the connection, credentials and endpoint are then cached
/// and allocator pools warm, as in a long-running program.
const WARMUP: u32 = 100;
/// Default length of the timed window with `--in-flight`.
const SECONDS: u32 = 10;

/// `<program> --endpoint URL [--calls N] [--warmup N] [--in-flight N [--seconds S]]`;
/// `BENCH_ENDPOINT` stands in for `--endpoint`. `--in-flight 0` (the default) makes `calls`
/// sequential calls; more keeps that many calls in flight on one client for `seconds`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    pub endpoint: String,
    pub calls: u32,
    pub warmup: u32,
    pub in_flight: u32,
    pub seconds: u32,
}

const USAGE: &str = "usage: --endpoint URL [--calls N] [--warmup N] [--in-flight N [--seconds S]]";

impl Args {
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut endpoint = std::env::var("BENCH_ENDPOINT").ok();
        let (mut calls, mut warmup, mut in_flight, mut seconds) = (CALLS, WARMUP, 0, SECONDS);
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            let count = || {
                value
                    .parse::<u32>()
                    .map_err(|_| format!("{flag} takes a count, not {value:?}"))
            };
            match flag.as_str() {
                "--endpoint" => endpoint = Some(value.clone()),
                "--calls" => calls = count()?,
                "--warmup" => warmup = count()?,
                "--in-flight" => in_flight = count()?,
                "--seconds" => seconds = count()?,
                _ => return Err(format!("unknown argument {flag:?}")),
            }
        }
        let endpoint = endpoint.ok_or("--endpoint URL (or BENCH_ENDPOINT) is required")?;
        Ok(Self {
            endpoint,
            calls,
            warmup,
            in_flight,
            seconds,
        })
    }

    /// Parses the process arguments, or prints the problem and exits with status 2.
    pub fn from_env_or_exit() -> Self {
        Self::parse(std::env::args().skip(1)).unwrap_or_else(|problem| {
            eprintln!("{problem}\n{USAGE}");
            std::process::exit(2)
        })
    }
}

/// One client making the benchmarked call. `call` borrows the caller mutably, so a caller
/// may own its connection (the bare-hyper floor does); SDK callers hold a client handle.
/// Every call must succeed and check its answer: a benchmark of failing calls would measure
/// the error path.
pub trait Caller: Send + 'static {
    fn call(&mut self) -> impl Future<Output = Result<(), String>> + Send;
}

/// Runs the benchmark `args` ask for and prints its line of results; exits with status 1 if
/// a call fails. `new_caller` is called once for sequential calls, once per call in flight
/// otherwise (SDK callers then share one client, as concurrent users of a client do).
pub async fn run<C: Caller>(args: &Args, mut new_caller: impl FnMut() -> C) {
    let result = if args.in_flight == 0 {
        measure(args, &mut new_caller())
            .await
            .map(|r| r.to_string())
    } else {
        measure_in_flight(args, new_caller)
            .await
            .map(|r| r.to_string())
    };
    match result {
        Ok(line) => println!("{line}"),
        Err(error) => {
            eprintln!("call failed: {error}");
            std::process::exit(1);
        }
    }
}

/// CPU and wall time of the timed sequential calls.
#[derive(Clone, Copy, Debug)]
pub struct Report {
    pub calls: u32,
    pub cpu: Duration,
    pub wall: Duration,
}

impl Report {
    pub fn cpu_per_call(&self) -> Duration {
        self.cpu / self.calls.max(1)
    }

    pub fn wall_per_call(&self) -> Duration {
        self.wall / self.calls.max(1)
    }
}

/// One line of `key=value` pairs that `compare.sh` reads.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "calls={} cpu_total_us={} cpu_per_call_us={:.2} wall_per_call_us={:.2}",
            self.calls,
            self.cpu.as_micros(),
            micros(self.cpu_per_call()),
            micros(self.wall_per_call()),
        )
    }
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// Makes `args.warmup` calls, then times `args.calls` sequential calls.
pub async fn measure<C: Caller>(args: &Args, caller: &mut C) -> Result<Report, String> {
    for _ in 0..args.warmup {
        caller.call().await?;
    }
    let (cpu_start, wall_start) = (process_cpu_time(), Instant::now());
    for _ in 0..args.calls {
        caller.call().await?;
    }
    Ok(Report {
        calls: args.calls,
        cpu: process_cpu_time().saturating_sub(cpu_start),
        wall: wall_start.elapsed(),
    })
}

/// Throughput and latency of calls kept in flight for a fixed time.
#[derive(Clone, Debug)]
pub struct LoadReport {
    pub in_flight: u32,
    pub calls: usize,
    /// From the start of the window until the last call started in it has finished.
    pub wall: Duration,
    pub cpu: Duration,
    pub p50: Duration,
    pub p99: Duration,
}

impl LoadReport {
    pub fn calls_per_second(&self) -> f64 {
        self.calls as f64 / self.wall.as_secs_f64().max(f64::MIN_POSITIVE)
    }
}

/// One line of `key=value` pairs that `compare.sh` reads.
impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "in_flight={} calls={} wall_s={:.2} calls_per_s={:.0} p50_us={:.0} p99_us={:.0} cpu_per_call_us={:.2}",
            self.in_flight,
            self.calls,
            self.wall.as_secs_f64(),
            self.calls_per_second(),
            micros(self.p50),
            micros(self.p99),
            micros(self.cpu / u32::try_from(self.calls).unwrap_or(u32::MAX).max(1)),
        )
    }
}

/// Keeps `args.in_flight` calls in flight, each caller on its own task (spawned on the
/// program's runtime), for `args.seconds`. Each caller first makes its share of
/// `args.warmup` calls (at least one, so every connection is open before timing starts); a
/// caller starts no call after the window closes, and the calls still in flight then finish
/// and count.
pub async fn measure_in_flight<C: Caller>(
    args: &Args,
    mut new_caller: impl FnMut() -> C,
) -> Result<LoadReport, String> {
    let warmup = args.warmup.div_ceil(args.in_flight.max(1)).max(1);
    let mut warming = JoinSet::new();
    for _ in 0..args.in_flight {
        let mut caller = new_caller();
        warming.spawn(async move {
            for _ in 0..warmup {
                caller.call().await?;
            }
            Ok(caller)
        });
    }
    let callers = join_all(warming).await?;

    let (cpu_start, wall_start) = (process_cpu_time(), Instant::now());
    let deadline = wall_start + Duration::from_secs(args.seconds.into());
    let mut timed = JoinSet::new();
    for mut caller in callers {
        timed.spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let start = Instant::now();
                caller.call().await?;
                latencies.push(start.elapsed());
            }
            Ok(latencies)
        });
    }
    let mut latencies: Vec<Duration> = join_all(timed).await?.into_iter().flatten().collect();
    let (wall, cpu) = (
        wall_start.elapsed(),
        process_cpu_time().saturating_sub(cpu_start),
    );
    latencies.sort_unstable();
    Ok(LoadReport {
        in_flight: args.in_flight,
        calls: latencies.len(),
        wall,
        cpu,
        p50: percentile(&latencies, 50),
        p99: percentile(&latencies, 99),
    })
}

/// Every task's value, or the first failure (a panicking task counts as one).
async fn join_all<T: 'static>(mut tasks: JoinSet<Result<T, String>>) -> Result<Vec<T>, String> {
    let mut values = Vec::with_capacity(tasks.len());
    while let Some(joined) = tasks.join_next().await {
        values.push(joined.map_err(|e| format!("benchmark task failed: {e}"))??);
    }
    Ok(values)
}

/// The nearest-rank percentile of sorted values (zero when there are none).
fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    let rank = (sorted.len() * percent).div_ceil(100);
    sorted
        .get(rank.saturating_sub(1))
        .copied()
        .unwrap_or_default()
}

/// User plus system CPU time of the whole process (every thread), from `getrusage`.
pub fn process_cpu_time() -> Duration {
    // SAFETY: getrusage only writes into the zeroed struct we own.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    timeval(usage.ru_utime) + timeval(usage.ru_stime)
}

fn timeval(tv: libc::timeval) -> Duration {
    Duration::from_secs(tv.tv_sec.unsigned_abs()) + Duration::from_micros(tv.tv_usec.unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn args(list: &[&str]) -> Result<Args, String> {
        Args::parse(list.iter().map(|s| s.to_string()))
    }

    fn plan(calls: u32, warmup: u32, in_flight: u32, seconds: u32) -> Args {
        Args {
            endpoint: String::new(),
            calls,
            warmup,
            in_flight,
            seconds,
        }
    }

    #[test]
    fn parses_flags_and_defaults() {
        let parsed = args(&["--endpoint", "http://127.0.0.1:1", "--calls", "5"]);
        let expected = Args {
            endpoint: "http://127.0.0.1:1".into(),
            ..plan(5, WARMUP, 0, SECONDS)
        };
        assert_eq!(parsed, Ok(expected));
        let load = args(&["--endpoint", "e", "--in-flight", "64", "--seconds", "2"]);
        assert_eq!(load.map(|a| (a.in_flight, a.seconds)), Ok((64, 2)));
    }

    #[test]
    fn rejects_bad_input() {
        assert!(args(&["--calls", "many"]).is_err());
        assert!(args(&["--calls"]).is_err());
        assert!(args(&["--in-flight", "-1"]).is_err());
        assert!(args(&["--verbose", "1"]).is_err());
    }

    #[test]
    fn cpu_time_advances_with_work() {
        let before = process_cpu_time();
        let mut x = 0u64;
        while process_cpu_time() == before {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        assert!(process_cpu_time() > before);
    }

    /// Counts its calls in a counter shared by all its clones; the call numbered `fail_at`
    /// (counting from 1, across clones) fails.
    #[derive(Clone)]
    struct Counting {
        made: Arc<AtomicU32>,
        fail_at: u32,
    }

    impl Counting {
        fn new(fail_at: u32) -> Self {
            Self {
                made: Arc::new(AtomicU32::new(0)),
                fail_at,
            }
        }

        fn made(&self) -> u32 {
            self.made.load(Ordering::SeqCst)
        }
    }

    impl Caller for Counting {
        fn call(&mut self) -> impl Future<Output = Result<(), String>> + Send {
            let number = self.made.fetch_add(1, Ordering::SeqCst) + 1;
            let result = if number == self.fail_at {
                Err(format!("call {number} failed"))
            } else {
                Ok(())
            };
            // A real call yields at least once; so does this one, letting other tasks run.
            async move {
                tokio::task::yield_now().await;
                result
            }
        }
    }

    fn block_on<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime")
            .block_on(future)
    }

    #[test]
    fn measure_counts_only_timed_calls_and_stops_at_the_first_error() {
        let mut caller = Counting::new(0);
        let report = block_on(measure(&plan(3, 2, 0, 0), &mut caller));
        assert_eq!((caller.made(), report.map(|r| r.calls)), (5, Ok(3)));

        let mut caller = Counting::new(2);
        let failed = block_on(measure(&plan(3, 2, 0, 0), &mut caller));
        assert_eq!(
            (caller.made(), failed.map(|r| r.calls)),
            (2, Err("call 2 failed".to_owned()))
        );
    }

    #[test]
    fn in_flight_warms_every_caller_and_times_nothing_in_an_empty_window() {
        let counting = Counting::new(0);
        let mut created = 0;
        let report = block_on(measure_in_flight(&plan(0, 5, 4, 0), || {
            created += 1;
            counting.clone()
        }))
        .expect("no call fails");
        // 5 warm-up calls shared by 4 callers: 2 each, rounded up.
        assert_eq!((created, counting.made(), report.calls), (4, 8, 0));
        assert_eq!((report.p50, report.p99), (Duration::ZERO, Duration::ZERO));
    }

    #[test]
    fn in_flight_reports_the_first_failure() {
        let counting = Counting::new(3);
        let failed = block_on(measure_in_flight(&plan(0, 8, 4, 0), || counting.clone()));
        assert_eq!(failed.map(|r| r.calls), Err("call 3 failed".to_owned()));
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let values: Vec<Duration> = (1..=200).map(Duration::from_micros).collect();
        assert_eq!(percentile(&values, 50), Duration::from_micros(100));
        assert_eq!(percentile(&values, 99), Duration::from_micros(198));
        assert_eq!(percentile(&values[..1], 99), Duration::from_micros(1));
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }
}
