//! flowagg's native kernel: NetFlow v5/v9/IPFIX decode, classification and pre-aggregation behind a small C ABI.
//!
//! Every entry point catches panics and answers with an error code; no pointer is kept past a call except the
//! context itself. Calls on one context must not overlap (the Java binding serialises them).

mod classify;
mod counters;
mod cpu;
mod decoder;
mod hash;
mod kernel;
mod live_memory;
mod receive;
mod records;
mod state;
mod table;
mod template;
mod templated;
mod wire;

#[cfg(test)]
mod tests;

use classify::{PrefixRules, ServicePorts};
use counters::{COUNTERS, ERRORS, VERSION_SLOTS, WIDTH};
use kernel::{BatchEnd, Kernel, META_BYTES};
use state::Settings;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::slice;

/// Bumped whenever a signature or a memory layout below changes.
pub const ABI_VERSION: u32 = 3;

pub const STATUS_DONE: i32 = 0;
pub const STATUS_TABLE_FULL: i32 = 1;
pub const ERR_NULL: i32 = -1;
pub const ERR_BAD_META: i32 = -2;
pub const ERR_PANIC: i32 = -3;

/// Words per exporter in `fa_stats_read`: address high and low, then each version slot's counters and errors.
pub const STATS_WORDS: usize = 2 + VERSION_SLOTS * WIDTH;

#[global_allocator]
static ALLOCATOR: live_memory::CountingAllocator = live_memory::CountingAllocator;

#[no_mangle]
pub extern "C" fn fa_abi_version() -> u32 {
    ABI_VERSION
}

/// The layout constants Java checks against its own: counters, errors, words per table row, bytes per meta entry.
#[no_mangle]
pub extern "C" fn fa_layout(which: u32) -> i64 {
    match which {
        0 => COUNTERS as i64,
        1 => ERRORS as i64,
        2 => table::WORDS as i64,
        3 => META_BYTES as i64,
        4 => STATS_WORDS as i64,
        _ => -1,
    }
}

/// Bytes the library holds on its heap right now, all contexts together.
#[no_mangle]
pub extern "C" fn fa_live_bytes() -> i64 {
    live_memory::live_bytes()
}

/// Creates a context, or returns null.
///
/// `settings`: apply sampling (0/1), template lifetime ms, max templates, max fields, max pending sets, max pending
/// bytes, max pending age ms. Prefix rules are 4 words each: address high, low, prefix length within the family,
/// rule index. `ports` is the 1024-word service-port bitmap.
///
/// # Safety
/// Each pointer must be valid for the counts given.
#[no_mangle]
pub unsafe extern "C" fn fa_create(settings: *const i64, apps: *const u64, app_count: u32, vpcs: *const u64,
    vpc_count: u32, ports: *const u64, initial_slots: u32, max_entries: u64) -> *mut Kernel {
    if settings.is_null() || ports.is_null() || (apps.is_null() && app_count > 0) || (vpcs.is_null() && vpc_count > 0) {
        return std::ptr::null_mut();
    }
    let made = catch_unwind(AssertUnwindSafe(|| {
        let s = slice::from_raw_parts(settings, 7);
        let settings = Settings {
            apply_sampling: s[0] != 0,
            template_lifetime_ms: s[1],
            max_templates: s[2].max(0) as usize,
            max_fields: s[3].max(0) as usize,
            max_pending_sets: s[4].max(0) as usize,
            max_pending_bytes: s[5],
            max_pending_age_ms: s[6],
        };
        let app_rules = prefix_rules(apps, app_count);
        let vpc_rules = prefix_rules(vpcs, vpc_count);
        let ports = ServicePorts::from_words(slice::from_raw_parts(ports, 1024));
        Box::into_raw(Box::new(Kernel::new(settings, app_rules, vpc_rules, ports, initial_slots as usize,
            max_entries as usize)))
    }));
    made.unwrap_or(std::ptr::null_mut())
}

unsafe fn prefix_rules(words: *const u64, count: u32) -> PrefixRules {
    let mut rules = PrefixRules::new();
    if count > 0 {
        for r in slice::from_raw_parts(words, count as usize * 4).chunks_exact(4) {
            rules.put(r[0], r[1], r[2] as u32, r[3] as i32);
        }
    }
    rules
}

/// Frees a context; null is ignored.
///
/// # Safety
/// `ctx` comes from `fa_create` and is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn fa_free(ctx: *mut Kernel) {
    if !ctx.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| drop(Box::from_raw(ctx))));
    }
}

