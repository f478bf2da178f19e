"""Pairwise judge for math-tutor hints.

A BERT-style cross-encoder reads the student's question together with two
candidate hints and predicts whether the first hint is the better one. The
question and the two hints each get their own segment id so the encoder can
tell them apart; the order of the hints is shuffled to avoid position bias.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)
random.seed(3)

HINT_PAIRS = [
    ("solve 3x + 5 = 20",
     "first subtract 5 from both sides , then divide by 3",
     "the answer is 5"),
    ("what is the area of a circle with radius 4",
     "recall the area formula uses the radius squared times pi",
     "just multiply 4 by something"),
    ("simplify 12 / 18",
     "look for the largest number that divides both 12 and 18",
     "fractions are hard"),
    ("find the slope through ( 1 , 2 ) and ( 3 , 8 )",
     "slope is the change in y divided by the change in x",
     "draw it and guess"),
    ("factor x ^ 2 - 9",
     "notice that 9 is a square , try the difference of squares",
     "use a calculator"),
    ("how many degrees are in a triangle",
     "think about what happens when you tear off the corners and line them up",
     "it is 180"),
    ("convert 0 . 75 to a fraction",
     "0 . 75 is 75 hundredths , then simplify",
     "it is a fraction already"),
    ("what is 15 percent of 60",
     "find 10 percent first , then add half of that again",
     "9"),
]


def write_vocab(folder):
    tokens = set()
    for row in HINT_PAIRS:
        for text in row:
            tokens.update(text.split())
    path = os.path.join(folder, "tutor_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(tokens)) + "\n")
    return path


def pack(tok, question, hint_a, hint_b):
    ids, segs = [tok.cls_token_id], [0]
    for seg, part in enumerate((question, hint_a, hint_b)):
        piece = tok.encode(part, add_special_tokens=False) + [tok.sep_token_id]
        ids += piece
        segs += [seg] * len(piece)
    return ids, segs


def make_batch(tok, rows):
    packed, targets = [], []
    for question, better, worse in rows:
        if random.random() < 0.5:
            packed.append(pack(tok, question, better, worse))
            targets.append(1.0)
        else:
            packed.append(pack(tok, question, worse, better))
            targets.append(0.0)
    width = max(len(ids) for ids, _ in packed)
    ids_t = torch.full((len(rows), width), tok.pad_token_id)
    seg_t = torch.zeros((len(rows), width), dtype=torch.long)
    att_t = torch.zeros((len(rows), width), dtype=torch.long)
    for i, (ids, segs) in enumerate(packed):
        ids_t[i, :len(ids)] = torch.tensor(ids)
        seg_t[i, :len(segs)] = torch.tensor(segs)
        att_t[i, :len(ids)] = 1
    return ids_t, seg_t, att_t, torch.tensor(targets)


class HintJudge(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden_size, 1)

    def forward(self, ids, segs, att):
        hidden = self.encoder(input_ids=ids, token_type_ids=segs, attention_mask=att).last_hidden_state
        return self.head(hidden[:, 0]).squeeze(-1)


def main():
    folder = tempfile.mkdtemp(prefix="hint_judge_")
    tok = BertTokenizer(write_vocab(folder))
    cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=96,
        type_vocab_size=3,
    )
    judge = HintJudge(cfg)
    optimizer = torch.optim.Adam(judge.parameters(), lr=1e-3)
    criterion = nn.BCEWithLogitsLoss()

    for epoch in range(4):
        random.shuffle(HINT_PAIRS)
        total, right = 0.0, 0
        for start in range(0, len(HINT_PAIRS), 4):
            rows = HINT_PAIRS[start:start + 4]
            ids, segs, att, first_is_better = make_batch(tok, rows)
            score = judge(ids, segs, att)
            loss = criterion(score, first_is_better)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(rows)
            right += int(((score > 0).float() == first_is_better).sum())
        print(f"epoch {epoch}  bce {total / len(HINT_PAIRS):.4f}  "
              f"pair accuracy {right / len(HINT_PAIRS):.2f}")


if __name__ == "__main__":
    main()
