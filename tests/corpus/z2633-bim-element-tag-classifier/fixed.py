import os
import random
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(11)
torch.manual_seed(11)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "bim_vocab.txt")

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
BASE_WORDS = (
    "wall slab beam column door window roof stair ramp railing footing pile "
    "level ground first second third basement storey zone grid axis "
    "concrete steel timber masonry glazing precast insitu clt glulam "
    "external internal loadbearing partition fire rated acoustic curtain "
    "mm thick wide deep high type family instance host opening "
    "c30 c40 s275 s355 gl24h 200 250 300 400 600 900 1200 2100 "
    "a b c d e f g h 1 2 3 4 5 6 7 8 9 0 - / _ ."
).split()

IFC_CLASS_TOKENS = ["ifcwall", "ifcslab", "ifcbeam", "ifccolumn", "ifcdoor", "ifcwindow", "ifcroof", "ifcstair"]

DISCIPLINES = ["architectural", "structural", "envelope"]
CLASS_TO_DISCIPLINE = {
    "ifcwall": 0, "ifcdoor": 0, "ifcstair": 0,
    "ifcslab": 1, "ifcbeam": 1, "ifccolumn": 1,
    "ifcwindow": 2, "ifcroof": 2,
}


def write_vocab(path):
    with open(path, "w") as fh:
        for tok in SPECIAL + BASE_WORDS:
            fh.write(tok + "\n")
    return len(SPECIAL) + len(BASE_WORDS)


def fake_element_tag(rng):
    ifc = rng.choice(IFC_CLASS_TOKENS)
    material = rng.choice(["concrete", "steel", "timber", "masonry", "precast", "clt", "glulam"])
    thick = rng.choice(["200", "250", "300", "400"])
    level = rng.choice(["ground", "first", "second", "basement"])
    extra = rng.choice(["fire rated", "loadbearing", "external", "internal", "acoustic", ""])
    grid = f"grid {rng.choice('abcdefgh')} - {rng.randint(1, 9)}"
    text = f"{ifc} {material} {thick} mm {extra} level {level} {grid}"
    return " ".join(text.split()), CLASS_TO_DISCIPLINE[ifc]


def build_tokenizer():
    tok = BertTokenizer(VOCAB_PATH, do_lower_case=True)
    added = tok.add_tokens(IFC_CLASS_TOKENS)
    print(f"tokenizer: base vocab {tok.vocab_size}, added {added} ifc tokens, total {len(tok)}")
    return tok


def make_collate(tokenizer, max_len):
    def collate(batch):
        texts, labels = zip(*batch)
        enc = tokenizer(list(texts), padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor(labels, dtype=torch.long)
        return enc
    return collate


def build_model(n_vocab, n_labels):
    cfg = BertConfig(
        vocab_size=n_vocab,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=n_labels,
    )
    return BertForSequenceClassification(cfg)


def train(model, loader, epochs=2, lr=5e-4):
    optim = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for ep in range(epochs):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        print(f"epoch {ep} mean loss {running / (step + 1):.4f}")


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    hit, n = 0, 0
    for batch in loader:
        labels = batch.pop("labels")
        pred = model(**batch).logits.argmax(-1)
        hit += (pred == labels).sum().item()
        n += labels.numel()
    return hit / n


def main():
    n_base = write_vocab(VOCAB_PATH)
    rng = random.Random(3)
    records = [fake_element_tag(rng) for _ in range(240)]
    train_recs, val_recs = records[:200], records[200:]

    tokenizer = build_tokenizer()
    model = build_model(n_base, len(DISCIPLINES))
    model.resize_token_embeddings(len(tokenizer))

    collate = make_collate(tokenizer, max_len=48)
    train_dl = DataLoader(train_recs, batch_size=16, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(val_recs, batch_size=32, collate_fn=collate)

    train(model, train_dl)
    print(f"val accuracy: {evaluate(model, val_dl):.3f}")


if __name__ == "__main__":
    main()
