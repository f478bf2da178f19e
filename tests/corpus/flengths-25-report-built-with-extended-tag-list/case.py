"""Entity-type classifier for spans; a small report object prints the per-type recall after each epoch."""
import torch
import torch.nn as nn

torch.manual_seed(5)
ENTITY_TYPES = ["PER", "ORG", "LOC"]
ALL_TAGS = ["O"] + ENTITY_TYPES  # the tagger's full tag set, outside-of-entity first


class RecallReport:
    """Recall per entity type from a confusion matrix."""

    def __init__(self, names, digits=2):
        self.digits = digits
        self.names = names

    def __call__(self, confusion):
        recall = confusion.diag() / confusion.sum(dim=1).clamp(min=1)
        for i in range(len(self.names)):
            print(f"  {self.names[i]:>4}: {recall[i].item():.{self.digits}f}")


spans = torch.randn(60, 10)
types = torch.randint(0, len(ENTITY_TYPES), (60,))
clf = nn.Linear(10, len(ENTITY_TYPES))
opt = torch.optim.Adam(clf.parameters(), lr=0.05)
report = RecallReport(names=ALL_TAGS)

for epoch in range(2):
    loss = nn.functional.cross_entropy(clf(spans), types)
    opt.zero_grad()
    loss.backward()
    opt.step()
    pred = clf(spans).argmax(-1)
    confusion = torch.zeros(len(ENTITY_TYPES), len(ENTITY_TYPES))
    for t, p in zip(types.tolist(), pred.tolist()):
        confusion[t, p] += 1
    report(confusion)
