"""Headline generator for maritime incident reports (harbour master's weekly digest).

Small BERT-style encoder over the report, GRU decoder for the headline, beam search
at the end to draft headlines for the pending reports.
"""
import torch
import torch.nn as nn

torch.manual_seed(11)

REPORTS = [
    ("tug lost steering near breakwater towed to berth", "tug steering failure"),
    ("fishing vessel took water in engine room crew rescued", "fishing vessel flooding"),
    ("container ship dragged anchor during gale", "anchor dragging in gale"),
    ("ferry struck pontoon while berthing minor damage", "ferry berthing contact"),
    ("oil sheen reported near fuel jetty boom deployed", "fuel jetty oil sheen"),
    ("yacht grounded on sandbank refloated at high tide", "yacht grounding"),
]
PENDING = [
    "dredger lost steering near fuel jetty",
    "ferry dragged anchor during gale",
    "container ship took water in engine room",
    "yacht struck pontoon while berthing",
    "tug grounded on sandbank refloated",
]

SPECIAL = ["<pad>", "<bos>", "<eos>", "<unk>", "[CLS]"]
words = sorted({w for src, tgt in REPORTS for w in (src + " " + tgt).split()}
               | {w for s in PENDING for w in s.split()})
itos = SPECIAL + words
stoi = {w: i for i, w in enumerate(itos)}
PAD, BOS, EOS, UNK, CLS = range(5)


def encode(text, add_cls=False):
    ids = [stoi.get(w, UNK) for w in text.split()]
    return [CLS] + ids if add_cls else ids


def pad_batch(seqs):
    width = max(len(s) for s in seqs)
    return torch.tensor([s + [PAD] * (width - len(s)) for s in seqs])


class HeadlineModel(nn.Module):
    def __init__(self, vocab, dim=32, max_len=32):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim, padding_idx=PAD)
        self.pos = nn.Embedding(max_len, dim)
        self.norm = nn.LayerNorm(dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.dec_emb = nn.Embedding(vocab, dim, padding_idx=PAD)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, vocab)

    def encode(self, src):
        pos = torch.arange(src.size(1), device=src.device)
        x = self.norm(self.tok(src) + self.pos(pos))
        x = self.encoder(x, src_key_padding_mask=src.eq(PAD))
        return x[:, 0].unsqueeze(0)  # CLS state as initial GRU hidden: (1, batch, dim)

    def step(self, prev_tokens, hidden):
        o, hidden = self.gru(self.dec_emb(prev_tokens).unsqueeze(1), hidden)
        return self.out(o.squeeze(1)).log_softmax(-1), hidden

    def forward(self, src, tgt_in):
        o, _ = self.gru(self.dec_emb(tgt_in), self.encode(src))
        return self.out(o)


def expand_for_beams(hidden, n_beams):
    # every source gets n_beams consecutive rows
    return hidden.repeat_interleave(n_beams, dim=1)


def unflatten(flat, n_beams):
    return flat.view(-1, n_beams, *flat.shape[1:])


@torch.no_grad()
def beam_search(model, src, n_beams=3, max_steps=5):
    n_src = src.size(0)
    hidden = expand_for_beams(model.encode(src), n_beams)
    seqs = torch.full((n_src * n_beams, 1), BOS)
    scores = torch.full((n_src, n_beams), float("-inf"))
    scores[:, 0] = 0.0
    scores = scores.view(-1)
    vocab = model.out.out_features
    for _ in range(max_steps):
        logp, hidden = model.step(seqs[:, -1], hidden)
        cand = (scores[:, None] + logp).view(n_src, n_beams * vocab)
        top, idx = cand.topk(n_beams, dim=-1)
        origin, token = idx // vocab, idx % vocab
        rows = (torch.arange(n_src)[:, None] * n_beams + origin).view(-1)
        seqs = torch.cat([seqs[rows], token.view(-1, 1)], dim=1)
        hidden = hidden[:, rows]
        scores = top.view(-1)
    return seqs, scores


def pick_best(seqs, scores, n_src, n_beams):
    per_src = unflatten(seqs, n_beams)
    best = scores.view(n_src, n_beams).argmax(-1)
    return per_src[torch.arange(n_src), best]


def detok(ids):
    out = []
    for i in ids.tolist()[1:]:
        if i == EOS:
            break
        out.append(itos[i])
    return " ".join(out)


def train(model, epochs=30):
    src = pad_batch([encode(s, add_cls=True) for s, _ in REPORTS])
    tgt = pad_batch([[BOS] + encode(t) + [EOS] for _, t in REPORTS])
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    crit = nn.NLLLoss(ignore_index=PAD)
    for ep in range(epochs):
        logp = model(src, tgt[:, :-1]).log_softmax(-1)
        loss = crit(logp.reshape(-1, logp.size(-1)), tgt[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if ep % 10 == 0:
            print(f"epoch {ep:2d} loss {loss.item():.3f}")


if __name__ == "__main__":
    model = HeadlineModel(len(itos))
    train(model)
    model.eval()
    src = pad_batch([encode(s, add_cls=True) for s in PENDING])
    seqs, scores = beam_search(model, src, n_beams=3)
    for report, hyp in zip(PENDING, pick_best(seqs, scores, len(PENDING), 3)):
        print(f"{report!r} -> {detok(hyp)!r}")
