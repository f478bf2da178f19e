"""Post-correction of OCR'd ship-manifest lines (1880s customs ledgers).

A tiny char-level encoder/decoder: BERT-style encoder over the noisy OCR string,
GRU decoder that writes the corrected string. Quick fit, then beam search.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
torch.set_num_threads(1)

PAIRS = [
    ("barque Elisa fr0m Cadiz", "barque Elisa from Cadiz"),
    ("12 hhds rnolasses", "12 hhds molasses"),
    ("sch00ner Mary Ann", "schooner Mary Ann"),
    ("40 bales cotton, Savannab", "40 bales cotton, Savannah"),
    ("brig Tbetis in ballast", "brig Thetis in ballast"),
    ("3 casks wlne", "3 casks wine"),
]

CHARS = sorted({c for a, b in PAIRS for c in a + b})
PAD, BOS, EOS = 0, 1, 2
STOI = {c: i + 3 for i, c in enumerate(CHARS)}
ITOS = {i: c for c, i in STOI.items()}
V = len(STOI) + 3


def encode_str(s):
    return [STOI[c] for c in s]


class MiniBertEncoder(nn.Module):
    def __init__(self, vocab, hidden=48, heads=4, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(vocab, hidden, padding_idx=PAD)
        self.pos = nn.Embedding(max_len, hidden)
        layer = nn.TransformerEncoderLayer(hidden, heads, 96, dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.ln = nn.LayerNorm(hidden)

    def forward(self, ids):
        pos = torch.arange(ids.size(1)).unsqueeze(0)
        x = self.ln(self.tok(ids) + self.pos(pos))
        return self.enc(x, src_key_padding_mask=ids.eq(PAD))


class Corrector(nn.Module):
    def __init__(self, vocab, hidden=48):
        super().__init__()
        self.encoder = MiniBertEncoder(vocab, hidden)
        self.emb = nn.Embedding(vocab, hidden)
        self.cell = nn.GRUCell(2 * hidden, hidden)
        self.proj = nn.Linear(hidden, vocab)

    def context(self, src):
        mem = self.encoder(src)
        keep = src.ne(PAD).unsqueeze(-1).float()
        return (mem * keep).sum(1) / keep.sum(1)

    def step(self, prev_tok, h, ctx):
        h = self.cell(torch.cat([self.emb(prev_tok), ctx], -1), h)
        return h, F.log_softmax(self.proj(h), -1)


def make_batch(pairs):
    src_len = max(len(a) for a, _ in pairs)
    tgt_len = max(len(b) for _, b in pairs) + 1
    src = torch.full((len(pairs), src_len), PAD)
    tgt = torch.full((len(pairs), tgt_len), PAD)
    for i, (noisy, clean) in enumerate(pairs):
        a, b = encode_str(noisy), encode_str(clean) + [EOS]
        src[i, : len(a)] = torch.tensor(a)
        tgt[i, : len(b)] = torch.tensor(b)
    return src, tgt


def quick_fit(model, epochs=60):
    opt = torch.optim.Adam(model.parameters(), lr=4e-3)
    src, tgt = make_batch(PAIRS)
    for ep in range(epochs):
        ctx = model.context(src)
        h = ctx.clone()
        prev = torch.full((src.size(0),), BOS)
        step_losses = []
        for t in range(tgt.size(1)):
            h, logp = model.step(prev, h, ctx)
            step_losses.append(F.nll_loss(logp, tgt[:, t], ignore_index=PAD, reduction="sum"))
            prev = tgt[:, t]
        loss = torch.stack(step_losses).sum() / tgt.ne(PAD).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if ep % 20 == 0:
            print(f"epoch {ep:3d}  nll {loss.item():.3f}")


def backtrack(tok_hist, ptr_hist, step, pos):
    # walk the back-pointers from (step, pos) to the BOS
    chars = []
    for s in range(step, -1, -1):
        pos = ptr_hist[s][pos].item()
        chars.append(tok_hist[s][pos].item())
    return "".join(ITOS.get(c, "") for c in reversed(chars) if c != EOS)


@torch.no_grad()
def beam_correct(model, noisy, beam_size=4, max_len=40, alpha=0.7):
    src = torch.tensor([encode_str(noisy)])
    ctx = model.context(src)
    h = ctx.clone()
    live_tok = torch.tensor([BOS])
    live_score = torch.zeros(1)
    live_pos = torch.tensor([0])
    tok_hist, ptr_hist, done = [], [], []
    for step in range(max_len):
        n_live = live_tok.size(0)
        h, logp = model.step(live_tok, h, ctx.expand(n_live, -1))
        flat = (live_score.unsqueeze(1) + logp).view(-1)
        width = beam_size - len(done)
        cand_score, cand_idx = flat.topk(width)
        src_row = torch.div(cand_idx, V, rounding_mode="floor")
        tok = cand_idx % V
        tok_hist.append(tok)
        ptr_hist.append(live_pos[src_row])      # positions in the previous step's candidates
        is_eos = tok.eq(EOS)
        for j in is_eos.nonzero().flatten().tolist():
            norm = cand_score[j].item() / math.pow(step + 1, alpha)
            done.append((norm, step, j))
        if len(done) >= beam_size:
            break
        alive = (~is_eos).nonzero().flatten()
        h = h[src_row[alive]]
        live_tok, live_score, live_pos = tok[alive], cand_score[alive], alive
    if not done:
        done.append((live_score[0].item(), step, live_pos[0].item()))
    done.sort(key=lambda d: d[0], reverse=True)
    return [(backtrack(tok_hist, ptr_hist, s, j), sc) for sc, s, j in done[:2]]


if __name__ == "__main__":
    model = Corrector(V)
    quick_fit(model)
    model.eval()
    for noisy in ["sch00ner Elisa fr0m Savannab", "40 casks rnolasses", "brig Mary Ann in ballast"]:
        hyps = beam_correct(model, noisy)
        print(f"{noisy!r:35} -> " + " | ".join(f"{t!r} ({s:.2f})" for t, s in hyps))
