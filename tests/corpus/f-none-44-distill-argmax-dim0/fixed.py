import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {
    "n_features": 20,
    "n_classes": 6,
    "n_samples": 600,
    "batch_size": 48,
    "teacher_hidden": 128,
    "student_hidden": 16,
    "teacher_epochs": 30,
    "student_epochs": 5,
    "lr": 1e-2,
    "temperature": 2.0,
}


def make_sensor_data(cfg, seed=0):
    g = torch.Generator().manual_seed(seed)
    centers = torch.randn(cfg["n_classes"], cfg["n_features"], generator=g) * 2.0
    y = torch.randint(0, cfg["n_classes"], (cfg["n_samples"],), generator=g)
    x = centers[y] + torch.randn(cfg["n_samples"], cfg["n_features"], generator=g)
    return x, y


def mlp(in_dim, hidden, out_dim):
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Linear(hidden, out_dim))


def batches(n, bs, shuffle=True):
    order = torch.randperm(n) if shuffle else torch.arange(n)
    for i in range(0, n, bs):
        yield order[i:i + bs]


def fit_teacher(teacher, x, y, cfg):
    opt = torch.optim.Adam(teacher.parameters(), lr=cfg["lr"])
    teacher.train()
    for _ in range(cfg["teacher_epochs"]):
        for idx in batches(len(x), cfg["batch_size"]):
            loss = F.cross_entropy(teacher(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    teacher.eval()


def pseudo_label(teacher, xb, temperature):
    with torch.no_grad():
        probs = F.softmax(teacher(xb) / temperature, dim=-1)
    hard = probs.argmax(1)
    conf = probs.amax(dim=-1)
    return hard, conf


def distill_student(student, teacher, unlabeled, cfg):
    opt = torch.optim.SGD(student.parameters(), lr=cfg["lr"] * 5, momentum=0.9)
    for epoch in range(cfg["student_epochs"]):
        total, n = 0.0, 0
        for idx in batches(len(unlabeled), cfg["batch_size"]):
            xb = unlabeled[idx]
            hard, conf = pseudo_label(teacher, xb, cfg["temperature"])
            logits = student(xb)
            loss = (F.cross_entropy(logits, hard, reduction="none") * conf).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            n += len(idx)
        print(f"student epoch {epoch}: weighted ce {total / n:.4f}")


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(dim=-1) == y).float().mean().item()


def main():
    torch.manual_seed(0)
    x, y = make_sensor_data(CFG)
    labeled, unlabeled = slice(0, 200), slice(200, 500)
    test = slice(500, None)

    teacher = mlp(CFG["n_features"], CFG["teacher_hidden"], CFG["n_classes"])
    fit_teacher(teacher, x[labeled], y[labeled], CFG)
    print(f"teacher test acc: {accuracy(teacher, x[test], y[test]):.3f}")

    student = mlp(CFG["n_features"], CFG["student_hidden"], CFG["n_classes"])
    distill_student(student, teacher, x[unlabeled], CFG)
    print(f"student test acc: {accuracy(student, x[test], y[test]):.3f}")


if __name__ == "__main__":
    main()
