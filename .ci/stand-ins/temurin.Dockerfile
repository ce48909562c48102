# Stand-in for eclipse-temurin:25-jre (a full JDK serves as the JRE).
FROM flowagg-ci/jdk:25
LABEL dev.flowagg.stand-in="eclipse-temurin:25-jre"
