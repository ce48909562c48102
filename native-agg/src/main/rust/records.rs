//! Data records of one v9 or IPFIX data set, decoded with a compiled template; allocates nothing per record.

use crate::classify::V4_MAPPED;
use crate::state::DomainState;
use crate::template::{EndFields, FastPlan, Role, Template, ROLES, VARIABLE_LENGTH};
use crate::wire::{i64_at, is_padding, u16_at, unsigned_at};

/// One decoded flow, as the aggregating sink sees it.
#[derive(Default, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flow {
    pub src_high: u64,
    pub src_low: u64,
    pub dst_high: u64,
    pub dst_low: u64,
    pub src_port: i32,
    pub dst_port: i32,
    pub bytes: i64,
    pub reverse_bytes: i64,
    pub end_ms: i64,
}

/// Receives the flows of a datagram.
pub trait FlowSink {
    fn accept(&mut self, flow: &Flow);

    /// A flow between two IPv4 addresses (v5 records and direct-plan v9/IPFIX records, which are IPv4 only): the
    /// same as `accept` of the IPv4-mapped flow, which is what it does unless the sink has a shorter way.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn accept_v4(&mut self, src: u32, dst: u32, src_port: i32, dst_port: i32, bytes: i64, reverse_bytes: i64,
        end_ms: i64) {
        self.accept(&Flow {
            src_high: 0,
            src_low: V4_MAPPED | src as u64,
            dst_high: 0,
            dst_low: V4_MAPPED | dst as u64,
            src_port,
            dst_port,
            bytes,
            reverse_bytes,
            end_ms,
        });
    }
}

/// The raw values of one data record by role, with a bit per role read.
pub struct RecordFields {
    present: u32,
    values: [i64; ROLES],
    src_v6: (u64, u64),
    dst_v6: (u64, u64),
}

impl RecordFields {
    fn new() -> Self {
        RecordFields { present: 0, values: [0; ROLES], src_v6: (0, 0), dst_v6: (0, 0) }
    }

    #[inline]
    fn has(&self, r: Role) -> bool {
        self.present & r.bit() != 0
    }

    #[inline]
    fn get(&self, r: Role) -> i64 {
        self.values[r as usize]
    }

    #[inline]
    fn get_or(&self, r: Role, fallback: i64) -> i64 {
        if self.has(r) { self.get(r) } else { fallback }
    }

    #[inline]
    fn read(&mut self, role: Role, b: &[u8], p: usize, length: usize) {
        match role {
            Role::SourceIpv6 => self.src_v6 = (i64_at(b, p) as u64, i64_at(b, p + 8) as u64),
            Role::DestinationIpv6 => self.dst_v6 = (i64_at(b, p) as u64, i64_at(b, p + 8) as u64),
            _ => self.values[role as usize] = unsigned_at(b, p, length),
        }
        self.present |= role.bit();
    }

    fn address(&self, v4: Role, v6: Role, v6_value: (u64, u64)) -> (u64, u64) {
        if self.has(v4) {
            (0, V4_MAPPED | self.get(v4) as u64)
        } else if self.has(v6) {
            v6_value
        } else {
            (0, 0)
        }
    }

    /// RFC 3954 §8, RFC 5477 §8.2.2-3: the rate the record itself announces, or 0 when none.
    fn announced_rate(&self) -> f64 {
        fn at_least_one(interval: i64) -> f64 {
            if interval <= 0 { 1.0 } else { interval as f64 }
        }
        if self.has(Role::SamplingInterval) {
            return at_least_one(self.get(Role::SamplingInterval));
        }
        if self.has(Role::SamplerRandomInterval) {
            return at_least_one(self.get(Role::SamplerRandomInterval));
        }
        if self.has(Role::SamplingPacketInterval) {
            let interval = self.get(Role::SamplingPacketInterval);
            let space = self.get_or(Role::SamplingPacketSpace, 0);
            return if interval == 0 { 1.0 } else { interval.wrapping_add(space) as f64 / interval as f64 };
        }
        0.0
    }
}

/// What one data set gave besides its flows.
#[derive(Default)]
pub struct SetOutcome {
    pub records: usize,
    pub flows: i64,
    pub options: i64,
    pub truncated: bool,
}

/// Decodes data sets; keeps its scratch space between calls.
pub struct RecordDecoder {
    fields: RecordFields,
    field_spans: Vec<(usize, usize)>,
}

/// The header values a data set is decoded with.
#[derive(Clone, Copy)]
pub struct SetContext {
    pub version: u32,
    pub export_ms: i64,
    pub uptime_ms: i64,
    pub apply_sampling: bool,
}

