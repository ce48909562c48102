//! Templates: field roles, the definition read from the wire, and the compiled plan for data records.

/// RFC 7011 §7: the field length that announces a variable-length field.
pub const VARIABLE_LENGTH: u32 = 65535;
/// RFC 5103 §6.1: the private enterprise number of reverse information elements.
pub const REVERSE_PEN: u64 = 29305;

/// What the decoder does with a field; the discriminant is its bit in `RecordFields::present`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    SourceIpv4 = 0,
    DestinationIpv4,
    SourceIpv6,
    DestinationIpv6,
    SourcePort,
    DestinationPort,
    /// ICMP type · 256 + code; reported as the destination port when the record has none, as v5 does.
    IcmpTypeCode,
    Protocol,
    Octets,
    Packets,
    OutOctets,
    OutPackets,
    ReverseOctets,
    ReversePackets,
    EndSysUpTime,
    EndSeconds,
    EndMilliseconds,
    EndMicroseconds,
    EndNanoseconds,
    EndDeltaMicroseconds,
    SystemInitMilliseconds,
    SamplerId,
    SamplingInterval,
    SamplerRandomInterval,
    SamplingPacketInterval,
    SamplingPacketSpace,
}

pub const ROLES: usize = 26;

impl Role {
    #[inline]
    pub fn bit(self) -> u32 {
        1 << self as u32
    }

    /// The role of a field, or None when the decoder skips it; v9 scope fields use their own numbering.
    pub fn of(version: u32, scope: bool, enterprise: u64, element: u32) -> Option<Role> {
        if version == 9 && scope {
            return None;
        }
        if enterprise == REVERSE_PEN {
            return match element {
                1 => Some(Role::ReverseOctets),
                2 => Some(Role::ReversePackets),
                _ => None,
            };
        }
        if enterprise != 0 {
            return None;
        }
        Some(match element {
            8 => Role::SourceIpv4,
            12 => Role::DestinationIpv4,
            27 => Role::SourceIpv6,
            28 => Role::DestinationIpv6,
            7 => Role::SourcePort,
            11 => Role::DestinationPort,
            // v9 ICMP_TYPE (IPv4) and IPFIX icmpTypeCodeIPv6: type · 256 + code.
            32 | 139 => Role::IcmpTypeCode,
            4 => Role::Protocol,
            1 => Role::Octets,
            2 => Role::Packets,
            // RFC 3954 §8: OUT_BYTES/OUT_PKTS; in IPFIX 23/24 are post-processing counts.
            23 if version == 9 => Role::OutOctets,
            24 if version == 9 => Role::OutPackets,
            21 => Role::EndSysUpTime,
            151 => Role::EndSeconds,
            153 => Role::EndMilliseconds,
            155 => Role::EndMicroseconds,
            156 => Role::EndNanoseconds,
            159 => Role::EndDeltaMicroseconds,
            160 => Role::SystemInitMilliseconds,
            48 | 302 => Role::SamplerId,
            34 => Role::SamplingInterval,
            50 => Role::SamplerRandomInterval,
            305 => Role::SamplingPacketInterval,
            306 => Role::SamplingPacketSpace,
            _ => return None,
        })
    }

    /// Whether a field of this length can be read for this role.
    pub fn accepts(self, length: u32) -> bool {
        match self {
            Role::SourceIpv4 | Role::DestinationIpv4 => length == 4,
            Role::SourceIpv6 | Role::DestinationIpv6 => length == 16,
            // RFC 7011 §6.1.9-10: NTP timestamps are always 64 bits.
            Role::EndMicroseconds | Role::EndNanoseconds => length == 8,
            _ => (1..=8).contains(&length),
        }
    }
}

/// Why a template cannot be used.
pub use crate::counters::DecodeError;

/// A template record as read from the wire, reused between records.
pub struct Definition {
    pub template_id: u32,
    pub options: bool,
    pub scope_count: u32,
    pub element_ids: Vec<u32>,
    pub enterprises: Vec<u64>,
    pub lengths: Vec<u32>,
    pub capacity: usize,
}

impl Definition {
    pub fn new(capacity: usize) -> Self {
        Definition {
            template_id: 0,
            options: false,
            scope_count: 0,
            element_ids: Vec::with_capacity(capacity.min(4096)),
            enterprises: Vec::with_capacity(capacity.min(4096)),
            lengths: Vec::with_capacity(capacity.min(4096)),
            capacity,
        }
    }

    pub fn start(&mut self, template_id: u32, options: bool, scope_count: u32) {
        self.template_id = template_id;
        self.options = options;
        self.scope_count = scope_count;
        self.element_ids.clear();
        self.enterprises.clear();
        self.lengths.clear();
    }

