# flowagg node image: build the Rust kernel, build the jar with Maven, run on a JDK 25 runtime.
# docker build -t flowagg .   (docker-compose.cluster.yml builds it for you)

# 1. The native decode-and-aggregate kernel (no external crates: builds offline).
FROM rust:1-bookworm AS native
WORKDIR /src/native-agg
COPY native-agg/ ./
RUN if [ -f Cargo.toml ]; then cargo build --release --offline --locked; else mkdir -p target/release; fi

# 2. The fat jar. The kernel built above is packaged into it; cargo itself is not needed here.
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY pom.xml ./
COPY protocol/pom.xml protocol/
COPY native-agg/pom.xml native-agg/
COPY node/pom.xml node/
COPY bench/pom.xml bench/
RUN mvn -B -q -ntp dependency:go-offline -DexcludeReactor=true || true
COPY . .
COPY --from=native /src/native-agg/target/release/ native-agg/target/release/
RUN mvn -B -q -ntp package -DskipTests -Dnative.skip=true

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
