import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizerFast

REPORTS = [
    {
        "report": "united beat rovers 3 1 at the old ground . silva scored twice before half time and "
                  "okafor added a late header . the keeper was sent off in the 80th minute .",
        "qas": [("who scored twice", "silva"), ("what was the final score", "3 1"),
                ("when was the keeper sent off", "80th minute")],
    },
    {
        "report": "city and athletic drew 0 0 in heavy rain . a crowd of 41000 watched a tense game "
                  "where the striker hit the post twice . the coach praised the defence .",
        "qas": [("how big was the crowd", "41000"), ("what was the weather", "heavy rain")],
    },
]

MAX_TOKENS = 36
OVERLAP = 8


def tokenizer_from_reports(folder):
    vocab = set()
    for r in REPORTS:
        vocab.update(r["report"].split())
        for q, _ in r["qas"]:
            vocab.update(q.split())
    vocab_path = os.path.join(folder, "football_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(vocab)) + "\n")
    return BertTokenizerFast(vocab_path)


def encode_reports(tokenizer):
    questions, passages, spans = [], [], []
    for r in REPORTS:
        for q, ans in r["qas"]:
            start = r["report"].index(ans)
            questions.append(q)
            passages.append(r["report"])
            spans.append((start, start + len(ans)))
    enc = tokenizer(questions, passages, truncation="only_second", max_length=MAX_TOKENS,
                    stride=OVERLAP, return_overflowing_tokens=True, return_offsets_mapping=True,
                    padding="max_length", return_tensors="pt")
    starts, ends = [], []
    for w in range(enc["input_ids"].shape[0]):
        char_s, char_e = spans[int(enc["overflow_to_sample_mapping"][w])]
        seq = enc.sequence_ids(w)
        s_idx = e_idx = 0
        for k, (a, b) in enumerate(enc["offset_mapping"][w].tolist()):
            if seq[k] != 1:
                continue
            if a <= char_s < b:
                s_idx = k
            if a < char_e <= b:
                e_idx = k
        if s_idx == 0 or e_idx == 0:
            s_idx = e_idx = 0
        starts.append(s_idx)
        ends.append(e_idx)
    return enc, torch.tensor(starts), torch.tensor(ends)


class MatchReader(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.boundary = nn.Linear(cfg.hidden_size, 2)

    def forward(self, tokens, segments, padding):
        states = self.encoder(input_ids=tokens, token_type_ids=segments,
                              attention_mask=padding).last_hidden_state
        logits = self.boundary(states)
        return logits.masked_fill(padding.eq(0).unsqueeze(-1), -1e4)


def boundary_loss(logits, first_tok, last_tok):
    # score start and end boundaries together: one row per (window, boundary)
    n_windows, n_tokens, _ = logits.shape
    rows = logits.transpose(1, 2).reshape(n_windows * 2, n_tokens)
    gold = torch.stack([first_tok, last_tok], dim=1).view(-1)
    return F.cross_entropy(rows, gold)


def main():
    torch.manual_seed(3)
    tokenizer = tokenizer_from_reports(tempfile.mkdtemp())
    enc, first_tok, last_tok = encode_reports(tokenizer)
    print("windows:", enc["input_ids"].shape[0], "tokens per window:", enc["input_ids"].shape[1])

    cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    reader = MatchReader(cfg)
    opt = torch.optim.AdamW(reader.parameters(), lr=1e-3, weight_decay=0.01)

    for epoch in range(10):
        reader.train()
        logits = reader(enc["input_ids"], enc["token_type_ids"], enc["attention_mask"])
        loss = boundary_loss(logits, first_tok, last_tok)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 3 == 0:
            print(f"epoch {epoch}  boundary loss {loss.item():.4f}")

    reader.eval()
    with torch.no_grad():
        logits = reader(enc["input_ids"], enc["token_type_ids"], enc["attention_mask"])
    start_best = logits[..., 0].argmax(-1)
    end_best = logits[..., 1].argmax(-1)
    for w in range(logits.shape[0]):
        s, e = int(start_best[w]), int(end_best[w])
        gold = tokenizer.decode(enc["input_ids"][w][first_tok[w]:last_tok[w] + 1])
        pred = tokenizer.decode(enc["input_ids"][w][s:e + 1]) if e >= s else ""
        print(f"window {w}: pred={pred!r} gold={gold!r}")


if __name__ == "__main__":
    main()
