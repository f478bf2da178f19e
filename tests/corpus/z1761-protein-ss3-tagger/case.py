"""Three-state secondary structure (H/E/C) tagger for protein chains.

Residues are encoded with an ESM-like alphabet (<cls> ... <eos>) so the same
tokenised chains can later be fed to a pretrained protein LM; for now a small
BiLSTM is trained from scratch on the per-residue DSSP-reduced labels.
"""
import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

random.seed(11)
torch.manual_seed(11)

AMINO = "ACDEFGHIKLMNPQRSTVWY"
SPECIALS = ["<pad>", "<cls>", "<eos>", "<unk>"]
ALPHABET = {tok: i for i, tok in enumerate(SPECIALS + list(AMINO))}
SS3 = {"H": 0, "E": 1, "C": 2}
IGNORE = -100


def synth_chain(min_len=40, max_len=90):
    """Random chain with helix-favouring and strand-favouring stretches."""
    n = random.randint(min_len, max_len)
    residues, states = [], []
    while len(residues) < n:
        state = random.choice("HEC")
        span = random.randint(4, 12)
        pool = {"H": "AELMQKR", "E": "VIYFWT", "C": "GPNDS"}[state]
        for _ in range(span):
            residues.append(random.choice(pool if random.random() < 0.8 else AMINO))
            states.append(state)
    return "".join(residues[:n]), "".join(states[:n])


def encode_chain(sequence):
    ids = [ALPHABET["<cls>"]]
    ids += [ALPHABET.get(aa, ALPHABET["<unk>"]) for aa in sequence]
    ids.append(ALPHABET["<eos>"])
    return torch.tensor(ids, dtype=torch.long)


def encode_states(dssp):
    return torch.tensor([SS3[s] for s in dssp], dtype=torch.long)


def build_records(n):
    records = []
    for _ in range(n):
        seq, dssp = synth_chain()
        records.append({"tokens": encode_chain(seq), "ss": encode_states(dssp)})
    return records


def collate_chains(batch):
    tokens = pad_sequence([r["tokens"] for r in batch], batch_first=True, padding_value=ALPHABET["<pad>"])
    ss = pad_sequence([r["ss"] for r in batch], batch_first=True, padding_value=IGNORE)
    return tokens, ss


class SSTagger(nn.Module):
    def __init__(self, n_tokens, emb_dim=24, hidden=32, n_states=3):
        super().__init__()
        self.embed = nn.Embedding(n_tokens, emb_dim, padding_idx=ALPHABET["<pad>"])
        self.rnn = nn.LSTM(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, n_states)

    def forward(self, tokens):
        states, _ = self.rnn(self.embed(tokens))
        return self.head(states)


def q3_accuracy(logits, ss):
    pred = logits.argmax(-1)
    keep = ss != IGNORE
    return (pred[keep] == ss[keep]).float().mean().item()


def run_epoch(model, loader, loss_fn, opt=None):
    training = opt is not None
    model.train(training)
    total_loss, total_q3, n = 0.0, 0.0, 0
    for tokens, ss in loader:
        with torch.set_grad_enabled(training):
            logits = model(tokens)
            loss = loss_fn(logits.reshape(-1, logits.size(-1)), ss.reshape(-1))
        if training:
            opt.zero_grad()
            loss.backward()
            opt.step()
        total_loss += loss.item()
        total_q3 += q3_accuracy(logits.detach(), ss)
        n += 1
    return total_loss / n, total_q3 / n


def main():
    train_set = build_records(96)
    valid_set = build_records(24)
    train_loader = DataLoader(train_set, batch_size=16, shuffle=True, collate_fn=collate_chains)
    valid_loader = DataLoader(valid_set, batch_size=16, collate_fn=collate_chains)

    model = SSTagger(len(ALPHABET))
    loss_fn = nn.CrossEntropyLoss(ignore_index=IGNORE)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    for epoch in range(3):
        tr_loss, tr_q3 = run_epoch(model, train_loader, loss_fn, opt)
        va_loss, va_q3 = run_epoch(model, valid_loader, loss_fn)
        print(f"epoch {epoch}: train loss {tr_loss:.3f} Q3 {tr_q3:.3f} | valid loss {va_loss:.3f} Q3 {va_q3:.3f}")


if __name__ == "__main__":
    main()
