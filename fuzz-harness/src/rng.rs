//! The deterministic RNG every state-machine target hands to the machine under test, seeded
//! by the fuzzer's bytes: xorshift64*.

/// xorshift64* (Vigna): deterministic, seeded by the fuzzer. A zero seed is made odd by the
/// callers, as xorshift needs a non-zero state.
#[derive(Debug, Clone)]
pub struct XorShift(pub u64);

impl rand_core::TryRng for XorShift {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((self.try_next_u64()? >> 32) as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        Ok(self.0.wrapping_mul(0x2545_F491_4F6C_DD1D))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}
