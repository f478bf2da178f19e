"""Multi-task classifier for a museum artifact catalogue.

One shared encoder reads the condition-survey features of an object; three task
heads predict its material, whether it is a replica, and its period.
The survey export numbers the tasks 1..3.
"""
import csv
import io
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

TASK_LABELS = [
    ["ceramic", "bronze", "textile", "wood"],                      # task 1: material
    ["original", "replica"],                                       # task 2: authenticity
    ["neolithic", "bronze_age", "iron_age", "roman", "medieval",
     "early_modern", "modern"],                                    # task 3: period
]

SURVEY_EXPORT = """task_no,label,f1,f2,f3,f4,f5
1,ceramic,0.8,0.1,0.3,0.5,0.2
1,wood,0.2,0.7,0.6,0.1,0.4
1,bronze,0.9,0.4,0.1,0.7,0.3
2,replica,0.3,0.3,0.9,0.2,0.8
2,original,0.6,0.5,0.2,0.4,0.1
3,roman,0.5,0.2,0.4,0.9,0.6
3,modern,0.1,0.9,0.8,0.3,0.7
3,neolithic,0.7,0.6,0.1,0.2,0.2
1,textile,0.2,0.8,0.5,0.3,0.9
3,medieval,0.4,0.4,0.6,0.6,0.5
"""


def load_survey(text):
    by_task = {}
    for row in csv.DictReader(io.StringIO(text)):
        task_no = int(row["task_no"])
        label_id = TASK_LABELS[task_no - 1].index(row["label"])
        feats = [float(row[f"f{i}"]) for i in range(1, 6)]
        by_task.setdefault(task_no, []).append((feats, label_id))
    return by_task


class CatalogueNet(nn.Module):
    def __init__(self, n_in, h=24):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(n_in, h), nn.Tanh(), nn.Linear(h, h), nn.Tanh())
        self.heads = nn.ModuleList([nn.Linear(h, len(labels)) for labels in TASK_LABELS])

    def forward(self, x, task_no):
        z = self.encoder(x)
        head = self.heads[task_no % 3]
        return head(z)


def main():
    by_task = load_survey(SURVEY_EXPORT)
    for task_no in sorted(by_task):
        print(f"task {task_no}: {len(by_task[task_no])} objects, {len(TASK_LABELS[task_no - 1])} classes")

    model = CatalogueNet(5)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

    tasks = sorted(by_task)
    for epoch in range(5):
        random.shuffle(tasks)
        total = 0.0
        for task_no in tasks:
            feats, labels = zip(*by_task[task_no])
            x = torch.tensor(feats)
            y = torch.tensor(labels)
            logits = model(x, task_no)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: summed task loss {total:.3f}")

    with torch.no_grad():
        feats, labels = zip(*by_task[3])
        pred = model(torch.tensor(feats), 3).argmax(-1)
        print("period predictions:", [TASK_LABELS[2][i] for i in pred.tolist()])


if __name__ == "__main__":
    main()
