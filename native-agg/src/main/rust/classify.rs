//! Classification tables Java hands over at creation: app prefixes, exporter prefixes, service ports.

/// A longest-prefix-match trie per address family, in flat arrays; values are indexes, -1 for none. The first 8 bits
/// are also resolved in one step through a 256-entry table (the node after them and the best value on the way), so
/// that most lookups, whose address shares no long prefix with any rule, end after one load.
pub struct PrefixTrie {
    zero: Vec<u32>,
    one: Vec<u32>,
    values: Vec<i32>,
    /// Per leading byte: (node reached after 8 bits or 0, best value on the way).
    first: Box<[(u32, i32); 256]>,
    /// The longest prefix put, so that a lookup stops stepping once no longer rule can match.
    deepest: u32,
}

const STRIDE: u32 = 8;

impl PrefixTrie {
    pub fn new() -> Self {
        PrefixTrie { zero: vec![0], one: vec![0], values: vec![-1], first: Box::new([(0, -1); 256]), deepest: 0 }
    }

    /// Recomputes the first-byte table; called after every `put`.
    fn index_first_byte(&mut self) {
        for b in 0..256u32 {
            let mut best = self.values[0];
            let mut node = 0usize;
            for i in 0..STRIDE {
                let bit = (b >> (STRIDE - 1 - i)) & 1;
                node = if bit == 0 { self.zero[node] } else { self.one[node] } as usize;
                if node == 0 {
                    break;
                }
                if self.values[node] >= 0 {
                    best = self.values[node];
                }
            }
            self.first[b as usize] = (node as u32, best);
        }
    }

    /// Adds `bits` (most significant first, `length` of them) mapping to `value`.
    pub fn put(&mut self, bits: u128, length: u32, value: i32) {
        let mut node = 0usize;
        for i in 0..length {
            let bit = (bits >> (127 - i)) & 1;
            let child = if bit == 0 { self.zero[node] } else { self.one[node] } as usize;
            node = if child != 0 {
                child
            } else {
                let n = self.values.len();
                self.zero.push(0);
                self.one.push(0);
                self.values.push(-1);
                if bit == 0 { self.zero[node] = n as u32 } else { self.one[node] = n as u32 }
                n
            };
        }
        self.values[node] = value;
        self.deepest = self.deepest.max(length);
        self.index_first_byte();
    }

    /// The value of the longest prefix containing the `depth` leading bits of `bits`, or -1.
    #[inline(always)]
    pub fn longest_match(&self, bits: u128, depth: u32) -> i32 {
        let (node, best) = self.first[(bits >> 120) as usize];
        // Depth is 32 or 128, never less than the stride.
        if node == 0 {
            return best;
        }
        self.walk(node as usize, best, bits, depth)
    }

    /// Continues a lookup below the first byte.
    #[inline(never)]
    fn walk(&self, mut node: usize, mut best: i32, bits: u128, depth: u32) -> i32 {
        for i in STRIDE..depth.min(self.deepest) {
            let bit = (bits >> (127 - i)) & 1;
            node = if bit == 0 { self.zero[node] } else { self.one[node] } as usize;
            if node == 0 {
                break;
            }
            let v = self.values[node];
            if v >= 0 {
                best = v;
            }
        }
        best
    }
}

/// Prefix rules for both families: IPv4 keyed by its 32 bits, IPv6 by all 128.
pub struct PrefixRules {
    v4: PrefixTrie,
    v6: PrefixTrie,
}

/// The low word of an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is this or'ed with the IPv4 address; its high
/// word is 0. Addresses are kept in that form throughout, as `IpAddress` does on the Java side.
pub const V4_MAPPED: u64 = 0xFFFF << 32;

#[inline]
pub fn is_v4(high: u64, low: u64) -> bool {
    high == 0 && (low >> 32) == (V4_MAPPED >> 32)
}

impl PrefixRules {
    pub fn new() -> Self {
        PrefixRules { v4: PrefixTrie::new(), v6: PrefixTrie::new() }
    }

    /// Adds a prefix; `length` counts bits within the family of the address.
    pub fn put(&mut self, high: u64, low: u64, length: u32, value: i32) {
        if is_v4(high, low) {
            self.v4.put((low as u128) << 96, length.min(32), value);
        } else {
            self.v6.put((high as u128) << 64 | low as u128, length.min(128), value);
        }
    }

    /// `lookup` of an IPv4 address.
    #[inline(always)]
    pub fn lookup_v4(&self, address: u32) -> i32 {
        self.v4.longest_match((address as u128) << 96, 32)
    }

    #[inline(always)]
    pub fn lookup(&self, high: u64, low: u64) -> i32 {
        if is_v4(high, low) {
            self.v4.longest_match((low as u128) << 96, 32)
        } else {
            self.v6.longest_match((high as u128) << 64 | low as u128, 128)
        }
    }
}

/// The ports that mark the server side, as a 65 536-bit set.
pub struct ServicePorts {
    bits: Box<[u64; 1024]>,
}

impl ServicePorts {
    pub fn from_words(words: &[u64]) -> Self {
        let mut bits = Box::new([0u64; 1024]);
        for (i, w) in words.iter().take(1024).enumerate() {
            bits[i] = *w;
        }
        ServicePorts { bits }
    }

    #[inline]
    pub fn contains(&self, port: i32) -> bool {
        (port & !0xFFFF) == 0 && self.bits[(port as u32 >> 6) as usize] & (1u64 << (port & 63)) != 0
    }

    /// Whether endpoint A is the server: service port first, then the lower port, then the lower address. Addresses
    /// are `(high, low)` words, or IPv4 `u32`s where both are IPv4 (IPv4-mapped addresses order as the IPv4 ones do).
    #[inline(always)]
    pub fn first_is_server<A: PartialOrd>(&self, a: A, port_a: i32, b: A, port_b: i32) -> bool {
        let service_a = self.contains(port_a);
        let service_b = self.contains(port_b);
        if service_a != service_b {
            return service_a;
        }
        if port_a != port_b {
            return port_a < port_b;
        }
        a <= b
    }
}
