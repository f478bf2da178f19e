"""In-game chat moderation: flag toxic all-chat / team-chat lines.

Small attention-pooled GRU classifier on top of a WordPiece tokenizer built
from our own chat vocab (gg, ez, noob, report, ...).
"""
import os
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertTokenizer

SEED = 7
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "chat_vocab.txt")

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
CHAT_WORDS = [
    "gg", "wp", "ez", "noob", "report", "mid", "top", "bot", "jungle", "gank",
    "uninstall", "trash", "team", "nice", "try", "push", "back", "ward", "drake",
    "baron", "ff", "15", "go", "next", "feeder", "lol", "thanks", "sorry", "my",
    "bad", "you", "are", "so", "bad", "at", "this", "game", "heal", "pls", "kys",
    "carry", "support", "plz", "glhf", "ty", "idiot", "no", "brain", "well", "played",
]

TOXIC_TEMPLATES = [
    "ez noob uninstall",
    "you are so trash",
    "report mid feeder",
    "idiot no brain jungle",
    "ff 15 trash team",
    "kys noob",
]
CLEAN_TEMPLATES = [
    "gg wp",
    "glhf",
    "nice try team",
    "go baron next",
    "sorry my bad",
    "ward drake pls",
    "well played support",
    "back push bot",
]


def write_vocab(path):
    seen = []
    for tok in SPECIALS + CHAT_WORDS:
        if tok not in seen:
            seen.append(tok)
    with open(path, "w") as f:
        f.write("\n".join(seen) + "\n")


def synth_chat_log(n_lines):
    rows = []
    for _ in range(n_lines):
        toxic = random.random() < 0.35
        base = random.choice(TOXIC_TEMPLATES if toxic else CLEAN_TEMPLATES)
        extra = " ".join(random.choices(CHAT_WORDS, k=random.randint(0, 6)))
        rows.append({"text": (base + " " + extra).strip(), "toxic": int(toxic)})
    return rows


class ChatLines(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        return self.rows[idx]


class ChatCollator:
    def __init__(self, tokenizer, max_len=24):
        self.tok = tokenizer
        self.max_len = max_len

    def __call__(self, batch):
        enc = self.tok(
            [r["text"] for r in batch],
            padding=True,
            truncation=True,
            max_length=self.max_len,
            return_tensors="pt",
        )
        return {
            "input_ids": enc["input_ids"],
            "pad_mask": enc["attention_mask"] == 0,
            "labels": torch.tensor([r["toxic"] for r in batch], dtype=torch.float),
        }


class AttnPool(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.score = nn.Linear(dim, 1)

    def forward(self, h, pad_mask):
        s = self.score(h).squeeze(-1)
        s = s.masked_fill(pad_mask, float("-inf"))
        w = torch.softmax(s, dim=-1)
        return torch.einsum("bt,btd->bd", w, h)


class ToxicityGRU(nn.Module):
    def __init__(self, vocab_size, emb_dim=32, hidden=32, pad_id=0):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.rnn = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.pool = AttnPool(2 * hidden)
        self.head = nn.Linear(2 * hidden, 1)

    def forward(self, input_ids, pad_mask):
        h, _ = self.rnn(self.emb(input_ids))
        return self.head(self.pool(h, pad_mask)).squeeze(-1)


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH, do_lower_case=True)

    rows = synth_chat_log(256)
    split = int(0.8 * len(rows))
    train_dl = DataLoader(ChatLines(rows[:split]), batch_size=32, shuffle=True,
                          collate_fn=ChatCollator(tokenizer))
    val_dl = DataLoader(ChatLines(rows[split:]), batch_size=64,
                        collate_fn=ChatCollator(tokenizer))

    model = ToxicityGRU(tokenizer.vocab_size, pad_id=tokenizer.pad_token_id)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)

    for epoch in range(3):
        model.train()
        running = 0.0
        for batch in train_dl:
            logits = model(batch["input_ids"], batch["pad_mask"])
            loss = F.binary_cross_entropy_with_logits(logits, batch["labels"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()

        model.eval()
        correct = total = 0
        with torch.no_grad():
            for batch in val_dl:
                preds = (model(batch["input_ids"], batch["pad_mask"]) > 0).float()
                correct += (preds == batch["labels"]).sum().item()
                total += len(preds)
        print(f"epoch {epoch} loss {running / len(train_dl):.4f} val_acc {correct / total:.3f}")


if __name__ == "__main__":
    main()
