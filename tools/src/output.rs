//! Rendering records for a person (one line each, or every field with `-v`) or for a program
//! (one JSON object per line).

use std::fmt::{self, Display, Write as _};
use std::io::{self, Write};
use std::net::IpAddr;

use serde_json::Value;

use crate::decode::pim::{GroupRecord as PimGroup, JoinPruneRecord, PimRecord, SourceRecord};
use crate::decode::record::{
    Body, ChecksumStatus, DvmrpBody, DvmrpRecord, GroupRecord, IgmpRecord, Message, MldRecord,
    MsdpRecord, Query, Record, Report, SourceActive,
};

/// How records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One readable line per record.
    Line,
    /// One readable line, then every field, indented.
    Verbose,
    /// One JSON object per line.
    Json,
}

/// Writes `record` to `out` in `format`.
///
/// # Errors
/// The writer's errors.
pub fn write_record(out: &mut impl Write, record: &Record, format: Format) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer(&mut *out, record)?;
            out.write_all(b"\n")
        }
        Format::Line => writeln!(out, "{}", Line(record)),
        Format::Verbose => {
            writeln!(out, "{}", Line(record))?;
            let value = serde_json::to_value(record).map_err(io::Error::other)?;
            let mut text = String::new();
            if let Value::Object(fields) = value {
                for (key, value) in &fields {
                    if matches!(
                        key.as_str(),
                        "frame" | "source" | "destination" | "source_port" | "destination_port"
                    ) {
                        continue;
                    }
                    tree(&mut text, 8, key, value);
                }
            }
            out.write_all(text.as_bytes())
        }
    }
}

/// Writes `key: value` at `indent`, and nested objects and arrays below it.
fn tree(out: &mut String, indent: usize, key: &str, value: &Value) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(fields) => {
            let _ = writeln!(out, "{pad}{key}:");
            for (k, v) in fields {
                tree(out, indent.saturating_add(2), k, v);
            }
        }
        Value::Array(items) if items.iter().all(|v| !v.is_object() && !v.is_array()) => {
            let list: Vec<String> = items.iter().map(scalar).collect();
            let _ = writeln!(out, "{pad}{key}: [{}]", list.join(", "));
        }
        Value::Array(items) => {
            let _ = writeln!(out, "{pad}{key}: {} items", items.len());
            for (i, item) in items.iter().enumerate() {
                tree(out, indent.saturating_add(2), &format!("[{i}]"), item);
            }
        }
        other => {
            let _ = writeln!(out, "{pad}{key}: {}", scalar(other));
        }
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The one-line rendering of a record.
pub struct Line<'a>(pub &'a Record);

impl Display for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.0;
        write!(f, "{:>6}  ", r.frame)?;
        match (r.source_port, r.destination_port) {
            (Some(sp), Some(dp)) => write!(
                f,
                "{}.{sp} > {}.{dp}: ",
                Addr(r.source),
                Addr(r.destination)
            )?,
            _ => write!(f, "{} > {}: ", Addr(r.source), Addr(r.destination))?,
        }
        match &r.body {
            Body::Message(m) => message(f, m)?,
            Body::Error(e) => {
                write!(f, "{}", r.protocol.name().to_uppercase())?;
                if let Some(t) = e.message_type {
                    write!(f, " {t}")?;
                }
                write!(f, " malformed: {}", e.error)?;
                if let Some(offset) = e.offset {
                    write!(f, " [offset {offset}]")?;
                }
            }
        }
        match r.checksum {
            Some(ChecksumStatus::Good) => f.write_str(", cksum good"),
            Some(ChecksumStatus::Bad) => f.write_str(", cksum BAD"),
            Some(ChecksumStatus::GoodRegisterHeader) => f.write_str(", cksum good (header)"),
            Some(ChecksumStatus::GoodRegisterWhole) => f.write_str(", cksum good (whole Register)"),
            Some(ChecksumStatus::Unverified) => f.write_str(", cksum unverified (truncated)"),
            None => Ok(()),
        }
    }
}

struct Addr(IpAddr);

impl Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Display::fmt(&self.0, f)
    }
}

/// A duration in milliseconds, as seconds with the decimals it needs.
pub(crate) struct Millis(pub u64);

impl Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (s, ms) = (self.0 / 1000, self.0 % 1000);
        match ms {
            0 => write!(f, "{s}s"),
            _ if ms % 100 == 0 => write!(f, "{s}.{}s", ms / 100),
            _ if ms % 10 == 0 => write!(f, "{s}.{:02}s", ms / 10),
            _ => write!(f, "{s}.{ms:03}s"),
        }
    }
}

