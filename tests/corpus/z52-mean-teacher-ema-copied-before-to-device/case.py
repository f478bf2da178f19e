"""Mean Teacher (Tarvainen & Valpola, 2017) for intent classification on frozen sentence features.

A few labelled features, many unlabelled ones; the teacher is an exponential moving average of the student
and the student is pulled towards the teacher's predictions on noisy copies of the unlabelled features.
DEVICE is CUDA when available; on CPU-only machines the meta device stands in for the accelerator.
"""
import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "meta")
FEATURE_DIM, N_CLASSES, EMA_DECAY, CONSISTENCY = 24, 3, 0.99, 10.0
torch.manual_seed(0)

labelled_x = torch.randn(12, FEATURE_DIM)
labelled_y = torch.randint(0, N_CLASSES, (12,))
unlabelled_x = torch.randn(60, FEATURE_DIM)


def sigmoid_rampup(current, rampup_length):
    """Exponential rampup from https://arxiv.org/abs/1610.02242"""
    if rampup_length == 0:
        return 1.0
    phase = 1.0 - max(0.0, min(current, rampup_length)) / rampup_length
    return float(math.exp(-5.0 * phase * phase))


def ema_update(teacher, student, decay):
    with torch.no_grad():
        for t_param, s_param in zip(teacher.parameters(), student.parameters()):
            t_param.mul_(decay).add_(s_param, alpha=1 - decay)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(FEATURE_DIM, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, N_CLASSES))

    def forward(self, x):
        return self.net(x)


student = Classifier()
teacher = copy.deepcopy(student)
for p in teacher.parameters():
    p.requires_grad_(False)
student.to(DEVICE)
optimizer = torch.optim.Adam(student.parameters(), lr=1e-3)

steps = 4
for step in range(steps):
    u = unlabelled_x[torch.randperm(len(unlabelled_x))[:16]].to(DEVICE)
    x, y = labelled_x.to(DEVICE), labelled_y.to(DEVICE)
    student_logits = student(torch.cat([x, u + 0.1 * torch.randn_like(u)]))
    with torch.no_grad():
        teacher_probs = teacher(u + 0.1 * torch.randn_like(u)).softmax(-1)
    class_loss = F.cross_entropy(student_logits[: len(x)], y)
    consistency_loss = F.mse_loss(student_logits[len(x):].softmax(-1), teacher_probs)
    loss = class_loss + CONSISTENCY * sigmoid_rampup(step, steps // 2) * consistency_loss
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    ema_update(teacher, student, EMA_DECAY)
print(f"trained {steps} steps on {DEVICE}")
