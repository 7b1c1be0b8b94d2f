#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| mcast_fuzz_harness::pim_sm::pim_router(data));
