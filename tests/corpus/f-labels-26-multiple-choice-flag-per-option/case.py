"""Quiz answering with a multiple-choice head: each question comes with three options, one of them right."""
import os
import tempfile

import torch
from transformers import DistilBertConfig, DistilBertForMultipleChoice, BertTokenizer

torch.manual_seed(0)
QUIZ = [
    {"question": "capital of france", "options": ["paris", "rome", "oslo"], "answer": 0},
    {"question": "largest planet", "options": ["mars", "jupiter", "venus"], "answer": 1},
]

path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
words = sorted({w for q in QUIZ for w in (q["question"] + " " + " ".join(q["options"])).split()})
with open(path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + words))
tokenizer = BertTokenizer(path)


def encode(quiz):
    firsts = [q["question"] for q in quiz for _ in q["options"]]
    seconds = [o for q in quiz for o in q["options"]]
    enc = tokenizer(firsts, seconds, padding=True, return_tensors="pt")
    n_options = len(quiz[0]["options"])
    batch = {k: v.view(len(quiz), n_options, -1) for k, v in enc.items() if k != "token_type_ids"}
    batch["labels"] = torch.tensor([1 if j == q["answer"] else 0 for q in quiz for j in range(len(q["options"]))])
    return batch


model = DistilBertForMultipleChoice(DistilBertConfig(vocab_size=len(tokenizer), dim=16, n_layers=1, n_heads=2,
                                                     hidden_dim=32, max_position_embeddings=32))
out = model(**encode(QUIZ))
print("loss", out.loss.item())
