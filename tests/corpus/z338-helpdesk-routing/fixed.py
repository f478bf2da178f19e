#!/usr/bin/env python
"""Route IT helpdesk tickets to the resolver team, fine-tuning a small BERT from scratch."""
import argparse
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

TEAM_WORDS = {
    "network": "vpn wifi router dns ping latency disconnect cable switch",
    "accounts": "password reset locked login account mfa token expired",
    "hardware": "laptop screen keyboard battery dock monitor broken charger",
    "software": "install license update crash excel outlook teams error",
    "security": "phishing suspicious email malware virus attachment breach",
}
FILLER = "please help my the is not working since today urgent thanks".split()


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--n-tickets", type=int, default=160)
    p.add_argument("--pilot-size", type=int, default=40)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--seed", type=int, default=3)
    return p.parse_args()


def make_tickets(n, rng):
    teams = list(TEAM_WORDS)
    tickets = []
    for i in range(n):
        # security tickets only started being routed through the desk after the pilot
        team = rng.choice(teams if i >= 60 else teams[:4])
        words = rng.sample(TEAM_WORDS[team].split(), 3) + rng.sample(FILLER, 4)
        rng.shuffle(words)
        tickets.append({"text": " ".join(words), "team": team})
    return tickets


def write_vocab(folder):
    words = sorted({w for v in TEAM_WORDS.values() for w in v.split()} | set(FILLER))
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class TicketDataset(Dataset):
    def __init__(self, tickets, team_to_id):
        self.tickets = tickets
        self.team_to_id = team_to_id

    def __len__(self):
        return len(self.tickets)

    def __getitem__(self, idx):
        t = self.tickets[idx]
        label = self.team_to_id.setdefault(t["team"], len(self.team_to_id))
        return t["text"], label


def make_collate(tokenizer):
    def collate(batch):
        texts, labels = zip(*batch)
        enc = tokenizer(list(texts), padding=True, truncation=True, max_length=32, return_tensors="pt")
        enc["labels"] = torch.tensor(labels, dtype=torch.long)
        return enc
    return collate


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    tickets = make_tickets(args.n_tickets, rng)

    pilot = tickets[: args.pilot_size]
    team_to_id = {team: i for i, team in enumerate(sorted({t["team"] for t in tickets}))}

    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = BertTokenizer(write_vocab(tmp))
        config = BertConfig(
            vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
            num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
            num_labels=len(team_to_id),
        )
        model = BertForSequenceClassification(config)

        loader = DataLoader(TicketDataset(tickets, team_to_id), batch_size=args.batch_size,
                            shuffle=True, collate_fn=make_collate(tokenizer))
        optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)

        model.train()
        for epoch in range(args.epochs):
            for step, batch in enumerate(loader):
                out = model(**batch)
                out.loss.backward()
                optimizer.step()
                optimizer.zero_grad()
                if step % 5 == 0:
                    print(f"epoch {epoch} step {step} loss {out.loss.item():.4f}")

    print("teams:", team_to_id)


if __name__ == "__main__":
    main()
