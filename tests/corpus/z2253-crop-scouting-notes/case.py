import os
import random
from dataclasses import dataclass, field

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(3)
torch.manual_seed(3)

HERE = os.path.dirname(os.path.abspath(__file__))

ISSUES = ["healthy", "aphid_pressure", "stripe_rust", "nitrogen_deficiency", "drought_stress"]

SYMPTOM_PHRASES = {
    "healthy": ["canopy uniform and dark green", "no lesions seen on flag leaf",
                "tillering on schedule", "stand count good"],
    "aphid_pressure": ["aphid colonies on underside of leaves", "honeydew on upper leaves",
                       "ladybird larvae present", "curled leaves near headland"],
    "stripe_rust": ["yellow pustules in stripes along veins", "orange spores rub off on hand",
                    "rust foci spreading from hedge side", "flag leaf infected"],
    "nitrogen_deficiency": ["older leaves pale yellow from tip", "thin stand with pale patches",
                            "chlorosis on lower canopy", "poor tillering on sandy knoll"],
    "drought_stress": ["leaves rolling by midday", "soil cracked between rows",
                       "blue grey cast to canopy", "early senescence on ridge"],
}
FILLER = ["walked field from north gate", "checked twenty plants per zone", "weather overcast",
          "growth stage thirty one", "west side near drain", "revisit next week",
          "photos uploaded to farm app", "spray window tomorrow morning"]


@dataclass
class ScoutConfig:
    vocab_path: str = os.path.join(HERE, "scout_vocab.txt")
    hidden_size: int = 32
    num_layers: int = 1
    num_heads: int = 2
    max_positions: int = 64
    batch_size: int = 16
    lr: float = 5e-4
    epochs: int = 2
    labels: list = field(default_factory=lambda: list(ISSUES))


def make_report(issue):
    n_obs = random.choice([1, 2, 3, 4, 6, 9])
    parts = []
    for _ in range(n_obs):
        parts.append(random.choice(FILLER))
        parts.append(random.choice(SYMPTOM_PHRASES[issue]))
    return " . ".join(parts)


def build_corpus(n_reports):
    rows = []
    for _ in range(n_reports):
        issue = random.choice(ISSUES)
        rows.append((make_report(issue), ISSUES.index(issue)))
    return rows


def write_vocab(path, texts):
    words = sorted({w for t in texts for w in t.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")


class ScoutingCollator:
    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, batch):
        texts = [t for t, _ in batch]
        enc = self.tokenizer(texts, padding="longest", return_tensors="pt")
        enc["labels"] = torch.tensor([y for _, y in batch])
        return enc


def build_model(cfg, vocab_size):
    bert_cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg.hidden_size,
        num_hidden_layers=cfg.num_layers,
        num_attention_heads=cfg.num_heads,
        intermediate_size=cfg.hidden_size * 2,
        max_position_embeddings=cfg.max_positions,
        num_labels=len(cfg.labels),
        id2label=dict(enumerate(cfg.labels)),
        label2id={l: i for i, l in enumerate(cfg.labels)},
    )
    return BertForSequenceClassification(bert_cfg)


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for batch in loader:
            preds = model(**batch).logits.argmax(-1)
            correct += (preds == batch["labels"]).sum().item()
            total += len(preds)
    return correct / max(total, 1)


def main():
    cfg = ScoutConfig()
    corpus = build_corpus(240)
    write_vocab(cfg.vocab_path, [t for t, _ in corpus])
    tokenizer = BertTokenizer(cfg.vocab_path)

    train_rows, val_rows = corpus[:200], corpus[200:]
    collator = ScoutingCollator(tokenizer)
    train_dl = DataLoader(train_rows, batch_size=cfg.batch_size, shuffle=True, collate_fn=collator)
    val_dl = DataLoader(val_rows, batch_size=cfg.batch_size, collate_fn=collator)

    model = build_model(cfg, tokenizer.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        for step, batch in enumerate(train_dl):
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            if step % 5 == 0:
                print(f"epoch {epoch} step {step} loss {out.loss.item():.4f}")
        print(f"epoch {epoch} val acc {evaluate(model, val_dl):.3f}")


if __name__ == "__main__":
    main()
