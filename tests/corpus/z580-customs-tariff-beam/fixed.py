"""Tiny BERT-style encoder + GRU decoder that proposes HS tariff code chunks for
customs line items. Quick smoke run: a few teacher-forced steps, then batched beam search."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

LINE_ITEMS = [
    ("stainless steel kitchen sink with drainer", ["73", "24", "10"]),
    ("frozen boneless cod fillets vacuum packed", ["03", "04", "71"]),
    ("lithium ion battery pack for e-bike", ["85", "07", "60"]),
    ("cotton knitted baby bodysuits", ["61", "11", "20"]),
    ("roasted arabica coffee beans not decaffeinated", ["09", "01", "21"]),
    ("steel bolts with hexagon heads zinc plated", ["73", "18", "15"]),
]

PAD, BOS, EOS, UNK = 0, 1, 2, 3
src_vocab = {"[PAD]": PAD, "[CLS]": 1, "[UNK]": UNK}
for text, _ in LINE_ITEMS:
    for w in text.split():
        src_vocab.setdefault(w, len(src_vocab))
tgt_vocab = {"<pad>": PAD, "<s>": BOS, "</s>": EOS, "<unk>": UNK}
for _, chunks in LINE_ITEMS:
    for c in chunks:
        tgt_vocab.setdefault(c, len(tgt_vocab))
id2chunk = {i: c for c, i in tgt_vocab.items()}


def encode_src(text, max_len=12):
    ids = [src_vocab["[CLS]"]] + [src_vocab.get(w, UNK) for w in text.split()][: max_len - 1]
    return ids + [PAD] * (max_len - len(ids))


def encode_tgt(chunks):
    return [BOS] + [tgt_vocab[c] for c in chunks] + [EOS]


class TariffSeq2Seq(nn.Module):
    def __init__(self, src_size, tgt_size, dim=32, max_pos=16):
        super().__init__()
        self.tok = nn.Embedding(src_size, dim, padding_idx=PAD)
        self.pos = nn.Embedding(max_pos, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.dec_emb = nn.Embedding(tgt_size, dim, padding_idx=PAD)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.proj = nn.Linear(dim, tgt_size)

    def encode(self, src):
        positions = torch.arange(src.size(1)).unsqueeze(0)
        h = self.encoder(self.tok(src) + self.pos(positions), src_key_padding_mask=src.eq(PAD))
        return h[:, 0]  # CLS vector -> (B, dim)

    def forward(self, src, tgt_in):
        h0 = self.encode(src).unsqueeze(0)
        out, _ = self.gru(self.dec_emb(tgt_in), h0)
        return self.proj(out)

    def step(self, last_tokens, hidden):
        out, hidden = self.gru(self.dec_emb(last_tokens).unsqueeze(1), hidden)
        return self.proj(out.squeeze(1)), hidden


@torch.no_grad()
def beam_search(model, src, beam_size=4, max_steps=5):
    model.eval()
    B, V = src.size(0), len(tgt_vocab)
    enc = model.encode(src)                                    # (B, dim)
    hidden = enc.repeat_interleave(beam_size, dim=0).unsqueeze(0)  # (1, B*beam, dim)
    seqs = torch.full((B, beam_size, 1), BOS, dtype=torch.long)
    beam_scores = torch.zeros(B, beam_size)
    beam_scores[:, 1:] = -math.inf  # all beams start identical; only expand the first one
    for step in range(max_steps):
        logits, hidden = model.step(seqs[:, :, -1].reshape(-1), hidden)
        logp = F.log_softmax(logits, dim=-1).view(B, beam_size, V)
        cand = (beam_scores.unsqueeze(-1) + logp).view(B, beam_size * V)
        beam_scores, flat_idx = cand.topk(beam_size, dim=-1)
        parent = flat_idx // V                                 # which beam each winner came from
        next_tok = flat_idx % V
        # reorder decoder state and histories so that beam k continues its parent
        offsets = (torch.arange(B) * beam_size).unsqueeze(1)
        hidden = hidden.index_select(1, (offsets + parent).view(-1))
        seqs = seqs.gather(1, parent.unsqueeze(-1).expand(-1, -1, seqs.size(2)))
        seqs = torch.cat([seqs, next_tok.unsqueeze(-1)], dim=-1)
    best = beam_scores.argmax(dim=-1)
    return seqs[torch.arange(B), best]


def main():
    src = torch.tensor([encode_src(t) for t, _ in LINE_ITEMS])
    tgt = torch.tensor([encode_tgt(c) for _, c in LINE_ITEMS])
    model = TariffSeq2Seq(len(src_vocab), len(tgt_vocab))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)

    print(f"src vocab={len(src_vocab)} tgt vocab={len(tgt_vocab)} items={len(LINE_ITEMS)}")
    for epoch in range(15):
        model.train()
        logits = model(src, tgt[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt[:, 1:].reshape(-1), ignore_index=PAD)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 5 == 0:
            print(f"epoch {epoch:02d} loss {loss.item():.4f}")

    decoded = beam_search(model, src, beam_size=4)
    for (text, gold), hyp in zip(LINE_ITEMS, decoded.tolist()):
        chunks = [id2chunk[i] for i in hyp[1:] if i not in (PAD, BOS, EOS)]
        print(f"{text[:40]:40s} gold={'.'.join(gold)} pred={'.'.join(chunks)}")


if __name__ == "__main__":
    main()
