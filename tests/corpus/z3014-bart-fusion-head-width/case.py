import os
import random
from types import SimpleNamespace

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BartConfig, BartModel, BertTokenizer
from transformers.models.bart.modeling_bart import shift_tokens_right

BASE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)
random.seed(7)
torch.manual_seed(7)

FR = "le la les chat chien maison voiture mange voit est noir blanc petit grand".split()
EN = "the the the cat dog house car eats sees is black white small big".split()
FR2EN = dict(zip(FR, EN))
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

with open(os.path.join(BASE, "vocab.txt"), "w") as f:
    for w in SPECIAL + sorted(set(FR) | set(EN)):
        f.write(w + "\n")
tokenizer = BertTokenizer(os.path.join(BASE, "vocab.txt"), do_lower_case=True)

args = SimpleNamespace(
    d_model=32,
    heads=2,
    ffn=64,
    layers=1,
    max_len=24,
    bsz=12,
    steps=30,
    lr=5e-4,
    warmup=5,
)


def make_corpus(n):
    corpus = []
    for _ in range(n):
        src = list(rng.choice(FR, size=rng.integers(3, 9)))
        corpus.append((" ".join(src), " ".join(FR2EN[w] for w in src)))
    return corpus


class MTCollator:
    def __init__(self, tok, max_len, decoder_start):
        self.tok, self.max_len, self.decoder_start = tok, max_len, decoder_start

    def __call__(self, pairs):
        src = self.tok([p[0] for p in pairs], padding="longest", truncation=True,
                       max_length=self.max_len, return_tensors="pt")
        tgt = self.tok([p[1] for p in pairs], padding="longest", truncation=True,
                       max_length=self.max_len, return_tensors="pt")
        labels = tgt["input_ids"][:, 1:].clone()
        dec_in = shift_tokens_right(labels, self.tok.pad_token_id, self.decoder_start)
        labels[labels == self.tok.pad_token_id] = -100
        return {
            "input_ids": src["input_ids"],
            "attention_mask": src["attention_mask"],
            "decoder_input_ids": dec_in,
            "labels": labels,
        }


def batches(corpus, bsz, collate):
    while True:
        random.shuffle(corpus)
        for i in range(0, len(corpus) - bsz + 1, bsz):
            yield collate(corpus[i : i + bsz])


class FusionTranslator(nn.Module):
    def __init__(self, bart_cfg, args):
        super().__init__()
        self.bart = BartModel(bart_cfg)
        self.ctx_proj = nn.Linear(args.d_model, args.d_model, bias=False)
        self.lm_head = nn.Linear(args.d_model, bart_cfg.vocab_size)

    def forward(self, input_ids, attention_mask, decoder_input_ids, labels=None):
        out = self.bart(input_ids=input_ids, attention_mask=attention_mask, decoder_input_ids=decoder_input_ids)
        enc, dec = out.encoder_last_hidden_state, out.last_hidden_state
        scores = torch.einsum("btd,bsd->bts", self.ctx_proj(dec), enc)
        scores = scores.masked_fill(attention_mask[:, None, :] == 0, float("-inf"))
        ctx = scores.softmax(-1) @ enc
        logits = self.lm_head(torch.cat([dec, ctx], dim=-1))
        loss = None
        if labels is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1), ignore_index=-100)
        return loss, logits


@torch.no_grad()
def translate(model, tok, sentence, max_new=20):
    model.eval()
    enc = tok([sentence], return_tensors="pt")
    ys = torch.tensor([[tok.cls_token_id]])
    for _ in range(max_new):
        _, logits = model(enc["input_ids"], enc["attention_mask"], ys)
        nxt = logits[0, -1].argmax().item()
        ys = torch.cat([ys, torch.tensor([[nxt]])], dim=1)
        if nxt == tok.sep_token_id:
            break
    return tok.decode(ys[0], skip_special_tokens=True)


def main():
    bart_cfg = BartConfig(
        vocab_size=tokenizer.vocab_size, d_model=args.d_model, encoder_layers=args.layers,
        decoder_layers=args.layers, encoder_attention_heads=args.heads, decoder_attention_heads=args.heads,
        encoder_ffn_dim=args.ffn, decoder_ffn_dim=args.ffn, max_position_embeddings=64,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.cls_token_id,
        eos_token_id=tokenizer.sep_token_id, decoder_start_token_id=tokenizer.cls_token_id,
        forced_eos_token_id=None, dropout=0.1,
    )
    model = FusionTranslator(bart_cfg, args)
    collate = MTCollator(tokenizer, args.max_len, bart_cfg.decoder_start_token_id)
    stream = batches(make_corpus(240), args.bsz, collate)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / args.warmup))

    model.train()
    for step in range(1, args.steps + 1):
        batch = next(stream)
        loss, _ = model(**batch)
        loss.backward()
        opt.step()
        sched.step()
        opt.zero_grad()
        if step % 10 == 0:
            print(f"step {step} loss {loss.item():.3f} lr {sched.get_last_lr()[0]:.2e}")

    for src, ref in make_corpus(3):
        print(f"{src!r} -> {translate(model, tokenizer, src)!r} (ref {ref!r})")


if __name__ == "__main__":
    main()
