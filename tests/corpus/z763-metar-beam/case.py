"""Expand raw METAR weather codes into plain-language tokens.

Small GRU encoder-decoder trained on a handful of hand-written pairs, decoded
with beam search.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

PAIRS = [
    ("KJFK 31015G25KT 10SM FEW050", "wind 310 at 15 gusting 25 knots visibility 10 miles few clouds at 5000 feet"),
    ("KBOS 27008KT 3SM BR OVC008", "wind 270 at 8 knots visibility 3 miles mist overcast at 800 feet"),
    ("KSEA 18012KT 6SM -RA BKN020", "wind 180 at 12 knots visibility 6 miles light rain broken clouds at 2000 feet"),
    ("KDEN 00000KT 10SM SKC", "wind calm visibility 10 miles sky clear"),
    ("KORD 22020G30KT 5SM TSRA SCT030", "wind 220 at 20 gusting 30 knots visibility 5 miles thunderstorm rain scattered clouds at 3000 feet"),
    ("KMIA 09010KT 10SM SCT025", "wind 090 at 10 knots visibility 10 miles scattered clouds at 2500 feet"),
]
SPECIALS = ["<pad>", "<s>", "</s>", "<unk>"]
PAD, BOS, EOS = 0, 1, 2


def build_vocab(texts):
    itos = SPECIALS + sorted({w for t in texts for w in t.split()})
    return {w: i for i, w in enumerate(itos)}, itos


class Seq2Seq(nn.Module):
    def __init__(self, n_src, n_tgt, dim=48):
        super().__init__()
        self.src_emb = nn.Embedding(n_src, dim, padding_idx=PAD)
        self.tgt_emb = nn.Embedding(n_tgt, dim, padding_idx=PAD)
        self.encoder = nn.GRU(dim, dim, batch_first=True)
        self.decoder = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, n_tgt)

    def encode(self, src):
        _, h = self.encoder(self.src_emb(src))
        return h                                    # (1, B, dim)

    def step(self, prev_tok, h):
        o, h = self.decoder(self.tgt_emb(prev_tok).unsqueeze(1), h)
        return F.log_softmax(self.out(o.squeeze(1)), dim=-1), h


class BeamState:
    def __init__(self, width, device):
        self.tokens = torch.full((width, 1), BOS, dtype=torch.long, device=device)
        self.scores = torch.full((width,), float("-inf"), device=device)
        self.scores[0] = 0.0                        # all beams start identical, keep only one alive
        self.finished = []

    def advance(self, beam_idx, tok_ids, new_scores):
        self.tokens = torch.cat([self.tokens[beam_idx], tok_ids.unsqueeze(1)], dim=1)
        self.scores = new_scores


def beam_search(model, src_ids, width=4, max_len=24):
    model.eval()
    with torch.no_grad():
        h = model.encode(src_ids.unsqueeze(0)).repeat(1, width, 1)
        state = BeamState(width, src_ids.device)
        for _ in range(max_len):
            logp, h = model.step(state.tokens[:, -1], h)
            vocab_n = logp.size(-1)
            total = (state.scores.unsqueeze(1) + logp).view(-1)
            top_scores, top_flat = total.topk(width)
            origin = top_flat // vocab_n
            next_tok = top_flat % vocab_n
            state.advance(next_tok, origin, top_scores)
            h = h[:, origin]
            done = next_tok == EOS
            for b in done.nonzero().flatten().tolist():
                state.finished.append((top_scores[b].item(), state.tokens[b].tolist()))
            state.scores = state.scores.masked_fill(done, float("-inf"))
            if len(state.finished) >= width:
                break
        if not state.finished:
            state.finished = list(zip(state.scores.tolist(), state.tokens.tolist()))
    return max(state.finished, key=lambda x: x[0] / len(x[1]))[1]


def main():
    src_stoi, _ = build_vocab([s for s, _ in PAIRS])
    tgt_stoi, tgt_itos = build_vocab([t for _, t in PAIRS])
    encode_src = lambda s: torch.tensor([src_stoi[w] for w in s.split()])
    encode_tgt = lambda t: torch.tensor([BOS] + [tgt_stoi[w] for w in t.split()] + [EOS])

    model = Seq2Seq(len(src_stoi), len(tgt_stoi))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(4):
        total = 0.0
        for src, tgt in PAIRS:
            s, t = encode_src(src), encode_tgt(tgt)
            h = model.encode(s.unsqueeze(0))
            loss = 0.0
            for i in range(len(t) - 1):
                logp, h = model.step(t[i:i + 1], h)
                loss = loss + F.nll_loss(logp, t[i + 1:i + 2])
            opt.zero_grad()
            (loss / (len(t) - 1)).backward()
            opt.step()
            total += loss.item() / (len(t) - 1)
        if epoch % 10 == 0:
            print(f"epoch {epoch:2d}  mean nll {total / len(PAIRS):.3f}")

    for src, ref in PAIRS[:3]:
        hyp = beam_search(model, encode_src(src))
        words = [tgt_itos[i] for i in hyp if i not in (BOS, EOS, PAD)]
        print(f"{src}\n  -> {' '.join(words)}\n  ref {ref}")


if __name__ == "__main__":
    main()
