"""Tag VHF maritime radio transcripts with an incident type (tiny BERT, Accelerate loop)."""
import os
import random
import tempfile

import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

INCIDENTS = ["mayday", "pan_pan", "securite", "routine"]
PHRASES = {
    "mayday": "mayday taking water sinking abandon vessel",
    "pan_pan": "pan engine failure drifting tow request",
    "securite": "securite navigation warning buoy adrift debris",
    "routine": "radio check channel sixteen over out",
}
COMMON = "this is vessel position north west knots crew aboard".split()
SEQ_LEN = 24


def write_vocab(folder):
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + COMMON
    for phrase in PHRASES.values():
        words += phrase.split()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(dict.fromkeys(words)) + "\n")
    return path


def fake_transcripts(n, rng):
    out = []
    for _ in range(n):
        label = rng.randrange(len(INCIDENTS))
        toks = rng.sample(COMMON, 4) + PHRASES[INCIDENTS[label]].split()[: rng.randint(3, 6)]
        rng.shuffle(toks)
        out.append((" ".join(toks), label))
    return out


class TranscriptSet(Dataset):
    def __init__(self, items, tokenizer):
        self.items = items
        self.tokenizer = tokenizer

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        text, label = self.items[i]
        enc = self.tokenizer(text, padding="max_length", truncation=True, max_length=SEQ_LEN,
                             return_tensors="pt")
        return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                "label": torch.tensor(label)}


def collate_transcripts(samples):
    return {
        "input_ids": torch.cat([s["input_ids"] for s in samples], dim=-1),
        "attention_mask": torch.cat([s["attention_mask"] for s in samples], dim=-1),
        "labels": torch.stack([s["label"] for s in samples]),
    }


class IncidentTagger(nn.Module):
    def __init__(self, config, n_labels):
        super().__init__()
        self.encoder = BertModel(config)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(config.hidden_size, n_labels)

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return self.head(self.dropout(out.pooler_output))


def train():
    rng = random.Random(5)
    torch.manual_seed(5)
    accelerator = Accelerator(cpu=True)
    tokenizer = BertTokenizer(write_vocab(tempfile.mkdtemp()))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = IncidentTagger(config, len(INCIDENTS))
    loader = DataLoader(TranscriptSet(fake_transcripts(120, rng), tokenizer), batch_size=8,
                        shuffle=True, collate_fn=collate_transcripts)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    loss_fn = nn.CrossEntropyLoss()

    model.train()
    for step, batch in enumerate(loader):
        logits = model(batch["input_ids"], batch["attention_mask"])
        loss = loss_fn(logits, batch["labels"])
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
        if step % 5 == 0:
            accelerator.print(f"step {step} loss {loss.item():.4f}")


if __name__ == "__main__":
    train()
