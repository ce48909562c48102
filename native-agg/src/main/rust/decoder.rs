//! Decodes NetFlow v5, v9 and IPFIX datagrams, keeping each exporter's templates, waiting data and sampling rates.

use crate::counters::{Counter, DecodeError, ExporterCounters};
use crate::hash::IntMap;
use crate::records::{from_uptime, sampled, FlowSink, RecordDecoder};
use crate::state::{ExporterState, Settings};
use crate::template::Definition;
use crate::templated::{Datagram, Scratch};
use crate::wire::{u16_at, u32_at};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;

const V5_HEADER: usize = 24;
const V5_RECORD: usize = 48;
const V5_MAX_RECORDS: u32 = 30;
/// Cisco IOS (bug CSCei12353) stamps some records' end up to about 100 s past the header's uptime; nfdump allows it.
const V5_END_SLACK_MS: i32 = 100_000;

/// The decoder: exporter states, and counters that outlive them.
pub struct Decoder {
    pub settings: Settings,
    exporters: IntMap<(u64, u64), ExporterState>,
    pub counters: Vec<ExporterCounters>,
    counter_index: IntMap<(u64, u64), usize>,
    scratch: Scratch,
    /// The last datagram's exporter and its state: consecutive datagrams mostly come from one exporter, and they skip
    /// both map lookups. Points into `exporters`, so every change to that map (an exporter added, `expire` dropping
    /// some) clears it.
    last: Option<((u64, u64), NonNull<ExporterState>)>,
}

impl Decoder {
    pub fn new(settings: Settings) -> Self {
        Decoder {
            settings,
            exporters: IntMap::default(),
            counters: Vec::new(),
            counter_index: IntMap::default(),
            scratch: Scratch {
                definition: Definition::new(settings.max_fields),
                records: RecordDecoder::new(),
                late: Vec::new(),
            },
            last: None,
        }
    }

    /// Decodes one datagram; returns the flows delivered. A panic inside is counted as a decoder fault.
    pub fn decode<S: FlowSink>(&mut self, exporter: (u64, u64), b: &[u8], now: i64, sink: &mut S) -> i64 {
        let at = match self.last {
            Some((e, at)) if e == exporter => at,
            _ => {
                let counters_at = match self.counter_index.get(&exporter) {
                    Some(&i) => i,
                    None => {
                        self.counters.push(ExporterCounters::new(exporter.0, exporter.1));
                        self.counter_index.insert(exporter, self.counters.len() - 1);
                        self.counters.len() - 1
                    }
                };
                let state = self.exporters.entry(exporter).or_insert_with(|| ExporterState::new(counters_at));
                let at = NonNull::from(state);
                self.last = Some((exporter, at));
                at
            }
        };
        // SAFETY: `at` points at this exporter's entry of `exporters`, which has not changed since (every change
        // clears `last`), and nothing else refers to that entry during this call.
        let state = unsafe { &mut *at.as_ptr() };
        let version = if b.len() >= 2 { u16_at(b, 0) } else { 0 };
        let counters_at = state.counters;
        let counters = &mut self.counters[counters_at];
        counters.add(version, Counter::Datagrams, 1);
        counters.add(version, Counter::DatagramBytes, b.len() as i64);
        state.last_seen = now;
        if b.len() < 2 {
            counters.error(0, DecodeError::DatagramTooShort);
            return 0;
        }
        state.pending.drop_expired(now, false, &self.settings, counters);
        let settings = &self.settings;
        let scratch = &mut self.scratch;
        let outcome = catch_unwind(AssertUnwindSafe(|| match version {
            5 => decode_v5(b, settings.apply_sampling, counters, sink),
            9 | 10 => {
                let mut d = Datagram {
                    version,
                    domain_id: 0,
                    now,
                    export_ms: 0,
                    uptime_ms: 0,
                    state,
                    counters,
                    settings,
                    scratch,
                    sink,
                    records_seen: 0,
                    non_flow_records_seen: 0,
                    template_missing: false,
                    flows: 0,
                    fast_domain: None,
                };
                if version == 9 { d.decode_v9(b) } else { d.decode_ipfix(b) }
            }
            _ => {
                counters.error(version, DecodeError::UnknownVersion);
                0
            }
        }));
        outcome.unwrap_or_else(|_| {
            self.counters[counters_at].error(version, DecodeError::DecoderFault);
            0
        })
    }

    /// Drops expired templates and waiting data of every exporter, and forgets exporters with nothing left.
    pub fn expire(&mut self, now: i64) {
        self.last = None;
        let s = self.settings;
        let counters = &mut self.counters;
        self.exporters.retain(|_, state| {
            let c = &mut counters[state.counters];
            state.templates.expire(now, s.template_lifetime_ms, c);
            state.pending.drop_expired(now, true, &s, c);
            !(state.templates.is_empty()
                && state.pending.queue.is_empty()
                && now.wrapping_sub(state.last_seen) > s.template_lifetime_ms)
        });
    }

