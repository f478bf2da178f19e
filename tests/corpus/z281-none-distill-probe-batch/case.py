import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

N_SENSORS = 12
N_STATES = 5
TEMP = 2.0
ALPHA = 0.7


def make_readings(n):
    # synthetic vibration features for 5 machine states
    states = torch.randint(0, N_STATES, (n,))
    centers = torch.randn(N_STATES, N_SENSORS) * 2
    readings = centers[states] + 0.5 * torch.randn(n, N_SENSORS)
    return readings, states


class Teacher(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(N_SENSORS, 128), nn.ReLU(),
            nn.Linear(128, 128), nn.ReLU(),
            nn.Linear(128, N_STATES),
        )

    def forward(self, x):
        return self.body(x)


class Student(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(N_SENSORS, 16), nn.ReLU(), nn.Linear(16, N_STATES))

    def forward(self, x):
        return self.body(x)


def kd_loss(student_logits, teacher_logits, targets):
    soft = F.kl_div(
        F.log_softmax(student_logits / TEMP, dim=-1),
        F.softmax(teacher_logits / TEMP, dim=-1),
        reduction="batchmean",
    ) * TEMP * TEMP
    hard = F.cross_entropy(student_logits, targets)
    return ALPHA * soft + (1 - ALPHA) * hard


readings, states = make_readings(180)
loader = DataLoader(TensorDataset(readings, states), batch_size=32, shuffle=True)

teacher = Teacher()
opt_t = torch.optim.Adam(teacher.parameters(), lr=1e-2)
for epoch in range(5):
    for xb, yb in loader:
        opt_t.zero_grad()
        F.cross_entropy(teacher(xb), yb).backward()
        opt_t.step()
teacher.eval()

# quick look at what the teacher predicts before distilling
probe_x, probe_y = next(iter(loader))
with torch.no_grad():
    probe_acc = (teacher(probe_x).argmax(-1) == probe_y).float().mean()
print(f"teacher probe acc: {probe_acc:.2f}")

student = Student()
opt_s = torch.optim.Adam(student.parameters(), lr=5e-3)
for epoch in range(3):
    running = 0.0
    for sensor_batch, state_batch in loader:
        with torch.no_grad():
            t_logits = teacher(probe_x)
        s_logits = student(sensor_batch)
        loss = kd_loss(s_logits, t_logits, state_batch)
        opt_s.zero_grad()
        loss.backward()
        opt_s.step()
        running += loss.item()
    print(f"epoch {epoch} kd loss {running / len(loader):.4f}")
