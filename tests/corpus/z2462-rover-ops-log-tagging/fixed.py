"""Tag instruments, targets and sols in rover tactical-ops log lines (BIO tagging).

Small BERT built from scratch with a vocab file written next to the script.
Word-level tags are projected onto word pieces with word_ids(); only the first
piece of each word carries the tag, the rest get -100.
"""
import os
import random
import torch
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
random.seed(11)
torch.manual_seed(11)

CFG = {
    "max_len": 48,
    "batch_size": 8,
    "epochs": 2,
    "lr": 3e-4,
    "n_logs": 64,
}

INSTRUMENTS = ["mastcam", "chemcam", "apxs", "mahli", "navcam", "hazcam", "sam", "chemin", "rems"]
TARGETS = ["bradbury", "yellowknife", "glenelg", "pahrump", "kimberley", "murray", "vera", "rubin", "stimson"]
VERBS = ["imaged", "observed", "analyzed", "sampled", "targeted", "rastered"]
FILLER = ["after", "a", "drive", "of", "meters", "toward", "the", "ridge", "then", "stowed", "arm",
          "on", "sol", "downlink", "nominal", "power", "low", "dust", "tau", "high", "at", "and"]
LABELS = ["O", "B-INST", "B-TARGET", "B-SOL"]
LABEL2ID = {l: i for i, l in enumerate(LABELS)}


def write_vocab(path):
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    digits = [str(d) for d in range(10)] + [f"##{d}" for d in range(10)]
    pieces = ["chem", "##cam", "##in", "mast", "nav", "haz", "ma", "##hli", "yellow", "##knife", "##s"]
    words = INSTRUMENTS + TARGETS + VERBS + FILLER
    vocab = list(dict.fromkeys(special + digits + pieces + words))
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


def make_log_line():
    sol = str(random.randint(50, 3200))
    inst = random.choice(INSTRUMENTS)
    tgt = random.choice(TARGETS)
    words, tags = ["sol", sol], ["O", "B-SOL"]
    words += [inst, random.choice(VERBS), tgt]
    tags += ["B-INST", "O", "B-TARGET"]
    for _ in range(random.randint(2, 9)):
        words.append(random.choice(FILLER))
        tags.append("O")
    if random.random() < 0.4:
        words += ["and", random.choice(INSTRUMENTS)]
        tags += ["O", "B-INST"]
    return words, tags


class OpsLogDataset(Dataset):
    def __init__(self, n):
        self.rows = [make_log_line() for _ in range(n)]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def align_labels(word_tags, word_ids, pad_to):
    out, prev = [], None
    for wid in word_ids:
        if wid is None:
            out.append(-100)
        elif wid != prev:
            out.append(LABEL2ID[word_tags[wid]])
        else:
            out.append(-100)
        prev = wid
    out += [-100] * (pad_to - len(out))
    return out


def make_collate(tokenizer):
    def collate(batch):
        words = [w for w, _ in batch]
        enc = tokenizer(words, is_split_into_words=True, padding=True, truncation=True,
                        max_length=CFG["max_len"], return_tensors="pt")
        labels = [align_labels(tags, enc.word_ids(i), enc["input_ids"].shape[1]) for i, (_, tags) in enumerate(batch)]
        enc["labels"] = torch.tensor(labels)
        return enc
    return collate


def main():
    tokenizer = BertTokenizer(write_vocab(os.path.join(HERE, "ops_vocab.txt")))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id=LABEL2ID)
    model = BertForTokenClassification(config)

    loader = DataLoader(OpsLogDataset(CFG["n_logs"]), batch_size=CFG["batch_size"],
                        shuffle=True, collate_fn=make_collate(tokenizer))
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        model.train()
        total = 0.0
        for batch in loader:
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            total += out.loss.item()
        print(f"epoch {epoch}: mean loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
