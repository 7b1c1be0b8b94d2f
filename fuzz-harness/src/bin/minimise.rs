//! Shrinks an input that fails a target, on stable: `minimise TARGET INPUT [OUTPUT]`.
//!
//! Removes chunks of bytes, then lowers bytes, as long as the target still fails with the same
//! panic message; writes the result to OUTPUT (default: INPUT with `.min` appended) and prints
//! the message and the bytes in hex.
use std::panic;
use std::process::ExitCode;

fn failure(check: fn(&[u8]), data: &[u8]) -> Option<String> {
    let outcome = panic::catch_unwind(|| check(data));
    let payload = outcome.err()?;
    Some(
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default(),
    )
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(name), Some(input)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: minimise TARGET INPUT [OUTPUT]");
        return ExitCode::FAILURE;
    };
    let Some(target) = mcast_fuzz_harness::target(name) else {
        eprintln!("no target {name}");
        return ExitCode::FAILURE;
    };
    let output = args
        .get(3)
        .cloned()
        .unwrap_or_else(|| format!("{input}.min"));
    let mut data = std::fs::read(input).expect("readable input");
    panic::set_hook(Box::new(|_| {}));
    let Some(message) = failure(target.check, &data) else {
        eprintln!("{name} passes on {input}");
        return ExitCode::FAILURE;
    };
    // The message's first line, without numbers that depend on the input's length.
    let key = |m: &str| -> String {
        m.lines()
            .next()
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .take(60)
            .collect()
    };
    let wanted = key(&message);
    let still_fails = |d: &[u8]| failure(target.check, d).is_some_and(|m| key(&m) == wanted);
    let mut chunk = data.len().max(1);
    while chunk > 0 {
        let mut at = 0;
        while at < data.len() {
            let mut shorter = data.clone();
            shorter.drain(at..(at + chunk).min(data.len()));
            if still_fails(&shorter) {
                data = shorter;
            } else {
                at += chunk;
            }
        }
        chunk /= 2;
    }
    for i in 0..data.len() {
        for lower in [0, 1, data[i] / 2, data[i].saturating_sub(1)] {
            if lower < data[i] {
                let mut smaller = data.clone();
                smaller[i] = lower;
                if still_fails(&smaller) {
                    data = smaller;
                    break;
                }
            }
        }
    }
    let _ = panic::take_hook();
    std::fs::write(&output, &data).expect("writable output");
    let message = failure(target.check, &data).unwrap_or_default();
    println!("{name}: {} bytes, {message}", data.len());
    println!("{}", mcast_fuzz_harness::hex(&data));
    ExitCode::SUCCESS
}
