"""Multi-task fine-tuning: one shared BERT encoder, one classification head per task, batches of the two
tasks interleaved step by step."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
TASKS = {"sentiment": 3, "topic": 5}

sentiment_data = [("the food was great", 2), ("service was slow", 0), ("it was okay", 1),
                  ("loved the staff", 2), ("cold and bland soup", 0), ("nothing special", 1)]
topic_data = [("the food was great", 0), ("service was slow", 1), ("prices are too high", 2),
              ("parking was hard to find", 3), ("the room was clean", 4), ("staff were rude", 1)]

tmp = tempfile.mkdtemp()
words = sorted({w for t, _ in sentiment_data + topic_data for w in t.split()})
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))


class MultiTaskModel(nn.Module):
    def __init__(self, encoder_config, tasks):
        super().__init__()
        self.encoder = BertModel(encoder_config)
        self.dropout = nn.Dropout(0.1)
        self.heads = nn.ModuleDict({name: nn.Linear(encoder_config.hidden_size, n) for name, n in tasks.items()})

    def forward(self, input_ids, attention_mask, task):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.heads[task](self.dropout(hidden[:, 0]))


def collate(rows):
    enc = tokenizer([t for t, _ in rows], padding=True, return_tensors="pt")
    enc["labels"] = torch.tensor([y for _, y in rows])
    return enc


model = MultiTaskModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                  num_attention_heads=2, intermediate_size=64, max_position_embeddings=32), TASKS)
loaders = {
    "topic": DataLoader(topic_data, batch_size=3, shuffle=True, collate_fn=collate),
    "sentiment": DataLoader(sentiment_data, batch_size=3, shuffle=True, collate_fn=collate),
}
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)

for epoch in range(2):
    for batches in zip(*loaders.values()):
        loss = 0.0
        for task, batch in zip(TASKS, batches):
            logits = model(batch["input_ids"], batch["attention_mask"], task)
            loss = loss + F.cross_entropy(logits, batch["labels"])
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(f"epoch {epoch}: joint loss {loss.item():.3f}")
