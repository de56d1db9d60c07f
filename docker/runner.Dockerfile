# pgwarden's runner in watch mode as a container, for a server where PL/Java cannot go (RDS,
# Aurora, Cloud SQL, Azure): it applies warden.policy every interval. The build context is
# the directory that holds pgwarden-cli.jar: target/ in the project, after the jars are
# built, or the root of the unpacked distribution archive:
#
#   mvn -B -q package -DskipTests
#   docker build -f docker/runner.Dockerfile -t pgwarden-watch target/
#   (in the unpacked archive: docker build -f docker/runner.Dockerfile -t pgwarden-watch .)
#
# Run it with the libpq variables and the options of install/pgwarden-watch.env
# (PGWARDEN_INTERVAL, PGWARDEN_OPTIONS, PGWARDEN_JAVA_OPTIONS mean what they mean to the
# systemd unit), and the password in a mounted password file that uid 65532 can read, mode
# 0600 (libpq's rule), never in the image:
#
#   install -m 0600 -o 65532 -g 65532 /etc/pgwarden/pgpass /etc/pgwarden/pgpass.docker
#   docker run -d --name pgwarden-watch --env-file watch.env --stop-timeout 960 \
#       -v /etc/pgwarden/pgpass.docker:/run/secrets/pgpass:ro \
#       -e PGPASSFILE=/run/secrets/pgpass -e PGWARDEN_OPTIONS="--log-format json \
#       --metrics-port 9187 --metrics-address 0.0.0.0" -p 127.0.0.1:9187:9187 pgwarden-watch
#
# docker stop sends SIGTERM: the runner finishes the run under way and exits 0. A run waits
# up to each policy's grace (at most 10 minutes), so --stop-timeout (docker's default is 10
# s) must exceed the longest run, or the SIGKILL loses that run's audit rows. Inside the
# container /metrics must listen beyond loopback for -p to reach it; publish the port on the
# host's loopback only, as above.
FROM eclipse-temurin:17-jre

COPY pgwarden-cli.jar /opt/pgwarden/pgwarden-cli.jar

# No account of the image's: any uid works, and none is root.
USER 65532:65532
EXPOSE 9187
ENV PGWARDEN_INTERVAL=30s \
    PGWARDEN_OPTIONS="--log-format json" \
    PGWARDEN_JAVA_OPTIONS="-XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1"

# The shell only expands the variables as systemd does ($VAR split into words, the interval
# one word) and is replaced by java: SIGTERM reaches the JVM.
ENTRYPOINT ["/bin/sh", "-c", "exec java $PGWARDEN_JAVA_OPTIONS -jar /opt/pgwarden/pgwarden-cli.jar watch --interval \"$PGWARDEN_INTERVAL\" $PGWARDEN_OPTIONS"]
