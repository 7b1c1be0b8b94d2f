//! The MSDP speaker: one test per transition of the peer machine (RFC 3618 §11), per peer-RPF
//! rule (§10.1.3) and mesh-group rule (§10.2), per cache, filter, limit, origination and
//! (S,G)-join rule, and scenarios of several speakers wired in memory.

mod harness;
mod machine;
mod rpf;
mod sa;
mod scenarios;
