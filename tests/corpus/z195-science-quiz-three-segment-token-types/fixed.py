import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)


@dataclass
class QuizItem:
    question: str
    passage: str
    option: str
    correct: int


ITEMS = [
    QuizItem("what gas do plants absorb", "plants take in carbon dioxide for photosynthesis", "carbon dioxide", 1),
    QuizItem("what gas do plants absorb", "plants take in carbon dioxide for photosynthesis", "helium", 0),
    QuizItem("what is the boiling point of water", "water boils at one hundred degrees at sea level", "one hundred degrees", 1),
    QuizItem("what is the boiling point of water", "water boils at one hundred degrees at sea level", "ten degrees", 0),
    QuizItem("which planet is closest to the sun", "mercury orbits closest to the sun", "mercury", 1),
    QuizItem("which planet is closest to the sun", "mercury orbits closest to the sun", "neptune", 0),
    QuizItem("what force pulls objects down", "gravity pulls objects toward the earth", "gravity", 1),
    QuizItem("what force pulls objects down", "gravity pulls objects toward the earth", "magnetism", 0),
    QuizItem("what do bees make", "bees collect nectar and make honey", "honey", 1),
    QuizItem("what do bees make", "bees collect nectar and make honey", "silk", 0),
]

tmp = tempfile.mkdtemp()
vocab = sorted({w for it in ITEMS for w in f"{it.question} {it.passage} {it.option}".split()})
with open(os.path.join(tmp, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab))
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))


def encode(item, max_len=40):
    parts = [item.question, item.passage, item.option]
    pieces, segs = [tokenizer.cls_token_id], [0]
    for seg_no, text in enumerate(parts):
        ids = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(text)) + [tokenizer.sep_token_id]
        pieces += ids
        segs += [seg_no] * len(ids)
    pad = max_len - len(pieces)
    keep = [1] * len(pieces) + [0] * pad
    return pieces + [tokenizer.pad_token_id] * pad, segs + [0] * pad, keep


def make_batch(items):
    cols = list(zip(*(encode(it) for it in items)))
    tok_ids, seg_ids, keep = (torch.tensor(c) for c in cols)
    target = torch.tensor([float(it.correct) for it in items])
    return tok_ids, seg_ids, keep, target


class OptionScorer(nn.Module):
    def __init__(self):
        super().__init__()
        conf = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=64, type_vocab_size=3)
        self.bert = BertModel(conf)
        self.score = nn.Linear(conf.hidden_size, 1)

    def forward(self, tok_ids, seg_ids, keep):
        out = self.bert(input_ids=tok_ids, token_type_ids=seg_ids, attention_mask=keep)
        return self.score(out.pooler_output).squeeze(-1)


scorer = OptionScorer()
optimizer = torch.optim.Adam(scorer.parameters(), lr=1e-3)
loss_fn = nn.BCEWithLogitsLoss()

for step in range(20):
    order = torch.randperm(len(ITEMS))[:4].tolist()
    tok_ids, seg_ids, keep, target = make_batch([ITEMS[i] for i in order])
    loss = loss_fn(scorer(tok_ids, seg_ids, keep), target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 5 == 0:
        print(f"step {step:2d} loss {loss.item():.4f}")

scorer.eval()
with torch.no_grad():
    tok_ids, seg_ids, keep, target = make_batch(ITEMS)
    preds = (scorer(tok_ids, seg_ids, keep) > 0).float()
print("accuracy", (preds == target).float().mean().item())
