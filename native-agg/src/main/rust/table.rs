//! The pre-aggregation table: open addressing with linear probing over flat 10-word slots.
//!
//! A slot is `[vpc hi, vpc lo, src hi, src lo, dst hi, dst lo, hour, flags, tx, rx]`; bit 63 of `flags` marks it
//! used, bits 0..2 say which of vpc, src, dst hold a rule index instead of an address. The Java twin uses the
//! same layout and hash.

pub const WORDS: usize = 10;
pub const KEY_WORDS: usize = 8;
pub const USED: u64 = 1 << 63;
const K: u64 = 0x9E37_79B9_7F4A_7C15;

pub struct AggregateTable {
    slots: Vec<u64>,
    mask: usize,
    len: usize,
    /// Where the next drain continues.
    drain_at: usize,
}

/// The hash of a key; the same function as the Java twin's.
#[inline]
pub fn hash(key: &[u64; KEY_WORDS]) -> u64 {
    let mut h: u64 = 0;
    for &w in key {
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// Adds like Java's saturating sum: a sum that goes negative becomes `i64::MAX`.
#[inline]
pub fn saturating_add(a: i64, b: i64) -> i64 {
    let r = a.wrapping_add(b);
    if r < 0 { i64::MAX } else { r }
}

impl AggregateTable {
    pub fn with_capacity(slots: usize) -> Self {
        let slots = slots.next_power_of_two().max(16);
        AggregateTable { slots: vec![0; slots * WORDS], mask: slots - 1, len: 0, drain_at: 0 }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub fn add(&mut self, key: &[u64; KEY_WORDS], tx: i64, rx: i64) {
        if (self.len + 1) * 2 > self.mask + 1 {
            self.grow();
        }
        let mut i = hash(key) as usize & self.mask;
        loop {
            let s = &mut self.slots[i * WORDS..(i + 1) * WORDS];
            if s[7] == 0 {
                s[..KEY_WORDS].copy_from_slice(key);
                s[8] = saturating_add(0, tx) as u64;
                s[9] = saturating_add(0, rx) as u64;
                self.len += 1;
                return;
            }
            if s[..KEY_WORDS] == key[..] {
                s[8] = saturating_add(s[8] as i64, tx) as u64;
                s[9] = saturating_add(s[9] as i64, rx) as u64;
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        let capacity = (self.mask + 1) * 2;
        self.slots = vec![0; capacity * WORDS];
        self.mask = capacity - 1;
        for s in old.chunks_exact(WORDS) {
            if s[7] != 0 {
                let key: &[u64; KEY_WORDS] = s[..KEY_WORDS].try_into().unwrap();
                let mut i = hash(key) as usize & self.mask;
                while self.slots[i * WORDS + 7] != 0 {
                    i = (i + 1) & self.mask;
                }
                self.slots[i * WORDS..(i + 1) * WORDS].copy_from_slice(s);
            }
        }
    }

    /// Copies up to `out.len() / WORDS` used slots into `out`, continuing where the last call stopped; returns how
    /// many. When every slot has been handed out, the table is emptied and the next call starts afresh.
    pub fn drain_into(&mut self, out: &mut [u64]) -> usize {
        let room = out.len() / WORDS;
        let mut n = 0;
        let slots = self.mask + 1;
        while n < room && self.drain_at < slots {
            let s = &self.slots[self.drain_at * WORDS..(self.drain_at + 1) * WORDS];
            if s[7] != 0 {
                out[n * WORDS..(n + 1) * WORDS].copy_from_slice(s);
                n += 1;
            }
            self.drain_at += 1;
        }
        if self.drain_at == slots {
            self.clear();
        }
        n
    }

    pub fn clear(&mut self) {
        if self.len > 0 {
            self.slots.fill(0);
        }
        self.len = 0;
        self.drain_at = 0;
    }
}
