# Pharmacy call-centre intent router: short transcripts -> queue.
# Trained with a plain Accelerate loop, exported as state dict + json, served by Predictor.
import json
import os
import re
import tempfile
from dataclasses import dataclass

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(11)

INTENTS = ["refill", "side_effect", "insurance", "delivery"]
PII_TOKENS = ["[PHONE]", "[RXNUM]"]
PII_RULES = [(re.compile(r"\b\d{3}-\d{3}-\d{4}\b"), "[PHONE]"), (re.compile(r"\brx\s?\d+\b", re.I), "[RXNUM]")]
LEXICON = ("i need a refill of my prescription please renew the blood pressure pills "
           "rash dizzy nausea after taking new medication headache insurance card "
           "copay denied coverage plan when will package arrive courier late delivery "
           "address call me back at number is with was for").split()

CALLS = [
    ("i need a refill of my blood pressure pills", 0), ("please renew my prescription", 0),
    ("rash and nausea after taking the new medication", 1), ("dizzy headache after new pills", 1),
    ("my insurance card was denied", 2), ("copay for my plan coverage", 2),
    ("when will my package arrive", 3), ("courier is late with my delivery", 3),
]


def build_tokenizer(vocab_path):
    tokenizer = BertTokenizer(vocab_path)
    tokenizer.add_special_tokens({"additional_special_tokens": PII_TOKENS})
    return tokenizer


def scrub(text):
    for rx, placeholder in PII_RULES:
        text = rx.sub(placeholder, text)
    return text


def collate(tokenizer, rows):
    enc = tokenizer([t for t, _ in rows], padding=True, return_tensors="pt")
    enc["labels"] = torch.tensor([y for _, y in rows])
    return enc


def train_and_export(export_dir, epochs=3):
    vocab_path = os.path.join(export_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + LEXICON) + "\n")
    tok = build_tokenizer(vocab_path)
    config = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, num_labels=len(INTENTS))
    accelerator = Accelerator(cpu=True)
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loader = DataLoader(CALLS, batch_size=4, shuffle=True, collate_fn=lambda rows: collate(tok, rows))
    model, optim, loader = accelerator.prepare(model, optim, loader)
    model.train()
    for epoch in range(epochs):
        running = 0.0
        for batch in loader:
            loss = model(**batch).loss
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            running += loss.item()
        accelerator.print(f"epoch {epoch}: loss {running / len(loader):.4f}")
    core = accelerator.unwrap_model(model)
    torch.save(core.state_dict(), os.path.join(export_dir, "model.pt"))
    with open(os.path.join(export_dir, "config.json"), "w") as fh:
        json.dump({"model": core.config.to_dict(), "intents": INTENTS}, fh, indent=1)


@dataclass
class Predictor:
    model: torch.nn.Module
    tokenizer: BertTokenizer
    intents: list
    accelerator: Accelerator
    scrub_pii: bool = True
    batch_size: int = 4

    @classmethod
    def from_dir(cls, path, scrub_pii=True, batch_size=4):
        with open(os.path.join(path, "config.json")) as fh:
            meta = json.load(fh)
        net = BertForSequenceClassification(BertConfig(**meta["model"]))
        net.load_state_dict(torch.load(os.path.join(path, "model.pt"), map_location="cpu"))
        tokenizer = build_tokenizer(os.path.join(path, "vocab.txt"))
        if scrub_pii:
            # keep placeholders as single tokens instead of [ / phone / ]
            tokenizer.add_special_tokens({"additional_special_tokens": PII_TOKENS})
        accelerator = Accelerator(cpu=True)
        net = accelerator.prepare(net.eval())
        return cls(net, tokenizer, meta["intents"], accelerator, scrub_pii, batch_size)

    @torch.no_grad()
    def predict_batch(self, transcripts):
        routed = []
        for start in range(0, len(transcripts), self.batch_size):
            chunk = transcripts[start:start + self.batch_size]
            if self.scrub_pii:
                chunk = [scrub(t) for t in chunk]
            enc = self.tokenizer(chunk, padding=True, return_tensors="pt").to(self.accelerator.device)
            scores = self.model(**enc).logits.softmax(-1)
            best = scores.argmax(-1)
            routed += [(self.intents[k], float(scores[i, k])) for i, k in enumerate(best.tolist())]
        return routed


if __name__ == "__main__":
    out = tempfile.mkdtemp(prefix="pharm_router_")
    train_and_export(out)
    router = Predictor.from_dir(out)
    queue = [
        "please renew rx 448120 call me back at 555-201-7788",
        "rash after taking new medication",
        "my insurance card copay denied",
        "when will the courier package arrive my number is 555-310-4421",
        "refill of my blood pressure pills",
    ]
    for text, (intent, p) in zip(queue, router.predict_batch(queue)):
        print(f"{intent:<12} {p:.2f}  {text}")
