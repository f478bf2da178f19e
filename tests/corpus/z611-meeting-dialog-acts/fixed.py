"""Dialogue-act tagging for multi-party design meetings (AMI-style), windowed context.

Each example = the previous --context_turns turns plus the target turn; every turn gets its
own segment id so the encoder can tell the target apart from context.
"""
import argparse
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

# ----------------------------------------------------------------------------- utils
def set_seed(s):
    random.seed(s)
    torch.manual_seed(s)


def write_vocab(lines, folder):
    toks = sorted({w for l in lines for w in l.lower().replace("?", " ").replace(",", " ").split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "?"] + toks) + "\n")
    return path


def span_mean(h, seg, keep, target_seg):
    # average only over (non-pad) tokens of the target turn
    sel = ((seg == target_seg[:, None]) & keep.bool()).float()
    return torch.einsum("bld,bl->bd", h, sel) / sel.sum(1, keepdim=True).clamp_min(1)


def gated_attn(h, keep, w):
    logits = torch.einsum("bld,kd->blk", h, w).squeeze(-1)
    logits = logits.masked_fill(~keep.bool(), torch.finfo(h.dtype).min)
    return torch.einsum("bl,bld->bd", logits.softmax(-1), h)


def windows(dialog, k):
    """yield (context turns + target turn, act) for each turn"""
    for i, (_, act) in enumerate(dialog):
        yield [u for u, _ in dialog[max(0, i - k): i + 1]], act


def encode(tok, turns, max_len):
    ids, seg = [tok.cls_token_id], [0]
    for s, utt in enumerate(turns):
        piece = tok.convert_tokens_to_ids(tok.tokenize(utt)) + [tok.sep_token_id]
        ids += piece
        seg += [s] * len(piece)
    return ids[:max_len], seg[:max_len], len(turns) - 1


def make_batch(tok, chunk, max_len):
    enc = [encode(tok, turns, max_len) for turns, _ in chunk]
    L = max(len(i) for i, _, _ in enc)
    out = {"input_ids": [], "token_type_ids": [], "attention_mask": []}
    for ids, seg, _ in enc:
        gap = L - len(ids)
        out["input_ids"].append(ids + [tok.pad_token_id] * gap)
        out["token_type_ids"].append(seg + [0] * gap)
        out["attention_mask"].append([1] * len(ids) + [0] * gap)
    out = {k: torch.tensor(v) for k, v in out.items()}
    return out, torch.tensor([t for _, _, t in enc]), torch.tensor([ACTS.index(a) for _, a in chunk])


# ----------------------------------------------------------------------------- data / model
ACTS = ["inform", "suggest", "elicit", "assess", "backchannel"]
MEETING = [
    ("so today we look at the remote control design", "inform"),
    ("what do users want from the buttons?", "elicit"),
    ("maybe we use fewer buttons", "suggest"),
    ("yeah", "backchannel"),
    ("that sounds good to me", "assess"),
    ("the battery costs about two euro", "inform"),
    ("could we try a rubber case?", "suggest"),
    ("mm hmm", "backchannel"),
]


class DAClassifier(nn.Module):
    def __init__(self, cfg, n_acts, pooling):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.pooling = pooling
        self.w = nn.Parameter(torch.randn(1, cfg.hidden_size) * 0.02)
        self.out = nn.Linear(cfg.hidden_size, n_acts)

    def forward(self, target_seg, **batch):
        h = self.bert(**batch).last_hidden_state
        if self.pooling == "cls":
            z = h[:, 0]
        elif self.pooling == "mean":
            z = span_mean(h, batch["token_type_ids"], batch["attention_mask"], target_seg)
        else:
            z = gated_attn(h, batch["attention_mask"], self.w)
        return self.out(z)


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--context_turns", type=int, default=2)
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--heads", type=int, default=2)
    p.add_argument("--max_len", type=int, default=64)
    p.add_argument("--pooling", choices=["cls", "mean", "attn"], default="mean")
    p.add_argument("--bs", type=int, default=4)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--seed", type=int, default=11)
    return p.parse_args()


def main():
    args = get_args()
    set_seed(args.seed)
    tok = BertTokenizer(write_vocab([u for u, _ in MEETING], tempfile.mkdtemp()))
    cfg = BertConfig(vocab_size=len(tok), hidden_size=args.hidden, num_hidden_layers=args.layers,
                     num_attention_heads=args.heads, intermediate_size=2 * args.hidden,
                     max_position_embeddings=args.max_len, type_vocab_size=args.context_turns + 1)
    model = DAClassifier(cfg, len(ACTS), args.pooling)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    examples = list(windows(MEETING, args.context_turns))
    print(f"{len(examples)} windows, context={args.context_turns}, pooling={args.pooling}")
    for ep in range(args.epochs):
        random.shuffle(examples)
        for i in range(0, len(examples), args.bs):
            batch, tgt, acts = make_batch(tok, examples[i:i + args.bs], args.max_len)
            loss = loss_fn(model(tgt, **batch), acts)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {ep} last-batch loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