/// A comma-separated list.
pub(crate) struct List<'a, T>(pub &'a [T]);

impl<T: Display> Display for List<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{item}")?;
        }
        Ok(())
    }
}

fn message(f: &mut fmt::Formatter<'_>, m: &Message) -> fmt::Result {
    match m {
        Message::Igmp(m) => igmp(f, m),
        Message::Mld(m) => mld(f, m),
        Message::Pim(m) => pim(f, m),
        Message::Dvmrp(m) => dvmrp(f, m),
        Message::Msdp(m) => msdp(f, m),
    }
}

fn query<A: Display + PartialEq>(
    f: &mut fmt::Formatter<'_>,
    family: &str,
    q: &Query<A>,
    unspecified: &A,
) -> fmt::Result {
    write!(f, "{family}v{} query", q.version)?;
    if q.version > 1 || q.max_resp_code != 0 {
        write!(f, " max resp {}", Millis(q.max_response_time_ms))?;
    }
    if q.group_address == *unspecified {
        f.write_str(" general")?;
    } else {
        write!(f, " group {}", q.group_address)?;
    }
    if let Some(v3) = &q.v3 {
        if v3.suppress_router_side_processing {
            f.write_str(" [S]")?;
        }
        write!(
            f,
            " qrv {} qqi {}s",
            v3.querier_robustness_variable, v3.querier_query_interval_s
        )?;
        if !v3.source_addresses.is_empty() {
            write!(
                f,
                ", {} sources: {}",
                v3.number_of_sources,
                List(&v3.source_addresses)
            )?;
        }
    }
    Ok(())
}

fn report<A: Display>(f: &mut fmt::Formatter<'_>, family: &str, r: &Report<A>) -> fmt::Result {
    write!(f, "{family}v{} report", r.version)?;
    if let Some(g) = &r.group_address {
        write!(f, " {g}")?;
    }
    if let Some(records) = &r.group_records {
        write!(
            f,
            ", {} record{}",
            records.len(),
            if records.len() == 1 { "" } else { "s" }
        )?;
        for (i, g) in records.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            group_record(f, g)?;
        }
    }
    Ok(())
}

fn group_record<A: Display>(f: &mut fmt::Formatter<'_>, g: &GroupRecord<A>) -> fmt::Result {
    match g.record_type_name {
        Some(name) => write!(f, "{name} {}", g.multicast_address)?,
        None => write!(f, "type {} {}", g.record_type, g.multicast_address)?,
    }
    if !g.source_addresses.is_empty() {
        write!(f, " [{}]", List(&g.source_addresses))?;
    }
    Ok(())
}

fn igmp(f: &mut fmt::Formatter<'_>, m: &IgmpRecord) -> fmt::Result {
    match m {
        IgmpRecord::Query(q) => query(f, "IGMP", q, &std::net::Ipv4Addr::UNSPECIFIED),
        IgmpRecord::Report(r) => report(f, "IGMP", r),
        IgmpRecord::Leave { group_address } => write!(f, "IGMPv2 leave {group_address}"),
        IgmpRecord::RouterAdvertisement(a) => write!(
            f,
            "IGMP router advertisement interval {}s query interval {}s robustness {}",
            a.advertisement_interval_s, a.query_interval_s, a.robustness_variable
        ),
        IgmpRecord::RouterSolicitation => f.write_str("IGMP router solicitation"),
        IgmpRecord::RouterTermination => f.write_str("IGMP router termination"),
        IgmpRecord::Other {
            igmp_type,
            name,
            code,
        } => {
            f.write_str("IGMP ")?;
            if let Some(name) = name {
                write!(f, "{name} ")?;
            }
            write!(f, "(type {igmp_type:#04x} code {code})")
        }
    }
}

fn mld(f: &mut fmt::Formatter<'_>, m: &MldRecord) -> fmt::Result {
    match m {
        MldRecord::Query(q) => query(f, "MLD", q, &std::net::Ipv6Addr::UNSPECIFIED),
        MldRecord::Report(r) => report(f, "MLD", r),
        MldRecord::Done { group_address } => write!(f, "MLDv1 done {group_address}"),
        MldRecord::RouterAdvertisement(a) => write!(
            f,
            "MLD router advertisement interval {}s query interval {}s robustness {}",
            a.advertisement_interval_s, a.query_interval_s, a.robustness_variable
        ),
        MldRecord::RouterSolicitation => f.write_str("MLD router solicitation"),
        MldRecord::RouterTermination => f.write_str("MLD router termination"),
    }
}

