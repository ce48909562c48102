//! The kernel: decode a batch of datagrams, classify each flow, add its bytes to the table per (tuple, hour).

use crate::classify::{PrefixRules, ServicePorts, V4_MAPPED};
use crate::decoder::Decoder;
use crate::records::{Flow, FlowSink};
use crate::state::Settings;
use crate::table::{hash_v4, v4_state, AddBuffer, AggregateTable, KEY_WORDS, USED};

const MILLIS_PER_HOUR: i64 = 3_600_000;
/// Bytes per datagram entry in the batch's meta segment.
pub const META_BYTES: usize = 32;
const VPC_IS_INDEX: u64 = 1;
const SRC_IS_INDEX: u64 = 2;
const DST_IS_INDEX: u64 = 4;

/// How a batch call ended.
#[derive(Debug, PartialEq, Eq)]
pub enum BatchEnd {
    /// Every datagram was processed.
    Done,
    /// The table holds its maximum of entries; datagrams from this index on were not processed.
    TableFull(usize),
    /// A meta entry points outside the data segment.
    BadMeta(usize),
}

/// One kernel context: decoder state, classification tables, the aggregate table.
pub struct Kernel {
    decoder: Decoder,
    apps: PrefixRules,
    vpcs: PrefixRules,
    ports: ServicePorts,
    table: AggregateTable,
    buffer: Box<AddBuffer>,
    max_entries: usize,
    /// The last exporter, its VPC column and the key hash's state after it (`v4_state`): consecutive datagrams,
    /// within a batch and across batches, mostly come from one exporter, so it is classified once per run of them.
    last_vpc: Option<((u64, u64), (u64, u64, u64), u64)>,
}

/// Adds each flow of one datagram to the table.
struct Aggregator<'a> {
    table: &'a mut AggregateTable,
    buffer: &'a mut AddBuffer,
    apps: &'a PrefixRules,
    ports: &'a ServicePorts,
    vpc: (u64, u64, u64),
    /// The last hour computed and the milliseconds it spans, `[from, until)`: a datagram's flows mostly end in one
    /// hour, so most need two comparisons instead of a division.
    hour: (i64, i64, u64),
    /// `v4_state` of `vpc`.
    v4_state: u64,
}

const NO_HOUR: (i64, i64, u64) = (1, 0, 0);

impl Aggregator<'_> {
    #[inline(always)]
    fn hour_of(&mut self, end_ms: i64) -> u64 {
        let (from, until, hour) = self.hour;
        if end_ms >= from && end_ms < until {
            return hour;
        }
        let h = end_ms.div_euclid(MILLIS_PER_HOUR);
        // The hour's first millisecond does not exist for the very lowest hours of i64: then nothing is kept.
        self.hour = match h.checked_mul(MILLIS_PER_HOUR) {
            Some(from) => (from, from.saturating_add(MILLIS_PER_HOUR), h as u64),
            None => NO_HOUR,
        };
        h as u64
    }

    #[inline]
    fn app(&self, address: (u64, u64), flag: u64) -> (u64, u64, u64) {
        match self.apps.lookup(address.0, address.1) {
            i if i >= 0 => (0, i as u64, flag),
            _ => (address.0, address.1, 0),
        }
    }
}

impl FlowSink for Aggregator<'_> {
    #[inline(always)]
    fn accept(&mut self, f: &Flow) {
        let src = (f.src_high, f.src_low);
        let dst = (f.dst_high, f.dst_low);
        let src_is_server = self.ports.first_is_server(src, f.src_port, dst, f.dst_port);
        let (client, server) = if src_is_server { (dst, src) } else { (src, dst) };
        // Client-to-server bytes are tx; a biflow's reverse counters run the other way.
        let (tx, rx) = if src_is_server { (f.reverse_bytes, f.bytes) } else { (f.bytes, f.reverse_bytes) };
        let c = self.app(client, SRC_IS_INDEX);
        let s = self.app(server, DST_IS_INDEX);
        let key: [u64; KEY_WORDS] = [
            self.vpc.0,
            self.vpc.1,
            c.0,
            c.1,
            s.0,
            s.1,
            self.hour_of(f.end_ms),
            USED | self.vpc.2 | c.2 | s.2,
        ];
        self.buffer.push(self.table, &key, tx, rx);
    }

    /// `accept` for IPv4 endpoints, with the address family known: no family checks, 32-bit address compares, and
    /// the high words of both endpoints are 0 whether a rule matched or not. Both addresses are looked up before
    /// the orientation is known, so neither lookup waits for it (the hash after them is a chain of dependent
    /// multiplies, and a flow's time is mostly such chains).
    #[inline(always)]
    fn accept_v4(&mut self, src: u32, dst: u32, src_port: i32, dst_port: i32, bytes: i64, reverse_bytes: i64,
        end_ms: i64) {
        let word = |address: u32, rule: i32| if rule >= 0 { rule as u64 } else { V4_MAPPED | address as u64 };
        let src_rule = self.apps.lookup_v4(src);
        let dst_rule = self.apps.lookup_v4(dst);
        let src_word = word(src, src_rule);
        let dst_word = word(dst, dst_rule);
        let src_is_server = self.ports.first_is_server(src, src_port, dst, dst_port);
        let (client, client_rule, server, server_rule) = if src_is_server {
            (dst_word, dst_rule, src_word, src_rule)
        } else {
            (src_word, src_rule, dst_word, dst_rule)
        };
        let (tx, rx) = if src_is_server { (reverse_bytes, bytes) } else { (bytes, reverse_bytes) };
        let flags = USED
            | self.vpc.2
            | if client_rule >= 0 { SRC_IS_INDEX } else { 0 }
            | if server_rule >= 0 { DST_IS_INDEX } else { 0 };
        let hour = self.hour_of(end_ms);
        let key: [u64; KEY_WORDS] = [self.vpc.0, self.vpc.1, 0, client, 0, server, hour, flags];
        self.buffer.push_hashed(self.table, &key, hash_v4(self.v4_state, client, server, hour, flags), tx, rx);
    }
}

