"""Route warranty claims to a repair queue from the technician's note plus a few
numeric fields (unit age, prior claims, repair cost estimate)."""
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import Dataset
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

QUEUES = ["compressor", "electrical", "cosmetic", "water_leak", "firmware"]
WORDS = ("unit not cooling fan noise leak under door panel scratched dent display error "
         "code reboot loop wiring burnt smell drip tray cracked compressor hums trips breaker "
         "customer reports after move install new firmware update failed").split()
N_META = 3
HIDDEN = 32


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))))
    return path


class ClaimSet(Dataset):
    def __init__(self, tokenizer, n, seed):
        rng = random.Random(seed)
        self.rows = []
        for _ in range(n):
            note = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 18)))
            meta = [rng.uniform(0, 10), rng.randint(0, 4), rng.uniform(20, 900) / 100]
            enc = tokenizer(note, truncation=True, max_length=32, padding="max_length")
            self.rows.append({
                "input_ids": torch.tensor(enc["input_ids"]),
                "attention_mask": torch.tensor(enc["attention_mask"]),
                "meta": torch.tensor(meta, dtype=torch.float32),
                "labels": torch.tensor(rng.randrange(len(QUEUES))),
            })

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def fuse(text_vec, meta_vec):
    return torch.cat([text_vec, meta_vec], dim=-1)


class ClaimRouter(nn.Module):
    def __init__(self, vocab_size, n_queues):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=HIDDEN, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.meta_proj = nn.Sequential(nn.Linear(N_META, HIDDEN), nn.GELU())
        self.head = nn.Linear(2 * HIDDEN, n_queues)
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, input_ids, attention_mask, meta, labels=None):
        pooled = self.encoder(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        joint = fuse(pooled, self.meta_proj(meta))
        logits = self.head(joint)
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = self.loss_fn(logits, labels)
        return out


def main():
    torch.manual_seed(7)
    tmp = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(tmp))
    train_set = ClaimSet(tokenizer, 64, seed=1)
    eval_set = ClaimSet(tokenizer, 16, seed=2)
    model = ClaimRouter(tokenizer.vocab_size, len(QUEUES))

    args = TrainingArguments(
        output_dir=os.path.join(tmp, "out"),
        per_device_train_batch_size=8,
        per_device_eval_batch_size=8,
        num_train_epochs=1,
        learning_rate=3e-4,
        logging_steps=4,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_set, eval_dataset=eval_set)
    trainer.train()
    print(trainer.evaluate())


if __name__ == "__main__":
    main()