/// Processes datagrams `start..count` of a batch. Writes the index it stopped at and the flows decoded to `result`.
/// Returns `STATUS_DONE`, `STATUS_TABLE_FULL` (drain, then call again from the index), or a negative error.
///
/// # Safety
/// `data` is valid for `data_len` bytes, `meta` for `count` entries of 32 bytes, `result` for 2 words.
#[no_mangle]
pub unsafe extern "C" fn fa_process(ctx: *mut Kernel, data: *const u8, data_len: u64, meta: *const u8, count: u32,
    start: u32, result: *mut i64) -> i32 {
    if ctx.is_null() || result.is_null() || (data.is_null() && data_len > 0) || (meta.is_null() && count > 0) {
        return ERR_NULL;
    }
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let data: &[u8] = if data_len == 0 { &[] } else { slice::from_raw_parts(data, data_len as usize) };
        let meta: &[u8] = if count == 0 { &[] } else { slice::from_raw_parts(meta, count as usize * META_BYTES) };
        let mut flows = 0;
        let end = (*ctx).process(data, meta, start as usize, &mut flows);
        (end, flows)
    }));
    let out = slice::from_raw_parts_mut(result, 2);
    match outcome {
        Ok((BatchEnd::Done, flows)) => {
            out[0] = count as i64;
            out[1] = flows;
            STATUS_DONE
        }
        Ok((BatchEnd::TableFull(at), flows)) => {
            out[0] = at as i64;
            out[1] = flows;
            STATUS_TABLE_FULL
        }
        Ok((BatchEnd::BadMeta(at), flows)) => {
            out[0] = at as i64;
            out[1] = flows;
            ERR_BAD_META
        }
        Err(_) => ERR_PANIC,
    }
}

/// Distinct (tuple, hour) entries waiting to be drained.
///
/// # Safety
/// `ctx` comes from `fa_create`.
#[no_mangle]
pub unsafe extern "C" fn fa_pending(ctx: *const Kernel) -> i64 {
    if ctx.is_null() {
        return ERR_NULL as i64;
    }
    (*ctx).pending_entries() as i64
}

/// Copies up to `capacity` rows of 10 words into `out`, continuing where the last call stopped; 0 means the table
/// is drained (and now empty).
///
/// # Safety
/// `out` is valid for `capacity * 10` words.
#[no_mangle]
pub unsafe extern "C" fn fa_drain(ctx: *mut Kernel, out: *mut u64, capacity: u32) -> i64 {
    if ctx.is_null() || out.is_null() {
        return ERR_NULL as i64;
    }
    catch_unwind(AssertUnwindSafe(|| {
        let out = slice::from_raw_parts_mut(out, capacity as usize * table::WORDS);
        (*ctx).drain_into(out) as i64
    }))
    .unwrap_or(ERR_PANIC as i64)
}

/// Exporters with counters (the number of `STATS_WORDS` blocks `fa_stats_read` writes).
///
/// # Safety
/// `ctx` comes from `fa_create`.
#[no_mangle]
pub unsafe extern "C" fn fa_stats_count(ctx: *const Kernel) -> i64 {
    if ctx.is_null() {
        return ERR_NULL as i64;
    }
    (*ctx).decoder().counters.len() as i64
}

/// Writes up to `capacity` exporters' counters into `out`; returns how many.
///
/// # Safety
/// `out` is valid for `capacity * STATS_WORDS` words.
#[no_mangle]
pub unsafe extern "C" fn fa_stats_read(ctx: *const Kernel, out: *mut i64, capacity: u32) -> i64 {
    if ctx.is_null() || out.is_null() {
        return ERR_NULL as i64;
    }
    catch_unwind(AssertUnwindSafe(|| {
        let out = slice::from_raw_parts_mut(out, capacity as usize * STATS_WORDS);
        let all = &(*ctx).decoder().counters;
        let n = all.len().min(capacity as usize);
        for (c, block) in all.iter().take(n).zip(out.chunks_exact_mut(STATS_WORDS)) {
            block[0] = c.high as i64;
            block[1] = c.low as i64;
            for (v, values) in c.values.iter().enumerate() {
                block[2 + v * WIDTH..2 + (v + 1) * WIDTH].copy_from_slice(values);
            }
        }
        n as i64
    }))
    .unwrap_or(ERR_PANIC as i64)
}

/// Drops expired templates and waiting data.
///
/// # Safety
/// `ctx` comes from `fa_create`.
#[no_mangle]
pub unsafe extern "C" fn fa_expire(ctx: *mut Kernel, now_millis: i64) -> i32 {
    if ctx.is_null() {
        return ERR_NULL;
    }
    match catch_unwind(AssertUnwindSafe(|| (*ctx).expire(now_millis))) {
        Ok(()) => STATUS_DONE,
        Err(_) => ERR_PANIC,
    }
}

