import os
import random

import torch
from torch.optim import AdamW
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 7
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))

PRODUCT_TYPES = ["TOR", "SVR", "FFW", "WSW"]
LABEL2ID = {p: i for i, p in enumerate(PRODUCT_TYPES)}

COUNTIES = ["DALLAS", "TARRANT", "COLLIN", "DENTON", "ELLIS", "KAUFMAN", "ROCKWALL", "JOHNSON"]
TIMES = ["415", "530", "645", "700", "815", "930"]

TEMPLATES = {
    "TOR": [
        "TORNADO WARNING FOR {c} COUNTY UNTIL {t} PM CDT . A SEVERE THUNDERSTORM CAPABLE OF PRODUCING A TORNADO WAS LOCATED NEAR {c2}",
        "THE NATIONAL WEATHER SERVICE HAS ISSUED A TORNADO WARNING FOR {c} COUNTY . RADAR INDICATED ROTATION . TAKE COVER NOW",
    ],
    "SVR": [
        "SEVERE THUNDERSTORM WARNING FOR {c} COUNTY UNTIL {t} PM CDT . HAIL UP TO QUARTER SIZE AND WIND GUSTS TO 60 MPH",
        "A SEVERE THUNDERSTORM WAS LOCATED OVER {c} . DAMAGING WINDS EXPECTED",
    ],
    "FFW": [
        "FLASH FLOOD WARNING FOR {c} COUNTY UNTIL {t} PM CDT . DOPPLER RADAR INDICATED HEAVY RAIN . BETWEEN 2 AND 3 INCHES OF RAIN HAVE FALLEN NEAR {c2} AND {c3}",
        "FLASH FLOODING IS ONGOING IN {c} . TURN AROUND DONT DROWN",
    ],
    "WSW": [
        "WINTER STORM WARNING IN EFFECT UNTIL {t} AM CST . HEAVY SNOW AND SLEET EXPECTED ACROSS {c} AND {c2} COUNTIES",
        "WINTER WEATHER ADVISORY FOR {c} . ICE ACCUMULATIONS OF A TENTH OF AN INCH",
    ],
}

CFG = {
    "max_len": 48,
    "batch_size": 8,
    "lr": 3e-4,
    "epochs": 2,
    "n_bulletins": 64,
}

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def make_bulletins(n):
    rows = []
    for _ in range(n):
        ptype = random.choice(PRODUCT_TYPES)
        tmpl = random.choice(TEMPLATES[ptype])
        c, c2, c3 = random.sample(COUNTIES, 3)
        rows.append((tmpl.format(c=c, c2=c2, c3=c3, t=random.choice(TIMES)), LABEL2ID[ptype]))
    return rows


def write_vocab(rows, path):
    words = set()
    for text, _ in rows:
        words.update(text.lower().split())
    vocab = SPECIAL + sorted(words)
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return len(vocab)


def encode_batch(tokenizer, texts):
    enc = tokenizer(
        texts,
        truncation=True,
        max_length=CFG["max_len"],
        return_tensors="pt",
    )
    return enc


def batches(rows, bs):
    idx = list(range(len(rows)))
    random.shuffle(idx)
    for i in range(0, len(idx), bs):
        chunk = [rows[j] for j in idx[i:i + bs]]
        yield [t for t, _ in chunk], torch.tensor([y for _, y in chunk])


def main():
    rows = make_bulletins(CFG["n_bulletins"])
    vocab_path = os.path.join(HERE, "bulletin_vocab.txt")
    vocab_size = write_vocab(rows, vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(PRODUCT_TYPES),
    )
    model = BertForSequenceClassification(config)
    opt = AdamW(model.parameters(), lr=CFG["lr"])

    model.train()
    for epoch in range(CFG["epochs"]):
        total = 0.0
        for texts, labels in batches(rows, CFG["batch_size"]):
            enc = encode_batch(tokenizer, texts)
            out = model(**enc, labels=labels)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            total += out.loss.item()
        print(f"epoch {epoch} loss {total:.3f}")

    model.eval()
    with torch.no_grad():
        enc = encode_batch(tokenizer, [t for t, _ in rows[:8]])
        pred = model(**enc).logits.argmax(-1)
    print("pred", [PRODUCT_TYPES[i] for i in pred.tolist()])


if __name__ == "__main__":
    main()
