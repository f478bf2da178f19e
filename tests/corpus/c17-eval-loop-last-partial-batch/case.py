"""Error analysis pass: collect misclassified validation reviews batch by batch."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
BATCH_SIZE = 4
SEQ_LEN = 12


class BagOfEmbeddings(nn.Module):
    def __init__(self, vocab=500, dim=24, classes=3):
        super().__init__()
        self.emb = nn.EmbeddingBag(vocab, dim, mode="mean")
        self.fc = nn.Linear(dim, classes)

    def forward(self, ids):
        return self.fc(self.emb(ids))


val_ids = torch.randint(1, 500, (10, SEQ_LEN))
val_labels = torch.randint(0, 3, (10,))
loader = DataLoader(TensorDataset(val_ids, val_labels), batch_size=BATCH_SIZE)
model = BagOfEmbeddings().eval()

mistakes = []
with torch.no_grad():
    for batch_idx, (ids, labels) in enumerate(loader):
        preds = model(ids).argmax(dim=-1)
        for i in range(BATCH_SIZE):
            if preds[i] != labels[i]:
                mistakes.append((batch_idx * BATCH_SIZE + i, int(preds[i]), int(labels[i])))
print(f"{len(mistakes)} misclassified of {len(val_labels)}")