impl RecordDecoder {
    pub fn new() -> Self {
        RecordDecoder { fields: RecordFields::new(), field_spans: Vec::new() }
    }

    /// Decodes the records of `b` (one set body); bytes too few for another record are padding.
    pub fn decode_set<S: FlowSink>(&mut self, t: &Template, b: &[u8], cx: SetContext, domain: &mut DomainState,
        sink: &mut S) -> SetOutcome {
        let mut out = SetOutcome::default();
        let end = b.len();
        if !t.variable {
            if let Some(plan) = &t.fast {
                return decode_fast_set(plan, b, cx, domain.default_rate, domain.system_init_ms, sink);
            }
            let length = t.record_length;
            let mut count = end / length;
            if cx.version == 9 && length < 4 {
                count = without_v9_padding(b, length, count);
            }
            let mut base = 0;
            while out.records < count {
                self.fields.present = 0;
                for s in t.slots.iter() {
                    self.fields.read(s.role, b, base + s.offset as usize, s.length as usize);
                }
                self.complete(t, cx, domain, sink, &mut out);
                out.records += 1;
                base += length;
            }
            return out;
        }
        self.field_spans.clear();
        self.field_spans.resize(t.field_count(), (0, 0));
        let mut base = 0;
        while end - base >= t.record_length {
            let Some(next) = self.locate_fields(t, b, base) else {
                out.truncated = true;
                break;
            };
            self.fields.present = 0;
            for s in t.slots.iter() {
                let (p, len) = self.field_spans[s.field as usize];
                self.fields.read(s.role, b, p, len);
            }
            self.complete(t, cx, domain, sink, &mut out);
            out.records += 1;
            base = next;
        }
        out
    }

    /// RFC 7011 §7: finds each field of a variable-length record; returns where the next record starts.
    fn locate_fields(&mut self, t: &Template, b: &[u8], base: usize) -> Option<usize> {
        let end = b.len();
        let mut p = base;
        for i in 0..t.field_count() {
            let mut length = t.lengths[i] as usize;
            if length == VARIABLE_LENGTH as usize {
                if p >= end {
                    return None;
                }
                length = b[p] as usize;
                p += 1;
                if length == 255 {
                    // RFC 7011 §7: 255 announces a 2-byte length.
                    if end - p < 2 {
                        return None;
                    }
                    length = u16_at(b, p) as usize;
                    p += 2;
                }
            }
            if end - p < length {
                return None;
            }
            self.field_spans[i] = (p, length);
            p += length;
        }
        Some(p)
    }

    #[inline]
    fn complete<S: FlowSink>(&self, t: &Template, cx: SetContext, domain: &mut DomainState, sink: &mut S,
        out: &mut SetOutcome) {
        let f = &self.fields;
        if t.options {
            let rate = f.announced_rate();
            if rate != 0.0 {
                domain.learn_rate(f.has(Role::SamplerId), f.get(Role::SamplerId), rate);
            }
            if f.has(Role::SystemInitMilliseconds) {
                domain.system_init_ms = f.get(Role::SystemInitMilliseconds);
            }
            out.options += 1;
            return;
        }
        let (src_high, src_low) = f.address(Role::SourceIpv4, Role::SourceIpv6, f.src_v6);
        let (dst_high, dst_low) = f.address(Role::DestinationIpv4, Role::DestinationIpv6, f.dst_v6);
        // RFC 3954 §8: a v9 exporter may report only OUT_BYTES.
        let bytes = if f.has(Role::Octets) { f.get(Role::Octets) } else { f.get_or(Role::OutOctets, 0) };
        let reverse = f.get_or(Role::ReverseOctets, 0);
        let end_ms = end_time(f, cx, domain);
        let mut rate = f.announced_rate();
        if rate == 0.0 {
            rate = domain.rate_for(f.has(Role::SamplerId), f.get(Role::SamplerId));
        }
        if rate == 0.0 {
            rate = 1.0;
        }
        let (bytes, reverse) = sampled(bytes, reverse, rate, cx.apply_sampling);
        let flow = Flow {
            src_high,
            src_low,
            dst_high,
            dst_low,
            src_port: f.get_or(Role::SourcePort, 0) as i32,
            // Cisco's v5 convention, kept by nfdump and pmacct for v9/IPFIX: ICMP type and code as destination port.
            dst_port: if f.has(Role::DestinationPort) {
                f.get(Role::DestinationPort)
            } else {
                f.get_or(Role::IcmpTypeCode, 0)
            } as i32,
            bytes,
            reverse_bytes: reverse,
            end_ms,
        };
        out.flows += 1;
        sink.accept(&flow);
    }
}

