# flowagg node image: build the Rust kernel, build the jar with Maven, run on a JDK 25 runtime.
# docker build -t flowagg .   (docker-compose.cluster.yml builds it for you)

# 1. The native decode-and-aggregate kernel (no external crates: builds offline).
FROM rust:1-bookworm AS native
WORKDIR /src/native-agg
COPY native-agg/Cargo.toml native-agg/Cargo.lock ./
COPY native-agg/src/main/rust/ src/main/rust/
RUN cargo build --release --offline --locked

# 2. The fat jar, with the kernel built above placed where the jar carries it (native/<os>-<arch>/).
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
COPY --from=native /src/native-agg/target/release/libflowagg_kernel.so /tmp/libflowagg_kernel.so
RUN platform="linux-$(uname -m | sed 's/amd64/x86_64/; s/arm64/aarch64/')" \
  && mkdir -p "native-agg/target/classes/native/$platform" \
  && cp /tmp/libflowagg_kernel.so "native-agg/target/classes/native/$platform/" \
  && mvn -B -q -ntp package -DskipTests -Dnative.skip=true

# 3. The runtime.
FROM eclipse-temurin:25-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
  && useradd --system --home /var/lib/flowagg flowagg && mkdir -p /var/lib/flowagg && chown flowagg /var/lib/flowagg
COPY --from=build /src/node/target/flowagg-node.jar /opt/flowagg/flowagg-node.jar
USER flowagg
WORKDIR /var/lib/flowagg
ENV FLOWAGG_DATA_DIR=/var/lib/flowagg/data
EXPOSE 8080 2551 2055/udp
HEALTHCHECK --interval=5s --timeout=2s --start-period=60s \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["java", "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/flowagg/flowagg-node.jar"]
