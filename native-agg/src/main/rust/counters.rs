//! Per exporter and version counters, laid out like the Java decoder's: ten counters then one slot per error.

/// What is counted besides errors; `SetsWaiting` is a gauge.
#[derive(Clone, Copy)]
pub enum Counter {
    Datagrams = 0,
    DatagramBytes,
    Flows,
    OptionsRecords,
    Templates,
    TemplatesWithdrawn,
    TemplatesExpired,
    SetsQueued,
    SetsDecodedLate,
    SetsWaiting,
}

pub const COUNTERS: usize = 10;

/// Why part of a datagram was skipped; the order is the Java `DecodeError` ordinal order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    DatagramTooShort = 0,
    UnknownVersion,
    DatagramTruncated,
    MessageLengthMismatch,
    RecordCountMismatch,
    ExportTimeImplausible,
    RecordTimeImplausible,
    SetLengthTooShort,
    SetLengthPastEnd,
    ReservedSetId,
    TemplateTruncated,
    TemplateIdReserved,
    TemplateNoFields,
    TemplateTooManyFields,
    TemplateScopeInvalid,
    TemplateFieldLengthInvalid,
    TemplateRecordTooLong,
    TemplateLimitReached,
    FieldLengthUnsupported,
    RecordTruncated,
    PendingQueueFull,
    PendingExpired,
    DecoderFault,
}

pub const ERRORS: usize = 23;
pub const WIDTH: usize = COUNTERS + ERRORS;
/// Version slots: unknown, 5, 9, 10.
pub const VERSION_SLOTS: usize = 4;

/// One exporter's counters for every version slot.
pub struct ExporterCounters {
    pub high: u64,
    pub low: u64,
    pub values: [[i64; WIDTH]; VERSION_SLOTS],
}

impl ExporterCounters {
    pub fn new(high: u64, low: u64) -> Self {
        ExporterCounters { high, low, values: [[0; WIDTH]; VERSION_SLOTS] }
    }

    #[inline]
    pub fn add(&mut self, version: u32, counter: Counter, delta: i64) {
        let v = &mut self.values[slot(version)][counter as usize];
        *v = v.wrapping_add(delta);
    }

    #[inline]
    pub fn error(&mut self, version: u32, error: DecodeError) {
        let v = &mut self.values[slot(version)][COUNTERS + error as usize];
        *v = v.wrapping_add(1);
    }

    pub fn get(&self, version: u32, counter: Counter) -> i64 {
        self.values[slot(version)][counter as usize]
    }

    pub fn errors(&self, version: u32, error: DecodeError) -> i64 {
        self.values[slot(version)][COUNTERS + error as usize]
    }
}

#[inline]
fn slot(version: u32) -> usize {
    match version {
        5 => 1,
        9 => 2,
        10 => 3,
        _ => 0,
    }
}