/// Decodes a set whose template has a `FastPlan`, given its domain's announced rate and boot time (the only domain
/// state such records use). Records of 16 bytes or more: no v9 padding guess applies (see `without_v9_padding`).
pub fn decode_fast_set<S: FlowSink>(plan: &FastPlan, b: &[u8], cx: SetContext, default_rate: f64,
    system_init_ms: i64, sink: &mut S) -> SetOutcome {
    let count = decode_fast_shaped(plan, b, cx, default_rate, system_init_ms, sink);
    SetOutcome { records: count, flows: count as i64, options: 0, truncated: false }
}

const END_MS: u8 = 0;
const END_SECONDS: u8 = 1;
const END_UPTIME: u8 = 2;
const END_OTHER: u8 = 3;

/// `decode_fast` specialised to the plan's shape (reverse counter or not, which end time fields), so that the record
/// loop neither reads nor branches on fields the template does not have.
#[inline(always)]
pub fn decode_fast_shaped<S: FlowSink>(p: &FastPlan, b: &[u8], cx: SetContext, default_rate: f64, init: i64,
    sink: &mut S) -> usize {
    match (p.reverse.present(), p.end) {
        (false, EndFields::Milliseconds) => decode_fast::<S, false, END_MS>(p, b, cx, default_rate, init, sink),
        (true, EndFields::Milliseconds) => decode_fast::<S, true, END_MS>(p, b, cx, default_rate, init, sink),
        (false, EndFields::Seconds) => decode_fast::<S, false, END_SECONDS>(p, b, cx, default_rate, init, sink),
        (true, EndFields::Seconds) => decode_fast::<S, true, END_SECONDS>(p, b, cx, default_rate, init, sink),
        (false, EndFields::SysUpTime) => decode_fast::<S, false, END_UPTIME>(p, b, cx, default_rate, init, sink),
        (true, EndFields::SysUpTime) => decode_fast::<S, true, END_UPTIME>(p, b, cx, default_rate, init, sink),
        (false, EndFields::Other) => decode_fast::<S, false, END_OTHER>(p, b, cx, default_rate, init, sink),
        (true, EndFields::Other) => decode_fast::<S, true, END_OTHER>(p, b, cx, default_rate, init, sink),
    }
}

/// The records of a set whose template has a `FastPlan`: the same flows `complete` makes, read from fixed offsets.
/// Bytes too few for another record are padding. Returns the records read. `REVERSE`: the plan has a reverse octet
/// counter (absent, it reads 0); `END`: which end time fields it has (`END_OTHER`: any, read as `end_time` does).
fn decode_fast<S: FlowSink, const REVERSE: bool, const END: u8>(p: &FastPlan, b: &[u8], cx: SetContext,
    default_rate: f64, init: i64, sink: &mut S) -> usize {
    // `Field::read` relies on every record passed to it being exactly this long.
    let length = p.record_length;
    // No sampling field in the template: every record takes the domain's announced rate, or none.
    let rate = if default_rate == 0.0 { 1.0 } else { default_rate };
    // The end time when a record carries no usable absolute time (see `end_time`): `init` is the domain's boot time.
    let uptime_base = if cx.version == 9 {
        Some(cx.uptime_ms)
    } else if init >= 0 && init <= cx.export_ms {
        Some(cx.export_ms - init)
    } else {
        None
    };
    let mut count = 0;
    let mut at = 0;
    // Stepped by hand: `chunks_exact` divides by the length, which cost as much as a record here.
    while b.len() - at >= length {
        let r = &b[at..at + length];
        at += length;
        count += 1;
        let p = opaque(p);
        let bytes = p.bytes.read(r);
        let reverse = if REVERSE { p.reverse.read(r) } else { 0 };
        // An absolute time of 0 counts as absent, as in `end_time`.
        let end_ms = match END {
            END_MS => match p.end_ms.read(r) {
                0 => cx.export_ms,
                ms => ms,
            },
            END_SECONDS => match p.end_seconds.read(r) {
                0 => cx.export_ms,
                seconds => seconds.wrapping_mul(1000),
            },
            END_UPTIME => match uptime_base {
                Some(uptime) => from_uptime(cx.export_ms, uptime, p.end_uptime.read(r)),
                None => cx.export_ms,
            },
            _ => {
                let ms = p.end_ms.read(r);
                let seconds = p.end_seconds.read(r);
                if ms != 0 {
                    ms
                } else if seconds != 0 {
                    seconds.wrapping_mul(1000)
                } else {
                    match uptime_base {
                        Some(uptime) if p.end_uptime.present() => {
                            from_uptime(cx.export_ms, uptime, p.end_uptime.read(r))
                        }
                        _ => cx.export_ms,
                    }
                }
            }
        };
        let (bytes, reverse) = sampled(bytes, reverse, rate, cx.apply_sampling);
        sink.accept_v4(p.src.read(r) as u32, p.dst.read(r) as u32, p.src_port.read(r) as i32, p.dport.read(r) as i32,
            bytes, reverse, end_ms);
    }
    count
}

