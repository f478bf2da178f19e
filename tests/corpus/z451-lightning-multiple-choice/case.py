import random
import tempfile

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

CATEGORIES = {
    "fruit": ["apple", "banana", "cherry", "mango", "pear"],
    "animal": ["horse", "tiger", "otter", "sheep", "camel"],
    "color": ["red", "green", "purple", "yellow", "teal"],
    "tool": ["hammer", "wrench", "saw", "drill", "chisel"],
}
SPECIAL = ["<pad>", "<sep>", "which", "one", "is", "a"]
VOCAB = {w: i for i, w in enumerate(SPECIAL + list(CATEGORIES) + sum(CATEGORIES.values(), []))}
NUM_CHOICES = 4


def build_questions(n, rng):
    out = []
    for _ in range(n):
        cat = rng.choice(list(CATEGORIES))
        answer = rng.choice(CATEGORIES[cat])
        others = [rng.choice(CATEGORIES[c]) for c in rng.sample([c for c in CATEGORIES if c != cat], 3)]
        choices = others + [answer]
        rng.shuffle(choices)
        out.append((f"which one is a {cat}", choices, choices.index(answer)))
    return out


class ChoiceDataset(Dataset):
    def __init__(self, questions, max_len=12):
        self.questions = questions
        self.max_len = max_len

    def __len__(self):
        return len(self.questions)

    def encode(self, question, choice):
        ids = [VOCAB[w] for w in question.split()] + [VOCAB["<sep>"], VOCAB[choice]]
        return ids + [VOCAB["<pad>"]] * (self.max_len - len(ids))

    def __getitem__(self, i):
        question, choices, label = self.questions[i]
        ids = torch.tensor([self.encode(question, c) for c in choices])  # (num_choices, max_len)
        return {"input_ids": ids, "label": torch.tensor(label)}


class ChoiceScorer(L.LightningModule):
    def __init__(self, vocab_size, dim=32, num_choices=NUM_CHOICES, lr=3e-3):
        super().__init__()
        self.save_hyperparameters()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.score = nn.Linear(2 * dim, 1)

    def forward(self, input_ids):
        seq_len = input_ids.size(-1)
        flat = input_ids.view(-1, seq_len)  # every (question, choice) pair as its own row
        _, h = self.rnn(self.embed(flat))
        pair_repr = torch.cat([h[0], h[1]], dim=-1)
        scores = self.score(pair_repr).squeeze(-1)
        return scores.view(self.hparams.num_choices, -1)

    def _shared_step(self, batch, stage):
        logits = self(batch["input_ids"])
        loss = F.cross_entropy(logits, batch["label"])
        acc = (logits.argmax(-1) == batch["label"]).float().mean()
        self.log(f"{stage}_loss", loss, prog_bar=True)
        self.log(f"{stage}_acc", acc, prog_bar=True)
        return loss

    def training_step(self, batch, batch_idx):
        return self._shared_step(batch, "train")

    def validation_step(self, batch, batch_idx):
        self._shared_step(batch, "val")

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


if __name__ == "__main__":
    L.seed_everything(7)
    rng = random.Random(7)
    train_ds = ChoiceDataset(build_questions(64, rng))
    val_ds = ChoiceDataset(build_questions(16, rng))

    model = ChoiceScorer(vocab_size=len(VOCAB))
    trainer = L.Trainer(
        max_epochs=3,
        accelerator="cpu",
        default_root_dir=tempfile.mkdtemp(),
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
        enable_progress_bar=False,
    )
    trainer.fit(model, DataLoader(train_ds, batch_size=8, shuffle=True), DataLoader(val_ds, batch_size=8))
    print(trainer.callback_metrics)
