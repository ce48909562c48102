//! NetFlow v9 (RFC 3954) and IPFIX (RFC 7011): headers, sets, templates, withdrawals, and data waiting for templates.

use crate::counters::{Counter, DecodeError, ExporterCounters};
use crate::records::{decode_fast_set, FlowSink, RecordDecoder, SetContext};
use crate::state::{template_key, ExporterState, PendingSet, Settings};
use crate::template::{Definition, Template};
use crate::wire::{is_padding, u16_at, u32_at};

pub const V9_HEADER: usize = 20;
pub const IPFIX_HEADER: usize = 16;
const SET_HEADER: usize = 4;

/// The decoder's reusable parts, borrowed for one datagram.
pub struct Scratch {
    pub definition: Definition,
    pub records: RecordDecoder,
    pub late: Vec<PendingSet>,
}

/// The context of the datagram being decoded.
pub struct Datagram<'a, S: FlowSink> {
    pub version: u32,
    pub domain_id: u64,
    pub now: i64,
    pub export_ms: i64,
    pub uptime_ms: i64,
    pub state: &'a mut ExporterState,
    pub counters: &'a mut ExporterCounters,
    pub settings: &'a Settings,
    pub scratch: &'a mut Scratch,
    pub sink: &'a mut S,
    /// Records in this datagram, templates included (RFC 3954 §5.1 count); late ones are not.
    pub records_seen: i64,
    /// Template, options template and options data records among `records_seen`.
    pub non_flow_records_seen: i64,
    pub template_missing: bool,
    pub flows: i64,
    /// The datagram's domain's announced rate and boot time as the last set through the general decoder left them
    /// (only options records change them, and those always take the general decoder); None before such a set.
    pub fast_domain: Option<(f64, i64)>,
}

impl<'a, S: FlowSink> Datagram<'a, S> {
    fn template_set_id(&self) -> u32 {
        if self.version == 9 { 0 } else { 2 }
    }

    fn max_record_length(&self) -> u32 {
        let header = if self.version == 9 { V9_HEADER } else { IPFIX_HEADER };
        (65535 - header - SET_HEADER) as u32
    }

    fn error(&mut self, e: DecodeError) {
        self.counters.error(self.version, e);
    }

    /// RFC 3954 §5.1: decodes one v9 export packet; returns the flows delivered.
    pub fn decode_v9(&mut self, b: &[u8]) -> i64 {
        if b.len() < V9_HEADER {
            self.error(DecodeError::DatagramTooShort);
            return 0;
        }
        let count = u16_at(b, 2) as i64;
        self.uptime_ms = u32_at(b, 4) as i64;
        self.export_ms = u32_at(b, 8) as i64 * 1000;
        self.domain_id = u32_at(b, 16);
        self.decode_sets(b, V9_HEADER, b.len());
        // Records of sets still waiting for their template cannot be counted yet. RFC 3954 §5.1 counts template records
        // too, but softflowd counts flow records only; either reading is accepted.
        let flow_records = self.records_seen - self.non_flow_records_seen;
        if !self.template_missing && self.records_seen != count && flow_records != count {
            self.error(DecodeError::RecordCountMismatch);
        }
        self.flows
    }

    /// RFC 7011 §3.1: decodes one IPFIX message; returns the flows delivered.
    pub fn decode_ipfix(&mut self, b: &[u8]) -> i64 {
        if b.len() < IPFIX_HEADER {
            self.error(DecodeError::DatagramTooShort);
            return 0;
        }
        let message_length = u16_at(b, 2) as usize;
        self.export_ms = u32_at(b, 4) as i64 * 1000;
        self.domain_id = u32_at(b, 12);
        self.uptime_ms = 0;
        let mut end = b.len();
        if message_length > b.len() {
            self.error(DecodeError::DatagramTruncated);
        } else if message_length < b.len() {
            self.error(DecodeError::MessageLengthMismatch);
            // RFC 7011 §3.1: the message is the length its header says.
            end = message_length.max(IPFIX_HEADER);
        }
        self.decode_sets(b, IPFIX_HEADER, end);
        self.flows
    }

    /// RFC 7011 §3.3.2 / RFC 3954 §5.2: walks the sets; fewer than 4 trailing bytes are padding.
    fn decode_sets(&mut self, b: &[u8], mut p: usize, end: usize) {
        while end - p >= SET_HEADER {
            let set_id = u16_at(b, p);
            let set_length = u16_at(b, p + 2) as usize;
            if set_length < SET_HEADER {
                self.error(DecodeError::SetLengthTooShort);
                return;
            }
            if set_length > end - p {
                self.error(DecodeError::SetLengthPastEnd);
                return;
            }
            let body = p + SET_HEADER;
            let set_end = p + set_length;
            if set_id >= 256 {
                self.decode_data_set(set_id, &b[body..set_end]);
            } else if set_id == self.template_set_id() {
                self.read_template_set(b, body, set_end, false);
            } else if set_id == self.template_set_id() + 1 {
                self.read_template_set(b, body, set_end, true);
            } else {
                self.error(DecodeError::ReservedSetId);
            }
            p = set_end;
        }
    }

