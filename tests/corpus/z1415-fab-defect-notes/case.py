"""Classify wafer-lot hold notes from the fab floor into defect families.

Tool identifiers (e.g. ETCH07) are added to the tokenizer as whole tokens so the
wordpiece splitter does not chop them into letters and digits.
"""
import csv
import os
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(21)

BASE_WORDS = ("lot hold on after scratch particle found center edge ring haze "
              "wafer wafers seen pattern high count film thick thin overlay shift "
              "litho chamber clean pm due").split()
TOOLS = [("ETCH07", "bay3"), ("CMP02", "bay5"), ("LITHO11", "bay1"), ("DEP04", "bay2")]
LOTS = {
    "train": [
        (5001, 25, "scratch seen after CMP02 edge", "mechanical"),
        (5002, 24, "particle count high after ETCH07 chamber clean", "contamination"),
        (5003, 25, "overlay shift on LITHO11 pattern", "alignment"),
        (5004, 13, "ring haze center wafers after DEP04", "contamination"),
        (5005, 25, "scratch found edge wafers CMP02 pm due", "mechanical"),
        (5006, 22, "overlay shift high LITHO11", "alignment"),
    ],
    "dev": [
        (5101, 25, "particle found after DEP04 pm", "contamination"),
        (5102, 18, "scratch center after CMP02", "mechanical"),
    ],
}


def write_inputs(root):
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_WORDS) + "\n")
    with open(os.path.join(root, "tools.tsv"), "w") as fh:
        fh.write("tool\tbay\n")
        fh.writelines(f"{t}\t{b}\n" for t, b in TOOLS)
    for split, rows in LOTS.items():
        with open(os.path.join(root, f"lots_{split}.csv"), "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["lot_id", "wafer_count", "hold_note", "family"])
            w.writerows(rows)


def read_lots(path):
    with open(path, newline="") as fh:
        return [dict(r, lot_id=int(r["lot_id"]), wafer_count=int(r["wafer_count"]))
                for r in csv.DictReader(fh)]


def read_tools(path):
    with open(path) as fh:
        rows = [line.rstrip("\n").split("\t") for line in fh][1:]
    return [tool for tool, _bay in rows]


class HoldNotes(Dataset):
    def __init__(self, lots, family_ix):
        self.lots = [lot for lot in lots if lot["wafer_count"] > 0]
        self.family_ix = family_ix

    def __len__(self):
        return len(self.lots)

    def __getitem__(self, i):
        lot = self.lots[i]
        return lot["hold_note"], self.family_ix[lot["family"]]


def make_collate(tokenizer):
    def collate(pairs):
        texts, fams = zip(*pairs)
        batch = dict(tokenizer(list(texts), padding=True, return_tensors="pt"))
        batch["labels"] = torch.tensor(fams)
        return batch
    return collate


def main():
    root = tempfile.mkdtemp(prefix="fab_holds_")
    write_inputs(root)
    vocab_file = os.path.join(root, "vocab.txt")

    tokenizer = BertTokenizer(vocab_file)
    added = tokenizer.add_tokens(read_tools(os.path.join(root, "tools.tsv")))
    print(f"added {added} tool tokens -> tokenizer size {len(tokenizer)}")

    train = read_lots(os.path.join(root, "lots_train.csv"))
    dev = read_lots(os.path.join(root, "lots_dev.csv"))
    families = sorted(set(lot["family"] for lot in train))
    family_ix = {f: i for i, f in enumerate(families)}

    with open(vocab_file) as fh:
        n_vocab = sum(1 for line in fh if line.strip())
    config = BertConfig(vocab_size=n_vocab, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(families))
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=5e-3)

    collate = make_collate(tokenizer)
    train_dl = DataLoader(HoldNotes(train, family_ix), batch_size=2, shuffle=True, collate_fn=collate)
    dev_dl = DataLoader(HoldNotes(dev, family_ix), batch_size=2, collate_fn=collate)

    for epoch in range(3):
        model.train()
        for step, batch in enumerate(train_dl):
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
        print(f"epoch {epoch} last loss {out.loss.item():.4f}")

    model.eval()
    correct = total = 0
    with torch.no_grad():
        for batch in dev_dl:
            gold = batch.pop("labels")
            correct += (model(**batch).logits.argmax(-1) == gold).sum().item()
            total += len(gold)
    print(f"dev accuracy: {correct}/{total}")


if __name__ == "__main__":
    main()
