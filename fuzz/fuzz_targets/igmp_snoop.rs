#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| mcast_fuzz_harness::snoop::igmp_snoop(data));