    pub fn exporter_count(&self) -> usize {
        self.exporters.len()
    }
}

/// NetFlow v5: a 24-byte header and up to 30 fixed 48-byte records.
fn decode_v5<S: FlowSink>(b: &[u8], apply_sampling: bool, counters: &mut ExporterCounters, sink: &mut S) -> i64 {
    if let Err(refused) = check_v5(b) {
        counters.error(5, refused);
        return 0;
    }
    let records = u16_at(b, 2) as usize;
    let sys_uptime = u32_at(b, 4) as i64;
    let export_ms = u32_at(b, 8) as i64 * 1000 + u32_at(b, 12) as i64 / 1_000_000;
    // Top 2 bits: sampling mode; low 14 bits: the interval, 0 when not sampled.
    let interval = u16_at(b, 22) & 0x3FFF;
    let rate = if interval == 0 { 1.0 } else { interval as f64 };
    let body = &b[V5_HEADER..];
    // Decided once per datagram, so that the common unsampled loop carries no floating-point scaling.
    if apply_sampling && rate != 1.0 {
        v5_records::<S, true>(body, rate, export_ms, sys_uptime, sink);
    } else {
        v5_records::<S, false>(body, rate, export_ms, sys_uptime, sink);
    }
    counters.add(5, Counter::Flows, records as i64);
    records as i64
}

/// Why the datagram is not a v5 export packet (the Java `NetflowV5Decoder.checkPlausible`): a count or length that
/// is off refuses it, as in nfdump, and so do a clock that was never set and a record whose times are impossible.
fn check_v5(b: &[u8]) -> Result<(), DecodeError> {
    if b.len() < V5_HEADER {
        return Err(DecodeError::DatagramTooShort);
    }
    let count = u16_at(b, 2);
    if count == 0 || count > V5_MAX_RECORDS {
        return Err(DecodeError::RecordCountMismatch);
    }
    let expected = V5_HEADER + count as usize * V5_RECORD;
    if b.len() != expected {
        return Err(if b.len() < expected { DecodeError::DatagramTruncated } else { DecodeError::MessageLengthMismatch });
    }
    let sys_uptime = u32_at(b, 4) as u32;
    let nanos = u32_at(b, 12);
    let export_ms = (u32_at(b, 8) * 1000 + nanos / 1_000_000) as i64;
    if nanos >= 1_000_000_000 || sys_uptime as i64 >= export_ms {
        return Err(DecodeError::ExportTimeImplausible);
    }
    // Without an early exit: valid datagrams, the common case, are read to the end anyway, and this loop has no branch.
    let mut implausible = false;
    for r in b[V5_HEADER..].chunks_exact(V5_RECORD) {
        let r: &[u8; V5_RECORD] = r.try_into().unwrap();
        let first = u32::from_be_bytes([r[24], r[25], r[26], r[27]]);
        let last = u32::from_be_bytes([r[28], r[29], r[30], r[31]]);
        // Modulo 2^32 and signed, as `from_uptime` reads them, so a counter that wrapped in between is no problem; a
        // First of 0 is an exporter that does not measure it.
        let after_export = last.wrapping_sub(sys_uptime) as i32;
        let duration = last.wrapping_sub(first) as i32;
        implausible |= (after_export > V5_END_SLACK_MS) | ((first != 0) & (duration < 0));
    }
    if implausible { Err(DecodeError::RecordTimeImplausible) } else { Ok(()) }
}

/// The fixed 48-byte v5 records: each read from a constant offset of its own array, with no bounds check left.
#[inline(always)]
fn v5_records<S: FlowSink, const SCALE: bool>(body: &[u8], rate: f64, export_ms: i64, sys_uptime: i64,
    sink: &mut S) {
    for r in body.chunks_exact(V5_RECORD) {
        let r: &[u8; V5_RECORD] = r.try_into().unwrap();
        let word = |at: usize| u32::from_be_bytes([r[at], r[at + 1], r[at + 2], r[at + 3]]) as u64;
        let half = |at: usize| u16::from_be_bytes([r[at], r[at + 1]]) as i32;
        let octets = word(20) as i64;
        let bytes = if SCALE { sampled(octets, 0, rate, true).0 } else { octets };
        sink.accept_v4(word(0) as u32, word(4) as u32, half(32), half(34), bytes, 0,
            from_uptime(export_ms, sys_uptime, word(28) as i64));
    }
}
