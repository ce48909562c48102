# Stand-in for maven:3.9-eclipse-temurin-25: Maven from Maven Central on the JDK stand-in.
FROM flowagg-ci/jdk:25
ADD maven.tar.gz /usr/share/
RUN ln -s /usr/share/apache-maven-* /usr/share/maven && ln -s /usr/share/maven/bin/mvn /usr/bin/mvn
ENV MAVEN_HOME=/usr/share/maven MAVEN_CONFIG=/root/.m2
LABEL dev.flowagg.stand-in="maven:3.9-eclipse-temurin-25"
CMD ["mvn"]
