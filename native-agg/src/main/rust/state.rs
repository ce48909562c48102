//! What the decoder remembers per exporter: templates, data sets waiting for them, and per-domain options.

use crate::counters::{Counter, DecodeError, ExporterCounters};
use crate::hash::IntMap;
use crate::template::Template;
use std::collections::VecDeque;

/// The limits of the Java `DecoderSettings`.
#[derive(Clone, Copy)]
pub struct Settings {
    pub apply_sampling: bool,
    pub template_lifetime_ms: i64,
    pub max_templates: usize,
    pub max_fields: usize,
    pub max_pending_sets: usize,
    pub max_pending_bytes: i64,
    pub max_pending_age_ms: i64,
}

/// Key of a template: version, observation domain and template id in one word.
#[inline]
pub fn template_key(version: u32, domain: u64, template_id: u32) -> u64 {
    (version as u64) << 48 | (domain & 0xFFFF_FFFF) << 16 | template_id as u64
}

/// One exporter's templates, each usable for a lifetime after it was last received.
///
/// Data sets mostly alternate between a few templates, so the last two found are remembered by key in front of the
/// map (a hash lookup cost about a tenth of a two-record set). They point into the map's storage, which moves or
/// frees only when an entry is inserted or removed, so every such change forgets them; replacing a template in place
/// or refreshing its `last_seen` keeps them valid.
pub struct TemplateCache {
    map: IntMap<u64, Template>,
    recent: [(u64, *const Template); 2],
}

/// Not a template key: `template_key` leaves the top 12 bits below the version's 4.
const NO_KEY: u64 = u64::MAX;

impl Default for TemplateCache {
    fn default() -> Self {
        TemplateCache { map: IntMap::default(), recent: [(NO_KEY, std::ptr::null()); 2] }
    }
}

impl TemplateCache {
    /// The template stored under this key, if any.
    #[inline]
    pub fn get(&mut self, key: u64) -> Option<&Template> {
        let [(k0, t0), (k1, t1)] = self.recent;
        if key == k0 {
            // SAFETY: entries of `recent` point at live values of `map` (see the type's comment).
            return Some(unsafe { &*t0 });
        }
        if key == k1 {
            // SAFETY: as above.
            return Some(unsafe { &*t1 });
        }
        let t: *const Template = self.map.get(&key)?;
        self.recent = [(key, t), (k0, t0)];
        // SAFETY: just taken from the map, which is not changed before the borrow ends.
        Some(unsafe { &*t })
    }

    #[inline]
    pub fn get_mut(&mut self, key: u64) -> Option<&mut Template> {
        self.map.get_mut(&key)
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    #[inline]
    fn forget_recent(&mut self) {
        self.recent = [(NO_KEY, std::ptr::null()); 2];
    }

    /// Removes one template; true when there was one.
    pub fn remove(&mut self, key: u64) -> bool {
        self.forget_recent();
        self.map.remove(&key).is_some()
    }

    /// Drops a template found expired when its data arrived, and counts it.
    pub fn drop_expired(&mut self, key: u64, counters: &mut ExporterCounters) {
        self.remove(key);
        counters.add((key >> 48) as u32, Counter::TemplatesExpired, 1);
    }

    /// Stores or replaces the template; false when it is new and the exporter is at its limit.
    pub fn store(&mut self, key: u64, template: Template, max: usize) -> bool {
        if self.map.len() >= max && !self.map.contains_key(&key) {
            return false;
        }
        self.forget_recent();
        self.map.insert(key, template);
        true
    }

    /// RFC 7011 §8.1: withdraws all templates, or all options templates, of a domain.
    pub fn withdraw_all(&mut self, version: u32, domain: u64, options: bool) -> i64 {
        self.forget_recent();
        let prefix = template_key(version, domain, 0);
        let before = self.map.len();
        self.map.retain(|&k, t| !((k & !0xFFFF) == prefix && t.options == options));
        (before - self.map.len()) as i64
    }

    /// Drops every expired template, counting each under its version.
    pub fn expire(&mut self, now: i64, lifetime: i64, counters: &mut ExporterCounters) {
        self.forget_recent();
        self.map.retain(|&k, t| {
            let expired = now.wrapping_sub(t.last_seen) > lifetime;
            if expired {
                counters.add((k >> 48) as u32, Counter::TemplatesExpired, 1);
            }
            !expired
        });
    }
}

/// A data set kept until its template arrives.
pub struct PendingSet {
    pub version: u32,
    pub domain: u64,
    pub template_id: u32,
    pub received_at: i64,
    pub export_ms: i64,
    pub uptime_ms: i64,
    pub records: Vec<u8>,
}

/// One exporter's waiting data sets, bounded in count, bytes and age.
#[derive(Default)]
pub struct PendingSets {
    pub queue: VecDeque<PendingSet>,
    pub bytes: i64,
}

impl PendingSets {
    pub fn offer(&mut self, set: PendingSet, s: &Settings, counters: &mut ExporterCounters) {
        if self.queue.len() >= s.max_pending_sets || self.bytes + set.records.len() as i64 > s.max_pending_bytes {
            counters.error(set.version, DecodeError::PendingQueueFull);
            return;
        }
        self.bytes += set.records.len() as i64;
        counters.add(set.version, Counter::SetsQueued, 1);
        counters.add(set.version, Counter::SetsWaiting, 1);
        self.queue.push_back(set);
    }

