//! The kernel: decode a batch of datagrams, classify each flow, add its bytes to the table per (tuple, hour).

use crate::classify::{PrefixRules, ServicePorts};
use crate::decoder::Decoder;
use crate::records::{Flow, FlowSink};
use crate::state::Settings;
use crate::table::{AddBuffer, AggregateTable, KEY_WORDS, USED};

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
    /// The last exporter and its VPC column: consecutive datagrams, within a batch and across batches, mostly come
    /// from one exporter, so it is classified once per run of them.
    last_vpc: Option<((u64, u64), (u64, u64, u64))>,
}

/// Adds each flow of one datagram to the table.
struct Aggregator<'a> {
    table: &'a mut AggregateTable,
    buffer: &'a mut AddBuffer,
    apps: &'a PrefixRules,
    ports: &'a ServicePorts,
    vpc: (u64, u64, u64),
}

impl Aggregator<'_> {
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
            f.end_ms.div_euclid(MILLIS_PER_HOUR) as u64,
            USED | self.vpc.2 | c.2 | s.2,
        ];
        self.buffer.push(self.table, &key, tx, rx);
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
            let vpc = match self.last_vpc {
                Some((e, v)) if e == exporter => v,
                _ => {
                    let v = match self.vpcs.lookup(exporter.0, exporter.1) {
                        i if i >= 0 => (0, i as u64, VPC_IS_INDEX),
                        _ => (exporter.0, exporter.1, 0),
                    };
                    self.last_vpc = Some((exporter, v));
                    v
                }
            };
            let mut sink = Aggregator {
                table: &mut self.table,
                buffer: &mut self.buffer,
                apps: &self.apps,
                ports: &self.ports,
                vpc,
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
