//! Runs the native kernel over a corpus written by `KernelCorpusDump`, batching like `FlowKernelBenchmark`, so that
//! perf or callgrind can profile it without a JVM. Usage: `kernel_driver FILE DATAGRAMS_PER_CALL PASSES`.

use flowagg_kernel::{fa_create, fa_drain, fa_free, fa_process};
use std::time::Instant;

#[repr(C)]
struct Timespec {
    sec: i64,
    nsec: i64,
}

extern "C" {
    fn clock_gettime(clock: i32, out: *mut Timespec) -> i32;
}

/// This thread's CPU time in nanoseconds (CLOCK_THREAD_CPUTIME_ID): steady on a machine shared with other work.
fn cpu_nanos() -> i64 {
    let mut t = Timespec { sec: 0, nsec: 0 };
    unsafe { clock_gettime(3, &mut t) };
    t.sec * 1_000_000_000 + t.nsec
}

struct Reader<'a> {
    b: &'a [u8],
    p: usize,
}

impl Reader<'_> {
    fn word(&mut self) -> u64 {
        let w = u64::from_le_bytes(self.b[self.p..self.p + 8].try_into().unwrap());
        self.p += 8;
        w
    }
    fn words(&mut self, n: usize) -> Vec<u64> {
        (0..n).map(|_| self.word()).collect()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let file = std::fs::read(&args[1]).expect("corpus file");
    let per_call: usize = args[2].parse().unwrap();
    let passes: usize = args[3].parse().unwrap();
    let mut r = Reader { b: &file, p: 0 };
    let settings: Vec<i64> = r.words(7).into_iter().map(|w| w as i64).collect();
    let n = r.word() as usize;
    let apps = r.words(n * 4);
    let n = r.word() as usize;
    let vpcs = r.words(n * 4);
    let ports = r.words(1024);
    let count = r.word() as usize;
    // Batches as DatagramBatch lays them out: payloads 8-byte aligned, 32-byte meta entries.
    let mut batches: Vec<(Vec<u64>, Vec<u8>, u32)> = Vec::new();
    let mut data: Vec<u8> = Vec::new();
    let mut meta: Vec<u8> = Vec::new();
    let mut in_batch = 0;
    for _ in 0..count {
        let length = r.word() as usize;
        let high = r.word();
        let low = r.word();
        let at = r.word();
        let offset = data.len();
        data.extend_from_slice(&r.b[r.p..r.p + length]);
        r.p += length;
        data.resize((data.len() + 7) & !7, 0);
        meta.extend_from_slice(&(offset as u32).to_ne_bytes());
        meta.extend_from_slice(&(length as u32).to_ne_bytes());
        meta.extend_from_slice(&high.to_ne_bytes());
        meta.extend_from_slice(&low.to_ne_bytes());
        meta.extend_from_slice(&at.to_ne_bytes());
        in_batch += 1;
        if in_batch == per_call {
            batches.push((aligned(&data), std::mem::take(&mut meta), in_batch as u32));
            data.clear();
            in_batch = 0;
        }
    }
    if in_batch > 0 {
        batches.push((aligned(&data), meta, in_batch as u32));
    }
    let data_len: Vec<usize> = batches.iter().map(|b| b.0.len() * 8).collect();
    unsafe {
        let ctx = fa_create(settings.as_ptr(), apps.as_ptr(), (apps.len() / 4) as u32, vpcs.as_ptr(),
            (vpcs.len() / 4) as u32, ports.as_ptr(), 1024, 1 << 22);
        assert!(!ctx.is_null());
        let mut result = [0i64; 2];
        let mut rows = vec![0u64; 4096 * 10];
        let mut flows = 0i64;
        let started = Instant::now();
        let cpu_started = cpu_nanos();
        let mut calls = 0u64;
        for _ in 0..passes {
            for (i, (d, m, c)) in batches.iter().enumerate() {
                let status = fa_process(ctx, d.as_ptr() as *const u8, data_len[i] as u64, m.as_ptr(), *c, 0,
                    result.as_mut_ptr());
                assert_eq!(status, 0);
                flows += result[1];
                calls += 1;
            }
        }
        let elapsed = started.elapsed();
        let cpu = (cpu_nanos() - cpu_started) as f64;
        let mut drained = 0;
        loop {
            let n = fa_drain(ctx, rows.as_mut_ptr(), 4096);
            if n == 0 {
                break;
            }
            drained += n;
        }
        fa_free(ctx);
        println!("{} calls, {} flows, {} rows, {:.1} ns/flow, {:.0} calls/s, {:.2} cpu-ns/flow", calls, flows, drained,
            elapsed.as_nanos() as f64 / flows as f64, calls as f64 / elapsed.as_secs_f64(), cpu / flows as f64);
    }
}

fn aligned(bytes: &[u8]) -> Vec<u64> {
    // DRIVER_BATCH_BYTES spaces batches as far apart as DatagramBatch's capacity does (cache and TLB footprint).
    let room = std::env::var("DRIVER_BATCH_BYTES").ok().and_then(|s| s.parse::<usize>().ok()).unwrap_or(0);
    let mut v = vec![0u64; bytes.len().div_ceil(8).max(room / 8)];
    for (w, c) in v.iter_mut().zip(bytes.chunks(8)) {
        let mut a = [0u8; 8];
        a[..c.len()].copy_from_slice(c);
        *w = u64::from_ne_bytes(a);
    }
    v
}