/// `p` itself, but as a value the compiler cannot see through: the plan's fields are then read where they are used
/// instead of all being hoisted out of the record loop, which spilled them to the stack and cost more per set than
/// the loop's reads from the plan (sets are short: two records on average in the benchmark's IPFIX).
#[inline(always)]
fn opaque<T>(p: &T) -> &T {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    {
        let mut ptr = p as *const T;
        // SAFETY: an empty instruction sequence that leaves the register as it was; it neither reads nor writes memory.
        unsafe { std::arch::asm!("/* {0} */", inout(reg) ptr, options(nomem, nostack, preserves_flags)) };
        // SAFETY: `ptr` is still `p`.
        unsafe { &*ptr }
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        p
    }
}

/// Scales counts by the sampling rate when applying it, rounding half to even and saturating like Java's cast.
#[inline]
pub fn sampled(bytes: i64, reverse: i64, rate: f64, apply: bool) -> (i64, i64) {
    if apply && rate != 1.0 {
        (scale(bytes, rate), scale(reverse, rate))
    } else {
        (bytes, reverse)
    }
}

#[inline]
fn scale(count: i64, rate: f64) -> i64 {
    (count as f64 * rate).round_ties_even() as i64
}

/// RFC 3954 §5.3: all-zero records lying wholly in the last 3 bytes of a set are taken to be padding. (IPFIX padding
/// is shorter than any record, RFC 7011 §3.3.1, so it needs no such guess.)
fn without_v9_padding(b: &[u8], length: usize, mut count: usize) -> usize {
    let end = b.len();
    while count > 0 {
        let last = (count - 1) * length;
        if (last as i64) < end as i64 - 3 || !is_padding(&b[last..last + length]) {
            break;
        }
        count -= 1;
    }
    count
}

/// A time in 32-bit milliseconds of uptime against the uptime at export; the difference is read as signed.
#[inline]
pub fn from_uptime(export_ms: i64, uptime_at_export: i64, end_uptime: i64) -> i64 {
    let age = uptime_at_export.wrapping_sub(end_uptime) as i32;
    export_ms.wrapping_sub(age as i64)
}

/// RFC 7011 §6.1.9-10: epoch milliseconds from a 64-bit NTP timestamp.
pub fn ntp_to_epoch_ms(ntp: i64) -> i64 {
    let ntp = ntp as u64;
    let mut seconds = (ntp >> 32) as i64;
    let fraction = (ntp & 0xFFFF_FFFF) as i64;
    if seconds < 0x8000_0000 {
        seconds += 1 << 32; // RFC 5905 §6: era 1
    }
    (seconds - 2_208_988_800) * 1000 + ((fraction * 1000) as u64 >> 32) as i64
}

/// The end time of one record from its most precise field; the export time when it carries none. An absolute time of
/// 0 counts as absent: exporters fill fields they do not measure with zeros.
fn end_time(f: &RecordFields, cx: SetContext, domain: &DomainState) -> i64 {
    let is_set = |r: Role| f.has(r) && f.get(r) != 0;
    if is_set(Role::EndMilliseconds) {
        return f.get(Role::EndMilliseconds);
    }
    if is_set(Role::EndNanoseconds) {
        return ntp_to_epoch_ms(f.get(Role::EndNanoseconds));
    }
    if is_set(Role::EndMicroseconds) {
        return ntp_to_epoch_ms(f.get(Role::EndMicroseconds));
    }
    if is_set(Role::EndSeconds) {
        return f.get(Role::EndSeconds).wrapping_mul(1000);
    }
    if f.has(Role::EndDeltaMicroseconds) {
        // RFC 5102 §5.9.17: a negative offset from the export time.
        return cx.export_ms.wrapping_sub(f.get(Role::EndDeltaMicroseconds).wrapping_div(1000));
    }
    if f.has(Role::EndSysUpTime) {
        let end_uptime = f.get(Role::EndSysUpTime);
        if cx.version == 9 {
            return from_uptime(cx.export_ms, cx.uptime_ms, end_uptime);
        }
        let init = f.get_or(Role::SystemInitMilliseconds, domain.system_init_ms);
        if init >= 0 && init <= cx.export_ms {
            return from_uptime(cx.export_ms, cx.export_ms - init, end_uptime);
        }
    }
    cx.export_ms
}
