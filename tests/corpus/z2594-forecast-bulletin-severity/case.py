import os
import random

import torch
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(11)
torch.manual_seed(11)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "bulletin_vocab.txt")

SECTIONS = ["headline", "synopsis", "outlook"]
LEVELS = ["none", "advisory", "watch", "warning"]

MODEL_CFG = dict(
    hidden_size=48,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=96,
    max_position_embeddings=128,
    type_vocab_size=2,
    hidden_dropout_prob=0.1,
)
MAX_LEN = 96

WORDS = """
severe thunderstorm watch warning advisory issued for until tonight today tomorrow morning
afternoon evening a cold front will move east across the region with gusty winds heavy rain
hail large damaging isolated scattered numerous storms possible likely expected high pressure
builds in behind clearing skies dry conditions continue light variable winds fog patchy dense
low clouds snow freezing drizzle ice accumulations visibility reduced below one mile flood
flash rainfall totals inches of up to mph gusts temperatures near record cooler warmer
humid humidity dewpoints in the 60s 70s upper lower mid instability shear supercells
possible tornadoes squall line bow echo marine small craft seas feet coastal waters
remain calm showers drizzle overcast partly cloudy sunny breezy mild seasonable
""".split()


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = specials + sorted(set(WORDS)) + [str(d) for d in range(10)] + [".", ",", "-"]
    with open(path, "w") as f:
        f.write("\n".join(vocab) + "\n")


def fake_bulletin(level):
    hazard = {
        "none": ["high pressure builds in", "dry conditions continue", "partly cloudy and mild"],
        "advisory": ["dense fog advisory", "small craft advisory for coastal waters", "patchy freezing drizzle"],
        "watch": ["severe thunderstorm watch until tonight", "flood watch issued for the region"],
        "warning": ["tornado warning possible supercells", "flash flood warning heavy rain",
                    "severe thunderstorm warning large hail damaging winds"],
    }[level]
    head = random.choice(hazard)
    syn = "a cold front will move east across the region " + random.choice(
        ["with gusty winds", "with scattered storms", "behind it clearing skies", "with heavy rain"])
    out = "tomorrow " + random.choice(
        ["cooler and breezy", "warmer with humid dewpoints in the 70s", "showers likely", "sunny and calm"])
    return {"headline": head, "synopsis": syn, "outlook": out}


class BulletinDataset(Dataset):
    def __init__(self, n, tokenizer):
        self.tok = tokenizer
        self.items = []
        for _ in range(n):
            lvl = random.randrange(len(LEVELS))
            self.items.append((fake_bulletin(LEVELS[lvl]), lvl))

    def __len__(self):
        return len(self.items)

    def encode(self, bulletin):
        ids = [self.tok.cls_token_id]
        segs = [0]
        for seg_id, name in enumerate(SECTIONS):
            piece = self.tok(bulletin[name], add_special_tokens=False)["input_ids"]
            piece = piece + [self.tok.sep_token_id]
            ids.extend(piece)
            segs.extend([seg_id] * len(piece))
        return ids[:MAX_LEN], segs[:MAX_LEN]

    def __getitem__(self, i):
        bulletin, lvl = self.items[i]
        ids, segs = self.encode(bulletin)
        return ids, segs, lvl


def make_collate(pad_id):
    def collate(batch):
        width = max(len(b[0]) for b in batch)
        input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
        token_type_ids = torch.zeros_like(input_ids)
        attention_mask = torch.zeros_like(input_ids)
        for r, (ids, segs, _) in enumerate(batch):
            input_ids[r, : len(ids)] = torch.tensor(ids)
            token_type_ids[r, : len(segs)] = torch.tensor(segs)
            attention_mask[r, : len(ids)] = 1
        labels = torch.tensor([b[2] for b in batch])
        return {"input_ids": input_ids, "token_type_ids": token_type_ids,
                "attention_mask": attention_mask, "labels": labels}
    return collate


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    config = BertConfig(vocab_size=tokenizer.vocab_size, num_labels=len(LEVELS),
                        pad_token_id=tokenizer.pad_token_id, **MODEL_CFG)
    model = BertForSequenceClassification(config)

    train_ds = BulletinDataset(160, tokenizer)
    loader = DataLoader(train_ds, batch_size=16, shuffle=True,
                        collate_fn=make_collate(tokenizer.pad_token_id))
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)

    model.train()
    for epoch in range(2):
        total, correct, n = 0.0, 0, 0
        for batch in loader:
            out = model(**batch)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            total += out.loss.item() * batch["labels"].size(0)
            correct += (out.logits.argmax(-1) == batch["labels"]).sum().item()
            n += batch["labels"].size(0)
        print(f"epoch {epoch} loss={total / n:.3f} acc={correct / n:.2f}")


if __name__ == "__main__":
    main()
