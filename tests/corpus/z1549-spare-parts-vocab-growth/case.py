"""Spare-parts lookup for field technicians: a shared-weight bi-encoder maps a
free-text fault description and a catalogue part description into one space.
Each training query comes with a mined hard negative (same family, wrong spec)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(0)

# (technician query, correct part, hard negative from the same family)
TRAIN_TRIPLES = [
    ("pump leaking at shaft seal", "mechanical shaft seal 25mm carbon ceramic",
     "mechanical shaft seal 32mm silicon carbide"),
    ("motor hums but will not start", "run capacitor 40uf 450v",
     "start capacitor 200uf 250v"),
    ("conveyor belt slipping on drive drum", "drive drum lagging kit rubber 600mm",
     "idler roller 600mm steel"),
    ("hydraulic cylinder drifts down under load", "piston seal kit 80mm bore",
     "rod wiper 45mm polyurethane"),
    ("fan vibrates at high speed", "fan impeller balanced 400mm aluminium",
     "fan guard 400mm steel mesh"),
    ("valve will not close fully", "gate valve seat ring dn50 brass",
     "gate valve handwheel dn50 cast iron"),
]

CATALOGUE_EXTRA = [
    "pressure switch 2-10 bar adjustable",
    "v-belt spa 1250 wrapped",
    "bearing 6205 2rs sealed deep groove",
    "solenoid coil 24vdc din connector",
]


class PartVocab:
    def __init__(self):
        self.word2id = {"[PAD]": 0, "[UNK]": 1}

    def ids(self, text):
        out = []
        for w in text.lower().split():
            if w not in self.word2id:
                self.word2id[w] = len(self.word2id)
            out.append(self.word2id[w])
        return out

    def batch(self, texts):
        seqs = [torch.tensor(self.ids(t)) for t in texts]
        padded = pad_sequence(seqs, batch_first=True, padding_value=0)
        return padded, padded.eq(0)


class PartEncoder(nn.Module):
    def __init__(self, n_words, dim=32):
        super().__init__()
        self.embed = nn.Embedding(n_words, dim, padding_idx=0)
        self.block = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64,
                                                batch_first=True, dropout=0.0)

    def forward(self, word_ids, pad_mask):
        h = self.block(self.embed(word_ids), src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return F.normalize(pooled, dim=-1)


def contrastive_step(encoder, vocab, triples, temperature=0.05):
    faults = [t[0] for t in triples]
    candidates = [t[1] for t in triples] + [t[2] for t in triples]
    q = encoder(*vocab.batch(faults))
    c = encoder(*vocab.batch(candidates))
    logits = q @ c.T / temperature            # (B, 2B): positives first, hard negatives after
    target = torch.arange(len(triples))
    return F.cross_entropy(logits, target)


def main():
    vocab = PartVocab()
    for triple in TRAIN_TRIPLES:
        for text in triple:
            vocab.ids(text)
    print("vocabulary after training data:", len(vocab.word2id))

    encoder = PartEncoder(len(vocab.word2id))
    opt = torch.optim.Adam(encoder.parameters(), lr=2e-3)
    for epoch in range(40):
        loss = contrastive_step(encoder, vocab, TRAIN_TRIPLES)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 10 == 0:
            print(f"epoch {epoch:2d} loss {loss.item():.4f}")

    encoder.eval()
    catalogue = sorted({t[1] for t in TRAIN_TRIPLES} | {t[2] for t in TRAIN_TRIPLES}) + CATALOGUE_EXTRA
    with torch.no_grad():
        part_vecs = encoder(*vocab.batch(catalogue))
    print("indexed parts:", part_vecs.shape[0])

    tickets = ["seal leaking on pump shaft", "motor will not start just hums",
               "bearing noise on fan motor"]
    with torch.no_grad():
        ticket_vecs = encoder(*vocab.batch(tickets))
    scores, rows = (ticket_vecs @ part_vecs.T).topk(3, dim=1)
    for ticket, r, s in zip(tickets, rows.tolist(), scores.tolist()):
        print(ticket)
        for idx, score in zip(r, s):
            print(f"    {score:+.3f}  {catalogue[idx]}")


if __name__ == "__main__":
    main()
