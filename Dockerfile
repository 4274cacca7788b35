# Groene Krokodil: one image for every replica, the migration Job and one-off commands.
#
#   docker build -t krokodil:0.1.0 .
#   docker run --rm -e KROKODIL_DATABASE_URL=… krokodil:0.1.0 db upgrade     # migrations, once
#   docker run -d -p 8080:8080 -e KROKODIL_DATABASE_URL=… -e SLACK_BOT_TOKEN=… … krokodil:0.1.0
#
# Configuration comes only from environment variables (docs/deploy.md, section 3); the image
# holds no config file and no secret. Offline machines build FROM a local base: see
# deploy/local-base.sh. Works with BuildKit and with the classic builder.

# Any Debian-like image with Python 3.11, venv and apt: the official one, a mirror of it in the
# municipality's own registry, or deploy/local-base.sh's debootstrap image.
ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS build
# Build arguments of this stage never reach the final image:
# PIP_INDEX_URL: the package index pip uses while building (a mirror in your own network);
# EXTRA_CA_CERTS: PEM certificates pip trusts besides the system's (a TLS-inspecting proxy's CA).
ARG PIP_INDEX_URL=https://pypi.org/simple
ARG EXTRA_CA_CERTS=""
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PIP_INDEX_URL=${PIP_INDEX_URL} \
    PIP_CERT=/tmp/build-ca.pem
RUN { cat /etc/ssl/certs/ca-certificates.crt; printf '%s\n' "$EXTRA_CA_CERTS"; } > /tmp/build-ca.pem
# tini becomes PID 1: it passes SIGTERM on to the bot and reaps what it leaves behind.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/krokodil/venv
WORKDIR /opt/krokodil/app
# Dependencies first, from pyproject.toml alone, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python3 -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && /opt/krokodil/venv/bin/pip install -r /tmp/requirements.txt
COPY . .
# Installed from this checkout in place: migrations, alembic.ini and the translations are found
# next to the code. pip and setuptools then leave the venv (the app does not use them). The
# venv is the same for every code change (nothing compiled in this step), so the image's
# dependency layer stays the same between releases; only the app's layer changes. The app's
# modules are compiled here, because the running image cannot write .pyc files.
RUN export PYTHONDONTWRITEBYTECODE=1 \
    && /opt/krokodil/venv/bin/pip install --no-deps --no-compile -e . \
    && /opt/krokodil/venv/bin/pip uninstall -q -y pip setuptools \
    && /opt/krokodil/venv/bin/python -m compileall -q -j 0 /opt/krokodil/app \
    && rm -rf /opt/krokodil/app/build

FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title="Groene Krokodil" \
      org.opencontainers.image.description="Chat bot for professionals in a municipality's social domain" \
      org.opencontainers.image.licenses="EUPL-1.2"
RUN groupadd --system --gid 10001 krokodil \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/krokodil \
       --shell /usr/sbin/nologin krokodil \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/krokodil
COPY --from=build /usr/bin/tini-static /usr/bin/tini
COPY --from=build /opt/krokodil/venv /opt/krokodil/venv
COPY --from=build /opt/krokodil/app /opt/krokodil/app
ENV PATH=/opt/krokodil/venv/bin:$PATH \
    LANG=C.UTF-8 \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    KROKODIL_HOST=0.0.0.0 \
    KROKODIL_PORT=8080
# The SQLite file of a trial run (no KROKODIL_DATABASE_URL) lands here; production uses PostgreSQL.
WORKDIR /var/lib/krokodil
USER 10001:10001
EXPOSE 8080
# Liveness only: /readyz (the database) is for load balancers and Kubernetes.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('KROKODIL_PORT', '8080'), timeout=4)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "krokodil"]
# Migrations are a separate step (`db upgrade`), so replicas never race to migrate.
CMD ["run", "--no-migrate"]
