import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer
from transformers import default_data_collator

random.seed(7)
torch.manual_seed(7)

WORDS = ("engine room bilge alarm pump failure starboard port deck crane cargo hold fire smoke "
         "crew injury ladder slipped rope mooring line parted anchor dragged heavy weather swell "
         "rolled container lashing loose hull breach water ingress minor routine inspection ok "
         "no damage reported radar fault gps lost signal watch officer noted at").split()

LOG_ENTRIES = [
    ("bilge alarm in engine room pump failure noted", "machinery"),
    ("radar fault gps lost signal", "navigation"),
    ("crew injury slipped on ladder at deck", "personnel"),
    ("mooring line parted heavy swell anchor dragged at port", "mooring"),
    ("engine room fire smoke reported crew noted alarm", "machinery"),
    ("container lashing loose on deck heavy weather rolled", "cargo"),
    ("routine inspection ok", "routine"),
    ("watch officer noted radar fault", "navigation"),
    ("crane cargo hold inspection no damage reported", "cargo"),
    ("hull breach minor water ingress starboard", "machinery"),
    ("rope slipped crew injury minor", "personnel"),
    ("anchor dragged", "mooring"),
]
CATEGORIES = sorted({c for _, c in LOG_ENTRIES})
CAT2ID = {c: i for i, c in enumerate(CATEGORIES)}


def write_vocab():
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return path


def prepare(example, tokenizer, max_len=32):
    text = example["text"]
    enc = tokenizer(text, truncation=True, padding="max_length", max_length=max_len)
    out = {k: list(v) for k, v in enc.items()}
    out["labels"] = CAT2ID[example["category"]]
    return out


def build_model(vocab_size):
    config = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=len(CATEGORIES))
    return BertForSequenceClassification(config)


def main():
    tokenizer = BertTokenizer(write_vocab())
    examples = [{"text": t, "category": c} for t, c in LOG_ENTRIES]
    random.shuffle(examples)
    features = [prepare(ex, tokenizer) for ex in examples]
    print(f"prepared {len(features)} log entries, {len(CATEGORIES)} categories")

    loader = DataLoader(features, batch_size=4, shuffle=True,
                        collate_fn=default_data_collator)
    model = build_model(tokenizer.vocab_size)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model.train()
    for epoch in range(3):
        total = 0.0
        for batch in loader:
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            total += out.loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.4f}")

    # smoke test on a single report
    model.eval()
    with torch.no_grad():
        enc = tokenizer("crew injury on deck ladder", return_tensors="pt")
        logits = model(**enc).logits
    print("smoke test ->", CATEGORIES[logits.argmax(-1).item()])


if __name__ == "__main__":
    main()
