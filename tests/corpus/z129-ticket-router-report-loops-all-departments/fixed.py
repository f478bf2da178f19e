"""Route helpdesk tickets with a tiny BERT classifier and print the top departments for each ticket."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
WORK = tempfile.mkdtemp()

DEPARTMENTS = ["billing", "shipping", "returns", "tech", "accounts", "sales"]
SHOW_TOP = 3
TICKETS = [
    "i was charged twice for my order",
    "the parcel has not arrived yet",
    "the app crashes when i log in",
    "how do i return a broken lamp",
]
words = sorted({w for t in TICKETS for w in t.split()})
with open(os.path.join(WORK, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(WORK, "vocab.txt"))

config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=len(DEPARTMENTS))
router = BertForSequenceClassification(config).eval()


def suggest(texts):
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        probs = router(**enc).logits.softmax(dim=-1)
    return probs.topk(SHOW_TOP, dim=-1)


def print_report(texts, top):
    for row, text in enumerate(texts):
        print(f"ticket: {text}")
        scores, dept_ids = top.values[row], top.indices[row]
        for rank in range(len(dept_ids)):
            print(f"   {rank + 1}. {DEPARTMENTS[dept_ids[rank]]:<10} {scores[rank].item():.3f}")


print_report(TICKETS, suggest(TICKETS))
