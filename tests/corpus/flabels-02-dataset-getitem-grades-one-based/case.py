"""Essay grading (grades 1-4) with a tiny BERT; the Dataset hands out dicts and the model computes the loss."""
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification

torch.manual_seed(0)
GRADES = 4
essays = [([5, 9, 12, 7], 2), ([8, 3, 3, 11], 1), ([6, 6, 14, 2], 4), ([9, 10, 4, 4], 3), ([7, 7, 7, 13], 2),
          ([12, 5, 8, 9], 4)]


class EssaySet(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        tokens, grade = self.rows[i]
        return {"input_ids": torch.tensor(tokens), "labels": torch.tensor(grade)}


net = BertForSequenceClassification(BertConfig(vocab_size=20, hidden_size=16, num_hidden_layers=1,
                                               num_attention_heads=2, intermediate_size=32, num_labels=GRADES))
opt = torch.optim.AdamW(net.parameters(), lr=1e-3)
net.train()
for step, batch in enumerate(DataLoader(EssaySet(essays), batch_size=2)):
    loss = net(**batch).loss
    loss.backward()
    opt.step()
    opt.zero_grad()
    print(step, round(loss.item(), 3))
