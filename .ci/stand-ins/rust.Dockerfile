# Stand-in for rust:1-bookworm: this machine's Rust toolchain on Debian bookworm, with the C linker rustc calls.
FROM flowagg-ci/debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
COPY rust/ /usr/local/rust/
ENV PATH=/usr/local/rust/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL dev.flowagg.stand-in="rust:1-bookworm"
