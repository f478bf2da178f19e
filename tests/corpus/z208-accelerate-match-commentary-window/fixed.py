import os
import re
import tempfile

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(3)
EVENTS = ["goal", "foul", "substitution", "corner", "save"]
MAX_LEN = 64
CONTEXT = 5

commentary = [
    ("kane drives forward and curls it into the far corner", "goal"),
    ("a cynical trip on the edge of the box and the referee blows", "foul"),
    ("the keeper gets down low and pushes it round the post", "save"),
    ("the ball is cleared behind for a corner on the left", "corner"),
    ("number nine makes way, the young winger comes on for his debut", "substitution"),
    ("late challenge from behind, that will be a yellow card", "foul"),
    ("header from the corner and it nestles in the bottom corner", "goal"),
    ("a stunning fingertip stop keeps the score level", "save"),
    ("deflected wide, another corner for the home side", "corner"),
    ("double change for the visitors as they chase the game", "substitution"),
    ("he was pulled back by the shirt, free kick given", "foul"),
    ("volley from twenty yards and the net bulges", "goal"),
    ("strong hands from the goalkeeper to deny the striker", "save"),
    ("blocked by the last defender, corner kick", "corner"),
    ("the captain is replaced after picking up a knock", "substitution"),
    ("tap in at the back post after a lovely low cross", "goal"),
] * 2

# %% build samples: current line plus the previous CONTEXT lines as match context
samples = []
for i, (line, event) in enumerate(commentary):
    history = [c for c, _ in commentary[max(0, i - CONTEXT):i]]
    samples.append({"context": " ".join(history), "line": line, "event": EVENTS.index(event)})

# %% tokenizer and model
tmp = tempfile.mkdtemp()
words = sorted({w for c, _ in commentary for w in re.findall(r"\w+|[^\w\s]", c.lower())})
with open(os.path.join(tmp, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tok = BertTokenizer(os.path.join(tmp, "vocab.txt"))

config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=len(EVENTS))
model = BertForSequenceClassification(config)


def collate(rows):
    enc = tok([r["line"] for r in rows], [r["context"] for r in rows], padding="max_length",
              truncation="only_second", max_length=MAX_LEN, return_tensors="pt")
    enc["labels"] = torch.tensor([r["event"] for r in rows])
    return enc


loader = DataLoader(samples, batch_size=8, shuffle=True, collate_fn=collate)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

# %% train
accelerator = Accelerator(cpu=True)
model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
model.train()
for epoch in range(2):
    running = 0.0
    for step, batch in enumerate(loader):
        out = model(**batch)
        accelerator.backward(out.loss)
        optimizer.step()
        optimizer.zero_grad()
        running += out.loss.item()
    accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

# %% quick check on the last batch
model.eval()
with torch.no_grad():
    preds = model(**batch).logits.argmax(-1)
print("acc on last batch:", (preds == batch["labels"]).float().mean().item())
