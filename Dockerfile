# flowagg node image: build the Rust kernel, build the jar with Maven, run on a JDK 25 runtime.
# docker build -t flowagg .   (docker-compose.cluster.yml builds it for you)

# 1. The native decode-and-aggregate kernel (no external crates: builds offline). On x86-64 the x86-64-v3 (AVX2) and
#    x86-64-v4 (AVX-512) builds go beside the plain one; the node loads the highest the CPU runs, or the one
#    FLOWAGG_NATIVE_CPU names.
FROM rust:1-bookworm AS native
WORKDIR /src/native-agg
COPY native-agg/Cargo.toml native-agg/Cargo.lock ./
COPY native-agg/src/main/rust/ src/main/rust/
RUN set -e; \
  out="/native/linux-$(uname -m | sed 's/amd64/x86_64/; s/arm64/aarch64/')"; \
  cargo build --release --offline --locked; \
  mkdir -p "$out" && cp target/release/libflowagg_kernel.so "$out/"; \
  if [ "$(uname -m)" = x86_64 ]; then \
    for level in x86-64-v3 x86-64-v4; do \
      RUSTFLAGS="-C target-cpu=$level" CARGO_TARGET_DIR="target/$level" cargo build --release --offline --locked; \
      mkdir -p "$out/$level" && cp "target/$level/release/libflowagg_kernel.so" "$out/$level/"; \
    done; \
  fi

# 2. The fat jar, with the kernels built above where the jar carries them (native/<os>-<arch>/[<level>/]).
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
ENV MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow
# Dependencies and plugins first, fetched by a build of the poms alone: a layer that a source change leaves cached.
# The parent lists bench, so its pom must be there; only node and the modules it needs are built.
COPY pom.xml ./
COPY protocol/pom.xml protocol/
COPY native-agg/pom.xml native-agg/
COPY node/pom.xml node/
COPY bench/pom.xml bench/
RUN mvn -B -q -ntp package -pl node -am -Dmaven.test.skip=true -Dnative.skip=true && rm -rf */target
COPY config/ config/
COPY protocol/src/main/ protocol/src/main/
COPY native-agg/src/main/ native-agg/src/main/
COPY node/src/main/ node/src/main/
COPY --from=native /native/ native-agg/target/classes/native/
RUN mvn -B -q -ntp package -pl node -am -Dmaven.test.skip=true -Dnative.skip=true

# 3. The runtime.
FROM eclipse-temurin:25-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
  && useradd --system --home /var/lib/flowagg flowagg && mkdir -p /var/lib/flowagg && chown flowagg /var/lib/flowagg
COPY --from=build /src/node/target/flowagg-node.jar /opt/flowagg/flowagg-node.jar
USER flowagg
WORKDIR /var/lib/flowagg
ENV FLOWAGG_DATA_DIR=/var/lib/flowagg/data
EXPOSE 8080 2551 2055/udp
HEALTHCHECK --interval=5s --timeout=5s --start-period=180s \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["java", "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/flowagg/flowagg-node.jar"]
