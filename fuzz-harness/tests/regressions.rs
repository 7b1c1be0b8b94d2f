//! Runs every fuzz target over its committed regression inputs (`fuzz/regressions/<target>/`) and
//! over the seed inputs built from the project's fixtures and the shared captures, on stable.

use std::path::PathBuf;

fn regressions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions")
}

/// Regression inputs of bugs not fixed yet, as (target, file name): each must still fail its
/// target, so that the fix is noticed (and the entry removed) the day it lands. The fuzz stage
/// of CI finds these bugs again until they are fixed.
const OPEN_BUGS: &[(&str, &str)] = &[];

#[test]
fn every_target_passes_its_regression_inputs() {
    let mut ran = 0;
    for target in mcast_fuzz_harness::TARGETS {
        let dir = regressions_dir().join(target.name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            let data = std::fs::read(&path).unwrap();
            eprintln!("{}: {}", target.name, path.display());
            if OPEN_BUGS.contains(&(target.name, name.as_str())) {
                let outcome = std::panic::catch_unwind(|| (target.check)(&data));
                assert!(
                    outcome.is_err(),
                    "{}/{name} passes now: the bug is fixed, take it off OPEN_BUGS",
                    target.name
                );
            } else {
                (target.check)(&data);
            }
            ran += 1;
        }
    }
    assert!(
        ran > 0,
        "no regression input found under {}",
        regressions_dir().display()
    );
}

#[test]
fn every_open_bug_has_its_input() {
    for (target, name) in OPEN_BUGS {
        assert!(
            regressions_dir().join(target).join(name).is_file(),
            "fuzz/regressions/{target}/{name} is missing"
        );
    }
}

#[test]
fn every_regression_folder_names_a_target() {
    for entry in std::fs::read_dir(regressions_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            mcast_fuzz_harness::target(&name).is_some(),
            "fuzz/regressions/{name} names no target"
        );
    }
}

#[test]
fn every_target_passes_its_seeds() {
    for (target, seed) in mcast_fuzz_harness::seeds::all() {
        let check = mcast_fuzz_harness::target(target).unwrap().check;
        check(&seed);
    }
}

#[test]
fn every_target_survives_trivial_inputs() {
    for target in mcast_fuzz_harness::TARGETS {
        for data in [&[][..], &[0], &[0xFF; 3], &[0; 64], &[0xFF; 64]] {
            (target.check)(data);
        }
    }
}

/// A few thousand pseudo-random inputs per target (xorshift, fixed seed): the cheap check of a
/// target's logic before it meets the fuzzer. Reports the first failing input of every target.
#[test]
fn every_target_survives_pseudo_random_inputs() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut failures = Vec::new();
    for target in mcast_fuzz_harness::TARGETS {
        for _ in 0..2000 {
            let len = (next() % 300) as usize;
            let data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            if std::panic::catch_unwind(|| (target.check)(&data)).is_err() {
                let hex = mcast_fuzz_harness::hex(&data);
                failures.push(format!("{} fails on {hex}", target.name));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every target has its cargo-fuzz wrapper, which calls it, and its `[[bin]]` entry; and nothing
/// else is there.
#[test]
fn every_target_has_its_cargo_fuzz_wrapper() {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let manifest = std::fs::read_to_string(fuzz.join("Cargo.toml")).unwrap();
    for target in mcast_fuzz_harness::TARGETS {
        let wrapper = std::fs::read_to_string(
            fuzz.join("fuzz_targets")
                .join(format!("{}.rs", target.name)),
        )
        .unwrap_or_else(|_| panic!("fuzz/fuzz_targets/{}.rs is missing", target.name));
        assert!(
            wrapper.contains(&format!("::{}(data)", target.name)),
            "fuzz/fuzz_targets/{}.rs calls another check",
            target.name
        );
        assert!(
            manifest.contains(&format!(
                "name = \"{0}\"\npath = \"fuzz_targets/{0}.rs\"",
                target.name
            )),
            "fuzz/Cargo.toml has no [[bin]] for {}",
            target.name
        );
    }
    let wrappers = std::fs::read_dir(fuzz.join("fuzz_targets"))
        .unwrap()
        .count();
    assert_eq!(wrappers, mcast_fuzz_harness::TARGETS.len());
    assert_eq!(
        manifest.matches("[[bin]]").count(),
        mcast_fuzz_harness::TARGETS.len()
    );
}
