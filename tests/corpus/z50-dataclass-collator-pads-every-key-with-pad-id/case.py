"""Natural language inference with a BERT pre-trained from scratch on our own WordPiece vocabulary.

The vocabulary was trained with the tokenizers library, special tokens in the order of the course:
[UNK] [CLS] [SEP] [PAD] [MASK].  Premise/hypothesis pairs are padded per batch by a small collator.
"""
import functools
import os
import tempfile
from dataclasses import dataclass, field

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(1)

PAIRS = [
    ("a man is playing a guitar", "a person plays music", "entailment"),
    ("a dog runs in the park", "the animal is asleep", "contradiction"),
    ("two kids eat ice cream", "children are eating", "entailment"),
    ("a woman reads a book on the train", "she is travelling", "neutral"),
    ("the street is empty at night", "many people walk on the street", "contradiction"),
    ("a chef cooks pasta", "someone prepares food in a kitchen", "neutral"),
]
LABELS = ["entailment", "neutral", "contradiction"]

SPECIAL_TOKENS = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"]
words = sorted({w for p, h, _ in PAIRS for w in (p + " " + h).split()})
vocab_dir = tempfile.mkdtemp(prefix="wordpiece-")
with open(os.path.join(vocab_dir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(SPECIAL_TOKENS + words) + "\n")
tokenizer = BertTokenizer(os.path.join(vocab_dir, "vocab.txt"))


@dataclass
class PadCollator:
    pad_id: int
    keys: tuple = field(default=("input_ids", "token_type_ids", "attention_mask"))

    def __call__(self, features):
        pad = functools.partial(pad_sequence, batch_first=True, padding_value=self.pad_id)
        batch = {k: pad([torch.tensor(f[k]) for f in features]) for k in self.keys}
        batch["labels"] = torch.tensor([f["label"] for f in features])
        return batch


def featurize(premise, hypothesis, label):
    enc = tokenizer(premise, hypothesis, truncation=True, max_length=64)
    return {**enc, "label": LABELS.index(label)}


train_features = [featurize(*row) for row in PAIRS]
loader = DataLoader(train_features, batch_size=3, shuffle=True, collate_fn=PadCollator(pad_id=tokenizer.pad_token_id))

config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, pad_token_id=tokenizer.pad_token_id,
                    num_labels=len(LABELS))
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

model.train()
for epoch in range(3):
    for batch in loader:
        out = model(**batch)
        out.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(f"epoch {epoch}: loss {out.loss.item():.3f}")
