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

/// One step of the key hash: the state rotated, mixed with the next word, multiplied.
#[inline(always)]
fn round(h: u64, w: u64) -> u64 {
    (h.rotate_left(5) ^ w).wrapping_mul(K)
}

/// The hash of a key; the same function as the Java twin's.
#[inline]
pub fn hash(key: &[u64; KEY_WORDS]) -> u64 {
    let h = key.iter().fold(0, |h, &w| round(h, w));
    h ^ (h >> 29)
}

/// The hash's state after the first three words of an IPv4 flow's key: its VPC, then the client's high word, 0
/// whether a rule matched or not. The same for every flow of a datagram, so computed once per datagram.
#[inline]
pub fn v4_state(vpc_high: u64, vpc_low: u64) -> u64 {
    round(round(round(0, vpc_high), vpc_low), 0)
}

/// `hash([vpc high, vpc low, 0, client, 0, server, hour, flags])` from `v4_state(vpc high, vpc low)`.
#[inline(always)]
pub fn hash_v4(state: u64, client: u64, server: u64, hour: u64, flags: u64) -> u64 {
    let h = [client, 0, server, hour, flags].into_iter().fold(state, round);
    h ^ (h >> 29)
}

/// Key equality over the eight key words. A slice comparison here became a call to `memcmp`; these are the vector
/// compares of the widest instruction set the library was built for (x86-64 always has SSE2), else a word-wise
/// reduction.
#[inline(always)]
fn same_key(s: &[u64; WORDS], k: &[u64; KEY_WORDS]) -> bool {
    #[cfg(all(target_arch = "x86_64", target_feature = "avx512f"))]
    // SAFETY: both arrays hold at least 64 bytes; unaligned loads.
    unsafe {
        use std::arch::x86_64::*;
        let a = _mm512_loadu_si512(s.as_ptr() as *const __m512i);
        let b = _mm512_loadu_si512(k.as_ptr() as *const __m512i);
        _mm512_cmpneq_epi64_mask(a, b) == 0
    }
    #[cfg(all(target_arch = "x86_64", not(target_feature = "avx512f")))]
    // SAFETY: both arrays hold at least 64 bytes; unaligned loads.
    unsafe {
        use std::arch::x86_64::*;
        let sp = s.as_ptr() as *const __m128i;
        let kp = k.as_ptr() as *const __m128i;
        let x = |i: usize| _mm_xor_si128(_mm_loadu_si128(sp.add(i)), _mm_loadu_si128(kp.add(i)));
        let d = _mm_or_si128(_mm_or_si128(x(0), x(1)), _mm_or_si128(x(2), x(3)));
        _mm_movemask_epi8(_mm_cmpeq_epi8(d, _mm_setzero_si128())) == 0xFFFF
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        ((s[0] ^ k[0]) | (s[1] ^ k[1]) | (s[2] ^ k[2]) | (s[3] ^ k[3]) | (s[4] ^ k[4]) | (s[5] ^ k[5])
            | (s[6] ^ k[6]) | (s[7] ^ k[7]))
            == 0
    }
}

/// Keys waiting to be added, each with its hash and its slot already being fetched: a flow's slot is usually not
/// in cache once the table outgrows it, so decoding the next flows while the loads are under way hides most of that
/// latency (a table in L2 gains a little too: the hashes of successive flows overlap). Flushed in arrival order, so
/// the table ends exactly as if each key had been added at once.
pub struct AddBuffer {
    keys: [[u64; KEY_WORDS]; ADD_BUFFER],
    hashes: [u64; ADD_BUFFER],
    sums: [(i64, i64); ADD_BUFFER],
    len: usize,
}

pub const ADD_BUFFER: usize = 32;

impl AddBuffer {
    pub fn new() -> Self {
        AddBuffer { keys: [[0; KEY_WORDS]; ADD_BUFFER], hashes: [0; ADD_BUFFER], sums: [(0, 0); ADD_BUFFER], len: 0 }
    }

    #[inline]
    pub fn push(&mut self, table: &mut AggregateTable, key: &[u64; KEY_WORDS], tx: i64, rx: i64) {
        self.push_hashed(table, key, hash(key), tx, rx);
    }

    /// `push` with the key's hash `h` already computed.
    #[inline(always)]
    pub fn push_hashed(&mut self, table: &mut AggregateTable, key: &[u64; KEY_WORDS], h: u64, tx: i64, rx: i64) {
        if self.len == ADD_BUFFER {
            self.flush(table);
        }
        table.prefetch(h);
        let n = self.len;
        self.keys[n] = *key;
        self.hashes[n] = h;
        self.sums[n] = (tx, rx);
        self.len = n + 1;
    }

    #[inline]
    pub fn flush(&mut self, table: &mut AggregateTable) {
        let n = self.len;
        // Room for every buffered key first, so that the adds below need no check of their own.
        table.reserve(n);
        for ((key, &h), &(tx, rx)) in self.keys[..n].iter().zip(&self.hashes[..n]).zip(&self.sums[..n]) {
            table.add_hashed(key, h, tx, rx);
        }
        self.len = 0;
    }
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

    /// Adds one key at once (the kernel adds through `AddBuffer`).
    #[cfg(test)]
    pub fn add(&mut self, key: &[u64; KEY_WORDS], tx: i64, rx: i64) {
        self.reserve(1);
        self.add_hashed(key, hash(key), tx, rx);
    }

    /// Grows until `more` further keys keep the table at most half full.
    #[inline(always)]
    pub fn reserve(&mut self, more: usize) {
        while (self.len + more) * 2 > self.mask + 1 {
            self.grow();
        }
    }

    /// Adds with the key's hash already computed (see `AddBuffer`); `reserve` must have made room.
    #[inline(always)]
    pub fn add_hashed(&mut self, key: &[u64; KEY_WORDS], h: u64, tx: i64, rx: i64) {
        let mut i = h as usize & self.mask;
        loop {
            debug_assert!((i + 1) * WORDS <= self.slots.len());
            // SAFETY: `i` is masked to below the slot count, and `slots` holds (mask + 1) * WORDS words.
            let s: &mut [u64; WORDS] = unsafe { &mut *(self.slots.as_mut_ptr().add(i * WORDS) as *mut [u64; WORDS]) };
            if same_key(s, key) {
                s[8] = saturating_add(s[8] as i64, tx) as u64;
                s[9] = saturating_add(s[9] as i64, rx) as u64;
                return;
            }
            if s[7] == 0 {
                s[..KEY_WORDS].copy_from_slice(key);
                s[8] = saturating_add(0, tx) as u64;
                s[9] = saturating_add(0, rx) as u64;
                self.len += 1;
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Asks the CPU to start loading the slot a hash points at, so that a later `add_hashed` finds it in cache.
    #[inline]
    pub fn prefetch(&self, h: u64) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let at = (h as usize & self.mask) * WORDS;
            // A 10-word slot may straddle two cache lines: touch its first and last word. Only a hint, never a read.
            let first = self.slots.as_ptr().wrapping_add(at) as *const i8;
            let last = self.slots.as_ptr().wrapping_add(at + WORDS - 1) as *const i8;
            unsafe {
                _mm_prefetch(first, _MM_HINT_T0);
                _mm_prefetch(last, _MM_HINT_T0);
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = h;
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