    pub fn add(&mut self, element: u32, enterprise: u64, length: u32) {
        self.element_ids.push(element);
        self.enterprises.push(enterprise);
        self.lengths.push(length);
    }

    pub fn field_count(&self) -> usize {
        self.lengths.len()
    }

    /// RFC 7011 §3.4, RFC 3954 §5.2, §6.1: why this template cannot be used, or None.
    pub fn problem(&self, version: u32, max_record_length: u32) -> Option<DecodeError> {
        let n = self.field_count();
        if n == 0 {
            return Some(DecodeError::TemplateNoFields);
        }
        if self.options && (self.scope_count as usize > n || (version == 10 && self.scope_count == 0)) {
            return Some(DecodeError::TemplateScopeInvalid);
        }
        let mut min: u64 = 0;
        for &length in &self.lengths {
            if length == 0 || (length == VARIABLE_LENGTH && version != 10) {
                return Some(DecodeError::TemplateFieldLengthInvalid);
            }
            min += if length == VARIABLE_LENGTH { 1 } else { length as u64 };
        }
        if min > max_record_length as u64 {
            Some(DecodeError::TemplateRecordTooLong)
        } else {
            None
        }
    }
}

/// One field the decoder reads: its index, offset (fixed-length templates), length and role.
#[derive(Clone, Copy)]
pub struct Slot {
    pub field: u32,
    pub offset: u32,
    pub length: u32,
    pub role: Role,
}

/// A template compiled once into a plan for its data records.
pub struct Template {
    pub options: bool,
    pub scope_count: u32,
    pub element_ids: Box<[u32]>,
    pub enterprises: Box<[u64]>,
    pub lengths: Box<[u32]>,
    pub variable: bool,
    /// The record length of a fixed-length template; the shortest possible record otherwise.
    pub record_length: usize,
    pub slots: Box<[Slot]>,
    pub unsupported: u32,
    pub last_seen: i64,
    /// The direct plan of a common IPv4 flow template, when this template is one.
    pub fast: Option<FastPlan>,
}

/// A field of a fixed-length record, read as one 8-byte big-endian load at `at`, shifted right and masked: a field
/// that has 8 bytes of record from its start is loaded from there and shifted down; one nearer the end is loaded
/// from 8 bytes before its end and masked. An absent field has mask 0 and reads as 0.
#[derive(Clone, Copy, Default)]
pub struct Field {
    pub at: u32,
    pub shift: u32,
    pub mask: u64,
}

impl Field {
    /// Needs `record_length >= FAST_MIN_RECORD`, so that either window lies inside the record.
    fn of(offset: u32, length: u32, record_length: usize) -> Field {
        let mask = if length == 8 { u64::MAX } else { (1u64 << (8 * length)) - 1 };
        if offset as usize + 8 <= record_length {
            Field { at: offset, shift: 8 * (8 - length), mask }
        } else {
            Field { at: offset + length - 8, shift: 0, mask }
        }
    }

    #[inline(always)]
    pub fn present(self) -> bool {
        self.mask != 0
    }

    /// The field's value as the general decoder's `unsigned_at` gives it; 0 when absent.
    ///
    /// `record` must be a whole record of the template the field was made for (`decode_fast` passes exactly those):
    /// `Field::of` places every window, an absent field's at 0 too, inside `FAST_MIN_RECORD <= record_length`, so
    /// the load needs no bounds check, which cost about a fifth of a record's instructions.
    #[inline(always)]
    pub fn read(self, record: &[u8]) -> i64 {
        let at = self.at as usize;
        debug_assert!(at + 8 <= record.len());
        // SAFETY: at + 8 <= record.len() by the invariant above; the read is unaligned-safe.
        let word = unsafe { std::ptr::read_unaligned(record.as_ptr().add(at) as *const u64) };
        ((u64::from_be(word) >> self.shift) & self.mask) as i64
    }
}

/// Records shorter than this take the general decoder (every flow template with addresses and counters is longer).
pub const FAST_MIN_RECORD: usize = 16;

