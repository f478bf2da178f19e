import os
import random
import re
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(11)
torch.manual_seed(11)

HERE = os.path.dirname(os.path.abspath(__file__))

CFG = {
    "max_positions": 128,
    "hidden": 32,
    "layers": 1,
    "heads": 2,
    "batch_size": 16,
    "lr": 5e-4,
    "epochs": 1,
    "n_claims": 400,
}

QUEUES = ["fast_track", "standard_review", "siu_referral", "litigation"]

ENTRY_TEMPLATES = {
    "fast_track": [
        "insured reports minor {part} damage in parking lot no injuries photos received",
        "windshield chip reported glass vendor assigned customer satisfied",
        "rear bumper scrape estimate {amt} under threshold approve payment",
    ],
    "standard_review": [
        "collision at intersection {part} damage estimate {amt} awaiting police report",
        "water leak from upstairs unit adjuster inspection scheduled for {day}",
        "third party vehicle involved liability under review statements requested",
    ],
    "siu_referral": [
        "loss reported {days} days after policy inception prior claims at same address",
        "receipts submitted appear altered vendor could not be verified",
        "claimant story inconsistent with damage pattern on {part} refer to special investigations",
    ],
    "litigation": [
        "attorney letter of representation received bodily injury claimed",
        "claimant retained counsel demand letter for {amt} policy limits requested",
        "suit filed in county court defense counsel assigned",
    ],
}
FOLLOW_UPS = [
    "called insured left voicemail will try again on {day}",
    "received updated estimate from shop total now {amt}",
    "rental extended another week pending parts for {part}",
    "spoke with claimant confirmed mailing address and payment method",
    "supervisor reviewed file reserve adjusted to {amt}",
    "sent status letter to insured and agent copied",
]
PARTS = ["bumper", "fender", "hood", "door", "roof", "windshield", "quarter panel"]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]


def fill(t):
    return t.format(part=random.choice(PARTS), amt=f"{random.randint(300, 60000)} dollars",
                    day=random.choice(DAYS), days=random.randint(2, 40))


def synth_claim():
    label = random.choices(range(len(QUEUES)), weights=[0.4, 0.35, 0.15, 0.1])[0]
    entries = [fill(random.choice(ENTRY_TEMPLATES[QUEUES[label]]))]
    # long-running files accumulate diary entries
    n_follow = random.choice([0, 0, 1, 2, 3]) if random.random() < 0.75 else random.randint(8, 14)
    entries += [fill(random.choice(FOLLOW_UPS)) for _ in range(n_follow)]
    return " . ".join(entries), label


def words(text):
    return re.findall(r"[a-z]+|\d|[^\sa-z\d]", text.lower())


def write_vocab(texts, path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    digits = [str(d) for d in range(10)]
    vocab = sorted({w for t in texts for w in words(t)} | set(digits)) + ["##" + d for d in digits]
    with open(path, "w") as f:
        f.write("\n".join(specials + vocab) + "\n")
    return path


def encode(tokenizer, notes):
    return tokenizer(notes, padding=True, truncation=True, return_tensors="pt")


def build_model(vocab_size):
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=CFG["hidden"],
        num_hidden_layers=CFG["layers"],
        num_attention_heads=CFG["heads"],
        intermediate_size=CFG["hidden"] * 2,
        max_position_embeddings=CFG["max_positions"],
        num_labels=len(QUEUES),
    )
    return BertForSequenceClassification(config)


def main():
    claims = [synth_claim() for _ in range(CFG["n_claims"])]
    notes = [c[0] for c in claims]
    labels = [c[1] for c in claims]

    vocab_path = write_vocab(notes, os.path.join(HERE, "claims_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path, model_max_length=CFG["max_positions"])
    model = build_model(tokenizer.vocab_size)

    split = int(0.8 * len(claims))
    train_idx = list(range(split))
    loader = DataLoader(train_idx, batch_size=CFG["batch_size"], shuffle=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    model.train()
    for epoch in range(CFG["epochs"]):
        for step, idx in enumerate(loader):
            batch = encode(tokenizer, [notes[i] for i in idx])
            batch["labels"] = torch.tensor([labels[i] for i in idx])
            out = model(**batch)
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            if step % 5 == 0:
                print(f"epoch {epoch} step {step} loss {out.loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        val_notes = notes[split:]
        batch = encode(tokenizer, val_notes)
        preds = model(**batch).logits.argmax(-1)
        acc = (preds == torch.tensor(labels[split:])).float().mean().item()
    print(f"val routing accuracy: {acc:.3f}")


if __name__ == "__main__":
    main()
