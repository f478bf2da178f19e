"""Tag damage spans in hull survey notes (B-DMG / I-DMG / B-LOC / I-LOC / O).

Ported from our old sklearn CRF pipeline: vectorizer + label encoder, then a
tiny BERT token classifier trained with the HF Trainer.
"""
import os
import random
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import BertConfig, BertForTokenClassification, Trainer, TrainingArguments

random.seed(7)
torch.manual_seed(7)

SURVEY_NOTES = [
    ("heavy pitting on port bilge keel", "B-DMG O B-LOC I-LOC I-LOC"),
    ("coating breakdown near bow thruster tunnel", "B-DMG I-DMG O B-LOC I-LOC I-LOC"),
    ("indentation at starboard shell plating frame 42", "B-DMG O B-LOC I-LOC I-LOC I-LOC I-LOC"),
    ("minor corrosion rudder stock", "O B-DMG B-LOC I-LOC"),
    ("crack observed in transom weld seam", "B-DMG O O B-LOC I-LOC I-LOC"),
    ("fouling on propeller blades", "B-DMG O B-LOC I-LOC"),
    ("buckled longitudinal stiffener aft of midship", "B-DMG B-LOC I-LOC O O B-LOC"),
    ("paint blistering along boot topping", "B-DMG I-DMG O B-LOC I-LOC"),
]


class TextVectorizer:
    """fit/transform like sklearn's CountVectorizer, but emits padded id tensors."""

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]

    def fit(self, texts):
        words = sorted({w for t in texts for w in t.lower().split()})
        self.vocab_ = {tok: i for i, tok in enumerate(self.specials + words)}
        # room for [CLS] and [SEP]
        self.max_len_ = max(len(t.split()) for t in texts) + 2
        return self

    def transform(self, texts):
        unk = self.vocab_["[UNK]"]
        ids, att = [], []
        for t in texts:
            row = [self.vocab_["[CLS]"]] + [self.vocab_.get(w, unk) for w in t.lower().split()]
            row.append(self.vocab_["[SEP]"])
            pad = self.max_len_ - len(row)
            ids.append(row + [0] * pad)
            att.append([1] * len(row) + [0] * pad)
        return torch.tensor(ids), torch.tensor(att)


class TagEncoder:
    """LabelEncoder for per-word tag sequences."""

    def fit(self, tag_seqs):
        self.classes_ = sorted({tag for seq in tag_seqs for tag in seq.split()})
        self.index_ = {c: i for i, c in enumerate(self.classes_)}
        self.max_len_ = max(len(seq.split()) for seq in tag_seqs)
        return self

    def transform(self, tag_seqs, pad_to):
        out = []
        for seq in tag_seqs:
            row = [self.index_[t] for t in seq.split()]
            out.append(row + [-100] * (pad_to - len(row)))
        return torch.tensor(out)


class SurveyDataset(Dataset):
    def __init__(self, token_ids, attention, tag_ids):
        self.token_ids, self.attention, self.tag_ids = token_ids, attention, tag_ids

    def __len__(self):
        return self.token_ids.size(0)

    def __getitem__(self, i):
        return {"input_ids": self.token_ids[i], "attention_mask": self.attention[i], "labels": self.tag_ids[i]}


def build_dataset(notes, vec, tag_enc):
    texts = [n for n, _ in notes]
    tags = [t for _, t in notes]
    tok, att = vec.transform(texts)
    tag_ids = tag_enc.transform(tags, pad_to=tag_enc.max_len_)
    print(f"tokens {tuple(tok.shape)}  tags {tuple(tag_ids.shape)}")
    return SurveyDataset(tok, att, tag_ids)


def main():
    texts = [n for n, _ in SURVEY_NOTES]
    vec = TextVectorizer().fit(texts)
    tag_enc = TagEncoder().fit([t for _, t in SURVEY_NOTES])
    print(f"vocab={len(vec.vocab_)} tags={tag_enc.classes_}")

    train_ds = build_dataset(SURVEY_NOTES, vec, tag_enc)

    config = BertConfig(
        vocab_size=len(vec.vocab_),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(tag_enc.classes_),
    )
    model = BertForTokenClassification(config)

    out_dir = tempfile.mkdtemp(prefix="hull_tagger_")
    args = TrainingArguments(
        output_dir=out_dir,
        num_train_epochs=2,
        per_device_train_batch_size=4,
        learning_rate=5e-4,
        save_strategy="no",
        logging_steps=1,
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    print(f"done, train loss {result.training_loss:.4f} -> {os.path.basename(out_dir)}")


if __name__ == "__main__":
    main()
