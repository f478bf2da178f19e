import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(7)

BASE_WORDS = [
    "tank", "reading", "high", "low", "normal", "after", "water", "change", "today", "fish",
    "gasping", "plants", "growing", "cloudy", "clear", "level", "rising", "stable", "test", "the",
]
CHEMISTRY_TOKENS = ["ammonia_ppm", "nitrite_ppm", "nitrate_ppm", "kh_dkh", "ph_drop"]

LOGS = [
    ("ammonia_ppm high fish gasping", 1),
    ("nitrite_ppm rising water cloudy", 1),
    ("ph_drop after test today", 1),
    ("nitrate_ppm high plants low", 1),
    ("kh_dkh stable water clear", 0),
    ("ammonia_ppm low tank normal", 0),
    ("nitrate_ppm level normal plants growing", 0),
    ("reading stable after water change", 0),
]


def make_tokenizer(cfg):
    folder = tempfile.mkdtemp(prefix="aquarium_tok_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_WORDS) + "\n")
    tok = BertTokenizer(path)
    tok.add_tokens(CHEMISTRY_TOKENS)
    return tok


def make_model(cfg, vocab_size):
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg["hidden"],
        num_hidden_layers=cfg["layers"],
        num_attention_heads=cfg["heads"],
        intermediate_size=cfg["hidden"] * 2,
        max_position_embeddings=32,
        num_labels=2,
    )
    return BertForSequenceClassification(config)


BUILDERS = {"tokenizer": make_tokenizer, "model": make_model}


def main():
    cfg = {"hidden": 32, "layers": 2, "heads": 4, "lr": 2e-3, "epochs": 5}
    tok = BUILDERS["tokenizer"](cfg)
    model = BUILDERS["model"](cfg, vocab_size=tok.vocab_size)
    print(f"model embeddings: {model.config.vocab_size}")

    texts = [t for t, _ in LOGS]
    labels = torch.tensor([y for _, y in LOGS])
    enc = tok(texts, padding=True, return_tensors="pt")
    print("first encoded log:", tok.convert_ids_to_tokens(enc["input_ids"][0]))

    optim = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
    model.train()
    for epoch in range(cfg["epochs"]):
        out = model(**enc, labels=labels)
        optim.zero_grad()
        out.loss.backward()
        optim.step()
        print(f"epoch {epoch}: loss {out.loss.item():.4f}")

    model.eval()
    probe = tok(["nitrite_ppm high fish gasping"], return_tensors="pt")
    with torch.no_grad():
        p = model(**probe).logits.softmax(-1)[0, 1].item()
    print(f"needs attention probability: {p:.2f}")


if __name__ == "__main__":
    main()
