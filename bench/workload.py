"""A script doing real tensor work (matmuls, a small MLP trained for a few hundred steps) that exits normally.

`python bench/workload.py [SCALE]`; with BENCH_PROBE=path it writes, at exit, what explainerr must not have
changed: live threads, and the trace/profile functions of this thread and of new threads."""
import json
import os
import sys
import threading
import time

START = time.perf_counter()
import torch  # noqa: E402

scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
torch.manual_seed(0)
torch.set_num_threads(1)

a = torch.randn(512, 512)
for _ in range(int(150 * scale)):
    a = torch.tanh(a @ a.T / 512)

model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.05)
x, y = torch.randn(512, 64), torch.randint(0, 10, (512,))
for _ in range(int(300 * scale)):
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()

if os.environ.get("BENCH_PROBE"):
    with open(os.environ["BENCH_PROBE"], "w") as f:
        json.dump({"threads": threading.active_count(), "thread_names": sorted(t.name for t in threading.enumerate()),
                   "sys_trace": repr(sys.gettrace()), "sys_profile": repr(sys.getprofile()),
                   "threading_trace": repr(threading.gettrace()), "threading_profile": repr(threading.getprofile()),
                   "excepthook": getattr(sys.excepthook, "__module__", None), "loss": loss.item(),
                   "script_s": time.perf_counter() - START}, f)
