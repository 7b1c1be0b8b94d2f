//! The lab's machinery: network namespaces joined by veth pairs, processes inside them, their
//! printed lines, and a guard that removes everything when the lab ends, failed or not.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// Runs a command to completion; panics with its output if it fails.
pub(crate) fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Whether `program` runs at all.
pub(crate) fn available(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Why the lab cannot run here, if it cannot.
pub(crate) fn missing_prerequisite() -> Option<String> {
    if run("id", &["-u"]).trim() != "0" {
        return Some("not root".into());
    }
    let probe = format!("mcast-probe-{}", std::process::id());
    if !available("ip", &["netns", "add", &probe]) {
        return Some("`ip netns` is unavailable".into());
    }
    let _ = Command::new("ip").args(["netns", "del", &probe]).status();
    for (program, args) in [
        ("tcpdump", &["--version"][..]),
        ("tshark", &["--version"][..]),
        ("python3", &["--version"][..]),
    ] {
        if !available(program, args) {
            return Some(format!("{program} is not installed"));
        }
    }
    None
}

/// A process in a namespace whose standard output goes to a file.
pub(crate) struct Process {
    child: Child,
    stdin: Option<ChildStdin>,
    output: PathBuf,
}

impl Process {
    /// The lines printed so far.
    pub(crate) fn lines(&self) -> Vec<String> {
        std::fs::read_to_string(&self.output)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Writes a line to the process's standard input.
    pub(crate) fn say(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin");
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// Waits until a line after the first `after` lines contains every word of `pattern`; gives
    /// its index and the time printed at its start (seconds since the process began).
    pub(crate) fn wait_for(&self, after: usize, pattern: &str, timeout: Duration) -> (usize, f64) {
        let deadline = Instant::now() + timeout;
        loop {
            let lines = self.lines();
            if let Some((i, line)) = lines
                .iter()
                .enumerate()
                .skip(after)
                .find(|(_, l)| l.contains(pattern))
            {
                let time = line
                    .split_whitespace()
                    .next()
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(f64::NAN);
                return (i, time);
            }
            assert!(
                Instant::now() < deadline,
                "no `{pattern}` within {timeout:?} in:\n{}",
                lines.join("\n")
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the process (SIGTERM, then SIGKILL).
    pub(crate) fn stop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The lab: namespaces and processes, all removed on drop.
pub(crate) struct Lab {
    suffix: String,
    namespaces: Vec<String>,
    processes: Vec<Process>,
    /// Where the processes' outputs and the captures go.
    pub(crate) dir: PathBuf,
}

impl Lab {
    /// An empty lab whose names end in a suffix unique to this run.
    pub(crate) fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let suffix = format!("{}{}", std::process::id() % 10_000, nanos % 1000);
        let dir = std::env::temp_dir().join(format!("mcast-lab-{suffix}"));
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            suffix,
            namespaces: Vec::new(),
            processes: Vec::new(),
            dir,
        }
    }

    /// The name of namespace `role` in this run.
    pub(crate) fn namespace(&self, role: &str) -> String {
        format!("mc{role}{}", self.suffix)
    }

    /// Creates namespace `role` with its loopback up.
    pub(crate) fn add_namespace(&mut self, role: &str) -> String {
        let name = self.namespace(role);
        run("ip", &["netns", "add", &name]);
        self.namespaces.push(name.clone());
        run("ip", &["-n", &name, "link", "set", "lo", "up"]);
        name
    }

    /// Joins namespaces `a` and `b` with a veth pair named after them, each end with its IPv4
    /// address and a fixed link-local IPv6 address (no duplicate address detection); returns
    /// the interface names.
    pub(crate) fn link(
        &mut self,
        a: (&str, &str, &str),
        b: (&str, &str, &str),
    ) -> (String, String) {
        let name_a = format!("v{}{}", a.0, self.suffix);
        let name_b = format!("v{}{}", b.0, self.suffix);
        let (ns_a, ns_b) = (self.namespace(a.0), self.namespace(b.0));
        run(
            "ip",
            &[
                "link", "add", &name_a, "netns", &ns_a, "type", "veth", "peer", "name", &name_b,
                "netns", &ns_b,
            ],
        );
        for (ns, name, (_, v4, v6)) in [(&ns_a, &name_a, a), (&ns_b, &name_b, b)] {
            run(
                "ip",
                &[
                    "netns",
                    "exec",
                    ns,
                    "sysctl",
                    "-qw",
                    &format!("net.ipv6.conf.{name}.accept_dad=0"),
                ],
            );
            run(
                "ip",
                &["-n", ns, "link", "set", name, "addrgenmode", "none"],
            );
            run("ip", &["-n", ns, "addr", "add", v4, "dev", name]);
            run("ip", &["-n", ns, "addr", "add", v6, "dev", name, "nodad"]);
            run("ip", &["-n", ns, "link", "set", name, "up"]);
        }
        (name_a, name_b)
    }

    /// Starts `program` in namespace `ns`; its output goes to `<dir>/<label>.out`.
    pub(crate) fn spawn(&mut self, ns: &str, label: &str, program: &str, args: &[&str]) -> usize {
        let output = self.dir.join(format!("{label}.out"));
        let child = Command::new("ip")
            .args(["netns", "exec", ns, program])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(File::create(&output).unwrap())
            .stderr(File::create(self.dir.join(format!("{label}.err"))).unwrap())
            .spawn()
            .unwrap();
        let mut child = child;
        let stdin = child.stdin.take();
        self.processes.push(Process {
            child,
            stdin,
            output,
        });
        self.processes.len() - 1
    }

    /// Process `i`.
    pub(crate) fn process(&mut self, i: usize) -> &mut Process {
        &mut self.processes[i]
    }

    /// Starts tcpdump on `interface` of `ns`, writing `<dir>/<label>.pcap`.
    pub(crate) fn capture(&mut self, ns: &str, interface: &str, label: &str) -> PathBuf {
        let path = self.dir.join(format!("{label}.pcap"));
        let path_text = path.to_str().unwrap().to_owned();
        self.spawn(
            ns,
            &format!("tcpdump-{label}"),
            "tcpdump",
            &[
                "-i",
                interface,
                "--immediate-mode",
                "-U",
                "-Z",
                "root",
                "-w",
                &path_text,
            ],
        );
        // tcpdump says "listening on" once the capture runs.
        let err = self.dir.join(format!("tcpdump-{label}.err"));
        let deadline = Instant::now() + Duration::from_secs(5);
        while !std::fs::read_to_string(&err)
            .unwrap_or_default()
            .contains("listening on")
        {
            assert!(Instant::now() < deadline, "tcpdump did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        path
    }

    /// Stops every process (captures are flushed by SIGTERM).
    pub(crate) fn stop_all(&mut self) {
        for process in &mut self.processes {
            process.stop();
        }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.stop_all();
        for ns in &self.namespaces {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}
