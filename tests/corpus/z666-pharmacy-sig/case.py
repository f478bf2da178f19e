"""Pointer-generator that rewrites free-text prescription directions into a compact SIG line.

BERT encoder over the prescriber's text, GRU decoder, and a copy distribution so drug
names / strengths can be copied straight from the source even if rare.
"""
import math
import os
import re
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

PAIRS = [
    ("take two tablets of amoxicillin 500 mg by mouth twice daily for ten days",
     "amoxicillin 500 mg | 2 tab | po | bid | 10 d"),
    ("metformin 850 mg one tablet with breakfast and dinner",
     "metformin 850 mg | 1 tab | po | bid"),
    ("apply a thin layer of hydrocortisone cream to the rash three times a day",
     "hydrocortisone cream | thin layer | top | tid"),
    ("inhale two puffs of salbutamol when needed for wheeze",
     "salbutamol | 2 puff | inh | prn"),
    ("one capsule omeprazole 20 mg every morning before food",
     "omeprazole 20 mg | 1 cap | po | qam"),
    ("give 5 ml of paracetamol syrup every six hours if fever",
     "paracetamol syrup | 5 ml | po | q6h prn"),
]


def tokens_of(text):
    return re.findall(r"\w+|[^\w\s]", text.lower())


def make_tokenizer(texts):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for t in texts for w in tokens_of(t)})
    d = tempfile.mkdtemp(prefix="sig_tok_")
    with open(os.path.join(d, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(os.path.join(d, "vocab.txt"))


class CopyHead(nn.Module):
    def __init__(self, hidden, vocab_size):
        super().__init__()
        self.query = nn.Linear(hidden, hidden, bias=False)
        self.gen_gate = nn.Linear(hidden, 1)
        self.vocab_out = nn.Linear(hidden, vocab_size)

    def forward(self, dec_out, enc_out, src_ids, src_mask):
        # dec_out (B, T, H), enc_out (B, S, H)
        scores = torch.bmm(self.query(dec_out), enc_out.transpose(1, 2)) / math.sqrt(dec_out.size(-1))
        scores = scores + (1.0 - src_mask[:, None, :].float()) * -1e4
        attn = scores.softmax(-1)                                  # (B, T, S)

        p_gen = torch.sigmoid(self.gen_gate(dec_out))              # (B, T, 1)
        gen_dist = self.vocab_out(dec_out).softmax(-1)             # (B, T, V)
        copy_idx = src_ids[:, None, :].expand(-1, dec_out.size(1), -1)
        copy_dist = torch.zeros_like(gen_dist).scatter_add(2, copy_idx, attn)
        return p_gen * gen_dist + (1.0 - p_gen) * copy_dist


class SigRewriter(nn.Module):
    def __init__(self, vocab_size, hidden=32):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.tgt_emb = nn.Embedding(vocab_size, hidden, padding_idx=0)
        self.bridge = nn.Linear(hidden, hidden)
        self.rnn = nn.GRU(hidden, hidden, batch_first=True)
        self.copy_head = CopyHead(hidden, vocab_size)

    def forward(self, src_ids, src_mask, tgt_in):
        memory = self.encoder(input_ids=src_ids, attention_mask=src_mask).last_hidden_state
        h0 = torch.tanh(self.bridge(memory[:, 0])).unsqueeze(0).contiguous()
        dec_out, _ = self.rnn(self.tgt_emb(tgt_in), h0)
        return self.copy_head(dec_out, dec_out, src_ids, src_mask)


def collate(pairs, tok):
    src = tok([s for s, _ in pairs], padding=True, return_tensors="pt")
    tgt = tok([t for _, t in pairs], padding=True, return_tensors="pt")["input_ids"]
    # teacher forcing: [CLS] a b c -> a b c [SEP]
    return src["input_ids"], src["attention_mask"], tgt[:, :-1], tgt[:, 1:]


def train(model, tok, steps=30, bs=3):
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for step in range(steps):
        idx = torch.randperm(len(PAIRS))[:bs].tolist()
        src_ids, src_mask, tgt_in, tgt_out = collate([PAIRS[i] for i in idx], tok)
        probs = model(src_ids, src_mask, tgt_in)
        loss = F.nll_loss(torch.log(probs + 1e-9).transpose(1, 2), tgt_out, ignore_index=tok.pad_token_id)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:3d}  nll {loss.item():.3f}")
    return model


if __name__ == "__main__":
    tok = make_tokenizer([s for pair in PAIRS for s in pair])
    print("vocab size", tok.vocab_size)
    model = train(SigRewriter(tok.vocab_size), tok)
    model.eval()
    src_ids, src_mask, tgt_in, _ = collate(PAIRS[:1], tok)
    with torch.no_grad():
        guess = model(src_ids, src_mask, tgt_in).argmax(-1)[0]
    print("teacher-forced output:", tok.decode(guess, skip_special_tokens=True))
