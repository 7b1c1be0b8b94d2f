//! FRR (zebra and pimd) as an IGMP router in one of the lab's namespaces, queried with vtysh.
//!
//! The daemons run in the foreground as processes of the [`Lab`], so its guard stops them.
//! Every path they use (vty sockets, zebra's API socket, pid files, the configuration) lies in
//! a directory of their own under the lab's directory, owned by the `frr` user: the Debian
//! build is compiled with the vty group `frrvty`, which root is not in, so the daemons run as
//! `frr`. IGMP on an interface needs `ip igmp` alone: pimd keeps the interface for IGMP
//! without `ip pim`, and without `ip pim` it sends no PIM Hello to the link.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::netns::{Lab, available, run};

const ZEBRA: &str = "/usr/lib/frr/zebra";
const PIMD: &str = "/usr/lib/frr/pimd";

/// Why FRR cannot run here, if it cannot.
pub(crate) fn missing_frr() -> Option<String> {
    for program in [ZEBRA, PIMD] {
        if !available(program, &["--version"]) {
            return Some(format!("{program} is not installed (Debian package `frr`)"));
        }
    }
    if !available("vtysh", &["--help"]) {
        return Some("vtysh is not installed (Debian package `frr`)".into());
    }
    if !available("id", &["frr"]) {
        return Some("there is no `frr` user".into());
    }
    None
}

/// IGMP intervals of the router interface, in FRR's units.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Intervals {
    /// Query Interval, seconds (`ip igmp query-interval`).
    pub(crate) query_interval_s: u32,
    /// Query Response Interval, tenths of a second (`ip igmp query-max-response-time`).
    pub(crate) query_response_interval_ds: u32,
    /// Last Member Query Interval, tenths of a second (`ip igmp last-member-query-interval`).
    pub(crate) last_member_query_interval_ds: u32,
    /// Last Member Query Count (`ip igmp last-member-query-count`).
    pub(crate) last_member_query_count: u32,
}

/// A running zebra and pimd pair.
pub(crate) struct Frr {
    dir: PathBuf,
    /// The lab's process number of pimd.
    pub(crate) pimd: usize,
    interface: String,
}

impl Frr {
    /// Starts zebra and pimd in `ns` with IGMPv3 and `intervals` on `interface`, and waits
    /// until pimd runs IGMP on it.
    pub(crate) fn start(
        lab: &mut Lab,
        ns: &str,
        label: &str,
        interface: &str,
        intervals: Intervals,
    ) -> Self {
        let dir = lab.dir.join(format!("frr-{label}"));
        std::fs::create_dir_all(&dir).unwrap();
        // pimd checks each value against the others as it reads it (the Query Interval in
        // seconds times 10 must not be below the Query Response Interval in tenths), so the
        // response time comes before the interval.
        let config = format!(
            "hostname {label}\n\
             interface {interface}\n \
             ip igmp\n \
             ip igmp version 3\n \
             ip igmp query-max-response-time {}\n \
             ip igmp query-interval {}\n \
             ip igmp last-member-query-interval {}\n \
             ip igmp last-member-query-count {}\n\
             !\n",
            intervals.query_response_interval_ds,
            intervals.query_interval_s,
            intervals.last_member_query_interval_ds,
            intervals.last_member_query_count,
        );
        std::fs::write(dir.join("pimd.conf"), config).unwrap();
        std::fs::write(dir.join("zebra.conf"), format!("hostname {label}\n")).unwrap();
        let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
        run("chown", &["-R", "frr:frr", &path("")]);
        let zserv = path("zserv.api");
        let mut daemon = |program: &str, name: &str| {
            let args = [
                "-u",
                "frr",
                "-g",
                "frr",
                "-z",
                &zserv,
                "--vty_socket",
                &path(""),
                "-P",
                "0",
                "-i",
                &path(&format!("{name}.pid")),
                "-f",
                &path(&format!("{name}.conf")),
                "--log",
                &format!("file:{}", path(&format!("{name}.log"))),
            ];
            lab.spawn(ns, &format!("{name}-{label}"), program, &args)
        };
        daemon(ZEBRA, "zebra");
        // pimd tries zebra's socket once, then again only 10 s later.
        let deadline = Instant::now() + Duration::from_secs(10);
        while !Path::new(&zserv).exists() {
            assert!(
                Instant::now() < deadline,
                "zebra did not start: see {}",
                dir.display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let pimd = daemon(PIMD, "pimd");
        let frr = Self {
            dir,
            pimd,
            interface: interface.to_owned(),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while frr.interface_state().get("querierIp").is_none() {
            assert!(
                Instant::now() < deadline,
                "pimd did not start IGMP on {interface}: see {}",
                frr.dir.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        frr
    }

    /// The JSON documents vtysh prints for `commands`, sent to pimd alone.
    pub(crate) fn show(&self, commands: &[&str]) -> Vec<Value> {
        let mut command = Command::new("vtysh");
        command
            .arg("--vty_socket")
            .arg(&self.dir)
            .args(["-d", "pimd"]);
        for c in commands {
            command.args(["-c", c]);
        }
        let output = command.output().unwrap();
        serde_json::Deserializer::from_slice(&output.stdout)
            .into_iter::<Value>()
            .map_while(Result::ok)
            .collect()
    }

    /// `show ip igmp interface IFACE json` for the lab's interface (`Null` while pimd is not
    /// up).
    pub(crate) fn interface_state(&self) -> Value {
        self.show(&[&format!("show ip igmp interface {} json", self.interface)])
            .into_iter()
            .next()
            .and_then(|mut v| v.get_mut(&self.interface).map(Value::take))
            .unwrap_or(Value::Null)
    }

    /// The querier pimd sees on the interface: its address, and whether it is pimd itself.
    pub(crate) fn querier(&self) -> Option<(String, bool)> {
        let state = self.interface_state();
        let address = state.get("querierIp")?.as_str()?.to_owned();
        // "local" in the detailed form, `true` in the summary.
        let local =
            matches!(state.get("querier")?, Value::Bool(true)) || state.get("querier")? == "local";
        Some((address, local))
    }

    /// pimd's group table on the interface: group, filter mode, IGMP version and sources, from `show ip igmp groups json` and
    /// `show ip igmp sources json`.
    pub(crate) fn groups(&self) -> BTreeMap<String, Membership> {
        let documents = self.show(&["show ip igmp groups json", "show ip igmp sources json"]);
        let [groups, sources] = documents.as_slice() else {
            return BTreeMap::new();
        };
        let mut table = BTreeMap::new();
        let listed = groups
            .get(&self.interface)
            .and_then(|i| i.get("groups"))
            .and_then(Value::as_array);
        for group in listed.into_iter().flatten() {
            let name = group["group"].as_str().unwrap().to_owned();
            let sources = sources
                .get(&self.interface)
                .and_then(|i| i.get(&name))
                .and_then(|g| g.get("sources"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|s| s["source"].as_str().unwrap().to_owned())
                .collect();
            table.insert(
                name,
                Membership {
                    mode: group["mode"].as_str().unwrap().to_owned(),
                    version: group["version"].as_u64().unwrap(),
                    sources,
                },
            );
        }
        table
    }
}

/// One group of pimd's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Membership {
    /// `INCLUDE` or `EXCLUDE`.
    pub(crate) mode: String,
    /// The group's compatibility mode (1, 2 or 3).
    pub(crate) version: u64,
    /// The sources pimd keeps for the group. (Whether pimd forwards a source, its `forwarded`
    /// field, is PIM's state: without `ip pim` it is always false.)
    pub(crate) sources: BTreeSet<String>,
}