    /// Removes the live sets for this template in arrival order into `out`; expired ones met on the way are dropped.
    pub fn take_matching(&mut self, version: u32, domain: u64, template_id: u32, now: i64, s: &Settings,
        counters: &mut ExporterCounters, out: &mut Vec<PendingSet>) {
        let mut i = 0;
        while i < self.queue.len() {
            let q = &self.queue[i];
            let expired = now.wrapping_sub(q.received_at) > s.max_pending_age_ms;
            let matches = q.version == version && q.domain == domain && q.template_id == template_id;
            if expired || matches {
                let set = self.queue.remove(i).unwrap();
                self.release(&set, expired, counters);
                if !expired {
                    out.push(set);
                }
            } else {
                i += 1;
            }
        }
    }

    /// Drops sets older than the age bound: only from the head unless `full`.
    pub fn drop_expired(&mut self, now: i64, full: bool, s: &Settings, counters: &mut ExporterCounters) {
        if !full {
            while let Some(head) = self.queue.front() {
                if now.wrapping_sub(head.received_at) <= s.max_pending_age_ms {
                    break;
                }
                let set = self.queue.pop_front().unwrap();
                self.release(&set, true, counters);
            }
            return;
        }
        let mut i = 0;
        while i < self.queue.len() {
            if now.wrapping_sub(self.queue[i].received_at) > s.max_pending_age_ms {
                let set = self.queue.remove(i).unwrap();
                self.release(&set, true, counters);
            } else {
                i += 1;
            }
        }
    }

    fn release(&mut self, set: &PendingSet, expired: bool, counters: &mut ExporterCounters) {
        self.bytes -= set.records.len() as i64;
        counters.add(set.version, Counter::SetsWaiting, -1);
        if expired {
            counters.error(set.version, DecodeError::PendingExpired);
        } else {
            counters.add(set.version, Counter::SetsDecodedLate, 1);
        }
    }
}

/// What options records told about one observation domain: sampling rates and boot time.
pub struct DomainState {
    pub sampler_rates: IntMap<i64, f64>,
    /// The rate announced without a sampler id; 0 while unknown.
    pub default_rate: f64,
    /// IPFIX systemInitTimeMilliseconds; -1 while unknown.
    pub system_init_ms: i64,
}

impl Default for DomainState {
    fn default() -> Self {
        DomainState { sampler_rates: IntMap::default(), default_rate: 0.0, system_init_ms: -1 }
    }
}

impl DomainState {
    pub fn learn_rate(&mut self, has_sampler: bool, sampler: i64, rate: f64) {
        if has_sampler {
            self.sampler_rates.insert(sampler, rate);
        } else {
            self.default_rate = rate;
        }
    }

    pub fn rate_for(&self, has_sampler: bool, sampler: i64) -> f64 {
        if has_sampler {
            if let Some(&r) = self.sampler_rates.get(&sampler) {
                return r;
            }
        }
        self.default_rate
    }
}

/// Everything the decoder remembers about one exporter.
pub struct ExporterState {
    pub counters: usize,
    pub templates: TemplateCache,
    pub pending: PendingSets,
    pub domains: IntMap<u64, DomainState>,
    pub last_seen: i64,
}

impl ExporterState {
    pub fn new(counters: usize) -> Self {
        ExporterState {
            counters,
            templates: TemplateCache::default(),
            pending: PendingSets::default(),
            domains: IntMap::default(),
            last_seen: 0,
        }
    }
}