// ---- Batched UDP receive (Linux): the NetFlow socket, read with recvmmsg straight into a datagram batch. ----
// Errors are -errno, or receive::ERR_UNSUPPORTED / ERR_ARGUMENT / ERR_PANIC (all below -9999).

/// Opens a UDP socket bound to `address` (`address_len` 4 or 16 bytes, network order) and `port`, asking for a
/// `receive_buffer`-byte receive buffer (0: the OS default). IPv6 sockets take IPv4 too. Returns the descriptor and
/// writes the granted receive buffer and the bound port to `out` (2 words); or returns a negative error.
///
/// # Safety
/// `address` is valid for `address_len` bytes, `out` for 2 words.
#[no_mangle]
pub unsafe extern "C" fn fa_udp_open(address: *const u8, address_len: u32, port: u32, receive_buffer: i32,
    out: *mut i64) -> i64 {
    if address.is_null() || out.is_null() || port > u16::MAX as u32 {
        return receive::ERR_ARGUMENT;
    }
    let opened = catch_unwind(AssertUnwindSafe(|| {
        receive::open(slice::from_raw_parts(address, address_len as usize), port as u16, receive_buffer)
    }));
    match opened {
        Ok(Ok((fd, granted, bound))) => {
            let out = slice::from_raw_parts_mut(out, 2);
            out[0] = granted as i64;
            out[1] = bound as i64;
            fd as i64
        }
        Ok(Err(e)) => e,
        Err(_) => receive::ERR_PANIC,
    }
}

/// Closes a socket from `fa_udp_open`; 0 or a negative error.
#[no_mangle]
pub extern "C" fn fa_udp_close(fd: i32) -> i64 {
    catch_unwind(|| receive::close(fd)).unwrap_or(receive::ERR_PANIC)
}

/// Sleeps `linger_us` (letting datagrams gather), then waits up to `timeout_ms` for a datagram: 1 when one waits, 0
/// on timeout, or a negative error. Blocks.
#[no_mangle]
pub extern "C" fn fa_udp_wait(fd: i32, timeout_ms: i32, linger_us: u32) -> i64 {
    catch_unwind(|| receive::wait(fd, timeout_ms, linger_us)).unwrap_or(receive::ERR_PANIC)
}

/// Takes up to `max_datagrams` waiting datagrams (never waits) into a batch: `data` (`data_len` bytes, `used` of
/// them filled, a multiple of 8) and `meta` (`meta_capacity` entries of 32 bytes, `count` of them written). Each
/// datagram gets a slot of `slot_bytes` within the free space; longer ones are dropped and counted. Writes datagrams
/// taken, the new fill and the oversize count to `result` (3 words); returns 0 or a negative error.
///
/// # Safety
/// `data` is valid for `data_len` bytes, `meta` for `meta_capacity * 32`, `result` for 3 words; no one else
/// touches the batch during the call.
#[no_mangle]
pub unsafe extern "C" fn fa_udp_receive(fd: i32, data: *mut u8, data_len: u64, used: u64, meta: *mut u8,
    meta_capacity: u32, count: u32, max_datagrams: u32, slot_bytes: u32, result: *mut i64) -> i64 {
    if data.is_null() || meta.is_null() || result.is_null() || used > data_len || count > meta_capacity {
        return receive::ERR_ARGUMENT;
    }
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let target = receive::Target {
            data: slice::from_raw_parts_mut(data, data_len as usize),
            used: used as usize,
            meta: slice::from_raw_parts_mut(meta, meta_capacity as usize * META_BYTES),
            count: count as usize,
        };
        receive::receive(fd, target, max_datagrams as usize, slot_bytes as usize)
    }));
    match outcome {
        Ok(Ok(r)) => {
            let out = slice::from_raw_parts_mut(result, receive::RECEIVE_RESULT_WORDS);
            out[0] = r.taken as i64;
            out[1] = r.used as i64;
            out[2] = r.oversize as i64;
            0
        }
        Ok(Err(e)) => e,
        Err(_) => receive::ERR_PANIC,
    }
}

/// Takes up to `max_datagrams` waiting datagrams off the socket and drops them (every batch is busy); returns how
/// many, or a negative error. Never waits.
#[no_mangle]
pub extern "C" fn fa_udp_discard(fd: i32, max_datagrams: u32) -> i64 {
    match catch_unwind(|| receive::discard(fd, max_datagrams as usize)) {
        Ok(Ok(n)) => n as i64,
        Ok(Err(e)) => e,
        Err(_) => receive::ERR_PANIC,
    }
}
