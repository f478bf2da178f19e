import os
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

hparams = {
    "random_seed": 7,
    "n_notes": 40,
    "max_tokens": 96,
    "n_sections": 2,
    "hidden_size": 32,
    "n_layers": 1,
    "n_heads": 2,
    "intermediate": 64,
    "batch_size": 4,
    "learning_rate": 2e-4,
    "grad_clip": 1.0,
    "n_epochs": 2,
}

SECTION_ORDER = ["history", "examination", "assessment"]

SECTION_LEXICON = {
    "history": ["patient", "reports", "chest", "pain", "dyspnea", "for", "three", "days",
                "history", "of", "hypertension", "diabetes", "smoker"],
    "examination": ["blood", "pressure", "elevated", "lungs", "clear", "wheeze", "edema",
                    "bilateral", "pulse", "regular", "tender", "abdomen", "soft"],
    "assessment": ["likely", "acute", "exacerbation", "chronic", "heart", "failure", "copd",
                   "kidney", "disease", "start", "diuretic", "continue", "insulin"],
}

ICD10 = ["I10", "E11.65", "J44.1", "I50.23", "N18.4", "R07.9"]


@dataclass
class ClinicalNote:
    note_id: int
    sections: dict
    icd_codes: list = field(default_factory=list)


def write_vocab_file(target_dir):
    path = os.path.join(target_dir, "section_vocab.txt")
    seen = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "."]
    for sec in SECTION_ORDER:
        for w in SECTION_LEXICON[sec]:
            if w not in seen:
                seen.append(w)
    with open(path, "w") as f:
        for w in seen:
            f.write(w + "\n")
    return path


def make_notes(hp, rng):
    notes = []
    for i in range(hp["n_notes"]):
        sections = {}
        for sec in SECTION_ORDER:
            lex = SECTION_LEXICON[sec]
            n_w = int(rng.integers(4, 14))
            picks = rng.integers(0, len(lex), size=n_w)
            words = []
            for p in picks:
                words.append(lex[p])
            sections[sec] = " ".join(words) + " ."
        n_codes = int(rng.integers(1, 3))
        chosen = rng.choice(len(ICD10), size=n_codes, replace=False)
        codes = []
        for c in chosen:
            codes.append(ICD10[c])
        notes.append(ClinicalNote(note_id=1000 + i, sections=sections, icd_codes=codes))
    return notes


def encode_with_sections(note, tokenizer, hp):
    ids = [tokenizer.cls_token_id]
    seg = [0]
    for sec_idx, sec in enumerate(SECTION_ORDER):
        pieces = tokenizer.tokenize(note.sections[sec])
        piece_ids = tokenizer.convert_tokens_to_ids(pieces)
        ids.extend(piece_ids)
        seg.extend([sec_idx] * len(piece_ids))
    ids = ids[: hp["max_tokens"] - 1]
    seg = seg[: hp["max_tokens"] - 1]
    ids.append(tokenizer.sep_token_id)
    seg.append(seg[-1])
    return np.asarray(ids, dtype=np.int64), np.asarray(seg, dtype=np.int64)


class SectionedNotes(Dataset):
    def __init__(self, notes, tokenizer, hp):
        self.hp = hp
        self.n_labels = len(ICD10)
        code_to_col = {}
        for j in range(len(ICD10)):
            code_to_col[ICD10[j]] = j
        self.ids = []
        self.segs = []
        self.targets = np.zeros((len(notes), self.n_labels), dtype=np.float32)
        lengths = np.zeros(len(notes), dtype=np.int64)
        for i in range(len(notes)):
            a, b = encode_with_sections(notes[i], tokenizer, hp)
            self.ids.append(a)
            self.segs.append(b)
            lengths[i] = a.shape[0]
            for code in notes[i].icd_codes:
                self.targets[i, code_to_col[code]] = 1.0
        print("notes=%d  len median=%.0f  p90=%.0f  label prevalence=%s" % (
            len(notes), np.median(lengths), np.percentile(lengths, 90),
            np.round(self.targets.mean(axis=0), 2)))

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, i):
        return {"ids": self.ids[i], "segs": self.segs[i], "y": self.targets[i]}


def pad_collate(batch, pad_id=0):
    width = 0
    for item in batch:
        width = max(width, item["ids"].shape[0])
    ids = np.full((len(batch), width), pad_id, dtype=np.int64)
    segs = np.zeros((len(batch), width), dtype=np.int64)
    mask = np.zeros((len(batch), width), dtype=np.int64)
    ys = np.zeros((len(batch), batch[0]["y"].shape[0]), dtype=np.float32)
    for r in range(len(batch)):
        n = batch[r]["ids"].shape[0]
        ids[r, :n] = batch[r]["ids"]
        segs[r, :n] = batch[r]["segs"]
        mask[r, :n] = 1
        ys[r] = batch[r]["y"]
    return {
        "input_ids": torch.from_numpy(ids),
        "token_type_ids": torch.from_numpy(segs),
        "attention_mask": torch.from_numpy(mask),
        "labels": torch.from_numpy(ys),
    }


def main(hp):
    rng = np.random.default_rng(hp["random_seed"])
    torch.manual_seed(hp["random_seed"])
    vocab_path = write_vocab_file(os.path.dirname(os.path.abspath(__file__)))
    tok = BertTokenizer(vocab_path)
    notes = make_notes(hp, rng)
    ds = SectionedNotes(notes, tok, hp)
    loader = DataLoader(ds, batch_size=hp["batch_size"], shuffle=True, collate_fn=pad_collate)

    cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=hp["hidden_size"],
        num_hidden_layers=hp["n_layers"],
        num_attention_heads=hp["n_heads"],
        intermediate_size=hp["intermediate"],
        max_position_embeddings=128,
        type_vocab_size=hp["n_sections"],
        num_labels=len(ICD10),
        problem_type="multi_label_classification",
    )
    model = BertForSequenceClassification(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=hp["learning_rate"])

    for ep in range(hp["n_epochs"]):
        model.train()
        total = 0.0
        steps = 0
        for batch in loader:
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), hp["grad_clip"])
            opt.step()
            total += float(out.loss.item())
            steps += 1
        print("epoch", ep, "mean loss", round(total / steps, 4))
    os.remove(vocab_path)


if __name__ == "__main__":
    main(hparams)
