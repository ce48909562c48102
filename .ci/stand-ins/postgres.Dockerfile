# Stand-in for postgres:N: Debian's PostgreSQL N, with an entrypoint that does what the official image's does for
# POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB.
FROM flowagg-ci/debian:trixie
ARG PG_MAJOR=17
RUN mkdir -p /etc/postgresql-common/createcluster.d \
  && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/no-main-cluster.conf \
  && apt-get update && apt-get install -y --no-install-recommends "postgresql-$PG_MAJOR" \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
  && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql && chmod 700 /var/lib/postgresql/data
ENV PATH=/usr/lib/postgresql/$PG_MAJOR/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
LABEL dev.flowagg.stand-in="postgres:$PG_MAJOR"
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
