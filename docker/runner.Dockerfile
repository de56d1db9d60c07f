# pgwarden's runner in watch mode as a container, for a server where PL/Java cannot go (RDS,
# Aurora, Cloud SQL, Azure): it applies warden.policy every interval. The build context is
# the directory that holds pgwarden-cli.jar: target/ in the project, after the jars are
# built, or the root of the unpacked distribution archive:
#
#   mvn -B -q package -DskipTests
#   docker build -f docker/runner.Dockerfile -t pgwarden-watch target/
#   (in the unpacked archive: docker build -f docker/runner.Dockerfile -t pgwarden-watch .)
#
# Run it with the libpq variables (see install/pgwarden-watch.env) and the password in a
# mounted password file, never in the image:
#
#   docker run -d --name pgwarden-watch --env-file watch.env \
#       -v /etc/pgwarden/pgpass:/run/secrets/pgpass:ro -e PGPASSFILE=/run/secrets/pgpass \
#       -p 127.0.0.1:9187:9187 pgwarden-watch
#
# docker stop sends SIGTERM: the runner finishes the run under way and exits 0.
FROM eclipse-temurin:17-jre

COPY pgwarden-cli.jar /opt/pgwarden/pgwarden-cli.jar

# No account of the image's: any uid works, and none is root.
USER 65532:65532
EXPOSE 9187

ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1", \
            "-jar", "/opt/pgwarden/pgwarden-cli.jar", "watch"]
# Inside the container /metrics must listen beyond loopback for -p to reach it; publish the
# port on the host's loopback only, as above.
CMD ["--interval", "30s", "--log-format", "json", \
     "--metrics-port", "9187", "--metrics-address", "0.0.0.0"]
