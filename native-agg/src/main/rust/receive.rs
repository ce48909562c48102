//! Batched UDP receive for the NetFlow socket: `recvmmsg` straight into a datagram batch's data and meta memory.
//!
//! Linux only; elsewhere every call answers `ERR_UNSUPPORTED`. No state is kept here: a socket is its file
//! descriptor, and each receive call lays its slots out over the batch's free space, then packs the datagrams
//! back to back (8-byte aligned) and writes one meta entry each, in the layout the kernel reads
//! (`u32 offset, u32 length, u64 exporter high, u64 exporter low, i64 received-at millis`, native order).
//!
//! Errors are negative: `-errno` for the OS's, the codes below for ours (outside the errno range).

/// This OS has no batched receive here.
#[cfg_attr(target_os = "linux", allow(dead_code))]
pub const ERR_UNSUPPORTED: i64 = -10_000;
/// A bad argument: a null pointer, a fill past the end, an address that is neither 4 nor 16 bytes.
pub const ERR_ARGUMENT: i64 = -10_001;
/// A panic was caught.
pub const ERR_PANIC: i64 = -10_002;

/// The most datagrams one receive call takes.
pub const MAX_DATAGRAMS_PER_CALL: usize = 64;

/// Words written to `result` by `receive`: datagrams taken, new fill in bytes, oversize datagrams dropped.
pub const RECEIVE_RESULT_WORDS: usize = 3;

#[cfg(target_os = "linux")]
use crate::classify::V4_MAPPED;
use crate::kernel::META_BYTES;

/// What one receive call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    /// Datagrams written to the batch (meta entries added).
    pub taken: u32,
    /// The batch's fill in bytes after them.
    pub used: u64,
    /// Datagrams longer than a slot: taken off the socket, not written.
    pub oversize: u32,
}

/// The free space of a batch a receive call may fill.
pub struct Target<'a> {
    pub data: &'a mut [u8],
    /// Bytes of `data` already filled (a multiple of 8).
    pub used: usize,
    pub meta: &'a mut [u8],
    /// Meta entries already written.
    pub count: usize,
}

const fn align8(n: usize) -> usize {
    (n + 7) & !7
}

/// How many slots of `slot` bytes, each starting 8-byte aligned, fit in `room` bytes.
fn slots_in(room: usize, slot: usize) -> usize {
    if slot == 0 || room < slot {
        0
    } else {
        1 + (room - slot) / align8(slot)
    }
}

fn write_meta(meta: &mut [u8], offset: u32, length: u32, high: u64, low: u64, millis: i64) {
    meta[0..4].copy_from_slice(&offset.to_ne_bytes());
    meta[4..8].copy_from_slice(&length.to_ne_bytes());
    meta[8..16].copy_from_slice(&high.to_ne_bytes());
    meta[16..24].copy_from_slice(&low.to_ne_bytes());
    meta[24..32].copy_from_slice(&millis.to_ne_bytes());
}

#[cfg(target_os = "linux")]
mod sys {
    #![allow(non_camel_case_types)]
    use std::os::raw::{c_int, c_long, c_uint, c_void};

    pub const AF_INET: c_int = 2;
    pub const AF_INET6: c_int = 10;
    pub const SOCK_DGRAM: c_int = 2;
    pub const SOCK_CLOEXEC: c_int = 0o2000000;
    pub const SOL_SOCKET: c_int = 1;
    pub const SO_RCVBUF: c_int = 8;
    pub const IPPROTO_IPV6: c_int = 41;
    pub const IPV6_V6ONLY: c_int = 26;
    pub const MSG_TRUNC: c_int = 0x20;
    pub const MSG_DONTWAIT: c_int = 0x40;
    pub const POLLIN: i16 = 0x1;
    pub const POLLNVAL: i16 = 0x20;
    pub const EBADF: i32 = 9;
    pub const CLOCK_REALTIME: c_int = 0;
    pub const EINTR: i32 = 4;
    pub const EAGAIN: i32 = 11;

    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct sockaddr_in {
        pub sin_family: u16,
        pub sin_port: u16,
        pub sin_addr: [u8; 4],
        pub sin_zero: [u8; 8],
    }

    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct sockaddr_in6 {
        pub sin6_family: u16,
        pub sin6_port: u16,
        pub sin6_flowinfo: u32,
        pub sin6_addr: [u8; 16],
        pub sin6_scope_id: u32,
    }

    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct iovec {
        pub iov_base: *mut c_void,
        pub iov_len: usize,
    }

    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct msghdr {
        pub msg_name: *mut c_void,
        pub msg_namelen: u32,
        pub msg_iov: *mut iovec,
        pub msg_iovlen: usize,
        pub msg_control: *mut c_void,
        pub msg_controllen: usize,
        pub msg_flags: c_int,
    }

    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct mmsghdr {
        pub msg_hdr: msghdr,
        pub msg_len: c_uint,
    }

