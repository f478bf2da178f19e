"""Per-residue 8-state secondary structure (DSSP Q8) tagging with a BiLSTM.

Toy data: random protein chains with a crude helix/strand propensity rule for
labels, just to check that the training loop and the tagger wire up.
"""
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"
DSSP_Q8 = "HGIEBTSC"
PAD_RESIDUE = 0
IGNORE_STATE = -100

random.seed(11)
torch.manual_seed(11)

residue_to_idx = {aa: i + 1 for i, aa in enumerate(AMINO_ACIDS)}
residue_to_idx["X"] = len(residue_to_idx) + 1
state_to_idx = {s: i for i, s in enumerate(DSSP_Q8)}

HELIX_FORMERS = set("AELMQKR")
STRAND_FORMERS = set("VIYFWT")


@dataclass
class TaggerConfig:
    n_residue_types: int = len(residue_to_idx) + 1
    n_states: int = len(DSSP_Q8)
    embed_dim: int = 24
    lstm_hidden: int = 64
    lstm_layers: int = 2
    bidirectional: bool = True
    dropout: float = 0.1


def fake_chain(min_len=30, max_len=90):
    n = random.randint(min_len, max_len)
    chain = "".join(random.choice(AMINO_ACIDS) for _ in range(n))
    states = []
    for aa in chain:
        if aa in HELIX_FORMERS:
            states.append("H")
        elif aa in STRAND_FORMERS:
            states.append("E")
        elif aa in "GP":
            states.append("T")
        else:
            states.append("C")
    return chain, "".join(states)


def collate_chains(pairs):
    pairs = sorted(pairs, key=lambda p: len(p[0]), reverse=True)
    lengths = torch.tensor([len(c) for c, _ in pairs])
    width = int(lengths.max())
    residues = torch.full((len(pairs), width), PAD_RESIDUE, dtype=torch.long)
    states = torch.full((len(pairs), width), IGNORE_STATE, dtype=torch.long)
    for row, (chain, ss) in enumerate(pairs):
        residues[row, : len(chain)] = torch.tensor([residue_to_idx.get(a, residue_to_idx["X"]) for a in chain])
        states[row, : len(ss)] = torch.tensor([state_to_idx[s] for s in ss])
    return residues, states, lengths


class SecondaryStructureTagger(nn.Module):
    def __init__(self, cfg: TaggerConfig):
        super().__init__()
        self.embed = nn.Embedding(cfg.n_residue_types, cfg.embed_dim, padding_idx=PAD_RESIDUE)
        self.encoder = nn.LSTM(
            cfg.embed_dim,
            cfg.lstm_hidden,
            num_layers=cfg.lstm_layers,
            batch_first=True,
            bidirectional=cfg.bidirectional,
            dropout=cfg.dropout,
        )
        self.state_head = nn.Sequential(
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.lstm_hidden, cfg.n_states),
        )

    def forward(self, residues, lengths):
        x = self.embed(residues)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=True)
        enc, _ = self.encoder(packed)
        enc, _ = pad_packed_sequence(enc, batch_first=True, total_length=residues.size(1))
        return self.state_head(enc)


def q8_accuracy(logits, states):
    keep = states != IGNORE_STATE
    pred = logits.argmax(-1)
    return (pred[keep] == states[keep]).float().mean().item()


def main():
    cfg = TaggerConfig()
    train_chains = [fake_chain() for _ in range(32)]
    val_chains = [fake_chain() for _ in range(16)]

    train_loader = torch.utils.data.DataLoader(train_chains, batch_size=16, shuffle=True, collate_fn=collate_chains)
    val_loader = torch.utils.data.DataLoader(val_chains, batch_size=16, collate_fn=collate_chains)

    tagger = SecondaryStructureTagger(cfg)
    opt = torch.optim.Adam(tagger.parameters(), lr=2e-3)
    criterion = nn.CrossEntropyLoss(ignore_index=IGNORE_STATE)

    for epoch in range(1):
        tagger.train()
        for residues, states, lengths in train_loader:
            logits = tagger(residues, lengths)
            loss = criterion(logits.reshape(-1, cfg.n_states), states.reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(tagger.parameters(), 1.0)
            opt.step()

        tagger.eval()
        accs = []
        with torch.no_grad():
            for residues, states, lengths in val_loader:
                accs.append(q8_accuracy(tagger(residues, lengths), states))
        print(f"epoch {epoch}: train loss {loss.item():.3f}  val Q8 {sum(accs) / len(accs):.3f}")


if __name__ == "__main__":
    main()
