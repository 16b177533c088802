//! Working-day arithmetic: the table lookups against a day-by-day loop, in one run.
//!
//! Each iteration handles the same 1 024 (date, limit) pairs: dates spread over
//! 2016–2026, limits 1–30 working days (the plan's limits are 3, 5 and 20).
//!
//! Run: `cargo bench -p qidi-core --bench calendar -- --measurement-time 3`

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use qidi_core::calendar::WorkCalendar;
use qidi_core::catalogue::LimitUnit;
use qidi_core::deadline::ClockPause;
use std::hint::black_box;

const N: usize = 1024;

fn inputs() -> Vec<(NaiveDate, u32)> {
    let first = NaiveDate::from_ymd_opt(2016, 1, 1).unwrap();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..N)
        .map(|_| {
            // xorshift: fixed inputs, no extra dependency
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (first + Days::new(x % 4000), (x >> 32) as u32 % 30 + 1)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let cal = WorkCalendar::shipped();
    let inputs = inputs();

    let mut g = c.benchmark_group("add_working_days");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("table", |b| {
        b.iter(|| {
            for &(d, n) in &inputs {
                black_box(cal.add_working_days(black_box(d), black_box(n)));
            }
        })
    });
    g.bench_function("naive_loop", |b| {
        b.iter(|| {
            for &(d, n) in &inputs {
                black_box(cal.naive_add_working_days(black_box(d), black_box(n)));
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("working_days_between");
    g.throughput(Throughput::Elements(N as u64));
    let spans: Vec<(NaiveDate, NaiveDate)> =
        inputs.iter().map(|&(d, n)| (d, d + Days::new(u64::from(n) * 7 / 5))).collect();
    g.bench_function("table", |b| {
        b.iter(|| {
            for &(a, z) in &spans {
                black_box(cal.working_days_between(black_box(a), black_box(z)));
            }
        })
    });
    g.bench_function("naive_loop", |b| {
        b.iter(|| {
            for &(a, z) in &spans {
                black_box(cal.naive_working_days_between(black_box(a), black_box(z)));
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("compute_due");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("no_pause", |b| {
        b.iter(|| {
            for &(d, n) in &inputs {
                black_box(cal.compute_due(black_box(d), n, LimitUnit::WorkingDays, &[]).unwrap());
            }
        })
    });
    let with_pauses: Vec<(NaiveDate, u32, [ClockPause; 2])> = inputs
        .iter()
        .map(|&(d, n)| {
            let p = |a: u64, b: u64| ClockPause { from: d + Days::new(a), to: Some(d + Days::new(b)) };
            (d, n, [p(2, 9), p(12, 15)])
        })
        .collect();
    g.bench_function("two_pauses", |b| {
        b.iter(|| {
            for (d, n, p) in &with_pauses {
                black_box(cal.compute_due(black_box(*d), *n, LimitUnit::WorkingDays, p).unwrap());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
