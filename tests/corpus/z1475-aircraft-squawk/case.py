"""Pilot squawk write-up -> mechanic's corrective-action line, with a small
nn.Transformer encoder-decoder. Separate source / target vocabularies.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

SQUAWKS = [
    ("left main tire worn to cords noticed on walkaround after landing at night", "replaced left main tire"),
    ("autopilot disconnects in turbulence and will not reengage until power cycled", "replaced autopilot servo"),
    ("number two engine oil pressure fluctuating at cruise power gauge needle jumps", "replaced oil pressure sender"),
    ("cabin heat smells of exhaust with heater on during climb", "repaired exhaust muffler crack"),
    ("nav light right wing inoperative bulb looks intact", "repaired nav light wiring"),
    ("com one static on transmit only receive normal", "replaced com one antenna"),
]

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SRC_LEN = 20
TGT_LEN = 8


def make_vocab(texts):
    table = {"<pad>": PAD, "<bos>": BOS, "<eos>": EOS, "<unk>": UNK}
    for t in texts:
        for w in t.split():
            table.setdefault(w, len(table))
    return table


def encode(texts, table, length, add_eos=False):
    rows = torch.full((len(texts), length), PAD, dtype=torch.long)
    for i, t in enumerate(texts):
        ids = [table.get(w, UNK) for w in t.split()]
        if add_eos:
            ids.append(EOS)
        ids = ids[:length]
        rows[i, : len(ids)] = torch.tensor(ids)
    return rows


class SquawkTranslator(nn.Module):
    def __init__(self, n_src, n_tgt, d_model=32, max_pos=64):
        super().__init__()
        self.d_model = d_model
        self.src_emb = nn.Embedding(n_src, d_model, padding_idx=PAD)
        self.tgt_emb = nn.Embedding(n_tgt, d_model, padding_idx=PAD)
        self.pos = nn.Embedding(max_pos, d_model)
        self.core = nn.Transformer(d_model=d_model, nhead=2, num_encoder_layers=1,
                                   num_decoder_layers=1, dim_feedforward=64,
                                   dropout=0.0, batch_first=True)
        self.out = nn.Linear(d_model, n_tgt)

    def _embed(self, table, ids):
        where = torch.arange(ids.size(1), device=ids.device).unsqueeze(0)
        return table(ids) * math.sqrt(self.d_model) + self.pos(where)

    def forward(self, src, tgt_in):
        n = tgt_in.size(1)
        causal = torch.ones(n, n, dtype=torch.bool, device=tgt_in.device).triu(1)
        h = self.core(self._embed(self.src_emb, src), self._embed(self.tgt_emb, tgt_in),
                      tgt_mask=causal,
                      src_key_padding_mask=src.eq(PAD),
                      tgt_key_padding_mask=tgt_in.eq(PAD),
                      memory_key_padding_mask=src.eq(PAD))
        return self.out(h)


def teacher_forcing_inputs(gold):
    shifted = torch.full_like(gold, PAD)
    shifted[:, 0] = BOS
    shifted[:, 1:] = gold[:, :-1]
    return shifted


@torch.no_grad()
def greedy_decode(model, src):
    model.eval()
    hyp = torch.full((src.size(0), TGT_LEN), PAD, dtype=torch.long)
    hyp[:, 0] = BOS
    for step in range(1, src.size(1)):
        logits = model(src, hyp[:, :step])
        hyp[:, step] = logits[:, -1].argmax(-1)
    return hyp


def main():
    src_vocab = make_vocab(s for s, _ in SQUAWKS)
    tgt_vocab = make_vocab(t for _, t in SQUAWKS)
    inv_tgt = {i: w for w, i in tgt_vocab.items()}
    print(f"source vocab {len(src_vocab)}, target vocab {len(tgt_vocab)}")

    src = encode([s for s, _ in SQUAWKS], src_vocab, SRC_LEN)
    gold = encode([t for _, t in SQUAWKS], tgt_vocab, TGT_LEN, add_eos=True)
    dec_in = teacher_forcing_inputs(gold)
    targets = gold.masked_fill(gold.eq(PAD), -100)

    model = SquawkTranslator(len(src_vocab), len(tgt_vocab))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for it in range(5):
        model.train()
        logits = model(src, dec_in)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1),
                               ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if it % 10 == 0:
            print(f"iter {it:02d} loss {loss.item():.4f}")

    hyp = greedy_decode(model, src[:2])
    for row in hyp.tolist():
        words = [inv_tgt[i] for i in row[1:] if i not in (PAD, EOS)]
        print("action:", " ".join(words))


if __name__ == "__main__":
    main()
