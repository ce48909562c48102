//! Unit tests of the crate's pieces; the differential tests against the Java decoder live on the Java side.

use crate::classify::{PrefixRules, ServicePorts};
use crate::counters::{Counter, DecodeError};
use crate::decoder::Decoder;
use crate::records::{ntp_to_epoch_ms, Flow, FlowSink, RecordDecoder, SetContext};
use crate::state::{DomainState, Settings};
use crate::table::{hash, AddBuffer, AggregateTable, KEY_WORDS, USED, WORDS};
use crate::template::{Definition, Template};

const EXPORTER: (u64, u64) = (0, 0xFFFF_C633_6401);

fn settings() -> Settings {
    Settings {
        apply_sampling: true,
        template_lifetime_ms: 3_600_000,
        max_templates: 4096,
        max_fields: 512,
        max_pending_sets: 1024,
        max_pending_bytes: 4 << 20,
        max_pending_age_ms: 60_000,
    }
}

#[derive(Default)]
struct Collect(Vec<Flow>);

impl FlowSink for Collect {
    fn accept(&mut self, flow: &Flow) {
        self.0.push(*flow);
    }
}

fn be16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn be32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// A v5 packet with `records` records of 100 bytes each, 10.0.0.1:40000 -> 10.0.0.2:443, sampled 1 in `interval`.
fn v5_packet(count: u16, records: usize, interval: u16) -> Vec<u8> {
    let mut b = Vec::new();
    be16(&mut b, 5);
    be16(&mut b, count);
    be32(&mut b, 10_000); // sysUptime
    be32(&mut b, 1_700_000_000); // unix secs
    be32(&mut b, 0); // nsecs
    be32(&mut b, 0); // sequence
    b.extend_from_slice(&[0, 0]); // engine
    be16(&mut b, interval);
    for _ in 0..records {
        be32(&mut b, 0x0A00_0001);
        be32(&mut b, 0x0A00_0002);
        b.extend_from_slice(&[0; 8]); // next hop, ifaces
        be32(&mut b, 1); // packets
        be32(&mut b, 100); // bytes
        be32(&mut b, 9_000); // first
        be32(&mut b, 9_500); // last
        be16(&mut b, 40_000);
        be16(&mut b, 443);
        b.extend_from_slice(&[0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }
    b
}

/// A v9 packet: header, then the given flowsets, with the header count given.
fn v9_packet(count: u16, sets: &[Vec<u8>]) -> Vec<u8> {
    let mut b = Vec::new();
    be16(&mut b, 9);
    be16(&mut b, count);
    be32(&mut b, 10_000);
    be32(&mut b, 1_700_000_000);
    be32(&mut b, 1);
    be32(&mut b, 7); // source id
    for s in sets {
        b.extend_from_slice(s);
    }
    b
}

fn set(id: u16, body: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    be16(&mut b, id);
    be16(&mut b, (body.len() + 4) as u16);
    b.extend_from_slice(body);
    b
}

/// Template 256: IPv4 src (8), IPv4 dst (12), IN_BYTES (1, 4 bytes), LAST_SWITCHED (21).
fn v9_template() -> Vec<u8> {
    let mut t = Vec::new();
    for v in [256u16, 4, 8, 4, 12, 4, 1, 4, 21, 4] {
        be16(&mut t, v);
    }
    set(0, &t)
}

fn v9_data(bytes: u32) -> Vec<u8> {
    let mut d = Vec::new();
    be32(&mut d, 0x0A00_0001);
    be32(&mut d, 0x0A00_0002);
    be32(&mut d, bytes);
    be32(&mut d, 9_000);
    set(256, &d)
}

#[test]
fn v5_records_are_decoded_and_sampling_scales_bytes() {
    let mut decoder = Decoder::new(settings());
    let mut sink = Collect::default();
    let flows = decoder.decode(EXPORTER, &v5_packet(2, 2, 10), 0, &mut sink);
    assert_eq!(flows, 2);
    assert_eq!(sink.0[0].bytes, 1000);
    assert_eq!(sink.0[0].end_ms, 1_700_000_000_000 - 500);
    assert_eq!(sink.0[0].src_low, 0xFFFF_0A00_0001);
    assert_eq!(decoder.counters[0].get(5, Counter::Flows), 2);
}

/// `packet` with the big-endian 32-bit word at `at` replaced.
fn with_u32(mut packet: Vec<u8>, at: usize, v: u32) -> Vec<u8> {
    packet[at..at + 4].copy_from_slice(&v.to_be_bytes());
    packet
}

#[test]
fn implausible_v5_datagrams_are_refused_whole_and_counted_by_reason() {
    let one_record_first_at = 24 + 24;
    let cases = [
        ("count beyond the datagram", v5_packet(3, 1, 0), DecodeError::DatagramTruncated),
        ("a byte past the records", [v5_packet(1, 1, 0), vec![0]].concat(), DecodeError::MessageLengthMismatch),
        ("count 0", v5_packet(0, 0, 0), DecodeError::RecordCountMismatch),
        ("count 31", v5_packet(31, 31, 0), DecodeError::RecordCountMismatch),
        ("nanoseconds of a whole second", with_u32(v5_packet(1, 1, 0), 12, 1_000_000_000),
            DecodeError::ExportTimeImplausible),
        ("booted before 1970", with_u32(v5_packet(1, 1, 0), 8, 5), DecodeError::ExportTimeImplausible),
        ("a record ending 101 s after the export", with_u32(v5_packet(1, 1, 0), one_record_first_at + 4, 111_000),
            DecodeError::RecordTimeImplausible),
        ("a record starting after it ends", with_u32(v5_packet(2, 2, 0), one_record_first_at + 48, 9_600),
            DecodeError::RecordTimeImplausible),
    ];
    for (name, packet, reason) in cases {
        let mut decoder = Decoder::new(settings());
        let mut sink = Collect::default();
        assert_eq!(decoder.decode(EXPORTER, &packet, 0, &mut sink), 0, "{name}");
        assert!(sink.0.is_empty(), "{name}");
        assert_eq!(decoder.counters[0].errors(5, reason), 1, "{name}");
    }
}

#[test]
fn a_v5_record_ending_within_the_cisco_slack_after_the_export_is_decoded() {
    let mut decoder = Decoder::new(settings());
    // Uptime 10 000 ms at export; the record ends 99 s later (and starts at 9 000).
    let packet = with_u32(v5_packet(1, 1, 0), 24 + 28, 109_000);
    assert_eq!(decoder.decode(EXPORTER, &packet, 0, &mut Collect::default()), 1);
}

#[test]
fn a_v5_record_whose_first_is_0_is_not_measured_and_is_decoded() {
    let mut decoder = Decoder::new(settings());
    // The uptime wrapped 500 ms before the export, the flow ended 500 ms before the wrap; First left at 0.
    let packet = with_u32(with_u32(with_u32(v5_packet(1, 1, 0), 4, 500), 24 + 24, 0), 24 + 28, 0u32.wrapping_sub(500));
    let mut sink = Collect::default();
    assert_eq!(decoder.decode(EXPORTER, &packet, 0, &mut sink), 1);
    assert_eq!(sink.0[0].end_ms, 1_700_000_000_000 - 1_000);
}

#[test]
fn data_before_its_template_is_decoded_when_the_template_arrives() {
    let mut decoder = Decoder::new(settings());
    let mut sink = Collect::default();
    assert_eq!(decoder.decode(EXPORTER, &v9_packet(1, &[v9_data(50)]), 0, &mut sink), 0);
    assert_eq!(decoder.counters[0].get(9, Counter::SetsWaiting), 1);
    assert_eq!(decoder.decode(EXPORTER, &v9_packet(1, &[v9_template()]), 1, &mut sink), 1);
    assert_eq!(sink.0[0].bytes, 50);
    assert_eq!(decoder.counters[0].get(9, Counter::SetsDecodedLate), 1);
    assert_eq!(decoder.counters[0].get(9, Counter::SetsWaiting), 0);
    assert_eq!(decoder.counters[0].errors(9, DecodeError::RecordCountMismatch), 0);
}

#[test]
fn a_set_length_past_the_end_stops_the_datagram() {
    let mut decoder = Decoder::new(settings());
    let mut packet = v9_packet(2, &[v9_template(), v9_data(50)]);
    let n = packet.len();
    packet.truncate(n - 2);
    assert_eq!(decoder.decode(EXPORTER, &packet, 0, &mut Collect::default()), 0);
    assert_eq!(decoder.counters[0].errors(9, DecodeError::SetLengthPastEnd), 1);
    assert_eq!(decoder.counters[0].errors(9, DecodeError::RecordCountMismatch), 1);
}

#[test]
fn every_prefix_of_a_valid_datagram_is_decoded_without_a_fault() {
    let packet = v9_packet(3, &[v9_template(), v9_data(1), v9_data(2)]);
    let mut decoder = Decoder::new(settings());
    for len in 0..=packet.len() {
        decoder.decode(EXPORTER, &packet[..len], 0, &mut Collect::default());
    }
    assert_eq!(decoder.counters[0].errors(9, DecodeError::DecoderFault), 0);
    assert_eq!(decoder.counters[0].errors(0, DecodeError::DatagramTooShort), 2);
}

#[test]
fn expired_templates_are_counted_and_idle_exporters_forgotten() {
    let mut decoder = Decoder::new(settings());
    decoder.decode(EXPORTER, &v9_packet(1, &[v9_template()]), 0, &mut Collect::default());
    decoder.expire(3_600_001);
    assert_eq!(decoder.counters[0].get(9, Counter::TemplatesExpired), 1);
    assert_eq!(decoder.exporter_count(), 0);
}

#[test]
fn longest_prefix_wins_and_families_stay_apart() {
    let mut rules = PrefixRules::new();
    rules.put(0, 0xFFFF_0A00_0000, 8, 1);
    rules.put(0, 0xFFFF_0A01_0000, 16, 2);
    assert_eq!(rules.lookup(0, 0xFFFF_0A01_0203), 2);
    assert_eq!(rules.lookup(0, 0xFFFF_0A02_0203), 1);
    assert_eq!(rules.lookup(0, 0xFFFF_0B02_0203), -1);
    assert_eq!(rules.lookup(0x2001_0db8 << 32, 1), -1);
}

#[test]
fn the_service_port_side_is_the_server() {
    let mut words = vec![0u64; 1024];
    words[443 >> 6] |= 1 << (443 & 63);
    let ports = ServicePorts::from_words(&words);
    assert!(!ports.first_is_server((0, 1), 40_000, (0, 2), 443));
    assert!(ports.first_is_server((0, 1), 443, (0, 2), 40_000));
    assert!(ports.first_is_server((0, 1), 5000, (0, 2), 6000));
    assert!(!ports.contains(-1));
}

#[test]
fn the_table_sums_per_key_grows_and_drains_in_chunks() {
    let mut table = AggregateTable::with_capacity(16);
    for i in 0..1000u64 {
        let key: [u64; KEY_WORDS] = [0, i % 100, 0, 0, 0, 0, 0, USED];
        table.add(&key, 1, 2);
    }
    assert_eq!(table.len(), 100);
    let mut out = vec![0u64; 7 * WORDS];
    let mut rows = 0;
    let mut tx = 0;
    loop {
        let n = table.drain_into(&mut out);
        if n == 0 {
            break;
        }
        rows += n;
        tx += (0..n).map(|r| out[r * WORDS + 8]).sum::<u64>();
    }
    assert_eq!((rows, tx), (100, 1000));
    assert_eq!(table.len(), 0);
}

#[test]
fn sums_saturate_like_the_java_twin() {
    assert_eq!(crate::table::saturating_add(i64::MAX, 1), i64::MAX);
    assert_eq!(crate::table::saturating_add(0, -5), i64::MAX);
    assert_eq!(crate::table::saturating_add(10, 5), 15);
}

#[test]
fn ntp_timestamps_convert_to_epoch_millis() {
    // 2024-01-01T00:00:00.5Z: NTP seconds 3_913_056_000, fraction one half.
    assert_eq!(ntp_to_epoch_ms((3_913_056_000i64 << 32) | 0x8000_0000), 1_704_067_200_500);
}

#[test]
fn v9_count_of_all_records_or_of_flow_records_only_is_accepted() {
    // Options template 257: scope system (1), then SAMPLING_INTERVAL (34); one options data record of it.
    let mut o = Vec::new();
    for v in [257u16, 4, 4, 1, 4, 34, 4] {
        be16(&mut o, v);
    }
    let mut od = Vec::new();
    be32(&mut od, 0);
    be32(&mut od, 1);
    let sets = [v9_template(), set(1, &o), set(257, &od), v9_data(50)];
    // RFC 3954 counts all 4 records; softflowd counts the 1 flow record; anything else is a mismatch.
    for (count, mismatches) in [(4, 0), (1, 0), (2, 1), (3, 1)] {
        let mut decoder = Decoder::new(settings());
        assert_eq!(decoder.decode(EXPORTER, &v9_packet(count, &sets), 0, &mut Collect::default()), 1);
        assert_eq!(decoder.counters[0].errors(9, DecodeError::RecordCountMismatch), mismatches, "count {count}");
    }
}

#[test]
fn icmp_type_and_code_are_the_destination_port_when_there_is_none() {
    // Template 258: IPv4 src, dst, IN_BYTES, ICMP_TYPE (32); template 259 adds L4_DST_PORT (11) and reads 139.
    let mut t = Vec::new();
    for v in [258u16, 4, 8, 4, 12, 4, 1, 4, 32, 2, 259, 5, 8, 4, 12, 4, 1, 4, 139, 2, 11, 2] {
        be16(&mut t, v);
    }
    let record = |with_port: bool| {
        let mut d = Vec::new();
        be32(&mut d, 0x0A00_0001);
        be32(&mut d, 0x0A00_0002);
        be32(&mut d, 84);
        be16(&mut d, 3 * 256 + 3); // destination unreachable, port unreachable
        if with_port {
            be16(&mut d, 53);
        }
        d
    };
    let sets = [set(0, &t), set(258, &record(false)), set(259, &record(true))];
    let mut decoder = Decoder::new(settings());
    let mut sink = Collect::default();
    assert_eq!(decoder.decode(EXPORTER, &v9_packet(4, &sets), 0, &mut sink), 2);
    assert_eq!((sink.0[0].dst_port, sink.0[1].dst_port), (771, 53));
}

#[test]
fn a_zero_absolute_end_time_counts_as_absent() {
    // Template 260: IPv4 src, dst, IN_BYTES, flowEndMilliseconds (153) filled with zeros.
    let mut t = Vec::new();
    for v in [260u16, 4, 8, 4, 12, 4, 1, 4, 153, 8] {
        be16(&mut t, v);
    }
    let mut d = Vec::new();
    be32(&mut d, 0x0A00_0001);
    be32(&mut d, 0x0A00_0002);
    be32(&mut d, 50);
    d.extend_from_slice(&[0; 8]);
    let mut sink = Collect::default();
    Decoder::new(settings()).decode(EXPORTER, &v9_packet(2, &[set(0, &t), set(260, &d)]), 0, &mut sink);
    assert_eq!(sink.0[0].end_ms, 1_700_000_000_000);
}

/// Decodes `records` with the template's direct plan and with the general decoder; both must give the same flows.
fn fast_and_general(version: u32, fields: &[(u32, u64, u32)], records: &[u8], domain: &mut DomainState) -> Vec<Flow> {
    let mut d = Definition::new(64);
    d.start(300, false, 0);
    for &(element, enterprise, length) in fields {
        d.add(element, enterprise, length);
    }
    let mut t = Template::compile(version, &d, 0);
    assert!(t.fast.is_some(), "expected a direct plan for {fields:?}");
    let cx = SetContext { version, export_ms: 1_735_689_600_000, uptime_ms: 86_400_000, apply_sampling: true };
    let mut decoder = RecordDecoder::new();
    let mut fast = Collect::default();
    let a = decoder.decode_set(&t, records, cx, domain, &mut fast);
    t.fast = None;
    let mut general = Collect::default();
    let b = decoder.decode_set(&t, records, cx, domain, &mut general);
    assert_eq!((a.records, a.flows), (b.records, b.flows));
    assert_eq!(fast.0, general.0);
    fast.0
}

#[test]
fn the_direct_plan_decodes_like_the_general_decoder() {
    // v9: addresses, ports, OUT_BYTES only, ICMP type instead of a destination port, uptime end, 3-byte counter.
    let v9 = [(8, 0, 4), (12, 0, 4), (7, 0, 2), (32, 0, 2), (23, 0, 3), (24, 0, 4), (21, 0, 4), (4, 0, 1)];
    let mut records = Vec::new();
    for i in 0..7u32 {
        records.extend_from_slice(&(0x0A01_0000 + i).to_be_bytes());
        records.extend_from_slice(&0xC000_0201u32.to_be_bytes());
        records.extend_from_slice(&(40_000u16 + i as u16).to_be_bytes());
        records.extend_from_slice(&0x0800u16.to_be_bytes());
        records.extend_from_slice(&(1000 * i + 7).to_be_bytes()[1..]);
        records.extend_from_slice(&3u32.to_be_bytes());
        records.extend_from_slice(&(86_000_000 + i).to_be_bytes());
        records.push(1);
    }
    let mut domain = DomainState::default();
    domain.learn_rate(false, 0, 10.0);
    let flows = fast_and_general(9, &v9, &records, &mut domain);
    assert_eq!(flows.len(), 7);
    assert_eq!(flows[1].bytes, 10_070);
    assert_eq!(flows[0].dst_port, 0x0800);

    // IPFIX: seconds and milliseconds end times (zero means absent), biflow reverse octets, system init time.
    let ipfix = [(8, 0, 4), (12, 0, 4), (7, 0, 2), (11, 0, 2), (1, 0, 8), (153, 0, 8), (151, 0, 4), (1, 29305, 4),
        (21, 0, 4)];
    let mut records = Vec::new();
    for i in 0..6u64 {
        records.extend_from_slice(&(0xAC10_0000u32 + i as u32).to_be_bytes());
        records.extend_from_slice(&0xC000_0202u32.to_be_bytes());
        records.extend_from_slice(&443u16.to_be_bytes());
        records.extend_from_slice(&(50_000u16).to_be_bytes());
        records.extend_from_slice(&(i * 100).to_be_bytes());
        // Milliseconds only on even records, seconds only on every third: the rest fall back to uptime.
        let ms = if i % 2 == 0 { 1_735_689_000_000 + i } else { 0 };
        records.extend_from_slice(&ms.to_be_bytes());
        let seconds = if i % 3 == 0 { 1_735_689_001u32 } else { 0 };
        records.extend_from_slice(&seconds.to_be_bytes());
        records.extend_from_slice(&(i as u32 * 7).to_be_bytes());
        records.extend_from_slice(&(5_000 + i as u32).to_be_bytes());
    }
    // Two bytes of set padding: shorter than a record, so not one.
    records.extend_from_slice(&[0, 0]);
    let mut domain = DomainState::default();
    fast_and_general(10, &ipfix, &records, &mut domain);
    domain.system_init_ms = 1_735_689_590_000;
    let flows = fast_and_general(10, &ipfix, &records, &mut domain);
    assert_eq!(flows.len(), 6);
    assert_eq!(flows[3].reverse_bytes, 21);
}

/// Records of the given fields from a small deterministic generator; end time fields are zero in every third record.
fn generated_records(fields: &[(u32, u64, u32)], count: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    let mut out = Vec::new();
    for i in 0..count {
        for &(element, _, length) in fields {
            let zero = matches!(element, 151 | 153 | 21) && i % 3 == 0;
            for _ in 0..length {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                out.push(if zero { 0 } else { (x >> 56) as u8 });
            }
        }
    }
    out
}

#[test]
fn every_direct_plan_shape_decodes_like_the_general_decoder() {
    let ends: [&[(u32, u64, u32)]; 6] =
        [&[(153, 0, 8)], &[(151, 0, 4)], &[(21, 0, 4)], &[], &[(153, 0, 8), (21, 0, 4)], &[(151, 0, 4), (153, 0, 6)]];
    let mut shapes = 0;
    for version in [9, 10] {
        for end in ends {
            for reverse in [false, true] {
                for (counter, port) in [((1, 0, 4), (11, 0, 2)), ((23, 0, 8), (32, 0, 2)), ((2, 0, 8), (4, 0, 1))] {
                    let mut fields = vec![(8, 0, 4), (7, 0, 2), port, (12, 0, 4), counter];
                    fields.extend_from_slice(end);
                    if reverse {
                        fields.push((1, 29305, 3));
                    }
                    for (seed, padding) in [(1, 0), (2, 3)] {
                        let mut records = generated_records(&fields, 7, seed);
                        records.extend(std::iter::repeat(0).take(padding));
                        for (rate, init) in [(0.0, -1), (10.0, 1_735_689_590_000), (3.0, 1_900_000_000_000)] {
                            let mut domain = DomainState::default();
                            if rate != 0.0 {
                                domain.learn_rate(false, 0, rate);
                            }
                            domain.system_init_ms = init;
                            assert_eq!(fast_and_general(version, &fields, &records, &mut domain).len(), 7);
                        }
                    }
                    shapes += 1;
                }
            }
        }
    }
    assert_eq!(shapes, 72);
}

#[test]
fn templates_with_sampling_ipv6_or_options_take_the_general_decoder() {
    for fields in [
        vec![(8, 0, 4), (12, 0, 4), (34, 0, 4)],
        vec![(27, 0, 16), (28, 0, 16), (1, 0, 8)],
        vec![(8, 0, 4), (1, 0, 8)],
        vec![(8, 0, 4), (12, 0, 4), (1, 0, 8), (1, 0, 4)],
        vec![(8, 0, 4), (12, 0, 4), (156, 0, 8)],
    ] {
        let mut d = Definition::new(64);
        d.start(300, false, 0);
        for (element, enterprise, length) in fields {
            d.add(element, enterprise, length);
        }
        assert!(Template::compile(10, &d, 0).fast.is_none());
    }
}

#[test]
fn buffered_adds_leave_the_table_as_direct_adds_do() {
    let mut direct = AggregateTable::with_capacity(16);
    let mut buffered = AggregateTable::with_capacity(16);
    let mut buffer = AddBuffer::new();
    for i in 0..5_000u64 {
        let key = [0, i % 700, 0, i % 13, 0, 9, 482_136, USED | (i % 3)];
        direct.add(&key, i as i64, 1);
        buffer.push(&mut buffered, &key, i as i64, 1);
        if i % 97 == 0 {
            buffer.flush(&mut buffered);
        }
    }
    buffer.flush(&mut buffered);
    assert_eq!(direct.len(), buffered.len());
    let mut a = vec![0u64; direct.len() * WORDS];
    let mut b = vec![0u64; buffered.len() * WORDS];
    assert_eq!(direct.drain_into(&mut a), buffered.drain_into(&mut b));
    assert_eq!(a, b);
}

/// Options template 257: scope System (1, 4 bytes), SAMPLING_INTERVAL (34, 4 bytes).
fn v9_sampling_options_template() -> Vec<u8> {
    let mut t = Vec::new();
    for v in [257u16, 4, 4, 1, 4, 34, 4] {
        be16(&mut t, v);
    }
    set(1, &t)
}

#[test]
fn a_rate_announced_mid_datagram_applies_to_the_direct_plan_sets_after_it() {
    let mut decoder = Decoder::new(settings());
    let mut sink = Collect::default();
    decoder.decode(EXPORTER, &v9_packet(2, &[v9_template(), v9_sampling_options_template()]), 0, &mut sink);
    let mut options = Vec::new();
    be32(&mut options, 0);
    be32(&mut options, 10);
    let datagram = v9_packet(3, &[v9_data(50), set(257, &options), v9_data(50)]);
    assert_eq!(decoder.decode(EXPORTER, &datagram, 1, &mut sink), 2);
    assert_eq!(sink.0.iter().map(|f| f.bytes).collect::<Vec<_>>(), vec![50, 500]);
    assert_eq!(decoder.counters[0].errors(9, DecodeError::RecordCountMismatch), 0);
}

#[test]
fn the_key_hash_is_the_java_twins_serial_chain() {
    // AggregateTable.hash in Java: h = (rotl(h, 5) ^ w) * K over the eight words from h = 0, then h ^ (h >>> 29).
    let k: u64 = 0x9E37_79B9_7F4A_7C15;
    for key in [[0u64; KEY_WORDS], [1, 2, 3, 4, 5, 6, 7, USED | 5], [u64::MAX; KEY_WORDS]] {
        let mut h = 0u64;
        for w in key {
            h = (h.rotate_left(5) ^ w).wrapping_mul(k);
        }
        assert_eq!(hash(&key), h ^ (h >> 29));
    }
}

/// An IPFIX message of these sets, observation domain 3, exported at 1 700 000 000 s.
fn ipfix_message(sets: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = sets.concat();
    let mut b = Vec::new();
    be16(&mut b, 10);
    be16(&mut b, (16 + body.len()) as u16);
    be32(&mut b, 1_700_000_000);
    be32(&mut b, 1); // sequence
    be32(&mut b, 3); // observation domain
    b.extend_from_slice(&body);
    b
}

/// An IPFIX template set of (template id, [(element, length)]); an empty field list withdraws.
fn ipfix_templates(templates: &[(u16, &[(u16, u16)])]) -> Vec<u8> {
    let mut t = Vec::new();
    for &(id, fields) in templates {
        be16(&mut t, id);
        be16(&mut t, fields.len() as u16);
        for &(element, length) in fields {
            be16(&mut t, element);
            be16(&mut t, length);
        }
    }
    set(2, &t)
}

/// A 16-byte record: two addresses, then the byte count in 8 bytes.
fn ipfix_record(first: u32, second: u32, bytes: u64) -> Vec<u8> {
    let mut d = Vec::new();
    be32(&mut d, first);
    be32(&mut d, second);
    d.extend_from_slice(&bytes.to_be_bytes());
    d
}

#[test]
fn remembered_templates_follow_redefinition_withdrawal_and_expiry() {
    const SRC_DST: &[(u16, u16)] = &[(8, 4), (12, 4), (1, 8)];
    const DST_SRC: &[(u16, u16)] = &[(12, 4), (8, 4), (1, 8)];
    let (a, b) = (0x0A00_0001, 0x0A00_0002);
    let mut decoder = Decoder::new(settings());
    let mut sink = Collect::default();
    let message = ipfix_message(&[
        ipfix_templates(&[(256, SRC_DST), (257, DST_SRC)]),
        set(256, &ipfix_record(a, b, 1)),
        set(257, &ipfix_record(a, b, 2)),
        set(256, &ipfix_record(a, b, 3)),
        // Redefined mid-message: the next set of 256 reads the new layout.
        ipfix_templates(&[(256, DST_SRC)]),
        set(256, &ipfix_record(a, b, 4)),
        // Withdrawn one, then all: their data waits again.
        ipfix_templates(&[(257, &[])]),
        set(257, &ipfix_record(a, b, 5)),
        ipfix_templates(&[(2, &[])]),
        set(256, &ipfix_record(a, b, 6)),
    ]);
    assert_eq!(decoder.decode(EXPORTER, &message, 0, &mut sink), 4);
    let got: Vec<(u64, u64, i64)> =
        sink.0.iter().map(|f| (f.src_low & 0xFFFF_FFFF, f.dst_low & 0xFFFF_FFFF, f.bytes)).collect();
    assert_eq!(got, [(a, b, 1), (b, a, 2), (a, b, 3), (b, a, 4)].map(|(s, d, n)| (s as u64, d as u64, n)));
    let c = &decoder.counters[0];
    assert_eq!(c.get(10, Counter::TemplatesWithdrawn), 2);
    assert_eq!(c.get(10, Counter::SetsWaiting), 2);

    // Defined again, used (and so remembered), then found expired: dropped and counted, its data waits.
    let lifetime = settings().template_lifetime_ms;
    let mut sink = Collect::default();
    let define = ipfix_message(&[ipfix_templates(&[(258, SRC_DST)]), set(258, &ipfix_record(a, b, 7))]);
    assert_eq!(decoder.decode(EXPORTER, &define, 1_000, &mut sink), 1);
    let late = ipfix_message(&[set(258, &ipfix_record(a, b, 8))]);
    assert_eq!(decoder.decode(EXPORTER, &late, 1_000 + lifetime + 1, &mut sink), 0);
    let c = &decoder.counters[0];
    assert_eq!(c.get(10, Counter::TemplatesExpired), 1);
    // The two sets of the first message have waited too long by now.
    assert_eq!(c.errors(10, DecodeError::PendingExpired), 2);
    assert_eq!(c.get(10, Counter::SetsWaiting), 1);
    // Sent again: the waiting set is decoded with it.
    let again = ipfix_message(&[ipfix_templates(&[(258, DST_SRC)])]);
    assert_eq!(decoder.decode(EXPORTER, &again, 2_000 + lifetime, &mut sink), 1);
    assert_eq!(sink.0.iter().map(|f| f.bytes).collect::<Vec<_>>(), [7, 8]);
    assert_eq!(decoder.counters[0].get(10, Counter::SetsDecodedLate), 1);
}

#[test]
fn the_ipv4_hash_from_the_datagram_state_is_the_key_hash() {
    use crate::table::{hash_v4, v4_state};
    for (vpc, client, server, hour, flags) in [
        ((0u64, 7u64), 3u64, 0xFFFF_0A00_0001u64, 482_136u64, USED | 3),
        ((0, 0xFFFF_C633_6401), 0xFFFF_AC10_0001, 9, 0, USED),
        ((u64::MAX, 1), u64::MAX, u64::MAX, u64::MAX, u64::MAX),
    ] {
        let key = [vpc.0, vpc.1, 0, client, 0, server, hour, flags];
        assert_eq!(hash_v4(v4_state(vpc.0, vpc.1), client, server, hour, flags), hash(&key));
    }
}