    #[repr(C)]
    pub struct pollfd {
        pub fd: c_int,
        pub events: i16,
        pub revents: i16,
    }

    #[repr(C)]
    pub struct timespec {
        pub tv_sec: c_long,
        pub tv_nsec: c_long,
    }

    extern "C" {
        pub fn socket(domain: c_int, kind: c_int, protocol: c_int) -> c_int;
        pub fn setsockopt(fd: c_int, level: c_int, name: c_int, value: *const c_void, len: u32) -> c_int;
        pub fn getsockopt(fd: c_int, level: c_int, name: c_int, value: *mut c_void, len: *mut u32) -> c_int;
        pub fn bind(fd: c_int, address: *const c_void, len: u32) -> c_int;
        pub fn getsockname(fd: c_int, address: *mut c_void, len: *mut u32) -> c_int;
        pub fn close(fd: c_int) -> c_int;
        pub fn poll(fds: *mut pollfd, count: std::os::raw::c_ulong, timeout_ms: c_int) -> c_int;
        pub fn recvmmsg(fd: c_int, messages: *mut mmsghdr, count: c_uint, flags: c_int, timeout: *mut timespec)
            -> c_int;
        pub fn clock_gettime(clock: c_int, now: *mut timespec) -> c_int;
        pub fn nanosleep(duration: *const timespec, remaining: *mut timespec) -> c_int;
        pub fn __errno_location() -> *mut c_int;
    }

    pub fn errno() -> i32 {
        unsafe { *__errno_location() }
    }
}

/// A UDP socket bound to `address` (4 or 16 bytes, network order) and `port`, its receive buffer asked to be
/// `receive_buffer` bytes. IPv6 sockets take IPv4 too (IPV6_V6ONLY off), so "::" listens on both.
/// Returns the descriptor, the receive buffer the OS granted and the port bound.
#[cfg(target_os = "linux")]
pub fn open(address: &[u8], port: u16, receive_buffer: i32) -> Result<(i32, i32, u16), i64> {
    use std::mem::size_of;
    use std::os::raw::c_void;
    use sys::*;
    let v4 = match address.len() {
        4 => true,
        16 => false,
        _ => return Err(ERR_ARGUMENT),
    };
    unsafe {
        let fd = socket(if v4 { AF_INET } else { AF_INET6 }, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(-(errno() as i64));
        }
        let fail = |fd: i32| -> i64 {
            let e = -(errno() as i64);
            close(fd);
            e
        };
        let int_size = size_of::<i32>() as u32;
        if !v4 {
            let off: i32 = 0;
            if setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off as *const i32 as *const c_void, int_size) != 0 {
                return Err(fail(fd));
            }
        }
        if receive_buffer > 0
            && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer as *const i32 as *const c_void, int_size) != 0
        {
            return Err(fail(fd));
        }
        let bound = if v4 {
            let mut a = sockaddr_in { sin_family: AF_INET as u16, sin_port: port.to_be(), sin_addr: [0; 4],
                sin_zero: [0; 8] };
            a.sin_addr.copy_from_slice(address);
            bind(fd, &a as *const sockaddr_in as *const c_void, size_of::<sockaddr_in>() as u32)
        } else {
            let mut a = sockaddr_in6 { sin6_family: AF_INET6 as u16, sin6_port: port.to_be(), sin6_flowinfo: 0,
                sin6_addr: [0; 16], sin6_scope_id: 0 };
            a.sin6_addr.copy_from_slice(address);
            bind(fd, &a as *const sockaddr_in6 as *const c_void, size_of::<sockaddr_in6>() as u32)
        };
        if bound != 0 {
            return Err(fail(fd));
        }
        let mut granted: i32 = 0;
        let mut len = int_size;
        if getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &mut granted as *mut i32 as *mut c_void, &mut len) != 0 {
            return Err(fail(fd));
        }
        // sin_port and sin6_port sit at the same place, so one sockaddr_in6 reads either family's port.
        let mut local = sockaddr_in6 { sin6_family: 0, sin6_port: 0, sin6_flowinfo: 0, sin6_addr: [0; 16],
            sin6_scope_id: 0 };
        let mut len = size_of::<sockaddr_in6>() as u32;
        if getsockname(fd, &mut local as *mut sockaddr_in6 as *mut c_void, &mut len) != 0 {
            return Err(fail(fd));
        }
        Ok((fd, granted, u16::from_be(local.sin6_port)))
    }
}

