"""Escalation predictor for customer-support chats (tiny BERT, random weights).

Subcommands:
    encode    print the packed token/segment layout of each conversation
    predict   run the escalation classifier over the sample conversations
"""
import argparse
import json
import os
import sys
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

WORDS = ("my order never arrived i want a refund please can you check the tracking "
         "number sorry for the delay we will send replacement today thanks this is "
         "unacceptable third time asking manager now ok great").split()

CHATS = [
    {"id": "T-1001", "turns": [
        {"speaker": "customer", "text": "my order never arrived"},
        {"speaker": "agent", "text": "sorry for the delay can you check the tracking number"},
        {"speaker": "customer", "text": "this is the third time asking i want a refund"},
        {"speaker": "agent", "text": "we will send replacement today"},
    ]},
    {"id": "T-1002", "turns": [
        {"speaker": "customer", "text": "can you check my order please"},
        {"speaker": "agent", "text": "we will send replacement today"},
        {"speaker": "customer", "text": "ok great thanks"},
    ]},
]

DEFAULTS = {"max_len": 64, "hidden_size": 32, "layers": 1, "heads": 2, "num_labels": 2, "seed": 0}
ROLE_IDS = {"customer": 0, "agent": 1}


def write_defaults(workdir):
    path = os.path.join(workdir, "escalation.json")
    with open(path, "w") as fh:
        json.dump(DEFAULTS, fh, indent=2)
    return path


def merged_options(path, cli):
    with open(path) as fh:
        opts = json.load(fh)
    opts.update({k: v for k, v in vars(cli).items() if k in opts and v is not None})
    return opts


def build_tokenizer(workdir):
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))) + "\n")
    return BertTokenizer(vocab_path)


def pack_conversation(tok, turns, max_len):
    """[CLS] turn1 [SEP] turn2 [SEP] ... with one segment id per token."""
    piece_ids = [tok.cls_token_id]
    segment_ids = [0]
    for turn_idx, turn in enumerate(turns):
        ids = tok.convert_tokens_to_ids(tok.tokenize(turn["text"])) + [tok.sep_token_id]
        piece_ids.extend(ids)
        segment_ids.extend([ROLE_IDS[turn["speaker"]]] * len(ids))
    return piece_ids[:max_len], segment_ids[:max_len]


def collate(tok, chats, max_len):
    packed = [pack_conversation(tok, c["turns"], max_len) for c in chats]
    width = max(len(p) for p, _ in packed)
    pieces = torch.full((len(packed), width), tok.pad_token_id, dtype=torch.long)
    segments = torch.zeros((len(packed), width), dtype=torch.long)
    attn = torch.zeros((len(packed), width), dtype=torch.long)
    for row, (p, s) in enumerate(packed):
        pieces[row, :len(p)] = torch.tensor(p)
        segments[row, :len(s)] = torch.tensor(s)
        attn[row, :len(p)] = 1
    return pieces, segments, attn


def build_model(opts, vocab_size):
    torch.manual_seed(opts["seed"])
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=opts["hidden_size"],
        num_hidden_layers=opts["layers"],
        num_attention_heads=opts["heads"],
        intermediate_size=opts["hidden_size"] * 2,
        max_position_embeddings=opts["max_len"],
        num_labels=opts["num_labels"],
    )
    return BertForSequenceClassification(config).eval()


def cmd_encode(opts, tok):
    pieces, segments, attn = collate(tok, CHATS, opts["max_len"])
    for chat, p, s in zip(CHATS, pieces, segments):
        print(chat["id"], tok.convert_ids_to_tokens(p.tolist())[:12], s.tolist()[:12])


def cmd_predict(opts, tok):
    model = build_model(opts, tok.vocab_size)
    pieces, segments, attn = collate(tok, CHATS, opts["max_len"])
    with torch.no_grad():
        out = model(input_ids=pieces, token_type_ids=segments, attention_mask=attn)
    probs = out.logits.softmax(-1)
    for chat, p in zip(CHATS, probs):
        print(f"{chat['id']}: escalate={p[1].item():.3f}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("encode", "predict"):
        sp = sub.add_parser(name)
        sp.add_argument("--max-len", dest="max_len", type=int)
        sp.add_argument("--seed", type=int)
    cli = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        opts = merged_options(write_defaults(workdir), cli)
        tok = build_tokenizer(workdir)
        {"encode": cmd_encode, "predict": cmd_predict}[cli.command](opts, tok)


if __name__ == "__main__":
    main(sys.argv[1:] or ["predict"])
