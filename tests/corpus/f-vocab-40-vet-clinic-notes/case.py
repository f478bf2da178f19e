"""Route veterinary clinic intake notes to a department with a tiny BERT."""
import json
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

WORDS = ("limping vomiting lethargic itching coughing wound swelling fever appetite "
         "loss paw ear eye skin leg stomach since yesterday two days after walk "
         "not eating drinking more bleeding the a of and with").split()
SPECIES_MARKERS = ["[canine]", "[feline]", "[equine]"]
DEPARTMENTS = ["orthopedics", "internal", "dermatology"]

NOTES = [
    ("[canine] limping on the leg after walk", 0),
    ("[equine] swelling of the leg since yesterday", 0),
    ("[feline] vomiting and not eating two days", 1),
    ("[canine] lethargic with fever and appetite loss", 1),
    ("[feline] itching ear and skin", 2),
    ("[canine] wound on paw bleeding", 2),
    ("[equine] coughing and fever since yesterday", 1),
    ("[feline] skin swelling with itching", 2),
]


def write_vocab(workdir):
    path = os.path.join(workdir, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        f.write("\n".join(specials + WORDS) + "\n")
    return path


def prepare(workdir):
    tok = BertTokenizer(write_vocab(workdir))
    tok.add_tokens(SPECIES_MARKERS)
    run_info = {"vocab_size": tok.vocab_size, "labels": len(DEPARTMENTS)}
    with open(os.path.join(workdir, "run_info.json"), "w") as f:
        json.dump(run_info, f)
    print(f"tokenizer ready, cached run info: {run_info}")
    return tok


def build_model(workdir):
    with open(os.path.join(workdir, "run_info.json")) as f:
        info = json.load(f)
    config = BertConfig(
        vocab_size=info["vocab_size"], hidden_size=32, num_hidden_layers=2,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
        num_labels=info["labels"],
    )
    return BertForSequenceClassification(config)


def main():
    workdir = tempfile.mkdtemp(prefix="vetnotes_")
    tok = prepare(workdir)
    model = build_model(workdir)

    texts = [t for t, _ in NOTES]
    labels = torch.tensor([y for _, y in NOTES])
    batch = tok(texts, padding=True, return_tensors="pt")
    print("input shape:", tuple(batch["input_ids"].shape))

    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for step in range(10):
        out = model(**batch, labels=labels)
        out.loss.backward()
        opt.step()
        opt.zero_grad()
        if step % 3 == 0:
            print(f"step {step} loss {out.loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(**tok(["[canine] itching ear since yesterday"], return_tensors="pt")).logits.argmax(-1)
    print("routed to:", DEPARTMENTS[pred.item()])


if __name__ == "__main__":
    main()