#[cfg(target_os = "linux")]
pub fn close(fd: i32) -> i64 {
    if unsafe { sys::close(fd) } == 0 {
        0
    } else {
        -(sys::errno() as i64)
    }
}

/// Sleeps `linger_us` microseconds, then waits up to `timeout_ms` for a datagram: 1 when one is there, 0 on timeout
/// (or a signal). Lingering first lets datagrams gather, so that a busy socket is read with one wake-up and one
/// receive call per run of datagrams instead of one per datagram (a wake-up costs more than a datagram).
#[cfg(target_os = "linux")]
pub fn wait(fd: i32, timeout_ms: i32, linger_us: u32) -> i64 {
    if linger_us > 0 {
        let d = sys::timespec { tv_sec: (linger_us / 1_000_000) as _, tv_nsec: (linger_us % 1_000_000 * 1000) as _ };
        unsafe { sys::nanosleep(&d, std::ptr::null_mut()) };
    }
    let mut p = sys::pollfd { fd, events: sys::POLLIN, revents: 0 };
    let n = unsafe { sys::poll(&mut p, 1, timeout_ms) };
    if n > 0 && p.revents & sys::POLLNVAL != 0 {
        -(sys::EBADF as i64)
    } else if n > 0 {
        1
    } else if n == 0 {
        0
    } else {
        match sys::errno() {
            sys::EINTR => 0,
            e => -(e as i64),
        }
    }
}

#[cfg(target_os = "linux")]
#[allow(clippy::unnecessary_cast)] // c_long is 32 bits on some targets
fn now_millis() -> i64 {
    let mut t = sys::timespec { tv_sec: 0, tv_nsec: 0 };
    unsafe { sys::clock_gettime(sys::CLOCK_REALTIME, &mut t) };
    t.tv_sec as i64 * 1000 + t.tv_nsec as i64 / 1_000_000
}

/// The sender of a datagram as address words high and low, IPv4 mapped into IPv6 (::ffff:a.b.c.d).
#[cfg(target_os = "linux")]
fn source_words(name: &sys::sockaddr_in6) -> (u64, u64) {
    if name.sin6_family == sys::AF_INET as u16 {
        // A sockaddr_in: its address is the 4 bytes after the port, where sin6_flowinfo lies.
        let v4 = u32::from_be(name.sin6_flowinfo);
        (0, V4_MAPPED | v4 as u64)
    } else {
        let a = name.sin6_addr;
        (u64::from_be_bytes(a[0..8].try_into().unwrap()), u64::from_be_bytes(a[8..16].try_into().unwrap()))
    }
}

