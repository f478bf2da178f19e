import os
import re
import tempfile

import torch
from torch.nn.utils.rnn import pad_sequence
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, Trainer, TrainingArguments

ICD_CHAPTERS = {"I": 0, "J": 1, "E": 2, "M": 3}

NOTES = [
    ("pt presents with chest pain radiating to left arm, troponin elevated", "I21.4"),
    ("hx of atrial fibrillation on warfarin, irregular pulse", "I48.91"),
    ("hypertension poorly controlled, bp 172/104", "I10"),
    ("congestive heart failure exacerbation, bilateral leg edema and orthopnea", "I50.9"),
    ("productive cough and fever for three days, crackles at right base", "J18.9"),
    ("wheezing, known asthma, used rescue inhaler four times today", "J45.901"),
    ("copd exacerbation requiring nebulizer treatments", "J44.1"),
    ("sore throat, no cough", "J02.9"),
    ("type 2 diabetes, a1c 9.2, started on metformin", "E11.9"),
    ("hypothyroidism, tsh high, levothyroxine dose increased", "E03.9"),
    ("hyperlipidemia, ldl 190 despite diet changes", "E78.5"),
    ("obesity, bmi 36, counseled on weight loss", "E66.9"),
    ("chronic low back pain worse with lifting, no radicular symptoms", "M54.5"),
    ("knee osteoarthritis with crepitus and morning stiffness", "M17.11"),
    ("gout flare in first metatarsophalangeal joint", "M10.9"),
    ("rotator cuff tendinitis, painful arc on abduction", "M75.1"),
] * 2


def words_of(text):
    return re.findall(r"[a-z0-9]+|[^\sa-z0-9]", text.lower())


def write_vocab(texts, folder):
    vocab = sorted({w for t in texts for w in words_of(t)})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
    return path


def chapter_of(code):
    return ICD_CHAPTERS[code[0]]


def encode_note(tok, text, code, max_len=40):
    enc = tok(text, truncation=True, max_length=max_len)
    return {"tok": enc["input_ids"], "vis": enc["attention_mask"], "chapter": chapter_of(code)}


def collate_notes(feats, pad_id=0):
    ids = pad_sequence([torch.tensor(f["tok"]) for f in feats], batch_first=True, padding_value=pad_id)
    vis = pad_sequence([torch.tensor(f["vis"]) for f in feats], batch_first=True, padding_value=0)
    y = torch.tensor([f["chapter"] for f in feats])
    return {"input_ids": ids, "attention_mask": vis, "labels": y}


def make_model(vocab_size, n_classes):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, num_labels=n_classes)
    return BertForSequenceClassification(cfg)


def train(model, dataset, collate, folder):
    args = TrainingArguments(output_dir=os.path.join(folder, "ckpt"), max_steps=3, per_device_train_batch_size=4,
                             learning_rate=1e-3, logging_steps=1, save_strategy="no", report_to="none",
                             use_cpu=True, disable_tqdm=True, remove_unused_columns=False, seed=7)
    trainer = Trainer(model=model, args=args, train_dataset=dataset, data_collator=collate)
    return trainer.train()


if __name__ == "__main__":
    folder = tempfile.mkdtemp()
    tok = BertTokenizer(write_vocab([t for t, _ in NOTES], folder))
    dataset = [encode_note(tok, text, code) for text, code in NOTES]
    model = make_model(tok.vocab_size, len(ICD_CHAPTERS))
    out = train(model, dataset, lambda feats: collate_notes(feats, tok.pad_token_id), folder)
    print("train loss", out.training_loss)