fn dvmrp(f: &mut fmt::Formatter<'_>, m: &DvmrpRecord) -> fmt::Result {
    let h = &m.header;
    let name = match &m.body {
        DvmrpBody::Probe { .. } => "Probe",
        DvmrpBody::Report { .. } => "Report",
        DvmrpBody::AskNeighbors2 => "Ask Neighbors 2",
        DvmrpBody::Neighbors2 { .. } => "Neighbors 2",
        DvmrpBody::Prune { .. } => "Prune",
        DvmrpBody::Graft { .. } => "Graft",
        DvmrpBody::GraftAck { .. } => "Graft Ack",
        DvmrpBody::InfoRequest { .. } => "Info Request",
        DvmrpBody::InfoReply { .. } => "Info Reply",
        DvmrpBody::Unknown => "code",
    };
    write!(f, "DVMRP {name}")?;
    if matches!(m.body, DvmrpBody::Unknown) {
        write!(f, " {}", h.code)?;
    }
    write!(f, " (v{}.{})", h.major_version, h.minor_version)?;
    match &m.body {
        DvmrpBody::Probe {
            generation_id,
            neighbors,
        } => write!(
            f,
            " genid {generation_id:#010x} neighbors [{}]",
            List(neighbors)
        ),
        DvmrpBody::Report { routes } => {
            write!(f, " {} routes", routes.len())?;
            for (i, r) in routes.iter().enumerate() {
                f.write_str(if i == 0 { ": " } else { ", " })?;
                write!(f, "{}/{} metric {}", r.source, r.prefix_len, r.metric)?;
            }
            Ok(())
        }
        DvmrpBody::Neighbors2 { interfaces } => {
            for i in interfaces {
                for n in &i.neighbors {
                    write!(
                        f,
                        " [{} -> {n} ({}/{}{})]",
                        i.local_address, i.metric, i.threshold, i.flag_names
                    )?;
                }
            }
            Ok(())
        }
        DvmrpBody::Prune {
            source_address,
            group_address,
            lifetime_s,
            netmask,
        } => {
            write!(
                f,
                " src {source_address} grp {group_address} lifetime {lifetime_s}s"
            )?;
            if let Some(mask) = netmask {
                write!(f, " mask {mask}")?;
            }
            Ok(())
        }
        DvmrpBody::Graft {
            source_address,
            group_address,
            netmask,
        }
        | DvmrpBody::GraftAck {
            source_address,
            group_address,
            netmask,
        } => {
            write!(f, " src {source_address} grp {group_address}")?;
            if let Some(mask) = netmask {
                write!(f, " mask {mask}")?;
            }
            Ok(())
        }
        DvmrpBody::InfoRequest { items } | DvmrpBody::InfoReply { items } => {
            for item in items {
                match &item.version {
                    Some(v) => write!(f, " version \"{v}\"")?,
                    None => write!(f, " item {} ({} bytes)", item.info_type, item.data_length)?,
                }
            }
            Ok(())
        }
        DvmrpBody::AskNeighbors2 | DvmrpBody::Unknown => Ok(()),
    }
}

fn source_active(f: &mut fmt::Formatter<'_>, name: &str, sa: &SourceActive) -> fmt::Result {
    write!(
        f,
        "MSDP {name} rp {}, {} entr{}",
        sa.rp_address,
        sa.entry_count,
        if sa.entry_count == 1 { "y" } else { "ies" }
    )?;
    for (i, e) in sa.entries.iter().enumerate() {
        f.write_str(if i == 0 { ": " } else { ", " })?;
        write!(f, "({}, {})", e.source_address, e.group_address)?;
    }
    if sa.encapsulated_data_length > 0 {
        write!(f, ", data {} bytes", sa.encapsulated_data_length)?;
    }
    Ok(())
}

fn msdp(f: &mut fmt::Formatter<'_>, m: &MsdpRecord) -> fmt::Result {
    match m {
        MsdpRecord::SourceActive(sa) => source_active(f, "Source-Active", sa),
        MsdpRecord::SourceActiveResponse(sa) => source_active(f, "Source-Active Response", sa),
        MsdpRecord::SourceActiveRequest { group_address } => {
            write!(f, "MSDP Source-Active Request group {group_address}")
        }
        MsdpRecord::Keepalive => f.write_str("MSDP KeepAlive"),
        MsdpRecord::Notification {
            open_bit,
            error_code,
            error_subcode,
            data_length,
        } => write!(
            f,
            "MSDP Notification{} error {error_code}/{error_subcode}, {data_length} bytes of data",
            if *open_bit { " (O)" } else { "" }
        ),
        MsdpRecord::Unknown { msdp_type } => write!(f, "MSDP type {msdp_type}"),
    }
}

