# Odyssée API server.
#   docker build -t odyssee .
#   docker run --rm -v odyssee-data:/data odyssee odyssee demo     # optional: load the demo Perche
#   docker run -d -p 8000:8000 -v odyssee-data:/data odyssee
# Settings are ODYSSEE_* environment variables (see README); the data directory is the volume /data.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY . .
# A self-contained virtualenv, copied whole into the runtime image (same base, same path).
RUN python -m venv /opt/odyssee \
 && /opt/odyssee/bin/pip install --no-cache-dir .

FROM python:3.11-slim
ENV PATH=/opt/odyssee/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    ODYSSEE_DATA_DIR=/data
RUN groupadd --system --gid 10001 odyssee \
 && useradd --system --uid 10001 --gid odyssee --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin odyssee \
 && mkdir /data \
 && chown odyssee:odyssee /data
COPY --from=build /opt/odyssee /opt/odyssee
# Numeric, so orchestrators can verify runAsNonRoot without reading /etc/passwd.
USER 10001:10001
WORKDIR /data
# SQLite database, blobs and signing keys: keep them outside the container.
VOLUME ["/data"]
EXPOSE 8000
# slim has no curl; the standard library is enough to probe the health endpoint.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=4); sys.exit(0 if r.status == 200 else 1)"]
# --init: a new, empty volume gets an empty store (without it, serve refuses a data folder with no store).
CMD ["odyssee", "serve", "--init", "--host", "0.0.0.0", "--port", "8000"]
