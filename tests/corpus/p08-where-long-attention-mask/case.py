"""POS tagger training loop: BiLSTM over word ids, padded positions ignored in the loss."""
import torch
import torch.nn as nn

torch.manual_seed(0)
NUM_TAGS = 17
IGNORE_INDEX = -100


def make_batch(batch_size=4, max_len=15):
    lengths = torch.tensor([15, 11, 8, 13])
    attention_mask = (torch.arange(max_len)[None, :] < lengths[:, None]).long()
    return {
        "input_ids": torch.randint(1, 800, (batch_size, max_len)) * attention_mask,
        "attention_mask": attention_mask,
        "tags": torch.randint(0, NUM_TAGS, (batch_size, max_len)),
    }


class BiLSTMTagger(nn.Module):
    def __init__(self, vocab_size=800, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.lstm = nn.LSTM(dim, dim, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * dim, NUM_TAGS)

    def forward(self, input_ids):
        out, _ = self.lstm(self.embed(input_ids))
        return self.proj(out)


model = BiLSTMTagger()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.CrossEntropyLoss(ignore_index=IGNORE_INDEX)

for step in range(3):
    batch = make_batch()
    labels = torch.where(batch["attention_mask"], batch["tags"], IGNORE_INDEX)
    logits = model(batch["input_ids"])
    loss = loss_fn(logits.view(-1, NUM_TAGS), labels.view(-1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
