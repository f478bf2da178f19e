import csv
import os
import random
import re
from collections import Counter, defaultdict
from datetime import datetime, timezone

import numpy as np
import torch
import torch.nn as nn

random.seed(42)
np.random.seed(42)
torch.manual_seed(42)

HERE = os.path.dirname(os.path.abspath(__file__))
SYSLOG_PATH = os.path.join(HERE, "fleet_syslog.log")
METRICS_PATH = os.path.join(HERE, "node_metrics.csv")

HOSTS = ["web-01", "web-02", "db-01", "cache-01"]
WINDOW_S = 60
N_WINDOWS = 90
T0 = 1700000040
SCRAPE_OFFSET_S = 30

LOG_TEMPLATES = {
    "sshd_accept": "sshd[{pid}]: Accepted publickey for deploy from 10.1.{a}.{b} port {port}",
    "sshd_fail": "sshd[{pid}]: Failed password for invalid user admin from 203.0.{a}.{b} port {port}",
    "cron": "CRON[{pid}]: (root) CMD (/usr/local/bin/rotate-logs.sh)",
    "oom": "kernel: Out of memory: Killed process {pid} (java) total-vm:{vm}kB",
    "nginx_5xx": "nginx[{pid}]: upstream timed out (110: Connection timed out) while reading response header",
    "systemd_restart": "systemd[1]: app.service: Scheduled restart job, restart counter is at {a}.",
}
EVENT_NAMES = sorted(LOG_TEMPLATES)
LINE_RE = re.compile(r"^(?P<ts>\S+) (?P<host>\S+) (?P<proc>[\w\-]+)(\[\d+\])?: (?P<msg>.*)$")


def generate_fleet_data():
    incident = range(60, 66)
    with open(SYSLOG_PATH, "w") as logf:
        for w in range(N_WINDOWS):
            for host in HOSTS:
                n = np.random.poisson(6)
                events = random.choices(["sshd_accept", "cron", "sshd_fail"], weights=[5, 2, 1], k=n)
                if w in incident and host.startswith("web"):
                    events += ["nginx_5xx"] * 8 + ["oom", "systemd_restart"]
                for ev in events:
                    ts = T0 + w * WINDOW_S + random.randint(0, WINDOW_S - 1)
                    iso = datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                    msg = LOG_TEMPLATES[ev].format(pid=random.randint(100, 65000), a=random.randint(0, 255),
                                                   b=random.randint(0, 255), port=random.randint(1024, 65535),
                                                   vm=random.randint(10**6, 10**7))
                    logf.write(f"{iso} {host} {msg}\n")

    with open(METRICS_PATH, "w", newline="") as mf:
        writer = csv.writer(mf)
        writer.writerow(["timestamp", "instance", "cpu_util", "mem_used_pct", "load1", "net_rx_mbps"])
        for w in range(N_WINDOWS):
            scrape_ts = T0 + w * WINDOW_S + SCRAPE_OFFSET_S
            for host in HOSTS:
                spike = 1.0 if (w in incident and host.startswith("web")) else 0.0
                writer.writerow([
                    scrape_ts, host,
                    round(np.clip(np.random.normal(35 + 50 * spike, 5), 0, 100), 2),
                    round(np.clip(np.random.normal(55 + 35 * spike, 4), 0, 100), 2),
                    round(abs(np.random.normal(1.2 + 6 * spike, 0.3)), 2),
                    round(abs(np.random.normal(40, 8)), 2),
                ])


def classify_line(msg):
    if "Accepted publickey" in msg:
        return "sshd_accept"
    if "Failed password" in msg:
        return "sshd_fail"
    if "CMD (" in msg:
        return "cron"
    if "Out of memory" in msg:
        return "oom"
    if "upstream timed out" in msg:
        return "nginx_5xx"
    if "Scheduled restart" in msg:
        return "systemd_restart"
    return None


def window_log_counts(path):
    counts = defaultdict(Counter)
    with open(path) as f:
        for line in f:
            m = LINE_RE.match(line.rstrip("\n"))
            if not m:
                continue
            ts = int(datetime.strptime(m["ts"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())
            bucket = ts - ts % WINDOW_S
            ev = classify_line(m["msg"])
            if ev is not None:
                counts[(m["host"], bucket)][ev] += 1
    return counts


def load_metrics(path):
    metrics = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            ts = int(row["timestamp"])
            bucket = ts - ts % WINDOW_S
            metrics[(row["instance"], bucket)] = [float(row[k]) for k in ("cpu_util", "mem_used_pct", "load1", "net_rx_mbps")]
    return metrics


def build_feature_matrix(log_counts, metrics):
    keys = sorted(log_counts, key=lambda k: (k[1], k[0]))
    rows = []
    for host, bucket in keys:
        ev_vec = [log_counts[(host, bucket)][e] for e in EVENT_NAMES]
        rows.append(ev_vec + metrics[(host, bucket)])
    X = np.asarray(rows, dtype=np.float32)
    X = (X - X.mean(0)) / (X.std(0) + 1e-6)
    return keys, X


class WindowAutoencoder(nn.Module):
    def __init__(self, n_features, bottleneck=3):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(n_features, 16), nn.ReLU(), nn.Linear(16, bottleneck))
        self.dec = nn.Sequential(nn.Linear(bottleneck, 16), nn.ReLU(), nn.Linear(16, n_features))

    def forward(self, x):
        return self.dec(self.enc(x))


def main():
    generate_fleet_data()
    log_counts = window_log_counts(SYSLOG_PATH)
    metrics = load_metrics(METRICS_PATH)
    keys, X = build_feature_matrix(log_counts, metrics)
    print(f"{len(keys)} (host, window) rows, {X.shape[1]} features")

    X_t = torch.from_numpy(X)
    n_train = int(0.6 * len(X_t))
    model = WindowAutoencoder(X_t.shape[1])
    optim = torch.optim.Adam(model.parameters(), lr=5e-3)
    for epoch in range(150):
        recon = model(X_t[:n_train])
        loss = ((recon - X_t[:n_train]) ** 2).mean()
        optim.zero_grad()
        loss.backward()
        optim.step()

    with torch.no_grad():
        err = ((model(X_t) - X_t) ** 2).mean(1).numpy()
    thresh = np.percentile(err[:n_train], 99)
    flagged = [keys[i] for i in np.where(err > thresh)[0]]
    print(f"threshold {thresh:.3f}, flagged {len(flagged)} windows")
    for host, bucket in flagged[:10]:
        print("  ", host, datetime.fromtimestamp(bucket, tz=timezone.utc).isoformat())


if __name__ == "__main__":
    main()