/// Takes up to `max` datagrams that are waiting, without blocking, into `target`: each in a slot of `slot` bytes
/// laid out over the free space, then packed at 8-byte aligned offsets after the fill. A datagram longer than
/// `slot` is taken off the socket and counted as oversize, not written. Nothing waiting: 0 taken.
#[cfg(target_os = "linux")]
pub fn receive(fd: i32, target: Target<'_>, max: usize, slot: usize) -> Result<Received, i64> {
    use std::mem::{size_of, zeroed};
    use std::os::raw::c_void;
    use sys::*;
    let Target { data, used, meta, count } = target;
    if used > data.len() || used % 8 != 0 || count * META_BYTES > meta.len() || slot == 0 {
        return Err(ERR_ARGUMENT);
    }
    let n = max
        .min(MAX_DATAGRAMS_PER_CALL)
        .min(meta.len() / META_BYTES - count)
        .min(slots_in(data.len() - used, slot));
    if n == 0 {
        return Ok(Received { taken: 0, used: used as u64, oversize: 0 });
    }
    let stride = align8(slot);
    let base = data.as_mut_ptr();
    let mut names: [sockaddr_in6; MAX_DATAGRAMS_PER_CALL] = unsafe { zeroed() };
    let mut iovs: [iovec; MAX_DATAGRAMS_PER_CALL] = unsafe { zeroed() };
    let mut msgs: [mmsghdr; MAX_DATAGRAMS_PER_CALL] = unsafe { zeroed() };
    for i in 0..n {
        iovs[i] = iovec { iov_base: unsafe { base.add(used + i * stride) } as *mut c_void, iov_len: slot };
        msgs[i].msg_hdr.msg_name = &mut names[i] as *mut sockaddr_in6 as *mut c_void;
        msgs[i].msg_hdr.msg_namelen = size_of::<sockaddr_in6>() as u32;
        msgs[i].msg_hdr.msg_iov = &mut iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    let got = unsafe { recvmmsg(fd, msgs.as_mut_ptr(), n as u32, MSG_DONTWAIT, std::ptr::null_mut()) };
    if got < 0 {
        return match errno() {
            EAGAIN | EINTR => Ok(Received { taken: 0, used: used as u64, oversize: 0 }),
            e => Err(-(e as i64)),
        };
    }
    let millis = now_millis();
    let mut cursor = used;
    let mut taken = 0usize;
    let mut oversize = 0u32;
    for i in 0..got as usize {
        let length = msgs[i].msg_len as usize;
        if msgs[i].msg_hdr.msg_flags & MSG_TRUNC != 0 || length > slot {
            oversize += 1;
            continue;
        }
        let from = used + i * stride;
        if from != cursor {
            // Packing moves payloads only towards the fill: cursor <= from, so the copy may overlap, never clobber.
            data.copy_within(from..from + length, cursor);
        }
        let (high, low) = source_words(&names[i]);
        let m = (count + taken) * META_BYTES;
        write_meta(&mut meta[m..m + META_BYTES], cursor as u32, length as u32, high, low, millis);
        cursor += align8(length);
        taken += 1;
    }
    Ok(Received { taken: taken as u32, used: cursor as u64, oversize })
}

/// Takes up to `max` waiting datagrams off the socket without keeping them (every batch is busy); returns how many.
#[cfg(target_os = "linux")]
pub fn discard(fd: i32, max: usize) -> Result<u32, i64> {
    use std::mem::zeroed;
    use sys::*;
    let n = max.min(MAX_DATAGRAMS_PER_CALL);
    if n == 0 {
        return Ok(0);
    }
    // No buffers at all: each datagram is dequeued and truncated to nothing.
    let mut msgs: [mmsghdr; MAX_DATAGRAMS_PER_CALL] = unsafe { zeroed() };
    let got = unsafe { recvmmsg(fd, msgs.as_mut_ptr(), n as u32, MSG_DONTWAIT, std::ptr::null_mut()) };
    if got < 0 {
        return match errno() {
            EAGAIN | EINTR => Ok(0),
            e => Err(-(e as i64)),
        };
    }
    Ok(got as u32)
}

#[cfg(not(target_os = "linux"))]
pub fn open(_address: &[u8], _port: u16, _receive_buffer: i32) -> Result<(i32, i32, u16), i64> {
    Err(ERR_UNSUPPORTED)
}

#[cfg(not(target_os = "linux"))]
pub fn close(_fd: i32) -> i64 {
    ERR_UNSUPPORTED
}

#[cfg(not(target_os = "linux"))]
pub fn wait(_fd: i32, _timeout_ms: i32, _linger_us: u32) -> i64 {
    ERR_UNSUPPORTED
}

#[cfg(not(target_os = "linux"))]
pub fn receive(_fd: i32, _target: Target<'_>, _max: usize, _slot: usize) -> Result<Received, i64> {
    Err(ERR_UNSUPPORTED)
}

#[cfg(not(target_os = "linux"))]
pub fn discard(_fd: i32, _max: usize) -> Result<u32, i64> {
    Err(ERR_UNSUPPORTED)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::net::UdpSocket;

    struct Batch {
        data: Vec<u8>,
        meta: Vec<u8>,
        used: usize,
        count: usize,
    }

    impl Batch {
        fn new(bytes: usize, entries: usize) -> Batch {
            Batch { data: vec![0; bytes], meta: vec![0; entries * META_BYTES], used: 0, count: 0 }
        }

        fn receive(&mut self, fd: i32, max: usize, slot: usize) -> Received {
            let r = receive(fd, Target { data: &mut self.data, used: self.used, meta: &mut self.meta,
                count: self.count }, max, slot).expect("receive");
            self.used = r.used as usize;
            self.count += r.taken as usize;
            r
        }

        fn entry(&self, i: usize) -> (usize, usize, u64, u64, i64) {
            let m = &self.meta[i * META_BYTES..(i + 1) * META_BYTES];
            (
                u32::from_ne_bytes(m[0..4].try_into().unwrap()) as usize,
                u32::from_ne_bytes(m[4..8].try_into().unwrap()) as usize,
                u64::from_ne_bytes(m[8..16].try_into().unwrap()),
                u64::from_ne_bytes(m[16..24].try_into().unwrap()),
                i64::from_ne_bytes(m[24..32].try_into().unwrap()),
            )
        }

        fn payload(&self, i: usize) -> &[u8] {
            let (offset, length, ..) = self.entry(i);
            &self.data[offset..offset + length]
        }
    }

    fn datagram(i: usize, length: usize) -> Vec<u8> {
        (0..length).map(|b| (b * 7 + i) as u8).collect()
    }

    /// Receives until `want` datagrams (taken or oversize) arrived, waiting for readability in between.
    fn receive_all(fd: i32, batch: &mut Batch, want: usize, slot: usize) -> (usize, u32) {
        let (mut taken, mut oversize, mut calls) = (0, 0, 0);
        while taken + (oversize as usize) < want {
            assert!(calls < 10_000, "only {} of {want} datagrams arrived", taken + oversize as usize);
            if wait(fd, 1000, 0) == 1 {
                let r = batch.receive(fd, MAX_DATAGRAMS_PER_CALL, slot);
                taken += r.taken as usize;
                oversize += r.oversize;
            }
            calls += 1;
        }
        (taken, oversize)
    }

    #[test]
    fn many_ipv4_datagrams_land_packed_and_aligned_with_their_source() {
        let (fd, granted, port) = open(&[127, 0, 0, 1], 0, 1 << 20).expect("open");
        assert!(granted > 0);
        assert_ne!(port, 0);
        let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
        let sender_port = sender.local_addr().unwrap().port();
        assert_ne!(sender_port, port);
        let lengths: Vec<usize> = (0..50).map(|i| 1 + i * 37 % 1400).collect();
        for (i, &length) in lengths.iter().enumerate() {
            sender.send_to(&datagram(i, length), ("127.0.0.1", port)).unwrap();
        }
        let mut batch = Batch::new(1 << 20, 256);
        let before = now_millis();
        let (taken, oversize) = receive_all(fd, &mut batch, lengths.len(), 2048);
        assert_eq!((taken, oversize), (lengths.len(), 0));
        let mut expected_offset = 0;
        for (i, &length) in lengths.iter().enumerate() {
            let (offset, len, high, low, millis) = batch.entry(i);
            assert_eq!((offset, len), (expected_offset, length), "datagram {i}");
            assert_eq!(offset % 8, 0);
            assert_eq!((high, low), (0, 0xFFFF_7F00_0001));
            assert!(millis >= before - 1000 && millis <= now_millis() + 1000);
            assert_eq!(batch.payload(i), &datagram(i, length)[..]);
            expected_offset += align8(length);
        }
        assert_eq!(batch.used, expected_offset);
        // The socket is dry now: nothing taken, nothing waiting.
        assert_eq!(batch.receive(fd, 64, 2048).taken, 0);
        assert_eq!(wait(fd, 0, 0), 0);
        assert_eq!(close(fd), 0);
    }

    #[test]
    fn an_ipv6_socket_takes_ipv4_and_ipv6_senders() {
        let Ok((fd, _, port)) = open(&[0; 16], 0, 0) else {
            eprintln!("no IPv6 here; skipping the dual-stack receive test");
            return;
        };
        let v4 = UdpSocket::bind("127.0.0.1:0").unwrap();
        let v6 = UdpSocket::bind("[::1]:0").unwrap();
        v4.send_to(b"from four", ("127.0.0.1", port)).unwrap();
        v6.send_to(b"from six", ("::1", port)).unwrap();
        let mut batch = Batch::new(1 << 16, 8);
        assert_eq!(receive_all(fd, &mut batch, 2, 1024), (2, 0));
        let mut seen: Vec<(Vec<u8>, u64, u64)> =
            (0..2).map(|i| (batch.payload(i).to_vec(), batch.entry(i).2, batch.entry(i).3)).collect();
        seen.sort();
        assert_eq!(seen, vec![(b"from four".to_vec(), 0, 0xFFFF_7F00_0001), (b"from six".to_vec(), 0, 1)]);
        close(fd);
    }

    #[test]
    fn oversize_datagrams_are_counted_not_written() {
        let (fd, _, port) = open(&[127, 0, 0, 1], 0, 1 << 20).unwrap();
        let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
        sender.send_to(&datagram(1, 100), ("127.0.0.1", port)).unwrap();
        sender.send_to(&datagram(2, 3000), ("127.0.0.1", port)).unwrap();
        sender.send_to(&datagram(3, 1024), ("127.0.0.1", port)).unwrap();
        let mut batch = Batch::new(1 << 16, 8);
        assert_eq!(receive_all(fd, &mut batch, 3, 1024), (2, 1));
        assert_eq!(batch.payload(0), &datagram(1, 100)[..]);
        assert_eq!(batch.payload(1), &datagram(3, 1024)[..]);
        assert_eq!(batch.used, 104 + 1024);
        close(fd);
    }

    #[test]
    fn a_batch_that_fills_takes_only_what_fits_and_leaves_the_rest_waiting() {
        let (fd, _, port) = open(&[127, 0, 0, 1], 0, 1 << 20).unwrap();
        let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
        for i in 0..10 {
            sender.send_to(&datagram(i, 500), ("127.0.0.1", port)).unwrap();
        }
        // Room for 3 slots of 1000 bytes (3 * 1000 <= 3500 < 4 * 1000), entries for 8.
        let mut batch = Batch::new(3500, 8);
        let mut calls = 0;
        while batch.count < 3 {
            assert!(calls < 1000);
            if wait(fd, 1000, 0) == 1 {
                batch.receive(fd, 64, 1000);
            }
            calls += 1;
        }
        assert_eq!(batch.count, 3);
        // Packed, 504 bytes each: room for one more slot now, then none.
        assert_eq!(batch.used, 3 * 504);
        assert_eq!(batch.receive(fd, 64, 1000).taken, 1);
        assert_eq!(batch.receive(fd, 64, 1000).taken, 1);
        assert_eq!(batch.receive(fd, 64, 1000).taken, 0, "3500 - 5 * 504 < 1000");
        // The meta capacity bounds a call too.
        let mut small = Batch::new(1 << 16, 2);
        assert_eq!(small.receive(fd, 64, 1000).taken, 2);
        assert_eq!(small.receive(fd, 64, 1000).taken, 0);
        // The rest is still waiting; discard drops it.
        assert_eq!(wait(fd, 0, 0), 1);
        assert_eq!(discard(fd, 64), Ok(3));
        assert_eq!(discard(fd, 64), Ok(0));
        close(fd);
    }

    #[test]
    fn bad_arguments_and_addresses_are_refused() {
        assert_eq!(open(&[1, 2, 3], 0, 0), Err(ERR_ARGUMENT));
        let (fd, _, port) = open(&[127, 0, 0, 1], 0, 0).unwrap();
        // The port is taken: EADDRINUSE.
        assert_eq!(open(&[127, 0, 0, 1], port, 0), Err(-98));
        let mut data = vec![0u8; 100];
        let mut meta = vec![0u8; 64];
        let misaligned = Target { data: &mut data, used: 3, meta: &mut meta, count: 0 };
        assert_eq!(receive(fd, misaligned, 1, 10), Err(ERR_ARGUMENT));
        close(fd);
        assert_eq!(wait(1 << 20, 0, 0), -9, "not an open descriptor: EBADF");
    }
}
