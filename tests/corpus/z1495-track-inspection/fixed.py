"""Token classification for railway track-inspection logs, trained with Accelerate.

Word tags are spread over all pieces of a word: the first piece keeps the word's
tag and the following pieces of a B- word get the matching I- tag.
"""
import os
import tempfile
from collections import Counter
from functools import partial

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

set_seed(21)

LOGS = [
    ("rail joint near kilometre post 41 shows gauge corner cracking",
     "B-ASSET I-ASSET O B-KM I-KM I-KM O B-DEFECT I-DEFECT I-DEFECT"),
    ("sleeper fastening missing at km 12", "B-ASSET I-ASSET B-DEFECT O B-KM I-KM"),
    ("switch blade chipped and ballast badly fouled", "B-ASSET I-ASSET B-DEFECT O B-ASSET B-DEFECT I-DEFECT"),
    ("fishplate bolt loose on the down line", "B-ASSET I-ASSET B-DEFECT O O O O"),
]

PIECES = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "rail", "joint", "near", "kilo", "##metre", "post",
          "41", "12", "shows", "gauge", "corner", "crack", "##ing", "sleep", "##er", "fast", "##ening",
          "missing", "at", "km", "switch", "blade", "chip", "##ped", "and", "ballast", "badly", "foul",
          "##ed", "fish", "##plate", "bolt", "loose", "on", "the", "down", "line"]


def build_label_map(logs):
    counts = Counter(tag for _, tags in logs for tag in tags.split())
    label_list = [tag for tag, _ in counts.most_common()]
    print("label distribution:", dict(counts.most_common()))
    return label_list, {tag: i for i, tag in enumerate(label_list)}


def spread_labels(word_ids, word_tags, label2id):
    piece_labels, prev = [], None
    for wid in word_ids:
        if wid is None:
            piece_labels.append(-100)
        elif wid != prev:
            piece_labels.append(label2id[word_tags[wid]])
        else:
            tag = word_tags[wid]
            lab = label2id[tag]
            piece_labels.append(label2id["I-" + tag[2:]] if tag.startswith("B-") else lab)
        prev = wid
    return piece_labels


def collate(batch, tokenizer, label2id):
    words = [text.split() for text, _ in batch]
    enc = tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")
    targets = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
    for i, (_, tags) in enumerate(batch):
        row = spread_labels(enc.word_ids(batch_index=i), tags.split(), label2id)
        targets[i, :len(row)] = torch.tensor(row)
    enc["labels"] = targets
    return enc


def main():
    vocab_file = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(PIECES) + "\n")
    tokenizer = BertTokenizer(vocab_file)

    label_list, label2id = build_label_map(LOGS)
    cfg = BertConfig(vocab_size=len(PIECES), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=48, num_labels=len(label_list),
                     id2label=dict(enumerate(label_list)), label2id=label2id)
    model = BertForTokenClassification(cfg)

    accelerator = Accelerator(cpu=True)
    loader = DataLoader(LOGS, batch_size=2, shuffle=False,
                        collate_fn=partial(collate, tokenizer=tokenizer, label2id=label2id))
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for epoch in range(4):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    model.eval()
    sample = collate(LOGS[:1], tokenizer, label2id)
    with torch.no_grad():
        pred = model(**{k: v.to(accelerator.device) for k, v in sample.items()}).logits.argmax(-1)[0]
    keep = sample["labels"][0] != -100
    print("pieces:", tokenizer.convert_ids_to_tokens(sample["input_ids"][0][keep]))
    print("tags:  ", [label_list[i] for i in pred[keep].tolist()])


if __name__ == "__main__":
    main()