fn pim_group(f: &mut fmt::Formatter<'_>, g: &PimGroup) -> fmt::Result {
    write!(f, "{}", g.group_address)?;
    let host = match g.group_address {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    };
    if g.mask_length != host {
        write!(f, "/{}", g.mask_length)?;
    }
    if g.bidirectional {
        f.write_str(" [B]")?;
    }
    if g.admin_scope_zone {
        f.write_str(" [Z]")?;
    }
    Ok(())
}

fn pim_source(f: &mut fmt::Formatter<'_>, s: &SourceRecord) -> fmt::Result {
    write!(f, "{}", s.source_address)?;
    let host = match s.source_address {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    };
    if s.mask_length != host {
        write!(f, "/{}", s.mask_length)?;
    }
    let flags: String = [(s.sparse, 'S'), (s.wildcard, 'W'), (s.rpt, 'R')]
        .iter()
        .filter(|(set, _)| *set)
        .map(|(_, c)| *c)
        .collect();
    if !flags.is_empty() {
        write!(f, " {flags}")?;
    }
    Ok(())
}

fn join_prune(f: &mut fmt::Formatter<'_>, name: &str, m: &JoinPruneRecord) -> fmt::Result {
    write!(
        f,
        "PIMv2 {name} upstream {} holdtime {}s, {} group{}",
        m.upstream_neighbor,
        m.holdtime_s,
        m.number_of_groups,
        if m.number_of_groups == 1 { "" } else { "s" }
    )?;
    for (i, g) in m.groups.iter().enumerate() {
        f.write_str(if i == 0 { ": " } else { "; " })?;
        pim_group(f, &g.group)?;
        for (label, list) in [("join", &g.joined_sources), ("prune", &g.pruned_sources)] {
            if list.is_empty() {
                continue;
            }
            write!(f, " {label} (")?;
            for (j, s) in list.iter().enumerate() {
                if j > 0 {
                    f.write_str(", ")?;
                }
                pim_source(f, s)?;
            }
            f.write_str(")")?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_lines, reason = "one arm per message type")]
fn pim(f: &mut fmt::Formatter<'_>, m: &PimRecord) -> fmt::Result {
    match m {
        PimRecord::Hello { options } => {
            f.write_str("PIMv2 Hello")?;
            for o in options {
                if let Some(h) = o.holdtime_s {
                    write!(f, " holdtime {h}s")?;
                } else if let Some(p) = o.dr_priority {
                    write!(f, " dr-priority {p}")?;
                } else if let Some(g) = o.generation_id {
                    write!(f, " genid {g:#010x}")?;
                } else if let (Some(d), Some(i)) = (o.propagation_delay_ms, o.override_interval_ms)
                {
                    write!(f, " lan-prune-delay {d}ms/{i}ms")?;
                    if o.tracking_support == Some(true) {
                        f.write_str(" T")?;
                    }
                } else if let Some(v) = o.state_refresh_version {
                    write!(f, " state-refresh v{v}")?;
                } else if let Some(list) = &o.addresses {
                    write!(f, " addresses [{}]", List(list))?;
                } else if let Some(e) = &o.error {
                    write!(f, " [option {}: {e}]", o.option_type)?;
                } else {
                    write!(f, " {}", o.name.to_lowercase().replace(' ', "-"))?;
                    if o.name == "Unassigned" || o.name == "Reserved" {
                        write!(f, "({})", o.option_type)?;
                    }
                }
            }
            Ok(())
        }
        PimRecord::Register {
            border,
            null_register,
            inner_length,
            inner_source,
            inner_destination,
            ..
        } => {
            f.write_str(if *null_register {
                "PIMv2 Null-Register"
            } else {
                "PIMv2 Register"
            })?;
            if *border {
                f.write_str(" [Border]")?;
            }
            if let (Some(s), Some(d)) = (inner_source, inner_destination) {
                write!(f, " ({s}, {d})")?;
            }
            write!(f, ", inner packet {inner_length} bytes")
        }
        PimRecord::RegisterStop {
            group,
            source_address,
        } => {
            write!(f, "PIMv2 Register-Stop source {source_address} group ")?;
            pim_group(f, group)
        }
        PimRecord::JoinPrune(m) => join_prune(f, "Join/Prune", m),
        PimRecord::Graft(m) => join_prune(f, "Graft", m),
        PimRecord::GraftAck(m) => join_prune(f, "Graft-Ack", m),
        PimRecord::Bootstrap {
            fragment_tag,
            hash_mask_length,
            bsr_priority,
            bsr_address,
            no_forward,
            groups,
        } => {
            write!(
                f,
                "PIMv2 Bootstrap tag {fragment_tag:#06x} bsr {bsr_address} priority {bsr_priority} hash-mask {hash_mask_length}"
            )?;
            if *no_forward {
                f.write_str(" [No-Forward]")?;
            }
            for g in groups {
                f.write_str(", ")?;
                pim_group(f, &g.group)?;
                write!(f, " rps {}/{}", g.fragment_rp_count, g.rp_count)?;
                for rp in &g.rps {
                    write!(
                        f,
                        " ({} holdtime {}s priority {})",
                        rp.rp_address, rp.holdtime_s, rp.priority
                    )?;
                }
            }
            Ok(())
        }
        PimRecord::Assert {
            group,
            source_address,
            rpt,
            metric_preference,
            metric,
        } => {
            write!(f, "PIMv2 Assert source {source_address} group ")?;
            pim_group(f, group)?;
            write!(f, " preference {metric_preference} metric {metric}")?;
            if *rpt {
                f.write_str(" [RPT]")?;
            }
            Ok(())
        }
        PimRecord::CandidateRpAdvertisement {
            prefix_count,
            priority,
            holdtime_s,
            rp_address,
            groups,
        } => {
            write!(
                f,
                "PIMv2 Candidate-RP-Advertisement rp {rp_address} priority {priority} holdtime {holdtime_s}s, {prefix_count} prefixes"
            )?;
            for (i, g) in groups.iter().enumerate() {
                f.write_str(if i == 0 { ": " } else { ", " })?;
                pim_group(f, g)?;
            }
            Ok(())
        }
        PimRecord::StateRefresh {
            group,
            source_address,
            originator_address,
            ttl,
            interval_s,
            prune_indicator,
            ..
        } => {
            write!(f, "PIMv2 State-Refresh source {source_address} group ")?;
            pim_group(f, group)?;
            write!(
                f,
                " originator {originator_address} ttl {ttl} interval {interval_s}s"
            )?;
            if *prune_indicator {
                f.write_str(" [P]")?;
            }
            Ok(())
        }
        PimRecord::DfElection {
            subtype_name,
            rp_address,
            sender_metric_preference,
            sender_metric,
            offering_address,
            interval_ms,
            new_winner_address,
            ..
        } => {
            write!(
                f,
                "PIMv2 DF-Election {subtype_name} rp {rp_address} preference {sender_metric_preference} metric {sender_metric}"
            )?;
            if let Some(a) = offering_address {
                write!(f, " offering {a}")?;
            }
            if let Some(i) = interval_ms {
                write!(f, " interval {i}ms")?;
            }
            if let Some(a) = new_winner_address {
                write!(f, " new-winner {a}")?;
            }
            Ok(())
        }
        PimRecord::EcmpRedirect {
            group,
            source_address,
            neighbor_address,
            preference,
            metric,
            ..
        } => {
            write!(f, "PIMv2 ECMP-Redirect source {source_address} group ")?;
            pim_group(f, group)?;
            write!(
                f,
                " neighbor {neighbor_address} preference {preference} metric {metric}"
            )
        }
        PimRecord::Flooding {
            originator_address,
            no_forward,
            tlvs,
        } => {
            write!(
                f,
                "PIMv2 Flooding originator {originator_address}, {} TLVs",
                tlvs.len()
            )?;
            if *no_forward {
                f.write_str(" [No-Forward]")?;
            }
            Ok(())
        }
        PimRecord::PackedNullRegister { count, .. } => {
            write!(f, "PIMv2 Packed Null-Register, {count} records")
        }
        PimRecord::PackedRegisterStop { count, .. } => {
            write!(f, "PIMv2 Packed Register-Stop, {count} records")
        }
        PimRecord::Unknown { pim_type, subtype } => {
            write!(f, "PIMv2 type {pim_type} subtype {subtype}")
        }
    }
}
