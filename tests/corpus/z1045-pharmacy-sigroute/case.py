"""Route-of-administration classifier for pharmacy sig lines.

Drug names and strengths are masked with marker tokens before encoding so the
model learns the instruction wording rather than memorising products.
Trained with Accelerate so the same script runs on the pharmacy GPU box.
"""
import functools
import os
import re
import tempfile

import torch
from torch import nn
from torch.utils.data import DataLoader
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertModel, BertTokenizer

ROUTES = ["oral", "topical", "inhaled", "injected"]
MARKERS = ["[DRUG]", "[DOSE]"]

SIGS = [
    ("take 500 mg amoxicillin by mouth three times daily", "oral"),
    ("apply hydrocortisone 1 % cream thinly to rash twice daily", "topical"),
    ("inhale 2 puffs salbutamol 100 mcg when needed", "inhaled"),
    ("inject 40 mg enoxaparin under the skin once daily", "injected"),
    ("take 10 mg amlodipine by mouth every morning", "oral"),
    ("apply 2 % mupirocin ointment to wound three times daily", "topical"),
    ("inhale 1 puff budesonide 200 mcg twice daily", "inhaled"),
    ("inject 10 units insulin under the skin before meals", "injected"),
]
DRUGS = {"amoxicillin", "hydrocortisone", "salbutamol", "enoxaparin", "amlodipine", "mupirocin",
         "budesonide", "insulin"}
DOSE_RE = re.compile(r"\b\d+ (mg|mcg|units|%)")


def normalise(sig):
    sig = DOSE_RE.sub("[DOSE]", sig)
    return " ".join("[DRUG]" if w in DRUGS else w for w in sig.split())


def setup_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split() if w not in MARKERS})
    folder = tempfile.mkdtemp(prefix="sigroute_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    tok = BertTokenizer(path)
    tok.add_special_tokens({"additional_special_tokens": MARKERS})
    return tok


def make_backbone_factory(vocab_size, **cfg_kw):
    def factory():
        return BertModel(BertConfig(vocab_size=vocab_size, **cfg_kw))
    return factory


def make_encoder(tok, **opts):
    return lambda batch_texts: tok(batch_texts, return_tensors="pt", **opts)


def build_head(n, hidden=32):
    return nn.Sequential(nn.Dropout(0.1), nn.Linear(hidden, n))


class SigClassifier(nn.Module):
    def __init__(self, backbone, head):
        super().__init__()
        self.backbone = backbone
        self.head = head

    def forward(self, **enc):
        out = self.backbone(**enc)
        return self.head(out.last_hidden_state[:, 0])


class StepLogger:
    def __init__(self, accelerator, every=1):
        self.acc, self.every, self.seen = accelerator, every, 0

    def __call__(self, epoch, loss):
        self.seen += 1
        if self.seen % self.every == 0:
            self.acc.print(f"epoch {epoch} step {self.seen} loss {loss:.4f}")


def collate_sigs(rows, encode):
    texts = [normalise(s) for s, _ in rows]
    enc = encode(texts)
    enc["route"] = torch.tensor([ROUTES.index(r) for _, r in rows])
    return enc


def main():
    set_seed(11)
    accelerator = Accelerator(cpu=True)
    normalised = [normalise(s) for s, _ in SIGS]
    tok = setup_tokenizer(normalised)
    accelerator.print(f"{len(SIGS)} sig lines, routes: {', '.join(ROUTES)}")

    backbone_factory = make_backbone_factory(tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                                             num_attention_heads=2, intermediate_size=64,
                                             max_position_embeddings=64)
    encode = make_encoder(tok, padding=True, truncation=True, max_length=32)
    loader = DataLoader(SIGS, batch_size=4, shuffle=True,
                        collate_fn=functools.partial(collate_sigs, encode=encode))

    model = SigClassifier(backbone_factory(), build_head(len(ROUTES)))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model, optim, loader = accelerator.prepare(model, optim, loader)
    loss_fn = nn.CrossEntropyLoss()
    step_log = StepLogger(accelerator)

    model.train()
    for epoch in range(2):
        for batch in loader:
            target = batch.pop("route")
            logits = model(**batch)
            loss = loss_fn(logits, target)
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            step_log(epoch, loss.item())
    accelerator.print("training finished")


if __name__ == "__main__":
    main()
