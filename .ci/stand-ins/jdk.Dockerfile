# This machine's JDK 25 where Eclipse Temurin's images keep theirs; base of the Java stand-ins.
FROM flowagg-ci/debian:bookworm
COPY openjdk/ /opt/java/openjdk/
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
