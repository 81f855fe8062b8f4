//! What the `official` and `lean` benchmark programs share, so that they differ only in the
//! SDK they call: command-line arguments, the warm-up, and the CPU time of the timed loop.

use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

/// Default number of timed calls.
const CALLS: u32 = 2000;
/// Calls made before timing starts: the connection, credentials and endpoint are then cached
/// and allocator pools warm, as in a long-running program.
const WARMUP: u32 = 100;

/// `<program> --endpoint URL [--calls N] [--warmup N]`; `BENCH_ENDPOINT` stands in for
/// `--endpoint`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    pub endpoint: String,
    pub calls: u32,
    pub warmup: u32,
}

impl Args {
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut endpoint = std::env::var("BENCH_ENDPOINT").ok();
        let mut calls = CALLS;
        let mut warmup = WARMUP;
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
                _ => return Err(format!("unknown argument {flag:?}")),
            }
        }
        let endpoint = endpoint.ok_or("--endpoint URL (or BENCH_ENDPOINT) is required")?;
        Ok(Self {
            endpoint,
            calls,
            warmup,
        })
    }

    /// Parses the process arguments, or prints the problem and exits with status 2.
    pub fn from_env_or_exit() -> Self {
        Self::parse(std::env::args().skip(1)).unwrap_or_else(|problem| {
            eprintln!("{problem}\nusage: --endpoint URL [--calls N] [--warmup N]");
            std::process::exit(2)
        })
    }
}

/// CPU and wall time of the timed calls.
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

/// Makes `args.warmup` calls, then times `args.calls` sequential calls. Every call must
/// succeed: a benchmark of failing calls would measure the error path.
pub async fn measure<F, Fut, E>(args: &Args, mut call: F) -> Result<Report, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), E>>,
{
    for _ in 0..args.warmup {
        call().await?;
    }
    let (cpu_start, wall_start) = (process_cpu_time(), Instant::now());
    for _ in 0..args.calls {
        call().await?;
    }
    Ok(Report {
        calls: args.calls,
        cpu: process_cpu_time().saturating_sub(cpu_start),
        wall: wall_start.elapsed(),
    })
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

    fn args(list: &[&str]) -> Result<Args, String> {
        Args::parse(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_flags_and_defaults() {
        let parsed = args(&["--endpoint", "http://127.0.0.1:1", "--calls", "5"]);
        assert_eq!(
            parsed,
            Ok(Args {
                endpoint: "http://127.0.0.1:1".into(),
                calls: 5,
                warmup: WARMUP
            })
        );
    }

    #[test]
    fn rejects_bad_input() {
        assert!(args(&["--calls", "many"]).is_err());
        assert!(args(&["--calls"]).is_err());
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

    #[test]
    fn measure_counts_only_timed_calls_and_stops_at_the_first_error() {
        let mut made = 0;
        let plan = Args {
            endpoint: String::new(),
            calls: 3,
            warmup: 2,
        };
        let report = block_on_ready(measure(&plan, || {
            made += 1;
            std::future::ready(Ok::<(), ()>(()))
        }));
        assert_eq!(made, 5);
        assert_eq!(report.map(|r| r.calls), Ok(3));

        let mut made = 0;
        let failed = block_on_ready(measure(&plan, || {
            made += 1;
            std::future::ready(if made == 2 { Err("boom") } else { Ok(()) })
        }));
        assert_eq!((made, failed.map(|r| r.calls)), (2, Err("boom")));
    }

    /// The futures above are always ready, so polling once per call finishes them.
    fn block_on_ready<T>(future: impl Future<Output = T>) -> T {
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let std::task::Poll::Ready(value) = future.as_mut().poll(&mut cx) {
                return value;
            }
        }
    }
}
