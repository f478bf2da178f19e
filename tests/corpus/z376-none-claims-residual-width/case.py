"""Triage free-text insurance claim notes into handling queues with a tiny BERT + custom head."""
import os
import random
import tempfile

import torch
import torch.nn.functional as F
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

QUEUES = ["auto_glass", "water_damage", "theft", "liability"]
QUEUE_WORDS = {
    "auto_glass": ["windshield", "crack", "chip", "glass", "wiper", "highway"],
    "water_damage": ["pipe", "burst", "ceiling", "leak", "basement", "flooded"],
    "theft": ["stolen", "burglary", "laptop", "window", "police", "report"],
    "liability": ["slipped", "injury", "neighbor", "fence", "dog", "bitten"],
}
FILLER = ["the", "a", "was", "on", "my", "at", "and", "claim", "policy", "insured", "customer", "after"]

HPARAMS = {
    "hidden": 32,
    "proj_dim": 64,
    "max_len": 24,
    "n_train": 64,
    "n_eval": 16,
}


def build_tokenizer(workdir):
    words = sorted({w for ws in QUEUE_WORDS.values() for w in ws} | set(FILLER))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


def synth_notes(n, rng):
    notes, labels = [], []
    for _ in range(n):
        label = rng.randrange(len(QUEUES))
        words = rng.choices(QUEUE_WORDS[QUEUES[label]], k=rng.randint(3, 6))
        words += rng.choices(FILLER, k=rng.randint(4, 10))
        rng.shuffle(words)
        notes.append(" ".join(words))
        labels.append(label)
    return notes, labels


class ClaimNotes(torch.utils.data.Dataset):
    def __init__(self, notes, labels, tokenizer, max_len):
        self.enc = tokenizer(notes, padding="max_length", truncation=True, max_length=max_len, return_tensors="pt")
        self.labels = torch.tensor(labels)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {
            "input_ids": self.enc["input_ids"][i],
            "attention_mask": self.enc["attention_mask"][i],
            "labels": self.labels[i],
        }


class ClaimTriageModel(nn.Module):
    def __init__(self, bert_cfg, proj_dim, num_labels):
        super().__init__()
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.proj = nn.Linear(bert_cfg.hidden_size, proj_dim)
        self.ffn = nn.Sequential(nn.Linear(proj_dim, 2 * proj_dim), nn.GELU(), nn.Linear(2 * proj_dim, proj_dim))
        self.norm = nn.LayerNorm(proj_dim)
        self.classifier = nn.Linear(proj_dim, num_labels)

    def forward(self, input_ids, attention_mask, labels=None):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        projected = self.proj(hidden)
        refined = self.norm(self.ffn(projected) + hidden)
        mask = attention_mask.unsqueeze(-1).to(refined.dtype)
        pooled = (refined * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        logits = self.classifier(pooled)
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = F.cross_entropy(logits, labels)
        return out


def main():
    rng = random.Random(11)
    torch.manual_seed(11)
    workdir = tempfile.mkdtemp(prefix="claims_")
    tokenizer = build_tokenizer(workdir)

    train_notes, train_labels = synth_notes(HPARAMS["n_train"], rng)
    eval_notes, eval_labels = synth_notes(HPARAMS["n_eval"], rng)
    train_ds = ClaimNotes(train_notes, train_labels, tokenizer, HPARAMS["max_len"])
    eval_ds = ClaimNotes(eval_notes, eval_labels, tokenizer, HPARAMS["max_len"])

    bert_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=HPARAMS["hidden"],
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = ClaimTriageModel(bert_cfg, HPARAMS["proj_dim"], len(QUEUES))

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=8,
        per_device_eval_batch_size=8,
        num_train_epochs=1,
        learning_rate=3e-4,
        eval_strategy="epoch",
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds)
    trainer.train()
    print(trainer.evaluate())


if __name__ == "__main__":
    main()
