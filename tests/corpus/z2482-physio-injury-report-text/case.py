"""
Time-loss prediction from physio injury notes.

The medical team writes a short free-text note at first assessment. We want to
predict the expected time-loss band from that note:
    0 = minimal (< 7 days), 1 = moderate (7-28 days), 2 = severe (> 28 days)

Pipeline: write a small in-house word-piece vocab -> BertTokenizer, register the
clinical shorthand the physios use as whole tokens, tiny BERT from scratch.
"""
import os
import random

import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 3
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "injury_vocab.txt")

BASE_WORDS = """
left right bilateral player reports pain during after sprint match training session
felt pull tightness swelling bruising tenderness on palpation reduced range of motion
knee ankle hamstring calf groin quad adductor shoulder hip lower back foot
grade strain sprain tear partial full rupture contusion minor mild moderate severe
no able unable to weight bear walk jog return play cleared scan shows
ligament tendon muscle medial lateral anterior posterior cruciate collateral
contact non change direction landing tackle kicked deceleration acceleration
week weeks days expected out for the a an and with in of was is at
""".split()

CLINICAL_SHORTHAND = ["acl", "mcl", "atfl", "mri", "rtp", "rom", "hsr", "nwb", "fwb", "gps"]

TEMPLATES = {
    0: [
        "player reports mild tightness in {side} {part} after training , full rom , fwb , gps hsr normal",
        "minor contusion {side} {part} from tackle , no swelling , able to jog , rtp expected days",
        "{side} {part} tightness after sprint , tenderness on palpation , fwb , cleared to train",
    ],
    1: [
        "grade 2 strain {side} {part} during sprint , reduced rom , mri shows partial tear",
        "{side} ankle sprain on landing , atfl tenderness , swelling , unable to jog , rtp weeks",
        "moderate {part} strain in match , felt pull at deceleration , hsr reduced , weeks out",
    ],
    2: [
        "non contact {side} knee injury change of direction , mri shows full acl rupture , nwb",
        "{side} knee mcl grade 3 tear in tackle , unable to weight bear , nwb , expected out weeks",
        "full rupture {side} {part} tendon , mri confirms , nwb , rtp not expected for weeks",
    ],
}


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    punct = [",", ".", "2", "3"]
    with open(path, "w") as f:
        for tok in specials + punct + sorted(set(BASE_WORDS)):
            f.write(tok + "\n")


def make_notes(n, rng):
    notes, bands = [], []
    for _ in range(n):
        band = rng.choices([0, 1, 2], weights=[0.5, 0.35, 0.15])[0]
        tpl = rng.choice(TEMPLATES[band])
        note = tpl.format(side=rng.choice(["left", "right"]),
                          part=rng.choice(["hamstring", "calf", "groin", "quad", "adductor"]))
        notes.append(note)
        bands.append(band)
    return notes, bands


def build_tokenizer():
    write_vocab(VOCAB_PATH)
    tok = BertTokenizer(VOCAB_PATH, do_lower_case=True)
    n_added = tok.add_tokens(CLINICAL_SHORTHAND)
    print(f"base vocab {tok.vocab_size}, added {n_added} clinical tokens")
    return tok


def encode(tokenizer, notes, bands, max_len=40):
    enc = tokenizer(notes, padding="max_length", truncation=True,
                    max_length=max_len, return_tensors="pt")
    return TensorDataset(enc["input_ids"], enc["attention_mask"], torch.tensor(bands))


def build_model(tokenizer, n_labels=3):
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=n_labels,
        pad_token_id=tokenizer.pad_token_id,
    )
    return BertForSequenceClassification(config)


def train():
    rng = random.Random(SEED)
    tokenizer = build_tokenizer()
    train_notes, train_bands = make_notes(160, rng)
    val_notes, val_bands = make_notes(40, rng)
    train_dl = DataLoader(encode(tokenizer, train_notes, train_bands), batch_size=16, shuffle=True)
    val_dl = DataLoader(encode(tokenizer, val_notes, val_bands), batch_size=32)

    model = build_model(tokenizer)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    for epoch in range(3):
        model.train()
        tot = 0.0
        for input_ids, attn, labels in train_dl:
            out = model(input_ids=input_ids, attention_mask=attn, labels=labels)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            tot += out.loss.item()
        model.eval()
        hits = n = 0
        with torch.no_grad():
            for input_ids, attn, labels in val_dl:
                pred = model(input_ids=input_ids, attention_mask=attn).logits.argmax(-1)
                hits += (pred == labels).sum().item()
                n += labels.numel()
        print(f"epoch {epoch}  train loss {tot / len(train_dl):.3f}  val acc {hits / n:.2f}")


if __name__ == "__main__":
    train()
