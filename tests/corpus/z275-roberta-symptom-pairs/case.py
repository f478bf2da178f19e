import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertTokenizer, RobertaConfig, RobertaForSequenceClassification

torch.manual_seed(0)
random.seed(0)

PAIRS = [
    ("does ibuprofen help with migraine", "can ibuprofen relieve a migraine headache", 1),
    ("is a fever of 39 dangerous for adults", "when should an adult worry about high fever", 1),
    ("how long does a cold last", "what is the usual duration of a common cold", 1),
    ("can i take aspirin with warfarin", "is it safe to mix aspirin and warfarin", 1),
    ("what causes chest pain after running", "why does my chest hurt after jogging", 1),
    ("is dizziness a side effect of statins", "can statins cause dizziness", 1),
    ("how much water should i drink daily", "daily recommended water intake for adults", 1),
    ("does coffee raise blood pressure", "can caffeine increase blood pressure", 1),
    ("how long does a cold last", "can statins cause dizziness", 0),
    ("does ibuprofen help with migraine", "daily recommended water intake for adults", 0),
    ("is a fever of 39 dangerous for adults", "why does my chest hurt after jogging", 0),
    ("can i take aspirin with warfarin", "what is the usual duration of a common cold", 0),
    ("what causes chest pain after running", "does coffee raise blood pressure", 0),
    ("is dizziness a side effect of statins", "can ibuprofen relieve a migraine headache", 0),
    ("how much water should i drink daily", "is it safe to mix aspirin and warfarin", 0),
    ("does coffee raise blood pressure", "when should an adult worry about high fever", 0),
]


def build_vocab(pairs, folder):
    words = sorted({w for a, b, _ in pairs for w in (a + " " + b).split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


workdir = tempfile.mkdtemp()
tokenizer = BertTokenizer(build_vocab(PAIRS, workdir))

roberta_settings = dict(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=66,
    type_vocab_size=1,
    pad_token_id=tokenizer.pad_token_id,
    bos_token_id=tokenizer.cls_token_id,
    eos_token_id=tokenizer.sep_token_id,
    num_labels=2,
)
model = RobertaForSequenceClassification(RobertaConfig(**roberta_settings))


def collate(rows):
    first = [r[0] for r in rows]
    second = [r[1] for r in rows]
    enc = tokenizer(first, second, padding=True, truncation=True, max_length=48, return_tensors="pt")
    enc["labels"] = torch.tensor([r[2] for r in rows])
    return enc


loader = DataLoader(PAIRS, batch_size=4, shuffle=True, collate_fn=collate)
optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

for epoch in range(3):
    model.train()
    running = 0.0
    for batch in loader:
        out = model(**batch)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        running += out.loss.item()
    print(f"epoch {epoch}: loss {running / len(loader):.4f}")

model.eval()
hits = 0
with torch.no_grad():
    for batch in DataLoader(PAIRS, batch_size=8, collate_fn=collate):
        gold = batch.pop("labels")
        hits += (model(**batch).logits.argmax(-1) == gold).sum().item()
print(f"train accuracy: {hits / len(PAIRS):.2f}")
