# syntax=docker/dockerfile:1
# Portfel's container image: built in a Rust image, run from a slim Debian
# image as an unprivileged user, with the PostgreSQL client tools that
# `portfel backup` and `portfel restore` use on PostgreSQL.

FROM rust:1.95-bookworm AS build
# Cargo features to build in, e.g. `--build-arg FEATURES=highs` for the HiGHS
# solver (national-scale plans), which needs cmake and libclang to build.
ARG FEATURES=""
RUN if [ -n "$FEATURES" ]; then \
      apt-get update && apt-get install -y --no-install-recommends cmake libclang-dev \
      && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin portfel --features "$FEATURES" \
    && install -m 0755 target/release/portfel /usr/local/bin/portfel

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/portfel --create-home --shell /usr/sbin/nologin portfel
COPY --from=build /usr/local/bin/portfel /usr/local/bin/portfel
USER portfel
WORKDIR /var/lib/portfel
ENV PORTFEL_BIND=0.0.0.0:8080 \
    PORTFEL_DATABASE_URL=sqlite:///var/lib/portfel/portfel.db?mode=rwc \
    PORTFEL_JWT_SECRET_FILE=/var/lib/portfel/jwt.secret \
    PORTFEL_LOG_FORMAT=json
VOLUME ["/var/lib/portfel"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["portfel", "probe"]
ENTRYPOINT ["portfel"]
CMD ["serve"]
