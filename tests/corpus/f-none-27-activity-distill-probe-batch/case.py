import torch
from torch import nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

ACTIVITIES = ["walking", "running", "sitting", "stairs", "cycling"]
WINDOW = 50
TEMPERATURE = 3.0


def synth_windows(n):
    labels = torch.randint(0, len(ACTIVITIES), (n,))
    t = torch.linspace(0, 2 * torch.pi, WINDOW)
    freq = (labels.float() + 1)[:, None]
    axes = torch.stack([torch.sin(freq * t), torch.cos(freq * t), 0.5 * torch.sin(2 * freq * t)], dim=1)
    return axes + 0.4 * torch.randn(n, 3, WINDOW), labels


def mlp(hidden):
    return nn.Sequential(nn.Flatten(), nn.Linear(3 * WINDOW, hidden), nn.ReLU(),
                         nn.Linear(hidden, len(ACTIVITIES)))


windows, labels = synth_windows(500)
loader = DataLoader(TensorDataset(windows, labels), batch_size=64, shuffle=True)

teacher = mlp(256)
opt_t = torch.optim.Adam(teacher.parameters(), lr=1e-3)
for _ in range(3):
    for xb, yb in loader:
        loss = F.cross_entropy(teacher(xb), yb)
        opt_t.zero_grad()
        loss.backward()
        opt_t.step()
teacher.eval()

probe_x, probe_y = next(iter(loader))
with torch.no_grad():
    probe_acc = (teacher(probe_x).argmax(1) == probe_y).float().mean().item()
print(f"teacher accuracy on probe batch: {probe_acc:.2f}")

student = mlp(16)
opt_s = torch.optim.Adam(student.parameters(), lr=3e-3)
for epoch in range(3):
    student.train()
    for xb, yb in loader:
        with torch.no_grad():
            soft_targets = F.softmax(teacher(probe_x) / TEMPERATURE, dim=1)
        student_logits = student(xb)
        distill = F.kl_div(F.log_softmax(student_logits / TEMPERATURE, dim=1), soft_targets,
                           reduction="batchmean") * TEMPERATURE ** 2
        loss = 0.7 * distill + 0.3 * F.cross_entropy(student_logits, yb)
        opt_s.zero_grad()
        loss.backward()
        opt_s.step()
    with torch.no_grad():
        acc = (student(windows).argmax(1) == labels).float().mean().item()
    print(f"epoch {epoch}: loss {loss.item():.3f} student acc {acc:.2f}")