    fn read_template_set(&mut self, b: &[u8], p: usize, end: usize, options: bool) {
        match (self.version, options) {
            (9, false) => self.read_v9_templates(b, p, end),
            (9, true) => self.read_v9_options_templates(b, p, end),
            _ => self.read_ipfix_templates(b, p, end, options),
        }
    }

    fn decode_data_set(&mut self, template_id: u32, body: &[u8]) {
        let key = template_key(self.version, self.domain_id, template_id);
        let (export_ms, uptime_ms) = (self.export_ms, self.uptime_ms);
        // One template lookup both checks liveness and decodes (this runs once per data set).
        if !self.decode_records(key, body, export_ms, uptime_ms, true) {
            self.template_missing = true;
            if !body.is_empty() {
                let set = PendingSet {
                    version: self.version,
                    domain: self.domain_id,
                    template_id,
                    received_at: self.now,
                    export_ms: self.export_ms,
                    uptime_ms: self.uptime_ms,
                    records: body.to_vec(),
                };
                self.state.pending.offer(set, self.settings, self.counters);
            }
        }
    }

    /// Decodes a set whose template is there; false when it is missing, or when `on_time` (not a set that waited)
    /// and the template has expired (it is then dropped and counted). Only on-time sets count towards the datagram's
    /// record count.
    fn decode_records(&mut self, key: u64, body: &[u8], export_ms: i64, uptime_ms: i64, on_time: bool) -> bool {
        let ExporterState { templates, domains, .. } = &mut *self.state;
        let Some(t) = templates.get(key) else {
            return false;
        };
        if on_time && self.now.wrapping_sub(t.last_seen) > self.settings.template_lifetime_ms {
            templates.drop_expired(key, self.counters);
            return false;
        }
        let cx = SetContext { version: self.version, export_ms, uptime_ms, apply_sampling: self.settings.apply_sampling };
        let out = match (&t.fast, self.fast_domain) {
            // Saves the domain lookup, about a tenth of a small set's work.
            (Some(plan), Some((rate, init))) => decode_fast_set(plan, body, cx, rate, init, self.sink),
            _ => {
                let domain = domains.entry((self.version as u64) << 32 | self.domain_id).or_default();
                let out = self.scratch.records.decode_set(t, body, cx, domain, self.sink);
                // Read after the set: options records (only those) may just have changed the rate or boot time.
                self.fast_domain = Some((domain.default_rate, domain.system_init_ms));
                out
            }
        };
        self.flows += out.flows;
        self.counters.add(self.version, Counter::Flows, out.flows);
        self.counters.add(self.version, Counter::OptionsRecords, out.options);
        if out.truncated {
            self.error(DecodeError::RecordTruncated);
        }
        if on_time {
            self.records_seen += out.records as i64;
            self.non_flow_records_seen += out.options;
        }
        true
    }

    /// Stores the template in the definition, refreshing it when unchanged, then decodes data that waited for it.
    fn define_template(&mut self) {
        if let Some(problem) = self.scratch.definition.problem(self.version, self.max_record_length()) {
            self.error(problem);
            return;
        }
        let template_id = self.scratch.definition.template_id;
        let key = template_key(self.version, self.domain_id, template_id);
        let refreshed = match self.state.templates.get_mut(key) {
            Some(t) if t.same_as(&self.scratch.definition) => {
                t.last_seen = self.now;
                true
            }
            _ => false,
        };
        if !refreshed {
            let template = Template::compile(self.version, &self.scratch.definition, self.now);
            let unsupported = template.unsupported;
            if !self.state.templates.store(key, template, self.settings.max_templates) {
                self.error(DecodeError::TemplateLimitReached);
                return;
            }
            if unsupported > 0 {
                self.error(DecodeError::FieldLengthUnsupported);
            }
        }
        self.counters.add(self.version, Counter::Templates, 1);
        if !self.state.pending.queue.is_empty() {
            self.decode_waiting_sets(key, template_id);
        }
    }

    fn decode_waiting_sets(&mut self, key: u64, template_id: u32) {
        let mut late = std::mem::take(&mut self.scratch.late);
        self.state.pending.take_matching(self.version, self.domain_id, template_id, self.now, self.settings,
            self.counters, &mut late);
        for set in late.drain(..) {
            self.decode_records(key, &set.records, set.export_ms, set.uptime_ms, false);
        }
        self.scratch.late = late;
    }

