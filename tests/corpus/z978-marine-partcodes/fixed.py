"""Serverless endpoint: suggest a short sequence of spare-part codes for a ship
engine-room maintenance log entry.

A tiny BERT encodes the log line; a one-layer recurrent head decodes part codes
with beam search. The beam is kept wide for the first steps (where the choice of
system matters most) and narrowed afterwards to save latency.
"""
import json
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

LOG_WORDS = ("fuel injector leak purifier bowl cooling seawater pump impeller seal "
             "bearing overheating vibration turbocharger filter clogged alarm pressure "
             "low high lube oil separator gasket replaced main auxiliary engine").split()
PART_CODES = ["<bos>", "<eos>", "FI-210", "FI-214", "PU-330", "SW-101", "SW-115",
              "BR-402", "TC-550", "FL-020", "FL-021", "GS-700", "LO-612"]
BOS, EOS = 0, 1


def make_tokenizer(tmp):
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + LOG_WORDS) + "\n")
    return BertTokenizer(path)


class PartDecoder(nn.Module):
    def __init__(self, hidden, n_codes):
        super().__init__()
        self.code_emb = nn.Embedding(n_codes, hidden)
        self.mix = nn.Linear(hidden, hidden)
        self.proj = nn.Linear(hidden, n_codes)

    def step_logprobs(self, state):
        return self.proj(state).log_softmax(-1)

    def advance(self, state, codes):
        return torch.tanh(self.mix(state) + self.code_emb(codes))


def beam_decode(decoder, start_state, widths):
    n_codes = decoder.proj.out_features
    state = start_state.unsqueeze(0)              # one live hypothesis to begin with
    scores = torch.zeros(1)
    hyps = torch.full((1, 1), BOS, dtype=torch.long)
    beam_idx = torch.zeros(1, dtype=torch.long)
    for step, width in enumerate(widths):
        logp = decoder.step_logprobs(state)       # (live, n_codes)
        cand = (scores.unsqueeze(1) + logp).view(-1)
        scores, flat = cand.topk(width)
        next_codes = flat % n_codes
        beam_idx = torch.div(flat, n_codes, rounding_mode="floor")
        # advance the parents of *this* step's survivors
        state = decoder.advance(state.index_select(0, beam_idx), next_codes)
        hyps = torch.cat([hyps[beam_idx], next_codes.unsqueeze(1)], dim=1)
        print(f"  step {step}: width={width} best={[PART_CODES[c] for c in hyps[0, 1:].tolist()]}")
    return hyps, scores


def handler(event, context):
    params = event["params"]
    torch.manual_seed(params.get("seed", 0))
    tok = make_tokenizer(tempfile.mkdtemp())
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    encoder = BertModel(cfg).eval()
    decoder = PartDecoder(cfg.hidden_size, len(PART_CODES)).eval()
    widths = params["beam_schedule"][: params.get("max_codes", 4)]

    suggestions = []
    with torch.no_grad():
        for entry in event["log_entries"]:
            batch = tok(entry, return_tensors="pt")
            cls_vec = encoder(**batch).last_hidden_state[0, 0]
            print(f"decoding: {entry!r}")
            hyps, scores = beam_decode(decoder, cls_vec, widths)
            best = [PART_CODES[c] for c in hyps[0, 1:].tolist() if c != EOS]
            suggestions.append({"entry": entry, "parts": best, "logprob": round(scores[0].item(), 3)})
    return {"statusCode": 200, "body": json.dumps(suggestions)}


if __name__ == "__main__":
    fake_event = {
        "log_entries": [
            "main engine fuel injector leak replaced gasket",
            "seawater pump impeller seal leak high vibration",
            "lube oil separator filter clogged low pressure alarm",
        ],
        "params": {"beam_schedule": [4, 4, 2, 2, 2], "max_codes": 4, "seed": 11},
    }
    print(handler(fake_event, None))
