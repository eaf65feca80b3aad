# The compose demo's "Windows-like client": Python and dnspython running windows_client.py.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-dnspython \
 && rm -rf /var/lib/apt/lists/*
COPY docker/demo/windows_client.py /demo/windows_client.py
USER 65534:65534
ENTRYPOINT ["python3", "/demo/windows_client.py"]