/// Where the fields a flow needs sit in a fixed-length IPv4 flow record whose template has no sampling, options,
/// IPv6, sub-second NTP or delta time fields: the records can then be read straight from these offsets, with the
/// same results as the general decoder's role-by-role reading.
#[derive(Clone, Copy, Default)]
pub struct FastPlan {
    /// The record length the fields were placed for; `decode_fast` reads only records of exactly this length.
    pub record_length: usize,
    pub src: Field,
    pub dst: Field,
    pub src_port: Field,
    pub reverse: Field,
    pub end_ms: Field,
    pub end_seconds: Field,
    pub end_uptime: Field,
    /// The counter the flow's bytes come from: octets, else v9 OUT_BYTES (RFC 3954 §8), else none (reads 0).
    pub bytes: Field,
    /// The destination port, else the ICMP type and code (see `Role::IcmpTypeCode`), else none (reads 0).
    pub dport: Field,
    /// Which end time fields the template has, so that the record loop can be specialised to them.
    pub end: EndFields,
}

/// The end time fields of a direct plan: one of them alone, or any other combination (including none).
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub enum EndFields {
    Milliseconds,
    Seconds,
    SysUpTime,
    #[default]
    Other,
}

impl FastPlan {
    /// The plan for these slots, or None when a slot's role needs the general decoder.
    fn of(options: bool, variable: bool, record_length: usize, slots: &[Slot]) -> Option<FastPlan> {
        if options || variable || record_length < FAST_MIN_RECORD {
            return None;
        }
        let mut plan = FastPlan { record_length, ..FastPlan::default() };
        // Read only to choose `bytes` and `dport` below.
        let (mut dst_port, mut icmp, mut octets, mut out_octets) = Default::default();
        let mut seen = 0u32;
        for s in slots {
            if seen & s.role.bit() != 0 {
                return None; // a repeated role: the general decoder keeps the last one
            }
            seen |= s.role.bit();
            if s.length > 8 {
                return None; // IPv6 addresses
            }
            let f = Field::of(s.offset, s.length, record_length);
            match s.role {
                Role::SourceIpv4 => plan.src = f,
                Role::DestinationIpv4 => plan.dst = f,
                Role::SourcePort => plan.src_port = f,
                Role::DestinationPort => dst_port = f,
                Role::IcmpTypeCode => icmp = f,
                Role::Octets => octets = f,
                Role::OutOctets => out_octets = f,
                Role::ReverseOctets => plan.reverse = f,
                Role::EndMilliseconds => plan.end_ms = f,
                Role::EndSeconds => plan.end_seconds = f,
                Role::EndSysUpTime => plan.end_uptime = f,
                Role::Protocol | Role::Packets | Role::OutPackets | Role::ReversePackets => {}
                _ => return None,
            }
        }
        if !(plan.src.present() && plan.dst.present()) {
            return None;
        }
        plan.bytes = if octets.present() { octets } else { out_octets };
        plan.dport = if dst_port.present() { dst_port } else { icmp };
        plan.end = match (plan.end_ms.present(), plan.end_seconds.present(), plan.end_uptime.present()) {
            (true, false, false) => EndFields::Milliseconds,
            (false, true, false) => EndFields::Seconds,
            (false, false, true) => EndFields::SysUpTime,
            _ => EndFields::Other,
        };
        Some(plan)
    }
}

impl Template {
    pub fn compile(version: u32, d: &Definition, now: i64) -> Template {
        let mut slots = Vec::with_capacity(d.field_count());
        let mut unsupported = 0;
        let mut offset: usize = 0;
        let mut variable = false;
        for i in 0..d.field_count() {
            let length = d.lengths[i];
            let is_variable = length == VARIABLE_LENGTH;
            let role = Role::of(version, d.options && (i as u32) < d.scope_count, d.enterprises[i], d.element_ids[i]);
            if let Some(role) = role {
                if is_variable || !role.accepts(length) {
                    unsupported += 1;
                } else {
                    slots.push(Slot {
                        field: i as u32,
                        offset: if variable { u32::MAX } else { offset as u32 },
                        length,
                        role,
                    });
                }
            }
            variable |= is_variable;
            offset += if is_variable { 1 } else { length as usize };
        }
        Template {
            options: d.options,
            scope_count: d.scope_count,
            element_ids: d.element_ids.clone().into_boxed_slice(),
            enterprises: d.enterprises.clone().into_boxed_slice(),
            lengths: d.lengths.clone().into_boxed_slice(),
            variable,
            record_length: offset,
            fast: FastPlan::of(d.options, variable, offset, &slots),
            slots: slots.into_boxed_slice(),
            unsupported,
            last_seen: now,
        }
    }

    /// True when the definition is this template sent again (a refresh).
    pub fn same_as(&self, d: &Definition) -> bool {
        d.options == self.options
            && d.scope_count == self.scope_count
            && d.element_ids[..] == self.element_ids[..]
            && d.enterprises[..] == self.enterprises[..]
            && d.lengths[..] == self.lengths[..]
    }

    pub fn field_count(&self) -> usize {
        self.lengths.len()
    }
}
