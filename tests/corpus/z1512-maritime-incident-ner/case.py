"""Tag vessels, ports and hazardous cargo in long maritime incident reports.

Reports are much longer than what we want to feed the tagger at once, so each report
is split into overlapping word windows and every window becomes one training row.
"""
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer,
                          Trainer, TrainingArguments, set_seed)

set_seed(11)

TAGS = ["O", "B-VESSEL", "I-VESSEL", "B-PORT", "B-HAZ", "I-HAZ"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

WINDOW_WORDS = 24
WORD_STRIDE = 8          # words repeated between neighbouring windows
MAX_PIECES = 96

# word/TAG, untagged words are O
REPORTS = [
    "at 0340 the tanker nordkapp/B-VESSEL spirit/I-VESSEL reported a leak of crude/B-HAZ oil/I-HAZ "
    "while alongside at rotterdam/B-PORT and the harbour master closed berth seven "
    "divers found a cracked valve under the manifold and the crew moved the cargo to tank four",
    "the bulk carrier aurelia/B-VESSEL grounded near gdansk/B-PORT after losing steering "
    "no pollution was observed but ammonium/B-HAZ nitrate/I-HAZ in hold two was inspected "
    "tugs refloated the vessel on the evening tide and she proceeded to anchorage",
    "a container fire on the feeder ship kestrel/B-VESSEL bay/I-VESSEL started in a reefer unit "
    "lithium/B-HAZ batteries/I-HAZ stowed nearby were cooled with water curtains off antwerp/B-PORT "
    "the fire was contained after six hours and two crew were treated for smoke inhalation",
    "the ferry solvang/B-VESSEL struck the quay at bergen/B-PORT during berthing in strong wind "
    "a tanker truck carrying diesel/B-HAZ on the car deck was checked for damage "
    "passengers disembarked normally and the ferry was released after a class survey",
]


def parse_report(line):
    words, tags = [], []
    for tok in line.split():
        word, _, tag = tok.partition("/")
        words.append(word)
        tags.append(TAG2ID[tag or "O"])
    return words, tags


def build_tokenizer(all_words, root):
    pieces = set()
    for w in all_words:
        if len(w) > 6:
            pieces.update([w[:4], "##" + w[4:]])
        else:
            pieces.add(w)
    path = os.path.join(root, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(pieces)))
    return BertTokenizer(path)


def windows(n_words, size, stride):
    start = 0
    while True:
        yield start, min(start + size, n_words)
        if start + size >= n_words:
            break
        start += size - stride


class IncidentWindows(Dataset):
    def __init__(self, reports, tokenizer):
        self.rows = []
        for rep_idx, line in enumerate(reports):
            words, tags = parse_report(line)
            for lo, hi in windows(len(words), WINDOW_WORDS, WORD_STRIDE):
                enc = tokenizer(words[lo:hi], is_split_into_words=True,
                                truncation=True, max_length=MAX_PIECES)
                tag_row = [-100] + tags[lo:hi] + [-100]
                self.rows.append({"input_ids": enc["input_ids"],
                                  "attention_mask": enc["attention_mask"],
                                  "labels": tag_row,
                                  "report": rep_idx})

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def pad_collate(rows, pad_id=0):
    fill = {"input_ids": pad_id, "attention_mask": 0, "labels": -100}
    out = {}
    for key, value in fill.items():
        width = max(len(r[key]) for r in rows)
        out[key] = torch.tensor([r[key] + [value] * (width - len(r[key])) for r in rows])
    return out


def main():
    tmp = tempfile.mkdtemp()
    all_words = [w for line in REPORTS for w in parse_report(line)[0]]
    tokenizer = build_tokenizer(all_words, tmp)

    train_set = IncidentWindows(REPORTS, tokenizer)
    print(f"{len(REPORTS)} reports -> {len(train_set)} windows")

    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=128,
                     num_labels=len(TAGS))
    model = BertForTokenClassification(cfg)

    args = TrainingArguments(output_dir=os.path.join(tmp, "out"), num_train_epochs=2,
                             per_device_train_batch_size=4, learning_rate=5e-4,
                             logging_steps=2, save_strategy="no", use_cpu=True,
                             disable_tqdm=True, report_to=[])
    trainer = Trainer(model=model, args=args, train_dataset=train_set,
                      data_collator=pad_collate)
    result = trainer.train()
    print("final train loss", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
