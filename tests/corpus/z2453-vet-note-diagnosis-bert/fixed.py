import os
import random
import torch
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "vet_vocab.txt")

SECTIONS = ("history", "exam", "treatment")
DIAGNOSES = ["mastitis", "lameness", "metritis", "ketosis", "healthy"]
MAX_LEN = 96

MODEL_CFG = dict(
    hidden_size=48,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=96,
    max_position_embeddings=128,
    type_vocab_size=len(SECTIONS),
    hidden_dropout_prob=0.1,
)

TEMPLATES = {
    "mastitis": (["cow off feed", "milk drop noted at parlour", "clots in foremilk"],
                 ["right hind quarter hard and hot", "cmt score high", "temp 40 1"],
                 ["intramammary tube", "milk withheld", "nsaid given"]),
    "lameness": (["reluctant to walk", "slow to parlour", "standing apart"],
                 ["mobility score 3", "sole ulcer left hind", "swelling above hoof"],
                 ["hoof block applied", "foot trimmed", "nsaid given"]),
    "metritis": (["calved 6 days ago", "retained placenta", "off feed"],
                 ["foul discharge", "temp 39 8", "dull"],
                 ["systemic antibiotic", "milk withheld", "recheck in 3 days"]),
    "ketosis": (["calved 2 weeks ago", "milk drop noted at parlour", "eating silage only"],
                ["bhb high", "sweet breath", "thin"],
                ["propylene glycol drench", "recheck in 3 days", "ration reviewed"]),
    "healthy": (["routine fertility visit", "no issues reported", "eating well"],
                ["bcs 3", "temp normal", "rumen fill good"],
                ["no treatment", "pd positive", "recheck in 3 days"]),
}

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def write_vocab(path):
    words = set()
    for parts in TEMPLATES.values():
        for section in parts:
            for phrase in section:
                words.update(phrase.split())
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIAL + sorted(words)) + "\n")


def make_note(diagnosis):
    parts = TEMPLATES[diagnosis]
    note = {}
    for name, phrases in zip(SECTIONS, parts):
        k = random.randint(1, len(phrases))
        note[name] = ". ".join(random.sample(phrases, k))
    return note


class VetNotes(Dataset):
    def __init__(self, n, tokenizer):
        self.tok = tokenizer
        self.rows = []
        for _ in range(n):
            dx = random.choice(DIAGNOSES)
            self.rows.append((make_note(dx), DIAGNOSES.index(dx)))

    def __len__(self):
        return len(self.rows)

    def encode(self, note):
        ids = [self.tok.cls_token_id]
        segs = [0]
        for seg_id, name in enumerate(SECTIONS):
            piece = self.tok.convert_tokens_to_ids(self.tok.tokenize(note[name]))
            piece = piece + [self.tok.sep_token_id]
            ids.extend(piece)
            segs.extend([seg_id] * len(piece))
        return ids[:MAX_LEN], segs[:MAX_LEN]

    def __getitem__(self, i):
        note, label = self.rows[i]
        ids, segs = self.encode(note)
        return {"input_ids": ids, "token_type_ids": segs, "label": label}


def collate(batch, pad_id=0):
    width = max(len(b["input_ids"]) for b in batch)
    input_ids, token_type_ids, attention_mask = [], [], []
    for b in batch:
        n_pad = width - len(b["input_ids"])
        input_ids.append(b["input_ids"] + [pad_id] * n_pad)
        token_type_ids.append(b["token_type_ids"] + [0] * n_pad)
        attention_mask.append([1] * len(b["input_ids"]) + [0] * n_pad)
    return {
        "input_ids": torch.tensor(input_ids),
        "token_type_ids": torch.tensor(token_type_ids),
        "attention_mask": torch.tensor(attention_mask),
        "labels": torch.tensor([b["label"] for b in batch]),
    }


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    train_ds = VetNotes(160, tokenizer)
    loader = DataLoader(train_ds, batch_size=16, shuffle=True,
                        collate_fn=lambda b: collate(b, tokenizer.pad_token_id))

    config = BertConfig(vocab_size=tokenizer.vocab_size, num_labels=len(DIAGNOSES), **MODEL_CFG)
    model = BertForSequenceClassification(config)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    model.train()
    for epoch in range(2):
        total, correct, seen = 0.0, 0, 0
        for batch in loader:
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            total += out.loss.item() * len(batch["labels"])
            correct += (out.logits.argmax(-1) == batch["labels"]).sum().item()
            seen += len(batch["labels"])
        print(f"epoch {epoch} loss {total / seen:.3f} acc {correct / seen:.3f}")


if __name__ == "__main__":
    main()