impl Kernel {
    pub fn new(settings: Settings, apps: PrefixRules, vpcs: PrefixRules, ports: ServicePorts, initial_slots: usize,
        max_entries: usize) -> Self {
        Kernel {
            decoder: Decoder::new(settings),
            apps,
            vpcs,
            ports,
            table: AggregateTable::with_capacity(initial_slots),
            buffer: Box::new(AddBuffer::new()),
            last_vpc: None,
            max_entries: max_entries.max(1),
        }
    }

    /// Processes datagrams `start..` of a batch; `meta` holds a 32-byte entry per datagram (native order).
    pub fn process(&mut self, data: &[u8], meta: &[u8], start: usize, flows: &mut i64) -> BatchEnd {
        let count = meta.len() / META_BYTES;
        for i in start..count {
            if self.table.len() >= self.max_entries {
                return BatchEnd::TableFull(i);
            }
            let m = &meta[i * META_BYTES..(i + 1) * META_BYTES];
            let offset = u32::from_ne_bytes(m[0..4].try_into().unwrap()) as usize;
            let length = u32::from_ne_bytes(m[4..8].try_into().unwrap()) as usize;
            let exporter = (
                u64::from_ne_bytes(m[8..16].try_into().unwrap()),
                u64::from_ne_bytes(m[16..24].try_into().unwrap()),
            );
            let received_at = i64::from_ne_bytes(m[24..32].try_into().unwrap());
            let Some(payload) = data.get(offset..offset.saturating_add(length)) else {
                return BatchEnd::BadMeta(i);
            };
            let (vpc, v4_hash_state) = match self.last_vpc {
                Some((e, v, h)) if e == exporter => (v, h),
                _ => {
                    let v = match self.vpcs.lookup(exporter.0, exporter.1) {
                        i if i >= 0 => (0, i as u64, VPC_IS_INDEX),
                        _ => (exporter.0, exporter.1, 0),
                    };
                    let h = v4_state(v.0, v.1);
                    self.last_vpc = Some((exporter, v, h));
                    (v, h)
                }
            };
            let mut sink = Aggregator {
                table: &mut self.table,
                buffer: &mut self.buffer,
                apps: &self.apps,
                ports: &self.ports,
                vpc,
                hour: NO_HOUR,
                v4_state: v4_hash_state,
            };
            *flows += self.decoder.decode(exporter, payload, received_at, &mut sink);
            // Flushed per datagram, so that the table-full check above sees every key of the datagrams before.
            self.buffer.flush(&mut self.table);
        }
        BatchEnd::Done
    }

    pub fn pending_entries(&self) -> usize {
        self.table.len()
    }

    pub fn drain_into(&mut self, out: &mut [u64]) -> usize {
        self.table.drain_into(out)
    }

    pub fn expire(&mut self, now: i64) {
        self.decoder.expire(now);
    }

    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_hour_is_the_hour_div_euclid_gives() {
        let mut table = AggregateTable::with_capacity(16);
        let mut buffer = AddBuffer::new();
        let (apps, ports) = (PrefixRules::new(), ServicePorts::from_words(&[]));
        let mut a = Aggregator {
            table: &mut table,
            buffer: &mut buffer,
            apps: &apps,
            ports: &ports,
            vpc: (0, 0, 0),
            hour: NO_HOUR,
            v4_state: v4_state(0, 0),
        };
        let h = MILLIS_PER_HOUR;
        let mut ends = vec![0, -1, 1, h - 1, h, h + 1, -h, -h - 1, -h + 1, i64::MAX, i64::MIN, i64::MIN + 1, i64::MAX - h];
        for k in [-5i64, -1, 0, 1, 2, 472_000, 472_001] {
            ends.extend_from_slice(&[k * h - 1, k * h, k * h + 1, k * h + h / 2, k * h - 1]);
        }
        // Twice over, so that each end also meets the hour the one before it left.
        for &end in ends.iter().chain(ends.iter().rev()) {
            assert_eq!(a.hour_of(end), end.div_euclid(h) as u64, "{end}");
        }
    }
}