    /// RFC 7011 §8.1: withdraws one template, or with the set's own id as template id, all of that kind.
    fn withdraw(&mut self, template_id: u32, options: bool) {
        let removed = if template_id == self.template_set_id() + options as u32 {
            self.state.templates.withdraw_all(self.version, self.domain_id, options)
        } else if template_id >= 256 {
            let key = template_key(self.version, self.domain_id, template_id);
            self.state.templates.remove(key) as i64
        } else {
            self.error(DecodeError::TemplateIdReserved);
            return;
        };
        self.counters.add(self.version, Counter::TemplatesWithdrawn, removed);
    }

    /// RFC 3954 §5.2: template id, field count, then (type, length) pairs.
    fn read_v9_templates(&mut self, b: &[u8], mut p: usize, end: usize) {
        while end - p >= 4 && !is_padding(&b[p..end]) {
            let template_id = u16_at(b, p);
            let field_count = u16_at(b, p + 2) as usize;
            self.records_seen += 1;
            self.non_flow_records_seen += 1;
            if template_id < 256 {
                self.error(DecodeError::TemplateIdReserved);
                return;
            }
            let fields_start = p + 4;
            if end - fields_start < 4 * field_count {
                self.error(DecodeError::TemplateTruncated);
                return;
            }
            p = fields_start + 4 * field_count;
            self.read_v9_fields(b, template_id, false, 0, fields_start, field_count);
        }
    }

    /// RFC 3954 §6.1: template id, scope and option lengths in bytes, scope fields, option fields.
    fn read_v9_options_templates(&mut self, b: &[u8], mut p: usize, end: usize) {
        while end - p >= 6 && !is_padding(&b[p..end]) {
            let template_id = u16_at(b, p);
            let scope_length = u16_at(b, p + 2) as usize;
            let option_length = u16_at(b, p + 4) as usize;
            self.records_seen += 1;
            self.non_flow_records_seen += 1;
            if template_id < 256 {
                self.error(DecodeError::TemplateIdReserved);
                return;
            }
            if scope_length % 4 != 0 || option_length % 4 != 0 {
                self.error(DecodeError::TemplateScopeInvalid);
                return;
            }
            let fields_start = p + 6;
            if end - fields_start < scope_length + option_length {
                self.error(DecodeError::TemplateTruncated);
                return;
            }
            p = fields_start + scope_length + option_length;
            let count = (scope_length + option_length) / 4;
            self.read_v9_fields(b, template_id, true, (scope_length / 4) as u32, fields_start, count);
        }
    }

    fn read_v9_fields(&mut self, b: &[u8], template_id: u32, options: bool, scope_count: u32, mut p: usize,
        field_count: usize) {
        if field_count > self.scratch.definition.capacity {
            self.error(DecodeError::TemplateTooManyFields);
            return;
        }
        self.scratch.definition.start(template_id, options, scope_count);
        for _ in 0..field_count {
            self.scratch.definition.add(u16_at(b, p), 0, u16_at(b, p + 2));
            p += 4;
        }
        self.define_template();
    }

    /// RFC 7011 §3.4.1-2: template id, field count, [scope field count], specifiers with optional enterprise number.
    fn read_ipfix_templates(&mut self, b: &[u8], mut p: usize, end: usize, options: bool) {
        while end - p >= 4 && !is_padding(&b[p..end]) {
            let template_id = u16_at(b, p);
            let field_count = u16_at(b, p + 2) as usize;
            p += 4;
            if field_count == 0 {
                self.withdraw(template_id, options);
                continue;
            }
            if template_id < 256 {
                self.error(DecodeError::TemplateIdReserved);
                return;
            }
            let mut scope_count = 0;
            if options {
                if end - p < 2 {
                    self.error(DecodeError::TemplateTruncated);
                    return;
                }
                scope_count = u16_at(b, p);
                p += 2;
            }
            let fits = field_count <= self.scratch.definition.capacity;
            if fits {
                self.scratch.definition.start(template_id, options, scope_count);
            }
            for _ in 0..field_count {
                if end - p < 4 {
                    self.error(DecodeError::TemplateTruncated);
                    return;
                }
                let mut element = u16_at(b, p);
                let length = u16_at(b, p + 2);
                p += 4;
                let mut enterprise = 0;
                // RFC 7011 §3.2: the top bit of the element id says an enterprise number follows.
                if element & 0x8000 != 0 {
                    if end - p < 4 {
                        self.error(DecodeError::TemplateTruncated);
                        return;
                    }
                    enterprise = u32_at(b, p);
                    element &= 0x7FFF;
                    p += 4;
                }
                if fits {
                    self.scratch.definition.add(element, enterprise, length);
                }
            }
            if fits {
                self.define_template();
            } else {
                self.error(DecodeError::TemplateTooManyFields);
            }
        }
    }
}
