"""Route maritime incident reports to the right response desk.

Fine-tunes a small BERT encoder (random init, tiny config) with a custom
pooling head that combines the [CLS] vector with a masked mean of the tokens.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import Dataset
from transformers import (BertConfig, BertModel, BertTokenizer, DataCollatorWithPadding,
                          Trainer, TrainingArguments)

DESKS = ["engine", "navigation", "cargo", "medical"]
WORDS = {
    "engine": ["turbine", "overheat", "fuel", "pump", "shaft", "vibration"],
    "navigation": ["radar", "gps", "drift", "heading", "buoy", "collision"],
    "cargo": ["container", "lashing", "shift", "reefer", "hold", "spill"],
    "medical": ["injury", "crew", "burn", "fracture", "fever", "evacuation"],
}
FILLER = ["reported", "at", "the", "vessel", "during", "watch", "near", "port", "starboard", "deck"]


def write_vocab(folder):
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + FILLER
    for desk in DESKS:
        tokens += WORDS[desk]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def make_reports(n, seed):
    rng = random.Random(seed)
    reports = []
    for _ in range(n):
        desk = rng.randrange(len(DESKS))
        words = rng.sample(WORDS[DESKS[desk]], 3) + rng.sample(FILLER, rng.randint(2, 7))
        rng.shuffle(words)
        reports.append((" ".join(words), desk))
    return reports


class IncidentDataset(Dataset):
    def __init__(self, reports, tokenizer):
        self.items = []
        for text, desk in reports:
            enc = tokenizer(text, truncation=True, max_length=24)
            enc["labels"] = desk
            self.items.append(enc)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class DeskRouter(nn.Module):
    def __init__(self, config, num_desks):
        super().__init__()
        self.encoder = BertModel(config)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(2 * config.hidden_size, num_desks)
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, input_ids, attention_mask, token_type_ids=None, labels=None):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        cls_vec = hidden[:, 0]
        weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
        mean_vec = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        pooled = torch.cat([cls_vec, mean_vec], dim=-1)
        logits = self.head(self.dropout(pooled))
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = self.loss_fn(logits, labels)
        return out


def main():
    torch.manual_seed(7)
    workdir = tempfile.mkdtemp(prefix="desk_router_")
    tokenizer = BertTokenizer(write_vocab(workdir))

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = DeskRouter(config, num_desks=len(DESKS))

    train_ds = IncidentDataset(make_reports(96, seed=1), tokenizer)
    eval_ds = IncidentDataset(make_reports(32, seed=2), tokenizer)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=8,
        per_device_eval_batch_size=8,
        num_train_epochs=1,
        learning_rate=5e-4,
        eval_strategy="epoch",
        save_strategy="no",
        logging_steps=5,
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                      data_collator=DataCollatorWithPadding(tokenizer))
    trainer.train()
    metrics = trainer.evaluate()
    print("eval loss:", round(metrics["eval_loss"], 4))


if __name__ == "__main__":
    main()
