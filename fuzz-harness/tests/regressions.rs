//! Runs every fuzz target over its committed regression inputs (`fuzz/regressions/<target>/`) and
//! over the seed inputs built from the project's fixtures and the shared captures, on stable.

use std::path::PathBuf;

fn regressions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions")
}

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
            let data = std::fs::read(&path).unwrap();
            eprintln!("{}: {}", target.name, path.display());
            (target.check)(&data);
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
