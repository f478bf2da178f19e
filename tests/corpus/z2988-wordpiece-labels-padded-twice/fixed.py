import os
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

random.seed(13)
torch.manual_seed(13)

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_LEN = 32

ROOTS = {"NOUN": ["kalu", "miro", "tasen", "ubak"], "VERB": ["suri", "peka", "lonto"],
         "ADJ": ["vela", "hono"], "PRON": ["na", "ti"], "ADP": ["ko", "im"]}
SUFFIXES = {"NOUN": ["", "tma", "ri", "sen"], "VERB": ["", "ok", "ulan"], "ADJ": ["", "ri"],
            "PRON": ["", "n"], "ADP": [""]}


def synth_conllu(n_sents):
    blocks = []
    for s in range(n_sents):
        rows = [f"# sent_id = syn-{s}"]
        n = random.randint(3, 8)
        for i in range(1, n + 1):
            upos = random.choice(list(ROOTS))
            form = random.choice(ROOTS[upos]) + random.choice(SUFFIXES[upos])
            rows.append("\t".join([str(i), form, form, upos, "_", "_", "0", "dep", "_", "_"]))
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks) + "\n"


def read_conllu(text):
    sents, words, tags = [], [], []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if words:
                sents.append((words, tags))
            words, tags = [], []
            continue
        cols = line.split("\t")
        if "-" in cols[0] or "." in cols[0]:
            continue
        words.append(cols[1])
        tags.append(cols[3])
    if words:
        sents.append((words, tags))
    return sents


def write_vocab(path):
    pieces = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for roots in ROOTS.values():
        pieces.extend(roots)
    for sufs in SUFFIXES.values():
        pieces.extend("##" + s for s in sufs if s and "##" + s not in pieces)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(pieces) + "\n")


class UposDataset(Dataset):
    def __init__(self, sents, tokenizer, tag2id):
        self.items = []
        for words, tags in sents:
            enc = tokenizer(words, is_split_into_words=True, truncation=True,
                            max_length=MAX_LEN, padding="max_length")
            labels, prev = [], None
            for wid in enc.word_ids():
                if wid is None or wid == prev:
                    labels.append(-100)
                else:
                    labels.append(tag2id[tags[wid]])
                prev = wid
            self.items.append({"words": words, "labels": labels})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def make_collate(tokenizer):
    def collate(batch):
        enc = tokenizer([b["words"] for b in batch], is_split_into_words=True,
                        truncation=True, max_length=MAX_LEN, padding="max_length",
                        return_tensors="pt")
        enc["labels"] = torch.tensor([b["labels"] for b in batch], dtype=torch.long)
        return enc
    return collate


def main():
    vocab_path = os.path.join(HERE, "upos_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    train = read_conllu(synth_conllu(64))
    tagset = sorted({t for _, tags in train for t in tags})
    tag2id = {t: i for i, t in enumerate(tagset)}
    id2tag = {i: t for t, i in tag2id.items()}

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=len(tag2id),
                        id2label=id2tag, label2id=tag2id)
    model = BertForTokenClassification(config)

    loader = DataLoader(UposDataset(train, tokenizer, tag2id), batch_size=8,
                        shuffle=True, collate_fn=make_collate(tokenizer))
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
        print(f"epoch {epoch} loss {total / len(loader):.4f}")

    os.remove(vocab_path)


if __name__ == "__main__":
    main()
