//! Parsing benchmarks (criterion).

fn main() {}
