"""Dialogue act tagging: label every utterance in a conversation with its act."""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

random.seed(0)
torch.manual_seed(0)

ACTS = ["greet", "inform", "question", "confirm", "bye"]
WORDS = ("hi hello there i want a table for two at seven is that ok yes sure "
         "what time do you open thanks bye see you later the price please").split()
PAD = 0
vocab = {w: i + 1 for i, w in enumerate(sorted(set(WORDS)))}


def fake_dialogue(n_turns=12):
    turns, acts = [], []
    for _ in range(n_turns):
        act = random.randrange(len(ACTS))
        n = random.randint(2, 6)
        turns.append([vocab[random.choice(WORDS)] for _ in range(n)])
        acts.append(act)
    return turns, acts


class DialogueDataset(Dataset):
    def __init__(self, n_dialogues, max_words=8):
        self.items = [fake_dialogue() for _ in range(n_dialogues)]
        self.max_words = max_words

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        turns, acts = self.items[idx]
        padded = [t[: self.max_words] + [PAD] * (self.max_words - len(t[: self.max_words])) for t in turns]
        return torch.tensor(padded), torch.tensor(acts)


class HierarchicalTagger(nn.Module):
    def __init__(self, vocab_size, n_acts, emb_dim=32, hidden=48):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=PAD)
        self.context = nn.GRU(emb_dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_acts)

    def forward(self, utts):
        # utts: (batch, turns, words)
        e = self.emb(utts)
        word_mask = (utts != PAD).unsqueeze(-1).float()
        utt_vec = (e * word_mask).sum(2) / word_mask.sum(2).clamp(min=1.0)
        ctx, _ = self.context(utt_vec)
        return self.out(ctx)  # (batch, turns, n_acts)


class ActTrainer:
    def __init__(self, model, train_loader, lr=1e-3, epochs=2):
        self.model = model
        self.loader = train_loader
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)
        self.epochs = epochs

    def compute_loss(self, batch):
        utts, acts = batch
        logits = self.model(utts)
        return F.cross_entropy(logits.transpose(1, 2), acts)

    def train_epoch(self, epoch):
        self.model.train()
        total = 0.0
        for step, batch in enumerate(self.loader):
            loss = self.compute_loss(batch)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            total += loss.item()
        print(f"epoch {epoch}: mean loss {total / (step + 1):.4f}")

    def fit(self):
        for epoch in range(self.epochs):
            self.train_epoch(epoch)


if __name__ == "__main__":
    ds = DialogueDataset(n_dialogues=24)
    loader = DataLoader(ds, batch_size=4, shuffle=True)
    model = HierarchicalTagger(len(vocab) + 1, len(ACTS))
    trainer = ActTrainer(model, loader)
    trainer.fit()
