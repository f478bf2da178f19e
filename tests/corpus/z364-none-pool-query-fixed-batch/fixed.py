"""Contract clause categoriser: small BERT encoder + learned-query attention pooling,
trained with the HF Trainer on synthetic clauses."""
import math
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

CFG = {
    "seed": 7,
    "n_clauses": 58,
    "batch_size": 16,
    "max_len": 32,
    "hidden": 32,
    "lr": 3e-4,
    "epochs": 1,
}
CATEGORIES = ["indemnity", "termination", "confidentiality", "payment"]
TEMPLATES = {
    "indemnity": "the supplier shall indemnify and hold harmless the customer against all claims",
    "termination": "either party may terminate this agreement upon thirty days written notice",
    "confidentiality": "the recipient shall keep all confidential information strictly secret",
    "payment": "the customer shall pay each invoice within thirty days of receipt",
}
FILLER = "hereby notwithstanding provided that subject to any all such party".split()


def write_vocab(folder):
    words = sorted({w for t in TEMPLATES.values() for w in t.split()} | set(FILLER))
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def make_clauses(n, rng):
    rows = []
    for _ in range(n):
        cat = rng.choice(CATEGORIES)
        words = TEMPLATES[cat].split()
        extra = rng.sample(FILLER, k=rng.randint(0, 5))
        for w in extra:
            words.insert(rng.randint(0, len(words)), w)
        rows.append((" ".join(words), CATEGORIES.index(cat)))
    return rows


class ClauseDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len):
        texts = [r[0] for r in rows]
        self.enc = tokenizer(texts, padding="max_length", truncation=True,
                             max_length=max_len, return_tensors="pt")
        self.labels = torch.tensor([r[1] for r in rows])

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {
            "input_ids": self.enc["input_ids"][i],
            "attention_mask": self.enc["attention_mask"][i],
            "labels": self.labels[i],
        }


class ClauseClassifier(nn.Module):
    def __init__(self, bert_cfg, num_labels, batch_size):
        super().__init__()
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.hidden = bert_cfg.hidden_size
        self.batch_size = batch_size
        self.pool_query = nn.Parameter(torch.randn(1, 1, self.hidden) * 0.02)
        self.head = nn.Linear(self.hidden, num_labels)

    def attention_pool(self, hidden_states, attention_mask):
        query = self.pool_query.expand(hidden_states.size(0), -1, -1)
        scores = (query * hidden_states).sum(-1) / math.sqrt(self.hidden)
        scores = scores.masked_fill(attention_mask == 0, -1e4)
        weights = scores.softmax(dim=-1).unsqueeze(-1)
        return (weights * hidden_states).sum(dim=1)

    def forward(self, input_ids, attention_mask, labels=None):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        pooled = self.attention_pool(out.last_hidden_state, attention_mask)
        logits = self.head(pooled)
        loss = F.cross_entropy(logits, labels) if labels is not None else None
        return {"loss": loss, "logits": logits}


def main():
    random.seed(CFG["seed"])
    torch.manual_seed(CFG["seed"])
    workdir = tempfile.mkdtemp(prefix="clauses_")
    tokenizer = BertTokenizer(write_vocab(workdir))

    rows = make_clauses(CFG["n_clauses"], random.Random(CFG["seed"]))
    train_ds = ClauseDataset(rows, tokenizer, CFG["max_len"])

    bert_cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=CFG["hidden"],
                          num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                          max_position_embeddings=64)
    model = ClauseClassifier(bert_cfg, len(CATEGORIES), CFG["batch_size"])

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=CFG["batch_size"],
        num_train_epochs=CFG["epochs"],
        learning_rate=CFG["lr"],
        save_strategy="no",
        logging_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    print("train loss", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
