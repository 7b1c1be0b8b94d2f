//! Writes the seed corpus of every fuzz target: `seed-corpus DIR` fills `DIR/<target>/`.
use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fuzz/corpus".into()),
    );
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for (target, input) in mcast_fuzz_harness::seeds::all() {
        let folder = dir.join(target);
        std::fs::create_dir_all(&folder)?;
        let n = counts.entry(target).or_default();
        std::fs::write(folder.join(format!("seed-{n:05}")), input)?;
        *n += 1;
    }
    for target in mcast_fuzz_harness::TARGETS {
        std::fs::create_dir_all(dir.join(target.name))?;
        println!(
            "{:>24}: {} seeds",
            target.name,
            counts.get(target.name).copied().unwrap_or(0)
        );
    }
    Ok(())
}
