//! Network-order reads; every read is bounds-checked by slice indexing, so a bad offset panics (and is counted) instead of reading past the datagram.

#[inline]
pub fn u8_at(b: &[u8], p: usize) -> u32 {
    b[p] as u32
}

#[inline]
pub fn u16_at(b: &[u8], p: usize) -> u32 {
    let s: [u8; 2] = b[p..p + 2].try_into().unwrap();
    u16::from_be_bytes(s) as u32
}

#[inline]
pub fn u32_at(b: &[u8], p: usize) -> u64 {
    let s: [u8; 4] = b[p..p + 4].try_into().unwrap();
    u32::from_be_bytes(s) as u64
}

/// All 64 bits; a value above `i64::MAX` comes back negative, as in Java.
#[inline]
pub fn i64_at(b: &[u8], p: usize) -> i64 {
    let s: [u8; 8] = b[p..p + 8].try_into().unwrap();
    i64::from_be_bytes(s)
}

/// RFC 7011 §6.2: an unsigned integer of 1 to 8 bytes, reduced-size encoding keeps the low-order bytes.
#[inline(always)]
pub fn unsigned_at(b: &[u8], p: usize, length: usize) -> i64 {
    match length {
        1 => u8_at(b, p) as i64,
        2 => u16_at(b, p) as i64,
        4 => u32_at(b, p) as i64,
        8 => i64_at(b, p),
        _ => b[p..p + length].iter().fold(0i64, |v, &x| (v << 8) | x as i64),
    }
}

/// True when the bytes hold only zeros: padding at the end of a set.
#[inline]
pub fn is_padding(b: &[u8]) -> bool {
    b.iter().all(|&x| x == 0)
}
