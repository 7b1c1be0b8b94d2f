//! The `mcast` command: see `mcast --help` and the `mcast_tools` crate documentation.

fn main() -> std::process::ExitCode {
    mcast_tools::cli::run()
}
