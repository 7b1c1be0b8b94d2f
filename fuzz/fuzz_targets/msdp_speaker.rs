#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| mcast_fuzz_harness::msdp_sm::msdp_speaker(data));
