"""Suggest cut points in concatenated railway signalling fault logs.

Depot staff paste several fault notes into one free-text field. We run a small
BERT encoder over each entry and score every gap between adjacent tokens by how
much the contextual vectors change; the largest drops are offered as cut points.
"""
import argparse
import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

ENTRIES = [
    "signal sn41 showing dark aspect lamp replaced then track circuit tc203 dropping intermittently",
    "points 17a failed to detect normal reverse ok heaters off overnight",
    "axle counter reset at block 9 then level crossing barrier slow to lower",
    "tc203 dropping again after rain bonding cable damaged by ballast tamper",
]

BASE_VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--max-len", type=int, default=32, help="token budget per entry")
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--top-k", type=int, default=2, help="cut points to suggest per entry")
    p.add_argument("--seed", type=int, default=7)
    return p.parse_args()


def make_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp(prefix="sigvocab_")
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(BASE_VOCAB + words) + "\n")
    return BertTokenizer(vocab_path)


def make_encoder(tok, args):
    cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=args.hidden,
        num_hidden_layers=args.layers,
        num_attention_heads=2,
        intermediate_size=args.hidden * 2,
        max_position_embeddings=64,
    )
    return BertModel(cfg).eval()


def gap_scores(hidden, valid, args):
    """1 - cosine between neighbouring token vectors; -inf where a gap touches padding."""
    scores = torch.full((hidden.size(0), args.max_len - 1), float("-inf"))
    for pos in range(1, args.max_len):
        left, right = hidden[:, pos - 1], hidden[:, pos]
        ok = valid[:, pos - 1] & valid[:, pos]
        dis = 1.0 - F.cosine_similarity(left, right, dim=-1)
        scores[:, pos - 1] = torch.where(ok, dis, scores[:, pos - 1])
    return scores


def main():
    args = parse_args()
    torch.manual_seed(args.seed)

    tok = make_tokenizer(ENTRIES)
    model = make_encoder(tok, args)
    enc = tok(ENTRIES, padding=True, truncation=True, max_length=args.max_len,
              return_tensors="pt")
    print(f"batch {tuple(enc['input_ids'].shape)}, budget {args.max_len}")

    with torch.no_grad():
        hidden = model(**enc).last_hidden_state

    # ignore [CLS]/[SEP] and padding when looking for cuts
    specials = torch.tensor(
        [tok.get_special_tokens_mask(row, already_has_special_tokens=True)
         for row in enc["input_ids"].tolist()]
    ).bool()
    valid = enc["attention_mask"].bool() & ~specials

    scores = gap_scores(hidden, valid, args)
    cut_at = scores.topk(args.top_k, dim=1).indices + 1

    for row, cuts in enumerate(cut_at.tolist()):
        pieces = tok.convert_ids_to_tokens(enc["input_ids"][row])
        marks = sorted(cuts)
        print(f"entry {row}:")
        for c in marks:
            print(f"   cut before '{pieces[c]}' (after '{pieces[c - 1]}')")


if __name__ == "__main__":
    main()
