import os
import random
import tempfile
from dataclasses import dataclass

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

random.seed(1)
torch.manual_seed(1)

PARTIES = ["Acme Corp", "Globex Ltd", "Initech LLC", "Umbrella Holdings", "Stark Industries"]
DATES = ["1 March 2021", "30 June 2022", "15 January 2023"]
AMOUNTS = ["$5,000", "$120,000", "$75,500"]
TEMPLATES = [
    "This Agreement is entered into on {d} by {p1} and {p2} .",
    "{p1} shall pay {p2} the sum of {a} no later than {d} .",
    "The Licensee {p2} agrees to indemnify {p1} up to {a} .",
    "Termination by {p1} requires written notice before {d} .",
]
TAGS = ["O", "B-PARTY", "I-PARTY", "B-DATE", "I-DATE", "B-AMOUNT", "I-AMOUNT"]


def make_example():
    tpl = random.choice(TEMPLATES)
    p1, p2 = random.sample(PARTIES, 2)
    slots = {"{p1}": ("PARTY", p1), "{p2}": ("PARTY", p2), "{d}": ("DATE", random.choice(DATES)),
             "{a}": ("AMOUNT", random.choice(AMOUNTS))}
    words, tags = [], []
    for tok in tpl.split():
        if tok.rstrip(".") in slots:
            kind, value = slots[tok.rstrip(".")]
            for j, w in enumerate(value.split()):
                words.append(w)
                tags.append(("B-" if j == 0 else "I-") + kind)
        else:
            words.append(tok)
            tags.append("O")
    return words, tags


@dataclass
class TrainCfg:
    max_len: int = 64
    batch_size: int = 8
    epochs: int = 2
    lr: float = 5e-4


class ClauseTagger:
    def __init__(self, cfg, tokenizer, model):
        self.cfg, self.tok, self.model = cfg, tokenizer, model
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    def encode(self, batch):
        enc = self.tok([w for w, _ in batch], is_split_into_words=True, padding="max_length",
                       truncation=True, max_length=self.cfg.max_len, return_tensors="pt")
        tag_rows = []
        for i, (_, tags) in enumerate(batch):
            row = [-100 if wid is None else TAGS.index(tags[wid]) for wid in enc.word_ids(i)]
            tag_rows.append(row)
        enc["labels"] = torch.tensor(tag_rows)
        return enc

    def fit(self, examples):
        self.model.train()
        for ep in range(self.cfg.epochs):
            random.shuffle(examples)
            for s in range(0, len(examples), self.cfg.batch_size):
                out = self.model(**self.encode(examples[s:s + self.cfg.batch_size]))
                self.opt.zero_grad()
                out.loss.backward()
                self.opt.step()
            print(f"epoch {ep} loss {out.loss.item():.4f}")


if __name__ == "__main__":
    data = [make_example() for _ in range(40)]
    vocab_words = sorted({w.lower() for ws, _ in data for w in ws})
    tmp = tempfile.mkdtemp()
    vocab_path = os.path.join(tmp, "vocab.txt")
    with open(vocab_path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab_words + list("$,.0123456789")))
    tokenizer = BertTokenizer(vocab_path)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(TAGS))
    model = BertForTokenClassification(config)
    trainer = ClauseTagger(TrainCfg(), tokenizer, model)
    trainer.fit(data)
    model.save_pretrained(os.path.join(tmp, "clause-tagger"))
